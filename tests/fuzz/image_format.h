/* image_format.h: the fuzz input format, a memory image of a CPython process:
 *
 *   byte 0      index of the compiled layout table (modulo their count)
 *   byte 1      flags: bit 0 apply _Py_DebugOffsets, bit 1 read locals
 *   then        regions: u64 address, u32 size, size bytes (little-endian), up to 256
 *
 * _PyRuntime is the address of the first region. seed_from_core writes this format
 * from a real core; fuzz_decoder reads it. */
#ifndef PYP_IMAGE_FORMAT_H
#define PYP_IMAGE_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mem.h"

enum { IMAGE_MAX_REGIONS = 256, IMAGE_HEADER = 2, IMAGE_FLAG_DEBUG_OFFSETS = 1,
       IMAGE_FLAG_LOCALS = 2 };

/* Splits DATA into at most IMAGE_MAX_REGIONS regions (pointing into DATA); returns how
 * many. */
static inline size_t image_regions(const uint8_t *data, size_t size, struct pyp_mem_region *out)
{
    size_t n = 0, at = IMAGE_HEADER;
    while (n < IMAGE_MAX_REGIONS && at + 12 <= size) {
        uint64_t addr;
        uint32_t len;
        memcpy(&addr, data + at, 8);
        memcpy(&len, data + at + 8, 4);
        at += 12;
        if (len > size - at)
            len = (uint32_t)(size - at);
        out[n++] = (struct pyp_mem_region){ addr, data + at, len };
        at += len;
    }
    return n;
}

#endif
