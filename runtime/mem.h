/* mem.h: a memory source, the only way the decoder reads the target's memory.
 *
 * One small vtable (like libdwfl's Dwfl_Callbacks): a live process (mem_live.c), a core
 * file (mem_core.c) or a plain image in memory (mem_image.c, for the fuzzer and tests).
 * Everything above reads through pyp_mem_read and the typed helpers below, so every
 * read of untrusted memory is bounded and can fail; none is ever a write.
 *
 * Reads are all-or-nothing: false means some byte of the range could not be read, and
 * the output buffer's contents are then unspecified. */
#ifndef PYP_MEM_H
#define PYP_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pyp_mem;

struct pyp_mem_ops {
    /* Reads LEN bytes at ADDR into BUF; returns how many leading bytes it could read. */
    size_t (*read)(struct pyp_mem *m, uint64_t addr, void *buf, size_t len);
    void (*close)(struct pyp_mem *m);
};

struct pyp_mem {
    const struct pyp_mem_ops *ops;
    uint64_t reads;       /* statistics: calls of pyp_mem_read */
    uint64_t failed;      /* of which failed */
};

/* The lowest address a pointer in the target may have: anything below is NULL or wild. */
#define PYP_MIN_ADDR 4096u

bool pyp_mem_read(struct pyp_mem *m, uint64_t addr, void *buf, size_t len);
bool pyp_mem_u8(struct pyp_mem *m, uint64_t addr, uint8_t *out);
bool pyp_mem_u16(struct pyp_mem *m, uint64_t addr, uint16_t *out);
bool pyp_mem_u32(struct pyp_mem *m, uint64_t addr, uint32_t *out);
bool pyp_mem_i32(struct pyp_mem *m, uint64_t addr, int32_t *out);
bool pyp_mem_u64(struct pyp_mem *m, uint64_t addr, uint64_t *out);
bool pyp_mem_i64(struct pyp_mem *m, uint64_t addr, int64_t *out);
/* A pointer: a u64 that is 0 or at least PYP_MIN_ADDR (a smaller one fails the read). */
bool pyp_mem_ptr(struct pyp_mem *m, uint64_t addr, uint64_t *out);
/* A NUL-terminated C string of at most MAX-1 bytes into OUT (MAX bytes); false when
 * unreadable or longer. */
bool pyp_mem_cstr(struct pyp_mem *m, uint64_t addr, char *out, size_t max);

void pyp_mem_close(struct pyp_mem *m);

/* mem_image.c: a flat image of target memory, for the fuzzer and the tests. The image
 * is REGIONS of (address, bytes); pyp_mem_image keeps pointers to the bytes. */
struct pyp_mem_region {
    uint64_t addr;
    const unsigned char *bytes;
    size_t size;
};
struct pyp_mem *pyp_mem_image(const struct pyp_mem_region *regions, size_t count);

#endif
