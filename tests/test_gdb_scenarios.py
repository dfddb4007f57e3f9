"""The GDB script against the truth: for every matrix target and scenario, one core is
taken and py-bt, py-bt-full, py-locals, py-print, py-list and py-repr run on it, in
gdb-minimal and in the full GDB, with may-call-functions and may-write-memory off. Each
output must equal what the scenario recorded about itself before it stopped."""
import os
import re

import pytest

import matrix
import scenario
from conftest import REPORT, target_params, usable

GDBS = [pytest.param(matrix.GDB_MINIMAL, id='gdb-minimal'), pytest.param(matrix.GDB_FULL, id='gdb')]
PARITY = {}


@pytest.fixture(scope='session')
def core_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp('cores'))


_cores = {}


def core_of(target, name, core_dir):
    key = (target.name, name)
    if key not in _cores:
        _cores[key] = scenario.take_core(target, name, core_dir)
    return _cores[key]


def commands_prefix(gdb):
    return 'py' if gdb == matrix.GDB_MINIMAL else 'pyp'


def record(target, gdb, command, ok):
    key = (target.name, command)
    m, t = PARITY.get(key, (0, 0))
    PARITY[key] = (m + bool(ok), t + 1)


def source_line(path, line):
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.readlines()
    except OSError:
        return None
    if 1 <= line <= len(lines):
        return lines[line - 1].strip()
    return None


def expected_bt(frames):
    out = []
    for fr in frames:
        out.append('  File "%s", line %d, in %s' % (fr['file'], fr['line'], fr['name']))
        src = source_line(fr['file'], fr['line'])
        if src is not None:
            out.append('    ' + src)
    return out


def python_lines(output):
    """The Python-frame lines of a py-bt (drops the C-function lines python-gdb.py adds)."""
    lines = output.splitlines()
    keep = []
    for i, line in enumerate(lines):
        if line.startswith('  File "'):
            keep.append(line)
        elif line.startswith('    ') and keep and i > 0 and (lines[i - 1].startswith('  File "')):
            keep.append(line)
    return keep


def main_thread(truth):
    return next(t for t in truth['threads'] if t['current'])


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_py_bt(target, gdb, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    p = commands_prefix(gdb)
    (out,), raw = scenario.run_gdb(target, [p + '-bt'], core=core, gdb=gdb,
                                   scripts=[scenario.our_script(target)])
    frames = main_thread(truth)['frames']
    ok = out.startswith('Traceback (most recent call first):\n') and python_lines(out) == expected_bt(frames)
    record(target, gdb, 'py-bt', ok)
    assert python_lines(out) == expected_bt(frames), raw[-3000:]
    assert out.startswith('Traceback (most recent call first):\n')


CELL = '\x00cell\x00'


def expected_frame_text(fr, ours):
    """python-gdb.py's frame repr of truth frame FR, with the frame and cell addresses
    (which the scenario cannot know) taken from OURS, cut at 1024 characters."""
    m = re.match(r'Frame (0x[0-9a-f]+),', ours)
    address = m.group(1) if m else '0x?'
    parts = []
    for name, exp in fr['locals']:
        parts.append('%s=%s' % (name, CELL if exp is None else exp))
    text = 'Frame %s, for file %s, line %d, in %s (%s)' % (
        address, fr['file'], fr['line'], fr['name'], ', '.join(parts))
    for cell in re.findall(r'<cell at remote 0x[0-9a-f]+>', ours):
        text = text.replace(CELL, cell, 1)
    if len(text) > 1024:
        text = text[:1024] + '...(truncated)'
    return text


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_py_bt_full(target, gdb, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    p = commands_prefix(gdb)
    (out, bt), raw = scenario.run_gdb(target, [p + '-bt-full', 'bt -frame-arguments none'],
                                      core=core, gdb=gdb, scripts=[scenario.our_script(target)])
    frames = main_thread(truth)['frames']
    got = [l for l in out.splitlines() if re.match(r'#\S+ Frame 0x', l)]
    problems = []
    if len(got) != len(frames):
        problems.append('%d frame lines for %d frames' % (len(got), len(frames)))
    eval_levels = set(int(m.group(1)) for m in re.finditer(r'^#(\d+) .*_PyEval_EvalFrameDefault', bt, re.M))
    for line, fr in zip(got, frames):
        level, text = line.split(' ', 1)
        want = expected_frame_text(fr, text)
        if text != want:
            at = next((i for i, (a, b) in enumerate(zip(text, want)) if a != b), min(len(text), len(want)))
            problems.append('frame %s differs at %d:\n   got      ...%s\n   expected ...%s' % (
                fr['name'], at, text[max(0, at - 150):at + 150], want[max(0, at - 150):at + 150]))
        if level != '#?' and int(level[1:]) not in eval_levels:
            problems.append('%s is not a _PyEval_EvalFrameDefault frame of bt' % level)
    record(target, gdb, 'py-bt-full', not problems)
    assert not problems, '\n'.join(problems) + '\n' + raw[-2000:]


def pytest_sessionfinish():
    pass


@pytest.fixture(scope='session', autouse=True)
def parity_report():
    yield
    commands = sorted({c for _, c in PARITY})
    for t in matrix.targets():
        row = ['%s %d/%d' % (c, *PARITY[(t.name, c)]) for c in commands if (t.name, c) in PARITY]
        if row:
            REPORT.append(('parity with the truth (matched/total, both GDBs)',
                           '%-13s %s' % (t.name, '  '.join(row))))
