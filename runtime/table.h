/* table.h: the layout facts the decoder reads a target with.
 *
 * The compiled tables (pyp_layout.h; every committed version x variant, generated into
 * the registry by pyprinter-gen --registry) are read-only. A target gets its own copy,
 * struct pyp_table, chosen by version and variant and then corrected by what the target
 * says about itself (_Py_DebugOffsets on 3.13+, see debug_offsets.h): the decoder only
 * ever reads facts from that copy, by logical name (enum pyp_fact_id). */
#ifndef PYP_TABLE_H
#define PYP_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "pyp_layout.h"

#include <stddef.h>

struct pyp_table {
    const struct pyp_layout *base;  /* the compiled table it started from */
    int64_t value[PYP_FACT_COUNT];
    int16_t width[PYP_FACT_COUNT];
    bool present[PYP_FACT_COUNT];
};

/* The fact ID (an enum pyp_fact_id without its PYP_ prefix) of table T. */
#define FACT(t, id) ((t)->value[PYP_##id])
#define HAS(t, id) ((t)->present[PYP_##id])

/* Every compiled table, and how many (registry generated at build time). */
extern const struct pyp_layout *const pyp_compiled_layouts[];
extern const unsigned pyp_compiled_layout_count;
/* The printable ranges of every minor that has tables (registry). */
extern const struct pyp_printable pyp_printable_sets[];
extern const unsigned pyp_printable_set_count;

/* The printable ranges of the minor of VERSION_HEX; NULL when it has none (a minor with
 * no compiled table). */
const struct pyp_printable *pyp_printable_for(unsigned long version_hex);
/* Whether str.isprintable() accepts code point CP in P (false for every non-ASCII code
 * point when P is NULL). */
bool pyp_is_printable(const struct pyp_printable *p, uint32_t cp);

/* The compiled table for VERSION_HEX and VARIANT: the same patch release if there is one,
 * else the nearest patch release of the same minor (the newest older one, else the
 * oldest newer one). A pre-release only matches its own minor. NULL when that minor
 * or variant has none. */
const struct pyp_layout *pyp_layout_for(unsigned long version_hex, const char *variant);

/* A table read from its JSON form (table_json.c), kept for the life of the program;
 * NULL with ERR when the file is not a layout table. */
const struct pyp_layout *pyp_layout_from_json(const char *path, char *err, size_t err_size);
/* Makes L the table pyp_layout_for prefers for its minor and variant (--table). */
void pyp_layout_prefer(const struct pyp_layout *l);
/* Whether L is the table given with pyp_layout_prefer. */
bool pyp_layout_is_preferred(const struct pyp_layout *l);

/* T = a copy of BASE. */
void pyp_table_from(struct pyp_table *t, const struct pyp_layout *base);

/* The logical name of fact ID ("iframe.previous"); NULL for an unknown ID. */
const char *pyp_fact_name(unsigned id);

/* "3.8 3.9 ... 3.15": the minors the compiled tables cover, for error messages. */
const char *pyp_supported_versions(void);

#endif
