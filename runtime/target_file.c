/* target_file.c: a program that is not running, as a target (see target.h): what GDB
 * has after `file PROGRAM` and before `run`. The program's load segments are "mapped"
 * at their own addresses, and the libpython3.X it needs (a shared build's _PyRuntime
 * and Py_Version live there) at an address of its own, so runtime discovery reads
 * _PyRuntime, Py_Version and the _Py_DebugOffsets cookie from the files' initialized
 * data exactly as it reads them from a core. Nothing else is there: no threads, no heap. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "elffile.h"
#include "mem_core.h"
#include "target.h"

enum { MAX_LOADS = 32, PAGE = 4096 };

/* Where a needed library is placed: far above any executable's own addresses. */
static const uint64_t library_base = 0x7f0000000000ull;

/* Adds FILE's load segments at BIAS; false when it has none. */
static bool map_file(struct pyp_target *t, struct pyp_elf *e, const char *name, uint64_t bias)
{
    struct pyp_elf_load loads[MAX_LOADS];
    size_t n = pyp_elf_loads(e, loads, MAX_LOADS);
    for (size_t i = 0; i < n; i++) {
        uint64_t start = loads[i].vaddr & ~(uint64_t)(PAGE - 1);
        uint64_t lead = loads[i].vaddr - start;
        if (loads[i].filesz == 0 || loads[i].offset < lead)
            continue;
        pyp_target_add_mapping(t, bias + start, bias + loads[i].vaddr + loads[i].filesz,
                               loads[i].offset - lead, "r--p", name);
    }
    return n > 0;
}

/* DIR with $ORIGIN (and ${ORIGIN}) replaced by the directory of PROGRAM. */
static char *expand_origin(const char *dir, const char *program)
{
    const char *slash = strrchr(program, '/');
    int origin_len = slash ? (int)(slash - program) : 1;
    const char *origin = slash ? program : ".";
    struct pyp_buf b = PYP_BUF_INIT;
    while (*dir) {
        if (strncmp(dir, "$ORIGIN", 7) == 0 || strncmp(dir, "${ORIGIN}", 9) == 0) {
            buf_printf(&b, "%.*s", origin_len, origin);
            dir += dir[1] == '{' ? 9 : 7;
        } else {
            buf_addc(&b, *dir++);
        }
    }
    return buf_take(&b);
}

/* NAME in one of the colon-separated directories LIST (under SYSROOT unless the list
 * came from the program's own path), or NULL. */
static char *find_in(const char *list, const char *name, const char *program, const char *sysroot)
{
    char *copy = pyp_xstrdup(list);
    char *found = NULL;
    for (char *dir = strtok(copy, ":"); dir && !found; dir = strtok(NULL, ":")) {
        char *d = expand_origin(dir, program);
        bool relative_to_program = strstr(dir, "ORIGIN") != NULL;
        char *path = pyp_xasprintf("%s%s/%s", relative_to_program ? "" : sysroot, d, name);
        free(d);
        if (access(path, R_OK) == 0)
            found = path;
        else
            free(path);
    }
    free(copy);
    return found;
}

static const char system_dirs[] =
    "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:/lib:/usr/lib:/usr/local/lib";

/* The path of the library NAME that PROGRAM would load, or NULL. */
static char *find_library(struct pyp_elf *e, const char *name, const char *program, const char *sysroot)
{
    char dirs[4096];
    char *found = NULL;
    if (pyp_elf_dynamic_string(e, DT_RUNPATH, 0, dirs, sizeof dirs) ||
        pyp_elf_dynamic_string(e, DT_RPATH, 0, dirs, sizeof dirs))
        found = find_in(dirs, name, program, sysroot);
    return found ? found : find_in(system_dirs, name, program, sysroot);
}

/* The libpython3.X the program needs, mapped at library_base. */
static void map_libpython(struct pyp_target *t, struct pyp_elf *e, const char *program)
{
    char name[256];
    for (size_t i = 0; pyp_elf_dynamic_string(e, DT_NEEDED, i, name, sizeof name); i++) {
        if (strncmp(name, "libpython3.", 11) != 0)
            continue;
        char *path = find_library(e, name, program, t->sysroot);
        struct pyp_elf *lib = path ? pyp_elf_open(path) : NULL;
        if (lib)
            map_file(t, lib, path, library_base);
        pyp_elf_close(lib);
        free(path);
        return;
    }
}

enum pyp_open_error pyp_target_open_file(struct pyp_target *t, const char *path,
                                         const char *sysroot, char *err, size_t err_size)
{
    memset(t, 0, sizeof *t);
    t->kind = PYP_TARGET_FILE;
    t->sysroot = pyp_xstrdup(sysroot ? sysroot : "");
    struct pyp_elf *e = pyp_elf_open(path);
    if (!e) {
        int why = errno;
        snprintf(err, err_size, "cannot read %s as an ELF file", path);
        pyp_target_close_common(t);
        return why == EACCES ? PYP_OPEN_PERMISSION : PYP_OPEN_NO_SUCH;
    }
    t->exe = pyp_xstrdup(path);
    snprintf(t->command, sizeof t->command, "%s", path);
    map_file(t, e, path, 0);
    map_libpython(t, e, path);
    pyp_elf_close(e);
    static const struct pyp_core_segment no_segments[1];
    t->mem = pyp_mem_core(NULL, 0, no_segments, 0, t);
    return PYP_OPEN_OK;
}
