"""pytest set-up: builds the project once (scons), exposes the matrix, and prints the
per-target counts that the layout proofs record.

The suite runs on two workers (pytest-xdist, `-n 2` in pytest.ini): all tests of one
matrix target go to the same worker (their cores are taken once), and what tests record
for the end-of-run summary travels with their reports to the controller, which prints
it. With `-n 0` the same happens in one process."""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402

TOP = matrix.TOP
GEN = os.path.join(TOP, 'out', 'asan', 'bin', 'pyprinter-gen')  # ASan + UBSan build
SANITIZER_OPTIONS = dict(ASAN_OPTIONS='detect_leaks=1:abort_on_error=0:exitcode=99',
                         UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1:exitcode=98')

class _Recorder(list):
    """What the tests record for the summary, until their report carries it away."""

    def append(self, item):
        _PENDING.append(('line',) + tuple(item))


_PENDING = []
# (section, line) records shown after the run: "fields checked, per target". Tests
# append to REPORT; the summary is built from SUMMARY_LINES and SUMMARY_COUNTS.
REPORT = _Recorder()
SUMMARY_LINES = []
SUMMARY_COUNTS = {}   # section -> {(target, check): [passed, total]}


def count(section, target_name, check, ok):
    """One result of CHECK on a target, for the per-target table SECTION of the summary."""
    _PENDING.append(('count', section, target_name, check, bool(ok)))


def _is_worker(config):
    return hasattr(config, 'workerinput')


def pytest_sessionstart(session):
    if _is_worker(session.config):
        return  # the controller built it
    r = subprocess.run(['scons', '-Q', '-j2', '.'], cwd=TOP, capture_output=True, text=True)
    if r.returncode != 0:
        raise pytest.UsageError('the build failed:\n' + r.stdout[-3000:] + r.stderr[-3000:])


def pytest_collection_modifyitems(config, items):
    """The tests of one matrix target run on one worker."""
    for item in items:
        target = getattr(item, 'callspec', None) and item.callspec.params.get('target')
        if isinstance(target, matrix.Target):
            item.add_marker(pytest.mark.xdist_group(target.name))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if _PENDING:
        rep.user_properties.append(('pyp-summary', list(_PENDING)))
        del _PENDING[:]


def pytest_runtest_logreport(report):
    for key, records in getattr(report, 'user_properties', ()):
        if key != 'pyp-summary':
            continue
        for r in records:
            if r[0] == 'line':
                SUMMARY_LINES.append((r[1], r[2]))
            else:
                _, section, target_name, check, ok = r
                cell = SUMMARY_COUNTS.setdefault(section, {}).setdefault((target_name, check), [0, 0])
                cell[0] += ok
                cell[1] += 1


def _count_lines(section):
    table = SUMMARY_COUNTS[section]
    checks = []
    for _, c in table:
        if c not in checks:
            checks.append(c)
    lines = []
    for t in matrix.targets():
        row = ['%s %d/%d' % (c, *table[(t.name, c)]) for c in checks if (t.name, c) in table]
        if row:
            lines.append('%-13s %s' % (t.name, '  '.join(row)))
    return lines


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    tr.section('test matrix')
    for line in matrix.describe().splitlines():
        tr.write_line(line)
    sections = []
    for section, _ in SUMMARY_LINES:
        if section not in sections:
            sections.append(section)
    order = {t.name: i for i, t in enumerate(matrix.targets())}
    for section in sections:
        tr.section(section)
        lines = [l for s, l in SUMMARY_LINES if s == section]
        for line in sorted(lines, key=lambda l: (order.get(l.split(' ', 1)[0], len(order)), l)):
            tr.write_line(line)
    for section in SUMMARY_COUNTS:
        tr.section(section)
        for line in _count_lines(section):
            tr.write_line(line)


def run_gen(*args, cwd=None):
    """Runs the sanitized pyprinter-gen; a sanitizer report fails the calling test."""
    r = subprocess.run([GEN, '--versions', os.path.join(TOP, 'versions')] + list(args),
                       capture_output=True, text=True, env=dict(os.environ, **SANITIZER_OPTIONS),
                       cwd=cwd, timeout=300)
    assert 'Sanitizer' not in r.stderr and r.returncode not in (98, 99), r.stderr
    return r


def scons(*args):
    """Runs scons in the source tree with ARGS (e.g. install PREFIX=... DESTDIR=...), one
    run at a time across the test workers (two would share its signature database)."""
    import fcntl
    with open(os.path.join(TOP, 'out', '.scons-lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return subprocess.run(['scons', '-Q'] + list(args), cwd=TOP, capture_output=True,
                              text=True, timeout=900)


def usable(target):
    """pytest.skip() with the target's reason when it cannot be used."""
    if target.skip:
        pytest.skip('%s: %s' % (target.name, target.skip))
    return target


def target_params(predicate=lambda t: True):
    return [pytest.param(t, id=t.name) for t in matrix.targets() if predicate(t)]


@pytest.fixture(scope='session')
def core_dir(tmp_path_factory):
    """Where the scenario cores of this run go (one per target and scenario)."""
    return str(tmp_path_factory.mktemp('cores'))


_cores = {}


def core_of(target, name, core_dir):
    """(core, truth) of scenario NAME on TARGET, taken once per test run."""
    import scenario
    key = (target.name, name)
    if key not in _cores:
        _cores[key] = scenario.take_core(target, name, core_dir)
    return _cores[key]
