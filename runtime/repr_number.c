/* repr_number.c: bool, int and float reprs.
 *
 * int: the digits (30 bits each) after the sign and size (ob_size up to 3.11, lv_tag
 * from 3.12, feature.int_repr); one or two digits print directly, up to 120 digits by
 * long division in base 10**9, more as the generic form (python-gdb.py's rule, which the
 * script keeps). float: what Python's repr() prints, the shortest decimal string that
 * reads back as the same double, laid out as Python lays it out. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repr_ctx.h"

enum { INT_MAX_DIGITS = 120, INT_MAX_CHUNKS = 200, CHUNK = 1000000000 };

struct int_header {
    int64_t ndigits;
    bool negative;
    uint64_t digits;          /* address of the first digit */
};

static bool int_read(struct repr_ctx *c, const struct repr_obj *o, struct int_header *h)
{
    const struct pyp_table *t = &c->py->table;
    if (FACT(t, FEATURE_INT_REPR) == 1) {
        int64_t size;
        if (!pyp_mem_i64(c->py->mem, o->addr + (uint64_t)FACT(t, LONG_OB_SIZE), &size))
            return false;
        h->negative = size < 0;
        h->ndigits = h->negative ? (int64_t)(0 - (uint64_t)size) : size;
    } else {
        uint64_t tag;
        if (!pyp_mem_u64(c->py->mem, o->addr + (uint64_t)FACT(t, LONG_LV_TAG), &tag))
            return false;
        h->ndigits = (int64_t)(tag >> FACT(t, LONG_NON_SIZE_BITS));
        h->negative = (tag & (uint64_t)FACT(t, LONG_SIGN_MASK)) == 2;
    }
    h->digits = o->addr + (uint64_t)FACT(t, LONG_DIGITS);
    return true;
}

bool repr_bool(struct repr_ctx *c, const struct repr_obj *o)
{
    struct int_header h;
    if (!int_read(c, o, &h))
        return false;
    rout_lit(&c->out, h.ndigits == 0 ? "False" : "True");
    return true;
}

/* Up to 120 digits: repeated long division by 10**9 gives chunks of nine decimal digits,
 * least significant first. */
static bool int_big(struct repr_ctx *c, const struct int_header *h, unsigned shift)
{
    uint64_t dg[INT_MAX_DIGITS], chunks[INT_MAX_CHUNKS];
    uint32_t raw[INT_MAX_DIGITS];
    int64_t top = h->ndigits;
    size_t nchunks = 0;
    if (!pyp_mem_read(c->py->mem, h->digits, raw, 4 * (size_t)top))
        return false;
    for (int64_t i = 0; i < top; i++)
        dg[i] = raw[i];
    while (top > 0 && nchunks < INT_MAX_CHUNKS) {
        uint64_t rem = 0;
        for (int64_t i = top - 1; i >= 0; i--) {
            uint64_t cur = (rem << shift) | dg[i];
            dg[i] = cur / CHUNK;
            rem = cur % CHUNK;
        }
        chunks[nchunks++] = rem;
        while (top > 0 && dg[top - 1] == 0)
            top--;
    }
    rout_udec(&c->out, chunks[nchunks - 1]);
    for (size_t i = nchunks - 1; i-- > 0 && !c->out.trunc;) {
        char s[16];
        snprintf(s, sizeof s, "%09" PRIu64, chunks[i]);
        rout_lit(&c->out, s);
    }
    return true;
}

bool repr_int(struct repr_ctx *c, const struct repr_obj *o)
{
    struct int_header h;
    unsigned shift = (unsigned)FACT(&c->py->table, VERSION_LONG_SHIFT);
    if (!int_read(c, o, &h))
        return false;
    if (h.negative)
        rout_lit(&c->out, "-");
    if (h.ndigits > INT_MAX_DIGITS)
        return repr_generic(c, o);
    if (h.ndigits > 2)
        return int_big(c, &h, shift);
    uint32_t d[2] = { 0, 0 };
    if (h.ndigits >= 1 && !pyp_mem_u32(c->py->mem, h.digits, &d[0]))
        return false;
    if (h.ndigits == 2 && !pyp_mem_u32(c->py->mem, h.digits + 4, &d[1]))
        return false;
    rout_udec(&c->out, d[0] | ((uint64_t)d[1] << shift));
    return true;
}

/* The fewest significant digits (1-17) that read back as V (finite, positive): DIGITS
 * ("12345", no point) and the decimal exponent of the first one. */
static void shortest_digits(double v, char *digits, int *exp10)
{
    char s[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(s, sizeof s, "%.*e", p - 1, v);
        if (strtod(s, NULL) == v)
            break;
    }
    /* s is "D[.DDD]e[+-]XX" */
    size_t n = 0;
    const char *q = s;
    for (; *q && *q != 'e'; q++)
        if (*q != '.')
            digits[n++] = *q;
    digits[n] = '\0';
    *exp10 = *q ? atoi(q + 1) : 0;
}

/* Python's repr of a finite nonzero double from its digits: exponent form when the
 * exponent is below -4 or at least 16, else positional, with ".0" when integral. */
static void python_layout(const char *digits, int e, char *out)
{
    size_t p = strlen(digits);
    if (e < -4 || e >= 16) {
        out += sprintf(out, "%c", digits[0]);
        if (p > 1)
            out += sprintf(out, ".%s", digits + 1);
        sprintf(out, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else if (e < 0) {
        sprintf(out, "0.%.*s%s", -e - 1, "0000", digits);
    } else if ((int)p > e + 1) {
        sprintf(out, "%.*s.%s", e + 1, digits, digits + e + 1);
    } else {
        sprintf(out, "%s%.*s.0", digits, e + 1 - (int)p, "0000000000000000");
    }
}

bool repr_float(struct repr_ctx *c, const struct repr_obj *o)
{
    uint64_t bits;
    if (!pyp_mem_u64(c->py->mem, o->addr + (uint64_t)FACT(&c->py->table, FLOAT_FVAL), &bits))
        return false;
    double v;
    memcpy(&v, &bits, sizeof v);
    bool negative = bits >> 63;
    char text[64], digits[24];
    int e;
    if (isnan(v))
        strcpy(text, "nan");
    else if (isinf(v))
        strcpy(text, negative ? "-inf" : "inf");
    else if (v == 0)
        strcpy(text, negative ? "-0.0" : "0.0");
    else {
        shortest_digits(fabs(v), digits, &e);
        text[0] = '-';
        python_layout(digits, e, text + negative);
    }
    rout_lit(&c->out, text);
    return true;
}
