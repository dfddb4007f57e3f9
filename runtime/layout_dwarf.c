/* layout_dwarf.c: the facts of a layout table read from a build's own DWARF (see
 * layout_jit.h): the manifest's rules (pyp_fact_rules, compiled in) say how the C
 * headers spell each fact; a size, an offset, a bit-field, an enumerator or a
 * _Py_DebugOffsets member is then looked up in the DWARF by that spelling.
 *
 * One pass over the top-level entries of every unit (partial units and a dwz file's
 * too) indexes the complete struct and union definitions by tag, and the typedefs,
 * base types and enumerators the rules name; a typedef of a struct that is only declared
 * in its unit is resolved through the tag index. Anonymous members are entered the way
 * C reaches through them. */
#include "layout_jit.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hashmap.h"

extern const struct pyp_fact_rule pyp_fact_rules[];
extern const unsigned pyp_fact_rule_count;

/* An indexed name: "struct-TAG" for a struct or union, the name itself for a typedef or
 * base type, "=NAME" for an enumerator. */
struct entry {
    char *key;
    Dwarf_Die die;
};

struct index {
    struct pyp_hashmap by_key;    /* hash of key -> struct entry */
    struct pyp_hashmap wanted;    /* hash of key -> (void *)1: typedefs, enumerators */
};

static const Dwarf_Die *index_get(const struct index *ix, const char *key)
{
    const struct entry *e = pyp_hashmap_get(&ix->by_key, pyp_hash_text(key));
    return e && strcmp(e->key, key) == 0 ? &e->die : NULL;
}

/* Keeps the first DIE seen for KEY. */
static void index_put(struct index *ix, const char *key, const Dwarf_Die *die)
{
    uint64_t h = pyp_hash_text(key);
    if (pyp_hashmap_get(&ix->by_key, h))
        return;
    struct entry *e = pyp_xcalloc(1, sizeof *e);
    e->key = pyp_xstrdup(key);
    e->die = *die;
    pyp_hashmap_put(&ix->by_key, h, e);
}

static void free_entry(void *p)
{
    struct entry *e = p;
    free(e->key);
    free(e);
}

static bool is_wanted(const struct index *ix, const char *key)
{
    return pyp_hashmap_get(&ix->wanted, pyp_hash_text(key)) != NULL;
}

/* The type part of SPELLING as an index key: "struct-X.a.b" -> "struct-X", "T.a" -> "T". */
static char *type_key(const char *spelling)
{
    return pyp_xasprintf("%.*s", (int)strcspn(spelling, "."), spelling);
}

static void want_names_of(struct index *ix, int minor)
{
    for (unsigned i = 0; i < pyp_fact_rule_count; i++) {
        const struct pyp_fact_rule *r = &pyp_fact_rules[i];
        if (minor < r->first_minor || minor > r->last_minor)
            continue;
        char *key = NULL;
        if (r->kind == PYP_KIND_ENUM)
            key = pyp_xasprintf("=%s", r->spelling);
        else if (r->kind == PYP_KIND_SIZE || r->kind == PYP_KIND_OFFSET ||
                 r->kind == PYP_KIND_BITFIELD || r->kind == PYP_KIND_DEBUG)
            key = type_key(r->spelling);
        if (key)
            pyp_hashmap_put(&ix->wanted, pyp_hash_text(key), (void *)1);
        free(key);
    }
}

static void index_enumerators(struct index *ix, Dwarf_Die *enumeration)
{
    Dwarf_Die child;
    if (dwarf_child(enumeration, &child) != 0)
        return;
    do {
        const char *name = dwarf_diename(&child);
        if (dwarf_tag(&child) != DW_TAG_enumerator || !name)
            continue;
        char *key = pyp_xasprintf("=%s", name);
        if (is_wanted(ix, key))
            index_put(ix, key, &child);
        free(key);
    } while (dwarf_siblingof(&child, &child) == 0);
}

static void index_entry(struct index *ix, Dwarf_Die *die)
{
    const char *name = dwarf_diename(die);
    switch (dwarf_tag(die)) {
    case DW_TAG_structure_type:
    case DW_TAG_union_type:
        if (name && !dwarf_hasattr(die, DW_AT_declaration)) {
            char *key = pyp_xasprintf("struct-%s", name);
            index_put(ix, key, die);
            free(key);
        }
        break;
    case DW_TAG_typedef:
    case DW_TAG_base_type:
        if (name && is_wanted(ix, name))
            index_put(ix, name, die);
        break;
    case DW_TAG_enumeration_type:
        index_enumerators(ix, die);
        break;
    default:
        break;
    }
}

