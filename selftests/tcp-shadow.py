#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted TCP sequences whose reading depends on the receiver's TCP state,
for tcp-shadow.sh. The receiver is evasion.py serve.

  tcp-shadow.py craft IFACE SRC_MAC DST_MAC SRC DST DPORT SPORT SCENARIO...
      In the network's namespace: for each scenario, a connection from
      SRC:SPORT+i (an address the namespace does not own) to DST:DPORT,
      opened and driven by hand like a peer that wants its bytes read.
      Prints "SCENARIO SPORT LINUX NORM" per scenario: LINUX is what a
      Linux receiver's application reads from it, in hex; NORM the stream
      counter that counts SIS's normalising it ("-": none).

  tcp-shadow.py check CRAFT_OUT RCV_DIR SECS [STREAM_OUT]
      Wait, SECS at most, until what each scenario's application read
      (RCV_DIR/<port>) is, for a second, what sis-stream -x reconstructed
      of the connections from that port (in STREAM_OUT), or, without
      STREAM_OUT, the scenario's LINUX. Then print, per scenario,
      "SCENARIO SPORT GOT WANT NORM LINUX", in hex ("-" for nothing).

The scenarios:
  fin-old     an old retransmission ending with a FIN at RCV.NXT - 1:
              Linux drops it whole, and reads the data that follows
  fin-dup     a duplicate of data queued out of order, with a FIN inside
              it: Linux drops it whole (tcp_data_queue_ofo())
  syn-far     a second SYN, far from the first, before the SYN-ACK: the
              listener's request ignores it
  syn-near    a second SYN in the request's window, before the SYN-ACK:
              the request is reset; the peer sends it again
  syn-after   the same once the SYN-ACK was sent
  urg-mid     URG with the pointer inside the segment: Linux takes the
              byte before the pointer out of the stream (tcp_check_urg())
  urg-zero    URG with a pointer of 0: the segment's first byte
  urg-ahead   URG on a bare ACK, pointing into the next segment
  urg-two     two urgent pointers, the first byte read before the second
  urg-old     URG on an old retransmission: the pointer is behind RCV.NXT,
              ignored
"""
import os
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20


def csum(data):
    """The Internet checksum of DATA."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

NORM = {"urg-mid": "urgent", "urg-zero": "urgent", "urg-ahead": "urgent",
        "urg-two": "urgent", "urg-old": "urgent", "syn-near": "ambiguous"}


