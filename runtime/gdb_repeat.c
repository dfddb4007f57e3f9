/* gdb_repeat.c: see gdb_repeat.h. */
#include "gdb_repeat.h"

#include <string.h>

static int line_count(const struct pyp_buf *b)
{
    int n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->data[i] == '\n';
    return n;
}

void pyp_repeat_flush(struct pyp_repeat *r, struct pyp_buf *out)
{
    if (r->count > 1)
        buf_printf(out, "@@pyp-repeat\t%d\t%d\n", r->count, line_count(&r->block));
    if (r->count > 0)
        buf_add(out, r->block.data, r->block.len);
    r->count = 0;
    buf_clear(&r->block);
}

void pyp_repeat_add(struct pyp_repeat *r, const struct pyp_buf *block, struct pyp_buf *out)
{
    if (r->count > 0 && r->block.len == block->len && memcmp(r->block.data, block->data, block->len) == 0) {
        r->count++;
        return;
    }
    pyp_repeat_flush(r, out);
    buf_add(&r->block, block->data, block->len);
    r->count = 1;
}

void pyp_repeat_free(struct pyp_repeat *r)
{
    buf_free(&r->block);
}
