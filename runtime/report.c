/* report.c: building and freeing a report (see report.h). */
#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Appends a zeroed element to ARRAY of COUNT elements, doubling its room at each power of
 * two (so that growing to n costs O(n)); evaluates to the new element. */
#define GROW(array, count)                                                                   \
    (((count) & ((count) - 1)) == 0                                                          \
         ? (void)((array) = pyp_xrealloc((array), ((count) ? 2 * (count) : 1) * sizeof *(array))) \
         : (void)0,                                                                           \
     memset(&(array)[(count)], 0, sizeof *(array)), &(array)[(count)++])

void pyp_report_note(struct pyp_report *r, const char *fmt, ...)
{
    struct pyp_buf b = PYP_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char **slot = GROW(r->notes, r->note_count);
    *slot = buf_take(&b);
}

struct pyp_thread *pyp_report_add_thread(struct pyp_report *r)
{
    struct pyp_thread *t = GROW(r->threads, r->thread_count);
    t->interpreter_id = -1;
    return t;
}

struct pyp_pyframe *pyp_thread_add_frame(struct pyp_thread *t)
{
    struct pyp_pyframe *f = GROW(t->frames, t->frame_count);
    f->line = -1;
    return f;
}

struct pyp_native_frame *pyp_thread_add_native(struct pyp_thread *t)
{
    struct pyp_native_frame *f = GROW(t->native, t->native_count);
    f->run = -1;
    return f;
}

void pyp_frame_add_local(struct pyp_pyframe *f, const char *name, const char *repr, unsigned kind)
{
    struct pyp_local *l = GROW(f->locals, f->local_count);
    l->name = pyp_xstrdup(name);
    l->repr = pyp_xstrdup(repr);
    l->kind = kind;
}

static void free_frame(struct pyp_pyframe *f)
{
    free(f->file);
    free(f->function);
    free(f->qualname);
    free(f->source);
    free(f->error);
    for (size_t i = 0; i < f->local_count; i++) {
        free(f->locals[i].name);
        free(f->locals[i].repr);
    }
    free(f->locals);
}

static void free_thread(struct pyp_thread *t)
{
    free(t->name);
    free(t->error);
    free(t->merge_problem);
    for (size_t i = 0; i < t->frame_count; i++)
        free_frame(&t->frames[i]);
    free(t->frames);
    for (size_t i = 0; i < t->native_count; i++) {
        free(t->native[i].function);
        free(t->native[i].module);
        free(t->native[i].file);
    }
    free(t->native);
}

void pyp_report_free(struct pyp_report *r)
{
    free(r->core_path);
    free(r->executable);
    free(r->command);
    free(r->python_version);
    free(r->variant);
    free(r->found_by);
    for (size_t i = 0; i < r->note_count; i++)
        free(r->notes[i]);
    free(r->notes);
    for (size_t i = 0; i < r->thread_count; i++)
        free_thread(&r->threads[i]);
    free(r->threads);
    memset(r, 0, sizeof *r);
}
