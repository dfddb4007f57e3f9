/* gdb_other_guess.h: the objects a C function's frame probably works on, each with its
 * repr, so that GDB need not run the script's repr for that frame. py-bt shows a C
 * function's frame (cfunction_vectorcall_O and the like, wrapper_call) as the repr of its
 * local `func` (or `wp`), which only GDB can read: the local lives where GDB's DWARF says
 * at that pc. Reading it costs GDB little; the script's repr of the object costs it some
 * 4 ms, in every thread of `thread apply all py-bt` that sleeps in time.sleep.
 *
 * So pyprinter looks for the object itself: the words on the thread's stack from its
 * innermost frame up to that frame's caller, and the innermost frame's registers (where
 * the callee-saved register that holds `func` across the call ends up), that point at an
 * object of the kind's type (builtin_function_or_method, builtin_method,
 * method-wrapper). Each guess goes to GDB with its repr (gdb_script.h turns it into a
 * comparison): GDB shows the text only when the object it reads is that one, of that
 * type, and $pyp_limit is pyprinter's; otherwise the script's repr runs, as without a
 * guess. A wrong guess costs a comparison, never a wrong line. */
#ifndef PYP_GDB_OTHER_GUESS_H
#define PYP_GDB_OTHER_GUESS_H

#include <sys/user.h>

#include "buf.h"
#include "gdb_levels.h"
#include "python.h"
#include "report.h"

/* The guesses for other frame O of thread TH (registers REGS of its innermost frame), as
 * "@@pyp-guess<TAB>OBJECT<TAB>TYPE-FIELD<TAB>TYPE<TAB>REPR" lines into OUT (hex). */
void pyp_gdb_other_guesses(struct pyp_python *py, const struct pyp_thread *th,
                           const struct user_regs_struct *regs, const struct pyp_other_frame *o,
                           struct pyp_buf *out);

#endif
