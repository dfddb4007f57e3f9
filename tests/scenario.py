"""Runs scenario programs on matrix targets, takes their cores, and runs GDB on them.

A scenario (tests/scenarios/sc_*.py) writes its own truth (truth.py) and then sleeps in a
C function; the harness takes one core of it with `gcore` and kills it. Every command of
every engine then runs on that core. The scenario files are copied to the same absolute
path on the host and inside the sid chroot, so that source lines read on the host match.
"""
import difflib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time

import matrix

SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios')
# One directory per checkout: test runs of two worktrees must not overwrite each other's
# scenario files (a run installs its own copies before every start).
RUN_DIR = '/tmp/pyprinter-scenarios-' + hashlib.sha1(matrix.TOP.encode()).hexdigest()[:8]
OUT = os.path.join(matrix.TOP, 'out')


def install_scenarios(target):
    for root in ('/',) + ((target.sysroot,) if target.sysroot else ()):
        dest = os.path.join(root, RUN_DIR.lstrip('/'))
        os.makedirs(dest, exist_ok=True)
        for name in os.listdir(SCENARIOS):
            if name.endswith('.py'):
                _install(os.path.join(SCENARIOS, name), os.path.join(dest, name))


def _install(src, dest):
    """Copies SRC to DEST unless it is there already, whole or not at all: the other test
    worker may be reading DEST (a source line) at that moment."""
    with open(src, 'rb') as f:
        data = f.read()
    try:
        with open(dest, 'rb') as f:
            if f.read() == data:
                return
    except OSError:
        pass
    temp = '%s.%d.tmp' % (dest, os.getpid())
    with open(temp, 'wb') as f:
        f.write(data)
    os.replace(temp, dest)


def host_path(target, path):
    return os.path.join(target.sysroot, path.lstrip('/')) if target.sysroot else path


def _unlimited_core():
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


