"""Scenario: one frame holding a value of every kind python-gdb.py prints, with edge
cases; every value is also registered for `py-repr ADDRESS`."""
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
    for name, v in sorted(locals().items()):
        truth.value(v)
    for f in floats:
        truth.value(f)
    truth.record(); time.sleep(3600)


values()
