"""The test matrix: every CPython interpreter this machine can run, found, not assumed.

A target is one interpreter binary: pyenv's CPython 3.8-3.13 builds (DWARF in their
libpython), Debian's stripped /usr/bin/python3.11 and its debug interpreter python3.11d
(python3.11-dbg), the sid chroot's 3.13/3.14/3.15 release and debug interpreters
(provisioned by ./setup with tests/matrix/provision-sid), and a free-threaded 3.14t built
there from sid's source package (tests/matrix/provision-freethreaded). Each says its version, build
flavour, where its DWARF is, its include directory, how to start it and how to point GDB
at it. A target that is expected but missing is still listed, with the reason in `skip`,
so a test can report it skipped instead of silently losing it.
"""
import dataclasses
import glob
import os
import re
import shlex
import stat
import struct
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get('PYPRINTER_CACHE', '/var/cache/pyprinter')
SID_ROOT = os.path.join(CACHE, 'sid')
PYENV_MINORS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
SID_MINORS = ['3.13', '3.14', '3.15']
FREETHREADED_MINORS = ['3.14']
SCRIPT_SUFFIX = {'release': '', 'debug': 'd', 'freethreaded': 't'}
GDB_FULL = '/usr/bin/gdb'
GDB_MINIMAL = os.path.join(CACHE, 'gdb-minimal', 'usr', 'bin', 'gdb')
# A debug-file-directory with nothing in it: GDB then finds no detached DWARF.
NO_DEBUG_DIR = '/nonexistent/pyprinter-no-detached-dwarf'
SID_GDB = '/usr/bin/gdb'   # sid's own GDB (with Python), inside the sid chroot


@dataclasses.dataclass
class Target:
    name: str                 # pyenv-3.12, debian-3.11, debian-3.11d, sid-3.14d ...
    minor: str                # "3.12"
    flavour: str              # release | debug | freethreaded
    executable: str           # host path of the interpreter
    objfile: str              # host path of the file that holds _PyRuntime and the code
    include_dir: str = ''
    version: str = ''         # full version from the headers' patchlevel.h
    dwarf: str = ''           # where DWARF comes from, '' when there is none
    sysroot: str = ''         # chroot root for chroot targets
    python_gdb: str = ''      # python-gdb.py of this build, if shipped
    stripped: bool = False
    skip: str = ''            # why the target cannot be used, '' when it can

    def at_least(self, minor):
        """True when this target is CPython MINOR ("3.11") or later."""
        return tuple(map(int, self.minor.split('.'))) >= tuple(map(int, minor.split('.')))

    @property
    def variant(self):
        return self.flavour

    @property
    def script_name(self):
        """The name pyprinter-gen gives this build's GDB script."""
        return 'python%s%s-gdb.gdb' % (self.minor, SCRIPT_SUFFIX[self.flavour])

    def table_path(self):
        return os.path.join(TOP, 'versions', 'tables', 'x86_64-linux-gnu',
                            '%s-%s.json' % (self.version, self.variant))

    def run_argv(self, *args):
        """argv that starts this interpreter with ARGS, on the host (a chroot target in its
        chroot, with /proc mounted there as on a real system, in a mount namespace of its
        own: see chroot_with_proc)."""
        if self.sysroot:
            inside = '/' + os.path.relpath(self.executable, self.sysroot)
            return chroot_with_proc(self.sysroot, [inside] + list(args))
        return [self.executable] + list(args)

    def write_run_script(self, path):
        """Makes PATH an executable that runs this interpreter with its arguments (as
        run_argv: a chroot target in its chroot)."""
        with open(path, 'w') as f:
            f.write('#!/bin/sh\nexec %s "$@"\n' % ' '.join(shlex.quote(a) for a in self.run_argv()))
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        return path

    def gdb_iex(self, dwarf=False):
        """-iex settings GDB needs before it reads this target's files. A stripped build is
        read as it ships, without its -dbg package's DWARF (the case pyprinter is for: a
        container, a production host), unless DWARF: then GDB finds that package's DWARF
        (python-gdb.py needs it, and so does a test that compares with it)."""
        iex = ['-iex', 'set sysroot ' + self.sysroot] if self.sysroot else []
        if self.stripped and not dwarf:
            return iex + ['-iex', 'set debug-file-directory ' + NO_DEBUG_DIR]
        if self.sysroot:
            iex += ['-iex', 'set debug-file-directory ' + os.path.join(self.sysroot, 'usr/lib/debug')]
        return iex

    def gdb_file_argv(self, gdb=GDB_FULL):
        """argv of a batch GDB reading the objfile statically (no process), with DWARF."""
        return [gdb, '-q', '-batch', '-nx'] + self.gdb_iex(dwarf=True) + [self.objfile]

    def gdb_attach_argv(self, pid, gdb=GDB_FULL):
        return [gdb, '-q', '-batch', '-nx'] + self.gdb_iex() + [self.executable, '-p', str(pid)]


