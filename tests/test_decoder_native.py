"""pyprinter bt --native against the truth, on every matrix target: the native stack of
each thread unwound with libdwfl (from a gcore core, and from a live process), with the
Python frames placed under the C frames of their eval-loop activations.

- sc_calls: the C implementation of time.sleep (time_sleep, or pysleep inlined into it)
  is the innermost frame of CPython, with libc's sleep call above it; the eval-loop
  frames carry the activations in order; every Python frame of the truth is placed under
  an eval-loop frame, in the truth's order.
- sc_cext: a C function of the _json extension sits between two activations.
- sc_gil: the threads that wait for the GIL show take_gil and say so in their status.
- a library replaced on disk under a live process is still named (from the mapped file);
  a thread inside the vDSO is named and unwound from the vDSO's image in memory.

A ruined C stack ends the unwinding early and bounded. The sanitized build runs every
time; a sanitizer report fails the test."""
import glob
import json
import os
import random
import shutil
import struct
import subprocess
import time

import pytest

import scenario
from conftest import SANITIZER_OPTIONS, TOP, core_of, target_params, usable
from corepatch import core_segments

PYPRINTER = os.path.join(TOP, 'out', 'asan', 'bin', 'pyprinter')
SLEEP_FUNCTIONS = ('time_sleep', 'pysleep')
JSON_FUNCTIONS = ('encoder_', 'scanner_', 'scan_once_', '_parse_', 'py_encode_', '_encoder_')


def pyprinter(target, what):
    """The JSON report of `pyprinter bt --native` on WHAT (a core path or a pid)."""
    argv = [PYPRINTER, 'bt', '--native', '--json', str(what)]
    if target.sysroot and not str(what).isdigit():
        argv += ['--sysroot', target.sysroot]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, **SANITIZER_OPTIONS))
    assert 'Sanitizer' not in r.stderr and r.returncode not in (98, 99), r.stderr[-4000:]
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def base_name(function):
    """A function's name without a compiler's suffix (".lto_priv.0", ".cold")."""
    return function.split('.')[0] if function else None


def thread_of(report, truth_thread):
    for th in report['threads']:
        if th['pthread_id'] and int(th['pthread_id'], 16) == truth_thread['ident']:
            return th
    raise AssertionError('no thread for %x in %s' % (truth_thread['ident'],
                                                     [t['pthread_id'] for t in report['threads']]))


def main_thread(truth):
    return next(t for t in truth['threads'] if t['current'])


def describe(th):
    """The merged stack in a line per frame, for assertion messages."""
    lines = ['merge_problem: %s' % th['merge_problem']]
    for i, n in enumerate(th['native']):
        lines.append('#%d %s %s+%s run=%s%s' % (i, n['function'], n['module'], n['module_offset'],
                                                n['run'], ' [inlined]' if n['inlined'] else ''))
    return '\n'.join(lines)


def check_merged(th, truth_frames):
    """The activations are carried by eval-loop C frames in order, and every Python frame
    of the truth is placed, in order, under one."""
    info = describe(th)
    assert th['merge_problem'] is None, info
    carried = [(i, n['run']) for i, n in enumerate(th['native']) if n['run'] is not None]
    runs = [r for _, r in carried]
    assert runs == sorted(runs) and len(set(runs)) == len(runs), info
    for i, _ in carried:
        assert base_name(th['native'][i]['function']) in (None, '_PyEval_EvalFrameDefault') \
            or th['native'][i]['function'].startswith('_TAIL_CALL_'), info
    placed = [f for r in runs for f in th['frames'] if f['run'] == r]
    assert [(f['file'], f['line'], f['function']) for f in placed] == \
           [(f['file'], f['line'], f['name']) for f in truth_frames], info


def check_sleep_innermost(th):
    """time.sleep's C function is CPython's innermost frame, below libc's sleep call."""
    native = th['native']
    info = describe(th)
    at = next((i for i, n in enumerate(native) if base_name(n['function']) in SLEEP_FUNCTIONS), None)
    assert at is not None and at > 0, info
    assert all((n['module'] or '').startswith('libc.so') for n in native[:at]), info


