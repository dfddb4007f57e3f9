/* gdb_handoff.h: `pyprinter gdb`, the GDB script's fast path. When GDB's target is a
 * core file or a native process, the script's py-bt and py-bt-full hand the work to
 * pyprinter: GDB pipes what only it knows (gdb_request.h), pyprinter reads the same
 * memory itself and writes the command's text in the form the script's output converter
 * takes (templates/35-stream.gdb.in):
 *
 *   @@pyp-handoff                         first line: this is a hand-off
 *   @@pyp-check<TAB>LEVEL<TAB>SP<TAB>PC   GDB checks that its frame LEVEL is that frame
 *   @@pyp-no-frame<TAB>LEVEL              ... and that it has no frame LEVEL
 *   @@pyp-begin                           the text follows; shown only if every check held
 *   ...the text, with @@pyp-src requests for source lines, and
 *   @@pyp-other<TAB>KIND<TAB>LEVEL<TAB>PREFIX   a C function's frame, printed by GDB
 *   @@pyp-repeat<TAB>COUNT<TAB>LINES      the next LINES lines, COUNT times (gdb_repeat.h)
 *
 * pyprinter refuses (prints nothing, exit status 1, the reason on standard error) when
 * it cannot show that it reads what GDB sees (another target, another thread state), and
 * whenever anything is unreadable or unusual (a broken chain, an unreadable frame, a
 * file name that is not plain ASCII): the script then runs, and prints exactly what it
 * always prints. So the text, when there is one, is the script's, byte for byte. */
#ifndef PYP_GDB_HANDOFF_H
#define PYP_GDB_HANDOFF_H

#include <stdio.h>

/* Reads a request from IN, writes the hand-off to OUT; the exit status. */
int pyp_gdb_handoff(FILE *in, FILE *out);

#endif
