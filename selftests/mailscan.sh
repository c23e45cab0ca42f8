#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=150 limit=1200
# The e-mail virus scanner (tools/scanners/mailscan, paper section 5.2)
# against real mail software through the bridge: swaks and Python's
# smtplib to aiosmtpd servers (selftests/mail_server.py), the host as the
# client (mail-out) and as the server (mail-in); dovecot serving POP3 and
# IMAP to poplib and imaplib. Every peer is first shown to work with SIS
# attached and no scanner; then sis-mailscan runs as nobody, declared by
# its shipped snippet (sis-mailscan-caps.sh), with an MD5 list and a
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
#
# The Python side (selftests/mail_client.py) runs as one process the test
# talks to, entering each namespace itself: a Python start takes seconds
# in the debug guest. swaks (Perl) takes as long, and sends the messages
# where being swaks matters most.
# shellcheck disable=SC2016 # jq programs
source "$(dirname "$0")/lib.sh"

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

# A client's bound for one read from its peer: a hang fails, after that.
export MAIL_TIMEOUT=120
if [ "${SIS_TIER:-check}" = soak ]; then
	BIG_MB=20
else
	BIG_MB=10
fi

# Readable by nobody: dovecot's mail processes, the scanner's signatures.
chmod 755 "$TMPD"
M=$TMPD/msgs
SAVED=$TMPD/saved
DV=$TMPD/dovecot
NOTICE=$TMPD/notice
mkdir -p "$M" "$SAVED" "$DV/run" "$DV/state" "$DV/mail"
printf '%s\n' "An attachment of this message contained a virus (SIS test)." \
	"It was removed by the network's mail scanner." >"$NOTICE"

# --- helpers ------------------------------------------------------------------

# said_ready FILE: a line "ready" is in FILE.
said_ready() {
	local _line
	[ -f "$1" ] || return 1
	while IFS= read -r _line; do
		[ "$_line" = ready ] && return 0
	done <"$1"
	return 1
}

