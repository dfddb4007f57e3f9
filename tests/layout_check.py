"""Reads the facts of a layout table back out of a real binary, with GDB: from its DWARF
(the first oracle) and from the _Py_DebugOffsets in its _PyRuntime (the second, 3.13+).

GDB opens the file statically (no process). One `printf` per fact, each its own -ex so
that a failing one (a field the binary does not have) reports and the rest go on."""
import json
import re
import subprocess

MARK = '@@pyp '


def load_table(path):
    with open(path) as f:
        return json.load(f)


def c_type(spelling):
    """'struct-_gil_runtime_state.locked' -> ('struct _gil_runtime_state', 'locked')."""
    type_name, _, path = spelling.partition('.')
    if type_name.startswith('struct-'):
        type_name = 'struct ' + type_name[len('struct-'):]
    return type_name, path


def dwarf_expression(fact):
    """The GDB expression whose value DWARF gives for FACT, or None (not in DWARF)."""
    kind, spelling = fact['kind'], fact['c']
    if kind == 'size':
        return 'sizeof(%s)' % c_type(spelling)[0]
    if kind in ('offset', 'debug'):
        type_name, path = c_type(spelling)
        return '(long)&((%s *)0)->%s' % (type_name, path)
    if kind == 'enum':
        return '(long)(%s)' % spelling
    return None  # const (macros), value (features), bitfield (read with ptype/o)


def run_gdb(target, commands, timeout=300):
    argv = target.gdb_file_argv()
    for c in commands:
        argv += ['-ex', c]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return r.stdout + r.stderr


def parse_marked(output):
    values = {}
    for line in output.splitlines():
        if line.startswith(MARK):
            name, value = line[len(MARK):].split()
            values[name] = int(value)
    return values


BITFIELD_LINE = re.compile(r'/\*\s+(\d+)(?::\s*(\d+))?\s+\|\s+(\d+)\s+\*/.*?\b(\w+)(?:\s*:\s*(\d+))?;')


def bitfields_from_ptype(output):
    """{field name: (bit offset, width)} of every member line of a `ptype/o`."""
    fields = {}
    for m in BITFIELD_LINE.finditer(output):
        byte, bit, size, name, width = m.groups()
        fields[name] = (int(byte) * 8 + int(bit or 0), int(width) if width else int(size) * 8)
    return fields


def dwarf_values(target, table):
    """{fact name: value from the binary's DWARF} for every fact DWARF can answer.
    Bit-fields map to (bit offset, width)."""
    facts = {n: f for n, f in table['facts'].items() if f}
    commands = []
    for name, fact in facts.items():
        expr = dwarf_expression(fact)
        if expr:
            commands.append('printf "%s%s %%ld\\n", %s' % (MARK, name, expr))
    values = parse_marked(run_gdb(target, commands))
    bit_types = sorted({c_type(f['c'])[0] for f in facts.values() if f['kind'] == 'bitfield'})
    for type_name in bit_types:
        fields = bitfields_from_ptype(run_gdb(target, ['ptype/o ' + type_name]))
        for name, fact in facts.items():
            if fact['kind'] == 'bitfield' and c_type(fact['c'])[0] == type_name:
                leaf = fact['c'].rsplit('.', 1)[1]
                if leaf in fields:
                    values[name] = fields[leaf]
    return values


def debug_offsets_values(target, table):
    """{dbg fact name: the u64 the binary's _PyRuntime holds there}, plus 'cookie'."""
    facts = {n: f for n, f in table['facts'].items() if f and f['kind'] == 'debug'}
    base = table['facts']['runtime.debug_offsets']['value']
    commands = ['printf "%scookie %%lu\\n", *(unsigned long *)((char *)&_PyRuntime + %d)'
                % (MARK, base)]
    for name, fact in facts.items():
        commands.append('printf "%s%s %%lu\\n", *(unsigned long *)((char *)&_PyRuntime + %d)'
                        % (MARK, name, base + fact['value']))
    return parse_marked(run_gdb(target, commands))
