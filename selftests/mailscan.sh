#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=200 limit=1500
# The e-mail virus scanner (tools/scanners/mailscan, paper section 5.2)
# against real mail software through the bridge: swaks and Python's
# smtplib to an aiosmtpd server (selftests/mail_server.py), the host as
# the client (mail-out) and as the server (mail-in); dovecot serving POP3
# and IMAP to poplib and imaplib. Every peer is first shown to work with
# SIS attached and no scanner; then sis-mailscan runs as nobody, declared
# by its shipped snippet (sis-mailscan-caps.sh), with an MD5 list and a
# ClamAV database made here from the EICAR test string (nothing is
# downloaded):
#
#  - clean messages arrive byte for byte as sent (dot-unstuffed); an
#    infected part is replaced by the registered notice and every other
#    byte stays, the alert names the virus and the file, and the message
#    the alert carries (sisctl monitor --save) is the original;
#  - a zipped EICAR is caught by libclamav, not by the MD5 list;
#  - a message of 10 MB (20 in the soak tier) with the virus last is held
#    whole in the kernel's custody and edited;
#  - SMTP: PIPELINING, CHUNKING taken out of the EHLO reply (as its
#    middle line and as its last), 8BITMIME and SMTPUTF8, three messages
#    in one connection, dot-stuffed lines, STARTTLS allowed, stripped or
#    blocked, BDAT killed;
#  - POP3 RETR and TOP, several messages in a session; IMAP FETCH BODY[]
#    whole, an infected one killed;
#  - a message over --max-message killed, or passed with an alert;
#  - the scanner's counters say what happened, and it exits 0.
source "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2016 # jq programs

MAILSCAN=$BUILDDIR/sis-mailscan
CAPS=$TOP/tools/scanners/mailscan/sis-mailscan-caps.sh
PY=/usr/bin/python3
CLIENT=$TOP/selftests/mail_client.py
SERVER=$TOP/selftests/mail_server.py
MS_PID=
DOVECOT_PID=

mail_cleanup() {
	[ -n "$MS_PID" ] && kill -KILL "$MS_PID" 2>/dev/null
	# dovecot's master takes its children with it on TERM.
	[ -n "$DOVECOT_PID" ] && kill -TERM "$DOVECOT_PID" 2>/dev/null &&
		wait "$DOVECOT_PID" 2>/dev/null
	disown -a	# killed on purpose: no "Killed" notices in the log
	cleanup_bg
}
trap mail_cleanup EXIT

for prog in swaks dovecot openssl; do
	command -v "$prog" >/dev/null || {
		echo "1..0 # SKIP $prog is not installed (scripts/setup.sh installs it)"
		exit "$KSFT_SKIP"
	}
done
$PY -c 'import aiosmtpd' 2>/dev/null || {
	echo "1..0 # SKIP python3-aiosmtpd is not installed (scripts/setup.sh installs it)"
	exit "$KSFT_SKIP"
}

if [ "${SIS_TIER:-check}" = soak ]; then
	BIG_MB=20
else
	BIG_MB=10
fi

# Readable by nobody: dovecot's mail processes, the scanner's signatures.
chmod 755 "$TMPD"
M=$TMPD/msgs
SAVED=$TMPD/saved
mkdir -p "$M" "$SAVED"
$PY "$CLIENT" gen "$M" "$BIG_MB"
printf '%s\n' "An attachment of this message contained a virus (SIS test)." \
	"It was removed by the network's mail scanner." >"$TMPD/notice"

# --- helpers ------------------------------------------------------------------

# same DESC WANT GOT: the files are byte for byte the same.
same() {
	local out
	if out=$(cmp "$2" "$3" 2>&1); then
		ok "$1"
	else
		not_ok "$1"
		diag "$out"
		diag "sizes: want $(stat -c %s "$2" 2>&1), got $(stat -c %s "$3" 2>&1)"
	fi
}

# edited DESC SENT GOT NAME...: GOT is SENT with the parts named NAME
# (file names) replaced by the notice part, every other byte the same
# (what the scanner's cut and injection must make), and, parsed again,
# every other part the same as sent.
edited() {
	local desc=$1 sent=$2 got=$3 out
	shift 3
	if [ ! -f "$got" ]; then
		not_ok "$desc"
		diag "$got: not there"
		return
	fi
	$PY "$CLIENT" expect "$sent" "$got.want" "$TMPD/notice" "$@"
	same "$desc" "$got.want" "$got"
	if out=$($PY "$CLIENT" parts "$sent" "$got" "$TMPD/notice" "$@" 2>&1); then
		ok "$desc: reparsed, the other parts as sent"
	else
		not_ok "$desc: reparsed, the other parts as sent"
		diag "$out"
	fi
}

