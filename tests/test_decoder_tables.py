"""Where the decoder's layout facts come from, and what happens when they are wrong.

- `--table FILE` reads with a table given as JSON: the target's own committed table gives
  the same stacks as the compiled one.
- A table deliberately perturbed in a fact `_Py_DebugOffsets` carries (3.13+): the
  disagreement is reported in one line naming the fact, the target's value wins, and the
  stacks still equal the truth.
- A perturbed table of a version without `_Py_DebugOffsets` (3.8-3.12): the thread list no
  longer fits the layout, and the decoder says so rather than printing wrong stacks.
- A core whose `_Py_DebugOffsets` are corrupt (a size of 0, an offset outside its struct):
  one note that they are not usable, then the compiled table alone, and correct stacks.
- Kernel-written cores (the scenario killed with SIGABRT) read like gcore's."""
import json
import os

import pytest

import corepatch
import decoder
import matrix
import scenario
from conftest import core_of, target_params, usable


def table_with(target, tmp_path, changes):
    with open(target.table_path()) as f:
        table = json.load(f)
    for name, value in changes.items():
        table['facts'][name]['value'] = value
    path = tmp_path / 'table.json'
    path.write_text(json.dumps(table))
    return str(path)


def same_as_truth(target, truth, r):
    problems = decoder.check_json(target, truth, r.doc)
    assert not problems, '\n'.join(problems) + '\n' + str(r)


@pytest.mark.parametrize('target', target_params())
def test_table_given_as_json(target, core_dir, tmp_path):
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    r = decoder.bt(target, core, '--json', '--table', table_with(target, tmp_path, {}))
    same_as_truth(target, truth, r)


@pytest.mark.parametrize('target', target_params(lambda t: t.at_least('3.13')))
def test_perturbed_table_corrected_by_debug_offsets(target, core_dir, tmp_path):
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    with open(target.table_path()) as f:
        real = json.load(f)['facts']['tstate.native_thread_id']['value']
    table = table_with(target, tmp_path, {'tstate.native_thread_id': real + 8})
    r = decoder.bt(target, core, '--json', '--table', table)
    same_as_truth(target, truth, r)
    notes = [n for n in r.doc['notes'] if '_Py_DebugOffsets' in n]
    assert len(notes) == 1 and 'tstate.native_thread_id is %d in the table, %d in the target' % (
        real + 8, real) in notes[0], r.doc['notes']
    assert r.err.count('_Py_DebugOffsets') == 1, r.err


@pytest.mark.parametrize('target', target_params(lambda t: not t.at_least('3.13') and t.stripped))
def test_perturbed_table_without_debug_offsets_is_noticed(target, core_dir, tmp_path):
    """Before 3.13, and without the build's DWARF to read its own layout from (with it:
    test_jit_layout), a table that does not fit is said, and nothing is printed from it."""
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    with open(target.table_path()) as f:
        real = json.load(f)['facts']['tstate.interp']['value']
    r = decoder.run(decoder.bt_args(target, core, '--json', '--debug-file-directory', matrix.NO_DEBUG_DIR,
                                    '--table', table_with(target, tmp_path, {'tstate.interp': real + 8})))
    assert r.rc == 0, str(r)
    said = ' '.join(r.doc['notes'])
    assert 'layout' in said and 'not' in said, r.doc['notes']
    assert not any(t['frames'] for t in r.doc['threads']), 'stacks printed from a wrong layout'


@pytest.mark.parametrize('target', target_params(lambda t: t.at_least('3.13')))
def test_corrupt_debug_offsets_are_not_used(target, core_dir, tmp_path):
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    bad = str(tmp_path / 'bad.core')
    import shutil
    shutil.copy(core, bad)
    r = decoder.bt(target, core, '--json')
    runtime = int(r.doc['python']['runtime'], 16)
    with open(target.table_path()) as f:
        member = json.load(f)['facts']['dbg.thread_state.size']['value']
    corepatch.patch(bad, runtime + member, 0)
    r = decoder.bt(target, bad, '--json')
    same_as_truth(target, truth, r)
    assert any('_Py_DebugOffsets are not usable' in n and 'thread_state.size' in n
               for n in r.doc['notes']), r.doc['notes']


KERNEL_TARGETS = target_params(lambda t: t.name in ('pyenv-3.8', 'pyenv-3.12', 'debian-3.11',
                                                      'sid-3.14', 'sid-3.15d'))


@pytest.mark.parametrize('target', KERNEL_TARGETS)
def test_kernel_core(target, core_dir):
    usable(target)
    core, truth = scenario.take_kernel_core(target, 'sc_threads', core_dir)
    if core is None:
        pytest.skip(truth)
    r = decoder.bt(target, core, '--json', '--locals')
    same_as_truth(target, truth, r)
    assert r.doc['target']['signal']['name'] == 'SIGABRT'
