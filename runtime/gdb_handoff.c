/* gdb_handoff.c: see gdb_handoff.h. The text is built whole in memory and written only
 * when every frame could be read: a refusal prints nothing. */
#include "gdb_handoff.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "gdb_answer.h"
#include "gdb_other_guess.h"
#include "gdb_handoff_thread.h"
#include "gdb_repeat.h"
#include "gdb_tail_calls.h"
#include "repr.h"
#include "threads.h"

enum { MAX_NATIVE_FRAMES = 100000 };

static bool refuse(struct handoff *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool refuse(struct handoff *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->why, sizeof h->why, fmt, ap);
    va_end(ap);
    return false;
}

bool pyp_ho_open_target(struct handoff *h)
{
    struct pyp_open_options o = { .sysroot = h->req.sysroot, .exe = h->req.exe, .nonblocking = true };
    char err[512];
    enum pyp_open_error rc = h->req.target == PYP_GDB_CORE
                                 ? pyp_target_open_core(&h->target, h->req.core_path, &o, err, sizeof err)
                                 : pyp_target_open_pid(&h->target, h->req.pid, &o, err, sizeof err);
    if (rc != PYP_OPEN_OK)
        return refuse(h, "%s", err);
    h->target_open = true;
    /* GDB's frame levels count the inlined calls it knows from the DWARF it found: look
     * for DWARF where GDB looks, and only there. */
    if (h->req.debug_dirs)
        h->target.debug_dirs = pyp_xstrdup(h->req.debug_dirs);
    if (pyp_python_find(&h->py, &h->target, err, sizeof err) != PYP_FIND_OK)
        return refuse(h, "%s", err);
    h->python_found = true;
    return true;
}

/* The thread state of GDB's thread: the first, in list order, whose thread_id is the
 * thread's fs_base, as the script's pyp-find-tstate-walk finds it (0: none, when the
 * lists read whole). */
static bool find_thread_state(struct handoff *h)
{
    struct pyp_pythread *pts;
    char err[512];
    size_t n = pyp_python_threads(&h->py, &pts, err, sizeof err);
    for (size_t i = 0; i < n && !h->tstate; i++)
        if (pts[i].pthread_id == h->req.regs.fs_base)
            h->tstate = pts[i].tstate;
    free(pts);
    return !err[0] || refuse(h, "%s", err);
}