# in_ns NS CMD...
in_ns() {
	ip netns exec "$@"
}

# client NS ARGS...: mail_client.py in NS; CL its JSON line, CRC its exit code.
client() {
	local ns=$1
	shift
	CRC=0
	CL=$(in_ns "$ns" $PY "$CLIENT" "$@" 2>"$TMPD/client.err") || CRC=$?
	[ "$CRC" = 0 ] || [ "$CRC" = 3 ] || diag "mail_client $*: exit $CRC: $(<"$TMPD/client.err")"
}

# jcl FILTER: a jq filter over the last client's JSON.
jcl() {
	jq -rc "$1" <<<"$CL"
}

# listening NS ADDR PORT: something accepts connections there.
listening() {
	in_ns "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null
}

# smtp_start NAME NS ADDR PORT [ARGS...]: mail_server.py, storing into
# $TMPD/NAME/N.eml; one test: it says ready.
smtp_start() {
	local name=$1 ns=$2
	shift 2
	mkdir -p "$TMPD/$name"
	ip netns exec "$ns" $PY "$SERVER" "$@" "$TMPD/$name" >"$TMPD/$name.out" \
		2>"$TMPD/$name.err" &
	bg_pids+=($!)
	if wait_until "$WAIT_SECS" said_ready "$TMPD/$name.out"; then
		ok "SMTP server $name: $*"
		return 0
	fi
	not_ok "SMTP server $name: $*"
	diag "mail_server $*: not ready: $(<"$TMPD/$name.err")"
	return 1
}

# said_ready FILE: a line "ready" is in FILE.
said_ready() {
	local _line
	[ -f "$1" ] || return 1
	while IFS= read -r _line; do
		[ "$_line" = ready ] && return 0
	done <"$1"
	return 1
}

# stored NAME N: server NAME has stored its Nth message.
stored() {
	[ -f "$TMPD/$1/$2.eml" ]
}

# swaks_send NS ADDR FILE [ARGS...]: one message with swaks; SW its
# transcript, SWRC its exit code.
swaks_send() {
	local ns=$1 addr=$2 file=$3
	shift 3
	SWRC=0
	SW=$(in_ns "$ns" swaks --server "$addr" --from sender@net.sis.test \
		--to rcpt@host.sis.test --helo client.sis.test --timeout 600 \
		--data "@$file" "$@" 2>&1) || SWRC=$?
}

