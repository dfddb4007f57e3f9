/* gdb_tail_calls.c: see gdb_tail_calls.h. Both functions line up the native frames with
 * GDB's backtrace one physical frame at a time. */
#include "gdb_tail_calls.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

enum { MAX_TAIL_CALLS_IN_A_ROW = 8 };

/* The last level of the physical frame that starts at native frame I. */
static size_t native_group_end(const struct pyp_thread *th, size_t i)
{
    while (i + 1 < th->native_count && th->native[i].inlined)
        i++;
    return i;
}

/* The last level of the physical frame that starts at GDB's level J. */
static size_t gdb_group_end(const struct pyp_gdb_request *req, size_t j)
{
    while (j + 1 < req->bt_count && req->bt[j + 1].pc == 0)
        j++;
    return j;
}

/* How many single-level frames of GDB's own lie at J before the physical frame at PC, or
 * 0 when GDB's frames from J on do not lead there. */
static size_t made_up_before(const struct pyp_gdb_request *req, size_t j, uint64_t pc)
{
    for (size_t k = 0; k < MAX_TAIL_CALLS_IN_A_ROW && j + k < req->bt_count; k++) {
        const struct pyp_gdb_frame *b = &req->bt[j + k];
        if (b->pc == 0)
            return 0;
        if (b->pc == pc)
            return k;
        if (gdb_group_end(req, j + k) != j + k)
            return 0;
    }
    return 0;
}

static bool levels_in_order(const struct pyp_gdb_request *req)
{
    for (size_t j = 0; j < req->bt_count; j++)
        if (req->bt[j].level != (int)j)
            return false;
    return true;
}

static void append(struct pyp_native_frame **out, size_t *count, struct pyp_native_frame f)
{
    *out = pyp_xrealloc(*out, (*count + 1) * sizeof **out);
    (*out)[(*count)++] = f;
}

static struct pyp_native_frame made_up_frame(const struct pyp_gdb_frame *b, uint64_t sp)
{
    return (struct pyp_native_frame){ .pc = b->pc, .sp = sp, .function = pyp_xstrdup(b->function),
                                      .run = -1, .tail_call = true };
}

void pyp_gdb_add_tail_calls(struct pyp_thread *th, const struct pyp_gdb_request *req)
{
    if (!levels_in_order(req) || th->native_count == 0)
        return;
    struct pyp_native_frame *out = NULL;
    size_t count = 0, i = 0, j = 0, added = 0;
    while (i < th->native_count && j < req->bt_count) {
        size_t ie = native_group_end(th, i), je = gdb_group_end(req, j);
        if ((j == 0 || req->bt[j].pc == th->native[i].pc) && je - j == ie - i) {
            for (; i <= ie; i++, j++)
                append(&out, &count, th->native[i]);
            continue;
        }
        size_t k = j == 0 ? 0 : made_up_before(req, j, th->native[i].pc);
        if (k == 0)
            break;
        for (; k > 0; k--, j++, added++)
            append(&out, &count, made_up_frame(&req->bt[j], th->native[ie].sp));
    }
    if (added == 0) {
        free(out);
        return;
    }
    for (; i < th->native_count; i++)
        append(&out, &count, th->native[i]);
    free(th->native);
    th->native = out;
    th->native_count = count;
}

bool pyp_gdb_frames_agree(const struct pyp_thread *th, const struct pyp_gdb_request *req)
{
    if (!req->have_bt || !levels_in_order(req) || req->bt_count != th->native_count || th->native_count == 0)
        return false;
    for (size_t j = 0; j < req->bt_count; j++) {
        bool gdb_starts = req->bt[j].pc != 0, ours_starts = j == 0 || !th->native[j - 1].inlined;
        if (j > 0 && gdb_starts != ours_starts)
            return false;
        if (gdb_starts && req->bt[j].pc != th->native[j].pc)
            return false;
    }
    return true;
}
