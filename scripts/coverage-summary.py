#!/usr/bin/env python3
"""Summarise lcov tracefiles: per file and in total, lines, branches and
functions covered; then the largest functions no test ran (by the number
of their instrumented lines).

    coverage-summary.py TOP KERNEL.info USER.info
"""
import sys


def parse(path):
    """{file: {'lines': {n: hits}, 'fns': {name: [line, hits]}, 'br': [hit?]}}"""
    files = {}
    cur = None
    for line in open(path):
        line = line.rstrip('\n')
        key, _, val = line.partition(':')
        if key == 'SF':
            cur = files.setdefault(val, {'lines': {}, 'fns': {}, 'br': []})
        elif key == 'DA':
            n, hits = val.split(',')[:2]
            cur['lines'][int(n)] = cur['lines'].get(int(n), 0) + int(hits)
        elif key == 'FN':
            n, name = val.split(',', 1)
            cur['fns'].setdefault(name, [int(n), 0])
        elif key == 'FNDA':
            hits, name = val.split(',', 1)
            cur['fns'].setdefault(name, [0, 0])[1] += int(hits)
        elif key == 'BRDA':
            taken = val.split(',')[3]
            cur['br'].append(taken not in ('-', '0'))
    return files


def cell(hit, total):
    return '%.1f%% (%d/%d)' % (100.0 * hit / total, hit, total) if total else '-'


def report(title, files, top):
    print('## %s' % title)
    row = '| %s | %s | %s | %s |'
    print(row % ('file', 'lines', 'branches', 'functions'))
    print(row % ('---', '---', '---', '---'))
    tl = th = tb = tbh = tf = tfh = 0
    untested = []
    for path in sorted(files):
        f = files[path]
        lines = f['lines']
        l, lh = len(lines), sum(1 for h in lines.values() if h)
        b, bh = len(f['br']), sum(f['br'])
        fn, fnh = len(f['fns']), sum(1 for v in f['fns'].values() if v[1])
        tl, th, tb, tbh, tf, tfh = tl + l, th + lh, tb + b, tbh + bh, tf + fn, tfh + fnh
        name = path[len(top) + 1:] if path.startswith(top + '/') else path
        print(row % ('`%s`' % name, cell(lh, l), cell(bh, b), cell(fnh, fn)))
        # A function's size: its instrumented lines up to the next one's start.
        starts = sorted(v[0] for v in f['fns'].values())
        for fname, (start, hits) in f['fns'].items():
            if hits:
                continue
            nxt = min([s for s in starts if s > start] or [1 << 30])
            size = sum(1 for n in lines if start <= n < nxt)
            untested.append((size, name, start, fname))
    print(row % ('**total**', cell(th, tl), cell(tbh, tb), cell(tfh, tf)))
    print()
    print('Largest functions no test ran (instrumented lines):')
    print()
    for size, name, start, fname in sorted(untested, reverse=True)[:15]:
        print('- %d: `%s()` (`%s:%d`)' % (size, fname, name, start))
    print()


def main():
    top = sys.argv[1].rstrip('/')
    report('kernel/ (KUnit and the check tier of the kselftests)', parse(sys.argv[2]), top)
    report('lib/ and tools/ (host unit tests)', parse(sys.argv[3]), top)


if __name__ == '__main__':
    main()
