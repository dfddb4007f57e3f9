"""Scenario: 200 threads, each asleep 50 Python frames deep (the scale test); other
counts with PYP_MANY_THREADS and PYP_MANY_DEPTH (the GDB benchmark: 100 x 30)."""
import os
import threading
import time

import truth

THREADS = int(os.environ.get('PYP_MANY_THREADS', '200'))
DEPTH = int(os.environ.get('PYP_MANY_DEPTH', '50'))
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
