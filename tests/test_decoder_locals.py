"""`pyprinter bt --locals` against what Python's own locals() held in each frame (the
truth's f_locals: names in locals() order, cell and free variables with their contents,
empty cells left out, nothing for module and class bodies), on every target, on cores and
live. sc_closures has argument cells, closures three deep, a decorator's wrapper, nonlocal
counters, a comprehension and an empty cell; sc_calls generators, a coroutine and a class
body; sc_values a value of every kind.

test_locals_names checks the names, their order and their kinds; test_locals the reprs as
well (in the JSON, and in the text as `      name = repr` lines after each frame)."""
import pytest

import decoder
import scenario
from conftest import core_of, target_params, usable

SCENARIOS = ['sc_closures', 'sc_calls']
WHERE = ['core', 'live']


def runs(target, name, where, core_dir, *options):
    """(truth, [Run]) of `pyprinter bt --locals` with each of OPTIONS (a tuple each)."""
    usable(target)
    if where == 'core':
        core, truth = core_of(target, name, core_dir)
        return truth, [decoder.bt(target, core, '--locals', *o) for o in options]
    s = scenario.Stopped(target, name, 'live')
    try:
        rs = [decoder.bt(target, s.pid, '--locals', *o) for o in options]
        left = decoder.left_running(s.pid)
    finally:
        s.kill()
    assert not left, left
    return s.truth, rs


def frames_by_thread(truth, doc):
    """[(truth frame, JSON frame)] of every thread, paired by pthread id and position; the
    frames themselves are test_decoder's business, but they must line up here too."""
    pairs = []
    by_ident = {int(t['pthread_id'], 16): t for t in doc['threads'] if t['pthread_id']}
    for tt in truth['threads']:
        t = by_ident.get(tt['ident'])
        assert t is not None, 'thread %s is missing' % hex(tt['ident'])
        assert [(f['function'], f['line']) for f in t['frames']] == [(f['name'], f['line']) for f in tt['frames']]
        pairs += list(zip(tt['frames'], t['frames']))
    return pairs


def where_(fr):
    return '%s line %d' % (fr['name'], fr['line'])


@pytest.mark.parametrize('where', WHERE)
@pytest.mark.parametrize('name', SCENARIOS)
@pytest.mark.parametrize('target', target_params())
def test_locals_names(target, name, where, core_dir):
    truth, (js,) = runs(target, name, where, core_dir, ('--json',))
    problems = []
    for tf, f in frames_by_thread(truth, js.doc):
        want = [(n, tf['kinds'].get(n, '?')) for n, _ in tf['f_locals']]
        have = [(l['name'], l['kind']) for l in f['locals']]
        if have != want:
            problems.append('%s: (name, kind)\n%s' % (where_(tf), decoder.diff(want, have)))
        if not f['locals_complete']:
            problems.append('%s: locals_complete is false' % where_(tf))
    decoder.record(target, 'locals names', not problems)
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('where', WHERE)
@pytest.mark.parametrize('name', SCENARIOS + ['sc_values'])
@pytest.mark.parametrize('target', target_params())
def test_locals(target, name, where, core_dir):
    if name == 'sc_values' and where == 'live':
        pytest.skip('sc_values: its core is enough (a value of every kind, one frame)')
    truth, (js, text) = runs(target, name, where, core_dir, ('--json',), ())
    problems = []
    for tf, f in frames_by_thread(truth, js.doc):
        want = [tuple(x) for x in tf['f_locals']]
        have = [(l['name'], l['repr']) for l in f['locals']]
        if have != want:
            problems.append('%s: (name, repr)\n%s' % (where_(tf), decoder.diff(want, have)))
    _, blocks = decoder.text_threads(text.out)
    by_tid = {b['tid']: b for b in blocks}
    for tt in truth['threads']:
        want = [decoder.TRACEBACK]
        for fr, (file, line, fn, src) in zip(tt['frames'], decoder.expected_frames(target, tt['frames'])):
            want.append('  File "%s", line %d, in %s' % (file, line, fn))
            if src is not None:
                want.append('    ' + src)
            want += ['      %s = %s' % (n, r) for n, r in fr['f_locals']]
        b = by_tid.get(tt['native_id'])
        if b is None or b['lines'] != want:
            problems.append('text of thread %s:\n%s' % (tt['native_id'], decoder.diff(want, b['lines'] if b else [])))
    decoder.record(target, 'locals', not problems)
    assert not problems, '\n'.join(problems)
