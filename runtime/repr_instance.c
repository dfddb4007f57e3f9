/* repr_instance.c: instances of classes (heap types), <Name(a=1, b=2) at remote 0x...>,
 * the attributes from the instance's __dict__ wherever the version keeps it, as the
 * script's pyp-instance-dict finds it:
 *
 *   tp_dictoffset > 0: a dict pointer at that offset; < 0: counted from the end of a
 *   variable-size object. A MANAGED_DICT type (3.11+) instead, by feature.managed_dict:
 *   1 (3.11) a dict at obj-24, else split values at obj-32; 2 (3.12) one word at obj-24,
 *   odd for values (word + 1), else a dict; 3, 4 (3.13+) a dict at obj-24, else with
 *   INLINE_VALUES the values inside the object (after the PyObject header, or at
 *   tp_basicsize), used when marked valid. Split values go with the type's cached keys.
 *
 * Without a dict or values the parentheses are left out: <Name at remote 0x...>. */
#include "dict.h"
#include "repr_ctx.h"

struct attrs {
    uint64_t dict;            /* a dict object, or */
    uint64_t values;          /* split values with the type's cached keys */
};

static bool managed_attrs(struct repr_ctx *c, const struct repr_obj *o, struct attrs *a)
{
    const struct pyp_table *t = &c->py->table;
    struct pyp_mem *m = c->py->mem;
    int64_t md = FACT(t, FEATURE_MANAGED_DICT), basicsize;
    uint8_t valid;
    if (md == 1 || md == 2) {
        if (!pyp_mem_u64(m, o->addr + (uint64_t)FACT(t, FEATURE_MANAGED_DICT_OFFSET), &a->dict))
            return false;
        if (md == 2 && (a->dict & 1)) {
            a->values = a->dict + 1;
            a->dict = 0;
        }
        return md == 2 || a->dict != 0 ||
               pyp_mem_u64(m, o->addr + (uint64_t)FACT(t, FEATURE_MANAGED_VALUES_OFFSET), &a->values);
    }
    if (!pyp_mem_u64(m, o->addr + (uint64_t)FACT(t, MANAGED_DICT_OFFSET), &a->dict))
        return false;
    if (a->dict != 0 || !(o->flags & (uint64_t)FACT(t, TPFLAGS_INLINE_VALUES)))
        return true;
    if (md == 3)
        a->values = o->addr + (uint64_t)FACT(t, OBJECT_SIZE);
    else if (pyp_mem_i64(m, o->type + (uint64_t)FACT(t, TYPE_BASICSIZE), &basicsize))
        a->values = o->addr + (uint64_t)basicsize;
    else
        return false;
    if (!pyp_mem_u8(m, a->values + (uint64_t)FACT(t, DICTVALUES_VALID), &valid))
        return false;
    if (!valid)
        a->values = 0;
    return true;
}

/* tp_dictoffset < 0: from the end of the object, rounded up to 8 bytes. */
static bool var_dict(struct repr_ctx *c, const struct repr_obj *o, int64_t offset, uint64_t *dict)
{
    const struct pyp_table *t = &c->py->table;
    struct pyp_mem *m = c->py->mem;
    int64_t size, basicsize, itemsize;
    if (!pyp_mem_i64(m, o->addr + (uint64_t)FACT(t, VAROBJECT_OB_SIZE), &size) ||
        !pyp_mem_i64(m, o->type + (uint64_t)FACT(t, TYPE_BASICSIZE), &basicsize) ||
        !pyp_mem_i64(m, o->type + (uint64_t)FACT(t, TYPE_ITEMSIZE), &itemsize))
        return false;
    uint64_t n = size < 0 ? 0 - (uint64_t)size : (uint64_t)size;
    uint64_t end = (uint64_t)basicsize + n * (uint64_t)itemsize;
    return pyp_mem_u64(m, o->addr + ((end + 7) & ~(uint64_t)7) + (uint64_t)offset, dict);
}

static bool find_attrs(struct repr_ctx *c, const struct repr_obj *o, struct attrs *a)
{
    const struct pyp_table *t = &c->py->table;
    int64_t offset;
    *a = (struct attrs){ 0, 0 };
    if (!pyp_mem_i64(c->py->mem, o->type + (uint64_t)FACT(t, TYPE_DICTOFFSET), &offset))
        return false;
    if (HAS(t, TPFLAGS_MANAGED_DICT) && (o->flags & (uint64_t)FACT(t, TPFLAGS_MANAGED_DICT)))
        return managed_attrs(c, o, a);
    if (offset > 0)
        return pyp_mem_u64(c->py->mem, o->addr + (uint64_t)offset, &a->dict);
    if (offset < 0)
        return var_dict(c, o, offset, &a->dict);
    return true;
}

/* IT = the entries of the attributes A. */
static bool open_attrs(struct repr_ctx *c, const struct repr_obj *o, const struct attrs *a,
                       struct pyp_dict_iter *it)
{
    uint64_t keys;
    if (a->dict != 0)
        return pyp_dict_open(c->py, a->dict, it);
    return pyp_mem_u64(c->py->mem, o->type + (uint64_t)FACT(&c->py->table, HEAPTYPE_CACHED_KEYS), &keys) &&
           pyp_dict_open_keys(c->py, keys, a->values, it);
}

bool repr_instance(struct repr_ctx *c, const struct repr_obj *o)
{
    struct attrs a;
    struct pyp_dict_iter it;
    bool has_attrs;
    if (!find_attrs(c, o, &a))
        return false;
    has_attrs = a.dict != 0 || a.values != 0;
    if (has_attrs && !open_attrs(c, o, &a, &it))
        return false;
    rout_lit(&c->out, "<");
    if (!repr_cstr(c, o->name))
        return false;
    if (has_attrs) {
        rout_lit(&c->out, "(");
        repr_entries(c, &it, true, ") at remote ", o->addr);
        return true;
    }
    rout_lit(&c->out, " at remote ");
    rout_hex(&c->out, o->addr);
    rout_lit(&c->out, ">");
    return true;
}
