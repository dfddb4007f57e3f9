/* repr_frame.c: frame objects, as the script's pyp-frame-repr prints a frame:
 *
 *   Frame 0x7f..., for file /path/f.py, line 12, in name (a=1, b='x')
 *
 * with the first co_nlocals slots that are bound (python-gdb.py's choice), each value one
 * level down. From 3.11 the address is the frame object's _PyInterpreterFrame (f_frame),
 * and that frame is what the cycle check sees while its locals print. A frame that runs
 * no code object (a shim, a sentinel) prints the generic form. */
#include "code.h"
#include "frames.h"
#include "objects.h"
#include "repr_ctx.h"

static bool put_line(struct repr_ctx *c, uint64_t frame, uint64_t code)
{
    struct pyp_code *pc = pyp_code_get(c->py, code);
    int64_t q;
    if (!pc)
        return false;
    int line = pyp_frame_position(c->py, frame, code, &q) ? pyp_code_line(c->py, pc, q) : -1;
    if (line < 0)
        rout_lit(&c->out, "?");
    else
        rout_udec(&c->out, (uint64_t)line);
    return true;
}

static bool put_name_field(struct repr_ctx *c, uint64_t code, int64_t offset)
{
    uint64_t obj;
    return pyp_mem_u64(c->py->mem, code + (uint64_t)offset, &obj) && repr_str_raw(c, obj);
}

/* "a=1, b=2": the bound slots among the first co_nlocals. */
static bool put_locals(struct repr_ctx *c, uint64_t frame, uint64_t code)
{
    const struct pyp_table *t = &c->py->table;
    struct pyp_mem *m = c->py->mem;
    bool old = FACT(t, FEATURE_FRAME_MODEL) == 1;
    int64_t names_field = old ? FACT(t, CODE_VARNAMES) : FACT(t, CODE_LOCALSPLUSNAMES);
    uint64_t names, slots = pyp_frame_slots(c->py, frame);
    int32_t count;
    int64_t size;
    if (!pyp_mem_u64(m, code + (uint64_t)names_field, &names) ||
        !pyp_mem_i32(m, code + (uint64_t)FACT(t, CODE_NLOCALS), &count) ||
        !pyp_mem_i64(m, names + (uint64_t)FACT(t, TUPLE_OB_SIZE), &size))
        return false;
    if (count < 0 || count > size)
        count = 0;
    bool first = true;
    for (int32_t i = 0; i < count && !c->out.trunc; i++) {
        uint64_t bits, obj, name;
        bool is_int;
        int64_t value;
        if (!pyp_mem_u64(m, slots + 8 * (uint64_t)i, &bits))
            return false;
        pyp_stackref(c->py, bits, &obj, &is_int, &value);
        if (obj == 0 && !is_int)
            continue;
        if (!first)
            rout_lit(&c->out, ", ");
        first = false;
        if (!pyp_mem_u64(m, names + (uint64_t)FACT(t, TUPLE_ITEMS) + 8 * (uint64_t)i, &name) ||
            !repr_str_raw(c, name))
            return false;
        rout_lit(&c->out, "=");
        repr_slot_child(c, bits);
    }
    return true;
}

static bool repr_frame(struct repr_ctx *c, uint64_t frame, uint64_t code)
{
    const struct pyp_table *t = &c->py->table;
    c->active[c->depth] = frame;
    rout_lit(&c->out, "Frame ");
    rout_hex(&c->out, frame);
    rout_lit(&c->out, ", for file ");
    if (!put_name_field(c, code, FACT(t, CODE_FILENAME)))
        return false;
    rout_lit(&c->out, ", line ");
    if (!put_line(c, frame, code))
        return false;
    rout_lit(&c->out, ", in ");
    if (!put_name_field(c, code, FACT(t, CODE_NAME)))
        return false;
    rout_lit(&c->out, " (");
    if (!put_locals(c, frame, code))
        return false;
    rout_lit(&c->out, ")");
    return true;
}

bool repr_frame_object(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    bool old = FACT(t, FEATURE_FRAME_MODEL) == 1;
    int64_t code_field = old ? FACT(t, PYFRAME_CODE) : FACT(t, IFRAME_EXECUTABLE);
    uint64_t frame = o->addr, code;
    /* A code field that cannot be read is memory giving out ("...>"), not a shim. */
    if ((!old && !pyp_mem_u64(c->py->mem, o->addr + (uint64_t)FACT(t, PYFRAME_IFRAME), &frame)) ||
        !pyp_mem_u64(c->py->mem, frame + (uint64_t)code_field, &code))
        return false;
    if (!pyp_frame_code(c->py, frame, &code))
        return repr_generic(c, o);
    return repr_frame(c, frame, code);
}
