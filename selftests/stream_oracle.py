#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The oracle of the stream-edit test: what the receiver of one direction of
a tcpio connection must read once scanners edited it, as a SHA-256.

    stream_oracle.py TCPIO DIR SEED OUTBYTES INBYTES [ID=FILE]... [EDIT]...

DIR is "out" (the client's bytes: its 24-byte header, then tcpio's
generator from SEED) or "in" (the server's: the generator from SEED + 1).
EDITs are sis-stream's (-e): cut:DIR:OFFSET:LEN and inject:DIR:OFFSET:ID,
in the order of their offsets; those of the other direction are ignored.
ID=FILE gives the bytes of stream injection ID. The result is the original
with each cut range taken out and each block put before its byte.
"""
import hashlib
import struct
import subprocess
import sys


def main():
    tcpio, want_dir, seed, out_bytes, in_bytes = sys.argv[1:6]
    seed, out_bytes, in_bytes = int(seed), int(out_bytes), int(in_bytes)
    blocks, edits = {}, []
    for arg in sys.argv[6:]:
        if '=' in arg:
            ident, path = arg.split('=', 1)
            with open(path, 'rb') as f:
                blocks[int(ident)] = f.read()
            continue
        op, d, off, *rest = arg.split(':')
        if d == want_dir:
            edits.append((op, int(off), int(rest[0]) if rest else 0))
    if want_dir == 'out':
        head = b'TCIO' + struct.pack('>IQQ', seed, out_bytes, in_bytes)
        gen_seed, n = seed, out_bytes
    else:
        head, gen_seed, n = b'', seed + 1, in_bytes
    data = head + subprocess.run([tcpio, 'gen', str(n), '-s', str(gen_seed)],
                                 check=True, capture_output=True).stdout
    md, pos = hashlib.sha256(), 0
    for op, off, arg in edits:
        md.update(data[pos:off])
        pos = off
        if op == 'inject':
            md.update(blocks[arg])
        elif op == 'cut':
            pos = off + arg
        else:
            sys.exit(f'stream_oracle.py: {op}: not an edit of the bytes')
    md.update(data[pos:])
    print(md.hexdigest())


if __name__ == '__main__':
    main()
