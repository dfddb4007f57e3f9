"""The GDB script on live processes: attach to a running scenario (gdb-minimal and the
full GDB), `thread apply all py-bt` over its five threads, and py-up / py-down / frame N
moving GDB's own selection. Each process is left exactly as it was (no memory written,
no function called: both are forbidden for the whole run)."""
import re

import pytest

import gdb_threads
import scenario
from conftest import target_params, usable
from test_gdb_scenarios import GDBS, commands_prefix, expected_bt, handed_off_threads, python_lines


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_attach_thread_apply_all(target, gdb):
    usable(target)
    s = scenario.Stopped(target, 'sc_threads', 'live')
    try:
        p = commands_prefix(gdb)
        (out, after), raw = scenario.run_gdb(target, ['thread apply all %s-bt' % p, 'echo done\\n'],
                                             pid=s.pid, gdb=gdb, scripts=[scenario.our_script(target)])
        alive = s.proc.poll() is None
    finally:
        s.kill()
    bad = gdb_threads.problems(out, s.truth, python_lines, expected_bt)
    assert not bad, '\n'.join(bad) + '\n' + out[-2000:]
    assert after == 'done\n' and alive
    # A live process GDB holds stopped: every thread's py-bt went to pyprinter.
    assert scenario.handoffs(raw) == handed_off_threads(target, s.truth), raw[-3000:]


@pytest.mark.parametrize('target', target_params())
def test_live_up_down_and_frame_n(target):
    usable(target)
    s = scenario.Stopped(target, 'sc_calls', 'live')
    try:
        script = [scenario.our_script(target)]
        (full,), raw = scenario.run_gdb(target, ['py-bt-full'], pid=s.pid, scripts=script)
        levels = sorted({int(m) for m in re.findall(r'^#(\d+) Frame', full, re.M)})
        cmds = ['frame %d' % levels[1], 'py-list', 'py-down', 'frame', 'py-up', 'frame', 'py-locals']
        outs, raw = scenario.run_gdb(target, cmds, pid=s.pid, scripts=script)
    finally:
        s.kill()
    sel, lst, down, fr_down, up, fr_up, locs = outs
    assert sel.startswith('#%d ' % levels[1])
    assert re.search(r'^ *>\d+ ', lst, re.M), lst
    m = re.match(r'#(\d+) ', down)
    assert m and fr_down.startswith('#%s ' % m.group(1)) and int(m.group(1)) < levels[1], down + fr_down
    m = re.match(r'#(\d+) ', up)
    assert m and fr_up.startswith('#%s ' % m.group(1)) and int(m.group(1)) == levels[1], up + fr_up
    assert locs.strip() and 'Unable' not in locs, locs


@pytest.mark.parametrize('target', target_params())
def test_kept_answers_follow_the_process(target):
    """`thread apply all py-bt` keeps every thread's answer, made in one batch by
    pyprinter (templates/37-batch.gdb.in). Once the process has run on and every worker
    has moved to another function, the next `thread apply all py-bt` must show where they
    are now: under each thread's header, exactly what the script alone prints at that
    stop (split_outputs compares the two), and from a new batch."""
    usable(target)
    s = scenario.Stopped(target, 'sc_moving', 'live')
    fifo = scenario.host_path(target, s.truth_path + '.fifo')
    try:
        cmds = ['thread apply all py-bt',
                'shell printf abcd > %s' % fifo,
                'shell (sleep 1; kill -INT %d) &' % s.pid,
                # GDB's own breakpoints (shared-library events) need it to run the process.
                'set may-write-memory on', 'continue', 'set may-write-memory off',
                'thread apply all py-bt',
                'printf "batches %d hits %d\\n", $pyp_hc_batches, $pyp_hc_hits']
        outs, raw = scenario.run_gdb(target, cmds, pid=s.pid, scripts=[scenario.our_script(target)])
    finally:
        s.kill()
    before, after, counts = outs[0], outs[6], outs[7]
    workers = handed_off_threads(target, s.truth) - 1
    assert before.count('in stage_one') == 4 and 'stage_two' not in before, raw[-3000:]
    assert after.count('in stage_two') == 4, raw[-3000:]
    assert not gdb_threads.problems(before, s.truth, python_lines, expected_bt), before
    # Both rounds handed off; the second could not use the first batch's answers.
    if workers >= 1:
        m = re.match(r'batches (\d+) hits (\d+)', counts)
        assert m and int(m.group(1)) == 2 and int(m.group(2)) >= 2 * workers, counts + raw[-3000:]
