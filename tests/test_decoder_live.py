"""pyprinter interrupted while it holds a live process: killed by SIGTERM, SIGINT (it
detaches in its handler) or SIGKILL (the kernel detaches) while it is stopping the
threads of sc_many (200 threads) or while it reads them. Afterwards every thread of the
process runs or sleeps (state S or R, never t or T) and none is traced (TracerPid 0), and
a new run of pyprinter reads the process whole. And a process stopped before pyprinter
came is left stopped."""
import signal
import subprocess
import time

import pytest

import decoder
import scenario
from conftest import target_params, usable

SIGNALS = [signal.SIGTERM, signal.SIGINT, signal.SIGKILL]
MOMENTS = ['stopping', 'reading']


def traced_by(pid, tracer):
    """(threads traced by TRACER, all threads) of process PID."""
    states = decoder.task_states(pid)
    return sum(1 for _, t in states.values() if t == tracer), len(states)


def interrupt(pid, sig, moment, timeout=60):
    """Starts `pyprinter bt PID`, sends SIG once it has stopped one thread ('stopping')
    or all of them ('reading'); returns (pyprinter's exit status, stderr), or None when it
    finished before the moment came."""
    proc = subprocess.Popen([decoder.PYPRINTER, 'bt', str(pid)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=decoder.run_env())
    deadline = time.time() + timeout
    try:
        while proc.poll() is None and time.time() < deadline:
            n, total = traced_by(pid, proc.pid)
            if (moment == 'stopping' and n > 0) or (moment == 'reading' and n == total):
                proc.send_signal(sig)
                break
        err = proc.communicate(timeout=timeout)[1].decode('utf-8', 'replace')
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode == 0:
        return None
    return proc.returncode, err


@pytest.fixture(scope='module')
def many():
    """A live sc_many of the target, shared by the interruptions of that target; one at a
    time (200 threads each: a machine may not hold them for every target at once)."""
    running = {}

    def get(target):
        if target.name not in running:
            for s in running.values():
                s.kill()
            running.clear()
            running[target.name] = scenario.Stopped(target, 'sc_many', 'live-kill')
        return running[target.name]
    yield get
    for s in running.values():
        s.kill()


@pytest.mark.parametrize('moment', MOMENTS)
@pytest.mark.parametrize('sig', SIGNALS, ids=[s.name for s in SIGNALS])
@pytest.mark.parametrize('target', target_params())
def test_interrupted_pyprinter_leaves_the_process_running(target, sig, moment, many):
    usable(target)
    s = many(target)
    assert s.proc.poll() is None, 'sc_many died before this test'
    got = None
    for _ in range(5):
        got = interrupt(s.pid, sig, moment)
        if got is not None:
            break
    assert got is not None, 'pyprinter finished 5 times before it could be interrupted while %s' % moment
    rc, err = got
    problem = decoder.sanitizer_problem(rc, err)
    assert not problem, problem
    assert rc == -sig, 'pyprinter exited with %s, not killed by %s: %s' % (rc, sig.name, err)
    problems = decoder.left_running(s.pid)
    if not problems:
        again = decoder.bt(target, s.pid, '--json')
        problems += decoder.check_json(target, s.truth, again.doc, live_pid=s.pid)
        problems += decoder.left_running(s.pid)
    decoder.record(target, 'interrupted', not problems)
    assert not problems, '\n'.join(problems[:20])


@pytest.mark.parametrize('target', target_params())
def test_stopped_process_stays_stopped(target):
    """A process stopped (SIGSTOP) before pyprinter reads it is read whole and left stopped
    and untraced; SIGCONT then wakes every thread."""
    usable(target)
    s = scenario.Stopped(target, 'sc_threads', 'live-stopped')
    try:
        import os
        os.kill(s.pid, signal.SIGSTOP)
        deadline = time.time() + 10
        while any(st != 'T' for st, _ in decoder.task_states(s.pid).values()) and time.time() < deadline:
            time.sleep(0.02)
        js = decoder.bt(target, s.pid, '--json')
        problems = decoder.check_json(target, s.truth, js.doc, live_pid=s.pid)
        time.sleep(0.2)
        after = decoder.task_states(s.pid)
        if any(st != 'T' or tracer for st, tracer in after.values()):
            problems.append('after pyprinter (tid: (state, TracerPid)): %s' % after)
        os.kill(s.pid, signal.SIGCONT)
        problems += decoder.left_running(s.pid)
    finally:
        s.kill()
    decoder.record(target, 'stopped', not problems)
    assert not problems, '\n'.join(problems)
