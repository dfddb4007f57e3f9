"""Scenario: a 300-frame recursion (the benchmark's stack)."""
import time

import truth


def recurse(n):
    if n == 0:
        truth.record(); time.sleep(3600)
    else:
        recurse(n - 1)


recurse(299)
