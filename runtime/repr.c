/* repr.c: see repr.h. The entry points and what every level of a repr does, as the GDB
 * script's pyp-rv-begin: NULL prints 0x0; an object whose type cannot be read prints
 * the generic form; a container already being printed further up prints its cycle
 * marker; past REPR_MAX_DEPTH levels "<too deep>"; else its printer (repr_ctx.h), its
 * text replaced by "...>" when memory gives out half-way. */
#include "repr.h"

#include <string.h>

#include "objects.h"
#include "repr_ctx.h"

enum { CSTR_MAX = 256 };

static bool is_active(const struct repr_ctx *c, uint64_t obj)
{
    for (int d = 0; d < c->depth; d++)
        if (c->active[d] == obj)
            return true;
    return false;
}

static bool cycle_marker(struct repr_ctx *c, const struct repr_obj *o)
{
    switch (o->kind) {
    case REPR_LIST: rout_lit(&c->out, "[...]"); return true;
    case REPR_TUPLE: case REPR_EXC: rout_lit(&c->out, "(...)"); return true;
    case REPR_DICT: case REPR_SET: case REPR_FROZENSET: rout_lit(&c->out, "{...}"); return true;
    case REPR_INSTANCE: rout_lit(&c->out, "<...>"); return true;
    case REPR_FROZENDICT:
        if (!repr_cstr(c, o->name))
            return false;
        rout_lit(&c->out, "({...})");
        return true;
    default: return repr_generic(c, o);
    }
}

static bool is_container(enum repr_kind kind)
{
    return (kind >= REPR_TUPLE && kind <= REPR_EXC) || kind == REPR_INSTANCE || kind == REPR_FRAME;
}

static bool dispatch(struct repr_ctx *c, const struct repr_obj *o)
{
    switch (o->kind) {
    case REPR_NONE: rout_lit(&c->out, "None"); return true;
    case REPR_BOOL: return repr_bool(c, o);
    case REPR_INT: return repr_int(c, o);
    case REPR_FLOAT: return repr_float(c, o);
    case REPR_STR: return repr_str(c, o);
    case REPR_BYTES: return repr_bytes(c, o);
    case REPR_TUPLE: return repr_tuple(c, o);
    case REPR_LIST: return repr_list(c, o);
    case REPR_DICT: case REPR_FROZENDICT: return repr_dict(c, o);
    case REPR_SET: case REPR_FROZENSET: return repr_set(c, o);
    case REPR_EXC: return repr_exception(c, o);
    case REPR_CFUNC: return repr_cfunction(c, o);
    case REPR_WRAPPER: return repr_method_wrapper(c, o);
    case REPR_INSTANCE: return repr_instance(c, o);
    case REPR_FRAME: return repr_frame_object(c, o);
    default: return repr_generic(c, o);
    }
}

void repr_at(struct repr_ctx *c, uint64_t obj)
{
    if (c->out.trunc)
        return;
    if (obj == 0) {
        rout_lit(&c->out, "0x0");
        return;
    }
    struct repr_obj o;
    repr_classify(c->py, obj, &o);
    if (o.kind == REPR_UNKNOWN) {
        repr_generic(c, &o);
        return;
    }
    size_t mark = rout_mark(&c->out);
    if (is_container(o.kind) && is_active(c, obj)) {
        if (!cycle_marker(c, &o))
            repr_step_failed(c, mark);
        return;
    }
    if (is_container(o.kind) && c->depth >= REPR_MAX_DEPTH) {
        rout_lit(&c->out, "<too deep>");
        return;
    }
    c->active[c->depth] = obj;
    if (!dispatch(c, &o))
        repr_step_failed(c, mark);
}

void repr_child(struct repr_ctx *c, uint64_t obj)
{
    c->depth++;
    repr_at(c, obj);
    c->depth--;
}

void repr_step_failed(struct repr_ctx *c, size_t mark)
{
    rout_rollback(&c->out, mark);
    if (!c->out.trunc)
        rout_lit(&c->out, "...>");
}

/* A tagged int's value, or the object the slot holds at this depth (CHILD: one down). */
static void slot_value(struct repr_ctx *c, uint64_t bits, bool child)
{
    uint64_t obj;
    bool is_int;
    int64_t value;
    pyp_stackref(c->py, bits, &obj, &is_int, &value);
    if (!is_int) {
        if (child)
            repr_child(c, obj);
        else
            repr_at(c, obj);
        return;
    }
    if (value < 0)
        rout_lit(&c->out, "-");
    rout_udec(&c->out, value < 0 ? -(uint64_t)value : (uint64_t)value);
}

void repr_slot_child(struct repr_ctx *c, uint64_t bits)
{
    slot_value(c, bits, true);
}

bool repr_cstr(struct repr_ctx *c, uint64_t ptr)
{
    /* Read in aligned 32-byte steps: a short name may end just before an unreadable page. */
    char text[CSTR_MAX];
    size_t n = 0;
    while (n < CSTR_MAX) {
        size_t step = 32 - ((ptr + n) & 31);
        if (step > CSTR_MAX - n)
            step = CSTR_MAX - n;
        if (!pyp_mem_read(c->py->mem, ptr + n, text + n, step))
            return false;
        char *nul = memchr(text + n, '\0', step);
        if (nul) {
            n = (size_t)(nul - text);
            break;
        }
        n += step;
    }
    rout_bytes(&c->out, text, n);
    return true;
}

bool repr_type_name_of(struct repr_ctx *c, uint64_t obj)
{
    const struct pyp_table *t = &c->py->table;
    uint64_t type, name;
    return pyp_mem_u64(c->py->mem, obj + (uint64_t)FACT(t, OBJECT_TYPE), &type) &&
           pyp_mem_u64(c->py->mem, type + (uint64_t)FACT(t, TYPE_NAME), &name) &&
           repr_cstr(c, name);
}

bool repr_generic(struct repr_ctx *c, const struct repr_obj *o)
{
    rout_lit(&c->out, "<");
    if (o->name == 0)
        rout_lit(&c->out, "unknown");
    else if (!repr_cstr(c, o->name))
        return false;
    rout_lit(&c->out, " at remote ");
    rout_hex(&c->out, o->addr);
    rout_lit(&c->out, ">");
    return true;
}

static void finish(struct repr_ctx *c)
{
    if (c->out.trunc)
        buf_adds(c->out.buf, "...(truncated)");
}

static void start(struct repr_ctx *c, struct pyp_python *py, struct pyp_buf *out)
{
    memset(c, 0, sizeof *c);
    c->py = py;
    c->printable = pyp_printable_for(py->version_hex ? py->version_hex : py->table.base->version_hex);
    rout_init(&c->out, out, PYP_REPR_LIMIT);
}

void pyp_repr(struct pyp_python *py, uint64_t obj, struct pyp_buf *out)
{
    struct repr_ctx c;
    start(&c, py, out);
    repr_at(&c, obj);
    finish(&c);
}

bool pyp_repr_frame(struct pyp_python *py, uint64_t frame, uint64_t code, struct pyp_buf *out)
{
    struct repr_ctx c;
    start(&c, py, out);
    bool ok = repr_python_frame(&c, frame, code);
    finish(&c);
    return ok;
}

void pyp_repr_slot(struct pyp_python *py, uint64_t bits, struct pyp_buf *out)
{
    /* As py-locals (pyp-repr-slot-value). */
    struct repr_ctx c;
    start(&c, py, out);
    slot_value(&c, bits, false);
    finish(&c);
}
