/* table.h: a layout table, every fact of the manifest for one build of CPython
 * (version x variant x target), and its two written forms: JSON (the canonical,
 * committed form) and C source (compiled into the runtime decoder).
 *
 * Invariant: facts[] follows the manifest's name order; a fact that does not exist in
 * this version is kept with present == false, so every table has the same names. */
#ifndef PYP_TABLE_H
#define PYP_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "manifest.h"

struct fact {
    char *name;
    enum fact_kind kind;
    char *spelling;       /* C spelling used for this version ("" when absent) */
    bool present;
    long long value;      /* bytes, or bits for FACT_BITFIELD */
    int width;            /* FACT_BITFIELD: width in bits */
    char *carries;        /* FACT_DEBUG: the fact whose value the member holds */
};

struct layout_table {
    char *cpython;        /* full version, "3.12.1" */
    unsigned long version_hex;
    int minor;
    char *variant;
    char *target;
    char *source;         /* "headers", "dwarf", "debug-offsets" */
    char *defines;        /* the build's extra macros, space separated ("" for none) */
    struct fact *facts;
    size_t fact_count;
};

/* An empty table with every manifest name, none present. */
void table_init(struct layout_table *t, const struct manifest *m, int minor, const char *variant,
                const char *target);
void table_free(struct layout_table *t);
void table_set_defines(struct layout_table *t, char **defines, size_t count);
struct fact *table_find(const struct layout_table *t, const char *name);

/* Finds a fact by logical name or by its C spelling in this version. */
const struct fact *table_lookup(const struct layout_table *t, const char *name_or_spelling);

void table_write_json(const struct layout_table *t, FILE *out);
bool table_read_json(struct layout_table *t, const struct manifest *m, const char *path, char *err,
                     size_t err_size);

/* C identifier of the table: pyp_layout_3_12_1_release. Caller frees. */
char *table_c_name(const struct layout_table *t);
void table_write_c(const struct layout_table *t, FILE *out);
/* The header every table source includes: one enum value per logical fact. */
void manifest_write_c_header(const struct manifest *m, FILE *out);

#endif
