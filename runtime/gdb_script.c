/* gdb_script.c: see gdb_script.h. A line-by-line state machine: the checks before
 * @@pyp-begin, the text after it, and the batch's definitions around both. Each rule
 * reads as the script converter's rule of the same name does (templates/35-stream.gdb.in
 * has the script path's half). */
#include "gdb_script.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "repr.h"
#include "source.h"
#include "target.h"

enum { FORMAT_FLUSH_AT = 2000, MAX_FIELDS = 5, MAX_GUESSES = 8 };

/* A guess at the object of the C frame that follows (gdb_other_guess.h). */
struct guess {
    char *object, *type_field, *type, *text;
};

struct script {
    FILE *out;
    struct pyp_buf format;      /* the pending printf's format string */
    struct pyp_buf dollars;     /* its ",36" arguments, one per "$" inside a definition */
    bool handoff;               /* the answer's checks decide whether the text shows */
    bool in_define, in_body, in_unit;
    bool begun;                 /* past @@pyp-begin: text */
    bool closing;               /* the repeated lines are done: close the loop next line */
    long repeat_left;           /* lines still inside the current loop */
    char thread[24];            /* the thread of the definition being written, or "" */
    struct guess guesses[MAX_GUESSES];
    size_t guess_count;
    struct pyp_sources *sources;
};

struct fields {
    const char *f[MAX_FIELDS];  /* "" past the last */
};

static bool all_of(const char *s, const char *set)
{
    return *s && strspn(s, set) == strlen(s);
}

static bool is_number(const char *s)
{
    return all_of(s, "0123456789");
}

static bool is_hex(const char *s)
{
    return all_of(s, "0123456789abcdef");
}

static bool is_positive(const char *s)
{
    return is_number(s) && s[0] != '0';
}

/* Splits LINE (modified) at tabs. */
static void split(char *line, struct fields *x)
{
    for (int i = 0; i < MAX_FIELDS; i++) {
        x->f[i] = line ? line : "";
        if (line) {
            char *tab = strchr(line, '\t');
            line = tab ? tab + 1 : NULL;
            if (tab && i + 1 < MAX_FIELDS)
                *tab = '\0';
        }
    }
}

/* Appends S to the pending printf, escaped for GDB's printf string. */
static void put(struct script *s, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '\\' || *p == '"')
            buf_addc(&s->format, '\\');
        if (*p == '%')
            buf_addc(&s->format, '%');
        if (*p == '\t') {
            buf_adds(&s->format, "\\t");
        } else if (*p == '$' && s->in_define) {
            buf_adds(&s->format, "%c");
            buf_adds(&s->dollars, ",36");
        } else {
            buf_addc(&s->format, *p);
        }
    }
}

static void flush(struct script *s)
{
    if (s->format.len)
        fprintf(s->out, "printf \"%s\"%s\n", buf_str(&s->format), buf_str(&s->dollars));
    buf_clear(&s->format);
    buf_clear(&s->dollars);
}

static void out_line(struct script *s, const char *text)
{
    put(s, text);
    buf_adds(&s->format, "\\n");
    if (s->format.len > FORMAT_FLUSH_AT)
        flush(s);
}

