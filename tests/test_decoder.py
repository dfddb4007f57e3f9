"""`pyprinter bt` against the scenarios' own truth on every matrix target, on cores (one
per target and scenario, shared with the GDB tests) and on live processes.

For each scenario every thread the truth lists must appear exactly once: in the JSON
matched by its pthread id (threading.get_ident()) with its OS thread id, in the text
under its own header (found by OS thread id, its PyThreadState the one the JSON gives),
with exactly the truth's frames (file, line, function) and their source lines. A live
process must be left running and untraced after every run."""
import pytest

import decoder
import scenario
from conftest import core_of, target_params, usable

SCENARIOS = ['sc_calls', 'sc_threads', 'sc_deep', 'sc_cext', 'sc_gil']


def check_core(target, name, core_dir, options=()):
    usable(target)
    core, truth = core_of(target, name, core_dir)
    js = decoder.bt(target, core, '--json', *options)
    text = decoder.bt(target, core, *options)
    problems = decoder.check_json(target, truth, js.doc)
    problems += decoder.check_text(target, truth, text.out, js.doc)
    return truth, js, text, problems


@pytest.mark.parametrize('name', SCENARIOS)
@pytest.mark.parametrize('target', target_params())
def test_core(target, name, core_dir):
    truth, js, text, problems = check_core(target, name, core_dir)
    decoder.record(target, 'core', not problems)
    if name == 'sc_threads':
        assert len(truth['threads']) == 5
    if name == 'sc_deep':
        assert max(len(t['frames']) for t in truth['threads']) > 300
    assert not problems, '\n'.join(problems) + '\n\n' + str(text)


@pytest.mark.parametrize('target', target_params())
def test_core_without_sources(target, core_dir):
    """--no-source: the same frames, no source lines (JSON source null)."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    js = decoder.bt(target, core, '--json', '--no-source')
    text = decoder.bt(target, core, '--no-source')
    read = [f['source'] for t in js.doc['threads'] for f in t['frames'] if f['source'] is not None]
    assert not read, 'source lines read with --no-source: %s' % read[:3]
    for t in js.doc['threads']:
        for f in t['frames']:
            f['source'] = decoder.source_line(target, f['file'], f['line'])  # all else as usual
    problems = decoder.check_json(target, truth, js.doc)
    problems += decoder.check_text(target, truth, text.out, js.doc, sources=False)
    assert not problems, '\n'.join(problems) + '\n\n' + str(text)


@pytest.mark.parametrize('target', target_params())
def test_core_says_the_python_version(target, core_dir):
    """The version pyprinter names is the interpreter's own (sys.version_info), and it
    needs no note to say so."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    js = decoder.bt(target, core, '--json')
    version = '.'.join(map(str, truth['version']))
    variant = target.variant
    got = (js.doc['python']['version'], js.doc['python']['variant'])
    decoder.record(target, 'version', got == (version, variant) and not js.doc['notes'])
    assert got == (version, variant), js.err
    assert js.doc['python']['version_hex'] == hex(truth['hexversion'])
    assert js.doc['notes'] == [] and js.err == '', js.err
    assert js.doc['target'] == dict(js.doc['target'], kind='core', pid=truth['pid'], core=core)
    head, _ = decoder.text_threads(decoder.bt(target, core).out)
    assert head.endswith(': CPython %s (%s)' % (version, variant)), head


@pytest.mark.parametrize('target', target_params())
def test_core_with_its_executable_named(target, core_dir):
    """`pyprinter bt CORE EXE`: the executable given reads like the one the core names."""
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    args = decoder.bt_args(target, core, '--json') + [target.executable]
    js = decoder.run(args)
    assert js.rc == 0, str(js)
    problems = decoder.check_json(target, truth, js.doc)
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('target', target_params())
def test_snapshot_core_names_no_signal(target, core_dir):
    """gcore took the core of a sleeping scenario: no signal ended it (gcore's core
    records the SIGSTOP of its attach, which is not one)."""
    usable(target)
    core, _ = core_of(target, 'sc_calls', core_dir)
    js = decoder.bt(target, core, '--json')
    head, _ = decoder.text_threads(decoder.bt(target, core).out)
    assert js.doc['target']['signal'] is None, js.doc['target']
    assert 'signal' not in head, head


