"""Scenario: three threads waiting for the GIL while the main thread holds it in a long
C loop (sum over a huge range, which never releases it)."""
import threading
import time

import truth


def waiter(n):
    nap = 0.15 + n / 100
    time.sleep(nap)


threads = [threading.Thread(target=waiter, args=(i,), daemon=True) for i in range(3)]
for t in threads:
    t.start()
time.sleep(0.1)
truth.record(); total = sum(range(10 ** 13))
