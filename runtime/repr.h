/* repr.h: the repr of a Python object in the target, with exactly the rules of the GDB
 * script's py-repr (templates/40-repr.gdb.in, python-gdb.py's rules with the documented
 * divergences in README.md): one printer per type, chosen like python-gdb.py; containers
 * with their cycle markers ([...], {...}, (...), <...>); the whole text cut at
 * PYP_REPR_LIMIT characters with "...(truncated)". One set of formats, two engines:
 * the GDB tests and the decoder tests check both against the same scenario truth. */
#ifndef PYP_REPR_H
#define PYP_REPR_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "python.h"

enum { PYP_REPR_LIMIT = 1024 };

/* Appends the repr of the object at OBJ (0 prints "0x0"), cut at PYP_REPR_LIMIT code
 * points, to OUT. */
void pyp_repr(struct pyp_python *py, uint64_t obj, struct pyp_buf *out);
/* py-bt-full's text for the Python frame FRAME running CODE ("Frame 0x..., for file F,
 * line L, in NAME (a=1, b='x')"), cut like any repr. False when the frame could not be
 * read to the end (what was read is in OUT). */
bool pyp_repr_frame(struct pyp_python *py, uint64_t frame, uint64_t code, struct pyp_buf *out);
/* pyp_repr for a frame slot: a PyObject * or a _PyStackRef (3.14+, a tagged int prints
 * its value). */
void pyp_repr_slot(struct pyp_python *py, uint64_t bits, struct pyp_buf *out);

#endif
