/* main.c: the pyprinter-gen command, a thin shell over the generator library.
 *
 *   pyprinter-gen --cpython 3.12 [--headers DIR] [--variant V] [--target T] [-o DIR]
 *   pyprinter-gen --from-binary PATH | --pid PID | --core CORE [EXE]  [--sysroot DIR] [-o DIR]
 *   pyprinter-gen --cpython 3.12 --query NAME
 *   pyprinter-gen --cpython 3.12 --printable FILE [--python PYTHON]
 *   pyprinter-gen --list
 *   pyprinter-gen --c-header FILE
 *   pyprinter-gen --registry FILE */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildflags.h"
#include "committed.h"
#include "descriptor.h"
#include "extract.h"
#include "headers.h"
#include "jit.h"
#include "manifest.h"
#include "outfile.h"
#include "printable.h"
#include "registry.h"
#include "render.h"
#include "table.h"
#include "util.h"

#ifndef PYP_VERSIONS_DIR
#define PYP_VERSIONS_DIR "versions"
#endif

static const char default_target[] = "x86_64-linux-gnu";

static const char usage[] =
    "usage: pyprinter-gen --cpython 3.X [options]    generate the layout table of CPython 3.X\n"
    "       pyprinter-gen --cpython 3.X --query NAME print one fact of the table\n"
    "       pyprinter-gen --cpython 3.X --printable FILE\n"
    "                                                write which characters str.isprintable()\n"
    "                                                accepts, as the interpreter says\n"
    "       pyprinter-gen --from-binary PATH [options]\n"
    "       pyprinter-gen --pid PID [options]\n"
    "       pyprinter-gen --core CORE [EXE] [options]\n"
    "                                                the same for that exact build (a program or\n"
    "                                                libpython, a running process, a core), made\n"
    "                                                from its own DWARF or _Py_DebugOffsets\n"
    "       pyprinter-gen --list                     list supported versions and variants\n"
    "       pyprinter-gen --c-header FILE            write the fact index header (pyp_facts.h)\n"
    "       pyprinter-gen --registry FILE            write every committed table as C source for\n"
    "                                                the runtime decoder (pyp_registry.c)\n"
    "\n"
    "Reads CPython's C headers with libclang and writes the layout table (struct sizes, field\n"
    "offsets, enum values, flag bits and features the pyprinter decoders need) as JSON and as\n"
    "C source for the runtime decoder.\n"
    "\n"
    "options:\n"
    "  --cpython 3.X       CPython minor version (3.8 ... 3.15)\n"
    "  --headers DIR       directory holding that CPython's Python.h; without it the headers\n"
    "                      are looked for (python3.X-config, /usr/include, pyenv, the test\n"
    "                      matrix chroot) and, when none are found, the committed table in\n"
    "                      versions/tables/ is used\n"
    "  --variant V         release (default), debug, freethreaded (3.13+) or tracerefs\n"
    "  --target TRIPLE     clang target triple (default x86_64-linux-gnu)\n"
    "  -D, --define M[=V]  a macro the build defined outside pyconfig.h, e.g. -D_Py_JIT\n"
    "                      -D_Py_TIER2=3 for a JIT build (repeatable)\n"
    "  -o, --output DIR    where to write (default out/3.X; for --from-binary, --pid and\n"
    "                      --core the build's cache directory,\n"
    "                      $XDG_CACHE_HOME/pyprinter/builds/BUILD-ID, made once per build)\n"
    "  --sysroot DIR       --from-binary, --core: the files the target names are under DIR (a\n"
    "                      chroot, a container's root, a copy of another machine's files)\n"
    "  --debug-file-directory DIRS\n"
    "                      where to look for detached DWARF, as GDB's setting of that name\n"
    "                      (default: /usr/lib/debug of the target's file system)\n"
    "  --query NAME        print one fact: a logical name (iframe.previous), a C field\n"
    "                      (_PyInterpreterFrame.previous) or a size (sizeof(PyCodeObject)).\n"
    "                      Offsets and sizes print in bytes; a bit-field prints\n"
    "                      'BYTE BIT WIDTH'\n"
    "  --committed         use the committed table even when headers are found\n"
    "  --python PYTHON     the CPython 3.X interpreter to ask which characters\n"
    "                      str.isprintable() accepts (repr() escapes the others); default:\n"
    "                      the one installed with the headers, else the committed ranges\n"
    "                      in versions/printable/\n"
    "  --templates DIR     the GDB script templates (default: templates/ beside versions/)\n"
    "  --decoder PATH      the pyprinter the GDB script hands py-bt and py-bt-full to (default:\n"
    "                      pyprinter beside this program; '' for none: the script alone)\n"
    "  --versions DIR      the versions/ directory (default: $PYPRINTER_VERSIONS, else\n"
    "                      ../share/pyprinter/versions beside this program, else\n"
    "                      " PYP_VERSIONS_DIR ")\n"
    "  -q, --quiet         print nothing but errors\n"
    "  -h, --help          this text\n";

