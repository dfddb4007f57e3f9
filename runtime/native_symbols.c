/* native_symbols.c: a module's code symbols sorted by address (native_dwfl.h), so that
 * naming many addresses costs one pass over the symbol table, not one per address as
 * libdwfl's own lookup does.
 *
 * Kept: defined symbols of type FUNC or GNU_IFUNC, and NOTYPE ones in executable
 * sections (hand-written assembly). At one address a global name wins over a weak one,
 * a weak over a local one. A sized symbol names the addresses inside it; a sizeless one
 * those up to the next symbol. Names point into libdwfl's copy of the symbol table and
 * live as long as the Dwfl. */
#include "native_dwfl.h"

#include <stdlib.h>

#include "buf.h"

struct symbol {
    uint64_t addr, size;
    const char *name;
    int rank;                 /* 2 global, 1 weak, 0 local */
};

struct pyp_symbols {
    struct symbol *list;
    size_t count;
};

static bool in_code(Elf *elf, GElf_Word shndx)
{
    GElf_Shdr sh;
    Elf_Scn *scn = elf ? elf_getscn(elf, shndx) : NULL;
    return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static bool is_code_symbol(const GElf_Sym *sym, GElf_Word shndx, Elf *elf)
{
    int type = GELF_ST_TYPE(sym->st_info);
    if (shndx == SHN_UNDEF || shndx == (GElf_Word)-1 || shndx == SHN_ABS)
        return false;
    return type == STT_FUNC || type == STT_GNU_IFUNC || (type == STT_NOTYPE && in_code(elf, shndx));
}

static int rank_of(const GElf_Sym *sym)
{
    int bind = GELF_ST_BIND(sym->st_info);
    return bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
}

/* By address, the preferred name first. */
static int by_address(const void *a, const void *b)
{
    const struct symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->rank != y->rank)
        return y->rank - x->rank;
    return (y->size > 0) - (x->size > 0);
}

static void keep_first_per_address(struct pyp_symbols *s)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->count; i++)
        if (kept == 0 || s->list[kept - 1].addr != s->list[i].addr)
            s->list[kept++] = s->list[i];
    s->count = kept;
}

struct pyp_symbols *pyp_symbols_load(Dwfl_Module *mod)
{
    struct pyp_symbols *s = pyp_xcalloc(1, sizeof *s);
    int n = dwfl_module_getsymtab(mod);
    if (n <= 0)
        return s;
    s->list = pyp_xcalloc((size_t)n, sizeof *s->list);
    for (int i = 1; i < n; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        Elf *elf;
        const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, &elf, NULL);
        if (name && *name && is_code_symbol(&sym, shndx, elf))
            s->list[s->count++] = (struct symbol){ addr, sym.st_size, name, rank_of(&sym) };
    }
    qsort(s->list, s->count, sizeof *s->list, by_address);
    keep_first_per_address(s);
    return s;
}

const char *pyp_symbols_find(const struct pyp_symbols *s, uint64_t addr)
{
    size_t lo = 0, hi = s ? s->count : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->list[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct symbol *sym = &s->list[lo - 1];
    return sym->size == 0 || addr - sym->addr < sym->size ? sym->name : NULL;
}

void pyp_symbols_free(struct pyp_symbols *s)
{
    if (!s)
        return;
    free(s->list);
    free(s);
}
