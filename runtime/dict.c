/* dict.c: see dict.h. */
#include "dict.h"

#include "objects.h"

enum { MAX_LOG2 = 40 };

/* 3.8-3.10: index slots of 1, 2, 4 or 8 bytes, by table size; entries follow them. */
static bool open_sized(struct pyp_python *py, uint64_t keys, struct pyp_dict_iter *it,
                       int64_t *limit)
{
    const struct pyp_table *t = &py->table;
    int64_t size;
    if (!pyp_mem_i64(py->mem, keys + (uint64_t)FACT(t, DICTKEYS_DK_SIZE), &size) || size < 0 ||
        size > ((int64_t)1 << MAX_LOG2))
        return false;
    int64_t index_bytes = size <= 0xff ? 1 : size <= 0xffff ? 2 : size <= 0xffffffff ? 4 : 8;
    it->entries = keys + (uint64_t)FACT(t, DICTKEYS_INDICES) + (uint64_t)(size * index_bytes);
    it->entry_size = FACT(t, DICTENTRY_SIZE);
    it->key_offset = FACT(t, DICTENTRY_KEY);
    it->value_offset = FACT(t, DICTENTRY_VALUE);
    *limit = size;
    return true;
}

/* 3.11+: 1 << dk_log2_index_bytes bytes of indices, then general or unicode entries. */
static bool open_kinded(struct pyp_python *py, uint64_t keys, struct pyp_dict_iter *it,
                        int64_t *limit)
{
    const struct pyp_table *t = &py->table;
    uint8_t log2_index_bytes, kind;
    if (!pyp_mem_u8(py->mem, keys + (uint64_t)FACT(t, DICTKEYS_LOG2_INDEX_BYTES), &log2_index_bytes) ||
        log2_index_bytes > MAX_LOG2 ||
        !pyp_mem_u8(py->mem, keys + (uint64_t)FACT(t, DICTKEYS_KIND), &kind))
        return false;
    it->entries = keys + (uint64_t)FACT(t, DICTKEYS_INDICES) + ((uint64_t)1 << log2_index_bytes);
    bool general = kind == FACT(t, DICTKIND_GENERAL);
    it->entry_size = general ? FACT(t, DICTENTRY_SIZE) : FACT(t, DICTUENTRY_SIZE);
    it->key_offset = general ? FACT(t, DICTENTRY_KEY) : FACT(t, DICTUENTRY_KEY);
    it->value_offset = general ? FACT(t, DICTENTRY_VALUE) : FACT(t, DICTUENTRY_VALUE);
    *limit = (int64_t)1 << log2_index_bytes;   /* at least one index byte per slot */
    return true;
}

/* Split values: how many there are and where their insertion order is (3.11+). */
static bool open_values(struct pyp_python *py, uint64_t values, struct pyp_dict_iter *it)
{
    const struct pyp_table *t = &py->table;
    uint8_t count, capacity;
    switch (FACT(t, FEATURE_DICT_VALUES)) {
    case 1:
        it->values = values;
        return true;
    case 2:
        if (!pyp_mem_u8(py->mem, values - 2, &count))
            return false;
        it->order = values - 3;
        it->step = -1;
        break;
    default:
        if (!pyp_mem_u8(py->mem, values + (uint64_t)FACT(t, DICTVALUES_COUNT), &count) ||
            !pyp_mem_u8(py->mem, values + (uint64_t)FACT(t, DICTVALUES_CAPACITY), &capacity))
            return false;
        it->order = values + (uint64_t)FACT(t, DICTVALUES_VALUES) + 8 * (uint64_t)capacity;
        break;
    }
    it->count = count;
    it->values = values + (uint64_t)FACT(t, DICTVALUES_VALUES);
    return true;
}

bool pyp_dict_open_keys(struct pyp_python *py, uint64_t keys, uint64_t values,
                        struct pyp_dict_iter *it)
{
    const struct pyp_table *t = &py->table;
    *it = (struct pyp_dict_iter){ .step = 1 };
    int64_t limit;
    if (keys < PYP_MIN_ADDR)
        return false;
    bool ok = FACT(t, FEATURE_DICT_VALUES) == 1 ? open_sized(py, keys, it, &limit)
                                                 : open_kinded(py, keys, it, &limit);
    if (!ok || !pyp_mem_i64(py->mem, keys + (uint64_t)FACT(t, DICTKEYS_NENTRIES), &it->count))
        return false;
    if (it->count > limit)
        return false;
    if (it->count < 0)
        it->count = 0;
    return values == 0 || open_values(py, values, it);
}

bool pyp_dict_open(struct pyp_python *py, uint64_t dict, struct pyp_dict_iter *it)
{
    const struct pyp_table *t = &py->table;
    uint64_t keys, values;
    return dict >= PYP_MIN_ADDR &&
           pyp_mem_u64(py->mem, dict + (uint64_t)FACT(t, DICT_KEYS), &keys) &&
           pyp_mem_u64(py->mem, dict + (uint64_t)FACT(t, DICT_VALUES), &values) &&
           pyp_dict_open_keys(py, keys, values, it);
}

bool pyp_dict_entry(struct pyp_python *py, const struct pyp_dict_iter *it, int64_t i,
                    uint64_t *key, uint64_t *value)
{
    uint64_t index = (uint64_t)i;
    if (it->order) {
        uint8_t b;
        if (!pyp_mem_u8(py->mem, it->order + (uint64_t)(it->step * i), &b))
            return false;
        index = b;
    }
    uint64_t entry = it->entries + index * (uint64_t)it->entry_size;
    if (!pyp_mem_u64(py->mem, entry + (uint64_t)it->key_offset, key))
        return false;
    if (it->values)
        return pyp_mem_u64(py->mem, it->values + 8 * index, value);
    return pyp_mem_u64(py->mem, entry + (uint64_t)it->value_offset, value);
}

static bool is_str(struct pyp_python *py, uint64_t obj)
{
    uint64_t type, flags;
    return pyp_obj_type(py, obj, &type) && pyp_type_flags(py, type, &flags) &&
           (flags & (uint64_t)FACT(&py->table, TPFLAGS_UNICODE_SUBCLASS));
}

bool pyp_dict_lookup_str(struct pyp_python *py, uint64_t dict, const char *key,
                         uint64_t *value)
{
    struct pyp_dict_iter it;
    if (!pyp_dict_open(py, dict, &it))
        return false;
    for (int64_t i = 0; i < it.count; i++) {
        uint64_t k, v;
        if (!pyp_dict_entry(py, &it, i, &k, &v))
            return false;
        if (k && v && is_str(py, k) && pyp_str_equals(py, k, key)) {
            *value = v;
            return true;
        }
    }
    return false;
}
