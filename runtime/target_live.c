/* target_live.c: opening a live process (see target.h): its mappings from
 * /proc/PID/maps, its threads from /proc/PID/task, every thread stopped and its
 * registers read with ptrace (unless non-blocking), memory through mem_live. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "mem_live.h"
#include "ptrace_stop.h"
#include "target.h"

static bool read_maps(struct pyp_target *t)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)t->pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    char line[4608];
    while (fgets(line, sizeof line, f)) {
        uint64_t start, end, offset;
        char perms[8], dev[16];
        unsigned long inode;
        int used = 0;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %15s %lu %n", &start, &end, perms,
                   &offset, dev, &inode, &used) < 6)
            continue;
        char *name = line + used;
        name[strcspn(name, "\n")] = '\0';
        bool is_file = inode != 0 && name[0] == '/';
        if (is_file) {
            size_t n = strlen(name);
            if (n > 10 && strcmp(name + n - 10, " (deleted)") == 0)
                name[n - 10] = '\0';
        }
        pyp_target_add_mapping(t, start, end, offset, perms, is_file ? name : NULL);
    }
    fclose(f);
    return true;
}

static void read_text_file(const char *path, char *out, size_t size, bool nul_to_space)
{
    out[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, out, size - 1);
    close(fd);
    if (n <= 0)
        return;
    out[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
        if (out[i] == '\0' && nul_to_space)
            out[i] = ' ';
    size_t len = strlen(out);
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
        out[--len] = '\0';
}

static void read_vdso_address(struct pyp_target *t)
{
    char path[64];
    unsigned char auxv[4096];
    snprintf(path, sizeof path, "/proc/%d/auxv", (int)t->pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, auxv, sizeof auxv) : -1;
    if (fd >= 0)
        close(fd);
    t->vdso = n > 0 ? pyp_target_auxv_vdso(auxv, (size_t)n) : 0;
}

static void add_thread_named(struct pyp_target *t, pid_t tid)
{
    struct pyp_os_thread *th = pyp_target_add_thread(t, tid);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)t->pid, (int)tid);
    read_text_file(path, th->name, sizeof th->name, false);
}

static void list_threads(struct pyp_target *t)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)t->pid);
    DIR *d = opendir(path);
    struct dirent *e;
    pid_t *tids = NULL;
    size_t n = 0;
    while (d && (e = readdir(d)) != NULL) {
        char *end;
        long tid = strtol(e->d_name, &end, 10);
        if (*end || tid <= 0)
            continue;
        tids = pyp_xrealloc(tids, (n + 1) * sizeof *tids);
        tids[n++] = (pid_t)tid;
    }
    if (d)
        closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && tids[j - 1] > tids[j]; j--) {
            pid_t x = tids[j];
            tids[j] = tids[j - 1];
            tids[j - 1] = x;
        }
    for (size_t i = 0; i < n; i++)
        add_thread_named(t, tids[i]);
    free(tids);
}

static void read_registers(struct pyp_target *t)
{
    for (size_t i = 0; i < t->thread_count; i++) {
        struct pyp_os_thread *th = &t->threads[i];
        th->have_regs = ptrace(PTRACE_GETREGS, th->tid, NULL, &th->regs) == 0;
        if (!th->have_regs && errno == ESRCH)
            th->gone = true;
    }
}

static const char *ptrace_advice(void)
{
    static char text[200];
    char scope[16] = "";
    read_text_file("/proc/sys/kernel/yama/ptrace_scope", scope, sizeof scope, false);
    snprintf(text, sizeof text,
             "run pyprinter as the process's user or as root, give it CAP_SYS_PTRACE%s",
             scope[0] && scope[0] != '0' ? ", or set kernel.yama.ptrace_scope=0 (it is now " : "");
    if (scope[0] && scope[0] != '0') {
        size_t n = strlen(text);
        snprintf(text + n, sizeof text - n, "%s)", scope);
    }
    return text;
}

/* The process (thread group) thread TID belongs to, or TID when unknown: a user may name
 * any thread of the process (top -H shows thread ids). */
