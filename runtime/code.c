/* code.c: reading and caching code objects (see code.h). */
#include "code.h"

#include <stdlib.h>
#include <string.h>

#include "objects.h"

enum { MAX_LINETABLE = 1 << 20, MAX_SLOTS = 1 << 16, MAX_NAME = 1024 };

static char *str_or_null(struct pyp_python *py, uint64_t obj)
{
    struct pyp_buf b = PYP_BUF_INIT;
    if (!pyp_str_text(py, obj, &b, MAX_NAME)) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

static char *str_field(struct pyp_python *py, uint64_t code, int64_t offset)
{
    uint64_t obj;
    if (!pyp_mem_ptr(py->mem, code + (uint64_t)offset, &obj))
        return NULL;
    return str_or_null(py, obj);
}

static void read_linetable(struct pyp_python *py, struct pyp_code *c)
{
    uint64_t table;
    struct pyp_buf b = PYP_BUF_INIT;
    if (pyp_mem_ptr(py->mem, c->address + (uint64_t)FACT(&py->table, CODE_LINETABLE), &table) &&
        pyp_bytes_data(py, table, &b, MAX_LINETABLE)) {
        c->linetable_size = b.len;
        c->linetable = (unsigned char *)buf_take(&b);
        c->linetable_ok = true;
    }
    buf_free(&b);
}

/* Appends the names of tuple NAMES to the slots, each with KIND. */
static bool add_slots(struct pyp_python *py, struct pyp_code *c, uint64_t names, unsigned kind)
{
    int64_t n;
    if (!pyp_tuple_size(py, names, &n) || c->slot_count + (size_t)n > MAX_SLOTS)
        return false;
    c->slot_names = realloc(c->slot_names, (c->slot_count + (size_t)n + 1) * sizeof *c->slot_names);
    c->slot_kinds = realloc(c->slot_kinds, c->slot_count + (size_t)n + 1);
    if (!c->slot_names || !c->slot_kinds)
        return false;
    for (int64_t i = 0; i < n; i++) {
        uint64_t item;
        char *name = pyp_tuple_item(py, names, i, &item) ? str_or_null(py, item) : NULL;
        c->slot_names[c->slot_count] = name ? name : pyp_xstrdup("?");
        c->slot_kinds[c->slot_count] = (unsigned char)kind;
        c->slot_count++;
    }
    return true;
}

static unsigned kind_from_fast(const struct pyp_table *t, unsigned fast)
{
    unsigned k = 0;
    if (fast & FACT(t, FAST_LOCAL))
        k |= PYP_SLOT_LOCAL;
    if (fast & FACT(t, FAST_CELL))
        k |= PYP_SLOT_CELL;
    if (fast & FACT(t, FAST_FREE))
        k |= PYP_SLOT_FREE;
    if (HAS(t, FAST_HIDDEN) && (fast & FACT(t, FAST_HIDDEN)))
        k |= PYP_SLOT_HIDDEN;
    return k;
}

static void read_slots(struct pyp_python *py, struct pyp_code *c)
{
    const struct pyp_table *t = &py->table;
    uint64_t names, kinds;
    if (HAS(t, CODE_LOCALSPLUSNAMES)) {
        struct pyp_buf kb = PYP_BUF_INIT;
        c->slots_ok =
            pyp_mem_ptr(py->mem, c->address + (uint64_t)FACT(t, CODE_LOCALSPLUSNAMES), &names) &&
            pyp_mem_ptr(py->mem, c->address + (uint64_t)FACT(t, CODE_LOCALSPLUSKINDS), &kinds) &&
            add_slots(py, c, names, PYP_SLOT_LOCAL) && pyp_bytes_data(py, kinds, &kb, MAX_SLOTS) &&
            kb.len >= c->slot_count;
        for (size_t i = 0; c->slots_ok && i < c->slot_count; i++)
            c->slot_kinds[i] = (unsigned char)kind_from_fast(t, (unsigned char)kb.data[i]);
        buf_free(&kb);
        return;
    }
    uint64_t cells, frees;
    c->slots_ok =
        pyp_mem_ptr(py->mem, c->address + (uint64_t)FACT(t, CODE_VARNAMES), &names) &&
        pyp_mem_ptr(py->mem, c->address + (uint64_t)FACT(t, CODE_CELLVARS), &cells) &&
        pyp_mem_ptr(py->mem, c->address + (uint64_t)FACT(t, CODE_FREEVARS), &frees) &&
        add_slots(py, c, names, PYP_SLOT_LOCAL) && add_slots(py, c, cells, PYP_SLOT_CELL) &&
        add_slots(py, c, frees, PYP_SLOT_FREE);
}

static void free_code(void *p)
{
    struct pyp_code *c = p;
    free(c->file);
    free(c->name);
    free(c->qualname);
    free(c->linetable);
    for (size_t i = 0; i < c->slot_count; i++)
        free(c->slot_names[i]);
    free(c->slot_names);
    free(c->slot_kinds);
    pyp_hashmap_free(&c->lines, NULL);
    free(c);
}

static bool read_int(struct pyp_python *py, uint64_t addr, int *out)
{
    int32_t v;
    if (!pyp_mem_i32(py->mem, addr, &v))
        return false;
    *out = v;
    return true;
}

struct pyp_code *pyp_code_get(struct pyp_python *py, uint64_t address)
{
    struct pyp_code *c = pyp_hashmap_get(&py->codes, address);
    if (c)
        return c;
    if (!pyp_is_code(py, address))
        return NULL;
    const struct pyp_table *t = &py->table;
    c = pyp_xcalloc(1, sizeof *c);
    c->address = address;
    int32_t flags = 0, nlocals = 0;
    if (!read_int(py, address + (uint64_t)FACT(t, CODE_FIRSTLINENO), &c->firstlineno) ||
        !pyp_mem_i32(py->mem, address + (uint64_t)FACT(t, CODE_FLAGS), &flags) ||
        !pyp_mem_i32(py->mem, address + (uint64_t)FACT(t, CODE_NLOCALS), &nlocals) ||
        !read_int(py, address + (uint64_t)FACT(t, CODE_ARGCOUNT), &c->argcount) ||
        !read_int(py, address + (uint64_t)FACT(t, CODE_KWONLYARGCOUNT), &c->kwonlyargcount)) {
        free(c);
        return NULL;
    }
    c->flags = (uint32_t)flags;
    c->nlocals = nlocals > 0 ? (size_t)nlocals : 0;
    c->file = str_field(py, address, FACT(t, CODE_FILENAME));
    c->name = str_field(py, address, FACT(t, CODE_NAME));
    if (HAS(t, CODE_QUALNAME))
        c->qualname = str_field(py, address, FACT(t, CODE_QUALNAME));
    if (HAS(t, CODE_CODE_ADAPTIVE))
        c->instructions = address + (uint64_t)FACT(t, CODE_CODE_ADAPTIVE);
    read_linetable(py, c);
    read_slots(py, c);
    pyp_hashmap_put(&py->codes, address, c);
    return c;
}

void pyp_code_cache_free(struct pyp_python *py)
{
    pyp_hashmap_free(&py->codes, free_code);
}
