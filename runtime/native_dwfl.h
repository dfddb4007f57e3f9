/* native_dwfl.h: the libdwfl side of the native unwinder (native.c), internal to it.
 *
 *   native_modules.c  the target's mapped ELF files as libdwfl modules, each opened only
 *                     when an address in it is first looked up, and their debug info;
 *   native_state.c    the threads' registers and the target's memory, for unwinding;
 *   native_symbols.c  a module's code symbols, sorted for lookup;
 *   native_names.c    what an address is called: symbol, DWARF function, inlined calls,
 *                     source line.
 *
 * All of them read the target through the target layer (target.h), never the host's
 * view of a process, so a live process and a core unwind alike. */
#ifndef PYP_NATIVE_DWFL_H
#define PYP_NATIVE_DWFL_H

#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"
#include "target.h"

/* native_modules.c. A Dwfl session over T's address space with every mapped ELF file
 * reported as a module; NULL (ERR says why) when libdwfl cannot start. */
struct pyp_modules;
Dwfl *pyp_modules_begin(struct pyp_target *t, struct pyp_modules **out, char *err, size_t err_size);
/* Ends the session and frees what pyp_modules_begin made. */
void pyp_modules_end(Dwfl *dwfl, struct pyp_modules *m);

/* The code symbols of module MOD (native_symbols.c), loaded on first use and kept with
 * the module. */
struct pyp_symbols *pyp_module_symbols(Dwfl_Module *mod);

/* native_symbols.c. */
struct pyp_symbols;
struct pyp_symbols *pyp_symbols_load(Dwfl_Module *mod);
/* Readies the names of the COUNT addresses ADDRS (of S's module) for pyp_symbols_find:
 * a few batches are answered by one pass over the table each, without loading it. */
void pyp_symbols_prepare(struct pyp_symbols *s, const uint64_t *addrs, size_t count);
/* The name of the code symbol ADDR is in, or NULL. */
const char *pyp_symbols_find(struct pyp_symbols *s, uint64_t addr);
void pyp_symbols_free(struct pyp_symbols *s);

/* native_state.c. Lets DWFL unwind the threads of T from their registers. *ARCH is an
 * ELF handle libdwfl keeps using: the caller ends it after dwfl_end. */
bool pyp_state_attach(Dwfl *dwfl, struct pyp_target *t, Elf **arch, char *err, size_t err_size);

/* native_names.c. What one code address is: the frames it stands for, innermost first
 * (several when calls were inlined there), in which module. */
struct pyp_place_frame {
    char *function;           /* NULL when unknown */
    char *file;               /* NULL without DWARF */
    int line;
    bool inlined;             /* an inlined call inside the next frame */
};

struct pyp_place {
    struct pyp_place_frame *frames;  /* at least one */
    size_t count;
    char *module;             /* base name of the module's file, NULL outside any */
    uint64_t module_base;     /* address of the module's file address 0 */
};

struct pyp_namer {
    bool dwarf;               /* read DWARF; else symbol tables only (cheaper) */
    struct pyp_place_store *store;  /* places kept between runs (DWARF namer), or NULL */
    struct pyp_hashmap cache; /* lookup address -> struct pyp_place * */
    struct pyp_place *at_zero;  /* address 0 (a call through NULL), which the map cannot key */
};

/* Readies the places of the COUNT addresses LOOKUPS, of one thread, to be asked next:
 * names from the symbol tables are then found in one pass per module. */
void pyp_namer_prepare(struct pyp_namer *n, Dwfl *dwfl, const uint64_t *lookups, size_t count);
/* The place of LOOKUP (a pc, or a return address minus one), cached in N. */
const struct pyp_place *pyp_namer_place(struct pyp_namer *n, Dwfl *dwfl, uint64_t lookup);
void pyp_namer_free(struct pyp_namer *n);

/* native_place_store.c. Places kept between runs in the file "places" of directory DIR
 * (the store closes it), for DWARF looked for in DIRS under SYSROOT (NULL: none), part
 * of the key; NULL never. */
struct pyp_place_store;
struct pyp_place_store *pyp_place_store_open(int dir, const char *dirs, const char *sysroot);
void pyp_place_store_close(struct pyp_place_store *s);
/* The stored place of LOOKUP in MOD (whose file address 0 is at MODULE_BASE), or NULL. */
const struct pyp_place *pyp_place_store_find(struct pyp_place_store *s, Dwfl_Module *mod,
                                             uint64_t lookup, uint64_t module_base);
void pyp_place_store_add(struct pyp_place_store *s, Dwfl_Module *mod, uint64_t lookup,
                         uint64_t module_base, const struct pyp_place *p);

#endif
