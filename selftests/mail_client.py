#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The mail side of the mail scanner's test (selftests/mailscan.sh).

    mail_client.py serve        commands on stdin, one a line, their words
                                separated by US (0x1f); for each, one line
                                out: "0 JSON" when it went as it should, "3
                                JSON" when not (a connection reset under it)
    mail_client.py NS CMD ARG...   one command

A Python start takes seconds in the test guest: the test keeps one of
these running. Each command's first word is the network namespace it
runs in (/run/netns/NS, "-" for this one). The commands:

    gen DIR [BIG_MB]            the test messages (EICAR included: made
                                here, nothing is downloaded)
    maildir DIR NAME...         a maildir of those messages, in that order
    same WANT GOT               the files are byte for byte the same
    edited SENT GOT NOTICE NAME...
                                GOT is SENT with the parts named NAME
                                (file names) replaced by the notice part
                                sis-mailscan-caps.sh registers, every other
                                byte the same; and, parsed, every other
                                part is as sent
    body SENT GOT NOTICE        GOT is SENT, a single-part message, with
                                its body replaced by the notice
    top SENT GOT N              GOT is SENT's header and N body lines
    listening ADDR PORT...      each accepts connections
    smtp ADDR PORT FILE... [--utf8] [--8bit] [--from A] [--to A]
                                one connection, a message per FILE
    ehlo ADDR PORT              the EHLO reply, line by line, checked
    bdat ADDR PORT              a client sending BDAT, advertised or not
    starttls ADDR PORT FILE [--anyway]
                                STARTTLS, then FILE over TLS
    pop3 ADDR PORT USER PASS OUT [--top N]
    imap ADDR PORT USER PASS OUT
