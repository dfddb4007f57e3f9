"""Third oracle, for the facts DWARF cannot hold (macros: type flags, fast-local kinds,
int sign bits, managed-dict slots, stackref tags): each matrix interpreter runs
probe_consts.py, which watches those constants at work in its own objects (ctypes), and
every observed value must equal the committed table."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import REPORT, target_params, usable

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'probe_consts.py')


@pytest.mark.parametrize('target', target_params())
def test_constants_hold_in_the_running_interpreter(target, tmp_path):
    usable(target)
    table_path = target.table_path()
    assert os.path.exists(table_path)
    if target.sysroot:
        # The chroot cannot see host paths: hand it copies under its /tmp.
        inside = os.path.join(target.sysroot, 'tmp', 'pyprinter-probe-%d' % os.getpid())
        os.makedirs(inside, exist_ok=True)
        shutil.copy(PROBE, inside)
        shutil.copy(table_path, os.path.join(inside, 'table.json'))
        rel = '/' + os.path.relpath(inside, target.sysroot)
        argv = target.run_argv(rel + '/probe_consts.py', rel + '/table.json')
    else:
        argv = target.run_argv(PROBE, table_path)
    try:
        r = subprocess.run(argv + [], capture_output=True, text=True, timeout=120,
                           env={'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8'})
    finally:
        if target.sysroot:
            shutil.rmtree(inside, ignore_errors=True)
    assert r.returncode == 0, r.stderr
    seen = json.loads(r.stdout)
    wrong = {k: v for k, v in seen.items() if v[0] != v[1]}
    REPORT.append(('constants observed in the running interpreter', '%-13s %-8s %-7s %2d constants: %s' % (
        target.name, target.version, target.variant, len(seen) - len(wrong), ' '.join(sorted(seen)))))
    assert not wrong, 'table value != observed: %s' % wrong
    assert 'version.hex' in seen and 'tpflags.heaptype' in seen
