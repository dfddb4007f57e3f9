/* gdb_answer.h: a private file for commands GDB is to `source`, when GDB cannot choose
 * its name. GDB reads a helper's output only from a file; pyprinter.gdb learns which
 * file from the helper's exit status (8 bits), so the name is one of a few slots:
 *
 *   ~/.cache/pyprinter/entry.N.gdb     N = 1 ... PYP_ANSWER_SLOTS
 *
 * The directory must be the user's own, not a symbolic link, and is made mode 0700; the
 * file is created new (O_EXCL, O_NOFOLLOW, mode 0600), so nothing another user planted
 * is ever written or sourced, and two GDB sessions never share one. GDB removes the file
 * once sourced; files of sessions that died first are removed after an hour. */
#ifndef PYP_GDB_ANSWER_H
#define PYP_GDB_ANSWER_H

#include <stdio.h>

enum { PYP_ANSWER_SLOTS = 120 };

/* ~/.cache/pyprinter, made if missing and opened: the user's own, not a symbolic link,
 * mode 0700; -1 when it cannot be used. */
int pyp_cache_dir_open(void);

/* A new answer file open for writing, its slot in *SLOT; NULL when none can be made
 * (no home directory, a directory that is not the user's, every slot taken). */
FILE *pyp_gdb_answer_open(int *slot);

#endif
