"""The C form of every layout table the build wrote (out/3.X/layout-3.X-V.c) compiles
with -Wall -Wextra -Werror under AddressSanitizer and holds exactly the facts of the
JSON form beside it."""
import glob
import json
import os
import subprocess

import pytest

import matrix

OUT = os.path.join(matrix.TOP, 'out')

DUMP_MAIN = r'''
#include <stdio.h>
#include "pyp_layout.h"
extern const struct pyp_layout TABLE;
int main(void)
{
    printf("%s %s %lx\n", TABLE.cpython, TABLE.variant, TABLE.version_hex);
    for (int i = 0; i < PYP_FACT_COUNT; i++) {
        const struct pyp_fact *f = &TABLE.facts[i];
        if (f->present)
            printf("%d %lld %d\n", i, (long long)f->value, f->width);
        else
            printf("%d -\n", i);
    }
    return 0;
}
'''


def built_tables():
    return sorted(glob.glob(os.path.join(OUT, '3.*', 'layout-*.c')))


@pytest.mark.parametrize('c_path', built_tables(), ids=os.path.basename)
def test_c_table_equals_json(c_path, tmp_path):
    table = json.load(open(c_path[:-2] + '.json'))
    name = 'pyp_layout_%s_%s' % (table['cpython'].replace('.', '_'), table['variant'])
    main = tmp_path / 'main.c'
    main.write_text(DUMP_MAIN.replace('TABLE', name))
    exe = tmp_path / 'dump'
    subprocess.run(['gcc', '-std=c11', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined',
                    '-I', os.path.join(matrix.TOP, 'runtime'), '-I', os.path.join(OUT, 'include'),
                    str(main), c_path, '-o', str(exe)], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == '%s %s %x' % (table['cpython'], table['variant'], int(table['version_hex'], 16))
    expected = []
    for i, fact in enumerate(table['facts'].values()):
        expected.append('%d -' % i if fact is None else '%d %d %d' % (i, fact['value'], fact.get('width', 0)))
    assert out[1:] == expected


def test_every_version_was_built():
    for minor, variants in matrix.VARIANTS_BY_MINOR.items():
        for v in variants:
            assert os.path.exists(os.path.join(OUT, minor, 'layout-%s-%s.c' % (minor, v)))