struct options {
    int minor;
    const char *headers;
    const char *variant;
    const char *target;
    const char *output;
    const char *query;
    const char *c_header;
    const char *registry;
    const char *versions;
    const char *templates;
    const char *python;
    const char *printable;
    const char *decoder;      /* NULL: pyprinter beside this program, if there is one */
    const char *from_binary, *pid, *core, *core_exe;  /* the JIT's target */
    const char *sysroot, *debug_dirs;
    const char *defines[32];
    size_t define_count;
    bool list;
    bool committed;
    bool no_build_flags;
    bool quiet;
};

/* versions/ of an installed copy (PREFIX/bin/../share/pyprinter/versions) when there is
 * one, else the source tree's. */
static const char *default_versions_dir(void)
{
    static char found[4200];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(found, sizeof found, "%s/../share/pyprinter/versions", exe);
            char *manifest = xasprintf("%s/fields.manifest", found);
            bool installed = file_exists(manifest);
            free(manifest);
            if (installed)
                return found;
        }
    }
    return PYP_VERSIONS_DIR;
}

static int fail(int code, const char *fmt, const char *arg)
{
    fputs("pyprinter-gen: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return code;
}

static bool parse_version(const char *text, int *major, int *minor)
{
    char tail;
    return sscanf(text, "%d.%d%c", major, minor, &tail) == 2 && *major >= 0 && *minor >= 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        { "cpython", required_argument, NULL, 'c' },  { "headers", required_argument, NULL, 'H' },
        { "variant", required_argument, NULL, 'v' },  { "target", required_argument, NULL, 't' },
        { "output", required_argument, NULL, 'o' },   { "query", required_argument, NULL, 'Q' },
        { "list", no_argument, NULL, 'l' },           { "c-header", required_argument, NULL, 'C' },
        { "versions", required_argument, NULL, 'V' }, { "committed", no_argument, NULL, 'k' },
        { "quiet", no_argument, NULL, 'q' },          { "help", no_argument, NULL, 'h' },
        { "define", required_argument, NULL, 'D' },
        { "no-build-flags", no_argument, NULL, 'N' },
        { "templates", required_argument, NULL, 'T' },
        { "registry", required_argument, NULL, 'R' },
        { "python", required_argument, NULL, 'P' },
        { "printable", required_argument, NULL, 'W' },
        { "decoder", required_argument, NULL, 'E' },
        { "from-binary", required_argument, NULL, 'B' },
        { "pid", required_argument, NULL, 'p' },
        { "core", required_argument, NULL, 'K' },
        { "sysroot", required_argument, NULL, 'S' },
        { "debug-file-directory", required_argument, NULL, 'G' },
        { NULL, 0, NULL, 0 },
    };
    const char *env = getenv("PYPRINTER_VERSIONS");
    *o = (struct options){ .minor = -1, .variant = "release", .target = default_target,
                           .versions = env && *env ? env : default_versions_dir() };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qhD:", longs, NULL)) != -1) {
        switch (c) {
        case 'c': {
            int major;
            if (!parse_version(optarg, &major, &o->minor))
                return fail(2, "--cpython wants a version like 3.12, not '%s'", optarg);
            if (major != 3)
                return fail(2, "CPython %s is not supported (see --list)", optarg);
            break;
        }
        case 'H': o->headers = optarg; break;
        case 'v': o->variant = optarg; break;
        case 't': o->target = optarg; break;
        case 'o': o->output = optarg; break;
        case 'Q': o->query = optarg; break;
        case 'l': o->list = true; break;
        case 'C': o->c_header = optarg; break;
        case 'R': o->registry = optarg; break;
        case 'V': o->versions = optarg; break;
        case 'k': o->committed = true; break;
        case 'q': o->quiet = true; break;
        case 'N': o->no_build_flags = true; break;
        case 'T': o->templates = optarg; break;
        case 'P': o->python = optarg; break;
        case 'W': o->printable = optarg; break;
        case 'E': o->decoder = optarg; break;
        case 'B': o->from_binary = optarg; break;
        case 'p': o->pid = optarg; break;
        case 'K': o->core = optarg; break;
        case 'S': o->sysroot = optarg; break;
        case 'G': o->debug_dirs = optarg; break;
        case 'D':
            if (o->define_count == sizeof o->defines / sizeof o->defines[0])
                return fail(2, "%s", "too many --define options");
            o->defines[o->define_count++] = optarg;
            break;
        case 'h': fputs(usage, stdout); exit(0);
        default:
            return fail(2, "unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (o->core && optind < argc)
        o->core_exe = argv[optind++];
    if (optind < argc)
        return fail(2, "unexpected argument '%s' (see --help)", argv[optind]);
    int builds = (o->minor >= 0) + !!o->from_binary + !!o->pid + !!o->core;
    if (builds > 1)
        return fail(2, "%s", "say which CPython once: --cpython, --from-binary, --pid or --core");
    if (!o->list && !o->c_header && !o->registry && builds == 0)
        return fail(2, "%s", "say which CPython: --cpython 3.X, or the build itself with "
                             "--from-binary PATH, --pid PID or --core CORE (see --help)");
    return 0;
}

static bool load_manifest(const struct options *o, struct manifest *m)
{
    char err[1024];
    char *path = xasprintf("%s/fields.manifest", o->versions);
    bool ok = manifest_load(m, path, err, sizeof err);
    if (!ok)
        fail(1, "%s", err);
    free(path);
    return ok;
}

static int list_versions(const struct options *o)
{
    int minors[64];
    size_t n = descriptor_list(o->versions, minors, 64);
    if (n == 0)
        return fail(1, "no version descriptors in %s", o->versions);
    printf("%-6s %-36s %s\n", "cpython", "variants", "committed tables (" "x86_64-linux-gnu)");
    for (size_t i = 0; i < n; i++) {
        struct descriptor d;
        char err[512];
        if (!descriptor_load(&d, o->versions, minors[i], err, sizeof err))
            return fail(1, "%s", err);
        char variants[256] = "", tables[512] = "";
        size_t used = 0, tused = 0;
        for (size_t v = 0; v < d.variant_count; v++) {
            used += (size_t)snprintf(variants + used, sizeof variants - used, "%s%s", v ? " " : "",
                                     d.variants[v].name);
            char list[256];
            committed_list(o->versions, default_target, minors[i], d.variants[v].name, list,
                           sizeof list);
            if (list[0] && tused < sizeof tables)
                tused += (size_t)snprintf(tables + tused, sizeof tables - tused, "%s%s: %s",
                                          tused ? "; " : "", d.variants[v].name, list);
        }
        printf("3.%-4d %-36s %s\n", minors[i], variants, tables[0] ? tables : "-");
        descriptor_free(&d);
    }
    return 0;
}

static int write_c_header(const struct options *o)
{
    struct manifest m;
    if (!load_manifest(o, &m))
        return 1;
    struct outfile out;
    outfile_open(&out, o->c_header);
    if (out.f != NULL)
        manifest_write_c_header(&m, out.f);
    int rc = outfile_commit(&out) ? 0 : fail(1, "cannot write %s", o->c_header);
    manifest_free(&m);
    return rc;
}

static int write_registry(const struct options *o)
{
    struct manifest m;
    if (!load_manifest(o, &m))
        return 1;
    struct outfile out;
    outfile_open(&out, o->registry);
    char err[1024];
    int rc = 0;
    if (out.f == NULL) {
        outfile_abandon(&out);
        rc = fail(1, "cannot write %s", o->registry);
    } else if (!registry_write(&m, o->versions, o->target, out.f, err, sizeof err)) {
        outfile_abandon(&out);
        rc = fail(1, "%s", err);
    } else if (!outfile_commit(&out)) {
        rc = fail(1, "cannot write %s", o->registry);
    }
    manifest_free(&m);
    return rc;
}

/* Builds the table from headers (given or found), else from the committed table.
 * WHERE says which, for the report. */
static bool obtain_table(const struct options *o, const struct manifest *m,
                         const struct descriptor *d, const struct variant *v,
                         struct layout_table *t, char *where, size_t where_size,
                         char *dir, size_t dir_size)
{
    char err[2048];
    bool have_headers = false;
    if (o->headers) {
        snprintf(dir, dir_size, "%s", o->headers);
        char *python_h = xasprintf("%s/Python.h", dir);
        have_headers = file_exists(python_h);
        free(python_h);
        if (!have_headers) {
            fail(1, "no Python.h in %s: --headers wants the directory that holds it", dir);
            return false;
        }
    } else if (!o->committed) {
        have_headers = headers_find(d->minor, v->abiflags, dir, dir_size);
    }
    if (have_headers) {
        char *private_header = xasprintf("%s/private-structs.h", o->versions);
        char *defines[64];
        size_t define_count = 0;
        for (size_t i = 0; i < o->define_count; i++)
            defines[define_count++] = xstrdup(o->defines[i]);
        if (!o->no_build_flags)
            define_count = buildflags_find(dir, d->minor, v->abiflags, defines, define_count, 64);
        struct extract_request req = { m, d, v, dir, private_header, o->target, defines,
                                       define_count };
        table_init(t, m, d->minor, v->name, o->target);
        table_set_defines(t, defines, define_count);
        bool ok = extract_from_headers(&req, t, err, sizeof err);
        for (size_t i = 0; i < define_count; i++)
            free(defines[i]);
        free(private_header);
        if (!ok) {
            table_free(t);
            fail(1, "%s", err);
            return false;
        }
        snprintf(where, where_size, "headers in %s", dir);
        return true;
    }
    dir[0] = '\0';
    char path[4096];
    if (!committed_find(o->versions, o->target, d->minor, v->name, path, sizeof path)) {
        char *what = xasprintf("3.%d %s for %s", d->minor, v->name, o->target);
        fail(1, "no CPython %s headers found and no committed table: pass --headers DIR", what);
        free(what);
        return false;
    }
    if (!table_read_json(t, m, path, err, sizeof err)) {
        fail(1, "%s", err);
        return false;
    }
    snprintf(where, where_size, "committed table %s", path);
    return true;
}

static void print_fact(const struct fact *f)
{
    if (f->kind == FACT_BITFIELD)
        printf("%lld %lld %d\n", f->value / 8, f->value % 8, f->width);
    else
        printf("%lld\n", f->value);
}

/* A manifest rule of another version spelled QUERY, to say where the fact does exist. */
static const struct manifest_rule *rule_spelled(const struct manifest *m, const char *query)
{
    for (size_t i = 0; i < m->rule_count; i++) {
        const char *s = m->rules[i].spelling;
        if (strncmp(s, "struct-", 7) == 0)
            s += 7;
        if (strcmp(s, query) == 0 || strcmp(m->rules[i].spelling, query) == 0)
            return &m->rules[i];
    }
    return NULL;
}

static int query(const struct options *o, const struct manifest *m, const struct layout_table *t)
{
    const struct fact *f = table_lookup(t, o->query);
    if (!f) {
        const struct manifest_rule *r = rule_spelled(m, o->query);
        if (!r)
            return fail(2, "unknown fact '%s': not a logical name of versions/fields.manifest nor "
                           "a C spelling of this version",
                        o->query);
        f = table_find(t, r->name);
    }
    if (!f->present) {
        fprintf(stderr, "pyprinter-gen: '%s' does not exist in CPython %s (%s)", o->query,
                t->cpython, t->variant);
        for (size_t i = 0; i < m->rule_count; i++) {
            const struct manifest_rule *r = &m->rules[i];
            if (strcmp(r->name, f->name) != 0)
                continue;
            fprintf(stderr, "; %s is %s in 3.%d", f->name, r->spelling, r->first_minor);
            if (r->last_minor != r->first_minor)
                fprintf(stderr, r->last_minor >= 99 ? "+" : "-3.%d", r->last_minor);
        }
        fputc('\n', stderr);
        return 1;
    }
    print_fact(f);
    return 0;
}

static bool write_file(const char *path, const struct layout_table *t,
                       void (*writer)(const struct layout_table *, FILE *))
{
    struct outfile out;
    outfile_open(&out, path);
    if (out.f != NULL)
        writer(t, out.f);
    return outfile_commit(&out);
}

static bool make_dirs(const char *path)
{
    char *copy = xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(copy, 0777);
        *p = '/';
    }
    mkdir(copy, 0777);
    bool ok = dir_exists(copy);
    free(copy);
    return ok;
}

/* python3.12-gdb.gdb, python3.12d-gdb.gdb (debug), python3.13t-gdb.gdb (free-threaded),
 * python3.12-tracerefs-gdb.gdb. */
static char *script_path(const char *dir, int minor, const char *variant)
{
    const char *suffix = strcmp(variant, "debug") == 0          ? "d"
                         : strcmp(variant, "freethreaded") == 0 ? "t"
                         : strcmp(variant, "tracerefs") == 0    ? "-tracerefs"
                                                                : "";
    return xasprintf("%s/python3.%d%s-gdb.gdb", dir, minor, suffix);
}

/* The pyprinter the script hands work to: --decoder, else the one beside this program;
 * "" for none (or a path the script's shell command could not quote). */
static char *decoder_path(const struct options *o)
{
    char exe[4096];
    ssize_t n = o->decoder ? -1 : readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *path = xstrdup(o->decoder ? o->decoder : "");
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *beside = xasprintf("%s/pyprinter", exe);
            if (access(beside, X_OK) == 0) {
                free(path);
                path = beside;
            } else {
                free(beside);
            }
        }
    }
    if (strpbrk(path, "'\"\\\n%"))
        path[0] = '\0';
    return path;
}

