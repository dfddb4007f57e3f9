/* target.h: what pyprinter reads, a live process or a core file: its memory, the files
 * it has mapped, and its OS threads with their registers.
 *
 * A live process is stopped (every thread, with PTRACE_SEIZE + PTRACE_INTERRUPT) only
 * between pyp_target_open and pyp_target_close, unless opened non-blocking; it is never
 * written to. A core is read from its own segments, and file-backed segments the kernel
 * did not dump from the mapped files its NT_FILE note names (under the sysroot).
 *
 * File names are the target's own (what /proc/PID/maps or NT_FILE say); pyp_target_file
 * turns one into a path on this machine: under --sysroot for a core, under
 * /proc/PID/root for a live process (so a process in a container or chroot works). */
#ifndef PYP_TARGET_H
#define PYP_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "mem.h"

struct pyp_mapping {
    uint64_t start, end;      /* [start, end) */
    uint64_t offset;          /* file offset of start */
    char perms[5];            /* "r-xp"; "????" when unknown (cores) */
    char *path;               /* the target's name of the file; NULL for anonymous memory */
};

struct pyp_os_thread {
    pid_t tid;                /* kernel thread id (LWP) */
    bool have_regs;
    struct user_regs_struct regs;  /* x86-64 general registers, fs_base included */
    char name[17];            /* comm, "" when unknown */
    bool gone;                /* exited while pyprinter was attaching */
};

/* PYP_TARGET_FILE: a program not running yet (target_file.c), as GDB has it after `file`. */
enum pyp_target_kind { PYP_TARGET_LIVE, PYP_TARGET_CORE, PYP_TARGET_FILE };

/* Why a target could not be opened (the exit status of pyprinter follows it). */
enum pyp_open_error {
    PYP_OPEN_OK = 0,
    PYP_OPEN_NO_SUCH = 3,       /* no such process, no such file */
    PYP_OPEN_PERMISSION = 4,    /* ptrace or file permission refused */
    PYP_OPEN_BAD_CORE = 5,      /* not a core file, or unreadable */
};

struct pyp_target {
    enum pyp_target_kind kind;
    pid_t pid;
    char *core_path;
    char *exe;                /* the target's name of its executable ("" if unknown) */
    char *exe_file;           /* the file to read for it instead (given by the user), or NULL */
    char *sysroot;            /* prefix for the target's file names ("" for none) */
    char *debug_dirs;         /* where detached DWARF is looked for, as GDB's
                               * debug-file-directory (host paths, ':'-separated, each
                               * also under the sysroot); NULL: /usr/lib/debug in the
                               * target's file system */
    struct pyp_mem *mem;
    struct pyp_mapping *maps;
    size_t map_count;
    struct pyp_os_thread *threads;
    size_t thread_count;
    bool stopped;             /* live: every thread is ptrace-stopped */
    /* Core only. */
    int signal;               /* the signal that killed the process, 0 if none recorded */
    int signal_code;
    uint64_t fault_addr;
    bool truncated;           /* segments reach past the end of the core file */
    char command[81];         /* command line (core: NT_PRPSINFO; live: /proc/PID/cmdline) */
    uint64_t vdso;            /* the vDSO's ELF header (AT_SYSINFO_EHDR), 0 if unknown */
    size_t missing_files;     /* core: mapped files not found on this machine */
    char *missing_example;    /* the first of them */
    void *impl;               /* mem_core's or ptrace state, owned by the target */
};

struct pyp_open_options {
    const char *sysroot;      /* NULL or "" for none */
    const char *exe;          /* the executable, to override what the core says */
    bool nonblocking;         /* live: read without stopping the process */
};

/* Opens live process PID. On failure returns the reason and writes one line to ERR. */
enum pyp_open_error pyp_target_open_pid(struct pyp_target *t, pid_t pid,
                                        const struct pyp_open_options *o, char *err,
                                        size_t err_size);
/* Opens core file PATH. */
enum pyp_open_error pyp_target_open_core(struct pyp_target *t, const char *path,
                                         const struct pyp_open_options *o, char *err,
                                         size_t err_size);
/* Opens program file PATH (a host path) as the loader would map it, without running it:
 * its load segments at their own addresses and the libpython it needs (DT_NEEDED,
 * found by its RUNPATH/RPATH or in the system's library directories under SYSROOT) at
 * an address of its own. Memory reads come from the files: initialized data only. */
enum pyp_open_error pyp_target_open_file(struct pyp_target *t, const char *path,
                                         const char *sysroot, char *err, size_t err_size);
/* Resumes a stopped process (pyp_target_close does it too). */
void pyp_target_resume(struct pyp_target *t);
void pyp_target_close(struct pyp_target *t);

/* A path on this machine for the file the target has mapped as NAME (caller frees): under
 * the sysroot when given and there, else NAME when it exists, else (live) under
 * /proc/PID/root. */
char *pyp_target_file(const struct pyp_target *t, const char *name);
/* The same for a source file NAME, as the target's code names it: live, the process's
 * own root first (a process in a chroot or container sees its own files). */
char *pyp_target_source(const struct pyp_target *t, const char *name);

/* The mapping holding ADDR, or NULL. */
const struct pyp_mapping *pyp_target_mapping_at(const struct pyp_target *t, uint64_t addr);
/* The OS thread TID, or NULL. */
struct pyp_os_thread *pyp_target_thread(const struct pyp_target *t, pid_t tid);

/* Internal to the target implementation files. */
void pyp_target_add_mapping(struct pyp_target *t, uint64_t start, uint64_t end, uint64_t offset,
                            const char *perms, const char *path);
struct pyp_os_thread *pyp_target_add_thread(struct pyp_target *t, pid_t tid);
void pyp_target_close_common(struct pyp_target *t);
/* AT_SYSINFO_EHDR from an auxiliary vector (NT_AUXV, /proc/PID/auxv) of SIZE bytes. */
uint64_t pyp_target_auxv_vdso(const unsigned char *auxv, size_t size);
void pyp_target_close_core(struct pyp_target *t);
void pyp_target_close_live(struct pyp_target *t);

#endif
