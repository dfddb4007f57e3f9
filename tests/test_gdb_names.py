"""Command names: py-bt ... py-locals are ours in every GDB where python-gdb.py has not
defined them, pyp-* are ours everywhere, and python-gdb.py keeps its own commands and
pretty-printers in whichever order the two are loaded, once or twice, by hand or by
auto-loading. Where python-gdb.py has the py-* names, one line says once that ours are
pyp-*; a load otherwise prints nothing, asks nothing and runs to its end (`confirm` is
back on after it).

Three GDBs: gdb-minimal (no Python: python-gdb.py cannot load), the full GDB 13 of the
host, and sid's GDB 18.1 run inside the sid chroot (python-gdb.py auto-loads there, as
for a user of Debian's python3.X-dbg). Two targets each: one where python-gdb.py reads
the frames (pyenv 3.12 on the host, sid 3.15 in the chroot) and sid's optimized 3.14,
where it cannot ("(unable to read python frame information)"). Every py-bt and pyp-bt
that is ours is checked against the scenario's truth; so is python-gdb.py's py-bt where
it works. One GDB run per order, many checks per run."""
import os
import re
import shutil
import subprocess

import pytest

import matrix
import scenario
from conftest import REPORT, core_of, count, usable
from test_gdb_scenarios import main_thread, python_lines, source_line

SECTION = 'command names: checks passed/run, per GDB and order'
CANNOT = 'command names: python-gdb.py where it cannot read the frames'
NAMES = ['bt', 'bt-full', 'list', 'up', 'down', 'print', 'locals']
NOTE = ("pyprinter: python-gdb.py has py-bt, py-bt-full, py-list, py-up, py-down, py-print, "
        "py-locals here; pyprinter's are pyp-bt, pyp-bt-full, pyp-list, pyp-up, pyp-down, "
        "pyp-print, pyp-locals\n")
CONFIRM_ON = 'Whether to confirm potentially dangerous operations is on.\n'


class Gdb:
    """One GDB as the tests drive it: where it runs and how it sees the files."""

    def __init__(self, name, path, python, chroot=False):
        self.name, self.path, self.python, self.chroot = name, path, python, chroot

    def __repr__(self):
        return self.name

    def skip_reason(self, target):
        if self.chroot and not os.path.exists(os.path.join(target.sysroot, matrix.SID_GDB.lstrip('/'))):
            return "the sid chroot has no gdb"
        if not os.path.exists(self.path if not self.chroot else target.sysroot):
            return '%s is missing' % self.path
        return ''

    def path_of(self, target, host_path, name=None):
        """HOST_PATH as this GDB sees it (put into the chroot for sid's GDB)."""
        return scenario.chroot_file(target, host_path, name) if self.chroot else host_path

    def python_gdb(self, target):
        if self.chroot:
            return '/' + os.path.relpath(target.python_gdb, target.sysroot)
        return target.python_gdb

    def run(self, target, commands, core, iex=()):
        if self.chroot:
            return scenario.run_chroot_gdb(target, commands, core, iex=iex)
        # With the -dbg DWARF python-gdb.py needs (whether it reads the frames is the case).
        return scenario.run_gdb(target, commands, core=core, gdb=self.path, iex=iex, dwarf=True)

    def expected_bt(self, target, frames):
        """py-bt's lines for FRAMES, with the source lines this GDB's side can read."""
        root = target.sysroot if self.chroot else ''
        out = []
        for fr in frames:
            out.append('  File "%s", line %d, in %s' % (fr['file'], fr['line'], fr['name']))
            src = source_line(os.path.join(root, fr['file'].lstrip('/')) if root else fr['file'], fr['line'])
            if src is not None:
                out.append('    ' + src)
        return out


MINIMAL = Gdb('gdb-minimal', matrix.GDB_MINIMAL, python=False)
FULL = Gdb('gdb', matrix.GDB_FULL, python=True)
SID = Gdb('sid-gdb', matrix.SID_GDB, python=True, chroot=True)
# (GDB, target, whether python-gdb.py reads that target's frames)
CASES = [(MINIMAL, 'pyenv-3.12', True), (MINIMAL, 'sid-3.14', False),
         (FULL, 'pyenv-3.12', True), (FULL, 'sid-3.14', False),
         (SID, 'sid-3.15', True), (SID, 'sid-3.14', False)]


def cases(python_only=False):
    targets = {t.name: t for t in matrix.targets()}
    return [pytest.param(g, targets[t], works, id='%s-%s' % (g.name, t))
            for g, t, works in CASES if t in targets and (g.python or not python_only)]


@pytest.fixture(scope='module', autouse=True)
def _clean_chroot_dirs():
    yield
    for t in matrix.targets():
        if t.sysroot and not t.skip:
            host = os.path.join(t.sysroot, 'tmp', 'pyprinter-gdb-%d' % os.getpid())
            shutil.rmtree(host, ignore_errors=True)


