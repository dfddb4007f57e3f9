"""Everything the GDB commands print goes through GDB's own output stream, as a user who
pipes, logs and scripts GDB output relies on: `set logging` with redirect receives the
traceback (and the terminal does not), `pipe py-bt | CMD` hands it to CMD, a user's
`define` wrapping py-bt under `thread apply all` prints each stack under its thread (so do
`thread apply all py-bt` into a log and through `pipe`), and
py-list's lines do the same. The helper that reads source files works in a directory
private to the user and the session; a directory another user could have planted is
refused (the commands then print without source lines and py-list says why)."""
import os
import stat
import subprocess
import time

import pytest

import gdb_threads
import matrix
import scenario
from conftest import core_of, target_params, usable
from test_gdb_scenarios import GDBS, commands_prefix, expected_bt, main_thread, python_lines

STREAM_TARGETS = target_params(lambda t: t.name in ('pyenv-3.8', 'pyenv-3.12', 'debian-3.11', 'sid-3.14', 'sid-3.15d'))


@pytest.mark.parametrize('decoder', [0, 1])
@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', STREAM_TARGETS)
def test_logging_and_pipe_receive_the_output(target, gdb, decoder, core_dir, tmp_path):
    """With the script alone ($pyp_decoder = 0) and handed to pyprinter (1): each run once
    here, since the log would hold both."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    p = commands_prefix(gdb)
    log = tmp_path / 'gdb.log'
    cmds = ['set $pyp_decoder = %d' % decoder,
            'set logging file %s' % log, 'set logging redirect on', 'set logging enabled on',
            p + '-bt', 'set logging enabled off',
            'pipe %s-bt | grep -c "^  File "' % p,
            'pipe %s-bt | cat' % p]
    outs, raw = scenario.run_gdb(target, cmds, core=core, gdb=gdb, scripts=[scenario.our_script(target)],
                                 both_paths=False)
    outs = outs[1:]
    if not decoder:
        assert scenario.handoffs(raw) == 0, raw[-3000:]
    want = expected_bt(main_thread(truth)['frames'])
    assert python_lines(outs[3]) == [], 'the traceback reached the terminal despite redirect:\n' + outs[3]
    logged = log.read_text()
    assert python_lines(logged) == want, logged
    assert outs[5].strip() == str(sum(l.startswith('  File ') for l in want)), outs[5]
    assert python_lines(outs[6]) == want, outs[6]


@pytest.mark.parametrize('decoder', [0, 1])
@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', STREAM_TARGETS)
def test_thread_apply_all_through_logging_and_pipe(target, gdb, decoder, core_dir, tmp_path):
    """`thread apply all py-bt` into a redirected log and through `pipe`: in each, every
    thread's stack under its own header, in GDB's order; nothing reaches the terminal
    while the log is redirected. With the script alone and handed to pyprinter."""
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    p = commands_prefix(gdb)
    log = tmp_path / 'gdb.log'
    cmds = ['set $pyp_decoder = %d' % decoder,
            'set logging file %s' % log, 'set logging redirect on', 'set logging enabled on',
            'thread apply all %s-bt' % p, 'set logging enabled off',
            'pipe thread apply all %s-bt | cat' % p]
    outs, raw = scenario.run_gdb(target, cmds, core=core, gdb=gdb, scripts=[scenario.our_script(target)],
                                 both_paths=False)
    outs = outs[1:]
    if not decoder:
        assert scenario.handoffs(raw) == 0, raw[-3000:]
    assert python_lines(outs[3]) == [], 'the stacks reached the terminal despite redirect:\n' + outs[3]
    logged = log.read_text()
    bad = gdb_threads.problems(logged, truth, python_lines, expected_bt)
    assert not bad, 'in the log:\n' + '\n'.join(bad) + '\n' + logged[-3000:]
    bad = gdb_threads.problems(outs[5], truth, python_lines, expected_bt)
    assert not bad, 'through pipe:\n' + '\n'.join(bad) + '\n' + outs[5][-3000:]


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', STREAM_TARGETS)
def test_user_define_under_thread_apply(target, gdb, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    p = commands_prefix(gdb)
    script = os.path.join(core_dir, 'mybt-%s.gdb' % p)
    with open(script, 'w') as f:
        f.write('define mybt\n  echo [mine]\\n\n  %s-bt\nend\n' % p)
    (out,), raw = scenario.run_gdb(target, ['thread apply all mybt'], core=core, gdb=gdb,
                                   scripts=[scenario.our_script(target), script])
    bad = gdb_threads.problems(out, truth, python_lines, expected_bt)
    assert not bad, '\n'.join(bad)
    for _, _, text in gdb_threads.blocks(out)[0]:
        assert text.lstrip('\n').startswith('[mine]'), text[:200]


@pytest.mark.parametrize('target', STREAM_TARGETS)
def test_py_list_through_pipe(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    (full,), raw = scenario.run_gdb(target, ['py-bt-full'], core=core, scripts=[scenario.our_script(target)])
    import re
    level = re.search(r'^#(\d+) Frame', full, re.M).group(1)
    (_, lst, piped), raw = scenario.run_gdb(target, ['frame ' + level, 'py-list', 'pipe py-list | cat'],
                                            core=core, scripts=[scenario.our_script(target)])
    assert re.search(r'^ *>\d+ ', lst, re.M), raw[-2000:]
    assert piped == lst


def run_with_home(target, core, home, commands):
    argv = scenario.gdb_argv(target, commands, core=core, scripts=[scenario.our_script(target)])
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, HOME=str(home), LC_ALL='C.UTF-8'))
    return scenario.split_outputs(r.stdout, len(commands)), r.stdout + r.stderr


@pytest.mark.parametrize('target', target_params(lambda t: t.name == 'pyenv-3.12'))
def test_private_directory(target, core_dir, tmp_path):
    """The session directory is the user's, mode 0700; a ~/.cache/pyprinter that is a
    symbolic link (another user could have made it point anywhere) is refused, and then
    py-bt still prints, without source lines, and py-list says why."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    want = expected_bt(main_thread(truth)['frames'])
    home = tmp_path / 'home'
    home.mkdir()
    (bt,), raw = run_with_home(target, core, home, ['py-bt'])
    assert python_lines(bt) == want, raw[-2000:]
    base = home / '.cache' / 'pyprinter'
    sessions = [d for d in base.iterdir() if d.name.startswith('gdb.')]
    assert len(sessions) == 1
    for d in (base, sessions[0]):
        st = os.lstat(d)
        assert stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid()

    planted = tmp_path / 'planted'
    planted.mkdir()
    home2 = tmp_path / 'home2'
    (home2 / '.cache').mkdir(parents=True)
    os.symlink(planted, home2 / '.cache' / 'pyprinter')
    (bt, lst), raw = run_with_home(target, core, home2, ['py-bt', 'py-list'])
    assert list(planted.iterdir()) == [], 'pyprinter wrote through a symbolic link'
    assert [l for l in python_lines(bt) if l.startswith('  File')] == [l for l in want if l.startswith('  File')]
    assert 'private directory' in lst, lst


