/* dict.h: the entries of a dict in the target, in insertion order, as the GDB script's
 * pyp-dict-setup / pyp-dict-entry read them (templates/40-repr.gdb.in):
 *
 *   3.8-3.10  entries after dk_indices (dk_size index slots of 1, 2, 4 or 8 bytes); a
 *             split table's values are a PyObject *[] by entry index;
 *   3.11-3.12 entries after 1 << dk_log2_index_bytes bytes of indices, general or
 *             unicode entries by dk_kind; split values (PyDictValues) keep their
 *             insertion order in bytes before values[] (count at [-2], order from [-3]
 *             downwards);
 *   3.13+     the same entries; PyDictValues has a header (capacity, size, ...) and the
 *             order bytes follow values[capacity].
 *
 * An iterator visits COUNT positions; an empty one (deleted key, unset split value)
 * gives a 0 key or value. Every read is checked and COUNT is bounded by the table's own
 * size, so a corrupt dict ends the walk instead of running through memory. */
#ifndef PYP_DICT_H
#define PYP_DICT_H

#include <stdbool.h>
#include <stdint.h>

#include "python.h"

struct pyp_dict_iter {
    uint64_t entries;         /* address of the first entry */
    int64_t entry_size, key_offset, value_offset;
    uint64_t values;          /* a split table's values[] (0: values are in the entries) */
    uint64_t order;           /* the split values' insertion-order bytes (0: none) */
    int step;                 /* +1 or -1 through the order bytes */
    int64_t count;            /* positions to visit */
};

/* IT = the entries of dict DICT. False when its tables cannot be read. */
bool pyp_dict_open(struct pyp_python *py, uint64_t dict, struct pyp_dict_iter *it);
/* IT = the entries of keys object KEYS with the split values VALUES (0 for a combined
 * table): a dict's tables, or an instance's values with its type's cached keys. */
bool pyp_dict_open_keys(struct pyp_python *py, uint64_t keys, uint64_t values,
                        struct pyp_dict_iter *it);
/* Position I (0 <= I < it->count) of IT: *key and *value, 0 when empty. */
bool pyp_dict_entry(struct pyp_python *py, const struct pyp_dict_iter *it, int64_t i,
                    uint64_t *key, uint64_t *value);
/* The value of str key KEY (UTF-8) in dict DICT; false when absent or unreadable. */
bool pyp_dict_lookup_str(struct pyp_python *py, uint64_t dict, const char *key,
                         uint64_t *value);

#endif
