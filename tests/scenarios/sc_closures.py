"""Scenario: closures, for the locals of each frame as locals() shows them: arguments
captured by inner functions (argument cells), closures nested three levels deep, a
decorator's wrapper (`func` and its counter are free variables), nonlocal counters, a
list comprehension (its own frame before 3.12, inlined into its function since), a call
through a C function (map) that starts a new eval-loop activation, a
method whose super() gives it a __class__ cell, and an empty cell (`late`, assigned only
after the stop: locals() does not show it, so neither may pyprinter)."""
import time

import truth


def stop(item, depth):
    marker = [item, depth]
    truth.record(); time.sleep(3600)


def counted(func):
    calls = 0

    def wrapper(*args, **kwargs):
        nonlocal calls
        calls += 1
        return func(*args, **kwargs)
    return wrapper


@counted
def outer(a, b):
    note = 'plain local'

    def middle(c):
        count = 0

        def inner(n):
            nonlocal count
            count += 1
            if n < 0:
                return late
            items = [a, b, c, n]
            return [stop(item, count) for item in items if item == n]
        # inner runs under map (a C function), so on every version middle is the innermost
        # Python frame of its eval-loop activation: what py-print at that C frame sees.
        return list(map(inner, [c + 1]))[0]
    result = middle(a * 2)
    late = 'assigned after the stop'
    return result, late, note


class Base:
    def start(self, value):
        return value


class Child(Base):
    def start(self, value):
        label = 'child'
        return outer(super().start(value), label)


Child().start(5)
