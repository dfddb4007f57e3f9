/* pyprinter.c: the pyprinter command, a thin shell over the runtime library.
 *
 *   pyprinter bt [--locals] [--native] [--json] [--nonblocking] PID
 *   pyprinter bt [--locals] [--native] [--json] [--sysroot DIR] CORE [EXE]
 *   pyprinter repr PID|CORE [EXE] ADDRESS...
 *   pyprinter gdb [--script FILE]    (the GDB script's fast path: gdb_handoff.h;
 *                                     FILE: the answer as GDB commands, gdb_script.h)
 *   pyprinter gdb-batch [--script FILE]   (py-bt of every thread at once: gdb_batch.h)
 *   pyprinter gdb-script             (an answer's text as GDB commands: gdb_script.h)
 *   pyprinter gdb-identify [--scripts DIR] [--answer]
 *                                    (pyprinter.gdb's identification: gdb_identify.h)
 *   pyprinter layout [--sysroot DIR] PID|CORE [EXE]|PROGRAM
 *                                    (the layout table of a build: layout_jit.h)
 *
 * Exit status: see usage[] (and README.md). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "code.h"
#include "decode.h"
#include "gdb_batch.h"
#include "gdb_handoff.h"
#include "gdb_identify.h"
#include "gdb_script.h"
#include "layout_jit.h"
#include "output.h"
#include "python.h"
#include "repr.h"
#include "target.h"

#ifndef PYP_VERSION
#define PYP_VERSION "0.1"
#endif

static const char usage[] =
    "usage: pyprinter bt [options] PID            every thread's Python stack of a live process\n"
    "       pyprinter bt [options] CORE [EXE]     the same from a core file\n"
    "       pyprinter repr [options] PID|CORE [EXE] ADDRESS...\n"
    "                                             the repr of the PyObject * at each ADDRESS\n"
    "       pyprinter gdb [--script FILE]         used by the GDB script (py-bt, py-bt-full,\n"
    "                                             py-repr): reads GDB's request on standard\n"
    "                                             input; --script: writes the answer to FILE\n"
    "                                             as the GDB commands the script sources\n"
    "       pyprinter gdb-batch [--script FILE]   the same for py-bt of every thread at once\n"
    "       pyprinter gdb-script                  an answer of those two (standard input) as\n"
    "                                             the GDB commands --script writes\n"
    "       pyprinter gdb-identify [--scripts DIR] [--answer]\n"
    "                                             used by pyprinter.gdb: which CPython GDB has\n"
    "                                             open, and its GDB script in DIR\n"
    "       pyprinter layout [--identify] [--sysroot DIR] PID|CORE [EXE]|PROGRAM\n"
    "                                             the layout table of that exact build, as\n"
    "                                             JSON, from its DWARF when it can be found\n"
    "                                             (used by pyprinter-gen --from-binary);\n"
    "                                             --identify: only 'BUILD-ID VERSION VARIANT'\n"
    "\n"
    "Reads a CPython 3.8-3.15 process or core directly (no GDB, no Python, no DWARF needed:\n"
    "stripped distribution builds work) and prints each thread with its OS thread id, its\n"
    "PyThreadState and its status, then its Python frames innermost first, in py-bt's words.\n"
    "\n"
    "options:\n"
    "  -l, --locals        each frame's arguments, locals and closure variables, in locals()\n"
    "                      order, as py-locals prints them\n"
    "  -n, --native        the native (C) stack of each thread, with the Python frames each\n"
    "                      eval-loop C frame runs shown under it\n"
    "  -j, --json          one JSON document instead of text (schema in README.md)\n"
    "      --nonblocking   read a live process without stopping it (the stacks may be torn;\n"
    "                      no native frames)\n"
    "      --sysroot DIR   read the files a core names under DIR (a core from another machine,\n"
    "                      a container or a chroot)\n"
    "      --no-source     do not read source files\n"
    "      --table FILE    read with this layout table (JSON, as pyprinter-gen writes it)\n"
    "                      instead of the compiled one of the target's version\n"
    "      --debug-file-directory DIRS\n"
    "                      look for detached DWARF (by build-id, by .gnu_debuglink) in DIRS\n"
    "                      (':'-separated, each also under --sysroot) as GDB's setting of\n"
    "                      that name does, instead of the target's /usr/lib/debug\n"
    "  -h, --help          this text\n"
    "      --version       pyprinter's version\n"
    "\n"
    "A live process is stopped only while it is read (every thread, with PTRACE_SEIZE), never\n"
    "written to, and left running even if pyprinter is interrupted.\n"
    "\n"
    "exit status: 0 printed; 1 not a Python process; 2 wrong usage; 3 no such process or file;\n"
    "4 permission denied; 5 not a core file (or unreadable); 6 a CPython version pyprinter\n"
    "does not know\n";

enum command { CMD_BT, CMD_REPR, CMD_LAYOUT };

struct options {
    enum command command;
    bool locals, native, json, nonblocking, no_source, identify;
    const char *sysroot;
    const char *table;
    const char *debug_dirs;
    const char *target;
    const char *exe;
    char **addresses;
    int address_count;
};

static int fail(int code, const char *fmt, const char *arg)
{
    fputs("pyprinter: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return code;
}

static bool is_pid(const char *s, pid_t *pid)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v <= 0 || v > 0x7fffffff)
        return false;
    *pid = (pid_t)v;
    return true;
}

static bool is_address(const char *s)
{
    char *end;
    errno = 0;
    strtoull(s, &end, 0);
    return *s && !*end && errno == 0;
}

static int parse(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        { "locals", no_argument, NULL, 'l' },       { "native", no_argument, NULL, 'n' },
        { "json", no_argument, NULL, 'j' },         { "nonblocking", no_argument, NULL, 'B' },
        { "sysroot", required_argument, NULL, 'S' }, { "no-source", no_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },         { "version", no_argument, NULL, 'V' },
        { "table", required_argument, NULL, 'T' },
        { "debug-file-directory", required_argument, NULL, 'D' },
        { "identify", no_argument, NULL, 'I' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(usage, stdout);
        exit(0);
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("pyprinter %s\n", PYP_VERSION);
        exit(0);
    }
    if (argc < 2)
        return fail(2, "%s", "say what to do: pyprinter bt PID, pyprinter bt CORE [EXE] (see --help)");
    if (strcmp(argv[1], "bt") == 0)
        o->command = CMD_BT;
    else if (strcmp(argv[1], "repr") == 0)
        o->command = CMD_REPR;
    else if (strcmp(argv[1], "layout") == 0)
        o->command = CMD_LAYOUT;
    else
        return fail(2, "unknown command '%s': bt, repr or layout (see --help)", argv[1]);
    int c;
    opterr = 0;
    optind = 2;
    while ((c = getopt_long(argc, argv, "lnjh", longs, NULL)) != -1) {
        switch (c) {
        case 'l': o->locals = true; break;
        case 'n': o->native = true; break;
        case 'j': o->json = true; break;
        case 'B': o->nonblocking = true; break;
        case 'S': o->sysroot = optarg; break;
        case 'N': o->no_source = true; break;
        case 'T': o->table = optarg; break;
        case 'D': o->debug_dirs = optarg; break;
        case 'I': o->identify = true; break;
        case 'h': fputs(usage, stdout); exit(0);
        case 'V': printf("pyprinter %s\n", PYP_VERSION); exit(0);
        default: return fail(2, "unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
        }
    }
    char **rest = argv + optind;
    int n = argc - optind;
    if (n < 1)
        return fail(2, "%s", "say which process or core: a PID or a core file (see --help)");
    o->target = rest[0];
    int at = 1;
    pid_t pid;
    if (!is_pid(o->target, &pid) && n > at && (o->command != CMD_REPR || !is_address(rest[at])))
        o->exe = rest[at++];
    if (o->command == CMD_REPR) {
        o->addresses = rest + at;
        o->address_count = n - at;
        if (o->address_count == 0)
            return fail(2, "%s", "say which object: pyprinter repr TARGET ADDRESS...");
        for (int i = 0; i < o->address_count; i++)
            if (!is_address(o->addresses[i]))
                return fail(2, "'%s' is not an address (0x7f... or decimal)", o->addresses[i]);
    } else if (n > at) {
        return fail(2, "unexpected argument '%s' (see --help)", rest[at]);
    }
    if (o->native && o->nonblocking)
        return fail(2, "%s", "--native needs the process stopped: drop --nonblocking");
    if (o->command == CMD_LAYOUT)
        o->nonblocking = true;  /* the structures it reads do not change while it runs */
    return 0;
}

