/* merge.c: see merge.h. The rule is the GDB script's pyp-map-levels
 * (templates/20-frames.gdb.in):
 *
 *   anchors (3.10+)  a run belongs to the C frame whose part of the stack, [its sp, the
 *                    next older frame's sp), holds the run's anchor; inlined frames share
 *                    their function's sp, and the outermost of them, the real function,
 *                    takes the run. That frame must be an eval loop when it is named.
 *   no anchor        runs and the C frames named as eval loops are paired in order, both
 *   (3.8/3.9)        innermost first, only when there are as many of each.
 *
 * Any disagreement leaves every run unplaced and says why in merge_problem. */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

bool pyp_is_eval_function(const char *function)
{
    return function && (strncmp(function, "_PyEval_EvalFrameDefault", 24) == 0 ||
                        strncmp(function, "_TAIL_CALL_", 11) == 0);
}

/* The frame whose part of the stack holds ANCHOR, or -1. */
static long frame_holding(const struct pyp_thread *t, uint64_t anchor)
{
    for (size_t i = 0; i < t->native_count; i++) {
        uint64_t sp = t->native[i].sp;
        if (!sp || anchor < sp)
            continue;
        size_t outermost = i;
        size_t older = i + 1;
        while (older < t->native_count && (t->native[older].sp == sp || !t->native[older].sp)) {
            if (t->native[older].sp == sp)
                outermost = older;
            older++;
        }
        if (older < t->native_count && anchor < t->native[older].sp)
            return (long)outermost;
        i = older - 1;
    }
    return -1;
}

static void set_problem(struct pyp_thread *t, char *why)
{
    if (!t->merge_problem)
        t->merge_problem = why;
    else
        free(why);
}

/* Whether run R holds any Python frame. An activation can hold none (3.12+: one just
 * entered; 3.15: the thread state's sentinel frame ends the chain like one): such a run
 * is placed when its anchor is found, and is no evidence against the merge otherwise. */
static bool run_has_frames(const struct pyp_stack *s, size_t r)
{
    for (size_t k = 0; k < s->count; k++)
        if (s->frames[k].run == (int)r)
            return true;
    return false;
}

static void by_anchor(const struct pyp_stack *s, struct pyp_thread *t)
{
    long previous = -1;
    for (size_t r = 0; r < s->run_count && !t->merge_problem; r++) {
        uint64_t anchor = s->runs[r].anchor;
        long i = anchor ? frame_holding(t, anchor) : -1;
        const char *name = i >= 0 ? t->native[i].function : NULL;
        bool needed = run_has_frames(s, r);
        if (i < 0 && !needed)
            continue;
        if (i < 0)
            set_problem(t, anchor ? pyp_xasprintf("eval-loop activation %zu (anchor 0x%llx) is "
                                                  "in no C frame of the stack", r,
                                                  (unsigned long long)anchor)
                                  : pyp_xasprintf("eval-loop activation %zu has no anchor on "
                                                  "the C stack", r));
        else if (name && !pyp_is_eval_function(name))
            set_problem(t, pyp_xasprintf("eval-loop activation %zu lands in C frame #%ld, %s, "
                                         "not the eval loop", r, i, name));
        else if (i <= previous)
            set_problem(t, pyp_xasprintf("eval-loop activations land in C frames out of order "
                                         "(activation %zu in #%ld, after #%ld)", r, i, previous));
        else
            t->native[i].run = (int)r;
        previous = i;
    }
}

/* Eval-loop C frames, innermost first: one per activation (its inlined frames and its
 * .cold part share the activation's sp). */
static size_t eval_frames(const struct pyp_thread *t, size_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < t->native_count; i++) {
        if (!pyp_is_eval_function(t->native[i].function))
            continue;
        if (n > 0 && t->native[out[n - 1]].sp == t->native[i].sp)
            continue;
        out[n++] = i;
    }
    return n;
}

static void by_count(const struct pyp_stack *s, struct pyp_thread *t)
{
    size_t *evals = pyp_xcalloc(t->native_count ? t->native_count : 1, sizeof *evals);
    size_t n = eval_frames(t, evals);
    if (n != s->run_count)
        set_problem(t, pyp_xasprintf("%zu eval-loop C frames for %zu eval-loop activations",
                                     n, s->run_count));
    else
        for (size_t r = 0; r < n; r++)
            t->native[evals[r]].run = (int)r;
    free(evals);
}

void pyp_merge(const struct pyp_python *py, const struct pyp_stack *s, struct pyp_thread *t)
{
    if (s->run_count == 0)
        return;
    if (t->native_count == 0) {
        set_problem(t, pyp_xasprintf("no C frames could be unwound"));
        return;
    }
    if (FACT(&py->table, FEATURE_C_ANCHOR) != 0)
        by_anchor(s, t);
    else
        by_count(s, t);
    if (t->merge_problem)
        for (size_t i = 0; i < t->native_count; i++)
            t->native[i].run = -1;
}
