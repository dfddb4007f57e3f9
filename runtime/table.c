/* table.c: choosing a compiled table for a target, and the target's own copy of it
 * (see table.h). */
#include "table.h"

#include <stdio.h>
#include <string.h>

extern const char *const pyp_fact_names[PYP_FACT_COUNT];

static unsigned minor_of(unsigned long hex)
{
    return (unsigned)(hex >> 16) & 0xff;
}

static bool is_prerelease(unsigned long hex)
{
    return (hex & 0xf0) != 0xf0;
}

/* How far table version HAVE is from WANT, for "nearest patch release": same patch 0,
 * older patches before newer ones. */
static unsigned long distance(unsigned long have, unsigned long want)
{
    unsigned long h = have >> 8, w = want >> 8;
    if (h == w)
        return have == want ? 0 : 1;
    return h < w ? (w - h) * 2 : (h - w) * 2 + 1 + 0x10000;
}

static const struct pyp_layout *preferred;

void pyp_layout_prefer(const struct pyp_layout *l)
{
    preferred = l;
}

bool pyp_layout_is_preferred(const struct pyp_layout *l)
{
    return l && l == preferred;
}

const struct pyp_printable *pyp_printable_for(unsigned long version_hex)
{
    int minor = (int)((version_hex >> 16) & 0xff);
    for (unsigned i = 0; i < pyp_printable_set_count; i++)
        if (pyp_printable_sets[i].minor == minor)
            return &pyp_printable_sets[i];
    return NULL;
}

bool pyp_is_printable(const struct pyp_printable *p, uint32_t cp)
{
    if (!p)
        return cp >= 0x20 && cp < 0x7f;
    unsigned lo = 0, hi = p->count;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (cp < p->ranges[mid][0])
            hi = mid;
        else if (cp > p->ranges[mid][1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

const struct pyp_layout *pyp_layout_for(unsigned long version_hex, const char *variant)
{
    if (preferred && (preferred->version_hex >> 16) == (version_hex >> 16) &&
        strcmp(preferred->variant, variant) == 0)
        return preferred;
    const struct pyp_layout *best = NULL;
    unsigned long best_distance = 0;
    for (unsigned i = 0; i < pyp_compiled_layout_count; i++) {
        const struct pyp_layout *l = pyp_compiled_layouts[i];
        if ((l->version_hex >> 24) != (version_hex >> 24) ||
            minor_of(l->version_hex) != minor_of(version_hex) || strcmp(l->variant, variant) != 0)
            continue;
        if (is_prerelease(version_hex) && l->version_hex != version_hex && is_prerelease(l->version_hex))
            continue;
        unsigned long d = distance(l->version_hex, version_hex);
        if (!best || d < best_distance) {
            best = l;
            best_distance = d;
        }
    }
    return best;
}

void pyp_table_from(struct pyp_table *t, const struct pyp_layout *base)
{
    memset(t, 0, sizeof *t);
    t->base = base;
    for (unsigned i = 0; i < PYP_FACT_COUNT; i++) {
        t->value[i] = base->facts[i].value;
        t->width[i] = base->facts[i].width;
        t->present[i] = base->facts[i].present != 0;
    }
}

const char *pyp_fact_name(unsigned id)
{
    return id < PYP_FACT_COUNT ? pyp_fact_names[id] : NULL;
}

const char *pyp_supported_versions(void)
{
    static char text[128];
    if (text[0])
        return text;
    unsigned lo = 255, hi = 0;
    for (unsigned i = 0; i < pyp_compiled_layout_count; i++) {
        unsigned m = minor_of(pyp_compiled_layouts[i]->version_hex);
        lo = m < lo ? m : lo;
        hi = m > hi ? m : hi;
    }
    if (lo > hi)
        return "none";
    snprintf(text, sizeof text, "3.%u to 3.%u", lo, hi);
    return text;
}
