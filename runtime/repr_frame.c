/* repr_frame.c: frame objects, as the script's pyp-frame-repr prints a frame:
 *
 *   Frame 0x7f..., for file /path/f.py, line 12, in name (a=1, b='x')
 *
 * with the variables locals() shows (locals.h: arguments, locals, cell and free
 * variables with their contents), each value one level down. From 3.11 the address is
 * the frame object's _PyInterpreterFrame (f_frame), and that frame is what the cycle
 * check sees while its locals print. A frame that runs no code object (a shim, a
 * sentinel) prints the generic form. */
#include "code.h"
#include "frames.h"
#include "locals.h"
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

/* NAME (UTF-8, as code.c keeps names) one code point at a time, as the limit counts. */
static void put_utf8(struct pyp_repr_out *out, const char *name)
{
    const unsigned char *p = (const unsigned char *)name;
    while (*p) {
        uint32_t cp = *p++;
        int more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
        cp &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
        while (more-- > 0 && (*p & 0xc0) == 0x80)
            cp = (cp << 6) | (*p++ & 0x3f);
        rout_putc(out, cp);
    }
}

struct put_ctx {
    struct repr_ctx *c;
    bool first;
    bool ok;
};

static bool put_variable(void *ctx, const struct pyp_variable *v)
{
    struct put_ctx *p = ctx;
    if (p->c->out.trunc)
        return false;
    if (!p->first)
        rout_lit(&p->c->out, ", ");
    p->first = false;
    put_utf8(&p->c->out, v->name);
    rout_lit(&p->c->out, "=");
    repr_slot_child(p->c, v->bits);
    return true;
}

/* "a=1, b=2)": the variables locals() shows, each one step (a variable that cannot be
 * read ends them with "...>", the frame abandoned). */
static void put_locals(struct repr_ctx *c, uint64_t frame, uint64_t code)
{
    struct put_ctx p = { c, true, true };
    if (pyp_locals_visit(c->py, frame, code, put_variable, &p))
        rout_lit(&c->out, ")");
    else if (!c->out.trunc)
        repr_step_failed(c, rout_mark(&c->out));
}

bool repr_python_frame(struct repr_ctx *c, uint64_t frame, uint64_t code)
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
    put_locals(c, frame, code);
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
    return repr_python_frame(c, frame, code);
}
