"""Scenario: three threads waiting for the GIL while the main thread holds it in a long
C loop (sum over a huge range, which never releases it).

Each waiter naps again and again on one line, so that it never ends, whatever the
machine's load: a nap that ends before the main thread is in its C loop (the truth takes
a while to record) only starts the next one. Once the main thread holds the GIL for
good, each waiter's current nap ends within 0.07 s and leaves it waiting for the GIL in
time.sleep, on the line the truth recorded."""
import threading
import time

import truth


def waiter(n):
    nap = 0.05 + n / 100
    while True: time.sleep(nap)  # noqa: E701 (one line: the same line whatever the loop does)


threads = [threading.Thread(target=waiter, args=(i,), daemon=True) for i in range(3)]
for t in threads:
    t.start()
time.sleep(0.1)
truth.record(); total = sum(range(10 ** 13))
