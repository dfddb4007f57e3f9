"""Scenario: calls through functions, methods, a closure, a class body, a generator and
a coroutine, stopped in time.sleep (a C function)."""
import asyncio
import time

import truth


def baz(*args):
    local_float = 2.5
    truth.record(); time.sleep(3600)


def bar(a, b, c):
    baz(a, b, c)


def foo(a, b, c):
    bar(a=a, b=b, c=c)


class Shape:
    def __init__(self, sides):
        self.sides = sides
        self.name = 'shape'

    def area(self, scale):
        factor = scale * 2
        foo(self.sides, factor, 'x')


def make_closure(n):
    captured = n * 10

    def inner(k):
        total = captured + k
        Shape(total).area(3)
    return inner


def gen():
    step = 1
    yield make_closure(step)(5)


async def coro():
    tag = 'async'
    for _ in gen():
        pass


class Body:
    attr = 1
    asyncio.run(coro())
