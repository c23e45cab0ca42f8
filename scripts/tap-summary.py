#!/usr/bin/env python3
"""Summarise TAP/KTAP result files: one line per test, then the totals.

Nested (K)TAP is read by indentation: a result line whose own subtests were
printed before it is a parent and is not counted; only leaves are tests.
Exits 1 if any test failed or a file holds no result at all.
"""
import re
import sys

RESULT = re.compile(r'^(?P<indent>\s*)(?P<not>not )?ok \d+(?: -)? ?(?P<name>[^#]*?)\s*(?:#\s*(?P<directive>\w+)\s*(?P<reason>.*))?$')


def parse(path):
    prefix = re.sub(r'\.tap$', '', path.rsplit('/', 1)[-1])
    results = []
    child_seen = {}
    stack = {}
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        m = RESULT.match(line)
        if not m:
            st = re.match(r'^(\s*)# Subtest: (.*)$', line)
            if st:
                stack[len(st.group(1).expandtabs()) // 4] = st.group(2)
            continue
        depth = len(m.group('indent').expandtabs()) // 4
        parent = child_seen.pop(depth + 1, False)
        child_seen[depth] = True
        if parent:
            continue
        # Parameterised KUnit cases are named after their case too.
        names = [stack[d] for d in sorted(stack) if 1 <= d <= depth]
        name = ': '.join([prefix] + names + [m.group('name')])
        directive = (m.group('directive') or '').upper()
        if directive == 'SKIP':
            results.append(('SKIP', name, m.group('reason')))
        elif m.group('not'):
            results.append(('FAIL', name, ''))
        else:
            results.append(('PASS', name, ''))
    if not results:
        results.append(('FAIL', prefix + ': no test result in ' + path, ''))
    return results


def main():
    counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
    for path in sys.argv[1:]:
        for status, name, reason in parse(path):
            counts[status] += 1
            print('%s %s%s' % (status, name, ' (' + reason + ')' if reason else ''))
    line = '%d passed, %d failed' % (counts['PASS'], counts['FAIL'])
    if counts['SKIP']:
        line += ', %d skipped' % counts['SKIP']
    print(line)
    return 1 if counts['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())
