/* native.c: see native.h. (Placeholder until the libdwfl unwinder lands.) */
#include "native.h"

#include <stdio.h>

struct pyp_native *pyp_native_open(struct pyp_target *t, char *err, size_t err_size)
{
    (void)t;
    snprintf(err, err_size, "native unwinding is not built yet");
    return NULL;
}

void pyp_native_close(struct pyp_native *n)
{
    (void)n;
}

bool pyp_native_unwind(struct pyp_native *n, pid_t tid, size_t max, struct pyp_thread *out)
{
    (void)n;
    (void)tid;
    (void)max;
    (void)out;
    return false;
}
