/* native_modules.c: the target's mapped ELF files as libdwfl modules (native_dwfl.h).
 *
 * One module per run of mappings of one file, from the address where the file's first
 * byte is (or would be) mapped to the end of its last mapping; only files whose first
 * byte in the target's memory starts an ELF header are reported. libdwfl asks for the
 * file itself (find_elf) only when an address in the module is first looked up: the
 * host file the target layer names (under --sysroot for a core, the process's own root
 * when live), refused when its build-id is not the one the target has loaded, so that a
 * wrong file gives "??" and never wrong names; a live process's file replaced on disk is
 * read from /proc/PID/map_files. The vDSO, which no file holds, is read from memory.
 *
 * Debug info (find_debuginfo) is looked for only when the file has none of its own
 * (libdwfl tries the file first): by build-id in /usr/lib/debug/.build-id/xx/yyyy.debug,
 * then by the .gnu_debuglink name beside the file, in its .debug/ folder and under
 * /usr/lib/debug/<the file's folder>, every /usr/lib/debug path taken in the target's
 * root first (target.h), and every candidate checked against the build-id. When the
 * target has debug_dirs (GDB's debug-file-directory, for a hand-off), those directories
 * stand for /usr/lib/debug, as GDB takes them. A dwz file named by .gnu_debugaltlink is
 * taken by that name. */
#include "native_dwfl.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "elfmem.h"

#define DEBUG_DIR "/usr/lib/debug"

enum { MAX_VDSO = 1 << 20, PAGE = 4096 };

/* What the callbacks know of one module (its libdwfl userdata). */
struct pyp_module {
    struct pyp_target *t;
    unsigned char id[PYP_BUILD_ID_MAX];  /* the build-id in the target's memory */
    size_t id_len;                       /* 0: unknown, not checked */
    uint64_t first_start, first_end;     /* the file's first mapping */
    bool in_memory;                      /* the vDSO: no file, the image is read */
    unsigned char *image;                /* its copy, once read */
    struct pyp_symbols *symbols;         /* loaded on first use */
};

struct pyp_modules {
    struct pyp_module **list;
    size_t count;
};

/* Whether open ELF file ELF carries build-id ID (true when ID is unknown). */
static bool elf_has_id(Elf *elf, const unsigned char *id, size_t id_len)
{
    if (id_len == 0)
        return true;
    const void *bits;
    ssize_t n = elf ? dwelf_elf_gnu_build_id(elf, &bits) : -1;
    return n == (ssize_t)id_len && memcmp(bits, id, id_len) == 0;
}

/* An fd for PATH when it is an ELF file with build-id ID; -1 otherwise. */
static int open_with_id(const char *path, const unsigned char *id, size_t id_len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    bool ok = elf && elf_kind(elf) == ELF_K_ELF && elf_has_id(elf, id, id_len);
    if (elf)
        elf_end(elf);
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The vDSO's image, copied out of the target's memory (kept until the end). */
static Elf *image_elf(struct pyp_module *m, uint64_t base)
{
    size_t size = pyp_elfmem_image_size(m->t->mem, base, MAX_VDSO);
    if (!size)
        return NULL;
    m->image = pyp_xrealloc(m->image, size);
    if (!pyp_mem_read(m->t->mem, base, m->image, size))
        return NULL;
    Elf *elf = elf_memory((char *)m->image, size);
    GElf_Ehdr eh;
    if (elf && (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))) {
        elf_end(elf);
        return NULL;
    }
    return elf;
}

static int find_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                    char **file_name, Elf **elfp)
{
    (void)mod;
    struct pyp_module *m = *userdata;
    *elfp = NULL;
    if (m->in_memory) {
        *elfp = image_elf(m, base);
        return -1;
    }
    char *path = pyp_target_file(m->t, modname);
    int fd = open_with_id(path, m->id, m->id_len);
    if (fd < 0 && m->t->kind == PYP_TARGET_LIVE) {
        /* Replaced on disk since it was mapped (a library upgraded under a running
         * process): the kernel still holds the mapped file. */
        free(path);
        path = pyp_xasprintf("/proc/%d/map_files/%llx-%llx", (int)m->t->pid,
                             (unsigned long long)m->first_start, (unsigned long long)m->first_end);
        fd = open_with_id(path, m->id, m->id_len);
    }
    if (fd < 0) {
        free(path);
        return -1;
    }
    *file_name = path;
    return fd;
}

/* Tries the target's file NAME (a path in the target's file system). */
static int try_target_path(const struct pyp_module *m, const char *name,
                           const unsigned char *id, size_t id_len, char **found)
{
    char *path = pyp_target_file(m->t, name);
    int fd = open_with_id(path, id, id_len);
    if (fd >= 0)
        *found = path;
    else
        free(path);
    return fd;
}

