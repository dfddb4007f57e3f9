/* gdb_identify.c: see gdb_identify.h. */
#include "gdb_identify.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "gdb_answer.h"
#include "gdb_jit.h"
#include "gdb_request.h"
#include "identify.h"
#include "target.h"

static const char *const variant_names[] = { "release", "debug", "freethreaded", "tracerefs" };
/* The script name's suffix of each variant, as pyprinter-gen writes it. */
static const char *const variant_suffixes[] = { "", "d", "t", "-tracerefs" };

static int variant_code(const char *variant)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(variant, variant_names[i]) == 0)
            return i;
    return 0;
}

/* Opens what GDB has open: its core, its process, else its program file. */
static bool open_target(const struct pyp_gdb_request *r, struct pyp_target *t)
{
    char err[512];
    const char *program = r->exec_file ? r->exec_file : r->exe;
    struct pyp_open_options o = { .sysroot = r->sysroot, .exe = r->exe ? r->exe : r->exec_file,
                                  .nonblocking = true };
    if (r->target == PYP_GDB_CORE && r->core_path &&
        pyp_target_open_core(t, r->core_path, &o, err, sizeof err) == PYP_OPEN_OK)
        return true;
    if (r->target == PYP_GDB_NATIVE && r->pid > 0 &&
        pyp_target_open_pid(t, r->pid, &o, err, sizeof err) == PYP_OPEN_OK)
        return true;
    return program && pyp_target_open_file(t, program, r->sysroot, err, sizeof err) == PYP_OPEN_OK;
}

/* S as a GDB string literal: printable ASCII as is, the rest as octal escapes. */
static void put_string(struct pyp_buf *b, const char *s)
{
    buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(b, "\\%c", *p);
        else if (*p >= 0x20 && *p < 0x7f)
            buf_addc(b, (char)*p);
        else
            buf_printf(b, "\\%03o", *p);
    }
    buf_addc(b, '"');
}

/* The generated script for ID under DIR, "" when it is not there. */
static char *script_for(const struct pyp_identity *id, const char *dir)
{
    char *path = pyp_xasprintf("%s/3.%d/python3.%d%s-gdb.gdb", dir, id->minor, id->minor,
                               variant_suffixes[variant_code(id->variant)]);
    if (access(path, R_OK) != 0)
        path[0] = '\0';
    return path;
}

/* Whether SCRIPT was made for ID's build: the layout table beside it (pyprinter-gen
 * writes one) is of the same version, and the build's _Py_DebugOffsets did not correct
 * pyprinter's own table of that version. A script with no table beside it is taken. */
static bool script_fits(const char *script, const struct pyp_identity *id)
{
    if (!*script || id->layout_corrected)
        return false;
    if (!id->version_exact)
        return true;
    const char *slash = strrchr(script, '/');
    char *table = pyp_xasprintf("%.*s/layout-3.%d-%s.json", (int)(slash ? slash - script : 1),
                                slash ? script : ".", id->minor, id->variant);
    json_object *root = access(table, R_OK) == 0 ? json_object_from_file(table) : NULL, *v;
    bool fits = !root || !json_object_object_get_ex(root, "cpython", &v) ||
                strcmp(json_object_get_string(v), id->version) == 0;
    json_object_put(root);
    free(table);
    return fits;
}

/* $pyp_id_key: FNV-1a of STATE and TEXT, in 30 bits. */
static void put_key(struct pyp_buf *b, int state, const char *text)
{
    uint32_t h = 2166136261u ^ (uint32_t)(state + 1);
    for (const char *p = text; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    buf_printf(b, "set $pyp_id_key = %u\n", h & 0x3fffffffu);
}

static void answer_python(struct pyp_buf *b, const struct pyp_gdb_request *r,
                          const struct pyp_identity *id, const char *dir)
{
    char *script = script_for(id, dir);
    struct pyp_buf what = PYP_BUF_INIT;
    buf_printf(&what, "CPython %s (%s build%s) in %s", id->version, id->variant,
               id->version_exact ? "" : ", version from the file name", id->file);
    if (id->build_id[0])
        buf_printf(&what, ", build-id %s", id->build_id);
    if (!script_fits(script, id)) {
        char why[256];
        char *made = pyp_gdb_jit_script(r, why, sizeof why);
        if (made) {
            free(script);
            script = made;
            buf_adds(&what, ", its layout read from the build itself");
        }
    }
    buf_printf(b, "set $pyp_id_state = %d\nset $pyp_id_hex = 0x%lx\nset $pyp_id_minor = %d\n"
                  "set $pyp_id_variant = %d\nset $pyp_id_table = %d\nset $pyp_id_what = ",
               PYP_ID_PYTHON, id->version_hex, id->minor, variant_code(id->variant), id->has_table);
    put_string(b, buf_str(&what));
    buf_adds(b, "\nset $pyp_id_script = ");
    put_string(b, script);
    buf_addc(b, '\n');
    put_key(b, PYP_ID_PYTHON, buf_str(&what));
    buf_free(&what);
    free(script);
}

/* The answer to request R. */
static void answer(const struct pyp_gdb_request *r, const char *dir, struct pyp_buf *b)
{
    struct pyp_target t;
    struct pyp_identity id;
    if (!open_target(r, &t)) {
        int state = r->target == PYP_GDB_NONE || r->target == PYP_GDB_UNKNOWN ? PYP_ID_NOTHING
                                                                                : PYP_ID_UNKNOWN;
        buf_printf(b, "set $pyp_id_state = %d\nset $pyp_id_what = \"\"\n", state);
        put_key(b, state, "");
        return;
    }
    pyp_identify(&t, &id);
    pyp_target_close(&t);
    if (id.state == PYP_ID_PYTHON) {
        answer_python(b, r, &id, dir);
        return;
    }
    buf_printf(b, "set $pyp_id_state = %d\nset $pyp_id_what = ", (int)id.state);
    put_string(b, id.why);
    buf_addc(b, '\n');
    put_key(b, (int)id.state, id.program);
}

int pyp_gdb_identify(FILE *in, FILE *out, const char *scripts_dir, bool to_file)
{
    struct pyp_gdb_request r;
    char why[512];
    struct pyp_buf b = PYP_BUF_INIT;
    if (!pyp_gdb_request_read(in, &r, why, sizeof why) || strcmp(r.command, "identify") != 0) {
        buf_printf(&b, "set $pyp_id_state = %d\nset $pyp_id_what = \"\"\n", PYP_ID_UNKNOWN);
        put_key(&b, PYP_ID_UNKNOWN, "");
    } else {
        answer(&r, scripts_dir, &b);
    }
    pyp_gdb_request_free(&r);
    int slot = 0;
    FILE *f = to_file ? pyp_gdb_answer_open(&slot) : out;
    int status = f ? slot : PYP_IDENTIFY_NO_ANSWER;
    if (f) {
        fputs(buf_str(&b), f);
        if (to_file && fclose(f) != 0)
            status = PYP_IDENTIFY_NO_ANSWER;
    }
    buf_free(&b);
    return status;
}
