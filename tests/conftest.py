"""pytest set-up: builds the project once (scons), exposes the matrix, and prints the
per-target counts that the layout proofs record."""
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

# (section, line) records shown after the run: "fields checked, per target".
REPORT = []


def pytest_sessionstart(session):
    r = subprocess.run(['scons', '-Q', '-j2', '.'], cwd=TOP, capture_output=True, text=True)
    if r.returncode != 0:
        raise pytest.UsageError('the build failed:\n' + r.stdout[-3000:] + r.stderr[-3000:])


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    tr.section('test matrix')
    for line in matrix.describe().splitlines():
        tr.write_line(line)
    sections = []
    for section, _ in REPORT:
        if section not in sections:
            sections.append(section)
    for section in sections:
        tr.section(section)
        for s, line in REPORT:
            if s == section:
                tr.write_line(line)


def run_gen(*args, cwd=None):
    """Runs the sanitized pyprinter-gen; a sanitizer report fails the calling test."""
    r = subprocess.run([GEN, '--versions', os.path.join(TOP, 'versions')] + list(args),
                       capture_output=True, text=True, env=dict(os.environ, **SANITIZER_OPTIONS),
                       cwd=cwd, timeout=300)
    assert 'Sanitizer' not in r.stderr and r.returncode not in (98, 99), r.stderr
    return r


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
