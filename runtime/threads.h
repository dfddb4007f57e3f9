/* threads.h: the Python threads of a runtime: every interpreter (_PyRuntime's list)
 * and every PyThreadState of each, with what identifies its OS thread (pthread id,
 * 3.11+ native thread id) and whether it holds the GIL. Bounded and checked: each
 * thread state must point back at its interpreter. */
#ifndef PYP_THREADS_H
#define PYP_THREADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "python.h"

struct pyp_pythread {
    uint64_t interp;
    int64_t interp_id;
    uint64_t tstate;
    uint64_t pthread_id;      /* tstate->thread_id (pthread_self()) */
    int64_t native_id;        /* tstate->native_thread_id (3.11+), 0 unknown */
    int gil;                  /* 1 holds it, 0 does not, -1 unknown (enum pyp_gil_state-ish) */
    bool gil_requested;       /* 3.15: asking for the GIL */
    bool gc_running;          /* its interpreter is collecting garbage */
    bool is_main_of_interp;
};

/* Every Python thread of PY into *OUT (caller frees); ERR gets a line when the lists
 * could not all be read (what was read is still returned). */
size_t pyp_python_threads(struct pyp_python *py, struct pyp_pythread **out, char *err,
                          size_t err_size);

#endif
