"""What a scenario knows about itself, written down before it stops: the truth the
pyprinter commands are checked against.

A scenario calls `truth.stop(values)` as the last thing on a line whose rest sleeps in a C
function:  `truth.record(); time.sleep(3600)`. record() writes JSON to $PYP_TRUTH with:
- threads: for each thread, its OS thread id (native_id) and Python frames newest first:
  file, line, function name and the expected repr of each bound fast local, in
  python-gdb.py's order (co_varnames) ('locals'); and what Python's own locals() holds
  ('f_locals': for function frames every name of frame.f_locals in its order, cell and
  free variables with their contents, as [name, expected repr]; [] for other frames),
  with each variable's kind ('kinds') and the code's qualified name (3.11+);
- values: [address, expected repr] pairs for `py-repr`.
Expected reprs follow python-gdb.py's rules, except where pyprinter documents that it
prints what Python prints instead (floats, ints of any size, str escaping, nesting of any
depth, one-argument exceptions, 3.15's empty frozendict: `frozendict()`, where
python-gdb.py prints `frozendict({})`). Ints are written with every digit, past
sys.get_int_max_str_digits() where repr() itself would refuse them (pyprinter shows them
all the same: see README.md, "Divergences").
Runs unchanged on CPython 3.8 - 3.15.
"""
import builtins
import ctypes
import json
import os
import sys
import threading

LIMIT = 1024
V = sys.version_info[:2]
FROZENDICT = getattr(builtins, 'frozendict', None)   # 3.15+

_registered = []


def value(obj):
    """Registers OBJ so that the truth lists its address and expected repr."""
    _registered.append(obj)
    return obj


HEAPTYPE = 1 << 9
INLINE_VALUES = 1 << 2
IMMUTABLETYPE = 1 << 8


def _tp_name(t):
    """The type's C tp_name, read from the type object itself (offset 24 in every
    version's PyTypeObject of a GIL build)."""
    return ctypes.c_char_p.from_address(id(t) + 24).value.decode()


def _instance(obj, active):
    t = type(obj)
    name = _tp_name(t)
    offset = getattr(t, '__dictoffset__', 0)
    if V < (3, 11) and offset > 0 and not ctypes.c_void_p.from_address(id(obj) + offset).value:
        # No dict yet; reading obj.__dict__ would create one.
        return '<%s at remote 0x%x>' % (name, id(obj))
    d = getattr(obj, '__dict__', None) if '__dict__' in dir(t) or hasattr(obj, '__dict__') else None
    if d is None and V >= (3, 13) and t.__flags__ & INLINE_VALUES:
        # A C type that keeps its attributes inline but exposes no __dict__ (3.14's
        # _asyncio.Task): python-gdb.py reads the (empty) inline values all the same.
        return '<%s() at remote 0x%x>' % (name, id(obj))
    has_slots_only = d is None
    if has_slots_only:
        return '<%s at remote 0x%x>' % (name, id(obj))
    if not d and V < (3, 11):
        return '<%s at remote 0x%x>' % (name, id(obj))
    attrs = _join(['%s=%s' % (k, _repr(v, active)) for k, v in d.items()])
    return '<%s(%s) at remote 0x%x>' % (name, attrs, id(obj))


def _join(parts):
    return ', '.join(parts)


def _join_reprs(items, active):
    """The reprs of ITEMS joined. A plain loop: nesting hundreds deep recurses through
    Python calls only (a generator inside join() recurses through C, which debug builds
    limit to a few hundred levels)."""
    parts = []
    for x in items:
        parts.append(_repr(x, active))
    return _join(parts)


def _repr(obj, active):
    """python-gdb.py's repr of OBJ, as pyprinter prints it (no truncation here)."""
    t = type(obj)
    if id(obj) in active:
        if isinstance(obj, list) and not t.__flags__ & HEAPTYPE:
            return '[...]'
        if isinstance(obj, tuple) and not t.__flags__ & HEAPTYPE:
            return '(...)'
        if isinstance(obj, (dict, set, frozenset)) and not t.__flags__ & HEAPTYPE:
            return '{...}'
        if FROZENDICT is not None and t is FROZENDICT:
            return 'frozendict({...})'
        return '<...>'
    active = active | {id(obj)}
    if obj is None or t is bool:
        return repr(obj)
    if t.__name__ in ('set', 'frozenset') and t in (set, frozenset):
        if not obj:
            return '%s()' % t.__name__
        body = '{%s}' % _join_reprs(obj, active)
        return body if t is set else 'frozenset(%s)' % body
    if t.__name__ == 'builtin_function_or_method':
        self = obj.__self__
        if self is None:
            return '<built-in function %s>' % obj.__name__
        return '<built-in method %s of %s object at remote 0x%x>' % (
            obj.__name__, _tp_name(type(self)), id(self))
    if t.__name__ == 'method-wrapper':
        return "<method-wrapper '%s' of %s object at 0x%x>" % (
            obj.__name__, _tp_name(type(obj.__self__)), id(obj.__self__))
    if t.__flags__ & HEAPTYPE:
        return _instance(obj, active)
    if isinstance(obj, (int, str, bytes, float)):
        return repr(obj)
    if isinstance(obj, tuple):
        if len(obj) == 1:
            return '(%s,)' % _repr(obj[0], active)
        return '(%s)' % _join_reprs(obj, active)
    if isinstance(obj, list):
        return '[%s]' % _join_reprs(obj, active)
    if FROZENDICT is not None and t is FROZENDICT:
        if not obj:
            return 'frozendict()'
        return 'frozendict(%s)' % _repr(dict(obj), active)
    if isinstance(obj, dict):
        parts = []
        for k, v in obj.items():
            parts.append('%s: %s' % (_repr(k, active), _repr(v, active)))
        return '{%s}' % _join(parts)
    if isinstance(obj, BaseException):
        return '%s(%s)' % (_tp_name(t), _join_reprs(obj.args, active))
    return '<%s at remote 0x%x>' % (_tp_name(t), id(obj))


