/* render.c: the template renderer (see render.h). */
#include "render.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { MAX_NESTING = 16 };

struct render_state {
    const struct layout_table *table;
    const struct printable *printable;
    const struct printable_blocks *blocks;
    const char *decoder;
    const char *path;
    int lineno;
    /* One entry per open #@if: is the current branch taken, was any branch taken, and
     * is the whole #@if inside a taken branch. */
    bool taken[MAX_NESTING], any[MAX_NESTING], outer[MAX_NESTING];
    int depth;
    bool in_header;   /* still in the opening comment block of the first template */
    bool in_document; /* inside a `document` block: help text, kept as written */
    char *err;
    size_t err_size;
};

static bool failf(struct render_state *s, const char *what, const char *arg)
{
    char msg[512];
    snprintf(msg, sizeof msg, what, arg);
    snprintf(s->err, s->err_size, "%s:%d: %s", s->path, s->lineno, msg);
    return false;
}

static bool active(const struct render_state *s)
{
    return s->depth == 0 || (s->outer[s->depth - 1] && s->taken[s->depth - 1]);
}

/* Evaluates COND ("NAME", "!NAME", "NAME OP N"). */
static bool eval_condition(struct render_state *s, char *cond, bool *result)
{
    char *w[4];
    size_t n = split_words(cond, w, 4);
    bool negate = n >= 1 && w[0][0] == '!';
    const char *name = n >= 1 ? w[0] + negate : "";
    const struct fact *f = table_find(s->table, name);
    if (!f)
        return failf(s, "unknown fact '%s' in condition", name);
    if (n == 1) {
        *result = f->present != negate;
        return true;
    }
    if (n != 3 || negate)
        return failf(s, "cannot read condition '%s'", cond);
    if (!f->present)
        return failf(s, "condition on '%s', which this version lacks", name);
    long long v = strtoll(w[2], NULL, 0), x = f->value;
    const char *op = w[1];
    if (strcmp(op, "==") == 0) *result = x == v;
    else if (strcmp(op, "!=") == 0) *result = x != v;
    else if (strcmp(op, "<") == 0) *result = x < v;
    else if (strcmp(op, "<=") == 0) *result = x <= v;
    else if (strcmp(op, ">") == 0) *result = x > v;
    else if (strcmp(op, ">=") == 0) *result = x >= v;
    else return failf(s, "unknown operator '%s'", op);
    return true;
}

static bool directive(struct render_state *s, char *line)
{
    char *rest = line + 2;
    size_t len = strcspn(rest, " \t\n");
    char word[16];
    snprintf(word, sizeof word, "%.*s", (int)(len < 15 ? len : 15), rest);
    rest += len;
    rest[strcspn(rest, "\n")] = '\0';
    bool value;
    if (strcmp(word, "if") == 0) {
        if (s->depth == MAX_NESTING)
            return failf(s, "%s", "#@if nested too deep");
        bool outer = active(s);
        if (!eval_condition(s, rest, &value))
            return false;
        s->outer[s->depth] = outer;
        s->taken[s->depth] = value;
        s->any[s->depth] = value;
        s->depth++;
    } else if (strcmp(word, "elif") == 0 || strcmp(word, "else") == 0) {
        if (s->depth == 0)
            return failf(s, "#@%s without #@if", word);
        int d = s->depth - 1;
        if (word[1] == 'l' && word[2] == 'i') {
            value = false;
            if (!s->any[d] && !eval_condition(s, rest, &value))
                return false;
        } else {
            value = true;
        }
        s->taken[d] = !s->any[d] && value;
        s->any[d] = s->any[d] || value;
    } else if (strcmp(word, "endif") == 0) {
        if (s->depth == 0)
            return failf(s, "%s", "#@endif without #@if");
        s->depth--;
    } else {
        return failf(s, "unknown directive '#@%s'", word);
    }
    return true;
}

/* @word:NAME:K@ and @mask:NAME:K@: word K (8 bytes, little-endian) of the C string NAME
 * with its NUL, and the mask of the bytes that belong to it, so a template can compare a
 * type's tp_name with a constant in one or two reads. */
