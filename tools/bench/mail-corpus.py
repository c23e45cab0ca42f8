#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
"""mail-corpus: the e-mail scanner benchmark's mailbox (paper Table 3).

    mail-corpus.py [--seed N] [--count N] DIR

writes a maildir (DIR/cur, DIR/new, DIR/tmp) of COUNT messages (1500)
shaped like the paper's month of mail: about 8,240 bytes on average, the
largest about 776 KB. Most are plain text; some are multipart/alternative
(text and HTML); some carry attachments: text files, and base64 ones of a
few sizes (the largest one message's). None is infected: the benchmark
measures the cost of judging clean mail.

The same seed gives the same bytes on every run (Debian's python3 and its
email package; no clock, host name or global random state is used). The
files have LF line ends, as maildirs store them; POP3 sends them with
CRLF. Each file's name carries both sizes (S= on disk, W= as sent), so
the server need not read a message to know them. Prints the count, and
the mean and largest size as sent, then on disk.
"""
import argparse
import email.policy
import email.utils
import os
import random
import sys
from email.message import EmailMessage

WORDS = """the of and to a in is it you that he was for on are with as his they
be at one have this from or had by hot but some what there we can out other
were all your when up use word how said an each she which do their time if
will way about many then them would write like so these her long make thing
see him two has look more day could go come did my sound no most number who
over know water than call first people may down side been now find any new
work part take get place made live where after back little only round man
year came show every good me give our under name very through just form much
great think say help low line before turn cause same mean differ move right
boy old too does tell sentence set three want air well also play small end
put home read hand port large spell add even land here must big high such
follow act why ask men change went light kind off need house picture try us
again animal point mother world near build self earth father head stand own
page should country found answer school grow study still learn plant cover
food sun four thought let keep eye never last door between city tree cross
since hard start might story saw far sea draw left late run don't while
press close night real life few stop disk storage server network packet
kernel paper draft review meeting deadline results figure table section
benchmark latency throughput prototype interface security scanner virus
worm intrusion detection firmware driver cache block array object""".split()

FIRST = """Greg John Craig Mike Steve Jiri Garth Dave Chris Karen Joan Lisa
Mary Anne Tom Bill Rob Jay Raja Ted Jim Andy Eno Brandon Adam Sarah Nina
Jeff Ken Paul Eric Linda Susan Julio""".split()
LAST = """Ganger Strunk Soules Economou Bielski Nagle Gibson Riedel Schindler
Lumb Wylie Goodson Thereska Salmon Abd-El-Malek Courtright Klosterman Hendricks
Ailamaki Seshan Zhang Smith Brown Miller Wilson Moore Taylor Clark""".split()
DOMAINS = """cs.cmu.edu ece.cmu.edu andrew.cmu.edu pdl.cmu.edu ri.cmu.edu
hp.com ibm.com intel.com seagate.com panasas.com usenix.org acm.org
berkeley.edu mit.edu stanford.edu wisc.edu yahoo.com hotmail.com""".split()
RELAYS = """mx1 mx2 smtp mail relay3 po1 cyrus fe1 mailhub""".split()
MAILERS = ["Mutt/1.4i", "Microsoft Outlook, Build 10.0.2627",
           "Mozilla 4.79 [en] (X11; U; Linux 2.4.18 i686)",
           "Ximian Evolution 1.0.8", "Apple Mail (2.482)", "Pine 4.44"]
# Attachment kinds: content type, file name suffix, size in bytes (raw).
ATTACH = [("application/pdf", "pdf", 60000), ("application/msword", "doc", 40000),
          ("application/postscript", "ps", 90000), ("image/jpeg", "jpg", 30000),
          ("application/vnd.ms-excel", "xls", 25000), ("application/octet-stream",
          "tar.gz", 70000), ("image/gif", "gif", 8000)]
TEXT_ATTACH = [("text/plain", "txt"), ("text/x-diff", "patch"),
               ("text/x-csrc", "c"), ("text/plain", "log")]


