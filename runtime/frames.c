/* frames.c: walking a thread's frame chain (see frames.h). Every step is a checked read;
 * the walk is bounded (100000 frames) and stops at a cycle the moment it would visit a
 * frame a second time (a set of the frames visited), so no frame is shown twice. */
#include "frames.h"

#include <stdlib.h>

#include "buf.h"
#include "code.h"
#include "hashmap.h"
#include "objects.h"

static bool newest_frame(struct pyp_python *py, uint64_t tstate, uint64_t *frame)
{
    const struct pyp_table *t = &py->table;
    switch (FACT(t, FEATURE_FRAME_MODEL)) {
    case 1:
        return pyp_mem_ptr(py->mem, tstate + (uint64_t)FACT(t, TSTATE_FRAME), frame);
    case 2: {
        uint64_t cframe;
        if (!pyp_mem_ptr(py->mem, tstate + (uint64_t)FACT(t, TSTATE_CFRAME), &cframe))
            return false;
        *frame = 0;
        return cframe == 0 ||
               pyp_mem_ptr(py->mem, cframe + (uint64_t)FACT(t, CFRAME_CURRENT_FRAME), frame);
    }
    default:
        return pyp_mem_ptr(py->mem, tstate + (uint64_t)FACT(t, TSTATE_CURRENT_FRAME), frame);
    }
}

static bool older_frame(struct pyp_python *py, uint64_t frame, uint64_t *older)
{
    const struct pyp_table *t = &py->table;
    int64_t field = FACT(t, FEATURE_FRAME_MODEL) == 1 ? FACT(t, PYFRAME_BACK) : FACT(t, IFRAME_PREVIOUS);
    return pyp_mem_ptr(py->mem, frame + (uint64_t)field, older);
}

/* Whether FRAME ends its eval-loop activation's run (walking older). */
static bool ends_run(struct pyp_python *py, uint64_t frame)
{
    const struct pyp_table *t = &py->table;
    uint8_t v = 0;
    switch (FACT(t, FEATURE_ENTRY_MARKER)) {
    case 1:
        return true;
    case 2:
        return pyp_mem_u8(py->mem, frame + (uint64_t)FACT(t, IFRAME_IS_ENTRY), &v) && v != 0;
    default:
        return pyp_mem_u8(py->mem, frame + (uint64_t)FACT(t, IFRAME_OWNER), &v) &&
               v == FACT(t, OWNER_SHIM);
    }
}

/* What frame FRAME runs, as the walk sees it. */
enum frame_kind {
    FRAME_PYTHON,             /* a code object */
    FRAME_OTHER,              /* a shim or sentinel frame: its executable is no code object */
    FRAME_UNREADABLE,         /* the object its executable points to, or its type, cannot be read */
    FRAME_GONE,               /* the frame itself cannot be read */
};

static enum frame_kind frame_kind(struct pyp_python *py, uint64_t frame, uint64_t *code)
{
    const struct pyp_table *t = &py->table;
    uint64_t bits, type;
    *code = 0;
    if (FACT(t, FEATURE_FRAME_MODEL) == 1) {
        if (!pyp_mem_ptr(py->mem, frame + (uint64_t)FACT(t, PYFRAME_CODE), &bits))
            return FRAME_GONE;
    } else {
        if (!pyp_mem_u64(py->mem, frame + (uint64_t)FACT(t, IFRAME_EXECUTABLE), &bits))
            return FRAME_GONE;
        if (FACT(t, FEATURE_STACKREF))
            bits &= ~(uint64_t)FACT(t, STACKREF_TAG_BITS);
        if (FACT(t, FEATURE_ENTRY_MARKER) == 3 && ends_run(py, frame))
            return FRAME_OTHER;
    }
    *code = bits;
    if (pyp_is_code(py, bits))
        return FRAME_PYTHON;
    /* Not code only when its type is known to be another (a core read without the
     * executable's file has no type names: then the frame is shown as unreadable). */
    char name[PYP_TYPE_NAME_MAX];
    return bits && pyp_obj_type(py, bits, &type) && pyp_type_name(py, type, name) ? FRAME_OTHER
                                                                                  : FRAME_UNREADABLE;
}

bool pyp_frame_code(struct pyp_python *py, uint64_t frame, uint64_t *code)
{
    if (frame_kind(py, frame, code) == FRAME_PYTHON)
        return true;
    *code = 0;
    return false;
}

static void add_frame(struct pyp_stack *s, uint64_t frame, uint64_t code, int run)
{
    if ((s->count & (s->count - 1)) == 0)
        s->frames = pyp_xrealloc(s->frames, (s->count ? 2 * s->count : 1) * sizeof *s->frames);
    s->frames[s->count++] = (struct pyp_frame_ref){ frame, code, run };
}

static void add_run(struct pyp_stack *s, uint64_t anchor)
{
    if ((s->run_count & (s->run_count - 1)) == 0)
        s->runs = pyp_xrealloc(s->runs, (s->run_count ? 2 * s->run_count : 1) * sizeof *s->runs);
    s->runs[s->run_count++] = (struct pyp_run){ anchor };
}

