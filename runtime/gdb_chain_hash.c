/* gdb_chain_hash.c: see gdb_chain_hash.h; every read is checked. */
#include "gdb_chain_hash.h"

#include "table.h"

static const uint64_t HASH_START = 0xcbf29ce484222325ull;
static const uint64_t HASH_PRIME = 0x100000001b3ull;

struct fingerprint {
    struct pyp_python *py;
    uint64_t h;
    bool ok;
};

static void mix(struct fingerprint *fp, uint64_t word)
{
    fp->h = (fp->h ^ word) * HASH_PRIME;
}

/* The word at ADDR (0 after a failed read). */
static uint64_t word_at(struct fingerprint *fp, uint64_t addr)
{
    uint64_t w = 0;
    if (fp->ok && !pyp_mem_u64(fp->py->mem, addr, &w))
        fp->ok = false;
    return w;
}

/* Mixes in the word at ADDR and returns it. */
static uint64_t mix_word(struct fingerprint *fp, uint64_t addr)
{
    uint64_t w = word_at(fp, addr);
    mix(fp, w);
    return w;
}

/* The thread state's words; returns its newest frame. */
static uint64_t mix_thread_state(struct fingerprint *fp, uint64_t tstate)
{
    const struct pyp_table *t = &fp->py->table;
    uint64_t interp = mix_word(fp, fp->py->runtime + (uint64_t)FACT(t, RUNTIME_INTERPRETERS_HEAD));
    /* One interpreter, the thread state's: then "the first thread state of the thread"
     * is the first in this list, to which new ones are only ever added at the head. */
    if (mix_word(fp, interp + (uint64_t)FACT(t, INTERP_NEXT)) != 0)
        fp->ok = false;
    mix_word(fp, interp + (uint64_t)FACT(t, INTERP_THREADS_HEAD));
    mix(fp, tstate);
    if (mix_word(fp, tstate + (uint64_t)FACT(t, TSTATE_INTERP)) != interp)
        fp->ok = false;
    mix_word(fp, tstate + (uint64_t)FACT(t, TSTATE_THREAD_ID));
    switch (FACT(t, FEATURE_FRAME_MODEL)) {
    case 1:
        return mix_word(fp, tstate + (uint64_t)FACT(t, TSTATE_FRAME));
    case 2: {
        uint64_t cframe = mix_word(fp, tstate + (uint64_t)FACT(t, TSTATE_CFRAME));
        return cframe ? word_at(fp, cframe + (uint64_t)FACT(t, CFRAME_CURRENT_FRAME)) : 0;
    }
    default:
        return mix_word(fp, tstate + (uint64_t)FACT(t, TSTATE_CURRENT_FRAME));
    }
}

/* One frame's words; returns the older frame. */
static uint64_t mix_frame(struct fingerprint *fp, uint64_t frame)
{
    const struct pyp_table *t = &fp->py->table;
    mix(fp, frame);
    if (FACT(t, FEATURE_FRAME_MODEL) == 1) {
        mix_word(fp, frame + (uint64_t)FACT(t, PYFRAME_CODE));
        int32_t lasti = 0;
        if (fp->ok && !pyp_mem_i32(fp->py->mem, frame + (uint64_t)FACT(t, PYFRAME_LASTI), &lasti))
            fp->ok = false;
        mix(fp, (uint64_t)(int64_t)lasti);
        return word_at(fp, frame + (uint64_t)FACT(t, PYFRAME_BACK));
    }
    mix_word(fp, frame + (uint64_t)FACT(t, IFRAME_INSTR_PTR));
    return word_at(fp, frame + (uint64_t)FACT(t, IFRAME_PREVIOUS));
}

bool pyp_chain_hash(struct pyp_python *py, uint64_t fs_base, uint64_t tstate, uint64_t max_frames,
                    uint64_t *hash, uint64_t *frames)
{
    if (HAS(&py->table, IFRAME_TLBC_INDEX))
        return false;
    struct fingerprint fp = { py, HASH_START, true };
    mix(&fp, fs_base);
    uint64_t frame = mix_thread_state(&fp, tstate);
    uint64_t n = 0;
    for (; fp.ok && frame != 0 && n < max_frames; n++)
        frame = mix_frame(&fp, frame);
    mix(&fp, frame);
    mix(&fp, n);
    *hash = fp.h;
    *frames = n;
    return fp.ok && frame == 0;
}
