"""The JSON schema of `pyprinter bt --json` (tests/decoder_schema.json) and its validator
(tests/decoder_schema.py). Every --json run of the suite is validated against it
(decoder.run); here the validator is shown to accept pyprinter's documents and to reject
each kind of mistake, so that a passing validation means something."""
import copy

import pytest

import decoder
import decoder_schema
import matrix
from conftest import core_of


def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == '$ref':
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def test_schema_refs_resolve():
    s = decoder_schema.schema()
    for ref in refs(s):
        assert decoder_schema._resolve(ref, s) is not None, ref
    assert s['properties']['schema'] == {'const': 'pyprinter-bt/1'}


@pytest.fixture(scope='module')
def document(core_dir):
    target = next(t for t in matrix.targets() if not t.skip)
    core, _ = core_of(target, 'sc_closures', core_dir)
    doc = decoder.bt(target, core, '--json', '--locals').doc
    assert doc['threads'][0]['frames'][0]['locals'], 'the document should have locals to break'
    return doc


def broken(doc, change):
    d = copy.deepcopy(doc)
    change(d)
    return d


def frame0(d):
    return d['threads'][0]['frames'][0]


MISTAKES = {
    'schema name': lambda d: d.update(schema='pyprinter-bt/2'),
    'missing key': lambda d: d['python'].pop('version'),
    'extra key': lambda d: d['target'].update(extra=1),
    'string for integer': lambda d: d['target'].update(pid='1'),
    'boolean for integer': lambda d: frame0(d).update(line=True),
    'negative line': lambda d: frame0(d).update(line=-1),
    'upper-case address': lambda d: d['threads'][0].update(tstate='0xABC'),
    'number for address': lambda d: d['threads'][0].update(tstate=1234),
    'unknown GIL state': lambda d: d['threads'][0]['status'].update(gil='maybe'),
    'unknown local kind': lambda d: frame0(d)['locals'][0].update(kind='global'),
    'empty local name': lambda d: frame0(d)['locals'][0].update(name=''),
    'null frame address': lambda d: frame0(d).update(frame=None),
    'status not an object': lambda d: d['threads'][0].update(status='held'),
    'signal without name': lambda d: d['target'].update(signal={'number': 6, 'address': None}),
    'notes not strings': lambda d: d.update(notes=[1]),
    'bad version': lambda d: d['python'].update(version='3.x'),
    'unknown chain problem': lambda d: d['threads'][0].update(frame_chain_problem='loop'),
}


def test_validator_accepts_pyprinter_documents(document):
    assert decoder_schema.errors(document) == []


@pytest.mark.parametrize('mistake', sorted(MISTAKES))
def test_validator_rejects(document, mistake):
    wrong = decoder_schema.errors(broken(document, MISTAKES[mistake]))
    assert wrong, mistake


def test_validator_refuses_keywords_it_does_not_know():
    with pytest.raises(ValueError):
        decoder_schema.errors({}, {'type': 'object', 'maxProperties': 1})
