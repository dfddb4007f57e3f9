/* gdb_other_guess.c: see gdb_other_guess.h. */
#include "gdb_other_guess.h"

#include <string.h>

#include "objects.h"
#include "repr.h"

enum { MAX_GUESSES = 4, MAX_SCAN = 64 * 1024, MAX_TYPES = 64 };

struct search {
    struct pyp_python *py;
    enum pyp_other_kind kind;
    uint64_t found[MAX_GUESSES], found_type[MAX_GUESSES];
    size_t count;
    uint64_t types[MAX_TYPES];          /* types already named */
    bool type_wanted[MAX_TYPES];
    size_t type_count;
};

static bool wanted_name(enum pyp_other_kind kind, const char *name)
{
    if (kind == PYP_OTHER_WRAPPER)
        return strcmp(name, "method-wrapper") == 0;
    return strcmp(name, "builtin_function_or_method") == 0 || strcmp(name, "builtin_method") == 0;
}

static bool type_wanted(struct search *s, uint64_t type)
{
    for (size_t i = 0; i < s->type_count; i++)
        if (s->types[i] == type)
            return s->type_wanted[i];
    char name[PYP_TYPE_NAME_MAX];
    bool wanted = pyp_type_name(s->py, type, name) && wanted_name(s->kind, name);
    if (s->type_count < MAX_TYPES) {
        s->types[s->type_count] = type;
        s->type_wanted[s->type_count++] = wanted;
    }
    return wanted;
}

static void consider(struct search *s, uint64_t word)
{
    uint64_t type;
    if (s->count == MAX_GUESSES || !pyp_obj_type(s->py, word, &type) || !type_wanted(s, type))
        return;
    for (size_t i = 0; i < s->count; i++)
        if (s->found[i] == word)
            return;
    s->found_type[s->count] = type;
    s->found[s->count++] = word;
}

/* The words of the stack from FROM up to TO. */
static void scan_stack(struct search *s, uint64_t from, uint64_t to)
{
    if (to <= from || to - from > MAX_SCAN)
        to = from + MAX_SCAN;
    uint64_t chunk[512];
    for (uint64_t at = from & ~(uint64_t)7; at < to && s->count < MAX_GUESSES; at += sizeof chunk) {
        size_t n = (size_t)(to - at < sizeof chunk ? to - at : sizeof chunk) / 8;
        if (!pyp_mem_read(s->py->mem, at, chunk, n * 8))
            return;
        for (size_t i = 0; i < n; i++)
            consider(s, chunk[i]);
    }
}

void pyp_gdb_other_guesses(struct pyp_python *py, const struct pyp_thread *th,
                           const struct user_regs_struct *regs, const struct pyp_other_frame *o,
                           struct pyp_buf *out)
{
    if (o->kind != PYP_OTHER_CFUNCTION && o->kind != PYP_OTHER_WRAPPER)
        return;
    struct search s = { .py = py, .kind = o->kind };
    const uint64_t saved[] = { regs->rbx, regs->rbp, regs->r12, regs->r13, regs->r14, regs->r15,
                               regs->rdi, regs->rsi };
    for (size_t i = 0; i < sizeof saved / sizeof *saved; i++)
        consider(&s, saved[i]);
    size_t caller = (size_t)o->level + 1;
    scan_stack(&s, regs->rsp, caller < th->native_count ? th->native[caller].sp : 0);
    for (size_t i = 0; i < s.count; i++) {
        struct pyp_buf text = PYP_BUF_INIT;
        pyp_repr(py, s.found[i], &text);
        if (!strpbrk(buf_str(&text), "\t\n"))
            buf_printf(out, "@@pyp-guess\t%llx\t%llx\t%llx\t%s\n", (unsigned long long)s.found[i],
                       (unsigned long long)(s.found[i] + (uint64_t)FACT(&py->table, OBJECT_TYPE)),
                       (unsigned long long)s.found_type[i], buf_str(&text));
        buf_free(&text);
    }
}
