/* gdb_repeat.h: a deep recursion's py-bt is the same frame text hundreds of times, and
 * GDB reads the text it prints a byte at a time (templates/35-stream.gdb.in). The
 * hand-off sends a run of identical consecutive blocks once, after
 *
 *   @@pyp-repeat<TAB>COUNT<TAB>LINES      the next LINES lines, COUNT times in all
 *
 * which the output converter turns into a GDB `while` loop: the same text reaches the
 * user, at a few bytes a frame. */
#ifndef PYP_GDB_REPEAT_H
#define PYP_GDB_REPEAT_H

#include "buf.h"

struct pyp_repeat {
    struct pyp_buf block;   /* the block being repeated */
    int count;              /* how many times so far (0: none pending) */
};

/* Adds BLOCK (whole lines) after the pending run: counted when it is the same text,
 * else the run is written to OUT and BLOCK starts a new one. */
void pyp_repeat_add(struct pyp_repeat *r, const struct pyp_buf *block, struct pyp_buf *out);

/* Writes the pending run, if any, to OUT. */
void pyp_repeat_flush(struct pyp_repeat *r, struct pyp_buf *out);

void pyp_repeat_free(struct pyp_repeat *r);

#endif