static void index_dwarf(struct index *ix, Dwarf *dw)
{
    Dwarf_CU *cu = NULL;
    Dwarf_Die cudie, child;
    uint8_t unit_type;
    Dwarf_Half version;
    while (dwarf_get_units(dw, cu, &cu, &version, &unit_type, &cudie, NULL) == 0) {
        if (dwarf_child(&cudie, &child) != 0)
            continue;
        do
            index_entry(ix, &child);
        while (dwarf_siblingof(&child, &child) == 0);
    }
}

/* DIE's type with typedefs and qualifiers taken off; a struct declared only is replaced
 * by its definition from the index. False when there is none. */
static bool complete_type(const struct index *ix, Dwarf_Die *die, Dwarf_Die *out)
{
    if (dwarf_peel_type(die, out) != 0)
        return false;
    if (!dwarf_hasattr(out, DW_AT_declaration))
        return true;
    const char *name = dwarf_diename(out);
    if (!name)
        return false;
    char *key = pyp_xasprintf("struct-%s", name);
    const Dwarf_Die *def = index_get(ix, key);
    free(key);
    if (def)
        *out = *def;
    return def != NULL;
}

/* The type a spelling's first part names (KEY from type_key), complete. */
static bool named_type(const struct index *ix, const char *key, Dwarf_Die *out)
{
    const Dwarf_Die *die = index_get(ix, key);
    if (!die && strncmp(key, "struct-", 7) != 0) {
        char *tag = pyp_xasprintf("struct-%s", key);
        die = index_get(ix, tag);
        free(tag);
    }
    if (!die)
        return false;
    Dwarf_Die copy = *die;
    return complete_type(ix, &copy, out);
}

static Dwarf_Word member_offset(Dwarf_Die *member)
{
    Dwarf_Attribute a;
    Dwarf_Word offset = 0;
    if (dwarf_attr(member, DW_AT_data_member_location, &a))
        dwarf_formudata(&a, &offset);
    return offset;
}

enum { MAX_ANONYMOUS_DEPTH = 8 };  /* damaged DWARF may nest a struct in itself */

/* Member NAME of struct or union AGG (entering anonymous members, DEPTH deep so far): the
 * member in *OUT, its byte offset from AGG's start added to *OFFSET. */
static bool find_member(const struct index *ix, Dwarf_Die *agg, const char *name, size_t len,
                        Dwarf_Die *out, Dwarf_Word *offset, int depth)
{
    Dwarf_Die child;
    if (depth > MAX_ANONYMOUS_DEPTH || dwarf_child(agg, &child) != 0)
        return false;
    do {
        if (dwarf_tag(&child) != DW_TAG_member)
            continue;
        const char *n = dwarf_diename(&child);
        if (n && strlen(n) == len && strncmp(n, name, len) == 0) {
            *out = child;
            *offset += member_offset(&child);
            return true;
        }
        Dwarf_Attribute a;
        Dwarf_Die type;
        if (n || !dwarf_attr(&child, DW_AT_type, &a) || !dwarf_formref_die(&a, &type) ||
            !complete_type(ix, &type, &type))
            continue;
        Dwarf_Word inside = 0;
        if (find_member(ix, &type, name, len, out, &inside, depth + 1)) {
            *offset += member_offset(&child) + inside;
            return true;
        }
    } while (dwarf_siblingof(&child, &child) == 0);
    return false;
}

/* The member at dotted PATH from struct AGG: its DIE and byte offset. */
static bool member_path(const struct index *ix, Dwarf_Die agg, const char *path, Dwarf_Die *member,
                        Dwarf_Word *offset)
{
    *offset = 0;
    for (const char *p = path;;) {
        size_t len = strcspn(p, ".");
        if (!find_member(ix, &agg, p, len, member, offset, 0))
            return false;
        if (p[len] == '\0')
            return true;
        Dwarf_Attribute a;
        Dwarf_Die type;
        if (!dwarf_attr(member, DW_AT_type, &a) || !dwarf_formref_die(&a, &type) ||
            !complete_type(ix, &type, &agg))
            return false;
        p += len + 1;
    }
}

/* Bit offset from the outer struct's start, and width, of bit-field MEMBER, reached at
 * byte offset BYTES (its own data_member_location included, when it has one). */
