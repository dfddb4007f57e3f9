/* locals.h: a frame's variables as Python's locals() lists them: arguments, locals, and
 * cell and free variables with the contents of their cell (an empty cell is unbound and
 * is not shown), in locals() order; unbound slots and 3.12+ hidden comprehension
 * temporaries are skipped. Only for function frames (CO_OPTIMIZED): a module's or class
 * body's locals() is a dict, not slots. Each value's repr follows repr.h. */
#ifndef PYP_LOCALS_H
#define PYP_LOCALS_H

#include <stdint.h>

#include "python.h"
#include "report.h"

/* Adds FRAME's variables to OUT->locals (OUT->locals_error when some could not be read). */
void pyp_frame_locals(struct pyp_python *py, uint64_t frame, uint64_t code, struct pyp_pyframe *out);

#endif
