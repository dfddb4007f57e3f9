/* discover.c: finding the CPython runtime in a target (see python.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dict.h"
#include "elffile.h"
#include "layout_jit.h"
#include "objects.h"
#include "python.h"

enum { MAX_CANDIDATES = 64 };

void pyp_python_note(struct pyp_python *py, const char *fmt, ...)
{
    if (py->note_count == PYP_MAX_NOTES)
        return;
    struct pyp_buf b = PYP_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    py->notes[py->note_count++] = buf_take(&b);
}

void pyp_python_free(struct pyp_python *py)
{
    for (size_t i = 0; i < py->note_count; i++)
        free(py->notes[i]);
    free(py->objfile);
    memset(py, 0, sizeof *py);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool seen(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* The mapped files worth opening, most likely first: the executable, then files named
 * like libpython or python, then the rest. */
static size_t candidate_files(const struct pyp_target *t, char **out)
{
    size_t n = 0;
    if (t->exe && *t->exe)
        out[n++] = t->exe;
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < t->map_count && n < MAX_CANDIDATES; i++) {
            char *p = t->maps[i].path;
            if (!p || seen(out, n, p))
                continue;
            const char *b = base_name(p);
            bool libpython = strncmp(b, "libpython", 9) == 0;
            bool python = strstr(b, "python") != NULL;
            if ((pass == 0 && libpython) || (pass == 1 && python) || pass == 2)
                out[n++] = p;
        }
    return n;
}

/* The load bias of NAME in T, from any mapping of it that starts a load segment. */
static bool file_bias(const struct pyp_target *t, const char *name, struct pyp_elf *e,
                      uint64_t *bias)
{
    for (size_t i = 0; i < t->map_count; i++) {
        const struct pyp_mapping *m = &t->maps[i];
        if (m->path && strcmp(m->path, name) == 0 && pyp_elf_bias(e, m->start, m->offset, bias))
            return true;
    }
    return false;
}

static bool read_version_from_runtime(struct pyp_python *py, bool *free_threaded)
{
    char cookie[8];
    uint64_t version, ft;
    if (!pyp_mem_read(py->mem, py->runtime, cookie, 8) || memcmp(cookie, "xdebugpy", 8) != 0)
        return false;
    if (!pyp_mem_u64(py->mem, py->runtime + 8, &version) ||
        !pyp_mem_u64(py->mem, py->runtime + 16, &ft))
        return false;
    if ((version >> 24) != 3 || version > 0xffffffffu)
        return false;
    py->version_hex = (unsigned long)version;
    py->version_exact = true;
    *free_threaded = ft != 0;
    return true;
}

/* "3.9" from "python3.9", "libpython3.9d.so.1.0", "python3.10": the minor, or -1. */
static int minor_from_name(const char *name)
{
    const char *b = base_name(name);
    const char *p = strstr(b, "python3.");
    if (!p || !isdigit((unsigned char)p[8]))
        return -1;
    return atoi(p + 8);
}

bool pyp_version_fits(unsigned long seen, unsigned long want)
{
    bool pre = (seen & 0xf0) != 0xf0 || (want & 0xf0) != 0xf0;
    return (seen >> 16) == (want >> 16) && (!pre || seen == want);
}

unsigned long pyp_version_hex_from_text(const char *text)
{
    int major = 0, minor = 0, micro = 0, serial = 0;
    char level[3] = "";
    int n = sscanf(text, "%d.%d.%d%2[abrc]%d", &major, &minor, &micro, level, &serial);
    if (n < 2)
        return 0;
    unsigned lv = 0xf;
    if (n >= 4)
        lv = level[0] == 'a' ? 0xa : level[0] == 'b' ? 0xb : 0xc;
    return (unsigned long)major << 24 | (unsigned long)minor << 16 | (unsigned long)micro << 8 |
           lv << 4 | (unsigned long)(serial & 15);
}

static void format_version(struct pyp_python *py)
{
    unsigned long h = py->version_hex;
    unsigned level = (h >> 4) & 15;
    int n = snprintf(py->version, sizeof py->version, "%lu.%lu.%lu", h >> 24, (h >> 16) & 255,
                     (h >> 8) & 255);
    if (level != 0xf)
        snprintf(py->version + n, sizeof py->version - (size_t)n, "%s%lu",
                 level == 0xa ? "a" : level == 0xb ? "b" : "rc", h & 15);
}

