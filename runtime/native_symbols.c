/* native_symbols.c: a module's code symbols, for naming addresses (native_dwfl.h).
 * libdwfl's own lookup scans and validates the whole symbol table for every address.
 * Here, when libdwfl's table is one plain ELF section (its .symtab or .dynsym, main or
 * debug file), the first DIRECT_SCANS batches of addresses are answered by one pass
 * each over that section in place: a thread's status needs a few dozen names, and
 * copying and sorting a debug file's table costs more than the rest of the run. Past
 * them, for a big batch, or when the table is not one section, the table is read once
 * into small entries (address, size, index: 16 bytes), sorted, and searched.
 *
 * Kept: defined symbols of type FUNC or GNU_IFUNC, and NOTYPE ones in executable
 * sections (hand-written assembly). At one address a global name wins over a weak one,
 * a weak over a local one, a sized over a sizeless one. A sized symbol names the
 * addresses inside it; a sizeless one those up to the next symbol. Names live as long
 * as the Dwfl. */
#include "native_dwfl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

enum { DIRECT_SCANS = 2, DIRECT_BATCH = 64, MAX_INDEX = 1 << 29 };

struct symbol {
    uint64_t addr;
    uint32_t size;            /* UINT32_MAX for larger ones */
    uint32_t index_rank;      /* symbol table index << 2 | rank: 2 global, 1 weak, 0 local */
};

/* What a direct scan found below one address. */
struct answer {
    uint64_t addr;
    struct symbol below;
    bool found;
};

struct pyp_symbols {
    Dwfl_Module *mod;
    Elf *elf;                 /* the table read directly, or NULL: names through libdwfl */
    Elf_Data *data;
    size_t strtab;            /* its string table's section index */
    uint64_t bias;            /* added to the direct table's values */
    size_t table_count;       /* entries in libdwfl's numbering */
    struct answer *answers;   /* from direct scans, before the table is loaded */
    size_t answer_count;
    size_t scans;
    struct symbol *list;      /* the table, sorted, once loaded */
    size_t count, cap;
    bool loaded;
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

static struct symbol entry_of(const GElf_Sym *sym, uint64_t addr, size_t index)
{
    int bind = GELF_ST_BIND(sym->st_info);
    uint32_t rank = bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
    return (struct symbol){
        addr, sym->st_size < UINT32_MAX ? (uint32_t)sym->st_size : UINT32_MAX,
        (uint32_t)index << 2 | rank,
    };
}

static void add(struct pyp_symbols *s, struct symbol e)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->list = pyp_xrealloc(s->list, s->cap * sizeof *s->list);
    }
    s->list[s->count++] = e;
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

/* Finds the section behind the table libdwfl numbers 0..COUNT-1, when it is one. */
static bool open_direct(struct pyp_symbols *s, Elf *elf, uint64_t bias, size_t count)
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
    s->bias = bias;
    return true;
}

/* Calls VISIT for each code symbol of the direct table. */
static void each_direct(const struct pyp_symbols *s, void (*visit)(void *, struct symbol), void *arg)
{
    size_t count = s->table_count < MAX_INDEX ? s->table_count : MAX_INDEX;
    bool in_place = gelf_getclass(s->elf) == ELFCLASS64 && s->data->d_type == ELF_T_SYM;
    if (in_place && count > s->data->d_size / sizeof(Elf64_Sym))
        count = s->data->d_size / sizeof(Elf64_Sym);
    const Elf64_Sym *table = s->data->d_buf;
    for (size_t i = 1; i < count; i++) {
        GElf_Sym copy;
        const GElf_Sym *sym = in_place ? &table[i] : gelf_getsym(s->data, (int)i, &copy);
        if (sym && is_code_symbol(sym, sym->st_shndx, s->elf))
            visit(arg, entry_of(sym, sym->st_value + s->bias, i));
    }
}

static void add_visited(void *arg, struct symbol e)
{
    add(arg, e);
}

