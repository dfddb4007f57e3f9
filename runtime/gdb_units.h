/* gdb_units.h: the frame lines of a batch hand-off (gdb_batch.h), each sent once. A
 * hundred threads' py-bt repeat the same frames (the same worker function, the same
 * threading.py lines), and GDB reads what it is sent at about 3 us a byte; so each
 * distinct frame line becomes a "unit", sent once as
 *
 *   @@pyp-unit<TAB>K
 *     File "F", line L, in NAME
 *   @@pyp-src<TAB>F<TAB>L
 *   @@pyp-end-unit
 *
 * which the output converter turns into the GDB command pyp-u-K, and each thread's
 * answer names its frames as @@pyp-use<TAB>K. */
#ifndef PYP_GDB_UNITS_H
#define PYP_GDB_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct pyp_units {
    struct pyp_unit { uint64_t hash; char *file, *name; int line; } *units;
    size_t count;
};

/* The number of the unit for a frame of FILE at LINE in NAME, added when new. */
size_t pyp_units_id(struct pyp_units *u, const char *file, int line, const char *name);

/* Every unit, in the form above, into OUT. */
void pyp_units_emit(const struct pyp_units *u, struct pyp_buf *out);

void pyp_units_free(struct pyp_units *u);

#endif
