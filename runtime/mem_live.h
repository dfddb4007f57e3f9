/* mem_live.h: the memory source of a live process (see mem_live.c). */
#ifndef PYP_MEM_LIVE_H
#define PYP_MEM_LIVE_H

#include <sys/types.h>

#include "mem.h"

struct pyp_mem *pyp_mem_live(pid_t pid);
/* Drops the cached pages (the process ran since they were read). */
void pyp_mem_live_forget(struct pyp_mem *m);

#endif
