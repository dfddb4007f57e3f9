/* threads.c: see threads.h. */
#include "threads.h"

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

enum { MAX_INTERPRETERS = 256, MAX_THREADS = 65536 };

/* The GIL's holder, for the interpreter INTERP: 3.8-3.11 _PyRuntime's gilstate and GIL,
 * 3.12+ the interpreter's (possibly shared) GIL. */
static bool gil_holder(struct pyp_python *py, uint64_t interp, uint64_t *holder, bool *known)
{
    const struct pyp_table *t = &py->table;
    uint64_t gil = 0;
    *holder = 0;
    *known = false;
    if (HAS(t, RUNTIME_TSTATE_CURRENT)) {
        *known = pyp_mem_ptr(py->mem, py->runtime + (uint64_t)FACT(t, RUNTIME_TSTATE_CURRENT), holder);
        return *known;
    }
    if (HAS(t, RUNTIME_GIL))
        gil = py->runtime + (uint64_t)FACT(t, RUNTIME_GIL);
    else if (HAS(t, INTERP_CEVAL_GIL) &&
             !pyp_mem_ptr(py->mem, interp + (uint64_t)FACT(t, INTERP_CEVAL_GIL), &gil))
        return false;
    if (!gil)
        return false;
    int32_t locked;
    uint64_t last;
    if (!pyp_mem_i32(py->mem, gil + (uint64_t)FACT(t, GIL_LOCKED), &locked) ||
        !pyp_mem_ptr(py->mem, gil + (uint64_t)FACT(t, GIL_LAST_HOLDER), &last))
        return false;
    *holder = locked ? last : 0;
    *known = true;
    return true;
}

static bool gc_running(struct pyp_python *py, uint64_t interp)
{
    const struct pyp_table *t = &py->table;
    int32_t collecting = 0;
    if (HAS(t, INTERP_GC_COLLECTING))
        pyp_mem_i32(py->mem, interp + (uint64_t)FACT(t, INTERP_GC_COLLECTING), &collecting);
    else if (HAS(t, RUNTIME_GC_COLLECTING))
        pyp_mem_i32(py->mem, py->runtime + (uint64_t)FACT(t, RUNTIME_GC_COLLECTING), &collecting);
    return collecting != 0;
}

static void read_thread(struct pyp_python *py, struct pyp_pythread *th, uint64_t holder,
                        bool holder_known)
{
    const struct pyp_table *t = &py->table;
    pyp_mem_u64(py->mem, th->tstate + (uint64_t)FACT(t, TSTATE_THREAD_ID), &th->pthread_id);
    if (HAS(t, TSTATE_NATIVE_THREAD_ID))
        pyp_mem_i64(py->mem, th->tstate + (uint64_t)FACT(t, TSTATE_NATIVE_THREAD_ID), &th->native_id);
    int32_t flag;
    if (HAS(t, TSTATE_HOLDS_GIL) &&
        pyp_mem_i32(py->mem, th->tstate + (uint64_t)FACT(t, TSTATE_HOLDS_GIL), &flag))
        th->gil = flag != 0;
    else
        th->gil = holder_known ? holder == th->tstate : -1;
    if (HAS(t, TSTATE_GIL_REQUESTED) &&
        pyp_mem_i32(py->mem, th->tstate + (uint64_t)FACT(t, TSTATE_GIL_REQUESTED), &flag))
        th->gil_requested = flag != 0;
}

size_t pyp_python_threads(struct pyp_python *py, struct pyp_pythread **out, char *err,
                          size_t err_size)
{
    const struct pyp_table *t = &py->table;
    struct pyp_pythread *list = NULL;
    size_t n = 0, cap = 0;
    err[0] = '\0';
    uint64_t interp;
    if (!pyp_mem_ptr(py->mem, py->runtime + (uint64_t)FACT(t, RUNTIME_INTERPRETERS_HEAD), &interp)) {
        snprintf(err, err_size, "cannot read the interpreter list of _PyRuntime at 0x%llx",
                 (unsigned long long)py->runtime);
        interp = 0;
    }
    uint64_t interp_mark = 0;
    for (int ni = 0; interp != 0 && ni < MAX_INTERPRETERS && interp != interp_mark; ni++) {
        if ((ni & (ni - 1)) == 0)
            interp_mark = interp;
        int64_t id = -1;
        pyp_mem_i64(py->mem, interp + (uint64_t)FACT(t, INTERP_ID), &id);
        uint64_t holder;
        bool holder_known;
        gil_holder(py, interp, &holder, &holder_known);
        bool gc = gc_running(py, interp);
        uint64_t tstate, main_tstate = 0;
        if (HAS(t, INTERP_THREADS_MAIN))
            pyp_mem_ptr(py->mem, interp + (uint64_t)FACT(t, INTERP_THREADS_MAIN), &main_tstate);
        if (!pyp_mem_ptr(py->mem, interp + (uint64_t)FACT(t, INTERP_THREADS_HEAD), &tstate)) {
            snprintf(err, err_size, "cannot read the thread list of the interpreter at 0x%llx",
                     (unsigned long long)interp);
            break;
        }
        uint64_t mark = 0;
        for (int nt = 0; tstate != 0 && n < MAX_THREADS; nt++) {
            uint64_t back, next;
            if (tstate == mark) {
                snprintf(err, err_size, "the thread list of the interpreter at 0x%llx loops back "
                                        "on itself (corrupt memory): stopped",
                         (unsigned long long)interp);
                break;
            }
            if ((nt & (nt - 1)) == 0)
                mark = tstate;
            if (!pyp_mem_ptr(py->mem, tstate + (uint64_t)FACT(t, TSTATE_INTERP), &back) ||
                back != interp) {
                snprintf(err, err_size,
                         "the thread list of the interpreter at 0x%llx is broken at 0x%llx "
                         "(corrupt memory, or not CPython %s's layout)",
                         (unsigned long long)interp, (unsigned long long)tstate, py->version);
                break;
            }
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                list = pyp_xrealloc(list, cap * sizeof *list);
            }
            struct pyp_pythread *th = &list[n++];
            *th = (struct pyp_pythread){ .interp = interp, .interp_id = id, .tstate = tstate,
                                         .gc_running = gc,
                                         .is_main_of_interp = main_tstate == tstate };
            read_thread(py, th, holder, holder_known);
            if (!pyp_mem_ptr(py->mem, tstate + (uint64_t)FACT(t, TSTATE_NEXT), &next))
                break;
            if (next == tstate)
                break;
            tstate = next;
        }
        uint64_t next_interp;
        if (!pyp_mem_ptr(py->mem, interp + (uint64_t)FACT(t, INTERP_NEXT), &next_interp) ||
            next_interp == interp)
            break;
        interp = next_interp;
    }
    *out = list;
    return n;
}