def chroot_with_proc(root, argv):
    """argv running ARGV chrooted into ROOT with /proc mounted there, in a mount namespace
    of the run's own: nobody else sees the mount, and it goes away with the run (bind
    mounts on the shared chroot pile up when concurrent runs unmount each other's)."""
    return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
            'mount --bind /proc "$1/proc" && exec /usr/sbin/chroot "$@"', 'sh', root] + list(argv)


def elf_sections(path):
    """Names of the ELF sections of PATH (64-bit little-endian only)."""
    with open(path, 'rb') as f:
        data = f.read(64)
        if data[:4] != b'\x7fELF' or data[4] != 2:
            return set()
        shoff, = struct.unpack_from('<Q', data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
        f.seek(shoff)
        headers = f.read(shentsize * shnum)
        def header(i):
            return struct.unpack_from('<IIQQQQ', headers, i * shentsize)
        strtab = header(shstrndx)
        f.seek(strtab[4])
        names = f.read(strtab[5])
        return {names[h[0]:names.index(b'\0', h[0])].decode() for h in map(header, range(shnum))}


def elf_build_id(path):
    """The GNU build-id of PATH as hex, or ''."""
    out = subprocess.run(['readelf', '-n', path], capture_output=True, text=True).stdout
    m = re.search(r'Build ID: ([0-9a-f]+)', out)
    return m.group(1) if m else ''


def dwarf_location(objfile, debug_root):
    """Where OBJFILE's DWARF is: in the file, in DEBUG_ROOT's build-id tree, or ''."""
    if '.debug_info' in elf_sections(objfile):
        return 'in file'
    build_id = elf_build_id(objfile)
    if build_id:
        path = os.path.join(debug_root, '.build-id', build_id[:2], build_id[2:] + '.debug')
        if os.path.exists(path):
            return path
    return ''


def function_ranges(target, names):
    """[(low, high)] of the functions NAMES (and their .cold parts) in TARGET's
    executable, from its symbol table or its -dbg package's: what a GDB that has neither
    cannot name. Only for a fixed-address executable (its addresses are the process's)."""
    with open(target.objfile, 'rb') as f:
        head = f.read(18)
    assert struct.unpack_from('<H', head, 16)[0] == 2, '%s is not an executable (ET_EXEC)' % target.objfile
    symbols = target.objfile if '.symtab' in elf_sections(target.objfile) else target.dwarf
    assert symbols and os.path.exists(symbols), 'no symbol table for %s' % target.objfile
    out = subprocess.run(['nm', '-S', '--defined-only', symbols], capture_output=True, text=True,
                         check=True).stdout
    wanted = set(names) | {n + '.cold' for n in names}
    ranges = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] in wanted:
            low = int(parts[0], 16)
            ranges.append((low, low + int(parts[1], 16)))
    return ranges


def header_version(include_dir):
    try:
        with open(os.path.join(include_dir, 'patchlevel.h')) as f:
            m = re.search(r'#define\s+PY_VERSION\s+"([^"]+)"', f.read())
            return m.group(1) if m else ''
    except OSError:
        return ''


def _pyenv_root():
    root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    return root


def _pyenv_targets():
    root = _pyenv_root()
    for minor in PYENV_MINORS:
        dirs = sorted(glob.glob(os.path.join(root, 'versions', minor + '.*')),
                      key=lambda d: int(d.rsplit('.', 1)[1]) if d.rsplit('.', 1)[1].isdigit() else -1)
        dirs = [d for d in dirs if re.fullmatch(r'\d+\.\d+\.\d+', os.path.basename(d))]
        name = 'pyenv-' + minor
        if not dirs:
            yield Target(name, minor, 'release', '', '', skip='pyenv has no CPython %s build in %s' % (minor, root))
            continue
        prefix = dirs[-1]
        exe = os.path.join(prefix, 'bin', 'python' + minor)
        lib = os.path.join(prefix, 'lib', 'libpython%s.so.1.0' % minor)
        t = Target(name, minor, 'release', exe, lib if os.path.exists(lib) else exe,
                   include_dir=os.path.join(prefix, 'include', 'python' + minor))
        gdbpy = os.path.join(prefix, 'bin', 'python%s-gdb.py' % minor)
        t.python_gdb = gdbpy if os.path.exists(gdbpy) else ''
        yield _finish(t, '/usr/lib/debug')


def _debian_targets():
    for suffix, flavour in (('', 'release'), ('d', 'debug')):
        exe = '/usr/bin/python3.11' + suffix
        t = Target('debian-3.11' + suffix, '3.11', flavour, exe, exe,
                   include_dir='/usr/include/python3.11' + suffix)
        if not os.path.exists(exe):
            t.skip = '%s is missing (./setup installs python3.11-dbg)' % exe
            yield t
            continue
        gdbpy = '/usr/share/gdb/auto-load/usr/bin/python3.11-gdb.py'
        t.python_gdb = gdbpy if os.path.exists(gdbpy) else ''
        yield _finish(t, '/usr/lib/debug')