def prepare(gdb, target, core_dir):
    usable(target)
    reason = gdb.skip_reason(target)
    if reason:
        pytest.skip(reason)
    if gdb.python and not target.python_gdb:
        pytest.skip('%s ships no python-gdb.py' % target.name)
    core, truth = core_of(target, 'sc_calls', core_dir)
    ours = gdb.path_of(target, scenario.our_script(target))
    return core, truth, ours


def ours_help(text):
    """True when TEXT is the help of one of our commands."""
    return "pyprinter's py-" in text


class Checks:
    """Collects (what, ok, detail) for one GDB run; counted per GDB and order."""

    def __init__(self, gdb, target, order, raw):
        self.gdb, self.target, self.order, self.raw = gdb, target, order, raw
        self.failed = []

    def check(self, what, ok, detail=''):
        count(SECTION, self.target.name, '%s %s' % (self.gdb.name, self.order), ok)
        if not ok:
            self.failed.append('%s: %s' % (what, detail))

    def bt(self, what, out, frames, python_gdb=False):
        """OUT is a py-bt of FRAMES: the truth's lines, with the traceback header."""
        want = self.gdb.expected_bt(self.target, frames)
        got = python_lines(out)
        ok = got == want and (out.startswith('Traceback (most recent call first):\n') or python_gdb)
        self.check(what, ok, '\n%s\nexpected:\n%s' % (out, '\n'.join(want)))

    def done(self):
        assert not self.failed, '\n'.join(self.failed) + '\n--- GDB said:\n' + self.raw[-3000:]


def help_cmds(prefix):
    return ['help %s-%s' % (prefix, n) for n in NAMES]


@pytest.mark.parametrize('gdb,target,works', cases())
def test_ours_then_python_gdb(gdb, target, works, core_dir):
    """Ours alone; loaded twice; then python-gdb.py (which cannot load in gdb-minimal);
    then ours a third time."""
    core, truth, ours = prepare(gdb, target, core_dir)
    frames = main_thread(truth)['frames']
    pygdb = gdb.python_gdb(target) if target.python_gdb else '/nonexistent/python-gdb.py'
    # python-gdb.py's first command: py-bt where it reads the frames; where it cannot,
    # its py-bt takes seconds to say so (test_python_gdb_then_ours shows it): py-list.
    first = 'py-bt' if works or not gdb.python else 'py-list'
    cmds = ['source ' + ours, 'show confirm'] + help_cmds('py') + help_cmds('pyp') + [
        'help py-repr', 'py-bt', 'pyp-bt',
        'source ' + ours, 'show confirm',
        'source ' + pygdb, 'help py-bt', first, 'py-print nosuch', 'pyp-bt',
        'source ' + ours, 'show confirm', 'help py-bt', 'help pyp-bt']
    iex = ['-iex', 'set auto-load python-scripts off'] if gdb.python else []
    outs, raw = gdb.run(target, cmds, core, iex=iex)
    o = dict(enumerate(outs))
    c = Checks(gdb, target, 'ours-first', raw)
    c.check('the first load prints nothing', o[0] == '', repr(o[0]))
    c.check('the first load runs to its end', o[1] == CONFIRM_ON, repr(o[1]))
    for i, name in enumerate(NAMES):
        for k, prefix in ((2, 'py'), (9, 'pyp')):
            text = o[k + i]
            c.check('help %s-%s is ours' % (prefix, name), ours_help(text), text)
    c.check('help py-repr', o[16].startswith('Print the Python object at EXPR'), o[16])
    c.bt('py-bt, ours alone', o[17], frames)
    c.bt('pyp-bt, ours alone', o[18], frames)
    c.check('a second load prints nothing and asks nothing', o[19] == '', repr(o[19]))
    c.check('the second load runs to its end', o[20] == CONFIRM_ON, repr(o[20]))
    c.check('python-gdb.py loads without a word from us', 'pyprinter: ' not in o[21], o[21])
    if gdb.python:
        c.check('help py-bt is python-gdb.py\'s once it loaded', not ours_help(o[22]) and o[22].strip(), o[22])
        text, note = o[23], ''
        if text.endswith(NOTE):
            text, note = text[:-len(NOTE)], NOTE
        c.check('after python-gdb.py\'s first %s, one line says ours are pyp-*' % first,
                note == NOTE and 'pyprinter: ' not in text, repr(o[23][-400:]))
        if works:
            c.bt('python-gdb.py\'s py-bt', text, frames, python_gdb=True)
        c.check('the line is said once', 'pyprinter: ' not in o[24], o[24][-400:])
        c.check('ours then: nothing more at load', o[26] == '', repr(o[26]))
        c.check('help py-bt stays python-gdb.py\'s', not ours_help(o[28]), o[28])
    else:
        c.check('help py-bt stays ours', ours_help(o[22]), o[22])
        c.bt('py-bt, python-gdb.py could not load', o[23], frames)
        c.check('the third load prints nothing', o[26] == '', repr(o[26]))
        c.check('help py-bt stays ours', ours_help(o[28]), o[28])
    c.bt('pyp-bt after python-gdb.py', o[25], frames)
    c.check('the third load runs to its end', o[27] == CONFIRM_ON, repr(o[27]))
    c.check('help pyp-bt is ours', ours_help(o[29]), o[29])
    c.check('no question asked', '(y or n)' not in raw, raw[-2000:])
    c.done()


