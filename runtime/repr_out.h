/* repr_out.h: the text of one repr, limited like python-gdb.py's: at most PYP_REPR_LIMIT
 * code points are written; the first one past the limit sets the truncation flag (the
 * caller then appends "...(truncated)") and every later one is dropped. This is the rule
 * of the GDB script's pyp-putc (templates/30-output.gdb.in): every repr character goes
 * through it, whichever printer writes it. */
#ifndef PYP_REPR_OUT_H
#define PYP_REPR_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct pyp_repr_out {
    struct pyp_buf *buf;
    size_t left;              /* code points still allowed */
    bool trunc;               /* a code point was dropped */
};

/* OUT writing to BUF, with LIMIT code points allowed. */
void rout_init(struct pyp_repr_out *out, struct pyp_buf *buf, size_t limit);
/* Code point CP, as UTF-8. */
void rout_putc(struct pyp_repr_out *out, uint32_t cp);
/* ASCII text. */
void rout_lit(struct pyp_repr_out *out, const char *text);
/* N bytes, each counted as one character and written as it is (C strings of the target:
 * type and method names). */
void rout_bytes(struct pyp_repr_out *out, const char *bytes, size_t n);
/* Where the text is now, and back to there: the text written since MARK is dropped, but
 * the characters it counted stay counted (as the script's pyp-try drops the output of a
 * step that failed while the count it kept in $pyp_left stays). */
size_t rout_mark(const struct pyp_repr_out *out);
void rout_rollback(struct pyp_repr_out *out, size_t mark);
/* An unsigned decimal number. */
void rout_udec(struct pyp_repr_out *out, uint64_t v);
/* 0x followed by lowercase hex digits. */
void rout_hex(struct pyp_repr_out *out, uint64_t v);

#endif
