/* printable.c: see printable.h. */
#include "printable.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

enum { MAX_CP = 0x10ffff, MAX_OUTPUT = 1 << 20 };

/* What the interpreter is asked: its version, its Unicode version, then the ranges. */
static const char question[] =
    "import sys\n"
    "try:\n"
    "    import unicodedata\n"
    "    u = unicodedata.unidata_version\n"
    "except ImportError:\n"
    "    u = '?'\n"
    "print('cpython %d.%d.%d unicode %s' % (sys.version_info[:3] + (u,)))\n"
    "s = -1\n"
    "for c in range(0x110001):\n"
    "    p = c < 0x110000 and chr(c).isprintable()\n"
    "    if p and s < 0:\n"
    "        s = c\n"
    "    elif not p and s >= 0:\n"
    "        print('%x %x' % (s, c - 1))\n"
    "        s = -1\n";

static bool failf(char *err, size_t err_size, const char *fmt, const char *a, const char *b)
{
    snprintf(err, err_size, fmt, a, b);
    return false;
}

static void add_range(struct printable *p, uint32_t first, uint32_t last)
{
    p->ranges = xrealloc(p->ranges, (p->count + 1) * sizeof *p->ranges);
    p->ranges[p->count][0] = first;
    p->ranges[p->count][1] = last;
    p->count++;
}

/* Parses TEXT (the header line, then ranges) into P; WHAT names the source for errors. */
static bool parse(char *text, int minor, struct printable *p, const char *what, char *err,
                  size_t err_size)
{
    bool header = false;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        strip_comment(line);
        if (is_blank(line))
            continue;
        unsigned a, b;
        int major, mn;
        if (!header) {
            if (sscanf(line, "cpython %31s unicode %31s", p->cpython, p->unicode) != 2 ||
                sscanf(p->cpython, "%d.%d", &major, &mn) != 2)
                return failf(err, err_size, "%s: not a list of printable ranges: '%s'", what, line);
            if (major != 3 || mn != minor) {
                char want[16];
                snprintf(want, sizeof want, "3.%d", minor);
                snprintf(err, err_size, "%s is CPython %s, not %s", what, p->cpython, want);
                return false;
            }
            header = true;
            continue;
        }
        char tail;
        if (sscanf(line, "%x %x %c", &a, &b, &tail) != 2 || a > b || b > MAX_CP ||
            (p->count && a <= p->ranges[p->count - 1][1]))
            return failf(err, err_size, "%s: bad range '%s'", what, line);
        add_range(p, a, b);
    }
    /* Every CPython prints ASCII letters raw: a list without them is not one. */
    if (!header || p->count == 0 || p->ranges[0][0] > 0x20 || p->ranges[0][1] < 0x7e)
        return failf(err, err_size, "%s: %s", what, "no printable ranges (ASCII missing)");
    return true;
}

