/* registry.h: the C source that compiles every committed layout table into the runtime
 * decoder, with the index of them (pyp_compiled_layouts[]) and the logical name of each
 * fact (pyp_fact_names[]), so `pyprinter` can read any supported CPython. */
#ifndef PYP_REGISTRY_H
#define PYP_REGISTRY_H

#include <stdbool.h>
#include <stdio.h>

#include "manifest.h"

/* Writes the registry of every table in VERSIONS_DIR/tables/TARGET/ to OUT. */
bool registry_write(const struct manifest *m, const char *versions_dir, const char *target,
                    FILE *out, char *err, size_t err_size);

#endif
