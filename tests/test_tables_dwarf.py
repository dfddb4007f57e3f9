"""Proof that the layout tables are right: every fact of a committed table that DWARF
can express equals what the DWARF of the matching real binary says (the binary is the
oracle), for every matrix target that has DWARF (in the file or from a -dbg package's
build-id tree)."""
import collections
import os

import pytest

import layout_check
from conftest import REPORT, target_params, usable


@pytest.mark.parametrize('target', target_params())
def test_table_matches_dwarf(target):
    usable(target)
    if not target.dwarf:
        pytest.skip('%s: no DWARF for %s' % (target.name, target.objfile))
    path = target.table_path()
    assert os.path.exists(path), 'no committed table for %s %s: run tests/regenerate-tables' % (
        target.version, target.variant)
    table = layout_check.load_table(path)
    dwarf = layout_check.dwarf_values(target, table)

    checked = collections.Counter()
    unchecked = collections.Counter()
    mismatches, missing = [], []
    for name, fact in table['facts'].items():
        if not fact:
            continue
        kind = fact['kind']
        if kind in ('const', 'value'):
            unchecked[kind] += 1
            continue
        if name not in dwarf:
            missing.append('%s (%s %s)' % (name, kind, fact['c']))
            continue
        ours = (fact['value'], fact['width']) if kind == 'bitfield' else fact['value']
        checked[kind] += 1
        if ours != dwarf[name]:
            mismatches.append('%s (%s): table %s, DWARF %s' % (name, fact['c'], ours, dwarf[name]))
    REPORT.append(('layout facts checked against DWARF', '%-13s %-8s %-7s %3d checked (%s); not in DWARF: %s' % (
        target.name, target.version, target.variant, sum(checked.values()),
        ', '.join('%s %d' % kv for kv in sorted(checked.items())),
        ', '.join('%s %d' % kv for kv in sorted(unchecked.items())))))
    assert not mismatches, 'table differs from DWARF:\n' + '\n'.join(mismatches)
    assert not missing, 'DWARF of %s lacks:\n%s' % (target.objfile, '\n'.join(missing))
    assert sum(checked.values()) > 100
