#!/usr/bin/python3
"""Benchmark (not a test): pyprinter's GDB script in gdb-minimal against CPython's
python-gdb.py in the full GDB, on the same cores, measured in the same run.

  /usr/bin/python3 tests/bench/bench_gdb.py [TARGET ...]     (default: pyenv-3.12 and
                                                               every target with python-gdb.py)
For each target: py-bt and py-bt-full on a 300-frame stack (sc_deep) and the repr of a
10,000-item dict (sc_values' huge_dict: py-repr ADDR vs python-gdb.py's `print
(PyObject *) ADDR`). Each command's time is the best of REPEAT runs of a whole batch GDB,
minus the best of the same GDB loading the same files without the command. Prints the
times and the ratio python-gdb.py / pyprinter (above 1: pyprinter is faster)."""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import matrix  # noqa: E402
import scenario  # noqa: E402

REPEAT = int(os.environ.get('REPEAT', '3'))


def gdb_time(target, gdb, core, scripts, command):
    argv = [gdb, '-q', '-batch', '-nx'] + scenario.SAFE + target.gdb_iex() + [target.executable, core]
    for s in scripts:
        argv += ['-ex', 'source ' + s]
    if command:
        argv += ['-ex', command]
    best = None
    out = ''
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        r = subprocess.run(argv, capture_output=True, text=True, timeout=900)
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
        out = r.stdout
    return best, out


def measure(target, tmp):
    deep, _ = scenario.take_core(target, 'sc_deep', tmp)
    values, truth = scenario.take_core(target, 'sc_values', tmp)
    frames = next(t for t in truth['threads'] if t['current'])['frames'][0]
    # huge_dict's address: the registered value whose expected repr starts with {0: '0'
    addr = next(a for a, e in truth['values'] if e.startswith("{0: '0', 1: '1'"))
    ours = [scenario.our_script(target)]
    theirs = [target.python_gdb]
    rows = []
    for label, core, our_cmd, their_cmd in (
            ('py-bt, 300 frames', deep, 'py-bt', 'py-bt'),
            ('py-bt-full, 300 frames', deep, 'py-bt-full', 'py-bt-full'),
            ('repr of a 10,000-item dict', values, 'py-repr ' + addr, 'print (PyObject *) ' + addr)):
        base_o, _ = gdb_time(target, matrix.GDB_MINIMAL, core, ours, None)
        t_o, out_o = gdb_time(target, matrix.GDB_MINIMAL, core, ours, our_cmd)
        base_t, _ = gdb_time(target, matrix.GDB_FULL, core, theirs, None)
        t_t, out_t = gdb_time(target, matrix.GDB_FULL, core, theirs, their_cmd)
        ours_s, theirs_s = max(t_o - base_o, 1e-3), max(t_t - base_t, 1e-3)
        rows.append((label, ours_s, theirs_s, len(out_o.splitlines()), len(out_t.splitlines())))
    return rows


def main():
    names = sys.argv[1:] or [t.name for t in matrix.targets() if not t.skip and t.python_gdb]
    print('%-13s %-28s %12s %14s %7s' % ('target', 'command', 'pyprinter s', 'python-gdb s', 'ratio'))
    with tempfile.TemporaryDirectory() as tmp:
        for t in matrix.targets():
            if t.name not in names or t.skip or not t.python_gdb:
                continue
            for label, o, p, lo, lp in measure(t, tmp):
                print('%-13s %-28s %12.3f %14.3f %6.1fx   (%d / %d lines)' % (t.name, label, o, p, p / o, lo, lp))
            sys.stdout.flush()


if __name__ == '__main__':
    main()