static char *templates_dir(const struct options *o)
{
    return o->templates ? xstrdup(o->templates) : xasprintf("%s/../templates", o->versions);
}

static bool write_script(const struct options *o, const struct layout_table *t,
                         const struct printable *pr, const char *path)
{
    char *decoder = decoder_path(o);
    char *templates = templates_dir(o);
    struct outfile out;
    outfile_open(&out, path);
    char err[1024];
    bool ok = false;
    if (out.f == NULL) {
        outfile_abandon(&out);
        fail(1, "cannot write %s", path);
    } else if (!render_gdb_script(t, pr, templates, decoder, out.f, err, sizeof err)) {
        outfile_abandon(&out);
        fail(1, "%s", err);
    } else if (!outfile_commit(&out)) {
        fail(1, "cannot write %s", path);
    } else {
        ok = true;
    }
    free(decoder);
    free(templates);
    return ok;
}

/* The three outputs of 3.MINOR VARIANT in DIR. */
struct output_paths {
    char *json, *c, *gdb;
};

static void output_paths(const char *dir, int minor, const char *variant, struct output_paths *p)
{
    p->json = xasprintf("%s/layout-3.%d-%s.json", dir, minor, variant);
    p->c = xasprintf("%s/layout-3.%d-%s.c", dir, minor, variant);
    p->gdb = script_path(dir, minor, variant);
}

