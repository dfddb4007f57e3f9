/* outfile.h: an output file that appears whole or not at all. It is written under a
 * temporary name beside its final path and renamed into place when complete, so a reader
 * (GDB sourcing a script, a build reading a table) never sees a half-written file, even
 * when two generators write the same path at once. */
#ifndef PYP_OUTFILE_H
#define PYP_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct outfile {
    FILE *f;     /* NULL when the temporary file could not be created */
    char *path;  /* the final name */
    char *temp;  /* the name written to until outfile_commit */
};

/* Opens a temporary file beside PATH; OUT->f is NULL when that fails. */
void outfile_open(struct outfile *out, const char *path);
/* Closes the file and renames it to its final name; false (and nothing left behind) when
 * any write, the close or the rename failed. */
bool outfile_commit(struct outfile *out);
/* Closes and removes the temporary file: the final name is left as it was. */
void outfile_abandon(struct outfile *out);

#endif
