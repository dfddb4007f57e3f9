"""The decoder's repr engine (runtime/repr*.c) against the truth and against the GDB
script: `pyprinter repr` on the sc_values core and live process of every matrix target
must print what the scenario recorded (what tests/test_gdb_scenarios.py requires of
py-repr); on sc_repr_edges it must print what the script's py-repr prints; garbage
addresses give one clear line and no crash; `bt --locals` reprs each local the same way.
Every run uses the ASan + UBSan build, and a sanitizer report fails the test."""
import json
import os
import subprocess

import pytest

import matrix
import scenario
from conftest import SANITIZER_OPTIONS, TOP, core_of, target_params, usable

PYPRINTER = os.path.join(TOP, 'out', 'asan', 'bin', 'pyprinter')
# One target per minor for the comparison with the GDB script (a GDB run each).
PARITY = ('pyenv-3.8', 'pyenv-3.9', 'pyenv-3.10', 'debian-3.11d', 'pyenv-3.12', 'sid-3.13',
          'sid-3.14d', 'sid-3.15')


def run_pyprinter(target, *args, timeout=300):
    """(returncode, stdout, stderr) of the sanitized pyprinter; fails on a sanitizer report."""
    argv = [PYPRINTER, args[0]] + (['--sysroot', target.sysroot] if target.sysroot else []) + list(args[1:])
    r = subprocess.run(argv, capture_output=True, timeout=timeout,
                       env=dict(os.environ, **SANITIZER_OPTIONS))
    err = r.stderr.decode('utf-8', 'replace')
    assert 'Sanitizer' not in err and 'runtime error' not in err and r.returncode not in (98, 99), err
    return r.returncode, r.stdout.decode('utf-8', 'backslashreplace'), err


def reprs(target, where, addresses):
    """The output lines of `pyprinter repr WHERE ADDRESS...`, one per address."""
    rc, out, err = run_pyprinter(target, 'repr', str(where), *addresses)
    assert rc == 0, err
    lines = out.split('\n')
    assert lines[-1] == '' and len(lines) == len(addresses) + 1, out[-2000:]
    return lines[:-1]


def mismatches(values, got):
    return ['%s:\n  got      %r\n  expected %r' % (a, o[:300], e[:300])
            for (a, e), o in zip(values, got) if o != e]


@pytest.mark.parametrize('target', target_params())
def test_repr_values_on_core(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_values', core_dir)
    values = truth['values']
    wrong = mismatches(values, reprs(target, core, [a for a, _ in values]))
    assert not wrong, '%d of %d wrong:\n' % (len(wrong), len(values)) + '\n'.join(wrong)


@pytest.mark.parametrize('target', target_params())
def test_repr_values_live(target):
    usable(target)
    s = scenario.Stopped(target, 'sc_values', 'decoder-repr')
    try:
        values = s.truth['values']
        got = reprs(target, s.pid, [a for a, _ in values])
    finally:
        s.kill()
    wrong = mismatches(values, got)
    assert not wrong, '%d of %d wrong:\n' % (len(wrong), len(values)) + '\n'.join(wrong)


@pytest.mark.parametrize('target', target_params(lambda t: t.name in PARITY))
def test_repr_edges_as_the_gdb_script(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_repr_edges', core_dir)
    addresses = [a for a, _ in truth['values']]
    outs, raw = scenario.run_gdb(target, ['py-repr ' + a for a in addresses], core=core,
                                 scripts=[scenario.our_script(target)])
    want = [o[:-1] if o.endswith('\n') else o for o in outs]
    wrong = mismatches(list(zip(addresses, want)), reprs(target, core, addresses))
    assert not wrong, '%d of %d differ from py-repr:\n' % (len(wrong), len(addresses)) + '\n'.join(wrong)


@pytest.mark.parametrize('target', target_params())
def test_repr_of_null_wild_and_non_objects(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_values', core_dir)
    assert reprs(target, core, ['0']) == ['0x0']
    for wild in ('0xdeadbeef000', '8'):
        rc, out, err = run_pyprinter(target, 'repr', core, wild)
        assert rc != 0 and out == '', out
        assert err == 'pyprinter: cannot read a Python object at %s\n' % hex(int(wild, 0)), err
    # Inside objects, misaligned, on their data: whatever is there, no crash, each repr
    # within the limit (a garbage type name may hold a newline, as in py-repr: no line count).
    first = int(truth['values'][0][0], 16)
    inside = ['0x%x' % (int(a, 16) + k) for a, _ in truth['values'] for k in (1, 8, 16, 24, 40)]
    rc, out, err = run_pyprinter(target, 'repr', core, *inside)
    assert rc == 0 and err == '', err
    assert len(out) < len(inside) * 1100, len(out)
    # A wild address among good ones: the others still print.
    rc, out, err = run_pyprinter(target, 'repr', core, '0x%x' % first, '0xdeadbeef000', '0')
    assert rc != 0 and out.split('\n')[1] == '0x0' and err.count('\n') == 1, (out, err)


@pytest.mark.parametrize('target', target_params())
def test_bt_locals_reprs(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_values', core_dir)
    rc, out, err = run_pyprinter(target, 'bt', '--locals', '--json', '--no-source', core)
    assert rc == 0, err
    main = next(t for t in json.loads(out)['threads'] if t['main'])
    got = {l['name']: l['repr'] for l in main['frames'][0]['locals']}
    want = next(t for t in truth['threads'] if t['main'])['frames'][0]['locals']
    wrong = ['%s:\n  got      %r\n  expected %r' % (n, got.get(n, '(missing)')[:300], e[:300])
             for n, e in want if e is not None and got.get(n) != e]
    assert not wrong, '\n'.join(wrong)
