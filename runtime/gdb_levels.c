/* gdb_levels.c: see gdb_levels.h. Each step follows the script's command of the same
 * purpose, in the same order, so that ties and odd stacks come out the same. */
#include "gdb_levels.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "merge.h"

/* The other frames GDB found (pyp-find-other-frames: the innermost frame of each
 * function), not yet placed. */
static void take_others(const struct pyp_gdb_other *given, size_t count, size_t frames,
                        struct pyp_gdb_levels *out)
{
    out->others = pyp_xcalloc(frames + count + 1, sizeof *out->others);
    for (size_t j = 0; j < count; j++)
        out->others[out->other_count++] = (struct pyp_other_frame){
            -1, (enum pyp_other_kind)given[j].kind, given[j].sp, given[j].pc };
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
    return f->file && !f->inlined && pyp_is_eval_function(f->function);
}

void pyp_gdb_levels(const struct pyp_python *py, const struct pyp_stack *s,
                    const struct pyp_thread *th, const struct pyp_gdb_request *req,
                    struct pyp_gdb_levels *out)
{
    uint64_t sel_sp = req->sel_sp, sel_pc = req->sel_pc;
    memset(out, 0, sizeof *out);
    out->run_count = s->run_count;
    out->run_level = pyp_xcalloc(s->run_count + 1, sizeof *out->run_level);
    out->selected = -1;
    take_others(req->others, req->other_count, th->native_count, out);
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
