/* gdb_levels.h: GDB's frame levels for a thread's Python stack, computed from
 * pyprinter's own unwinding exactly as the GDB script's pyp-map-levels and
 * pyp-find-other-frames compute them from GDB's (templates/20-frames.gdb.in,
 * 60-other-frames.gdb.in): the level of each eval-loop run, the C frames python-gdb.py
 * names (waiting for the GIL, collecting garbage, a C function or slot wrapper being
 * called) with their levels, and the level of the selected frame.
 *
 * A native frame's index is taken as its GDB level. That holds only when both unwinders
 * see the same frames, so every level used here is also handed back to GDB to check
 * (gdb_handoff.c). */
#ifndef PYP_GDB_LEVELS_H
#define PYP_GDB_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "frames.h"
#include "gdb_request.h"
#include "python.h"
#include "report.h"

enum pyp_other_kind { PYP_OTHER_GIL = 1, PYP_OTHER_GC = 2, PYP_OTHER_CFUNCTION = 3,
                      PYP_OTHER_WRAPPER = 4 };

struct pyp_other_frame {
    int level;
    enum pyp_other_kind kind;
    uint64_t sp, pc;
};

struct pyp_gdb_levels {
    int *run_level;           /* per run of the stack, -1 unknown */
    size_t run_count;
    struct pyp_other_frame *others;
    size_t other_count;
    int selected;             /* the level of the selected frame (0 when not found) */
    bool selected_unknown;    /* no frame has the selected frame's sp and pc (GDB's own
                                 frame of a tail call: gdb_tail_calls.h) */
    bool past_end;            /* a run's anchor lies past the last frame (placed there) */
    bool gdb_deeper;          /* GDB's backtrace names a level past pyprinter's last frame */
};

/* Levels of stack S over the native frames of TH (innermost first), with the selected
 * frame and the other frames named in GDB's backtrace in REQ. */
void pyp_gdb_levels(const struct pyp_python *py, const struct pyp_stack *s,
                    const struct pyp_thread *th, const struct pyp_gdb_request *req,
                    struct pyp_gdb_levels *out);
void pyp_gdb_levels_free(struct pyp_gdb_levels *l);

#endif
