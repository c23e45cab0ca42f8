#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The journal's native socket, for a test: what libsystemd sends there.

    journal_sink.py SOCKET OUT

Binds a datagram socket at SOCKET (/run/systemd/journal/socket, in a mount
namespace of the test's own), prints "ready", then writes each entry it
receives to OUT as one JSON object per line, its fields by name. It reads
the native protocol as systemd-journald does (systemd.journal-fields(7),
"Native protocol" in systemd's documentation): fields "NAME=value\\n", or
"NAME\\n", a 64-bit little-endian length, the value and "\\n" for a value
with a newline; an entry too large for a datagram comes as a memfd passed
with SCM_RIGHTS. A malformed entry is written as {"_SINK_ERROR": why}.

The guests the tests run in have no systemd-journald: their kernel is
built without cgroups, which journald needs (it exits with "Failed to
acquire cgroup root path").
"""
import array
import json
import os
import socket
import struct
import sys

MAX_DATAGRAM = 16 << 20


def parse(data):
    """The fields of one entry, as a dict of str (a field may repeat:
    its values are then a list)."""
    fields = {}
    i = 0
    while i < len(data):
        nl = data.find(b"\n", i)
        if nl < 0:
            raise ValueError("a field without its newline at %d" % i)
        line = data[i:nl]
        eq = line.find(b"=")
        if eq >= 0:
            name, value = line[:eq], line[eq + 1:]
            i = nl + 1
        else:
            name = line
            if nl + 9 > len(data):
                raise ValueError("%r: no length" % name)
            (n,) = struct.unpack_from("<Q", data, nl + 1)
            start = nl + 9
            value = data[start:start + n]
            if len(value) != n or data[start + n:start + n + 1] != b"\n":
                raise ValueError("%r: %d bytes without their newline" % (name, n))
            i = start + n + 1
        if not name or not all(c == 0x5f or 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5a
                               for c in name):
            raise ValueError("invalid field name %r" % name)
        key = name.decode()
        text = value.decode("utf-8", "replace")
        if key in fields:
            old = fields[key]
            fields[key] = (old if isinstance(old, list) else [old]) + [text]
        else:
            fields[key] = text
    return fields


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock.bind(path)
    os.chmod(path, 0o666)
    out = open(out_path, "a", encoding="utf-8")
    print("ready", flush=True)
    fd_space = socket.CMSG_SPACE(array.array("i", [0]).itemsize)
    while True:
        data, anc, _, _ = sock.recvmsg(MAX_DATAGRAM, fd_space)
        for level, kind, cdata in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(cdata[:len(cdata) - len(cdata) % fds.itemsize])
                for fd in fds:
                    with os.fdopen(fd, "rb") as f:
                        data = f.read()
        try:
            entry = parse(data)
        except ValueError as e:
            entry = {"_SINK_ERROR": str(e)}
        out.write(json.dumps(entry, sort_keys=True) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
