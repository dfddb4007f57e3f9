/* pyp_layout.h: the compiled form of a layout table, as pyprinter-gen writes it.
 *
 * facts[] is indexed by enum pyp_fact_id (pyp_facts.h, generated from the field
 * manifest), so every table of every CPython version has the same shape; a fact that
 * does not exist in a version has present == 0. Offsets and sizes are in bytes; a
 * bit-field's value is its bit offset from the start of the struct, with its width. */
#ifndef PYP_LAYOUT_H
#define PYP_LAYOUT_H

#include <stdint.h>

#include "pyp_facts.h"

struct pyp_fact {
    int64_t value;
    int16_t width;
    uint8_t present;
};

struct pyp_layout {
    const char *cpython;       /* "3.12.1" */
    unsigned long version_hex; /* PY_VERSION_HEX */
    const char *variant;       /* release, debug, freethreaded, tracerefs */
    const char *target;        /* x86_64-linux-gnu */
    const struct pyp_fact *facts;
};

/* The code points str.isprintable() accepts in CPython 3.MINOR (versions/printable/),
 * sorted, disjoint, inclusive ranges: repr() escapes every other character. */
struct pyp_printable {
    int minor;
    const char *unicode;       /* "15.0.0" */
    const uint32_t (*ranges)[2];
    unsigned count;
};

/* How the C headers state a fact (the field manifest's kinds). */
enum pyp_fact_kind {
    PYP_KIND_SIZE,            /* sizeof(TYPE) */
    PYP_KIND_OFFSET,          /* byte offset of TYPE.field.path */
    PYP_KIND_BITFIELD,        /* bit offset and width of TYPE.field.path */
    PYP_KIND_ENUM,            /* an enumerator */
    PYP_KIND_CONST,           /* a constant expression, usually a macro */
    PYP_KIND_VALUE,           /* a literal of the manifest (features) */
    PYP_KIND_DEBUG,           /* offset of a _Py_DebugOffsets member */
};

/* One rule of the field manifest: fact FACT is SPELLING in CPython 3.FIRST_MINOR to
 * 3.LAST_MINOR (99: still open). A type spelled "struct-X" is "struct X". */
struct pyp_fact_rule {
    unsigned short fact;      /* enum pyp_fact_id */
    enum pyp_fact_kind kind;
    unsigned char first_minor, last_minor;
    unsigned char optional;   /* may be missing in a variant (free-threaded-only fields) */
    const char *spelling;
};

#endif