void pyp_stack_walk(struct pyp_python *py, uint64_t tstate, size_t max_frames, struct pyp_stack *s)
{
    if (max_frames > PYP_MAX_FRAMES)
        max_frames = PYP_MAX_FRAMES;
    const struct pyp_table *t = &py->table;
    *s = (struct pyp_stack){ 0 };
    uint64_t frame, cframe = 0;
    if (!newest_frame(py, tstate, &frame)) {
        s->problem = PYP_CHAIN_UNREADABLE;
        s->bad_address = tstate;
        return;
    }
    int64_t anchor_kind = FACT(t, FEATURE_C_ANCHOR);
    if (anchor_kind == 1 && !pyp_mem_ptr(py->mem, tstate + (uint64_t)FACT(t, TSTATE_CFRAME), &cframe))
        cframe = 0;
    bool open_run = false;
    struct pyp_hashmap visited = { 0 };
    for (size_t steps = 0; frame != 0; steps++) {
        if (pyp_hashmap_get(&visited, frame)) {
            s->problem = PYP_CHAIN_CYCLE;
            break;
        }
        pyp_hashmap_put(&visited, frame, &visited);
        if (steps >= max_frames) {
            s->problem = PYP_CHAIN_TOO_LONG;
            break;
        }
        uint64_t code;
        s->walked++;
        enum frame_kind kind = frame_kind(py, frame, &code);
        bool is_py = kind == FRAME_PYTHON;
        if (kind == FRAME_GONE) {
            s->problem = PYP_CHAIN_UNREADABLE;
            s->bad_address = frame;
            break;
        }
        /* A frame whose code cannot be read is shown (with that error), not skipped. */
        if (kind != FRAME_OTHER) {
            add_frame(s, frame, code, (int)s->run_count);
            open_run = true;
        }
        if (ends_run(py, frame) && (open_run || !is_py)) {
            uint64_t anchor = 0;
            if (anchor_kind == 2) {
                anchor = frame;
            } else if (anchor_kind == 1) {
                anchor = cframe;
                if (cframe && cframe != tstate + (uint64_t)FACT(t, TSTATE_ROOT_CFRAME) &&
                    !pyp_mem_ptr(py->mem, cframe + (uint64_t)FACT(t, CFRAME_PREVIOUS), &cframe))
                    cframe = 0;
            }
            add_run(s, anchor);
            open_run = false;
        }
        uint64_t older;
        if (!older_frame(py, frame, &older)) {
            s->problem = PYP_CHAIN_UNREADABLE;
            s->bad_address = frame;
            break;
        }
        frame = older;
    }
    pyp_hashmap_free(&visited, NULL);
    if (open_run)
        add_run(s, 0);
}

void pyp_stack_free(struct pyp_stack *s)
{
    free(s->frames);
    free(s->runs);
    *s = (struct pyp_stack){ 0 };
}

/* 3.14+ free-threaded: the thread's own copy of the bytecode, when the frame uses one. */
static uint64_t instruction_base(struct pyp_python *py, uint64_t frame, struct pyp_code *c)
{
    const struct pyp_table *t = &py->table;
    if (!HAS(t, IFRAME_TLBC_INDEX) || !HAS(t, CODE_TLBC))
        return c->instructions;
    int32_t index;
    uint64_t array, entry;
    int64_t size;
    if (!pyp_mem_i32(py->mem, frame + (uint64_t)FACT(t, IFRAME_TLBC_INDEX), &index) || index <= 0 ||
        !pyp_mem_ptr(py->mem, c->address + (uint64_t)FACT(t, CODE_TLBC), &array) || !array ||
        !pyp_mem_i64(py->mem, array, &size) || index >= size ||
        !pyp_mem_ptr(py->mem, array + 8 + 8 * (uint64_t)index, &entry) || !entry)
        return c->instructions;
    return entry;
}

bool pyp_frame_position(struct pyp_python *py, uint64_t frame, uint64_t code, int64_t *q)
{
    const struct pyp_table *t = &py->table;
    if (FACT(t, FEATURE_LINETABLE) == 3) {
        struct pyp_code *c = pyp_code_get(py, code);
        uint64_t ip;
        if (!c || !pyp_mem_u64(py->mem, frame + (uint64_t)FACT(t, IFRAME_INSTR_PTR), &ip))
            return false;
        *q = ((int64_t)ip - (int64_t)instruction_base(py, frame, c)) / 2;
        return true;
    }
    int32_t lasti;
    if (!pyp_mem_i32(py->mem, frame + (uint64_t)FACT(t, PYFRAME_LASTI), &lasti))
        return false;
    *q = lasti;
    if (FACT(t, FEATURE_LINETABLE) == 2 && lasti >= 0)
        *q = 2 * (int64_t)lasti;
    return true;
}

uint64_t pyp_frame_slots(const struct pyp_python *py, uint64_t frame)
{
    const struct pyp_table *t = &py->table;
    return frame + (uint64_t)(FACT(t, FEATURE_FRAME_MODEL) == 1 ? FACT(t, PYFRAME_LOCALSPLUS)
                                                                 : FACT(t, IFRAME_LOCALSPLUS));
}

bool pyp_frame_globals(struct pyp_python *py, uint64_t frame, uint64_t *globals,
                       uint64_t *builtins)
{
    const struct pyp_table *t = &py->table;
    bool old = FACT(t, FEATURE_FRAME_MODEL) == 1;
    return pyp_mem_ptr(py->mem, frame + (uint64_t)(old ? FACT(t, PYFRAME_GLOBALS) : FACT(t, IFRAME_GLOBALS)),
                       globals) &&
           pyp_mem_ptr(py->mem, frame + (uint64_t)(old ? FACT(t, PYFRAME_BUILTINS) : FACT(t, IFRAME_BUILTINS)),
                       builtins);
}