def cut(text):
    """TEXT as a repr limited to LIMIT characters prints it."""
    if len(text) > LIMIT:
        text = text[:LIMIT] + '...(truncated)'
    return text


def expected(obj):
    return cut(_repr(obj, frozenset()))


def python_repr(obj):
    """Python's own repr() of OBJ, cut at the limit, ints with every digit."""
    return cut(repr(obj))


def unlimited_ints():
    """Lets repr() write ints of any size (Python 3.11+ and the 3.8-3.10 security
    releases refuse more than 4,300 digits by default) and deep values (recursion)."""
    if hasattr(sys, 'set_int_max_str_digits'):
        sys.set_int_max_str_digits(0)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))


def _frame_locals(frame):
    code = frame.f_code
    cells = set(code.co_cellvars)
    out = []
    f_locals = frame.f_locals
    for name in code.co_varnames:
        if name in cells:
            # A captured argument: python-gdb.py shows the cell (3.11+) or nothing.
            if V >= (3, 11) and name in f_locals:
                out.append([name, None])
            continue
        if name in f_locals:
            out.append([name, expected(f_locals[name])])
    return out


CO_OPTIMIZED = 0x1


def _f_locals(frame):
    """[name, expected repr] of each item of frame.f_locals (Python's locals() order) in a
    function frame, [] in a module or class body."""
    if not frame.f_code.co_flags & CO_OPTIMIZED:
        return []
    return [[name, expected(value)] for name, value in frame.f_locals.items()]


def _kinds(code):
    """{name: kind} of the code's variables, in the words of pyprinter's JSON: "argument",
    "local", "cell" (captured by an inner function), "argument cell", "free"."""
    nargs = code.co_argcount + code.co_kwonlyargcount
    nargs += bool(code.co_flags & 0x4) + bool(code.co_flags & 0x8)  # *args, **kwargs
    args = set(code.co_varnames[:nargs])
    kinds = {name: 'argument' if name in args else 'local' for name in code.co_varnames}
    for name in code.co_cellvars:
        kinds[name] = 'argument cell' if name in args else 'cell'
    for name in code.co_freevars:
        kinds[name] = 'free'
    return kinds


def _stack(frame):
    frames = []
    while frame is not None:
        # f_locals first: on 3.8-3.10 each frame.f_locals refreshes one dict, and a refresh
        # moves an argument that lives in a cell to the end; the first shows locals() order.
        f_locals = _f_locals(frame)
        frames.append({
            'file': frame.f_code.co_filename,
            'line': frame.f_lineno,
            'name': frame.f_code.co_name,
            'qualname': getattr(frame.f_code, 'co_qualname', None),
            'locals': _frame_locals(frame),
            'f_locals': f_locals,
            'kinds': _kinds(frame.f_code),
        })
        frame = frame.f_back
    return frames


def record():
    """Writes the truth of every thread (the caller's frame is the newest of its thread)."""
    unlimited_ints()
    current = threading.get_ident()
    threads = []
    for ident, frame in sys._current_frames().items():
        if ident == current:
            frame = sys._getframe(1)
        known = threading._active.get(ident)
        threads.append({'ident': ident, 'main': ident == threading.main_thread().ident,
                        'current': ident == current, 'frames': _stack(frame),
                        'native_id': getattr(known, 'native_id', None)})
    data = {
        'pid': os.getpid(),
        'version': list(sys.version_info[:3]),
        'hexversion': sys.hexversion,
        'threads': threads,
        'values': [['0x%x' % id(o), expected(o)] for o in _registered],
    }
    path = os.environ['PYP_TRUTH']
    with open(path + '.tmp', 'w') as f:
        json.dump(data, f, indent=1)
    os.rename(path + '.tmp', path)