class Stopped:
    """A scenario process, running until its truth is written."""

    def __init__(self, target, scenario, tag, workdir=None, settings=None):
        """SETTINGS: more environment variables for the scenario (PYP_*)."""
        install_scenarios(target)
        self.target = target
        self.truth_path = '%s/%s-%s-%d.json' % (RUN_DIR, scenario, tag, os.getpid())
        host_truth = host_path(target, self.truth_path)
        if os.path.exists(host_truth):
            os.unlink(host_truth)
        env = {'PATH': '/usr/bin:/bin', 'PYP_TRUTH': self.truth_path, 'LC_ALL': 'C.UTF-8',
               'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONHASHSEED': '123'}
        env.update(settings or {})
        script = '%s/%s.py' % (RUN_DIR, scenario)
        argv = target.run_argv(script)
        if workdir:
            # Kernel cores: core_pattern "core" puts the file in the process's directory.
            argv = target.run_argv('-c', 'import os, runpy, sys; os.chdir(%r); sys.argv = [%r]; '
                                   'sys.path.insert(0, %r); runpy.run_path(%r, run_name="__main__")'
                                   % (workdir, script, RUN_DIR, script))
        self.proc = subprocess.Popen(argv, env=env, cwd='/', preexec_fn=_unlimited_core,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while not os.path.exists(host_truth):
            if self.proc.poll() is not None:
                raise RuntimeError('%s on %s exited: %s' % (scenario, target.name,
                                                            self.proc.stderr.read().decode()[-2000:]))
            if time.time() > deadline:
                self.kill()
                raise RuntimeError('%s on %s wrote no truth in 60 s' % (scenario, target.name))
            time.sleep(0.05)
        with open(host_truth) as f:
            self.truth = json.load(f)
        self.pid = self.truth['pid']
        time.sleep(0.2)  # let it reach the sleep

    def gcore(self, path):
        if self.target.sysroot:
            r = self._gcore_in_chroot(path)
        else:
            r = subprocess.run(self.target.gdb_attach_argv(self.pid) + ['-ex', 'gcore ' + path],
                               capture_output=True, text=True, timeout=300)
        if not os.path.exists(path):
            raise RuntimeError('gcore failed: ' + r.stdout[-1000:] + r.stderr[-1000:])

    def _gcore_in_chroot(self, path):
        """sid's own gdb writes the core: the host's GDB 13 writes the thread stacks of a
        sid (glibc 2.43) process as zeros. It runs where the process runs (its mount
        namespace and its root, where /proc is mounted: see Target.run_argv), so the core
        names the files as the chroot sees them, as a core written in a container does.
        (A gdb in a mount namespace of its own would see the process's files outside its
        tree and write their host paths.)"""
        root = self.target.sysroot
        inside = '/tmp/pyprinter-core-%d' % os.getpid()
        r = subprocess.run(['nsenter', '--target', str(self.pid), '--mount', '--root', '--wd',
                            'gdb', '-q', '-batch', '-nx', '-p', str(self.pid), '-ex', 'gcore ' + inside],
                           capture_output=True, text=True, timeout=300)
        host = os.path.join(root, inside.lstrip('/'))
        if os.path.exists(host):
            shutil.move(host, path)
        return r

    def kill(self):
        try:
            self.proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def take_core(target, scenario, dest_dir, settings=None):
    """(core path, truth) of SCENARIO on TARGET (run with SETTINGS, see Stopped)."""
    os.makedirs(dest_dir, exist_ok=True)
    suffix = ''.join('-%s' % v for _, v in sorted((settings or {}).items()))
    core = os.path.join(dest_dir, '%s-%s%s.core' % (target.name, scenario, suffix))
    s = Stopped(target, scenario, target.name + suffix, settings=settings)
    try:
        s.gcore(core)
    finally:
        s.kill()
    return core, s.truth


_scripts = {}


def take_kernel_core(target, scenario, dest_dir):
    """(core path, truth) of SCENARIO on TARGET, the core written by the kernel (SIGABRT,
    RLIMIT_CORE unlimited), or (None, reason) when the kernel wrote none."""
    with open('/proc/sys/kernel/core_pattern') as f:
        pattern = f.read().strip()
    if pattern.startswith('|') or '/' in pattern:
        return None, 'core_pattern is %r, not a plain file name' % pattern
    inside = '%s/kcore-%s-%d' % (RUN_DIR, target.name, os.getpid())
    host_dir = host_path(target, inside)
    shutil.rmtree(host_dir, ignore_errors=True)
    os.makedirs(host_dir)
    s = Stopped(target, scenario, target.name + '-k', workdir=inside)
    os.kill(s.pid, signal.SIGABRT)
    s.proc.wait()
    names = [n for n in os.listdir(host_dir) if n.startswith(pattern.split('%')[0])]
    if not names:
        return None, 'the kernel wrote no core (pattern %r)' % pattern
    os.makedirs(dest_dir, exist_ok=True)
    core = os.path.join(dest_dir, '%s-%s.kcore' % (target.name, scenario))
    shutil.move(os.path.join(host_dir, names[0]), core)
    shutil.rmtree(host_dir, ignore_errors=True)
    return core, s.truth


# The pyprinter our scripts hand py-bt and py-bt-full to, in the tests: the ASan build.
DECODER = os.path.join(OUT, 'asan', 'bin', 'pyprinter')


def our_script(target, decoder=None):
    """The GDB script generated for exactly this target's CPython (its own headers, so the
    patch release matches too), as a packager would generate it. DECODER: the pyprinter
    it hands work to (default: the ASan build, DECODER; the benchmarks use the release)."""
    decoder = decoder or DECODER
    key = (target.name, decoder)
    if key not in _scripts:
        dest = os.path.join(OUT, 'matrix', target.name + ('' if decoder == DECODER else '-release'))
        subprocess.run([os.path.join(OUT, 'bin', 'pyprinter-gen'), '--cpython', target.minor,
                        '--variant', target.variant, '--headers', target.include_dir, '-q',
                        '--decoder', decoder, '-o', dest], check=True)
        _scripts[key] = os.path.join(dest, target.script_name)
    return _scripts[key]


SAFE = ['-iex', 'set may-call-functions off', '-iex', 'set may-write-memory off',
        '-iex', 'set pagination off', '-iex', 'set width 0']
MARK = '@@pyp-cmd '
HANDOFF_COUNT = '@@pyp-handoffs '
# Commands the script may hand to pyprinter (36-handoff): the tests run each of them on
# both paths in the same GDB, the script alone first, and require the same output.
HANDED_OFF = re.compile(r'(^|\s)(pyp?-bt(-full)?|py-repr)(\s|$)')


def is_ours(scripts):
    return any(s.endswith('-gdb.gdb') for s in scripts)


def command_args(commands, scripts, both_paths=True):
    """-ex arguments running COMMANDS, each output preceded by a marker line; with our
    script (and BOTH_PATHS), the hand-off commands also run with the script alone
    (marker "N-script")."""
    argv = []
    both = is_ours(scripts) and both_paths
    for i, c in enumerate(commands):
        if both and HANDED_OFF.search(c):
            argv += ['-ex', 'set $pyp_decoder = 0', '-ex', 'echo %s%d-script\\n' % (MARK, i),
                     '-ex', c, '-ex', 'set $pyp_decoder = 1']
        argv += ['-ex', 'echo %s%d\\n' % (MARK, i), '-ex', c]
    argv += ['-ex', 'echo %s%d\\n' % (MARK, len(commands))]
    if is_ours(scripts):
        argv += ['-ex', 'printf "%s%%d\\n", $pyp_ho_count' % HANDOFF_COUNT]
    return argv


def gdb_argv(target, commands, core=None, pid=None, gdb=matrix.GDB_MINIMAL, scripts=(), iex=(),
             both_paths=True, open_after_scripts=False, dwarf=False):
    """argv of a batch GDB that runs COMMANDS (after sourcing SCRIPTS) on a core or a live
    pid, each command's output preceded by a marker line (see split_outputs). IEX: more
    settings for before the files are read (e.g. auto-loading). OPEN_AFTER_SCRIPTS (a
    core): the scripts are sourced before GDB knows the program, which `file` and
    `core-file` then open, as after a ~/.gdbinit. DWARF: a stripped target's -dbg DWARF
    too (see Target.gdb_iex)."""
    # On a live process the settings come after the attach: GDB's own attach machinery
    # (thread-event breakpoints) writes memory; our commands run with both settings off.
    argv = [gdb, '-q', '-batch', '-nx'] + (SAFE if core else []) + target.gdb_iex(dwarf) + list(iex)
    sources = []
    for s in scripts:
        sources += ['-ex', 'source ' + s]
    if open_after_scripts:
        argv += sources + ['-ex', 'file ' + target.executable, '-ex', 'core-file ' + core]
    else:
        argv.append(target.executable)
        if core:
            argv.append(core)
        else:
            argv += ['-p', str(pid)]
            argv += [a if a != '-iex' else '-ex' for a in SAFE]
        argv += sources
    return argv + command_args(commands, scripts, both_paths)


def _parts(text):
    parts = {}
    current = None
    for line in text.splitlines(keepends=True):
        if line.startswith(MARK):
            current = line[len(MARK):].strip()
            parts[current] = ''
        elif line.startswith(HANDOFF_COUNT):
            current = None
        elif current is not None:
            parts[current] += line
    return parts


def split_outputs(text, count):
    """The output of each of COUNT commands, from the text of a gdb_argv run. A command
    run on both paths must have printed the same on each (AssertionError otherwise)."""
    parts = _parts(text)
    for key, script_out in parts.items():
        if key.endswith('-script'):
            handed = parts.get(key[:-len('-script')], '')
            # GDB warns about a thread's registers once, on the first run that reads them.
            script_out = ''.join(l for l in script_out.splitlines(True) if not l.startswith('warning: '))
            handed = ''.join(l for l in handed.splitlines(True) if not l.startswith('warning: '))
            assert handed == script_out, (
                'command %s printed differently through pyprinter and by the script alone:\n%s'
                % (key[:-len('-script')], ''.join(difflib.unified_diff(
                    script_out.splitlines(True), handed.splitlines(True), 'script', 'pyprinter'))))
    return [parts.get(str(i), '') for i in range(count)]


def handoffs(text):
    """How many commands our script handed to pyprinter in a gdb_argv run (None: unknown)."""
    m = re.search('^' + HANDOFF_COUNT + r'(\d+)$', text, re.M)
    return int(m.group(1)) if m else None


def run_gdb(target, commands, core=None, pid=None, gdb=matrix.GDB_MINIMAL, scripts=(),
            timeout=600, stdout='pipe', iex=(), both_paths=True, open_after_scripts=False,
            dwarf=False):
    """Runs COMMANDS (after sourcing SCRIPTS) on a core or a live pid. Returns
    ([output of each command], whole text). STDOUT says where GDB writes, as a user
    would collect it: 'pipe', 'file' (batch output redirected to a file) or 'pty' (a
    terminal: GDB's output as seen on screen). BOTH_PATHS: see command_args;
    OPEN_AFTER_SCRIPTS, DWARF: see gdb_argv."""
    argv = gdb_argv(target, commands, core, pid, gdb, scripts, iex, both_paths, open_after_scripts, dwarf)
    env = dict(os.environ, LC_ALL='C.UTF-8')
    if stdout == 'pty':
        text, err = _run_on_pty(argv, env, timeout)
    elif stdout == 'file':
        import tempfile
        with tempfile.TemporaryFile() as f:
            r = subprocess.run(argv, stdout=f, stderr=subprocess.PIPE, timeout=timeout, env=env)
            f.seek(0)
            text, err = f.read().decode('utf-8', 'backslashreplace'), r.stderr.decode('utf-8', 'replace')
    else:
        r = subprocess.run(argv, capture_output=True, timeout=timeout, env=env)
        text, err = r.stdout.decode('utf-8', 'backslashreplace'), r.stderr.decode('utf-8', 'replace')
    return split_outputs(text, len(commands)), text + err


def _run_on_pty(argv, env, timeout):
    """GDB on a pseudo-terminal (stdin, stdout and stderr), as in an interactive shell;
    returns (what the terminal showed, '')."""
    import pty
    import select
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=dict(env, TERM='dumb'),
                         close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.time() + timeout
    while True:
        ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.time()))
        if not ready:
            p.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait()
    os.close(master)
    return b''.join(chunks).decode('utf-8', 'backslashreplace').replace('\r\n', '\n'), ''


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Gdbserver:
    """How GDB reaches a live process through gdbserver (Debian's package): over a pipe
    (`target remote | gdbserver - --attach PID`) or over TCP on the loopback address
    (`gdbserver --multi`, then `target extended-remote` and `attach`)."""

    def __init__(self, pid, how):
        self.pid = pid
        self.how = how
        self.server = None
        if how == 'tcp':
            self.port = free_port()
            self.server = subprocess.Popen(['gdbserver', '--multi', '127.0.0.1:%d' % self.port],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.3)

    def connect(self):
        if self.how == 'pipe':
            return ['-ex', 'target remote | gdbserver - --attach %d' % self.pid]
        return ['-ex', 'target extended-remote 127.0.0.1:%d' % self.port, '-ex', 'attach %d' % self.pid]

    def close(self):
        if self.server:
            self.server.kill()
            self.server.wait()


