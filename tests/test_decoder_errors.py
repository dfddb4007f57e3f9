"""Bad input to `pyprinter bt`: wrong usage, no such process or file, a process that is
not Python, permission refused, a file that is not a core, a truncated core, a frame
chain that loops, a wild pointer in it. A refusal is one clear line on stderr
("pyprinter: ...") with the documented exit status; damage inside a core is decoded as far
as it can be and the rest is marked, never a crash (ASan and UBSan watch every run) and
never a wrong frame. Cores are damaged by patching copies of the scenario cores."""
import os
import shutil
import signal
import subprocess

import pytest

import decoder
import matrix
from conftest import core_of, target_params, usable
from corepatch import cut, patch, previous_offset

KERNEL_CORE_TARGETS = ('pyenv-3.8', 'pyenv-3.12', 'debian-3.11', 'sid-3.14', 'sid-3.15d')


def refused(r, rc, *words):
    """Problems unless R failed with exit status RC and one 'pyprinter: ' line on stderr
    holding each of WORDS, and printed nothing on stdout."""
    problems = []
    lines = r.err.splitlines()
    if r.rc != rc:
        problems.append('exit status %s, expected %d' % (r.rc, rc))
    if len(lines) != 1 or not lines[0].startswith('pyprinter: '):
        problems.append('stderr is not one "pyprinter: " line')
    for w in words:
        if w not in r.err:
            problems.append('stderr does not say %r' % w)
    if r.out:
        problems.append('something on stdout')
    return problems


def assert_refused(r, rc, *words):
    problems = refused(r, rc, *words)
    assert not problems, '\n'.join(problems) + '\n' + str(r)


@pytest.mark.parametrize('args', [[], ['bt'], ['bt', '--json'], ['repr', '1']],
                         ids=['nothing', 'bt', 'bt-json', 'repr-without-address'])
def test_missing_arguments(args):
    assert_refused(decoder.run(args), 2)


@pytest.mark.parametrize('args', [['bt', '--bogus', '1'], ['bt', '-x', '1'], ['frobnicate', '1'],
                                  ['bt', '1', '2'], ['bt', '--sysroot'],
                                  ['bt', '--native', '--nonblocking', '1']],
                         ids=['long', 'short', 'command', 'extra', 'no-sysroot-dir', 'native-nonblocking'])
def test_wrong_usage(args):
    assert_refused(decoder.run(args), 2)


def test_help_and_version():
    r = decoder.run(['--help'])
    assert r.rc == 0 and r.out.startswith('usage: pyprinter bt') and not r.err
    for status in ('0 printed', '1 not a Python process', '2 wrong usage', '3 no such process',
                   '4 permission denied', '5 not a core file', '6 a CPython version'):
        assert status in ' '.join(r.out.split()), status
    r = decoder.run(['--version'])
    assert r.rc == 0 and r.out.startswith('pyprinter ') and not r.err


def free_pid():
    with open('/proc/sys/kernel/pid_max') as f:
        pid = int(f.read()) - 1
    while os.path.exists('/proc/%d' % pid):
        pid -= 1
    return pid


def test_no_such_process():
    pid = free_pid()
    assert_refused(decoder.run(['bt', str(pid)]), 3, str(pid))
    assert_refused(decoder.run(['bt', '--nonblocking', str(pid)]), 3, str(pid))


def test_no_such_file(tmp_path):
    path = str(tmp_path / 'no-such.core')
    assert_refused(decoder.run(['bt', path]), 3, path)


@pytest.fixture
def sleeper():
    proc = subprocess.Popen(['/bin/sleep', '100'])
    yield proc
    proc.kill()
    proc.wait()


def test_not_python_process(sleeper):
    for options in ([], ['--nonblocking'], ['--json']):
        assert_refused(decoder.run(['bt'] + options + [str(sleeper.pid)]), 1, 'not a Python process')
        assert not decoder.left_running(sleeper.pid)


NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups']


def test_permission_denied(sleeper, tmp_path, core_dir):
    """As user nobody: a root process, and a core only root may read."""
    if os.getuid() != 0:
        pytest.skip('needs root to become nobody')
    for options in ([], ['--nonblocking']):
        r = decoder.run(['bt'] + options + [str(sleeper.pid)], prefix=NOBODY)
        assert_refused(r, 4, 'permission denied')
    assert not decoder.left_running(sleeper.pid)
    target = next(t for t in matrix.targets() if not t.skip)
    core, _ = core_of(target, 'sc_calls', core_dir)
    private = str(tmp_path / 'private.core')
    shutil.copy(core, private)
    os.chmod(private, 0o600)
    os.chmod(str(tmp_path), 0o755)
    assert_refused(decoder.run(['bt', private], prefix=NOBODY), 4, 'permission denied')


