/* merge.c: see merge.h. (Placeholder until the native unwinder lands.) */
#include "merge.h"

#include <string.h>

bool pyp_is_eval_function(const char *function)
{
    return function && (strncmp(function, "_PyEval_EvalFrameDefault", 24) == 0 ||
                        strncmp(function, "_TAIL_CALL_", 11) == 0);
}

void pyp_merge(const struct pyp_python *py, const struct pyp_stack *s, struct pyp_thread *t)
{
    (void)py;
    (void)s;
    (void)t;
}
