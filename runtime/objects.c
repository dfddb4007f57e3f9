/* objects.c: see objects.h. */
#include "objects.h"

#include <string.h>

bool pyp_obj_type(struct pyp_python *py, uint64_t obj, uint64_t *type)
{
    if (obj < PYP_MIN_ADDR || (obj & 7))
        return false;
    return pyp_mem_ptr(py->mem, obj + (uint64_t)FACT(&py->table, OBJECT_TYPE), type) &&
           *type >= PYP_MIN_ADDR;
}

bool pyp_type_name(struct pyp_python *py, uint64_t type, char *name)
{
    uint64_t p;
    return pyp_mem_ptr(py->mem, type + (uint64_t)FACT(&py->table, TYPE_NAME), &p) &&
           p >= PYP_MIN_ADDR && pyp_mem_cstr(py->mem, p, name, PYP_TYPE_NAME_MAX);
}

bool pyp_obj_type_name(struct pyp_python *py, uint64_t obj, char *name)
{
    uint64_t type;
    return pyp_obj_type(py, obj, &type) && pyp_type_name(py, type, name);
}

bool pyp_type_flags(struct pyp_python *py, uint64_t type, uint64_t *flags)
{
    return pyp_mem_u64(py->mem, type + (uint64_t)FACT(&py->table, TYPE_FLAGS), flags);
}

unsigned pyp_bitfield(const struct pyp_table *t, unsigned field, uint32_t state,
                      int64_t state_offset)
{
    int64_t shift = t->value[field] - 8 * state_offset;
    int width = t->width[field] > 0 ? t->width[field] : 1;
    if (shift < 0 || shift + width > 32)
        return 0;
    return (state >> shift) & ((1u << width) - 1);
}

bool pyp_str_open(struct pyp_python *py, uint64_t obj, struct pyp_str *s)
{
    const struct pyp_table *t = &py->table;
    uint32_t state;
    int64_t state_offset = FACT(t, STR_STATE);
    if (obj < PYP_MIN_ADDR || !pyp_mem_u32(py->mem, obj + (uint64_t)state_offset, &state) ||
        !pyp_mem_i64(py->mem, obj + (uint64_t)FACT(t, STR_LENGTH), &s->length))
        return false;
    s->kind = pyp_bitfield(t, PYP_STR_STATE_KIND, state, state_offset);
    bool compact = pyp_bitfield(t, PYP_STR_STATE_COMPACT, state, state_offset);
    s->ascii = pyp_bitfield(t, PYP_STR_STATE_ASCII, state, state_offset);
    if (s->kind != 1 && s->kind != 2 && s->kind != 4)
        return false;
    if (HAS(t, STR_STATE_READY) && !pyp_bitfield(t, PYP_STR_STATE_READY, state, state_offset))
        return false;
    if (s->length < 0 || s->length > (int64_t)1 << 40)
        return false;
    if (compact)
        s->data = obj + (uint64_t)(s->ascii ? FACT(t, ASCII_SIZE) : FACT(t, COMPACT_SIZE));
    else if (!pyp_mem_ptr(py->mem, obj + (uint64_t)FACT(t, UNICODE_DATA), &s->data) ||
             s->data < PYP_MIN_ADDR)
        return false;
    return true;
}

bool pyp_str_chars(struct pyp_python *py, const struct pyp_str *s, int64_t from, size_t n,
                   uint32_t *cps)
{
    if (from < 0 || from > s->length || (int64_t)n > s->length - from)
        return false;
    unsigned char raw[4096];
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done;
        if (chunk * s->kind > sizeof raw)
            chunk = sizeof raw / s->kind;
        if (!pyp_mem_read(py->mem, s->data + (uint64_t)(from + (int64_t)done) * s->kind, raw,
                          chunk * s->kind))
            return false;
        for (size_t i = 0; i < chunk; i++) {
            if (s->kind == 1)
                cps[done + i] = raw[i];
            else if (s->kind == 2) {
                uint16_t v;
                memcpy(&v, raw + 2 * i, 2);
                cps[done + i] = v;
            } else {
                uint32_t v;
                memcpy(&v, raw + 4 * i, 4);
                cps[done + i] = v;
            }
        }
        done += chunk;
    }
    return true;
}

bool pyp_str_text(struct pyp_python *py, uint64_t obj, struct pyp_buf *out, size_t max_chars)
{
    struct pyp_str s;
    if (!pyp_str_open(py, obj, &s))
        return false;
    size_t n = s.length < (int64_t)max_chars ? (size_t)s.length : max_chars;
    if (s.ascii || s.kind == 1) {
        unsigned char chunk[1024];
        for (size_t done = 0; done < n;) {
            size_t step = n - done < sizeof chunk ? n - done : sizeof chunk;
            if (!pyp_mem_read(py->mem, s.data + done, chunk, step))
                return false;
            if (s.ascii)
                buf_add(out, chunk, step);
            else
                for (size_t i = 0; i < step; i++)
                    buf_add_utf8(out, chunk[i]);
            done += step;
        }
        return true;
    }
    uint32_t cps[512];
    for (size_t done = 0; done < n;) {
        size_t step = n - done < 512 ? n - done : 512;
        if (!pyp_str_chars(py, &s, (int64_t)done, step, cps))
            return false;
        for (size_t i = 0; i < step; i++)
            buf_add_utf8(out, cps[i]);
        done += step;
    }
    return true;
}