def test_not_a_core(tmp_path):
    text = tmp_path / 'notes.txt'
    text.write_text('not a core\n' * 20)
    empty = tmp_path / 'empty'
    empty.write_bytes(b'')
    elf = next(t for t in matrix.targets() if not t.skip).executable
    for path in (str(text), str(empty), elf, str(tmp_path)):
        assert_refused(decoder.run(['bt', path]), 5, path)


@pytest.mark.parametrize('target', target_params(lambda t: bool(t.sysroot)))
def test_chroot_core_without_sysroot(target, core_dir):
    """A core whose files live in a chroot, read without --sysroot: a refusal or a report
    that says what to pass, and no frame lost or wrong without a mark."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    problems, text = check_degraded(['bt', core], truth, '--sysroot')
    assert not problems, '\n'.join(problems) + '\n' + str(text)


# --- damaged cores -----------------------------------------------------------------------

def main_of(truth):
    return next(t for t in truth['threads'] if t['current'])


def json_thread(doc, ident):
    ts = [t for t in doc['threads'] if t['pthread_id'] and int(t['pthread_id'], 16) == ident]
    assert len(ts) == 1, ts
    return ts[0]


def frame_addresses(target, core, truth):
    """The main thread's frame addresses, as pyprinter reads them from the intact core."""
    r = decoder.bt(target, core, '--json')
    t = json_thread(r.doc, main_of(truth)['ident'])
    assert len(t['frames']) == len(main_of(truth)['frames'])
    return [int(f['frame'], 16) for f in t['frames']]


