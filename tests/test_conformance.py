"""Conformance: CPython's own test_gdb, run against pyprinter's GDB script, on every
matrix target.

For each target its own version's test_gdb (pyenv: lib/python3.X/test; Debian and sid:
libpython3.X-testsuite) runs once, in that interpreter, through
tests/conformance/run_test_gdb.py, with tests/conformance/bin/gdb first on PATH: the
tests' questions to GDB's Python go to the full GDB, every test's run to gdb-minimal
with our script for that target sourced first. The skips that keep test_gdb to
unoptimized source builds are lifted; `py-repr` stands in for the pretty-printer.
Stripped release builds get their -dbg package's DWARF (the tests break on builtin_id),
for GDB's breakpoints: our script reads none.

Each test must pass, or be one of the expected differences below, each with its reason
and a check that our output is exactly the documented one (what Python itself says), so
that a difference that disappears or changes fails too; a skip must be one that says
why the test cannot apply. The run ends with passed / expected-different / skipped per
target."""
import dataclasses
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import time

import matrix
import pytest
from conftest import REPORT, target_params, usable

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'conformance')
RUNNER = os.path.join(HERE, 'run_test_gdb.py')
WRAPPER_DIR = os.path.join(HERE, 'bin')
OUT = os.path.join(matrix.TOP, 'out', 'conformance')
DECODER = os.path.join(matrix.TOP, 'out', 'bin', 'pyprinter')
# Inside the sid chroot: one directory per checkout (two worktrees' runs must not share it).
CHROOT_DIR = '/tmp/pyprinter-conformance-' + hashlib.sha1(matrix.TOP.encode()).hexdigest()[:8]
SECTION = 'CPython test_gdb with our script in gdb-minimal'


# ---- expected differences ------------------------------------------------------------

@dataclasses.dataclass
class Different:
    """A test whose expectation differs from what we print, deliberately, on every
    target of CPython SINCE or later. CHECK(test) returns what is wrong with the test's
    outcome ('' when it failed exactly as documented)."""
    test: str
    reason: str
    check: object
    since: str = '3.8'


def reprs_are_pythons(test):
    """Every value py-repr printed is Python's own repr of it."""
    if not test['reprs']:
        return 'no py-repr output was recorded'
    bad = ['%r: we print %r, Python %r' % (r['source'], r['gdb'], r.get('repr', r.get('error')))
           for r in test['reprs'] if r['gdb'] != r.get('repr')]
    return '\n'.join(bad)


def frame_repr_is_pythons(test):
    """py-repr of a frame object prints python-gdb.py's frame line with what Python says
    of the frame: its file, line, function and locals."""
    frames = [r for r in test['reprs'] if 'frame' in r]
    if not frames:
        return 'no py-repr of a frame was recorded: %r' % test['reprs']
    bad = []
    for r in frames:
        f = r['frame']
        want = 'Frame 0x[0-9a-f]+, for file %s, line %d, in %s \\(%s\\)' % (
            re.escape(f['file']), f['line'], re.escape(f['function']),
            re.escape(', '.join('%s=%s' % (k, v) for k, v in f['locals'])))
        if not re.fullmatch(want, r['gdb']):
            bad.append('we print %r; Python says %r' % (r['gdb'], want))
    return '\n'.join(bad)


EXPECTED = [
    Different('PrettyPrintTests.test_exceptions',
              'an exception prints as Python prints it, RuntimeError(\'I am an error\'); '
              'test_gdb expects python-gdb.py\'s repr of the args tuple, '
              'RuntimeError(\'I am an error\',)',
              reprs_are_pythons),
    Different('PrettyPrintTests.test_frames',
              'test_frames matches `$1 = Frame 0x..., for file <string>, line N, in foo (...)`, '
              'the value-history line of GDB\'s `print` with python-gdb.py\'s pretty-printer; '
              'a GDB without Python has no pretty-printers, and py-repr, standing in for print, '
              'prints the frame line alone (checked against the frame as Python saw it: file, '
              'line, function, locals)',
              frame_repr_is_pythons),
    Different('PrettyPrintTests.test_dicts',
              'an empty frozendict prints as Python prints it, frozendict(); the test expects '
              'python-gdb.py\'s frozendict({})',
              reprs_are_pythons, since='3.15'),
]

@dataclasses.dataclass
class Cannot:
    """A test that cannot apply on some build, and says why. It was skipped or failed,
    and EVIDENCE(test, tests) (tests: all of the target's, by name) finds in the skip
    reason or in GDB's output that the build is the cause."""
    test: str
    evidence: object
    why: str

    def matches(self, name, test, tests):
        return (re.fullmatch(self.test, name) is not None and test['outcome'] in ('skipped', 'failed')
                and self.evidence(test, tests))


