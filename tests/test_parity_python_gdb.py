"""The second oracle: CPython's own python-gdb.py of the same version, run by the full
GDB on the same core as our commands (loaded side by side: ours are pyp-* there). Line by
line, our output must equal python-gdb.py's, except where python-gdb.py is documented as
wrong (README.md, "Divergences"): it never decodes floats, escapes str wrongly on
3.8-3.10, gives one-argument exceptions a trailing comma, does not list cell and free
variables, and cannot name a C function or slot wrapper whose variable the optimizer
dropped. Prints a parity table."""
import difflib
import re

import pytest

import matrix
import scenario
from conftest import REPORT, core_of, target_params, usable
from test_gdb_scenarios import first_run

ROWS = {}


def instance_segment(line, at):
    """The instance repr '<Name(...) at remote 0x...>' around position AT, or None."""
    start = line.rfind('(', 0, at + 1)
    head = re.search(r'<[\w.]+\($', line[:start + 1]) if start >= 0 else None
    if not head:
        return None
    end = line.find(') at remote 0x', start)
    return line[head.start():end] if end >= 0 else line[head.start():]


def divergence(target, theirs, ours, closure_names=()):
    """Why python-gdb.py's line may differ from ours, or None."""
    at = next((i for i, (x, y) in enumerate(zip(theirs, ours)) if x != y), None)
    # Cell and free variables: ours lists them (with the cell's contents), python-gdb.py
    # does not (3.11+: an argument cell shows as <cell at remote 0x...>).
    if theirs == '<missing>' and re.match(r'(\w+) = ', ours) and re.match(r'(\w+)', ours).group(1) in closure_names:
        return 'cell variables'
    if at is not None and theirs[at:].startswith('<cell at remote 0x'):
        return 'cell variables'
    if at is not None and any(ours[at:].startswith(n + '=') or ours[at:].startswith(', %s=' % n)
                              for n in closure_names):
        return 'cell variables'
    if at is not None:
        if theirs[at:].startswith(('<...>', '[...]', '{...}', '(...)')):
            return 'cycles'   # python-gdb.py marks any object seen twice
        a, b = instance_segment(theirs, at), instance_segment(ours, at)
        if a and b and sorted(a) == sorted(b):
            return 'attribute order'
        truncated = theirs.endswith('...(truncated)') or ours.endswith('...(truncated)')
        if a and b and truncated and a.split('(', 1)[0] == b.split('(', 1)[0]:
            return 'attribute order'
    if target.minor == '3.8':
        # python-gdb.py 3.8 reads negative line deltas as positive: wrong line numbers,
        # so wrong or missing source lines after them.
        if re.sub(r'line \d+', 'line N', theirs) == re.sub(r'line \d+', 'line N', ours):
            return '3.8 line numbers'
        if (theirs == '<missing>' or theirs.startswith('    ')) and (ours == '<missing>' or ours.startswith('    ')):
            return '3.8 line numbers'
    if re.search(r'<(float|complex) at remote 0x', theirs):
        return 'float'
    if not target.at_least('3.11') and re.search(r"'[^']*[^\x00-\x7f]", theirs):
        return 'str escaping'
    if re.search(r"\w+Error\([^()]*,\)", theirs):
        return 'exception'
    # A C function's frame whose func the optimizer dropped: ours is read from the
    # caller's callable; a slot wrapper's whose wp it dropped: from its self (3.13+).
    if re.fullmatch(r'(  |#\d+ )<optimized out>', theirs) and re.fullmatch(r'(  |#\d+ )<built-in (method|function) .*>', ours):
        return 'C function'
    if theirs.endswith('<wrapper_call invocation (unable to read wp)>') and '<method-wrapper ' in ours:
        return 'slot wrapper'
    return None


def compare(target, command, theirs, ours, closure_names=()):
    """Aligns the two outputs line by line (difflib) and counts identical lines, lines
    whose difference is documented, and the rest, which are returned."""
    t_lines, o_lines = theirs.splitlines(), ours.splitlines()
    matched = diverged = 0
    bad = []
    if target.minor == '3.8':
        # python-gdb.py 3.8's wrong line numbers (negative lnotab deltas read as positive)
        # also move or drop its source lines: compare without both.
        def norm(lines):
            return [re.sub(r'line \d+', 'line N', l) for l in lines if not l.startswith('    ')]
        t_lines, o_lines = norm(t_lines), norm(o_lines)
    sm = difflib.SequenceMatcher(a=t_lines, b=o_lines, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == 'equal':
            matched += i2 - i1
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            t = t_lines[i1 + k] if i1 + k < i2 else '<missing>'
            o = o_lines[j1 + k] if j1 + k < j2 else '<missing>'
            if divergence(target, t, o, closure_names):
                diverged += 1
            else:
                at = next((i for i, (x, y) in enumerate(zip(t, o)) if x != y), min(len(t), len(o)))
                bad.append('at %d\n  python-gdb.py: ...%s\n  pyprinter:     ...%s' % (
                    at, t[max(0, at - 100):at + 150], o[max(0, at - 100):at + 150]))
    m, d, n = ROWS.get((target.name, command), (0, 0, 0))
    ROWS[(target.name, command)] = (m + matched, d + diverged, n + matched + diverged + len(bad))
    return bad


@pytest.mark.parametrize('target', target_params())
def test_same_output_as_python_gdb(target, core_dir):
    usable(target)
    if not target.python_gdb:
        pytest.skip('%s ships no python-gdb.py' % target.name)
    core, truth = core_of(target, 'sc_calls', core_dir)
    scripts = [target.python_gdb, scenario.our_script(target)]
    (bt, full), raw = scenario.run_gdb(target, ['pyp-bt-full', 'py-bt-full'], core=core,
                                       gdb=matrix.GDB_FULL, scripts=scripts, dwarf=True)
    if 'Undefined command: "py-bt-full"' in raw or 'Python scripting is not supported' in raw:
        pytest.skip('python-gdb.py did not load: ' + raw[-300:])
    level, _ = first_run(bt)
    cmds = ['py-bt', 'pyp-bt', 'py-bt-full', 'pyp-bt-full',
            'frame %d' % level, 'py-locals', 'pyp-locals', 'py-print args', 'pyp-print args',
            'py-print len', 'pyp-print len', 'py-list', 'pyp-list',
            'py-up', 'pyp-up', 'py-down', 'pyp-down']
    outs, raw = scenario.run_gdb(target, cmds, core=core, gdb=matrix.GDB_FULL, scripts=scripts, dwarf=True)
    res = dict(zip(cmds, outs))
    closure_names = {n for th in truth['threads'] for fr in th['frames']
                     for n, kind in fr['kinds'].items() if kind in ('cell', 'argument cell', 'free')}
    bad = []
    for c in ('py-bt', 'py-bt-full', 'py-locals', 'py-print args', 'py-print len', 'py-list'):
        theirs, ours = res[c], res['p' + c.replace('py-', 'yp-', 1)]
        if 'Unable to read information on python frame' in theirs or 'unable to read python frame' in theirs:
            ROWS.setdefault((target.name, 'python-gdb.py cannot'), (0, 0, 0))
            continue
        bad += ['%s: %s' % (c, b) for b in compare(target, c.split()[0], theirs, ours, closure_names)]
    row = ['%s %d/%d' % (c, m, n) + (' (+%d documented)' % d if d else '')
           for (name, c), (m, d, n) in sorted(ROWS.items()) if name == target.name and n]
    if row:
        REPORT.append(('parity with python-gdb.py (identical lines/total)',
                       '%-13s %s' % (target.name, '  '.join(row))))
    assert not bad, '\n'.join(bad[:20])
