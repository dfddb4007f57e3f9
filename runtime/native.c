/* native.c: see native.h. One libdwfl session per target (native_modules.c reports the
 * modules, native_state.c gives the registers and memory); a thread is unwound into
 * physical frames first (pc, stack pointer), then each is named (native_names.c) and
 * expanded into its inlined calls.
 *
 * Bounded on garbage: at most MAX physical frames, and the walk stops at the first frame
 * whose stack pointer is not above its callee's (a stack only grows one way; only a
 * signal frame may switch to another stack). */
#include "native.h"

#include <stdlib.h>

#include "buf.h"
#include "native_dwfl.h"

enum { DWARF_RSP = 7 };

struct pyp_native {
    struct pyp_target *t;
    Dwfl *dwfl;
    struct pyp_modules *modules;
    Elf *arch;
    struct pyp_namer namers[2];  /* by enum pyp_native_detail */
};

struct pyp_native *pyp_native_open(struct pyp_target *t, char *err, size_t err_size)
{
    struct pyp_native *n = pyp_xcalloc(1, sizeof *n);
    n->t = t;
    n->namers[PYP_NATIVE_DWARF].dwarf = true;
    n->dwfl = pyp_modules_begin(t, &n->modules, err, err_size);
    if (!n->dwfl || !pyp_state_attach(n->dwfl, t, &n->arch, err, err_size)) {
        pyp_native_close(n);
        return NULL;
    }
    return n;
}

void pyp_native_keep_places(struct pyp_native *n, int dir, const char *dirs, const char *sysroot)
{
    pyp_place_store_close(n->namers[PYP_NATIVE_DWARF].store);
    n->namers[PYP_NATIVE_DWARF].store = pyp_place_store_open(dir, dirs, sysroot);
}

void pyp_native_close(struct pyp_native *n)
{
    if (!n)
        return;
    pyp_place_store_close(n->namers[PYP_NATIVE_DWARF].store);
    pyp_modules_end(n->dwfl, n->modules);
    if (n->arch)
        elf_end(n->arch);
    pyp_namer_free(&n->namers[PYP_NATIVE_SYMBOLS]);
    pyp_namer_free(&n->namers[PYP_NATIVE_DWARF]);
    free(n);
}

/* One frame as libdwfl unwound it, before naming. */
struct raw_frame {
    uint64_t pc;
    uint64_t sp;              /* 0 when libdwfl does not know it */
    bool activation;          /* pc is where the frame stands, not a return address */
};

struct walk {
    struct raw_frame *frames;
    size_t count, max;
    bool garbage;             /* stopped at a frame that cannot be right */
};

static bool goes_outward(const struct raw_frame *callee, const struct raw_frame *caller)
{
    return caller->activation || !callee->sp || !caller->sp || caller->sp > callee->sp;
}

static int on_frame(Dwfl_Frame *state, void *arg)
{
    struct walk *w = arg;
    struct raw_frame f = { 0, 0, false };
    Dwarf_Addr pc;
    Dwarf_Word sp;
    if (!dwfl_frame_pc(state, &pc, &f.activation))
        return DWARF_CB_ABORT;
    f.pc = pc;
    f.sp = dwfl_frame_reg(state, DWARF_RSP, &sp) == 0 ? sp : 0;
    if (w->count > 0 && (!goes_outward(&w->frames[w->count - 1], &f) || (!f.activation && !pc))) {
        w->garbage = true;
        return DWARF_CB_ABORT;
    }
    w->frames[w->count++] = f;
    return w->count < w->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static uint64_t lookup_of(const struct raw_frame *f)
{
    return f->activation || f->pc == 0 ? f->pc : f->pc - 1;
}

/* Appends the frames of raw frame F (one, or more with inlined calls) to OUT. */
static void add_named(struct pyp_native *n, struct pyp_namer *namer, const struct raw_frame *f,
                      size_t max, struct pyp_thread *out)
{
    const struct pyp_place *p = pyp_namer_place(namer, n->dwfl, lookup_of(f));
    for (size_t i = 0; i < p->count && out->native_count < max; i++) {
        struct pyp_native_frame *nf = pyp_thread_add_native(out);
        nf->pc = f->pc;
        nf->sp = f->sp;
        nf->function = p->frames[i].function ? pyp_xstrdup(p->frames[i].function) : NULL;
        nf->module = p->module ? pyp_xstrdup(p->module) : NULL;
        nf->module_offset = f->pc - p->module_base;
        nf->file = p->frames[i].file ? pyp_xstrdup(p->frames[i].file) : NULL;
        nf->line = p->frames[i].line;
        nf->inlined = p->frames[i].inlined;
    }
}

bool pyp_native_unwind(struct pyp_native *n, pid_t tid, size_t max, enum pyp_native_detail detail,
                       struct pyp_thread *out)
{
    if (!n || max == 0)
        return false;
    struct walk w = { pyp_xcalloc(max, sizeof *w.frames), 0, max, false };
    int rc = dwfl_getthread_frames(n->dwfl, tid, on_frame, &w);
    uint64_t *lookups = pyp_xcalloc(w.count ? w.count : 1, sizeof *lookups);
    for (size_t i = 0; i < w.count; i++)
        lookups[i] = lookup_of(&w.frames[i]);
    pyp_namer_prepare(&n->namers[detail], n->dwfl, lookups, w.count);
    free(lookups);
    for (size_t i = 0; i < w.count && out->native_count < max; i++)
        add_named(n, &n->namers[detail], &w.frames[i], max, out);
    free(w.frames);
    return !w.garbage && (rc == 0 || (rc == DWARF_CB_ABORT && w.count == max));
}
