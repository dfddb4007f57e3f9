/* repr_out.c: see repr_out.h. */
#include "repr_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void rout_init(struct pyp_repr_out *out, struct pyp_buf *buf, size_t limit)
{
    out->buf = buf;
    out->left = limit;
    out->trunc = false;
}

/* Whether one more character fits; if not, the text is truncated from here on. */
static bool room(struct pyp_repr_out *out)
{
    if (out->left == 0) {
        out->trunc = true;
        return false;
    }
    out->left--;
    return true;
}

void rout_putc(struct pyp_repr_out *out, uint32_t cp)
{
    if (room(out))
        buf_add_utf8(out->buf, cp);
}

void rout_bytes(struct pyp_repr_out *out, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n && room(out); i++)
        buf_addc(out->buf, bytes[i]);
}

void rout_lit(struct pyp_repr_out *out, const char *text)
{
    rout_bytes(out, text, strlen(text));
}

size_t rout_mark(const struct pyp_repr_out *out)
{
    return out->buf->len;
}

void rout_rollback(struct pyp_repr_out *out, size_t mark)
{
    buf_truncate(out->buf, mark);
}

void rout_udec(struct pyp_repr_out *out, uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%" PRIu64, v);
    rout_lit(out, s);
}

void rout_hex(struct pyp_repr_out *out, uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "0x%" PRIx64, v);
    rout_lit(out, s);
}
