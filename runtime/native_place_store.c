/* native_place_store.c: what code addresses are called, kept in a file between runs
 * (native_dwfl.h): the GDB script's hand-off runs pyprinter once per thread, and naming
 * a frame with DWARF (inlined calls: GDB counts them as frames) makes libelf inflate a
 * distribution's compressed debug file every time (0.1-0.2 s for libc6-dbg); `thread
 * apply all py-bt` over a hundred threads asks for the same few addresses each time.
 *
 * A place is keyed by its module's build-id, its offset in the module, the directories
 * DWARF was looked for in (and the sysroot) and what those directories hold for that
 * build-id (the identity of each DIR/.build-id/xx/yyyy.debug, or its absence): a -dbg
 * package installed or removed since gives new keys, as a new GDB would see new DWARF. A
 * module without a build-id is never stored. The file (~/.cache/pyprinter/places, in a
 * directory private to the user) is shared by every GDB session: the first py-bt of a
 * session finds the names the last one found. One line per place, appended as places
 * are found:
 *
 *   KEY <tab> MODULE <tab> N ( <tab> FUNCTION <tab> FILE <tab> LINE <tab> INLINED ){N}
 *
 * with "" for an unknown function or file. A line that does not parse is ignored; a file
 * grown past MAX_STORE_BYTES is removed and starts again. */
#include "native_dwfl.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

enum { MAX_STORE_BYTES = 8 << 20 };

struct pyp_place_store {
    int dir;                  /* the directory the file is in (owned) */
    char *dirs;               /* part of every key */
    char *sysroot;            /* NULL: the target's own files */
    struct pyp_hashmap places;  /* hash of key -> struct stored */
    struct pyp_hashmap debug_states;  /* Dwfl_Module * -> its debug files' identity */
    bool loaded;
};

struct stored {
    char *key;
    struct pyp_place place;
};

static const char STORE_NAME[] = "places";

struct pyp_place_store *pyp_place_store_open(int dir, const char *dirs, const char *sysroot)
{
    struct pyp_place_store *s = pyp_xcalloc(1, sizeof *s);
    s->dir = dir;
    s->dirs = pyp_xstrdup(dirs ? dirs : "");
    s->sysroot = sysroot && *sysroot ? pyp_xstrdup(sysroot) : NULL;
    return s;
}

static void free_stored(void *v)
{
    struct stored *st = v;
    for (size_t i = 0; i < st->place.count; i++) {
        free(st->place.frames[i].function);
        free(st->place.frames[i].file);
    }
    free(st->place.frames);
    free(st->place.module);
    free(st->key);
    free(st);
}

void pyp_place_store_close(struct pyp_place_store *s)
{
    if (!s)
        return;
    pyp_hashmap_free(&s->places, free_stored);
    pyp_hashmap_free(&s->debug_states, free);
    close(s->dir);
    free(s->dirs);
    free(s->sysroot);
    free(s);
}

static char *field_or_null(const char *f)
{
    return *f ? pyp_xstrdup(f) : NULL;
}

/* One line of the file, split on tabs in place; NULL when it is not a place. */
static struct stored *parse_line(char *line)
{
    char *fields[4 + 4 * 64];
    size_t n = 0;
    for (char *p = line; n < sizeof fields / sizeof fields[0];) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    long count = n >= 3 ? strtol(fields[2], NULL, 10) : 0;
    if (count < 1 || count > 64 || n != 3 + 4 * (size_t)count)
        return NULL;
    struct stored *st = pyp_xcalloc(1, sizeof *st);
    st->key = pyp_xstrdup(fields[0]);
    st->place.module = field_or_null(fields[1]);
    st->place.frames = pyp_xcalloc((size_t)count, sizeof *st->place.frames);
    st->place.count = (size_t)count;
    for (long i = 0; i < count; i++) {
        char **f = fields + 3 + 4 * i;
        st->place.frames[i] = (struct pyp_place_frame){
            field_or_null(f[0]), field_or_null(f[1]), atoi(f[2]), f[3][0] == '1',
        };
    }
    return st;
}

