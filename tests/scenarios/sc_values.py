"""Scenario: one frame holding a value of every kind python-gdb.py prints, with edge
cases; every value is also registered for `py-repr ADDRESS`. The fidelity values (deep
containers without a cycle beside one with a cycle a few levels down, ints of 100, 1,000
and 10,000 digits, strings of every kind of character, 3.15's frozendicts) are
checked here against Python's own repr() before the truth is written."""
import builtins
import sys
import time

import truth


class Plain:
    pass


class WithAttrs:
    def __init__(self):
        self.a = 1
        self.b = 'two'
        self.c = [3.5]


class Slotted:
    __slots__ = ('x',)

    def __init__(self):
        self.x = 1


class SubList(list):
    pass


def nest(depth, wrap, inner):
    v = inner
    for i in range(depth):
        v = wrap(v, i)
    return v


def deep_with_cycle(depth, back):
    """DEPTH nested lists; the innermost also holds the list BACK levels above it."""
    chain = [[]]
    for _ in range(depth):
        chain.append([chain[-1]])
    chain[0].append(chain[back])
    return chain[-1]


# Characters whose printability the Unicode version of each CPython decides: assigned
# (printable) from Unicode 13 (CPython 3.9), 14 (3.11), 15 (3.12), 15.1 (3.13), 16 (3.14),
# 17 (3.15), unassigned (escaped) before.
UNICODE_NEWER = ('\u08be \U0001f10d \u061d \U0001f6dd \u0ece \U0001f6dc \u2ffc \U0002ebf0 '
                 '\u0897 \U0001f8b2 \u088f \U0001f6d8')


def fidelity():
    """{name: value} of the fidelity values."""
    v = {
        'deep_list': nest(400, lambda v, i: [v], []),
        'deep_dict': nest(300, lambda v, i: {'k': v}, {}),
        'deep_tuple': nest(200, lambda v, i: (v,), ()),
        'deep_frozenset': nest(200, lambda v, i: frozenset({v}), frozenset()),
        'deep_set': {nest(150, lambda v, i: frozenset({v, i}), frozenset())},
        'deep_mixed': nest(150, lambda v, i: [v] if i % 3 == 0 else {'k%d' % i: v} if i % 3 == 1 else (v, i), None),
        'deep_cycle': deep_with_cycle(120, 3),
        'int_100': 3 ** 209,
        'int_1000': -(7 ** 1183),
        'int_10000': 3 ** 20959,
        'str_scripts': 'Ελληνικά Кириллица 中文 العربية עברית हिन्दी ไทย 한국어 ქართული',
        'str_combining': 'e\u0301 a\u0308 \u20dd x\u0489 \u0301start \u1ab0\u1dc0\ufe20',
        'str_format': '\u00ad \u200b \u200d \u200e \u2066 \ufeff \u0600 \u061c \u180e '
                      '\U000e0001 \U000e0041 \U0001d173',
        'str_private': '\ue000 \uf8ff \U000f0000 \U000ffffd \U00100000 \U0010fffd',
        'str_unassigned': '\u0378 \u0e5c \ufdd0 \uffff \U0001fffe \U000e0080 \U0003fffd '
                          '\U0010ffff \ud800 \udfff',
        'str_separators': '\u00a0 \u2000 \u2028 \u2029 \u205f \u3000 \x85 \x1f \x7f',
        'str_astral': '\U0001f600 \U00020000 \U0001d11e \U00010400 \U0001fa70 \U0002a700',
        'str_newer': UNICODE_NEWER,
        'str_long_mixed': ('\u05d0\u0301\u200f\U0001f600\ue000' * 300),
    }
    if hasattr(builtins, 'frozendict'):   # 3.15+
        v['frozendict'] = frozendict({'k': [1, frozendict()], 2: 'two', (3,): frozenset({4})})
        v['frozendict_empty'] = frozendict()
        v['frozendict_cycle'] = frozendict({'a': []})
        v['frozendict_cycle']['a'].append(v['frozendict_cycle'])
    for name, value in v.items():
        exp, own = truth.expected(value), truth.python_repr(value)
        assert exp == own, '%s: the truth %r is not repr() %r' % (name, exp[:200], own[:200])
    return v


def values():
    big = 2 ** 200
    neg_big = -(2 ** 70)
    small = -7
    zero = 0
    max64 = 2 ** 64 - 1
    floats = [0.1, -0.0, 1e16, 1.5e-07, 123456789012345678.0, float('inf'), float('-inf'),
              float('nan'), 2.0, 1 / 3, 1e22, -2.5, 5e-324, 1.7976931348623157e308, 100.0]
    text = 'plain'
    quotes = "it's"
    both = 'a\'b"c'
    escapes = 'tab\tnl\ncr\rnul\x00del\x7fbs\\'
    latin = '\x80\xe9\xff\xa0'
    bmp = '\u20ac \u2620 \u6587\u5b57 \u200b'
    astral = '\U0001d121 \U0001f600'
    empty = ''
    raw_bytes = b'\x00\xff\x80\t\n\r'
    quote_bytes = b"it's"
    tup0 = ()
    tup1 = (1,)
    tup = (1, 'two', b'3')
    lst = [1, [2, [3]], []]
    dct = {'k': [1, 2.25, None], 1: 'one', (1, 2): frozenset()}
    st = {4, 5, 6}
    empty_set = set()
    fs = frozenset({'a'})
    empty_fs = frozenset()
    cyc = [1]
    cyc.append(cyc)
    dcyc = {}
    dcyc['self'] = dcyc
    inst = WithAttrs()
    plain = Plain()
    slotted = Slotted()
    self_ref = WithAttrs()
    self_ref.me = self_ref
    sub = SubList([1, 2])
    exc = ValueError('bad', 3)
    exc1 = KeyError('k')
    builtin = len
    method = [].append
    wrapper = (1).__add__
    flags = [None, True, False]
    huge_list = list(range(1000))
    huge_dict = {i: str(i) for i in range(10000)}
    long_text = 'x' * 2000
    func = values
    code = values.__code__
    module = sys
    typ = int
    truth.unlimited_ints()
    for name, v in sorted(locals().items()):
        truth.value(v)
    for f in floats:
        truth.value(f)
    for v in fidelity().values():
        truth.value(v)
    truth.record(); time.sleep(3600)


values()
