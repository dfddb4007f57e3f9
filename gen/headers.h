/* headers.h: finding an installed CPython's headers for a minor version and variant,
 * without being told where: pythonX.Y-config, /usr/include, pyenv, the test matrix's
 * sid chroot, in that order. */
#ifndef PYP_HEADERS_H
#define PYP_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the directory holding Python.h to DIR. ABIFLAGS ("" or "d") picks the debug
 * build's own headers when they exist; a debug variant falls back to release headers. */
bool headers_find(int minor, const char *abiflags, char *dir, size_t dir_size);

#endif
