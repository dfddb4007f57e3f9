"""The GDB commands over gdbserver, as when GDB runs on another machine than the process
(the embedded and container case): gdb-minimal and the full GDB connected over a pipe,
and gdb-minimal over TCP on the loopback address, on every matrix target. py-bt, thread apply all py-bt
(each stack under its thread's header), py-bt-full, py-locals, py-up / py-down and py-list
(source lines read on GDB's side) against the scenario's truth."""
import re

import pytest

import gdb_threads
import matrix
import scenario
from conftest import target_params, usable
from test_gdb_scenarios import commands_prefix, expected_bt, main_thread, python_lines


def remote_session(target, scenario_name, how, gdb, cmds):
    s = scenario.Stopped(target, scenario_name, 'remote-' + how)
    try:
        outs, raw = scenario.run_gdb_remote(target, cmds, s.pid, how, gdb=gdb,
                                            scripts=[scenario.our_script(target)])
        alive = s.proc.poll() is None
    finally:
        s.kill()
    assert alive, '%s died under gdbserver' % scenario_name
    return outs, raw, s.truth


def connections():
    """Both GDBs over a pipe; over TCP, gdb-minimal (the embedded and container case): the
    remote protocol is the same code in both GDBs, only the transport differs."""
    return [pytest.param(matrix.GDB_MINIMAL, 'pipe', id='gdb-minimal-pipe'),
            pytest.param(matrix.GDB_MINIMAL, 'tcp', id='gdb-minimal-tcp'),
            pytest.param(matrix.GDB_FULL, 'pipe', id='gdb-pipe')]


@pytest.mark.parametrize('gdb,how', connections())
@pytest.mark.parametrize('target', target_params())
def test_remote(target, gdb, how):
    usable(target)
    p = commands_prefix(gdb)
    (all_bt,), raw, truth = remote_session(target, 'sc_threads', how, gdb, ['thread apply all %s-bt' % p])
    problems = gdb_threads.problems(all_bt, truth, python_lines, expected_bt)
    cmds = [p + '-bt', p + '-bt-full', p + '-up', p + '-locals', p + '-down', p + '-list']
    (bt, full, up, locs, down, lst), raw2, truth = remote_session(target, 'sc_calls', how, gdb, cmds)
    if python_lines(bt) != expected_bt(main_thread(truth)['frames']):
        problems.append('py-bt:\n' + bt)
    if not re.search(r'^#\d+ Frame 0x[0-9a-f]+, for file ', full, re.M):
        problems.append('py-bt-full:\n' + full)
    if not re.match(r'#\d+ ', up) or 'Unable' in locs or not locs.strip():
        problems.append('py-up / py-locals:\n' + up + locs)
    if not re.match(r'#\d+ ', down):
        problems.append('py-down:\n' + down)
    if not re.search(r'^ *>\d+ ', lst, re.M):
        problems.append('py-list:\n' + lst)
    assert not problems, '\n'.join(problems) + '\n' + raw[-2000:] + raw2[-2000:]
    # Never handed to pyprinter over a remote connection (the outputs, the same with the
    # script alone, are checked above).
    assert scenario.handoffs(raw) == 0 and scenario.handoffs(raw2) == 0
