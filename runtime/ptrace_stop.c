/* ptrace_stop.c: see ptrace_stop.h. The list of seized threads is kept where a signal
 * handler can walk it: a fixed array grown only while signals are blocked. */
#include "ptrace_stop.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"

struct seized {
    pid_t tid;
    int pending_signal;       /* reinjected on detach */
};

static struct seized *volatile seized_list;
static volatile size_t seized_count;
static size_t seized_cap;
static pid_t *tid_view;

static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };
static struct sigaction saved_actions[sizeof cleanup_signals / sizeof cleanup_signals[0]];
static bool handlers_installed;

static void detach_all_raw(void)
{
    for (size_t i = 0; i < seized_count; i++)
        ptrace(PTRACE_DETACH, seized_list[i].tid, NULL,
               (void *)(long)seized_list[i].pending_signal);
    seized_count = 0;
}

static void on_fatal_signal(int sig)
{
    detach_all_raw();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    if (handlers_installed)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
        sigaction(cleanup_signals[i], &sa, &saved_actions[i]);
    handlers_installed = true;
}

static void restore_handlers(void)
{
    if (!handlers_installed)
        return;
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
        sigaction(cleanup_signals[i], &saved_actions[i], NULL);
    handlers_installed = false;
}

static bool is_seized(pid_t tid)
{
    for (size_t i = 0; i < seized_count; i++)
        if (seized_list[i].tid == tid)
            return true;
    return false;
}

static void remember(pid_t tid)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    if (seized_count == seized_cap) {
        seized_cap = seized_cap ? seized_cap * 2 : 64;
        seized_list = pyp_xrealloc((void *)seized_list, seized_cap * sizeof *seized_list);
    }
    seized_list[seized_count] = (struct seized){ tid, 0 };
    seized_count = seized_count + 1;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Waits until TID is stopped; records a signal it was about to receive. False when the
 * thread exited. */
static bool wait_stopped(pid_t tid)
{
    for (int tries = 0; tries < 1000; tries++) {
        int status;
        pid_t r = waitpid(tid, &status, __WALL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status))
            return false;
        if (!WIFSTOPPED(status))
            continue;
        int sig = WSTOPSIG(status);
        bool event_stop = (status >> 16) == PTRACE_EVENT_STOP;
        if (!event_stop && sig != SIGTRAP) {
            /* Signal-delivery-stop: keep the signal for detach and stay stopped. */
            for (size_t i = 0; i < seized_count; i++)
                if (seized_list[i].tid == tid)
                    seized_list[i].pending_signal = sig;
        }
        return true;
    }
    return false;
}

/* Seizes and stops every thread of PID not yet stopped; returns how many were new, or
 * -errno. */
static int stop_new_threads(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -(errno == ENOENT ? ESRCH : errno);
    int added = 0, refusal = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long tid = strtol(e->d_name, &end, 10);
        if (*end || tid <= 0 || is_seized((pid_t)tid))
            continue;
        if (ptrace(PTRACE_SEIZE, (pid_t)tid, NULL, NULL) != 0) {
            if (errno != ESRCH && !refusal)
                refusal = errno;
            continue;
        }
        remember((pid_t)tid);
        if (ptrace(PTRACE_INTERRUPT, (pid_t)tid, NULL, NULL) != 0 || !wait_stopped((pid_t)tid)) {
            /* Gone meanwhile (it was the last one remembered): forget it. */
            seized_count = seized_count - 1;
            continue;
        }
        added++;
    }
    closedir(d);
    return refusal ? -refusal : added;
}

int pyp_stop_all(pid_t pid)
{
    install_handlers();
    for (int pass = 0; pass < 100; pass++) {
        int added = stop_new_threads(pid);
        if (added < 0) {
            pyp_resume_all();
            return -added;
        }
        if (added == 0)
            return seized_count ? 0 : ESRCH;
    }
    return 0;
}

const pid_t *pyp_stopped_threads(size_t *count)
{
    tid_view = pyp_xrealloc(tid_view, (seized_count ? seized_count : 1) * sizeof *tid_view);
    for (size_t i = 0; i < seized_count; i++)
        tid_view[i] = seized_list[i].tid;
    *count = seized_count;
    return tid_view;
}

void pyp_resume_all(void)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    detach_all_raw();
    sigprocmask(SIG_SETMASK, &old, NULL);
    restore_handlers();
    free((void *)seized_list);
    seized_list = NULL;
    seized_cap = 0;
    free(tid_view);
    tid_view = NULL;
}
