/* decode.c: see decode.h. */
#include "decode.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "code.h"
#include "frames.h"
#include "locals.h"
#include "merge.h"
#include "native.h"
#include "source.h"
#include "threads.h"

enum { MAX_NATIVE = 4096, STATUS_FRAMES = 48, PTHREAD_SCAN = 2048,
       /* Frames walked in all threads: a real process stays far below, a corrupt one
        * must not keep pyprinter busy for minutes. */
       FRAME_BUDGET = 2000000 };

static char *dup_or_null(const char *s)
{
    return s ? pyp_xstrdup(s) : NULL;
}

void pyp_describe(const struct pyp_target *t, const struct pyp_python *py, struct pyp_report *r)
{
    r->core = t->kind == PYP_TARGET_CORE;
    r->pid = t->pid;
    r->core_path = dup_or_null(t->core_path);
    r->executable = dup_or_null(t->exe);
    r->command = dup_or_null(t->command);
    r->signal = t->signal;
    r->fault_addr = t->fault_addr;
    if (py && py->version[0]) {
        r->python_version = pyp_xstrdup(py->version);
        r->version_hex = py->version_hex;
        r->variant = pyp_xstrdup(py->variant);
        r->runtime = py->runtime;
        r->found_by = pyp_xstrdup(py->found_by);
        for (size_t i = 0; i < py->note_count; i++)
            pyp_report_note(r, "%s", py->notes[i]);
    }
    if (t->missing_files)
        pyp_report_note(r, "%zu file%s the core maps %s not on this machine (%s%s): what the "
                           "core did not dump from them cannot be read; pass --sysroot DIR if "
                           "they are under DIR",
                        t->missing_files, t->missing_files == 1 ? "" : "s",
                        t->missing_files == 1 ? "is" : "are", t->missing_example,
                        t->missing_files > 1 ? ", ..." : "");
    if (t->truncated)
        pyp_report_note(r, "the core file is truncated: memory past its end reads as unreadable");
}

/* 3.8-3.10 read without stopping: no registers, so the OS thread of each Python thread
 * comes from glibc's struct pthread, whose tid field is found where the main thread's
 * holds the process id. */
static void match_by_pthread_tid(struct pyp_python *py, const struct pyp_target *t,
                                 struct pyp_pythread *pts, size_t n, pid_t *tid_of)
{
    for (size_t main = 0; main < n; main++) {
        int32_t words[PTHREAD_SCAN / 4];
        if (!pyp_mem_read(py->mem, pts[main].pthread_id, words, sizeof words))
            continue;
        for (size_t k = 1; k < PTHREAD_SCAN / 4; k++) {
            if (words[k] != t->pid)
                continue;
            bool all = true;
            for (size_t j = 0; j < n && all; j++) {
                int32_t tid;
                all = pyp_mem_i32(py->mem, pts[j].pthread_id + 4 * k, &tid) &&
                      pyp_target_thread(t, tid) != NULL;
                if (all)
                    tid_of[j] = tid;
            }
            if (all)
                return;
        }
    }
    memset(tid_of, 0, n * sizeof *tid_of);
}

/* For each OS thread of T, the Python thread running on it (index into PTS or -1). */
static void match_threads(struct pyp_python *py, const struct pyp_target *t,
                          struct pyp_pythread *pts, size_t n, long *python_of)
{
    pid_t *tid_of = pyp_xcalloc(n, sizeof *tid_of);
    bool any_regs = false;
    for (size_t i = 0; i < t->thread_count; i++)
        any_regs |= t->threads[i].have_regs;
    if (!HAS(&py->table, TSTATE_NATIVE_THREAD_ID) && !any_regs)
        match_by_pthread_tid(py, t, pts, n, tid_of);
    for (size_t i = 0; i < t->thread_count; i++) {
        const struct pyp_os_thread *os = &t->threads[i];
        python_of[i] = -1;
        for (size_t j = 0; j < n && python_of[i] < 0; j++) {
            bool by_tid = (pts[j].native_id > 0 && pts[j].native_id == os->tid) ||
                          (tid_of[j] > 0 && tid_of[j] == os->tid);
            bool by_pthread = os->have_regs && pts[j].pthread_id && pts[j].pthread_id == os->regs.fs_base;
            if (by_tid || by_pthread)
                python_of[i] = (long)j;
        }
    }
    free(tid_of);
}

static void read_frames(struct pyp_python *py, struct pyp_sources *src, const struct pyp_stack *s,
                        const struct pyp_decode_options *o, struct pyp_thread *th)
{
    for (size_t i = 0; i < s->count; i++) {
        const struct pyp_frame_ref *ref = &s->frames[i];
        struct pyp_pyframe *f = pyp_thread_add_frame(th);
        f->address = ref->address;
        f->code = ref->code;
        f->run = ref->run;
        struct pyp_code *c = pyp_code_get(py, ref->code);
        int64_t q;
        if (!c || !c->file || !c->name) {
            f->error = pyp_xasprintf("cannot read the code object at 0x%llx",
                                     (unsigned long long)ref->code);
            continue;
        }
        f->file = pyp_xstrdup(c->file);
        f->function = pyp_xstrdup(c->name);
        f->qualname = dup_or_null(c->qualname);
        f->line = pyp_frame_position(py, ref->address, ref->code, &q) ? pyp_code_line(py, c, q) : -1;
        if (o->sources && f->line > 0)
            f->source = pyp_source_line(src, f->file, f->line);
        if (o->locals)
            pyp_frame_locals(py, ref->address, ref->code, f);
    }
    th->run_count = (int)s->run_count;
    th->chain_problem = (int)s->problem;
    if (s->problem == PYP_CHAIN_UNREADABLE && s->bad_address == th->tstate)
        th->error = pyp_xasprintf("cannot read the newest frame of the thread state at 0x%llx",
                                  (unsigned long long)th->tstate);
    else if (s->problem == PYP_CHAIN_UNREADABLE)
        th->error = pyp_xasprintf("cannot read the frame at 0x%llx", (unsigned long long)s->bad_address);
    else if (s->count == 0 && s->walked > 2)
        th->error = pyp_xasprintf("none of the %zu frames of the chain holds a readable code object",
                                  s->walked);
}