def damaged(target, core_dir, tmp_path, how):
    """(copy of sc_calls' core with its main thread's third frame linked by HOW(frames)
    to an older frame, truth)."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    frames = frame_addresses(target, core, truth)
    copy = str(tmp_path / 'damaged.core')
    shutil.copy(core, copy)
    patch(copy, frames[2] + previous_offset(target), how(frames))
    return copy, truth


def check_stops_after(target, copy, truth, problem, line_words):
    """The damaged main thread shows exactly its first three frames, then one marker line
    holding LINE_WORDS; its JSON says PROBLEM."""
    js = decoder.bt(target, copy, '--json', timeout=120)
    text = decoder.bt(target, copy, timeout=120)
    want = main_of(truth)['frames'][:3]
    t = json_thread(js.doc, main_of(truth)['ident'])
    got = [(f['file'], f['line'], f['function']) for f in t['frames']]
    problems = []
    if got != [(f['file'], f['line'], f['name']) for f in want]:
        problems.append('JSON frames:\n' + decoder.diff([(f['file'], f['line'], f['name']) for f in want], got))
    if t['frame_chain_problem'] != problem:
        problems.append('frame_chain_problem %r, expected %r' % (t['frame_chain_problem'], problem))
    _, blocks = decoder.text_threads(text.out)
    b = [b for b in blocks if b['tid'] == main_of(truth)['native_id']]
    lines = b[0]['lines'] if len(b) == 1 else []
    expected = decoder.expected_text(target, want)
    if lines[:-1] != expected or not lines or not all(w in lines[-1] for w in line_words) \
            or not lines[-1].startswith('  ('):
        problems.append('text:\n' + decoder.diff(expected + ['  (... %s ...)' % ' '.join(line_words)], lines))
    return problems, text


@pytest.mark.parametrize('target', target_params())
def test_cycle_in_frame_chain(target, core_dir, tmp_path):
    copy, truth = damaged(target, core_dir, tmp_path, lambda f: f[1])
    problems, text = check_stops_after(target, copy, truth, 'cycle', ['loops back on itself'])
    decoder.record(target, 'damaged', not problems)
    assert not problems, '\n'.join(problems) + '\n' + str(text)


@pytest.mark.parametrize('target', target_params())
def test_wild_pointer_in_frame_chain(target, core_dir, tmp_path):
    copy, truth = damaged(target, core_dir, tmp_path, lambda f: 0xdead0000beef0)
    problems, text = check_stops_after(target, copy, truth, 'unreadable',
                                       ['unable to read python frame information', '0xdead0000beef0'])
    decoder.record(target, 'damaged', not problems)
    assert not problems, '\n'.join(problems) + '\n' + str(text)


def check_degraded(args, truth, word):
    """Problems of `pyprinter bt ARGS` where part of the target cannot be read: either one
    line saying WORD (what is wrong), or a report with a note saying WORD, in which each
    thread of the truth is either whole and right, or right as far as it goes with the
    rest marked (a thread error, a frame chain problem, frames with errors in place of the
    ones that could not be read)."""
    js = decoder.run(args + ['--json'], timeout=300)
    text = decoder.run(args, timeout=300)
    if js.rc != 0 or text.rc != 0:
        return refused(js, js.rc if js.rc in (1, 5) else 5, word) + \
            refused(text, js.rc if js.rc in (1, 5) else 5, word), text
    problems = []
    doc = js.doc
    if not any(word in n for n in doc['notes']):
        problems.append('no note says %r: %s' % (word, doc['notes']))
    by_ident = {int(t['pthread_id'], 16): t for t in doc['threads'] if t['pthread_id']}
    by_tid = {t['tid']: t for t in doc['threads'] if t['tid']}
    for tt in truth['threads']:
        what = 'thread %s' % tt['native_id']
        t = by_ident.get(tt['ident'])
        if t is None:
            os_thread = by_tid.get(tt['native_id'])
            if os_thread is not None and not os_thread['error']:
                problems.append('%s: shown without Python and without a reason' % what)
            continue
        want = [(f['file'], f['line'], f['name']) for f in tt['frames']]
        have = [(f['file'], f['line'], f['function']) for f in t['frames']]
        for i, (f, h) in enumerate(zip(t['frames'], have)):
            # A line the cut took away (its code object's line table) is unknown, not wrong.
            if f['error'] is None and (i >= len(want) or not same_frame(h, want[i])):
                problems.append('%s: frame %d is %s, the truth says %s' % (
                    what, i, h, want[i] if i < len(want) else 'nothing'))
        # A frame that cannot be read stands in its place (with its error); frames missing
        # at the end need the thread's own mark.
        if len(have) != len(want) and not (t['error'] or t['frame_chain_problem']):
            problems.append('%s: %d frames of %d and no mark' % (what, len(have), len(want)))
    head, blocks = decoder.text_threads(text.out)
    if not decoder.TARGET_HEADER.match(head) or len(blocks) != len(doc['threads']):
        problems.append('the text has %d thread blocks, the JSON %d threads' % (len(blocks), len(doc['threads'])))
    return problems, text


def same_frame(have, want):
    """Whether frame HAVE (file, line, function) is WANT, or WANT with its line unknown."""
    return have == want or (have[1] is None and (have[0], have[2]) == (want[0], want[2]))


@pytest.mark.parametrize('target', target_params())
def test_truncated_core(target, core_dir, tmp_path):
    """gcore writes its notes (threads, mapped files) after the memory: a third of its
    core has none."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    short = str(tmp_path / 'third.core')
    cut(core, short, 1 / 3)
    problems, text = check_degraded(decoder.bt_args(target, short), truth, 'truncated')
    decoder.record(target, 'truncated', not problems)
    assert not problems, '\n'.join(problems) + '\n' + str(text)


@pytest.mark.parametrize('fraction', [1 / 3, 2 / 3, 0.9])
@pytest.mark.parametrize('target', target_params(lambda t: t.name in KERNEL_CORE_TARGETS))
def test_truncated_kernel_core(target, fraction, tmp_path, kernel_cores):
    """The kernel writes its notes first: a cut core keeps its threads and loses memory."""
    usable(target)
    core, truth = kernel_cores(target)
    short = str(tmp_path / 'cut.core')
    cut(core, short, fraction)
    problems, text = check_degraded(decoder.bt_args(target, short), truth, 'truncated')
    decoder.record(target, 'truncated', not problems)
    assert not problems, '\n'.join(problems) + '\n' + str(text)


@pytest.fixture(scope='session')
def kernel_cores(core_dir):
    import scenario
    taken = {}

    def take(target):
        if target.name not in taken:
            taken[target.name] = scenario.take_kernel_core(target, 'sc_threads', core_dir)
        core, truth = taken[target.name]
        if core is None:
            pytest.skip(truth)
        return core, truth
    return take


def test_killed_by_a_signal_is_named(core_dir, kernel_cores):
    """A kernel core says which signal ended the process (the scenario gets SIGABRT)."""
    target = next((t for t in matrix.targets() if t.name in KERNEL_CORE_TARGETS and not t.skip), None)
    if target is None:
        pytest.skip('no kernel-core target can run')
    core, truth = kernel_cores(target)
    js = decoder.bt(target, core, '--json')
    assert js.doc['target']['signal'] == {'number': signal.SIGABRT, 'name': 'SIGABRT', 'address': None}
    assert not decoder.check_json(target, truth, js.doc)
