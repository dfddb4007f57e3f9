/* identify.h: which CPython build a target holds, to choose the GDB script made for it:
 * the version, the variant and the build-id of the file that holds _PyRuntime. Found as
 * the decoder finds them (python.h: symbols, sections, the _Py_DebugOffsets cookie,
 * Py_Version, file names), without reading any thread or frame. */
#ifndef PYP_IDENTIFY_H
#define PYP_IDENTIFY_H

#include <stdbool.h>

#include "target.h"

enum pyp_id_state {
    PYP_ID_UNKNOWN = -1,      /* cannot tell (a runtime without a version, unreadable) */
    PYP_ID_NOTHING = 0,       /* no program, process or core to look at */
    PYP_ID_PYTHON = 1,        /* a CPython */
    PYP_ID_NOT_PYTHON = 2,    /* a program that holds no CPython runtime */
};

struct pyp_identity {
    enum pyp_id_state state;
    unsigned long version_hex;    /* PY_VERSION_HEX; only the minor is sure unless exact */
    bool version_exact;           /* read from the target, not guessed from file names */
    bool has_table;               /* pyprinter has a layout table for it compiled in */
    bool layout_corrected;        /* its _Py_DebugOffsets differ from that table */
    int minor;
    char version[32];             /* "3.12.1", "3.15.0b4"; "3.9" when not exact */
    char variant[16];             /* release, debug, freethreaded, tracerefs */
    char program[1024];           /* the target's program (executable), "" if unknown */
    char file[1024];              /* the target's name of the file holding _PyRuntime */
    char build_id[81];            /* of that file, "" when unknown */
    char why[1280];               /* PYP_ID_NOT_PYTHON, PYP_ID_UNKNOWN: what was looked at */
};

/* Identifies the CPython of T (any kind of target) into ID. */
void pyp_identify(struct pyp_target *t, struct pyp_identity *id);

#endif
