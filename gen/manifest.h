/* manifest.h: the field manifest, the list of every fact a layout table holds.
 *
 * Each logical fact (e.g. "iframe.previous") is mapped, per range of CPython minor
 * versions, to how it is spelled in that version's C headers. Consumers of a table ask
 * for logical names only, so a field renamed between versions (f_code/f_executable,
 * prev_instr/instr_ptr) is one name with two rules. Invariant after manifest_load():
 * for every name and every minor version at most one rule applies, and all rules of a
 * name share one kind. */
#ifndef PYP_MANIFEST_H
#define PYP_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

enum fact_kind {
    FACT_SIZE,     /* sizeof(TYPE) */
    FACT_OFFSET,   /* byte offset of TYPE.field.path */
    FACT_BITFIELD, /* bit offset and width of TYPE.field.path (a bit-field) */
    FACT_ENUM,     /* value of an enumerator (also in DWARF) */
    FACT_CONST,    /* value of an integer constant expression, usually a macro */
    FACT_VALUE,    /* a literal from the manifest itself: features */
    FACT_DEBUG,    /* offset of a _Py_DebugOffsets member; "= NAME" says which fact it carries */
};

struct manifest_rule {
    char *name;
    enum fact_kind kind;
    int first_minor;      /* 3.first_minor ... */
    int last_minor;       /* ... 3.last_minor inclusive */
    char *spelling;       /* C spelling, or the literal for FACT_VALUE */
    char *carries;        /* FACT_DEBUG: the logical fact whose value it must hold, or NULL */
    bool optional;        /* may be missing in some variants (free-threaded-only fields) */
    int line;
};

struct manifest {
    struct manifest_rule *rules;
    size_t rule_count;
    char **names;         /* unique logical names, in manifest order */
    size_t name_count;
};

/* Loads and checks PATH. On error returns false and writes one line to ERR. */
bool manifest_load(struct manifest *m, const char *path, char *err, size_t err_size);
void manifest_free(struct manifest *m);

/* The rule of NAME that applies to 3.MINOR, or NULL when the fact does not exist there. */
const struct manifest_rule *manifest_rule_for(const struct manifest *m, const char *name, int minor);

/* The kind of NAME (any rule), or -1 for an unknown name. */
int manifest_kind_of(const struct manifest *m, const char *name);

const char *fact_kind_name(enum fact_kind kind);

#endif
