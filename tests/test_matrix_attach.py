"""Every matrix target starts the way the matrix says, and both GDBs (the full one and
gdb-minimal) attach to it the way the matrix says, with no DWARF needed: through the
committed table they find the main interpreter in _PyRuntime, its thread list points
back to it, and (3.11+) Py_Version is the version the process reports."""
import os
import subprocess

import pytest

import layout_check
import matrix
from conftest import REPORT, target_params, usable

CHILD = 'import os, sys, time; print(os.getpid(), sys.hexversion, flush=True); time.sleep(60)'


@pytest.fixture
def running(request):
    target = request.param
    usable(target)
    proc = subprocess.Popen(target.run_argv('-c', CHILD), stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().split()
    yield target, int(line[0]), int(line[1])
    proc.kill()
    proc.wait()


GDBS = [pytest.param(matrix.GDB_FULL, id='gdb'), pytest.param(matrix.GDB_MINIMAL, id='gdb-minimal')]


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('running', target_params(), indirect=True)
def test_gdb_attaches_and_finds_the_runtime(running, gdb):
    target, pid, hexversion = running
    if not os.path.exists(gdb):
        pytest.skip('%s is missing (./setup unpacks gdb-minimal)' % gdb)
    facts = {k: v['value'] for k, v in layout_check.load_table(target.table_path())['facts'].items() if v}
    mark = layout_check.MARK
    commands = [
        'set may-call-functions off', 'set may-write-memory off',
        'set $pyp_interp = *(unsigned long *)((char *)&_PyRuntime + %d)' % facts['runtime.interpreters_head'],
        'set $pyp_tstate = *(unsigned long *)($pyp_interp + %d)' % facts['interp.threads_head'],
        'printf "%sinterp %%lu\\n", $pyp_interp' % mark,
        'printf "%sback %%lu\\n", *(unsigned long *)($pyp_tstate + %d)' % (mark, facts['tstate.interp']),
    ]
    if 'tstate.native_thread_id' in facts:
        commands.append('printf "%slwp %%lu\\n", *(unsigned long *)($pyp_tstate + %d)'
                        % (mark, facts['tstate.native_thread_id']))
    if target.at_least('3.11'):
        commands.append('printf "%sversion %%lu\\n", {unsigned long}&Py_Version' % mark)
    argv = target.gdb_attach_argv(pid, gdb)
    for c in commands:
        argv += ['-ex', c]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    got = layout_check.parse_marked(r.stdout)
    assert got.get('interp'), r.stdout + r.stderr
    assert got.get('back') == got['interp'], r.stdout + r.stderr
    if 'lwp' in got:
        assert got['lwp'] == pid  # the main thread's native id is the process id
    if 'version' in got:
        assert got['version'] == hexversion
    REPORT.append(('gdb attach through the table', '%-13s %-11s pid %d: interpreter 0x%x, thread list%s%s' % (
        target.name, 'gdb-minimal' if gdb == matrix.GDB_MINIMAL else 'gdb', pid, got['interp'],
        ', LWP' if 'lwp' in got else '', ', Py_Version' if 'version' in got else '')))
