#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted TCP tricks against a real Linux receiver, for evasion.sh.

  evasion.py serve PORT DIR
      In the host's namespace: accept connections on PORT and append what
      the application reads from each to DIR/<peer port>. Prints "ready".

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
  frag      the segment in IPv4 fragments of 16 bytes, the TCP header cut
  badoff    a data offset past the segment's end: Linux drops it
  syn       a SYN without options or payload, nothing else
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
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("0.0.0.0", port))
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


def craft(iface, smac, dmac, src, dst, dport, sport, scenarios):
    from scapy.layers.inet import IP, TCP, fragment, in4_chksum
    from scapy.layers.l2 import Ether

    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                       socket.htons(ETH_P_IP))
    rx.bind((iface, ETH_P_IP))
    eth = Ether(src=smac, dst=dmac)

    def syn_ack(sp, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            rx.settimeout(max(0.1, end - time.monotonic()))
            try:
                data, addr = rx.recvfrom(65535)
            except socket.timeout:
                break
            if addr[2] == PACKET_OUTGOING:
                continue
            p = Ether(data)
            if (IP in p and TCP in p and p[IP].dst == src and
                    p[TCP].sport == dport and p[TCP].dport == sp and
                    p[TCP].flags & 0x12 == 0x12):
                return p[TCP].seq
        sys.exit("no SYN-ACK to %s:%d" % (src, sp))

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
        rx.setblocking(False)
        try:
            while True:
                rx.recv(65535)
        except BlockingIOError:
            pass
        rx.setblocking(True)
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
        elif scen == "frag":
            pkt = IP(src=src, dst=dst, proto=6, id=sp) / \
                tcp_raw(sp, seq, ack, 0x18, payload=data)
            for f in fragment(pkt, fragsize=16):
                tx.send(bytes(eth / f))
        elif scen == "badoff":
            tx.send(ip_frame(tcp_raw(sp, seq, ack, 0x18, payload=data,
                                     doff=15)))
            read = b""
        else:
            sys.exit("unknown scenario " + scen)
        print(scen, sp, read.decode(), flush=True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) >= 10 and sys.argv[1] == "craft":
        a = sys.argv[2:]
        craft(a[0], a[1], a[2], a[3], a[4], int(a[5]), int(a[6]), a[7:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
