/* gdb_request.c: parsing what the GDB script pipes to `pyprinter gdb` (gdb_request.h). */
#include "gdb_request.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* A string as GDB's `output` prints it: "..." with C escapes. NULL when not one. */
static char *gdb_string(const char *s)
{
    while (*s == ' ')
        s++;
    if (*s++ != '"')
        return NULL;
    struct pyp_buf b = PYP_BUF_INIT;
    for (; *s && *s != '"'; s++) {
        if (*s != '\\') {
            buf_addc(&b, *s);
            continue;
        }
        s++;
        if (*s >= '0' && *s <= '7') {
            int v = 0;
            for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++, s++)
                v = v * 8 + (*s - '0');
            s--;
            buf_addc(&b, (char)v);
        } else if (*s == 'n') {
            buf_addc(&b, '\n');
        } else if (*s == 't') {
            buf_addc(&b, '\t');
        } else if (*s) {
            buf_addc(&b, *s);
        } else {
            break;
        }
    }
    if (*s != '"') {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* "* 1    process 8856      1 (core)             /usr/bin/python3.12" */
static void parse_inferior(const char *line, struct pyp_gdb_request *r)
{
    const char *p = strstr(line, "process ");
    if (!p) {
        if (strstr(line, " <null>"))
            r->target = PYP_GDB_NONE;
        return;
    }
    r->pid = (pid_t)strtol(p + 8, NULL, 10);
    if (strstr(line, "(core)"))
        r->target = PYP_GDB_CORE;
    else if (strstr(line, "(native)"))
        r->target = PYP_GDB_NATIVE;
    else
        r->target = PYP_GDB_OTHER;
}

/* "\t`/tmp/core.1234', file type elf64-x86-64." */
static char *quoted_file(const char *line)
{
    const char *open = strchr(line, '`');
    const char *close = open ? strstr(open, "', file type") : NULL;
    if (!close)
        return NULL;
    char *s = pyp_xstrdup(open + 1);
    s[close - open - 1] = '\0';
    return s;
}

/* "Symbols from "/usr/bin/python3.12"." */
static char *symbols_file(const char *line)
{
    const char *open = line + strlen("Symbols from \"");
    const char *close = strrchr(open, '"');
    if (!close)
        return NULL;
    char *s = pyp_xstrdup(open);
    s[close - open] = '\0';
    return s;
}

/* "[Current thread is 1 (Thread 0x7f... (LWP 8856))]", "(LWP 8856)", "(process 8856)" */
static void parse_current_thread(const char *line, struct pyp_gdb_request *r)
{
    const char *p = strstr(line, "(LWP ");
    if (p) {
        r->lwp = (pid_t)strtol(p + 5, NULL, 10);
        return;
    }
    p = strstr(line, "(process ");
    if (p)
        r->lwp = (pid_t)strtol(p + 9, NULL, 10);
}

static bool parse_regs(const char *s, struct pyp_gdb_request *r)
{
    unsigned long long v[18];
    char *end;
    for (int i = 0; i < 18; i++) {
        v[i] = strtoull(s, &end, 16);
        if (end == s)
            return false;
        s = end;
    }
    struct user_regs_struct *g = &r->regs;
    memset(g, 0, sizeof *g);
    g->rax = v[0], g->rdx = v[1], g->rcx = v[2], g->rbx = v[3], g->rsi = v[4], g->rdi = v[5];
    g->rbp = v[6], g->rsp = v[7], g->r8 = v[8], g->r9 = v[9], g->r10 = v[10], g->r11 = v[11];
    g->r12 = v[12], g->r13 = v[13], g->r14 = v[14], g->r15 = v[15], g->rip = v[16];
    g->fs_base = v[17];
    return true;
}

static void parse_directive(const char *line, struct pyp_gdb_request *r)
{
    unsigned long long a, b, c;
    long n;
    if (strncmp(line, "@command ", 9) == 0)
        snprintf(r->command, sizeof r->command, "%s", line + 9);
    else if (strncmp(line, "@sysroot ", 9) == 0)
        r->sysroot = gdb_string(line + 9);
    else if (strncmp(line, "@debug-file-directory ", 22) == 0)
        r->debug_dirs = gdb_string(line + 22);
    else if (strncmp(line, "@regs ", 6) == 0)
        r->have_regs = parse_regs(line + 6, r);
    else if (sscanf(line, "@selected %llx %llx", &a, &b) == 2)
        r->have_selected = true, r->sel_sp = a, r->sel_pc = b;
    else if (strncmp(line, "@header ", 8) == 0 && line[8] && !r->header)
        r->header = pyp_xstrdup(line + 8);
    else if (strncmp(line, "@other-gc ", 10) == 0 && !r->other_gc)
        r->other_gc = gdb_string(line + 10);
    else if (strncmp(line, "@other-cc ", 10) == 0 && !r->other_cc)
        r->other_cc = gdb_string(line + 10);
    else if (sscanf(line, "@object %llx %llx %llx", &a, &b, &c) == 3)
        r->have_object = true, r->object = a, r->object_words[0] = b, r->object_words[1] = c;
    else if (sscanf(line, "@limit %ld", &n) == 1)
        r->limit = n;
    else if (sscanf(line, "@expect %llx", &a) == 1)
        r->expect_version = (unsigned long)a;
    else if (strcmp(line, "@end") == 0)
        r->ended = true;
}

/* A line of GDB's backtrace, "#3  0x00007f... in cfunction_vectorcall_O (...) at f.c:9"
 * or "#0  take_gil (...) at ...", read as the script's awk reads it: its level, and the
 * word after "in" or else the second word as the function. */
static void parse_bt_line(const char *line, struct pyp_gdb_request *r)
{
    char *copy = pyp_xstrdup(line), *save = NULL;
    char *words[4] = { NULL, NULL, NULL, NULL };
    char *w = strtok_r(copy, " \t", &save);
    for (int i = 0; i < 4 && w; i++, w = strtok_r(NULL, " \t", &save))
        words[i] = w;
    char *end = NULL;
    long level = words[0] && words[0][0] == '#' && words[0][1] ? strtol(words[0] + 1, &end, 10) : -1;
    if (level >= 0 && *end == '\0' && words[1]) {
        bool addressed = words[2] && strcmp(words[2], "in") == 0;
        const char *f = addressed ? words[3] : words[1];
        uint64_t pc = addressed ? strtoull(words[1], NULL, 16) : 0;
        r->bt = pyp_xrealloc(r->bt, (r->bt_count + 1) * sizeof *r->bt);
        r->bt[r->bt_count++] = (struct pyp_gdb_frame){ (int)level, pyp_xstrdup(f ? f : ""), pc };
    }
    free(copy);
}

/* Which file the next line names: "Local core dump file:", "Local exec file:"; or the
 * lines of GDB's backtrace. */
enum next_file { NEXT_NONE, NEXT_CORE, NEXT_EXEC, NEXT_BT };

static void parse_line(const char *line, enum next_file *next, struct pyp_gdb_request *r)
{
    if (*next == NEXT_BT) {
        if (strcmp(line, "@end-bt") == 0)
            *next = NEXT_NONE, r->have_bt = true;
        else
            parse_bt_line(line, r);
    } else if (strcmp(line, "@bt") == 0) {
        *next = NEXT_BT;
    } else if (*next != NEXT_NONE) {
        char **slot = *next == NEXT_CORE ? &r->core_path : &r->exec_file;
        *next = NEXT_NONE;
        if (!*slot)
            *slot = quoted_file(line);
    } else if (line[0] == '@') {
        parse_directive(line, r);
    } else if (strncmp(line, "* ", 2) == 0) {
        parse_inferior(line, r);
    } else if (strncmp(line, "Symbols from \"", 14) == 0 && !r->exe) {
        r->exe = symbols_file(line);
    } else if (strcmp(line, "Local core dump file:") == 0) {
        *next = NEXT_CORE;
    } else if (strcmp(line, "Local exec file:") == 0) {
        *next = NEXT_EXEC;
    } else if (strncmp(line, "[Current thread is ", 19) == 0) {
        parse_current_thread(line, r);
    }
}

/* What command R->command cannot do without; NULL when nothing is missing. */
static const char *missing_part(const struct pyp_gdb_request *r)
{
    if (!r->ended)
        return "its end";
    if (!r->command[0])
        return "the command";
    if (strcmp(r->command, "identify") == 0)
        return NULL;
    if (r->target == PYP_GDB_UNKNOWN || r->target == PYP_GDB_NONE)
        return "the inferior";
    if (r->target == PYP_GDB_CORE && !r->core_path)
        return "the core file";
    if (strcmp(r->command, "repr") == 0)
        return !r->have_object ? "the object" : !r->limit ? "the output limit" : NULL;
    return !r->lwp            ? "the selected thread"
           : !r->have_regs    ? "the registers"
           : !r->have_selected ? "the selected frame"
           : !r->have_bt || !r->other_gc || !r->other_cc ? "the backtrace"
                               : NULL;
}

static bool complete(struct pyp_gdb_request *r, char *why, size_t why_size)
{
    const char *missing = missing_part(r);
    if (r->target == PYP_GDB_OTHER && strcmp(r->command, "identify") != 0) {
        snprintf(why, why_size, "GDB's target is neither a core file nor a native process");
        return false;
    }
    if (missing) {
        snprintf(why, why_size, "the request from GDB lacks %s", missing);
        return false;
    }
    if (r->sysroot && (strcmp(r->sysroot, "target:") == 0 || r->sysroot[0] == '\0')) {
        free(r->sysroot);
        r->sysroot = NULL;
    }
    return true;
}

bool pyp_gdb_request_read(FILE *in, struct pyp_gdb_request *r, char *why, size_t why_size)
{
    memset(r, 0, sizeof *r);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    enum next_file next = NEXT_NONE;
    while (!r->ended && (n = getline(&line, &cap, in)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        parse_line(line, &next, r);
    }
    free(line);
    return complete(r, why, why_size);
}

void pyp_gdb_request_free(struct pyp_gdb_request *r)
{
    free(r->core_path);
    free(r->exe);
    free(r->exec_file);
    free(r->sysroot);
    free(r->debug_dirs);
    free(r->header);
    free(r->other_gc);
    free(r->other_cc);
    for (size_t i = 0; i < r->bt_count; i++)
        free(r->bt[i].function);
    free(r->bt);
    memset(r, 0, sizeof *r);
}