@pytest.mark.parametrize('target', target_params(lambda t: t.name == 'pyenv-3.12'))
def test_directories_of_ended_sessions_are_removed(target, core_dir, tmp_path):
    """Each GDB session's directory records its GDB's process ID; the next session removes
    (in the background) the directories of GDBs that have ended and keeps those of GDBs
    still running."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    home = tmp_path / 'home'
    home.mkdir()
    base = home / '.cache' / 'pyprinter'

    def sessions():
        return sorted(d.name for d in base.iterdir() if d.name.startswith('gdb.'))

    def settled(count):
        """The sessions once the background sweep has left COUNT of them (or 2 minutes)."""
        deadline = time.time() + 120
        while len(sessions()) > count and time.time() < deadline:
            time.sleep(0.1)
        return sessions()

    run_with_home(target, core, home, ['py-bt'])
    first = sessions()
    assert len(first) == 1 and (base / first[0] / 'gdb.pid').read_text().strip().isdigit()
    argv = scenario.gdb_argv(target, ['py-bt', 'shell touch %s/started; sleep 60' % tmp_path], core=core,
                             scripts=[scenario.our_script(target)])
    running = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=dict(os.environ, HOME=str(home), LC_ALL='C.UTF-8'))
    try:
        deadline = time.time() + 120
        while not (tmp_path / 'started').exists() and time.time() < deadline:
            time.sleep(0.1)
        assert (tmp_path / 'started').exists()
        kept = settled(1)
        assert first[0] not in kept and len(kept) == 1, (first, kept)
        (bt,), raw = run_with_home(target, core, home, ['py-bt'])
        after = settled(2)
        assert kept[0] in after and len(after) == 2, (kept, after)
        assert int((base / kept[0] / 'gdb.pid').read_text()) == running.pid
    finally:
        running.kill()
        running.wait()
    run_with_home(target, core, home, ['py-bt'])
    last = settled(1)
    assert len(last) == 1 and last[0] not in after, (after, last)



@pytest.mark.parametrize('target', target_params(lambda t: t.name == 'pyenv-3.12'))
def test_concurrent_sessions_sweep_quietly(target, core_dir, tmp_path):
    """Several GDBs starting at once, with many directories of ended sessions to remove
    (a test run, a shell loop): each sweeps the same directories as the others (in the
    background), and none says a word about one the others removed first; each prints
    its py-bt, and soon nothing of the ended sessions is left."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    home = tmp_path / 'home'
    base = home / '.cache' / 'pyprinter'
    ended = ['gdb.%d' % (10 ** 9 + i) for i in range(3000)]
    for name in ended:
        d = base / name
        d.mkdir(parents=True)
        (d / 'gdb.pid').write_text('999999999\n')   # above any pid_max: ended
    base.chmod(0o700)
    argv = scenario.gdb_argv(target, ['py-bt'], core=core, scripts=[scenario.our_script(target)])
    env = dict(os.environ, HOME=str(home), LC_ALL='C.UTF-8')
    gdbs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            for _ in range(4)]
    want = expected_bt(main_thread(truth)['frames'])
    for p in gdbs:
        out, err = p.communicate(timeout=300)
        raw = out.decode('utf-8', 'replace') + err.decode('utf-8', 'replace')
        outs = scenario.split_outputs(out.decode('utf-8', 'replace'), 1)
        assert all(python_lines(o) == want for o in outs), raw[-3000:]
        assert 'cat:' not in raw and 'gdb.pid' not in raw, raw[-3000:]
    # The sweep runs in the background, after each GDB's session has begun.
    deadline = time.time() + 120
    left = set(ended)
    while left and time.time() < deadline:
        left = set(d.name for d in base.iterdir()) & set(ended)
        time.sleep(0.2)
    assert not left, '%d ended sessions left after two minutes' % len(left)
