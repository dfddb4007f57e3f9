/* layout_jit.h: the layout table of the exact build a target runs, compiled from that
 * build itself ("just in time"), for a build no compiled table is known to fit (a
 * patched distribution build, a new patch release, a pre-release, a configure flag):
 *
 *   from its DWARF (layout_dwarf.c), wherever GDB would find it: in the file, by
 *   build-id or .gnu_debuglink under /usr/lib/debug (the sysroot's, the target's root);
 *   else from the compiled table of its version as the target's own _Py_DebugOffsets
 *   corrected it (3.13+, debug_offsets.c);
 *   else from the compiled table of its version alone.
 *
 * Facts DWARF cannot state (macros, the manifest's features) always come from the
 * compiled table; each fact records where it came from. The table is written as JSON
 * (the committed tables' form, with its provenance), which pyprinter-gen renders into
 * the GDB script and C table (pyprinter-gen --from-binary/--pid/--core). */
#ifndef PYP_LAYOUT_JIT_H
#define PYP_LAYOUT_JIT_H

#include <elfutils/libdw.h>
#include <stdio.h>

#include "python.h"
#include "target.h"

enum pyp_fact_origin {
    PYP_ORIGIN_ABSENT,         /* not a fact of this version */
    PYP_ORIGIN_DWARF,          /* read from the build's DWARF */
    PYP_ORIGIN_DEBUG_OFFSETS,  /* carried by the target's _Py_DebugOffsets */
    PYP_ORIGIN_TABLE,          /* the compiled table of the version: not verified */
    PYP_ORIGIN_TARGET,         /* the target's own version number */
};

struct pyp_jit_layout {
    struct pyp_fact facts[PYP_FACT_COUNT];
    enum pyp_fact_origin origin[PYP_FACT_COUNT];
    const char *source;        /* "dwarf", "debug-offsets" or "table" */
    char *dwarf_file;          /* where the DWARF came from, NULL without */
    char *build_id;            /* of the file holding _PyRuntime, "" unknown */
    unsigned from_dwarf, from_table, not_in_dwarf;
    char *missing;             /* facts DWARF should state but does not, space separated */
};

/* The manifest rule that states fact ID in CPython 3.MINOR, or NULL. */
const struct pyp_fact_rule *pyp_fact_rule_for(unsigned id, int minor);

/* layout_dwarf.c: fills OUT's facts of CPython 3.MINOR from DW; what DWARF does not
 * state is taken from FALLBACK (origin PYP_ORIGIN_TABLE). */
void pyp_layout_facts_from_dwarf(Dwarf *dw, int minor, const struct pyp_table *fallback,
                                 struct pyp_jit_layout *out);

/* The table of PY's build (pyp_python_find done on T). */
void pyp_layout_jit(struct pyp_python *py, struct pyp_target *t, struct pyp_jit_layout *out);
void pyp_jit_layout_free(struct pyp_jit_layout *j);

/* For pyp_python_find, when no compiled table is known to fit PY's build (WHY says how
 * that showed): makes PY's table that build's own, from its DWARF, with a note. False
 * (the table untouched) when no DWARF of the build can be found. */
bool pyp_layout_adopt_build(struct pyp_python *py, struct pyp_target *t, const char *why);

/* J as a layout table in JSON, as pyprinter-gen reads it. */
void pyp_jit_layout_write_json(const struct pyp_python *py, const struct pyp_jit_layout *j,
                               FILE *out);

#endif
