/* python.h: the CPython runtime found in a target, and everything the decoder needs to
 * read it: the memory, the layout facts of that build (struct pyp_table), where
 * _PyRuntime is, the version and the variant.
 *
 * pyp_python_find locates _PyRuntime without DWARF: the _PyRuntime symbol (dynamic or
 * static table, in the executable or in libpython3.X.so), else the .PyRuntime section
 * (3.10+), else the "xdebugpy" cookie in writable memory (3.13+). The version comes from
 * _Py_DebugOffsets (3.13+), Py_Version (3.11+), else the file's name and PY_VERSION
 * string. The variant (release, debug, free-threaded, trace-refs) is detected from the
 * binary. On 3.13+ the target's _Py_DebugOffsets are validated and compared with the
 * compiled table; where they disagree the target's values are used, and a note says so. */
#ifndef PYP_PYTHON_H
#define PYP_PYTHON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"
#include "mem.h"
#include "table.h"
#include "target.h"

enum { PYP_MAX_NOTES = 16 };

struct pyp_python {
    struct pyp_mem *mem;          /* the target's (not owned) */
    struct pyp_table table;       /* the facts of this build */
    uint64_t runtime;             /* address of _PyRuntime */
    unsigned long version_hex;    /* PY_VERSION_HEX */
    char version[32];             /* "3.12.1", "3.15.0b4" */
    bool version_exact;           /* read from the target (else from file names) */
    char variant[16];             /* release, debug, freethreaded, tracerefs */
    char found_by[256];           /* how _PyRuntime was found, for the report */
    bool debug_offsets_used;      /* the table follows the target's _Py_DebugOffsets */
    unsigned debug_offsets_corrected; /* facts of the compiled table they corrected */
    char *objfile;                /* the target's name of the file holding _PyRuntime */
    uint64_t bias;                /* that file's load bias */
    uint64_t code_type;           /* &PyCode_Type, 0 when unknown */
    struct pyp_hashmap codes;     /* code object -> struct pyp_code (code.h), a cache */
    char *notes[PYP_MAX_NOTES];   /* one-line remarks (debug offsets corrections, ...) */
    size_t note_count;
};

enum pyp_find_error {
    PYP_FIND_OK = 0,
    PYP_FIND_NOT_PYTHON = 1,      /* no CPython runtime in the target */
    PYP_FIND_UNSUPPORTED = 6,     /* a CPython pyprinter has no table for */
};

/* Finds the CPython runtime of T. On failure returns why, with one line in ERR. */
enum pyp_find_error pyp_python_find(struct pyp_python *py, struct pyp_target *t, char *err,
                                    size_t err_size);
void pyp_python_free(struct pyp_python *py);
/* The build-id of the file holding PY's _PyRuntime, in hex ("" unknown; caller frees). */
char *pyp_python_build_id(const struct pyp_python *py, const struct pyp_target *t);
/* PY_VERSION_HEX of a version text such as "3.9.18" or "3.15.0b4"; 0 when not one. */
unsigned long pyp_version_hex_from_text(const char *text);
/* Whether a build of PY_VERSION_HEX SEEN is what a table or script for WANT reads: the
 * same major.minor, and when either is a pre-release, the very same version. */
bool pyp_version_fits(unsigned long seen, unsigned long want);
void pyp_python_note(struct pyp_python *py, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* debug_offsets.c: reads the _Py_DebugOffsets at py->runtime (3.13+), checks it (cookie,
 * version, free-threading, every size and offset within bounds) and makes the table
 * follow it. False, with ERR, when it is not a valid table of this version. */
bool pyp_debug_offsets_apply(struct pyp_python *py, char *err, size_t err_size);

#endif
