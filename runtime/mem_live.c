/* mem_live.c: a memory source over a live process: process_vm_readv, or pread on
 * /proc/PID/mem where that is refused, behind a cache of 4 KiB pages (a stack walk reads
 * the same few pages again and again; one system call per page instead of per field).
 * Only reads: the process is never written to. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "buf.h"
#include "mem_live.h"

enum { PAGE = 4096, SLOTS = 2048 };

struct page {
    uint64_t addr;            /* page address + 1; 0 = empty slot */
    bool readable;
    unsigned char bytes[PAGE];
};

struct live {
    struct pyp_mem base;
    pid_t pid;
    int mem_fd;               /* /proc/PID/mem, -1 until needed */
    bool use_proc_mem;
    struct page *pages;       /* SLOTS pages, direct-mapped */
};

static bool fetch_page(struct live *l, uint64_t addr, unsigned char *out)
{
    if (!l->use_proc_mem) {
        struct iovec local = { out, PAGE }, remote = { (void *)(uintptr_t)addr, PAGE };
        ssize_t n = process_vm_readv(l->pid, &local, 1, &remote, 1, 0);
        if (n == PAGE)
            return true;
        if (n < 0 && (errno == ENOSYS || errno == EPERM))
            l->use_proc_mem = true;
        else
            return false;
    }
    if (l->mem_fd < 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/mem", (int)l->pid);
        l->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (l->mem_fd < 0)
            return false;
    }
    return pread(l->mem_fd, out, PAGE, (off_t)addr) == PAGE;
}

static const struct page *page_at(struct live *l, uint64_t page_addr)
{
    struct page *p = &l->pages[(page_addr / PAGE) % SLOTS];
    if (p->addr != page_addr + 1) {
        p->addr = page_addr + 1;
        p->readable = fetch_page(l, page_addr, p->bytes);
    }
    return p;
}

static size_t live_read(struct pyp_mem *m, uint64_t addr, void *buf, size_t len)
{
    struct live *l = (struct live *)m;
    size_t done = 0;
    while (done < len) {
        uint64_t at = addr + done;
        uint64_t page_addr = at & ~(uint64_t)(PAGE - 1);
        const struct page *p = page_at(l, page_addr);
        if (!p->readable)
            break;
        size_t n = PAGE - (size_t)(at - page_addr);
        if (n > len - done)
            n = len - done;
        memcpy((char *)buf + done, p->bytes + (at - page_addr), n);
        done += n;
    }
    return done;
}

static void live_close(struct pyp_mem *m)
{
    struct live *l = (struct live *)m;
    if (l->mem_fd >= 0)
        close(l->mem_fd);
    free(l->pages);
    free(l);
}

static const struct pyp_mem_ops live_ops = { live_read, live_close };

struct pyp_mem *pyp_mem_live(pid_t pid)
{
    struct live *l = pyp_xcalloc(1, sizeof *l);
    l->base.ops = &live_ops;
    l->pid = pid;
    l->mem_fd = -1;
    l->pages = pyp_xcalloc(SLOTS, sizeof *l->pages);
    return &l->base;
}

void pyp_mem_live_forget(struct pyp_mem *m)
{
    struct live *l = (struct live *)m;
    for (size_t i = 0; i < SLOTS; i++)
        l->pages[i].addr = 0;
}
