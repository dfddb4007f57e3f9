/* repr_classify.c: which printer an object gets, decided as the GDB script's
 * pyp-classify does: by tp_name for NoneType, bool, frame, set, frozenset, frozendict,
 * builtin_function_or_method, method-wrapper and float (a static type named "float"),
 * then heap types as instances, then the tp_flags subclass bits (the later of long,
 * list, tuple, bytes, str, dict, exception wins), else the generic form. Type names are
 * compared as the script compares them: 8 bytes at a time, with their NUL. */
#include <string.h>

#include "repr_ctx.h"

bool repr_name_word(struct pyp_python *py, uint64_t name, const char *text, size_t len,
                    size_t k, bool *ok)
{
    uint64_t want = 0, mask = 0, word;
    for (size_t i = 0; i < 8 && 8 * k + i < len; i++) {
        want |= (uint64_t)(unsigned char)text[8 * k + i] << (8 * i);
        mask |= (uint64_t)0xff << (8 * i);
    }
    if (!pyp_mem_u64(py->mem, name + 8 * k, &word)) {
        *ok = false;
        return false;
    }
    return (word & mask) == want;
}

/* Whether the C string at NAME is TEXT; words past the first are read only while the
 * earlier ones match. */
static bool name_is(struct pyp_python *py, uint64_t name, const char *text, bool *ok)
{
    size_t len = strlen(text) + 1;
    for (size_t k = 0; 8 * k < len; k++)
        if (!repr_name_word(py, name, text, len, k, ok))
            return false;
    return true;
}

static const struct {
    const char *name;
    enum repr_kind kind;
} by_name[] = {
    { "bool", REPR_BOOL },           { "set", REPR_SET },
    { "frame", REPR_FRAME },         { "float", REPR_FLOAT },
    { "NoneType", REPR_NONE },       { "frozenset", REPR_FROZENSET },
    { "method-wrapper", REPR_WRAPPER }, { "frozendict", REPR_FROZENDICT },
    { "builtin_function_or_method", REPR_CFUNC },
};

static enum repr_kind kind_by_flags(const struct pyp_table *t, uint64_t flags)
{
    if (flags & (uint64_t)FACT(t, TPFLAGS_HEAPTYPE))
        return REPR_INSTANCE;
    enum repr_kind kind = REPR_GENERIC;
    const struct {
        int64_t bit;
        enum repr_kind kind;
    } bits[] = {
        { FACT(t, TPFLAGS_LONG_SUBCLASS), REPR_INT },     { FACT(t, TPFLAGS_LIST_SUBCLASS), REPR_LIST },
        { FACT(t, TPFLAGS_TUPLE_SUBCLASS), REPR_TUPLE },  { FACT(t, TPFLAGS_BYTES_SUBCLASS), REPR_BYTES },
        { FACT(t, TPFLAGS_UNICODE_SUBCLASS), REPR_STR },  { FACT(t, TPFLAGS_DICT_SUBCLASS), REPR_DICT },
        { FACT(t, TPFLAGS_BASE_EXC_SUBCLASS), REPR_EXC },
    };
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (flags & (uint64_t)bits[i].bit)
            kind = bits[i].kind;
    return kind;
}

void repr_classify(struct pyp_python *py, uint64_t addr, struct repr_obj *o)
{
    const struct pyp_table *t = &py->table;
    *o = (struct repr_obj){ .addr = addr, .kind = REPR_UNKNOWN };
    uint64_t type, name, flags, w0;
    if (!pyp_mem_u64(py->mem, addr + (uint64_t)FACT(t, OBJECT_TYPE), &type) || type < PYP_MIN_ADDR ||
        !pyp_mem_u64(py->mem, type + (uint64_t)FACT(t, TYPE_NAME), &name) ||
        !pyp_mem_u64(py->mem, type + (uint64_t)FACT(t, TYPE_FLAGS), &flags) ||
        !pyp_mem_u64(py->mem, name, &w0))
        return;
    enum repr_kind kind = REPR_GENERIC;
    bool ok = true;
    for (size_t i = 0; i < sizeof by_name / sizeof by_name[0] && kind == REPR_GENERIC; i++)
        if (name_is(py, name, by_name[i].name, &ok))
            kind = by_name[i].kind;
    if (!ok)
        return;
    if (kind == REPR_FLOAT && (flags & (uint64_t)FACT(t, TPFLAGS_HEAPTYPE)))
        kind = REPR_GENERIC;
    if (kind == REPR_GENERIC)
        kind = kind_by_flags(t, flags);
    *o = (struct repr_obj){ .addr = addr, .kind = kind, .type = type, .name = name,
                            .flags = flags };
}