def says(pattern):
    """Evidence: PATTERN in the test's skip reason or in its GDB output."""
    def evidence(test, tests):
        text = '\n'.join(test['details'] + [r['stdout'] + r['stderr'] for r in test['runs']])
        return re.search(pattern, text) is not None
    return evidence


EVAL = '_PyEval_EvalFrameDefault'


def backtrace_names(out):
    """The function names of the first `bt` in GDB output OUT, frame #0 first."""
    names = []
    for level, name in re.findall(r'^#(\d+)\s+(?:0x[0-9a-f]+ in )?([\w.]+) \(', out, re.M):
        if int(level) != len(names):
            break
        names.append(name)
    return names


def tail_called(out):
    """GDB's `bt` in OUT shows the C function at #0 entered from the eval loop with no frame
    of cfunction_vectorcall_* or cfunction_call in between: the build enters C functions
    by a tail call (cfunction_vectorcall_O ends in `jmp *%rax` in Debian's 3.14), so no C
    frame is left for python-gdb.py, or us, to name."""
    names = backtrace_names(out)
    if EVAL not in names[1:]:
        return False
    return not any(n.startswith(('cfunction_vectorcall_', 'cfunction_call')) for n in names[:names.index(EVAL)])


def subtests_tail_called(test, tests):
    """Evidence: every failed subtest ([obj.meth]) ran a `bt` that shows the C function
    tail-called."""
    failed = [m.group(1) for d in test['details'] for m in [re.match(r'\[(.+?)\]: ', d)]
              if m and re.search(r"AssertionError: .*built\\*-in\\* method", d)]
    if not failed or len(failed) != len(test['details']):
        return False
    for call in failed:
        outs = [r['stdout'] for r in test['runs'] if any(call + '(' in a for a in r['args'])
                and backtrace_names(r['stdout'])]
        if not outs or not all(tail_called(o) for o in outs):
            return False
    return True


def id_tail_called(test, tests):
    """Evidence: test_getting_backtrace's `bt` at builtin_id shows id() tail-called."""
    bt = tests.get('PrettyPrintTests.test_getting_backtrace')
    ours = any('test_gdb skips an optimized build' in d for d in test['details'])
    return bool(not ours and bt and bt['outcome'] == 'passed' and bt['runs']
                and tail_called(bt['runs'][-1]['stdout']))


TAIL_CALL = ('expects the C frame of a C function (<built-in method ...>, or py-up stopping at '
             'it), but this build enters C functions by a tail call from cfunction_vectorcall_*: '
             'GDB\'s backtrace has no such frame, for python-gdb.py or for us')

CANNOT_APPLY = [
    Cannot(r'JitBacktraceTests\..*', says(r'requires native JIT execution active'),
           'test_jit checks GDB\'s own `bt` through JIT code, with GDB\'s Python, and no py-* '
           'command; the JIT of Debian\'s 3.15 is built but off'),
    Cannot(r'PyBtTests\.test_gc', says(r'Breakpoint \d+ \(update_refs\) pending\.\n'
                                       r'\[Inferior 1 \(process \d+\) exited normally\]'),
           'GDB 13 cannot break on update_refs, test_gc\'s way into the collector, in this '
           'LTO build (it is inlined; GDB finds it only once its compilation unit is expanded): '
           'the program runs to its end and there is no stack to show'),
    Cannot(r'(CFunctionTests|CFunctionFullTests)\.test_pycfunction_\w+|PyBtTests\.test_pycfunction',
           subtests_tail_called, TAIL_CALL + ' (its own `bt` shows it)'),
    Cannot(r'PyBtTests\.test_bt|PyPrintTests\.test_basic_command|'
           r'StackNavigationTests\.test_(pyup_command|up_then_down)',
           id_tail_called, TAIL_CALL + ' (test_getting_backtrace\'s `bt` at builtin_id shows it)'),
]


# ---- running test_gdb --------------------------------------------------------------

def suite_dir(target):
    """Host path of TARGET's test/ directory when it holds test_gdb, else ''."""
    if target.name.startswith('pyenv-'):
        lib = os.path.join(os.path.dirname(os.path.dirname(target.executable)), 'lib')
    else:
        lib = os.path.join(target.sysroot or '/', 'usr', 'lib')
    test_dir = os.path.join(lib, 'python' + target.minor, 'test')
    for name in ('test_gdb', 'test_gdb.py'):
        if os.path.exists(os.path.join(test_dir, name)):
            return test_dir
    return ''


