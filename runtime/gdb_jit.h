/* gdb_jit.h: the GDB script of a build the installed scripts do not fit, for pyprinter.gdb
 * (gdb_identify.h): none for its minor and variant, one made for another patch release,
 * or a layout the build's own _Py_DebugOffsets correct. pyprinter-gen, beside this
 * pyprinter, makes it from the build itself (--pid, --core or --from-binary: the layout
 * JIT, gen/jit.h) into the build's cache directory, once per build. */
#ifndef PYP_GDB_JIT_H
#define PYP_GDB_JIT_H

#include <stddef.h>

#include "gdb_request.h"

/* The path of the script pyprinter-gen made for what request R names (caller frees);
 * NULL with one line in WHY when it could not. */
char *pyp_gdb_jit_script(const struct pyp_gdb_request *r, char *why, size_t why_size);

#endif