static bool bitfield_position(Dwarf_Die *member, Dwarf_Word bytes, int64_t *bit, int16_t *width)
{
    Dwarf_Attribute a;
    Dwarf_Word size, at, storage;
    if (!dwarf_attr(member, DW_AT_bit_size, &a) || dwarf_formudata(&a, &size) != 0)
        return false;
    *width = (int16_t)size;
    if (dwarf_attr(member, DW_AT_data_bit_offset, &a) && dwarf_formudata(&a, &at) == 0) {
        /* DWARF 4+: from the start of the containing struct, which BYTES reached. */
        *bit = (int64_t)(bytes * 8 + at);
        return true;
    }
    if (dwarf_attr(member, DW_AT_bit_offset, &a) && dwarf_formudata(&a, &at) == 0 &&
        dwarf_attr(member, DW_AT_byte_size, &a) && dwarf_formudata(&a, &storage) == 0) {
        /* DWARF 2/3: from the most significant bit of a storage unit at BYTES. */
        *bit = (int64_t)(bytes * 8 + storage * 8 - at - size);
        return true;
    }
    return false;
}

/* The fact rule R states, from the DWARF; false when the DWARF does not hold it. */
static bool fact_from_dwarf(const struct index *ix, const struct pyp_fact_rule *r, struct pyp_fact *f)
{
    if (r->kind == PYP_KIND_ENUM) {
        char *key = pyp_xasprintf("=%s", r->spelling);
        const Dwarf_Die *e = index_get(ix, key);
        free(key);
        Dwarf_Attribute a;
        Dwarf_Sword v;
        Dwarf_Die copy;
        if (!e)
            return false;
        copy = *e;
        if (!dwarf_attr(&copy, DW_AT_const_value, &a) || dwarf_formsdata(&a, &v) != 0)
            return false;
        f->value = v;
        return true;
    }
    char *key = type_key(r->spelling);
    Dwarf_Die type, member;
    bool ok = named_type(ix, key, &type);
    free(key);
    if (!ok)
        return false;
    if (r->kind == PYP_KIND_SIZE) {
        Dwarf_Word size;
        if (dwarf_aggregate_size(&type, &size) != 0)
            return false;
        f->value = (int64_t)size;
        return true;
    }
    const char *path = strchr(r->spelling, '.');
    Dwarf_Word offset;
    if (!path || !member_path(ix, type, path + 1, &member, &offset))
        return false;
    if (r->kind == PYP_KIND_BITFIELD)
        return bitfield_position(&member, offset, &f->value, &f->width);
    f->value = (int64_t)offset;
    return true;
}

static bool dwarf_states(enum pyp_fact_kind kind)
{
    return kind == PYP_KIND_SIZE || kind == PYP_KIND_OFFSET || kind == PYP_KIND_BITFIELD ||
           kind == PYP_KIND_ENUM || kind == PYP_KIND_DEBUG;
}

const struct pyp_fact_rule *pyp_fact_rule_for(unsigned id, int minor)
{
    for (unsigned i = 0; i < pyp_fact_rule_count; i++)
        if (pyp_fact_rules[i].fact == id && minor >= pyp_fact_rules[i].first_minor &&
            minor <= pyp_fact_rules[i].last_minor)
            return &pyp_fact_rules[i];
    return NULL;
}

void pyp_layout_facts_from_dwarf(Dwarf *dw, int minor, const struct pyp_table *fallback,
                                 struct pyp_jit_layout *out)
{
    struct index ix = { 0 };
    want_names_of(&ix, minor);
    index_dwarf(&ix, dw);
    Dwarf *alt = dwarf_getalt(dw);
    if (alt)
        index_dwarf(&ix, alt);
    struct pyp_buf missing = PYP_BUF_INIT;
    for (unsigned id = 0; id < PYP_FACT_COUNT; id++) {
        const struct pyp_fact_rule *r = pyp_fact_rule_for(id, minor);
        struct pyp_fact *f = &out->facts[id];
        memset(f, 0, sizeof *f);
        out->origin[id] = PYP_ORIGIN_ABSENT;
        if (!r)
            continue;
        if (dwarf_states(r->kind) && fact_from_dwarf(&ix, r, f)) {
            f->present = 1;
            out->origin[id] = PYP_ORIGIN_DWARF;
            out->from_dwarf++;
            continue;
        }
        if (fallback->present[id]) {
            f->value = fallback->value[id];
            f->width = fallback->width[id];
            f->present = 1;
            out->origin[id] = PYP_ORIGIN_TABLE;
            out->from_table++;
        }
        if (dwarf_states(r->kind) && !r->optional) {
            /* DWARF should have said: a field this build does not have, or lost DWARF. */
            buf_printf(&missing, "%s%s", missing.len ? " " : "", pyp_fact_name(id));
            out->not_in_dwarf++;
        }
    }
    free(out->missing);
    out->missing = buf_take(&missing);
    pyp_hashmap_free(&ix.by_key, free_entry);
    pyp_hashmap_free(&ix.wanted, NULL);
}