class Corpus:
    def __init__(self, seed):
        # The plan (kinds and sizes) and the filling (words, bytes, names)
        # draw from streams of their own, so that the sizes do not depend
        # on how many random numbers the filling took.
        self.p = random.Random(seed)
        self.r = random.Random(seed + 1)
        self.t = 1012521600      # 2002-02-01 00:00 UTC: one month from here
        self.boundary = 0

    def words(self, n):
        r = self.r
        return " ".join(r.choice(WORDS) for _ in range(n))

    def paragraph(self, size):
        """About size bytes of text in lines of at most 72 characters."""
        r, lines, line, total = self.r, [], [], 0
        while total < size:
            w = r.choice(WORDS)
            if len(" ".join(line + [w])) > 72:
                lines.append(" ".join(line))
                total += len(lines[-1]) + 1
                line = []
            line.append(w)
            if r.random() < 0.06:
                line[-1] += r.choice(".,;?")
        if line:
            lines.append(" ".join(line))
        text = "\n".join(lines)
        text = text[0].upper() + text[1:]
        return text + ".\n"

    def text_body(self, size):
        r, parts, total = self.r, [], 0
        while total < size:
            p = self.paragraph(min(size - total, r.randint(200, 900)))
            parts.append(p)
            total += len(p) + 1
        if r.random() < 0.4:     # a quoted reply
            q = self.paragraph(r.randint(150, 1200))
            parts.append("\n".join("> " + l for l in q.splitlines()) + "\n")
        if r.random() < 0.7:     # a signature
            parts.append("-- \n%s\n%s\n" % (self.name(), self.words(6)))
        return "\n".join(parts)

    def name(self):
        return "%s %s" % (self.r.choice(FIRST), self.r.choice(LAST))

    def address(self):
        first, last = self.r.choice(FIRST), self.r.choice(LAST)
        user = (first[0] + last).lower().replace("-", "")
        return "%s %s <%s@%s>" % (first, last, user, self.r.choice(DOMAINS))

    def next_boundary(self):
        self.boundary += 1
        return "----=_Part_%d_%08x" % (self.boundary, self.r.getrandbits(32))

    def headers(self, msg, i):
        r = self.r
        self.t += r.randint(60, 3400)
        date = email.utils.formatdate(self.t, localtime=False)
        sender = self.address()
        domain = sender.split("@")[1].rstrip(">")
        for hop in range(r.randint(2, 5)):
            relay = "%s.%s" % (r.choice(RELAYS), r.choice(DOMAINS))
            msg["Received"] = (
                "from %s (%s [128.2.%d.%d]) by %s (8.12.%d/8.12.%d) with ESMTP "
                "id g1%07X for <inbox@pdl.cmu.edu>; %s" %
                (relay, relay, r.randint(0, 255), r.randint(1, 254),
                 "%s.pdl.cmu.edu" % r.choice(RELAYS), r.randint(1, 9),
                 r.randint(1, 9), r.getrandbits(28), date))
        msg["Message-ID"] = "<%d.%08X.%d@%s>" % (self.t, r.getrandbits(32), i, domain)
        msg["Date"] = date
        msg["From"] = sender
        msg["To"] = ", ".join(self.address() for _ in range(r.choice((1, 1, 1, 2, 3))))
        if r.random() < 0.3:
            msg["Cc"] = ", ".join(self.address() for _ in range(r.randint(1, 4)))
        subject = self.words(r.randint(2, 9))
        msg["Subject"] = (r.choice(("", "", "Re: ", "RE: ", "Fwd: ")) +
                          subject[0].upper() + subject[1:])
        if r.random() < 0.6:
            msg["X-Mailer"] = r.choice(MAILERS)

    def text_size(self):
        return min(int(self.p.lognormvariate(7.2, 0.85)), 60000)

    def message(self, i, big):
        r, p = self.r, self.p
        msg = EmailMessage(policy=email.policy.default)
        self.headers(msg, i)
        body = self.text_body(self.text_size())
        msg.set_content(body)
        kind = p.random()
        if big or kind < 0.12:
            # Attachments: one or two base64 files, sometimes a text one.
            n = 1 if big else p.choice((1, 1, 1, 2))
            for _ in range(n):
                ctype, ext, mean = p.choice(ATTACH)
                size = 561500 if big else min(int(p.lognormvariate(0, 0.8) * mean * 0.227),
                                               150000)
                data = r.randbytes(max(size, 300))
                main, sub = ctype.split("/")
                msg.add_attachment(data, maintype=main, subtype=sub,
                                   filename="%s.%s" % (self.words(1), ext))
            if p.random() < 0.3:
                ctype, ext = r.choice(TEXT_ATTACH)
                msg.add_attachment(self.text_body(p.randint(500, 6000)),
                                   subtype=ctype.split("/")[1],
                                   filename="%s.%s" % (self.words(1), ext))
        elif kind < 0.30:
            paras = "".join("<p>%s</p>\n" % para.replace("\n", " ")
                            for para in body.split("\n\n"))
            msg.add_alternative("<html><head><style>p { font-family: Arial; "
                                "font-size: 10pt }</style></head>\n<body>\n%s"
                                "</body></html>\n" % paras, subtype="html")
        elif kind < 0.36:
            msg.add_attachment(self.text_body(p.randint(800, 12000)),
                               subtype="plain", filename="%s.txt" % self.words(1))
        if msg.is_multipart():
            msg.set_boundary(self.next_boundary())
            for part in msg.walk():
                if part.is_multipart() and part is not msg:
                    part.set_boundary(self.next_boundary())
        return msg.as_bytes(policy=email.policy.default.clone(linesep="\n"))


def main():
    ap = argparse.ArgumentParser(description="the e-mail benchmark's mailbox")
    ap.add_argument("--seed", type=int, default=2002)
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("dir")
    a = ap.parse_args()
    c = Corpus(a.seed)
    big = c.p.randrange(a.count)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(a.dir, sub), exist_ok=True)
    wire, disk = [], []
    for i in range(a.count):
        data = c.message(i, i == big)
        # As POP3 sends it: CRLF line ends (dot-stuffing aside).
        w = len(data) + data.count(b"\n")
        name = "%d.M%dP1.sisbench,S=%d,W=%d:2,S" % (c.t, i, len(data), w)
        with open(os.path.join(a.dir, "cur", name), "wb") as f:
            f.write(data)
        wire.append(w)
        disk.append(len(data))
    print("%d messages, mean %.0f bytes, largest %d bytes (with CRLF);"
          " on disk mean %.0f, largest %d" %
          (len(wire), sum(wire) / len(wire), max(wire), sum(disk) / len(disk),
           max(disk)))


if __name__ == "__main__":
    sys.exit(main())
