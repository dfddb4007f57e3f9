"""pyprinter.gdb, the one entry point in GDB (templates/entry/): with only it loaded --
never a versioned script by hand -- GDB finds the inferior's CPython by itself and py-bt
prints what the scenario's truth says.

- Every matrix target, in gdb-minimal and the full GDB, with the program opened after
  the entry point: `file` then `core-file` (a core of the scenario), then `attach` (the
  same scenario, still running). pyprinter's identification and GDB's own (the
  fallback without pyprinter) are both checked against the target.
- `file` then `run` (a shared and a static build).
- Sourced twice, and two CPythons in turn in one session.
- The fallback alone (no pyprinter), on builds found by Py_Version, by the
  _Py_DebugOffsets cookie and by file names.
- A program that is not Python, and a CPython with no script, get one line each; a
  user's own post-hooks stay theirs.
- `scons install PREFIX=/usr DESTDIR=STAGE`, seen through an overlay of STAGE/usr on /usr
  in a private mount namespace (nothing is written into the real /usr): GDB auto-loads
  it with no configuration at all, beside Debian's python-gdb.py; and a ~/.gdbinit that
  sources the installed entry point before `gdb -p PID` opens the process.

The cores are the suite's (conftest.core_of: taken once per run, shared with the other GDB
tests); each target's scenario also runs once for the module, for the live attaches.
GDB runs with may-call-functions and may-write-memory off.
"""
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

import matrix
import scenario
from conftest import core_of, count, scons, target_params, usable
from test_gdb_scenarios import GDBS, expected_bt, main_thread, python_lines

ENTRY = os.path.join(matrix.TOP, 'out', 'pyprinter.gdb')
ENTRY_TEMPLATE = os.path.join(matrix.TOP, 'templates', 'entry', 'pyprinter.gdb.in')
SECTION = 'entry point: py-bt with only pyprinter.gdb loaded (both GDBs)'
VARIANTS = ['release', 'debug', 'freethreaded', 'tracerefs']
# GDB's complaints that must never come from loading or identifying.
SPEW = re.compile(r'Undefined command|No symbol|Cannot access memory|Invalid |Redefine|'
                  r'Missing argument|Error|error:|Max user call depth|unexpected')

_live = {}


@pytest.fixture(scope='module', autouse=True)
def _stop_live():
    yield
    for s in _live.values():
        s.kill()
    _live.clear()


def subject(target, core_dir):
    """(running scenario, core, truth) of sc_calls on TARGET: the core is the suite's
    (conftest.core_of, taken once per run), the process this module's, started once."""
    core, truth = core_of(target, 'sc_calls', core_dir)
    if target.name not in _live:
        _live[target.name] = scenario.Stopped(target, 'sc_calls', target.name + '-entry')
    return _live[target.name], core, truth


class Show:
    """A command whose output a session keeps (the rest only runs)."""

    def __init__(self, command):
        self.command = command


# GDB reads no DWARF in test_core_then_live (either GDB) and in the full GDB of
# test_twice_and_two_versions, as for a stripped build without its -dbg package: the entry
# point needs none, and reading it costs more than all the rest of a session (sid's 20 MB
# debug files, twice). The other tests read it; the other GDB test modules do everywhere.
NO_DWARF = ['--readnever']


def session_argv(gdb, steps, iex=(), entry=ENTRY, before=()):
    """argv of a batch GDB that sources ENTRY, then runs STEPS (commands; a Show's output
    is kept, after a marker line). Nothing is open when ENTRY is sourced. IEX: more
    options and settings for before any file is read; BEFORE: files sourced before ENTRY."""
    argv = [gdb, '-q', '-batch', '-nx']
    if gdb == matrix.GDB_FULL:
        # Debian's python-gdb.py for python3.11 would own py-bt (see test_install_*).
        argv += ['-iex', 'set auto-load python-scripts off']
    argv += ['-iex', 'set may-call-functions off', '-iex', 'set may-write-memory off',
             '-iex', 'set pagination off', '-iex', 'set width 0'] + list(iex)
    for path in before:
        argv += ['-ex', 'source ' + path]
    if entry:
        argv += ['-ex', 'source ' + entry]
    shown = 0
    for step in steps:
        if isinstance(step, Show):
            argv += ['-ex', 'echo %s%d\\n' % (scenario.MARK, shown), '-ex', step.command]
            shown += 1
        else:
            argv += ['-ex', step]
    return argv + ['-ex', 'echo %s%d\\n' % (scenario.MARK, shown)], shown


