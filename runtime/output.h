/* output.h: the two ways a report is printed, the only places that print one. Text uses
 * py-bt's words (a "Traceback (most recent call first):" per thread, "  File ..., line
 * N, in NAME" and the source line); JSON holds the same content, in the schema the
 * README documents. */
#ifndef PYP_OUTPUT_H
#define PYP_OUTPUT_H

#include <stdio.h>

#include "report.h"

void pyp_output_text(const struct pyp_report *r, FILE *out);
void pyp_output_json(const struct pyp_report *r, FILE *out);

/* "holds the GIL", "waiting for the GIL", ... for thread T. */
const char *pyp_thread_status(const struct pyp_thread *t, char *buf, size_t size);

#endif