@pytest.mark.parametrize('gdb,target,works', cases(python_only=True))
def test_python_gdb_then_ours(gdb, target, works, core_dir):
    """python-gdb.py first: its py-* and pretty-printers stay, ours are pyp-*, and the
    load says so in one line, once; then both again."""
    core, truth, ours = prepare(gdb, target, core_dir)
    frames = main_thread(truth)['frames']
    pygdb = gdb.python_gdb(target)
    cmds = ['info pretty-printer', 'source ' + pygdb, 'info pretty-printer',
            'source ' + ours, 'show confirm', 'info pretty-printer'] + help_cmds('py') + help_cmds('pyp') + [
        'py-bt', 'pyp-bt', 'source ' + ours, 'show confirm', 'source ' + pygdb,
        'help py-bt', 'pyp-bt-full', 'help py-repr']
    outs, raw = gdb.run(target, cmds, core, iex=['-iex', 'set auto-load python-scripts off'])
    o = dict(enumerate(outs))
    c = Checks(gdb, target, 'python-gdb.py-first', raw)
    c.check('python-gdb.py adds a pretty-printer', o[2] != o[0] and o[2].strip(), o[0] + o[2])
    c.check('the load says once that ours are pyp-*', o[3] == NOTE, repr(o[3]))
    c.check('the load runs to its end', o[4] == CONFIRM_ON, repr(o[4]))
    c.check('python-gdb.py\'s pretty-printers are untouched', o[5] == o[2], o[2] + o[5])
    for i, name in enumerate(NAMES):
        c.check('help py-%s is python-gdb.py\'s' % name, not ours_help(o[6 + i]) and o[6 + i].strip(), o[6 + i])
        c.check('help pyp-%s is ours' % name, ours_help(o[13 + i]), o[13 + i])
    c.check('python-gdb.py\'s py-bt runs without a word from us', 'pyprinter: ' not in o[20], o[20][-400:])
    if works:
        c.bt('python-gdb.py\'s py-bt', o[20], frames, python_gdb=True)
    else:
        REPORT.append((CANNOT, '%-13s %s: python-gdb.py\'s py-bt says %r' % (
            target.name, gdb.name, o[20].splitlines()[1:2])))
        c.check('python-gdb.py\'s py-bt cannot read the frames here (the premise)',
                python_lines(o[20]) != gdb.expected_bt(target, frames), o[20])
    c.bt('pyp-bt', o[21], frames)
    c.check('a second load prints nothing', o[22] == '', repr(o[22]))
    c.check('the second load runs to its end', o[23] == CONFIRM_ON, repr(o[23]))
    c.check('python-gdb.py loads again without a word from us', 'pyprinter: ' not in o[24], o[24])
    c.check('help py-bt is python-gdb.py\'s', not ours_help(o[25]), o[25])
    got = [l for l in o[26].splitlines() if re.match(r'#\d+ Frame 0x', l)]
    c.check('pyp-bt-full shows every frame', len(got) == len(frames), o[26][-1000:])
    c.check('help py-repr', o[27].startswith('Print the Python object at EXPR'), o[27])
    c.check('no question asked', '(y or n)' not in raw, raw[-2000:])
    c.done()


@pytest.mark.parametrize('gdb,target,works', [
    p for p in cases() if p.id in ('gdb-minimal-pyenv-3.12', 'gdb-pyenv-3.12', 'sid-gdb-sid-3.14')])