def run_session(gdb, steps, iex=(), entry=ENTRY, before=(), env=None):
    """([output of each Show], whole text) of a session_argv run (ENV: more variables)."""
    argv, shown = session_argv(gdb, steps, iex, entry, before)
    r = subprocess.run(argv, capture_output=True, timeout=300,
                       env=dict(os.environ, LC_ALL='C.UTF-8', **(env or {})))
    text = r.stdout.decode('utf-8', 'backslashreplace')
    return scenario.split_outputs(text, shown), text + r.stderr.decode('utf-8', 'replace')


def open_target(target, core=None, pid=None):
    """The steps that open TARGET's program, then its core or its live process (the
    sysroot of a chroot target first, as a user of it would set it)."""
    steps = []
    if target.sysroot:
        steps += ['set sysroot ' + target.sysroot,
                  'set debug-file-directory ' + os.path.join(target.sysroot, 'usr/lib/debug')]
    else:
        steps += ['set sysroot target:', 'set debug-file-directory /usr/lib/debug']
    steps.append('file ' + target.executable)
    if core:
        steps.append('core-file ' + core)
    if pid:
        # GDB's own attach machinery writes its thread-event breakpoint (test-matrix.md).
        steps += ['set may-write-memory on', 'attach %d' % pid, 'set may-write-memory off']
    return steps


IDENTITY = Show('printf "%d %d %d\\n", $pyp_id_state, $pyp_id_minor, $pyp_id_variant')
WHAT = Show('printf "%s\\n", $pyp_id_what')


def identity_ok(target, shown):
    """SHOWN (an IDENTITY's output, GDB's own messages may follow) names TARGET's build."""
    return shown.startswith('1 %s %d\n' % (target.minor.split('.')[1], VARIANTS.index(target.variant)))


def bt_ok(out, truth):
    return (out.startswith('Traceback (most recent call first):\n') and
            python_lines(out) == expected_bt(main_thread(truth)['frames']))


def fallback_steps():
    """Identify again as GDB alone does (pyprinter.gdb's fallback), and show the result."""
    return ['pyp-entry-look', IDENTITY]


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_core_then_live(target, gdb, core_dir):
    """`file`, `core-file`, py-bt; then `attach` to the scenario running, py-bt; GDB's
    own identification of each agrees with pyprinter's."""
    usable(target)
    s, core, truth = subject(target, core_dir)
    steps = (open_target(target, core=core) + [IDENTITY, WHAT, Show('py-bt')] + fallback_steps() +
             ['core-file'] + open_target(target, pid=s.pid) + [IDENTITY, Show('py-bt')] +
             fallback_steps() + ['detach'])
    outs, raw = run_session(gdb, steps, iex=NO_DWARF)
    ident, what, core_bt, core_look, live_ident, live_bt, live_look = outs
    name = 'gdb-minimal' if gdb == matrix.GDB_MINIMAL else 'gdb'
    count(SECTION, target.name, name + ' core', bt_ok(core_bt, truth))
    count(SECTION, target.name, name + ' live', bt_ok(live_bt, s.truth))
    assert identity_ok(target, ident) and identity_ok(target, live_ident), raw[-3000:]
    assert 'CPython %s (%s build)' % (target.version, target.variant) in what, what
    assert bt_ok(core_bt, truth), raw[-3000:]
    assert bt_ok(live_bt, s.truth), raw[-3000:]
    assert identity_ok(target, core_look) and identity_ok(target, live_look), raw[-3000:]
    assert not SPEW.search(raw), raw[-3000:]
    assert s.proc.poll() is None


