/* gdb_levels.c: see gdb_levels.h. Each step follows the script's command of the same
 * purpose, in the same order, so that ties and odd stacks come out the same. */
#include "gdb_levels.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "merge.h"

/* Whether NAME is one of the '|'-separated NAMES. */
static bool one_of(const char *name, const char *names)
{
    size_t len = strlen(name);
    for (const char *p = names; p && *p;) {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, name, n) == 0)
            return true;
        p += n + (p[n] == '|');
    }
    return false;
}

/* The kind of C frame python-gdb.py names FUNCTION as, or 0; the same tests as the
 * script's pyp-of-backtrace (60-other-frames). */
static int other_kind(const char *function, const struct pyp_gdb_request *req)
{
    if (strcmp(function, "take_gil") == 0)
        return PYP_OTHER_GIL;
    if (one_of(function, req->other_gc))
        return PYP_OTHER_GC;
    if (strncmp(function, "cfunction_vectorcall_", 21) == 0 || strcmp(function, req->other_cc) == 0)
        return PYP_OTHER_CFUNCTION;
    if (strcmp(function, "wrapper_call") == 0)
        return PYP_OTHER_WRAPPER;
    return 0;
}

/* The other frames in GDB's backtrace, at their levels (the script's pyp-of-at); false
 * when GDB has a level pyprinter's unwinding lacks. */
static bool take_others(const struct pyp_gdb_request *req, const struct pyp_thread *th,
                        struct pyp_gdb_levels *out)
{
    out->others = pyp_xcalloc(req->bt_count + 1, sizeof *out->others);
    for (size_t j = 0; j < req->bt_count; j++) {
        int kind = other_kind(req->bt[j].function, req);
        int level = req->bt[j].level;
        if (!kind)
            continue;
        if ((size_t)level >= th->native_count)
            return false;
        const struct pyp_native_frame *f = &th->native[level];
        out->others[out->other_count++] = (struct pyp_other_frame){ level, (enum pyp_other_kind)kind,
                                                                    f->sp, f->pc };
    }
    return true;
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
    out->gdb_deeper = !take_others(req, th, out);
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
    out->selected_unknown = out->selected < 0;
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