static void load_through_dwfl(struct pyp_symbols *s)
{
    for (size_t i = 1; i < s->table_count && i < MAX_INDEX; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        Elf *elf;
        if (dwfl_module_getsym_info(s->mod, (int)i, &sym, &addr, &shndx, &elf, NULL) &&
            is_code_symbol(&sym, shndx, elf))
            add(s, entry_of(&sym, addr, i));
    }
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
}

static void load(struct pyp_symbols *s)
{
    if (s->elf)
        each_direct(s, add_visited, s);
    else
        load_through_dwfl(s);
    sort(s);
    s->loaded = true;
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
    if (n <= 1 || !dwfl_module_getsym_info(mod, 1, &first, &addr, NULL, &elf, &bias)) {
        s->loaded = true;
        return s;
    }
    s->table_count = (size_t)n;
    if (!elf || !open_direct(s, elf, bias, (size_t)n))
        load(s);
    return s;
}

static const struct answer *answer_for(const struct pyp_symbols *s, uint64_t addr)
{
    for (size_t i = 0; i < s->answer_count; i++)
        if (s->answers[i].addr == addr)
            return &s->answers[i];
    return NULL;
}

/* One direct scan's answers in the making, sorted by address: the best symbol found so
 * far below each never decreases along them, so a symbol at E improves a run of them
 * that starts at the first address at or above E and ends at the first it does not. */
struct scan {
    struct answer *pending;
    size_t count;
};

static bool improves(const struct symbol *e, const struct answer *a)
{
    return !a->found || e->addr > a->below.addr ||
           (e->addr == a->below.addr && preferred(e, &a->below));
}

static void keep_below(void *arg, struct symbol e)
{
    struct scan *sc = arg;
    size_t lo = 0, hi = sc->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sc->pending[mid].addr < e.addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < sc->count && improves(&e, &sc->pending[i]); i++) {
        sc->pending[i].below = e;
        sc->pending[i].found = true;
    }
}

static int by_answer_address(const void *a, const void *b)
{
    const struct answer *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void pyp_symbols_prepare(struct pyp_symbols *s, const uint64_t *addrs, size_t count)
{
    if (!s || s->loaded)
        return;
    struct scan sc = { pyp_xcalloc(count ? count : 1, sizeof *sc.pending), 0 };
    for (size_t i = 0; i < count; i++)
        if (!answer_for(s, addrs[i]))
            sc.pending[sc.count++].addr = addrs[i];
    qsort(sc.pending, sc.count, sizeof *sc.pending, by_answer_address);
    size_t distinct = 0;
    for (size_t i = 0; i < sc.count; i++)
        if (distinct == 0 || sc.pending[distinct - 1].addr != sc.pending[i].addr)
            sc.pending[distinct++] = sc.pending[i];
    sc.count = distinct;
    if (sc.count > 0 && (s->scans >= DIRECT_SCANS || sc.count > DIRECT_BATCH)) {
        load(s);
    } else if (sc.count > 0) {
        s->scans++;
        each_direct(s, keep_below, &sc);
        s->answers = pyp_xrealloc(s->answers, (s->answer_count + sc.count) * sizeof *s->answers);
        memcpy(s->answers + s->answer_count, sc.pending, sc.count * sizeof *sc.pending);
        s->answer_count += sc.count;
    }
    free(sc.pending);
}

/* The loaded entry with the highest address at or below ADDR (the preferred one there). */
static const struct symbol *below(const struct pyp_symbols *s, uint64_t addr)
{
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
    if (!s->loaded && !answer_for(s, addr))
        pyp_symbols_prepare(s, &addr, 1);
    const struct symbol *sym;
    if (s->loaded) {
        sym = below(s, addr);
    } else {
        const struct answer *a = answer_for(s, addr);
        sym = a && a->found ? &a->below : NULL;
    }
    if (!sym || (sym->size != 0 && addr - sym->addr >= sym->size))
        return NULL;
    return name_of(s, sym);
}

void pyp_symbols_free(struct pyp_symbols *s)
{
    if (!s)
        return;
    free(s->answers);
    free(s->list);
    free(s);
}
