/* source.c: see source.h. */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct source_file {
    char *name;
    char *text;               /* NULL when unreadable */
    char **lines;             /* pointers into text, NUL-terminated lines */
    size_t line_count;
};

struct pyp_sources {
    const struct pyp_target *target;
    struct source_file *files;
    size_t count;
};

struct pyp_sources *pyp_sources_new(const struct pyp_target *t)
{
    struct pyp_sources *s = pyp_xcalloc(1, sizeof *s);
    s->target = t;
    return s;
}

static void split_lines(struct source_file *f, size_t size)
{
    size_t cap = 0;
    char *p = f->text, *end = f->text + size;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (f->line_count == cap) {
            cap = cap ? cap * 2 : 256;
            f->lines = pyp_xrealloc(f->lines, cap * sizeof *f->lines);
        }
        f->lines[f->line_count++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
}

static struct source_file *load(struct pyp_sources *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->files[i].name, name) == 0)
            return &s->files[i];
    s->files = pyp_xrealloc(s->files, (s->count + 1) * sizeof *s->files);
    struct source_file *f = &s->files[s->count++];
    memset(f, 0, sizeof *f);
    f->name = pyp_xstrdup(name);
    char *path = pyp_target_source(s->target, name);
    FILE *in = fopen(path, "rb");
    free(path);
    if (!in)
        return f;
    struct pyp_buf b = PYP_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0 && b.len < (64u << 20))
        buf_add(&b, chunk, n);
    fclose(in);
    size_t size = b.len;
    f->text = buf_take(&b);
    split_lines(f, size);
    return f;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

char *pyp_source_line(struct pyp_sources *s, const char *file, int line)
{
    if (!file || line < 1)
        return NULL;
    struct source_file *f = load(s, file);
    if (!f->text || (size_t)line > f->line_count)
        return NULL;
    const char *p = f->lines[line - 1];
    while (blank(*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && blank(p[n - 1]))
        n--;
    char *out = pyp_xrealloc(NULL, n + 1);
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

int pyp_source_lines(struct pyp_sources *s, const char *file, int first, int last, char **lines)
{
    struct source_file *f = load(s, file);
    if (!f->text)
        return -1;
    int found = 0;
    for (int i = first; i <= last; i++) {
        bool have = i >= 1 && (size_t)i <= f->line_count;
        lines[i - first] = have ? pyp_xstrdup(f->lines[i - 1]) : NULL;
        found += have;
    }
    return found;
}

void pyp_sources_free(struct pyp_sources *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++) {
        free(s->files[i].name);
        free(s->files[i].text);
        free(s->files[i].lines);
    }
    free(s->files);
    free(s);
}
