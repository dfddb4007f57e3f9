"""python3 -m tests.matrix: print the test matrix as this machine has it."""
from . import describe, header_sets

print(describe())
print()
for version, variant, inc in header_sets():
    print('headers %-8s %-12s %s' % (version, variant, inc))
