/* table.c: the layout table in memory, and its JSON and C forms (see table.h). */
#include "table.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util.h"

enum { TABLE_SCHEMA = 1 };

void table_init(struct layout_table *t, const struct manifest *m, int minor, const char *variant,
                const char *target)
{
    memset(t, 0, sizeof *t);
    t->minor = minor;
    t->variant = xstrdup(variant);
    t->target = xstrdup(target);
    t->source = xstrdup("headers");
    t->cpython = xstrdup("");
    t->defines = xstrdup("");
    t->fact_count = m->name_count;
    t->facts = xrealloc(NULL, m->name_count * sizeof *t->facts);
    for (size_t i = 0; i < m->name_count; i++) {
        const struct manifest_rule *r = manifest_rule_for(m, m->names[i], minor);
        t->facts[i] = (struct fact){
            .name = xstrdup(m->names[i]),
            .kind = (enum fact_kind)manifest_kind_of(m, m->names[i]),
            .spelling = xstrdup(r ? r->spelling : ""),
            .carries = r && r->carries ? xstrdup(r->carries) : NULL,
        };
    }
}

void table_free(struct layout_table *t)
{
    for (size_t i = 0; i < t->fact_count; i++) {
        free(t->facts[i].name);
        free(t->facts[i].spelling);
        free(t->facts[i].carries);
    }
    free(t->facts);
    free(t->cpython);
    free(t->variant);
    free(t->target);
    free(t->source);
    free(t->defines);
    memset(t, 0, sizeof *t);
}

void table_set_defines(struct layout_table *t, char **defines, size_t count)
{
    char *all = xstrdup("");
    for (size_t i = 0; i < count; i++) {
        char *next = xasprintf("%s%s%s", all, i ? " " : "", defines[i]);
        free(all);
        all = next;
    }
    free(t->defines);
    t->defines = all;
}

struct fact *table_find(const struct layout_table *t, const char *name)
{
    for (size_t i = 0; i < t->fact_count; i++)
        if (strcmp(t->facts[i].name, name) == 0)
            return &t->facts[i];
    return NULL;
}

/* Skips a "struct-" or "struct " prefix: the manifest writes struct tags "struct-X", a
 * user may write "struct X" or just "X". */
static const char *without_struct(const char *s)
{
    if (strncmp(s, "struct-", 7) == 0 || strncmp(s, "struct ", 7) == 0)
        return s + 7;
    return s;
}

/* "T.f", "struct T.f"; for sizes also "sizeof(T)". */
static bool spelling_matches(const struct fact *f, const char *query)
{
    if (!f->present)
        return false;
    const char *spelling = without_struct(f->spelling);
    if (strcmp(spelling, without_struct(query)) == 0)
        return true;
    if (f->kind != FACT_SIZE || strncmp(query, "sizeof(", 7) != 0)
        return false;
    const char *inner = without_struct(query + 7);
    size_t n = strlen(spelling);
    return strncmp(inner, spelling, n) == 0 && strcmp(inner + n, ")") == 0;
}

const struct fact *table_lookup(const struct layout_table *t, const char *query)
{
    const struct fact *f = table_find(t, query);
    if (f)
        return f;
    for (size_t i = 0; i < t->fact_count; i++)
        if (t->facts[i].kind != FACT_DEBUG && spelling_matches(&t->facts[i], query))
            return &t->facts[i];
    return NULL;
}

static void write_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void table_write_json(const struct layout_table *t, FILE *out)
{
    fprintf(out, "{\n  \"schema\": %d,\n  \"cpython\": ", TABLE_SCHEMA);
    write_json_string(out, t->cpython);
    fprintf(out, ",\n  \"version_hex\": \"0x%08lx\",\n  \"minor\": \"3.%d\",\n", t->version_hex,
            t->minor);
    fputs("  \"variant\": ", out);
    write_json_string(out, t->variant);
    fputs(",\n  \"target\": ", out);
    write_json_string(out, t->target);
    fputs(",\n  \"source\": ", out);
    write_json_string(out, t->source);
    fputs(",\n  \"defines\": ", out);
    write_json_string(out, t->defines);
    fputs(",\n  \"facts\": {\n", out);
    for (size_t i = 0; i < t->fact_count; i++) {
        const struct fact *f = &t->facts[i];
        fputs("    ", out);
        write_json_string(out, f->name);
        if (!f->present) {
            fputs(": null", out);
        } else {
            fprintf(out, ": {\"kind\": \"%s\", \"c\": ", fact_kind_name(f->kind));
            write_json_string(out, f->spelling);
            fprintf(out, ", \"value\": %lld", f->value);
            if (f->kind == FACT_BITFIELD)
                fprintf(out, ", \"width\": %d", f->width);
            if (f->carries) {
                fputs(", \"carries\": ", out);
                write_json_string(out, f->carries);
            }
            fputc('}', out);
        }
        fputs(i + 1 < t->fact_count ? ",\n" : "\n", out);
    }
    fputs("  }\n}\n", out);
}

