/* native_symbols.c: a module's code symbols, for naming addresses (native_dwfl.h).
 * libdwfl's own lookup scans and validates the whole symbol table for every address;
 * here the table is read once into small entries (address, size, index: 16 bytes),
 * straight from the ELF section libdwfl chose when it is a plain one (its .symtab or
 * .dynsym, main or debug file), else through libdwfl. The first few lookups scan the
 * entries; after LINEAR_LOOKUPS of them the entries are sorted once and searched.
 *
 * Kept: defined symbols of type FUNC or GNU_IFUNC, and NOTYPE ones in executable
 * sections (hand-written assembly). At one address a global name wins over a weak one,
 * a weak over a local one, a sized over a sizeless one. A sized symbol names the
 * addresses inside it; a sizeless one those up to the next symbol. Names live as long
 * as the Dwfl. */
#include "native_dwfl.h"

#include <stdlib.h>

#include "buf.h"

enum { LINEAR_LOOKUPS = 16, MAX_INDEX = 1 << 29 };

struct symbol {
    uint64_t addr;
    uint32_t size;            /* UINT32_MAX for larger ones */
    uint32_t index_rank;      /* symbol table index << 2 | rank: 2 global, 1 weak, 0 local */
};

struct pyp_symbols {
    Dwfl_Module *mod;
    Elf *elf;                 /* the table read directly, or NULL: names through libdwfl */
    Elf_Data *data;
    size_t strtab;            /* its string table's section index */
    struct symbol *list;
    size_t count, cap;
    size_t lookups;
    bool sorted;
};

static bool in_code(Elf *elf, size_t shndx)
{
    GElf_Shdr sh;
    Elf_Scn *scn = elf ? elf_getscn(elf, shndx) : NULL;
    return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static bool is_code_symbol(const GElf_Sym *sym, size_t shndx, Elf *elf)
{
    int type = GELF_ST_TYPE(sym->st_info);
    if (shndx == SHN_UNDEF || shndx == SHN_ABS || shndx == (size_t)-1 || sym->st_name == 0)
        return false;
    return type == STT_FUNC || type == STT_GNU_IFUNC || (type == STT_NOTYPE && in_code(elf, shndx));
}

static int rank_of(const struct symbol *s)
{
    return (int)(s->index_rank & 3);
}

/* Whether X is the better name for their common address. */
static bool preferred(const struct symbol *x, const struct symbol *y)
{
    if (rank_of(x) != rank_of(y))
        return rank_of(x) > rank_of(y);
    return x->size > 0 && y->size == 0;
}

static int by_address(const void *a, const void *b)
{
    const struct symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return preferred(x, y) ? -1 : preferred(y, x) ? 1 : 0;
}

static void add(struct pyp_symbols *s, const GElf_Sym *sym, uint64_t addr, size_t index)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->list = pyp_xrealloc(s->list, s->cap * sizeof *s->list);
    }
    int bind = GELF_ST_BIND(sym->st_info);
    uint32_t rank = bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
    s->list[s->count++] = (struct symbol){
        addr, sym->st_size < UINT32_MAX ? (uint32_t)sym->st_size : UINT32_MAX,
        (uint32_t)index << 2 | rank,
    };
}

/* The section of ELF holding a symbol table of TYPE with COUNT entries, or NULL. */
static Elf_Scn *table_of(Elf *elf, Elf64_Word type, size_t count, GElf_Shdr *sh)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL)
        if (gelf_getshdr(scn, sh) && sh->sh_type == type && sh->sh_entsize &&
            sh->sh_size / sh->sh_entsize == count)
            return scn;
    return NULL;
}

/* Reads the table libdwfl numbers 0..COUNT-1 straight from ELF, when it is one section. */
static bool load_direct(struct pyp_symbols *s, Elf *elf, uint64_t bias, size_t count)
{
    GElf_Shdr sh;
    Elf_Scn *scn = table_of(elf, SHT_SYMTAB, count, &sh);
    if (!scn)
        scn = table_of(elf, SHT_DYNSYM, count, &sh);
    Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
    if (!data)
        return false;
    s->elf = elf;
    s->data = data;
    s->strtab = sh.sh_link;
    for (size_t i = 1; i < count && i < MAX_INDEX; i++) {
        GElf_Sym sym;
        if (gelf_getsym(data, (int)i, &sym) && is_code_symbol(&sym, sym.st_shndx, elf))
            add(s, &sym, sym.st_value + bias, i);
    }
    return true;
}

static void load_through_dwfl(struct pyp_symbols *s, size_t count)
{
    for (size_t i = 1; i < count && i < MAX_INDEX; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        Elf *elf;
        if (dwfl_module_getsym_info(s->mod, (int)i, &sym, &addr, &shndx, &elf, NULL) &&
            is_code_symbol(&sym, shndx, elf))
            add(s, &sym, addr, i);
    }
}

struct pyp_symbols *pyp_symbols_load(Dwfl_Module *mod)
{
    struct pyp_symbols *s = pyp_xcalloc(1, sizeof *s);
    s->mod = mod;
    int n = dwfl_module_getsymtab(mod);
    GElf_Sym first;
    GElf_Addr addr;
    Elf *elf = NULL;
    Dwarf_Addr bias = 0;
    if (n <= 1 || !dwfl_module_getsym_info(mod, 1, &first, &addr, NULL, &elf, &bias))
        return s;
    if (!elf || !load_direct(s, elf, bias, (size_t)n))
        load_through_dwfl(s, (size_t)n);
    return s;
}

static void sort(struct pyp_symbols *s)
{
    if (s->count > 1)
        qsort(s->list, s->count, sizeof *s->list, by_address);
    size_t kept = 0;
    for (size_t i = 0; i < s->count; i++)
        if (kept == 0 || s->list[kept - 1].addr != s->list[i].addr)
            s->list[kept++] = s->list[i];
    s->count = kept;
    s->sorted = true;
}

/* The entry with the highest address at or below ADDR (the preferred one there). */
static const struct symbol *below(const struct pyp_symbols *s, uint64_t addr)
{
    if (s->sorted) {
        size_t lo = 0, hi = s->count;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->list[mid].addr <= addr)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo ? &s->list[lo - 1] : NULL;
    }
    const struct symbol *best = NULL;
    for (size_t i = 0; i < s->count; i++) {
        const struct symbol *e = &s->list[i];
        if (e->addr <= addr && (!best || e->addr > best->addr ||
                                (e->addr == best->addr && preferred(e, best))))
            best = e;
    }
    return best;
}

static const char *name_of(const struct pyp_symbols *s, const struct symbol *sym)
{
    int index = (int)(sym->index_rank >> 2);
    GElf_Sym es;
    if (s->elf)
        return gelf_getsym(s->data, index, &es) ? elf_strptr(s->elf, s->strtab, es.st_name) : NULL;
    GElf_Addr addr;
    return dwfl_module_getsym_info(s->mod, index, &es, &addr, NULL, NULL, NULL);
}

const char *pyp_symbols_find(struct pyp_symbols *s, uint64_t addr)
{
    if (!s)
        return NULL;
    if (!s->sorted && ++s->lookups > LINEAR_LOOKUPS)
        sort(s);
    const struct symbol *sym = below(s, addr);
    if (!sym || (sym->size != 0 && addr - sym->addr >= sym->size))
        return NULL;
    return name_of(s, sym);
}

void pyp_symbols_free(struct pyp_symbols *s)
{
    if (!s)
        return;
    free(s->list);
    free(s);
}
