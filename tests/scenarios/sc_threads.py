"""Scenario: four threads besides the main one, each asleep in its own Python stack."""
import threading
import time

import truth

ready = threading.Barrier(5)


def leaf(n):
    label = 'worker-%d' % n
    ready.wait()
    time.sleep(3600)


def middle(n):
    leaf(n * 10)


def worker(n):
    if n % 2:
        middle(n)
    else:
        leaf(n)


threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(4)]
for t in threads:
    t.start()
ready.wait()
time.sleep(0.3)
truth.record(); time.sleep(3600)
