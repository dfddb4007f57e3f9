#!/usr/bin/python3
"""Benchmark (not a test): the compiled decoder `pyprinter` against its peers, measured in
the same run on the same cores and processes.

  /usr/bin/python3 tests/bench/bench_decoder.py [TARGET ...]     (default: every target)

REPEAT=N (default 5) runs each command N times and keeps the best; GDB=0 leaves out the
GDB rows (python-gdb.py and our script: the slow part of the run).

Per target:
- the 300-frame core (sc_deep) with locals: `pyprinter bt --locals CORE` against
  python-gdb.py's `py-bt-full` + `py-locals` in the full GDB and against our GDB script's
  `py-bt-full` + `py-locals` in gdb-minimal;
- the same 300-frame stack in a live process: `pyprinter bt PID` against CPython's own
  unwinder (`_remote_debugging.RemoteUnwinder(pid).get_stack_trace()`, 3.14+, run in the
  sid chroot) and `austin --where PID` (sid's austin 3.7, for the versions it reads).
  Both peers read without stopping the process; `pyprinter bt` stops its threads for the
  time of the read (a consistent stack, and the status from each waiting thread's native
  frames), so a second row compares `pyprinter bt --nonblocking`, which reads as they do.

Times are whole commands, as a user waits for them (best of REPEAT runs); GDB rows also
show the time beyond GDB's own start (the same GDB loading the same files with no
command). A ratio is printed only when the peer printed every frame of the scenario's
truth: file, line and function, and on the core each function frame's locals as Python's
repr gives them (pyprinter is held to the same); otherwise "peer failed". Peak RSS is pyprinter's."""
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

REPEAT = int(os.environ.get('REPEAT', '5'))
PYPRINTER = os.path.join(matrix.TOP, 'out', 'bin', 'pyprinter')
AUSTIN = os.path.join(matrix.SID_ROOT, 'opt', 'austin', 'usr', 'bin', 'austin')


def run_timed(argv, env=None):
    """(seconds, stdout, peak RSS in KiB) of one run."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, out.decode('utf-8', 'replace'), usage.ru_maxrss


def best_of(argv, env=None):
    best, out, rss = None, '', 0
    for _ in range(REPEAT):
        dt, o, r = run_timed(argv, env)
        if best is None or dt < best:
            best, out = dt, o
        rss = max(rss, r)
    return best, out, rss


def truth_frames(truth):
    return [(f['file'], f['line'], f['name']) for f in
            next(t for t in truth['threads'] if t['current'])['frames']]


def truth_locals(truth):
    """[(file, line, function, 'a=1, b=2')] of the scenario's function frames (recurse),
    their locals as Python's repr gives them."""
    return [(f['file'], f['line'], f['name'], ', '.join('%s=%s' % (k, v) for k, v in f['locals']))
            for f in next(t for t in truth['threads'] if t['current'])['frames'] if f['name'] == 'recurse']


def bt_frames(text):
    return [(m.group(1), int(m.group(2)), m.group(3)) for m in
            re.finditer(r'File "([^"]+)", line (\d+), in (\S+)', text)]


def full_frames(text):
    return [(m.group(1), int(m.group(2)), m.group(3)) for m in
            re.finditer(r'Frame 0x[0-9a-f]+, for file (.+?), line (\d+), in (\S+)', text)]


def full_locals(text):
    """py-bt-full's frames with their locals: `..., in NAME (a=1, b=2)`."""
    return [(m.group(1), int(m.group(2)), m.group(3), m.group(4)) for m in
            re.finditer(r'Frame 0x[0-9a-f]+, for file (.+?), line (\d+), in (\S+) \((.*)\)$', text, re.M)]


def bt_locals(text):
    """pyprinter bt --locals' frames with their locals (`      a = 1` under each frame)."""
    out = []
    for block in re.split(r'^(?=  File ")', text, flags=re.M):
        m = re.match(r'  File "([^"]+)", line (\d+), in (\S+)', block)
        if m:
            names = re.findall(r'^      (\S+) = (.*)$', block, re.M)
            out.append((m.group(1), int(m.group(2)), m.group(3), ', '.join('%s=%s' % kv for kv in names)))
    return out


def complete(got, want):
    """Every truth frame, in order, appears in GOT."""
    it = iter(got)
    return all(any(g == w for g in it) for w in want)


def gdb_argv(target, gdb, core, scripts, commands):
    argv = [gdb, '-q', '-batch', '-nx'] + scenario.SAFE + target.gdb_iex(dwarf=True) + [target.executable, core]
    for s in scripts:
        argv += ['-ex', 'source ' + s]
    for c in commands:
        argv += ['-ex', c]
    return argv


def pyprinter_argv(target, *args):
    return [PYPRINTER, 'bt'] + list(args) + (['--sysroot', target.sysroot] if target.sysroot else [])


def row(target, label, ours, peer, peer_name, peer_ok, extra=''):
    ratio = '%7.1fx' % (peer / ours) if peer_ok else 'peer failed'
    print('%-13s %-34s %9.4f  %-26s %9.4f  %s%s' % (target.name, label, ours, peer_name, peer,
                                                     ratio, extra))
    sys.stdout.flush()


