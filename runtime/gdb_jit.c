/* gdb_jit.c: see gdb_jit.h. */
#include "gdb_jit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"

/* pyprinter-gen beside this program (caller frees), NULL when there is none. */
static char *generator_path(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    char *path = pyp_xasprintf("%s/pyprinter-gen", exe);
    if (access(path, X_OK) == 0)
        return path;
    free(path);
    return NULL;
}

/* Its argv for what R names (the strings stay R's). */
static size_t generator_argv(const struct pyp_gdb_request *r, const char *gen, char *pid,
                             const char **argv)
{
    size_t n = 0;
    argv[n++] = gen;
    if (r->target == PYP_GDB_CORE && r->core_path) {
        argv[n++] = "--core";
        argv[n++] = r->core_path;
        if (r->exe || r->exec_file)
            argv[n++] = r->exe ? r->exe : r->exec_file;
    } else if (r->target == PYP_GDB_NATIVE && r->pid > 0) {
        argv[n++] = "--pid";
        argv[n++] = pid;
    } else {
        argv[n++] = "--from-binary";
        argv[n++] = r->exec_file ? r->exec_file : r->exe;
    }
    if (r->sysroot)
        argv[n++] = "--sysroot", argv[n++] = r->sysroot;
    if (r->debug_dirs && *r->debug_dirs)
        argv[n++] = "--debug-file-directory", argv[n++] = r->debug_dirs;
    argv[n] = NULL;
    return n;
}

/* Runs ARGV with its standard output read into OUT; its exit status (-1: not run). */
static int run_reading(const char **argv, struct pyp_buf *out)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    pid_t child = fork();
    if (child == 0) {
        dup2(fds[1], 1);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    char chunk[4096];
    ssize_t got;
    while (child > 0 && (got = read(fds[0], chunk, sizeof chunk)) > 0)
        buf_add(out, chunk, (size_t)got);
    close(fds[0]);
    int status;
    if (child < 0 || waitpid(child, &status, 0) != child)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char *pyp_gdb_jit_script(const struct pyp_gdb_request *r, char *why, size_t why_size)
{
    char *gen = generator_path();
    if (!gen) {
        snprintf(why, why_size, "no pyprinter-gen beside pyprinter to make one");
        return NULL;
    }
    if (r->target != PYP_GDB_CORE && r->target != PYP_GDB_NATIVE && !r->exec_file && !r->exe) {
        free(gen);
        snprintf(why, why_size, "GDB has no program open");
        return NULL;
    }
    const char *argv[16];
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int)r->pid);
    generator_argv(r, gen, pid, argv);
    struct pyp_buf out = PYP_BUF_INIT;
    int status = run_reading(argv, &out);
    free(gen);
    static const char mark[] = "  GDB script:          ";
    const char *at = strstr(buf_str(&out), mark);
    char *script = NULL;
    if (status == 0 && at) {
        at += sizeof mark - 1;
        script = pyp_xasprintf("%.*s", (int)strcspn(at, "\n"), at);
    } else {
        snprintf(why, why_size, "pyprinter-gen could not make one (exit status %d)", status);
    }
    buf_free(&out);
    return script;
}
