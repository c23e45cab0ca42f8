#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The SMTP servers of the mail scanner's test (selftests/mailscan.sh).

    mail_server.py DIR [--tls CERT KEY] NAME:NETNS:ADDR:PORT[:OPTION...]...

One process (a Python start is seconds in the test guest) serving every
listener given, each in its network namespace (/run/netns/NETNS; "-"
for this one): aiosmtpd, accepting every message. Each message's raw
bytes as the client sent them, once the final dot is taken off and the
dot-stuffing undone, CRLF kept (envelope.original_content), go to
DIR/NAME/N.eml, N counting from 1, and its envelope to DIR/NAME/N.json.
A file appears whole (written, then renamed). Every command a client
sends goes to DIR/NAME/commands, one line each, as the server read it:
what reached the server through the bridge.

The EHLO reply advertises PIPELINING (which aiosmtpd handles, without
saying so), 8BITMIME and SMTPUTF8; the OPTIONs:

    chunking-middle  CHUNKING as the third line of the EHLO reply
    chunking-last    CHUNKING as its last line
    tls              STARTTLS, with --tls's certificate

It says "ready" on stdout once every listener listens.
"""
import asyncio
import ctypes
import json
import os
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(name):
    """This process's network namespace becomes /run/netns/NAME: the
    sockets made after it live there."""
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (name, os.strerror(e)))
    finally:
        os.close(fd)


class Handler:
    def __init__(self, out, chunking):
        self.out = out
        self.chunking = chunking
        self.n = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # The 5-argument hook replaces aiosmtpd's own bookkeeping.
        session.host_name = hostname
        responses.insert(1, "250-PIPELINING")
        if self.chunking == "middle":
            responses.insert(2, "250-CHUNKING")
        elif self.chunking == "last":
            responses[-1] = "250-" + responses[-1][4:]
            responses.append("250 CHUNKING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.out, str(self.n))
        with open(base + ".json.tmp", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "mail_options": envelope.mail_options,
                       "size": len(envelope.original_content)}, f)
        os.rename(base + ".json.tmp", base + ".json")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK stored as %d" % self.n


class LoggingSMTP(SMTP):
    """Logs each command it reads, BDAT (which aiosmtpd does not know) too."""

    # base64 lines are short, 8-bit text need not be
    line_length_limit = 1 << 20

    def __init__(self, *args, log=None, **kw):
        super().__init__(*args, **kw)
        self.cmdlog = log

    def _log(self, line):
        with open(self.cmdlog, "a") as f:
            f.write(line + "\n")

    async def smtp_BDAT(self, arg):
        self._log("BDAT " + (arg or ""))
        await self.push("500 Error: BDAT not implemented")

    async def smtp_EHLO(self, arg):
        self._log("EHLO " + (arg or ""))
        await super().smtp_EHLO(arg)

    async def smtp_MAIL(self, arg):
        self._log("MAIL " + (arg or ""))
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        self._log("RCPT " + (arg or ""))
        await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg):
        self._log("DATA")
        await super().smtp_DATA(arg)

    async def smtp_STARTTLS(self, arg):
        self._log("STARTTLS")
        await super().smtp_STARTTLS(arg)

    async def smtp_QUIT(self, arg):
        self._log("QUIT")
        await super().smtp_QUIT(arg)


async def main():
    args = sys.argv[1:]
    out = args.pop(0)
    tls = None
    if args and args[0] == "--tls":
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args[1], args[2])
        del args[:3]
    loop = asyncio.get_running_loop()
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    servers = []
    for spec in args:
        name, netns, addr, port, *opts = spec.split(":")
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        chunking = ("middle" if "chunking-middle" in opts else
                    "last" if "chunking-last" in opts else None)
        handler = Handler(d, chunking)
        ctx = tls if "tls" in opts else None
        if netns != "-":
            enter_netns(netns)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((addr, int(port)))
        _libc.setns(home, CLONE_NEWNET)

        def factory(handler=handler, ctx=ctx, log=os.path.join(d, "commands")):
            return LoggingSMTP(handler, log=log, enable_SMTPUTF8=True,
                               decode_data=False, tls_context=ctx,
                               data_size_limit=64 << 20,
                               hostname="mx.sis.test")

        servers.append(await loop.create_server(factory, sock=sock))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
