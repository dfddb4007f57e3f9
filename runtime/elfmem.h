/* elfmem.h: an ELF file as the target has it loaded, read through the target's memory
 * (its headers are in the first mapped page): whether an address holds an ELF header,
 * the GNU build-id the loaded file carries, and the size of a file loaded whole. Every read is bounded; a damaged image
 * reads as having none. */
#ifndef PYP_ELFMEM_H
#define PYP_ELFMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

enum { PYP_BUILD_ID_MAX = 64 };

/* Whether the bytes at BASE start a 64-bit little-endian ELF header. */
bool pyp_elfmem_is_elf(struct pyp_mem *m, uint64_t base);

/* The build-id of the ELF file loaded with its first byte at BASE, into ID (at least
 * PYP_BUILD_ID_MAX bytes); its length, 0 when none can be read. */
size_t pyp_elfmem_build_id(struct pyp_mem *m, uint64_t base, unsigned char *id);

/* The size of a whole ELF file loaded as one image at BASE (the vDSO): up to the end of
 * its section headers or its last segment's bytes; 0 when unreadable or past MAX. */
size_t pyp_elfmem_image_size(struct pyp_mem *m, uint64_t base, size_t max);

#endif
