/* buildflags.h: the macros a CPython build defined on its compiler command line rather
 * than in pyconfig.h (Debian's 3.14/3.15: -D_Py_JIT -D_Py_TIER2=3), which change struct
 * layouts. An installed CPython records them in PY_CORE_CFLAGS of its
 * lib/python3.X/_sysconfigdata_<abiflags>_*.py, next to the headers. */
#ifndef PYP_BUILDFLAGS_H
#define PYP_BUILDFLAGS_H

#include <stddef.h>

/* Appends to DEFINES (up to MAX in all) every -D_Py_* / -DPy_* of the build whose headers
 * are INCLUDE_DIR (.../include/python3.MINOR[abiflags]); returns the new count. Finds
 * nothing, harmlessly, for a source tree or a bare header directory. A variant whose
 * own build is not installed (free-threaded) takes the release build's flags. */
size_t buildflags_find(const char *include_dir, int minor, const char *abiflags, char **defines,
                       size_t count, size_t max);

#endif