def bench_core(target, tmp):
    core, truth = scenario.take_core(target, 'sc_deep', tmp)
    want = truth_locals(truth)
    t_ours, out, rss = best_of(pyprinter_argv(target, '--locals', core))
    assert complete(bt_locals(out), want), 'pyprinter missed frames or locals on ' + target.name
    print('%-13s pyprinter bt --locals on the 300-frame core: %.4f s, peak RSS %.1f MB' % (
        target.name, t_ours, rss / 1024))
    cmds = ['py-bt-full', 'py-locals']
    if os.environ.get('GDB', '1') == '0':
        return
    if target.python_gdb:
        base, _, _ = best_of(gdb_argv(target, matrix.GDB_FULL, core, [target.python_gdb], []))
        t, text, _ = best_of(gdb_argv(target, matrix.GDB_FULL, core, [target.python_gdb], cmds))
        row(target, 'core: bt --locals', t_ours, t, 'python-gdb.py (full gdb)',
            complete(full_locals(text), want), '   (beyond GDB start: %.3f s)' % (t - base))
    ours_script = [scenario.our_script(target)]
    base, _, _ = best_of(gdb_argv(target, matrix.GDB_MINIMAL, core, ours_script, []))
    t, text, _ = best_of(gdb_argv(target, matrix.GDB_MINIMAL, core, ours_script, cmds))
    row(target, 'core: bt --locals', t_ours, t, 'our script (gdb-minimal)',
        complete(full_locals(text), want), '   (beyond GDB start: %.3f s)' % (t - base))


UNWINDER = r'''
import sys, time, _remote_debugging
t0 = time.perf_counter()
u = _remote_debugging.RemoteUnwinder(int(sys.argv[1]), all_threads=True)
st = u.get_stack_trace()
dt = time.perf_counter() - t0
def frames(x):
    for t in x:
        if hasattr(t, 'frame_info'):
            for f in t.frame_info:
                line = f.lineno if hasattr(f, 'lineno') else f.location.lineno
                print('File "%s", line %d, in %s' % (f.filename, line, f.funcname))
        elif hasattr(t, 'threads'):
            frames(t.threads)
frames(st)
print('in-process: %.6f' % dt)
'''


def in_chroot(target, argv):
    return ['/usr/sbin/chroot', target.sysroot] + argv


def bench_live(target):
    s = scenario.Stopped(target, 'sc_deep', 'bench')
    try:
        want = truth_frames(s.truth)
        t_ours, out, rss = best_of(pyprinter_argv(target, str(s.pid)))
        assert complete(bt_frames(out), want), 'pyprinter missed frames on ' + target.name
        print('%-13s pyprinter bt on the live 300-frame process: %.4f s, peak RSS %.1f MB' % (
            target.name, t_ours, rss / 1024))
        # The peers read without stopping the process: so does --nonblocking.
        t_nb, out_nb, _ = best_of(pyprinter_argv(target, '--nonblocking', str(s.pid)))
        assert complete(bt_frames(out_nb), want), 'pyprinter --nonblocking missed frames on ' + target.name
        mounted = False
        if target.sysroot:
            mounted = subprocess.run(['mount', '--bind', '/proc', os.path.join(target.sysroot, 'proc')]).returncode == 0
        try:
            if target.sysroot and target.at_least('3.14'):
                py = '/' + os.path.relpath(target.executable, target.sysroot)
                t, text, _ = best_of(in_chroot(target, [py, '-c', UNWINDER, str(s.pid)]))
                inproc = re.search(r'in-process: ([0-9.]+)', text)
                ok = complete(bt_frames(text), want)
                row(target, 'live: bt', t_ours, t, '_remote_debugging', ok,
                    '   (its read alone, in-process: %s s)' % (inproc.group(1) if inproc else '?'))
                row(target, 'live: bt --nonblocking', t_nb, t, '_remote_debugging', ok)
            if os.path.exists(AUSTIN) and not target.at_least('3.14'):
                argv = [AUSTIN[len(matrix.SID_ROOT):], '--where', str(s.pid)]
                root = matrix.SID_ROOT
                if not mounted:
                    mounted = subprocess.run(['mount', '--bind', '/proc', os.path.join(root, 'proc')]).returncode == 0
                t, text, _ = best_of(['/usr/sbin/chroot', root] + argv)
                got = [(m.group(2), int(m.group(3)), m.group(1).split('.')[-1]) for m in re.finditer(
                    r'\x1b\[33;1m([^\x1b]+)\x1b\[0m \(\x1b\[36;1m([^\x1b]+)\x1b\[0m:\x1b\[32;1m(\d+)', text)]
                ok = complete(list(reversed(got)), want) or complete(got, want)
                row(target, 'live: bt', t_ours, t, 'austin --where', ok)
                row(target, 'live: bt --nonblocking', t_nb, t, 'austin --where', ok)
        finally:
            if mounted:
                root = target.sysroot or matrix.SID_ROOT
                subprocess.run(['umount', '-l', os.path.join(root, 'proc')])
    finally:
        s.kill()


def main():
    names = sys.argv[1:] or [t.name for t in matrix.targets() if not t.skip]
    print('%-13s %-34s %9s  %-26s %9s  %s' % ('target', 'what', 'ours s', 'peer', 'peer s', 'peer/ours'))
    with tempfile.TemporaryDirectory() as tmp:
        for t in matrix.targets():
            if t.name not in names or t.skip:
                continue
            bench_core(t, tmp)
            bench_live(t)


if __name__ == '__main__':
    main()
