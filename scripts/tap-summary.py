#!/usr/bin/env python3
"""Summarise TAP/KTAP result files: one line per test, then the totals.

Nested (K)TAP is read by indentation: a result line whose own subtests were
printed before it is a parent and is not counted; only leaves are tests.
A plan ("1..N") at any level must match the results of that level: a
test that stopped half-way fails, whatever it printed. Exits 1 if any
test failed or a file holds no result at all.
"""
import re
import sys

RESULT = re.compile(r'^(?P<indent>\s*)(?P<not>not )?ok \d+(?: -)? ?(?P<name>[^#]*?)\s*(?:#\s*(?P<directive>\w+)\s*(?P<reason>.*))?$')


PLAN = re.compile(r'^(?P<indent>\s*)1\.\.(?P<n>\d+)\s*(?:#.*)?$')


def parse(path):
    prefix = re.sub(r'\.tap$', '', path.rsplit('/', 1)[-1])
    results = []
    child_seen = {}
    stack = {}
    plans = {}      # depth: planned count, while that level is open
    counted = {}    # depth: results seen at that level

    def close(depth):
        """The level at DEPTH (and deeper) ended: check their plans."""
        for d in sorted([d for d in counted if d >= depth], reverse=True):
            if d in plans and plans[d] != counted[d]:
                where = ': '.join([prefix] + [stack[k] for k in sorted(stack) if 1 <= k <= d])
                results.append(('FAIL', '%s: plan 1..%d, but %d results'
                                % (where, plans[d], counted[d]), ''))
            plans.pop(d, None)
            counted.pop(d, None)

    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        p = PLAN.match(line)
        if p:
            depth = len(p.group('indent').expandtabs()) // 4
            plans[depth] = int(p.group('n'))
            counted.setdefault(depth, 0)
            continue
        m = RESULT.match(line)
        if not m:
            st = re.match(r'^(\s*)# Subtest: (.*)$', line)
            if st:
                stack[len(st.group(1).expandtabs()) // 4] = st.group(2)
            continue
        depth = len(m.group('indent').expandtabs()) // 4
        close(depth + 1)
        counted[depth] = counted.get(depth, 0) + 1
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
    close(0)
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
