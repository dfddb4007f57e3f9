"""The GDB script against the truth: for every matrix target and scenario, one core is
taken and py-bt, py-bt-full, py-locals, py-print, py-list and py-repr run on it, in
gdb-minimal and in the full GDB, with may-call-functions and may-write-memory off. Each
output must equal what the scenario recorded about itself before it stopped."""
import re

import pytest

import gdb_threads
import matrix
import scenario
from conftest import core_of, count, target_params, usable

GDBS = [pytest.param(matrix.GDB_MINIMAL, id='gdb-minimal'), pytest.param(matrix.GDB_FULL, id='gdb')]
PARITY = 'parity with the truth (matched/total, both GDBs)'


def on_core(target, name, core_dir, commands, gdb=matrix.GDB_MINIMAL):
    """(outputs, truth, raw) of COMMANDS run with our script on scenario NAME's core."""
    usable(target)
    core, truth = core_of(target, name, core_dir)
    outs, raw = scenario.run_gdb(target, commands, core=core, gdb=gdb,
                                 scripts=[scenario.our_script(target)])
    return outs, truth, raw


def commands_prefix(gdb):
    """The names the commands are run by: py-* in gdb-minimal; pyp-*, always ours, in the
    full GDB, where a distribution's python-gdb.py may be auto-loaded and own py-* (Debian's
    python3.11 is: /usr/share/gdb/auto-load). py-* in the full GDB, in every order with
    python-gdb.py: test_gdb_names."""
    return 'pyp' if gdb == matrix.GDB_FULL else 'py'


def record(target, gdb, command, ok):
    count(PARITY, target.name, command, ok)


def source_line(path, line):
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.readlines()
    except OSError:
        return None
    if 1 <= line <= len(lines):
        return lines[line - 1].strip()
    return None


def expected_bt(frames):
    out = []
    for fr in frames:
        out.append('  File "%s", line %d, in %s' % (fr['file'], fr['line'], fr['name']))
        src = source_line(fr['file'], fr['line'])
        if src is not None:
            out.append('    ' + src)
    return out


def python_lines(output):
    """The Python-frame lines of a py-bt (drops the C-function lines python-gdb.py adds)."""
    lines = output.splitlines()
    keep = []
    for i, line in enumerate(lines):
        if line.startswith('  File "'):
            keep.append(line)
        elif line.startswith('    ') and keep and i > 0 and (lines[i - 1].startswith('  File "')):
            keep.append(line)
    return keep


def main_thread(truth):
    return next(t for t in truth['threads'] if t['current'])


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_py_bt(target, gdb, core_dir):
    p = commands_prefix(gdb)
    (out,), truth, raw = on_core(target, 'sc_calls', core_dir, [p + '-bt'], gdb)
    frames = main_thread(truth)['frames']
    ok = out.startswith('Traceback (most recent call first):\n') and python_lines(out) == expected_bt(frames)
    record(target, gdb, 'py-bt', ok)
    assert python_lines(out) == expected_bt(frames), raw[-3000:]
    assert out.startswith('Traceback (most recent call first):\n')


