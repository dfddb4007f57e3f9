/* native.h: a thread's native (C) stack, unwound with libdwfl from the target's
 * registers and memory (live or core alike: the unwinder reads through the target's
 * memory source), each frame named from the symbol tables, from DWARF when there is
 * some (with inlined calls as frames of their own), else as module+offset. */
#ifndef PYP_NATIVE_H
#define PYP_NATIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"
#include "target.h"

struct pyp_native;

/* An unwinder over target T (NULL when libdwfl cannot be set up; ERR says why). */
struct pyp_native *pyp_native_open(struct pyp_target *t, char *err, size_t err_size);
void pyp_native_close(struct pyp_native *n);
/* Keeps the DWARF names of code addresses between runs in directory DIR (closed with N),
 * for DWARF looked for in DIRS under SYSROOT (NULL for none), and takes them from there
 * (native_place_store.c). */
void pyp_native_keep_places(struct pyp_native *n, int dir, const char *dirs, const char *sysroot);

/* How much to say about each frame. */
enum pyp_native_detail {
    PYP_NATIVE_SYMBOLS,       /* function names from the symbol tables only: cheap */
    PYP_NATIVE_DWARF,         /* with DWARF: source lines, inlined calls as frames */
};

/* Unwinds OS thread TID into OUT->native (at most MAX frames), innermost first. False,
 * with OUT->native possibly partial, when the unwinder stopped on an error. */
bool pyp_native_unwind(struct pyp_native *n, pid_t tid, size_t max, enum pyp_native_detail detail,
                       struct pyp_thread *out);

#endif
