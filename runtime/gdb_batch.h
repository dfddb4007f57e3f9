/* gdb_batch.h: `pyprinter gdb-batch`, py-bt for every thread of the inferior at once.
 * `thread apply all py-bt` runs py-bt once per thread, and a hand-off per thread costs two
 * process starts and GDB's reading of the target's description each time; so the second
 * thread's py-bt (templates/37-batch.gdb.in) asks for all of them. GDB pipes the common
 * part of a request (gdb_request.h, "@command bt-batch", plus "@inferior N") and then,
 * for each of its threads (`thread apply all`),
 *
 *   @thread GTID INFERIOR              GDB's global thread number and its inferior
 *   <thread>, @regs, @selected, @bt ... @end-bt   as in a single request
 *   @end-thread
 *
 * and pyprinter answers each thread of that inferior it can answer as the script would
 * (with the checks of gdb_handoff.h), as the definition of a GDB command:
 *
 *   @@pyp-define<TAB>GTID              the answer of thread GTID follows, to be shown
 *   @@pyp-selected<TAB>SP<TAB>PC       only with the thread's innermost frame selected
 *                                      (the frame `thread apply` selects),
 *   @@pyp-check ...                    GDB's frames at these levels as pyprinter saw them,
 *   @@pyp-hash<TAB>TSTATE<TAB>N<TAB>H  and only while the fingerprint of what the text
 *                                      depends on is still H (gdb_chain_hash.h)
 *   @@pyp-begin
 *   @@pyp-run-body<TAB>B               the text: body B
 *   @@pyp-end-define
 *
 * followed by the bodies, each text once (threads that run the same code have the same),
 *
 *   @@pyp-body<TAB>B
 *   the text, its frames as @@pyp-use<TAB>K
 *   @@pyp-end-body
 *
 * and the frame lines they use (gdb_units.h). Threads that run no Python, or
 * whose answer cannot be proven, get none: GDB hands them off one by one. */
#ifndef PYP_GDB_BATCH_H
#define PYP_GDB_BATCH_H

#include <stdio.h>

/* Reads a batch request from IN, writes the answers to OUT; the exit status. */
int pyp_gdb_batch(FILE *in, FILE *out);

#endif
