/* identify.c: see identify.h. */
#include "identify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "python.h"

/* What T is, for a message: "/usr/bin/python3.12", "the core /tmp/c (of /usr/bin/x)". */
static void describe_target(const struct pyp_target *t, char *out, size_t size)
{
    const char *exe = t->exe && *t->exe ? t->exe : "an unknown program";
    if (t->kind == PYP_TARGET_CORE)
        snprintf(out, size, "the core %s (of %s)", t->core_path, exe);
    else if (t->kind == PYP_TARGET_LIVE)
        snprintf(out, size, "process %d (%s)", (int)t->pid, exe);
    else
        snprintf(out, size, "%s", exe);
}


static void found(const struct pyp_target *t, const struct pyp_python *py, struct pyp_identity *id)
{
    id->state = PYP_ID_PYTHON;
    id->version_hex = py->version_hex;
    id->version_exact = py->version_exact;
    id->minor = (int)((py->version_hex >> 16) & 255);
    id->layout_corrected = py->debug_offsets_corrected > 0;
    if (py->version_exact)
        snprintf(id->version, sizeof id->version, "%s", py->version);
    else
        snprintf(id->version, sizeof id->version, "3.%d", id->minor);
    snprintf(id->variant, sizeof id->variant, "%s", py->variant);
    snprintf(id->file, sizeof id->file, "%s", py->objfile ? py->objfile : "");
    char *build_id = pyp_python_build_id(py, t);
    snprintf(id->build_id, sizeof id->build_id, "%s", build_id);
    free(build_id);
}

void pyp_identify(struct pyp_target *t, struct pyp_identity *id)
{
    memset(id, 0, sizeof *id);
    struct pyp_python py;
    char err[512], what[600];
    enum pyp_find_error rc = pyp_python_find(&py, t, err, sizeof err);
    describe_target(t, what, sizeof what);
    snprintf(id->program, sizeof id->program, "%s", t->exe ? t->exe : "");
    if (rc == PYP_FIND_NOT_PYTHON) {
        id->state = PYP_ID_NOT_PYTHON;
        snprintf(id->why, sizeof id->why, "%s is not CPython: no _PyRuntime symbol, .PyRuntime "
                 "section or _Py_DebugOffsets cookie", what);
    } else if (py.version_hex == 0) {
        id->state = PYP_ID_UNKNOWN;
        snprintf(id->why, sizeof id->why, "%s: %s", what, err);
    } else {
        found(t, &py, id);
        id->has_table = rc == PYP_FIND_OK;
    }
    pyp_code_cache_free(&py);
    pyp_python_free(&py);
}
