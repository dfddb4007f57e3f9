/* gdb_batch.c: see gdb_batch.h. Each thread's section is read as a single request (the
 * common part, then the section), so the parsing is gdb_request.c's; the target is opened
 * and its native unwinder set up once for all of them. */
#include "gdb_batch.h"

#include <stdlib.h>
#include <string.h>

#include "gdb_answer.h"
#include "gdb_chain_hash.h"
#include "gdb_handoff_thread.h"

struct section {
    int gthread;
    struct pyp_gdb_request req;
};

struct batch {
    struct pyp_buf common;        /* the lines before the first @thread */
    int inferior;                 /* @inferior: the inferior GDB has selected */
    struct section *sections;
    size_t count;
    char **bodies;                /* the distinct texts of the answers */
    size_t body_count;
};

/* The number of answer text TEXT among the batch's bodies, added when new. */
static size_t body_id(struct batch *b, const char *text)
{
    for (size_t i = 0; i < b->body_count; i++)
        if (strcmp(b->bodies[i], text) == 0)
            return i;
    b->bodies = pyp_xrealloc(b->bodies, (b->body_count + 1) * sizeof *b->bodies);
    b->bodies[b->body_count] = pyp_xstrdup(text);
    return b->body_count++;
}

static void emit_bodies(const struct batch *b, struct pyp_buf *out)
{
    for (size_t i = 0; i < b->body_count; i++)
        buf_printf(out, "@@pyp-body\t%zu\n%s@@pyp-end-body\n", i, b->bodies[i]);
}

static void add_section(struct batch *b, int gthread, const struct pyp_buf *lines)
{
    struct pyp_buf text = PYP_BUF_INIT;
    buf_printf(&text, "%s%s@end\n", buf_str(&b->common), buf_str(lines));
    FILE *f = fmemopen(text.data, text.len, "r");
    struct pyp_gdb_request req;
    char why[256];
    bool ok = f && pyp_gdb_request_read(f, &req, why, sizeof why);
    if (f)
        fclose(f);
    buf_free(&text);
    if (!ok) {
        if (f)
            pyp_gdb_request_free(&req);
        return;
    }
    b->sections = pyp_xrealloc(b->sections, (b->count + 1) * sizeof *b->sections);
    b->sections[b->count++] = (struct section){ gthread, req };
}

/* Splits IN into the common part and the sections of the selected inferior's threads. */
static void read_batch(FILE *in, struct batch *b)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    struct pyp_buf lines = PYP_BUF_INIT;
    int gthread = -1, inferior = -1;
    bool in_thread = false;
    while ((n = getline(&line, &cap, in)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (sscanf(line, "@thread %d %d", &gthread, &inferior) == 2) {
            buf_clear(&lines);
            in_thread = true;
        } else if (in_thread && strcmp(line, "@end-thread") == 0) {
            if (inferior == b->inferior)
                add_section(b, gthread, &lines);
            in_thread = false;
        } else if (in_thread) {
            buf_printf(&lines, "%s\n", line);
        } else if (sscanf(line, "@inferior %d", &b->inferior) != 1 && strcmp(line, "@end") != 0) {
            buf_printf(&b->common, "%s\n", line);
        }
    }
    free(line);
    buf_free(&lines);
}

/* One thread's answer as a command definition into OUT; nothing when it has none. */
static void answer_thread(struct batch *b, struct handoff *h, int gthread, struct pyp_buf *out)
{
    uint64_t hash, frames;
    if (!pyp_ho_answer_thread(h) || !h->tstate || h->stack.problem != PYP_CHAIN_OK ||
        !pyp_chain_hash(&h->py, h->req.regs.fs_base, h->tstate, h->stack.walked, &hash, &frames))
        return;
    struct pyp_buf checks = PYP_BUF_INIT;
    pyp_ho_emit_checks(h, &checks);
    buf_printf(out, "@@pyp-define\t%d\n@@pyp-selected\t%llx\t%llx\n%s@@pyp-hash\t%llx\t%llu\t%llx\n"
                    "@@pyp-begin\n@@pyp-run-body\t%zu\n@@pyp-end-define\n",
               gthread, (unsigned long long)h->req.sel_sp, (unsigned long long)h->req.sel_pc,
               buf_str(&checks), (unsigned long long)h->tstate, (unsigned long long)frames,
               (unsigned long long)hash, body_id(b, buf_str(&h->text)));
    buf_free(&checks);
}

/* Every thread's registers where the unwinder finds them, then the unwinder, once. */
static struct pyp_native *open_unwinder(struct handoff *h, const struct batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        const struct pyp_gdb_request *r = &b->sections[i].req;
        struct pyp_os_thread *os = pyp_target_thread(&h->target, r->lwp);
        if (!os)
            os = pyp_target_add_thread(&h->target, r->lwp);
        os->regs = r->regs;
        os->have_regs = true;
    }
    char err[512];
    struct pyp_native *n = pyp_native_open(&h->target, err, sizeof err);
    int cache = n ? pyp_cache_dir_open() : -1;
    if (cache >= 0)
        pyp_native_keep_places(n, cache, h->req.debug_dirs, h->req.sysroot);
    return n;
}

static bool answer_all(struct batch *b, struct pyp_buf *out, char *why, size_t why_size)
{
    if (b->count == 0) {
        snprintf(why, why_size, "no thread of the selected inferior in the request");
        return false;
    }
    struct handoff h;
    memset(&h, 0, sizeof h);
    struct pyp_units units = { 0 };
    h.req = b->sections[0].req;
    bool ok = pyp_ho_open_target(&h) && (h.shared_native = open_unwinder(&h, b)) != NULL;
    if (!ok)
        snprintf(why, why_size, "%s", h.why[0] ? h.why : "no native unwinder");
    h.units = &units;
    for (size_t i = 0; ok && i < b->count; i++) {
        h.req = b->sections[i].req;
        answer_thread(b, &h, b->sections[i].gthread, out);
        pyp_ho_release_thread(&h);
    }
    if (ok) {
        emit_bodies(b, out);
        pyp_units_emit(&units, out);
    }
    pyp_units_free(&units);
    if (h.shared_native)
        pyp_native_close(h.shared_native);
    memset(&h.req, 0, sizeof h.req);   /* the sections' own */
    pyp_ho_release(&h);
    return ok;
}

int pyp_gdb_batch(FILE *in, FILE *out)
{
    struct batch b = { PYP_BUF_INIT, -1, NULL, 0, NULL, 0 };
    struct pyp_buf text = PYP_BUF_INIT;
    char why[512] = "";
    read_batch(in, &b);
    bool ok = answer_all(&b, &text, why, sizeof why);
    if (ok)
        fputs(buf_str(&text), out);
    else
        fprintf(stderr, "pyprinter gdb-batch: not handed off: %s\n", why);
    for (size_t i = 0; i < b.count; i++)
        pyp_gdb_request_free(&b.sections[i].req);
    free(b.sections);
    for (size_t i = 0; i < b.body_count; i++)
        free(b.bodies[i]);
    free(b.bodies);
    buf_free(&b.common);
    buf_free(&text);
    return ok ? 0 : 1;
}
