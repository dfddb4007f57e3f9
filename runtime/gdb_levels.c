/* gdb_levels.c: see gdb_levels.h. Each step follows the script's command of the same
 * purpose, in the same order, so that ties and odd stacks come out the same. */
#include "gdb_levels.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "merge.h"

/* The functions pyp-find-other-frames looks for, in its order, by version. */
struct wanted { const char *name; enum pyp_other_kind kind; };

static size_t wanted_functions(const struct pyp_python *py, struct wanted *w)
{
    size_t n = 0;
    w[n++] = (struct wanted){ "take_gil", PYP_OTHER_GIL };
    int64_t gc = FACT(&py->table, FEATURE_GC_FUNCTIONS);
    if (gc == 1 || gc == 2)
        w[n++] = (struct wanted){ "collect", PYP_OTHER_GC };
    if (gc == 2)
        w[n++] = (struct wanted){ "gc_collect_main", PYP_OTHER_GC };
    if (gc != 1 && gc != 2) {
        w[n++] = (struct wanted){ "gc_collect_full", PYP_OTHER_GC };
        w[n++] = (struct wanted){ "gc_collect_young", PYP_OTHER_GC };
        w[n++] = (struct wanted){ "gc_collect_increment", PYP_OTHER_GC };
    }
    static const char *const vectorcalls[] = {
        "cfunction_vectorcall_FASTCALL", "cfunction_vectorcall_FASTCALL_KEYWORDS",
        "cfunction_vectorcall_FASTCALL_KEYWORDS_METHOD", "cfunction_vectorcall_NOARGS",
        "cfunction_vectorcall_O",
    };
    for (size_t i = 0; i < sizeof vectorcalls / sizeof *vectorcalls; i++)
        w[n++] = (struct wanted){ vectorcalls[i], PYP_OTHER_CFUNCTION };
    w[n++] = (struct wanted){ FACT(&py->table, FEATURE_CFUNCTION_CALL) == 1 ? "cfunction_call_varargs"
                                                                           : "cfunction_call",
                              PYP_OTHER_CFUNCTION };
    w[n++] = (struct wanted){ "wrapper_call", PYP_OTHER_WRAPPER };
    return n;
}

/* pyp-of-probe: the innermost frame of each wanted function (select-frame function). */
static void find_others(const struct pyp_python *py, const struct pyp_thread *th,
                        struct pyp_gdb_levels *out)
{
    struct wanted w[16];
    size_t n = wanted_functions(py, w);
    out->others = pyp_xcalloc(th->native_count + n + 1, sizeof *out->others);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < th->native_count; i++) {
            const char *f = th->native[i].function;
            if (f && strcmp(f, w[k].name) == 0) {
                out->others[out->other_count++] = (struct pyp_other_frame){
                    -1, w[k].kind, th->native[i].sp, th->native[i].pc };
                break;
            }
        }
}

/* pyp-level-probe's part for the other frames at LEVEL: the first frame with the saved
 * sp and pc gets the level; a frame returning to the same pc elsewhere on the stack is
 * another call of that function and gets an entry of its own. */
static void probe_others(struct pyp_gdb_levels *out, int level, uint64_t sp, uint64_t pc)
{
    size_t seen = out->other_count;
    for (size_t j = 0; j < seen; j++) {
        struct pyp_other_frame *o = &out->others[j];
        if (o->pc != pc)
            continue;
        if (o->level < 0) {
            if (o->sp == sp)
                o->level = level;
        } else if (o->level != level && o->sp != sp) {
            out->others[out->other_count++] = (struct pyp_other_frame){ level, o->kind, sp, pc };
            break;
        }
    }
}

/* pyp-level-probe's part for the anchors: an anchor lies in the C frame of the last
 * level whose sp is at or below it. */
static void probe_anchors(const struct pyp_stack *s, struct pyp_gdb_levels *out, int level,
                          uint64_t sp, size_t *next)
{
    while (*next < s->run_count) {
        uint64_t a = s->runs[*next].anchor;
        if (a == 0) {
            out->run_level[(*next)++] = -1;
        } else if (a >= sp || level == 0) {
            return;
        } else {
            out->run_level[(*next)++] = level - 1;
        }
    }
}

/* 3.8/3.9 (no anchor): a frame of the eval loop that DWARF describes (the script asks
 * GDB for the loop's local next_instr); of frames sharing an sp, the outermost. */
static bool is_eval_frame_with_dwarf(const struct pyp_native_frame *f)
{
    return f->file && !f->inlined && f->function && strcmp(f->function, "_PyEval_EvalFrameDefault") == 0;
}

void pyp_gdb_levels(const struct pyp_python *py, const struct pyp_stack *s,
                    const struct pyp_thread *th, uint64_t sel_sp, uint64_t sel_pc,
                    struct pyp_gdb_levels *out)
{
    memset(out, 0, sizeof *out);
    out->run_count = s->run_count;
    out->run_level = pyp_xcalloc(s->run_count + 1, sizeof *out->run_level);
    out->selected = -1;
    find_others(py, th, out);
    bool anchored = FACT(&py->table, FEATURE_C_ANCHOR) != 0;
    int *evals = pyp_xcalloc(th->native_count + 1, sizeof *evals);
    size_t eval_count = 0, next = 0;
    uint64_t eval_sp = 0;
    for (size_t i = 0; i < th->native_count; i++) {
        const struct pyp_native_frame *f = &th->native[i];
        int level = (int)i;
        probe_anchors(s, out, level, f->sp, &next);
        if (f->sp == sel_sp && f->pc == sel_pc && out->selected < 0)
            out->selected = level;
        probe_others(out, level, f->sp, f->pc);
        if (!anchored && is_eval_frame_with_dwarf(f)) {
            if (eval_count > 0 && eval_sp == f->sp)
                eval_count--;
            evals[eval_count++] = level;
            eval_sp = f->sp;
        }
    }
    int last = (int)th->native_count - 1;
    for (; next < s->run_count; next++) {
        out->run_level[next] = s->runs[next].anchor == 0 ? -1 : last;
        out->past_end |= s->runs[next].anchor != 0;
    }
    if (!anchored && eval_count == s->run_count)
        for (size_t r = 0; r < s->run_count; r++)
            out->run_level[r] = evals[r];
    if (out->selected < 0)
        out->selected = 0;
    free(evals);
}

void pyp_gdb_levels_free(struct pyp_gdb_levels *l)
{
    free(l->run_level);
    free(l->others);
    memset(l, 0, sizeof *l);
}