static const char *json_str(json_object *obj, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static bool read_fact(struct fact *f, json_object *v)
{
    if (json_object_is_type(v, json_type_null))
        return true;
    json_object *value, *width;
    const char *c = json_str(v, "c");
    if (!c || !json_object_object_get_ex(v, "value", &value))
        return false;
    f->present = true;
    f->value = json_object_get_int64(value);
    free(f->spelling);
    f->spelling = xstrdup(c);
    if (json_object_object_get_ex(v, "width", &width))
        f->width = json_object_get_int(width);
    return true;
}

bool table_read_json(struct layout_table *t, const struct manifest *m, const char *path, char *err,
                     size_t err_size)
{
    json_object *root = json_object_from_file(path);
    if (!root) {
        snprintf(err, err_size, "cannot read layout table %s: %s", path, json_util_get_last_err());
        return false;
    }
    const char *cpython = json_str(root, "cpython"), *variant = json_str(root, "variant");
    const char *target = json_str(root, "target"), *hex = json_str(root, "version_hex");
    const char *source = json_str(root, "source");
    json_object *facts;
    bool ok = cpython && variant && target && hex && source &&
              json_object_object_get_ex(root, "facts", &facts);
    if (ok) {
        int major = 0, minor = 0;
        sscanf(cpython, "%d.%d", &major, &minor);
        table_init(t, m, minor, variant, target);
        free(t->cpython);
        t->cpython = xstrdup(cpython);
        free(t->source);
        t->source = xstrdup(source);
        const char *defines = json_str(root, "defines");
        free(t->defines);
        t->defines = xstrdup(defines ? defines : "");
        t->version_hex = strtoul(hex, NULL, 16);
        for (size_t i = 0; ok && i < t->fact_count; i++) {
            json_object *v;
            if (json_object_object_get_ex(facts, t->facts[i].name, &v))
                ok = read_fact(&t->facts[i], v);
        }
        if (!ok)
            table_free(t);
    }
    if (!ok)
        snprintf(err, err_size, "layout table %s is malformed", path);
    json_object_put(root);
    return ok;
}

char *table_c_name(const struct layout_table *t)
{
    char *name = xasprintf("pyp_layout_%s_%s", t->cpython, t->variant);
    for (char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p))
            *p = '_';
    return name;
}

/* "iframe.previous" -> "PYP_IFRAME_PREVIOUS". */
static void write_enum_name(FILE *out, const char *name)
{
    fputs("PYP_", out);
    for (; *name; name++)
        fputc(isalnum((unsigned char)*name) ? toupper((unsigned char)*name) : '_', out);
}

void manifest_write_c_header(const struct manifest *m, FILE *out)
{
    fputs("/* pyp_facts.h: one index per logical fact of the layout tables.\n"
          " * Generated by pyprinter-gen from versions/fields.manifest. Do not edit. */\n"
          "#ifndef PYP_FACTS_H\n#define PYP_FACTS_H\n\nenum pyp_fact_id {\n",
          out);
    for (size_t i = 0; i < m->name_count; i++) {
        fputs("    ", out);
        write_enum_name(out, m->names[i]);
        fputs(",\n", out);
    }
    fputs("    PYP_FACT_COUNT\n};\n\n#endif\n", out);
}

void table_write_c(const struct layout_table *t, FILE *out)
{
    char *name = table_c_name(t);
    fprintf(out,
            "/* Layout table of CPython %s (%s, %s), from %s%s%s.\n"
            " * Generated by pyprinter-gen. Do not edit. */\n"
            "#include \"pyp_layout.h\"\n\n"
            "static const struct pyp_fact %s_facts[PYP_FACT_COUNT] = {\n",
            t->cpython, t->variant, t->target, t->source, t->defines[0] ? " with " : "",
            t->defines, name);
    for (size_t i = 0; i < t->fact_count; i++) {
        const struct fact *f = &t->facts[i];
        if (!f->present)
            continue;
        fputs("    [", out);
        write_enum_name(out, f->name);
        fprintf(out, "] = { .value = %lld, .width = %d, .present = 1 }, /* %s %s */\n", f->value,
                f->width, fact_kind_name(f->kind), f->spelling);
    }
    fprintf(out,
            "};\n\n"
            "const struct pyp_layout %s = {\n"
            "    .cpython = \"%s\",\n"
            "    .version_hex = 0x%08lxUL,\n"
            "    .variant = \"%s\",\n"
            "    .target = \"%s\",\n"
            "    .facts = %s_facts,\n"
            "};\n",
            name, t->cpython, t->version_hex, t->variant, t->target, name);
    free(name);
}
