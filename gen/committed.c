/* committed.c: see committed.h. */
#include "committed.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Patch levels of committed tables for 3.MINOR-VARIANT, ascending. */
static size_t committed_patches(const char *versions_dir, const char *target, int minor,
                                const char *variant, int *patches, size_t max)
{
    char *dir = xasprintf("%s/tables/%s", versions_dir, target);
    DIR *d = opendir(dir);
    free(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        int major, mn, patch;
        char rest[64];
        if (sscanf(e->d_name, "%d.%d.%d-%63s", &major, &mn, &patch, rest) != 4 || major != 3 ||
            mn != minor)
            continue;
        char *want = xasprintf("%s.json", variant);
        if (strcmp(rest, want) == 0)
            patches[n++] = patch;
        free(want);
    }
    closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && patches[j - 1] > patches[j]; j--) {
            int tmp = patches[j];
            patches[j] = patches[j - 1];
            patches[j - 1] = tmp;
        }
    return n;
}

bool committed_find(const char *versions_dir, const char *target, int minor, const char *variant,
                    char *path, size_t path_size)
{
    int patches[64];
    size_t n = committed_patches(versions_dir, target, minor, variant, patches, 64);
    if (n == 0)
        return false;
    snprintf(path, path_size, "%s/tables/%s/3.%d.%d-%s.json", versions_dir, target, minor,
             patches[n - 1], variant);
    return true;
}

void committed_list(const char *versions_dir, const char *target, int minor, const char *variant,
                    char *out, size_t out_size)
{
    int patches[64];
    size_t n = committed_patches(versions_dir, target, minor, variant, patches, 64);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < out_size; i++)
        used += (size_t)snprintf(out + used, out_size - used, "%s3.%d.%d", i ? " " : "", minor,
                                 patches[i]);
}