static void output_paths_free(struct output_paths *p)
{
    free(p->json);
    free(p->c);
    free(p->gdb);
}

static void print_paths(const struct output_paths *p)
{
    printf("  layout table (JSON): %s\n  layout table (C):    %s\n  GDB script:          %s\n",
           p->json, p->c, p->gdb);
}

static int write_outputs(const struct options *o, const char *dir, const struct layout_table *t,
                         const struct printable *pr, const char *where)
{
    struct output_paths p;
    output_paths(dir, t->minor, t->variant, &p);
    char *json = p.json, *c = p.c, *gdb = p.gdb;
    int rc = 0;
    if (!make_dirs(dir))
        rc = fail(1, "cannot create the output directory %s", dir);
    else if (!write_file(json, t, table_write_json))
        rc = fail(1, "cannot write %s", json);
    else if (!write_file(c, t, table_write_c))
        rc = fail(1, "cannot write %s", c);
    else if (!write_script(o, t, pr, gdb))
        rc = 1;
    if (rc == 0 && !o->quiet) {
        size_t present = 0;
        for (size_t i = 0; i < t->fact_count; i++)
            present += t->facts[i].present;
        printf("pyprinter-gen: CPython %s (%s, %s): %zu facts from %s%s%s\n", t->cpython,
               t->variant, t->target, present, where, t->defines[0] ? ", build flags: " : "",
               t->defines);
        print_paths(&p);
        printf("  printable ranges:    %zu, Unicode %s, from %s\n", pr->count, pr->unicode,
               pr->from);
    }
    output_paths_free(&p);
    return rc;
}