static pid_t thread_group_of(pid_t tid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    FILE *f = fopen(path, "re");
    pid_t tgid = tid;
    int v;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Tgid: %d", &v) == 1) {
            tgid = v > 0 ? (pid_t)v : tid;
            break;
        }
    if (f)
        fclose(f);
    return tgid;
}

enum pyp_open_error pyp_target_open_pid(struct pyp_target *t, pid_t pid,
                                        const struct pyp_open_options *o, char *err,
                                        size_t err_size)
{
    memset(t, 0, sizeof *t);
    t->kind = PYP_TARGET_LIVE;
    t->pid = pid;
    t->sysroot = pyp_xstrdup(o && o->sysroot ? o->sysroot : "");
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", (int)pid);
    struct stat st;
    if (pid <= 0 || stat(path, &st) != 0) {
        snprintf(err, err_size, "no such process: %d", (int)pid);
        pyp_target_close_common(t);
        return PYP_OPEN_NO_SUCH;
    }
    t->pid = pid = thread_group_of(pid);
    if (!read_maps(t)) {
        snprintf(err, err_size, "cannot read the memory map of process %d: permission denied (%s)",
                 (int)pid, ptrace_advice());
        pyp_target_close_common(t);
        return PYP_OPEN_PERMISSION;
    }
    char exe[4096];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
    ssize_t n = readlink(path, exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    if (n > 10 && strcmp(exe + n - 10, " (deleted)") == 0)
        exe[n - 10] = '\0';
    t->exe = pyp_xstrdup(o && o->exe && *o->exe ? o->exe : exe);
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    read_text_file(path, t->command, sizeof t->command, true);
    read_vdso_address(t);
    if (!(o && o->nonblocking)) {
        int rc = pyp_stop_all(pid);
        if (rc == ESRCH) {
            snprintf(err, err_size, "no such process: %d (it exited)", (int)pid);
            pyp_target_close_common(t);
            return PYP_OPEN_NO_SUCH;
        }
        if (rc != 0) {
            snprintf(err, err_size, "cannot attach to process %d: %s (%s)", (int)pid,
                     strerror(rc), ptrace_advice());
            pyp_target_close_common(t);
            return PYP_OPEN_PERMISSION;
        }
        t->stopped = true;
        size_t count;
        const pid_t *tids = pyp_stopped_threads(&count);
        for (size_t i = 0; i < count; i++)
            add_thread_named(t, tids[i]);
        /* /proc lists tasks in creation order; keep the LWP order stable for output. */
        for (size_t i = 1; i < t->thread_count; i++)
            for (size_t j = i; j > 0 && t->threads[j - 1].tid > t->threads[j].tid; j--) {
                struct pyp_os_thread x = t->threads[j];
                t->threads[j] = t->threads[j - 1];
                t->threads[j - 1] = x;
            }
        read_registers(t);
    } else {
        list_threads(t);
    }
    t->mem = pyp_mem_live(pid);
    /* Probe one read: a process we may not read fails here, not later. */
    uint64_t probe;
    const struct pyp_mapping *any = t->map_count ? &t->maps[0] : NULL;
    if (any && !pyp_mem_read(t->mem, any->start, &probe, 1) && errno == EPERM) {
        snprintf(err, err_size, "cannot read the memory of process %d: permission denied (%s)",
                 (int)pid, ptrace_advice());
        pyp_target_resume(t);
        pyp_mem_close(t->mem);
        t->mem = NULL;
        pyp_target_close_common(t);
        return PYP_OPEN_PERMISSION;
    }
    return PYP_OPEN_OK;
}

void pyp_target_resume(struct pyp_target *t)
{
    if (t->kind == PYP_TARGET_LIVE && t->stopped) {
        pyp_resume_all();
        t->stopped = false;
    }
}

void pyp_target_close_live(struct pyp_target *t)
{
    pyp_target_resume(t);
}
