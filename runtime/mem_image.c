/* mem_image.c: a memory source over byte arrays held by the caller (see mem.h). Used by
 * the fuzzer, which hands the decoder arbitrary images, and by unit tests. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

struct image {
    struct pyp_mem base;
    struct pyp_mem_region *regions;
    size_t count;
};

static size_t image_read(struct pyp_mem *m, uint64_t addr, void *buf, size_t len)
{
    struct image *im = (struct image *)m;
    size_t done = 0;
    while (done < len) {
        uint64_t at = addr + done;
        const struct pyp_mem_region *hit = NULL;
        for (size_t i = 0; i < im->count; i++) {
            const struct pyp_mem_region *r = &im->regions[i];
            if (at >= r->addr && at - r->addr < r->size) {
                hit = r;
                break;
            }
        }
        if (!hit)
            break;
        size_t n = hit->size - (size_t)(at - hit->addr);
        if (n > len - done)
            n = len - done;
        memcpy((char *)buf + done, hit->bytes + (at - hit->addr), n);
        done += n;
    }
    return done;
}

static void image_close(struct pyp_mem *m)
{
    struct image *im = (struct image *)m;
    free(im->regions);
    free(im);
}

static const struct pyp_mem_ops image_ops = { image_read, image_close };

struct pyp_mem *pyp_mem_image(const struct pyp_mem_region *regions, size_t count)
{
    struct image *im = pyp_xcalloc(1, sizeof *im);
    im->base.ops = &image_ops;
    im->regions = pyp_xcalloc(count, sizeof *regions);
    memcpy(im->regions, regions, count * sizeof *regions);
    im->count = count;
    return &im->base;
}