/* The printable ranges of 3.MINOR: from --python, else from the interpreter installed
 * with the headers in HEADERS ("" for none) when it runs, else the committed ones. */
static bool obtain_printable(const struct options *o, int minor, const char *headers,
                             struct printable *p)
{
    char err[4400];
    if (o->python) {
        if (printable_from_python(o->python, minor, p, err, sizeof err))
            return true;
        fail(1, "%s", err);
        return false;
    }
    char *python = headers[0] ? printable_python_beside(headers) : NULL;
    bool ok = python && printable_from_python(python, minor, p, err, sizeof err);
    free(python);
    if (ok)
        return true;
    if (printable_read_committed(o->versions, minor, p, err, sizeof err))
        return true;
    fail(1, "%s", err);
    return false;
}

/* --printable FILE: the ranges as the interpreter says, in the committed form. */
static int write_printable(const struct options *o, int minor, const char *headers)
{
    struct printable p;
    char err[4400];
    char *python = o->python ? xstrdup(o->python) : headers[0] ? printable_python_beside(headers) : NULL;
    if (!python)
        return fail(1, "no interpreter installed with the headers to ask%s: pass --python PYTHON",
                    "");
    bool ok = printable_from_python(python, minor, &p, err, sizeof err);
    free(python);
    if (!ok)
        return fail(1, "%s", err);
    struct outfile out;
    outfile_open(&out, o->printable);
    if (out.f)
        printable_write(&p, out.f);
    int rc = outfile_commit(&out) ? 0 : fail(1, "cannot write %s", o->printable);
    printable_free(&p);
    return rc;
}

