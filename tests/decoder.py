"""Running `pyprinter` (the ASan + UBSan build) on scenario cores and live scenarios, and
reading what it prints: the text split into per-thread blocks under their headers, the
JSON validated against decoder_schema.json. Expected values come from the scenario's
truth (tests/scenarios/truth.py) and the scenario's source files only.

Every run fails its test on a sanitizer report; every --json run fails it when the
document breaks the schema."""
import json
import os
import re
import subprocess

import decoder_schema
import matrix
from conftest import SANITIZER_OPTIONS, count

PYPRINTER = os.path.join(matrix.TOP, 'out', 'asan', 'bin', 'pyprinter')
TRACEBACK = 'Traceback (most recent call first):'


class Run:
    """One finished run of pyprinter: argv, rc, out, err, and doc (the parsed JSON)."""

    def __init__(self, argv, proc):
        self.argv = argv
        self.rc = proc.returncode
        self.out = proc.stdout.decode('utf-8', 'backslashreplace')
        self.err = proc.stderr.decode('utf-8', 'backslashreplace')
        self.doc = None

    def __str__(self):
        return '$ %s\n[exit %s]\n%s\n[stderr]\n%s' % (
            ' '.join(self.argv), self.rc, self.out[-6000:], self.err[-3000:])


def sanitizer_problem(rc, err):
    if 'Sanitizer' in err or 'runtime error:' in err or rc in (98, 99):
        return 'sanitizer report (exit %s):\n%s' % (rc, err[-4000:])
    return None


def run_env():
    return dict(os.environ, LC_ALL='C.UTF-8', **SANITIZER_OPTIONS)


def run(args, timeout=600, prefix=()):
    """Runs pyprinter ARGS (after PREFIX, e.g. setpriv); asserts no sanitizer report, and
    for a successful --json run a document that fits the schema."""
    argv = list(prefix) + [PYPRINTER] + list(args)
    proc = subprocess.run(argv, capture_output=True, timeout=timeout, env=run_env())
    r = Run(argv, proc)
    problem = sanitizer_problem(r.rc, r.err)
    assert not problem, problem + '\n' + str(r)
    if '--json' in args and r.rc == 0:
        try:
            r.doc = json.loads(r.out)
        except ValueError as ex:
            raise AssertionError('not JSON: %s\n%s' % (ex, r))
        wrong = decoder_schema.errors(r.doc)
        assert not wrong, 'the JSON breaks decoder_schema.json:\n  %s\n%s' % (
            '\n  '.join(wrong[:30]), r)
    return r


def bt_args(target, what, *options):
    """argv of `pyprinter bt OPTIONS WHAT`, with --sysroot for a core of a chroot target."""
    args = ['bt'] + list(options)
    if target.sysroot and not str(what).isdigit():
        args += ['--sysroot', target.sysroot]
    return args + [str(what)]


def bt(target, what, *options, timeout=600):
    r = run(bt_args(target, what, *options), timeout=timeout)
    assert r.rc == 0, str(r)
    return r


# --- what the truth says pyprinter must print ----------------------------------------

_sources = {}


def source_line(target, path, line):
    """The stripped source line as the target sees its file (under the chroot for chroot
    targets), or None when there is no such file or line."""
    key = (target.sysroot, path)
    if key not in _sources:
        lines = None
        for p in ([os.path.join(target.sysroot, path.lstrip('/'))] if target.sysroot else []) + [path]:
            try:
                with open(p, 'rb') as f:
                    lines = f.read().split(b'\n')
                break
            except OSError:
                continue
        _sources[key] = lines
    lines = _sources[key]
    if lines is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1].decode('utf-8', 'backslashreplace').strip(' \t\r\f\v')


def expected_frames(target, frames):
    """(file, line, function, source) of each truth frame."""
    return [(f['file'], f['line'], f['name'], source_line(target, f['file'], f['line'])) for f in frames]


def expected_text(target, frames, sources=True):
    """The lines under a thread's header: py-bt's words."""
    out = [TRACEBACK]
    for file, line, name, src in expected_frames(target, frames):
        out.append('  File "%s", line %d, in %s' % (file, line, name))
        if src is not None and sources:
            out.append('    ' + src)
    return out


# --- reading the text ------------------------------------------------------------------

