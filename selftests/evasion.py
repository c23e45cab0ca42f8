#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted TCP tricks against a real Linux receiver, for evasion.sh.

  evasion.py serve PORT DIR
      In the host's namespace: accept connections on PORT and append what
      the application reads from each to DIR/<peer port>. Prints "ready".

  evasion.py crafter IFACE SRC_MAC DST_MAC
      The same, for each line "SRC DST DPORT SPORT SCENARIO..." of stdin,
      each answer ending with a line "end".

  evasion.py craft IFACE SRC_MAC DST_MAC SRC DST DPORT SPORT SCENARIO...
      In the network's namespace: for each scenario, a connection from
      SRC:SPORT+i (an address the namespace does not own, so its kernel
      never answers the receiver's segments) to DST:DPORT, opened by hand,
      then the scenario's data segment(s). Prints "SCENARIO SPORT DATA" per
      scenario, DATA being what a Linux receiver reads from it.

The scenarios (all but the last are accepted by Linux as plain data):
  control   a plain segment
  badopt    an MSS option of a bad length (02 03 00 01): Linux ignores it
  padded    bytes after the IP datagram, in the Ethernet frame: Linux trims
  frag      the segment in IPv4 fragments of 32 bytes, the first with the
            whole TCP header
  tiny      the segment in IPv4 fragments of 16 bytes, the TCP header cut
            (RFC 1858's tiny first fragment)
  overlap   two IPv4 fragments that overlap with different bytes: Linux
            drops the datagram (and SIS must too, counted)
  badoff    a data offset past the segment's end (60 bytes of header
            claimed, 28 sent): Linux drops it
  syn       a SYN without options or payload, nothing else
  ooo       2000 one-byte segments after the first byte, last first, the
            first byte never sent: the receiver queues them out of order
            and its application reads nothing
  hbhsyn    an IPv6 SYN behind a hop-by-hop options header, from
  dstsyn    SRC6 to DST6 (below), or behind a destination options header;
            DATA is "synack" if the receiver answered, "none" if not

IPv6 scenarios use SRC6 = 2001:db8::3 and DST6 = 2001:db8::1.
"""
import os
import socket
import struct
import sys
import threading
import time

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4


def serve(port, out):
    lst = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    lst.bind(("::", port))
    lst.listen(64)
    print("ready", flush=True)

    def reader(conn, peer):
        path = os.path.join(out, str(peer[1]))
        with open(path, "ab", buffering=0) as f:
            while True:
                try:
                    b = conn.recv(65536)
                except OSError:
                    break
                if not b:
                    break
                f.write(b)
        conn.close()

    while True:
        conn, peer = lst.accept()
        # The file exists once the connection was accepted.
        open(os.path.join(out, str(peer[1])), "ab").close()
        threading.Thread(target=reader, args=(conn, peer), daemon=True).start()


SRC6 = "2001:db8::3"
DST6 = "2001:db8::1"


def checksum(data):
    """The Internet checksum of data, of an even length."""
    c = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    c = (c & 0xffff) + (c >> 16)
    c = (c & 0xffff) + (c >> 16)
    return ~c & 0xffff


def craft(iface, smac, dmac, src, dst, dport, sport, scenarios):
    from scapy.layers.inet import IP, TCP, fragment, in4_chksum
    from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt,
                                    IPv6ExtHdrHopByHop)
    from scapy.layers.l2 import Ether

    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_IP))
    rx.bind((iface, ETH_P_IP))
    eth = Ether(src=smac, dst=dmac)

    rx6 = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                        socket.htons(0x86dd))
    rx6.bind((iface, 0x86dd))

    def flush(sock):
        sock.setblocking(False)
        try:
            while True:
                sock.recv(65535)
        except BlockingIOError:
            pass
        sock.setblocking(True)

    def syn_ack(sp, timeout=60, sock=rx, ipl=IP, to=src, must=True):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            sock.settimeout(max(0.1, end - time.monotonic()))
            try:
                data, addr = sock.recvfrom(65535)
            except socket.timeout:
                break
            if addr[2] == PACKET_OUTGOING:
                continue
            p = Ether(data)
            if (ipl in p and TCP in p and p[ipl].dst == to and
                    p[TCP].sport == dport and p[TCP].dport == sp and
                    p[TCP].flags & 0x12 == 0x12):
                return p[TCP].seq
        if must:
            sys.exit("no SYN-ACK to %s:%d" % (to, sp))
        return None

    def tcp_raw(sp, seq, ack, flags, opts=b"", payload=b"", doff=None):
        """A TCP segment as bytes, its checksum right for its bytes."""
        if doff is None:
            doff = (20 + len(opts)) // 4
        hdr = struct.pack("!HHIIBBHHH", sp, dport, seq, ack, doff << 4,
                          flags, 65535, 0, 0)
        seg = hdr + opts + payload
        ip = IP(src=src, dst=dst, proto=6)
        csum = in4_chksum(6, ip, seg)
        return seg[:16] + struct.pack("!H", csum) + seg[18:]

    def ip_header(s, d, plen, ident):
        """An IPv4 header for a TCP payload of plen bytes."""
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + plen, ident & 0xffff,
                        0, 64, 6, 0, socket.inet_aton(s),
                        socket.inet_aton(d))
        return h[:10] + struct.pack("!H", checksum(h)) + h[12:]

    def ip_frame(seg):
        return bytes(eth / IP(src=src, dst=dst, proto=6) / seg)

    for i, scen in enumerate(scenarios):
        sp = sport + i
        isn = 100000 * (i + 1)
        data = ("EVASION-%s-%d-" % (scen.upper(), sp)).encode() + b"x" * 24
        if scen == "syn":
            tx.send(ip_frame(tcp_raw(sp, isn, 0, 0x02)))
            print(scen, sp, flush=True)
            continue
        if scen in ("hbhsyn", "dstsyn"):
            ext = IPv6ExtHdrHopByHop() if scen == "hbhsyn" else \
                IPv6ExtHdrDestOpt()
            flush(rx6)
            tx.send(bytes(eth / IPv6(src=SRC6, dst=DST6) / ext /
                          TCP(sport=sp, dport=dport, flags="S", seq=isn)))
            # Answered at once if at all: a few seconds under TCG.
            got = syn_ack(sp, timeout=10, sock=rx6, ipl=IPv6, to=SRC6,
                          must=False)
            print(scen, sp, "none" if got is None else "synack", flush=True)
            continue
        flush(rx)
        tx.send(ip_frame(tcp_raw(sp, isn, 0, 0x02,
                                 opts=b"\x02\x04\x05\xb4")))
        peer = syn_ack(sp)
        seq, ack = isn + 1, (peer + 1) & 0xffffffff
        tx.send(ip_frame(tcp_raw(sp, seq, ack, 0x10)))
        read = data
        if scen == "control":
            tx.send(ip_frame(tcp_raw(sp, seq, ack, 0x18, payload=data)))
        elif scen == "badopt":
            tx.send(ip_frame(tcp_raw(sp, seq, ack, 0x18,
                                     opts=b"\x02\x03\x00\x01",
                                     payload=data)))
        elif scen == "padded":
            frame = ip_frame(tcp_raw(sp, seq, ack, 0x18, payload=data))
            tx.send(frame + b"Z" * 32)
        elif scen in ("frag", "tiny"):
            pkt = IP(src=src, dst=dst, proto=6, id=sp) / \
                tcp_raw(sp, seq, ack, 0x18, payload=data)
            for f in fragment(pkt, fragsize=32 if scen == "frag" else 16):
                tx.send(bytes(eth / f))
        elif scen == "overlap":
            seg = tcp_raw(sp, seq, ack, 0x18, payload=data)
            other = seg[:32] + b"O" * (len(seg) - 32)
            tx.send(bytes(eth / IP(src=src, dst=dst, proto=6, id=sp,
                                   flags="MF", frag=0) / seg[:40]))
            tx.send(bytes(eth / IP(src=src, dst=dst, proto=6, id=sp,
                                   frag=4) / other[32:]))
            read = b""
        elif scen == "ooo":
            # Built by hand: scapy takes milliseconds a frame here.
            head = (bytes.fromhex(dmac.replace(":", "")) +
                    bytes.fromhex(smac.replace(":", "")) + b"\x08\x00")
            pseudo = (socket.inet_aton(src) + socket.inet_aton(dst) +
                      struct.pack("!HH", 6, 21))
            for k in range(2000, 0, -1):
                seg = struct.pack("!HHIIBBHHHB", sp, dport,
                                  (seq + k) & 0xffffffff, ack, 5 << 4,
                                  0x10, 65535, 0, 0, ord("o"))
                c = checksum(pseudo + seg + b"\0")
                seg = seg[:16] + struct.pack("!H", c) + seg[18:]
                tx.send(head + ip_header(src, dst, len(seg), sp + k) + seg)
            read = b""
        elif scen == "badoff":
            # 60 bytes of header claimed, 28 there.
            tx.send(ip_frame(tcp_raw(sp, seq, ack, 0x18, payload=data[:8],
                                     doff=15)))
            read = b""
        else:
            sys.exit("unknown scenario " + scen)
        print(scen, sp, read.decode(), flush=True)


def crafter(iface, smac, dmac):
    """craft, once per line of stdin: "SRC DST DPORT SPORT SCENARIO..."

    Its lines, then "end" (or "error MESSAGE", then "end"): scapy is
    imported once, which takes seconds in a debug guest.
    """
    for line in sys.stdin:
        w = line.split()
        if len(w) < 5:
            continue
        try:
            craft(iface, smac, dmac, w[0], w[1], int(w[2]), int(w[3]), w[4:])
        except SystemExit as e:
            print("error", e, flush=True)
        print("end", flush=True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "crafter":
        crafter(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 10 and sys.argv[1] == "craft":
        a = sys.argv[2:]
        craft(a[0], a[1], a[2], a[3], a[4], int(a[5]), int(a[6]), a[7:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
