/* gdb_identify.h: `pyprinter gdb-identify`, how pyprinter.gdb (GDB's entry point,
 * templates/entry/) learns which CPython GDB has open, and so which generated script to
 * source. GDB pipes what it has open (gdb_request.h, command "identify": its inferiors,
 * its target, its sysroot); pyprinter opens the same process, core or program file
 * itself, identifies its CPython (identify.h) and answers with GDB commands:
 *
 *   set $pyp_id_state = N     0 nothing open, 1 CPython, 2 not CPython, -1 cannot tell
 *   set $pyp_id_hex = 0x...   PY_VERSION_HEX (1)
 *   set $pyp_id_minor = N     (1)
 *   set $pyp_id_variant = N   0 release, 1 debug, 2 free-threaded, 3 trace-refs (1)
 *   set $pyp_id_what = "..."  one line saying what was found, or why it is not CPython
 *   set $pyp_id_script = "..."  the GDB script for that build in the scripts directory,
 *                             "" when there is none there (1)
 *
 * The script is DIR/3.X/python3.X[d|t|-tracerefs]-gdb.gdb, as pyprinter-gen names it.
 * With an answer file (gdb_answer.h) the commands go there and the exit status is its
 * slot; otherwise to OUT, exit status 0. */
#ifndef PYP_GDB_IDENTIFY_H
#define PYP_GDB_IDENTIFY_H

#include <stdbool.h>
#include <stdio.h>

/* Exit status when no answer file could be made (then pyprinter.gdb looks by itself). */
enum { PYP_IDENTIFY_NO_ANSWER = 121 };

/* Reads GDB's request from IN and answers it: to a new answer file when TO_FILE, else
 * to OUT. Returns the exit status. */
int pyp_gdb_identify(FILE *in, FILE *out, const char *scripts_dir, bool to_file);

#endif
