/* layout_jit.c: see layout_jit.h. */
#include "layout_jit.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "native_dwfl.h"

extern const short pyp_fact_carries[PYP_FACT_COUNT];

static const char *const kind_names[] = {
    [PYP_KIND_SIZE] = "size",   [PYP_KIND_OFFSET] = "offset", [PYP_KIND_BITFIELD] = "bitfield",
    [PYP_KIND_ENUM] = "enum",   [PYP_KIND_CONST] = "const",   [PYP_KIND_VALUE] = "value",
    [PYP_KIND_DEBUG] = "debug",
};

static const char *const origin_names[] = {
    [PYP_ORIGIN_ABSENT] = "absent", [PYP_ORIGIN_DWARF] = "dwarf",
    [PYP_ORIGIN_DEBUG_OFFSETS] = "debug-offsets", [PYP_ORIGIN_TABLE] = "table",
    [PYP_ORIGIN_TARGET] = "target",
};

static int minor_of(const struct pyp_python *py)
{
    return (int)((py->version_hex >> 16) & 0xff);
}


/* Whether some _Py_DebugOffsets member carries fact ID. */
static bool carried(const struct pyp_table *t, unsigned id)
{
    for (unsigned m = 0; m < PYP_FACT_COUNT; m++)
        if (pyp_fact_carries[m] == (short)id && t->present[m])
            return true;
    return false;
}

/* No DWARF: the compiled table, as the target's _Py_DebugOffsets corrected it. */
static void from_table(const struct pyp_python *py, struct pyp_jit_layout *out)
{
    const struct pyp_table *t = &py->table;
    out->source = py->debug_offsets_used ? "debug-offsets" : "table";
    for (unsigned id = 0; id < PYP_FACT_COUNT; id++) {
        if (!t->present[id] || !pyp_fact_rule_for(id, minor_of(py))) {
            out->origin[id] = PYP_ORIGIN_ABSENT;
            continue;
        }
        out->facts[id] = (struct pyp_fact){ t->value[id], t->width[id], 1 };
        out->origin[id] = py->debug_offsets_used && carried(t, id) ? PYP_ORIGIN_DEBUG_OFFSETS
                                                                   : PYP_ORIGIN_TABLE;
        out->from_table += out->origin[id] == PYP_ORIGIN_TABLE;
    }
}

struct module_search {
    const char *name;
    Dwfl_Module *found;
};

static int match_module(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr base,
                        void *arg)
{
    (void)userdata, (void)base;
    struct module_search *s = arg;
    if (name && strcmp(name, s->name) == 0) {
        s->found = mod;
        return DWARF_CB_ABORT;
    }
    return DWARF_CB_OK;
}

/* The module of the file holding _PyRuntime: by its name (_PyRuntime itself may lie in
 * .bss, past the file's mappings), else the one _PyRuntime's address falls in. */
static Dwfl_Module *module_of(Dwfl *dwfl, const struct pyp_python *py)
{
    struct module_search s = { py->objfile, NULL };
    if (py->objfile)
        dwfl_getmodules(dwfl, match_module, &s, 0);
    return s.found ? s.found : dwfl_addrmodule(dwfl, py->runtime);
}

/* The DWARF of the file holding _PyRuntime, through the target's modules; OUT is left as
 * it was unless the DWARF states some fact. */
static bool from_dwarf(struct pyp_python *py, struct pyp_target *t, struct pyp_jit_layout *out)
{
    char err[256];
    struct pyp_modules *mods = NULL;
    Dwfl *dwfl = pyp_modules_begin(t, &mods, err, sizeof err);
    Dwfl_Module *mod = dwfl ? module_of(dwfl, py) : NULL;
    Dwarf_Addr bias;
    Dwarf *dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
    struct pyp_jit_layout found = { .source = "dwarf" };
    if (dw) {
        const char *main_file = NULL, *debug_file = NULL;
        dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &main_file, &debug_file);
        pyp_layout_facts_from_dwarf(dw, minor_of(py), &py->table, &found);
        found.dwarf_file = pyp_xstrdup(debug_file ? debug_file : main_file ? main_file : "");
    }
    pyp_modules_end(dwfl, mods);
    if (found.from_dwarf == 0) {
        pyp_jit_layout_free(&found);
        return false;
    }
    found.build_id = out->build_id;
    *out = found;
    return true;
}

