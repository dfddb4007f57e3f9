/* merge.h: placing a thread's Python frames among its native frames. Each eval-loop run
 * (frames.h) is tied to the C frame of its _PyEval_EvalFrameDefault activation by its
 * anchor, an address inside that C frame's part of the stack (3.10+), or, where there is
 * no anchor (3.8/3.9), by pairing runs with eval-loop C frames named by the symbol table
 * when the counts agree, as the GDB script does. When the evidence disagrees (an anchor
 * in a frame that is not an eval loop, counts that differ), nothing is guessed: the
 * problem is recorded and both stacks are shown apart. */
#ifndef PYP_MERGE_H
#define PYP_MERGE_H

#include "frames.h"
#include "python.h"
#include "report.h"

/* Sets T->native[i].run for the C frame each run of S executes, or T->merge_problem. */
void pyp_merge(const struct pyp_python *py, const struct pyp_stack *s, struct pyp_thread *t);

/* Whether FUNCTION names a C function of the eval loop (_PyEval_EvalFrameDefault, its
 * .cold part, the 3.14+ tail-call handlers _TAIL_CALL_*). */
bool pyp_is_eval_function(const char *function);

#endif
