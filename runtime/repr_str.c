/* repr_str.c: str and bytes reprs, and the unquoted text of a str (names).
 *
 * As repr() writes them: single quotes unless the text has a ' and no " (the first 4096
 * characters are looked at, as the script does); \\, the quote, \t, \n, \r escaped;
 * other characters below 0x20 or from 0x7f escaped as \xNN, and in a str the characters
 * str.isprintable() rejects as \xNN, \uNNNN or \UNNNNNNNN: isprintable() of the target's
 * own CPython minor, from the printable ranges generated from that interpreter
 * (versions/printable/, compiled into the registry; the script has the same ranges).
 *
 * Code points are read a window at a time; when a window cannot be read they are read
 * one by one, so that a string running into unreadable memory prints what the script
 * prints before "...>". */
#include "objects.h"
#include "repr_ctx.h"

enum { WINDOW = 256, QUOTE_SCAN = 4096 };

struct cp_reader {
    struct pyp_python *py;
    struct pyp_str s;
    int64_t from;             /* the window: code points [from, from + n) */
    size_t n;
    uint32_t cps[WINDOW];
};

static void reader_init(struct cp_reader *r, struct pyp_python *py, const struct pyp_str *s)
{
    r->py = py;
    r->s = *s;
    r->from = 0;
    r->n = 0;
}

static bool cp_at(struct cp_reader *r, int64_t i, uint32_t *cp)
{
    if (i < r->from || i >= r->from + (int64_t)r->n) {
        size_t n = r->s.length - i < WINDOW ? (size_t)(r->s.length - i) : WINDOW;
        r->n = 0;
        if (!pyp_str_chars(r->py, &r->s, i, n, r->cps) &&
            !pyp_str_chars(r->py, &r->s, i, n = 1, r->cps))
            return false;
        r->from = i;
        r->n = n;
    }
    *cp = r->cps[i - r->from];
    return true;
}

/* The script's pyp-str-setup: *ok is false for a string it does not print (a legacy
 * string, an impossible kind). */
static bool str_setup(struct repr_ctx *c, uint64_t obj, struct pyp_str *s, bool *ok)
{
    const struct pyp_table *t = &c->py->table;
    int64_t state_offset = FACT(t, STR_STATE);
    uint32_t state;
    if (!pyp_mem_u32(c->py->mem, obj + (uint64_t)state_offset, &state) ||
        !pyp_mem_i64(c->py->mem, obj + (uint64_t)FACT(t, STR_LENGTH), &s->length))
        return false;
    s->kind = pyp_bitfield(t, PYP_STR_STATE_KIND, state, state_offset);
    s->ascii = pyp_bitfield(t, PYP_STR_STATE_ASCII, state, state_offset);
    *ok = s->kind == 1 || s->kind == 2 || s->kind == 4;
    if (HAS(t, STR_STATE_READY) && !pyp_bitfield(t, PYP_STR_STATE_READY, state, state_offset))
        *ok = false;
    if (pyp_bitfield(t, PYP_STR_STATE_COMPACT, state, state_offset))
        s->data = obj + (uint64_t)(s->ascii ? FACT(t, ASCII_SIZE) : FACT(t, COMPACT_SIZE));
    else if (!pyp_mem_u64(c->py->mem, obj + (uint64_t)FACT(t, UNICODE_DATA), &s->data))
        return false;
    return true;
}

static void put_hex_escape(struct repr_ctx *c, uint32_t cp, int digits, char letter)
{
    static const char hex[] = "0123456789abcdef";
    char s[12] = { '\\', letter };
    for (int i = 0; i < digits; i++)
        s[2 + i] = hex[(cp >> (4 * (digits - 1 - i))) & 15];
    rout_bytes(&c->out, s, 2 + (size_t)digits);
}

static void put_escaped(struct repr_ctx *c, uint32_t cp, uint32_t quote, bool is_bytes)
{
    if (cp == quote || cp == '\\') {
        rout_putc(&c->out, '\\');
        rout_putc(&c->out, cp);
    } else if (cp == '\t') {
        rout_lit(&c->out, "\\t");
    } else if (cp == '\n') {
        rout_lit(&c->out, "\\n");
    } else if (cp == '\r') {
        rout_lit(&c->out, "\\r");
    } else if (cp >= 32 && cp < 127) {
        rout_putc(&c->out, cp);
    } else if (!is_bytes && pyp_is_printable(c->printable, cp)) {
        rout_putc(&c->out, cp);
    } else {
        int digits = cp <= 0xff ? 2 : cp <= 0xffff ? 4 : 8;
        put_hex_escape(c, cp, digits, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
    }
}

static bool choose_quote(struct cp_reader *r, uint32_t *quote)
{
    bool has_sq = false, has_dq = false;
    for (int64_t i = 0; i < r->s.length && i < QUOTE_SCAN && !has_dq; i++) {
        uint32_t cp;
        if (!cp_at(r, i, &cp))
            return false;
        has_sq |= cp == '\'';
        has_dq |= cp == '"';
    }
    *quote = has_sq && !has_dq ? '"' : '\'';
    return true;
}

/* The quoted, escaped text of the string R reads, PREFIX ("b" or "") before it. */
static bool put_quoted(struct repr_ctx *c, struct cp_reader *r, const char *prefix, bool is_bytes)
{
    uint32_t quote, cp;
    if (!choose_quote(r, &quote))
        return false;
    rout_lit(&c->out, prefix);
    rout_putc(&c->out, quote);
    for (int64_t i = 0; i < r->s.length && !c->out.trunc; i++) {
        if (!cp_at(r, i, &cp))
            return false;
        put_escaped(c, cp, quote, is_bytes);
    }
    rout_putc(&c->out, quote);
    return true;
}

bool repr_str(struct repr_ctx *c, const struct repr_obj *o)
{
    struct pyp_str s;
    bool ok;
    if (!str_setup(c, o->addr, &s, &ok))
        return false;
    if (!ok)
        return repr_generic(c, o);
    struct cp_reader r;
    reader_init(&r, c->py, &s);
    return put_quoted(c, &r, "", false);
}

bool repr_bytes(struct repr_ctx *c, const struct repr_obj *o)
{
    const struct pyp_table *t = &c->py->table;
    struct pyp_str s = { .kind = 1, .data = o->addr + (uint64_t)FACT(t, BYTES_SVAL) };
    if (!pyp_mem_i64(c->py->mem, o->addr + (uint64_t)FACT(t, BYTES_OB_SIZE), &s.length))
        return false;
    struct cp_reader r;
    reader_init(&r, c->py, &s);
    return put_quoted(c, &r, "b", true);
}

bool repr_str_raw(struct repr_ctx *c, uint64_t obj)
{
    struct pyp_str s;
    bool ok;
    if (!str_setup(c, obj, &s, &ok))
        return false;
    if (!ok)
        return true;
    struct cp_reader r;
    reader_init(&r, c->py, &s);
    for (int64_t i = 0; i < s.length && !c->out.trunc; i++) {
        uint32_t cp;
        if (!cp_at(&r, i, &cp))
            return false;
        rout_putc(&c->out, cp);
    }
    return true;
}
