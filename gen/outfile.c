/* outfile.c: output files written under a temporary name and renamed into place. */
#include "outfile.h"

#include "util.h"

#include <stdlib.h>
#include <unistd.h>

void outfile_open(struct outfile *out, const char *path)
{
    out->path = xstrdup(path);
    out->temp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    out->f = fopen(out->temp, "w");
}

static void outfile_free(struct outfile *out)
{
    free(out->path);
    free(out->temp);
    out->path = out->temp = NULL;
    out->f = NULL;
}

bool outfile_commit(struct outfile *out)
{
    bool ok = out->f != NULL && !ferror(out->f);
    if (out->f != NULL && fclose(out->f) != 0)
        ok = false;
    if (ok && rename(out->temp, out->path) != 0)
        ok = false;
    if (!ok)
        remove(out->temp);
    outfile_free(out);
    return ok;
}

void outfile_abandon(struct outfile *out)
{
    if (out->f != NULL) {
        fclose(out->f);
        remove(out->temp);
    }
    outfile_free(out);
}
