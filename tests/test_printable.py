"""Which characters repr() escapes: the printable ranges of each CPython minor
(versions/printable/3.X.txt, str.isprintable() as the interpreter itself answers it).

- Drift: every matrix interpreter, asked by pyprinter-gen --printable (through chroot for
  the sid targets), gives exactly the committed ranges of its minor and Unicode version.
- The GDB script's block table (pyp-printable) answers as the ranges do at every range
  boundary, one gdb-minimal run per minor.
- The generator: the interpreter installed with the headers is asked; without one the
  committed ranges serve; an interpreter of another minor is refused.
The decoder's use of the same ranges is checked by the repr tests (sc_values' strings)."""
import os
import subprocess

import pytest

import matrix
import scenario
from conftest import run_gen, target_params, usable

PRINTABLE = os.path.join(matrix.TOP, 'versions', 'printable')


def read_ranges(path):
    """(cpython, unicode, [(first, last)]) of a ranges file."""
    header, ranges = None, []
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if header is None:
                _, cpython, _, unicode = line.split()
                header = (cpython, unicode)
                continue
            a, b = line.split()
            ranges.append((int(a, 16), int(b, 16)))
    return header[0], header[1], ranges


def wrapper(tmp_path, target):
    """An executable that runs TARGET's interpreter with its arguments."""
    return target.write_run_script(str(tmp_path / ('python-' + target.name)))


@pytest.mark.parametrize('target', target_params())
def test_committed_ranges_are_the_interpreters(target, tmp_path):
    usable(target)
    out = tmp_path / 'ranges.txt'
    r = run_gen('--cpython', target.minor, '--python', wrapper(tmp_path, target),
                '--printable', str(out))
    assert r.returncode == 0, r.stderr
    cpython, unicode, ranges = read_ranges(str(out))
    assert cpython == target.version
    _, committed_unicode, committed = read_ranges(os.path.join(PRINTABLE, target.minor + '.txt'))
    assert (unicode, ranges) == (committed_unicode, committed), \
        'versions/printable/%s.txt is stale: run tests/regenerate-tables' % target.minor


def one_per_minor(t):
    return not t.skip and t.flavour != 'debug' and t.name == next(
        u.name for u in matrix.targets() if u.minor == t.minor and not u.skip and u.flavour != 'debug')


@pytest.mark.parametrize('target', target_params(one_per_minor))
def test_script_table_at_every_boundary(target):
    _, _, ranges = read_ranges(os.path.join(PRINTABLE, target.minor + '.txt'))
    points = sorted({c for a, b in ranges for c in (a - 1, a, b, b + 1) if 0 <= c <= 0x10ffff}
                    | {0x110000, 0xffffffff})
    printable = set()
    for a, b in ranges:
        printable.update(c for c in points if a <= c <= b)
    cmds = ['set $pyp_c = %d\npyp-printable\nprintf "%%d", $pyp_pr' % c for c in points]
    script = scenario.our_script(target)
    path = os.path.join(os.path.dirname(script), 'printable-test.gdb')
    with open(path, 'w') as f:
        f.write('\n'.join(cmds) + '\necho \\n\n')
    # The executable gives GDB the target's architecture (an 8-byte unsigned long).
    argv = [matrix.GDB_MINIMAL, '-q', '-batch', '-nx'] + target.gdb_iex() + [
        target.executable, '-ex', 'source ' + script, '-ex', 'source ' + path]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    got = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ''
    want = ''.join('1' if c in printable else '0' for c in points)
    assert len(got) == len(want), (r.stdout + r.stderr)[-2000:]
    wrong = [hex(c) for c, g, w in zip(points, got, want) if g != w]
    assert not wrong, wrong[:20]


def test_interpreter_beside_the_headers_is_asked(tmp_path):
    t = next(t for t in matrix.targets() if t.minor == '3.12' and not t.skip)
    r = run_gen('--cpython', '3.12', '--headers', t.include_dir, '-o', str(tmp_path))
    assert r.returncode == 0, r.stderr
    line = next(l for l in r.stdout.splitlines() if 'printable ranges' in l)
    assert 'Unicode 15.0.0' in line and line.endswith('/bin/python3.12'), line


def test_another_minors_interpreter_is_refused(tmp_path):
    t = next(t for t in matrix.targets() if t.minor == '3.12' and not t.skip)
    r = run_gen('--cpython', '3.11', '--python', t.executable, '--printable', str(tmp_path / 'x'))
    assert r.returncode == 1
    assert r.stderr.count('\n') == 1 and 'is CPython 3.12' in r.stderr and 'not 3.11' in r.stderr, r.stderr
    assert not (tmp_path / 'x').exists()
