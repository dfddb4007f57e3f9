"""The JSON schema of `pyprinter bt --json` (decoder_schema.json) and a small validator for
the part of JSON Schema (2020-12) it uses: $ref to #/$defs, type, const, enum, oneOf,
properties, required, additionalProperties (true/false), items, pattern, minimum,
minLength. A keyword it does not know is an error, so the schema cannot silently say
more than is checked."""
import json
import os
import re

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'decoder_schema.json')
ANNOTATIONS = {'$schema', '$id', '$defs', 'title', 'description'}
TYPES = {
    'object': lambda v: isinstance(v, dict),
    'array': lambda v: isinstance(v, list),
    'string': lambda v: isinstance(v, str),
    'integer': lambda v: isinstance(v, int) and not isinstance(v, bool),
    'number': lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    'boolean': lambda v: isinstance(v, bool),
    'null': lambda v: v is None,
}

_schema = None


def schema():
    global _schema
    if _schema is None:
        with open(PATH) as f:
            _schema = json.load(f)
    return _schema


def errors(doc, root=None):
    """Every way DOC breaks the schema, as 'path: problem' strings ([] when valid)."""
    root = root or schema()
    out = []
    _check(doc, root, root, '$', out)
    return out


def _resolve(ref, root):
    if not ref.startswith('#/'):
        raise ValueError('only local $ref: %s' % ref)
    node = root
    for part in ref[2:].split('/'):
        node = node[part]
    return node


def _check(value, s, root, path, out):
    unknown = set(s) - ANNOTATIONS - {'$ref', 'type', 'const', 'enum', 'oneOf', 'properties',
                                      'required', 'additionalProperties', 'items', 'pattern',
                                      'minimum', 'minLength'}
    if unknown:
        raise ValueError('%s: schema keywords the validator does not know: %s' % (path, unknown))
    if '$ref' in s:
        _check(value, _resolve(s['$ref'], root), root, path, out)
    if 'type' in s:
        types = s['type'] if isinstance(s['type'], list) else [s['type']]
        if not any(TYPES[t](value) for t in types):
            out.append('%s: %s is not of type %s' % (path, _short(value), ' or '.join(types)))
            return
    if 'const' in s and not _same(value, s['const']):
        out.append('%s: %s is not %r' % (path, _short(value), s['const']))
    if 'enum' in s and not any(_same(value, e) for e in s['enum']):
        out.append('%s: %s is not one of %r' % (path, _short(value), s['enum']))
    if 'oneOf' in s:
        results = []
        for alt in s['oneOf']:
            sub = []
            _check(value, alt, root, path, sub)
            results.append(sub)
        passing = sum(not r for r in results)
        if passing != 1:
            out.append('%s: %s matches %d of the oneOf alternatives, not exactly one (%s)' % (
                path, _short(value), passing, '; '.join(e for r in results for e in r[:2])))
    if isinstance(value, dict):
        props = s.get('properties', {})
        for key in s.get('required', []):
            if key not in value:
                out.append('%s: required key %r is missing' % (path, key))
        for key, v in value.items():
            if key in props:
                _check(v, props[key], root, '%s.%s' % (path, key), out)
            elif s.get('additionalProperties', True) is False:
                out.append('%s: key %r is not in the schema' % (path, key))
    if isinstance(value, list) and 'items' in s:
        for i, v in enumerate(value):
            _check(v, s['items'], root, '%s[%d]' % (path, i), out)
    if isinstance(value, str):
        if 'pattern' in s and not re.search(s['pattern'], value):
            out.append('%s: %s does not match %s' % (path, _short(value), s['pattern']))
        if 'minLength' in s and len(value) < s['minLength']:
            out.append('%s: %s is shorter than %d' % (path, _short(value), s['minLength']))
    if TYPES['number'](value) and 'minimum' in s and value < s['minimum']:
        out.append('%s: %r is less than %r' % (path, value, s['minimum']))


def _same(a, b):
    """JSON equality: true is not 1."""
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def _short(v):
    text = repr(v)
    return text if len(text) < 120 else text[:117] + '...'
