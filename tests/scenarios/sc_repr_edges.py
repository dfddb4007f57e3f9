"""Scenario: objects at the edges of the repr rules (frame objects, depth, deleted set
and dict entries, subclasses, huge ints, truncation inside floats and escapes), each
registered for `py-repr ADDRESS`. The two engines are compared with each other on
these (their truth is the GDB script's output, not Python's)."""
import collections
import sys
import time

import truth


class Attrs:
    def __init__(self):
        self.a = 1
        self.b = 2
        self.c = 3


class MyInt(int):
    pass


class MyFloat(float):
    pass


class MyStr(str):
    pass


class MyDict(dict):
    pass


class MyErr(Exception):
    pass


def gen():
    yield 1


def holder(arg, *rest, **kw):
    local = [arg]
    here = sys._getframe()
    captured = 'cell'

    def inner():
        return captured
    edges(here, inner)


def nested(depth):
    v = []
    for _ in range(depth):
        v = [v]
    return v


def edges(frame, inner):
    values = []
    add = values.append
    add(frame)
    add(nested(60))
    add(nested(47))
    s = set(range(40))
    for i in range(0, 40, 3):
        s.discard(i)
    add(s)
    d = {i: i * i for i in range(30)}
    for i in range(0, 30, 4):
        del d[i]
    add(d)
    deleted = Attrs()
    del deleted.b
    add(deleted)
    many = Attrs()
    for i in range(40):
        setattr(many, 'x%d' % i, i)
    add(many)
    add(MyInt(5))
    add(MyFloat(2.5))
    add(MyStr('s'))
    add(MyDict(k=1))
    add(collections.OrderedDict(a=1))
    add(MyErr('m'))
    add(ValueError())
    add(OSError(2, 'no such'))
    for v in (2 ** 30, 2 ** 60 - 1, 2 ** 60, 2 ** 89, -(2 ** 3599), 2 ** 3600, -(2 ** 4000), -1, True):
        add(v)
    add([1 / 3] * 100)
    add([-2.5e-07] * 200)
    add(['\x00\u20ac\U0001f600'] * 200)
    add('\xe9' * 2000)
    add('\u20ac' * 1500)
    add("'" + 'x' * 5000 + '"')
    add('x' * 1022 + '\n')
    add('x' * 1023 + '\n')
    add('x' * 1022)
    add(b'\xff' * 2000)
    add(b'"\'')
    t = ([],)
    t[0].append(t)
    add(t)
    add(sys.getrefcount)
    add([].__len__)
    add({}.__len__)
    add(gen())
    add(collections.deque([1]))
    add(memoryview(b'ab'))
    add(inner)
    add(inner.__closure__)
    add(type)
    add(sys.modules['__main__'].__dict__)
    add(frozenset(range(5)))
    add(range(3))
    add(1 + 2j)
    add(Ellipsis)
    add(NotImplemented)
    add(float('nan'))
    add(1e16)
    add(9007199254740993.0)
    add(0.000123)
    add(1.5e-5)
    add(123456.789)
    for v in values:
        truth.value(v)
    truth.record(); time.sleep(3600)


holder(7, 8, 9, key='v')
