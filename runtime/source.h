/* source.h: source lines of the Python files a stack names, read on this machine as
 * py-bt does (python-gdb.py reads them in Python, the GDB script with awk): the line,
 * stripped of leading and trailing blanks. Each file is read once. */
#ifndef PYP_SOURCE_H
#define PYP_SOURCE_H

#include "target.h"

struct pyp_sources;

struct pyp_sources *pyp_sources_new(const struct pyp_target *t);
/* Line LINE (1-based) of FILE, stripped (caller frees); NULL when unreadable. */
char *pyp_source_line(struct pyp_sources *s, const char *file, int line);
/* Lines FIRST..LAST of FILE, unstripped, each into LINES[i - FIRST] (NULL past the end);
 * returns how many exist, -1 when FILE cannot be read. */
int pyp_source_lines(struct pyp_sources *s, const char *file, int first, int last, char **lines);
void pyp_sources_free(struct pyp_sources *s);

#endif
