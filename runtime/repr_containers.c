/* repr_containers.c: tuple, list, dict, frozendict, set and frozenset reprs, and
 * exceptions (their type name and args), each item printed one level down, in the
 * script's steps (templates/43-containers.gdb.in, repr_ctx.h): the opening, whose reads
 * come first, then one step per item, which reads the item before it prints its
 * separator. A
 * dict's entries come from dict.h; instance attributes use the same walk with names
 * unquoted ("a=1"). A set's table is walked slot by slot, skipping empty slots and the
 * dummy that deletions leave (its type is named "<dummy key>"; the script compares the
 * first 8 bytes). */
#include "dict.h"
#include "repr_ctx.h"

enum { MAX_SET_MASK = 1 << 30 };

/* ", "-separated reprs of the N object pointers at ITEMS; CLOSE after them. */
static void repr_items(struct repr_ctx *c, int64_t n, uint64_t items, const char *close)
{
    for (int64_t i = 0; i < n && !c->out.trunc; i++) {
        size_t mark = rout_mark(&c->out);
        uint64_t item;
        if (!pyp_mem_u64(c->py->mem, items + 8 * (uint64_t)i, &item)) {
            repr_step_failed(c, mark);
            return;
        }
        if (i > 0)
            rout_lit(&c->out, ", ");
        repr_child(c, item);
    }
    rout_lit(&c->out, close);
}

bool repr_tuple(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    int64_t n;
    if (!pyp_mem_i64(c->py->mem, o->addr + (uint64_t)FACT(t, TUPLE_OB_SIZE), &n))
        return false;
    rout_lit(&c->out, "(");
    repr_items(c, n, o->addr + (uint64_t)FACT(t, TUPLE_ITEMS), n == 1 ? ",)" : ")");
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
    repr_items(c, n, items, "]");
    return true;
}

/* The entries of IT: "k: v" (or "k=v" with the key's text unquoted), empty ones
 * skipped; CLOSE after them. */
void repr_entries(struct repr_ctx *c, const struct pyp_dict_iter *it, bool as_attrs,
                  const char *close, uint64_t close_addr)
{
    bool first = true;
    int64_t i = 0;
    while (!c->out.trunc) {
        size_t mark = rout_mark(&c->out);
        uint64_t key = 0, value = 0;
        while (i < it->count && (key == 0 || value == 0)) {
            if (!pyp_dict_entry(c->py, it, i++, &key, &value)) {
                repr_step_failed(c, mark);
                return;
            }
        }
        if (key == 0 || value == 0)
            break;
        if (!first)
            rout_lit(&c->out, ", ");
        first = false;
        if (as_attrs) {
            if (!repr_str_raw(c, key)) {
                repr_step_failed(c, mark);
                return;
            }
            rout_lit(&c->out, "=");
        } else {
            repr_child(c, key);
            rout_lit(&c->out, ": ");
        }
        repr_child(c, value);
    }
    rout_lit(&c->out, close);
    if (close_addr) {
        rout_hex(&c->out, close_addr);
        rout_lit(&c->out, ">");
    }
}

/* "TypeName(" of a frozenset or a frozendict, before its items or its ")". */
static bool frozen_open(struct repr_ctx *c, const struct repr_obj *o)
{
    if (!repr_cstr(c, o->name))
        return false;
    rout_lit(&c->out, "(");
    return true;
}

/* {k: v, ...}; a frozendict (3.15+) as frozendict({k: v, ...}), frozendict() when empty */
bool repr_dict(struct repr_ctx *c, const struct repr_obj *o)
{
    struct pyp_dict_iter it;
    bool frozen = o->kind == REPR_FROZENDICT;
    int64_t used = 0;
    if ((frozen && !pyp_mem_i64(c->py->mem, o->addr + (uint64_t)FACT(&c->py->table, DICT_USED), &used)) ||
        !pyp_dict_open(c->py, o->addr, &it))
        return false;
    if (frozen && !frozen_open(c, o))
        return false;
    if (frozen && used == 0) {
        rout_lit(&c->out, ")");
        return true;
    }
    rout_lit(&c->out, "{");
    repr_entries(c, &it, false, frozen ? "})" : "}", 0);
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

/* The items of the set's slots 0..MASK, then "}" (and ")" when WRAPPED). */
static void set_items(struct repr_ctx *c, uint64_t table, int64_t mask, bool wrapped)
{
    const struct pyp_table *t = &c->py->table;
    int64_t printed = 0, i = 0;
    while (!c->out.trunc) {
        size_t mark = rout_mark(&c->out);
        uint64_t key = 0;
        while (i <= mask && key == 0) {
            uint64_t slot = table + (uint64_t)(FACT(t, SETENTRY_SIZE) * i++ + FACT(t, SETENTRY_KEY));
            bool ok = pyp_mem_u64(c->py->mem, slot, &key);
            if (ok && key != 0 && is_dummy(c, key, &ok))
                key = 0;
            if (!ok) {
                repr_step_failed(c, mark);
                return;
            }
        }
        if (key == 0)
            break;
        if (printed++ > 0)
            rout_lit(&c->out, ", ");
        repr_child(c, key);
    }
    rout_lit(&c->out, wrapped ? "})" : "}");
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
    if (frozen && !frozen_open(c, o))
        return false;
    if (used == 0) {
        rout_lit(&c->out, frozen ? ")" : "set()");
        return true;
    }
    if (mask > MAX_SET_MASK)
        return false;
    rout_lit(&c->out, "{");
    set_items(c, table, mask, frozen);
    return true;
}

/* TypeName(arg, ...) */
bool repr_exception(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    uint64_t args;
    int64_t n = 0;
    if (!pyp_mem_u64(c->py->mem, o->addr + (uint64_t)FACT(t, EXC_ARGS), &args) ||
        (args != 0 && !pyp_mem_i64(c->py->mem, args + (uint64_t)FACT(t, TUPLE_OB_SIZE), &n)) ||
        !repr_cstr(c, o->name))
        return false;
    rout_lit(&c->out, "(");
    if (args == 0)
        rout_lit(&c->out, ")");
    else
        repr_items(c, n, args + (uint64_t)FACT(t, TUPLE_ITEMS), ")");
    return true;
}
