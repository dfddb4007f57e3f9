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

void pyp_frame_locals(struct pyp_python *py, uint64_t frame, uint64_t code, struct pyp_pyframe *out)
{
    struct pyp_code *c = pyp_code_get(py, code);
    if (!c || !c->slots_ok) {
        out->locals_error = true;
        return;
    }
    if (!(c->flags & (uint32_t)FACT(&py->table, COFLAGS_OPTIMIZED)))
        return;
    size_t nargs = argument_count(py, c);
    uint64_t slots = pyp_frame_slots(py, frame);
    struct pyp_buf repr = PYP_BUF_INIT;
    for (size_t i = 0; i < c->slot_count; i++) {
        unsigned kind = c->slot_kinds[i];
        if (kind & PYP_SLOT_HIDDEN)
            continue;
        uint64_t bits, obj, contents;
        bool is_int;
        int64_t int_value;
        if (!pyp_mem_u64(py->mem, slots + 8 * i, &bits)) {
            out->locals_error = true;
            break;
        }
        pyp_stackref(py, bits, &obj, &is_int, &int_value);
        if (!is_int && obj == 0)
            continue;
        if ((kind & (PYP_SLOT_CELL | PYP_SLOT_FREE)) && !is_int &&
            pyp_cell_contents(py, obj, &contents)) {
            if (contents == 0)
                continue;
            bits = obj = contents;
        }
        unsigned shown = 0;
        if (is_argument(c, nargs, c->slot_names[i]))
            shown |= PYP_LOCAL_ARGUMENT;
        if (kind & PYP_SLOT_CELL)
            shown |= PYP_LOCAL_CELL;
        if (kind & PYP_SLOT_FREE)
            shown |= PYP_LOCAL_FREE;
        if (!shown)
            shown = PYP_LOCAL_PLAIN;
        buf_clear(&repr);
        pyp_repr_slot(py, bits, &repr);
        pyp_frame_add_local(out, c->slot_names[i], buf_str(&repr), shown);
    }
    buf_free(&repr);
}
