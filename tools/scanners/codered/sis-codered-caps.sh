#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#
# The Code-Red scanner's declaration and capability table, as sisctl
# commands (paper section 5.3): DNS queries from the host and DNS replies
# to it, read only; the host's outbound connection requests (SYN set, ACK,
# RST and FIN clear, whatever PSH, URG, ECE and CWR say: Linux accepts
# them all), read and contain. IPv6 SYNs are matched at a fixed
# offset (TCP right after the IPv6 header), since pcap cannot index TCP
# headers over IPv6.
#
#   sis-codered-caps.sh [BRIDGE [USER]]     (br0, sis-codered)
#
# Set SISCTL to the sisctl to use, SISCTL_NETNS to act in a namespace.
# Timeout: a SYN held 120 s gets the fail policy (open: the scanner's own
# --max-hold, 60 s, decides first). Fail open: if the scanner dies, the
# host keeps its connectivity, as without the scanner.
set -eu
bridge=${1:-br0}
user=${2:-sis-codered}
sisctl() {
	${SISCTL:-sisctl} ${SISCTL_NETNS:+-n "$SISCTL_NETNS"} "$@"
}

sisctl scanner add codered bridge "$bridge" user "$user" \
	timeout 120000 fail open max-held 1024
sisctl cap add codered dns-query dir out rights read 'udp dst port 53'
sisctl cap add codered dns-reply dir in rights read 'udp src port 53'
sisctl cap add codered syn dir out rights read,contain \
	'(tcp[tcpflags] & (tcp-syn|tcp-ack|tcp-rst|tcp-fin) == tcp-syn) or (ip6 and ip6[6] == 6 and ip6[53] & 0x17 == 2)'
