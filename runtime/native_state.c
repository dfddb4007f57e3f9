/* native_state.c: the thread state libdwfl unwinds from (native_dwfl.h): each OS
 * thread's registers as the target layer read them (ptrace for a live process,
 * NT_PRSTATUS for a core), and the target's memory through its memory source. The same
 * callbacks serve live processes and cores; nothing here touches the process itself. */
#include "native_dwfl.h"

#include <elf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>

/* x86-64 DWARF register numbers 0-16: rax rdx rcx rbx rsi rdi rbp rsp r8-r15, and the
 * return address column (16), which holds the pc of the first frame. */
enum { X86_64_DWARF_REGS = 17 };

static void dwarf_registers(const struct user_regs_struct *r, Dwarf_Word *out)
{
    const unsigned long long in[X86_64_DWARF_REGS] = {
        r->rax, r->rdx, r->rcx, r->rbx, r->rsi, r->rdi, r->rbp, r->rsp,
        r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15, r->rip,
    };
    for (size_t i = 0; i < X86_64_DWARF_REGS; i++)
        out[i] = in[i];
}

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_arg)
{
    (void)dwfl;
    struct pyp_target *t = arg;
    const struct pyp_os_thread *prev = *thread_arg;
    size_t i = prev ? (size_t)(prev - t->threads) + 1 : 0;
    while (i < t->thread_count && !t->threads[i].have_regs)
        i++;
    if (i >= t->thread_count)
        return 0;
    *thread_arg = &t->threads[i];
    return t->threads[i].tid;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_arg)
{
    (void)dwfl;
    struct pyp_os_thread *th = pyp_target_thread(arg, tid);
    if (!th || !th->have_regs)
        return false;
    *thread_arg = th;
    return true;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
    (void)dwfl;
    const struct pyp_target *t = arg;
    uint64_t word;
    if (!pyp_mem_read(t->mem, addr, &word, sizeof word))
        return false;
    *result = word;
    return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
    const struct pyp_os_thread *th = thread_arg;
    Dwarf_Word regs[X86_64_DWARF_REGS];
    dwarf_registers(&th->regs, regs);
    return dwfl_thread_state_registers(thread, 0, X86_64_DWARF_REGS, regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
    .next_thread = next_thread,
    .get_thread = get_thread,
    .memory_read = memory_read,
    .set_initial_registers = set_initial_registers,
};

/* libdwfl takes the architecture from an ELF header: an x86-64 one, made here, so that
 * no module has to be opened for it. */
static unsigned char x86_64_header[sizeof(Elf64_Ehdr)];

static Elf *architecture_elf(void)
{
    Elf64_Ehdr eh = {
        .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
        .e_type = ET_CORE,
        .e_machine = EM_X86_64,
        .e_version = EV_CURRENT,
        .e_ehsize = sizeof(Elf64_Ehdr),
    };
    memcpy(x86_64_header, &eh, sizeof eh);
    return elf_memory((char *)x86_64_header, sizeof x86_64_header);
}

bool pyp_state_attach(Dwfl *dwfl, struct pyp_target *t, Elf **arch, char *err, size_t err_size)
{
    *arch = architecture_elf();
    if (!*arch || !dwfl_attach_state(dwfl, *arch, t->pid, &thread_callbacks, t)) {
        snprintf(err, err_size, "libdwfl cannot unwind: %s", dwfl_errmsg(-1));
        return false;
    }
    return true;
}
