/* repr_builtins.c: built-in functions and methods (builtin_function_or_method) and
 * method-wrappers, in python-gdb.py's words:
 *
 *   <built-in function len>
 *   <built-in method append of list object at remote 0x7f...>
 *   <method-wrapper '__add__' of int object at 0x7f...>
 */
#include "repr_ctx.h"

bool repr_cfunction(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    struct pyp_mem *m = c->py->mem;
    uint64_t def, self, name;
    if (!pyp_mem_u64(m, o->addr + (uint64_t)FACT(t, CFUNC_ML), &def) ||
        !pyp_mem_u64(m, o->addr + (uint64_t)FACT(t, CFUNC_SELF), &self))
        return false;
    rout_lit(&c->out, self == 0 ? "<built-in function " : "<built-in method ");
    if (!pyp_mem_u64(m, def + (uint64_t)FACT(t, METHODDEF_NAME), &name) || !repr_cstr(c, name))
        return false;
    if (self != 0) {
        rout_lit(&c->out, " of ");
        if (!repr_type_name_of(c, self))
            return false;
        rout_lit(&c->out, " object at remote ");
        rout_hex(&c->out, self);
    }
    rout_lit(&c->out, ">");
    return true;
}

bool repr_method_wrapper(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    struct pyp_mem *m = c->py->mem;
    uint64_t descr, self, base, name;
    if (!pyp_mem_u64(m, o->addr + (uint64_t)FACT(t, WRAPPER_DESCR), &descr) ||
        !pyp_mem_u64(m, o->addr + (uint64_t)FACT(t, WRAPPER_SELF), &self))
        return false;
    rout_lit(&c->out, "<method-wrapper '");
    if (!pyp_mem_u64(m, descr + (uint64_t)FACT(t, WRAPPERDESCR_BASE), &base) ||
        !pyp_mem_u64(m, base + (uint64_t)FACT(t, WRAPPERBASE_NAME), &name) || !repr_cstr(c, name))
        return false;
    rout_lit(&c->out, "' of ");
    if (!repr_type_name_of(c, self))
        return false;
    rout_lit(&c->out, " object at ");
    rout_hex(&c->out, self);
    rout_lit(&c->out, ">");
    return true;
}