/* Plain printable ASCII, no tab: what the converter and the script print the same way. */
static bool plain(const char *s)
{
    for (; s && *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return false;
    return s != NULL;
}

static bool frames_readable(struct handoff *h)
{
    pyp_stack_walk(&h->py, h->tstate, PYP_MAX_FRAMES, &h->stack);
    if (h->stack.problem != PYP_CHAIN_OK)
        return refuse(h, "the frame chain is not sound (problem %d)", (int)h->stack.problem);
    for (size_t i = 0; i < h->stack.count; i++) {
        const struct pyp_frame_ref *f = &h->stack.frames[i];
        struct pyp_code *c = pyp_code_get(&h->py, f->code);
        int64_t q;
        if (!c || !plain(c->file) || !plain(c->name))
            return refuse(h, "frame 0x%llx: code object unreadable or names not plain ASCII",
                          (unsigned long long)f->address);
        if (!pyp_frame_position(&h->py, f->address, f->code, &q) || pyp_code_line(&h->py, c, q) < 0)
            return refuse(h, "frame 0x%llx: no line number", (unsigned long long)f->address);
    }
    return true;
}

static bool unwind(struct handoff *h)
{
    struct pyp_os_thread *os = pyp_target_thread(&h->target, h->req.lwp);
    if (!os)
        os = pyp_target_add_thread(&h->target, h->req.lwp);
    os->regs = h->req.regs;
    os->have_regs = true;
    char err[512];
    struct pyp_native *n = h->shared_native;
    if (!n) {
        n = pyp_native_open(&h->target, err, sizeof err);
        if (!n)
            return refuse(h, "no native unwinder: %s", err);
        /* The place store shared by GDB sessions: ~/.cache/pyprinter/places. */
        int cache = pyp_cache_dir_open();
        if (cache >= 0)
            pyp_native_keep_places(n, cache, h->req.debug_dirs, h->req.sysroot);
    }
    bool ok = pyp_native_unwind(n, h->req.lwp, MAX_NATIVE_FRAMES, PYP_NATIVE_DWARF, &h->native);
    if (n != h->shared_native)
        pyp_native_close(n);
    if (!ok || h->native.native_count == 0)
        return refuse(h, "the native stack of thread %d could not be unwound to its end", (int)h->req.lwp);
    pyp_gdb_add_tail_calls(&h->native, &h->req);
    return true;
}

/* pyp-stack's $pyp_selpy: the first Python C frame at or above the selected frame. */
static void choose_from(struct handoff *h)
{
    int best = -1;
    for (size_t r = 0; r < h->levels.run_count; r++) {
        int l = h->levels.run_level[r];
        if (l >= h->levels.selected && (best < 0 || l < best))
            best = l;
    }
    for (size_t j = 0; j < h->levels.other_count; j++) {
        int l = h->levels.others[j].level;
        if (l >= h->levels.selected && (best < 0 || l < best))
            best = l;
    }
    h->from = best < 0 ? 0 : best;
}

static void emit_check(struct handoff *h, struct pyp_buf *checks, int level)
{
    if (level < 0 || (size_t)level >= h->native.native_count || h->native.native[level].tail_call)
        return;
    const struct pyp_native_frame *f = &h->native.native[level];
    buf_printf(checks, "@@pyp-check\t%d\t%llx\t%llx\n", level, (unsigned long long)f->sp,
               (unsigned long long)f->pc);
}

/* Whether the unwinding reached the first function of the process or of the thread.
 * Then GDB may still count frames pyprinter does not (the tail calls it makes up from
 * DWARF call sites), but no eval-loop frame can lie past the end. */
static bool stack_ends_naturally(const struct handoff *h)
{
    const char *f = h->native.native[h->native.native_count - 1].function;
    return f && (strcmp(f, "_start") == 0 || strcmp(f, "start_thread") == 0 ||
                 strstr(f, "clone") != NULL);
}

/* Whether py-bt's text depends on the level of eval-loop run R. py-bt-full prints every
 * level. py-bt prints only their order: which runs come before or after each C frame
 * GDB prints (found in GDB's own backtrace), and where the selected frame's part starts;
 * an extra or missing frame in the middle would shift levels without reordering them
 * (both unwinders walk the same stack). So the run it starts at and those next to each
 * C frame it prints: checking every run would make GDB unwind the whole stack, 1,800
 * levels for 300 Python calls on 3.8-3.10. */
static bool run_level_shows(const struct handoff *h, size_t r)
{
    const struct pyp_gdb_levels *lv = &h->levels;
    int l = lv->run_level[r];
    if (h->full || l == h->from)
        return true;
    for (size_t j = 0; j < lv->other_count; j++) {
        int o = lv->others[j].level, below = -1, above = -1;
        for (size_t k = 0; k < lv->run_count; k++) {
            int x = lv->run_level[k];
            if (x >= 0 && x < o && x > below)
                below = x;
            if (x > o && (above < 0 || x < above))
                above = x;
        }
        if (l == below || l == above)
            return true;
    }
    return false;
}

/* Every level the text relies on, and (when the unwinding may have stopped early) that
 * GDB's stack ends where pyprinter's does; none for an answer shown at the stop whose
 * backtrace it was given, when that backtrace is pyprinter's frames level for level (a
 * batch's answers are kept for later stops: they are always checked). */
void pyp_ho_emit_checks(struct handoff *h, struct pyp_buf *checks)
{
    if (!h->units && pyp_gdb_frames_agree(&h->native, &h->req))
        return;
    for (size_t r = 0; r < h->levels.run_count; r++)
        if (run_level_shows(h, r))
            emit_check(h, checks, h->levels.run_level[r]);
    for (size_t j = 0; j < h->levels.other_count; j++)
        emit_check(h, checks, h->levels.others[j].level);
    emit_check(h, checks, h->levels.selected);
    if (!stack_ends_naturally(h))
        buf_printf(checks, "@@pyp-no-frame\t%zu\n", h->native.native_count);
}

static void emit_other(struct handoff *h, size_t j)
{
    const struct pyp_other_frame *o = &h->levels.others[j];
    char prefix[32];
    if (h->full)
        snprintf(prefix, sizeof prefix, "#%d ", o->level);
    else
        snprintf(prefix, sizeof prefix, "  ");
    if (o->kind == PYP_OTHER_GIL)
        buf_printf(&h->text, "%sWaiting for the GIL\n", prefix);
    else if (o->kind == PYP_OTHER_GC)
        buf_printf(&h->text, "%sGarbage-collecting\n", prefix);
    else {
        pyp_gdb_other_guesses(&h->py, &h->native, &h->req.regs, o, &h->text);
        buf_printf(&h->text, "@@pyp-other\t%d\t%d\t%s\n", (int)o->kind, o->level, prefix);
    }
}

/* pyp-emit-others-below: the other frames from level `from` up to BOUND (-1: all),
 * lowest level first, after the run of frames pending in RUN. */
static void emit_others_below(struct handoff *h, int bound, struct pyp_repeat *run)
{
    for (;;) {
        long best = -1;
        for (size_t j = 0; j < h->levels.other_count; j++) {
            int l = h->levels.others[j].level;
            if (l >= h->from && !h->other_done[j] && (bound < 0 || l < bound) &&
                (best < 0 || l < h->levels.others[best].level))
                best = (long)j;
        }
        if (best < 0)
            return;
        pyp_repeat_flush(run, &h->text);
        h->other_done[best] = true;
        emit_other(h, (size_t)best);
    }
}

/* A Python frame's text, with its source-line request, into TO. */
static bool emit_frame(struct handoff *h, const struct pyp_frame_ref *f, int level, struct pyp_buf *to)
{
    struct pyp_code *c = pyp_code_get(&h->py, f->code);
    int64_t q;
    pyp_frame_position(&h->py, f->address, f->code, &q);
    int line = pyp_code_line(&h->py, c, q);
    if (h->full) {
        if (level >= 0)
            buf_printf(to, "#%d ", level);
        else
            buf_adds(to, "#? ");
        if (!pyp_repr_frame(&h->py, f->address, f->code, to))
            return refuse(h, "frame 0x%llx could not be read whole", (unsigned long long)f->address);
        buf_addc(to, '\n');
    } else if (h->units) {
        buf_printf(to, "@@pyp-use\t%zu\n", pyp_units_id(h->units, c->file, line, c->name));
        return true;
    } else {
        buf_printf(to, "  File \"%s\", line %d, in %s\n", c->file, line, c->name);
    }
    buf_printf(to, "@@pyp-src\t%s\t%d\n", c->file, line);
    return true;
}

/* pyp-emit-stack, for the whole stack from level `from`; runs of identical frames sent
 * once (gdb_repeat.h). */
static bool emit_stack(struct handoff *h)
{
    h->other_done = pyp_xcalloc(h->levels.other_count + 1, sizeof *h->other_done);
    if (h->req.header)
        buf_printf(&h->text, "%s\n", h->req.header);
    if (h->stack.count == 0 && h->levels.other_count == 0)
        return refuse(h, "no Python frame");
    struct pyp_repeat run = { PYP_BUF_INIT, 0 };
    struct pyp_buf frame = PYP_BUF_INIT;
    bool ok = true;
    for (size_t i = 0; ok && i < h->stack.count; i++) {
        const struct pyp_frame_ref *f = &h->stack.frames[i];
        int level = h->levels.run_level[f->run];
        if (level >= 0 && level < h->from)
            continue;
        if (level >= 0)
            emit_others_below(h, level, &run);
        buf_clear(&frame);
        ok = emit_frame(h, f, level, &frame);
        if (ok)
            pyp_repeat_add(&run, &frame, &h->text);
    }
    if (ok)
        emit_others_below(h, -1, &run);
    pyp_repeat_flush(&run, &h->text);
    pyp_repeat_free(&run);
    buf_free(&frame);
    return ok;
}

/* py-repr: the object GDB names, once its first words read the same here. */
/* The script's pyp-check-version-number, when the request says the script's version. */
static bool version_as_expected(const struct handoff *h)
{
    return h->req.expect_version == 0 || pyp_version_fits(h->py.version_hex, h->req.expect_version);
}

static bool emit_repr(struct handoff *h)
{
    uint64_t words[2];
    if (h->req.limit != PYP_REPR_LIMIT)
        return refuse(h, "$pyp_limit is %ld, not %d", h->req.limit, (int)PYP_REPR_LIMIT);
    if (!version_as_expected(h))
        return refuse(h, "the inferior is CPython %s (0x%08lx), the script's is 0x%08lx", h->py.version,
                      h->py.version_hex, h->req.expect_version);
    if (!pyp_mem_read(h->py.mem, h->req.object, words, sizeof words) ||
        words[0] != h->req.object_words[0] || words[1] != h->req.object_words[1])
        return refuse(h, "the object at 0x%llx does not read as GDB reads it",
                      (unsigned long long)h->req.object);
    pyp_repr(&h->py, h->req.object, &h->text);
    buf_addc(&h->text, '\n');
    return true;
}

bool pyp_ho_answer_thread(struct handoff *h)
{
    h->full = strcmp(h->req.command, "bt-full") == 0;
    if (!find_thread_state(h))
        return false;
    if (!h->tstate) {
        buf_adds(&h->text, "Unable to locate python frame\n");
        return true;
    }
    if (!frames_readable(h) || !unwind(h))
        return false;
    pyp_gdb_levels(&h->py, &h->stack, &h->native, &h->req, &h->levels);
    if (h->levels.past_end)
        return refuse(h, "an eval-loop activation lies past the end of the native stack");
    if (h->levels.gdb_deeper)
        return refuse(h, "GDB's backtrace has more frames than pyprinter's unwinding");
    if (h->levels.selected_unknown)
        return refuse(h, "the selected frame is none of pyprinter's");
    choose_from(h);
    return emit_stack(h);
}

static bool run(struct handoff *h, FILE *in)
{
    if (!pyp_gdb_request_read(in, &h->req, h->why, sizeof h->why))
        return false;
    if (strcmp(h->req.command, "repr") == 0)
        return pyp_ho_open_target(h) && emit_repr(h);
    if (strcmp(h->req.command, "bt") != 0 && strcmp(h->req.command, "bt-full") != 0)
        return refuse(h, "no hand-off for '%s'", h->req.command);
    return pyp_ho_open_target(h) && pyp_ho_answer_thread(h);
}

void pyp_ho_release_thread(struct handoff *h)
{
    free(h->other_done);
    h->other_done = NULL;
    buf_free(&h->text);
    pyp_gdb_levels_free(&h->levels);
    for (size_t i = 0; i < h->native.native_count; i++) {
        free(h->native.native[i].function);
        free(h->native.native[i].module);
        free(h->native.native[i].file);
    }
    free(h->native.native);
    h->native = (struct pyp_thread){ 0 };
    pyp_stack_free(&h->stack);
    h->tstate = 0;
    h->from = 0;
    h->why[0] = '\0';
}

void pyp_ho_release(struct handoff *h)
{
    pyp_ho_release_thread(h);
    if (h->python_found) {
        pyp_code_cache_free(&h->py);
        pyp_python_free(&h->py);
    }
    if (h->target_open)
        pyp_target_close(&h->target);
    pyp_gdb_request_free(&h->req);
}

int pyp_gdb_handoff(FILE *in, FILE *out)
{
    struct handoff h;
    memset(&h, 0, sizeof h);
    bool ok = run(&h, in);
    if (ok) {
        struct pyp_buf checks = PYP_BUF_INIT;
        if (h.native.native_count)
            pyp_ho_emit_checks(&h, &checks);
        fprintf(out, "@@pyp-handoff\n%s@@pyp-begin\n%s", buf_str(&checks), buf_str(&h.text));
        buf_free(&checks);
    } else {
        fprintf(stderr, "pyprinter gdb: not handed off: %s\n", h.why);
    }
    pyp_ho_release(&h);
    return ok ? 0 : 1;
}
