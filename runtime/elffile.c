/* elffile.c: see elffile.h. The file is mapped read-only and parsed with libelf. */
#include "elffile.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

struct pyp_elf {
    int fd;
    Elf *elf;
    GElf_Ehdr ehdr;
};

struct pyp_elf *pyp_elf_open(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    GElf_Ehdr eh;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
        if (elf)
            elf_end(elf);
        close(fd);
        return NULL;
    }
    struct pyp_elf *e = pyp_xcalloc(1, sizeof *e);
    e->fd = fd;
    e->elf = elf;
    e->ehdr = eh;
    return e;
}

void pyp_elf_close(struct pyp_elf *e)
{
    if (!e)
        return;
    elf_end(e->elf);
    close(e->fd);
    free(e);
}

static Elf_Scn *section_of_type(struct pyp_elf *e, Elf64_Word type)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(e->elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) && sh.sh_type == type)
            return scn;
    }
    return NULL;
}

/* Calls VISIT for each named symbol of section type TYPE until it returns true. Names are
 * read from the string table directly (bounds-checked), not through elf_strptr, which
 * costs more than the whole rest of a scan. */
static bool each_symbol(struct pyp_elf *e, Elf64_Word type,
                        bool (*visit)(const char *name, const GElf_Sym *sym, void *ctx), void *ctx)
{
    Elf_Scn *scn = section_of_type(e, type);
    GElf_Shdr sh;
    if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_entsize == 0)
        return false;
    Elf_Data *data = elf_getdata(scn, NULL);
    Elf_Scn *str_scn = elf_getscn(e->elf, sh.sh_link);
    Elf_Data *strings = str_scn ? elf_getdata(str_scn, NULL) : NULL;
    if (!data || !strings || !strings->d_buf || strings->d_size == 0)
        return false;
    const char *names = strings->d_buf;
    size_t names_size = strings->d_size;
    if (names[names_size - 1] != '\0')
        return false;
    size_t count = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < count; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym) || sym.st_name == 0 || sym.st_name >= names_size)
            continue;
        if (visit(names + sym.st_name, &sym, ctx))
            return true;
    }
    return false;
}

struct by_name {
    const char *name;
    size_t prefix_len;        /* 0: whole name */
    GElf_Sym sym;
};

static bool match_name(const char *name, const GElf_Sym *sym, void *ctx)
{
    struct by_name *q = ctx;
    bool hit = q->prefix_len ? strncmp(name, q->name, q->prefix_len) == 0
                             : strcmp(name, q->name) == 0 && sym->st_shndx != SHN_UNDEF;
    if (hit)
        q->sym = *sym;
    return hit;
}

bool pyp_elf_symbol(struct pyp_elf *e, const char *name, uint64_t *value, uint64_t *size)
{
    struct by_name q = { name, 0, { 0 } };
    if (!each_symbol(e, SHT_DYNSYM, match_name, &q) && !each_symbol(e, SHT_SYMTAB, match_name, &q))
        return false;
    *value = q.sym.st_value;
    if (size)
        *size = q.sym.st_size;
    return true;
}

bool pyp_elf_dynamic_symbol(struct pyp_elf *e, const char *name, uint64_t *value)
{
    struct by_name q = { name, 0, { 0 } };
    if (!each_symbol(e, SHT_DYNSYM, match_name, &q))
        return false;
    *value = q.sym.st_value;
    return true;
}

bool pyp_elf_has_symbol_prefix(struct pyp_elf *e, const char *prefix)
{
    struct by_name q = { prefix, strlen(prefix), { 0 } };
    return each_symbol(e, SHT_DYNSYM, match_name, &q) || each_symbol(e, SHT_SYMTAB, match_name, &q);
}

bool pyp_elf_has_symtab(struct pyp_elf *e)
{
    return section_of_type(e, SHT_SYMTAB) != NULL;
}

static Elf_Scn *section_named(struct pyp_elf *e, const char *name, GElf_Shdr *sh)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(e->elf, &shstrndx) != 0)
        return NULL;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(e->elf, scn)) != NULL) {
        if (!gelf_getshdr(scn, sh))
            continue;
        const char *n = elf_strptr(e->elf, shstrndx, sh->sh_name);
        if (n && strcmp(n, name) == 0)
            return scn;
    }
    return NULL;
}

