/* gdb_units.c: see gdb_units.h. A batch has at most a few hundred distinct frames: a
 * list searched by a hash of the three parts is enough. */
#include "gdb_units.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_text(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return (h ^ 0xff) * 0x100000001b3ull;
}

static uint64_t unit_hash(const char *file, int line, const char *name)
{
    return hash_text(hash_text(0xcbf29ce484222325ull ^ (uint64_t)line, file), name);
}

size_t pyp_units_id(struct pyp_units *u, const char *file, int line, const char *name)
{
    uint64_t h = unit_hash(file, line, name);
    for (size_t i = 0; i < u->count; i++) {
        const struct pyp_unit *x = &u->units[i];
        if (x->hash == h && x->line == line && strcmp(x->file, file) == 0 && strcmp(x->name, name) == 0)
            return i;
    }
    if ((u->count & (u->count - 1)) == 0)
        u->units = pyp_xrealloc(u->units, (u->count ? 2 * u->count : 1) * sizeof *u->units);
    u->units[u->count] = (struct pyp_unit){ h, pyp_xstrdup(file), pyp_xstrdup(name), line };
    return u->count++;
}

void pyp_units_emit(const struct pyp_units *u, struct pyp_buf *out)
{
    for (size_t i = 0; i < u->count; i++) {
        const struct pyp_unit *x = &u->units[i];
        buf_printf(out, "@@pyp-unit\t%zu\n  File \"%s\", line %d, in %s\n@@pyp-src\t%s\t%d\n@@pyp-end-unit\n",
                   i, x->file, x->line, x->name, x->file, x->line);
    }
}

void pyp_units_free(struct pyp_units *u)
{
    for (size_t i = 0; i < u->count; i++) {
        free(u->units[i].file);
        free(u->units[i].name);
    }
    free(u->units);
    *u = (struct pyp_units){ 0 };
}
