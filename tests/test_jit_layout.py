"""The JIT layout compiler: `pyprinter-gen --core CORE` (and --pid, --from-binary), which
has `pyprinter layout` read the table of that exact build from its own DWARF (found where
GDB finds it: in the file, by build-id under the target's /usr/lib/debug), else from its
_Py_DebugOffsets (3.13+), else takes the compiled table of its version.

The oracle is the table generated from the build's own headers (scenario.our_script, as a
packager makes it). On every matrix target, from the suite's core of sc_calls:

- with DWARF: every fact equals the headers' table, the report says "dwarf", and the GDB
  script is the headers' script byte for byte; py-bt through it in gdb-minimal prints the
  scenario's truth, and `pyprinter bt --table` with it prints what pyprinter prints with
  its compiled table;
- stripped builds without their -dbg DWARF: the same facts, from _Py_DebugOffsets on
  3.13+ (or the compiled table), and the report says so.

Then --pid on a live process (a chroot one too), the cache (a second call reuses the
first's files), and bad input: one line, a non-zero exit."""
import json
import os
import subprocess
import time

import pytest

import decoder
import matrix
import scenario
from conftest import core_of, target_params, usable
from test_gdb_scenarios import expected_bt, main_thread, python_lines

GEN = os.path.join(matrix.TOP, 'out', 'asan', 'bin', 'pyprinter-gen')


def gen(args, env=None, timeout=300):
    argv = [GEN, '--decoder', scenario.DECODER] + list(args)
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       env=dict(env or os.environ, **decoder.SANITIZER_OPTIONS))
    problem = decoder.sanitizer_problem(r.returncode, r.stderr)
    assert not problem, problem
    return r


def headers_table(target):
    script = scenario.our_script(target)
    path = os.path.join(os.path.dirname(script), 'layout-%s-%s.json' % (target.minor, target.variant))
    with open(path) as f:
        return json.load(f)


def jit_outputs(dest, target):
    with open(os.path.join(dest, 'layout-%s-%s.json' % (target.minor, target.variant))) as f:
        table = json.load(f)
    return table, os.path.join(dest, target.script_name)


def fact_differences(want, have):
    """The facts of table WANT that table HAVE states otherwise."""
    wrong = []
    for name, fact in want['facts'].items():
        got = have['facts'].get(name)
        if fact is None or got is None:
            if (fact is None) != (got is None):
                wrong.append('%s: %s, the headers say %s' % (name, got, fact))
            continue
        if (got['value'], got.get('width')) != (fact['value'], fact.get('width')):
            wrong.append('%s: %s (from %s), the headers say %s' % (
                name, got['value'], got.get('from'), fact['value']))
    return wrong


def carries_debug_offsets(target):
    """Whether TARGET's build embeds _Py_DebugOffsets (its headers' table says so)."""
    return bool(headers_table(target)['facts'].get('runtime.debug_offsets'))


def core_args(target, core):
    return ['--core', core] + (['--sysroot', target.sysroot] if target.sysroot else [])


@pytest.mark.parametrize('target', target_params())
def test_jit_table_with_dwarf(target, core_dir, tmp_path):
    usable(target)
    if not target.dwarf:
        pytest.skip('%s: no DWARF for %s' % (target.name, target.objfile))
    core, truth = core_of(target, 'sc_calls', core_dir)
    dest = str(tmp_path / 'jit')
    r = gen(core_args(target, core) + ['-o', dest])
    assert r.returncode == 0, r.stderr
    assert 'facts from the DWARF in ' in r.stdout, r.stdout
    table, script = jit_outputs(dest, target)
    problems = []
    if table['source'] != 'dwarf' or table['cpython'] != target.version:
        problems.append('source %s, CPython %s' % (table['source'], table['cpython']))
    problems += fact_differences(headers_table(target), table)
    with open(script) as a, open(scenario.our_script(target)) as b:
        if a.read() != b.read():
            problems.append('the GDB script differs from the one made from headers')
    (out,), raw = scenario.run_gdb(target, ['py-bt'], core=core, scripts=[script])
    if python_lines(out) != expected_bt(main_thread(truth)['frames']):
        problems.append('py-bt through the JIT script:\n' + raw[-2000:])
    with_table = decoder.run(decoder.bt_args(target, core, '--table', os.path.join(
        dest, 'layout-%s-%s.json' % (target.minor, target.variant))))
    compiled = decoder.run(decoder.bt_args(target, core))
    if with_table.rc != 0 or with_table.out != compiled.out:
        problems.append('pyprinter bt --table JIT.json:\n%s\ncompiled table:\n%s' % (with_table, compiled))
    assert not problems, '\n'.join(problems[:40])


