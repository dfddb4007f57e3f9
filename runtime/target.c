/* target.c: what live processes and core files have in common (see target.h). */
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <unistd.h>

#include "buf.h"

void pyp_target_add_mapping(struct pyp_target *t, uint64_t start, uint64_t end, uint64_t offset,
                            const char *perms, const char *path)
{
    t->maps = pyp_xrealloc(t->maps, (t->map_count + 1) * sizeof *t->maps);
    struct pyp_mapping *m = &t->maps[t->map_count++];
    m->start = start;
    m->end = end;
    m->offset = offset;
    snprintf(m->perms, sizeof m->perms, "%s", perms ? perms : "????");
    m->path = path && *path ? pyp_xstrdup(path) : NULL;
}

struct pyp_os_thread *pyp_target_add_thread(struct pyp_target *t, pid_t tid)
{
    t->threads = pyp_xrealloc(t->threads, (t->thread_count + 1) * sizeof *t->threads);
    struct pyp_os_thread *th = &t->threads[t->thread_count++];
    memset(th, 0, sizeof *th);
    th->tid = tid;
    return th;
}

const struct pyp_mapping *pyp_target_mapping_at(const struct pyp_target *t, uint64_t addr)
{
    for (size_t i = 0; i < t->map_count; i++)
        if (addr >= t->maps[i].start && addr < t->maps[i].end)
            return &t->maps[i];
    return NULL;
}

struct pyp_os_thread *pyp_target_thread(const struct pyp_target *t, pid_t tid)
{
    for (size_t i = 0; i < t->thread_count; i++)
        if (t->threads[i].tid == tid)
            return &t->threads[i];
    return NULL;
}

static char *readable_under(const char *root, const char *name)
{
    char *path = pyp_xasprintf("%s%s", root, name);
    if (access(path, R_OK) == 0)
        return path;
    free(path);
    return NULL;
}

static char *proc_root(const struct pyp_target *t)
{
    return pyp_xasprintf("/proc/%d/root", (int)t->pid);
}

char *pyp_target_file(const struct pyp_target *t, const char *name)
{
    if (!name)
        return pyp_xstrdup("");
    if (t->exe_file && t->exe && strcmp(name, t->exe) == 0)
        return pyp_xstrdup(t->exe_file);
    char *path = NULL;
    if (t->sysroot && *t->sysroot && name[0] == '/')
        path = readable_under(t->sysroot, name);
    if (!path && access(name, R_OK) == 0)
        path = pyp_xstrdup(name);
    if (!path && t->kind == PYP_TARGET_LIVE && name[0] == '/') {
        char *root = proc_root(t);
        path = readable_under(root, name);
        free(root);
    }
    return path ? path : pyp_xstrdup(name);
}

char *pyp_target_source(const struct pyp_target *t, const char *name)
{
    if (!name)
        return pyp_xstrdup("");
    char *path = NULL;
    if (t->sysroot && *t->sysroot && name[0] == '/')
        path = readable_under(t->sysroot, name);
    if (!path && t->kind == PYP_TARGET_LIVE && name[0] == '/') {
        char *root = proc_root(t);
        path = readable_under(root, name);
        free(root);
    }
    return path ? path : pyp_xstrdup(name);
}

uint64_t pyp_target_auxv_vdso(const unsigned char *auxv, size_t size)
{
    for (size_t off = 0; off + 16 <= size; off += 16) {
        uint64_t type, value;
        memcpy(&type, auxv + off, 8);
        memcpy(&value, auxv + off + 8, 8);
        if (type == AT_NULL)
            break;
        if (type == AT_SYSINFO_EHDR)
            return value;
    }
    return 0;
}

void pyp_target_close(struct pyp_target *t)
{
    if (t->kind == PYP_TARGET_CORE)
        pyp_target_close_core(t);
    else
        pyp_target_close_live(t);
    pyp_target_close_common(t);
}

void pyp_target_close_common(struct pyp_target *t)
{
    pyp_mem_close(t->mem);
    t->mem = NULL;
    for (size_t i = 0; i < t->map_count; i++)
        free(t->maps[i].path);
    free(t->maps);
    free(t->threads);
    free(t->core_path);
    free(t->exe);
    free(t->exe_file);
    free(t->missing_example);
    free(t->sysroot);
    free(t->debug_dirs);
    memset(t, 0, sizeof *t);
}