def check_live(target, name, options=()):
    """Problems of `pyprinter bt` (text and JSON, with OPTIONS) on a live run of NAME."""
    usable(target)
    s = scenario.Stopped(target, name, 'live')
    try:
        js = decoder.bt(target, s.pid, '--json', *options)
        problems = decoder.left_running(s.pid)
        text = decoder.bt(target, s.pid, *options)
        problems += decoder.left_running(s.pid)
        problems += decoder.check_json(target, s.truth, js.doc, live_pid=s.pid)
        problems += decoder.check_text(target, s.truth, text.out, js.doc, live_pid=s.pid)
        if js.doc['target'] != dict(js.doc['target'], kind='process', pid=s.pid, core=None):
            problems.append('target: %s' % js.doc['target'])
    finally:
        s.kill()
    return problems, text


@pytest.mark.parametrize('name', SCENARIOS)
@pytest.mark.parametrize('target', target_params())
def test_live(target, name):
    problems, text = check_live(target, name)
    decoder.record(target, 'live', not problems)
    assert not problems, '\n'.join(problems) + '\n\n' + str(text)


@pytest.mark.parametrize('name', ['sc_calls', 'sc_threads', 'sc_gil'])
@pytest.mark.parametrize('target', target_params())
def test_live_nonblocking(target, name):
    """--nonblocking reads without ptrace: the same stacks (the scenario is asleep, or in
    sc_gil busy in one C call, so nothing moves under the reader)."""
    problems, text = check_live(target, name, ['--nonblocking'])
    decoder.record(target, 'nonblocking', not problems)
    assert not problems, '\n'.join(problems) + '\n\n' + str(text)


# What each scenario's threads do when it stops (see the scenarios' docstrings): sc_gil's
# main thread holds the GIL in one long C call while its three threads wait for it;
# sc_threads' five threads all sleep in time.sleep, the GIL released.
STATUS = {
    'sc_gil': {'main': ('held', 'holds the GIL'), 'other': ('waiting', 'waiting for the GIL')},
    'sc_threads': {'main': ('released', 'idle in native code, GIL released'),
                   'other': ('released', 'idle in native code, GIL released')},
}


@pytest.mark.parametrize('where', ['core', 'live'])
@pytest.mark.parametrize('name', sorted(STATUS))
@pytest.mark.parametrize('target', target_params())
def test_thread_status(target, name, where, core_dir):
    """Each thread's status: who holds the GIL, who waits for it, who sleeps without it;
    nobody collecting garbage."""
    usable(target)
    if where == 'core':
        core, truth = core_of(target, name, core_dir)
        js = decoder.bt(target, core, '--json')
    else:
        s = scenario.Stopped(target, name, 'live')
        try:
            truth = s.truth
            js = decoder.bt(target, s.pid, '--json')
        finally:
            s.kill()
    problems = []
    by_ident = {int(t['pthread_id'], 16): t for t in js.doc['threads'] if t['pthread_id']}
    for tt in truth['threads']:
        t = by_ident.get(tt['ident'])
        gil, text = STATUS[name]['main' if tt['main'] else 'other']
        want = {'gil': gil, 'gc': False, 'text': text}
        if t is None or t['status'] != want:
            problems.append('thread %s%s: status %s, expected %s' % (
                tt['native_id'], ' (main)' if tt['main'] else '', t and t['status'], want))
    decoder.record(target, 'status', not problems)
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('target', target_params())
def test_live_named_by_any_thread_id(target):
    """`pyprinter bt TID` with the id of a thread other than the main one (as top -H shows
    it) reads that thread's process: the same report as `pyprinter bt PID`."""
    usable(target)
    s = scenario.Stopped(target, 'sc_threads', 'live-tid')
    try:
        tid = next(t['native_id'] for t in s.truth['threads'] if not t['main'])
        js = decoder.bt(target, tid, '--json')
        problems = decoder.check_json(target, s.truth, js.doc, live_pid=s.pid)
        if js.doc['target']['pid'] != s.pid:
            problems.append('target pid %s, the process is %d' % (js.doc['target']['pid'], s.pid))
        problems += decoder.left_running(s.pid)
    finally:
        s.kill()
    decoder.record(target, 'live', not problems)
    assert not problems, '\n'.join(problems)