@pytest.mark.parametrize('gdb,name', [pytest.param(matrix.GDB_MINIMAL, 'pyenv-3.12', id='gdb-minimal-pyenv-3.12'),
                                      pytest.param(matrix.GDB_FULL, 'debian-3.11', id='gdb-debian-3.11')])
def test_run(gdb, name):
    """`file`, then `run` the scenario; once it has written its truth it is interrupted
    (SIGINT, which GDB stops it for) and `run` returns: its hook has loaded the commands,
    and py-bt prints the truth. A shared build (pyenv) and a static one (Debian)."""
    target = first_usable((name,))
    scenario.install_scenarios(target)
    truth_path = '%s/sc_calls-run-%d.json' % (scenario.RUN_DIR, os.getpid())
    if os.path.exists(truth_path):
        os.unlink(truth_path)
    steps = ['file ' + target.executable, 'set may-write-memory on',
             'run %s/sc_calls.py' % scenario.RUN_DIR, 'set may-write-memory off', Show('py-bt'), 'kill']
    argv, shown = session_argv(gdb, steps)
    env = {'PATH': '/usr/bin:/bin', 'PYP_TRUTH': truth_path, 'LC_ALL': 'C.UTF-8', 'HOME': os.environ['HOME'],
           'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONHASHSEED': '123'}
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + 120
        while not os.path.exists(truth_path) and p.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        with open(truth_path) as f:
            truth = json.load(f)
        time.sleep(0.2)
        os.kill(truth['pid'], signal.SIGINT)
        out, err = p.communicate(timeout=300)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    text = out.decode('utf-8', 'backslashreplace')
    (bt,) = scenario.split_outputs(text, shown)
    raw = text + err.decode('utf-8', 'replace')
    assert bt_ok(bt, truth), raw[-3000:]
    assert not SPEW.search(raw), raw[-3000:]


def two_targets():
    """Two usable targets of different CPython minors, on the host's own files."""
    found = [t for t in matrix.targets() if not t.skip and not t.sysroot]
    for a in found:
        for b in found:
            if a.minor != b.minor and a.flavour == 'release':
                return a, b
    pytest.skip('needs two usable CPython minors on the host')


@pytest.mark.parametrize('gdb', GDBS)
def test_twice_and_two_versions(gdb, core_dir):
    """The entry point sourced twice; one CPython's core, another's, the first again, the
    entry point sourced once more: py-bt right every time, and a generated script is
    sourced only when the CPython changes (three times)."""
    a, b = two_targets()
    core_a, truth_a = core_of(a, 'sc_calls', core_dir)
    core_b, truth_b = core_of(b, 'sc_calls', core_dir)
    steps = (['source ' + ENTRY] + open_target(a, core=core_a) + [Show('py-bt')] +
             open_target(b, core=core_b) + [Show('py-bt')] +
             open_target(a, core=core_a) + [Show('py-bt'), 'source ' + ENTRY, Show('py-bt'),
                                           Show('pyprinter-load'),
                                           Show('printf "%d\\n", $pyp_entry_loads')])
    outs, raw = run_session(gdb, steps, iex=NO_DWARF if gdb == matrix.GDB_FULL else ())
    bt_a, bt_b, bt_a2, bt_a3, load_line, loads = outs
    assert bt_ok(bt_a, truth_a) and bt_ok(bt_b, truth_b), raw[-3000:]
    assert bt_ok(bt_a2, truth_a) and bt_a3 == bt_a2, raw[-3000:]
    script = os.path.join(matrix.TOP, 'out', a.minor, 'python%s-gdb.gdb' % a.minor)
    assert re.fullmatch(r'pyprinter: CPython %s \(%s build\) in .*, build-id [0-9a-f]+: loaded %s\n'
                        % (re.escape(a.version), a.variant, re.escape(script)), load_line), load_line
    assert loads == '3\n', raw[-3000:]
    assert not SPEW.search(raw), raw[-3000:]


