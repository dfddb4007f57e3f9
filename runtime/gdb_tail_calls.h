/* gdb_tail_calls.h: the frames GDB makes up for tail calls, taken into pyprinter's native
 * stack so that its levels count as GDB's do. When a function ends in a jump to another
 * (`return PyVectorcall_Call(...)` compiled as a jmp), no frame of it is left on the
 * stack; GDB rebuilds one from the DWARF call sites (DW_TAG_call_site with
 * DW_AT_call_tail_call) and shows it at a level of its own ("#25 0x... in PyObject_Call"),
 * which pyprinter's unwinder does not. Every level after it would be one off, and every
 * check of the hand-off would fail (3.8's call paths are full of them).
 *
 * So the native frames are lined up with GDB's backtrace (its addresses, one physical
 * frame at a time: GDB prints an address on the first level of each, none on the
 * callers an inlined call is folded into); where GDB has one or more single-level frames
 * of its own just before the physical frame pyprinter sees next, they are copied in,
 * marked tail_call. Those are never checked (their stack pointer is GDB's to make up);
 * every real frame after them still is, so a wrong line-up only makes the checks fail
 * and the script run. */
#ifndef PYP_GDB_TAIL_CALLS_H
#define PYP_GDB_TAIL_CALLS_H

#include "gdb_request.h"
#include "report.h"

/* Adds GDB's tail-call frames from REQ's backtrace to TH's native frames. */
void pyp_gdb_add_tail_calls(struct pyp_thread *th, const struct pyp_gdb_request *req);

/* Whether TH's native frames are GDB's backtrace in REQ, level for level: as many, each
 * physical frame starting at the same level with the same pc (where GDB printed one; not
 * with `set print address off`). Then GDB's frames at this stop are known without asking
 * GDB again: an answer shown at once needs no level checks. */
bool pyp_gdb_frames_agree(const struct pyp_thread *th, const struct pyp_gdb_request *req);

#endif
