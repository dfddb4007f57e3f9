/* target_core.c: opening a core file (see target.h). The core is mapped read-only;
 * its notes give the threads and their registers (NT_PRSTATUS), the mapped files
 * (NT_FILE), the command (NT_PRPSINFO) and the signal that ended the process
 * (NT_SIGINFO). Both gcore cores and kernel-written cores have them. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "mem_core.h"
#include "target.h"

struct core_impl {
    int fd;
    unsigned char *data;
    size_t size;
};

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void read_prstatus(struct pyp_target *t, const unsigned char *desc, size_t size)
{
    if (size < sizeof(struct elf_prstatus))
        return;
    struct elf_prstatus st;
    memcpy(&st, desc, sizeof st);
    struct pyp_os_thread *th = pyp_target_add_thread(t, st.pr_pid);
    memcpy(&th->regs, &st.pr_reg, sizeof th->regs);
    th->have_regs = true;
    if (t->thread_count == 1 && st.pr_cursig)
        t->signal = st.pr_cursig;
}

static void read_prpsinfo(struct pyp_target *t, const unsigned char *desc, size_t size)
{
    if (size < sizeof(struct elf_prpsinfo))
        return;
    struct elf_prpsinfo ps;
    memcpy(&ps, desc, sizeof ps);
    t->pid = ps.pr_pid;
    snprintf(t->command, sizeof t->command, "%.*s", (int)sizeof ps.pr_psargs, ps.pr_psargs);
    size_t n = strlen(t->command);
    while (n > 0 && t->command[n - 1] == ' ')
        t->command[--n] = '\0';
}

static void read_siginfo(struct pyp_target *t, const unsigned char *desc, size_t size)
{
    if (size < sizeof(siginfo_t))
        return;
    siginfo_t si;
    memcpy(&si, desc, sizeof si);
    t->signal = si.si_signo;
    t->signal_code = si.si_code;
    if (si.si_signo == SIGSEGV || si.si_signo == SIGBUS || si.si_signo == SIGILL ||
        si.si_signo == SIGFPE)
        t->fault_addr = (uint64_t)(uintptr_t)si.si_addr;
}

/* NT_FILE: count, page size, count x (start, end, page offset), then count names. */
static void read_file_note(struct pyp_target *t, const unsigned char *desc, size_t size)
{
    if (size < 16)
        return;
    uint64_t count = get_u64(desc), page = get_u64(desc + 8);
    if (count > (size - 16) / 24)
        return;
    const char *name = (const char *)desc + 16 + count * 24;
    const char *end = (const char *)desc + size;
    for (uint64_t i = 0; i < count && name < end; i++) {
        const unsigned char *e = desc + 16 + i * 24;
        size_t len = strnlen(name, (size_t)(end - name));
        if (name + len >= end)
            break;
        pyp_target_add_mapping(t, get_u64(e), get_u64(e + 8), get_u64(e + 16) * page, NULL, name);
        name += len + 1;
    }
}

static void read_notes(struct pyp_target *t, Elf *elf, const GElf_Phdr *ph)
{
    Elf_Data *data = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz, ELF_T_NHDR);
    if (!data)
        return;
    size_t offset = 0, name_offset, desc_offset;
    GElf_Nhdr nh;
    while ((offset = gelf_getnote(data, offset, &nh, &name_offset, &desc_offset)) > 0) {
        const unsigned char *desc = (const unsigned char *)data->d_buf + desc_offset;
        const char *name = (const char *)data->d_buf + name_offset;
        bool core = nh.n_namesz >= 4 && strncmp(name, "CORE", 4) == 0;
        if (core && nh.n_type == NT_PRSTATUS)
            read_prstatus(t, desc, nh.n_descsz);
        else if (core && nh.n_type == NT_PRPSINFO)
            read_prpsinfo(t, desc, nh.n_descsz);
        else if (core && nh.n_type == NT_SIGINFO)
            read_siginfo(t, desc, nh.n_descsz);
        else if (core && nh.n_type == NT_FILE)
            read_file_note(t, desc, nh.n_descsz);
        else if (core && nh.n_type == NT_AUXV)
            t->vdso = pyp_target_auxv_vdso(desc, nh.n_descsz);
    }
}

static enum pyp_open_error fail(char *err, size_t err_size, enum pyp_open_error code,
                                const char *fmt, const char *arg)
{
    char msg[600];
    snprintf(msg, sizeof msg, fmt, arg);
    snprintf(err, err_size, "%s", msg);
    return code;
}

/* The target's name of its executable: the mapped file the command line starts with
 * (by path or by base name), else the first mapped file. A file the user named is then
 * read in its place (t->exe_file). */
static char *find_executable(const struct pyp_target *t, const char *given)
{
    const char *first = NULL;
    for (size_t i = 0; i < t->map_count; i++) {
        const char *p = t->maps[i].path;
        if (!p)
            continue;
        if (!first)
            first = p;
        const char *base = strrchr(p, '/');
        base = base ? base + 1 : p;
        size_t n = strlen(base);
        if (strncmp(t->command, p, strlen(p)) == 0 ||
            (strncmp(t->command, base, n) == 0 && (t->command[n] == ' ' || !t->command[n])))
            return pyp_xstrdup(p);
        if (given && *given) {
            const char *gb = strrchr(given, '/');
            if (strcmp(gb ? gb + 1 : given, base) == 0)
                return pyp_xstrdup(p);
        }
    }
    return pyp_xstrdup(first ? first : "");
}

