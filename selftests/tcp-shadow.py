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

NORM = {"urg-mid": "urgent", "urg-zero": "urgent", "urg-ahead": "urgent",
        "urg-two": "urgent", "urg-old": "urgent", "syn-near": "ambiguous"}


class Peer:
    """One crafted connection's end in the network's namespace."""

    def __init__(self, tx, rx, eth, src, dst, dport, sport):
        self.tx, self.rx, self.eth = tx, rx, eth
        self.src, self.dst, self.dport, self.sport = src, dst, dport, sport
        self.isn = self.seq = self.ack = 0

    def send(self, seq, flags, payload=b"", ack=None, urg=0):
        from scapy.layers.inet import IP, in4_chksum
        if ack is None:
            ack = self.ack
        hdr = struct.pack("!HHIIBBHHH", self.sport, self.dport,
                          seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags,
                          65535, 0, urg)
        opts = b""
        if flags & SYN:
            opts = b"\x02\x04\x05\xb4"
            hdr = hdr[:12] + bytes([6 << 4]) + hdr[13:]
        seg = hdr + opts + payload
        ip = IP(src=self.src, dst=self.dst, proto=6)
        csum = in4_chksum(6, ip, seg)
        seg = seg[:16] + struct.pack("!H", csum) + seg[18:]
        self.tx.send(bytes(self.eth / IP(src=self.src, dst=self.dst,
                                         proto=6) / seg))

    def replies(self, secs, until=None):
        """The receiver's segments to us for SECS, or until one matches."""
        from scapy.layers.inet import IP, TCP
        from scapy.layers.l2 import Ether
        got = []
        end = time.monotonic() + secs
        while time.monotonic() < end:
            self.rx.settimeout(max(0.05, end - time.monotonic()))
            try:
                data, addr = self.rx.recvfrom(65535)
            except socket.timeout:
                break
            if addr[2] == PACKET_OUTGOING:
                continue
            p = Ether(data)
            if not (IP in p and TCP in p and p[IP].dst == self.src and
                    p[TCP].sport == self.dport and
                    p[TCP].dport == self.sport):
                continue
            t = p[TCP]
            got.append((int(t.flags), t.seq, t.ack))
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

    def synack(self, secs=60):
        """Wait for a SYN-ACK; take the ISN it acknowledges as ours."""
        got = self.replies(secs, lambda r: r[0] & (SYN | ACK) == SYN | ACK)
        if not got or got[-1][0] & (SYN | ACK) != SYN | ACK:
            sys.exit("no SYN-ACK to %s:%d" % (self.src, self.sport))
        self.established(got[-1])

    def established(self, synack):
        self.isn = (synack[2] - 1) & 0xffffffff
        self.seq = synack[2]
        self.ack = (synack[1] + 1) & 0xffffffff
        self.send(self.seq, ACK)

    def data(self, off, payload, flags=PSH | ACK, urg=0):
        self.send(self.isn + 1 + off, flags, payload, urg=urg)

    def acked(self, off, secs=15):
        """Wait until the receiver acknowledges the bytes before OFF."""
        want = (self.isn + 1 + off) & 0xffffffff
        return self.replies(secs, lambda r: r[0] & ACK and
                            (r[2] - want) & 0x80000000 == 0)


def scenario(p, scen, tag):
    """Run one scenario on peer p; return what Linux reads."""
    if scen.startswith("syn-"):
        isn = 7000000 + 100000 * (p.sport % 50)
        p.send(isn, SYN, ack=0)
        if scen == "syn-far":
            p.send(isn + 0x100000, SYN, ack=0)
            p.synack()
        elif scen == "syn-near":
            p.send(isn + 1000, SYN, ack=0)
            synack_or_rst(p, isn + 1000)
        else:
            got = p.replies(60, lambda r: r[0] & (SYN | ACK) == SYN | ACK)
            if not got:
                sys.exit("no SYN-ACK to %s:%d" % (p.src, p.sport))
            p.send(isn + 1000, SYN, ack=0)
            synack_or_rst(p, isn + 1000, got[-1])
        data = tag + b"-after-a-second-syn"
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
        time.sleep(1)
        p.data(2, a[2:], PSH | ACK | URG, urg=1)
        p.data(len(a), b)
        p.acked(len(a) + len(b))
        return a + b
    sys.exit("unknown scenario " + scen)


def synack_or_rst(p, isn2, synack=None):
    """After a second SYN: if the receiver reset its request, open again
    with the second ISN; else go on with the first, as acknowledged."""
    got = p.replies(3, lambda r: r[0] & RST)
    for r in got:
        if r[0] & (SYN | ACK) == SYN | ACK:
            synack = r
    if any(r[0] & RST for r in got):
        p.send(isn2, SYN, ack=0)
        p.synack()
        return
    if synack is None:
        p.synack()
    else:
        p.established(synack)


def craft(iface, smac, dmac, src, dst, dport, sport, scenarios):
    from scapy.layers.l2 import Ether

    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_IP))
    rx.bind((iface, ETH_P_IP))
    eth = Ether(src=smac, dst=dmac)
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
