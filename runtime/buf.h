/* buf.h: a growable byte string, always NUL-terminated, for text the decoder builds
 * before it prints it (reprs, lines of output). Allocation failure ends the program with
 * one line: the decoder never prints half a line because memory ran out.
 *
 * Invariant: data[len] == '\0' and len < cap whenever cap > 0. */
#ifndef PYP_BUF_H
#define PYP_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct pyp_buf {
    char *data;
    size_t len;
    size_t cap;
};

#define PYP_BUF_INIT { NULL, 0, 0 }

void buf_free(struct pyp_buf *b);
void buf_clear(struct pyp_buf *b);
/* Cuts B back to its first LEN bytes (LEN <= b->len). */
void buf_truncate(struct pyp_buf *b, size_t len);
void buf_add(struct pyp_buf *b, const void *bytes, size_t n);
void buf_adds(struct pyp_buf *b, const char *s);
void buf_addc(struct pyp_buf *b, char c);
void buf_printf(struct pyp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct pyp_buf *b, const char *fmt, va_list ap);
/* Appends code point CP as UTF-8 (surrogates and values past U+10FFFF as written by
 * Python's "surrogatepass": three or four bytes of the raw value). */
void buf_add_utf8(struct pyp_buf *b, uint32_t cp);
/* Takes the string out of B (caller frees; never NULL) and leaves B empty. */
char *buf_take(struct pyp_buf *b);
/* "" when B never held anything. */
const char *buf_str(const struct pyp_buf *b);

/* Checked allocation, shared by the whole runtime. */
void *pyp_xrealloc(void *p, size_t size);
void *pyp_xcalloc(size_t n, size_t size);
char *pyp_xstrdup(const char *s);
char *pyp_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