static void load(struct pyp_place_store *s)
{
    s->loaded = true;
    struct stat st;
    if (fstatat(s->dir, STORE_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_size > MAX_STORE_BYTES)
        unlinkat(s->dir, STORE_NAME, 0);
    int fd = openat(s->dir, STORE_NAME, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (f && (len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] != '\n')
            break;            /* a line cut short by a run that ended while writing */
        line[len - 1] = '\0';
        struct stored *st = parse_line(line);
        if (st && !pyp_hashmap_get(&s->places, pyp_hash_text(st->key)))
            pyp_hashmap_put(&s->places, pyp_hash_text(st->key), st);
        else if (st)
            free_stored(st);
    }
    free(line);
    if (f)
        fclose(f);
}

/* Appends the identity of file PATH to B: its inode, size and change time, or "-". */
static void add_file_identity(struct pyp_buf *b, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        buf_printf(b, "%ju.%jd.%jd.%ld;", (uintmax_t)st.st_ino, (intmax_t)st.st_size,
                   (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    else
        buf_adds(b, "-;");
}

/* What the debug directories hold for build-id HEX (as GDB looks there: DIR/NAME, then
 * SYSROOT/DIR/NAME), as a hash. */
static uint64_t debug_state(const struct pyp_place_store *s, const char *hex)
{
    struct pyp_buf state = PYP_BUF_INIT;
    buf_printf(&state, "%s|%s|", s->dirs, s->sysroot ? s->sysroot : "");
    for (const char *d = s->dirs; *d;) {
        size_t n = strcspn(d, ":");
        if (n > 0) {
            char *path = pyp_xasprintf("%.*s/.build-id/%.2s/%s.debug", (int)n, d, hex, hex + 2);
            add_file_identity(&state, path);
            if (s->sysroot) {
                char *rooted = pyp_xasprintf("%s%s", s->sysroot, path);
                add_file_identity(&state, rooted);
                free(rooted);
            }
            free(path);
        }
        d += n + (d[n] == ':');
    }
    uint64_t h = pyp_hash_text(buf_str(&state));
    buf_free(&state);
    return h;
}

/* The key of the place at LOOKUP in MOD, or NULL (no build-id). */
static char *key_of(struct pyp_place_store *s, Dwfl_Module *mod, uint64_t lookup,
                    uint64_t module_base)
{
    const unsigned char *bits;
    GElf_Addr vaddr;
    int len = dwfl_module_build_id(mod, &bits, &vaddr);
    if (len < 2)
        return NULL;
    struct pyp_buf b = PYP_BUF_INIT;
    for (int i = 0; i < len; i++)
        buf_printf(&b, "%02x", bits[i]);
    uint64_t *state = pyp_hashmap_get(&s->debug_states, (uint64_t)(uintptr_t)mod);
    if (!state) {
        state = pyp_xcalloc(1, sizeof *state);
        *state = debug_state(s, buf_str(&b));
        pyp_hashmap_put(&s->debug_states, (uint64_t)(uintptr_t)mod, state);
    }
    buf_printf(&b, ":%llx:%016llx", (unsigned long long)(lookup - module_base), (unsigned long long)*state);
    return buf_take(&b);
}

const struct pyp_place *pyp_place_store_find(struct pyp_place_store *s, Dwfl_Module *mod,
                                             uint64_t lookup, uint64_t module_base)
{
    if (!s->loaded)
        load(s);
    char *key = key_of(s, mod, lookup, module_base);
    const struct stored *st = key ? pyp_hashmap_get(&s->places, pyp_hash_text(key)) : NULL;
    bool same = st && strcmp(st->key, key) == 0;
    free(key);
    return same ? &st->place : NULL;
}

static bool storable(const char *s)
{
    return !s || !strpbrk(s, "\t\n");
}

void pyp_place_store_add(struct pyp_place_store *s, Dwfl_Module *mod, uint64_t lookup,
                         uint64_t module_base, const struct pyp_place *p)
{
    char *key = key_of(s, mod, lookup, module_base);
    if (!key || p->count > 64 || !storable(p->module)) {
        free(key);
        return;
    }
    struct pyp_buf b = PYP_BUF_INIT;
    buf_printf(&b, "%s\t%s\t%zu", key, p->module ? p->module : "", p->count);
    bool ok = true;
    for (size_t i = 0; i < p->count; i++) {
        const struct pyp_place_frame *f = &p->frames[i];
        ok = ok && storable(f->function) && storable(f->file);
        buf_printf(&b, "\t%s\t%s\t%d\t%d", f->function ? f->function : "", f->file ? f->file : "",
                   f->line, f->inlined);
    }
    buf_addc(&b, '\n');
    int fd = ok ? openat(s->dir, STORE_NAME, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)
                : -1;
    if (fd >= 0) {
        ssize_t w = write(fd, b.data, b.len);
        (void)w;              /* a store that cannot be written is only slower */
        close(fd);
    }
    buf_free(&b);
    free(key);
}