def run_gdb_remote(target, commands, pid, how, gdb=matrix.GDB_MINIMAL, scripts=(), timeout=600):
    """Runs COMMANDS with SCRIPTS on live PID through gdbserver (HOW: 'pipe' or 'tcp').
    GDB reads the target's files from a local sysroot, as a remote debugging setup has a
    copy of them: the chroot of a chroot target, else / (fetching libpython's DWARF
    through gdbserver takes a minute). Returns ([output of each command], whole text)."""
    server = Gdbserver(pid, how)
    try:
        argv = [gdb, '-q', '-batch', '-nx', '-iex', 'set pagination off', '-iex', 'set width 0']
        argv += target.gdb_iex() or ['-iex', 'set sysroot /']
        argv += [target.executable] + server.connect()
        argv += ['-ex', 'set may-call-functions off', '-ex', 'set may-write-memory off']
        for s in scripts:
            argv += ['-ex', 'source ' + s]
        argv += command_args(commands, scripts)
        r = subprocess.run(argv, capture_output=True, timeout=timeout, env=dict(os.environ, LC_ALL='C.UTF-8'))
    finally:
        server.close()
    text = r.stdout.decode('utf-8', 'backslashreplace')
    return split_outputs(text, len(commands)), text + r.stderr.decode('utf-8', 'replace')