static bool string_word(struct render_state *s, const char *spec, FILE *out)
{
    bool mask = strncmp(spec, "mask:", 5) == 0;
    const char *text = spec + 5;
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text)
        return failf(s, "cannot read '@%s@'", spec);
    size_t len = (size_t)(colon - text), k = (size_t)atoi(colon + 1);
    unsigned long long value = 0, bits = 0;
    for (size_t i = 0; i < 8; i++) {
        size_t at = 8 * k + i;
        if (at > len)
            break;
        unsigned char c = at < len ? (unsigned char)text[at] : 0;
        value |= (unsigned long long)c << (8 * i);
        bits |= 0xffULL << (8 * i);
    }
    if (bits == 0)
        return failf(s, "'@%s@' is past the end of the string", spec);
    fprintf(out, "0x%llx", mask ? bits : value);
    return true;
}

/* @zeros:N@: "0, 0, ..., 0", N of them, the elements of an array literal (GDB has no
 * other way to make an array of N elements). */
static bool zeros(struct render_state *s, const char *count, FILE *out)
{
    char *end;
    long n = strtol(count, &end, 10);
    if (*end != '\0' || n < 1 || n > 65536)
        return failf(s, "cannot read '@zeros:%s@'", count);
    for (long i = 0; i < n; i++)
        fputs(i ? ",0" : "0", out);
    return true;
}

/* @printable:WHAT@ (render.h). */
static bool printable_value(struct render_state *s, const char *what, FILE *out)
{
    const struct printable_blocks *b = s->blocks;
    if (strcmp(what, "nblocks") == 0)
        fprintf(out, "%zu", b->nblocks);
    else if (strcmp(what, "nbits") == 0)
        fprintf(out, "%zu", b->nbits);
    else if (strcmp(what, "blocks") == 0)
        for (size_t i = 0; i < b->nblocks; i++)
            fprintf(out, i ? ",%u" : "%u", (unsigned)b->blocks[i]);
    else if (strcmp(what, "bits") == 0)
        for (size_t i = 0; i < b->nbits; i++)
            fprintf(out, i ? ",0x%llx" : "0x%llx", (unsigned long long)b->bits[i]);
    else if (strcmp(what, "unicode") == 0)
        fputs(s->printable->unicode, out);
    else if (strcmp(what, "cpython") == 0)
        fputs(s->printable->cpython, out);
    else
        return failf(s, "unknown '@printable:%s@'", what);
    return true;
}

/* The text a @NAME@ stands for; false (with ERR) when NAME is unknown or absent. */
static bool substitution(struct render_state *s, const char *name, FILE *out)
{
    const struct layout_table *t = s->table;
    if (strncmp(name, "word:", 5) == 0 || strncmp(name, "mask:", 5) == 0)
        return string_word(s, name, out);
    if (strncmp(name, "width:", 6) == 0) {
        const struct fact *f = table_find(t, name + 6);
        if (!f || !f->present || f->kind != FACT_BITFIELD)
            return failf(s, "'@%s@' names no bit-field of this version", name);
        fprintf(out, "%d", f->width);
        return true;
    }
    if (strncmp(name, "zeros:", 6) == 0)
        return zeros(s, name + 6, out);
    if (strncmp(name, "printable:", 10) == 0)
        return printable_value(s, name + 10, out);
    if (strcmp(name, "cpython") == 0)
        fputs(t->cpython, out);
    else if (strcmp(name, "version_hex") == 0)
        fprintf(out, "0x%08lx", t->version_hex);
    else if (strcmp(name, "minor") == 0)
        fprintf(out, "3.%d", t->minor);
    else if (strcmp(name, "variant") == 0)
        fputs(t->variant, out);
    else if (strcmp(name, "decoder") == 0)
        fputs(s->decoder, out);
    else {
        const struct fact *f = table_find(t, name);
        if (!f)
            return failf(s, "unknown fact '@%s@'", name);
        if (!f->present)
            return failf(s, "'@%s@' does not exist in this version (guard it with #@if)", name);
        fprintf(out, "%lld", f->value);
    }
    return true;
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == ':' || c == '-';
}

