/* mem.c: the typed reads over a memory source (see mem.h). */
#include "mem.h"

#include <string.h>

bool pyp_mem_read(struct pyp_mem *m, uint64_t addr, void *buf, size_t len)
{
    m->reads++;
    if (len == 0)
        return true;
    if (addr < PYP_MIN_ADDR || addr + len < addr || m->ops->read(m, addr, buf, len) != len) {
        m->failed++;
        return false;
    }
    return true;
}

#define TYPED_READ(name, type)                                   \
    bool name(struct pyp_mem *m, uint64_t addr, type *out)       \
    {                                                            \
        return pyp_mem_read(m, addr, out, sizeof *out);          \
    }

TYPED_READ(pyp_mem_u8, uint8_t)
TYPED_READ(pyp_mem_u16, uint16_t)
TYPED_READ(pyp_mem_u32, uint32_t)
TYPED_READ(pyp_mem_i32, int32_t)
TYPED_READ(pyp_mem_u64, uint64_t)
TYPED_READ(pyp_mem_i64, int64_t)

bool pyp_mem_ptr(struct pyp_mem *m, uint64_t addr, uint64_t *out)
{
    if (!pyp_mem_u64(m, addr, out))
        return false;
    return *out == 0 || *out >= PYP_MIN_ADDR;
}

bool pyp_mem_cstr(struct pyp_mem *m, uint64_t addr, char *out, size_t max)
{
    /* Read in small steps: a short string may end right before an unmapped page. */
    size_t got = 0;
    while (got + 1 < max) {
        size_t step = 32 - ((addr + got) & 31);
        if (step > max - 1 - got)
            step = max - 1 - got;
        if (!pyp_mem_read(m, addr + got, out + got, step))
            return false;
        void *nul = memchr(out + got, '\0', step);
        if (nul)
            return true;
        got += step;
    }
    out[max - 1] = '\0';
    return false;
}

void pyp_mem_close(struct pyp_mem *m)
{
    if (m)
        m->ops->close(m);
}
