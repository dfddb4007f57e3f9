/* hashmap.c: see hashmap.h. */
#include "hashmap.h"

#include <stdlib.h>

#include "buf.h"

static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

void *pyp_hashmap_get(const struct pyp_hashmap *m, uint64_t key)
{
    if (!m->cap || !key)
        return NULL;
    for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key)
            return m->values[i];
        if (m->keys[i] == 0)
            return NULL;
    }
}

static void grow(struct pyp_hashmap *m)
{
    size_t old_cap = m->cap;
    uint64_t *old_keys = m->keys;
    void **old_values = m->values;
    m->cap = old_cap ? old_cap * 2 : 64;
    m->keys = pyp_xcalloc(m->cap, sizeof *m->keys);
    m->values = pyp_xcalloc(m->cap, sizeof *m->values);
    m->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old_keys[i])
            pyp_hashmap_put(m, old_keys[i], old_values[i]);
    free(old_keys);
    free(old_values);
}

void pyp_hashmap_put(struct pyp_hashmap *m, uint64_t key, void *value)
{
    if (!key)
        return;
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key) {
            m->values[i] = value;
            return;
        }
        if (m->keys[i] == 0) {
            m->keys[i] = key;
            m->values[i] = value;
            m->count++;
            return;
        }
    }
}

void pyp_hashmap_free(struct pyp_hashmap *m, void (*free_value)(void *))
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] && free_value && m->values[i])
            free_value(m->values[i]);
    free(m->keys);
    free(m->values);
    m->keys = NULL;
    m->values = NULL;
    m->cap = m->count = 0;
}

uint64_t pyp_hash_text(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h ? h : 1;
}
