"""run_test_gdb.py OUT.json: runs this interpreter's own CPython test_gdb and writes each
test's outcome, and every GDB run it made, to OUT.json.

Started by tests/test_conformance.py with the interpreter under test, with a `gdb`
wrapper first on PATH (tests/conformance/gdb) that runs every real test in gdb-minimal
with pyprinter's script. This file only adapts the harness, never a test's expectation:

- the skips that keep test_gdb to unoptimized source builds are lifted (not a source
  build, PGO/BOLT builds, `python_is_optimized()`), and so is the skip get_stack_trace()
  takes when GDB's output shows that python-gdb.py could not read a frame: an optimized
  build is what pyprinter is for, so that output is a failure here (but ` ?? ()` in GDB's
  own `bt` for a frame of the C library, which has no symbols in the sid chroot, is no
  sign of a truncated stack: the test goes on);
- a GDB without Python has no pretty-printers: `print EXPR` becomes `py-repr EXPR`
  (after a marker line), and the pretty-printer tests read `py-repr v` where they read
  the `v=` argument python-gdb.py's pretty-printer puts into `backtrace`;
- for each value a pretty-printer test makes, what Python itself says of it is recorded
  beside what GDB printed (the snippet run here, with `id` capturing its argument), so
  that an expected difference can be checked against Python's own repr.

Runs on every CPython from 3.8: plain Python 3.8 syntax only.
"""
import json
import os
import re
import sys
import sysconfig
import traceback
import unittest

MARK = '@@pyp-conformance-repr'
RECORD = {'runs': [], 'reprs': []}


def lift_import_skips():
    """Patches what test_gdb tests at import time; returns the undo function."""
    from test import support
    saved_build = sysconfig.is_python_build
    saved_var = sysconfig.get_config_var
    sysconfig.is_python_build = lambda *args, **kwargs: True
    sysconfig.get_config_var = lambda name: None if name == 'PGO_PROF_USE_FLAG' else saved_var(name)
    support.python_is_optimized = lambda: False
    for name in ('check_cflags_pgo', 'check_bolt_optimized'):
        if hasattr(support, name):
            setattr(support, name, lambda: False)
    support.use_resources = ['cpu']

    def undo():
        sysconfig.is_python_build = saved_build
        sysconfig.get_config_var = saved_var
    return undo


def python_view(source):
    """What Python says of the first object SOURCE passes to id(): its repr; for a frame
    its file, line, function and locals; for a code object the same of the frame of its
    last finished call (the zombie frame 3.8-3.10 keep in the code object: it ended at
    the line of its return and holds no variables)."""
    seen = []
    returned = {}

    def capture(obj):
        if not seen:
            seen.append(obj)
        return 0

    def profile(frame, event, arg):
        if event == 'return':
            returned[frame.f_code] = frame.f_lineno
    import builtins
    sys.setprofile(profile)
    try:
        exec(compile(source, '<string>', 'exec'), {'id': capture, '__builtins__': builtins})
    except BaseException as e:  # a snippet that raises after its id() still counts
        if not seen:
            return {'error': '%s: %s' % (type(e).__name__, e)}
    finally:
        sys.setprofile(None)
    if not seen:
        return {'error': 'id() was never called'}
    obj = seen[0]
    view = {'repr': repr(obj)}
    if type(obj).__name__ == 'frame':
        view['frame'] = {'file': obj.f_code.co_filename, 'line': obj.f_lineno,
                         'function': obj.f_code.co_name,
                         'locals': [[k, repr(v)] for k, v in obj.f_locals.items()]}
    if type(obj).__name__ == 'code' and obj in returned:
        view['frame'] = {'file': obj.co_filename, 'line': returned[obj],
                         'function': obj.co_name, 'locals': []}
    return view


def stand_in(cmds):
    """CMDS with each `print EXPR` (the pretty-printer's output) turned into a marker line
    and `py-repr EXPR`."""
    out = []
    for c in cmds:
        words = c.split(None, 1)
        if len(words) == 2 and words[0] in ('print', 'p'):
            out += ['echo %s\\n' % MARK, 'py-repr ' + words[1]]
        else:
            out.append(c)
    return out


def record_reprs(source, out):
    """Records what each py-repr of a GDB run printed, beside what Python says of the
    snippet's object."""
    for value in out.split(MARK + '\n')[1:]:
        value = value.split('\n', 1)[0]
        view = python_view(source) if source else {}
        view.update(source=source, gdb=value)
        RECORD['reprs'].append(view)