bool pyp_str_equals(struct pyp_python *py, uint64_t obj, const char *want)
{
    struct pyp_buf b = PYP_BUF_INIT;
    size_t want_len = strlen(want);
    bool eq = pyp_str_text(py, obj, &b, want_len + 1) && b.len == want_len &&
              memcmp(buf_str(&b), want, want_len) == 0;
    buf_free(&b);
    return eq;
}

bool pyp_tuple_size(struct pyp_python *py, uint64_t tuple, int64_t *size)
{
    return tuple >= PYP_MIN_ADDR &&
           pyp_mem_i64(py->mem, tuple + (uint64_t)FACT(&py->table, TUPLE_OB_SIZE), size) &&
           *size >= 0 && *size < ((int64_t)1 << 32);
}

bool pyp_tuple_item(struct pyp_python *py, uint64_t tuple, int64_t i, uint64_t *item)
{
    return pyp_mem_ptr(py->mem, tuple + (uint64_t)FACT(&py->table, TUPLE_ITEMS) + 8 * (uint64_t)i,
                       item);
}

bool pyp_bytes_data(struct pyp_python *py, uint64_t obj, struct pyp_buf *out, size_t max)
{
    int64_t size;
    if (obj < PYP_MIN_ADDR ||
        !pyp_mem_i64(py->mem, obj + (uint64_t)FACT(&py->table, BYTES_OB_SIZE), &size) || size < 0 ||
        size > ((int64_t)1 << 32))
        return false;
    size_t n = (size_t)size < max ? (size_t)size : max;
    size_t start = out->len;
    buf_add(out, NULL, 0);
    unsigned char chunk[4096];
    for (size_t done = 0; done < n;) {
        size_t step = n - done < sizeof chunk ? n - done : sizeof chunk;
        if (!pyp_mem_read(py->mem, obj + (uint64_t)FACT(&py->table, BYTES_SVAL) + done, chunk, step)) {
            out->len = start;
            if (out->cap)
                out->data[start] = '\0';
            return false;
        }
        buf_add(out, chunk, step);
        done += step;
    }
    return true;
}

bool pyp_is_code(struct pyp_python *py, uint64_t obj)
{
    uint64_t type;
    if (!pyp_obj_type(py, obj, &type))
        return false;
    if (py->code_type)
        return type == py->code_type;
    char name[PYP_TYPE_NAME_MAX];
    return pyp_type_name(py, type, name) && strcmp(name, "code") == 0;
}

bool pyp_cell_contents(struct pyp_python *py, uint64_t obj, uint64_t *contents)
{
    char name[PYP_TYPE_NAME_MAX];
    return pyp_obj_type_name(py, obj, name) && strcmp(name, "cell") == 0 &&
           pyp_mem_ptr(py->mem, obj + (uint64_t)FACT(&py->table, CELL_REF), contents);
}

void pyp_stackref(const struct pyp_python *py, uint64_t bits, uint64_t *obj, bool *is_int,
                  int64_t *int_value)
{
    const struct pyp_table *t = &py->table;
    *is_int = false;
    *int_value = 0;
    if (!FACT(t, FEATURE_STACKREF)) {
        *obj = bits;
        return;
    }
    uint64_t tag_bits = (uint64_t)FACT(t, STACKREF_TAG_BITS);
    if (bits == (uint64_t)FACT(t, STACKREF_NULL_BITS)) {
        *obj = 0;
    } else if ((bits & 3) == (uint64_t)FACT(t, STACKREF_INT_TAG)) {
        /* Tested on the two low bits in every build: free-threaded 3.14 has one tag bit
         * but tags ints with both. */
        *obj = 0;
        *is_int = true;
        *int_value = (int64_t)bits >> 2;
    } else {
        *obj = bits & ~tag_bits;
    }
}

bool pyp_long_value(struct pyp_python *py, uint64_t obj, int64_t *value)
{
    const struct pyp_table *t = &py->table;
    int64_t ndigits;
    bool negative;
    if (FACT(t, FEATURE_INT_REPR) == 1) {
        if (!pyp_mem_i64(py->mem, obj + (uint64_t)FACT(t, LONG_OB_SIZE), &ndigits))
            return false;
        negative = ndigits < 0;
        ndigits = negative ? -ndigits : ndigits;
    } else {
        uint64_t tag;
        if (!pyp_mem_u64(py->mem, obj + (uint64_t)FACT(t, LONG_LV_TAG), &tag))
            return false;
        ndigits = (int64_t)(tag >> FACT(t, LONG_NON_SIZE_BITS));
        negative = (tag & (uint64_t)FACT(t, LONG_SIGN_MASK)) == 2;
    }
    int64_t shift = FACT(t, VERSION_LONG_SHIFT);
    if (ndigits < 0 || ndigits * shift > 62)
        return false;
    uint64_t v = 0;
    for (int64_t i = ndigits - 1; i >= 0; i--) {
        uint32_t digit;
        if (!pyp_mem_u32(py->mem, obj + (uint64_t)FACT(t, LONG_DIGITS) + 4 * (uint64_t)i, &digit))
            return false;
        v = (v << shift) | digit;
    }
    *value = negative ? -(int64_t)v : (int64_t)v;
    return true;
}
