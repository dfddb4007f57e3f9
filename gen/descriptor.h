/* descriptor.h: one CPython minor version's descriptor (versions/3.X.desc): which headers
 * to parse, which macros to define, and which build variants exist. The values of the
 * table come from the headers; the descriptor only says how to read them. */
#ifndef PYP_DESCRIPTOR_H
#define PYP_DESCRIPTOR_H

#include <stdbool.h>
#include <stddef.h>

struct variant {
    char *name;           /* release, debug, freethreaded, tracerefs */
    char **defines;       /* macros defined on top of the headers' pyconfig.h */
    size_t define_count;
    char *abiflags;       /* "" or "d", "t": used to find installed headers */
};

struct descriptor {
    int minor;            /* 3.minor */
    char **includes;      /* headers, relative to the include directory */
    size_t include_count;
    char **defines;       /* always defined (Py_BUILD_CORE) */
    size_t define_count;
    struct variant *variants;
    size_t variant_count;
};

/* Loads versions/3.MINOR.desc below VERSIONS_DIR. False + one line in ERR on failure. */
bool descriptor_load(struct descriptor *d, const char *versions_dir, int minor, char *err,
                     size_t err_size);
void descriptor_free(struct descriptor *d);
const struct variant *descriptor_variant(const struct descriptor *d, const char *name);

/* Minor versions that have a descriptor, ascending; returns the count (at most MAX). */
size_t descriptor_list(const char *versions_dir, int *minors, size_t max);

#endif