class Peer:
    """One crafted connection's end in the network's namespace: IPv4 and
    TCP built and read by hand (no scapy: it takes long to start in the
    test guest)."""

    def __init__(self, tx, rx, eth, src, dst, dport, sport):
        self.tx, self.rx, self.eth = tx, rx, eth
        self.src, self.dst = socket.inet_aton(src), socket.inet_aton(dst)
        self.dport, self.sport = dport, sport
        self.isn = self.seq = self.ack = 0

    def send(self, seq, flags, payload=b"", ack=None, urg=0):
        if ack is None:
            ack = self.ack
        opts = b"\x02\x04\x05\xb4" if flags & SYN else b""
        seg = struct.pack("!HHIIBBHHH", self.sport, self.dport,
                          seq & 0xffffffff, ack & 0xffffffff,
                          (5 + len(opts) // 4) << 4, flags, 65535, 0,
                          urg) + opts + payload
        pseudo = self.src + self.dst + struct.pack("!BBH", 0, 6, len(seg))
        seg = seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg),
                         self.sport, 0, 64, 6, 0, self.src, self.dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        self.tx.send(self.eth + ip + seg)

    def replies(self, secs, until=None):
        """The receiver's segments to us, as (flags, seq, ack), for SECS
        or until one matches UNTIL."""
        got = []
        end = time.monotonic() + secs
        while time.monotonic() < end:
            self.rx.settimeout(max(0.05, end - time.monotonic()))
            try:
                data, addr = self.rx.recvfrom(65535)
            except socket.timeout:
                break
            if addr[2] == PACKET_OUTGOING or len(data) < 54:
                continue
            ip = data[14:]
            ihl = (ip[0] & 15) * 4
            if (data[12:14] != b"\x08\x00" or ip[9] != 6 or
                    ip[16:20] != self.src or len(ip) < ihl + 20):
                continue
            sp, dp, seq, ack, _, fl = struct.unpack("!HHIIBB",
                                                    ip[ihl:ihl + 14])
            if sp != self.dport or dp != self.sport:
                continue
            got.append((fl, seq, ack))
            if until and until(got[-1]):
                break
        return got

    def drain(self):
        self.rx.setblocking(False)
        try:
            while True:
                self.rx.recv(65535)
        except BlockingIOError:
            pass
        self.rx.setblocking(True)

    def synack(self, secs=60, ack=True):
        """Wait for a SYN-ACK; take the ISN it acknowledges as ours and,
        if ACK, acknowledge it."""
        got = self.replies(secs, lambda r: r[0] & (SYN | ACK) == SYN | ACK)
        if not got or got[-1][0] & (SYN | ACK) != SYN | ACK:
            sys.exit("no SYN-ACK to port %d" % self.sport)
        self.isn = (got[-1][2] - 1) & 0xffffffff
        self.ack = (got[-1][1] + 1) & 0xffffffff
        if ack:
            self.established()

    def established(self):
        self.send(self.isn + 1, ACK)

    def data(self, off, payload, flags=PSH | ACK, urg=0):
        self.send(self.isn + 1 + off, flags, payload, urg=urg)

    def acked(self, off, secs=15, rst=False):
        """Wait until the receiver acknowledges the bytes before OFF; with
        RST, or resets the connection: then return True."""
        want = (self.isn + 1 + off) & 0xffffffff
        got = self.replies(secs, lambda r: (rst and r[0] & RST) or
                           (r[0] & ACK and (r[2] - want) & 0x80000000 == 0))
        return bool(got) and bool(got[-1][0] & RST)


def scenario(p, scen, tag):
    """Run one scenario on peer p; return what Linux reads."""
    if scen.startswith("syn-"):
        isn = 7000000 + 100000 * (p.sport % 50)
        data = tag + b"-after-a-second-syn"
        p.send(isn, SYN, ack=0)
        if scen == "syn-after":
            p.synack(ack=False)
        p.send(isn + (0x100000 if scen == "syn-far" else 1000), SYN, ack=0)
        if scen != "syn-after":
            p.synack(ack=False)
        # Go on with the ISN the SYN-ACK acknowledged. If the second SYN
        # reset the request, the receiver answers with an RST (to the
        # SYN, or to what follows): then open again with the second ISN.
        p.established()
        p.data(0, data)
        if p.acked(len(data), rst=True):
            p.send(isn + 1000, SYN, ack=0)
            p.synack()
            p.data(0, data)
            p.acked(len(data))
        return data
    p.send(100000, SYN, ack=0)
    p.synack()
    if scen == "fin-old":
        a = tag + b"-first-part-of-the-data-"
        b = b"-and-what-follows-the-old-fin"
        p.data(0, a)
        p.acked(len(a))
        # Its end, FIN included, is RCV.NXT: in the window, all old.
        p.data(0, a[:-1], FIN | ACK)
        p.data(len(a), b)
        p.acked(len(a) + len(b))
        return a + b
    if scen == "fin-dup":
        a, b, c = tag + b"-first-", b"-queued-out-of-order-", b"-the-rest"
        p.data(len(a), b)
        p.data(len(a), b[:8], FIN | ACK)
        p.data(0, a)
        p.acked(len(a) + len(b))
        p.data(len(a) + len(b), c)
        p.acked(len(a) + len(b) + len(c))
        return a + b + c
    if scen == "urg-mid":
        d = tag + b"-EVXIL-split"
        x = d.index(b"X")
        p.data(0, d, PSH | ACK | URG, urg=x + 1)
        p.acked(len(d))
        return d[:x] + d[x + 1:]
    if scen == "urg-zero":
        d = b"Z" + tag + b"-urgent-pointer-zero"
        p.data(0, d, PSH | ACK | URG, urg=0)
        p.acked(len(d))
        return d[1:]
    if scen == "urg-ahead":
        d = b"abcdXefgh-" + tag
        p.data(0, b"", ACK | URG, urg=5)
        p.data(0, d)
        p.acked(len(d))
        return d[:4] + d[5:]
    if scen == "urg-two":
        a = tag + b"-one-!-"
        b = b"-two-#-done"
        x, y = len(a) - 2, 5
        p.data(0, a, PSH | ACK | URG, urg=x + 1)
        p.acked(len(a))
        time.sleep(1)   # the application reads past the first
        p.data(len(a), b, PSH | ACK | URG, urg=y + 1)
        p.acked(len(a) + len(b))
        return a[:x] + a[x + 1:] + b[:y] + b[y + 1:]
    if scen == "urg-old":
        a = tag + b"-read-first-"
        b = b"-then-more"
        p.data(0, a)
        p.acked(len(a))
        p.data(2, a[2:], PSH | ACK | URG, urg=1)
        p.data(len(a), b)
        p.acked(len(a) + len(b))
        return a + b
    sys.exit("unknown scenario " + scen)


