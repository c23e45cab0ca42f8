#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The running sis module's operations are the spec's (selftests/ynl.sh).

    ynl-policy.py KERNEL_SOURCE SPEC

Through the kernel tree's YNL library and its nlctrl spec, reads the sis
family's operations (CTRL_CMD_GETFAMILY) and their policies
(CTRL_CMD_GETPOLICY), and holds each to Documentation/netlink/specs/sis.yaml:
the same operations, do and dump as the spec has them, the admin flag where
the spec has it, and for each request exactly the attributes the spec lists,
nested ones too, with the spec's types, value ranges and lengths. Prints TAP
lines, one per operation; exits non-zero on any difference.
"""

import os
import re
import sys

import yaml

TYPE_RANGE = {'u8': (0, 0xff), 'u16': (0, 0xffff), 'u32': (0, 0xffffffff),
              'u64': (0, 0xffffffffffffffff)}
KERNEL_TYPE = {'u8': 'u8', 'u16': 'u16', 'u32': 'u32', 'u64': 'u64',
               'binary': 'binary', 'flag': 'flag', 'nest': 'nested'}


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.y = yaml.safe_load(f)
        self.defs = {d['name']: d for d in self.y.get('definitions', [])}
        self.sets = {s['name']: s for s in self.y['attribute-sets']}

    def limit(self, v):
        if isinstance(v, int):
            return v
        if v in self.defs:
            return self.defs[v]['value']
        m = re.fullmatch(r'([su])(8|16|32|64)-(min|max)', v)
        if not m:
            raise ValueError(f'unknown limit {v}')
        bits = int(m.group(2))
        if m.group(1) == 'u':
            return 0 if m.group(3) == 'min' else (1 << bits) - 1
        return -(1 << (bits - 1)) if m.group(3) == 'min' else (1 << (bits - 1)) - 1

    def enum_range(self, name):
        d = self.defs[name]
        start = d.get('value-start', 0)
        vals = []
        for i, e in enumerate(d['entries']):
            vals.append(e.get('value', start + i) if isinstance(e, dict)
                        else start + i)
        return min(vals), max(vals)

    def base(self, set_name):
        """The full attribute set (a subset's is its parent's)."""
        s = self.sets[set_name]
        return self.sets[s['subset-of']] if 'subset-of' in s else s

    def attrs(self, set_name):
        """name -> (value, merged attribute) of a set, subsets resolved."""
        s = self.sets[set_name]
        base = self.base(set_name)
        value, full = 1, {}
        for a in base['attributes']:
            value = a.get('value', value)
            full[a['name']] = (value, a)
            value += 1
        if 'subset-of' not in s:
            return full
        out = {}
        for a in s['attributes']:
            v, parent = full[a['name']]
            out[a['name']] = (v, {**parent, **a})
        return out

    def max_value(self, set_name):
        return max(v for v, _ in self.attrs(self.base(set_name)['name']).values())

    def expect(self, attr):
        """What the kernel's policy dump should say of @attr."""
        t, checks = attr['type'], attr.get('checks', {})
        e = {}
        if t == 'string':
            e['type'] = 'string' if checks.get('unterminated-ok') else 'nul-string'
        else:
            e['type'] = KERNEL_TYPE[t]
        if t in TYPE_RANGE:
            lo, hi = TYPE_RANGE[t]
            if 'enum' in attr:
                elo, ehi = self.enum_range(attr['enum'])
                lo = elo if elo else lo
                hi = ehi
            if 'min' in checks:
                lo = self.limit(checks['min'])
            if 'max' in checks:
                hi = self.limit(checks['max'])
            e['min-value-u'], e['max-value-u'] = lo, hi
        if t in ('string', 'binary'):
            if 'min-len' in checks:
                e['min-length'] = self.limit(checks['min-len'])
            if 'max-len' in checks:
                e['max-length'] = self.limit(checks['max-len'])
        return e


def main():
    ksrc, spec_path = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(ksrc, 'tools/net/ynl'))
    from lib import YnlFamily

    spec = Spec(spec_path)
    ctrl = YnlFamily(os.path.join(ksrc, 'Documentation/netlink/specs/nlctrl.yaml'))
    fam = ctrl.do('getfamily', {'family-name': spec.y['name']})
    kops = {}
    for item in fam['ops']:
        for op in item.values():
            kops[op['id']] = op.get('flags', set())
    policies, op_policy = {}, {}
    for msg in ctrl.dump('getpolicy', {'family-name': spec.y['name']}):
        if 'op-policy' in msg:
            p = msg['op-policy']
            op_policy[p['op-id']] = p
        if 'policy' in msg:
            p = msg['policy']
            policies.setdefault(p['policy-id'], {})[p['attr-id']] = p

    def compare(idx, set_name, names, where, errs):
        got = policies.get(idx, {})
        want = spec.attrs(set_name)
        want = {want[n][0]: (n, want[n][1]) for n in names}
        for aid in sorted(set(got) | set(want)):
            if aid not in want:
                errs.append(f'{where}: the kernel takes attribute {aid}, '
                            'the spec does not')
                continue
            name, attr = want[aid]
            if aid not in got:
                errs.append(f'{where}: {name}: in the spec, not taken by the kernel')
                continue
            e = spec.expect(attr)
            g = {k: v for k, v in got[aid].items()
                 if k not in ('attr-id', 'policy-id', 'policy-idx', 'policy-maxtype')}
            if e != g:
                errs.append(f'{where}: {name}: the kernel has {g}, the spec {e}')
            if attr['type'] == 'nest' and 'policy-idx' in got[aid]:
                nset = attr['nested-attributes']
                if got[aid]['policy-maxtype'] != spec.max_value(nset):
                    errs.append(f'{where}: {name}: nest maxtype '
                                f'{got[aid]["policy-maxtype"]}, the spec\'s '
                                f'{spec.max_value(nset)}')
                # A whole set's unspec and pad are never taken.
                compare(got[aid]['policy-idx'], nset,
                        [n for n, (_, a) in spec.attrs(nset).items()
                         if a.get('type') not in ('unused', 'pad')],
                        f'{where}.{name}', errs)

    n, bad, value = 0, 0, 0
    seen = set()
    for op in spec.y['operations']['list']:
        value = op.get('value', value + 1)
        n += 1
        name = op['name']
        errs = []
        modes = [m for m in ('do', 'dump') if m in op]
        if not modes:
            if value in kops:
                errs.append('an event in the spec is an operation of the kernel')
        elif value not in kops:
            errs.append('not an operation of the kernel')
        else:
            seen.add(value)
            flags = kops[value]
            for m in ('do', 'dump'):
                if (m in op) != (f'cmd-cap-{m}' in flags):
                    errs.append(f'{m}: the spec and the kernel differ')
            for f in ('admin-perm', 'uns-admin-perm'):
                if (f in op.get('flags', [])) != (f in flags):
                    errs.append(f'{f}: the spec and the kernel differ')
            for m in modes:
                req = op[m].get('request', {}).get('attributes', [])
                if m not in op_policy.get(value, {}):
                    if req:
                        errs.append(f'{m}: the kernel has no policy')
                    continue
                compare(op_policy[value][m], op['attribute-set'], req,
                        f'{m}', errs)
        if errs:
            bad += 1
            print(f'not ok {n} - {name}: as the spec says')
            for e in errs:
                print(f'# {e}')
        else:
            print(f'ok {n} - {name}: as the spec says'
                  f' ({", ".join(modes) or "event"})')
    for extra in sorted(set(kops) - seen):
        n += 1
        bad += 1
        print(f'not ok {n} - kernel operation {extra} is in the spec')
    print(f'1..{n}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
