"""What `thread apply all CMD` printed, thread by thread, in the order GDB printed it:
each block is the text under one `Thread N (...)` header, up to the next header. A
block is matched to the scenario's truth by the thread's pthread id (the header's
`Thread 0x...`, as GDB shows it with libthread_db) or its LWP. This is how a user reads
it: a stack printed above its header, or under another thread's, is wrong here."""
import re

# Thread 2 (Thread 0x7f.. (LWP 123) "name"):   native, with libthread_db
# Thread 2 (LWP 123):                          a core without libthread_db
# Thread 2 (Thread 120.123 "name"):            a remote target (pid.lwp)
HEADER = re.compile(r'^Thread \d+ \((?:Thread (0x[0-9a-f]+) \(LWP (\d+)\)|LWP (\d+)|Thread \d+\.(\d+))[^\n]*\):$', re.M)


def blocks(output):
    """[(pthread id or None, lwp, text under the header)] in output order, and the text
    before the first header."""
    found = list(HEADER.finditer(output))
    out = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(output)
        lwp = int(m.group(2) or m.group(3) or m.group(4))
        out.append((int(m.group(1), 16) if m.group(1) else None, lwp, output[m.end():end]))
    return out, output[:found[0].start()] if found else output


def truth_thread(truth, pthread_id, lwp):
    for t in truth['threads']:
        if (pthread_id is not None and t['ident'] == pthread_id) or t.get('native_id') == lwp:
            return t
    return None


def problems(output, truth, python_lines, expected_bt):
    """Why OUTPUT is not, under each thread's header, that thread's py-bt (empty: it is)."""
    found, before = blocks(output)
    bad = []
    if python_lines(before):
        bad.append('Python frames printed before the first thread header:\n' + before[-800:])
    seen = set()
    for pthread_id, lwp, text in found:
        t = truth_thread(truth, pthread_id, lwp)
        if t is None:
            if python_lines(text):
                bad.append('LWP %d is no thread of the truth but shows frames:\n%s' % (lwp, text[:800]))
            continue
        seen.add(t['ident'])
        want = expected_bt(t['frames'])
        if python_lines(text) != want:
            bad.append('LWP %d:\n--- printed under its header\n%s\n--- its stack\n%s' % (
                lwp, '\n'.join(python_lines(text)), '\n'.join(want)))
    for t in truth['threads']:
        if t['ident'] not in seen:
            bad.append('thread %#x (LWP %s) has no header in the output' % (t['ident'], t.get('native_id')))
    return bad