HEADER = re.compile(
    r'^Thread (?P<tid>\d+|\(no OS thread found\))(?: "(?P<name>.*)")?'
    r'(?:(?P<nopy>(?: \(main thread\))?: (?:no Python thread state|Python thread state unknown: .+))'
    r'| \((?P<main>main thread, )?PyThreadState (?P<tstate>0x[0-9a-f]+)(?:, interpreter (?P<interp>\d+))?\): (?P<status>.+))$')
TARGET_HEADER = re.compile(r'^(Core file .* of process \d+|Process \d+)( \(.*\))?.*: CPython (\S+) \((\w+)\)$')


def text_threads(out):
    """(target header line, [thread block]) of a text report. A block is a dict: tid (int
    or None), name, main, tstate (int or None), status, and lines (what follows the
    header, trailing blank lines dropped)."""
    lines = out.split('\n')
    head = lines[0] if lines else ''
    blocks = []
    for line in lines[1:]:
        m = HEADER.match(line)
        if m:
            blocks.append({
                'tid': int(m.group('tid')) if m.group('tid').isdigit() else None,
                'name': m.group('name'),
                'main': bool(m.group('main')) or (m.group('nopy') or '').startswith(' (main'),
                'tstate': int(m.group('tstate'), 16) if m.group('tstate') else None,
                'status': m.group('status'),
                'header': line,
                'lines': [],
            })
        elif blocks:
            blocks[-1]['lines'].append(line)
        elif line.strip():
            blocks.append({'tid': None, 'name': None, 'main': False, 'tstate': None, 'status': None,
                           'header': None, 'lines': [line]})  # text before any thread header
    for b in blocks:
        while b['lines'] and not b['lines'][-1].strip():
            b['lines'].pop()
    return head, blocks


def python_lines(block_lines):
    """The frame and source lines of a block (what follows its Traceback line)."""
    if TRACEBACK not in block_lines:
        return []
    return block_lines[block_lines.index(TRACEBACK) + 1:]


def comm(pid, tid):
    try:
        with open('/proc/%d/task/%d/comm' % (pid, tid)) as f:
            return f.read().rstrip('\n')
    except OSError:
        return None


# --- the check at the heart of the suite ---------------------------------------------

def check_json(target, truth, doc, live_pid=None):
    """Problems of DOC against TRUTH: every truth thread once, matched by pthread id, with
    its OS thread id and exactly its frames (file, line, function, qualname, source)."""
    problems = []
    threads = doc['threads']
    by_ident = {}
    for t in threads:
        if t['tstate'] is None:
            if t['frames']:
                problems.append('thread %s has frames but no thread state' % t['tid'])
            continue
        by_ident.setdefault(int(t['pthread_id'], 16) if t['pthread_id'] else None, []).append(t)
    idents = {t['ident'] for t in truth['threads']}
    for ident, ts in by_ident.items():
        if ident not in idents:
            problems.append('a Python thread the truth does not have: pthread_id %s, tid %s' % (
                ident and hex(ident), [t['tid'] for t in ts]))
    for tt in truth['threads']:
        got = by_ident.get(tt['ident'], [])
        what = 'thread %s (tid %s%s)' % (hex(tt['ident']), tt['native_id'], ', main' if tt['main'] else '')
        if len(got) != 1:
            problems.append('%s appears %d times in the JSON' % (what, len(got)))
            continue
        t = got[0]
        if tt['native_id'] is not None and t['tid'] != tt['native_id']:
            problems.append('%s: tid %s' % (what, t['tid']))
        if t['main'] != tt['main']:
            problems.append('%s: main is %s' % (what, t['main']))
        if t['error'] or t['frame_chain_problem']:
            problems.append('%s: error %r, frame_chain_problem %r' % (what, t['error'], t['frame_chain_problem']))
        if live_pid and t['tid'] and t['name'] != comm(live_pid, t['tid']):
            problems.append('%s: name %r, but the thread is called %r' % (what, t['name'], comm(live_pid, t['tid'])))
        want = expected_frames(target, tt['frames'])
        have = [(f['file'], f['line'], f['function'], f['source']) for f in t['frames']]
        if have != want:
            problems.append('%s: frames differ:\n%s' % (what, diff(want, have)))
        else:
            for f, ft in zip(t['frames'], tt['frames']):
                if f['qualname'] != ft.get('qualname'):
                    problems.append('%s: %s has qualname %r, not %r' % (what, ft['name'], f['qualname'], ft.get('qualname')))
                if f['error']:
                    problems.append('%s: %s has error %r' % (what, ft['name'], f['error']))
    return problems