/* Whether PATH is an ELF core file (not a program or a library). */
static bool is_core_file(const char *path)
{
    unsigned char header[18];
    FILE *f = fopen(path, "rb");
    bool core = f && fread(header, 1, sizeof header, f) == sizeof header &&
                memcmp(header, "\177ELF", 4) == 0 && header[16] == 4 /* ET_CORE */;
    if (f)
        fclose(f);
    return core;
}

static int open_target(const struct options *o, struct pyp_target *t)
{
    char err[1024];
    struct pyp_open_options oo = { o->sysroot, o->exe, o->nonblocking };
    pid_t pid;
    enum pyp_open_error rc;
    if (is_pid(o->target, &pid)) {
        struct stat st;
        if (stat(o->target, &st) == 0)
            return fail(2, "'%s' is both a process id and a file: write ./%s for the file", o->target);
        rc = pyp_target_open_pid(t, pid, &oo, err, sizeof err);
    } else if (o->command == CMD_LAYOUT && !is_core_file(o->target)) {
        rc = pyp_target_open_file(t, o->target, o->sysroot, err, sizeof err);
    } else {
        rc = pyp_target_open_core(t, o->target, &oo, err, sizeof err);
    }
    if (rc != PYP_OPEN_OK)
        return fail((int)rc, "%s", err);
    if (o->debug_dirs)
        t->debug_dirs = pyp_xstrdup(o->debug_dirs);
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_bt(const struct options *o, struct pyp_target *t, struct pyp_python *py)
{
    struct pyp_report r = { 0 };
    struct pyp_decode_options d = { .locals = o->locals, .native = o->native,
                                    .status_unwind = !o->nonblocking, .sources = !o->no_source };
    r.nonblocking = o->nonblocking;
    r.with_locals = o->locals;
    double start = now();
    pyp_describe(t, py, &r);
    pyp_decode(t, py, &d, &r);
    pyp_target_resume(t);
    r.seconds_stopped = now() - start;
    for (size_t i = 0; i < r.note_count; i++)
        fprintf(stderr, "pyprinter: %s\n", r.notes[i]);
    if (o->json)
        pyp_output_json(&r, stdout);
    else
        pyp_output_text(&r, stdout);
    pyp_report_free(&r);
    return 0;
}

static int run_repr(const struct options *o, struct pyp_target *t, struct pyp_python *py)
{
    struct pyp_buf b = PYP_BUF_INIT;
    int rc = 0;
    for (int i = 0; i < o->address_count; i++) {
        uint64_t addr = strtoull(o->addresses[i], NULL, 0);
        uint64_t probe;
        buf_clear(&b);
        if (addr != 0 && !pyp_mem_u64(py->mem, addr, &probe)) {
            fprintf(stderr, "pyprinter: cannot read a Python object at 0x%llx\n",
                    (unsigned long long)addr);
            rc = 1;
            continue;
        }
        pyp_repr(py, addr, &b);
        printf("%s\n", buf_str(&b));
    }
    buf_free(&b);
    pyp_target_resume(t);
    return rc;
}

static int run_layout(const struct options *o, struct pyp_target *t, struct pyp_python *py)
{
    if (o->identify) {
        char *id = pyp_python_build_id(py, t);
        printf("%s %s %s\n", *id ? id : "-", py->version, py->variant);
        free(id);
        return 0;
    }
    struct pyp_jit_layout j;
    pyp_layout_jit(py, t, &j);
    pyp_target_resume(t);
    fprintf(stderr, "pyprinter: CPython %s (%s) in %s: ", py->version, py->variant,
            py->objfile ? py->objfile : "the target");
    if (strcmp(j.source, "dwarf") == 0)
        fprintf(stderr, "%u facts from the DWARF in %s, %u from the %s table%s%s\n", j.from_dwarf,
                j.dwarf_file, j.from_table, py->table.base->cpython,
                j.not_in_dwarf ? "; not in the DWARF: " : "", j.not_in_dwarf ? j.missing : "");
    else
        fprintf(stderr, "no DWARF found: the %s table%s\n", py->table.base->cpython,
                py->debug_offsets_used ? ", checked against the target's _Py_DebugOffsets" : "");
    pyp_jit_layout_write_json(py, &j, stdout);
    pyp_jit_layout_free(&j);
    return 0;
}

/* pyprinter gdb-identify [--scripts DIR] [--answer] */
static int run_gdb_identify(int argc, char **argv)
{
    const char *scripts = ".";
    bool answer = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--scripts") == 0 && i + 1 < argc)
            scripts = argv[++i];
        else if (strcmp(argv[i], "--answer") == 0)
            answer = true;
        else
            return fail(2, "gdb-identify: unexpected argument '%s' (see --help)", argv[i]);
    }
    return pyp_gdb_identify(stdin, stdout, scripts, answer);
}

