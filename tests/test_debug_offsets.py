"""Second oracle for 3.13+: the _Py_DebugOffsets table CPython embeds at the start of
_PyRuntime. For every matrix target of 3.13 or later, every member that carries one of
our facts must hold exactly the value our committed table gives that fact. The values
are read from the binary file itself (static data; no process, no DWARF needed, so the
stripped release builds are checked the same way)."""
import os

import pytest

import layout_check
from conftest import REPORT, target_params, usable

COOKIE = int.from_bytes(b'xdebugpy', 'little')


def is_313_or_later(t):
    return t.at_least('3.13')


@pytest.mark.parametrize('target', target_params(is_313_or_later))
def test_debug_offsets_match_table(target):
    usable(target)
    path = target.table_path()
    assert os.path.exists(path), 'no committed table for %s %s' % (target.version, target.variant)
    table = layout_check.load_table(path)
    facts = table['facts']
    read = layout_check.debug_offsets_values(target, table)
    assert read.get('cookie') == COOKIE, '%s: no xdebugpy cookie at _PyRuntime' % target.objfile

    special = {
        'dbg.cookie': COOKIE,
        'dbg.version': int(table['version_hex'], 16),
        'dbg.free_threaded': 1 if table['variant'] == 'freethreaded' else 0,
    }
    mismatches, checked = [], 0
    for name, fact in facts.items():
        if not fact or fact['kind'] != 'debug':
            continue
        assert name in read, 'could not read %s from %s' % (name, target.objfile)
        expected = special.get(name)
        if expected is None:
            carried = facts[fact['carries']]
            assert carried, '%s carries %s, absent from the table' % (name, fact['carries'])
            expected = carried['value']
        checked += 1
        if read[name] != expected:
            mismatches.append('%s: binary %d, table %s = %d' % (
                fact['c'], read[name], fact.get('carries', name), expected))
    REPORT.append(('layout facts checked against _Py_DebugOffsets',
                   '%-13s %-8s %-7s %3d members equal to the table' % (
                       target.name, target.version, target.variant, checked - len(mismatches))))
    assert not mismatches, '\n'.join(mismatches)
    assert checked >= 60
