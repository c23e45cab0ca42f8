#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""An SMTP server for the mail scanner's test (selftests/mailscan.sh).

    mail_server.py ADDR PORT DIR [--chunking middle|last] [--tls CERT KEY]

aiosmtpd, accepting every message: each one's raw bytes, as the client
sent them after the final dot was taken off and dot-stuffing undone (CRLF
kept: envelope.original_content), go to DIR/N.eml, N counting from 1, and
its envelope to DIR/N.json. A file appears whole (written, then renamed).
Every command a client sends goes to DIR/commands, one line each, as the
server read it: what reached the server through the bridge.

The EHLO reply advertises PIPELINING (which aiosmtpd handles, without
saying so), 8BITMIME and SMTPUTF8; --chunking adds CHUNKING to it, as its
third line (middle) or as its last; --tls advertises STARTTLS with that certificate. It says
"ready" on stdout once it listens.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, out, chunking):
        self.out = out
        self.chunking = chunking
        self.n = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # The 5-argument hook replaces aiosmtpd's own bookkeeping.
        session.host_name = hostname
        # aiosmtpd reads pipelined commands, but does not say so.
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
    """Logs each command line read, BDAT (which aiosmtpd does not know) too."""

    def __init__(self, *args, log=None, **kw):
        super().__init__(*args, **kw)
        self.cmdlog = log

    def _log(self, line):
        with open(self.cmdlog, "a") as f:
            f.write(line + "\n")

    async def smtp_BDAT(self, arg):
        self._log("BDAT " + arg)
        await self.push("500 Error: BDAT not implemented")

    async def smtp_EHLO(self, arg):
        self._log("EHLO " + arg)
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
    p = argparse.ArgumentParser()
    p.add_argument("addr")
    p.add_argument("port", type=int)
    p.add_argument("dir")
    p.add_argument("--chunking", choices=("middle", "last"))
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = p.parse_args()
    tls = None
    if a.tls:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(*a.tls)
    handler = Handler(a.dir, a.chunking)
    log = os.path.join(a.dir, "commands")

    def factory():
        return LoggingSMTP(handler, log=log, enable_SMTPUTF8=True,
                           decode_data=False, tls_context=tls,
                           data_size_limit=64 << 20,
                           # base64 lines are short, 8-bit text need not be
                           hostname="mx.sis.test")

    LoggingSMTP.line_length_limit = 1 << 20
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, a.addr, a.port,
                                      reuse_address=True)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
