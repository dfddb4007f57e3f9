/* repr_containers.c: tuple, list, dict, set and frozenset reprs, and exceptions (their
 * type name and args), each item printed one level down. A dict's entries come from
 * dict.h; instance attributes use the same walk with names unquoted ("a=1"). A set's
 * table is walked slot by slot, skipping empty slots and the dummy that deletions leave
 * (its type is named "<dummy key>"; the script compares the first 8 bytes). */
#include "dict.h"
#include "repr_ctx.h"

enum { MAX_SET_MASK = 1 << 30 };

/* ", "-separated reprs of the N object pointers at ITEMS. */
static bool repr_items(struct repr_ctx *c, int64_t n, uint64_t items)
{
    for (int64_t i = 0; i < n && !c->out.trunc; i++) {
        uint64_t item;
        if (i > 0)
            rout_lit(&c->out, ", ");
        if (!pyp_mem_u64(c->py->mem, items + 8 * (uint64_t)i, &item))
            return false;
        repr_child(c, item);
    }
    return true;
}

bool repr_tuple(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    int64_t n;
    if (!pyp_mem_i64(c->py->mem, o->addr + (uint64_t)FACT(t, TUPLE_OB_SIZE), &n))
        return false;
    rout_lit(&c->out, "(");
    if (!repr_items(c, n, o->addr + (uint64_t)FACT(t, TUPLE_ITEMS)))
        return false;
    rout_lit(&c->out, n == 1 ? ",)" : ")");
    return true;
}

bool repr_list(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    int64_t n;
    uint64_t items;
    if (!pyp_mem_i64(c->py->mem, o->addr + (uint64_t)FACT(t, LIST_OB_SIZE), &n) ||
        !pyp_mem_u64(c->py->mem, o->addr + (uint64_t)FACT(t, LIST_ITEMS), &items))
        return false;
    rout_lit(&c->out, "[");
    if (!repr_items(c, n, items))
        return false;
    rout_lit(&c->out, "]");
    return true;
}

/* The entries of IT: "k: v" (or "k=v" with the key's text unquoted), empty ones skipped. */
static bool repr_entries(struct repr_ctx *c, const struct pyp_dict_iter *it, bool as_attrs)
{
    bool first = true;
    for (int64_t i = 0; i < it->count && !c->out.trunc; i++) {
        uint64_t key, value;
        if (!pyp_dict_entry(c->py, it, i, &key, &value))
            return false;
        if (key == 0 || value == 0)
            continue;
        if (!first)
            rout_lit(&c->out, ", ");
        first = false;
        if (as_attrs) {
            if (!repr_str_raw(c, key))
                return false;
            rout_lit(&c->out, "=");
        } else {
            repr_child(c, key);
            rout_lit(&c->out, ": ");
        }
        repr_child(c, value);
    }
    return true;
}

bool repr_keys_items(struct repr_ctx *c, uint64_t keys, uint64_t values, bool as_attrs)
{
    struct pyp_dict_iter it;
    return pyp_dict_open_keys(c->py, keys, values, &it) && repr_entries(c, &it, as_attrs);
}

bool repr_dict_items(struct repr_ctx *c, uint64_t dict, bool as_attrs)
{
    struct pyp_dict_iter it;
    return pyp_dict_open(c->py, dict, &it) && repr_entries(c, &it, as_attrs);
}

bool repr_dict(struct repr_ctx *c, const struct repr_obj *o)
{
    rout_lit(&c->out, "{");
    if (!repr_dict_items(c, o->addr, false))
        return false;
    rout_lit(&c->out, "}");
    return true;
}

/* Whether set slot KEY holds the dummy. */
static bool is_dummy(struct repr_ctx *c, uint64_t key, bool *ok)
{
    const struct pyp_table *t = &c->py->table;
    uint64_t type, name;
    if (!pyp_mem_u64(c->py->mem, key + (uint64_t)FACT(t, OBJECT_TYPE), &type) ||
        !pyp_mem_u64(c->py->mem, type + (uint64_t)FACT(t, TYPE_NAME), &name)) {
        *ok = false;
        return false;
    }
    return repr_name_word(c->py, name, "<dummy k", 8, 0, ok);
}

/* "{a, b}" from the set's slots 0..MASK. */
static bool set_body(struct repr_ctx *c, uint64_t table, int64_t mask)
{
    const struct pyp_table *t = &c->py->table;
    bool first = true, ok = true;
    if (mask > MAX_SET_MASK)
        return false;
    rout_lit(&c->out, "{");
    for (int64_t i = 0; i <= mask && !c->out.trunc; i++) {
        uint64_t key, slot = table + (uint64_t)(FACT(t, SETENTRY_SIZE) * i + FACT(t, SETENTRY_KEY));
        if (!pyp_mem_u64(c->py->mem, slot, &key))
            return false;
        if (key == 0)
            continue;
        bool dummy = is_dummy(c, key, &ok);
        if (!ok)
            return false;
        if (dummy)
            continue;
        if (!first)
            rout_lit(&c->out, ", ");
        first = false;
        repr_child(c, key);
    }
    rout_lit(&c->out, "}");
    return true;
}

/* set() / {1, 2} / frozenset() / frozenset({1, 2}) */
bool repr_set(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    int64_t used, mask;
    uint64_t table;
    bool frozen = o->kind == REPR_FROZENSET;
    if (!pyp_mem_i64(c->py->mem, o->addr + (uint64_t)FACT(t, SET_USED), &used) ||
        !pyp_mem_u64(c->py->mem, o->addr + (uint64_t)FACT(t, SET_TABLE), &table) ||
        !pyp_mem_i64(c->py->mem, o->addr + (uint64_t)FACT(t, SET_MASK), &mask))
        return false;
    if (frozen) {
        if (!repr_cstr(c, o->name))
            return false;
        rout_lit(&c->out, "(");
    }
    if (used == 0 && !frozen)
        rout_lit(&c->out, "set(");
    if (used != 0 && !set_body(c, table, mask))
        return false;
    if (frozen || used == 0)
        rout_lit(&c->out, ")");
    return true;
}

/* TypeName(arg, ...) */
bool repr_exception(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    uint64_t args;
    int64_t n;
    if (!repr_cstr(c, o->name) ||
        !pyp_mem_u64(c->py->mem, o->addr + (uint64_t)FACT(t, EXC_ARGS), &args))
        return false;
    rout_lit(&c->out, "(");
    if (args != 0 && (!pyp_mem_i64(c->py->mem, args + (uint64_t)FACT(t, TUPLE_OB_SIZE), &n) ||
                      !repr_items(c, n, args + (uint64_t)FACT(t, TUPLE_ITEMS))))
        return false;
    rout_lit(&c->out, ")");
    return true;
}
