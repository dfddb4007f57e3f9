/* gdb_chain_hash.h: the fingerprint of everything a thread's py-bt text depends on that
 * can change while the process lives: which thread state is the thread's (its fs_base,
 * the interpreter list, the head of the thread list, the state's own links) and its whole
 * frame chain. The code objects themselves never change.
 *
 * The batch hand-off (gdb_batch.h) answers py-bt for every thread at once; GDB keeps the
 * answers as commands and, before it shows one, recomputes this fingerprint with the
 * script's pyp-hc-hash (templates/37-batch.gdb.in), which reads the same words in the same
 * order: the answer is shown only when the two agree, so a process that ran or was
 * written to in between gets a fresh answer. (GDB cannot keep a copy of the memory itself
 * to compare: an array assigned to a convenience variable, or compared, becomes a pointer
 * to the inferior's memory.) Each word w is mixed in as h = (h ^ w) * 0x100000001b3
 * (mod 2^64), from h = 0xcbf29ce484222325:
 *
 *   fs_base, I = runtime.interpreters_head, I.next, I.threads_head, the thread state T,
 *   T.interp, T.thread_id, then T.frame (3.8-3.10), T.cframe (3.11-3.12, whose
 *   current_frame is read but not mixed) or T.current_frame (3.13+); for each frame F of
 *   the chain: F, then F.f_code and F.f_lasti (3.8-3.10, sign-extended; a frame object may
 *   be reused for another code) or F.instr_ptr (3.11+, which points into its code's
 *   bytecode); last the word that ended the walk (0) and the number of frames. */
#ifndef PYP_GDB_CHAIN_HASH_H
#define PYP_GDB_CHAIN_HASH_H

#include <stdbool.h>
#include <stdint.h>

#include "python.h"

/* The fingerprint of thread state TSTATE of the thread whose fs_base is FS_BASE, its
 * chain walked for at most MAX_FRAMES frames, into *HASH, and the number of frames into
 * *FRAMES. False when a word cannot be read, when the chain is longer than MAX_FRAMES,
 * when the process has more than one interpreter or TSTATE is not the first one's (then
 * "the thread's first thread state" would depend on other lists), or when the build is
 * free-threaded (each thread's own copy of the bytecode). */
bool pyp_chain_hash(struct pyp_python *py, uint64_t fs_base, uint64_t tstate, uint64_t max_frames,
                    uint64_t *hash, uint64_t *frames);

#endif