def expected_frame_text(fr, ours):
    """python-gdb.py's frame repr of truth frame FR with its variables as Python's
    locals() lists them (cell and free variables included, with their contents: see
    README, "Divergences"), the frame address (which the scenario cannot know) taken
    from OURS, cut at 1024 characters."""
    m = re.match(r'Frame (0x[0-9a-f]+),', ours)
    address = m.group(1) if m else '0x?'
    parts = ['%s=%s' % (name, exp) for name, exp in fr['f_locals']]
    text = 'Frame %s, for file %s, line %d, in %s (%s)' % (
        address, fr['file'], fr['line'], fr['name'], ', '.join(parts))
    if len(text) > 1024:
        text = text[:1024] + '...(truncated)'
    return text


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_py_bt_full(target, gdb, core_dir):
    p = commands_prefix(gdb)
    (out, bt), truth, raw = on_core(target, 'sc_calls', core_dir,
                                    [p + '-bt-full', 'bt -frame-arguments none'], gdb)
    frames = main_thread(truth)['frames']
    got = [l for l in out.splitlines() if re.match(r'#\S+ Frame 0x', l)]
    problems = []
    if len(got) != len(frames):
        problems.append('%d frame lines for %d frames' % (len(got), len(frames)))
    eval_levels = set(int(m.group(1)) for m in re.finditer(r'^#(\d+) .*_PyEval_EvalFrameDefault', bt, re.M))
    if not eval_levels:
        # A stripped build read without its DWARF: GDB names no eval-loop frame; the
        # symbol table of its -dbg package says which pcs are in the eval loop.
        ranges = matrix.function_ranges(target, ['_PyEval_EvalFrameDefault'])
        eval_levels = set(int(level) for level, pc in re.findall(r'^#(\d+) +0x([0-9a-f]+) in ', bt, re.M)
                          if any(lo <= int(pc, 16) < hi for lo, hi in ranges))
    for line, fr in zip(got, frames):
        level, text = line.split(' ', 1)
        want = expected_frame_text(fr, text)
        if text != want:
            at = next((i for i, (a, b) in enumerate(zip(text, want)) if a != b), min(len(text), len(want)))
            problems.append('frame %s differs at %d:\n   got      ...%s\n   expected ...%s' % (
                fr['name'], at, text[max(0, at - 150):at + 150], want[max(0, at - 150):at + 150]))
        if level != '#?' and int(level[1:]) not in eval_levels:
            problems.append('%s is not a _PyEval_EvalFrameDefault frame of bt' % level)
    record(target, gdb, 'py-bt-full', not problems)
    assert not problems, '\n'.join(problems) + '\n' + raw[-2000:]


def first_run(out):
    """(level, [frame lines]) of the first run in a py-bt-full output."""
    lines = [l for l in out.splitlines() if re.match(r'#\d+ Frame 0x', l)]
    level = lines[0].split()[0]
    return int(level[1:]), [l for l in lines if l.split()[0] == level]


