"""The decoder against arbitrary memory: libFuzzer (clang's, tests/fuzz/fuzz_decoder.c)
feeds it memory images through its memory-source interface for a bounded time, starting
from seeds made of the pages the decoder reads on real scenario cores. Any crash,
sanitizer report, leak or hang (10 s per input) fails the test. PYP_FUZZ_SECONDS sets the
time (60 by default)."""
import os
import subprocess

import pytest

import matrix
from conftest import core_of

OUT = os.path.join(matrix.TOP, 'out', 'fuzz')
SEED_TARGETS = ['pyenv-3.8', 'pyenv-3.10', 'pyenv-3.11', 'pyenv-3.12', 'debian-3.11',
                'sid-3.13', 'sid-3.14', 'sid-3.15d']


def make_seeds(core_dir, dest):
    made = []
    for t in matrix.targets():
        if t.name not in SEED_TARGETS or t.skip:
            continue
        for scenario in ('sc_calls', 'sc_values'):
            core, _ = core_of(t, scenario, core_dir)
            seed = os.path.join(dest, '%s-%s' % (t.name, scenario))
            argv = [os.path.join(OUT, 'seed_from_core'), core, seed] + ([t.sysroot] if t.sysroot else [])
            r = subprocess.run(argv, capture_output=True, text=True, timeout=300)
            assert r.returncode == 0, r.stderr
            made.append(seed)
    return made


def test_fuzz_decoder(core_dir, tmp_path):
    seeds = tmp_path / 'seeds'
    corpus = tmp_path / 'corpus'
    seeds.mkdir()
    corpus.mkdir()
    made = make_seeds(core_dir, str(seeds))
    if not made:
        pytest.skip('no matrix target to take seed cores from')
    seconds = int(os.environ.get('PYP_FUZZ_SECONDS', '60'))
    r = subprocess.run([os.path.join(OUT, 'fuzz_decoder'), '-max_total_time=%d' % seconds,
                        '-timeout=10', '-rss_limit_mb=2048', '-print_final_stats=1',
                        '-artifact_prefix=%s/' % tmp_path, str(corpus), str(seeds)],
                       capture_output=True, text=True, timeout=seconds + 600)
    tail = r.stderr[-6000:]
    assert r.returncode == 0, tail
    assert 'ERROR' not in r.stderr, tail
    runs = [l for l in r.stderr.splitlines() if l.startswith('stat::number_of_executed_units')]
    from conftest import REPORT
    REPORT.append(('fuzzing', '%d seeds, %d s: %s' % (len(made), seconds, runs[0] if runs else '?')))