static void command(struct script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void command(struct script *s, const char *fmt, ...)
{
    flush(s);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(s->out, fmt, ap);
    va_end(ap);
    fputc('\n', s->out);
}

static void close_repeat(struct script *s)
{
    flush(s);
    if (s->closing)
        fputs("set $pyp_rep = $pyp_rep - 1\nend\n", s->out);
    s->closing = false;
    s->repeat_left = 0;
}

static void finish_text(struct script *s)
{
    close_repeat(s);
    if (s->begun && s->handoff)
        fputs("set $pyp_ho_done = 1\nend\n", s->out);
    s->begun = false;
    s->handoff = false;
}

/* The lines that open or close a batch's definition; false when LINE is none of them. */
static bool definition_line(struct script *s, const char *line, const struct fields *x)
{
    const char *key = x->f[0], *n = x->f[1];
    if (!s->in_define && strcmp(key, "@@pyp-define") == 0 && is_number(n) && strlen(n) < sizeof s->thread) {
        command(s, "define pyp-hc-%s", n);
        s->in_define = s->handoff = true;
        strcpy(s->thread, n);
    } else if (!s->in_define && strcmp(key, "@@pyp-body") == 0 && is_number(n)) {
        command(s, "define pyp-b-%s", n);
        s->in_define = s->in_body = s->begun = true;
    } else if (s->in_body && strcmp(line, "@@pyp-end-body") == 0) {
        close_repeat(s);
        command(s, "end");
        s->in_define = s->in_body = s->begun = false;
    } else if (!s->in_define && strcmp(key, "@@pyp-unit") == 0 && is_number(n)) {
        command(s, "define pyp-u-%s", n);
        s->in_define = s->in_unit = true;
    } else if (s->in_unit && strcmp(line, "@@pyp-end-unit") == 0) {
        command(s, "end");
        s->in_define = s->in_unit = false;
    } else {
        return false;
    }
    return true;
}

/* A line before @@pyp-begin: a check, or anything else, which fails the answer. */
static void check_line(struct script *s, const char *line, const struct fields *x)
{
    const char *key = x->f[0];
    bool batch = s->thread[0] != '\0';
    if (batch && strcmp(key, "@@pyp-selected") == 0 && is_hex(x->f[1]) && is_hex(x->f[2])) {
        command(s, "pyp-hc-begin 0x%s 0x%s", x->f[1], x->f[2]);
    } else if (batch && strcmp(key, "@@pyp-hash") == 0 && is_hex(x->f[1]) && is_number(x->f[2]) &&
               is_hex(x->f[3])) {
        command(s, "pyp-hc-verify 0x%s %s 0x%s", x->f[1], x->f[2], x->f[3]);
    } else if (strcmp(key, "@@pyp-check") == 0 && is_number(x->f[1]) && is_hex(x->f[2]) && is_hex(x->f[3])) {
        command(s, "pyp-ho-check %s 0x%s 0x%s", x->f[1], x->f[2], x->f[3]);
    } else if (strcmp(key, "@@pyp-no-frame") == 0 && is_number(x->f[1])) {
        command(s, "pyp-ho-no-frame %s", x->f[1]);
    } else if (strcmp(line, "@@pyp-begin") == 0) {
        command(s, "%s", batch ? "if !$pyp_ho_bad && $pyp_hc_ok" : "if !$pyp_ho_bad");
        s->begun = true;
    } else {
        command(s, "set $pyp_ho_bad = 1");
    }
}

static void drop_guesses(struct script *s)
{
    for (size_t i = 0; i < s->guess_count; i++) {
        free(s->guesses[i].object);
        free(s->guesses[i].type_field);
        free(s->guesses[i].type);
        free(s->guesses[i].text);
    }
    s->guess_count = 0;
}

static void keep_guess(struct script *s, const struct fields *x)
{
    if (s->guess_count == MAX_GUESSES)
        return;
    s->guesses[s->guess_count++] = (struct guess){ pyp_xstrdup(x->f[1]), pyp_xstrdup(x->f[2]),
                                                   pyp_xstrdup(x->f[3]), pyp_xstrdup(x->f[4]) };
}

/* A C function's frame, printed by GDB: PREFIX, then the text of the guess whose object
 * GDB reads there, or else the script's repr of what it reads. */
static void other_frame(struct script *s, const struct fields *x)
{
    put(s, x->f[3]);
    if (s->guess_count == 0) {
        command(s, "pyp-ho-other %s %s", x->f[1], x->f[2]);
    } else {
        command(s, "pyp-of-read %s %s", x->f[1], x->f[2]);
        for (size_t i = 0; i < s->guess_count; i++) {
            const struct guess *g = &s->guesses[i];
            command(s, "if $pyp_ok && $pyp_limit == %d && $pyp_of_obj == 0x%s && *(unsigned long *)0x%s == 0x%s",
                    (int)PYP_REPR_LIMIT, g->object, g->type_field, g->type);
            put(s, g->text);
            command(s, "else");
        }
        command(s, "pyp-ho-other %s %s", x->f[1], x->f[2]);
        for (size_t i = 0; i < s->guess_count; i++)
            command(s, "end");
    }
    drop_guesses(s);
    out_line(s, "");
}

static void source_line(struct script *s, const struct fields *x)
{
    char *text = pyp_source_line(s->sources, x->f[1], atoi(x->f[2]));
    if (!text)
        return;
    char *indented = pyp_xasprintf("    %s", text);
    out_line(s, indented);
    free(indented);
    free(text);
}

/* A line of the text (or a unit's): the loop and reference lines, or text to print. */
static void text_line(struct script *s, const char *line, const struct fields *x)
{
    const char *key = x->f[0];
    if (s->begun && !s->repeat_left && strcmp(key, "@@pyp-repeat") == 0 && is_number(x->f[1]) &&
        is_positive(x->f[2])) {
        command(s, "set $pyp_rep = %s", x->f[1]);
        command(s, "while $pyp_rep > 0");
        s->repeat_left = strtol(x->f[2], NULL, 10);
    } else if (s->thread[0] && strcmp(line, "@@pyp-end-define") == 0) {
        bool shown = s->begun;
        finish_text(s);
        command(s, "end");
        s->in_define = false;
        if (shown)
            command(s, "set $pyp_hc_%s = $pyp_hc_gen", s->thread);
        s->thread[0] = '\0';
    } else if (s->begun && s->thread[0] && strcmp(key, "@@pyp-run-body") == 0 && is_number(x->f[1])) {
        command(s, "pyp-b-%s", x->f[1]);
    } else if (s->begun && s->in_define && strcmp(key, "@@pyp-use") == 0 && is_number(x->f[1])) {
        command(s, "pyp-u-%s", x->f[1]);
    } else if (s->begun && strcmp(key, "@@pyp-guess") == 0 && is_hex(x->f[1]) && is_hex(x->f[2]) &&
               is_hex(x->f[3])) {
        keep_guess(s, x);
    } else if (s->begun && strcmp(key, "@@pyp-other") == 0 && strlen(x->f[1]) == 1 &&
               strchr("1234", x->f[1][0]) && is_number(x->f[2])) {
        other_frame(s, x);
    } else if (strcmp(key, "@@pyp-src") == 0) {
        source_line(s, x);
    } else {
        out_line(s, line);
    }
}

/* The loop bookkeeping every text line goes through before its own rule. */
static void count_repeat(struct script *s)
{
    if (s->closing) {
        command(s, "set $pyp_rep = $pyp_rep - 1");
        command(s, "end");
        s->closing = false;
    }
    if (s->repeat_left > 0 && --s->repeat_left == 0)
        s->closing = true;
}

static void one_line(struct script *s, char *line, bool first)
{
    char *copy = pyp_xstrdup(line);
    struct fields x;
    split(copy, &x);
    if (first && strcmp(line, "@@pyp-handoff") == 0) {
        s->handoff = true;
        command(s, "set $pyp_ho_bad = 0");
    } else if (definition_line(s, line, &x)) {
    } else if (s->handoff && !s->begun) {
        check_line(s, line, &x);
    } else {
        count_repeat(s);
        text_line(s, line, &x);
    }
    free(copy);
}

void pyp_gdb_script_write(const char *answer, FILE *out)
{
    struct pyp_target no_target = { .kind = PYP_TARGET_FILE };   /* source paths as named */
    struct script s = { .out = out, .format = PYP_BUF_INIT, .dollars = PYP_BUF_INIT };
    s.sources = pyp_sources_new(&no_target);
    char *text = pyp_xstrdup(answer);
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        one_line(&s, line, line == text);
        line = next;
    }
    finish_text(&s);
    if (s.in_define)
        fputs("end\n", out);
    free(text);
    drop_guesses(&s);
    pyp_sources_free(s.sources);
    buf_free(&s.format);
    buf_free(&s.dollars);
}
