"""The GDB script's fast path (templates/36-handoff.gdb.in): py-bt and py-bt-full handed
to pyprinter when GDB's target is a core file or a native process.

Most of the proof is in the other GDB tests: every py-bt and py-bt-full they run, on
every target, in both GDBs, live and on cores, runs twice in the same GDB, with the
script alone and then with the hand-off, and must print the same (scenario.split_outputs);
`thread apply all py-bt` and the deep stack check that pyprinter really printed it; the
remote tests check that it never does over gdbserver. Here: a core pyprinter may not
read is left to the script, which prints the same; and `set $pyp_decoder = 0` is obeyed."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest

import gdb_threads
import matrix
import scenario
from conftest import core_of, target_params, usable
from test_gdb_scenarios import expected_bt, handed_off_threads, main_thread, python_lines

NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups']


def nobody_can_read(path):
    r = subprocess.run(NOBODY + ['test', '-r', path])
    return r.returncode == 0


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('debian-3.11', 'sid-3.14')))
def test_refused_for_a_core_pyprinter_may_not_read(target, core_dir):
    """GDB, run as an unprivileged user, holds the core open; the core then loses its
    read permission, so pyprinter (run by GDB as the same user) cannot open it: py-bt
    says nothing about it and prints, by the script, what the scenario's truth says.
    Readable again, the next py-bt is handed off and prints the same."""
    usable(target)
    if not nobody_can_read(target.executable):
        pytest.skip('%s is not readable by nobody' % target.executable)
    core, truth = core_of(target, 'sc_calls', core_dir)
    top = tempfile.mkdtemp(prefix='pyprinter-nobody-', dir='/tmp')
    try:
        run_as_nobody(target, core, truth, pathlib.Path(top))
    finally:
        shutil.rmtree(top, ignore_errors=True)


def run_as_nobody(target, core, truth, top):
    work = top / 'nobody'
    (work / 'home').mkdir(parents=True)
    mine = work / 'core'
    shutil.copy(core, mine)
    decoder = work / 'pyprinter'
    shutil.copy(scenario.DECODER, decoder)
    subprocess.run([os.path.join(matrix.TOP, 'out', 'bin', 'pyprinter-gen'), '--cpython', target.minor,
                    '--variant', target.variant, '--headers', target.include_dir, '-q',
                    '--decoder', str(decoder), '-o', str(work / 'script')], check=True)
    script = str(work / 'script' / ('python%s-gdb.gdb' % target.minor))
    for p in [top, work] + list(work.rglob('*')):
        os.chmod(p, 0o755 if p.is_dir() or p == decoder else 0o644)
    subprocess.run(['chown', '-R', 'nobody:nogroup', str(work)], check=True)
    # Readable again at the end: then (and only then) the hand-off happens.
    argv = scenario.gdb_argv(target, ['shell chmod 000 %s' % mine, 'py-bt', 'py-bt-full',
                                      'shell chmod 644 %s' % mine, 'py-bt'],
                             core=str(mine), scripts=[script])
    r = subprocess.run(NOBODY + argv, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, HOME=str(work / 'home'), LC_ALL='C.UTF-8'))
    (_, bt, full, _, bt_again), raw = scenario.split_outputs(r.stdout, 5), r.stdout + r.stderr
    assert scenario.handoffs(raw) == 1 and bt_again == bt, raw[-3000:]
    assert python_lines(bt) == expected_bt(main_thread(truth)['frames']), raw[-3000:]
    assert full.count(' Frame 0x') == len(main_thread(truth)['frames']), raw[-3000:]
    assert 'not handed off' not in bt + full and 'pyprinter:' not in bt + full


@pytest.mark.parametrize('target', target_params(lambda t: t.name == 'pyenv-3.12'))
def test_decoder_switch(target, core_dir):
    """`set $pyp_decoder = 0` keeps the script alone; 1 hands off again."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    argv = scenario.gdb_argv(target, [], core=core, scripts=[scenario.our_script(target)])
    argv += ['-ex', 'set $pyp_decoder = 0', '-ex', 'py-bt', '-ex', 'printf "off %d\\n", $pyp_ho_count',
             '-ex', 'set $pyp_decoder = 1', '-ex', 'py-bt', '-ex', 'printf "on %d\\n", $pyp_ho_count']
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert 'off 0\n' in r.stdout and 'on 1\n' in r.stdout, r.stdout[-2000:] + r.stderr[-2000:]


PLACES_COUNT = 'shell wc -l < ~/.cache/pyprinter/places'


