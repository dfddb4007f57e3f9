/* buildflags.c: see buildflags.h. */
#include "buildflags.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char key[] = "'PY_CORE_CFLAGS': '";

/* The sysconfigdata file of ABIFLAGS in LIBDIR, or NULL. Caller frees. */
static char *sysconfigdata_path(const char *libdir, const char *abiflags)
{
    DIR *d = opendir(libdir);
    if (!d)
        return NULL;
    char *prefix = xasprintf("_sysconfigdata_%s_", abiflags);
    char *found = NULL;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && n > 3 &&
            strcmp(e->d_name + n - 3, ".py") == 0)
            found = xasprintf("%s/%s", libdir, e->d_name);
    }
    closedir(d);
    free(prefix);
    return found;
}

static bool is_layout_macro(const char *flag)
{
    return (strncmp(flag, "-D_Py_", 6) == 0 || strncmp(flag, "-DPy_", 5) == 0) &&
           strcmp(flag, "-DPy_BUILD_CORE") != 0 && strncmp(flag, "-DPy_BUILD_CORE=", 16) != 0;
}

static size_t parse_cflags(char *cflags, char **defines, size_t count, size_t max)
{
    char *save = NULL;
    for (char *w = strtok_r(cflags, " \t", &save); w && count < max; w = strtok_r(NULL, " \t", &save))
        if (is_layout_macro(w))
            defines[count++] = xstrdup(w + 2);
    return count;
}

size_t buildflags_find(const char *include_dir, int minor, const char *abiflags, char **defines,
                       size_t count, size_t max)
{
    char *libdir = xasprintf("%s/../../lib/python3.%d", include_dir, minor);
    char *path = sysconfigdata_path(libdir, abiflags);
    if (!path && abiflags[0])
        path = sysconfigdata_path(libdir, ""); /* e.g. no free-threaded build installed */
    free(libdir);
    FILE *f = path ? fopen(path, "r") : NULL;
    free(path);
    if (!f)
        return count;
    char line[16384];
    while (fgets(line, sizeof line, f)) {
        char *start = strstr(line, key);
        if (!start)
            continue;
        start += sizeof key - 1;
        char *end = strchr(start, '\'');
        if (end) {
            *end = '\0';
            count = parse_cflags(start, defines, count, max);
        }
        break;
    }
    fclose(f);
    return count;
}