/* Version from Py_Version, else from the file name and its PY_VERSION string. */
static bool read_version_from_file(struct pyp_python *py, struct pyp_elf *e, const char *name,
                                   uint64_t bias)
{
    uint64_t value;
    uint32_t hex;
    if (pyp_elf_dynamic_symbol(e, "Py_Version", &value) && pyp_mem_u32(py->mem, bias + value, &hex) &&
        (hex >> 24) == 3) {
        py->version_hex = hex;
        py->version_exact = true;
        return true;
    }
    /* The minor from the file name; the exact version comes later from sys.hexversion. */
    int minor = minor_from_name(name);
    if (minor >= 0) {
        py->version_hex = 3ul << 24 | (unsigned long)minor << 16 | 0xf0;
        return true;
    }
    /* A binary named otherwise (an embedding program): its PY_VERSION string. */
    for (int m = 8; m <= 10; m++) {
        char text[32];
        if (pyp_elf_find_version_string(e, m, text, sizeof text)) {
            py->version_hex = pyp_version_hex_from_text(text);
            return py->version_hex != 0;
        }
    }
    return false;
}

static void detect_variant(struct pyp_python *py, struct pyp_elf *e, bool free_threaded)
{
    uint64_t v;
    const char *variant = "release";
    if (free_threaded)
        variant = "freethreaded";
    else if (e && pyp_elf_dynamic_symbol(e, "_Py_PrintReferences", &v))
        variant = "tracerefs";
    else if (e && pyp_elf_dynamic_symbol(e, "_Py_NegativeRefcount", &v))
        variant = "debug";
    snprintf(py->variant, sizeof py->variant, "%s", variant);
}

/* Looks for _PyRuntime in file NAME; fills py->runtime, version and variant. */
static bool try_file(struct pyp_python *py, struct pyp_target *t, const char *name)
{
    char *path = pyp_target_file(t, name);
    struct pyp_elf *e = pyp_elf_open(path);
    free(path);
    uint64_t bias, value, size;
    if (!e || !file_bias(t, name, e, &bias)) {
        pyp_elf_close(e);
        return false;
    }
    if (pyp_elf_symbol(e, "_PyRuntime", &value, NULL)) {
        py->runtime = bias + value;
        snprintf(py->found_by, sizeof py->found_by, "symbol _PyRuntime in %s", name);
    } else if (pyp_elf_section(e, ".PyRuntime", &value, &size)) {
        py->runtime = bias + value;
        snprintf(py->found_by, sizeof py->found_by, "section .PyRuntime of %s", name);
    } else {
        pyp_elf_close(e);
        return false;
    }
    bool free_threaded = false;
    if (!read_version_from_runtime(py, &free_threaded) && !read_version_from_file(py, e, name, bias))
        py->version_hex = 0;
    detect_variant(py, e, free_threaded);
    if (pyp_elf_dynamic_symbol(e, "PyCode_Type", &value))
        py->code_type = bias + value;
    py->objfile = pyp_xstrdup(name);
    py->bias = bias;
    pyp_elf_close(e);
    return true;
}

/* 3.13+ without symbols or files: the cookie at the start of _PyRuntime, in writable
 * memory mapped from a file. */
static bool scan_for_cookie(struct pyp_python *py, struct pyp_target *t)
{
    enum { CHUNK = 1 << 16 };
    unsigned char *buf = pyp_xrealloc(NULL, CHUNK);
    bool found = false;
    for (size_t i = 0; i < t->map_count && !found; i++) {
        const struct pyp_mapping *m = &t->maps[i];
        if (m->perms[1] == '-' || m->end - m->start > (64u << 20))
            continue;
        for (uint64_t at = m->start; at < m->end && !found; at += CHUNK) {
            size_t n = m->end - at < CHUNK ? (size_t)(m->end - at) : CHUNK;
            if (!pyp_mem_read(py->mem, at, buf, n))
                continue;
            for (size_t k = 0; k + 24 <= n; k += 8) {
                if (memcmp(buf + k, "xdebugpy", 8) != 0)
                    continue;
                py->runtime = at + k;
                bool ft;
                if (read_version_from_runtime(py, &ft) && ((py->version_hex >> 16) & 255) >= 13) {
                    detect_variant(py, NULL, ft);
                    snprintf(py->found_by, sizeof py->found_by,
                             "the _Py_DebugOffsets cookie at 0x%llx",
                             (unsigned long long)py->runtime);
                    found = true;
                    break;
                }
            }
        }
    }
    free(buf);
    if (!found)
        py->runtime = 0;
    return found;
}

