/* gdb_answer.c: see gdb_answer.h. */
#include "gdb_answer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

enum { STALE_SECONDS = 3600 };

/* NAME in PARENT made if missing (mode 0700) and opened as a directory; -1 otherwise.
 * STRICT: it must also be this user's own and not a symbolic link, and is made 0700. */
static int open_dir(int parent, const char *name, bool strict)
{
    if (mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
        return -1;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (strict ? O_NOFOLLOW : 0));
    struct stat st;
    if (fd >= 0 && strict &&
        (fstat(fd, &st) != 0 || st.st_uid != geteuid() || ((st.st_mode & 077) && fchmod(fd, 0700) != 0))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int pyp_cache_dir_open(void)
{
    const char *home = getenv("HOME");
    if (!home || home[0] != '/')
        return -1;
    int h = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (h < 0)
        return -1;
    int cache = open_dir(h, ".cache", false);
    close(h);
    if (cache < 0)
        return -1;
    int dir = open_dir(cache, "pyprinter", true);
    close(cache);
    return dir;
}

static bool is_answer_name(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, "entry.", 6) == 0 && n > 10 && strcmp(name + n - 4, ".gdb") == 0;
}

/* Removes the answers of sessions that never sourced theirs. */
static void remove_stale(int dir)
{
    int fd = dup(dir);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (is_answer_name(e->d_name) && fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            now - st.st_mtime > STALE_SECONDS)
            unlinkat(dir, e->d_name, 0);
    }
    closedir(d);
}

FILE *pyp_gdb_answer_open(int *slot)
{
    int dir = pyp_cache_dir_open();
    if (dir < 0)
        return NULL;
    remove_stale(dir);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int start = (int)(((unsigned long)ts.tv_nsec ^ (unsigned long)getpid() * 2654435761ul) % PYP_ANSWER_SLOTS);
    FILE *f = NULL;
    for (int k = 0; k < PYP_ANSWER_SLOTS && !f; k++) {
        int n = 1 + (start + k) % PYP_ANSWER_SLOTS;
        char name[32];
        snprintf(name, sizeof name, "entry.%d.gdb", n);
        int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            continue;
        f = fdopen(fd, "w");
        if (!f)
            close(fd);
        else
            *slot = n;
    }
    close(dir);
    return f;
}
