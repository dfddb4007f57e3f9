"""Run INSIDE a target interpreter (any 3.8-3.15): checks the table's constants against
the interpreter's own behaviour, reading its objects with ctypes. Prints one JSON object
{fact: [table value, observed value]} on stdout. argv[1] is the table's JSON path.

Only facts the running interpreter can show are observed; the caller compares them."""
import ctypes
import json
import sys
import weakref

facts = {k: v['value'] for k, v in json.load(open(sys.argv[1]))['facts'].items() if v}
seen = {}


def note(name, observed):
    if name in facts:
        seen[name] = [facts[name], observed]


def word(addr):
    return ctypes.c_size_t.from_address(addr).value


def sword(addr):
    return ctypes.c_ssize_t.from_address(addr).value


note('version.hex', sys.hexversion)
note('version.long_shift', sys.int_info.bits_per_digit)


class Plain:
    pass


# A flag is observed as itself when the type that must have it has it (else 0).
def flag_of(name, cls):
    value = facts.get(name)
    if value is not None:
        note(name, value if cls.__flags__ & value else 0)


flag_of('tpflags.heaptype', Plain)
flag_of('tpflags.long_subclass', int)
flag_of('tpflags.list_subclass', list)
flag_of('tpflags.tuple_subclass', tuple)
flag_of('tpflags.bytes_subclass', bytes)
flag_of('tpflags.unicode_subclass', str)
flag_of('tpflags.dict_subclass', dict)
flag_of('tpflags.base_exc_subclass', BaseException)
flag_of('tpflags.type_subclass', type)
flag_of('tpflags.managed_dict', Plain)
flag_of('tpflags.managed_weakref', Plain)
flag_of('tpflags.inline_values', Plain)

# Managed dict / weakref slots: the word at obj + offset is the dict / weakref object.
obj = Plain()
obj.attr = 1
d = obj.__dict__  # materializes the dict
if 'managed.dict_offset' in facts:
    off = facts['managed.dict_offset']
    note('managed.dict_offset', off if word(id(obj) + off) == id(d) else None)
if 'managed.weakref_offset' in facts:
    r = weakref.ref(obj)
    off = facts['managed.weakref_offset']
    note('managed.weakref_offset', off if word(id(obj) + off) == id(r) else None)

# int representation 2 (3.12+): sign bits and digit count of -5 and 0.
if 'long.lv_tag' in facts:
    tag = word(id(-5) + facts['long.lv_tag'])
    mask, shift = facts['long.sign_mask'], facts['long.non_size_bits']
    note('long.sign_mask', mask if (tag & mask) == 2 and (word(id(0) + facts['long.lv_tag']) & mask) == 1 else None)
    note('long.non_size_bits', shift if tag >> shift == 1 else None)


# Fast-local kinds (3.11+): a plain local, a local captured by a closure, a free variable.
def outer(arg):
    plain = 1
    captured = 2

    def inner():
        return captured
    return inner


if 'code.localspluskinds' in facts:
    def kinds(code):
        b = word(id(code) + facts['code.localspluskinds'])
        return ctypes.string_at(b + facts['bytes.sval'], sword(b + facts['bytes.ob_size']))
    names = outer.__code__.co_varnames + outer.__code__.co_cellvars
    k = kinds(outer.__code__)
    all_names = list(dict.fromkeys(names))
    # Slot order is co_localsplusnames; read it to index the kinds.
    t = word(id(outer.__code__) + facts['code.localsplusnames'])
    slots = [ctypes.cast(word(t + facts['tuple.items'] + 8 * i), ctypes.py_object).value
             for i in range(len(k))]
    by_name = dict(zip(slots, k))
    local, cell, free = facts['fast.local'], facts['fast.cell'], facts['fast.free']
    note('fast.local', local if by_name['plain'] & local and not by_name['plain'] & cell else None)
    note('fast.cell', cell if by_name['captured'] & cell else None)
    free_kinds = kinds(outer(0).__code__)
    note('fast.free', free if free_kinds and all(x & free for x in free_kinds) else None)
    if 'fast.hidden' in facts:
        # 3.12+ inlines comprehensions: at module level, their variable becomes a hidden
        # fast local of the module's code.
        code = compile('[item for item in range(3)]', '<probe>', 'exec')
        t = word(id(code) + facts['code.localsplusnames'])
        ck = kinds(code)
        names = [ctypes.cast(word(t + facts['tuple.items'] + 8 * i), ctypes.py_object).value
                 for i in range(len(ck))]
        hidden = facts['fast.hidden']
        note('fast.hidden', hidden if 'item' in names and ck[names.index('item')] & hidden else None)

# _PyStackRef (3.14+): the slot of a live local holds its address with tag bits.
if 'stackref.tag_bits' in facts:
    tag_bits = facts['stackref.tag_bits']

    def live():
        value = object()
        gone = 1
        del gone
        frame = sys._getframe()
        iframe = word(id(frame) + facts['pyframe.iframe'])
        code = frame.f_code
        t = word(id(code) + facts['code.localsplusnames'])
        slots = [ctypes.cast(word(t + facts['tuple.items'] + 8 * i), ctypes.py_object).value
                 for i in range(len(code.co_varnames))]
        slot = iframe + facts['iframe.localsplus']
        return word(slot + 8 * slots.index('value')), id(value), word(slot + 8 * slots.index('gone'))
    bits, addr, null = live()
    note('stackref.tag_bits', tag_bits if bits & ~tag_bits == addr and bits & tag_bits != tag_bits else None)
    note('stackref.null_bits', null)

print(json.dumps(seen))
