/* repr_number.c: bool, int and float reprs.
 *
 * int: the digits (30 bits each) after the sign and size (ob_size up to 3.11, lv_tag
 * from 3.12, feature.int_repr); one or two digits print directly, up to INT_MAX_DIGITS
 * by repeated long division in base 10**9, all of them, cut at the output limit like any
 * text (the script's helper converts them alike); more as the generic form. Python's
 * repr() itself refuses ints of more than 4,300 decimal digits unless
 * sys.set_int_max_str_digits allows them: the debugger shows them all the same. float:
 * what Python's repr() prints, the shortest decimal string that reads back as the same
 * double, laid out as Python lays it out. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repr_ctx.h"

enum { INT_MAX_DIGITS = 4000, CHUNK = 1000000000 };

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

/* The decimal text of the N digits DG (least significant first, SHIFT bits each; DG is
 * used up): repeated long division by 10**9 gives chunks of nine decimal digits. */
static void int_decimal(uint64_t *dg, int64_t n, unsigned shift, struct pyp_buf *text)
{
    uint32_t *chunks = pyp_xcalloc((size_t)n * 2 + 2, sizeof *chunks);
    size_t nchunks = 0;
    int64_t top = n;
    while (top > 0 && dg[top - 1] == 0)
        top--;
    while (top > 0) {
        uint64_t rem = 0;
        for (int64_t i = top - 1; i >= 0; i--) {
            uint64_t cur = (rem << shift) | dg[i];
            dg[i] = cur / CHUNK;
            rem = cur % CHUNK;
        }
        chunks[nchunks++] = (uint32_t)rem;
        while (top > 0 && dg[top - 1] == 0)
            top--;
    }
    buf_printf(text, "%" PRIu32, nchunks ? chunks[nchunks - 1] : 0);
    for (size_t i = nchunks > 0 ? nchunks - 1 : 0; i-- > 0;)
        buf_printf(text, "%09" PRIu32, chunks[i]);
    free(chunks);
}

/* More than two digits: read them all (masked to SHIFT bits, as the script does) and
 * print their decimal text. */
static bool int_big(struct repr_ctx *c, const struct int_header *h, unsigned shift)
{
    uint32_t *raw = pyp_xcalloc((size_t)h->ndigits, sizeof *raw);
    uint64_t *dg = pyp_xcalloc((size_t)h->ndigits, sizeof *dg);
    bool ok = pyp_mem_read(c->py->mem, h->digits, raw, 4 * (size_t)h->ndigits);
    if (ok) {
        struct pyp_buf text = PYP_BUF_INIT;
        for (int64_t i = 0; i < h->ndigits; i++)
            dg[i] = raw[i] & (((uint64_t)1 << shift) - 1);
        int_decimal(dg, h->ndigits, shift, &text);
        rout_lit(&c->out, buf_str(&text));
        buf_free(&text);
    }
    free(dg);
    free(raw);
    return ok;
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