bool pyp_elf_section(struct pyp_elf *e, const char *name, uint64_t *addr, uint64_t *size)
{
    GElf_Shdr sh;
    if (!section_named(e, name, &sh))
        return false;
    *addr = sh.sh_addr;
    *size = sh.sh_size;
    return true;
}

bool pyp_elf_build_id(struct pyp_elf *e, char *out, size_t size)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(e->elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t off = 0, name_off, desc_off;
        GElf_Nhdr nh;
        while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
            if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
                memcmp((char *)data->d_buf + name_off, "GNU", 4) != 0)
                continue;
            const unsigned char *id = (const unsigned char *)data->d_buf + desc_off;
            if (nh.n_descsz * 2 + 1 > size)
                return false;
            for (size_t i = 0; i < nh.n_descsz; i++)
                snprintf(out + 2 * i, 3, "%02x", id[i]);
            return true;
        }
    }
    return false;
}

bool pyp_elf_bias(struct pyp_elf *e, uint64_t start, uint64_t offset, uint64_t *bias)
{
    size_t phnum = 0;
    elf_getphdrnum(e->elf, &phnum);
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        uint64_t page = ph.p_align > 1 ? ph.p_align : 4096;
        if (page > 4096)
            page = 4096;
        uint64_t seg_off = ph.p_offset & ~(page - 1);
        if (seg_off != offset)
            continue;
        *bias = start - (ph.p_vaddr & ~(page - 1));
        return true;
    }
    return false;
}

bool pyp_elf_is_exec(struct pyp_elf *e)
{
    return e->ehdr.e_type == ET_EXEC;
}

size_t pyp_elf_loads(struct pyp_elf *e, struct pyp_elf_load *out, size_t max)
{
    size_t phnum = 0, n = 0;
    elf_getphdrnum(e->elf, &phnum);
    for (size_t i = 0; i < phnum && n < max; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e->elf, (int)i, &ph) && ph.p_type == PT_LOAD)
            out[n++] = (struct pyp_elf_load){ ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz };
    }
    return n;
}

bool pyp_elf_dynamic_string(struct pyp_elf *e, int64_t tag, size_t nth, char *out, size_t size)
{
    Elf_Scn *scn = section_of_type(e, SHT_DYNAMIC);
    GElf_Shdr sh;
    if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_entsize == 0)
        return false;
    Elf_Data *data = elf_getdata(scn, NULL);
    for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
        GElf_Dyn dyn;
        if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag != tag || nth-- > 0)
            continue;
        const char *s = elf_strptr(e->elf, sh.sh_link, dyn.d_un.d_val);
        if (!s || strlen(s) >= size)
            return false;
        memcpy(out, s, strlen(s) + 1);
        return true;
    }
    return false;
}

static bool is_version_text(const char *p, const char *end, const char *want, size_t want_len)
{
    if ((size_t)(end - p) < want_len + 2 || memcmp(p, want, want_len) != 0)
        return false;
    const char *q = p + want_len;
    if (*q < '0' || *q > '9')
        return false;
    while (q < end && ((*q >= '0' && *q <= '9') || *q == 'a' || *q == 'b' || *q == 'r' ||
                       *q == 'c' || *q == '+'))
        q++;
    return q < end && *q == '\0';
}

bool pyp_elf_find_version_string(struct pyp_elf *e, int minor, char *out, size_t size)
{
    GElf_Shdr sh;
    Elf_Scn *scn = section_named(e, ".rodata", &sh);
    Elf_Data *data = scn ? elf_rawdata(scn, NULL) : NULL;
    if (!data || !data->d_buf)
        return false;
    char want[16];
    size_t want_len = (size_t)snprintf(want, sizeof want, "3.%d.", minor);
    const char *p = data->d_buf, *end = p + data->d_size;
    const char *tail = NULL;
    bool tails_agree = true;
    for (const char *s = p; s < end; s++) {
        if (*s != '3' || !is_version_text(s, end, want, want_len))
            continue;
        if (s == p || s[-1] == '\0') {
            snprintf(out, size, "%s", s);
            return true;
        }
        /* The linker may have merged PY_VERSION into the tail of a longer string (the
         * install prefix ".../3.8.18"): taken only when every such tail agrees. */
        if (s[-1] != '.' && (s[-1] < '0' || s[-1] > '9')) {
            tails_agree = tails_agree && (!tail || strcmp(tail, s) == 0);
            tail = s;
        }
    }
    if (!tail || !tails_agree)
        return false;
    snprintf(out, size, "%s", tail);
    return true;
}