enum fit { FITS, MISFITS, UNREADABLE };

/* The interpreter list must point back at itself: head -> first thread -> interp. Memory
 * that cannot be read (a truncated core) says nothing about the layout. */
static enum fit layout_fits(struct pyp_python *py)
{
    const struct pyp_table *tb = &py->table;
    uint64_t interp, tstate, back;
    if (!pyp_mem_ptr(py->mem, py->runtime + FACT(tb, RUNTIME_INTERPRETERS_HEAD), &interp))
        return UNREADABLE;
    if (interp == 0)
        return FITS;  /* not initialised yet, or finalised */
    if (!pyp_mem_ptr(py->mem, interp + FACT(tb, INTERP_THREADS_HEAD), &tstate))
        return pyp_mem_ptr(py->mem, interp, &back) ? MISFITS : UNREADABLE;
    if (tstate == 0)
        return FITS;
    if (!pyp_mem_ptr(py->mem, tstate + FACT(tb, TSTATE_INTERP), &back))
        return pyp_mem_ptr(py->mem, tstate, &back) ? MISFITS : UNREADABLE;
    return back == interp ? FITS : MISFITS;
}

/* sys.hexversion of the main interpreter: the exact version of a 3.8-3.10 build, which
 * exports no version number (the table of the minor is enough to read the dict). */
static bool read_hexversion(struct pyp_python *py)
{
    const struct pyp_table *t = &py->table;
    uint64_t interp, sysdict, obj;
    int64_t hex;
    if (!pyp_mem_ptr(py->mem, py->runtime + (uint64_t)FACT(t, RUNTIME_INTERPRETERS_HEAD), &interp) ||
        !interp || !pyp_mem_ptr(py->mem, interp + (uint64_t)FACT(t, INTERP_SYSDICT), &sysdict) ||
        !sysdict || !pyp_dict_lookup_str(py, sysdict, "hexversion", &obj) ||
        !pyp_long_value(py, obj, &hex))
        return false;
    if ((hex >> 24) != 3 || ((hex >> 16) & 255) != ((py->version_hex >> 16) & 255))
        return false;
    py->version_hex = (unsigned long)hex;
    py->version_exact = true;
    return true;
}

/* The PY_VERSION text in the read-only data of the file holding _PyRuntime: the exact
 * version of a 3.8-3.10 build whose sys.hexversion cannot be read (a program not
 * running, a core without it). */
static bool read_version_string(struct pyp_python *py, const struct pyp_target *t)
{
    char *path = pyp_target_file(t, py->objfile);
    struct pyp_elf *e = pyp_elf_open(path);
    free(path);
    int minor = (int)((py->version_hex >> 16) & 255);
    char text[32];
    bool found = e && pyp_elf_find_version_string(e, minor, text, sizeof text) &&
                 (pyp_version_hex_from_text(text) >> 16) == (py->version_hex >> 16);
    pyp_elf_close(e);
    if (found) {
        py->version_hex = pyp_version_hex_from_text(text);
        py->version_exact = true;
    }
    return found;
}

char *pyp_python_build_id(const struct pyp_python *py, const struct pyp_target *t)
{
    char *path = py->objfile ? pyp_target_file(t, py->objfile) : NULL;
    struct pyp_elf *e = path ? pyp_elf_open(path) : NULL;
    char id[81] = "";
    if (!e || !pyp_elf_build_id(e, id, sizeof id))
        id[0] = '\0';
    pyp_elf_close(e);
    free(path);
    return pyp_xstrdup(id);
}

static const char *const variants[] = { "release", "debug", "freethreaded", "tracerefs" };

