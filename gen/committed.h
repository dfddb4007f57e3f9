/* committed.h: the canonical layout tables kept in versions/tables/TARGET/, one JSON file
 * per CPython release and variant (3.12.1-release.json). They let the generator work on a
 * machine with no CPython headers, and tests regenerate them to catch drift. */
#ifndef PYP_COMMITTED_H
#define PYP_COMMITTED_H

#include <stdbool.h>
#include <stddef.h>

/* Path of the newest committed table for 3.MINOR, VARIANT, TARGET; false if none. */
bool committed_find(const char *versions_dir, const char *target, int minor, const char *variant,
                    char *path, size_t path_size);

/* Full versions ("3.13.0", "3.13.18") with a committed table for 3.MINOR and VARIANT,
 * written space-separated, ascending, to OUT. */
void committed_list(const char *versions_dir, const char *target, int minor, const char *variant,
                    char *out, size_t out_size);

#endif
