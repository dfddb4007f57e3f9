/* buf.c: see buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
    fputs("pyprinter: out of memory\n", stderr);
    exit(70);
}

void *pyp_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory();
    return q;
}

void *pyp_xcalloc(size_t n, size_t size)
{
    void *q = calloc(n ? n : 1, size ? size : 1);
    if (!q)
        out_of_memory();
    return q;
}

char *pyp_xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        out_of_memory();
    return d;
}

char *pyp_xasprintf(const char *fmt, ...)
{
    struct pyp_buf b = PYP_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_take(&b);
}

static void reserve(struct pyp_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = pyp_xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_free(struct pyp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_clear(struct pyp_buf *b)
{
    b->len = 0;
    if (b->cap)
        b->data[0] = '\0';
}

void buf_truncate(struct pyp_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

void buf_add(struct pyp_buf *b, const void *bytes, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_adds(struct pyp_buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addc(struct pyp_buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_vprintf(struct pyp_buf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void buf_printf(struct pyp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_add_utf8(struct pyp_buf *b, uint32_t cp)
{
    unsigned char s[4];
    size_t n;
    if (cp < 0x80) {
        s[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        s[0] = (unsigned char)(0xc0 | (cp >> 6));
        s[1] = (unsigned char)(0x80 | (cp & 63));
        n = 2;
    } else if (cp < 0x10000) {
        s[0] = (unsigned char)(0xe0 | (cp >> 12));
        s[1] = (unsigned char)(0x80 | ((cp >> 6) & 63));
        s[2] = (unsigned char)(0x80 | (cp & 63));
        n = 3;
    } else {
        s[0] = (unsigned char)(0xf0 | ((cp >> 18) & 7));
        s[1] = (unsigned char)(0x80 | ((cp >> 12) & 63));
        s[2] = (unsigned char)(0x80 | ((cp >> 6) & 63));
        s[3] = (unsigned char)(0x80 | (cp & 63));
        n = 4;
    }
    buf_add(b, s, n);
}

char *buf_take(struct pyp_buf *b)
{
    char *s = b->data ? b->data : pyp_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

const char *buf_str(const struct pyp_buf *b)
{
    return b->data ? b->data : "";
}