@pytest.mark.parametrize('target', target_params(lambda t: t.stripped))
def test_jit_table_without_dwarf(target, core_dir, tmp_path):
    """A stripped build read as it ships: no DWARF anywhere GDB would look."""
    usable(target)
    core, _ = core_of(target, 'sc_calls', core_dir)
    dest = str(tmp_path / 'jit')
    r = gen(core_args(target, core) + ['--debug-file-directory', matrix.NO_DEBUG_DIR, '-o', dest])
    assert r.returncode == 0, r.stderr
    table, script = jit_outputs(dest, target)
    expected_source = 'debug-offsets' if carries_debug_offsets(target) else 'table'
    problems = fact_differences(headers_table(target), table)
    if table['source'] != expected_source:
        problems.append('source %s, expected %s' % (table['source'], expected_source))
    said = "checked against the target's _Py_DebugOffsets" if expected_source == 'debug-offsets' \
        else 'no DWARF found'
    if said not in r.stdout:
        problems.append('the report does not say %r:\n%s' % (said, r.stdout))
    assert not problems, '\n'.join(problems[:40])


LIVE_TARGETS = ('pyenv-3.12', 'sid-3.14')


@pytest.mark.parametrize('target', target_params(lambda t: t.name in LIVE_TARGETS))
def test_jit_from_live_process_then_cached(target, tmp_path):
    """--pid on a running interpreter, made into the build's cache directory; the second
    call finds it there and leaves the files as they were."""
    usable(target)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / 'cache'))
    live = scenario.Stopped(target, 'sc_calls', 'jit')
    try:
        first = gen(['--pid', str(live.pid)], env=env)
        assert first.returncode == 0, first.stderr
        left = decoder.left_running(live.pid)
        assert not left, left
        second = gen(['--pid', str(live.pid)], env=env)
    finally:
        live.kill()
    assert second.returncode == 0, second.stderr
    builds = tmp_path / 'cache' / 'pyprinter' / 'builds'
    (build_dir,) = list(builds.iterdir())
    table, script = jit_outputs(str(build_dir), target)
    assert table['build_id'] == build_dir.name
    assert not fact_differences(headers_table(target), table)
    assert 'made before, in %s' % build_dir in second.stdout, second.stdout
    assert script in second.stdout
    stamps = {p.name: p.stat().st_mtime_ns for p in build_dir.iterdir()}
    time.sleep(0.01)
    sleeper = subprocess.Popen(['sleep', '60'])
    try:
        third = gen(['--pid', str(sleeper.pid)], env=env)  # not Python: nothing written
    finally:
        sleeper.kill()
        sleeper.wait()
    assert third.returncode != 0 and 'not a Python process' in third.stderr, third.stderr
    assert {p.name: p.stat().st_mtime_ns for p in build_dir.iterdir()} == stamps
    assert len(list(builds.iterdir())) == 1


def test_jit_bad_input(tmp_path):
    text = tmp_path / 'not-a-core'
    text.write_text('hello\n')
    cases = [
        (['--from-binary', '/bin/true'], 'not a Python'),
        (['--from-binary', str(tmp_path / 'nothing')], 'nothing'),
        (['--core', str(text)], 'not-a-core'),
        (['--pid', '999999999'], '999999999'),
        (['--cpython', '3.12', '--core', str(text)], 'once'),
    ]
    for args, word in cases:
        r = gen(args + ['-o', str(tmp_path / 'out')])
        lines = r.stderr.splitlines()
        assert r.returncode != 0 and len(lines) == 1 and word in lines[0] and \
            lines[0].startswith('pyprinter-gen: '), (args, r.returncode, r.stderr)
    assert not (tmp_path / 'out').exists()


# A table wrong for the build it reads: the interpreter's thread list and the frame chain
# both moved. 3.13+ carry both in _Py_DebugOffsets; before, the thread list's pointer
# back to its interpreter shows the misfit.
PERTURBED_FACTS = ('tstate.interp', 'iframe.previous', 'pyframe.back')


def perturbed_table(target, path):
    with open(target.table_path()) as f:
        table = json.load(f)
    for name in PERTURBED_FACTS:
        if table['facts'].get(name):
            table['facts'][name]['value'] += 8
    with open(path, 'w') as f:
        json.dump(table, f)
    return path


@pytest.mark.parametrize('target', target_params())
def test_perturbed_table_is_detected_and_the_build_read_right(target, core_dir, tmp_path):
    """pyprinter bt --table with a layout that does not fit the build: a note says what
    showed it (the thread list does not fit, or _Py_DebugOffsets differ), another that the
    build's own layout from its DWARF was used; and every thread is the truth. Without
    DWARF, on 3.13+, _Py_DebugOffsets alone correct it."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    table = perturbed_table(target, str(tmp_path / 'perturbed.json'))
    runs = [('dwarf', [])]
    if target.stripped and carries_debug_offsets(target):
        runs.append(('debug-offsets', ['--debug-file-directory', matrix.NO_DEBUG_DIR]))
    for how, extra in runs:
        r = decoder.run(decoder.bt_args(target, core, '--json', '--table', table, *extra))
        assert r.rc == 0, str(r)
        notes = r.doc['notes']
        problems = []
        if not any('does not match the layout' in n or '_Py_DebugOffsets of the target differ' in n
                   for n in notes):
            problems.append('no note says the table does not fit: %s' % notes)
        adopted = any('read with the layout of this build, from its DWARF in ' in n for n in notes)
        if adopted != (how == 'dwarf'):
            problems.append('%s: notes %s' % (how, notes))
        problems += decoder.check_json(target, truth, r.doc)
        assert not problems, '%s:\n%s\n%s' % (how, '\n'.join(problems), r)