def craft(iface, smac, dmac, src, dst, dport, sport, scenarios):
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_IP))
    rx.bind((iface, ETH_P_IP))
    eth = bytes.fromhex(dmac.replace(":", "") + smac.replace(":", "") +
                        "0800")
    for i, scen in enumerate(scenarios):
        p = Peer(tx, rx, eth, src, dst, dport, sport + i)
        p.drain()
        read = scenario(p, scen, ("%s-%d" % (scen, p.sport)).encode())
        print(scen, p.sport, read.hex(), NORM.get(scen, "-"), flush=True)


def scanner_bytes(path):
    """What sis-stream -x reconstructed: {net port: bytes}, in direction in,
    the connections from one port one after the other."""
    port_of, pieces, order = {}, {}, []
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return {}
    for ln in lines:
        w = ln.split()
        if len(w) >= 4 and w[0] == "open":
            port_of[w[1]] = int(w[3].rsplit(":", 1)[1])
            order.append(w[1])
        elif len(w) == 5 and w[0] == "bytes" and w[2] == "in":
            pieces.setdefault(w[1], []).append((int(w[3]),
                                                bytes.fromhex(w[4])))
    out = {}
    for cid in order:
        b = b"".join(d for _, d in sorted(pieces.get(cid, [])))
        out[port_of[cid]] = out.get(port_of[cid], b"") + b
    return out


def check(craft_out, rcv, secs, stream_out=None):
    with open(craft_out) as f:
        scen = [ln.split() for ln in f.read().splitlines() if ln.strip()]

    def rows():
        sb = scanner_bytes(stream_out) if stream_out else {}
        r = []
        for name, sport, linux, norm in scen:
            try:
                with open(os.path.join(rcv, sport), "rb") as f:
                    got = f.read()
            except OSError:
                got = b""
            want = sb.get(int(sport), b"") if stream_out else \
                bytes.fromhex(linux)
            r.append((name, sport, got.hex() or "-", want.hex() or "-",
                      norm, linux))
        return r

    end = time.monotonic() + secs
    last = None
    while True:
        r = rows()
        if all(x[2] == x[3] for x in r) and r == last:
            break
        if time.monotonic() >= end:
            break
        last = r
        time.sleep(1)
    for x in r:
        print(*x)


def main():
    a = sys.argv[2:]
    if len(sys.argv) >= 10 and sys.argv[1] == "craft":
        craft(a[0], a[1], a[2], a[3], a[4], int(a[5]), int(a[6]), a[7:])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "check":
        check(a[0], a[1], float(a[2]), a[3] if len(a) > 3 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
