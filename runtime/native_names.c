/* native_names.c: what a code address is called (native_dwfl.h).
 *
 * With DWARF, the DIEs that contain the address give the function and every call
 * inlined into it there, innermost first: the innermost frame's source line
 * comes from the line table, each outer one's from the DW_AT_call_file/call_line of the
 * inlined call it makes. Without DWARF, or when only symbols are asked for (reading a
 * distribution's compressed debug file costs 0.1-0.6 s), the symbol table (.symtab, from
 * the file or its debug file, else .dynsym) names the one function; outside any symbol
 * the name is unknown and the frame is shown as module+offset. Places are cached by address: a deep
 * recursion repeats the same few return addresses; a namer with a store also keeps them
 * between runs (native_place_store.c). */
#include "native_dwfl.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

enum { MAX_SCOPE_DEPTH = 256 };

static char *dup_or_null(const char *s)
{
    return s ? pyp_xstrdup(s) : NULL;
}

static void add_frame(struct pyp_place *p, const char *function, const char *file, int line,
                      bool inlined)
{
    p->frames = pyp_xrealloc(p->frames, (p->count + 1) * sizeof *p->frames);
    p->frames[p->count++] = (struct pyp_place_frame){
        dup_or_null(function), dup_or_null(file), line, inlined,
    };
}

/* DIE's name, from its abstract origin for an inlined or out-of-line copy. */
static const char *die_name(Dwarf_Die *die)
{
    Dwarf_Attribute attr;
    return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
}

static int die_udata(Dwarf_Die *die, int name, Dwarf_Word *out)
{
    Dwarf_Attribute attr;
    return dwarf_formudata(dwarf_attr(die, name, &attr), out);
}

/* The source file and line an inlined call INLINED was made from. */
static const char *call_site(Dwarf_Die *inlined, int *line)
{
    Dwarf_Word index, call_line;
    Dwarf_Die cu;
    Dwarf_Files *files;
    size_t count;
    *line = die_udata(inlined, DW_AT_call_line, &call_line) == 0 ? (int)call_line : 0;
    if (die_udata(inlined, DW_AT_call_file, &index) != 0 || !dwarf_diecu(inlined, &cu, NULL, NULL) ||
        dwarf_getsrcfiles(&cu, &files, &count) != 0 || index >= count)
        return NULL;
    return dwarf_filesrc(files, index, NULL, NULL);
}

static bool is_function_scope(Dwarf_Die *die)
{
    int tag = dwarf_tag(die);
    return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
           tag == DW_TAG_entry_point;
}

static bool has_pc_attributes(Dwarf_Die *die)
{
    return dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges);
}

/* The child of SCOPE whose range holds PC, into *FOUND. The children of a lexical block
 * with no range at all count as SCOPE's own, as GDB reads them. */
static bool child_with_pc(Dwarf_Die *scope, Dwarf_Addr pc, Dwarf_Die *found, int depth)
{
    Dwarf_Die child;
    if (depth > MAX_SCOPE_DEPTH || dwarf_child(scope, &child) != 0)
        return false;
    do {
        if (dwarf_haspc(&child, pc) > 0) {
            *found = child;
            return true;
        }
        if (dwarf_tag(&child) == DW_TAG_lexical_block && !has_pc_attributes(&child) &&
            child_with_pc(&child, pc, found, depth + 1))
            return true;
    } while (dwarf_siblingof(&child, &child) == 0);
    return false;
}

/* The DIEs that contain PC, from the outermost below the CU down to the innermost, into
 * CHAIN (at most MAX); how many. libdw's dwarf_getscopes is not used: for an address in
 * an inlined call whose abstract definition is in another CU (LTO builds) it finds none. */
static int containing_dies(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die *chain, int max)
{
    int n = 0;
    Dwarf_Die scope = *cu;
    while (n < max && child_with_pc(&scope, pc, &chain[n], 0))
        scope = chain[n++];
    return n;
}

/* Adds the frames DWARF gives for LOOKUP; false when it gives none. */
static bool add_dwarf_frames(struct pyp_place *p, Dwfl_Module *mod, uint64_t lookup)
{
    Dwarf_Addr bias;
    Dwarf_Die *cu = dwfl_module_addrdie(mod, lookup, &bias);
    Dwarf_Die chain[MAX_SCOPE_DEPTH];
    int n = cu ? containing_dies(cu, lookup - bias, chain, MAX_SCOPE_DEPTH) : 0;
    int line = 0;
    Dwfl_Line *l = n > 0 ? dwfl_module_getsrc(mod, lookup) : NULL;
    const char *file = l ? dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;
    size_t before = p->count;
    for (int i = n - 1; i >= 0; i--) {
        if (!is_function_scope(&chain[i]))
            continue;
        bool inlined = dwarf_tag(&chain[i]) == DW_TAG_inlined_subroutine;
        add_frame(p, die_name(&chain[i]), file, line, inlined);
        if (!inlined)
            break;
        file = call_site(&chain[i], &line);
    }
    return p->count > before;
}