def _install(src, dest):
    """SRC at DEST (a hard link where it can be), unless DEST is the same file already."""
    if os.path.exists(dest) and os.path.samefile(src, dest):
        return
    temp = '%s.%d.tmp' % (dest, os.getpid())
    try:
        os.link(src, temp)
    except OSError:
        shutil.copy2(src, temp)
    os.replace(temp, dest)


def _generate(target, decoder, dest):
    """Our script for TARGET, handing off to DECODER, generated into DEST."""
    subprocess.run([os.path.join(matrix.TOP, 'out', 'bin', 'pyprinter-gen'), '--cpython', target.minor,
                    '--variant', target.variant, '--headers', target.include_dir, '-q',
                    '--decoder', decoder, '-o', dest], check=True)
    return os.path.join(dest, target.script_name)


def _children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def decompressed_debug_dir(target, host_dir, seen_as):
    """A debug-file-directory (as GDB sees it, SEEN_AS for HOST_DIR) that holds the -dbg
    DWARF of TARGET's interpreter with its sections decompressed, then the system's own:
    the same DWARF, which GDB otherwise inflates again at each of the ~125 runs (about
    0.4 s each on sid's builds)."""
    build_id_path = target.dwarf.split('/.build-id/', 1)[1]
    dest = os.path.join(host_dir, 'debug', '.build-id', build_id_path)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    subprocess.run(['objcopy', '--decompress-debug-sections', target.dwarf, dest], check=True)
    return os.path.join(seen_as, 'debug') + ':/usr/lib/debug'


