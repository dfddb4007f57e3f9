/* headers.c: see headers.h. */
#include "headers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool accept(const char *candidate, char *dir, size_t dir_size)
{
    char *python_h = xasprintf("%s/Python.h", candidate);
    bool ok = file_exists(python_h);
    free(python_h);
    if (ok)
        snprintf(dir, dir_size, "%s", candidate);
    return ok;
}

/* The first -I of `python3.Xflags-config --includes`. */
static bool from_config(int minor, const char *abiflags, char *dir, size_t dir_size)
{
    char *cmd = xasprintf("python3.%d%s-config --includes 2>/dev/null", minor, abiflags);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return false;
    char line[4096] = "";
    bool got = fgets(line, sizeof line, p) != NULL;
    int status = pclose(p);
    if (!got || status != 0 || strncmp(line, "-I", 2) != 0)
        return false;
    line[strcspn(line, " \n")] = '\0';
    return accept(line + 2, dir, dir_size);
}

/* Highest patch release of 3.MINOR under $PYENV_ROOT/versions. */
static bool from_pyenv(int minor, const char *abiflags, char *dir, size_t dir_size)
{
    const char *root = getenv("PYENV_ROOT");
    char *fallback = NULL;
    if (!root || !*root) {
        const char *home = getenv("HOME");
        fallback = xasprintf("%s/.pyenv", home ? home : "/root");
        root = fallback;
    }
    char *versions = xasprintf("%s/versions", root);
    DIR *d = opendir(versions);
    int best_patch = -1;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            int major, mn, patch;
            char extra;
            if (sscanf(e->d_name, "%d.%d.%d%c", &major, &mn, &patch, &extra) != 3 || major != 3 ||
                mn != minor || patch <= best_patch)
                continue;
            char *candidate = xasprintf("%s/%s/include/python3.%d%s", versions, e->d_name, minor,
                                        abiflags);
            if (accept(candidate, dir, dir_size))
                best_patch = patch;
            free(candidate);
        }
        closedir(d);
    }
    free(versions);
    free(fallback);
    return best_patch >= 0;
}

static bool from_prefix(const char *prefix, int minor, const char *abiflags, char *dir,
                        size_t dir_size)
{
    char *candidate = xasprintf("%s/usr/include/python3.%d%s", prefix, minor, abiflags);
    bool ok = accept(candidate, dir, dir_size);
    free(candidate);
    return ok;
}

static bool find_with_flags(int minor, const char *abiflags, char *dir, size_t dir_size)
{
    const char *cache = getenv("PYPRINTER_CACHE");
    char *sid = xasprintf("%s/sid", cache && *cache ? cache : "/var/cache/pyprinter");
    bool ok = from_config(minor, abiflags, dir, dir_size) ||
              from_prefix("", minor, abiflags, dir, dir_size) ||
              from_pyenv(minor, abiflags, dir, dir_size) ||
              from_prefix(sid, minor, abiflags, dir, dir_size);
    free(sid);
    return ok;
}

bool headers_find(int minor, const char *abiflags, char *dir, size_t dir_size)
{
    if (find_with_flags(minor, abiflags, dir, dir_size))
        return true;
    return abiflags[0] && find_with_flags(minor, "", dir, dir_size);
}