def _sid_targets():
    for minor in SID_MINORS:
        for suffix, flavour in (('', 'release'), ('d', 'debug')):
            exe = os.path.join(SID_ROOT, 'usr', 'bin', 'python' + minor + suffix)
            t = Target('sid-%s%s' % (minor, suffix), minor, flavour, exe, exe,
                       include_dir=os.path.join(SID_ROOT, 'usr', 'include', 'python' + minor + suffix),
                       sysroot=SID_ROOT)
            if not os.path.exists(os.path.join(SID_ROOT, '.pyprinter-stamp')):
                t.skip = 'the sid chroot %s is not provisioned (run ./setup)' % SID_ROOT
                yield t
                continue
            if not os.path.exists(exe):
                t.skip = '%s is missing from the sid chroot' % exe
                yield t
                continue
            gdbpy = os.path.join(SID_ROOT, 'usr/share/gdb/auto-load/usr/bin/python%s-gdb.py' % minor)
            t.python_gdb = gdbpy if os.path.exists(gdbpy) else ''
            yield _finish(t, os.path.join(SID_ROOT, 'usr', 'lib', 'debug'))


def _freethreaded_targets():
    """sid's CPython 3.Xt, built with the GIL disabled by provision-freethreaded."""
    for minor in FREETHREADED_MINORS:
        prefix = os.path.join(SID_ROOT, 'opt', 'python%st' % minor)
        exe = os.path.join(prefix, 'bin', 'python%st' % minor)
        t = Target('sid-%st' % minor, minor, 'freethreaded', exe, exe,
                   include_dir=os.path.join(prefix, 'include', 'python%st' % minor), sysroot=SID_ROOT)
        if not os.path.exists(os.path.join(prefix, '.pyprinter-stamp')):
            t.skip = 'the free-threaded build %s is not there (./setup builds it with ' \
                     'tests/matrix/provision-freethreaded%s)' % (exe, _last_line(prefix + '.failed', ': '))
            yield t
            continue
        gdbpy = os.path.join(prefix, 'bin', 'python%st-gdb.py' % minor)
        t.python_gdb = gdbpy if os.path.exists(gdbpy) else ''
        yield _finish(t, os.path.join(SID_ROOT, 'usr', 'lib', 'debug'))


def _last_line(path, prefix):
    try:
        with open(path, errors='replace') as f:
            lines = [l.strip() for l in f if l.strip()]
        return prefix + lines[-1] if lines else ''
    except OSError:
        return ''


def _finish(t, debug_root):
    if not os.path.exists(t.executable):
        t.skip = '%s is missing' % t.executable
        return t
    t.version = header_version(t.include_dir)
    if not t.version:
        t.skip = 'no CPython headers at %s' % t.include_dir
    t.stripped = '.symtab' not in elf_sections(t.objfile)
    t.dwarf = dwarf_location(t.objfile, debug_root)
    return t


_targets = None


def targets():
    """Every target, usable or not (see Target.skip)."""
    global _targets
    if _targets is None:
        _targets = list(_pyenv_targets()) + list(_debian_targets()) + list(_sid_targets()) + \
            list(_freethreaded_targets())
    return _targets


def describe():
    """One line per target, for the test report."""
    lines = []
    for t in targets():
        if t.skip:
            lines.append('%-14s SKIPPED: %s' % (t.name, t.skip))
        else:
            lines.append('%-14s %-8s %-7s %-8s dwarf: %-10s %s' % (
                t.name, t.version, t.flavour, 'stripped' if t.stripped else 'symtab',
                'in file' if t.dwarf == 'in file' else ('build-id' if t.dwarf else 'none'),
                t.executable))
    return '\n'.join(lines)


if __name__ == '__main__':
    print(describe())


VARIANTS_BY_MINOR = {m: ['release', 'debug', 'tracerefs'] for m in PYENV_MINORS}
VARIANTS_BY_MINOR.update({m: ['release', 'debug', 'freethreaded', 'tracerefs'] for m in SID_MINORS})


def header_sets():
    """(version, variant, include_dir) for every table whose headers are on this machine.

    Debug and free-threaded tables come from that build's own headers where it has them
    (Debian's python3.Xd, the sid chroot's python3.Xt), else from the release headers
    (pyprinter-gen adds Py_DEBUG, Py_GIL_DISABLED); release and trace-refs tables from
    the release build's headers (Debian's python3.11d headers refuse Py_TRACE_REFS)."""
    own = {'release': {}, 'debug': {}, 'freethreaded': {}}
    for t in targets():
        if not t.skip:
            own[t.flavour][t.version] = t.include_dir
    sets = []
    for version, inc in sorted(own['release'].items()):
        minor = '.'.join(version.split('.')[:2])
        for variant in VARIANTS_BY_MINOR.get(minor, ['release']):
            use = own.get(variant, {}).get(version, inc)
            sets.append((version, variant, use))
    return sets
