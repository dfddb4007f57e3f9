"""Drift: every committed table whose headers are on this machine is regenerated (with
the sanitized generator) and must be byte-identical to the committed file; headers with
no committed table fail too. A committed table whose headers are absent is reported
skipped. Fix with tests/regenerate-tables, then review and commit the diff."""
import glob
import os
import tempfile

import pytest

import matrix
from conftest import run_gen

TABLES = os.path.join(matrix.TOP, 'versions', 'tables', 'x86_64-linux-gnu')


def committed():
    names = sorted(os.path.basename(p)[:-len('.json')] for p in glob.glob(TABLES + '/*.json'))
    return [tuple(n.rsplit('-', 1)) for n in names]


def header_set_ids():
    return {(v, var): inc for v, var, inc in matrix.header_sets()}


@pytest.mark.parametrize('version,variant', committed(), ids=lambda x: x)
def test_committed_table_regenerates(version, variant):
    inc = header_set_ids().get((version, variant))
    if not inc:
        pytest.skip('no CPython %s headers on this machine for %s' % (version, variant))
    minor = '.'.join(version.split('.')[:2])
    with tempfile.TemporaryDirectory() as tmp:
        r = run_gen('--cpython', minor, '--variant', variant, '--headers', inc, '-q', '-o', tmp)
        assert r.returncode == 0, r.stderr
        with open(os.path.join(tmp, 'layout-%s-%s.json' % (minor, variant))) as f:
            fresh = f.read()
    with open(os.path.join(TABLES, '%s-%s.json' % (version, variant))) as f:
        old = f.read()
    if fresh != old:
        diff = [line for line in set(fresh.splitlines()) ^ set(old.splitlines())]
        pytest.fail('versions/tables/x86_64-linux-gnu/%s-%s.json is stale; differing lines:\n%s\n'
                    'run tests/regenerate-tables' % (version, variant, '\n'.join(sorted(diff)[:20])))


def test_every_header_set_has_a_committed_table():
    have = set(committed())
    missing = [k for k in header_set_ids() if k not in have]
    assert not missing, 'headers without a committed table (run tests/regenerate-tables): %s' % missing


def test_every_supported_minor_has_committed_tables():
    for minor, variants in matrix.VARIANTS_BY_MINOR.items():
        for variant in variants:
            assert glob.glob('%s/%s.*-%s.json' % (TABLES, minor, variant)), (minor, variant)
