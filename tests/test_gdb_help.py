"""Every command of the GDB script documents itself (`help`), with python-gdb.py's own
first line where python-gdb.py has the command; loading the script asks no question and
defines the py-* names only in a GDB without Python."""
import subprocess

import pytest

import matrix
import scenario

FIRST_LINES = {
    'bt': 'Display the current python frame and all the frames within its call stack (if any)',
    'bt-full': 'Display the current python frame and all the frames within its call stack (if any)',
    'up': 'Select and print all python stack frame in the same eval loop starting from the one that called this one (if any)',
    'down': 'Select and print all python stack frame in the same eval loop starting from the one called this one (if any)',
    'locals': 'Look up the given python variable name, and print it',
    'print': 'Look up the given python variable name, and print it',
    'list': 'List the current Python source code, if any',
}


def help_of(gdb, script, command):
    r = subprocess.run([gdb, '-q', '-batch', '-nx', '-x', script, '-ex', 'help ' + command],
                       capture_output=True, text=True, timeout=60)
    return r.stdout + r.stderr


@pytest.mark.parametrize('minor', ['3.8', '3.11', '3.14'])
def test_help_in_gdb_minimal_and_full_gdb(minor):
    script = '%s/%s/python%s-gdb.gdb' % (scenario.OUT, minor, minor)
    for name, first in FIRST_LINES.items():
        assert help_of(matrix.GDB_MINIMAL, script, 'py-' + name).startswith(first)
        assert help_of(matrix.GDB_FULL, script, 'pyp-' + name).startswith(first)
    assert help_of(matrix.GDB_MINIMAL, script, 'py-repr').startswith('Print the Python object at EXPR')
    # The full GDB keeps the py-* names for python-gdb.py.
    assert 'Undefined command: "py-bt"' in help_of(matrix.GDB_FULL, script, 'py-bt')
