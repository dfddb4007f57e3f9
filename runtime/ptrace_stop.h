/* ptrace_stop.h: stopping every thread of a live process for the time of one read, and
 * resuming it whatever happens.
 *
 * Threads are seized with PTRACE_SEIZE and stopped with PTRACE_INTERRUPT: no SIGSTOP is
 * sent, so if pyprinter dies (even with SIGKILL) the kernel detaches and the process
 * runs on. SIGINT, SIGTERM, SIGHUP and SIGQUIT detach every thread before pyprinter
 * exits. A signal that arrived for a thread while it was stopped is delivered to it on
 * detach. */
#ifndef PYP_PTRACE_STOP_H
#define PYP_PTRACE_STOP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Stops every thread of PID (threads born meanwhile too). Returns 0, or the errno of the
 * first refusal (EPERM, ESRCH) with nothing left attached. */
int pyp_stop_all(pid_t pid);
/* The stopped threads (valid until pyp_resume_all). */
const pid_t *pyp_stopped_threads(size_t *count);
/* Detaches every stopped thread; safe to call twice. */
void pyp_resume_all(void);

#endif
