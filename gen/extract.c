/* extract.c: libclang extraction (see extract.h).
 *
 * The synthetic source has one line per probe so that a diagnostic's line number names
 * the probe (and so the fact) that failed:
 *     static PyThreadState *pyp_type_4;                       -- a type to measure
 *     static const long long pyp_const_9 = (long long)(X);    -- a constant to evaluate */
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clang-c/Index.h>

#include "util.h"

static const char synthetic_name[] = "pyprinter-probe.c";

/* One probe per distinct type or constant; several facts may share one. */
struct probe {
    char *text;        /* type spelling or constant expression */
    bool is_type;
    unsigned line;     /* line in the synthetic source */
    CXCursor cursor;
    bool found;
    char *error;       /* clang's message for this line, if any */
};

struct probes {
    struct probe *items;
    size_t count;
};

/* "struct-wrapperbase" -> "struct wrapperbase"; the manifest has no spaces in spellings. */
static char *c_type_name(const char *spelling, size_t len)
{
    if (len > 7 && strncmp(spelling, "struct-", 7) == 0)
        return xasprintf("struct %.*s", (int)(len - 7), spelling + 7);
    return xasprintf("%.*s", (int)len, spelling);
}

static size_t probe_index(struct probes *p, char *text, bool is_type)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->items[i].is_type == is_type && strcmp(p->items[i].text, text) == 0) {
            free(text);
            return i;
        }
    p->items = xrealloc(p->items, (p->count + 1) * sizeof *p->items);
    p->items[p->count] = (struct probe){ .text = text, .is_type = is_type };
    return p->count++;
}

static bool kind_needs_type(enum fact_kind k)
{
    return k == FACT_SIZE || k == FACT_OFFSET || k == FACT_BITFIELD || k == FACT_DEBUG;
}

/* The probe of fact F: its type for layout facts, its expression for constants. */
static size_t probe_of(struct probes *p, const struct fact *f)
{
    if (kind_needs_type(f->kind)) {
        size_t len = strcspn(f->spelling, ".");
        return probe_index(p, c_type_name(f->spelling, len), true);
    }
    return probe_index(p, xstrdup(f->spelling), false);
}

static void append(char **buf, size_t *len, const char *text)
{
    size_t n = strlen(text);
    *buf = xrealloc(*buf, *len + n + 1);
    memcpy(*buf + *len, text, n + 1);
    *len += n;
}