def gdb_with_home(target, core, home, commands):
    """GDB's stdout for COMMANDS on CORE, with HOME as its home directory."""
    argv = scenario.gdb_argv(target, [], core=core, scripts=[scenario.our_script(target)], dwarf=True)
    for c in commands:
        argv += ['-ex', c]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, HOME=str(home), LC_ALL='C.UTF-8'))
    return r.stdout, r.stdout[-3000:] + r.stderr[-2000:]


def tracebacks(out):
    return ['Traceback (most recent call first):\n' + b
            for b in out.split('Traceback (most recent call first):\n')[1:]]


def counts_of(out):
    return [int(l) for l in out.splitlines() if l.strip().isdigit()]


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('pyenv-3.12', 'sid-3.14')))
def test_places_kept_between_handoffs(target, core_dir, tmp_path):
    """pyprinter keeps the names of code addresses (DWARF: inlined calls count as GDB
    frames) in ~/.cache/pyprinter/places between hand-offs and between GDB sessions
    (native_place_store.c): the second py-bt takes them from there and prints the same;
    a damaged line in that file is ignored; names found with another
    debug-file-directory are not reused (the store grows); a new GDB session finds them
    all there (the store does not grow). Every py-bt prints the truth."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    want = expected_bt(main_thread(truth)['frames'])
    home = tmp_path / 'home'
    home.mkdir()
    out, raw = gdb_with_home(target, core, home, [
        'py-bt', PLACES_COUNT,
        "shell printf 'garbage\\tline\\n%s\\tx\\t9\\n' >> ~/.cache/pyprinter/places" % ('0' * 40),
        'py-bt', PLACES_COUNT, 'printf "handed off %d\\n", $pyp_ho_count',
        'set debug-file-directory ' + matrix.NO_DEBUG_DIR, 'py-bt', PLACES_COUNT])
    again, raw2 = gdb_with_home(target, core, home, ['py-bt', PLACES_COUNT, 'printf "handed off %d\\n", $pyp_ho_count'])
    problems = []
    bts = tracebacks(out) + tracebacks(again)
    if len(bts) != 4 or any(python_lines(b) != want for b in bts):
        problems.append('%d tracebacks, not each the truth' % len(bts))
    if 'handed off 2\n' not in out or 'handed off 1\n' not in again:
        problems.append('not every py-bt was handed off')
    counts = counts_of(out) + counts_of(again)
    if (len(counts) != 4 or counts[0] == 0 or counts[1] != counts[0] + 2 or counts[2] <= counts[1]
            or counts[3] != counts[2]):
        problems.append('places kept: %s (after py-bt, after it again with two damaged lines, '
                        'after another debug-file-directory, in a new session)' % counts)
    assert not problems, '\n'.join(problems) + '\n' + raw + raw2


@pytest.mark.parametrize('target', target_params(lambda t: t.name == 'pyenv-3.12'))
def test_places_follow_debug_files(target, core_dir, tmp_path):
    """A debug file that appears under a debug-file-directory (a -dbg package installed
    between two GDB sessions) changes the keys of its module's places: the new session
    names them again, as the new GDB reads the new DWARF, and still prints the truth."""
    usable(target)
    system_ids = pathlib.Path('/usr/lib/debug/.build-id')
    if not system_ids.is_dir():
        pytest.skip('no /usr/lib/debug/.build-id here (libc6-dbg is not installed)')
    core, truth = core_of(target, 'sc_calls', core_dir)
    want = expected_bt(main_thread(truth)['frames'])
    home = tmp_path / 'home'
    home.mkdir()
    debug = tmp_path / 'debug'
    debug.mkdir()
    cmds = ['set debug-file-directory %s' % debug, 'py-bt', PLACES_COUNT]
    before, raw = gdb_with_home(target, core, home, cmds)
    same, raw2 = gdb_with_home(target, core, home, cmds)
    (debug / '.build-id').symlink_to(system_ids)
    after, raw3 = gdb_with_home(target, core, home, cmds)
    counts = counts_of(before) + counts_of(same) + counts_of(after)
    bts = tracebacks(before) + tracebacks(same) + tracebacks(after)
    assert len(bts) == 3 and all(python_lines(b) == want for b in bts), raw + raw2 + raw3
    assert len(counts) == 3 and counts[0] > 0 and counts[1] == counts[0] and counts[2] > counts[1], counts


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('pyenv-3.10', 'pyenv-3.12', 'sid-3.15')))
def test_batch_request_cut_anywhere(target, core_dir, tmp_path):
    """`pyprinter gdb-batch` (ASan) on the request GDB really sends for sc_threads, whole
    and cut at many places, and on lines that are not a request: whole, it answers every
    thread that runs Python; cut, it answers the threads whose part arrived whole, or
    declines with one line on standard error and status 1; never a crash."""
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    req = tmp_path / 'request'
    scenario.run_gdb(target, ['pipe pyp-hc-request | cat > %s' % req], core=core,
                     scripts=[scenario.our_script(target)])
    text = req.read_bytes()
    assert text.count(b'@end-thread') == len(truth['threads']), text[-2000:]

    def answer(data):
        r = subprocess.run([scenario.DECODER, 'gdb-batch'], input=data, capture_output=True, timeout=120)
        assert r.returncode in (0, 1) and b'Sanitizer' not in r.stderr and b'runtime error' not in r.stderr, r.stderr
        if r.returncode:
            assert r.stdout == b'' and r.stderr.count(b'\n') == 1 and r.stderr.startswith(
                b'pyprinter gdb-batch: not handed off: '), r.stderr
        return r.stdout.decode()

    whole = answer(text)
    assert whole.count('@@pyp-define\t') == handed_off_threads(target, truth), whole
    for cut in range(0, len(text), max(1, len(text) // 40)):
        part = answer(text[:cut])
        assert part.count('@@pyp-define\t') <= text[:cut].count(b'@end-thread'), part
    for garbage in (b'', b'@command bt-batch\n@end\n', b'\x00\xff' * 5000, b'@thread 1 1\n' * 1000,
                    text.replace(b'@inferior ', b'@inferior 9')):
        assert answer(garbage) == '', garbage[:80]


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('pyenv-3.12', 'sid-3.15')))
def test_decoder_gone(target, core_dir, tmp_path):
    """A script whose pyprinter is not there (uninstalled, moved): every py-bt of
    `thread apply all py-bt` is the script's own, GDB lives on to the next command (a pipe
    whose reader exits before GDB has written kills GDB with SIGPIPE: the shell drains it)."""
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    subprocess.run([os.path.join(matrix.TOP, 'out', 'bin', 'pyprinter-gen'), '--cpython', target.minor,
                    '--variant', target.variant, '--headers', target.include_dir, '-q',
                    '--decoder', str(tmp_path / 'gone' / 'pyprinter'), '-o', str(tmp_path / 'script')],
                   check=True)
    script = str(tmp_path / 'script' / ('python%s-gdb.gdb' % target.minor))
    (out, after), raw = scenario.run_gdb(target, ['thread apply all py-bt', 'echo alive\\n'], core=core,
                                         scripts=[script])
    assert after == 'alive\n', raw[-3000:]
    assert not gdb_threads.problems(out, truth, python_lines, expected_bt), raw[-3000:]
    assert scenario.handoffs(raw) == 0, raw[-3000:]


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('pyenv-3.8', 'pyenv-3.12', 'pyenv-3.13')))
def test_guessed_objects_are_checked(target, core_dir, tmp_path):
    """A C function's frame (time.sleep's) comes with pyprinter's guesses at the object
    GDB reads there, each with its repr (runtime/gdb_other_guess.h). GDB prints a guess's
    text only when it reads that very object: with every guess made wrong, the answer
    still prints what the script prints (and not their text, made wrong too); and so it
    does with the guesses as made."""
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    script = [scenario.our_script(target)]
    answer, thread = '', 0
    for thread in range(1, len(truth['threads']) + 1):
        req = tmp_path / ('request%d' % thread)
        scenario.run_gdb(target, ['thread %d' % thread, 'set $pyp_full = 0', 'pipe pyp-ho-request | cat > %s' % req],
                         core=core, scripts=script, both_paths=False)
        with open(req, 'rb') as f:
            answer = subprocess.run([scenario.DECODER, 'gdb'], stdin=f, capture_output=True, timeout=120,
                                    check=True).stdout.decode()
        if '@@pyp-guess\t' in answer:
            break
    assert '@@pyp-guess\t' in answer, 'no thread of sc_threads has a guessed C frame: ' + answer
    wrong = re.sub(r'^@@pyp-guess\t[0-9a-f]+\t([0-9a-f]+\t[0-9a-f]+)\t.*$', r'@@pyp-guess\t10\t\1\twrong guess',
                   answer, flags=re.M)
    assert wrong != answer
    sources = []
    for name, text in (('right', answer), ('wrong', wrong)):
        path = tmp_path / (name + '.gdb')
        path.write_bytes(subprocess.run([scenario.DECODER, 'gdb-script'], input=text.encode(), capture_output=True,
                                        timeout=120, check=True).stdout)
        sources.append('source %s' % path)
    outs, raw = scenario.run_gdb(target, ['thread %d' % thread] + sources + ['set $pyp_decoder = 0', 'py-bt'],
                                 core=core, scripts=script, both_paths=False)
    right, wrong_out, by_script = outs[1], outs[2], outs[4]
    assert 'built-in method' in by_script, raw[-3000:]
    assert right == by_script and wrong_out == by_script, raw[-3000:]