enum pyp_find_error pyp_python_find(struct pyp_python *py, struct pyp_target *t, char *err,
                                    size_t err_size)
{
    memset(py, 0, sizeof *py);
    py->mem = t->mem;
    char *names[MAX_CANDIDATES];
    size_t n = candidate_files(t, names);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++)
        found = try_file(py, t, names[i]);
    if (!found) {
        found = scan_for_cookie(py, t);
        char *exe = found && t->kind == PYP_TARGET_CORE ? pyp_target_file(t, t->exe) : NULL;
        if (exe && access(exe, R_OK) != 0)
            pyp_python_note(py, "the core's executable %s is not on this machine: type names "
                                "and code cannot be read from it%s",
                            t->exe, t->sysroot && *t->sysroot ? "" : " (pass --sysroot DIR)");
        free(exe);
    }
    if (!found) {
        snprintf(err, err_size,
                 "not a Python process: no _PyRuntime symbol, .PyRuntime section or "
                 "_Py_DebugOffsets cookie in %s%s",
                 t->kind == PYP_TARGET_CORE ? "the core" : "the process",
                 t->kind == PYP_TARGET_CORE && !(t->sysroot && *t->sysroot)
                     ? " (if it comes from another machine or a chroot, pass --sysroot DIR)"
                     : "");
        return PYP_FIND_NOT_PYTHON;
    }
    if (py->version_hex == 0) {
        snprintf(err, err_size,
                 "found _PyRuntime (%s) but not the CPython version: name the executable "
                 "(pyprinter bt CORE EXE) or its libpython",
                 py->found_by);
        return PYP_FIND_UNSUPPORTED;
    }
    format_version(py);
    const struct pyp_layout *layout = pyp_layout_for(py->version_hex, py->variant);
    if (!layout) {
        snprintf(err, err_size, "CPython %s (%s) is not supported: pyprinter reads CPython %s",
                 py->version, py->variant, pyp_supported_versions());
        return PYP_FIND_UNSUPPORTED;
    }
    pyp_table_from(&py->table, layout);
    if (!py->version_exact && (read_hexversion(py) || read_version_string(py, t))) {
        format_version(py);
        const struct pyp_layout *exact = pyp_layout_for(py->version_hex, py->variant);
        if (exact && exact != layout) {
            layout = exact;
            pyp_table_from(&py->table, layout);
        }
    }
    py->debug_offsets_used = HAS(&py->table, RUNTIME_DEBUG_OFFSETS);
    if (py->debug_offsets_used && !pyp_debug_offsets_apply(py, err, err_size)) {
        py->debug_offsets_used = false;
        /* Untrusted input that does not hold up: read with the table alone, and say so. */
        pyp_python_note(py, "the target's _Py_DebugOffsets are not usable (%s): reading with "
                            "the %s table alone",
                        err, layout->cpython);
        pyp_table_from(&py->table, layout);
        err[0] = '\0';
    }
    char why[160];
    if (layout_fits(py) == MISFITS) {
        /* A variant the binary did not reveal? Try the others of this version (not when
         * the user gave the table: then say it does not fit). */
        for (size_t i = 0; i < sizeof variants / sizeof variants[0] && !pyp_layout_is_preferred(layout); i++) {
            const struct pyp_layout *other = pyp_layout_for(py->version_hex, variants[i]);
            if (!other || other == layout)
                continue;
            pyp_table_from(&py->table, other);
            if (layout_fits(py) == FITS) {
                pyp_python_note(py, "the interpreter's memory fits the %s layout, not %s",
                                variants[i], py->variant);
                snprintf(py->variant, sizeof py->variant, "%s", variants[i]);
                return PYP_FIND_OK;
            }
        }
        pyp_table_from(&py->table, layout);
        snprintf(why, sizeof why, "the interpreter list at 0x%llx does not match the layout of "
                                  "the %s table",
                 (unsigned long long)py->runtime, layout->cpython);
        if (!pyp_layout_adopt_build(py, t, why))
            pyp_python_note(py, "%s (corrupt memory, or the wrong table?)", why);
        return PYP_FIND_OK;
    }
    /* A build no compiled table is known to fit: its own layout, when its DWARF says. */
    if (layout->version_hex != py->version_hex) {
        snprintf(why, sizeof why, "no table for CPython %s", py->version);
        if (!pyp_layout_adopt_build(py, t, why))
            pyp_python_note(py, "%s: using the one of %s", why, layout->cpython);
    } else if (py->debug_offsets_corrected) {
        snprintf(why, sizeof why, "a build of CPython %s with a layout of its own", py->version);
        pyp_layout_adopt_build(py, t, why);
    }
    return PYP_FIND_OK;
}
