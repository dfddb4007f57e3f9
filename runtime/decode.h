/* decode.h: reading a whole target into a report: find the runtime, list its Python
 * threads, match them to OS threads, and for each read its Python frames (and with the
 * options its locals and native frames), then release a live process. */
#ifndef PYP_DECODE_H
#define PYP_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "python.h"
#include "report.h"
#include "target.h"

struct pyp_decode_options {
    bool locals;              /* each frame's variables */
    bool native;              /* native frames, with Python frames merged in */
    bool status_unwind;       /* unwind the top of each stack to see who waits for the GIL */
    bool sources;             /* read source lines */
};

/* Decodes T into R (PY is found by the caller). Never fails as a whole: what cannot be
 * read is marked in the report. */
void pyp_decode(struct pyp_target *t, struct pyp_python *py, const struct pyp_decode_options *o,
                struct pyp_report *r);

/* Fills R's description of the target and its Python (before or without decoding). */
void pyp_describe(const struct pyp_target *t, const struct pyp_python *py, struct pyp_report *r);

#endif
