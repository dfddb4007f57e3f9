/* frames.h: a thread's Python frames, from its PyThreadState (never from C locals, so
 * optimized and stripped builds work), newest first, as the GDB script's pyp-collect
 * walks them (templates/20-frames.gdb.in):
 *
 *   3.8-3.10  tstate->frame, f_back: PyFrameObjects, one per eval-loop activation;
 *   3.11-3.12 tstate->cframe->current_frame, previous: _PyInterpreterFrames;
 *   3.13+     tstate->current_frame, previous.
 *
 * Frames are grouped in "runs", one per activation of the eval loop (3.11: a run ends
 * with the frame marked is_entry; 3.12+: at a shim frame, owner.shim, which is not
 * printed). Each run keeps an "anchor", an address that lies inside the C stack frame of
 * its _PyEval_EvalFrameDefault (3.10/3.11 its _PyCFrame record, 3.12+ its shim frame):
 * that is how Python frames are placed among native frames. */
#ifndef PYP_FRAMES_H
#define PYP_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "python.h"

struct pyp_frame_ref {
    uint64_t address;         /* PyFrameObject * (3.8-3.10) or _PyInterpreterFrame * */
    uint64_t code;            /* its code object */
    int run;
};

struct pyp_run {
    uint64_t anchor;          /* a C-stack address in its eval-loop C frame; 0 unknown */
};

enum pyp_chain_problem { PYP_CHAIN_OK = 0, PYP_CHAIN_CYCLE = 1, PYP_CHAIN_TOO_LONG = 2,
                         PYP_CHAIN_UNREADABLE = 3 };

struct pyp_stack {
    struct pyp_frame_ref *frames;
    size_t count;
    struct pyp_run *runs;
    size_t run_count;
    size_t walked;            /* frames of the chain, Python or not */
    enum pyp_chain_problem problem;
    uint64_t bad_address;     /* PYP_CHAIN_UNREADABLE: the frame that could not be read */
};

/* Walks the frames of TSTATE into S (which the caller frees with pyp_stack_free), at
 * most MAX_FRAMES of them (and never more than PYP_MAX_FRAMES). */
enum { PYP_MAX_FRAMES = 100000 };
void pyp_stack_walk(struct pyp_python *py, uint64_t tstate, size_t max_frames, struct pyp_stack *s);
void pyp_stack_free(struct pyp_stack *s);

/* The code object of frame FRAME and whether it runs Python code (not a shim, not a
 * sentinel), as the walk decides. */
bool pyp_frame_code(struct pyp_python *py, uint64_t frame, uint64_t *code);

/* Frame FRAME's position in its code, in the unit pyp_code_line wants; false when it
 * cannot be read. */
bool pyp_frame_position(struct pyp_python *py, uint64_t frame, uint64_t code, int64_t *q);

/* The base address of frame FRAME's local slots (f_localsplus / localsplus). */
uint64_t pyp_frame_slots(const struct pyp_python *py, uint64_t frame);
/* Frame FRAME's globals and builtins dicts. */
bool pyp_frame_globals(struct pyp_python *py, uint64_t frame, uint64_t *globals,
                       uint64_t *builtins);

#endif
