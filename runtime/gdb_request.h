/* gdb_request.h: what the GDB script tells pyprinter when it hands a command over
 * (`pyprinter gdb`, see gdb_handoff.h). The script pipes, on pyprinter's standard input:
 *
 *   @command bt                      the py-* command (bt, bt-full, repr)
 *   <info inferiors>                 "* 1  process 8856  1 (core)  /usr/bin/python3.12"
 *   <info target>                    "Symbols from ...", "Local core dump file: `CORE'"
 *   <thread>                         "[Current thread is 1 (Thread 0x... (LWP 8856))]"
 *   @sysroot "target:"               GDB's settings, as `output` prints a string
 *   @debug-file-directory "/usr/lib/debug"   (where GDB looks for detached DWARF)
 *   @regs RAX RDX RCX RBX RSI RDI RBP RSP R8 ... R15 RIP FS_BASE   (hex, frame 0)
 *   @selected SP PC                  the selected frame (hex)
 *   @other-gc "collect|gc_collect_main"   the names of the C frames python-gdb.py
 *   @other-cc "cfunction_call"            shows as collecting garbage, and the
 *                                         generic C call (60-other-frames)
 *   @bt                              then GDB's backtrace, as the script reads it
 *   <bt -frame-arguments none -frame-info short-location -no-filters>
 *   @end-bt
 *   @header Traceback (most recent call first):   the command's first line, if any
 *   @object ADDR WORD0 WORD1         repr: the object, and its first two words as GDB
 *                                    read them (hex)
 *   @limit 1024                      repr: the script's $pyp_limit
 *   @expect 30c01f0                  repr: the PY_VERSION_HEX the script is for; the
 *                                    answer is refused unless the inferior's matches it
 *                                    as the script's own check would have it
 *
 * bt and bt-full need everything but @object and @limit; repr needs only the command,
 * the inferior, the target, the sysroot, @object and @limit; identify (pyprinter.gdb's
 * `pyprinter gdb-identify`) only the inferior, the target and the sysroot, and also
 * takes an inferior with no process ("* 1  <null>  /usr/bin/python3.12") and a target
 * that is neither a core nor a native process (then its program file is read).
 *   @end
 *
 * GDB's own words are parsed as GDB 13 to 18 print them; anything not understood leaves
 * the request incomplete, and an incomplete request is refused. */
#ifndef PYP_GDB_REQUEST_H
#define PYP_GDB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/user.h>

/* PYP_GDB_NONE: the inferior runs no process and has no core ("<null>"). */
enum pyp_gdb_target { PYP_GDB_UNKNOWN, PYP_GDB_CORE, PYP_GDB_NATIVE, PYP_GDB_OTHER, PYP_GDB_NONE };

struct pyp_gdb_request {
    char command[16];
    enum pyp_gdb_target target;
    pid_t pid;
    pid_t lwp;                  /* the selected thread */
    char *core_path;
    char *exe;                  /* "Symbols from" */
    char *exec_file;            /* "Local exec file:" */
    char *sysroot;              /* NULL for "" or "target:" (the target's own files) */
    char *debug_dirs;           /* GDB's debug-file-directory; NULL when not sent */
    bool have_regs;
    struct user_regs_struct regs;
    bool have_selected;
    uint64_t sel_sp, sel_pc;
    char *other_gc, *other_cc;
    struct pyp_gdb_frame {      /* GDB's backtrace */
        int level;
        char *function;
        uint64_t pc;            /* the address GDB printed, 0 when none (an inlined call's caller) */
    } *bt;
    size_t bt_count;
    bool have_bt;               /* "@end-bt" was read */
    char *header;               /* NULL when the command prints none */
    bool have_object;
    uint64_t object, object_words[2];
    long limit;
    unsigned long expect_version;   /* 0 when not sent */
    bool ended;                 /* "@end" was read */
};

/* Reads a request from IN into R. False, with one line in WHY, when it is incomplete or
 * not for a core or a native process. */
bool pyp_gdb_request_read(FILE *in, struct pyp_gdb_request *r, char *why, size_t why_size);
void pyp_gdb_request_free(struct pyp_gdb_request *r);

#endif
