/* mem_core.h: the memory source of a core file (see mem_core.c). */
#ifndef PYP_MEM_CORE_H
#define PYP_MEM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

struct pyp_target;

/* A core's loadable segment, as its program header says. */
struct pyp_core_segment {
    uint64_t vaddr, memsz;
    uint64_t offset, filesz;  /* bytes in the core file; filesz < memsz: the rest not dumped */
};

/* A memory source over the core image DATA (SIZE bytes, owned by the caller) with its
 * SEGMENTS; bytes the core does not hold are read from the files TARGET has mapped
 * (t->maps, opened through pyp_target_file). */
struct pyp_mem *pyp_mem_core(const unsigned char *data, size_t size,
                             const struct pyp_core_segment *segments, size_t count,
                             const struct pyp_target *target);

#endif