static unsigned count_lines(const char *s)
{
    unsigned n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static char *build_source(const struct extract_request *req, struct probes *p)
{
    char *src = NULL;
    size_t len = 0;
    append(&src, &len, "/* pyprinter-gen probe */\n");
    for (size_t i = 0; i < req->descriptor->include_count; i++) {
        char *line = xasprintf("#include \"%s\"\n", req->descriptor->includes[i]);
        append(&src, &len, line);
        free(line);
    }
    if (req->private_header) {
        char *line = xasprintf("#include \"%s\"\n", req->private_header);
        append(&src, &len, line);
        free(line);
    }
    append(&src, &len, "static const char *const pyp_version = PY_VERSION;\n"
                       "static const long long pyp_version_hex = PY_VERSION_HEX;\n");
    for (size_t i = 0; i < p->count; i++) {
        struct probe *pr = &p->items[i];
        pr->line = count_lines(src) + 1;
        char *line = pr->is_type
            ? xasprintf("static %s *pyp_probe_%zu;\n", pr->text, i)
            : xasprintf("static const long long pyp_probe_%zu = (long long)(%s);\n", i, pr->text);
        append(&src, &len, line);
        free(line);
    }
    return src;
}

static char **build_args(const struct extract_request *req, size_t *count)
{
    const struct descriptor *d = req->descriptor;
    size_t max = 16 + d->define_count + req->variant->define_count + req->build_define_count;
    char **args = xrealloc(NULL, max * sizeof *args);
    size_t n = 0;
    args[n++] = xstrdup("-xc");
    args[n++] = xstrdup("-std=gnu11");
    args[n++] = xasprintf("--target=%s", req->target);
    args[n++] = xasprintf("-I%s", req->include_dir);
    /* Debian's pyconfig.h includes <x86_64-linux-gnu/python3.X/pyconfig.h>. */
    args[n++] = xasprintf("-idirafter%s/..", req->include_dir);
    args[n++] = xstrdup("-Wno-everything");
    for (size_t i = 0; i < d->define_count; i++)
        args[n++] = xasprintf("-D%s", d->defines[i]);
    for (size_t i = 0; i < req->variant->define_count; i++)
        args[n++] = xasprintf("-D%s", req->variant->defines[i]);
    for (size_t i = 0; i < req->build_define_count; i++)
        args[n++] = xasprintf("-D%s", req->build_defines[i]);
    *count = n;
    return args;
}

struct cursor_search {
    struct probes *probes;
    CXCursor version, version_hex;
};

static enum CXChildVisitResult collect_probe(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    struct cursor_search *s = data;
    if (clang_getCursorKind(c) != CXCursor_VarDecl)
        return CXChildVisit_Continue;
    CXString name = clang_getCursorSpelling(c);
    const char *n = clang_getCString(name);
    size_t i;
    if (strcmp(n, "pyp_version") == 0)
        s->version = c;
    else if (strcmp(n, "pyp_version_hex") == 0)
        s->version_hex = c;
    else if (sscanf(n, "pyp_probe_%zu", &i) == 1 && i < s->probes->count) {
        s->probes->items[i].cursor = c;
        s->probes->items[i].found = true;
    }
    clang_disposeString(name);
    return CXChildVisit_Continue;
}

/* Sorts clang's errors: those on a probe line belong to that probe; the first other one
 * means the headers themselves do not parse. Returns that one, formatted, or NULL. */
static char *assign_diagnostics(CXTranslationUnit tu, struct probes *p)
{
    char *header_error = NULL;
    unsigned n = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) < CXDiagnostic_Error) {
            clang_disposeDiagnostic(d);
            continue;
        }
        CXFile file;
        unsigned line;
        clang_getSpellingLocation(clang_getDiagnosticLocation(d), &file, &line, NULL, NULL);
        CXString fname = clang_getFileName(file);
        const char *f = clang_getCString(fname);
        bool in_probe = f && strcmp(f, synthetic_name) == 0;
        struct probe *owner = NULL;
        for (size_t j = 0; in_probe && j < p->count; j++)
            if (p->items[j].line == line)
                owner = &p->items[j];
        CXString text = owner ? clang_getDiagnosticSpelling(d)
                              : clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
        if (owner && !owner->error)
            owner->error = xstrdup(clang_getCString(text));
        else if (!owner && !header_error)
            header_error = xstrdup(clang_getCString(text));
        clang_disposeString(text);
        clang_disposeString(fname);
        clang_disposeDiagnostic(d);
    }
    return header_error;
}

struct field_search {
    const char *name;
    long long bit_offset;
    CXCursor field;
    bool found;
};

static enum CXVisitorResult find_field_visitor(CXCursor field, CXClientData data);

/* Looks NAME up among the fields of record TYPE, entering anonymous members. */
static bool find_field(CXType type, const char *name, long long *bit_offset, CXCursor *field)
{
    struct field_search s = { .name = name };
    clang_Type_visitFields(clang_getCanonicalType(type), find_field_visitor, &s);
    if (s.found) {
        *bit_offset = s.bit_offset;
        *field = s.field;
    }
    return s.found;
}

static enum CXVisitorResult find_field_visitor(CXCursor field, CXClientData data)
{
    struct field_search *s = data;
    CXString spelling = clang_getCursorSpelling(field);
    const char *n = clang_getCString(spelling);
    bool anonymous = n[0] == '\0' ||
                     clang_Cursor_isAnonymousRecordDecl(clang_getTypeDeclaration(clang_getCursorType(field)));
    if (strcmp(n, s->name) == 0) {
        s->found = true;
        s->bit_offset = clang_Cursor_getOffsetOfField(field);
        s->field = field;
    } else if (anonymous) {
        long long inner;
        if (find_field(clang_getCursorType(field), s->name, &inner, &s->field)) {
            s->found = true;
            s->bit_offset = clang_Cursor_getOffsetOfField(field) + inner;
        }
    }
    clang_disposeString(spelling);
    return s->found ? CXVisit_Break : CXVisit_Continue;
}