def test_users_hooks_stay(core_dir, tmp_path):
    """Post-hooks of the user's own on `file` and `core-file` stay theirs: the entry point
    defines none there, and py-bt, standing in, loads the commands when first typed."""
    target = first_usable(('pyenv-3.12', 'debian-3.11', 'sid-3.14'))
    core, truth = core_of(target, 'sc_calls', core_dir)
    hooks = tmp_path / 'hooks.gdb'
    hooks.write_text('define hookpost-file\n  echo mine after file\\n\nend\n'
                     'define hookpost-core-file\n  echo mine after core-file\\n\nend\n')
    steps = open_target(target)[:-1] + [Show('file ' + target.executable), Show('core-file ' + core),
                                        Show('printf "%d\\n", $pyp_entry_loads'), Show('py-bt')]
    outs, raw = run_session(matrix.GDB_MINIMAL, steps, before=[str(hooks)])
    assert outs[0].startswith('mine after file\n') and 'mine after core-file\n' in outs[1], raw[-3000:]
    assert outs[2] == '0\n' and bt_ok(outs[3], truth), raw[-3000:]
    assert not SPEW.search(raw), raw[-3000:]


def rendered_entry(tmp_path, decoder, scripts):
    """pyprinter.gdb rendered as SCons renders it, for another pyprinter or scripts
    directory (an installation without pyprinter, or without a script for a build)."""
    with open(ENTRY_TEMPLATE) as f:
        text = f.read().replace('@decoder@', decoder).replace('@scripts@', scripts)
    path = tmp_path / 'pyprinter.gdb'
    path.write_text(text)
    return str(path)


def fallback_targets():
    """The targets that show each way GDB alone identifies a build: file names (3.8-3.10),
    Py_Version (3.11, 3.12), the _Py_DebugOffsets cookie (3.13+), a debug build."""
    wanted = ('pyenv-3.9', 'debian-3.11d', 'sid-3.15d')
    return target_params(lambda t: t.name in wanted)