static int generate(const struct options *o)
{
    struct manifest m;
    if (!load_manifest(o, &m))
        return 1;
    struct descriptor d;
    char err[1024];
    int rc = 1;
    if (!descriptor_load(&d, o->versions, o->minor, err, sizeof err)) {
        fail(2, "%s", err);
        manifest_free(&m);
        return 2;
    }
    const struct variant *v = descriptor_variant(&d, o->variant);
    if (!v) {
        char *names = xstrdup("");
        for (size_t i = 0; i < d.variant_count; i++) {
            char *next = xasprintf("%s%s%s", names, i ? ", " : "", d.variants[i].name);
            free(names);
            names = next;
        }
        fprintf(stderr, "pyprinter-gen: CPython 3.%d has no variant '%s' (it has: %s)\n", d.minor,
                o->variant, names);
        free(names);
        rc = 2;
    } else {
        struct layout_table t;
        struct printable pr;
        char where[4200], headers[4096] = "";
        if (o->printable) {
            if (o->headers)
                snprintf(headers, sizeof headers, "%s", o->headers);
            else if (!o->python)
                headers_find(d.minor, v->abiflags, headers, sizeof headers);
            rc = write_printable(o, d.minor, headers);
        } else if (obtain_table(o, &m, &d, v, &t, where, sizeof where, headers, sizeof headers)) {
            if (o->query)
                rc = query(o, &m, &t);
            else if (obtain_printable(o, d.minor, headers, &pr)) {
                char *dir = o->output ? xstrdup(o->output) : xasprintf("out/3.%d", t.minor);
                rc = write_outputs(o, dir, &t, &pr, where);
                free(dir);
                printable_free(&pr);
            }
            table_free(&t);
        }
    }
    descriptor_free(&d);
    manifest_free(&m);
    return rc;
}

/* Whether DIR holds the outputs of build ID made with FINGERPRINT. */
static bool cache_holds(const char *dir, const struct jit_identity *id, const char *fingerprint)
{
    char *stamp_path = xasprintf("%s/fingerprint", dir);
    FILE *f = fopen(stamp_path, "r");
    char stamp[64] = "";
    bool ok = f && fgets(stamp, sizeof stamp, f) && strncmp(stamp, fingerprint, strlen(fingerprint)) == 0;
    if (f)
        fclose(f);
    free(stamp_path);
    int major, minor;
    if (!ok || sscanf(id->version, "%d.%d", &major, &minor) != 2)
        return false;
    struct output_paths p;
    output_paths(dir, minor, id->variant, &p);
    ok = file_exists(p.json) && file_exists(p.c) && file_exists(p.gdb);
    output_paths_free(&p);
    return ok;
}

