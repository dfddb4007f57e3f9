"""Scenario: four threads besides the main one that move on only when told. Each blocks
in stage_one reading a FIFO ($PYP_TRUTH.fifo); a byte written to it lets one thread on to
stage_two, where it blocks for good (on a pipe nobody writes). Written for the answers GDB keeps from one stop to the
next (templates/37-batch.gdb.in): after the process has run, every worker is elsewhere."""
import os
import threading
import time

import truth

FIFO = os.environ['PYP_TRUTH'] + '.fifo'
if os.path.exists(FIFO):
    os.unlink(FIFO)
os.mkfifo(FIFO)
# Read-write: the open does not wait for a writer, and a read waits for a byte.
fd = os.open(FIFO, os.O_RDWR)
never, _kept = os.pipe()
ready = threading.Barrier(5)


def stage_two(n):
    os.read(never, 1)


def stage_one(n):
    ready.wait()
    os.read(fd, 1)
    stage_two(n)


threads = [threading.Thread(target=stage_one, args=(i,), daemon=True) for i in range(4)]
for t in threads:
    t.start()
ready.wait()
time.sleep(0.3)
truth.record(); time.sleep(3600)