/* Tries host path PATH (taken over by *FOUND on success). */
static int try_host_path(char *path, const unsigned char *id, size_t id_len, char **found)
{
    int fd = open_with_id(path, id, id_len);
    if (fd >= 0)
        *found = path;
    else
        free(path);
    return fd;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? pyp_xasprintf("%.*s", (int)(slash - path), path) : pyp_xstrdup(".");
}

/* Tries debug file NAME in every directory of the target's debug_dirs, as GDB does with
 * its debug-file-directory: DIR/NAME, then SYSROOT/DIR/NAME. Without debug_dirs, NAME in
 * the target's own /usr/lib/debug. */
static int in_debug_dirs(const struct pyp_module *m, const char *name, const unsigned char *id,
                         size_t id_len, char **found)
{
    const char *dirs = m->t->debug_dirs;
    if (!dirs) {
        char *path = pyp_xasprintf("%s%s", DEBUG_DIR, name);
        int fd = try_target_path(m, path, id, id_len, found);
        free(path);
        return fd;
    }
    int fd = -1;
    for (const char *d = dirs; fd < 0 && *d;) {
        size_t n = strcspn(d, ":");
        if (n > 0) {
            fd = try_host_path(pyp_xasprintf("%.*s%s", (int)n, d, name), id, id_len, found);
            if (fd < 0 && m->t->sysroot && *m->t->sysroot)
                fd = try_host_path(pyp_xasprintf("%s%.*s%s", m->t->sysroot, (int)n, d, name), id,
                                   id_len, found);
        }
        d += n + (d[n] == ':');
    }
    return fd;
}

static int by_build_id(const struct pyp_module *m, const unsigned char *id, size_t id_len,
                       char **found)
{
    if (id_len < 2)
        return -1;
    struct pyp_buf b = PYP_BUF_INIT;
    buf_printf(&b, "/.build-id/%02x/", id[0]);
    for (size_t i = 1; i < id_len; i++)
        buf_printf(&b, "%02x", id[i]);
    buf_adds(&b, ".debug");
    int fd = in_debug_dirs(m, buf_str(&b), id, id_len, found);
    buf_free(&b);
    return fd;
}

static int by_debuglink(const struct pyp_module *m, const char *modname, const char *file_name,
                        const char *link, const unsigned char *id, size_t id_len, char **found)
{
    char *host_dir = dir_of(file_name ? file_name : modname);
    int fd = try_host_path(pyp_xasprintf("%s/%s", host_dir, link), id, id_len, found);
    if (fd < 0)
        fd = try_host_path(pyp_xasprintf("%s/.debug/%s", host_dir, link), id, id_len, found);
    free(host_dir);
    if (fd < 0 && modname[0] == '/') {
        char *target_dir = dir_of(modname);
        char *name = pyp_xasprintf("%s/%s", target_dir, link);
        fd = in_debug_dirs(m, name, id, id_len, found);
        free(name);
        free(target_dir);
    }
    return fd;
}

/* The dwz file a debug file FILE_NAME names (absolute: in the target's file system;
 * relative: beside the debug file). libdwfl gives no build-id for it here. */
static int by_altlink(const struct pyp_module *m, const char *file_name, const char *alt,
                      char **found)
{
    if (alt[0] == '/')
        return try_target_path(m, alt, NULL, 0, found);
    char *dir = dir_of(file_name ? file_name : "");
    int fd = try_host_path(pyp_xasprintf("%s/%s", dir, alt), NULL, 0, found);
    free(dir);
    return fd;
}

static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
                          Dwarf_Addr base, const char *file_name, const char *debuglink_file,
                          GElf_Word debuglink_crc, char **debuginfo_file_name)
{
    (void)base;
    const struct pyp_module *m = *userdata;
    /* libdwfl asks for a dwz file with its name and no CRC; for the debug file itself
     * with the .gnu_debuglink name and its CRC, or with no name. */
    if (debuglink_file && debuglink_crc == 0)
        return by_altlink(m, file_name, debuglink_file, debuginfo_file_name);
    const unsigned char *bits = NULL;
    GElf_Addr vaddr;
    int n = dwfl_module_build_id(mod, &bits, &vaddr);
    size_t id_len = n > 0 ? (size_t)n : 0;
    int fd = by_build_id(m, bits, id_len, debuginfo_file_name);
    if (fd < 0 && debuglink_file)
        fd = by_debuglink(m, modname, file_name, debuglink_file, bits, id_len,
                          debuginfo_file_name);
    return fd;
}

