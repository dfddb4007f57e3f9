"""Scale: sc_many's 200 threads of 50 Python frames each (and the threading module's
frames under them), read whole and right from its core and live, on every target."""
import pytest

import decoder
import scenario
from conftest import core_of, target_params, usable


def check(target, truth, what, live_pid=None):
    js = decoder.bt(target, what, '--json')
    text = decoder.bt(target, what)
    problems = decoder.check_json(target, truth, js.doc, live_pid=live_pid)
    problems += decoder.check_text(target, truth, text.out, js.doc, live_pid=live_pid)
    return problems


def assert_many(truth):
    assert len(truth['threads']) == 201
    assert all(len(t['frames']) >= 50 for t in truth['threads'] if not t['main'])


@pytest.mark.parametrize('target', target_params())
def test_many_threads_core(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_many', core_dir)
    assert_many(truth)
    problems = check(target, truth, core)
    decoder.record(target, 'many', not problems)
    assert not problems, '\n'.join(problems[:20])


@pytest.mark.parametrize('target', target_params())
def test_many_threads_live(target):
    usable(target)
    s = scenario.Stopped(target, 'sc_many', 'live')
    try:
        assert_many(s.truth)
        problems = check(target, s.truth, s.pid, live_pid=s.pid)
        problems += decoder.left_running(s.pid)
    finally:
        s.kill()
    decoder.record(target, 'many', not problems)
    assert not problems, '\n'.join(problems[:20])
