#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The YNL spec and the uapi header say the same (`make check`).

    scripts/ynl-check.py [--spec FILE] KERNEL_SOURCE [BUILD_DIR]

Documentation/netlink/specs/sis.yaml is validated against the kernel tree's
genetlink-legacy schema and rendered by its ynl-gen-c.py into a uapi header.
uapi/linux/sis.h must then define exactly the constants, enumerators, enum
types and structs that rendering has, with the same values (both headers are
compiled and their values printed), and each struct of the spec must have
its members at the offsets the spec gives. The operations' policies are
held to the spec in the guest (selftests/ynl.sh).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(TOP, 'Documentation/netlink/specs/sis.yaml')
HEADER = os.path.join(TOP, 'uapi/linux/sis.h')

# In the header, not in the spec: command 0 is never sent, and YNL numbers
# the commands from the first.
NOT_IN_SPEC = {'SIS_CMD_UNSPEC'}

SIZES = {'u8': 1, 'u16': 2, 'u32': 4, 'u64': 8,
         's8': 1, 's16': 2, 's32': 4, 's64': 8}


def c_name(name):
    return name.replace('-', '_')


def names(text):
    """The #defines, enumerators and enum tags of a header."""
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    defines = set(re.findall(r'^#define\s+(\w+)', text, flags=re.M))
    defines -= {'_UAPI_LINUX_SIS_H'}
    enums, members = set(), set()
    for tag, body in re.findall(r'enum\s+(\w+)\s*\{(.*?)\}', text, flags=re.S):
        enums.add(tag)
        for item in body.split(','):
            m = re.match(r'\s*(\w+)', item)
            if m:
                members.add(m.group(1))
    return defines | members, enums


def string_defines(text):
    return set(re.findall(r'^#define\s+(\w+)\s+"', text, flags=re.M))


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode:
        sys.exit(f'{" ".join(cmd)} failed:\n{p.stdout}{p.stderr}')
    return p.stdout


def values(tmp, include_dir, header, consts, strings, enums, asserts, flags):
    """NAME VALUE lines for @consts, compiled against @header."""
    src = os.path.join(tmp, 'values.c')
    exe = os.path.join(tmp, 'values')
    with open(src, 'w') as f:
        f.write('#include <stdio.h>\n#include <stddef.h>\n')
        f.write(f'#include "{header}"\n\n')
        f.writelines(asserts)
        f.write('int main(void)\n{\n')
        for e in sorted(enums):
            f.write(f'\tprintf("enum {e} %zu\\n", sizeof(enum {e}));\n')
        for n in sorted(consts):
            if n in strings:
                f.write(f'\tprintf("{n} \\"%s\\"\\n", {n});\n')
            else:
                f.write(f'\tprintf("{n} %llu\\n", (unsigned long long)({n}));\n')
        f.write('\treturn 0;\n}\n')
    run(['cc', '-std=gnu11'] + flags + ['-I', include_dir, '-o', exe, src])
    return run([exe]).splitlines()


def struct_asserts(spec):
    """Static assertions: each spec struct's members where the spec puts them."""
    out = []
    for d in spec.get('definitions', []):
        if d['type'] != 'struct':
            continue
        tag = 'sis_' + c_name(d['name'])
        off = 0
        for m in d['members']:
            size = m['len'] if m['type'] == 'binary' else SIZES[m['type']]
            out.append(f'_Static_assert(offsetof(struct {tag}, '
                       f'{c_name(m["name"])}) == {off}, '
                       f'"struct {tag}: {m["name"]} at {off}");\n')
            out.append(f'_Static_assert(sizeof(((struct {tag} *)0)->'
                       f'{c_name(m["name"])}) == {size}, '
                       f'"struct {tag}: {m["name"]} of {size} bytes");\n')
            off += size
        out.append(f'_Static_assert(sizeof(struct {tag}) == {off}, '
                   f'"struct {tag} of {off} bytes");\n')
    return out


def main():
    global SPEC
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--spec', default=SPEC, help='another spec, to see it fail')
    ap.add_argument('ksrc')
    ap.add_argument('build', nargs='?')
    args = ap.parse_args()
    SPEC = os.path.abspath(args.spec)
    ksrc = args.ksrc
    build = args.build or tempfile.mkdtemp()
    gen_c = os.path.join(ksrc, 'tools/net/ynl/ynl-gen-c.py')

    # ynl-gen-c.py finds the schema beside the spec's directory and the
    # tree's top by its MAINTAINERS: a tree of links gives it both.
    tree = os.path.join(build, 'ynl')
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, 'Documentation/netlink/specs'))
    open(os.path.join(tree, 'MAINTAINERS'), 'w').close()
    os.symlink(os.path.join(ksrc, 'Documentation/netlink/genetlink-legacy.yaml'),
               os.path.join(tree, 'Documentation/netlink/genetlink-legacy.yaml'))
    spec_link = os.path.join(tree, 'Documentation/netlink/specs/sis.yaml')
    os.symlink(SPEC, spec_link)
    os.makedirs(os.path.join(tree, 'include/linux'))
    rendered = os.path.join(tree, 'include/linux/sis.h')
    run([sys.executable, gen_c, '--mode', 'uapi', '--header',
         '--spec', spec_link, '-o', rendered])
    print(f'ok: {os.path.relpath(SPEC, TOP)} is valid; YNL renders {rendered}')

    with open(rendered) as f:
        gen_text = f.read()
    with open(HEADER) as f:
        our_text = f.read()
    gen_names, gen_enums = names(gen_text)
    our_names, our_enums = names(our_text)
    bad = 0
    for n in sorted(gen_names - our_names):
        print(f'FAIL: the spec has {n}, uapi/linux/sis.h has not')
        bad += 1
    for n in sorted(our_names - gen_names - NOT_IN_SPEC):
        print(f'FAIL: uapi/linux/sis.h has {n}, the spec has not')
        bad += 1
    for e in sorted(gen_enums ^ our_enums):
        print(f'FAIL: enum {e} is in one of the spec and the header only')
        bad += 1
    if bad:
        sys.exit(1)

    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    strings = string_defines(gen_text)
    with tempfile.TemporaryDirectory() as tmp:
        ours = values(tmp, os.path.join(TOP, 'uapi'), 'linux/sis.h',
                      gen_names, strings, gen_enums, struct_asserts(spec),
                      ['-Wall', '-Werror'])
        theirs = values(tmp, os.path.join(tree, 'include'), 'linux/sis.h',
                        gen_names, strings, gen_enums, [],
                        # YNL writes ~0 as a decimal too large for long
                        ['-w'])
    for a, b in zip(ours, theirs):
        if a != b:
            print(f'FAIL: uapi/linux/sis.h: {a}; the spec: {b}')
            bad += 1
    if bad:
        sys.exit(1)
    print(f'ok: {len(gen_names)} constants and enumerators and {len(gen_enums)} '
          f'enums of the spec are the header\'s, with the same values')
    print(f'ok: {sum(d["type"] == "struct" for d in spec["definitions"])} '
          'structs laid out as the spec says')


if __name__ == '__main__':
    main()
