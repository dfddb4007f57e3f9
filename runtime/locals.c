/* locals.c: see locals.h. Slots come from code.h (3.11+ localsplus with its kinds;
 * 3.8-3.10 varnames, cellvars, freevars); the order of the slots is locals() order in
 * every version (3.8-3.10 build the dict from varnames, then cells, then frees). */
#include "locals.h"

#include <string.h>

#include "code.h"
#include "frames.h"
#include "objects.h"
#include "repr.h"

static size_t argument_count(const struct pyp_python *py, const struct pyp_code *c)
{
    const struct pyp_table *t = &py->table;
    size_t n = (size_t)(c->argcount > 0 ? c->argcount : 0) +
               (size_t)(c->kwonlyargcount > 0 ? c->kwonlyargcount : 0);
    if (c->flags & (uint32_t)FACT(t, COFLAGS_VARARGS))
        n++;
    if (c->flags & (uint32_t)FACT(t, COFLAGS_VARKEYWORDS))
        n++;
    return n;
}

static bool is_argument(const struct pyp_code *c, size_t nargs, const char *name)
{
    for (size_t i = 0; i < nargs && i < c->slot_count; i++)
        if (strcmp(c->slot_names[i], name) == 0)
            return true;
    return false;
}

bool pyp_locals_visit(struct pyp_python *py, uint64_t frame, uint64_t code,
                      bool (*visit)(void *ctx, const struct pyp_variable *v), void *ctx)
{
    struct pyp_code *c = pyp_code_get(py, code);
    if (!c || !c->slots_ok)
        return false;
    if (!(c->flags & (uint32_t)FACT(&py->table, COFLAGS_OPTIMIZED)))
        return true;
    size_t nargs = argument_count(py, c);
    uint64_t slots = pyp_frame_slots(py, frame);
    for (size_t i = 0; i < c->slot_count; i++) {
        unsigned kind = c->slot_kinds[i];
        if (kind & PYP_SLOT_HIDDEN)
            continue;
        uint64_t bits, obj, contents;
        bool is_int;
        int64_t int_value;
        if (!pyp_mem_u64(py->mem, slots + 8 * i, &bits))
            return false;
        pyp_stackref(py, bits, &obj, &is_int, &int_value);
        if (!is_int && obj == 0)
            continue;
        /* A cell slot holds the cell once the frame started (before, 3.11+: the value). */
        if ((kind & (PYP_SLOT_CELL | PYP_SLOT_FREE)) && !is_int &&
            pyp_cell_contents(py, obj, &contents)) {
            if (contents == 0)
                continue;
            bits = contents;
        }
        struct pyp_variable v = { c->slot_names[i], bits, 0 };
        if (is_argument(c, nargs, c->slot_names[i]))
            v.kind |= PYP_LOCAL_ARGUMENT;
        if (kind & PYP_SLOT_CELL)
            v.kind |= PYP_LOCAL_CELL;
        if (kind & PYP_SLOT_FREE)
            v.kind |= PYP_LOCAL_FREE;
        if (!v.kind)
            v.kind = PYP_LOCAL_PLAIN;
        if (!visit(ctx, &v))
            break;
    }
    return true;
}

struct report_ctx {
    struct pyp_python *py;
    struct pyp_pyframe *out;
    struct pyp_buf repr;
};

static bool add_to_report(void *ctx, const struct pyp_variable *v)
{
    struct report_ctx *r = ctx;
    buf_clear(&r->repr);
    pyp_repr_slot(r->py, v->bits, &r->repr);
    pyp_frame_add_local(r->out, v->name, buf_str(&r->repr), v->kind);
    return true;
}

void pyp_frame_locals(struct pyp_python *py, uint64_t frame, uint64_t code, struct pyp_pyframe *out)
{
    struct report_ctx r = { py, out, PYP_BUF_INIT };
    if (!pyp_locals_visit(py, frame, code, add_to_report, &r))
        out->locals_error = true;
    buf_free(&r.repr);
}