# swaks_ok DESC: the last swaks ended well.
swaks_ok() {
	if [ "$SWRC" = 0 ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "swaks exit $SWRC: $(tail -n 8 <<<"$SW")"
	fi
}

# ms_start ARGS...: sis-mailscan as nobody in the bridge's namespace.
ms_start() {
	: >"$TMPD/ms.out"
	ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$MAILSCAN" "$@" >"$TMPD/ms.out" 2>>"$TMPD/ms.err" &
	MS_PID=$!
	wait_until "$WAIT_SECS" ms_ready
	grep -qx ready "$TMPD/ms.out" && return 0
	diag "sis-mailscan $*: not ready: $(tail -n 5 "$TMPD/ms.err")"
	return 1
}

ms_ready() {
	said_ready "$TMPD/ms.out" || ! kill -0 "$MS_PID" 2>/dev/null
}

# ms_stats JQ: the scanner's counters now (SIGUSR1), through a jq filter.
ms_stats() {
	local n
	n=$(wc -l <"$TMPD/ms.out")
	kill -USR1 "$MS_PID"
	wait_until "$WAIT_SECS" more_lines "$n" ||
		diag "sis-mailscan printed no counters in $WAIT_SECS s"
	tail -n 1 "$TMPD/ms.out" | jq -rc "$1"
}

more_lines() {
	[ "$(wc -l <"$TMPD/ms.out")" -gt "$1" ]
}

# ms_stop DESC: TERM; it exits 0 and its last line is its counters (MS_LAST).
ms_stop() {
	local rc=0
	kill -TERM "$MS_PID"
	wait "$MS_PID" || rc=$?
	MS_PID=
	check_eq "$1: sis-mailscan exits 0 on SIGTERM" "$rc" 0
	MS_LAST=$(tail -n 1 "$TMPD/ms.out")
	[ "$rc" = 0 ] || diag "its log: $(tail -n 20 "$TMPD/ms.err")"
}

# alerts: how many alerts the monitor printed.
alerts() {
	local lines
	mapfile -t lines <"$TMPD/alerts.json"
	echo "${#lines[@]}"
}

alerts_reach() {
	[ "$(alerts)" -ge "$1" ]
}

# next_alert DESC: wait for the alert after the last one seen; ALERT gets
# its message, ALERT_SAVED the .eml it brought (if one came with it).
ALERTS_SEEN=0
SAVED_SEEN=()
next_alert() {
	local f new=()
	ALERT='' ALERT_SAVED=''
	if ! wait_for "$1: an alert" "$WAIT_SECS" alerts_reach $((ALERTS_SEEN + 1)); then
		return 1
	fi
	ALERTS_SEEN=$((ALERTS_SEEN + 1))
	ALERT=$(sed -n "${ALERTS_SEEN}p" "$TMPD/alerts.json" | jq -r '.message // .message_hex')
	for f in "$SAVED"/*; do
		[ -f "$f" ] || continue
		[[ " ${SAVED_SEEN[*]} " == *" $f "* ]] && continue
		new+=("$f")
	done
	SAVED_SEEN+=("${new[@]}")
	[ "${#new[@]}" = 1 ] && ALERT_SAVED=${new[0]}
	return 0
}

# virus_alert DESC FILE VIRUS SENT: the next alert is about FILE, infected
# by VIRUS, and carries SENT (as the recipient would store it).
virus_alert() {
	next_alert "$1" || return
	check_match "$1: the alert names the virus" "$ALERT" "$3"
	check_match "$1: the alert names the file" "$ALERT" "$2"
	if [ -n "$ALERT_SAVED" ]; then
		same "$1: the message saved from the alert is the original" "$4" "$ALERT_SAVED"
	else
		not_ok "$1: the message saved from the alert is the original"
		diag "no .eml saved for this alert (saved: $(ls "$SAVED"))"
	fi
}

# --- the network, the signatures, the peers -----------------------------------

setup_topology
# The scanner's ClamAV database: the EICAR string as a hex pattern (.ndb),
# and its MD5 list: the EICAR file's MD5 (.hdb).
mkdir -p "$TMPD/clamdb"
eicar_hex=$(od -An -tx1 -v "$M/eicar.com" | tr -d ' \n')
echo "Sis.Test.EICAR-NDB:0:*:$eicar_hex" >"$TMPD/clamdb/sis-test.ndb"
read -r eicar_md5 _ < <(md5sum "$M/eicar.com")
echo "$eicar_md5:68:Sis.Test.EICAR-MD5" >"$TMPD/eicar.hdb"

# A certificate for STARTTLS.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=mx.sis.test -days 2 -keyout "$TMPD/tls.key" \
	-out "$TMPD/tls.crt" 2>"$TMPD/openssl.err" ||
	diag "openssl: $(<"$TMPD/openssl.err")"

# The network's SMTP servers: port 25 with CHUNKING in the middle of its
# EHLO reply, port 587 with it last and STARTTLS; the host's, port 25.
# (Started here, not under check: its $(...) would keep them.)
smtp_start mx25 "$NS_N" 10.0.0.2 25 --chunking middle
smtp_start mx587 "$NS_N" 10.0.0.2 587 --chunking last \
	--tls "$TMPD/tls.crt" "$TMPD/tls.key"
smtp_start hostmx "$NS_H" 10.0.0.1 25
N25=0 N587=0 NHOST=0

# Dovecot: POP3 and IMAP at 10.0.0.2, users pop and imap, maildirs of
# test messages, mail processes as nobody.
DV=$TMPD/dovecot
mkdir -p "$DV/run" "$DV/state" "$DV/mail"
cat >"$DV/dovecot.conf" <<EOF
base_dir = $DV/run
state_dir = $DV/state
instance_name = sis-mailscan-test
log_path = $DV/dovecot.log
protocols = pop3 imap
listen = 10.0.0.2
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 65534
last_valid_uid = 65534
first_valid_gid = 65534
mail_location = maildir:$DV/mail/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DV/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$DV/mail/%u
}
EOF
printf '%s\n' "pop:{PLAIN}pop-secret" "imap:{PLAIN}imap-secret" >"$DV/passwd"
chmod 644 "$DV/passwd"
# maildir_put USER NAME...: the messages, in that order (by their names'
# timestamps, which dovecot's UIDs follow).
maildir_put() {
	local user=$1 t=1000000000 name
	shift
	mkdir -p "$DV/mail/$user/Maildir/"{cur,new,tmp}
	for name; do
		t=$((t + 1))
		cp "$M/$name.eml" "$DV/mail/$user/Maildir/cur/$t.M1P1.sis:2,S"
	done
}
POP_MSGS=(clean eicar dots-eicar 8bit single-eicar)
IMAP_MSGS=(clean dots eicar)
maildir_put pop "${POP_MSGS[@]}"
maildir_put imap "${IMAP_MSGS[@]}"
chown -R nobody:nogroup "$DV/mail"
ip netns exec "$NS_N" dovecot -F -c "$DV/dovecot.conf" >"$DV/out" 2>&1 &
DOVECOT_PID=$!
dovecot_up() {
	listening "$NS_N" 10.0.0.2 110 && listening "$NS_N" 10.0.0.2 143
}
if wait_until "$WAIT_SECS" dovecot_up; then
	ok "dovecot listens at 10.0.0.2:110 and :143"
else
	not_ok "dovecot listens at 10.0.0.2:110 and :143"
	diag "$(cat "$DV/out" "$DV/dovecot.log" 2>&1 | tail -n 20)"
fi

# --- SIS attached, no scanner: the peers work through the bridge --------------

check "attach" sis attach br0 host hp0

swaks_send "$NS_H" 10.0.0.2 "$M/clean.swaks"
swaks_ok "no scanner: swaks sends a message, host to network"
N25=$((N25 + 1))
same "no scanner: it arrives as sent" "$M/clean.eml" "$TMPD/mx25/$N25.eml"
swaks_send "$NS_N" 10.0.0.1 "$M/clean.swaks"
swaks_ok "no scanner: swaks sends a message, network to host"
NHOST=$((NHOST + 1))
same "no scanner: it arrives as sent at the host" "$M/clean.eml" "$TMPD/hostmx/$NHOST.eml"
client "$NS_H" ehlo 10.0.0.2 25
check_eq "no scanner: CHUNKING is in the EHLO reply, in the middle" \
	"$(jcl '[.well_formed, (.features | index("CHUNKING")), (.features | length), .dot]')" \
	'[true,1,6,"250"]'
N25=$((N25 + 1))
client "$NS_H" ehlo 10.0.0.2 587
check_eq "no scanner: on 587, CHUNKING is last, STARTTLS advertised" \
	"$(jcl '[.well_formed, .features[-1], (.features | index("STARTTLS") != null), .dot]')" \
	'[true,"CHUNKING",true,"250"]'
N587=$((N587 + 1))
client "$NS_H" starttls 10.0.0.2 587 "$M/tls-eicar.eml"
check_eq "no scanner: STARTTLS, then a message over TLS" \
	"$(jcl '[.advertised, .starttls, .sent]')" '[true,220,true]'
N587=$((N587 + 1))
wait_until 10 stored mx587 "$N587"
same "no scanner: the message sent over TLS arrives" "$M/tls-eicar.eml" \
	"$TMPD/mx587/$N587.eml"

mkdir -p "$TMPD/pop0" "$TMPD/imap0"
client "$NS_H" pop3 10.0.0.2 110 pop pop-secret "$TMPD/pop0" --top 1
check_eq "no scanner: POP3 retrieves the 5 messages in order" \
	"$(jcl '[.retr[]] | join(" ")')" "${POP_MSGS[*]}"
for name in "${POP_MSGS[@]}"; do
	same "no scanner: POP3 RETR $name as stored" "$M/$name.eml" "$TMPD/pop0/$name.eml"
done
client "$NS_H" imap 10.0.0.2 143 imap imap-secret "$TMPD/imap0"
check_eq "no scanner: IMAP fetches the 3 messages in order" \
	"$(jcl '[.fetched[]] | join(" ")')" "${IMAP_MSGS[*]}"
for name in "${IMAP_MSGS[@]}"; do
	same "no scanner: IMAP FETCH BODY[] of $name as stored" "$M/$name.eml" \
		"$TMPD/imap0/$name.eml"
done

# --- the scanner ----------------------------------------------------------------

if [ ! -x "$MAILSCAN" ]; then
	not_ok "$MAILSCAN is built"
	tap_done
	exit 1
fi
check "the capability snippet declares the scanner (user nobody)" \
	env SISCTL="$SISCTL" SISCTL_NETNS="$NS_B" MAILSCAN_NOTICE="$TMPD/notice" \
	sh "$CAPS" br0 nobody
check_eq "two capabilities, four notices" \
	"$(sis -j show scanner mailscan | jq -c '[[.[0].caps[].name], (.[0].injects | length)]')" \
	'[["mail-out","mail-in"],4]'
# shellcheck disable=SC2016
check_eq "the bridge holds 32 MiB a direction" \
	"$(sis_json '$b.limits.conn_bytes')" $((32 << 20))

sis monitor alerts -j --save "$SAVED" >"$TMPD/alerts.json" 2>"$TMPD/monitor.err" &
bg_pids+=($!)

# The first run: both engines, bad input killed, STARTTLS allowed.
if ms_start --hdb "$TMPD/eicar.hdb" --clamav-db "$TMPD/clamdb" \
	--bad-input kill --starttls allow; then
	ok "sis-mailscan starts as nobody (MD5 list and libclamav)"
else
	not_ok "sis-mailscan starts as nobody (MD5 list and libclamav)"
	tap_done
	exit 1
fi

# SMTP, the host as the client.
swaks_send "$NS_H" 10.0.0.2 "$M/clean.swaks"
swaks_ok "swaks: a clean message, host to network"
N25=$((N25 + 1))
same "a clean message arrives as sent" "$M/clean.eml" "$TMPD/mx25/$N25.eml"

swaks_send "$NS_H" 10.0.0.2 "$M/eicar.swaks"
swaks_ok "swaks: a message with an EICAR attachment"
N25=$((N25 + 1))
edited "EICAR: the part replaced by the notice" "$M/eicar.eml" \
	"$TMPD/mx25/$N25.eml" eicar.com
virus_alert "EICAR" eicar.com Sis.Test.EICAR "$M/eicar.eml"

swaks_send "$NS_H" 10.0.0.2 "$M/zip.swaks"
swaks_ok "swaks: a zipped EICAR"
N25=$((N25 + 1))
edited "zipped EICAR: replaced (libclamav)" "$M/zip.eml" "$TMPD/mx25/$N25.eml" \
	eicar.zip
virus_alert "zipped EICAR" eicar.zip Sis.Test.EICAR-NDB "$M/zip.eml"

swaks_send "$NS_H" 10.0.0.2 "$M/clean.swaks" --pipeline
swaks_ok "swaks --pipeline"
check_match "swaks pipelined MAIL, RCPT and DATA" "$SW" \
	$' -> MAIL FROM:<sender@net.sis.test>\n -> RCPT TO:<rcpt@host.sis.test>\n -> DATA\n<-  250'
N25=$((N25 + 1))
same "pipelined: the message arrives as sent" "$M/clean.eml" "$TMPD/mx25/$N25.eml"
if [[ "$SW" == *CHUNKING* ]]; then
	not_ok "swaks never sees CHUNKING"
	diag "$(grep -n CHUNKING <<<"$SW")"
else
	ok "swaks never sees CHUNKING"
fi

# CHUNKING, in the middle and last.
client "$NS_H" ehlo 10.0.0.2 25
check_eq "CHUNKING in the middle: gone, the reply well formed, a message goes" \
	"$(jcl '[.well_formed, (.features | index("CHUNKING")), (.features | length), .dot, .quit]')" \
	'[true,null,5,"250","221"]'
N25=$((N25 + 1))
client "$NS_H" ehlo 10.0.0.2 587
check_eq "CHUNKING last: gone, the reply well formed, a message goes" \
	"$(jcl '[.well_formed, (.features | index("CHUNKING")), .features[-1], .dot, .quit]')" \
	'[true,null,"HELP","250","221"]'
diag "the EHLO reply the client read: $(jcl '.lines | join(" | ")')"
N587=$((N587 + 1))

# 8BITMIME and SMTPUTF8.
client "$NS_H" smtp 10.0.0.2 25 "$M/8bit.eml" --8bit
check_eq "8BITMIME: accepted" "$(jcl '[.sent, .refused]')" '[["8bit.eml"],[]]'
N25=$((N25 + 1))
same "8BITMIME: arrives as sent" "$M/8bit.eml" "$TMPD/mx25/$N25.eml"
check_eq "8BITMIME: the server got BODY=8BITMIME" \
	"$(jq -c .mail_options "$TMPD/mx25/$N25.json")" '["BODY=8BITMIME"]'
client "$NS_H" smtp 10.0.0.2 25 "$M/utf8.eml" --utf8 --from jörg@exämple.sis.test
check_eq "SMTPUTF8: accepted" "$(jcl '[.sent, .refused]')" '[["utf8.eml"],[]]'
N25=$((N25 + 1))
same "SMTPUTF8: arrives as sent" "$M/utf8.eml" "$TMPD/mx25/$N25.eml"
check_eq "SMTPUTF8: the envelope as sent" \
	"$(jq -c '[.from, .mail_options]' "$TMPD/mx25/$N25.json")" \
	'["jörg@exämple.sis.test",["SMTPUTF8","BODY=8BITMIME"]]'

# Three messages in one connection, the second infected.
client "$NS_H" smtp 10.0.0.2 25 "$M/multi1.eml" "$M/multi2.eml" "$M/multi3.eml"
check_eq "three messages in one connection: all accepted" \
	"$(jcl '[.sent | length, .refused]')" '[3,[]]'
same "the first of three arrives as sent" "$M/multi1.eml" "$TMPD/mx25/$((N25 + 1)).eml"
edited "the second of three: its part replaced" "$M/multi2.eml" \
	"$TMPD/mx25/$((N25 + 2)).eml" file2.bin
same "the third of three arrives as sent" "$M/multi3.eml" "$TMPD/mx25/$((N25 + 3)).eml"
N25=$((N25 + 3))
virus_alert "the second of three" file2.bin Sis.Test.EICAR "$M/multi2.eml"

# Dot-stuffed lines.
for name in dots dots-plain; do
	swaks_send "$NS_H" 10.0.0.2 "$M/$name.swaks"
	swaks_ok "swaks: $name"
	N25=$((N25 + 1))
	same "$name: lines starting with a dot arrive as sent" "$M/$name.eml" \
		"$TMPD/mx25/$N25.eml"
done
swaks_send "$NS_H" 10.0.0.2 "$M/dots-eicar.swaks"
swaks_ok "swaks: dots-eicar"
N25=$((N25 + 1))
edited "dot-stuffed lines around an infected part: only the part replaced" \
	"$M/dots-eicar.eml" "$TMPD/mx25/$N25.eml" eicar.com
virus_alert "dots-eicar" eicar.com Sis.Test.EICAR "$M/dots-eicar.eml"

# SMTP, the host as the server.
swaks_send "$NS_N" 10.0.0.1 "$M/clean.swaks"
swaks_ok "swaks: a clean message, network to host"
NHOST=$((NHOST + 1))
same "to the host: a clean message arrives as sent" "$M/clean.eml" \
	"$TMPD/hostmx/$NHOST.eml"
swaks_send "$NS_N" 10.0.0.1 "$M/eicar.swaks"
swaks_ok "swaks: an infected message, network to host"
NHOST=$((NHOST + 1))
edited "to the host: the infected part replaced" "$M/eicar.eml" \
	"$TMPD/hostmx/$NHOST.eml" eicar.com
virus_alert "to the host" eicar.com Sis.Test.EICAR "$M/eicar.eml"

# A single-part message that is the virus: its body replaced.
swaks_send "$NS_H" 10.0.0.2 "$M/single-eicar.swaks"
swaks_ok "swaks: a single-part infected message"
N25=$((N25 + 1))
if out=$($PY "$CLIENT" body "$M/single-eicar.eml" "$TMPD/mx25/$N25.eml" \
	"$TMPD/notice" 2>&1); then
	ok "single part: the body replaced by the notice, the headers kept"
else
	not_ok "single part: the body replaced by the notice, the headers kept"
	diag "$out"
fi
virus_alert "single part" eicar.com Sis.Test.EICAR "$M/single-eicar.eml"

# The big one, held in custody while it arrives.
swaks_send "$NS_H" 10.0.0.2 "$M/big.swaks"
swaks_ok "swaks: $BIG_MB MB, the virus last"
N25=$((N25 + 1))
edited "$BIG_MB MB: the last part replaced, the rest as sent" "$M/big.eml" \
	"$TMPD/mx25/$N25.eml" eicar.com
virus_alert "$BIG_MB MB" eicar.com Sis.Test.EICAR "$M/big.eml"

# BDAT, which no client may send once CHUNKING is gone.
client "$NS_H" bdat 10.0.0.2 25
check_eq "BDAT anyway: the connection is killed" "$CRC" 3
check_match "BDAT anyway: ... reset" "$(jcl .error)" "reset"
if grep -q '^BDAT' "$TMPD/mx25/commands"; then
	not_ok "BDAT anyway: the server never read it"
else
	ok "BDAT anyway: the server never read it"
fi

# STARTTLS allowed: the rest is passed unread (the virus too), one alert.
client "$NS_H" starttls 10.0.0.2 587 "$M/tls-eicar.eml"
check_eq "STARTTLS allowed: a message over TLS" \
	"$(jcl '[.advertised, .starttls, .sent]')" '[true,220,true]'
N587=$((N587 + 1))
wait_until 10 stored mx587 "$N587"
same "STARTTLS allowed: it arrives as sent, unread" "$M/tls-eicar.eml" \
	"$TMPD/mx587/$N587.eml"
next_alert "STARTTLS allowed" &&
	check_match "STARTTLS allowed: the alert says so" "$ALERT" "starttls"

# POP3.
mkdir -p "$TMPD/pop1"
client "$NS_H" pop3 10.0.0.2 110 pop pop-secret "$TMPD/pop1" --top 1
check_eq "POP3: the 5 messages in one session" \
	"$(jcl '[.retr[]] | join(" ")')" "${POP_MSGS[*]}"
same "POP3 RETR: clean as stored" "$M/clean.eml" "$TMPD/pop1/clean.eml"
same "POP3 RETR: 8-bit as stored" "$M/8bit.eml" "$TMPD/pop1/8bit.eml"
edited "POP3 RETR: the infected part replaced" "$M/eicar.eml" \
	"$TMPD/pop1/eicar.eml" eicar.com
virus_alert "POP3 eicar" eicar.com Sis.Test.EICAR "$M/eicar.eml"
edited "POP3 RETR: dot-stuffed, the infected part replaced" "$M/dots-eicar.eml" \
	"$TMPD/pop1/dots-eicar.eml" eicar.com
virus_alert "POP3 dots-eicar" eicar.com Sis.Test.EICAR "$M/dots-eicar.eml"
if out=$($PY "$CLIENT" body "$M/single-eicar.eml" "$TMPD/pop1/single-eicar.eml" \
	"$TMPD/notice" 2>&1); then
	ok "POP3 RETR: a single-part infected message, its body replaced"
else
	not_ok "POP3 RETR: a single-part infected message, its body replaced"
	diag "$out"
fi
virus_alert "POP3 single part" eicar.com Sis.Test.EICAR "$M/single-eicar.eml"
for name in "${POP_MSGS[@]}"; do
	same "POP3 TOP 1 of $name: as without the scanner" "$TMPD/pop0/$name.top" \
		"$TMPD/pop1/$name.top"
done

# IMAP: the clean ones whole, the infected one killed.
mkdir -p "$TMPD/imap1"
client "$NS_H" imap 10.0.0.2 143 imap imap-secret "$TMPD/imap1"
check_eq "IMAP: clean and dots fetched, then the connection killed at the third" \
	"$(jcl '[(.fetched | join(" ")), .fetching]')" '["clean dots",3]'
check_match "IMAP: ... reset" "$(jcl .error)" "reset"
same "IMAP FETCH BODY[]: clean, whole" "$M/clean.eml" "$TMPD/imap1/clean.eml"
same "IMAP FETCH BODY[]: dots, whole" "$M/dots.eml" "$TMPD/imap1/dots.eml"
virus_alert "IMAP eicar" eicar.com Sis.Test.EICAR "$M/eicar.eml"

# The counters of the first run. Messages: SMTP 18 (clean, eicar, zip,
# pipelined, 2 after EHLO, 8bit, utf8, 3 in one, dots, dots-plain,
# dots-eicar, 2 to the host, single-eicar, big; the one over TLS is not
# read), POP3 5 RETR and 5 TOP, IMAP 3; infected: SMTP 7 (eicar, zip,
# multi2, dots-eicar, to the host, single, big), POP3 3, IMAP 1. Every
# SMTP connection to the network's servers (16) had CHUNKING cut.
ms_stop "first run"
check_eq "first run: messages, clean, infected" \
	"$(jq -c '[.messages, .clean, .infected]' <<<"$MS_LAST")" '[31,20,11]'
check_eq "first run: killed (BDAT, IMAP), STARTTLS, CHUNKING cut" \
	"$(jq -c '[.killed, .tls, .chunking_stripped]' <<<"$MS_LAST")" '[2,1,16]'
check_eq "first run: connections by protocol" \
	"$(jq -c '[.conns.smtp, .conns.pop3, .conns.imap]' <<<"$MS_LAST")" '[18,1,1]'
check_eq "first run: alerts, none failed, no request failed, nothing lost" \
	"$(jq -c '[.alerts, .alerts_failed, .requests_failed, .lost, .alerts_bare]' <<<"$MS_LAST")" \
	"[$ALERTS_SEEN,0,0,0,0]"
diag "first run's counters: $MS_LAST"

# --- the MD5 list alone; STARTTLS stripped; bad input passed ------------------
if ms_start --hdb "$TMPD/eicar.hdb" --starttls strip --max-message 1m \
	--bad-input pass; then
	ok "sis-mailscan starts with the MD5 list alone"
else
	not_ok "sis-mailscan starts with the MD5 list alone"
fi
swaks_send "$NS_H" 10.0.0.2 "$M/zip.swaks"
swaks_ok "MD5 list alone: swaks sends the zipped EICAR"
N25=$((N25 + 1))
same "MD5 list alone: the zipped EICAR passes unchanged" "$M/zip.eml" \
	"$TMPD/mx25/$N25.eml"
swaks_send "$NS_H" 10.0.0.2 "$M/eicar.swaks"
N25=$((N25 + 1))
edited "MD5 list alone: EICAR itself replaced" "$M/eicar.eml" \
	"$TMPD/mx25/$N25.eml" eicar.com
virus_alert "MD5 list alone" eicar.com Sis.Test.EICAR-MD5 "$M/eicar.eml"

client "$NS_H" ehlo 10.0.0.2 587
check_eq "STARTTLS stripped: gone from the EHLO reply, which still parses" \
	"$(jcl '[.well_formed, (.features | index("STARTTLS")), (.features | index("CHUNKING")), .dot]')" \
	'[true,null,null,"250"]'
N587=$((N587 + 1))
client "$NS_H" starttls 10.0.0.2 587 "$M/tls-eicar.eml" --anyway
check_eq "STARTTLS stripped: a client asking anyway is killed" \
	"$(jcl '[.advertised, .sent]'):$CRC" '[false,null]:3'
if grep -q STARTTLS "$TMPD/mx587/commands"; then
	diag "$(grep -c STARTTLS "$TMPD/mx587/commands") STARTTLS read by the server"
fi

client "$NS_H" smtp 10.0.0.2 25 "$M/oversize.eml"
check_eq "over --max-message, bad input passed: accepted" \
	"$(jcl '[.sent, .refused]')" '[["oversize.eml"],[]]'
N25=$((N25 + 1))
same "over --max-message: arrives as sent" "$M/oversize.eml" "$TMPD/mx25/$N25.eml"
next_alert "over --max-message, passed" &&
	check_match "over --max-message: the alert says so" "$ALERT" "max"
ms_stop "second run"
check_eq "second run: messages, clean, infected, oversize, passed, killed" \
	"$(jq -c '[.messages, .clean, .infected, .oversize, .bad_passed, .killed]' <<<"$MS_LAST")" \
	'[3,2,1,1,1,1]'
check_eq "second run: STARTTLS stripped" "$(jq -c '.tls_stripped' <<<"$MS_LAST")" 1
diag "second run's counters: $MS_LAST"

# --- STARTTLS blocked; bad input killed ---------------------------------------
if ms_start --hdb "$TMPD/eicar.hdb" --starttls block --max-message 1m \
	--bad-input kill; then
	ok "sis-mailscan starts with STARTTLS blocked, bad input killed"
else
	not_ok "sis-mailscan starts with STARTTLS blocked, bad input killed"
fi
stls=$(grep -c STARTTLS "$TMPD/mx587/commands")
client "$NS_H" starttls 10.0.0.2 587 "$M/tls-eicar.eml"
check_eq "STARTTLS blocked: advertised, and the connection killed when asked" \
	"$(jcl '[.advertised, .starttls, .sent]'):$CRC" '[true,null,null]:3'
check_eq "STARTTLS blocked: the server never read it" \
	"$(grep -c STARTTLS "$TMPD/mx587/commands")" "$stls"
client "$NS_H" smtp 10.0.0.2 25 "$M/oversize.eml"
check_eq "over --max-message, bad input killed: the connection is killed" "$CRC" 3
check_match "over --max-message, killed: ... reset" "$(jcl .error)" "reset"
if stored mx25 $((N25 + 1)); then
	not_ok "over --max-message, killed: nothing stored"
else
	ok "over --max-message, killed: nothing stored"
fi
ms_stop "third run"
check_eq "third run: oversize, killed, STARTTLS" \
	"$(jq -c '[.oversize, .killed, .tls, .bad_passed]' <<<"$MS_LAST")" '[1,2,1,0]'
diag "third run's counters: $MS_LAST"

check_eq "every alert was read" "$(alerts)" "$ALERTS_SEEN"
tap_done
