#!/usr/bin/python3
"""Benchmark (not a test): pyprinter's GDB commands in gdb-minimal against CPython's
python-gdb.py in the full GDB, on the same cores, measured in the same run.

  /usr/bin/python3 tests/bench/bench_gdb.py [TARGET ...]     (default: every target with
                                                               python-gdb.py)
For each target, five cases: py-bt and py-bt-full on a 300-frame stack (sc_deep), the
repr of a 10,000-item dict (sc_values' huge_dict: py-repr ADDR against python-gdb.py's
`print (PyObject *) ADDR`) and `thread apply all py-bt` over 100 threads 30 frames deep
(sc_many), on its core and attached to the live process (the time to attach is in the
base time that is taken off). Ours runs twice: as loaded (py-bt and py-bt-full handed to pyprinter, see
templates/36-handoff.gdb.in; `thread apply all py-bt` from a batch after its second
thread, 37-batch.gdb.in) and with the script alone (`set $pyp_decoder = 0`).

Each time is the best of REPEAT runs of a whole batch GDB, minus the best of the same GDB
loading the same files with no command. A ratio is python-gdb.py's time over ours (above
1: ours is faster), printed only when both printed the same thing (the same Python frames,
the same frame headers, the same repr); otherwise "peer failed". The two paths of ours
must print exactly the same; "DIFFERENT" says they did not."""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import matrix  # noqa: E402
import scenario  # noqa: E402

REPEAT = int(os.environ.get('REPEAT', '3'))
MANY = {'PYP_MANY_THREADS': '100', 'PYP_MANY_DEPTH': '30'}


def gdb_time(target, gdb, core, scripts, commands):
    """CORE: a core file's path, or the process ID of a live process (then GDB attaches,
    and the safe settings come after the attach, as in the tests)."""
    argv = [gdb, '-q', '-batch', '-nx'] + target.gdb_iex(dwarf=True)
    if isinstance(core, int):
        argv += [target.executable, '-p', str(core)] + [a if a != '-iex' else '-ex' for a in scenario.SAFE]
    else:
        argv = argv[:4] + scenario.SAFE + argv[4:] + [target.executable, core]
    for s in scripts:
        argv += ['-ex', 'source ' + s]
    for c in commands:
        argv += ['-ex', c]
    best = None
    out = ''
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        r = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
        out = r.stdout
    return best, out


def python_lines(text):
    """py-bt's Python frames and their source lines, thread headers kept."""
    return [l for l in text.splitlines()
            if l.startswith(('  File "', '    ', 'Thread '))]


def frame_headers(text):
    return re.findall(r'^#\d+ Frame 0x[0-9a-f]+, for file [^,]+, line \d+, in \S+', text, re.M)


def repr_text(text):
    """The dict's repr: our py-repr's line, or python-gdb.py's `$N = {...}`; None when
    neither is there (python-gdb.py failed)."""
    m = re.search(r'^(?:\$\d+ = )?(\{.*)$', text, re.M)
    return m.group(1) if m else None


LIVE = 'live'   # stands for the process ID of a live sc_many, started for that case alone


def cases(target, tmp):
    deep, _ = scenario.take_core(target, 'sc_deep', tmp)
    values, truth = scenario.take_core(target, 'sc_values', tmp)
    many, _ = scenario.take_core(target, 'sc_many', tmp, MANY)
    addr = next(a for a, e in truth['values'] if e.startswith("{0: '0', 1: '1'"))
    return [
        ('py-bt, 300 frames', deep, 'py-bt', 'py-bt', python_lines),
        ('py-bt-full, 300 frames', deep, 'py-bt-full', 'py-bt-full', frame_headers),
        ('repr of a 10,000-item dict', values, 'py-repr ' + addr, 'print (PyObject *) ' + addr, repr_text),
        ('thread apply all py-bt, 100x30', many, 'thread apply all py-bt', 'thread apply all py-bt',
         python_lines),
        ('the same, live', LIVE, 'thread apply all py-bt', 'thread apply all py-bt', python_lines),
    ]



def measure(target, tmp):
    ours = [scenario.our_script(target, os.path.join(matrix.TOP, 'out', 'bin', 'pyprinter'))]
    theirs = [target.python_gdb]
    rows = []
    for label, core, our_cmd, their_cmd, same in cases(target, tmp):
        live = None
        if core == LIVE:
            live = scenario.Stopped(target, 'sc_many', 'bench', settings=MANY)
            core = live.pid
        try:
            rows.append(measure_case(target, label, core, our_cmd, their_cmd, same, ours, theirs))
        finally:
            if live:
                live.kill()
    return rows


def measure_case(target, label, core, our_cmd, their_cmd, same, ours, theirs):
    """One row: both paths of ours and python-gdb.py on CORE (a path or a live PID)."""
    base_o, _ = gdb_time(target, matrix.GDB_MINIMAL, core, ours, [])
    t_h, out_h = gdb_time(target, matrix.GDB_MINIMAL, core, ours,
                          [our_cmd, 'printf "@@handoffs %d %d %d\\n", $pyp_ho_count, $pyp_hc_batches, '
                                    '$pyp_hc_hits'])
    t_s, out_s = gdb_time(target, matrix.GDB_MINIMAL, core, ours, ['set $pyp_decoder = 0', our_cmd])
    base_t, _ = gdb_time(target, matrix.GDB_FULL, core, theirs, [])
    t_t, out_t = gdb_time(target, matrix.GDB_FULL, core, theirs, [their_cmd])
    handed = re.search(r'^@@handoffs (\d+) (\d+) (\d+)$', out_h, re.M)
    out_h = re.sub(r'^@@handoffs .*\n', '', out_h, flags=re.M)
    return {
        'label': label,
        'handoff': max(t_h - base_o, 1e-3), 'script': max(t_s - base_o, 1e-3),
        'peer': max(t_t - base_t, 1e-3),
        'handoffs': int(handed.group(1)) if handed else 0,
        'batched': (int(handed.group(2)), int(handed.group(3))) if handed else (0, 0),
        'paths_same': out_h == out_s,
        'peer_same': bool(same(out_h)) and same(out_h) == same(out_t),
    }


def ratio(peer, ours, ok):
    return '%6.1fx' % (peer / ours) if ok else 'peer failed'


def main():
    names = sys.argv[1:] or [t.name for t in matrix.targets() if not t.skip and t.python_gdb]
    print('%-13s %-31s %9s %9s %9s  %-12s %-12s %s' % (
        'target', 'command', 'handoff s', 'script s', 'python-gdb', 'vs handoff', 'vs script', 'notes'))
    with tempfile.TemporaryDirectory() as tmp:
        for t in matrix.targets():
            if t.name not in names or t.skip or not t.python_gdb:
                continue
            for r in measure(t, tmp):
                notes = 'handed off %d' % r['handoffs']
                if r['batched'][0]:
                    notes += ' (%d from %d batch%s)' % (r['batched'][1], r['batched'][0],
                                                      'es' if r['batched'][0] > 1 else '')
                if not r['paths_same']:
                    notes += ', DIFFERENT'
                print('%-13s %-31s %9.3f %9.3f %9.3f  %-12s %-12s %s' % (
                    t.name, r['label'], r['handoff'], r['script'], r['peer'],
                    ratio(r['peer'], r['handoff'], r['peer_same']),
                    ratio(r['peer'], r['script'], r['peer_same']), notes))
                sys.stdout.flush()


if __name__ == '__main__':
    main()