@pytest.mark.parametrize('target', fallback_targets())
def test_without_pyprinter(target, core_dir, tmp_path):
    """An installation without pyprinter: GDB identifies the build from its symbols and
    file names, loads its script, and py-bt prints the truth (gdb-minimal)."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    entry = rendered_entry(tmp_path, '', os.path.join(matrix.TOP, 'out'))
    outs, raw = run_session(matrix.GDB_MINIMAL, open_target(target, core=core) + [IDENTITY, WHAT, Show('py-bt')],
                            entry=entry)
    ident, what, bt = outs
    assert identity_ok(target, ident) and 'found by GDB, not by pyprinter' in what, raw[-3000:]
    assert bt_ok(bt, truth), raw[-3000:]
    assert not SPEW.search(raw), raw[-3000:]


def notice_lines(text):
    return [l for l in text.splitlines() if l.startswith('pyprinter:')]


@pytest.mark.parametrize('gdb', GDBS)
def test_not_python(gdb, core_dir):
    """A program that is not Python, as a file, then a core of it, then the process: one
    line when GDB first opens it (not again for the same program), one for each py-bt,
    nothing else."""
    sleeper = subprocess.Popen(['/bin/sleep', '600'])
    core = os.path.join(core_dir, 'sleep.core')
    try:
        if not os.path.exists(core):
            subprocess.run([matrix.GDB_FULL, '-q', '-batch', '-nx', '--readnever', '-p', str(sleeper.pid),
                            '-ex', 'gcore ' + core], capture_output=True, timeout=120)
        steps = [Show('file /bin/sleep'), Show('core-file ' + core), Show('py-bt'), Show('core-file'),
                 'set may-write-memory on', Show('attach %d' % sleeper.pid), 'set may-write-memory off',
                 Show('py-bt'), 'detach']
        outs, raw = run_session(gdb, steps)
    finally:
        sleeper.kill()
        sleeper.wait()
    told = [len(notice_lines(out)) for out in outs[:6]]
    assert told == [1, 0, 1, 0, 0, 1], raw[-3000:]
    assert all('/usr/bin/sleep' in l and 'is not CPython' in l for l in notice_lines(raw)), raw[-3000:]
    assert 'Traceback' not in raw and not SPEW.search(raw), raw[-3000:]


def first_usable(names):
    for t in matrix.targets():
        if t.name in names and not t.skip:
            return t
    pytest.skip('none of %s is usable' % ', '.join(names))


@pytest.mark.parametrize('gdb', GDBS)
def test_no_script_for_the_build(gdb, core_dir, tmp_path):
    """A CPython this installation has no script for (its scripts directory lacks it):
    pyprinter-gen, beside pyprinter, makes one from the build itself into the build's
    cache directory, quietly; py-bt then prints the truth, and pyprinter-load says where
    the script came from. A second session finds it made."""
    target = first_usable(('pyenv-3.12', 'debian-3.11', 'sid-3.14'))
    core, truth = core_of(target, 'sc_calls', core_dir)
    empty = tmp_path / 'scripts'
    empty.mkdir()
    cache = tmp_path / 'cache'
    entry = rendered_entry(tmp_path, scenario.DECODER, str(empty))
    steps = open_target(target)[:-1] + [Show('file ' + target.executable), Show('core-file ' + core),
                                        Show('py-bt'), Show('pyprinter-load')]
    for session in ('first', 'second'):
        outs, raw = run_session(gdb, steps, entry=entry, env={'XDG_CACHE_HOME': str(cache)})
        (build,) = list((cache / 'pyprinter' / 'builds').iterdir())
        script = str(build / target.script_name)
        assert notice_lines(outs[0]) == [] and notice_lines(outs[1]) == [], (session, raw[-3000:])
        assert bt_ok(outs[2], truth), (session, raw[-3000:])
        loaded = notice_lines(outs[3])
        assert len(loaded) == 1 and loaded[0].startswith('pyprinter: CPython %s (%s build) in ' % (
            target.version, target.variant)) and loaded[0].endswith(
                ', its layout read from the build itself: loaded %s' % script), (session, raw[-3000:])
        assert not SPEW.search(raw), raw[-3000:]


@pytest.mark.parametrize('gdb', GDBS)
def test_no_script_and_no_generator(gdb, core_dir, tmp_path):
    """No script for the build and no pyprinter-gen beside pyprinter to make one: one line
    naming the build, the directory and that the commands are not loaded, when it is
    opened and again for py-bt; nothing else."""
    target = first_usable(('pyenv-3.12', 'debian-3.11', 'sid-3.14'))
    core, _ = core_of(target, 'sc_calls', core_dir)
    empty = tmp_path / 'scripts'
    empty.mkdir()
    alone = tmp_path / 'bin'
    alone.mkdir()
    shutil.copy(scenario.DECODER, str(alone / 'pyprinter'))
    entry = rendered_entry(tmp_path, str(alone / 'pyprinter'), str(empty))
    steps = open_target(target)[:-1] + [Show('file ' + target.executable), Show('core-file ' + core),
                                        Show('py-bt')]
    outs, raw = run_session(gdb, steps, entry=entry, env={'XDG_CACHE_HOME': str(tmp_path / 'cache')})
    want = ('pyprinter: CPython %s (%s build) in ' % (target.version, target.variant),
            ': no GDB script for this build in %s, so py-bt and the other commands are not loaded; '
            'make one from its headers: pyprinter-gen --cpython %s --variant %s --headers DIR -o %s/%s'
            % (empty, target.minor, target.variant, empty, target.minor))
    for out in (outs[0], outs[2]):
        lines = notice_lines(out)
        assert len(lines) == 1 and lines[0].startswith(want[0]) and lines[0].endswith(want[1]), raw[-3000:]
    assert notice_lines(outs[1]) == [], raw[-3000:]
    assert 'Traceback' not in raw and not SPEW.search(raw), raw[-3000:]
    assert not (tmp_path / 'cache').exists()


# ---- installed -------------------------------------------------------------------------

OVERLAY = 'mount -t overlay overlay -o lowerdir=%s/usr:/usr /usr && exec "$@"'


@pytest.fixture(scope='module')
def stage(tmp_path_factory):
    """A `scons install PREFIX=/usr DESTDIR=STAGE`, as a distribution's package build does."""
    path = tmp_path_factory.mktemp('stage')
    r = scons('install', 'PREFIX=/usr', 'DESTDIR=%s' % path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return str(path)


def installed(stage, argv):
    """ARGV run in a private mount namespace where STAGE is installed over /usr (an
    overlay: nothing is written into the real /usr)."""
    return ['unshare', '-m', 'sh', '-c', OVERLAY % stage, 'sh'] + list(argv)


def installed_subject(target, stage):
    """sc_calls on TARGET, running on the system with STAGE installed (GDB reads a process
    of another mount namespace through target: paths, and auto-loads nothing for it)."""
    inside = copy.copy(target)
    run = target.run_argv
    inside.run_argv = lambda *args: installed(stage, run(*args))
    return scenario.Stopped(inside, 'sc_calls', target.name + '-installed')


def in_namespace_of(pid, argv):
    return ['nsenter', '--target', str(pid), '--mount', '--'] + list(argv)


def test_install_layout(stage):
    """Where `scons install` puts things: the programs, the entry point naming the
    installed pyprinter and scripts, every generated script, the files GDB auto-loads for
    each CPython program and shared libpython (never a -gdb.py: those are python-gdb.py's),
    and the man pages."""
    usr = os.path.join(stage, 'usr')
    for p in ('bin/pyprinter', 'bin/pyprinter-gen', 'share/man/man1/pyprinter.1',
              'share/man/man1/pyprinter-gen.1', 'share/pyprinter/pyprinter.gdb'):
        assert os.path.exists(os.path.join(usr, p)), p
    with open(os.path.join(usr, 'share/pyprinter/pyprinter.gdb')) as f:
        entry = f.read()
    assert "'/usr/bin/pyprinter' gdb-identify --scripts '/usr/share/pyprinter'" in entry
    assert matrix.TOP not in entry
    auto = os.path.join(usr, 'share/gdb/auto-load')
    for minor in sorted(set(t.minor for t in matrix.targets())):
        for suffix in ('', 'd'):
            script = os.path.join(usr, 'share/pyprinter', minor, 'python%s%s-gdb.gdb' % (minor, suffix))
            assert os.path.exists(script), script
            for objfile in ('usr/bin/python%s%s' % (minor, suffix),
                            'usr/lib/x86_64-linux-gnu/libpython%s%s.so.1.0' % (minor, suffix)):
                with open(os.path.join(auto, objfile + '-gdb.gdb')) as f:
                    assert f.read().rstrip().endswith('\nsource /usr/share/pyprinter/pyprinter.gdb'), objfile
    assert not [n for _, _, names in os.walk(auto) for n in names if n.endswith('.py')]


def installed_targets():
    """The targets whose program GDB finds auto-load files for on this machine: Debian's."""
    return target_params(lambda t: t.name in ('debian-3.11', 'debian-3.11d'))


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', installed_targets())
def test_install_auto_loaded(target, gdb, stage, core_dir):
    """With the stage installed, `gdb -p PID` and no other word: GDB auto-loads the entry
    point for /usr/bin/python3.11, and py-bt prints the truth; after `detach`, `core-file`
    of the same program's core, py-bt again. In the full GDB, Debian's python-gdb.py is
    auto-loaded too and keeps py-bt; pyprinter's is pyp-bt, and both print the truth."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    s = installed_subject(target, stage)
    try:
        python_gdb = gdb == matrix.GDB_FULL and target.python_gdb
        bt = ['py-bt', 'pyp-bt'] if python_gdb else ['py-bt']
        argv = [gdb, '-q', '-batch', '-nx', '-p', str(s.pid), '-ex', 'set may-call-functions off',
                '-ex', 'set may-write-memory off', '-ex', 'set pagination off', '-ex', 'set width 0']
        steps = ['info auto-load'] + bt + ['detach', 'core-file ' + core] + bt
        for i, step in enumerate(steps):
            argv += ['-ex', 'echo %s%d\\n' % (scenario.MARK, i), '-ex', step]
        argv += ['-ex', 'echo %s%d\\n' % (scenario.MARK, len(steps))]
        r = subprocess.run(in_namespace_of(s.pid, argv), capture_output=True, timeout=300,
                           env=dict(os.environ, LC_ALL='C.UTF-8'))
        alive = s.proc.poll() is None
    finally:
        s.kill()
    raw = r.stdout.decode('utf-8', 'backslashreplace') + r.stderr.decode('utf-8', 'replace')
    outs = scenario.split_outputs(r.stdout.decode('utf-8', 'backslashreplace'), len(steps))
    assert re.search(r'^Yes +/usr/share/gdb/auto-load%s-gdb\.gdb *$' % re.escape(target.executable),
                     outs[0], re.M), outs[0]
    n = len(bt)
    live, core_bts = outs[1:1 + n], outs[3 + n:]
    for out in live:
        assert python_lines(out) == expected_bt(main_thread(s.truth)['frames']), raw[-3000:]
    for out in core_bts:
        assert python_lines(out) == expected_bt(main_thread(truth)['frames']), raw[-3000:]
    if python_gdb:
        assert re.search(r'^Yes +\S+-gdb\.py *$', outs[0], re.M), outs[0]
        assert notice_lines(live[0])[-1].startswith('pyprinter: python-gdb.py has py-bt'), live[0]
    assert alive and 'Undefined command' not in raw, raw[-3000:]


@pytest.mark.parametrize('gdb', GDBS)
def test_install_gdbinit(gdb, stage, tmp_path):
    """A user's ~/.gdbinit that sources the installed entry point, then `gdb EXE -p PID`:
    GDB opens the process after the entry point loaded, with no hook to run (a command
    line's target is no command); py-bt stands in, identifies, loads and prints the truth."""
    target = first_usable(('pyenv-3.12', 'pyenv-3.11', 'pyenv-3.13'))
    home = tmp_path / 'home'
    home.mkdir()
    (home / '.gdbinit').write_text('source /usr/share/pyprinter/pyprinter.gdb\n')
    s = installed_subject(target, stage)
    try:
        argv = [gdb, '-q', '-batch', target.executable, '-p', str(s.pid), '-ex', 'set may-call-functions off',
                '-ex', 'set may-write-memory off', '-ex', 'set pagination off', '-ex', 'set width 0',
                '-ex', 'echo %s0\\n' % scenario.MARK, '-ex', 'py-bt', '-ex', 'echo %s1\\n' % scenario.MARK]
        r = subprocess.run(in_namespace_of(s.pid, argv), capture_output=True, timeout=300,
                           env=dict(os.environ, HOME=str(home), LC_ALL='C.UTF-8'))
    finally:
        s.kill()
    raw = r.stdout.decode('utf-8', 'backslashreplace') + r.stderr.decode('utf-8', 'replace')
    (bt,) = scenario.split_outputs(r.stdout.decode('utf-8', 'backslashreplace'), 1)
    assert bt_ok(bt, s.truth), raw[-3000:]
    assert not SPEW.search(raw), raw[-3000:]
