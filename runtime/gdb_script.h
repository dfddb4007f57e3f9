/* gdb_script.h: pyprinter's answer to the GDB script (the @@pyp lines of gdb_handoff.h
 * and gdb_batch.h) written as the GDB commands the script sources, so that no shell and
 * no awk stand between pyprinter and GDB (`pyprinter gdb --script FILE`):
 *
 *   @@pyp-handoff, @@pyp-check, @@pyp-no-frame   the checks: calls of the script's
 *                                    pyp-ho-check and pyp-ho-no-frame, then `if !$pyp_ho_bad`
 *   the text                        `printf` commands, at most about 2000 characters each,
 *                                    shown only if the checks held; the last command sets
 *                                    $pyp_ho_done = 1
 *   @@pyp-src<TAB>FILE<TAB>LINE     that line of FILE, stripped, after four spaces (read
 *                                    here; nothing when FILE or the line is not there)
 *   @@pyp-repeat<TAB>COUNT<TAB>N    a `while` loop over the next N lines
 *   @@pyp-other<TAB>KIND<TAB>LEVEL<TAB>PREFIX   PREFIX, then pyp-ho-other KIND LEVEL
 *   @@pyp-define ... @@pyp-end-define, @@pyp-body, @@pyp-unit   a batch's `define`s
 *                                    (pyp-hc-T, pyp-b-B, pyp-u-K; gdb_batch.h), in whose
 *                                    bodies every "$" is printed as %c of 36
 *
 * The script's own output converter (the awk of templates/35-stream.gdb.in) turns the
 * script path's text and its @@pyp-src lines into the same `printf`s: the tests compare
 * the two paths byte for byte. */
#ifndef PYP_GDB_SCRIPT_H
#define PYP_GDB_SCRIPT_H

#include <stdio.h>

/* Writes ANSWER (NUL-terminated @@pyp text) to OUT as GDB commands. */
void pyp_gdb_script_write(const char *answer, FILE *out);

#endif
