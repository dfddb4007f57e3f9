/* hashmap.h: a map from 64-bit keys (target addresses) to pointers, open addressing with
 * linear probing. Key 0 is never stored. Values are owned by the caller. */
#ifndef PYP_HASHMAP_H
#define PYP_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

struct pyp_hashmap {
    uint64_t *keys;
    void **values;
    size_t cap;               /* a power of two, or 0 */
    size_t count;
};

void *pyp_hashmap_get(const struct pyp_hashmap *m, uint64_t key);
void pyp_hashmap_put(struct pyp_hashmap *m, uint64_t key, void *value);
/* A key for text KEY (FNV-1a, 64 bits; never 0): the map holds pointers to entries that
 * keep the text, to compare on a hit. */
uint64_t pyp_hash_text(const char *key);
/* Calls FREE_VALUE on each value (when not NULL), then frees the map. */
void pyp_hashmap_free(struct pyp_hashmap *m, void (*free_value)(void *));

#endif