static bool write_fingerprint(const char *dir, const char *fingerprint)
{
    char *path = xasprintf("%s/fingerprint", dir);
    struct outfile out;
    outfile_open(&out, path);
    if (out.f)
        fprintf(out.f, "%s\n", fingerprint);
    bool ok = outfile_commit(&out);
    free(path);
    return ok;
}

/* The table of a build as the decoder wrote it (JSON): the same facts, and where each
 * came from (DWARF, _Py_DebugOffsets, the compiled table), the build-id and the file. */
static bool keep_provenance(const char *dir, const struct layout_table *t, const char *json)
{
    struct output_paths p;
    output_paths(dir, t->minor, t->variant, &p);
    struct outfile out;
    outfile_open(&out, p.json);
    if (out.f)
        fputs(json, out.f);
    bool ok = outfile_commit(&out);
    output_paths_free(&p);
    return ok;
}

/* --from-binary, --pid, --core: the table of that build (jit.h), rendered once into its
 * cache directory (or -o DIR). */
static int generate_for_build(const struct options *o)
{
    char *decoder = decoder_path(o);
    if (!*decoder) {
        free(decoder);
        return fail(1, "%s", "the table of a build is read by pyprinter, the decoder: there is none "
                             "beside pyprinter-gen (pass --decoder PATH)");
    }
    struct jit_request r = { decoder, o->from_binary, o->pid, o->core, o->core_exe, o->sysroot,
                             o->debug_dirs };
    struct jit_identity id;
    char err[2048], report[2048];
    if (!jit_identify(&r, &id, err, sizeof err)) {
        free(decoder);
        return fail(1, "%s", err);
    }
    char *dir = o->output ? xstrdup(o->output) : jit_cache_dir(&id);
    if (!dir) {
        free(decoder);
        return fail(1, "%s", "no cache directory (neither XDG_CACHE_HOME nor HOME is set): pass -o DIR");
    }
    char *templates = templates_dir(o);
    char *fingerprint = jit_fingerprint(o->versions, templates, decoder);
    free(templates);
    int rc = 0;
    struct manifest m;
    struct layout_table t;
    struct printable pr;
    if (cache_holds(dir, &id, fingerprint)) {
        if (!o->quiet) {
            int major, minor;
            sscanf(id.version, "%d.%d", &major, &minor);
            struct output_paths p;
            output_paths(dir, minor, id.variant, &p);
            printf("pyprinter-gen: CPython %s (%s), build-id %s: made before, in %s\n", id.version,
                   id.variant, id.build_id, dir);
            print_paths(&p);
            output_paths_free(&p);
        }
    } else if (!load_manifest(o, &m)) {
        rc = 1;
    } else {
        char *json = NULL;
        if (!jit_make_table(&r, &m, &t, &json, report, sizeof report, err, sizeof err)) {
            rc = fail(1, "%s", err);
        } else {
            if (!obtain_printable(o, t.minor, "", &pr)) {
                rc = 1;
            } else {
                char *where = xasprintf("the build itself, build-id %s\n  %s", id.build_id, report);
                rc = write_outputs(o, dir, &t, &pr, where);
                if (rc == 0 && !keep_provenance(dir, &t, json))
                    rc = fail(1, "cannot write the layout table in %s", dir);
                if (rc == 0 && !write_fingerprint(dir, fingerprint))
                    rc = fail(1, "cannot write %s/fingerprint", dir);
                free(where);
                printable_free(&pr);
            }
            table_free(&t);
        }
        free(json);
        manifest_free(&m);
    }
    free(fingerprint);
    free(dir);
    free(decoder);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (o.list)
        return list_versions(&o);
    if (o.c_header)
        return write_c_header(&o);
    if (o.registry)
        return write_registry(&o);
    if (o.from_binary || o.pid || o.core)
        return generate_for_build(&o);
    return generate(&o);
}