def unnamed_library_frames_only(reason, out):
    """Whether test_gdb skipped only because GDB's own `bt` shows ` ?? ()` for frames of a
    library without symbols (the C library of the sid chroot: libc6-dbg is not there),
    not for a frame of the interpreter: the backtrace is not truncated (test_gdb 3.15
    says so too: "can also be unrelated frames without debug info (e.g. libc)")."""
    if "' ?? ()'" not in reason:
        return False
    lines = [l for l in out.splitlines() if ' ?? (' in l]
    return all(re.search(r' \?\? \(\) from /\S*/lib(c|m|pthread)\.so', l) for l in lines)


def adapt(module, cls_module):
    """Wraps run_gdb (records every run), get_stack_trace (print -> py-repr; the
    optimized-build skip becomes a failure) and get_gdb_repr (py-repr v)."""
    real_run_gdb = module.run_gdb

    def run_gdb(*args, **kwargs):
        out, err = real_run_gdb(*args, **kwargs)
        RECORD['runs'].append({'args': list(args), 'stdout': out, 'stderr': err})
        return out, err
    module.run_gdb = run_gdb

    base = module.DebuggerTests
    real_get_stack_trace = base.get_stack_trace

    def get_stack_trace(self, source=None, *args, **kwargs):
        cmds = kwargs.get('cmds_after_breakpoint')
        if cmds:
            kwargs['cmds_after_breakpoint'] = stand_in(cmds)
        try:
            out = real_get_stack_trace(self, source, *args, **kwargs)
        except unittest.SkipTest as e:
            out = RECORD['runs'][-1]['stdout'] if RECORD['runs'] else ''
            if not unnamed_library_frames_only(str(e), out):
                raise AssertionError('test_gdb skips an optimized build here (%s); pyprinter '
                                     'must read it. GDB printed:\n%s' % (e, out)) from None
        record_reprs(source, out)
        return out
    base.get_stack_trace = get_stack_trace

    pretty = getattr(cls_module, 'PrettyPrintTests', None)
    if pretty is None:
        return

    def get_gdb_repr(self, source, cmds_after_breakpoint=None, import_site=False):
        # test_gdb reads v= in `backtrace` (python-gdb.py pretty-prints it); here
        # `print v` stands for that, and becomes py-repr v.
        cmds = [c for c in (cmds_after_breakpoint or []) if not c.startswith('backtrace')]
        before = len(RECORD['reprs'])
        out = self.get_stack_trace(source, breakpoint='builtin_id',
                                   cmds_after_breakpoint=cmds + ['print v'], import_site=import_site)
        if len(RECORD['reprs']) == before:
            self.fail('py-repr v did not run: %r' % out)
        return RECORD['reprs'][-1]['gdb'], out
    pretty.get_gdb_repr = get_gdb_repr


class Result(unittest.TestResult):
    """Each test's outcome with what it recorded."""

    def __init__(self):
        super().__init__()
        self.tests = []
        self.current = None

    def startTest(self, test):
        super().startTest(test)
        RECORD['runs'] = []
        RECORD['reprs'] = []
        self.current = {'id': test.id(), 'outcome': 'passed', 'details': []}
        self.tests.append(self.current)

    def stopTest(self, test):
        super().stopTest(test)
        self.current.update(runs=RECORD['runs'], reprs=RECORD['reprs'])

    def _fail(self, outcome, test, err):
        if self.current is None or self.current['id'] != test.id():
            self.startTest(test)   # a module or class set-up error
            self.stopTest(test)
        self.current['outcome'] = outcome
        self.current['details'].append(self._exc_info_to_string(err, test))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail('failed', test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail('error', test, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if self.current is None or self.current['id'] != test.id():
            self.startTest(test)
            self.stopTest(test)
        self.current['outcome'] = 'skipped'
        self.current['details'].append(reason)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            outcome = 'failed' if issubclass(err[0], test.failureException) else 'error'
            if self.current['outcome'] != 'error':
                self.current['outcome'] = outcome
            self.current['details'].append('%s: %s' % (subtest._subDescription(),
                                                        self._exc_info_to_string(err, test)))


def main():
    out_path = sys.argv[1]
    undo = lift_import_skips()
    try:
        suite = unittest.defaultTestLoader.loadTestsFromName('test.test_gdb')
    finally:
        undo()
    module = sys.modules.get('test.test_gdb.util') or sys.modules['test.test_gdb']
    cls_module = sys.modules.get('test.test_gdb.test_pretty_print') or sys.modules['test.test_gdb']
    adapt(module, cls_module)
    result = Result()
    try:
        suite.run(result)
    except BaseException:
        result.tests.append({'id': 'run', 'outcome': 'error', 'details': [traceback.format_exc()],
                             'runs': [], 'reprs': []})
    with open(out_path + '.tmp', 'w') as f:
        json.dump({'python': sys.version, 'tests': result.tests}, f, indent=1)
    os.replace(out_path + '.tmp', out_path)


if __name__ == '__main__':
    main()