def check_text(target, truth, out, doc, live_pid=None, sources=True):
    """Problems of text report OUT: each truth thread's block, found under its own header
    (by OS thread id, its PyThreadState the one DOC gives that thread), holds exactly the
    truth's lines; no thread twice, no Python thread the truth lacks."""
    problems = []
    head, blocks = text_threads(out)
    m = TARGET_HEADER.match(head)
    if not m:
        problems.append('first line is not a target header: %r' % head)
    if blocks and blocks[0]['header'] is None:
        problems.append('text before the first thread header: %r' % blocks[0]['lines'][:3])
    json_by_tid = {t['tid']: t for t in doc['threads']} if doc else {}
    seen = set()
    for tt in truth['threads']:
        what = 'thread tid %s (%s%s)' % (tt['native_id'], hex(tt['ident']), ', main' if tt['main'] else '')
        mine = [b for b in blocks if b['tid'] == tt['native_id']]
        if len(mine) != 1:
            problems.append('%s: %d blocks under its header' % (what, len(mine)))
            continue
        b = mine[0]
        seen.add(id(b))
        j = json_by_tid.get(tt['native_id'])
        if b['tstate'] is None:
            problems.append('%s: header without a PyThreadState: %r' % (what, b['header']))
        elif j is not None and (j['tstate'] is None or b['tstate'] != int(j['tstate'], 16)):
            problems.append('%s: header PyThreadState 0x%x, the JSON says %s' % (what, b['tstate'], j['tstate']))
        if j is not None and j['status'] and b['status'] != j['status']['text']:
            problems.append('%s: status %r, the JSON says %r' % (what, b['status'], j['status']['text']))
        if b['main'] != tt['main']:
            problems.append('%s: header says main=%s: %r' % (what, b['main'], b['header']))
        if live_pid and b['name'] != comm(live_pid, b['tid']):
            problems.append('%s: header name %r, the thread is called %r' % (what, b['name'], comm(live_pid, b['tid'])))
        want = expected_text(target, tt['frames'], sources)
        if b['lines'] != want:
            problems.append('%s: under %r:\n%s' % (what, b['header'], diff(want, b['lines'])))
    for b in blocks:
        if id(b) in seen or b['header'] is None:
            continue
        if b['tstate'] is not None:
            problems.append('a thread block the truth does not have: %r' % b['header'])
        elif b['lines']:
            problems.append('a thread without Python prints lines: %r %r' % (b['header'], b['lines'][:3]))
    return problems


def diff(want, have):
    import difflib
    return '\n'.join(difflib.unified_diff([str(x) for x in want], [str(x) for x in have],
                                          'truth', 'pyprinter', lineterm='', n=2))


# --- the process left as it was --------------------------------------------------------

def task_states(pid):
    """{tid: (state letter, TracerPid)} of every thread of PID."""
    out = {}
    try:
        tids = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return out
    for tid in tids:
        try:
            with open('/proc/%d/task/%s/status' % (pid, tid)) as f:
                text = f.read()
        except OSError:
            continue
        state = re.search(r'^State:\s+(\S)', text, re.M).group(1)
        tracer = int(re.search(r'^TracerPid:\s+(\d+)', text, re.M).group(1))
        out[int(tid)] = (state, tracer)
    return out


def left_running(pid, wait=3.0):
    """Problems with PID after pyprinter is gone: every thread running or sleeping (not
    stopped or traced: state S or R) and traced by nobody. Polls for up to WAIT seconds
    (the kernel may take a moment to finish a detach)."""
    import time
    deadline = time.time() + wait
    while True:
        states = task_states(pid)
        bad = {tid: st for tid, st in states.items() if st[0] not in 'SR' or st[1] != 0}
        if not states:
            return ['process %d is gone' % pid]
        if not bad:
            return []
        if time.time() > deadline:
            return ['process %d: threads stopped or traced (tid: (state, TracerPid)): %s' % (
                pid, dict(list(bad.items())[:10]))]
        time.sleep(0.05)


# --- the end-of-run summary --------------------------------------------------------------

SECTION = 'pyprinter bt against the truth (passed/run, per check)'


def record(target, check, ok):
    """Counts one result of CHECK on TARGET for the matrix summary."""
    count(SECTION, target.name, check, ok)