def run_frames(truth_frames, out):
    level, lines = first_run(out)
    return level, truth_frames[:len(lines)]


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_py_locals_and_print_at_frame_n(target, gdb, core_dir):
    """`frame N` with N from py-bt-full lands on a Python frame: py-locals, py-print and
    py-list then work there."""
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    p = commands_prefix(gdb)
    script = [scenario.our_script(target)]
    (full,), raw = scenario.run_gdb(target, [p + '-bt-full'], core=core, gdb=gdb, scripts=script)
    frames = main_thread(truth)['frames']
    level, run = run_frames(frames, full)
    # py-locals again after py-print: the value py-print printed last is a local, and
    # must not print as a cycle there.
    cmds = ['frame %d' % level, p + '-locals', p + '-print local_float', p + '-print args',
            p + '-locals', p + '-print Shape', p + '-print len', p + '-print nosuch', p + '-list',
            p + '-list 1,3']
    outs, raw = scenario.run_gdb(target, cmds, core=core, gdb=gdb, scripts=script)
    _, locs, pf, pa, locs2, ps, pl, pn, lst, lst13 = outs
    want = []
    for fr in run:
        if target.at_least('3.11'):
            want.append('Locals for ' + fr['name'])
        for name, exp in fr['f_locals']:
            want.append('%s = %s' % (name, exp))
    got = locs.splitlines()
    problems = []
    if got != want:
        problems.append('py-locals:\n%s\nexpected:\n%s' % ('\n'.join(got), '\n'.join(want)))
    if locs2 != locs:
        problems.append('py-locals after py-print:\n%s\nbefore:\n%s' % (locs2, locs))
    baz = frames[0]
    local = dict(baz['f_locals'])
    checks = [(pf, "local 'local_float' = %s\n" % local['local_float']),
              (pa, "local 'args' = %s\n" % local['args']),
              (pn, "'nosuch' not found\n")]
    for got_text, exp in checks:
        if got_text != exp:
            problems.append('py-print: %r, expected %r' % (got_text, exp))
    if not re.fullmatch(r"global 'Shape' = <type at remote 0x[0-9a-f]+>\n", ps):
        problems.append('py-print Shape: %r' % ps)
    if not re.fullmatch(r"builtin 'len' = <built-in method len of module object at remote 0x[0-9a-f]+>\n", pl):
        problems.append('py-print len: %r' % pl)
    with open(baz['file']) as f:
        src = f.readlines()
    line = baz['line']
    want_list = ''.join('%4s    %s' % (('>' if i == line else '') + str(i), src[i - 1])
                        for i in range(max(1, line - 5), min(len(src), line + 5) + 1))
    if lst != want_list:
        problems.append('py-list:\n%s\nexpected:\n%s' % (lst, want_list))
    want13 = ''.join('%4s    %s' % (str(i), src[i - 1]) for i in range(1, 4))
    if lst13 != want13:
        problems.append('py-list 1,3:\n%r\nexpected:\n%r' % (lst13, want13))
    for name in ('py-locals', 'py-print', 'py-list'):
        record(target, gdb, name, not any(p.startswith(name) for p in problems))
    assert not problems, '\n'.join(problems) + '\n' + raw[-1500:]


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_py_up_down_select_the_frames_they_print(target, gdb, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_calls', core_dir)
    p = commands_prefix(gdb)
    cmds = []
    for _ in range(40):
        cmds += [p + '-up', 'frame']
    cmds += [p + '-down', 'frame', p + '-down', 'frame']
    outs, raw = scenario.run_gdb(target, cmds, core=core, gdb=gdb, scripts=[scenario.our_script(target)])
    problems = []
    levels = []
    top = None
    for i in range(0, len(cmds), 2):
        moved, frame = outs[i], outs[i + 1]
        m = re.match(r'#(\d+) ', moved)
        sel = re.match(r'#(\d+) ', frame)
        if moved.startswith('Unable to find an older python frame'):
            top = i
            break
        if not m or not sel or m.group(1) != sel.group(1):
            problems.append('%s printed %r but GDB selected %r' % (cmds[i], moved[:80], frame[:80]))
            break
        levels.append(int(m.group(1)))
    if top is None:
        problems.append('py-up never reached the oldest frame')
    if levels != sorted(set(levels)):
        problems.append('py-up levels not increasing: %s' % levels)
    down1, f1, down2, f2 = outs[-4:]
    if len(levels) >= 3:
        if not down1.startswith('#%d ' % levels[-2]) or not f1.startswith('#%d ' % levels[-2]):
            problems.append('py-down went to %r, expected #%d' % (down1[:40], levels[-2]))
    record(target, gdb, 'py-up/down', not problems)
    assert not problems, '\n'.join(problems) + '\n' + raw[-1500:]


def repr_mismatches(values, outs):
    """What py-repr ADDRESS printed (OUTS) where it is not the expected repr, per (address,
    expected) of VALUES."""
    return ['py-repr %s:\n  got      %r\n  expected %r' % (a, o.rstrip('\n')[:300], e[:300])
            for (a, e), o in zip(values, outs) if o != e + '\n']


@pytest.mark.parametrize('target', target_params())
def test_py_repr_values(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_values', core_dir)
    values = truth['values']
    outs, raw = scenario.run_gdb(target, ['py-repr ' + a for a, _ in values], core=core,
                                 scripts=[scenario.our_script(target)])
    wrong = repr_mismatches(values, outs)
    for a, e in values:
        record(target, None, 'py-repr', not any(w.startswith('py-repr %s:' % a) for w in wrong))
    assert not wrong, '%d of %d wrong:\n' % (len(wrong), len(values)) + '\n'.join(wrong)


def nested_or_wide(expected):
    """A value whose repr goes through the repr engine's stacks and tables: nested
    containers, cycles, characters past ASCII."""
    return (len(expected) > 12 and expected[:1] in '[{(<f' and any(c in expected[1:] for c in '[{(')
            or any(ord(c) > 127 for c in expected) or '\\u' in expected or '\\x' in expected)


@pytest.mark.parametrize('target', target_params())
def test_script_sourced_before_the_program(target, core_dir):
    """Sourced before GDB knows the program (`gdb -x`, ~/.gdbinit), while GDB's default
    architecture is i386 (a 4-byte `unsigned long`), then `file` and `core-file`: the
    script's tables (containers being printed, printable characters) hold 64-bit values
    all the same, and nested values, cycles and non-ASCII text print as Python says."""
    usable(target)
    core, truth = core_of(target, 'sc_values', core_dir)
    values = [(a, e) for a, e in truth['values'] if nested_or_wide(e)]
    assert len(values) >= 10, truth['values']
    outs, raw = scenario.run_gdb(target, ['py-repr ' + a for a, _ in values], core=core,
                                 scripts=[scenario.our_script(target)], open_after_scripts=True)
    wrong = repr_mismatches(values, outs)
    assert not wrong, '%d of %d wrong:\n' % (len(wrong), len(values)) + '\n'.join(wrong)


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('pyenv-3.8', 'pyenv-3.12', 'sid-3.15')))
def test_py_repr_big_ints_without_the_helper(target, core_dir):
    """Without the private directory (no usable home), the script converts ints of up to
    200 digits of 30 bits itself (the 100- and 1,000-digit ones) and prints bigger ones
    (the 10,000-digit one) in the generic form: README.md, "Limits"."""
    usable(target)
    core, truth = core_of(target, 'sc_values', core_dir)
    ints = [(a, e) for a, e in truth['values']
            if re.match(r'-?\d{90}', e) and re.fullmatch(r'-?\d+(\.\.\.\(truncated\))?', e)]
    assert len(ints) == 3, ints
    outs, raw = scenario.run_gdb(target, ['set $pyp_session = 0'] + ['py-repr ' + a for a, _ in ints],
                                 core=core, scripts=[scenario.our_script(target)])
    # The 10,000-digit int is the positive one cut at the limit (the 1,000-digit one is
    # negative).
    want = ['<int at remote %s>' % a if e[0] != '-' and e.endswith('(truncated)') else e
            for a, e in ints]
    assert [o.rstrip('\n') for o in outs[1:]] == want, raw[-3000:]