/* Counts the mapped files that cannot be read on this machine (then read-only data of
 * the process, such as CPython's type names, cannot be read either). */
static void check_mapped_files(struct pyp_target *t)
{
    for (size_t i = 0; i < t->map_count; i++) {
        const char *name = t->maps[i].path;
        if (!name || (i > 0 && t->maps[i - 1].path && strcmp(t->maps[i - 1].path, name) == 0))
            continue;
        /* Memory-backed files and deleted ones have nothing to find on disk. */
        size_t n = strlen(name);
        if (strncmp(name, "/memfd:", 7) == 0 || strncmp(name, "/dev/", 5) == 0 ||
            strncmp(name, "/SYSV", 5) == 0 || (n > 10 && strcmp(name + n - 10, " (deleted)") == 0))
            continue;
        char *path = pyp_target_file(t, name);
        if (access(path, R_OK) != 0) {
            if (!t->missing_example)
                t->missing_example = pyp_xstrdup(name);
            t->missing_files++;
        }
        free(path);
    }
}

enum pyp_open_error pyp_target_open_core(struct pyp_target *t, const char *path,
                                         const struct pyp_open_options *o, char *err,
                                         size_t err_size)
{
    memset(t, 0, sizeof *t);
    t->kind = PYP_TARGET_CORE;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, err_size, errno == EACCES ? PYP_OPEN_PERMISSION : PYP_OPEN_NO_SUCH,
                    errno == EACCES ? "cannot read %s: permission denied"
                                    : "no such core file: %s",
                    path);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 64) {
        close(fd);
        return fail(err, err_size, PYP_OPEN_BAD_CORE, "%s is not a core file (too short)", path);
    }
    size_t size = (size_t)st.st_size;
    unsigned char *data = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
        close(fd);
        return fail(err, err_size, PYP_OPEN_BAD_CORE, "cannot map %s", path);
    }
    elf_version(EV_CURRENT);
    Elf *elf = elf_memory((char *)data, size);
    GElf_Ehdr eh;
    if (!elf || !gelf_getehdr(elf, &eh) || eh.e_type != ET_CORE) {
        if (elf)
            elf_end(elf);
        munmap(data, size);
        close(fd);
        return fail(err, err_size, PYP_OPEN_BAD_CORE, "%s is not an ELF core file", path);
    }
    if (eh.e_machine != EM_X86_64 || eh.e_ident[EI_CLASS] != ELFCLASS64) {
        elf_end(elf);
        munmap(data, size);
        close(fd);
        return fail(err, err_size, PYP_OPEN_BAD_CORE,
                    "%s is not an x86-64 core: pyprinter reads x86-64 Linux cores only", path);
    }
    t->core_path = pyp_xstrdup(path);
    t->sysroot = pyp_xstrdup(o && o->sysroot ? o->sysroot : "");
    size_t phnum = 0;
    elf_getphdrnum(elf, &phnum);
    struct pyp_core_segment *segs = pyp_xcalloc(phnum, sizeof *segs);
    size_t nseg = 0;
    bool notes_cut = false;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph))
            continue;
        if (ph.p_type == PT_NOTE && ph.p_offset < size && ph.p_filesz <= size - ph.p_offset)
            read_notes(t, elf, &ph);
        else if (ph.p_type == PT_NOTE)
            notes_cut = true;
        else if (ph.p_type == PT_LOAD) {
            segs[nseg++] = (struct pyp_core_segment){ ph.p_vaddr, ph.p_memsz, ph.p_offset,
                                                      ph.p_filesz };
            if (ph.p_filesz && (ph.p_offset > size || ph.p_filesz > size - ph.p_offset))
                t->truncated = true;
        }
    }
    elf_end(elf);
    /* A stop signal never ends a process: it is what a snapshot (gcore's attach) records. */
    if (t->signal == SIGSTOP || t->signal == SIGTSTP || t->signal == SIGTTIN || t->signal == SIGTTOU) {
        t->signal = 0;
        t->signal_code = 0;
        t->fault_addr = 0;
    }
    if (notes_cut && t->thread_count == 0) {
        /* gcore writes its notes after the memory: a cut core loses them first. */
        free(segs);
        munmap(data, size);
        close(fd);
        pyp_target_close_common(t);
        return fail(err, err_size, PYP_OPEN_BAD_CORE,
                    "%s is truncated: it ends before its notes (the threads and the mapped "
                    "files), so it cannot be read",
                    path);
    }
    if (t->thread_count == 0 && nseg == 0) {
        free(segs);
        munmap(data, size);
        close(fd);
        pyp_target_close_common(t);
        return fail(err, err_size, PYP_OPEN_BAD_CORE, "%s holds neither threads nor memory", path);
    }
    t->exe = find_executable(t, o ? o->exe : NULL);
    if (o && o->exe && *o->exe)
        t->exe_file = pyp_xstrdup(o->exe);
    check_mapped_files(t);
    struct core_impl *impl = pyp_xcalloc(1, sizeof *impl);
    impl->fd = fd;
    impl->data = data;
    impl->size = size;
    t->impl = impl;
    t->mem = pyp_mem_core(data, size, segs, nseg, t);
    free(segs);
    return PYP_OPEN_OK;
}

void pyp_target_close_core(struct pyp_target *t);

void pyp_target_close_core(struct pyp_target *t)
{
    struct core_impl *impl = t->impl;
    pyp_mem_close(t->mem);
    t->mem = NULL;
    if (impl) {
        munmap(impl->data, impl->size);
        close(impl->fd);
        free(impl);
    }
    t->impl = NULL;
}