def chroot_dir(target):
    """(host path, path inside) of this test process's directory in TARGET's chroot."""
    inside = '/tmp/pyprinter-gdb-%d' % os.getpid()
    host = os.path.join(target.sysroot, inside.lstrip('/'))
    os.makedirs(host, exist_ok=True)
    return host, inside


def chroot_file(target, path, name=None):
    """PATH put into TARGET's chroot (a hard link where it can be); the path seen inside."""
    host, inside = chroot_dir(target)
    name = name or os.path.basename(path)
    dest = os.path.join(host, name)
    if os.path.lexists(dest):
        os.unlink(dest)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    try:
        os.link(path, dest)
    except OSError:
        shutil.copy(path, dest)
    return inside + '/' + name


def run_chroot_gdb(target, commands, core, iex=(), timeout=600):
    """Runs COMMANDS in the chroot's own GDB (sid's, with Python) on CORE of chroot target
    TARGET, as a user of that system would: GDB sees the chroot as its whole machine (paths
    in COMMANDS are paths inside). The core is linked in for the run. Returns
    ([output of each command], whole text)."""
    root = target.sysroot
    core_inside = chroot_file(target, core)
    argv = ['/usr/sbin/chroot', root, matrix.SID_GDB, '-q', '-batch', '-nx'] + SAFE + list(iex)
    argv += ['/' + os.path.relpath(target.executable, root), core_inside]
    for i, c in enumerate(commands):
        argv += ['-ex', 'echo %s%d\\n' % (MARK, i), '-ex', c]
    argv += ['-ex', 'echo %s%d\\n' % (MARK, len(commands))]
    env = {'PATH': '/usr/bin:/bin', 'HOME': '/root', 'LC_ALL': 'C.UTF-8'}
    try:
        r = subprocess.run(argv, capture_output=True, timeout=timeout, env=env)
    finally:
        os.unlink(os.path.join(root, core_inside.lstrip('/')))
    text = r.stdout.decode('utf-8', 'backslashreplace')
    return split_outputs(text, len(commands)), text + r.stderr.decode('utf-8', 'replace')