/* Reads what is left of IN: GDB, still writing a request pyprinter stopped reading, would
 * die of SIGPIPE. */
static void drain(FILE *in)
{
    char chunk[65536];
    while (fread(chunk, 1, sizeof chunk, in) > 0)
        ;
}

static int write_script(const char *path, const char *answer)
{
    FILE *f = fopen(path, "w");
    if (f) {
        pyp_gdb_script_write(answer, f);
        if (fclose(f) == 0)
            return 0;
    }
    fprintf(stderr, "pyprinter: cannot write %s: %s\n", path, strerror(errno));
    return 1;
}

/* pyprinter gdb|gdb-batch [--script FILE] */
static int run_gdb_answer(int argc, char **argv)
{
    bool batch = strcmp(argv[1], "gdb-batch") == 0;
    const char *script = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--script") == 0 && i + 1 < argc)
            script = argv[++i];
        else
            return drain(stdin), fail(2, "unexpected argument '%s' (see --help)", argv[i]);
    }
    char *answer = NULL;
    size_t size = 0;
    FILE *to = script ? open_memstream(&answer, &size) : stdout;
    if (!to)
        return drain(stdin), fail(1, "%s", "out of memory");
    int rc = batch ? pyp_gdb_batch(stdin, to) : pyp_gdb_handoff(stdin, to);
    drain(stdin);
    if (script) {
        fclose(to);
        if (rc == 0)
            rc = write_script(script, answer);
        free(answer);
    }
    return rc;
}

