/* descriptor.c: reads versions/3.X.desc.
 *
 *     minor 12
 *     include internal/pycore_frame.h
 *     define Py_BUILD_CORE
 *     variant release -
 *     variant debug d Py_DEBUG
 *
 * "variant NAME ABIFLAGS MACRO..." (ABIFLAGS "-" for none). */
#include "descriptor.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void push(char ***list, size_t *count, const char *word)
{
    *list = xrealloc(*list, (*count + 1) * sizeof **list);
    (*list)[(*count)++] = xstrdup(word);
}

static bool parse_line(void *ctx, char *line, int lineno, char *why, size_t why_size)
{
    (void)lineno;
    struct descriptor *d = ctx;
    char *w[16];
    size_t n = split_words(line, w, 16);
    if (strcmp(w[0], "minor") == 0 && n == 2) {
        d->minor = atoi(w[1]);
    } else if (strcmp(w[0], "include") == 0 && n == 2) {
        push(&d->includes, &d->include_count, w[1]);
    } else if (strcmp(w[0], "define") == 0 && n == 2) {
        push(&d->defines, &d->define_count, w[1]);
    } else if (strcmp(w[0], "variant") == 0 && n >= 3) {
        d->variants = xrealloc(d->variants, (d->variant_count + 1) * sizeof *d->variants);
        struct variant *v = &d->variants[d->variant_count++];
        memset(v, 0, sizeof *v);
        v->name = xstrdup(w[1]);
        v->abiflags = xstrdup(strcmp(w[2], "-") == 0 ? "" : w[2]);
        for (size_t i = 3; i < n; i++)
            push(&v->defines, &v->define_count, w[i]);
    } else {
        snprintf(why, why_size, "cannot parse '%s'", w[0]);
        return false;
    }
    return true;
}

bool descriptor_load(struct descriptor *d, const char *versions_dir, int minor, char *err,
                     size_t err_size)
{
    memset(d, 0, sizeof *d);
    char *path = xasprintf("%s/3.%d.desc", versions_dir, minor);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_size, "CPython 3.%d is not supported: no descriptor %s (see --list)",
                 minor, path);
        free(path);
        return false;
    }
    bool ok = parse_lines(f, path, parse_line, d, err, err_size);
    fclose(f);
    if (ok && d->minor != minor) {
        snprintf(err, err_size, "%s: says 'minor %d'", path, d->minor);
        ok = false;
    }
    if (ok && d->variant_count == 0) {
        snprintf(err, err_size, "%s: lists no variant", path);
        ok = false;
    }
    free(path);
    if (!ok)
        descriptor_free(d);
    return ok;
}

static void free_list(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

void descriptor_free(struct descriptor *d)
{
    free_list(d->includes, d->include_count);
    free_list(d->defines, d->define_count);
    for (size_t i = 0; i < d->variant_count; i++) {
        free(d->variants[i].name);
        free(d->variants[i].abiflags);
        free_list(d->variants[i].defines, d->variants[i].define_count);
    }
    free(d->variants);
    memset(d, 0, sizeof *d);
}

const struct variant *descriptor_variant(const struct descriptor *d, const char *name)
{
    for (size_t i = 0; i < d->variant_count; i++)
        if (strcmp(d->variants[i].name, name) == 0)
            return &d->variants[i];
    return NULL;
}

static int compare_ints(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

size_t descriptor_list(const char *versions_dir, int *minors, size_t max)
{
    DIR *dir = opendir(versions_dir);
    if (!dir)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && n < max) {
        int minor;
        char tail[8];
        if (sscanf(e->d_name, "3.%d.%7s", &minor, tail) == 2 && strcmp(tail, "desc") == 0)
            minors[n++] = minor;
    }
    closedir(dir);
    qsort(minors, n, sizeof *minors, compare_ints);
    return n;
}
