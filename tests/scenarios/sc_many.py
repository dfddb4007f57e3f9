"""Scenario: 200 threads, each asleep 50 Python frames deep (the scale test)."""
import threading
import time

import truth

THREADS = 200
DEPTH = 50
ready = threading.Barrier(THREADS + 1)


def dive(n, tag):
    if n == 1:
        ready.wait()
        time.sleep(3600)
    else:
        dive(n - 1, tag)


def worker(tag):
    dive(DEPTH - 1, tag)


threading.stack_size(1 << 20)
threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(THREADS)]
for t in threads:
    t.start()
ready.wait()
time.sleep(0.5)
truth.record(); time.sleep(3600)