/* The output of PYTHON -I -S -c QUESTION, or NULL. */
static char *ask(const char *python)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(fds[1], 1);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 2);
        }
        close(fds[0]);
        close(fds[1]);
        execl(python, python, "-I", "-S", "-c", question, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, cap = 65536;
    char *text = xrealloc(NULL, cap);
    ssize_t n;
    while ((n = read(fds[0], text + len, cap - 1 - len)) > 0 || (n < 0 && errno == EINTR)) {
        if (n < 0)
            continue;
        len += (size_t)n;
        if (len + 1 == cap && cap < MAX_OUTPUT)
            text = xrealloc(text, cap *= 2);
        else if (len + 1 == cap)
            break;
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    text[len] = '\0';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

bool printable_from_python(const char *python, int minor, struct printable *p, char *err,
                           size_t err_size)
{
    *p = (struct printable){ .minor = minor };
    char *text = ask(python);
    if (!text)
        return failf(err, err_size, "cannot run %s to ask it which characters are printable%s",
                     python, "");
    bool ok = parse(text, minor, p, python, err, err_size);
    free(text);
    if (ok)
        snprintf(p->from, sizeof p->from, "%s", python);
    else
        printable_free(p);
    return ok;
}

char *printable_python_beside(const char *include_dir)
{
    char *dir = xstrdup(include_dir);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    char *name = strrchr(dir, '/');
    char *found = NULL;
    if (name && strncmp(name + 1, "python", 6) == 0) {
        *name = '\0';
        char *include = strrchr(dir, '/');
        if (include && strcmp(include + 1, "include") == 0) {
            *include = '\0';
            found = xasprintf("%s/bin/%s", dir, name + 1);
            if (access(found, X_OK) != 0) {
                free(found);
                found = NULL;
            }
        }
    }
    free(dir);
    return found;
}

bool printable_read_committed(const char *versions_dir, int minor, struct printable *p,
                              char *err, size_t err_size)
{
    *p = (struct printable){ .minor = minor };
    char *path = xasprintf("%s/printable/3.%d.txt", versions_dir, minor);
    FILE *f = fopen(path, "r");
    bool ok = false;
    if (!f) {
        snprintf(err, err_size, "no printable ranges for CPython 3.%d (%s: %s)", minor, path,
                 strerror(errno));
    } else {
        size_t len = 0, cap = 65536;
        char *text = xrealloc(NULL, cap);
        size_t n;
        while ((n = fread(text + len, 1, cap - 1 - len, f)) > 0)
            if ((len += n) + 1 == cap)
                text = xrealloc(text, cap *= 2);
        text[len] = '\0';
        fclose(f);
        ok = parse(text, minor, p, path, err, err_size);
        free(text);
        if (ok)
            snprintf(p->from, sizeof p->from, "%s", path);
    }
    free(path);
    if (!ok)
        printable_free(p);
    return ok;
}

void printable_write(const struct printable *p, FILE *out)
{
    fprintf(out,
            "# The code points str.isprintable() accepts in CPython 3.%d, as inclusive ranges of\n"
            "# hex code points. Written by pyprinter-gen --printable from CPython %s (Unicode\n"
            "# %s); regenerate with tests/regenerate-tables, do not edit.\n"
            "cpython %s unicode %s\n",
            p->minor, p->cpython, p->unicode, p->cpython, p->unicode);
    for (size_t i = 0; i < p->count; i++)
        fprintf(out, "%" PRIx32 " %" PRIx32 "\n", p->ranges[i][0], p->ranges[i][1]);
}

void printable_free(struct printable *p)
{
    free(p->ranges);
    p->ranges = NULL;
    p->count = 0;
}

void printable_blocks(const struct printable *p, struct printable_blocks *b)
{
    uint64_t *map = calloc((MAX_CP + 1) / 64, sizeof *map);
    if (!map) {
        fputs("pyprinter-gen: out of memory\n", stderr);
        exit(1);
    }
    for (size_t i = 0; i < p->count; i++)
        for (uint32_t cp = p->ranges[i][0]; cp <= p->ranges[i][1]; cp++)
            map[cp / 64] |= (uint64_t)1 << (cp % 64);
    *b = (struct printable_blocks){ 0 };
    b->nblocks = p->count ? p->ranges[p->count - 1][1] / 256 + 1 : 1;
    b->blocks = xrealloc(NULL, b->nblocks * sizeof *b->blocks);
    for (size_t blk = 0; blk < b->nblocks; blk++) {
        const uint64_t *w = map + 4 * blk;
        bool none = !(w[0] | w[1] | w[2] | w[3]);
        bool all = (w[0] & w[1] & w[2] & w[3]) == ~(uint64_t)0;
        size_t k = 0;
        if (!none && !all) {
            while (k < b->nbits / 4 && memcmp(b->bits + 4 * k, w, 4 * sizeof *w) != 0)
                k++;
            if (k == b->nbits / 4) {
                b->bits = xrealloc(b->bits, (b->nbits + 4) * sizeof *b->bits);
                memcpy(b->bits + b->nbits, w, 4 * sizeof *w);
                b->nbits += 4;
            }
        }
        b->blocks[blk] = (uint16_t)(none ? 0 : all ? 1 : 2 + k);
    }
    if (b->nbits == 0) {
        /* An array literal needs an element. */
        b->bits = xrealloc(b->bits, 4 * sizeof *b->bits);
        memset(b->bits, 0, 4 * sizeof *b->bits);
        b->nbits = 4;
    }
    free(map);
}

void printable_blocks_free(struct printable_blocks *b)
{
    free(b->blocks);
    free(b->bits);
    *b = (struct printable_blocks){ 0 };
}
