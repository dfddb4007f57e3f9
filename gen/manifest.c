/* manifest.c: reads versions/fields.manifest.
 *
 * Line format (whitespace separated, '#' starts a comment):
 *     NAME  KIND  VERSIONS  SPELLING  [= CARRIED-NAME]  [optional]
 * VERSIONS is "3.8-3.10", "3.11-" (open ended), "3.12" or "all". */
#include "manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { LAST_KNOWN_MINOR = 99 };

static const char *const kind_names[] = {
    [FACT_SIZE] = "size", [FACT_OFFSET] = "offset", [FACT_BITFIELD] = "bitfield",
    [FACT_ENUM] = "enum", [FACT_CONST] = "const",   [FACT_VALUE] = "value",
    [FACT_DEBUG] = "debug",
};

const char *fact_kind_name(enum fact_kind kind)
{
    return kind_names[kind];
}

static int parse_kind(const char *word)
{
    for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
        if (strcmp(word, kind_names[i]) == 0)
            return (int)i;
    return -1;
}

/* "3.X" -> X, or -1. */
static int parse_minor(const char *text, const char **end)
{
    if (strncmp(text, "3.", 2) != 0)
        return -1;
    char *stop;
    long minor = strtol(text + 2, &stop, 10);
    if (stop == text + 2 || minor < 0 || minor > LAST_KNOWN_MINOR)
        return -1;
    *end = stop;
    return (int)minor;
}

static bool parse_versions(const char *word, int *first, int *last)
{
    if (strcmp(word, "all") == 0) {
        *first = 0;
        *last = LAST_KNOWN_MINOR;
        return true;
    }
    const char *p;
    *first = parse_minor(word, &p);
    if (*first < 0)
        return false;
    if (*p == '\0') {
        *last = *first;
        return true;
    }
    if (*p != '-')
        return false;
    if (p[1] == '\0') {
        *last = LAST_KNOWN_MINOR;
        return true;
    }
    *last = parse_minor(p + 1, &p);
    return *last >= *first && *p == '\0';
}

static bool add_name(struct manifest *m, const char *name)
{
    for (size_t i = 0; i < m->name_count; i++)
        if (strcmp(m->names[i], name) == 0)
            return false;
    m->names = xrealloc(m->names, (m->name_count + 1) * sizeof *m->names);
    m->names[m->name_count++] = xstrdup(name);
    return true;
}

static bool parse_rule(char *line, struct manifest_rule *r, char *err, size_t err_size)
{
    char *words[8];
    size_t n = split_words(line, words, 8);
    if (n < 4) {
        snprintf(err, err_size, "expected NAME KIND VERSIONS SPELLING");
        return false;
    }
    int kind = parse_kind(words[1]);
    if (kind < 0) {
        snprintf(err, err_size, "unknown kind '%s'", words[1]);
        return false;
    }
    if (!parse_versions(words[2], &r->first_minor, &r->last_minor)) {
        snprintf(err, err_size, "bad version range '%s'", words[2]);
        return false;
    }
    r->name = xstrdup(words[0]);
    r->kind = (enum fact_kind)kind;
    r->spelling = xstrdup(words[3]);
    size_t i = 4;
    if (i + 1 < n && strcmp(words[i], "=") == 0) {
        r->carries = xstrdup(words[i + 1]);
        i += 2;
    }
    if (i < n && strcmp(words[i], "optional") == 0) {
        r->optional = true;
        i++;
    }
    if (i != n) {
        snprintf(err, err_size, "unexpected '%s'", words[i]);
        return false;
    }
    if ((r->kind == FACT_DEBUG) != (r->carries != NULL)) {
        snprintf(err, err_size, r->carries ? "only a debug fact takes '= NAME'"
                                           : "a debug fact needs '= NAME'");
        return false;
    }
    return true;
}

static bool add_rule(void *ctx, char *line, int lineno, char *why, size_t why_size)
{
    struct manifest *m = ctx;
    struct manifest_rule r = { .line = lineno };
    if (!parse_rule(line, &r, why, why_size)) {
        free(r.name);
        free(r.spelling);
        free(r.carries);
        return false;
    }
    m->rules = xrealloc(m->rules, (m->rule_count + 1) * sizeof *m->rules);
    m->rules[m->rule_count++] = r;
    add_name(m, r.name);
    return true;
}

/* Rules of one name must not overlap and must agree on the kind. */
static bool check_rules(const struct manifest *m, char *err, size_t err_size)
{
    for (size_t i = 0; i < m->rule_count; i++) {
        const struct manifest_rule *a = &m->rules[i];
        for (size_t j = 0; j < i; j++) {
            const struct manifest_rule *b = &m->rules[j];
            if (strcmp(a->name, b->name) != 0)
                continue;
            if (a->kind != b->kind) {
                snprintf(err, err_size, "line %d: '%s' is a %s here but a %s on line %d",
                         a->line, a->name, fact_kind_name(a->kind), fact_kind_name(b->kind), b->line);
                return false;
            }
            if (a->first_minor <= b->last_minor && b->first_minor <= a->last_minor) {
                snprintf(err, err_size, "line %d: versions of '%s' overlap line %d",
                         a->line, a->name, b->line);
                return false;
            }
        }
        if (a->carries && manifest_kind_of(m, a->carries) < 0) {
            snprintf(err, err_size, "line %d: '%s' carries unknown fact '%s'", a->line, a->name,
                     a->carries);
            return false;
        }
    }
    return true;
}

bool manifest_load(struct manifest *m, const char *path, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_size, "cannot read the field manifest %s: %s", path, strerror(errno));
        return false;
    }
    bool ok = parse_lines(f, path, add_rule, m, err, err_size);
    fclose(f);
    if (ok && !check_rules(m, err, err_size)) {
        ok = false;
    }
    if (!ok)
        manifest_free(m);
    return ok;
}

void manifest_free(struct manifest *m)
{
    for (size_t i = 0; i < m->rule_count; i++) {
        free(m->rules[i].name);
        free(m->rules[i].spelling);
        free(m->rules[i].carries);
    }
    for (size_t i = 0; i < m->name_count; i++)
        free(m->names[i]);
    free(m->rules);
    free(m->names);
    memset(m, 0, sizeof *m);
}

const struct manifest_rule *manifest_rule_for(const struct manifest *m, const char *name, int minor)
{
    for (size_t i = 0; i < m->rule_count; i++) {
        const struct manifest_rule *r = &m->rules[i];
        if (strcmp(r->name, name) == 0 && minor >= r->first_minor && minor <= r->last_minor)
            return r;
    }
    return NULL;
}

int manifest_kind_of(const struct manifest *m, const char *name)
{
    for (size_t i = 0; i < m->rule_count; i++)
        if (strcmp(m->rules[i].name, name) == 0)
            return (int)m->rules[i].kind;
    return -1;
}