static const Dwfl_Callbacks callbacks = {
    .find_elf = find_elf,
    .find_debuginfo = find_debuginfo,
    .section_address = dwfl_offline_section_address,
};

/* Reports NAME over [LOW, HIGH) when an ELF header is at LOW; its record, or NULL. */
static struct pyp_module *report(Dwfl *dwfl, struct pyp_modules *ms, struct pyp_target *t,
                                 const char *name, uint64_t low, uint64_t high)
{
    if (!pyp_elfmem_is_elf(t->mem, low))
        return NULL;
    Dwfl_Module *mod = dwfl_report_module(dwfl, name, low, high);
    if (!mod)
        return NULL;
    struct pyp_module *m = pyp_xcalloc(1, sizeof *m);
    m->t = t;
    m->id_len = pyp_elfmem_build_id(t->mem, low, m->id);
    void **userdata;
    dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
    *userdata = m;
    ms->list = pyp_xrealloc(ms->list, (ms->count + 1) * sizeof *ms->list);
    ms->list[ms->count++] = m;
    return m;
}

/* Reports the file whose first mapping is FIRST over [LOW, HIGH). */
static void report_file(Dwfl *dwfl, struct pyp_modules *ms, struct pyp_target *t,
                        const struct pyp_mapping *first, uint64_t low, uint64_t high)
{
    struct pyp_module *m = report(dwfl, ms, t, first->path, low, high);
    if (m) {
        m->first_start = first->start;
        m->first_end = first->end;
    }
}

/* Reports the vDSO (a thread can stop inside it: clock_gettime), whose image is in
 * memory only. */
static void report_vdso(Dwfl *dwfl, struct pyp_modules *ms, struct pyp_target *t)
{
    size_t size = t->vdso ? pyp_elfmem_image_size(t->mem, t->vdso, MAX_VDSO) : 0;
    uint64_t end = t->vdso + ((size + PAGE - 1) & ~(uint64_t)(PAGE - 1));
    const struct pyp_mapping *at_start = pyp_target_mapping_at(t, t->vdso);
    const struct pyp_mapping *at_end = pyp_target_mapping_at(t, end - 1);
    if (!size || (at_start && at_start->path) || (at_end && at_end->path))
        return;
    struct pyp_module *m = report(dwfl, ms, t, "[vdso]", t->vdso, end);
    if (m)
        m->in_memory = true;
}

/* Groups the file mappings of T into runs of one file each and reports them. */
static void report_mappings(Dwfl *dwfl, struct pyp_modules *ms, struct pyp_target *t)
{
    const struct pyp_mapping *first = NULL;
    uint64_t low = 0, high = 0;
    for (size_t i = 0; i < t->map_count; i++) {
        const struct pyp_mapping *mp = &t->maps[i];
        if (!mp->path)
            continue;
        if (first && strcmp(first->path, mp->path) == 0 && mp->start >= high) {
            high = mp->end;
            continue;
        }
        if (first)
            report_file(dwfl, ms, t, first, low, high);
        first = mp;
        low = mp->start >= mp->offset ? mp->start - mp->offset : mp->start;
        high = mp->end;
    }
    if (first)
        report_file(dwfl, ms, t, first, low, high);
}

struct pyp_symbols *pyp_module_symbols(Dwfl_Module *mod)
{
    void **userdata;
    dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
    struct pyp_module *m = *userdata;
    if (!m)
        return NULL;
    if (!m->symbols)
        m->symbols = pyp_symbols_load(mod);
    return m->symbols;
}

Dwfl *pyp_modules_begin(struct pyp_target *t, struct pyp_modules **out, char *err, size_t err_size)
{
    elf_version(EV_CURRENT);
    Dwfl *dwfl = dwfl_begin(&callbacks);
    if (!dwfl) {
        snprintf(err, err_size, "libdwfl: %s", dwfl_errmsg(-1));
        return NULL;
    }
    struct pyp_modules *ms = pyp_xcalloc(1, sizeof *ms);
    dwfl_report_begin(dwfl);
    report_mappings(dwfl, ms, t);
    report_vdso(dwfl, ms, t);
    dwfl_report_end(dwfl, NULL, NULL);
    *out = ms;
    return dwfl;
}

void pyp_modules_end(Dwfl *dwfl, struct pyp_modules *ms)
{
    if (dwfl)
        dwfl_end(dwfl);
    if (!ms)
        return;
    for (size_t i = 0; i < ms->count; i++) {
        pyp_symbols_free(ms->list[i]->symbols);
        free(ms->list[i]->image);
        free(ms->list[i]);
    }
    free(ms->list);
    free(ms);
}