"""
import base64
import ctypes
import email
import email.policy
import hashlib
import imaplib
import io
import json
import os
import poplib
import random
import smtplib
import socket
import ssl
import sys
import zipfile

CRLF = b"\r\n"
# How long a client waits for its peer, for one read or write: long, for
# a slow guest, but a test ends in a bounded time when a peer hangs.
TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "120"))
# The EICAR test file, put together here so that no file of the tree is
# the test virus itself.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" +
         b"TEST-FILE!$H+H*")
assert len(EICAR) == 68

# The lines a dot-stuffing SMTP or POP3 peer must double; "." alone ends a
# message unless stuffed.
DOT_LINES = [b".", b"..", b"...", b".hidden", b". a dot and a space",
             b".\t.", b"..double", b".", b"x."]


def b64(data, width=76):
    s = base64.b64encode(data)
    return CRLF.join(s[i:i + width] for i in range(0, len(s), width)) + CRLF


def rnd(n, seed):
    return random.Random(seed).randbytes(n)


def headers(name, extra=()):
    h = [b"From: Sender <sender@net.sis.test>",
         b"To: Recipient <rcpt@host.sis.test>",
         b"Subject: mailscan test " + name.encode(),
         b"Date: Mon, 07 Dec 2026 12:00:00 +0000",
         b"Message-ID: <" + name.encode() + b"@sis.test>",
         b"MIME-Version: 1.0"]
    return CRLF.join(h + list(extra)) + CRLF


def part(ctype, body, filename=None, cte="base64", extra=()):
    h = [b"Content-Type: " + ctype.encode() +
         (b'; name="' + filename.encode() + b'"' if filename else b"")]
    h.append(b"Content-Transfer-Encoding: " + cte.encode())
    if filename:
        h.append(b'Content-Disposition: attachment; filename="' +
                 filename.encode() + b'"')
    h.extend(extra)
    if cte == "base64":
        body = b64(body)
    return CRLF.join(h) + CRLF + CRLF + body


def multipart(name, parts, boundary=None):
    boundary = boundary or ("=_sis_" + name + "_boundary").encode()
    out = headers(name, [b'Content-Type: multipart/mixed; boundary="' +
                         boundary + b'"'])
    out += CRLF + b"This is a multi-part message in MIME format." + CRLF
    for p in parts:
        body = p if p.endswith(CRLF) else p + CRLF
        out += CRLF + b"--" + boundary + CRLF + body[:-2]
    out += CRLF + b"--" + boundary + b"--" + CRLF
    return out


def text(lines):
    return CRLF.join(lines) + CRLF


def zipped(name, data):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def gen(out, big_mb=10):
    msgs = {}
    greeting = text([b"Hello,", b"", b"the report is attached.", b"",
                     b"-- ", b"Sender"])
    msgs["clean"] = multipart("clean", [
        part("text/plain; charset=us-ascii", greeting, cte="7bit"),
        part("application/pdf", rnd(30000, 1), "report.pdf"),
        part("text/html; charset=us-ascii",
             text([b"<html><body><p>Hello</p></body></html>"]), cte="7bit")])
    msgs["eicar"] = multipart("eicar", [
        part("text/plain; charset=us-ascii", greeting, cte="7bit"),
        part("application/pdf", rnd(20000, 2), "report.pdf"),
        part("application/octet-stream", EICAR, "eicar.com"),
        part("image/png", rnd(5000, 3), "logo.png")])
    msgs["zip"] = multipart("zip", [
        part("text/plain; charset=us-ascii", greeting, cte="7bit"),
        part("application/zip", zipped("eicar.com", EICAR), "eicar.zip")])
    # Sized so that the whole message is BIG_MB megabytes (10^6 bytes).
    raw = big_mb * 1000000 * 3 // 4 * 76 // 78 - 20000
    msgs["big"] = multipart("big", [
        part("text/plain; charset=us-ascii", greeting, cte="7bit"),
        part("application/octet-stream", rnd(raw, 4), "big.bin"),
        part("application/octet-stream", EICAR, "eicar.com")])
    dots = text(DOT_LINES * 3)
    msgs["dots"] = multipart("dots", [
        part("text/plain; charset=us-ascii", dots, cte="7bit"),
        part("application/pdf", rnd(3000, 5), "report.pdf"),
        part("text/plain; charset=us-ascii", dots, cte="7bit")])
    msgs["dots-eicar"] = multipart("dots-eicar", [
        part("text/plain; charset=us-ascii", dots, cte="7bit"),
        part("application/octet-stream", EICAR, "eicar.com"),
        part("text/plain; charset=us-ascii", dots, cte="7bit")])
    # A message that is only text with dots, no MIME at all.
    msgs["dots-plain"] = headers("dots-plain") + CRLF + dots
    msgs["single-eicar"] = headers("single-eicar", [
        b'Content-Type: application/octet-stream; name="eicar.com"',
        b"Content-Transfer-Encoding: base64",
        b'Content-Disposition: attachment; filename="eicar.com"']) + \
        CRLF + b64(EICAR)
    eight = "Grüße aus Köln, 10 € für café crème.\r\nŻółć, ĳ, ﬁ, 日本語.\r\n"
    msgs["8bit"] = headers("8bit", [
        b"Content-Type: text/plain; charset=utf-8",
        b"Content-Transfer-Encoding: 8bit"]) + CRLF + \
        (eight * 20).encode() + b"\xff\xfe raw high bytes\r\n"
    msgs["utf8"] = (
        "From: Jörg <jörg@exämple.sis.test>\r\n"
        "To: Zoë <zoë@host.sis.test>\r\n"
        "Subject: Grüße, 日本語 (SMTPUTF8)\r\n"
        "Message-ID: <utf8@sis.test>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + eight * 10).encode()
    for i in (1, 2, 3):
        msgs["multi%d" % i] = multipart("multi%d" % i, [
            part("text/plain; charset=us-ascii", greeting, cte="7bit"),
            part("application/octet-stream",
                 EICAR if i == 2 else rnd(8000, 10 + i), "file%d.bin" % i)])
    # Over the scanner's --max-message (1 MiB in the test), clean.
    msgs["oversize"] = multipart("oversize", [
        part("text/plain; charset=us-ascii", greeting, cte="7bit"),
        part("application/octet-stream", rnd(1200000, 6), "large.bin")])
    msgs["tls-eicar"] = multipart("tls-eicar", [
        part("text/plain; charset=us-ascii", greeting, cte="7bit"),
        part("application/octet-stream", EICAR, "eicar.com")])
    for name, data in msgs.items():
        assert data.endswith(CRLF) and b"\n" not in data.replace(CRLF, b"")
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(data)
        # swaks adds the CRLF before the final dot itself.
        with open(os.path.join(out, name + ".swaks"), "wb") as f:
            f.write(data[:-2])
    with open(os.path.join(out, "eicar.com"), "wb") as f:
        f.write(EICAR)
    with open(os.path.join(out, "eicar.zip"), "wb") as f:
        f.write(zipped("eicar.com", EICAR))


def crlf_lines(s):
    return CRLF.join(s.split(b"\n")) + CRLF


def block_part(notice):
    """The part sis-mailscan-caps.sh registers as its injection 1."""
    hdrs = (b"Content-Type: text/plain; charset=us-ascii\n"
            b"Content-Transfer-Encoding: 7bit\n"
            b"Content-Disposition: inline")
    return crlf_lines(hdrs) + CRLF + crlf_lines(notice.rstrip(b"\n"))[:-2]


def part_span(msg, name):
    """[start, end) of the part whose file name is NAME: from just after
    its boundary line to the CRLF before the next boundary."""
    i = msg.index(b'filename="' + name.encode() + b'"')
    start = msg.rindex(b"\r\n--", 0, i)
    start = msg.index(CRLF, start + 2) + 2
    end = msg.index(b"\r\n--", i)
    return start, end


def expect(sent, notice, names):
    spans = sorted(part_span(sent, n) for n in names)
    out, pos = b"", 0
    for s, e in spans:
        out += sent[pos:s] + block_part(notice)
        pos = e
    return out + sent[pos:]


def leaves(msg):
    return [p for p in msg.walk() if not p.is_multipart()]


def parse(data):
    return email.message_from_bytes(data, policy=email.policy.compat32)


def check_parts(sent, got, notice, names):
    """Problems found, as strings; [] when GOT is as it should be."""
    errs = []
    s, g = leaves(parse(sent)), leaves(parse(got))
    if len(s) != len(g):
        return ["%d parts, want %d" % (len(g), len(s))]
    want_notice = notice.rstrip(b"\n").replace(b"\n", b"\r\n")
    for i, (a, b) in enumerate(zip(s, g)):
        fn = a.get_filename()
        if fn in names:
            body = b.get_payload(decode=True) or b""
            if b.get_content_type() != "text/plain":
                errs.append("part %d (%s): %s, want text/plain" %
                            (i, fn, b.get_content_type()))
            if want_notice not in body:
                errs.append("part %d (%s): no notice in %r" % (i, fn, body[:200]))
            if EICAR in body:
                errs.append("part %d (%s): the virus is still there" % (i, fn))
            continue
        if a.items() != b.items():
            errs.append("part %d (%s): headers %r, want %r" %
                        (i, fn, b.items(), a.items()))
        if a.get_payload(decode=True) != b.get_payload(decode=True):
            errs.append("part %d (%s): decoded body differs" % (i, fn))
        if a.as_bytes() != b.as_bytes():
            errs.append("part %d (%s): bytes differ" % (i, fn))
    top_s, top_g = parse(sent), parse(got)
    for h in ("From", "To", "Subject", "Message-ID", "Content-Type"):
        if top_s[h] != top_g[h]:
            errs.append("header %s: %r, want %r" % (h, top_g[h], top_s[h]))
    return errs


def check_body(sent, got, notice):
    errs = []
    s, g = parse(sent), parse(got)
    want_notice = notice.rstrip(b"\n").replace(b"\n", b"\r\n")
    if g.get_content_type() != "text/plain":
        errs.append("type %s, want text/plain" % g.get_content_type())
    body = g.get_payload(decode=True) or b""
    if want_notice not in body:
        errs.append("no notice in %r" % body[:300])
    if EICAR in got:
        errs.append("the virus is still there")
    for h in ("From", "To", "Subject", "Message-ID", "Date"):
        if s[h] != g[h]:
            errs.append("header %s: %r, want %r" % (h, g[h], s[h]))
    for h in g.keys():
        if h.lower().startswith("content-") and h.lower() not in (
                "content-type", "content-transfer-encoding",
                "content-disposition"):
            errs.append("header %s left" % h)
    return errs


def why(e):
    """An exception and what it was raised from: smtplib turns a reset
    into SMTPServerDisconnected, the reset is its context."""
    out = type(e).__name__ + ": " + str(e)
    while e.__context__ is not None:
        e = e.__context__
        out += " <- " + type(e).__name__ + ": " + str(e)
    return out


class Failed(Exception):
    """The conversation did not go as it should: the result says how."""

    def __init__(self, res):
        super().__init__()
        self.res = res


def result(obj, ok=True):
    if not ok:
        raise Failed(obj)
    return obj


def opt(args, name, default=None, flag=False):
    if name not in args:
        return default
    i = args.index(name)
    if flag:
        del args[i]
        return True
    v = args[i + 1]
    del args[i:i + 2]
    return v


def cmd_smtp(args):
    utf8 = opt(args, "--utf8", False, True)
    eightbit = opt(args, "--8bit", False, True)
    frm = opt(args, "--from", "sender@net.sis.test")
    to = opt(args, "--to", "rcpt@host.sis.test")
    addr, port, files = args[0], int(args[1]), args[2:]
    mo = (["SMTPUTF8"] if utf8 else []) + (["BODY=8BITMIME"] if eightbit or utf8 else [])
    res = {"sent": [], "refused": [], "features": []}
    try:
        s = smtplib.SMTP(addr, port, local_hostname="client.sis.test", timeout=TIMEOUT)
        s.ehlo()
        res["features"] = sorted(s.esmtp_features)
        for f in files:
            with open(f, "rb") as fh:
                data = fh.read()
            try:
                s.sendmail(frm, [to], data, mail_options=mo)
                res["sent"].append(os.path.basename(f))
            except smtplib.SMTPServerDisconnected:
                raise
            except smtplib.SMTPException as e:
                res["refused"].append([os.path.basename(f), str(e)])
        s.quit()
    except (OSError, smtplib.SMTPServerDisconnected) as e:
        res["error"] = why(e)
        return result(res, False)
    return result(res, not res["refused"])


def read_reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise ConnectionError("closed in a reply after %r" % lines)
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-":
            return lines


def cmd_ehlo(args):
    """The EHLO reply as the client reads it: every line but the last
    "250-", the last "250 ", each ending in CRLF; then a message goes
    through on the same connection, so the reply left the session sane."""
    addr, port = args[0], int(args[1])
    res = {}
    try:
        sock = socket.create_connection((addr, port), timeout=TIMEOUT)
        f = sock.makefile("rb")
        read_reply(f)
        sock.sendall(b"EHLO client.sis.test\r\n")
        lines = read_reply(f)
        res["lines"] = [ln.decode(errors="replace").rstrip("\r\n") for ln in lines]
        res["well_formed"] = all(ln.endswith(CRLF) for ln in lines) and \
            all(ln.startswith(b"250-") for ln in lines[:-1]) and \
            lines[-1].startswith(b"250 ") and \
            all(len(ln) > 6 and b" " not in ln[4:-2][:1] for ln in lines)
        res["features"] = [ln[4:-2].split(b" ")[0].decode().upper() for ln in lines[1:]]
        body = headers("after-ehlo") + CRLF + b"after the EHLO reply" + CRLF
        sock.sendall(b"MAIL FROM:<a@net.sis.test>\r\n")
        res["mail"] = read_reply(f)[-1][:3].decode()
        sock.sendall(b"RCPT TO:<b@host.sis.test>\r\n")
        res["rcpt"] = read_reply(f)[-1][:3].decode()
        sock.sendall(b"DATA\r\n")
        res["data"] = read_reply(f)[-1][:3].decode()
        sock.sendall(body + b".\r\n")
        res["dot"] = read_reply(f)[-1][:3].decode()
        sock.sendall(b"QUIT\r\n")
        res["quit"] = read_reply(f)[-1][:3].decode()
    except OSError as e:
        res["error"] = why(e)
        return result(res, False)
    return result(res)


def cmd_bdat(args):
    addr, port = args[0], int(args[1])
    res = {"replies": []}
    chunk = headers("bdat") + CRLF + b"sent in a BDAT chunk" + CRLF
    try:
        sock = socket.create_connection((addr, port), timeout=TIMEOUT)
        f = sock.makefile("rb")
        read_reply(f)
        sock.sendall(b"EHLO client.sis.test\r\n")
        res["features"] = [ln[4:-2].decode() for ln in read_reply(f)[1:]]
        for cmd in (b"MAIL FROM:<a@net.sis.test>", b"RCPT TO:<b@host.sis.test>",
                    b"BDAT %d LAST" % len(chunk)):
            sock.sendall(cmd + CRLF + (chunk if cmd.startswith(b"BDAT") else b""))
            res["replies"].append(read_reply(f)[-1].decode().rstrip())
        sock.sendall(b"QUIT\r\n")
        res["replies"].append(read_reply(f)[-1].decode().rstrip())
    except OSError as e:
        res["error"] = why(e)
        return result(res, False)
    return result(res)


def cmd_starttls(args):
    anyway = opt(args, "--anyway", False, True)
    addr, port, fn = args[0], int(args[1]), args[2]
    res = {}
    try:
        s = smtplib.SMTP(addr, port, local_hostname="client.sis.test", timeout=TIMEOUT)
        s.ehlo()
        res["advertised"] = s.has_extn("starttls")
        if not res["advertised"] and not anyway:
            s.quit()
            return result(res)
        if not res["advertised"]:
            # Ask anyway, as a client that knows better would.
            s.esmtp_features["starttls"] = ""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        code, msg = s.starttls(context=ctx)
        res["starttls"] = code
        res["cipher"] = s.sock.cipher()[0]
        with open(fn, "rb") as fh:
            s.sendmail("sender@net.sis.test", ["rcpt@host.sis.test"], fh.read())
        res["sent"] = True
        s.quit()
    except (OSError, smtplib.SMTPException) as e:
        res["error"] = why(e)
        return result(res, False)
    return result(res)


def cmd_pop3(args):
    top = int(opt(args, "--top", "-1"))
    addr, port, user, pw, out = args[0], int(args[1]), args[2], args[3], args[4]
    res = {"retr": []}
    try:
        p = poplib.POP3(addr, port, timeout=TIMEOUT)
        p.user(user)
        p.pass_(pw)
        n, size = p.stat()
        res["count"] = n
        for i in range(1, n + 1):
            _, lines, _ = p.retr(i)
            data = CRLF.join(lines) + CRLF
            mid = parse(data)["Message-ID"] or "none"
            name = mid.strip("<>").split("@")[0]
            with open(os.path.join(out, name + ".eml"), "wb") as f:
                f.write(data)
            res["retr"].append(name)
            if top >= 0:
                _, lines, _ = p.top(i, top)
                with open(os.path.join(out, name + ".top"), "wb") as f:
                    f.write(CRLF.join(lines) + CRLF)
        p.quit()
    except (OSError, poplib.error_proto) as e:
        res["error"] = why(e)
        return result(res, False)
    return result(res)


def cmd_imap(args):
    addr, port, user, pw, out = args[0], int(args[1]), args[2], args[3], args[4]
    res = {"fetched": []}
    try:
        m = imaplib.IMAP4(addr, port, timeout=TIMEOUT)
        m.login(user, pw)
        typ, data = m.select("INBOX", readonly=True)
        res["count"] = int(data[0])
        for i in range(1, res["count"] + 1):
            res["fetching"] = i
            typ, data = m.fetch(str(i), "(BODY.PEEK[])")
            mid = parse(data[0][1])["Message-ID"] or "none"
            name = mid.strip("<>").split("@")[0]
            with open(os.path.join(out, name + ".eml"), "wb") as f:
                f.write(data[0][1])
            res["fetched"].append(name)
            del res["fetching"]
        m.logout()
    except (OSError, imaplib.IMAP4.error) as e:
        res["error"] = why(e)
        return result(res, False)
    return result(res)


def read(fn):
    with open(fn, "rb") as f:
        return f.read()


def first_diff(a, b):
    n, i = min(len(a), len(b)), 0
    while i + 4096 <= n and a[i:i + 4096] == b[i:i + 4096]:
        i += 4096
    while i < n and a[i] == b[i]:
        i += 1
    return {"at": i, "want": a[max(0, i - 40):i + 40].decode("latin-1"),
            "got": b[max(0, i - 40):i + 40].decode("latin-1")}


def same_bytes(want, got):
    res = {"want": [len(want), hashlib.sha256(want).hexdigest()],
           "got": [len(got), hashlib.sha256(got).hexdigest()]}
    if want != got:
        res["diff"] = first_diff(want, got)
    return res


def cmd_gen(args):
    gen(args[0], int(args[1]) if len(args) > 1 else 10)
    return {}


def cmd_maildir(args):
    """DIR NAME...: DIR/{cur,new,tmp}, the messages DIR/../NAME.eml in cur
    in that order (dovecot gives UIDs by the names' timestamps)."""
    d, src = args[0], args[1]
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    for i, name in enumerate(args[2:]):
        data = read(os.path.join(src, name + ".eml"))
        with open(os.path.join(d, "cur", "%d.M1P1.sis:2,S" % (1000000001 + i)),
                  "wb") as f:
            f.write(data)
    return {}


def cmd_same(args):
    try:
        res = same_bytes(read(args[0]), read(args[1]))
    except OSError as e:
        return result({"error": why(e)}, False)
    return result(res, "diff" not in res)


def cmd_edited(args):
    sent, notice = read(args[0]), read(args[2])
    try:
        got = read(args[1])
    except OSError as e:
        return result({"error": why(e)}, False)
    res = same_bytes(expect(sent, notice, args[3:]), got)
    res["parts"] = check_parts(sent, got, notice, args[3:])
    return result(res, "diff" not in res and not res["parts"])


def cmd_body(args):
    try:
        errs = check_body(read(args[0]), read(args[1]), read(args[2]))
    except OSError as e:
        return result({"error": why(e)}, False)
    return result({"errors": errs}, not errs)


def cmd_top(args):
    sent, n = read(args[0]), int(args[2])
    try:
        got = read(args[1])
    except OSError as e:
        return result({"error": why(e)}, False)
    head, body = sent.split(CRLF + CRLF, 1)
    lines = body.split(CRLF)[:n]
    res = same_bytes(head + CRLF + CRLF + b"".join(ln + CRLF for ln in lines), got)
    return result(res, "diff" not in res)


def cmd_listening(args):
    addr = args[0]
    for port in args[1:]:
        try:
            socket.create_connection((addr, int(port)), timeout=5).close()
        except OSError as e:
            return result({"port": port, "error": why(e)}, False)
    return {}


CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(name):
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (name, os.strerror(e)))
    finally:
        os.close(fd)


COMMANDS = {
    "gen": cmd_gen, "maildir": cmd_maildir, "same": cmd_same,
    "edited": cmd_edited, "body": cmd_body, "top": cmd_top,
    "listening": cmd_listening, "smtp": cmd_smtp, "ehlo": cmd_ehlo,
    "bdat": cmd_bdat, "starttls": cmd_starttls, "pop3": cmd_pop3,
    "imap": cmd_imap,
}


def run(words):
    """One command: its status (0 as it should, 3 not) and its result."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        if words[0] != "-":
            enter_netns(words[0])
        return 0, COMMANDS[words[1]](words[2:])
    except Failed as f:
        return 3, f.res
    except Exception as e:  # a defect of the test: say it, keep serving
        return 3, {"error": why(e), "exception": True}
    finally:
        _libc.setns(home, CLONE_NEWNET)
        os.close(home)


def main():
    if sys.argv[1:] == ["serve"]:
        print("ready", flush=True)
        for line in sys.stdin:
            st, res = run(line.rstrip("\n").split("\x1f"))
            print(st, json.dumps(res), flush=True)
    else:
        st, res = run(sys.argv[1:])
        print(json.dumps(res))
        sys.exit(st)


if __name__ == "__main__":
    main()
