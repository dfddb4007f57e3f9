"""pyprinter-gen as a user meets it (sanitized build): the main job, --list, --query,
and one clear line plus a non-zero exit for each kind of bad input."""
import json
import os
import shutil

import pytest

import matrix
from conftest import run_gen

COMMITTED = os.path.join(matrix.TOP, 'versions', 'tables', 'x86_64-linux-gnu')


def committed(version, variant='release'):
    with open(os.path.join(COMMITTED, '%s-%s.json' % (version, variant))) as f:
        return json.load(f)['facts']


def one_error_line(r, *words):
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith('pyprinter-gen: '), r.stderr
    for w in words:
        assert w in lines[0], (w, r.stderr)
    return lines[0]


def test_generate_writes_json_and_c_and_says_where(tmp_path):
    r = run_gen('--cpython', '3.12', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    json_path = tmp_path / 'out' / '3.12' / 'layout-3.12-release.json'
    c_path = tmp_path / 'out' / '3.12' / 'layout-3.12-release.c'
    assert 'out/3.12/layout-3.12-release.json' in r.stdout
    assert 'out/3.12/layout-3.12-release.c' in r.stdout
    table = json.loads(json_path.read_text())
    assert table['minor'] == '3.12' and table['variant'] == 'release'
    assert 'pyp_layout_3_12' in c_path.read_text()


def test_list_names_every_version_and_variant():
    r = run_gen('--list')
    assert r.returncode == 0, r.stderr
    for minor, variants in matrix.VARIANTS_BY_MINOR.items():
        line = next(l for l in r.stdout.splitlines() if l.startswith(minor + ' '))
        for v in variants:
            assert v in line


@pytest.mark.parametrize('query,name', [
    ('_PyInterpreterFrame.previous', 'iframe.previous'),
    ('struct _PyInterpreterFrame.owner', 'iframe.owner'),
    ('sizeof(PyCodeObject)', 'code.size'),
    ('PyCodeObject', 'code.size'),
    ('iframe.localsplus', 'iframe.localsplus'),
    ('tstate.native_thread_id', 'tstate.native_thread_id'),
])
def test_query_prints_the_committed_fact(query, name):
    r = run_gen('--cpython', '3.12', '--committed', '--query', query)
    assert r.returncode == 0, r.stderr
    assert r.stdout == '%d\n' % committed('3.12.1')[name]['value']


def test_query_bitfield_prints_byte_bit_width():
    fact = committed('3.12.1')['str.state.kind']
    r = run_gen('--cpython', '3.12', '--committed', '--query', 'PyASCIIObject.state.kind')
    assert r.stdout.split() == [str(fact['value'] // 8), str(fact['value'] % 8), str(fact['width'])]


def test_query_of_a_fact_another_version_has():
    r = run_gen('--cpython', '3.12', '--committed', '--query', 'PyFrameObject.f_code')
    assert r.returncode == 1
    one_error_line(r, 'does not exist in CPython 3.12', '3.8-3.10')


def test_query_unknown_fact():
    r = run_gen('--cpython', '3.12', '--committed', '--query', 'PyFrameObject.no_such_field')
    assert r.returncode == 2
    one_error_line(r, "unknown fact 'PyFrameObject.no_such_field'")


@pytest.mark.parametrize('version', ['3.7', '3.99', '2.7'])
def test_unsupported_version(version):
    r = run_gen('--cpython', version)
    assert r.returncode == 2
    one_error_line(r, 'CPython %s is not supported' % version)


@pytest.mark.parametrize('bad', ['12', 'three', '3.', '3.12.1'])
def test_malformed_version(bad):
    r = run_gen('--cpython', bad)
    assert r.returncode == 2
    one_error_line(r, '--cpython wants a version like 3.12')


def test_unknown_variant_lists_the_real_ones():
    r = run_gen('--cpython', '3.12', '--variant', 'freethreaded')
    assert r.returncode == 2
    one_error_line(r, "no variant 'freethreaded'", 'release, debug, tracerefs')


def test_headers_of_another_version():
    t = next(t for t in matrix.targets() if t.minor == '3.11' and not t.skip)
    r = run_gen('--cpython', '3.12', '--headers', t.include_dir)
    assert r.returncode == 1
    one_error_line(r, 'are CPython %s, not 3.12' % t.version)


def test_headers_dir_without_python_h(tmp_path):
    r = run_gen('--cpython', '3.12', '--headers', str(tmp_path))
    assert r.returncode == 1
    one_error_line(r, 'no Python.h in %s' % tmp_path)


def test_unparsable_headers_show_clangs_first_error(tmp_path):
    (tmp_path / 'Python.h').write_text('#define PY_VERSION "3.12.9"\nthis is not C;\n')
    r = run_gen('--cpython', '3.12', '--headers', str(tmp_path))
    assert r.returncode == 1
    line = one_error_line(r, 'cannot parse the CPython headers', 'Python.h:2')
    assert 'error:' in line


def test_missing_field_is_named(tmp_path):
    versions = tmp_path / 'versions'
    shutil.copytree(os.path.join(matrix.TOP, 'versions'), versions)
    with open(versions / 'fields.manifest', 'a') as f:
        f.write('tstate.no_such_field offset all PyThreadState.no_such_field\n')
    t = next(t for t in matrix.targets() if t.minor == '3.12' and not t.skip)
    r = run_gen('--versions', str(versions), '--cpython', '3.12', '--headers', t.include_dir,
                '-o', str(tmp_path / 'o'))
    assert r.returncode == 1
    one_error_line(r, 'tstate.no_such_field', 'PyThreadState.no_such_field', "no field 'no_such_field'")


def test_no_headers_anywhere_uses_the_committed_table(tmp_path, monkeypatch):
    # An empty pyenv root, no chroot, and a PATH without python3.X-config.
    monkeypatch.setenv('PYENV_ROOT', str(tmp_path))
    monkeypatch.setenv('PYPRINTER_CACHE', str(tmp_path))
    monkeypatch.setenv('PATH', '/nonexistent')
    r = run_gen('--cpython', '3.14', '-o', str(tmp_path / 'o'))
    assert r.returncode == 0, r.stderr
    assert 'committed table' in r.stdout
    fresh = json.loads((tmp_path / 'o' / 'layout-3.14-release.json').read_text())
    assert fresh['facts'] == committed('3.14.10')


def test_bad_option_and_missing_version():
    r = run_gen('--frobnicate')
    assert r.returncode == 2
    one_error_line(r, '--frobnicate')
    r = run_gen()
    assert r.returncode == 2
    one_error_line(r, '--cpython 3.X')


def test_help_documents_every_option():
    r = run_gen('--help')
    assert r.returncode == 0
    for opt in ('--cpython', '--headers', '--variant', '--target', '--output', '--query', '--list',
                '--committed', '--define', '--c-header', '--python', '--printable'):
        assert opt in r.stdout


def test_scons_install_is_relocatable(tmp_path):
    """`scons install` stages a generator that finds its own versions/ beside it."""
    import subprocess
    r = subprocess.run(['scons', '-Q', 'install', 'PREFIX=/usr', 'DESTDIR=%s' % tmp_path],
                       cwd=matrix.TOP, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    gen = tmp_path / 'usr' / 'bin' / 'pyprinter-gen'
    for p in ('usr/share/pyprinter/versions/fields.manifest', 'usr/include/pyprinter/pyp_facts.h',
              'usr/share/pyprinter/3.12/layout-3.12-release.c'):
        assert (tmp_path / p).exists(), p
    r = subprocess.run([str(gen), '--cpython', '3.12', '--committed', '-o', str(tmp_path / 'o')],
                       capture_output=True, text=True, env={'PATH': '/usr/bin:/bin'})
    assert r.returncode == 0, r.stderr
    assert str(tmp_path / 'usr' / 'bin' / '..' / 'share' / 'pyprinter' / 'versions') in r.stdout
