"""A program that embeds CPython (tests/embed/pyembed.c: linked against a pyenv build's
libpython3.X.so, it runs the scenario from C frames of its own) read as the interpreter
is: the scenario's truth is the oracle.

- pyprinter bt on its core (text and JSON, every thread) and on it live; --native shows
  the program's own C frames (main, run_script) with the Python frames merged in;
- GDB (gdb-minimal and the full GDB) with only pyprinter.gdb loaded, the program and its
  core opened after it: the entry point finds the CPython in the libpython the program
  needs, and py-bt prints the truth;
- pyprinter-gen --from-binary on the program: the table of the libpython it links, from
  its DWARF, equals the one made from that build's headers.

The program is built here, once per run, with the build's python3.X-config."""
import dataclasses
import os
import subprocess

import pytest

import decoder
import matrix
import scenario
from conftest import core_of, target_params, usable
from test_gdb_scenarios import expected_bt, main_thread, python_lines
from test_jit_layout import fact_differences, gen, headers_table, jit_outputs

SOURCE = os.path.join(matrix.TOP, 'tests', 'embed', 'pyembed.c')
BUILD_DIR = os.path.join(matrix.TOP, 'out', 'embed')
ENTRY = os.path.join(matrix.TOP, 'out', 'pyprinter.gdb')
EMBEDDED = ('pyenv-3.12', 'pyenv-3.13')
GDBS = [pytest.param(matrix.GDB_MINIMAL, id='gdb-minimal'), pytest.param(matrix.GDB_FULL, id='gdb')]

_built = {}


def embedding(base):
    """A target whose interpreter is pyembed linked against BASE's libpython."""
    usable(base)
    if base.name not in _built:
        prefix = os.path.dirname(os.path.dirname(base.executable))
        config = os.path.join(prefix, 'bin', 'python%s-config' % base.minor)
        flags = subprocess.run([config, '--includes', '--ldflags', '--embed'], capture_output=True,
                               text=True, check=True).stdout.split()
        os.makedirs(BUILD_DIR, exist_ok=True)
        exe = os.path.join(BUILD_DIR, 'pyembed-%s' % base.minor)
        subprocess.run(['gcc', '-std=c11', '-Wall', '-Wextra', '-Werror', '-g', '-O1', '-o', exe + '.new',
                        SOURCE] + flags + ['-Wl,-rpath,' + os.path.join(prefix, 'lib')], check=True)
        os.replace(exe + '.new', exe)
        _built[base.name] = dataclasses.replace(base, name='embed-' + base.minor, executable=exe,
                                                python_gdb='')
    return _built[base.name]


@pytest.mark.parametrize('base', target_params(lambda t: t.name in EMBEDDED))
def test_embedded_core(base, core_dir):
    target = embedding(base)
    core, truth = core_of(target, 'sc_threads', core_dir)
    js = decoder.bt(target, core, '--json')
    text = decoder.bt(target, core)
    problems = decoder.check_json(target, truth, js.doc)
    problems += decoder.check_text(target, truth, text.out, js.doc)
    if js.doc['target']['executable'] != target.executable:
        problems.append('executable %s' % js.doc['target']['executable'])
    assert not problems, '\n'.join(problems) + '\n' + str(text)


@pytest.mark.parametrize('base', target_params(lambda t: t.name in EMBEDDED))
def test_embedded_native_frames(base, core_dir):
    """The main thread's C stack: the program's own frames below the eval loop, and the
    Python frames merged in where the eval loop runs them."""
    target = embedding(base)
    core, truth = core_of(target, 'sc_calls', core_dir)
    r = decoder.bt(target, core, '--json', '--native')
    main = next(t for t in r.doc['threads'] if t['main'])
    names = [n['function'] for n in main['native']]
    problems = []
    for own in ('main', 'run_script'):
        frame = next((n for n in main['native'] if n['function'] == own), None)
        if frame is None or frame['module'] != os.path.basename(target.executable):
            problems.append('%s of %s: %s' % (own, os.path.basename(target.executable), frame))
    if names.index('run_script') < max(i for i, n in enumerate(main['native']) if n['run'] is not None):
        problems.append('run_script is not below the eval loop: %s' % names)
    if main['merge_problem']:
        problems.append('merge problem: %s' % main['merge_problem'])
    runs = {n['run'] for n in main['native'] if n['run'] is not None}
    if runs != set(range(len(runs))) or not runs:
        problems.append('eval-loop activations %s' % sorted(runs))
    problems += decoder.check_json(target, truth, r.doc)
    assert not problems, '\n'.join(problems) + '\n' + str(r)


@pytest.mark.parametrize('base', target_params(lambda t: t.name in EMBEDDED))
def test_embedded_live(base):
    target = embedding(base)
    live = scenario.Stopped(target, 'sc_threads', 'embed')
    try:
        r = decoder.bt(target, live.pid, '--json')
        problems = decoder.check_json(target, live.truth, r.doc, live_pid=live.pid)
        problems += decoder.left_running(live.pid)
    finally:
        live.kill()
    assert not problems, '\n'.join(problems) + '\n' + str(r)


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('base', target_params(lambda t: t.name in EMBEDDED))
def test_embedded_in_gdb_through_the_entry_point(base, gdb, core_dir):
    target = embedding(base)
    core, truth = core_of(target, 'sc_calls', core_dir)
    cmds = ['pyp-bt', 'printf "%d %d %d\\n", $pyp_id_state, $pyp_id_minor, $pyp_id_variant']
    (bt, ident), raw = scenario.run_gdb(target, cmds, core=core, gdb=gdb, scripts=[ENTRY],
                                        open_after_scripts=True)
    assert ident.startswith('1 %s 0\n' % target.minor.split('.')[1]), raw[-3000:]
    assert python_lines(bt) == expected_bt(main_thread(truth)['frames']), raw[-3000:]


@pytest.mark.parametrize('base', target_params(lambda t: t.name in EMBEDDED))
def test_embedded_jit_layout(base, tmp_path):
    target = embedding(base)
    dest = str(tmp_path / 'jit')
    r = gen(['--from-binary', target.executable, '-o', dest])
    assert r.returncode == 0, r.stderr
    table, _ = jit_outputs(dest, target)
    assert table['source'] == 'dwarf' and table['file'] == base.objfile, r.stdout
    wrong = fact_differences(headers_table(base), table)
    assert not wrong, wrong
