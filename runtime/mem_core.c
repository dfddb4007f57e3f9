/* mem_core.c: a memory source over a core file. A byte comes from the core's own
 * segment when the kernel (or gcore) dumped it, else from the file mapped there (the
 * core's NT_FILE note): read-only text and data of the executable and its libraries,
 * where CPython keeps its type names, are usually not dumped. A truncated core reads
 * as unreadable past its end, never as zeros. Each mapped file is itself mapped into
 * pyprinter once (a repr reads hundreds of type names from them). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "mem_core.h"
#include "target.h"

struct mapped_file {
    char *name;               /* the target's name */
    const unsigned char *data;   /* NULL: could not be opened or mapped */
    size_t size;
};

struct core {
    struct pyp_mem base;
    const unsigned char *data;
    size_t size;
    struct pyp_core_segment *segments;  /* sorted by vaddr */
    size_t count;
    const struct pyp_target *target;
    struct mapped_file *files;
    size_t file_count;
};

static int by_vaddr(const void *a, const void *b)
{
    const struct pyp_core_segment *x = a, *y = b;
    return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static const struct pyp_core_segment *segment_at(const struct core *c, uint64_t addr)
{
    size_t lo = 0, hi = c->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct pyp_core_segment *s = &c->segments[mid];
        if (addr < s->vaddr)
            hi = mid;
        else if (addr - s->vaddr >= s->memsz)
            lo = mid + 1;
        else
            return s;
    }
    return NULL;
}

static struct mapped_file map_file(const struct core *c, const char *name)
{
    struct mapped_file f = { pyp_xstrdup(name), NULL, 0 };
    char *path = pyp_target_file(c->target, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data != MAP_FAILED) {
            f.data = data;
            f.size = (size_t)st.st_size;
        }
    }
    if (fd >= 0)
        close(fd);
    return f;
}

static const struct mapped_file *file_named(struct core *c, const char *name)
{
    for (size_t i = 0; i < c->file_count; i++)
        if (strcmp(c->files[i].name, name) == 0)
            return &c->files[i];
    c->files = pyp_xrealloc(c->files, (c->file_count + 1) * sizeof *c->files);
    c->files[c->file_count] = map_file(c, name);
    return &c->files[c->file_count++];
}

/* Up to LEN bytes at ADDR from the file mapped there; returns how many. */
static size_t read_from_file(struct core *c, uint64_t addr, void *buf, size_t len)
{
    const struct pyp_mapping *m = pyp_target_mapping_at(c->target, addr);
    if (!m || !m->path)
        return 0;
    const struct mapped_file *f = file_named(c, m->path);
    uint64_t at = m->offset + (addr - m->start);
    if (!f->data || at >= f->size)
        return 0;
    size_t n = len;
    if (n > m->end - addr)
        n = (size_t)(m->end - addr);
    if (n > f->size - at)
        n = (size_t)(f->size - at);
    memcpy(buf, f->data + at, n);
    return n;
}

static size_t core_read(struct pyp_mem *mem, uint64_t addr, void *buf, size_t len)
{
    struct core *c = (struct core *)mem;
    size_t done = 0;
    while (done < len) {
        uint64_t at = addr + done;
        const struct pyp_core_segment *s = segment_at(c, at);
        size_t n;
        uint64_t rel = s ? at - s->vaddr : 0;
        if (s && rel < s->filesz) {
            n = (size_t)(s->filesz - rel);
            if (n > len - done)
                n = len - done;
            if (s->offset + rel >= c->size)
                break;
            if (n > c->size - (s->offset + rel))
                n = (size_t)(c->size - (s->offset + rel));
            memcpy((char *)buf + done, c->data + s->offset + rel, n);
        } else {
            size_t want = len - done;
            if (s && want > s->memsz - rel)
                want = (size_t)(s->memsz - rel);
            n = read_from_file(c, at, (char *)buf + done, want);
            if (n == 0)
                break;
        }
        done += n;
    }
    return done;
}

static void core_close(struct pyp_mem *mem)
{
    struct core *c = (struct core *)mem;
    for (size_t i = 0; i < c->file_count; i++) {
        if (c->files[i].data)
            munmap((void *)c->files[i].data, c->files[i].size);
        free(c->files[i].name);
    }
    free(c->files);
    free(c->segments);
    free(c);
}

static const struct pyp_mem_ops core_ops = { core_read, core_close };

struct pyp_mem *pyp_mem_core(const unsigned char *data, size_t size,
                             const struct pyp_core_segment *segments, size_t count,
                             const struct pyp_target *target)
{
    struct core *c = pyp_xcalloc(1, sizeof *c);
    c->base.ops = &core_ops;
    c->data = data;
    c->size = size;
    c->segments = pyp_xcalloc(count, sizeof *segments);
    memcpy(c->segments, segments, count * sizeof *segments);
    c->count = count;
    qsort(c->segments, count, sizeof *segments, by_vaddr);
    c->target = target;
    return &c->base;
}
