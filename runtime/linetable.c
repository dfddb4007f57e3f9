/* linetable.c: line numbers from a code object's line table, in the three formats
 * (feature.linetable): 3.8-3.9 co_lnotab, 3.10 co_linetable pairs, 3.11+ the PEP 657
 * location table. The rules are in ../shared/reference/cpython-internals.md section 5;
 * the GDB script decodes the same tables (templates/20-frames.gdb.in). Decoded lines are
 * cached per code object and position. */
#include "code.h"

/* co_lnotab: (byte increment, signed line increment) pairs. */
static int line_lnotab(const unsigned char *p, size_t n, int first, int64_t q)
{
    int line = first;
    int64_t addr = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        addr += p[i];
        if (addr > q)
            break;
        line += (signed char)p[i + 1];
    }
    return line;
}

/* 3.10: (byte delta, signed line delta) pairs; a line delta of -128 means "no line". */
static int line_310(const unsigned char *p, size_t n, int first, int64_t q)
{
    int line = first;
    int64_t end = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        int sd = p[i], ld = (signed char)p[i + 1];
        if (ld != -128)
            line += ld;
        if (sd > 0 && q < end + sd)
            return ld == -128 ? -1 : line;
        end += sd;
    }
    return -1;
}

static uint64_t varint(const unsigned char *p, size_t n, size_t *i)
{
    uint64_t v = 0;
    unsigned shift = 0;
    while (*i < n) {
        unsigned char b = p[(*i)++];
        if (shift < 64)
            v |= (uint64_t)(b & 63) << shift;
        shift += 6;
        if (!(b & 64))
            break;
    }
    return v;
}

/* PEP 657 location table: entries of 1-8 code units; see the reference. */
static int line_pep657(const unsigned char *p, size_t n, int first, int64_t q)
{
    int line = first;
    int64_t addr = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char b = p[i++];
        unsigned kind = (b >> 3) & 15, len = (b & 7) + 1;
        if (kind == 13 || kind == 14) {
            uint64_t v = varint(p, n, &i);
            line += (v & 1) ? -(int)(v >> 1) : (int)(v >> 1);
        } else if (kind >= 10 && kind <= 12) {
            line += (int)kind - 10;
        }
        /* The rest of the entry: its bytes are below 0x80, an entry starts at or above. */
        while (i < n && p[i] < 0x80)
            i++;
        if (q < addr + len)
            return kind == 15 ? -1 : line;
        addr += len;
    }
    return -1;
}

int pyp_code_line(struct pyp_python *py, struct pyp_code *code, int64_t q)
{
    if (q < 0)
        return code->firstlineno;
    if (!code->linetable_ok)
        return -1;
    void *cached = pyp_hashmap_get(&code->lines, (uint64_t)q + 1);
    if (cached)
        return (int)((intptr_t)cached - 2);
    int line;
    switch (FACT(&py->table, FEATURE_LINETABLE)) {
    case 1: line = line_lnotab(code->linetable, code->linetable_size, code->firstlineno, q); break;
    case 2: line = line_310(code->linetable, code->linetable_size, code->firstlineno, q); break;
    default: line = line_pep657(code->linetable, code->linetable_size, code->firstlineno, q); break;
    }
    pyp_hashmap_put(&code->lines, (uint64_t)q + 1, (void *)(intptr_t)(line + 2));
    return line;
}