@pytest.mark.parametrize('target', target_params())
def test_py_locals_of_every_value(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_values', core_dir)
    (full,), raw = scenario.run_gdb(target, ['py-bt-full'], core=core, scripts=[scenario.our_script(target)])
    level, _ = first_run(full)
    (_, locs), raw = scenario.run_gdb(target, ['frame %d' % level, 'py-locals'], core=core,
                                      scripts=[scenario.our_script(target)])
    fr = main_thread(truth)['frames'][0]
    want = ['%s = %s' % (n, e) for n, e in fr['f_locals']]
    got = [l for l in locs.splitlines() if not l.startswith('Locals for ')]
    diff = [(g, w) for g, w in zip(got, want) if g != w]
    record(target, matrix.GDB_MINIMAL, 'py-locals values', not diff and len(got) == len(want))
    assert len(got) == len(want) and not diff, '\n'.join('got      %s\nexpected %s' % (g[:300], w[:300]) for g, w in diff)


def handed_off_threads(target, truth):
    """Threads whose py-bt pyprinter prints: those with Python frames. (On 3.8 a thread's
    bootstrap calls Python through PyObject_Call's tail call, a frame GDB makes up from
    DWARF call sites: pyprinter takes it from GDB's backtrace, runtime/gdb_tail_calls.h.)"""
    return sum(1 for t in truth['threads'] if t['frames'])


@pytest.mark.parametrize('stdout', ['file', 'pty'])
@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_thread_apply_all_py_bt(target, gdb, stdout, core_dir):
    """Each thread's stack under its own `Thread N (...)` header, in the order GDB prints
    them: in batch output to a file, and on a terminal."""
    usable(target)
    core, truth = core_of(target, 'sc_threads', core_dir)
    p = commands_prefix(gdb)
    (out,), raw = scenario.run_gdb(target, ['thread apply all %s-bt' % p], core=core, gdb=gdb,
                                   scripts=[scenario.our_script(target)], stdout=stdout)
    bad = gdb_threads.problems(out, truth, python_lines, expected_bt)
    record(target, gdb, 'thread apply all', not bad)
    assert len(truth['threads']) == 5
    assert not bad, '\n'.join(bad) + '\n' + raw[-3000:]
    # Every thread's py-bt went to pyprinter (and printed what the script prints: the
    # run above also ran it with the script alone).
    assert scenario.handoffs(raw) == handed_off_threads(target, truth), raw[-3000:]


@pytest.mark.parametrize('target', target_params())
def test_deep_stack(target, core_dir):
    usable(target)
    core, truth = core_of(target, 'sc_deep', core_dir)
    (out,), raw = scenario.run_gdb(target, ['py-bt'], core=core, scripts=[scenario.our_script(target)])
    frames = main_thread(truth)['frames']
    assert len(frames) > 300
    assert python_lines(out) == expected_bt(frames)
    assert scenario.handoffs(raw) == 1, raw[-3000:]


@pytest.mark.parametrize('name', ['sc_cext', 'sc_gil'])
@pytest.mark.parametrize('target', target_params())
def test_more_scenarios(target, name, core_dir):
    """A C extension calling back into Python; threads waiting for the GIL (python-gdb.py
    names those C frames "Waiting for the GIL" where the binary has symbols)."""
    usable(target)
    core, truth = core_of(target, name, core_dir)
    (out, full), raw = scenario.run_gdb(target, ['thread apply all py-bt', 'py-bt-full'], core=core,
                                        scripts=[scenario.our_script(target)])
    bad = gdb_threads.problems(out, truth, python_lines, expected_bt)
    assert not bad, '\n'.join(bad) + '\n' + out[-3000:]
    frames = main_thread(truth)['frames']
    lines = [l for l in full.splitlines() if re.match(r'#\S+ Frame 0x', l)]
    assert [l.split(' ', 1)[1] for l in lines] == [expected_frame_text(fr, l.split(' ', 1)[1])
                                                   for fr, l in zip(frames, lines)]
    if name == 'sc_gil' and not target.stripped:
        assert out.count('  Waiting for the GIL') == 3, out
    record(target, matrix.GDB_MINIMAL, name, True)


@pytest.mark.parametrize('target', target_params(lambda t: t.name in ('pyenv-3.8', 'pyenv-3.12', 'debian-3.11', 'sid-3.14', 'sid-3.15d')))
def test_kernel_core(target, core_dir):
    """A core written by the kernel (the scenario killed with SIGABRT) reads like gcore's."""
    usable(target)
    core, truth = scenario.take_kernel_core(target, 'sc_calls', core_dir)
    if core is None:
        pytest.skip(truth)
    (out,), raw = scenario.run_gdb(target, ['py-bt'], core=core, scripts=[scenario.our_script(target)])
    assert python_lines(out) == expected_bt(main_thread(truth)['frames']), raw[-2000:]


@pytest.mark.parametrize('gdb', GDBS)
@pytest.mark.parametrize('target', target_params())
def test_closure_variables(target, gdb, core_dir):
    """sc_closures: every frame's variables in py-bt-full as Python's locals() lists them
    (argument cells, nested closures, a decorator's free `func`, a comprehension's frame
    before 3.12, an empty cell not shown); py-locals and py-print at the innermost run."""
    usable(target)
    p = commands_prefix(gdb)
    (full,), truth, raw = on_core(target, 'sc_closures', core_dir, [p + '-bt-full'], gdb)
    frames = main_thread(truth)['frames']
    got = [l.split(' ', 1)[1] for l in full.splitlines() if re.match(r'#\S+ Frame 0x', l)]
    want = [expected_frame_text(fr, g) for fr, g in zip(frames, got)]
    assert len(got) == len(frames) and got == want, '\n'.join(
        'got      %s\nexpected %s' % (g, w) for g, w in zip(got, want) if g != w) + raw[-1500:]
    level, run = run_frames(frames, full)
    outs, raw = scenario.run_gdb(target, ['frame %d' % level, p + '-locals'],
                                 core=core_of(target, 'sc_closures', core_dir)[0], gdb=gdb,
                                 scripts=[scenario.our_script(target)])
    want_locals = []
    for fr in run:
        if target.at_least('3.11'):
            want_locals.append('Locals for ' + fr['name'])
        want_locals += ['%s = %s' % (n, e) for n, e in fr['f_locals']]
    assert outs[1].splitlines() == want_locals, outs[1]
    # py-print looks in the innermost Python frame of the selected C frame: pick a run
    # whose innermost frame holds a closure variable, and print that.
    levels = [int(l.split(' ', 1)[0][1:]) for l in full.splitlines() if re.match(r'#\d+ Frame 0x', l)]
    chosen = None
    for i, (lv, fr) in enumerate(zip(levels, frames)):
        if i and levels[i - 1] == lv:
            continue
        closure = [n for n, e in fr['f_locals'] if fr['kinds'].get(n) in ('cell', 'argument cell', 'free')]
        if closure:
            chosen = (lv, closure[0], dict(fr['f_locals'])[closure[0]])
            break
    assert chosen, 'no run starts with a frame holding a closure variable'
    outs, raw = scenario.run_gdb(target, ['frame %d' % chosen[0], p + '-print ' + chosen[1]],
                                 core=core_of(target, 'sc_closures', core_dir)[0], gdb=gdb,
                                 scripts=[scenario.our_script(target)])
    assert outs[1] == "local '%s' = %s\n" % (chosen[1], chosen[2]), outs[1] + raw[-1500:]