static bool emit_line(struct render_state *s, const char *line, FILE *out)
{
    for (const char *p = line; *p; p++) {
        if (*p == '@') {
            const char *q = p + 1;
            if (strncmp(q, "word:", 5) == 0 || strncmp(q, "mask:", 5) == 0)
                q = q + strcspn(q, "@\n"); /* the string may hold any character but @ */
            while (is_name_char(*q))
                q++;
            if (*q == '@' && q > p + 1) {
                char name[128];
                snprintf(name, sizeof name, "%.*s", (int)(q - p - 1), p + 1);
                if (!substitution(s, name, out))
                    return false;
                p = q;
                continue;
            }
        }
        fputc(*p, out);
    }
    return true;
}

/* What of template LINE goes into the script: GDB reads a sourced file at a few
 * microseconds a character (GDB 13: 0.43 s for the 143 KB of 3.11's script with its
 * comments, on every start), so the script leaves out what only a reader of the
 * templates needs: comment lines (bar the opening block of the first template, which
 * says what the file is), blank lines and indentation. `document` blocks, the help
 * text, are kept as written. NULL: the line is left out. */
static const char *script_text(struct render_state *s, const char *line)
{
    const char *text = line + strspn(line, " \t");
    if (s->in_document) {
        if (strcmp(text, "end\n") == 0 || strcmp(text, "end") == 0) {
            s->in_document = false;
            return text;
        }
        return line;
    }
    if (s->in_header && *text == '#')
        return line;
    s->in_header = false;
    if (*text == '#' || *text == '\n' || *text == '\0')
        return NULL;
    if (strncmp(text, "document ", 9) == 0 || strncmp(text, "eval \"document ", 15) == 0)
        s->in_document = true;
    return text;
}

static bool render_file(const struct layout_table *t, const struct printable *p,
                        const struct printable_blocks *b, const char *decoder, const char *path,
                        bool first, FILE *out, char *err, size_t err_size)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        snprintf(err, err_size, "cannot read template %s", path);
        return false;
    }
    struct render_state s = { .table = t, .printable = p, .blocks = b, .decoder = decoder,
                              .path = path, .in_header = first, .err = err,
                              .err_size = err_size };
    char line[4096];
    bool ok = true;
    while (ok && fgets(line, sizeof line, in)) {
        s.lineno++;
        if (strncmp(line, "#@", 2) == 0)
            ok = directive(&s, line);
        else if (active(&s)) {
            const char *text = script_text(&s, line);
            ok = !text || emit_line(&s, text, out);
        }
    }
    fclose(in);
    if (ok && s.depth != 0) {
        s.lineno++;
        ok = failf(&s, "%s", "#@if without #@endif");
    }
    return ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool render_gdb_script(const struct layout_table *t, const struct printable *p,
                       const char *templates_dir, const char *decoder, FILE *out, char *err,
                       size_t err_size)
{
    DIR *d = opendir(templates_dir);
    if (!d) {
        snprintf(err, err_size, "cannot open the templates directory %s", templates_dir);
        return false;
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 7 && strcmp(e->d_name + n - 7, ".gdb.in") == 0) {
            names = xrealloc(names, (count + 1) * sizeof *names);
            names[count++] = xstrdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, count, sizeof *names, compare_names);
    bool ok = count > 0;
    if (!ok)
        snprintf(err, err_size, "no *.gdb.in templates in %s", templates_dir);
    struct printable_blocks blocks;
    printable_blocks(p, &blocks);
    for (size_t i = 0; ok && i < count; i++) {
        char *path = xasprintf("%s/%s", templates_dir, names[i]);
        ok = render_file(t, p, &blocks, decoder ? decoder : "", path, i == 0, out, err, err_size);
        free(path);
    }
    printable_blocks_free(&blocks);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return ok;
}
