"""pyprinter and the GDB script on the same cores: for sc_calls and sc_threads on every
target, the Python lines pyprinter prints for each thread (under its own header, and right
by the truth) are the lines the GDB script's `thread apply all py-bt` prints for a thread."""
import os
import re

import pytest

import decoder
import scenario
from conftest import core_of, target_params, usable
from test_gdb_scenarios import python_lines as gdb_python_lines

FILE_LINE = re.compile(r'^  File "(.*)", line \d+, in ')


def as_gdb_reads_sources(target, lines):
    """LINES without the source lines of files that exist only inside the target's chroot:
    the GDB script, like python-gdb.py, reads source files on this machine, where pyprinter
    reads them under --sysroot (both read the same file where it exists here)."""
    out = []
    hidden = False
    for line in lines:
        m = FILE_LINE.match(line)
        if m:
            hidden = bool(target.sysroot) and not os.path.exists(m.group(1))
            out.append(line)
        elif not (hidden and line.startswith('    ')):
            out.append(line)
    return tuple(out)


@pytest.mark.parametrize('name', ['sc_calls', 'sc_threads'])
@pytest.mark.parametrize('target', target_params())
def test_parity_with_the_gdb_script(target, name, core_dir):
    usable(target)
    core, truth = core_of(target, name, core_dir)
    js = decoder.bt(target, core, '--json')
    text = decoder.bt(target, core)
    problems = decoder.check_text(target, truth, text.out, js.doc)
    _, blocks = decoder.text_threads(text.out)
    ours = sorted(as_gdb_reads_sources(target, decoder.python_lines(b['lines']))
                  for b in blocks if b['tstate'] is not None)
    (out,), raw = scenario.run_gdb(target, ['thread apply all py-bt'], core=core,
                                   scripts=[scenario.our_script(target)])
    # The GDB script's py-bt lines can come out before GDB's own "Thread N (...)" headers
    # under `thread apply` (a known bug of the script), so its output cannot be split per
    # thread by those headers: its Traceback blocks are matched as a set against pyprinter's
    # per-thread blocks (which are checked under their own headers above).
    theirs = sorted(t for t in (tuple(gdb_python_lines(b)) for b in out.split(decoder.TRACEBACK)[1:]) if t)
    if ours != theirs:
        problems.append('pyprinter and the GDB script differ:\n' + decoder.diff(
            ['\n'.join(b) for b in theirs], ['\n'.join(b) for b in ours]).replace('--- truth', '--- gdb'))
    decoder.record(target, 'gdb parity', not problems)
    assert not problems, '\n'.join(problems) + '\n' + raw[-2000:]