def run_test_gdb(target):
    """Runs TARGET's own test_gdb once; returns (its results, the GDB runs per kind,
    (wall seconds, CPU seconds of everything it ran))."""
    work = os.path.join(OUT, target.name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    # HOME: a directory of the run's own, for the script's session directories (one per
    # GDB run, ~/.cache/pyprinter/gdb.N).
    env = {'LC_ALL': 'C.UTF-8', 'PYP_CONF_GDB_FULL': matrix.GDB_FULL}
    if target.stripped:
        env['PYP_CONF_DEBUG_DIR'] = '/usr/lib/debug'   # inside the chroot for sid
    if target.sysroot:
        root = target.sysroot
        inside = '%s/%s' % (CHROOT_DIR, target.name)
        host = os.path.join(root, inside.lstrip('/'))
        shutil.rmtree(host, ignore_errors=True)
        os.makedirs(os.path.join(host, 'bin'))
        if target.stripped:
            env['PYP_CONF_DEBUG_DIR'] = decompressed_debug_dir(target, host, inside)
        shared = os.path.join(root, CHROOT_DIR.lstrip('/'))
        for src, name in ((matrix.GDB_MINIMAL, 'gdb-minimal'), (DECODER, 'pyprinter'), (RUNNER, 'run_test_gdb.py')):
            _install(src, os.path.join(shared, name))
        shutil.copy2(os.path.join(WRAPPER_DIR, 'gdb'), os.path.join(host, 'bin', 'gdb'))
        script = _generate(target, CHROOT_DIR + '/pyprinter', host)
        os.makedirs(os.path.join(host, 'home'))
        env.update(PATH=inside + '/bin:/usr/bin:/bin', HOME=inside + '/home',
                   PYP_CONF_GDB_MINIMAL=CHROOT_DIR + '/gdb-minimal',
                   PYP_CONF_SCRIPT=inside + '/' + os.path.basename(script),
                   PYP_CONF_INDEX_CACHE=inside + '/gdb-index', PYP_CONF_LOG=inside + '/runs.log')
        inner = ['/usr/bin/env', '-i'] + ['%s=%s' % kv for kv in sorted(env.items())]
        inner += ['/' + os.path.relpath(target.executable, root), CHROOT_DIR + '/run_test_gdb.py',
                  inside + '/result.json']
        argv = matrix.chroot_with_proc(root, inner)   # GDB needs /proc
        result, log = os.path.join(host, 'result.json'), os.path.join(host, 'runs.log')
    else:
        script = _generate(target, DECODER, work)
        if target.stripped:
            env['PYP_CONF_DEBUG_DIR'] = decompressed_debug_dir(target, work, work)
        os.makedirs(os.path.join(work, 'home'))
        env.update(PATH=WRAPPER_DIR + ':/usr/bin:/bin', HOME=os.path.join(work, 'home'),
                   PYP_CONF_GDB_MINIMAL=matrix.GDB_MINIMAL,
                   PYP_CONF_SCRIPT=script, PYP_CONF_INDEX_CACHE=os.path.join(work, 'gdb-index'),
                   PYP_CONF_LOG=os.path.join(work, 'runs.log'))
        result, log = os.path.join(work, 'result.json'), os.path.join(work, 'runs.log')
        argv = [target.executable, RUNNER, result]
    start, used = time.time(), _children_cpu()
    with open(os.path.join(work, 'runner.out'), 'wb') as f:
        r = subprocess.run(argv, env=env, stdout=f, stderr=subprocess.STDOUT, cwd='/', timeout=1800)
    seconds = (time.time() - start, _children_cpu() - used)
    with open(os.path.join(work, 'runner.out'), 'rb') as f:
        tail = f.read()[-3000:].decode('utf-8', 'replace')
    assert r.returncode == 0 and os.path.exists(result), 'run_test_gdb failed (%d):\n%s' % (r.returncode, tail)
    with open(result) as f:
        results = json.load(f)
    runs = {}
    if os.path.exists(log):
        with open(log) as f:
            for line in f:
                runs[line.strip()] = runs.get(line.strip(), 0) + 1
    if target.sysroot:
        shutil.copy2(result, os.path.join(work, 'result.json'))
    return results, runs, seconds


# ---- judging -----------------------------------------------------------------------

def short_name(test_id):
    """'test.test_gdb.test_misc.PyListTests.test_basic_command' -> 'PyListTests.test_basic_command'"""
    return '.'.join(test_id.split('.')[-2:])


def last_output(test):
    return test['runs'][-1]['stdout'][-2500:] if test['runs'] else '(no GDB run)'


def judge(tests, target):
    """(passed, expected-different, skipped lines, problems) of TARGET's TESTS."""
    passed, different, skipped, problems = [], [], [], []
    expected = {d.test: d for d in EXPECTED if target.at_least(d.since)}
    by_name = {short_name(t['id']): t for t in tests}
    for t in tests:
        name = short_name(t['id'])
        details = '\n'.join(t['details'])
        if name in expected:
            d = expected.pop(name)
            if t['outcome'] == 'passed':
                problems.append('%s passed: the expected difference is gone (%s)' % (name, d.reason))
                continue
            wrong = 'it ended %s, not with a failed assertion' % t['outcome'] if t['outcome'] != 'failed' else ''
            wrong = wrong or d.check(t)
            if wrong:
                problems.append('%s: not the expected difference (%s):\n%s\n%s' % (name, d.reason, wrong, details))
            else:
                different.append(name)
        elif t['outcome'] == 'passed':
            passed.append(name)
        elif any(c.matches(name, t, by_name) for c in CANNOT_APPLY):
            why = next(c.why for c in CANNOT_APPLY if c.matches(name, t, by_name))
            skipped.append('%s: %s' % (name, why))
        elif t['outcome'] == 'skipped':
            problems.append('%s skipped: %s' % (name, details))
        else:
            problems.append('%s %s:\n%s\nlast GDB output:\n%s' % (name, t['outcome'], details, last_output(t)))
    for d in expected.values():
        problems.append('%s did not run (expected different: %s)' % (d.test, d.reason))
    return passed, different, skipped, problems


@pytest.mark.parametrize('target', target_params())
def test_cpython_test_gdb(target):
    why = target.skip or ('' if suite_dir(target) else 'no test_gdb: ' + (
        'the pyenv build has no lib/python%s/test' % target.minor if target.name.startswith('pyenv-')
        else 'libpython%s-testsuite is not installed (./setup installs it)' % target.minor))
    if why:
        REPORT.append((SECTION, '%-13s SKIPPED: %s' % (target.name, why)))
    usable(target)
    if why:
        pytest.skip('%s: %s' % (target.name, why))
    results, runs, seconds = run_test_gdb(target)
    passed, different, skipped, problems = judge(results['tests'], target)
    REPORT.append((SECTION, '%-13s passed %2d  expected different %d  skipped %d   (%d GDB runs in '
                   'gdb-minimal, %d in the full GDB; %.0f s, %.0f s CPU)' % (
                       target.name, len(passed), len(different), len(skipped), runs.get('minimal', 0),
                       runs.get('full', 0), seconds[0], seconds[1])))
    for line in skipped:
        REPORT.append((SECTION + ': tests that cannot apply', '%-13s %s' % (target.name, line)))
    assert not problems, '%s: %d of %d tests of test_gdb:\n\n%s' % (
        target.name, len(problems), len(results['tests']), '\n\n'.join(problems))
