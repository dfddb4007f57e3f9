/* debug_offsets.c: the _Py_DebugOffsets a 3.13+ interpreter embeds at the start of
 * _PyRuntime, read as untrusted input (see python.h).
 *
 * Where each member sits inside _Py_DebugOffsets is itself a fact of the table (dbg.*,
 * from that version's headers), and the manifest says which fact each member carries.
 * Checks, as CPython's own reader does: the cookie; the same major.minor (the exact
 * version for a pre-release); free-threading as the table's variant; every struct size
 * positive and below 16 MiB; every offset inside the struct whose size its group gives.
 * Then each carried fact is compared with the table: a difference is noted and the
 * target's value is used. */
#include <stdio.h>
#include <string.h>

#include "python.h"

extern const short pyp_fact_carries[PYP_FACT_COUNT];

enum { MAX_STRUCT = 16 << 20 };

/* The fact ID of dbg.GROUP.size for member fact ID ("dbg.thread_state.next"), or -1. */
static int group_size_fact(unsigned id)
{
    const char *name = pyp_fact_name(id);
    const char *last = strrchr(name, '.');
    if (!last || strncmp(name, "dbg.", 4) != 0 || last == name + 3)
        return -1;
    size_t group_len = (size_t)(last - name);
    for (unsigned i = 0; i < PYP_FACT_COUNT; i++) {
        const char *n = pyp_fact_name(i);
        if (strncmp(n, name, group_len) == 0 && strcmp(n + group_len, ".size") == 0)
            return (int)i;
    }
    return -1;
}

static bool is_size_member(unsigned id)
{
    const char *name = pyp_fact_name(id);
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".size") == 0;
}

static bool read_member(struct pyp_python *py, unsigned id, uint64_t *value)
{
    uint64_t base = py->runtime + (uint64_t)FACT(&py->table, RUNTIME_DEBUG_OFFSETS);
    return pyp_mem_u64(py->mem, base + (uint64_t)py->table.value[id], value);
}

static bool check_header(struct pyp_python *py, char *err, size_t err_size)
{
    const struct pyp_table *t = &py->table;
    uint64_t version, free_threaded;
    if (!read_member(py, PYP_DBG_VERSION, &version) ||
        !read_member(py, PYP_DBG_FREE_THREADED, &free_threaded)) {
        snprintf(err, err_size, "cannot read _Py_DebugOffsets at 0x%llx",
                 (unsigned long long)py->runtime);
        return false;
    }
    if (!pyp_version_fits((unsigned long)version, t->base->version_hex)) {
        snprintf(err, err_size,
                 "_Py_DebugOffsets says CPython 0x%08llx, the table chosen is for %s: not read",
                 (unsigned long long)version, t->base->cpython);
        return false;
    }
    bool table_ft = strcmp(t->base->variant, "freethreaded") == 0;
    if ((free_threaded != 0) != table_ft) {
        snprintf(err, err_size, "_Py_DebugOffsets says free_threaded=%llu, the table is %s",
                 (unsigned long long)free_threaded, t->base->variant);
        return false;
    }
    return true;
}

bool pyp_debug_offsets_apply(struct pyp_python *py, char *err, size_t err_size)
{
    struct pyp_table *t = &py->table;
    if (!check_header(py, err, err_size))
        return false;
    uint64_t values[PYP_FACT_COUNT];
    bool have[PYP_FACT_COUNT] = { false };
    for (unsigned id = 0; id < PYP_FACT_COUNT; id++) {
        if (!t->present[id] || pyp_fact_carries[id] < 0 ||
            pyp_fact_carries[id] == PYP_VERSION_HEX)
            continue;
        if (!read_member(py, id, &values[id])) {
            snprintf(err, err_size, "cannot read _Py_DebugOffsets member %s", pyp_fact_name(id));
            return false;
        }
        have[id] = true;
    }
    for (unsigned id = 0; id < PYP_FACT_COUNT; id++) {
        if (!have[id])
            continue;
        if (is_size_member(id)) {
            if (values[id] == 0 || values[id] > MAX_STRUCT) {
                snprintf(err, err_size, "_Py_DebugOffsets member %s = %llu is not a struct size",
                         pyp_fact_name(id), (unsigned long long)values[id]);
                return false;
            }
            continue;
        }
        int size_id = group_size_fact(id);
        if (size_id >= 0 && have[size_id] && values[id] >= values[size_id]) {
            snprintf(err, err_size, "_Py_DebugOffsets member %s = %llu lies outside its struct (%llu bytes)",
                     pyp_fact_name(id), (unsigned long long)values[id],
                     (unsigned long long)values[size_id]);
            return false;
        }
    }
    unsigned corrected = 0;
    char first[160] = "";
    for (unsigned id = 0; id < PYP_FACT_COUNT; id++) {
        if (!have[id])
            continue;
        unsigned carried = (unsigned)pyp_fact_carries[id];
        if (t->present[carried] && (uint64_t)t->value[carried] == values[id])
            continue;
        if (!first[0])
            snprintf(first, sizeof first, "%s is %lld in the table, %llu in the target",
                     pyp_fact_name(carried), (long long)t->value[carried],
                     (unsigned long long)values[id]);
        t->value[carried] = (int64_t)values[id];
        t->present[carried] = true;
        corrected++;
    }
    py->debug_offsets_corrected = corrected;
    if (corrected)
        pyp_python_note(py, "_Py_DebugOffsets of the target differ from the %s table in %u "
                            "fact%s (%s%s): the target's values are used",
                        t->base->cpython, corrected, corrected == 1 ? "" : "s", first,
                        corrected > 1 ? ", ..." : "");
    return true;
}
