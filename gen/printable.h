/* printable.h: which code points str.isprintable() accepts in one CPython minor version
 * (its Unicode database's: neither a control, format, surrogate, private-use or
 * unassigned character nor a separator, but the space), as sorted, disjoint, inclusive
 * ranges. repr() escapes every other character, so both decoders need exactly this set:
 * the GDB script gets it as a block table (pyp-printable), the runtime decoder as the
 * ranges themselves (compiled into the registry).
 *
 * The authoritative source is the interpreter itself: the generator runs it (the one
 * given with --python, else the one installed beside the headers) and asks every code
 * point. Each minor's ranges are also committed in versions/printable/3.X.txt, made the
 * same way on the test matrix; they serve when no interpreter can be run (a chroot's, a
 * cross build's) and they are what the decoder compiles in. */
#ifndef PYP_PRINTABLE_H
#define PYP_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct printable {
    uint32_t (*ranges)[2];    /* [first, last] */
    size_t count;
    int minor;
    char cpython[32];         /* the interpreter's version, "3.12.1" */
    char unicode[32];         /* its unicodedata.unidata_version, "15.0.0" ("?" unknown) */
    char from[4200];          /* where they came from, for reports */
};

/* P = what interpreter PYTHON (argv[0] of a program to run) says, which must be CPython
 * 3.MINOR. False with ERR when it cannot be run or says something else. */
bool printable_from_python(const char *python, int minor, struct printable *p, char *err,
                           size_t err_size);
/* The interpreter installed with the headers in INCLUDE_DIR (PREFIX/include/python3.X...
 * gives PREFIX/bin/python3.X...), when it exists. Caller frees. */
char *printable_python_beside(const char *include_dir);
/* P = the committed ranges of 3.MINOR in VERSIONS_DIR/printable/3.MINOR.txt. */
bool printable_read_committed(const char *versions_dir, int minor, struct printable *p,
                              char *err, size_t err_size);
/* The committed form: a comment line saying where they came from, then "FIRST LAST" in
 * hex per range. */
void printable_write(const struct printable *p, FILE *out);
void printable_free(struct printable *p);

/* The GDB script's form, for the template's @printable:...@: the code points in blocks of
 * 256; BLOCKS (NBLOCKS entries, up to the last printable one) says per block 0 (none
 * printable), 1 (all) or 2 + K, K the index of its bitmap: 4 words of 64 bits in BITS
 * (NBITS words, bitmaps shared between equal blocks). */
struct printable_blocks {
    uint16_t *blocks;
    size_t nblocks;
    uint64_t *bits;
    size_t nbits;
};
void printable_blocks(const struct printable *p, struct printable_blocks *b);
void printable_blocks_free(struct printable_blocks *b);

#endif