@pytest.mark.parametrize('target', target_params())
def test_calls_core(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    th = thread_of(pyprinter(target, core), main_thread(truth))
    check_sleep_innermost(th)
    check_merged(th, main_thread(truth)['frames'])


@pytest.mark.parametrize('target', target_params())
def test_cext_core(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_cext', core_dir)
    th = thread_of(pyprinter(target, core), main_thread(truth))
    check_merged(th, main_thread(truth)['frames'])
    native = th['native']
    runs = [i for i, n in enumerate(native) if n['run'] is not None]
    json_c = [i for i, n in enumerate(native)
              if (n['function'] or '').startswith(JSON_FUNCTIONS)]
    assert json_c and any(runs[k] < j < runs[k + 1] for j in json_c for k in range(len(runs) - 1)), \
        describe(th)


@pytest.mark.parametrize('target', target_params())
def test_gil_core(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_gil', core_dir)
    report = pyprinter(target, core)
    waiters = [t for t in truth['threads'] if not t['current']]
    assert len(waiters) == 3
    for w in waiters:
        th = thread_of(report, w)
        assert th['status']['text'] == 'waiting for the GIL', describe(th)
        assert 'take_gil' in [base_name(n['function']) for n in th['native']], describe(th)
        check_merged(th, w['frames'])


@pytest.mark.parametrize('target', target_params())
def test_calls_live(target):
    usable(target)
    s = scenario.Stopped(target, 'sc_calls', 'native')
    try:
        report = pyprinter(target, s.pid)
        alive = s.proc.poll() is None
    finally:
        s.kill()
    th = thread_of(report, main_thread(s.truth))
    check_sleep_innermost(th)
    check_merged(th, main_thread(s.truth)['frames'])
    assert alive


GARBAGE_TARGETS = ('pyenv-3.8', 'pyenv-3.12', 'debian-3.11', 'sid-3.15')


def stack_patterns(sp, code):
    """Ways to ruin 2 KiB of stack from SP: random bytes, words that point at
    themselves (a frame-pointer loop), and one return address over and over."""
    rnd = random.Random(7)
    n = 256
    return {
        'random': bytes(rnd.randrange(256) for _ in range(8 * n)),
        'self': b''.join((sp + 8 * i).to_bytes(8, 'little') for i in range(n)),
        'return address': code.to_bytes(8, 'little') * n,
    }


def patch_bytes(path, address, data):
    for vaddr, size, offset in core_segments(path):
        if vaddr <= address and address + len(data) <= vaddr + size:
            with open(path, 'r+b') as f:
                f.seek(offset + address - vaddr)
                f.write(data)
            return
    raise AssertionError('0x%x is not in the core' % address)


@pytest.mark.parametrize('target', target_params(lambda t: t.name in GARBAGE_TARGETS))
def test_garbage_stack(target, core_dir, tmp_path):
    """A ruined C stack ends the unwinding early, bounded, with no crash: the report is
    still whole JSON. (3.10+ keep eval-loop records on the C stack too, so the Python
    frames may be lost with it.)"""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    th = thread_of(pyprinter(target, core), main_thread(truth))
    sp = int(th['native'][0]['sp'], 16)
    code = int(th['native'][1]['pc'], 16)
    for name, data in stack_patterns(sp, code).items():
        bad = str(tmp_path / ('garbage-%s.core' % name.replace(' ', '-')))
        shutil.copy(core, bad)
        patch_bytes(bad, sp, data)
        got = thread_of(pyprinter(target, bad), main_thread(truth))
        assert 0 < len(got['native']) <= 4096, name


REPLACED_SCRIPT = '''
import json, os, sys, time
def hook(o):
    open(sys.argv[1], 'w').close()
    time.sleep(3600)
json.dumps([object()], default=hook)
'''


@pytest.mark.parametrize('target', target_params(lambda t: t.name.startswith('pyenv-')))
def test_replaced_library_live(target, tmp_path):
    """A library replaced on disk while the process runs (an upgrade) is still named right:
    the file now at its path has another build-id and is refused, and the mapped one is
    read through /proc/PID/map_files."""
    usable(target)
    prefix = os.path.dirname(os.path.dirname(target.executable))
    found = glob.glob(os.path.join(prefix, 'lib', 'python%s' % target.minor, 'lib-dynload',
                                   '_json.*.so'))
    others = glob.glob(os.path.join(os.path.dirname(found[0]), '_asyncio.*.so')) if found else []
    if not found or not others:
        pytest.skip('%s has no _json and _asyncio extension files' % target.name)
    dyn = tmp_path / 'dyn'
    dyn.mkdir()
    json_so = dyn / os.path.basename(found[0])
    shutil.copy(found[0], json_so)
    ready = tmp_path / 'ready'
    proc = subprocess.Popen([target.executable, '-c', REPLACED_SCRIPT, str(ready)],
                            env={'PYTHONPATH': str(dyn), 'PATH': '/usr/bin:/bin'})
    try:
        deadline = time.time() + 60
        while not ready.exists() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        assert ready.exists()
        time.sleep(0.2)
        json_so.unlink()
        shutil.copy(others[0], json_so)
        report = pyprinter(target, proc.pid)
    finally:
        proc.kill()
        proc.wait()
    th = next(t for t in report['threads'] if t['main'])
    names = [n['function'] or '' for n in th['native'] if (n['module'] or '').startswith('_json')]
    assert names and all(names) and any(n.startswith(JSON_FUNCTIONS) for n in names), describe(th)


def core_notes(path):
    """[(type, file offset of the descriptor, size)] of the notes of an ELF core."""
    with open(path, 'rb') as f:
        head = f.read(64)
        phoff, = struct.unpack_from('<Q', head, 0x20)
        phentsize, phnum = struct.unpack_from('<HH', head, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
        notes = []
        for i in range(phnum):
            p_type, _, p_offset, _, _, p_filesz = struct.unpack_from('<IIQQQQ', table, i * phentsize)
            if p_type != 4:
                continue
            f.seek(p_offset)
            data = f.read(p_filesz)
            at = 0
            while at + 12 <= len(data):
                namesz, descsz, n_type = struct.unpack_from('<III', data, at)
                desc = at + 12 + (namesz + 3) // 4 * 4
                notes.append((n_type, p_offset + desc, descsz))
                at = desc + (descsz + 3) // 4 * 4
    return notes


def read_core(path, address, size):
    for vaddr, filesz, offset in core_segments(path):
        if vaddr <= address and address + size <= vaddr + filesz:
            with open(path, 'rb') as f:
                f.seek(offset + address - vaddr)
                return f.read(size)
    raise AssertionError('0x%x is not in the core' % address)


def vdso_symbol(core, vdso, name, tmp_path):
    """The address of the vDSO's symbol NAME, from the image the core holds."""
    image = tmp_path / 'vdso.so'
    image.write_bytes(read_core(core, vdso, 8192))
    out = subprocess.run(['readelf', '-Ws', str(image)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        cols = line.split()
        if len(cols) >= 8 and cols[7].split('@')[0] == name:
            return vdso + int(cols[1], 16)
    pytest.skip('no %s in the vDSO' % name)


PRSTATUS_PID, PRSTATUS_REGS, REG_RIP, REG_RSP = 32, 112, 16, 19
NT_PRSTATUS, NT_AUXV, AT_SYSINFO_EHDR = 1, 6, 33


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('pyenv-3.12', 'sid-3.15')))
def test_thread_in_vdso(target, core_dir, tmp_path):
    """A thread stopped inside the vDSO (clock_gettime), which no file holds: the frame is
    named from the vDSO's image in memory and the unwinding goes on through it. The core
    is made so: the main thread is moved into __vdso_clock_gettime's first instruction,
    as if its libc frame had just called it."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    bad = str(tmp_path / 'vdso.core')
    shutil.copy(core, bad)
    notes = core_notes(bad)
    auxv = next(n for n in notes if n[0] == NT_AUXV)
    with open(bad, 'rb') as f:
        f.seek(auxv[1])
        words = struct.unpack('<%dQ' % (auxv[2] // 8), f.read(auxv[2]))
    vdso = dict(zip(words[::2], words[1::2]))[AT_SYSINFO_EHDR]
    entry = vdso_symbol(bad, vdso, '__vdso_clock_gettime', tmp_path)
    with open(bad, 'r+b') as f:
        status = next(n for n in notes if n[0] == NT_PRSTATUS and struct.unpack(
            '<i', read_at(f, n[1] + PRSTATUS_PID, 4))[0] == truth['pid'])
        regs = status[1] + PRSTATUS_REGS
        rip, = struct.unpack('<Q', read_at(f, regs + 8 * REG_RIP, 8))
        rsp, = struct.unpack('<Q', read_at(f, regs + 8 * REG_RSP, 8))
        f.seek(regs + 8 * REG_RIP)
        f.write(struct.pack('<Q', entry))
        f.seek(regs + 8 * REG_RSP)
        f.write(struct.pack('<Q', rsp - 8))
    patch_bytes(bad, rsp - 8, struct.pack('<Q', rip))
    th = thread_of(pyprinter(target, bad), main_thread(truth))
    native = th['native']
    assert native[0]['module'] == '[vdso]' and native[0]['function'] == '__vdso_clock_gettime', \
        describe(th)
    assert int(native[1]['pc'], 16) == rip, describe(th)
    check_sleep_innermost(dict(th, native=native[1:]))
    check_merged(th, main_thread(truth)['frames'])


def read_at(f, offset, size):
    f.seek(offset)
    return f.read(size)
