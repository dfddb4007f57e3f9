/* code.h: what the decoder needs of a code object, read once per code object and kept
 * (a deep recursion meets the same code object hundreds of times): its names, first line,
 * line table, local variable names and kinds, and the base its instruction offsets are
 * counted from. */
#ifndef PYP_CODE_H
#define PYP_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"
#include "python.h"

/* What a fast-local slot holds (CPython 3.11+'s CO_FAST_* kinds, the same for 3.8-3.10). */
enum pyp_slot_kind {
    PYP_SLOT_LOCAL = 1,
    PYP_SLOT_CELL = 2,        /* holds a cell once the frame started */
    PYP_SLOT_FREE = 4,        /* holds a cell of the enclosing function */
    PYP_SLOT_HIDDEN = 8,      /* an inlined comprehension's temporary (3.12+) */
};

struct pyp_code {
    uint64_t address;
    char *file;               /* co_filename, NULL if unreadable */
    char *name;               /* co_name */
    char *qualname;           /* co_qualname (3.11+) */
    int firstlineno;
    uint32_t flags;           /* co_flags */
    int argcount, kwonlyargcount;
    unsigned char *linetable; /* co_lnotab / co_linetable bytes */
    size_t linetable_size;
    bool linetable_ok;
    uint64_t instructions;    /* 3.11+: address of co_code_adaptive */
    /* Fast locals: names and kinds of every slot (3.11+ localsplus; 3.8-3.10 varnames,
     * then cellvars, then freevars, with kinds made up the same way). */
    size_t slot_count;
    size_t nlocals;           /* co_nlocals */
    char **slot_names;
    unsigned char *slot_kinds; /* enum pyp_slot_kind bits */
    bool slots_ok;
    struct pyp_hashmap lines; /* position + 1 -> line + 2, a cache */
};

/* The code object at ADDRESS (cached in py->codes); NULL when it is not a readable code
 * object. */
struct pyp_code *pyp_code_get(struct pyp_python *py, uint64_t address);
/* Frees every cached code object of PY. */
void pyp_code_cache_free(struct pyp_python *py);

/* linetable.c: the line of code position Q (bytes for 3.8-3.9, 3.10's doubled f_lasti,
 * code units for 3.11+, as feature.linetable says), -1 when the table has none. */
int pyp_code_line(struct pyp_python *py, struct pyp_code *code, int64_t q);

#endif