/* Walks "a.b.c" from TYPE. */
static bool resolve_path(CXType type, const char *path, long long *bit_offset, CXCursor *field,
                         char *why, size_t why_size)
{
    *bit_offset = 0;
    char *copy = xstrdup(path), *save = NULL;
    bool ok = true;
    for (char *part = strtok_r(copy, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
        long long off;
        if (!find_field(type, part, &off, field)) {
            snprintf(why, why_size, "no field '%s'", part);
            ok = false;
            break;
        }
        *bit_offset += off;
        type = clang_getCursorType(*field);
    }
    free(copy);
    return ok;
}

static CXType probe_type(const struct probe *pr)
{
    return clang_getPointeeType(clang_getCursorType(pr->cursor));
}

static bool measure(const struct fact *f, const struct probe *pr, long long *value, int *width,
                    char *why, size_t why_size)
{
    CXType type = probe_type(pr);
    if (f->kind == FACT_SIZE) {
        long long size = clang_Type_getSizeOf(type);
        if (size < 0) {
            snprintf(why, why_size, "incomplete or unknown type");
            return false;
        }
        *value = size;
        return true;
    }
    const char *path = strchr(f->spelling, '.');
    if (!path) {
        snprintf(why, why_size, "expected TYPE.field");
        return false;
    }
    CXCursor field;
    long long bits;
    if (!resolve_path(type, path + 1, &bits, &field, why, why_size))
        return false;
    if (bits < 0) {
        snprintf(why, why_size, "libclang cannot lay the field out");
        return false;
    }
    bool is_bitfield = clang_Cursor_isBitField(field);
    if (f->kind == FACT_BITFIELD) {
        *value = bits;
        *width = is_bitfield ? clang_getFieldDeclBitWidth(field)
                             : (int)(clang_Type_getSizeOf(clang_getCursorType(field)) * 8);
        return true;
    }
    if (is_bitfield || bits % 8 != 0) {
        snprintf(why, why_size, "is a bit-field (use kind 'bitfield')");
        return false;
    }
    *value = bits / 8;
    return true;
}

static bool evaluate(const struct probe *pr, long long *value, char *why, size_t why_size)
{
    CXEvalResult r = clang_Cursor_Evaluate(pr->cursor);
    bool ok = r && clang_EvalResult_getKind(r) == CXEval_Int;
    if (ok)
        *value = clang_EvalResult_isUnsignedInt(r) ? (long long)clang_EvalResult_getAsUnsigned(r)
                                                   : clang_EvalResult_getAsLongLong(r);
    else
        snprintf(why, why_size, "not an integer constant");
    if (r)
        clang_EvalResult_dispose(r);
    return ok;
}

/* Reads PY_VERSION and PY_VERSION_HEX and checks them against the minor asked for. */
static bool check_version(const struct cursor_search *s, const struct extract_request *req,
                          struct layout_table *t, char *err, size_t err_size)
{
    CXEvalResult str = clang_Cursor_Evaluate(s->version);
    CXEvalResult hex = clang_Cursor_Evaluate(s->version_hex);
    bool ok = str && hex && clang_EvalResult_getKind(str) == CXEval_StrLiteral &&
              clang_EvalResult_getKind(hex) == CXEval_Int;
    if (!ok) {
        snprintf(err, err_size, "%s: PY_VERSION is not defined: not CPython headers?",
                 req->include_dir);
    } else {
        free(t->cpython);
        t->cpython = xstrdup(clang_EvalResult_getAsStr(str));
        t->version_hex = (unsigned long)clang_EvalResult_getAsLongLong(hex);
        int minor = (int)((t->version_hex >> 16) & 0xff);
        if ((t->version_hex >> 24) != 3 || minor != req->descriptor->minor) {
            snprintf(err, err_size,
                     "the headers in %s are CPython %s, not 3.%d: pass --headers for 3.%d",
                     req->include_dir, t->cpython, req->descriptor->minor, req->descriptor->minor);
            ok = false;
        }
    }
    if (str)
        clang_EvalResult_dispose(str);
    if (hex)
        clang_EvalResult_dispose(hex);
    return ok;
}

static bool fill_fact(struct fact *f, const struct manifest_rule *rule, const struct probe *pr,
                      const char *cpython, char *err, size_t err_size)
{
    char why[512] = "";
    bool ok;
    if (f->kind == FACT_VALUE) {
        f->value = strtoll(f->spelling, NULL, 0);
        ok = true;
    } else if (pr->error || !pr->found) {
        snprintf(why, sizeof why, "%s", pr->error ? pr->error : "not declared");
        ok = false;
    } else if (kind_needs_type(f->kind)) {
        ok = measure(f, pr, &f->value, &f->width, why, sizeof why);
    } else {
        ok = evaluate(pr, &f->value, why, sizeof why);
    }
    f->present = ok;
    if (!ok && !rule->optional) {
        snprintf(err, err_size, "missing in CPython %s headers: %s (%s %s): %s", cpython, f->name,
                 fact_kind_name(f->kind), f->spelling, why);
        return false;
    }
    return true;
}

static CXTranslationUnit parse(CXIndex index, const struct extract_request *req, const char *src,
                               char *err, size_t err_size)
{
    size_t argc;
    char **args = build_args(req, &argc);
    struct CXUnsavedFile file = { synthetic_name, src, (unsigned long)strlen(src) };
    CXTranslationUnit tu = NULL;
    enum CXErrorCode code = clang_parseTranslationUnit2(
        index, synthetic_name, (const char *const *)args, (int)argc, &file, 1,
        CXTranslationUnit_SkipFunctionBodies | CXTranslationUnit_KeepGoing, &tu);
    if (code != CXError_Success)
        snprintf(err, err_size, "libclang could not parse the headers in %s (error %d)",
                 req->include_dir, (int)code);
    for (size_t i = 0; i < argc; i++)
        free(args[i]);
    free(args);
    return code == CXError_Success ? tu : NULL;
}

bool extract_from_headers(const struct extract_request *req, struct layout_table *t, char *err,
                          size_t err_size)
{
    struct probes probes = { 0 };
    size_t *probe_of_fact = xrealloc(NULL, t->fact_count * sizeof *probe_of_fact);
    for (size_t i = 0; i < t->fact_count; i++)
        probe_of_fact[i] = t->facts[i].spelling[0] && t->facts[i].kind != FACT_VALUE
                               ? probe_of(&probes, &t->facts[i])
                               : (size_t)-1;
    char *src = build_source(req, &probes);
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit tu = parse(index, req, src, err, err_size);
    bool ok = tu != NULL;
    if (ok) {
        char *header_error = assign_diagnostics(tu, &probes);
        struct cursor_search search = { .probes = &probes };
        clang_visitChildren(clang_getTranslationUnitCursor(tu), collect_probe, &search);
        if (header_error) {
            snprintf(err, err_size, "cannot parse the CPython headers in %s: %s", req->include_dir,
                     header_error);
            ok = false;
        }
        free(header_error);
        ok = ok && check_version(&search, req, t, err, err_size);
        for (size_t i = 0; ok && i < t->fact_count; i++) {
            struct fact *f = &t->facts[i];
            const struct manifest_rule *rule = manifest_rule_for(req->manifest, f->name, t->minor);
            static const struct probe no_probe = { .found = false };
            const struct probe *pr = probe_of_fact[i] == (size_t)-1 ? &no_probe
                                                                   : &probes.items[probe_of_fact[i]];
            if (rule)
                ok = fill_fact(f, rule, pr, t->cpython, err, err_size);
        }
        clang_disposeTranslationUnit(tu);
    }
    clang_disposeIndex(index);
    for (size_t i = 0; i < probes.count; i++) {
        free(probes.items[i].text);
        free(probes.items[i].error);
    }
    free(probes.items);
    free(probe_of_fact);
    free(src);
    return ok;
}
