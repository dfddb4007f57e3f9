/* jit.h: pyprinter-gen --from-binary / --pid / --core, the JIT layout compiler's front.
 *
 * The table of one exact build is made by the decoder, which already knows how to open a
 * program, a process or a core and find its CPython (`pyprinter layout`, see
 * runtime/layout_jit.h): from the build's DWARF, else its _Py_DebugOffsets, else the
 * compiled table of its version. pyprinter-gen reads that JSON back as a layout table and
 * renders it like a table from headers. The result is cached by build-id: a directory per
 * build under $XDG_CACHE_HOME/pyprinter/builds (~/.cache/...), valid while its
 * fingerprint (the manifest, the templates, the decoder) is unchanged. */
#ifndef PYP_JIT_H
#define PYP_JIT_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"
#include "table.h"

struct jit_request {
    const char *decoder;      /* the pyprinter to run */
    const char *program;      /* --from-binary PATH */
    const char *pid;          /* --pid PID */
    const char *core;         /* --core CORE */
    const char *exe;          /* its executable, or NULL */
    const char *sysroot;      /* or NULL */
    const char *debug_dirs;   /* or NULL */
};

/* What `pyprinter layout --identify` says of the target. */
struct jit_identity {
    char build_id[81];        /* "-" when unknown */
    char version[32];
    char variant[16];
};

/* Identifies the build R names (cheap: no DWARF). False with one line in ERR. */
bool jit_identify(const struct jit_request *r, struct jit_identity *id, char *err, size_t err_size);

/* Makes the table of R's build into T (with manifest M), the decoder's report line in
 * REPORT and its JSON as written, with where each fact came from, in *JSON (caller
 * frees). False with one line in ERR. */
bool jit_make_table(const struct jit_request *r, const struct manifest *m, struct layout_table *t,
                    char **json, char *report, size_t report_size, char *err, size_t err_size);

/* The cache directory of build ID (caller frees); NULL without a home. */
char *jit_cache_dir(const struct jit_identity *id);

/* A fingerprint of what the outputs are made with: the manifest, every template, the
 * decoder's path. Caller frees. */
char *jit_fingerprint(const char *versions_dir, const char *templates_dir, const char *decoder);

#endif