/* Whether FUNCTION is NAME, or a compiler's copy of it named from the symbol table
 * ("take_gil.lto_priv.0", "collect.constprop.0"). */
static bool names_function(const char *function, const char *name)
{
    size_t n = strlen(name);
    return function && strncmp(function, name, n) == 0 && (function[n] == '\0' || function[n] == '.');
}

static bool stack_names(const struct pyp_thread *th, const char *const *names)
{
    for (size_t i = 0; i < th->native_count; i++)
        for (const char *const *n = names; *n; n++)
            if (names_function(th->native[i].function, *n))
                return true;
    return false;
}

static const char *const gil_wait_functions[] = { "take_gil", "PyEval_RestoreThread",
                                                  "PyEval_AcquireThread", "PyEval_AcquireLock",
                                                  NULL };
static const char *const gc_functions[] = { "collect", "gc_collect_main", "gc_collect_full",
                                            "gc_collect_young", "gc_collect_increment", NULL };

static void set_status(struct pyp_python *py, const struct pyp_pythread *pt, struct pyp_thread *th)
{
    if (strcmp(py->variant, "freethreaded") == 0) {
        th->gil = PYP_GIL_NONE;
        th->gc = pt->gc_running && stack_names(th, gc_functions);
        return;
    }
    if (pt->gil == 1)
        th->gil = PYP_GIL_HELD;
    else if (pt->gil_requested || (pt->gil == 0 && stack_names(th, gil_wait_functions)))
        th->gil = PYP_GIL_WAITING;
    else if (pt->gil == 0)
        th->gil = PYP_GIL_RELEASED;
    th->gc = (pt->gc_running && pt->gil == 1) || stack_names(th, gc_functions);
}

static void decode_thread(struct pyp_python *py, struct pyp_target *t, struct pyp_sources *src,
                          struct pyp_native *native, const struct pyp_decode_options *o,
                          const struct pyp_os_thread *os, const struct pyp_pythread *pt,
                          size_t *budget, struct pyp_report *r)
{
    struct pyp_thread *th = pyp_report_add_thread(r);
    if (os) {
        th->tid = os->tid;
        th->name = os->name[0] ? pyp_xstrdup(os->name) : NULL;
        th->is_main = os->tid == t->pid;
    }
    bool want_native = native && os && os->have_regs &&
                       (o->native || (o->status_unwind && pt && pt->gil == 0));
    if (want_native) {
        if (o->native)
            pyp_native_unwind(native, os->tid, MAX_NATIVE, PYP_NATIVE_DWARF, th);
        else
            pyp_native_unwind(native, os->tid, STATUS_FRAMES, PYP_NATIVE_SYMBOLS, th);
        th->has_native = o->native;
    }
    if (!pt)
        return;
    th->tstate = pt->tstate;
    th->pthread_id = pt->pthread_id;
    th->interpreter_id = pt->interp_id;
    struct pyp_stack s;
    pyp_stack_walk(py, pt->tstate, *budget, &s);
    *budget = *budget > s.walked ? *budget - s.walked : 0;
    read_frames(py, src, &s, o, th);
    set_status(py, pt, th);
    if (th->has_native)
        pyp_merge(py, &s, th);
    else if (th->native_count) {
        /* Unwound only for the status: not part of the report. */
        for (size_t i = 0; i < th->native_count; i++) {
            free(th->native[i].function);
            free(th->native[i].module);
            free(th->native[i].file);
        }
        free(th->native);
        th->native = NULL;
        th->native_count = 0;
    }
    pyp_stack_free(&s);
}

void pyp_decode(struct pyp_target *t, struct pyp_python *py, const struct pyp_decode_options *o,
                struct pyp_report *r)
{
    char err[512], list_err[512];
    struct pyp_pythread *pts;
    size_t n = pyp_python_threads(py, &pts, list_err, sizeof list_err);
    if (list_err[0])
        pyp_report_note(r, "%s", list_err);
    long *python_of = pyp_xcalloc(t->thread_count ? t->thread_count : 1, sizeof *python_of);
    match_threads(py, t, pts, n, python_of);
    bool *shown = pyp_xcalloc(n ? n : 1, sizeof *shown);
    size_t budget = FRAME_BUDGET;
    struct pyp_sources *src = pyp_sources_new(t);
    struct pyp_native *native = NULL;
    if ((o->native || o->status_unwind) && t->thread_count) {
        native = pyp_native_open(t, err, sizeof err);
        if (!native && o->native)
            pyp_report_note(r, "no native frames: %s", err);
    }
    for (size_t i = 0; i < t->thread_count; i++) {
        const struct pyp_pythread *pt = python_of[i] >= 0 ? &pts[python_of[i]] : NULL;
        if (pt)
            shown[python_of[i]] = true;
        decode_thread(py, t, src, native, o, &t->threads[i], pt, &budget, r);
        /* The thread list could not be read (whole): say so rather than "no Python". */
        if (!pt && list_err[0])
            r->threads[r->thread_count - 1].error = pyp_xstrdup(list_err);
    }
    for (size_t j = 0; j < n; j++)
        if (!shown[j])
            decode_thread(py, t, src, native, o, NULL, &pts[j], &budget, r);
    pyp_native_close(native);
    pyp_sources_free(src);
    free(shown);
    free(python_of);
    free(pts);
}