/* pyprinter gdb-script: an answer's @@pyp text on standard input, as GDB commands. */
static int run_gdb_script(void)
{
    struct pyp_buf text = PYP_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        buf_add(&text, chunk, n);
    pyp_gdb_script_write(buf_str(&text), stdout);
    buf_free(&text);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "gdb") == 0 || strcmp(argv[1], "gdb-batch") == 0))
        return run_gdb_answer(argc, argv);
    if (argc == 2 && strcmp(argv[1], "gdb-script") == 0)
        return run_gdb_script();
    if (argc >= 2 && strcmp(argv[1], "gdb-identify") == 0)
        return run_gdb_identify(argc, argv);
    struct options o;
    int rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (o.table) {
        char table_err[1024];
        const struct pyp_layout *l = pyp_layout_from_json(o.table, table_err, sizeof table_err);
        if (!l)
            return fail(2, "%s", table_err);
        pyp_layout_prefer(l);
    }
    struct pyp_target t;
    rc = open_target(&o, &t);
    if (rc != 0)
        return rc;
    struct pyp_python py;
    char err[1024];
    enum pyp_find_error found = pyp_python_find(&py, &t, err, sizeof err);
    if (found != PYP_FIND_OK) {
        pyp_target_close(&t);
        pyp_code_cache_free(&py);
        pyp_python_free(&py);
        return fail((int)found, "%s", err);
    }
    rc = o.command == CMD_BT     ? run_bt(&o, &t, &py)
         : o.command == CMD_REPR ? run_repr(&o, &t, &py)
                                 : run_layout(&o, &t, &py);
    pyp_code_cache_free(&py);
    pyp_python_free(&py);
    pyp_target_close(&t);
    return rc;
}
