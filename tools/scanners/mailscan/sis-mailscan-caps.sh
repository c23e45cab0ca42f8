#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#
# The e-mail scanner's declaration, capability table and notices, as
# sisctl commands (paper section 5.2): both byte streams of the SMTP
# (25, 587), POP3 (110) and IMAP (143) connections, read and contain,
# whether the host is the client (mail-out) or the server (mail-in); and
# the four stream injections the scanner puts in place of an infected
# part (Documentation/mailscan.md):
#
#	1  a text/plain MIME part: the removed attachment's notice
#	2  the header lines of a text/plain body (replaces Content-*)
#	3  that body's text
#	4  one space (an EHLO reply's last line, once CHUNKING is cut)
#
#   sis-mailscan-caps.sh [BRIDGE [USER]]     (br0, sis-mailscan)
#
# Set SISCTL to the sisctl to use, SISCTL_NETNS to act in a namespace,
# MAILSCAN_NOTICE to a file with the notice's text (plain ASCII lines; a
# line may not start with "."). Timeout 10 minutes (a large message held
# while it arrives); fail closed: if the scanner dies, its connections are
# reset rather than mail going on unchecked. The bridge's per-direction
# bounds are raised to hold a 25 MiB message (conn-bytes 32m, conn-segs
# 32768; the scanner's --max-message must stay below conn-bytes).
set -eu
bridge=${1:-br0}
user=${2:-sis-mailscan}
mail_ports=25,587,110,143
sisctl() {
	${SISCTL:-sisctl} ${SISCTL_NETNS:+-n "$SISCTL_NETNS"} "$@"
}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ -n "${MAILSCAN_NOTICE:-}" ]; then
	notice=$(cat "$MAILSCAN_NOTICE")
else
	notice="This message contained an attachment infected by a virus.
The attachment was removed by the network's mail scanner (SIS).
Ask the sender to send it again, clean."
fi
if printf '%s\n' "$notice" | grep -q '^\.'; then
	echo "sis-mailscan-caps: a notice line may not start with \".\"" >&2
	exit 1
fi
crlf() { printf '%s\n' "$1" | sed 's/$/\r/'; }
headers="Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit
Content-Disposition: inline"
# The part's text ends without CRLF: the CRLF before the next boundary stays.
{ crlf "$headers"; printf '\r\n'; crlf "$notice" | head -c -2; } >"$dir/part"
crlf "$headers" >"$dir/headers"
crlf "$notice" >"$dir/body"
printf ' ' >"$dir/space"

sisctl set dev "$bridge" conn-bytes 32m conn-segs 32768
sisctl scanner add mailscan bridge "$bridge" user "$user" \
	timeout 600000 fail closed max-bytes 268435456
sisctl cap add mailscan mail-out stream net-port "$mail_ports" max-cuts 64 \
	rights read,contain
sisctl cap add mailscan mail-in stream host-port "$mail_ports" max-cuts 64 \
	rights read,contain
sisctl inject add mailscan 1 "$dir/part" stream
sisctl inject add mailscan 2 "$dir/headers" stream
sisctl inject add mailscan 3 "$dir/body" stream
sisctl inject add mailscan 4 "$dir/space" stream
