/* report.h: what pyprinter found, decoded and ready to print. Decoding (decode.c)
 * fills it from a target; output_text.c and output_json.c are the only places that
 * print it, so the text and the JSON always hold the same content.
 *
 * Strings are owned by the report (UTF-8, NUL-terminated); NULL means "not known". */
#ifndef PYP_REPORT_H
#define PYP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pyp_local_kind {
    PYP_LOCAL_ARGUMENT = 1,   /* a parameter of the function */
    PYP_LOCAL_PLAIN = 2,      /* a local variable */
    PYP_LOCAL_CELL = 4,       /* a variable an inner function captures (shown: its contents) */
    PYP_LOCAL_FREE = 8,       /* a variable captured from an outer function (its contents) */
};

struct pyp_local {
    char *name;
    char *repr;               /* python-gdb.py's repr rules, 1024-character limit */
    unsigned kind;            /* enum pyp_local_kind bits (an argument can also be a cell) */
};

struct pyp_pyframe {
    uint64_t address;         /* PyFrameObject * (3.8-3.10) or _PyInterpreterFrame * */
    uint64_t code;            /* PyCodeObject * */
    char *file;
    char *function;           /* co_name */
    char *qualname;           /* co_qualname (3.11+), NULL before */
    int line;                 /* -1: unknown */
    char *source;             /* the stripped source line, NULL when unreadable */
    int run;                  /* eval-loop activation it belongs to, 0 = innermost */
    char *error;              /* "(unable to read python frame information)" and why */
    struct pyp_local *locals; /* with --locals, in locals() order */
    size_t local_count;
    bool locals_error;        /* locals could not all be read */
};

struct pyp_native_frame {
    uint64_t pc;              /* as GDB shows it: a caller's return address (named at pc-1) */
    uint64_t sp;              /* the frame's stack pointer (CFA of the next inner frame) */
    char *function;           /* symbol or DWARF name, NULL when unknown ("??") */
    char *module;             /* base name of the file mapped there, NULL if none */
    uint64_t module_offset;   /* pc relative to where the module's file address 0 is loaded */
    char *file;               /* source file from DWARF, NULL without */
    int line;                 /* 0 without DWARF */
    bool inlined;             /* an inlined call, sharing pc and sp with the next frame */
    bool tail_call;           /* a frame GDB makes up from DWARF call sites, taken from its
                                 backtrace (gdb_tail_calls.h); never in pyprinter's own output */
    int run;                  /* the eval-loop activation this C frame runs, -1 if none */
};

enum pyp_gil_state { PYP_GIL_UNKNOWN = 0, PYP_GIL_HELD, PYP_GIL_WAITING, PYP_GIL_RELEASED,
                     PYP_GIL_NONE /* free-threaded build */ };

struct pyp_thread {
    pid_t tid;                /* OS thread (LWP); 0 when not matched to one */
    char *name;               /* the OS thread's name, NULL if unknown */
    uint64_t tstate;          /* PyThreadState *, 0 for a thread with no Python */
    uint64_t pthread_id;      /* tstate->thread_id */
    int64_t interpreter_id;
    bool is_main;             /* the interpreter's main thread (tid == pid) */
    enum pyp_gil_state gil;
    bool gc;                  /* this thread is collecting garbage */
    bool has_native;          /* native frames were unwound */
    char *error;              /* why the Python frames could not be read (one line) */
    int chain_problem;        /* 0, 1 the frame chain loops, 2 more than 100000 frames */
    struct pyp_pyframe *frames; /* innermost first */
    size_t frame_count;
    int run_count;
    struct pyp_native_frame *native; /* innermost first, with --native */
    size_t native_count;
    char *merge_problem;      /* why the Python frames could not be placed in the native stack */
};

struct pyp_report {
    bool core;
    pid_t pid;
    char *core_path;
    char *executable;
    char *command;
    int signal;               /* core: the signal that ended the process, 0 if none */
    uint64_t fault_addr;
    char *python_version;     /* "3.12.1" */
    unsigned long version_hex;
    char *variant;
    uint64_t runtime;
    char *found_by;
    char **notes;             /* warnings: one line each */
    size_t note_count;
    struct pyp_thread *threads;
    size_t thread_count;
    bool nonblocking;
    bool with_locals;         /* locals were asked for (JSON lists them, even empty) */
    double seconds_stopped;   /* live: how long the process was stopped */
};

void pyp_report_note(struct pyp_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct pyp_thread *pyp_report_add_thread(struct pyp_report *r);
struct pyp_pyframe *pyp_thread_add_frame(struct pyp_thread *t);
struct pyp_native_frame *pyp_thread_add_native(struct pyp_thread *t);
void pyp_frame_add_local(struct pyp_pyframe *f, const char *name, const char *repr, unsigned kind);
void pyp_report_free(struct pyp_report *r);

#endif