# mc NS CMD ARGS...: one command of the mail client (mail_client.py serve)
# in namespace NS ("-": the guest's own); CL gets its JSON result, CRC 0
# when it went as it should, 3 when not (a connection reset under it).
mc() {
	local IFS=$'\x1f' line=
	printf '%s\n' "$*" >&"${MC[1]}"
	if ! read -r -t "$WAIT_SECS" -u "${MC[0]}" line; then
		CRC=3 CL='{"error":"mail_client: no answer"}'
		diag "mail_client $*: no answer in $WAIT_SECS s: $(tail -n 5 "$TMPD/client.err")"
		return
	fi
	CRC=${line%% *}
	CL=${line#* }
}

# mc_check DESC NS CMD ARGS...: one test: the command went as it should.
mc_check() {
	local desc=$1
	shift
	mc "$@"
	if [ "$CRC" = 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$*: $CL"
		ms_log
	fi
}

# same DESC WANT GOT: the files are byte for byte the same.
same() {
	mc_check "$1" - same "$2" "$3"
}

# edited DESC SENT GOT NAME...: GOT is SENT with the parts named NAME
# (file names) replaced by the notice part, every other byte the same
# (what the scanner's cut and injection must make), and, parsed again,
# every other part as sent.
edited() {
	local desc=$1 sent=$2 got=$3
	shift 3
	mc_check "$desc" - edited "$sent" "$got" "$NOTICE" "$@"
}

# jcl FILTER: a jq filter over the last result.
jcl() {
	jq -rc "$1" <<<"$CL"
}

# stored NAME N: server NAME has stored its Nth message.
stored() {
	[ -f "$TMPD/smtp/$1/$2.eml" ]
}

# swaks_send NS ADDR FILE [ARGS...]: one message with swaks; SW gets its
# transcript, SWRC its exit code.
swaks_send() {
	local ns=$1 addr=$2 file=$3
	shift 3
	SWRC=0
	SW=$(ip netns exec "$ns" swaks --server "$addr" \
		--from sender@net.sis.test --to rcpt@host.sis.test \
		--helo client.sis.test --timeout "$MAIL_TIMEOUT" --data "@$file" "$@" 2>&1) ||
		SWRC=$?
}

# swaks_ok DESC: the last swaks ended well.
swaks_ok() {
	if [ "$SWRC" = 0 ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "swaks exit $SWRC: $(tail -n 8 <<<"$SW")"
		ms_log
	fi
}

# ms_start ARGS...: sis-mailscan as nobody in the bridge's namespace.
ms_start() {
	: >"$TMPD/ms.out"
	ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$MAILSCAN" "$@" >"$TMPD/ms.out" 2>>"$TMPD/ms.err" &
	MS_PID=$!
	wait_until "$WAIT_SECS" ms_ready
	said_ready "$TMPD/ms.out" && return 0
	diag "sis-mailscan $*: not ready: $(tail -n 5 "$TMPD/ms.err")"
	return 1
}

# ms_log: when a scanner runs, the last lines of its log.
ms_log() {
	[ -n "$MS_PID" ] && diag "sis-mailscan's last lines: $(tail -n 8 "$TMPD/ms.err")"
	return 0
}

ms_ready() {
	said_ready "$TMPD/ms.out" || ! kill -0 "$MS_PID" 2>/dev/null
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

# ms_json JQ: a jq filter over the counters MS_LAST.
ms_json() {
	jq -c "$1" <<<"$MS_LAST"
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
# its message, ALERT_SAVED the .eml saved from its attachment (if it had
# one: sisctl monitor --save links DIR/alert-ID.eml, or alert-ID-N.eml
# for an id seen before, once the attachment has all come).
ALERTS_SEEN=0
SAVED_SEEN=" "
next_alert() {
	local id
	ALERT='' ALERT_SAVED=''
	if ! wait_for "$1: an alert" "$WAIT_SECS" alerts_reach $((ALERTS_SEEN + 1)); then
		return 1
	fi
	ALERTS_SEEN=$((ALERTS_SEEN + 1))
	{
		read -r id
		read -r ALERT
	} < <(sed -n "${ALERTS_SEEN}p" "$TMPD/alerts.json" |
		jq -r '(.attachment_id // 0), (.message // .message_hex)')
	diag "alert: $ALERT"
	[ "$id" = 0 ] && return 0
	if wait_until "$WAIT_SECS" saved_new "$id"; then
		SAVED_SEEN+="$ALERT_SAVED "
	else
		diag "$1: alert attachment $id not saved in $WAIT_SECS s"
		ALERT_SAVED=''
	fi
	return 0
}

# saved_new ID: ALERT_SAVED gets a saved attachment of ID not seen before.
saved_new() {
	local f
	for f in "$SAVED/alert-$1.eml" "$SAVED/alert-$1"-*.eml; do
		[ -f "$f" ] || continue
		[[ "$SAVED_SEEN" == *" $f "* ]] && continue
		ALERT_SAVED=$f
		return 0
	done
	return 1
}

# alert_says DESC TEXT: the next alert comes, and says TEXT.
alert_says() {
	next_alert "$1" && check_match "$1: the alert says so" "$ALERT" "$2"
}

# virus_alert DESC FILE VIRUS SENT: the next alert is about FILE, infected
# by VIRUS, and carries SENT (as the recipient would store it).
virus_alert() {
	next_alert "$1" || return
	check_match "$1: the alert names the virus" "$ALERT" \
		"mailscan: infected message: $3"
	check_match "$1: the alert names the file" "$ALERT" "in \"$2\""
	if [ -n "$ALERT_SAVED" ]; then
		same "$1: the message saved from the alert is the original" \
			"$4" "$ALERT_SAVED"
	else
		not_ok "$1: the message saved from the alert is the original"
		diag "no .eml saved for this alert: $(sed -n "${ALERTS_SEEN}p" \
			"$TMPD/alerts.json")"
	fi
}

# --- the peers ----------------------------------------------------------------

setup_topology

# A certificate for STARTTLS, then the SMTP servers (one process): the
# network's at 10.0.0.2, port 25 with CHUNKING in the middle of its EHLO
# reply, port 587 with it last and STARTTLS; the host's at 10.0.0.1:25.
# The mail client starts meanwhile.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=mx.sis.test -days 2 -keyout "$TMPD/tls.key" \
	-out "$TMPD/tls.crt" 2>"$TMPD/openssl.err" ||
	diag "openssl: $(<"$TMPD/openssl.err")"
$PY "$SERVER" "$TMPD/smtp" --tls "$TMPD/tls.crt" "$TMPD/tls.key" \
	"mx25:$NS_N:10.0.0.2:25:chunking-middle" \
	"mx587:$NS_N:10.0.0.2:587:chunking-last:tls" \
	"hostmx:$NS_H:10.0.0.1:25" >"$TMPD/server.out" 2>"$TMPD/server.err" &
bg_pids+=($!)
coproc MC { exec $PY "$CLIENT" serve 2>"$TMPD/client.err"; }
bg_pids+=("$MC_PID")
if ! wait_ready "${MC[0]}" "mail_client.py serve"; then
	not_ok "the mail client starts"
	diag "$(<"$TMPD/client.err")"
	tap_done
	exit 1
fi
if wait_until "$WAIT_SECS" said_ready "$TMPD/server.out"; then
	ok "SMTP servers at 10.0.0.2:25, 10.0.0.2:587 and 10.0.0.1:25"
else
	not_ok "SMTP servers at 10.0.0.2:25, 10.0.0.2:587 and 10.0.0.1:25"
	diag "$(<"$TMPD/server.err")"
fi
N25=0 N587=0 NHOST=0
mc_check "the test messages" - gen "$M" "$BIG_MB"

# The scanner's ClamAV database: the EICAR string as a hex pattern (.ndb);
# its MD5 list: the EICAR file's MD5 (.hdb).
mkdir -p "$TMPD/clamdb"
eicar_hex=$(od -An -tx1 -v "$M/eicar.com" | tr -d ' \n')
echo "Sis.Test.EICAR-NDB:0:*:$eicar_hex" >"$TMPD/clamdb/sis-test.ndb"
read -r eicar_md5 _ < <(md5sum "$M/eicar.com")
echo "$eicar_md5:68:Sis.Test.EICAR-MD5" >"$TMPD/eicar.hdb"

# Dovecot: POP3 and IMAP at 10.0.0.2, users pop and imap, each with a
# maildir of test messages, mail processes as nobody.
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
POP_MSGS=(clean eicar dots-eicar 8bit single-eicar)
IMAP_MSGS=(clean dots eicar)
mc - maildir "$DV/mail/pop/Maildir" "$M" "${POP_MSGS[@]}"
mc - maildir "$DV/mail/imap/Maildir" "$M" "${IMAP_MSGS[@]}"
chown -R nobody:nogroup "$DV/mail"
ip netns exec "$NS_N" dovecot -F -c "$DV/dovecot.conf" >"$DV/out" 2>&1 &
DOVECOT_PID=$!
dovecot_up() {
	mc "$NS_N" listening 10.0.0.2 110 143
	[ "$CRC" = 0 ]
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
same "no scanner: it arrives as sent" "$M/clean.eml" "$TMPD/smtp/mx25/$N25.eml"
swaks_send "$NS_N" 10.0.0.1 "$M/clean.swaks"
swaks_ok "no scanner: swaks sends a message, network to host"
NHOST=$((NHOST + 1))
same "no scanner: it arrives as sent at the host" "$M/clean.eml" \
	"$TMPD/smtp/hostmx/$NHOST.eml"
mc "$NS_H" ehlo 10.0.0.2 25
check_eq "no scanner: CHUNKING is in the EHLO reply, in the middle" \
	"$(jcl '[.well_formed, (.features | index("CHUNKING")), (.features | length), .dot]')" \
	'[true,1,6,"250"]'
N25=$((N25 + 1))
mc "$NS_H" ehlo 10.0.0.2 587
check_eq "no scanner: on 587, CHUNKING is last, STARTTLS advertised" \
	"$(jcl '[.well_formed, .features[-1], (.features | index("STARTTLS") != null), .dot]')" \
	'[true,"CHUNKING",true,"250"]'
N587=$((N587 + 1))
mc "$NS_H" starttls 10.0.0.2 587 "$M/tls-eicar.eml"
check_eq "no scanner: STARTTLS, then a message over TLS" \
	"$(jcl '[.advertised, .starttls, .sent]')" '[true,220,true]'
N587=$((N587 + 1))
same "no scanner: the message sent over TLS arrives" "$M/tls-eicar.eml" \
	"$TMPD/smtp/mx587/$N587.eml"

mkdir -p "$TMPD/pop0" "$TMPD/imap0"
mc "$NS_H" pop3 10.0.0.2 110 pop pop-secret "$TMPD/pop0" --top 1
check_eq "no scanner: POP3 retrieves the 5 messages in order" \
	"$(jcl '[.retr[]] | join(" ")')" "${POP_MSGS[*]}"
for name in "${POP_MSGS[@]}"; do
	same "no scanner: POP3 RETR $name as stored" "$M/$name.eml" "$TMPD/pop0/$name.eml"
	mc_check "no scanner: POP3 TOP 1 of $name" - top "$M/$name.eml" \
		"$TMPD/pop0/$name.top" 1
done
mc "$NS_H" imap 10.0.0.2 143 imap imap-secret "$TMPD/imap0"
check_eq "no scanner: IMAP fetches the 3 messages in order" \
	"$(jcl '[.fetched[]] | join(" ")')" "${IMAP_MSGS[*]}"
for name in "${IMAP_MSGS[@]}"; do
	same "no scanner: IMAP FETCH BODY[] of $name as stored" "$M/$name.eml" \
		"$TMPD/imap0/$name.eml"
done

# --- the scanner: both engines, bad input killed, STARTTLS allowed ------------

if [ ! -x "$MAILSCAN" ]; then
	not_ok "$MAILSCAN is built"
	tap_done
	exit 1
fi
check "the capability snippet declares the scanner (user nobody)" \
	env SISCTL="$SISCTL" SISCTL_NETNS="$NS_B" MAILSCAN_NOTICE="$NOTICE" \
	sh "$CAPS" br0 nobody
check_eq "two capabilities, four notices" \
	"$(sis -j show scanner mailscan | jq -c '[[.[0].caps[].name], (.[0].injects | length)]')" \
	'[["mail-out","mail-in"],4]'
check_eq "the bridge holds 32 MiB a direction" \
	"$(sis_json '$b.limits.conn_bytes')" $((32 << 20))

sis monitor alerts -j --save "$SAVED" >"$TMPD/alerts.json" 2>"$TMPD/monitor.err" &
bg_pids+=($!)

if ms_start -v --hdb "$TMPD/eicar.hdb" --clamav-db "$TMPD/clamdb" \
	--bad-input kill --starttls allow; then
	ok "sis-mailscan starts as nobody (MD5 list and libclamav)"
else
	not_ok "sis-mailscan starts as nobody (MD5 list and libclamav)"
	tap_done
	exit 1
fi

# ms_diag: what the scanner logged, and SIS's view of the connections.
ms_diag() {
	diag "sis-mailscan's log: $(tail -n 40 "$TMPD/ms.err")"
	diag "connections: $(sis -j conns br0)"
	diag "scanner: $(sis -j show scanner mailscan)"
}

# CHUNKING in the middle of the reply: gone, the reply well formed, and a
# message goes through after it. If the scanner cannot pass this much,
# every check after this one would only wait for its clients' timeouts.
mc "$NS_H" ehlo 10.0.0.2 25
got=$(jcl '[.well_formed, (.features | index("CHUNKING")), (.features | length), .dot, .quit]')
check_eq "CHUNKING in the middle: gone, the reply well formed, a message goes" \
	"$got" '[true,null,5,"250","221"]'
if [ "$got" != '[true,null,5,"250","221"]' ]; then
	diag "client: $CL"
	ms_diag
	tap_done
	exit 1
fi
N25=$((N25 + 1))

# SMTP, the host as the client; PIPELINING.
swaks_send "$NS_H" 10.0.0.2 "$M/clean.swaks" --pipeline
swaks_ok "swaks --pipeline: a clean message, host to network"
check_match "swaks pipelined MAIL, RCPT and DATA" "$SW" \
	$' -> MAIL FROM:<sender@net.sis.test>\n -> RCPT TO:<rcpt@host.sis.test>\n -> DATA\n<-  250'
if [[ "$SW" == *CHUNKING* ]]; then
	not_ok "swaks does not see CHUNKING"
	diag "$(grep CHUNKING <<<"$SW")"
else
	ok "swaks does not see CHUNKING"
fi
N25=$((N25 + 1))
same "a clean message arrives as sent" "$M/clean.eml" "$TMPD/smtp/mx25/$N25.eml"

swaks_send "$NS_H" 10.0.0.2 "$M/eicar.swaks"
swaks_ok "swaks: a message with an EICAR attachment"
N25=$((N25 + 1))
edited "EICAR: the part replaced by the notice, every other byte as sent" \
	"$M/eicar.eml" "$TMPD/smtp/mx25/$N25.eml" eicar.com
virus_alert "EICAR" eicar.com Sis.Test.EICAR "$M/eicar.eml"

swaks_send "$NS_H" 10.0.0.2 "$M/zip.swaks"
swaks_ok "swaks: a zipped EICAR"
N25=$((N25 + 1))
edited "zipped EICAR: replaced (libclamav)" "$M/zip.eml" \
	"$TMPD/smtp/mx25/$N25.eml" eicar.zip
virus_alert "zipped EICAR" eicar.zip Sis.Test.EICAR-NDB "$M/zip.eml"

# CHUNKING last.
mc "$NS_H" ehlo 10.0.0.2 587
check_eq "CHUNKING last: gone, the reply well formed, a message goes" \
	"$(jcl '[.well_formed, (.features | index("CHUNKING")), .features[-1], .dot, .quit]')" \
	'[true,null,"HELP","250","221"]'
diag "the EHLO reply the client read: $(jcl '.lines | join(" | ")')"
N587=$((N587 + 1))

# 8BITMIME and SMTPUTF8. (smtplib adds a SIZE, which is not the point.)
NOSIZE='[.mail_options[] | select(startswith("SIZE=") | not)]'
mc "$NS_H" smtp 10.0.0.2 25 "$M/8bit.eml" --8bit
check_eq "8BITMIME: accepted" "$(jcl '[.sent, .refused]')" '[["8bit.eml"],[]]'
N25=$((N25 + 1))
same "8BITMIME: arrives as sent" "$M/8bit.eml" "$TMPD/smtp/mx25/$N25.eml"
check_eq "8BITMIME: the server got BODY=8BITMIME" \
	"$(jq -c "$NOSIZE" "$TMPD/smtp/mx25/$N25.json")" '["BODY=8BITMIME"]'
mc "$NS_H" smtp 10.0.0.2 25 "$M/utf8.eml" --utf8 --from jörg@exämple.sis.test
check_eq "SMTPUTF8: accepted" "$(jcl '[.sent, .refused]')" '[["utf8.eml"],[]]'
N25=$((N25 + 1))
same "SMTPUTF8: arrives as sent" "$M/utf8.eml" "$TMPD/smtp/mx25/$N25.eml"
check_eq "SMTPUTF8: the envelope as sent" \
	"$(jq -c "[.from, $NOSIZE]" "$TMPD/smtp/mx25/$N25.json")" \
	'["jörg@exämple.sis.test",["SMTPUTF8","BODY=8BITMIME"]]'

# Three messages in one connection, the second infected.
mc "$NS_H" smtp 10.0.0.2 25 "$M/multi1.eml" "$M/multi2.eml" "$M/multi3.eml"
check_eq "three messages in one connection: all accepted" \
	"$(jcl '[(.sent | length), .refused]')" '[3,[]]'
same "the first of three arrives as sent" "$M/multi1.eml" \
	"$TMPD/smtp/mx25/$((N25 + 1)).eml"
edited "the second of three: its part replaced" "$M/multi2.eml" \
	"$TMPD/smtp/mx25/$((N25 + 2)).eml" file2.bin
same "the third of three arrives as sent" "$M/multi3.eml" \
	"$TMPD/smtp/mx25/$((N25 + 3)).eml"
N25=$((N25 + 3))
virus_alert "the second of three" file2.bin Sis.Test.EICAR "$M/multi2.eml"

# Dot-stuffed lines: smtplib and swaks stuff them, the server unstuffs.
mc "$NS_H" smtp 10.0.0.2 25 "$M/dots.eml" "$M/dots-plain.eml"
check_eq "dot-stuffed messages: accepted" "$(jcl '[(.sent | length), .refused]')" '[2,[]]'
same "dots (MIME): lines starting with a dot arrive as sent" "$M/dots.eml" \
	"$TMPD/smtp/mx25/$((N25 + 1)).eml"
same "dots (plain text): lines starting with a dot arrive as sent" \
	"$M/dots-plain.eml" "$TMPD/smtp/mx25/$((N25 + 2)).eml"
N25=$((N25 + 2))
swaks_send "$NS_H" 10.0.0.2 "$M/dots-eicar.swaks"
swaks_ok "swaks: dot-stuffed lines around an infected part"
N25=$((N25 + 1))
edited "dot-stuffed lines around an infected part: only the part replaced" \
	"$M/dots-eicar.eml" "$TMPD/smtp/mx25/$N25.eml" eicar.com
virus_alert "dots-eicar" eicar.com Sis.Test.EICAR "$M/dots-eicar.eml"

# SMTP, the host as the server.
mc "$NS_N" smtp 10.0.0.1 25 "$M/clean.eml"
check_eq "to the host: a clean message accepted" "$(jcl '[.sent, .refused]')" \
	'[["clean.eml"],[]]'
NHOST=$((NHOST + 1))
same "to the host: a clean message arrives as sent" "$M/clean.eml" \
	"$TMPD/smtp/hostmx/$NHOST.eml"
swaks_send "$NS_N" 10.0.0.1 "$M/eicar.swaks"
swaks_ok "swaks: an infected message, network to host"
NHOST=$((NHOST + 1))
edited "to the host: the infected part replaced" "$M/eicar.eml" \
	"$TMPD/smtp/hostmx/$NHOST.eml" eicar.com
virus_alert "to the host" eicar.com Sis.Test.EICAR "$M/eicar.eml"

# A single-part message that is the virus: its body replaced.
mc "$NS_H" smtp 10.0.0.2 25 "$M/single-eicar.eml"
N25=$((N25 + 1))
mc_check "single part: the body replaced by the notice, the headers kept" \
	- body "$M/single-eicar.eml" "$TMPD/smtp/mx25/$N25.eml" "$NOTICE"
virus_alert "single part" eicar.com Sis.Test.EICAR "$M/single-eicar.eml"

# The big one, held in the kernel's custody while it arrives.
swaks_send "$NS_H" 10.0.0.2 "$M/big.swaks"
swaks_ok "swaks: $BIG_MB MB, the virus last"
N25=$((N25 + 1))
edited "$BIG_MB MB: the last part replaced, the rest as sent" "$M/big.eml" \
	"$TMPD/smtp/mx25/$N25.eml" eicar.com
virus_alert "$BIG_MB MB" eicar.com Sis.Test.EICAR "$M/big.eml"

# BDAT, which no client may send once CHUNKING is gone.
mc "$NS_H" bdat 10.0.0.2 25
check_eq "BDAT anyway: the connection is killed" "$CRC" 3
check_match "BDAT anyway: ... reset" "$(jcl .error)" ConnectionResetError
alert_says "BDAT anyway" "mailscan: client sent BDAT without CHUNKING (killed)"
if grep -q '^BDAT' "$TMPD/smtp/mx25/commands"; then
	not_ok "BDAT anyway: the server never read it"
else
	ok "BDAT anyway: the server never read it"
fi

# STARTTLS allowed: the rest is passed unread (the virus too), one alert.
mc "$NS_H" starttls 10.0.0.2 587 "$M/tls-eicar.eml"
check_eq "STARTTLS allowed: a message over TLS" \
	"$(jcl '[.advertised, .starttls, .sent]')" '[true,220,true]'
N587=$((N587 + 1))
same "STARTTLS allowed: it arrives as sent, unread" "$M/tls-eicar.eml" \
	"$TMPD/smtp/mx587/$N587.eml"
alert_says "STARTTLS allowed" "mailscan: STARTTLS accepted"

# POP3: five messages in one session, each retrieved and its top.
mkdir -p "$TMPD/pop1"
mc "$NS_H" pop3 10.0.0.2 110 pop pop-secret "$TMPD/pop1" --top 1
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
mc_check "POP3 RETR: a single-part infected message, its body replaced" \
	- body "$M/single-eicar.eml" "$TMPD/pop1/single-eicar.eml" "$NOTICE"
virus_alert "POP3 single part" eicar.com Sis.Test.EICAR "$M/single-eicar.eml"
for name in "${POP_MSGS[@]}"; do
	same "POP3 TOP 1 of $name: as without the scanner" "$TMPD/pop0/$name.top" \
		"$TMPD/pop1/$name.top"
done

# IMAP: the clean ones whole, the infected one killed.
mkdir -p "$TMPD/imap1"
mc "$NS_H" imap 10.0.0.2 143 imap imap-secret "$TMPD/imap1"
check_eq "IMAP: clean and dots fetched, then the connection killed at the third" \
	"$(jcl '[(.fetched | join(" ")), .fetching]')" '["clean dots",3]'
check_match "IMAP: ... reset" "$(jcl .error)" ConnectionResetError
same "IMAP FETCH BODY[]: clean, whole" "$M/clean.eml" "$TMPD/imap1/clean.eml"
same "IMAP FETCH BODY[]: dots, whole" "$M/dots.eml" "$TMPD/imap1/dots.eml"
virus_alert "IMAP eicar" eicar.com Sis.Test.EICAR "$M/eicar.eml"

# The counters. Messages: SMTP 17 (clean, eicar, zip, 2 after EHLO, 8bit,
# utf8, 3 in one, dots, dots-plain, dots-eicar, 2 to the host, single,
# big; the one over TLS is not read), POP3 5 RETR and 5 TOP, IMAP 3.
# Infected: SMTP 7 (eicar, zip, multi2, dots-eicar, to the host, single,
# big), POP3 3, IMAP 1. The 14 SMTP connections to the network's servers
# had CHUNKING cut; 16 SMTP connections in all.
ms_stop "first run"
check_eq "first run: messages, clean, infected" \
	"$(ms_json '[.messages, .clean, .infected]')" '[30,19,11]'
check_eq "first run: killed (BDAT, IMAP), STARTTLS, CHUNKING cut, BDAT" \
	"$(ms_json '[.killed, .tls, .chunking_stripped, .protocol_errors]')" \
	'[2,1,14,1]'
check_eq "first run: connections by protocol" \
	"$(ms_json '[.conns.smtp, .conns.pop3, .conns.imap]')" '[16,1,1]'
check_eq "first run: alerts (each read), none failed or bare, nothing lost" \
	"$(ms_json '[.alerts, .alerts_failed, .alerts_bare, .requests_failed, .lost]')" \
	"[$ALERTS_SEEN,0,0,0,0]"
diag "first run's counters: $MS_LAST"

# --- the MD5 list alone; STARTTLS stripped; bad input passed ------------------

if ms_start --hdb "$TMPD/eicar.hdb" --starttls strip --max-message 1m \
	--bad-input pass; then
	ok "sis-mailscan starts with the MD5 list alone"
else
	not_ok "sis-mailscan starts with the MD5 list alone"
fi
mc "$NS_H" smtp 10.0.0.2 25 "$M/zip.eml" "$M/eicar.eml"
check_eq "MD5 list alone: the zipped EICAR and EICAR accepted" \
	"$(jcl '[(.sent | length), .refused]')" '[2,[]]'
same "MD5 list alone: the zipped EICAR passes unchanged" "$M/zip.eml" \
	"$TMPD/smtp/mx25/$((N25 + 1)).eml"
edited "MD5 list alone: EICAR itself replaced" "$M/eicar.eml" \
	"$TMPD/smtp/mx25/$((N25 + 2)).eml" eicar.com
N25=$((N25 + 2))
virus_alert "MD5 list alone" eicar.com Sis.Test.EICAR-MD5 "$M/eicar.eml"

mc "$NS_H" ehlo 10.0.0.2 587
check_eq "STARTTLS stripped: gone from the EHLO reply, which still parses" \
	"$(jcl '[.well_formed, (.features | index("STARTTLS")), (.features | index("CHUNKING")), .dot]')" \
	'[true,null,null,"250"]'
N587=$((N587 + 1))
mc "$NS_H" starttls 10.0.0.2 587 "$M/tls-eicar.eml" --anyway
check_eq "STARTTLS stripped: a client asking anyway is killed" \
	"$(jcl '[.advertised, .sent]'):$CRC" '[false,null]:3'
check_match "STARTTLS stripped: ... reset" "$(jcl .error)" ConnectionResetError
alert_says "STARTTLS stripped, asked anyway" \
	"mailscan: client asked for an unoffered STARTTLS"

mc "$NS_H" smtp 10.0.0.2 25 "$M/oversize.eml"
check_eq "over --max-message, bad input passed: accepted" \
	"$(jcl '[.sent, .refused]')" '[["oversize.eml"],[]]'
N25=$((N25 + 1))
same "over --max-message, passed: arrives as sent" "$M/oversize.eml" \
	"$TMPD/smtp/mx25/$N25.eml"
alert_says "over --max-message, passed" \
	"mailscan: message over 1048576 bytes (passed)"
ms_stop "second run"
check_eq "second run: messages, clean, infected, oversize, passed, killed" \
	"$(ms_json '[.messages, .clean, .infected, .oversize, .bad_passed, .killed]')" \
	'[3,2,1,1,1,1]'
check_eq "second run: STARTTLS stripped twice, asked for once" \
	"$(ms_json '[.tls_stripped, .tls]')" '[2,1]'
diag "second run's counters: $MS_LAST"

# --- STARTTLS blocked; bad input killed ---------------------------------------

if ms_start --hdb "$TMPD/eicar.hdb" --starttls block --max-message 1m \
	--bad-input kill; then
	ok "sis-mailscan starts with STARTTLS blocked, bad input killed"
else
	not_ok "sis-mailscan starts with STARTTLS blocked, bad input killed"
fi
stls=$(grep -c STARTTLS "$TMPD/smtp/mx587/commands")
mc "$NS_H" starttls 10.0.0.2 587 "$M/tls-eicar.eml"
check_eq "STARTTLS blocked: advertised, the connection killed when asked" \
	"$(jcl '[.advertised, .starttls, .sent]'):$CRC" '[true,null,null]:3'
check_match "STARTTLS blocked: ... reset" "$(jcl .error)" ConnectionResetError
check_eq "STARTTLS blocked: the server never read it" \
	"$(grep -c STARTTLS "$TMPD/smtp/mx587/commands")" "$stls"
alert_says "STARTTLS blocked" "mailscan: client asked for STARTTLS"
mc "$NS_H" smtp 10.0.0.2 25 "$M/oversize.eml"
check_eq "over --max-message, bad input killed: the connection is killed" "$CRC" 3
check_match "over --max-message, killed: ... reset" "$(jcl .error)" \
	ConnectionResetError
alert_says "over --max-message, killed" \
	"mailscan: message over 1048576 bytes (killed)"
if stored mx25 $((N25 + 1)); then
	not_ok "over --max-message, killed: nothing stored"
else
	ok "over --max-message, killed: nothing stored"
fi
ms_stop "third run"
check_eq "third run: oversize, killed, STARTTLS, passed" \
	"$(ms_json '[.oversize, .killed, .tls, .bad_passed]')" '[1,2,1,0]'
diag "third run's counters: $MS_LAST"

check_eq "every alert was read" "$(alerts)" "$ALERTS_SEEN"
tap_done