def test_auto_load_then_by_hand(gdb, target, works, core_dir, tmp_path):
    """Both scripts installed for auto-loading, as a distribution installs them: GDB loads
    ours first (GDB scripts before Python ones), then python-gdb.py, which takes the py-*
    names; its first command is followed by the one line. Ours sourced by hand after
    that changes nothing."""
    core, truth, ours = prepare(gdb, target, core_dir)
    frames = main_thread(truth)['frames']
    exe = '/' + os.path.relpath(target.executable, target.sysroot) if gdb.chroot else target.executable
    name = 'auto-load' + exe + '-gdb.gdb'
    if gdb.chroot:
        inside = scenario.chroot_file(target, scenario.our_script(target), name)
        scripts_dir = inside[:-len(exe + '-gdb.gdb')]
    else:
        dest = tmp_path / name
        dest.parent.mkdir(parents=True)
        shutil.copy(scenario.our_script(target), dest)
        scripts_dir = str(tmp_path / 'auto-load')
    iex = ['-iex', 'set auto-load safe-path /',
           '-iex', 'set auto-load scripts-directory %s:$debugdir:$datadir/auto-load' % scripts_dir]
    first = 'py-bt' if works or not gdb.python else 'py-list'   # as in test_ours_then_python_gdb
    cmds = ['info auto-load', 'show confirm', 'help py-bt', first, 'pyp-bt',
            'source ' + ours, 'show confirm', 'help py-bt', 'help pyp-bt']
    outs, raw = gdb.run(target, cmds, core, iex=iex)
    o = dict(enumerate(outs))
    c = Checks(gdb, target, 'auto-load', raw)
    before = raw.split(scenario.MARK + '0\n', 1)[0]
    c.check('auto-loading prints nothing of ours', 'pyprinter: ' not in before, before[-1000:])
    c.check('ours auto-loaded', re.search(r'^Yes +%s *$' % re.escape(scripts_dir + exe + '-gdb.gdb'), o[0], re.M),
            o[0])
    c.check('the load ran to its end', o[1] == CONFIRM_ON, repr(o[1]))
    if gdb.python:
        c.check('python-gdb.py auto-loaded', re.search(r'^Yes +\S+-gdb\.py *$', o[0], re.M), o[0])
        c.check('help py-bt is python-gdb.py\'s', not ours_help(o[2]), o[2])
        c.check('after python-gdb.py\'s %s, one line says ours are pyp-*' % first, o[3].endswith(NOTE), o[3][-600:])
        if works:
            c.bt('python-gdb.py\'s py-bt', o[3][:-len(NOTE)], frames, python_gdb=True)
        c.check('ours by hand: no word', o[5] == '', repr(o[5]))
        c.check('help py-bt stays python-gdb.py\'s', not ours_help(o[7]), o[7])
    else:
        c.check('help py-bt is ours', ours_help(o[2]), o[2])
        c.bt('py-bt', o[3], frames)
        c.check('ours by hand: no word', o[5] == '', repr(o[5]))
        c.check('help py-bt stays ours', ours_help(o[7]), o[7])
    c.bt('pyp-bt', o[4], frames)
    c.check('the load by hand ran to its end', o[6] == CONFIRM_ON, repr(o[6]))
    c.check('help pyp-bt is ours', ours_help(o[8]), o[8])
    c.check('no question asked', '(y or n)' not in raw, raw[-2000:])
    c.done()


def gdb_alone(*args, env=None):
    """stdout + stderr of the full GDB run on no target with ARGS."""
    r = subprocess.run([matrix.GDB_FULL, '-q', '-batch', '-nx'] + list(args), capture_output=True,
                       text=True, timeout=60, env=env)
    return r.stdout + r.stderr


def test_a_users_own_hooks_stay(tmp_path):
    """A hookpost-py-* of the user's is never replaced by ours (the others are added)."""
    mine = tmp_path / 'mine.gdb'
    mine.write_text('define py-bt\n  echo mine\\n\nend\ndefine hookpost-py-bt\n  echo my hook\\n\nend\n')
    script = '%s/3.12/python3.12-gdb.gdb' % scenario.OUT
    out = gdb_alone('-x', str(mine), '-x', script, '-ex', 'help hookpost-py-bt', '-ex', 'show user hookpost-py-bt',
                    '-ex', 'help hookpost-py-list')
    assert 'echo my hook' in out and out.count('pyprinter:') == 1 and 'that pyprinter\'s is pyp-list' in out, out


def test_without_awk_only_pyp_names_in_a_gdb_with_python():
    """Without awk a GDB with Python cannot tell whether python-gdb.py has the py-*
    names: ours are only pyp-*, and one line says so (gdb-minimal needs no look)."""
    script = '%s/3.12/python3.12-gdb.gdb' % scenario.OUT
    env = dict(os.environ, PATH='/nonexistent')
    out = gdb_alone('-x', script, '-ex', 'help pyp-bt', '-ex', 'help py-bt', '-ex', 'show confirm', env=env)
    assert out.count('pyprinter: cannot tell whether python-gdb.py has py-bt') == 1, out
    assert 'Undefined command: "py-bt"' in out and ours_help(out) and CONFIRM_ON in out, out
    r = subprocess.run([matrix.GDB_MINIMAL, '-q', '-batch', '-nx', '-x', script, '-ex', 'help py-bt'],
                       capture_output=True, text=True, timeout=60, env=env)
    assert ours_help(r.stdout) and 'pyprinter: ' not in r.stdout + r.stderr, r.stdout + r.stderr
