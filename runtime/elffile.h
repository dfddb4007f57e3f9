/* elffile.h: what discovery needs from an ELF file on disk: symbols by name (.dynsym,
 * then .symtab), a section by name, the load segments (to turn a file address into a
 * process address) and the build-id. A malformed file reads as having none of them. */
#ifndef PYP_ELFFILE_H
#define PYP_ELFFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pyp_elf;

struct pyp_elf *pyp_elf_open(const char *path);
void pyp_elf_close(struct pyp_elf *e);

/* The value (file address) and size of symbol NAME. */
bool pyp_elf_symbol(struct pyp_elf *e, const char *name, uint64_t *value, uint64_t *size);
/* The address and size of section NAME (e.g. ".PyRuntime"). */
bool pyp_elf_section(struct pyp_elf *e, const char *name, uint64_t *addr, uint64_t *size);
/* The value of NAME in the dynamic symbol table only (exported symbols: cheap). */
bool pyp_elf_dynamic_symbol(struct pyp_elf *e, const char *name, uint64_t *value);
/* Whether any symbol's name starts with PREFIX (e.g. "_TAIL_CALL_"). */
bool pyp_elf_has_symbol_prefix(struct pyp_elf *e, const char *prefix);
bool pyp_elf_has_symtab(struct pyp_elf *e);
/* Hex build-id into OUT (at least 81 bytes); false when there is none. */
bool pyp_elf_build_id(struct pyp_elf *e, char *out, size_t size);
/* The load bias of the file when the bytes at file OFFSET are mapped at address START:
 * process address = bias + file address. False when no load segment covers OFFSET. */
bool pyp_elf_bias(struct pyp_elf *e, uint64_t start, uint64_t offset, uint64_t *bias);
bool pyp_elf_is_exec(struct pyp_elf *e);

/* A load segment (PT_LOAD): its file address, size in memory, file offset and size in
 * the file. */
struct pyp_elf_load {
    uint64_t vaddr, memsz, offset, filesz;
};
/* The load segments, at most MAX into OUT; how many were written. */
size_t pyp_elf_loads(struct pyp_elf *e, struct pyp_elf_load *out, size_t max);
/* The Nth (from 0) string of dynamic tag TAG (DT_NEEDED, DT_RUNPATH, DT_RPATH) into OUT;
 * false when there is none. */
bool pyp_elf_dynamic_string(struct pyp_elf *e, int64_t tag, size_t nth, char *out, size_t size);

/* Scans the read-only data of the file for a NUL-delimited "3.MINOR.PATCH..." version
 * string (PY_VERSION), else the tail of a longer string the linker merged it into, when
 * all such tails agree; writes it to OUT. For 3.8-3.10, which export no version number. */
bool pyp_elf_find_version_string(struct pyp_elf *e, int minor, char *out, size_t size);

#endif
