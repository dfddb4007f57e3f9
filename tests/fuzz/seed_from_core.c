/* seed_from_core.c: writes a fuzz seed (image_format.h) from a real core: the pages the
 * decoder reads while it decodes the core (with locals), _PyRuntime's page first, so the
 * fuzzer starts from a memory image that decodes to a real stack.
 *
 *   seed_from_core CORE SEED [SYSROOT] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "code.h"
#include "decode.h"
#include "hashmap.h"
#include "image_format.h"
#include "python.h"
#include "report.h"
#include "target.h"

enum { PAGE = 4096 };

/* A memory source that forwards to another and remembers the pages read. */
struct recorder {
    struct pyp_mem base;
    struct pyp_mem *inner;
    struct pyp_hashmap pages;
};

static size_t recorder_read(struct pyp_mem *m, uint64_t addr, void *buf, size_t len)
{
    struct recorder *r = (struct recorder *)m;
    size_t got = r->inner->ops->read(r->inner, addr, buf, len);
    for (uint64_t p = addr & ~(uint64_t)(PAGE - 1); got && p < addr + got; p += PAGE)
        pyp_hashmap_put(&r->pages, p, (void *)1);
    return got;
}

static void recorder_close(struct pyp_mem *m)
{
    (void)m;
}

static const struct pyp_mem_ops recorder_ops = { recorder_read, recorder_close };

static void write_region(FILE *out, struct pyp_mem *mem, uint64_t addr)
{
    unsigned char page[PAGE];
    uint32_t size = PAGE;
    if (!pyp_mem_read(mem, addr, page, PAGE))
        return;
    fwrite(&addr, 8, 1, out);
    fwrite(&size, 4, 1, out);
    fwrite(page, 1, PAGE, out);
}

static int table_index(const struct pyp_layout *base)
{
    for (unsigned i = 0; i < pyp_compiled_layout_count; i++)
        if (pyp_compiled_layouts[i] == base)
            return (int)i;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: seed_from_core CORE SEED [SYSROOT]\n", stderr);
        return 2;
    }
    struct pyp_target t;
    struct pyp_open_options o = { argc > 3 ? argv[3] : NULL, NULL, false };
    char err[1024];
    if (pyp_target_open_core(&t, argv[1], &o, err, sizeof err) != PYP_OPEN_OK) {
        fprintf(stderr, "seed_from_core: %s\n", err);
        return 1;
    }
    struct recorder rec = { .base = { .ops = &recorder_ops }, .inner = t.mem };
    t.mem = &rec.base;
    struct pyp_python py;
    if (pyp_python_find(&py, &t, err, sizeof err) != PYP_FIND_OK) {
        fprintf(stderr, "seed_from_core: %s\n", err);
        return 1;
    }
    struct pyp_report r = { 0 };
    struct pyp_decode_options d = { .locals = true };
    pyp_decode(&t, &py, &d, &r);
    FILE *out = fopen(argv[2], "wb");
    if (!out)
        return 1;
    unsigned char header[IMAGE_HEADER] = { (unsigned char)table_index(py.table.base),
                                           IMAGE_FLAG_DEBUG_OFFSETS | IMAGE_FLAG_LOCALS };
    fwrite(header, 1, sizeof header, out);
    uint64_t first = py.runtime & ~(uint64_t)(PAGE - 1);
    /* _PyRuntime's region must come first and start at _PyRuntime. */
    unsigned char bytes[PAGE];
    uint32_t size = PAGE;
    if (pyp_mem_read(rec.inner, py.runtime, bytes, PAGE)) {
        fwrite(&py.runtime, 8, 1, out);
        fwrite(&size, 4, 1, out);
        fwrite(bytes, 1, PAGE, out);
    }
    size_t written = 0;
    for (size_t i = 0; i < rec.pages.cap && written < IMAGE_MAX_REGIONS - 1; i++)
        if (rec.pages.keys[i] && rec.pages.keys[i] != first) {
            write_region(out, rec.inner, rec.pages.keys[i]);
            written++;
        }
    fclose(out);
    pyp_report_free(&r);
    pyp_code_cache_free(&py);
    pyp_python_free(&py);
    pyp_hashmap_free(&rec.pages, NULL);
    t.mem = rec.inner;
    pyp_target_close(&t);
    return 0;
}
