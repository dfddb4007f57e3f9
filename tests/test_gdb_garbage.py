"""Bad input to the GDB script: corrupt frame chains (a cycle, a wild pointer), NULL and
wild PyObject pointers, a truncated core, the wrong CPython version, no process, a
process that is not Python. Each gives a clear message, and GDB finishes (the timeout of
run_gdb guards against a hang). Cores are corrupted by patching a copy of a real core."""
import os
import re
import shutil
import subprocess

import pytest

import matrix
import scenario
from conftest import core_of, target_params, usable
from corepatch import patch, previous_offset

PICK = ('pyenv-3.8', 'pyenv-3.10', 'debian-3.11', 'pyenv-3.12', 'sid-3.14', 'sid-3.15')


def picked(t):
    return t.name in PICK


def frames_of(target, core):
    (out,), raw = scenario.run_gdb(target, ['py-bt-full'], core=core,
                                   scripts=[scenario.our_script(target)])
    return [int(a, 16) for a in re.findall(r'Frame (0x[0-9a-f]+),', out)]


@pytest.fixture
def corrupt_copy(tmp_path, core_dir):
    def make(target):
        core, truth = core_of(target, 'sc_calls', core_dir)
        copy = str(tmp_path / 'corrupt.core')
        shutil.copy(core, copy)
        return copy
    return make


@pytest.mark.parametrize('target', target_params(picked))
def test_cycle_in_frame_chain(target, corrupt_copy):
    usable(target)
    core = corrupt_copy(target)
    f = frames_of(target, core)
    patch(core, f[2] + previous_offset(target), f[1])
    (bt, full), raw = scenario.run_gdb(target, ['py-bt', 'py-bt-full'], core=core,
                                       scripts=[scenario.our_script(target)], timeout=120)
    assert 'loops back on itself' in bt, bt
    assert 'loops back on itself' in full, full


@pytest.mark.parametrize('target', target_params(picked))
def test_wild_pointer_in_frame_chain(target, corrupt_copy):
    usable(target)
    core = corrupt_copy(target)
    f = frames_of(target, core)
    patch(core, f[2] + previous_offset(target), 0xdead0000beef0)
    (bt, locs, after), raw = scenario.run_gdb(
        target, ['py-bt', 'py-locals', 'echo still-running\\n'], core=core,
        scripts=[scenario.our_script(target)], timeout=120)
    assert 'unable to read python frame information' in bt, bt
    assert after == 'still-running\n'


@pytest.mark.parametrize('target', target_params(picked))
def test_py_repr_of_null_wild_and_non_objects(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    cmds = ['py-repr 0', 'py-repr 0xdeadbeef000', 'py-repr 8', 'py-repr $sp', 'py-repr $pc',
            'py-repr', 'echo still-running\\n']
    outs, raw = scenario.run_gdb(target, cmds, core=core, scripts=[scenario.our_script(target)], timeout=120)
    assert outs[0] == '0x0\n'
    assert outs[1] == 'pyprinter: cannot read a Python object at 0xdeadbeef000\n'
    assert outs[2] == 'pyprinter: cannot read a Python object at 0x8\n'
    for o in outs[3:5]:
        assert len(o.splitlines()) == 1 and len(o) < 1100, o   # some <... at remote ...>
    assert outs[5].startswith('usage: py-repr EXPR')
    assert outs[6] == 'still-running\n'


@pytest.mark.parametrize('target', target_params(picked))
def test_truncated_core(target, tmp_path, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    cut = str(tmp_path / 'truncated.core')
    with open(core, 'rb') as src, open(cut, 'wb') as dst:
        dst.write(src.read(os.path.getsize(core) // 3))
    cmds = ['py-bt', 'py-bt-full', 'py-locals', 'py-list', 'echo still-running\\n']
    outs, raw = scenario.run_gdb(target, cmds, core=cut, scripts=[scenario.our_script(target)], timeout=300)
    assert outs[-1] == 'still-running\n', raw[-2000:]
    for o in outs[:-1]:
        assert o.strip(), 'a command printed nothing'
        assert 'Error' not in o and 'Cannot access memory' not in o, o


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('pyenv-3.11', 'pyenv-3.13', 'sid-3.14')))
def test_wrong_version_says_so(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    other = '3.12' if target.minor != '3.12' else '3.11'
    script = os.path.join(scenario.OUT, other, 'python%s-gdb.gdb' % other)
    (out, after), raw = scenario.run_gdb(target, ['py-bt', 'echo still-running\\n'], core=core,
                                         scripts=[script], timeout=120)
    assert out.startswith('pyprinter: '), out
    assert ('but this script is for CPython %s' % other) in out or 'has no _Py_DebugOffsets cookie' in out, out
    assert len(out.splitlines()) == 1
    assert after == 'still-running\n'


def test_no_process():
    t = next(t for t in matrix.targets() if not t.skip)
    r = subprocess.run([matrix.GDB_MINIMAL, '-q', '-batch', '-nx', '-x', scenario.our_script(t),
                        '-ex', 'py-bt', '-ex', 'py-repr 0x1000', '-ex', 'py-list'],
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.count('Unable to locate python frame: no process or core file') == 3, r.stdout + r.stderr


def test_not_a_python_process():
    t = next(t for t in matrix.targets() if not t.skip)
    proc = subprocess.Popen(['/bin/sleep', '60'])
    try:
        r = subprocess.run([matrix.GDB_MINIMAL, '-q', '-batch', '-nx', '-p', str(proc.pid),
                            '-x', scenario.our_script(t), '-ex', 'py-bt'],
                           capture_output=True, text=True, timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert 'pyprinter: no symbol _PyRuntime: the inferior is not CPython' in r.stdout, r.stdout
