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

/* One variable locals() shows: its name, the slot's bits (a PyObject * or a _PyStackRef;
 * for a cell or free variable the cell's contents) and its kind (enum pyp_local_kind). */
struct pyp_variable {
    const char *name;
    uint64_t bits;
    unsigned kind;
};

/* Calls VISIT for each variable of FRAME (code CODE) that locals() shows, in its order,
 * until VISIT returns false. False when the slots could not all be read. Shared by
 * --locals and by the repr of frame objects, so both list the same variables. */
bool pyp_locals_visit(struct pyp_python *py, uint64_t frame, uint64_t code,
                      bool (*visit)(void *ctx, const struct pyp_variable *v), void *ctx);

/* Adds FRAME's variables to OUT->locals (OUT->locals_error when some could not be read). */
void pyp_frame_locals(struct pyp_python *py, uint64_t frame, uint64_t code, struct pyp_pyframe *out);

#endif
