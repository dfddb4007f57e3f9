"""Every command of the GDB script documents itself (`help`), with python-gdb.py's own
first line where python-gdb.py has the command, under both its names (py-* and pyp-*) in
gdb-minimal and in the full GDB; the help says whose command it is and its other name.
(Which names are ours beside python-gdb.py: test_gdb_names.)"""
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


def helps_of(gdb, script, commands):
    """The help text of each of COMMANDS, from one GDB run."""
    argv = [gdb, '-q', '-batch', '-nx', '-x', script]
    for i, c in enumerate(commands):
        argv += ['-ex', 'echo %s%d\\n' % (scenario.MARK, i), '-ex', 'help ' + c]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return scenario.split_outputs(r.stdout, len(commands)), r.stdout + r.stderr


@pytest.mark.parametrize('minor', ['3.8', '3.11', '3.14'])
def test_help_in_gdb_minimal_and_full_gdb(minor):
    script = '%s/%s/python%s-gdb.gdb' % (scenario.OUT, minor, minor)
    names = list(FIRST_LINES)
    commands = ['py-' + n for n in names] + ['pyp-' + n for n in names] + ['py-repr']
    for gdb in (matrix.GDB_MINIMAL, matrix.GDB_FULL):
        outs, raw = helps_of(gdb, script, commands)
        for i, name in enumerate(names):
            py, pyp = outs[i], outs[len(names) + i]
            assert py.startswith(FIRST_LINES[name] + '\n') and pyp.startswith(FIRST_LINES[name] + '\n'), raw
            assert "pyprinter's py-%s (also named pyp-%s)" % (name, name) in py, py
            assert "pyprinter's py-%s, under a name that is always pyprinter's" % name in pyp, pyp
        assert outs[-1].startswith('Print the Python object at EXPR'), raw
