/* extract.h: fills a layout table from CPython's C headers with libclang.
 *
 * One synthetic translation unit includes the descriptor's headers (with Py_BUILD_CORE,
 * so internal headers parse) and declares one variable per type and per constant the
 * manifest asks about. Sizes and offsets come from libclang's type layout, constants
 * from libclang's evaluator; nothing is compiled or run. */
#ifndef PYP_EXTRACT_H
#define PYP_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "descriptor.h"
#include "manifest.h"
#include "table.h"

struct extract_request {
    const struct manifest *manifest;
    const struct descriptor *descriptor;
    const struct variant *variant;
    const char *include_dir;   /* holds Python.h */
    const char *private_header; /* versions/private-structs.h: structs CPython keeps in .c files */
    const char *target;         /* clang target triple */
    char **build_defines;       /* the build's own -D flags (_Py_JIT, _Py_TIER2=3, ...) */
    size_t build_define_count;
};

/* Fills T (already table_init()ed). False + one line in ERR on any failure: unparsable
 * headers (clang's first error), headers of another version, a missing required fact. */
bool extract_from_headers(const struct extract_request *req, struct layout_table *t, char *err,
                          size_t err_size);

#endif
