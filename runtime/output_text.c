/* output_text.c: the report as text (see output.h). For each thread:
 *
 *   Thread 4242 "python3.12" (main thread, PyThreadState 0x55d0c2a1e8d8): idle in native code, GIL released
 *   Traceback (most recent call first):
 *     File "/srv/app.py", line 9, in handle
 *       time.sleep(3600)
 *         request = <Request(...) at remote 0x7f...>     (with --locals)
 *
 * and with --native the C frames, numbered like GDB's `bt`, each eval-loop frame
 * followed by the Python frames it runs. */
#include <inttypes.h>
#include <signal.h>
#include <string.h>

#include "output.h"

const char *pyp_thread_status(const struct pyp_thread *t, char *buf, size_t size)
{
    const char *gil;
    switch (t->gil) {
    case PYP_GIL_HELD: gil = "holds the GIL"; break;
    case PYP_GIL_WAITING: gil = "waiting for the GIL"; break;
    case PYP_GIL_RELEASED: gil = "idle in native code, GIL released"; break;
    case PYP_GIL_NONE: gil = "free-threaded"; break;
    default: gil = "GIL state unknown"; break;
    }
    snprintf(buf, size, "%s%s", gil, t->gc ? ", garbage-collecting" : "");
    return buf;
}

static void print_header(const struct pyp_report *r, FILE *out)
{
    if (r->core) {
        fprintf(out, "Core file %s of process %d", r->core_path, (int)r->pid);
        if (r->command && r->command[0])
            fprintf(out, " (%s)", r->command);
        if (r->signal) {
            const char *name = sigabbrev_np(r->signal);
            bool stop = r->signal == SIGSTOP || r->signal == SIGTRAP || r->signal == SIGTSTP;
            fprintf(out, ", %s by signal %d (SIG%s)", stop ? "stopped" : "killed", r->signal,
                    name ? name : "?");
            if (r->fault_addr)
                fprintf(out, " at address 0x%" PRIx64, r->fault_addr);
        }
    } else {
        fprintf(out, "Process %d", (int)r->pid);
        if (r->command && r->command[0])
            fprintf(out, " (%s)", r->command);
    }
    if (r->python_version)
        fprintf(out, ": CPython %s (%s)", r->python_version, r->variant);
    fputc('\n', out);
}

static void print_thread_header(const struct pyp_thread *t, FILE *out)
{
    char status[128];
    if (t->tid)
        fprintf(out, "Thread %d", (int)t->tid);
    else
        fprintf(out, "Thread (no OS thread found)");
    if (t->name)
        fprintf(out, " \"%s\"", t->name);
    if (!t->tstate && t->error) {
        fprintf(out, "%s: Python thread state unknown: %s\n", t->is_main ? " (main thread)" : "",
                t->error);
        return;
    }
    if (!t->tstate) {
        fprintf(out, "%s: no Python thread state\n", t->is_main ? " (main thread)" : "");
        return;
    }
    fprintf(out, " (%sPyThreadState 0x%" PRIx64, t->is_main ? "main thread, " : "", t->tstate);
    if (t->interpreter_id > 0)
        fprintf(out, ", interpreter %" PRId64, t->interpreter_id);
    fprintf(out, "): %s\n", pyp_thread_status(t, status, sizeof status));
}

static void print_python_frame(const struct pyp_pyframe *f, const char *indent, FILE *out)
{
    if (f->error) {
        fprintf(out, "%s(unable to read python frame information: %s)\n", indent, f->error);
        return;
    }
    if (f->line >= 0)
        fprintf(out, "%sFile \"%s\", line %d, in %s\n", indent, f->file, f->line, f->function);
    else
        fprintf(out, "%sFile \"%s\", line ?, in %s\n", indent, f->file, f->function);
    if (f->source)
        fprintf(out, "%s  %s\n", indent, f->source);
    for (size_t i = 0; i < f->local_count; i++)
        fprintf(out, "%s    %s = %s\n", indent, f->locals[i].name, f->locals[i].repr);
    if (f->locals_error)
        fprintf(out, "%s    (unable to read all locals)\n", indent);
}

static void print_chain_problem(const struct pyp_thread *t, const char *indent, FILE *out)
{
    if (t->chain_problem == 1)
        fprintf(out, "%s(the frame chain loops back on itself: corrupt memory; stopped)\n", indent);
    else if (t->chain_problem == 2)
        fprintf(out, "%s(more than 100000 frames: stopped)\n", indent);
    else if (t->error)
        fprintf(out, "%s(unable to read python frame information: %s)\n", indent, t->error);
}

static void print_python_stack(const struct pyp_thread *t, FILE *out)
{
    if (t->frame_count == 0 && !t->error && !t->chain_problem) {
        fprintf(out, "  (no Python frames)\n");
        return;
    }
    fprintf(out, "Traceback (most recent call first):\n");
    for (size_t i = 0; i < t->frame_count; i++)
        print_python_frame(&t->frames[i], "  ", out);
    print_chain_problem(t, "  ", out);
}

static void print_native_frame(const struct pyp_native_frame *n, size_t level, FILE *out)
{
    fprintf(out, "  #%-3zu 0x%016" PRIx64 " in %s", level, n->pc, n->function ? n->function : "??");
    if (n->module)
        fprintf(out, " (%s+0x%" PRIx64 ")", n->module, n->module_offset);
    if (n->file)
        fprintf(out, " at %s:%d", n->file, n->line);
    if (n->inlined)
        fprintf(out, " [inlined]");
    fputc('\n', out);
}

static void print_mixed_stack(const struct pyp_thread *t, FILE *out)
{
    bool placed_any = false;
    for (size_t i = 0; i < t->native_count; i++) {
        const struct pyp_native_frame *n = &t->native[i];
        print_native_frame(n, i, out);
        if (n->run < 0 || t->merge_problem)
            continue;
        for (size_t k = 0; k < t->frame_count; k++)
            if (t->frames[k].run == n->run) {
                print_python_frame(&t->frames[k], "        ", out);
                placed_any = true;
            }
    }
    bool unplaced = false;
    for (size_t k = 0; k < t->frame_count && !t->merge_problem; k++) {
        bool placed = false;
        for (size_t i = 0; i < t->native_count && !placed; i++)
            placed = t->native[i].run == t->frames[k].run;
        unplaced |= !placed;
    }
    if (t->merge_problem || unplaced) {
        if (t->merge_problem)
            fprintf(out, "  (Python frames not placed among the C frames: %s)\n", t->merge_problem);
        else if (placed_any)
            fprintf(out, "  (some Python frames have no C frame in the stack above)\n");
        print_python_stack(t, out);
    } else {
        print_chain_problem(t, "  ", out);
    }
}

void pyp_output_text(const struct pyp_report *r, FILE *out)
{
    print_header(r, out);
    for (size_t i = 0; i < r->thread_count; i++) {
        const struct pyp_thread *t = &r->threads[i];
        fputc('\n', out);
        print_thread_header(t, out);
        if (t->has_native)
            print_mixed_stack(t, out);
        else if (t->tstate)
            print_python_stack(t, out);
    }
}
