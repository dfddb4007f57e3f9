/* gdb_handoff_thread.h: one thread's py-bt or py-bt-full answer, the part shared by the
 * hand-off of one command (gdb_handoff.c) and the batch that answers every thread at once
 * (gdb_batch.c): the target opened once, then for each thread its thread state, frames,
 * native frames and GDB levels, its checks and its text. */
#ifndef PYP_GDB_HANDOFF_THREAD_H
#define PYP_GDB_HANDOFF_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "frames.h"
#include "gdb_levels.h"
#include "gdb_request.h"
#include "gdb_units.h"
#include "native.h"
#include "python.h"
#include "report.h"
#include "target.h"

struct handoff {
    struct pyp_gdb_request req;
    struct pyp_target target;
    bool target_open;
    struct pyp_python py;
    bool python_found;
    struct pyp_native *shared_native; /* the batch's unwinder; NULL: one of its own */
    struct pyp_units *units;      /* the batch's frame lines; NULL: frames as text */
    struct pyp_stack stack;
    struct pyp_thread native;     /* the selected thread's native frames */
    struct pyp_gdb_levels levels;
    bool full;                    /* py-bt-full */
    uint64_t tstate;              /* the thread's PyThreadState, 0 when it runs no Python */
    int from;                     /* the first level shown (the selected Python frame's) */
    bool *other_done;
    struct pyp_buf text;
    char why[512];
};

/* Opens the target and finds its CPython, as H->req names them; false with H->why. */
bool pyp_ho_open_target(struct handoff *h);

/* The py-bt or py-bt-full text of H->req's thread into H->text; false with H->why when
 * it cannot be shown as the script would show it. */
bool pyp_ho_answer_thread(struct handoff *h);

/* The checks GDB makes before it shows the text, into CHECKS. */
void pyp_ho_emit_checks(struct handoff *h, struct pyp_buf *checks);

/* Frees what the last thread's answer holds, ready for the next. */
void pyp_ho_release_thread(struct handoff *h);

/* Frees everything, the request included. */
void pyp_ho_release(struct handoff *h);

#endif
