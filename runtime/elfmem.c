/* elfmem.c: see elfmem.h. The program headers give the load bias (the first PT_LOAD
 * maps file address p_vaddr & -p_align at BASE) and the PT_NOTE segments, whose notes
 * are scanned for NT_GNU_BUILD_ID. */
#include "elfmem.h"

#include <elf.h>
#include <string.h>

enum { MAX_PHDRS = 64, MAX_NOTES_BYTES = 4096 };

static bool ident_ok(const unsigned char *ident)
{
    return memcmp(ident, ELFMAG, SELFMAG) == 0 && ident[EI_CLASS] == ELFCLASS64 &&
           ident[EI_DATA] == ELFDATA2LSB;
}

bool pyp_elfmem_is_elf(struct pyp_mem *m, uint64_t base)
{
    unsigned char ident[EI_NIDENT];
    return pyp_mem_read(m, base, ident, sizeof ident) && ident_ok(ident);
}

/* The build-id among the notes in BYTES (LEN bytes), into ID; its length or 0. */
static size_t build_id_in_notes(const unsigned char *bytes, size_t len, unsigned char *id)
{
    size_t off = 0;
    while (off + sizeof(Elf64_Nhdr) <= len) {
        Elf64_Nhdr nh;
        memcpy(&nh, bytes + off, sizeof nh);
        size_t name_at = off + sizeof nh;
        size_t desc_at = name_at + (((size_t)nh.n_namesz + 3) & ~(size_t)3);
        size_t next = desc_at + (((size_t)nh.n_descsz + 3) & ~(size_t)3);
        if (nh.n_namesz > len || nh.n_descsz > len || next > len)
            return 0;
        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
            memcmp(bytes + name_at, "GNU", 4) == 0 && nh.n_descsz > 0 &&
            nh.n_descsz <= PYP_BUILD_ID_MAX) {
            memcpy(id, bytes + desc_at, nh.n_descsz);
            return nh.n_descsz;
        }
        off = next;
    }
    return 0;
}

size_t pyp_elfmem_build_id(struct pyp_mem *m, uint64_t base, unsigned char *id)
{
    Elf64_Ehdr eh;
    if (!pyp_mem_read(m, base, &eh, sizeof eh) || !ident_ok(eh.e_ident) ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > MAX_PHDRS)
        return 0;
    Elf64_Phdr ph[MAX_PHDRS];
    if (!pyp_mem_read(m, base + eh.e_phoff, ph, eh.e_phnum * sizeof *ph))
        return 0;
    uint64_t bias = 0;
    bool have_load = false;
    for (size_t i = 0; i < eh.e_phnum && !have_load; i++)
        if (ph[i].p_type == PT_LOAD) {
            uint64_t align = ph[i].p_align ? ph[i].p_align : 1;
            bias = base - (ph[i].p_vaddr & ~(align - 1));
            have_load = true;
        }
    for (size_t i = 0; i < eh.e_phnum && have_load; i++) {
        unsigned char notes[MAX_NOTES_BYTES];
        size_t len = ph[i].p_filesz < sizeof notes ? ph[i].p_filesz : sizeof notes;
        if (ph[i].p_type != PT_NOTE || !pyp_mem_read(m, bias + ph[i].p_vaddr, notes, len))
            continue;
        size_t n = build_id_in_notes(notes, len, id);
        if (n)
            return n;
    }
    return 0;
}

size_t pyp_elfmem_image_size(struct pyp_mem *m, uint64_t base, size_t max)
{
    Elf64_Ehdr eh;
    Elf64_Phdr ph[MAX_PHDRS];
    if (!pyp_mem_read(m, base, &eh, sizeof eh) || !ident_ok(eh.e_ident) ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > MAX_PHDRS ||
        !pyp_mem_read(m, base + eh.e_phoff, ph, eh.e_phnum * sizeof *ph))
        return 0;
    uint64_t end = eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize;
    for (size_t i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_offset + ph[i].p_filesz > end)
            end = ph[i].p_offset + ph[i].p_filesz;
    return end <= max ? (size_t)end : 0;
}