void pyp_layout_jit(struct pyp_python *py, struct pyp_target *t, struct pyp_jit_layout *out)
{
    memset(out, 0, sizeof *out);
    out->build_id = pyp_python_build_id(py, t);
    if (!from_dwarf(py, t, out))
        from_table(py, out);
    if (py->version_exact && out->facts[PYP_VERSION_HEX].present) {
        out->from_table -= out->origin[PYP_VERSION_HEX] == PYP_ORIGIN_TABLE;
        out->facts[PYP_VERSION_HEX].value = (int64_t)py->version_hex;
        out->origin[PYP_VERSION_HEX] = PYP_ORIGIN_TARGET;
    }
}

void pyp_jit_layout_free(struct pyp_jit_layout *j)
{
    free(j->dwarf_file);
    free(j->build_id);
    free(j->missing);
    memset(j, 0, sizeof *j);
}

static json_object *fact_json(const struct pyp_fact_rule *r, const struct pyp_fact *f,
                              enum pyp_fact_origin origin)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string(kind_names[r->kind]));
    json_object_object_add(o, "c", json_object_new_string(r->spelling));
    json_object_object_add(o, "value", json_object_new_int64(f->value));
    if (r->kind == PYP_KIND_BITFIELD)
        json_object_object_add(o, "width", json_object_new_int(f->width));
    json_object_object_add(o, "from", json_object_new_string(origin_names[origin]));
    return o;
}

static json_object *string_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

void pyp_jit_layout_write_json(const struct pyp_python *py, const struct pyp_jit_layout *j,
                               FILE *out)
{
    char hex[16], minor[8];
    snprintf(hex, sizeof hex, "0x%08lx", py->version_hex);
    snprintf(minor, sizeof minor, "3.%d", minor_of(py));
    json_object *root = json_object_new_object();
    json_object_object_add(root, "schema", json_object_new_int(1));
    json_object_object_add(root, "cpython", json_object_new_string(py->version));
    json_object_object_add(root, "version_hex", json_object_new_string(hex));
    json_object_object_add(root, "minor", json_object_new_string(minor));
    json_object_object_add(root, "variant", json_object_new_string(py->variant));
    json_object_object_add(root, "target", json_object_new_string(py->table.base->target));
    json_object_object_add(root, "source", json_object_new_string(j->source));
    json_object_object_add(root, "defines", json_object_new_string(""));
    json_object_object_add(root, "file", string_or_null(py->objfile));
    json_object_object_add(root, "build_id", json_object_new_string(j->build_id));
    json_object_object_add(root, "dwarf_file", string_or_null(j->dwarf_file));
    json_object_object_add(root, "nearest_table", json_object_new_string(py->table.base->cpython));
    json_object *unverified = json_object_new_array(), *facts = json_object_new_object();
    for (unsigned id = 0; id < PYP_FACT_COUNT; id++) {
        const struct pyp_fact_rule *r = pyp_fact_rule_for(id, minor_of(py));
        bool shown = r && j->facts[id].present && j->origin[id] != PYP_ORIGIN_ABSENT;
        json_object_object_add(facts, pyp_fact_name(id),
                               shown ? fact_json(r, &j->facts[id], j->origin[id]) : NULL);
        if (shown && j->origin[id] == PYP_ORIGIN_TABLE && r->kind != PYP_KIND_VALUE)
            json_object_array_add(unverified, json_object_new_string(pyp_fact_name(id)));
    }
    json_object_object_add(root, "unverified", unverified);
    json_object_object_add(root, "facts", facts);
    fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE), out);
    fputc('\n', out);
    json_object_put(root);
}

bool pyp_layout_adopt_build(struct pyp_python *py, struct pyp_target *t, const char *why)
{
    struct pyp_jit_layout j;
    memset(&j, 0, sizeof j);
    bool ok = from_dwarf(py, t, &j);
    if (ok) {
        for (unsigned id = 0; id < PYP_FACT_COUNT; id++) {
            py->table.value[id] = j.facts[id].value;
            py->table.width[id] = j.facts[id].width;
            py->table.present[id] = j.facts[id].present;
        }
        pyp_python_note(py, "%s: read with the layout of this build, from its DWARF in %s", why,
                        j.dwarf_file);
    }
    pyp_jit_layout_free(&j);
    return ok;
}
