/* jit.c: see jit.h. */
#include "jit.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* The text of file PATH (caller frees), "" when unreadable. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t n = 0, cap = 0;
    int c;
    while (f && (c = fgetc(f)) != EOF) {
        if (n + 2 > cap)
            text = xrealloc(text, cap = cap ? cap * 2 : 4096);
        text[n++] = (char)c;
    }
    if (f)
        fclose(f);
    if (!text)
        return xstrdup("");
    text[n] = '\0';
    return text;
}

/* The last line of TEXT without "pyprinter: " and its newline, into OUT. */
static void last_line(const char *text, char *out, size_t size)
{
    size_t len = strlen(text);
    while (len && text[len - 1] == '\n')
        len--;
    size_t start = len;
    while (start && text[start - 1] != '\n')
        start--;
    const char *line = text + start;
    size_t n = len - start;
    if (n >= 11 && strncmp(line, "pyprinter: ", 11) == 0)
        line += 11, n -= 11;
    snprintf(out, size, "%.*s", (int)n, line);
}

/* Runs `DECODER layout [--identify] ... TARGET [EXE]` with its output in OUT_PATH; its
 * standard error (the report, or why it failed) in *ERR_TEXT. The exit status, -1 when it
 * could not run. */
static int run_decoder(const struct jit_request *r, bool identify, const char *out_path,
                       char **err_text)
{
    const char *argv[16];
    int n = 0;
    argv[n++] = r->decoder;
    argv[n++] = "layout";
    if (identify)
        argv[n++] = "--identify";
    if (r->sysroot)
        argv[n++] = "--sysroot", argv[n++] = r->sysroot;
    if (r->debug_dirs)
        argv[n++] = "--debug-file-directory", argv[n++] = r->debug_dirs;
    argv[n++] = r->program ? r->program : r->pid ? r->pid : r->core;
    if (r->core && r->exe)
        argv[n++] = r->exe;
    argv[n] = NULL;
    char err_path[] = "/tmp/pyprinter-gen.XXXXXX";
    int err_fd = mkstemp(err_path);
    int out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int status = -1;
    pid_t child = err_fd >= 0 && out_fd >= 0 ? fork() : -1;
    if (child == 0) {
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        execv(r->decoder, (char *const *)argv);
        fprintf(stderr, "pyprinter: cannot run %s\n", r->decoder);
        _exit(127);
    }
    if (child > 0 && waitpid(child, &status, 0) == child)
        status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    else
        status = -1;
    if (out_fd >= 0)
        close(out_fd);
    if (err_fd >= 0) {
        close(err_fd);
        *err_text = slurp(err_path);
        unlink(err_path);
    } else {
        *err_text = xstrdup("pyprinter: cannot make a temporary file in /tmp");
    }
    return status;
}

/* Makes the empty file TEMPLATE names (mkstemp). */
static bool temp_file(char *template, char *err, size_t err_size)
{
    int fd = mkstemp(template);
    if (fd < 0) {
        snprintf(err, err_size, "cannot make a temporary file in /tmp");
        return false;
    }
    close(fd);
    return true;
}

bool jit_identify(const struct jit_request *r, struct jit_identity *id, char *err, size_t err_size)
{
    char out_path[] = "/tmp/pyprinter-gen-id.XXXXXX";
    if (!temp_file(out_path, err, err_size))
        return false;
    char *err_text;
    int status = run_decoder(r, true, out_path, &err_text);
    char *text = slurp(out_path);
    unlink(out_path);
    bool ok = status == 0 && sscanf(text, "%80s %31s %15s", id->build_id, id->version, id->variant) == 3;
    if (!ok)
        last_line(err_text, err, err_size);
    if (!ok && !err[0])
        snprintf(err, err_size, "%s layout --identify failed (exit status %d)", r->decoder, status);
    free(text);
    free(err_text);
    return ok;
}

bool jit_make_table(const struct jit_request *r, const struct manifest *m, struct layout_table *t,
                    char **json, char *report, size_t report_size, char *err, size_t err_size)
{
    *json = NULL;
    char out_path[] = "/tmp/pyprinter-gen-layout.XXXXXX";
    if (!temp_file(out_path, err, err_size))
        return false;
    char *err_text;
    int status = run_decoder(r, false, out_path, &err_text);
    bool ok = status == 0;
    if (ok) {
        last_line(err_text, report, report_size);
        ok = table_read_json(t, m, out_path, err, err_size);
        if (ok)
            *json = slurp(out_path);
    } else {
        last_line(err_text, err, err_size);
    }
    unlink(out_path);
    free(err_text);
    return ok;
}

char *jit_cache_dir(const struct jit_identity *id)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char *base = xdg && *xdg == '/' ? xasprintf("%s/pyprinter/builds", xdg)
                 : home && *home     ? xasprintf("%s/.cache/pyprinter/builds", home)
                                     : NULL;
    if (!base)
        return NULL;
    /* Without a build-id the version and variant name the build (less sure). */
    char *dir = strcmp(id->build_id, "-") != 0
                    ? xasprintf("%s/%s", base, id->build_id)
                    : xasprintf("%s/no-build-id-%s-%s", base, id->version, id->variant);
    free(base);
    return dir;
}

static uint64_t fnv(uint64_t h, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *jit_fingerprint(const char *versions_dir, const char *templates_dir, const char *decoder)
{
    uint64_t h = 1469598103934665603ULL;
    char *manifest = xasprintf("%s/fields.manifest", versions_dir);
    char *text = slurp(manifest);
    h = fnv(h, text);
    free(text);
    free(manifest);
    DIR *d = opendir(templates_dir);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = xstrdup(e->d_name);
        }
    if (d)
        closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", templates_dir, names[i]);
        text = slurp(path);
        h = fnv(fnv(h, names[i]), text);
        free(text);
        free(path);
        free(names[i]);
    }
    free(names);
    h = fnv(h, decoder);
    return xasprintf("%016llx", (unsigned long long)h);
}