/* A symbol's name without its version ("pthread_cond_timedwait@@GLIBC_2.3.2"), as GDB
 * shows it. */
static char *unversioned(const char *symbol)
{
    return symbol ? pyp_xasprintf("%.*s", (int)strcspn(symbol, "@"), symbol) : NULL;
}

static char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return pyp_xstrdup(slash ? slash + 1 : path);
}

static struct pyp_place *copy_place(const struct pyp_place *from, uint64_t module_base)
{
    struct pyp_place *p = pyp_xcalloc(1, sizeof *p);
    for (size_t i = 0; i < from->count; i++) {
        const struct pyp_place_frame *f = &from->frames[i];
        add_frame(p, f->function, f->file, f->line, f->inlined);
    }
    p->module = dup_or_null(from->module);
    p->module_base = module_base;
    return p;
}

static struct pyp_place *place_of(Dwfl *dwfl, uint64_t lookup, bool dwarf,
                                  struct pyp_place_store *store)
{
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, lookup);
    if (!mod) {
        struct pyp_place *p = pyp_xcalloc(1, sizeof *p);
        add_frame(p, NULL, NULL, 0, false);
        return p;
    }
    Dwarf_Addr low, bias;
    const char *name = dwfl_module_info(mod, NULL, &low, NULL, NULL, NULL, NULL, NULL);
    uint64_t module_base = dwfl_module_getelf(mod, &bias) ? bias : low;
    const struct pyp_place *kept = store ? pyp_place_store_find(store, mod, lookup, module_base) : NULL;
    if (kept)
        return copy_place(kept, module_base);
    struct pyp_place *p = pyp_xcalloc(1, sizeof *p);
    p->module = name ? base_name(name) : NULL;
    p->module_base = module_base;
    if (!dwarf || !add_dwarf_frames(p, mod, lookup))
        add_frame(p, NULL, NULL, 0, false);
    struct pyp_place_frame *outer = &p->frames[p->count - 1];
    if (!outer->function)
        outer->function = unversioned(pyp_symbols_find(pyp_module_symbols(mod), lookup));
    if (store)
        pyp_place_store_add(store, mod, lookup, module_base, p);
    return p;
}

void pyp_namer_prepare(struct pyp_namer *n, Dwfl *dwfl, const uint64_t *lookups, size_t count)
{
    if (n->dwarf)
        return;               /* DWARF names most; symbols are looked up one by one */
    uint64_t *pending = pyp_xcalloc(count ? count : 1, sizeof *pending);
    Dwfl_Module **modules = pyp_xcalloc(count ? count : 1, sizeof *modules);
    size_t left = 0;
    for (size_t i = 0; i < count; i++)
        if (lookups[i] && !pyp_hashmap_get(&n->cache, lookups[i]) &&
            (modules[left] = dwfl_addrmodule(dwfl, lookups[i])) != NULL)
            pending[left++] = lookups[i];
    /* One module at a time: its addresses moved to the front, then prepared together. */
    for (size_t done = 0; done < left;) {
        Dwfl_Module *mod = modules[done];
        size_t same = done;
        for (size_t i = done; i < left; i++)
            if (modules[i] == mod) {
                uint64_t a = pending[i];
                Dwfl_Module *m = modules[i];
                pending[i] = pending[same];
                modules[i] = modules[same];
                pending[same] = a;
                modules[same++] = m;
            }
        pyp_symbols_prepare(pyp_module_symbols(mod), pending + done, same - done);
        done = same;
    }
    free(modules);
    free(pending);
}

const struct pyp_place *pyp_namer_place(struct pyp_namer *n, Dwfl *dwfl, uint64_t lookup)
{
    if (lookup == 0) {
        if (!n->at_zero)
            n->at_zero = place_of(dwfl, 0, n->dwarf, NULL);
        return n->at_zero;
    }
    struct pyp_place *p = pyp_hashmap_get(&n->cache, lookup);
    if (!p) {
        p = place_of(dwfl, lookup, n->dwarf, n->store);
        pyp_hashmap_put(&n->cache, lookup, p);
    }
    return p;
}

static void free_place(void *v)
{
    struct pyp_place *p = v;
    for (size_t i = 0; i < p->count; i++) {
        free(p->frames[i].function);
        free(p->frames[i].file);
    }
    free(p->frames);
    free(p->module);
    free(p);
}

void pyp_namer_free(struct pyp_namer *n)
{
    pyp_hashmap_free(&n->cache, free_place);
    if (n->at_zero)
        free_place(n->at_zero);
}
