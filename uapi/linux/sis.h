/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * SIS: self-securing network interface, generic netlink API.
 *
 * Family name: "sis" (SIS_GENL_NAME), version SIS_GENL_VERSION. All state is
 * per network namespace: a request acts on the bridges of the namespace of the
 * socket that sends it. The commands marked (admin), and the bridge and
 * prevent commands, need CAP_NET_ADMIN in the user namespace that owns the
 * network namespace.
 * Each command takes the attributes listed for it below, nested ones
 * included; any other (unknown, or another command's) is rejected, as are
 * unknown flag bits and oversized values, and each rejection carries an
 * extended ack message.
 *
 * Words: an attached bridge has exactly two ports. The "host" port faces the
 * protected host, the "net" port faces the network. Direction "in" is network
 * to host (frames arriving on the net port), "out" is host to network.
 *
 * SIS_CMD_ATTACH
 *   Make a bridge a self-securing NI.
 *   Request:
 *     SIS_A_IFINDEX: u32, the bridge (required)
 *     SIS_A_HOST_IFINDEX: u32, the bridge port facing the host (required)
 *     SIS_A_FAIL: u8, enum sis_fail: what the bridge does when it loses a
 *       port (default SIS_FAIL_CLOSED)
 *   Errors: ENODEV (no such device), EINVAL (not a bridge, not exactly two
 *   ports, host port not a port of this bridge), EEXIST (already attached).
 *   While a bridge is attached, enslaving a third port to it is refused
 *   (EBUSY). A port that leaves the bridge, is unregistered or moves to
 *   another namespace detaches the bridge; failing closed, the bridge is
 *   then kept closed: it forwards nothing (counted) until it is attached
 *   again (which ends it) or detached, and what scanners held is dropped.
 *   Deleting the bridge or moving it to another namespace detaches it (and
 *   ends its closed state). Each is announced on the "config" group
 *   (SIS_CMD_DETACH, then SIS_CMD_CLOSED).
 *
 * SIS_CMD_DETACH
 *   Request: SIS_A_IFINDEX: u32, the bridge (required). Detaches an
 *   attached bridge, or ends a closed bridge's closed state.
 *   Errors: ENODEV, ENOENT (neither attached nor closed).
 *
 * SIS_CMD_GET_BRIDGE (dump only)
 *   Request: SIS_A_IFINDEX: u32, optional, limits the dump to one bridge.
 *   Each reply message describes one bridge (a bridge with many rules may
 *   span several consecutive messages carrying the same SIS_A_IFINDEX; the
 *   later ones repeat only SIS_A_IFINDEX and carry further SIS_A_RULE):
 *     SIS_A_IFINDEX: u32
 *     SIS_A_IFNAME: string
 *     SIS_A_FAIL: u8, enum sis_fail
 *     SIS_A_CLOSED: nest of enum sis_closed_attr, only for a bridge kept
 *       closed, which has none of the attributes below
 *       SIS_CLOSED_A_REASON: u8, enum sis_event_reason (a port left or
 *         went)
 *       SIS_CLOSED_A_PORT: string, that port's name
 *       SIS_CLOSED_A_DROPPED: u64, frames dropped since
 *     SIS_A_HOST_IFINDEX, SIS_A_NET_IFINDEX: u32
 *     SIS_A_HOST_IFNAME, SIS_A_NET_IFNAME: string
 *     SIS_A_STATS_IN, SIS_A_STATS_OUT: nest of enum sis_stats_attr
 *       SIS_STATS_A_FRAMES: u64, frames seen between the two ports
 *       SIS_STATS_A_BYTES: u64, their length including the Ethernet header
 *       SIS_STATS_A_DROPPED: u64, frames dropped by SIS
 *     SIS_A_RULE: nest of enum sis_rule_attr, once per prevent rule
 *       SIS_RULE_A_ID: u32
 *       SIS_RULE_A_DIR: u8, enum sis_dir
 *       SIS_RULE_A_EXPR: string, the filter text given at creation
 *       SIS_RULE_A_MATCHES: u64, frames matched (and dropped)
 *       SIS_RULE_A_BYTES: u64, their bytes
 *
 * SIS_CMD_PREVENT_ADD
 *   Add a prevent rule: frames between the two ports that match the filter in
 *   the rule's direction are dropped.
 *   Request:
 *     SIS_A_IFINDEX: u32 (required)
 *     SIS_A_RULE: nest (required)
 *       SIS_RULE_A_BPF: binary, a classic BPF program (struct sock_filter
 *         array, at most SIS_RULE_INSNS_MAX instructions) run on the whole frame
 *         starting at the Ethernet header, as libpcap compiles for
 *         DLT_EN10MB; non-zero return means "matches" (required)
 *       SIS_RULE_A_DIR: u8, enum sis_dir, default SIS_DIR_ANY
 *       SIS_RULE_A_EXPR: string, shown back in dumps (at most
 *         SIS_RULE_EXPR_MAX bytes with the terminating NUL)
 *   Reply: SIS_CMD_PREVENT_ADD with SIS_A_IFINDEX and SIS_A_RULE containing
 *   SIS_RULE_A_ID, the new rule's id (ids are never reused on a bridge).
 *   Errors: EINVAL (program rejected by the kernel's BPF checker), ENOENT
 *   (bridge not attached), ENOSPC (SIS_MAX_RULES reached).
 *
 * SIS_CMD_PREVENT_DEL
 *   Request: SIS_A_IFINDEX: u32, SIS_A_RULE: nest with SIS_RULE_A_ID.
 *   Errors: ENOENT (no such bridge or rule).
 *
 * Scanners (paper section 3.2, Table 1)
 * -------------------------------------
 * A scanner is declared by the administrator on an attached bridge, with the
 * Unix user its process runs as and a capability table: what it may read,
 * what it may contain (hold until it passes or cuts), and which frames it
 * may inject. The scanner process itself is unprivileged; the kernel checks
 * every request it makes against that table. Scanner names are unique in a
 * namespace. Detaching the bridge deletes its scanners.
 *
 * SIS_CMD_SCANNER_ADD (admin)
 *   Request: SIS_A_IFINDEX: u32, the bridge (required), SIS_A_SCANNER: nest
 *     SIS_SCANNER_A_NAME: string, at most SIS_NAME_MAX bytes with the NUL,
 *       letters, digits, '-', '_' and '.' (required)
 *     SIS_SCANNER_A_UID: u32, the user the scanner process runs as, in the
 *       caller's user namespace (required)
 *     SIS_SCANNER_A_TIMEOUT_MS: u32, verdict timeout for a held frame,
 *       1..SIS_TIMEOUT_MS_MAX, default SIS_TIMEOUT_MS_DEFAULT
 *     SIS_SCANNER_A_FAIL: u8, enum sis_fail, default SIS_FAIL_CLOSED
 *     SIS_SCANNER_A_MAX_HELD: u32, frames held at once, default
 *       SIS_MAX_HELD_DEFAULT
 *     SIS_SCANNER_A_MAX_BYTES: u32, bytes held at once, default
 *       SIS_MAX_BYTES_DEFAULT
 *     SIS_SCANNER_A_ABSENT: u8, enum sis_absent: while no process is
 *       attached (before the first attaches, while one restarts), what
 *       the scanner's containing capabilities cover is dropped
 *       (SIS_ABSENT_DROP, counted in SIS_SCANNER_A_ABSENT_DROPPED; the
 *       default when it fails closed) or goes by unjudged
 *       (SIS_ABSENT_PASS, the default when it fails open). A TCP RST
 *       covered by a stream capability still goes by.
 *     SIS_SCANNER_A_INJECT_RATE: u32, injections the scanner may send a
 *       second (SIS_CMD_INJECT), 1..SIS_INJECT_RATE_MAX, default
 *       SIS_INJECT_RATE
 *   Errors: ENOENT (bridge not attached), EEXIST (name in use), ENOSPC
 *   (SIS_MAX_SCANNERS).
 *
 * SIS_CMD_SCANNER_DEL (admin)
 *   Request: SIS_A_SCANNER: nest with SIS_SCANNER_A_NAME. Frames the scanner
 *   holds get its fail policy at once; its process is told (SIS_CMD_DETACHED).
 *
 * SIS_CMD_CAP_ADD, SIS_CMD_CAP_DEL (admin)
 *   Request: SIS_A_SCANNER: nest with SIS_SCANNER_A_NAME, SIS_A_CAP: nest
 *     SIS_CAP_A_NAME: string, unique in the scanner (required)
 *     SIS_CAP_A_DIR: u8, enum sis_dir, default SIS_DIR_ANY (add only)
 *     SIS_CAP_A_RIGHTS: u8, mask of enum sis_rights, SIS_RIGHT_READ at least
 *       (add only, required)
 *     SIS_CAP_A_KIND: u8, enum sis_cap_kind, default SIS_CAP_FRAMES
 *       (add only)
 *     SIS_CAP_A_BPF, SIS_CAP_A_EXPR: the frames it covers, as
 *       SIS_RULE_A_BPF and SIS_RULE_A_EXPR (add only; BPF required for
 *       SIS_CAP_FRAMES; optional for SIS_CAP_STREAM, run on the first SYN)
 *     SIS_CAP_A_HOST_PORTS, SIS_CAP_A_NET_PORTS: binary, arrays of 1 to
 *       SIS_PORT_RANGES_MAX struct sis_port_range (lo <= hi), the TCP
 *       ports of the host's and the network's end (SIS_CAP_STREAM only;
 *       absent: any port). See "Streams" below.
 *     SIS_CAP_A_MAX_CUTS: u32, cuts a scanner may make in one
 *       connection under it (SIS_CMD_STREAM_PASS), 0 (the default) for no
 *       bound but SIS_EDITS_MAX; SIS_CAP_STREAM with SIS_RIGHT_CONTAIN
 *       only (add only)
 *     SIS_CAP_A_MIDSTREAM: u8, enum sis_unjudged: segments of connections
 *       it covers that were not seen from their first SYN (so cannot be
 *       reassembled), while a subscription under it contains them:
 *       SIS_UNJUDGED_DROP (the default with SIS_RIGHT_CONTAIN; RSTs still
 *       go by, SIS_SSTATS_A_MIDSTREAM_DROPPED) or SIS_UNJUDGED_PASS
 *       (forwarded, counted in SIS_SSTATS_A_MIDSTREAM; the default, and
 *       the only choice, without it). SIS_CAP_STREAM only (add only).
 *   Deleting a capability ends the subscriptions made under it.
 *
 * SIS_CMD_INJECT_ADD, SIS_CMD_INJECT_DEL (admin)
 *   Request: SIS_A_SCANNER: nest with SIS_SCANNER_A_NAME, SIS_A_INJECT: nest
 *     SIS_INJECT_A_ID: u32, chosen by the administrator, unique in the
 *       scanner (required)
 *     SIS_INJECT_A_DIR: u8, enum sis_dir: the direction(s) it may be sent
 *       in, default SIS_DIR_ANY (add only)
 *     SIS_INJECT_A_KIND: u8, enum sis_inject_kind, default
 *       SIS_INJECT_FRAME (add only)
 *     SIS_INJECT_A_FRAME: binary, the whole Ethernet frame,
 *       ETH_ZLEN..SIS_INJECT_FRAME_MAX bytes (add only; required for, and
 *       only for, SIS_INJECT_FRAME)
 *     SIS_INJECT_A_DATA: binary, 1..SIS_INJECT_STREAM_MAX bytes a scanner
 *       may put into a stream it contains (SIS_STREAM_OP_INJECT; add only;
 *       required for, and only for, SIS_INJECT_STREAM)
 *
 * SIS_CMD_GET_SCANNER (dump, admin)
 *   Every scanner of the namespace, one message each (a scanner with many
 *   capabilities may span consecutive messages, each repeating SIS_A_IFINDEX
 *   and SIS_A_SCANNER): SIS_A_IFINDEX (its bridge), SIS_A_SCANNER (its
 *   declaration: name, uid, timeout, fail policy, limits; then, if a process
 *   is attached, SIS_SCANNER_A_PID; and always the counters HELD to
 *   ALERTS_DROPPED, ATTACHMENTS and ATTACH_DROPPED), then one SIS_A_CAP
 *   per capability (with SIS_CAP_A_MATCHES, and SIS_CAP_A_MAX_CUTS when
 *   not 0), one SIS_A_INJECT per injection (with SIS_INJECT_A_KIND, _LEN
 *   and _SENT, without its bytes) and one SIS_A_SUB per subscription of
 *   the attached process (ID, CAP, RIGHTS, EXPR, SNAPLEN, MATCHES).
 *
 * Scanner processes (unprivileged)
 * --------------------------------
 * A scanner process talks to the family through one socket, the one it
 * attached with. Requests from any other socket get ENOTCONN.
 *
 * SIS_CMD_SCANNER_ATTACH
 *   Request: SIS_A_SCANNER: nest with SIS_SCANNER_A_NAME. The caller, and
 *   the opener of the socket, must run as the scanner's user (effective
 *   uid; else EPERM), and no other socket may be attached as that scanner
 *   (else EBUSY). The socket is the scanner from then on: frames arrive on
 *   it as SIS_CMD_FRAME messages, and closing it releases everything the
 *   scanner holds (fail policy) and ends its subscriptions.
 *
 * SIS_CMD_SUBSCRIBE
 *   Request: SIS_A_SUB: nest
 *     SIS_SUB_A_CAP: string, the capability it subscribes under (required)
 *     SIS_SUB_A_RIGHTS: u8, mask of enum sis_rights, SIS_RIGHT_READ at
 *       least, within the capability's (required)
 *     SIS_SUB_A_BPF, SIS_SUB_A_EXPR: its own filter (BPF required; a frame is
 *       delivered only when both it and the capability's filter match, in
 *       the capability's direction)
 *     SIS_SUB_A_SNAPLEN: u32, bytes of each frame to deliver, default (and
 *       0) all of it
 *   Reply: SIS_CMD_SUBSCRIBE with SIS_A_SUB: nest with SIS_SUB_A_ID.
 *   Errors: ENOENT (no such capability), EPERM (rights beyond the
 *   capability's), ENOSPC (SIS_MAX_SUBS, or the scanner's filters would
 *   have more than SIS_SUB_INSNS_BUDGET instructions in all: each runs on
 *   every frame its capability's filter matches, which runs first; or a
 *   stream subscription would make more than SIS_MAX_STREAM_SCANNERS
 *   scanners of the bridge with stream subscriptions: each connection has
 *   room for that many watchers).
 *   A frame matching several subscriptions of one scanner is delivered to
 *   it once, held if any of them has SIS_RIGHT_CONTAIN.
 *
 * SIS_CMD_UNSUBSCRIBE
 *   Request: SIS_A_SUB: nest with SIS_SUB_A_ID. Frames already delivered
 *   stay held until decided. Errors: ENOENT.
 *
 * SIS_CMD_FRAME (kernel to scanner)
 *   Several may share one datagram: the kernel batches the frames of a burst
 *   and sends them together. Sequence number 0, no NLM_F_MULTI.
 *   SIS_A_FRAME: nest
 *     SIS_FRAME_A_NUM: u64, the scanner's frame number (1, 2, ...: every
 *       frame delivered to the scanner, held or not, takes the next one)
 *     SIS_FRAME_A_SUB: u32, the subscription it matched (a containing one
 *       first, else the first)
 *     SIS_FRAME_A_DIR: u8, SIS_DIR_IN or SIS_DIR_OUT
 *     SIS_FRAME_A_LEN: u32, the frame's length, Ethernet header included
 *       (a GSO aggregate is one frame, and may be longer than the MTU)
 *     SIS_FRAME_A_HELD: flag, present when the frame waits for this
 *       scanner's verdict
 *     SIS_FRAME_A_DATA: binary, the frame from its Ethernet header (at most
 *       the subscription's snaplen, and at most SIS_FRAME_DATA_MAX bytes:
 *       an attribute's length has 16 bits)
 *   If the socket's receive buffer is full, frames are not delivered: a held
 *   frame gets the fail policy at once (counted in SIS_SCANNER_A_LOST, as
 *   copies are), and the next receive on the socket fails with ENOBUFS.
 *
 * SIS_CMD_VERDICT
 *   Request: SIS_A_VERDICTS: binary, an array of 1..SIS_VERDICTS_MAX struct
 *   sis_verdict. Each names a frame delivered held, by number. The request
 *   is checked as a whole first and refused, changing nothing, if one
 *   verdict has an unknown code or reserved bits set (EINVAL), names a
 *   frame never delivered (EINVAL) or one delivered read-only (EPERM; the
 *   kernel remembers this for the last SIS_VERDICT_WINDOW numbers). Then
 *   each is applied; frames no longer held (decided already, released by
 *   the timeout or a limit) are counted as stale and skipped. A held frame goes on
 *   when every scanner holding it has passed it, and is dropped as soon as
 *   one cuts it. Scanners normally send it without NLM_F_ACK: only
 *   malformed requests are answered (EINVAL).
 *
 * SIS_CMD_INJECT
 *   Request: SIS_A_INJECT: nest with SIS_INJECT_A_ID and SIS_INJECT_A_DIR
 *   (SIS_DIR_IN or SIS_DIR_OUT, allowed by the registration). The kernel sends
 *   the registered frame out of the port facing that direction: "in" out of
 *   the host port, "out" out of the network port.
 *   Injections are rate-limited per scanner (its SIS_SCANNER_A_INJECT_RATE
 *   in each second, counted from the first injection after the previous
 *   second ran out): over the rate the frame is not sent, the
 *   request fails with EAGAIN and SIS_SCANNER_A_INJECTS_LIMITED counts it;
 *   SIS_SCANNER_A_INJECTS counts the frames sent.
 *   Errors: ENOENT (no such id), EINVAL (a SIS_INJECT_STREAM block: those
 *   go into streams, SIS_CMD_STREAM_PASS), EPERM (direction not allowed,
 *   or bytes of the scanner's own: SIS_INJECT_A_FRAME or _DATA),
 *   ENETDOWN, EAGAIN (over the rate).
 *
 * SIS_CMD_ALERT (scanner to kernel, and kernel to the "alerts" group)
 *   Request: SIS_A_ALERT: nest
 *     SIS_ALERT_A_MSG: binary, 1..SIS_ALERT_MSG_MAX bytes (required)
 *     SIS_ALERT_A_FRAME_NUM: u64, a frame the scanner holds, to attach
 *       (ENOENT if it holds no such frame)
 *   Alerts are rate-limited per scanner (SIS_ALERT_RATE a second, which
 *   may come all at once: SIS_ALERT_BURST): over the rate, the request
 *   succeeds but the alert is counted in SIS_SCANNER_A_ALERTS_DROPPED and
 *   not sent. The multicast group SIS_MCGRP_ALERTS (CAP_NET_ADMIN to join)
 *   receives
 *   SIS_CMD_ALERT with SIS_A_IFINDEX (the bridge) and SIS_A_ALERT:
 *   SIS_ALERT_A_SCANNER (string), SIS_ALERT_A_TIME (u64, ns since the
 *   epoch), SIS_ALERT_A_MSG and, when a frame was attached,
 *   SIS_ALERT_A_FRAME_NUM, SIS_ALERT_A_DIR, SIS_ALERT_A_LEN (its length)
 *   and SIS_ALERT_A_DATA (its first SIS_ALERT_DATA_MAX bytes at most).
 *
 *   An alert may also announce an attachment: bytes of the scanner's own
 *   (an e-mail message, a file), up to SIS_ALERT_ATTACH_MAX, too large for
 *   one message. The request then carries
 *     SIS_ALERT_A_ATTACH_LEN: u64, the attachment's length,
 *       1..SIS_ALERT_ATTACH_MAX
 *   and is answered (whatever NLM_F_ACK says) by SIS_CMD_ALERT with
 *   SIS_A_ALERT: SIS_ALERT_A_ID: u64, the attachment's id (ids are never
 *   reused in a namespace), or 0 when the attachment will not be taken:
 *   the alert went over the alert rate (not sent), or the attachment over
 *   the scanner's byte budget (the alert is sent without it, counted in
 *   SIS_SCANNER_A_ATTACH_DROPPED). The budget is SIS_ALERT_ATTACH_BUDGET
 *   bytes, refilled continuously at that many every
 *   SIS_ALERT_ATTACH_PERIOD seconds; an attachment takes its whole length
 *   from it when it is announced, whether or not all its bytes follow.
 *   With an id, the alert goes to the group with SIS_ALERT_A_ID and
 *   SIS_ALERT_A_ATTACH_LEN, and the attachment is open: the scanner sends
 *   its bytes with SIS_CMD_ALERT_DATA, in order. A scanner has at most one
 *   attachment open: a new alert announcing one abandons the one before,
 *   whose remaining bytes are refused; the last byte closes it, and so
 *   does the scanner's process leaving, or the scanner's deletion.
 *
 * SIS_CMD_ALERT_DATA (scanner to kernel, and kernel to the "alerts" group)
 *   Request: SIS_A_ALERT: nest
 *     SIS_ALERT_A_ID: u64, the open attachment's id (required)
 *     SIS_ALERT_A_OFFSET: u64, of the first byte of the piece in the
 *       attachment: exactly the bytes sent so far (required)
 *     SIS_ALERT_A_ATTACH_DATA: binary, 1..SIS_ALERT_PIECE_MAX bytes, not
 *       past the announced length (required)
 *   Errors: EINVAL, with an extended ack saying which rule the piece broke
 *   (no attachment open, another id, another offset, past the length);
 *   ERANGE (an empty or oversized piece). A refused piece changes nothing.
 *   Each piece taken goes to the group as SIS_CMD_ALERT_DATA with
 *   SIS_A_IFINDEX and SIS_A_ALERT: SIS_ALERT_A_ID, SIS_ALERT_A_OFFSET and
 *   SIS_ALERT_A_ATTACH_DATA, in the order taken. A listener whose receive
 *   buffer was full loses pieces (ENOBUFS on its next receive): the
 *   attachments it was receiving are incomplete.
 *
 * SIS_CMD_DETACHED (kernel to scanner, and kernel to the "config" group)
 *   SIS_A_SCANNER: nest with SIS_SCANNER_A_NAME. The scanner was deleted (or
 *   its bridge detached): nothing more comes, and the socket may attach
 *   again to another scanner. To the "config" group (see "Configuration
 *   events" below): a scanner's process closed its socket or died.
 *
 * Streams (paper sections 3.2, 4.2 and 4.3)
 * -----------------------------------------
 * A capability of kind SIS_CAP_STREAM covers TCP connections instead of
 * frames: those whose host-side and network-side ports are in its port
 * lists (an absent list is any port) and whose first SYN matches its
 * optional BPF filter. Its direction says which of a connection's two byte
 * streams it covers: SIS_DIR_OUT is what the host sends, SIS_DIR_IN what it
 * receives. A subscription under a stream capability (SIS_CMD_SUBSCRIBE as
 * for frames; its BPF filter, compiled from an empty expression to
 * match everything, must also match the first SYN)
 * makes the kernel track every new connection it covers: two shadow TCBs,
 * one per endpoint, and both byte streams reassembled in order. A
 * connection is tracked only from its first SYN; one seen mid-stream is
 * forwarded untouched and counted (SIS_SSTATS_A_MIDSTREAM), or, on ports
 * a containing subscription covers, dropped (SIS_CAP_A_MIDSTREAM).
 *
 * Overlap policy: the first data wins. Bytes of a stream are judged once,
 * in order; a later segment carrying different bytes for any byte the
 * kernel still keeps (not yet acknowledged by the receiver) is dropped
 * (SIS_SSTATS_A_INCONSISTENT), so the receiver gets exactly the bytes the
 * scanners judged.
 *
 * A read subscription receives the bytes as they become contiguous and
 * never delays anything. A contain subscription also holds them: a segment
 * is forwarded only when every containing scanner has passed all its bytes
 * (SIS_CMD_STREAM_PASS). The kernel keeps the held segments and emits them
 * itself once passed; a sender blocked by its window simply waits.
 *
 * SIS_CMD_STREAM (kernel to scanner)
 *   Batched with SIS_CMD_FRAME messages, in one order per scanner.
 *   SIS_A_STREAM: nest of enum sis_stream_attr
 *     SIS_STREAM_A_CONN: u64, the connection (ids are never reused in a
 *       namespace); SIS_STREAM_A_SUB: u32, the subscription
 *     SIS_STREAM_A_EVENT: u8, enum sis_stream_event
 *     SIS_STREAM_EV_OPEN (the handshake completed): SIS_STREAM_A_FAMILY (u8,
 *       AF_INET or AF_INET6), SIS_STREAM_A_HOST_ADDR and _NET_ADDR (binary,
 *       4 or 16 bytes), SIS_STREAM_A_HOST_PORT and _NET_PORT (u16, host
 *       byte order), SIS_STREAM_A_INITIATOR (u8: SIS_DIR_OUT when the host
 *       opened the connection, SIS_DIR_IN when the network did), and
 *       SIS_STREAM_A_DIR (the directions the subscription covers)
 *     SIS_STREAM_EV_DATA: SIS_STREAM_A_DIR (u8, SIS_DIR_IN or SIS_DIR_OUT),
 *       SIS_STREAM_A_OFFSET (u64, of the first byte; 0 is the first byte
 *       after the SYN), SIS_STREAM_A_DATA (binary, at most
 *       SIS_FRAME_DATA_MAX bytes), SIS_STREAM_A_HELD (flag: the bytes wait
 *       for this scanner's pass)
 *     SIS_STREAM_EV_END: SIS_STREAM_A_DIR (the stream that ended, or
 *       SIS_DIR_ANY for both), SIS_STREAM_A_REASON (u8, enum
 *       sis_stream_end). After the end of both directions nothing more
 *       comes for the connection.
 *
 * SIS_CMD_STREAM_PASS
 *   Request: SIS_A_PASSES: binary, an array of 1..SIS_PASSES_MAX struct
 *   sis_stream_pass: decisions on one direction (dir) of a connection the
 *   scanner contains, each an enum sis_stream_op (op), applied in order.
 *   Offsets are those of SIS_STREAM_EV_DATA: what the sender sent, whatever
 *   was cut or injected before.
 *   - SIS_STREAM_OP_PASS: bytes [offset, offset + len) go on; len
 *     SIS_PASS_ALL passes the rest of the stream, and the scanner gets no
 *     more of it. Passes must continue the bytes already decided (offset
 *     at most the end of those) and cover only bytes delivered.
 *   - SIS_STREAM_OP_CUT: bytes [offset, offset + len) are removed: the
 *     receiver never gets them, and the connection goes on (the sender's
 *     sequence numbers are translated from then on; the kernel
 *     acknowledges cut bytes to the sender once the receiver acknowledged
 *     everything before them). The bytes must still be held (at or past
 *     the direction's lowest decision of every containing scanner),
 *     delivered, and the cut must continue the scanner's decided bytes, as
 *     a pass does; they count as decided. len is 1 or more, not
 *     SIS_PASS_ALL. Cuts by several scanners add up.
 *   - SIS_STREAM_OP_INJECT: the registered SIS_INJECT_STREAM block inject
 *     of this scanner (SIS_INJECT_A_ID), allowed in this direction, goes in
 *     whole just before byte offset, which must be held and delivered; len
 *     is 0. Blocks at one offset go in the order injected, and hold
 *     SIS_INJECT_STREAM_MAX bytes at most in all (else ENOSPC); a cut never
 *     removes injected bytes (its offsets are the sender's). The kernel
 *     puts the block into the segment that carries byte offset, splits it
 *     to the receiver's MSS, and sends it again with every retransmission
 *     of that byte, until the receiver acknowledges it.
 *   - SIS_STREAM_OP_MORE: the scanner needs len more bytes past offset
 *     before it can decide: the kernel opens the window the receiver
 *     advertises to the sender so that they can come (a window update in
 *     the receiver's name, then its ACKs as they pass), within the
 *     connection's SIS_LIMITS_A_CONN_BYTES; when the sender's bytes in
 *     flight are all held, SIS takes custody of them: it acknowledges
 *     them to the sender in the receiver's name (up to offset + len, never
 *     past the bytes it holds contiguously nor a FIN), keeps them, sends
 *     them to the receiver once passed and retransmits them itself.
 *     Bytes asked for that cannot fit in the connection's bounds (or the
 *     scanner's SIS_SCANNER_A_MAX_BYTES) give the containing scanners
 *     their fail policy when they come (SIS_SSTATS_A_CUSTODY_FAILED).
 *   - SIS_STREAM_OP_KILL: an RST to each end, each at the sequence number
 *     its receiver expects; what is held is dropped, and every watcher
 *     gets SIS_STREAM_EV_END with SIS_STREAM_END_KILLED. offset and len
 *     are 0.
 *   Every op needs the right to contain dir (else EPERM). Cuts and
 *   injections are refused (EOPNOTSUPP) on a connection whose SYNs carry
 *   TCP-MD5, TCP-AO or MPTCP (their segments cannot be edited), and over
 *   SIS_EDITS_MAX edits in a direction (ENOSPC); a capability's
 *   SIS_CAP_A_MAX_CUTS bounds a scanner's cuts on one connection: the
 *   cut past it kills the connection instead, and is announced as an alert
 *   on SIS_MCGRP_ALERTS. Any other breach of the rules above is EINVAL.
 *   The request is checked as a whole first, and refused whole, with an
 *   extended ack message naming the decision. Decisions for a connection
 *   that is gone or that the scanner does not watch (a scanner learns
 *   nothing of other scanners' connections), or for bytes already
 *   decided, are ignored. Sent without NLM_F_ACK, like verdicts.
 *
 * SIS_CMD_SET_BRIDGE (admin)
 *   Request: SIS_A_IFINDEX (required), SIS_A_LIMITS: nest of enum
 *   sis_limits_attr, each optional (unchanged when absent):
 *     SIS_LIMITS_A_MAX_CONNS: u32, connections tracked at once (a new
 *       connection over it is not tracked: its SYN is dropped if a
 *       containing scanner it matches fails closed, else forwarded and
 *       counted in SIS_SSTATS_A_UNTRACKED)
 *     SIS_LIMITS_A_MAX_HALF_OPEN: u32, of those, connections not yet open
 *       (neither established nor carrying data). A first SYN over it, or
 *       over max-conns, takes the place of the oldest half-open
 *       connection, which is let go (SIS_SSTATS_A_EVICTED): a flood of
 *       spoofed SYNs cannot keep a real connection from being tracked.
 *       Lowering either lets the oldest half-open ones over it go at once
 *     SIS_LIMITS_A_MAX_MEMORY: u32, bytes the bridge's connections may
 *       keep in all (SIS_SSTATS_A_MEMORY): the connections themselves, and
 *       each kept segment with the whole frame it pins (its truesize,
 *       however few of its bytes are payload). A segment over it is not
 *       kept (SIS_SSTATS_A_OVERMEMORY): dropped on a contained direction
 *       (TCP sends it again), else the direction's lagging readers lose it
 *       as over conn-bytes; a first SYN over it is handled as over
 *       max-conns
 *     SIS_LIMITS_A_CONN_BYTES, SIS_LIMITS_A_CONN_SEGS: u32, bytes and
 *       segments kept per direction of a connection (held, or kept until
 *       acknowledged); a segment over either is dropped, not kept
 *       (SIS_SSTATS_A_OVERLIMIT), and TCP sends it again later
 *     SIS_LIMITS_A_SYN_MS, SIS_LIMITS_A_IDLE_MS, SIS_LIMITS_A_CLOSE_MS: u32,
 *       how long a connection is kept with no segment, before it is
 *       established, established, and once closing (FIN or RST seen; the
 *       TIME_WAIT of the paper's shadow TCB)
 *   and what the bridge does with frames it cannot judge as they come,
 *   while something judges (prevent rules or subscriptions):
 *     SIS_LIMITS_A_FRAGMENTS: u32, enum sis_fragments: IPv4 and IPv6
 *       fragments reassembled (overlapping ones, and first fragments too
 *       short for their transport header, dropped), the whole datagram
 *       judged, then cut again to the egress MTU; or dropped; or passed
 *       each as it is (a contained connection's TCP fragments are still
 *       dropped, SIS_SSTATS_A_MALFORMED)
 *     SIS_LIMITS_A_IP6_EXTHDR: u32, enum sis_unjudged: IPv6 frames whose
 *       transport header sits behind extension headers other than a
 *       fragment header (pcap filters cannot walk them)
 *     SIS_LIMITS_A_LOCAL: u32, enum sis_unjudged: frames from the host
 *       port to the appliance itself (the bridge's own addresses), which
 *       are not forwarded, so never judged (checked whatever judges)
 *   In a network namespace of a user namespace other than the initial one,
 *   limits above the defaults below (SIS_MAX_CONNS_DEFAULT...) are refused
 *   with EPERM: what they keep is the host's memory.
 *   Limits are also shown by SIS_CMD_GET_BRIDGE, with SIS_A_STREAM_STATS
 *   and SIS_A_NORM_STATS.
 *
 * SIS_CMD_GET_CONN (dump, admin)
 *   Request: SIS_A_IFINDEX, optional. One message per tracked connection:
 *   SIS_A_IFINDEX and SIS_A_CONN: nest of enum sis_conn_attr (ID, FAMILY,
 *   addresses and ports as in SIS_STREAM_EV_OPEN, INITIATOR, HOST_STATE and
 *   NET_STATE (u8, enum sis_tcp_state of each endpoint's shadow TCB),
 *   AGE_MS, and SIS_CONN_A_IN / SIS_CONN_A_OUT: nests of enum
 *   sis_conn_dir_attr: SEEN (u64, bytes reassembled), PASSED (u64, bytes
 *   forwarded in order), HELD (u32, bytes held now), KEPT (u32, bytes kept
 *   until acknowledged), WATCHERS (u32, scanners reading it).
 *
 * Configuration events
 * --------------------
 * Every change of configuration is announced, once made, on the multicast
 * group SIS_MCGRP_CONFIG ("config", CAP_NET_ADMIN to join) of the namespace
 * where it was made, as rtnetlink announces links and addresses: one
 * message per change, whose command is that of the change: SIS_CMD_ATTACH,
 * SIS_CMD_DETACH, SIS_CMD_SET_BRIDGE, SIS_CMD_PREVENT_ADD, _PREVENT_DEL,
 * SIS_CMD_SCANNER_ADD, _SCANNER_DEL, SIS_CMD_CAP_ADD, _CAP_DEL,
 * SIS_CMD_INJECT_ADD, _INJECT_DEL, SIS_CMD_SCANNER_ATTACH (a process
 * attached as a scanner), SIS_CMD_DETACHED (a scanner's process closed its
 * socket or died) or SIS_CMD_CLOSED. Each carries
 *   SIS_A_IFINDEX: u32, the bridge
 *   SIS_A_EVENT: nest of enum sis_event_attr
 *     SIS_EVENT_A_REASON: u8, enum sis_event_reason: why it changed
 *     SIS_EVENT_A_BRIDGE: string, the bridge's name
 *     SIS_EVENT_A_PORT: string, the port that left or went
 *       (SIS_EVENT_PORT_LEFT, SIS_EVENT_PORT_GONE)
 *     SIS_EVENT_A_SCANNER: string, the scanner (the scanner, capability and
 *       injection commands, SIS_CMD_SCANNER_ATTACH, SIS_CMD_DETACHED)
 *     SIS_EVENT_A_ID: u32, the prevent rule's id (SIS_CMD_PREVENT_ADD and
 *       _DEL) or the injection's (SIS_CMD_INJECT_ADD and _DEL, where it is
 *       always present: an injection's id may be 0)
 *     SIS_EVENT_A_PID: u32, the scanner's process (SIS_CMD_SCANNER_ATTACH,
 *       SIS_CMD_DETACHED), in the pid namespace of the process that
 *       attached, as SIS_SCANNER_A_PID
 *     SIS_EVENT_A_CAP: string, the capability (SIS_CMD_CAP_ADD and _DEL)
 * Changes are made under one lock, and announced under it: events come in
 * the order of the changes. Subscriptions are the scanner processes' own
 * state, not configuration: SIS_CMD_SUBSCRIBE and SIS_CMD_UNSUBSCRIBE are
 * not announced. A detach, whatever its reason, is one SIS_CMD_DETACH
 * event: the scanners deleted with the bridge get none of their own. A
 * scanner the administrator deletes is one SIS_CMD_SCANNER_DEL, its
 * process leaving with it no SIS_CMD_DETACHED. A listener whose receive
 * buffer was full, or that missed an event the kernel could not allocate,
 * gets ENOBUFS on its next receive, and may dump the state again.
 * Nothing is announced when the namespace itself goes: every socket holds
 * a reference on its namespace, so none is left there to listen.
 *
 * SIS_CMD_CLOSED (kernel to the "config" group)
 *   A bridge lost a port and is kept closed, dropping everything between
 *   its ports until it is attached again or detached. SIS_EVENT_A_REASON is
 *   SIS_EVENT_PORT_LEFT or SIS_EVENT_PORT_GONE, with SIS_EVENT_A_PORT.
 */
#ifndef _UAPI_LINUX_SIS_H
#define _UAPI_LINUX_SIS_H

#include <linux/types.h>

#define SIS_GENL_NAME		"sis"
#define SIS_GENL_VERSION	1

#define SIS_RULE_EXPR_MAX	1024
#define SIS_MAX_RULES		256
#define SIS_RULE_INSNS_MAX	4000	/* below BPF_MAXINSNS: see ruleset.h */

#define SIS_NAME_MAX		32	/* scanner and capability names */
#define SIS_MAX_SCANNERS	64	/* per bridge */
#define SIS_MAX_STREAM_SCANNERS	8	/* per bridge, with stream subscriptions */
#define SIS_MAX_CAPS		64	/* per scanner */
#define SIS_MAX_INJECTS		64	/* per scanner */
#define SIS_MAX_SUBS		64	/* per scanner */
/* Instructions of a scanner's subscription filters, all together. */
#define SIS_SUB_INSNS_BUDGET	4096
#define SIS_INJECT_FRAME_MAX	1518
/*
 * A stream injection's bytes, and the most injected at one offset in all:
 * the blocks at one offset go whole in one segment, whose IPv4 or IPv6
 * length field says at most 65535 with its headers (IP and TCP options,
 * IPv6 extension headers). It also fits in SIS_A_INJECT, whose length is
 * 16 bits like any attribute's, with its ID, DIR and KIND.
 */
#define SIS_INJECT_STREAM_MAX	65000
#define SIS_EDITS_MAX		1024	/* cuts and injections, per direction */
#define SIS_TIMEOUT_MS_DEFAULT	1000
#define SIS_TIMEOUT_MS_MAX	600000
#define SIS_MAX_HELD_DEFAULT	1024
#define SIS_MAX_BYTES_DEFAULT	(4 << 20)
#define SIS_ALERT_MSG_MAX	1024
#define SIS_ALERT_DATA_MAX	16384
#define SIS_ALERT_ATTACH_MAX	(32 << 20)	/* an alert's attachment */
/* The bytes of SIS_CMD_ALERT_DATA: one piece with its headers in 64 KiB. */
#define SIS_ALERT_PIECE_MAX	64000
/* Attachment bytes per scanner, refilled at that many per period (s). */
#define SIS_ALERT_ATTACH_BUDGET	(64 << 20)
#define SIS_ALERT_ATTACH_PERIOD	60
#define SIS_VERDICTS_MAX	4000	/* struct sis_verdict per request */
#define SIS_VERDICT_WINDOW	4096	/* read-only numbers remembered */
#define SIS_FRAME_DATA_MAX	65000
#define SIS_ALERT_RATE		10	/* per second */
#define SIS_ALERT_BURST		SIS_ALERT_RATE	/* all at once */
#define SIS_INJECT_BURST	100	/* the default rate, all at once */
#define SIS_INJECT_RATE		100	/* per second, the default */
#define SIS_INJECT_RATE_MAX	100000
#define SIS_MCGRP_ALERTS	"alerts"
#define SIS_MCGRP_CONFIG	"config"
#define SIS_PORT_RANGES_MAX	16	/* per list of a stream capability */
#define SIS_PASSES_MAX		1024	/* struct sis_stream_pass per request */
#define SIS_PASS_ALL		(~(__u64)0)
#define SIS_MAX_CONNS_DEFAULT	65536
#define SIS_MAX_HALF_OPEN_DEFAULT	8192
#define SIS_MAX_MEMORY_DEFAULT	(256 << 20)
#define SIS_CONN_BYTES_DEFAULT	(4 << 20)	/* Snort 3's stream defaults */
#define SIS_CONN_SEGS_DEFAULT	3072
#define SIS_SYN_MS_DEFAULT	30000
#define SIS_IDLE_MS_DEFAULT	3600000
#define SIS_CLOSE_MS_DEFAULT	120000

enum sis_cmd {
	SIS_CMD_UNSPEC,
	SIS_CMD_ATTACH,
	SIS_CMD_DETACH,
	SIS_CMD_GET_BRIDGE,
	SIS_CMD_PREVENT_ADD,
	SIS_CMD_PREVENT_DEL,
	SIS_CMD_SCANNER_ADD,
	SIS_CMD_SCANNER_DEL,
	SIS_CMD_GET_SCANNER,
	SIS_CMD_CAP_ADD,
	SIS_CMD_CAP_DEL,
	SIS_CMD_INJECT_ADD,
	SIS_CMD_INJECT_DEL,
	SIS_CMD_SCANNER_ATTACH,
	SIS_CMD_SUBSCRIBE,
	SIS_CMD_UNSUBSCRIBE,
	SIS_CMD_FRAME,
	SIS_CMD_VERDICT,
	SIS_CMD_INJECT,
	SIS_CMD_ALERT,
	SIS_CMD_DETACHED,
	SIS_CMD_STREAM,
	SIS_CMD_STREAM_PASS,
	SIS_CMD_SET_BRIDGE,
	SIS_CMD_GET_CONN,
	SIS_CMD_CLOSED,
	SIS_CMD_ALERT_DATA,
	__SIS_CMD_MAX
};

#define SIS_CMD_MAX (__SIS_CMD_MAX - 1)

/* Directions, as a mask: SIS_DIR_ANY is both. */
enum sis_dir {
	SIS_DIR_IN = 1,		/* network to host */
	SIS_DIR_OUT = 2,	/* host to network */
	SIS_DIR_ANY = 3,
};

/* What a capability or subscription allows, as a mask. */
enum sis_rights {
	SIS_RIGHT_READ = 1,	/* copies of matching frames */
	SIS_RIGHT_CONTAIN = 2,	/* matching frames wait for a verdict */
};

/* What happens to a held frame when its scanner cannot decide. */
enum sis_fail {
	SIS_FAIL_CLOSED,	/* cut */
	SIS_FAIL_OPEN,		/* pass */
};

/* What a scanner's containing capabilities do with no process attached. */
enum sis_absent {
	SIS_ABSENT_DROP,	/* drop what they cover */
	SIS_ABSENT_PASS,	/* let it go unjudged */
};

enum sis_verdict_code {
	SIS_VERDICT_PASS = 1,
	SIS_VERDICT_CUT = 2,
};

/* What a capability covers. */
enum sis_cap_kind {
	SIS_CAP_FRAMES,		/* frames matching its BPF filter */
	SIS_CAP_STREAM,		/* TCP byte streams, by port */
};

/* What an injection is. */
enum sis_inject_kind {
	SIS_INJECT_FRAME,	/* a whole frame, sent with SIS_CMD_INJECT */
	SIS_INJECT_STREAM,	/* bytes put into a contained stream */
};

/* A range of TCP ports, both included, host byte order. */
struct sis_port_range {
	__u16 lo;
	__u16 hi;
};

enum sis_stream_event {
	SIS_STREAM_EV_OPEN = 1,
	SIS_STREAM_EV_DATA,
	SIS_STREAM_EV_END,
};

enum sis_stream_end {
	SIS_STREAM_END_FIN = 1,		/* the sender closed it, all bytes seen */
	SIS_STREAM_END_RST,		/* reset */
	SIS_STREAM_END_TIMEOUT,		/* no segment for the limit's time */
	SIS_STREAM_END_LIMIT,		/* not reassembled any more (bounds) */
	SIS_STREAM_END_GONE,		/* untracked: detach, unsubscribe */
	SIS_STREAM_END_KILLED,		/* RSTs sent to both ends */
};

/* A shadow TCB's state, as RFC 9293 names them. */
enum sis_tcp_state {
	SIS_TCP_CLOSED,
	SIS_TCP_SYN_SENT,
	SIS_TCP_SYN_RECV,
	SIS_TCP_ESTABLISHED,
	SIS_TCP_FIN_WAIT1,
	SIS_TCP_FIN_WAIT2,
	SIS_TCP_CLOSING,
	SIS_TCP_TIME_WAIT,
	SIS_TCP_CLOSE_WAIT,
	SIS_TCP_LAST_ACK,
	__SIS_TCP_MAX,
	SIS_TCP_MAX = __SIS_TCP_MAX - 1
};

/* What a scanner decides on bytes of a stream it contains. */
enum sis_stream_op {
	SIS_STREAM_OP_PASS,	/* [offset, offset + len) go on */
	SIS_STREAM_OP_CUT,	/* [offset, offset + len) are removed */
	SIS_STREAM_OP_INJECT,	/* registered block inject goes in at offset */
	SIS_STREAM_OP_MORE,	/* len more bytes are needed past offset */
	SIS_STREAM_OP_KILL,	/* the connection is reset, both ends */
	__SIS_STREAM_OP_MAX,
	SIS_STREAM_OP_MAX = __SIS_STREAM_OP_MAX - 1
};

/*
 * One decision of SIS_CMD_STREAM_PASS. Named for its first op: a zeroed
 * op (and the two reserved bytes and inject that were reserved before
 * ops) is a pass.
 */
struct sis_stream_pass {
	__u64 conn;		/* SIS_STREAM_A_CONN */
	__u64 offset;
	__u64 len;		/* or SIS_PASS_ALL */
	__u8 dir;		/* SIS_DIR_IN or SIS_DIR_OUT */
	__u8 op;		/* enum sis_stream_op */
	__u8 reserved[2];	/* zero */
	__u32 inject;		/* SIS_STREAM_OP_INJECT: SIS_INJECT_A_ID */
};

struct sis_verdict {
	__u64 frame;		/* SIS_FRAME_A_NUM */
	__u32 verdict;		/* enum sis_verdict_code */
	__u32 reserved;		/* zero */
};

enum sis_attr {
	SIS_A_UNSPEC,
	SIS_A_IFINDEX,
	SIS_A_IFNAME,
	SIS_A_HOST_IFINDEX,
	SIS_A_HOST_IFNAME,
	SIS_A_NET_IFINDEX,
	SIS_A_NET_IFNAME,
	SIS_A_STATS_IN,
	SIS_A_STATS_OUT,
	SIS_A_RULE,
	SIS_A_SCANNER,
	SIS_A_CAP,
	SIS_A_INJECT,
	SIS_A_SUB,
	SIS_A_FRAME,
	SIS_A_VERDICTS,
	SIS_A_ALERT,
	SIS_A_STREAM,		/* nest of enum sis_stream_attr */
	SIS_A_PASSES,		/* array of struct sis_stream_pass */
	SIS_A_LIMITS,		/* nest of enum sis_limits_attr */
	SIS_A_STREAM_STATS,	/* nest of enum sis_sstats_attr (dumps) */
	SIS_A_CONN,		/* nest of enum sis_conn_attr (dumps) */
	SIS_A_NORM_STATS,	/* nest of enum sis_nstats_attr (dumps) */
	SIS_A_EVENT,		/* nest of enum sis_event_attr (events) */
	SIS_A_FAIL,		/* u8, enum sis_fail: a bridge's, at attach */
	SIS_A_CLOSED,		/* nest of enum sis_closed_attr (dumps) */
	__SIS_A_LAST
};

#define SIS_A_MAX (__SIS_A_LAST - 1)

/* A bridge kept closed after it lost a port (SIS_A_CLOSED, in dumps). */
enum sis_closed_attr {
	SIS_CLOSED_A_UNSPEC,
	SIS_CLOSED_A_PAD,
	SIS_CLOSED_A_REASON,	/* u8, enum sis_event_reason: how it lost it */
	SIS_CLOSED_A_PORT,	/* string, the port's name */
	SIS_CLOSED_A_DROPPED,	/* u64, frames dropped since */
	__SIS_CLOSED_A_LAST
};

#define SIS_CLOSED_A_MAX (__SIS_CLOSED_A_LAST - 1)

enum sis_stats_attr {
	SIS_STATS_A_UNSPEC,
	SIS_STATS_A_PAD,
	SIS_STATS_A_FRAMES,
	SIS_STATS_A_BYTES,
	SIS_STATS_A_DROPPED,
	__SIS_STATS_A_LAST
};

#define SIS_STATS_A_MAX (__SIS_STATS_A_LAST - 1)

enum sis_rule_attr {
	SIS_RULE_A_UNSPEC,
	SIS_RULE_A_PAD,
	SIS_RULE_A_ID,
	SIS_RULE_A_DIR,
	SIS_RULE_A_BPF,
	SIS_RULE_A_EXPR,
	SIS_RULE_A_MATCHES,
	SIS_RULE_A_BYTES,
	__SIS_RULE_A_LAST
};

#define SIS_RULE_A_MAX (__SIS_RULE_A_LAST - 1)

enum sis_scanner_attr {
	SIS_SCANNER_A_UNSPEC,
	SIS_SCANNER_A_PAD,
	SIS_SCANNER_A_NAME,
	SIS_SCANNER_A_UID,
	SIS_SCANNER_A_TIMEOUT_MS,
	SIS_SCANNER_A_FAIL,
	SIS_SCANNER_A_MAX_HELD,
	SIS_SCANNER_A_MAX_BYTES,
	SIS_SCANNER_A_PID,		/* u32, the attached process (dumps) */
	SIS_SCANNER_A_HELD,		/* u32, frames held now (dumps) */
	SIS_SCANNER_A_HELD_BYTES,	/* u32, their bytes (dumps) */
	SIS_SCANNER_A_FRAMES,		/* u64, frames delivered (dumps) */
	SIS_SCANNER_A_PASSED,		/* u64, pass verdicts (dumps) */
	SIS_SCANNER_A_CUT,		/* u64, cut verdicts (dumps) */
	SIS_SCANNER_A_TIMEOUTS,		/* u64, fail policy on timeout */
	SIS_SCANNER_A_OVERFLOWS,	/* u64, fail policy on a full queue */
	SIS_SCANNER_A_RELEASED,		/* u64, fail policy on exit/delete */
	SIS_SCANNER_A_STALE,		/* u64, verdicts for no held frame */
	SIS_SCANNER_A_LOST,		/* u64, copies not delivered */
	SIS_SCANNER_A_ALERTS,		/* u64, alerts sent */
	SIS_SCANNER_A_ALERTS_DROPPED,	/* u64, alerts over the rate */
	SIS_SCANNER_A_INJECTS,		/* u64, frames injected */
	SIS_SCANNER_A_INJECTS_LIMITED,	/* u64, injections over the rate */
	SIS_SCANNER_A_ABSENT,		/* u8, enum sis_absent */
	SIS_SCANNER_A_ABSENT_DROPPED,	/* u64, dropped with no process */
	SIS_SCANNER_A_INJECT_RATE,	/* u32, injections a second */
	SIS_SCANNER_A_ATTACHMENTS,	/* u64, alert attachments taken */
	SIS_SCANNER_A_ATTACH_DROPPED,	/* u64, over the byte budget */
	__SIS_SCANNER_A_LAST
};

#define SIS_SCANNER_A_MAX (__SIS_SCANNER_A_LAST - 1)

enum sis_cap_attr {
	SIS_CAP_A_UNSPEC,
	SIS_CAP_A_PAD,
	SIS_CAP_A_NAME,
	SIS_CAP_A_DIR,
	SIS_CAP_A_RIGHTS,
	SIS_CAP_A_BPF,
	SIS_CAP_A_EXPR,
	SIS_CAP_A_MATCHES,		/* u64, frames matched (dumps) */
	SIS_CAP_A_KIND,			/* u8, enum sis_cap_kind */
	SIS_CAP_A_HOST_PORTS,		/* struct sis_port_range array */
	SIS_CAP_A_NET_PORTS,		/* struct sis_port_range array */
	SIS_CAP_A_MIDSTREAM,		/* u8, enum sis_unjudged */
	SIS_CAP_A_MAX_CUTS,		/* u32, cuts per connection, 0: any */
	__SIS_CAP_A_LAST
};

#define SIS_CAP_A_MAX (__SIS_CAP_A_LAST - 1)

enum sis_inject_attr {
	SIS_INJECT_A_UNSPEC,
	SIS_INJECT_A_PAD,
	SIS_INJECT_A_ID,
	SIS_INJECT_A_DIR,
	SIS_INJECT_A_FRAME,
	SIS_INJECT_A_LEN,		/* u32, the frame's length (dumps) */
	SIS_INJECT_A_SENT,		/* u64, times injected (dumps) */
	SIS_INJECT_A_KIND,		/* u8, enum sis_inject_kind */
	SIS_INJECT_A_DATA,		/* binary, a stream block's bytes */
	__SIS_INJECT_A_LAST
};

#define SIS_INJECT_A_MAX (__SIS_INJECT_A_LAST - 1)

enum sis_sub_attr {
	SIS_SUB_A_UNSPEC,
	SIS_SUB_A_PAD,
	SIS_SUB_A_ID,
	SIS_SUB_A_CAP,
	SIS_SUB_A_RIGHTS,
	SIS_SUB_A_BPF,
	SIS_SUB_A_EXPR,
	SIS_SUB_A_SNAPLEN,
	SIS_SUB_A_MATCHES,		/* u64, frames delivered (dumps) */
	__SIS_SUB_A_LAST
};

#define SIS_SUB_A_MAX (__SIS_SUB_A_LAST - 1)

enum sis_frame_attr {
	SIS_FRAME_A_UNSPEC,
	SIS_FRAME_A_PAD,
	SIS_FRAME_A_NUM,
	SIS_FRAME_A_SUB,
	SIS_FRAME_A_DIR,
	SIS_FRAME_A_LEN,
	SIS_FRAME_A_HELD,
	SIS_FRAME_A_DATA,
	__SIS_FRAME_A_LAST
};

#define SIS_FRAME_A_MAX (__SIS_FRAME_A_LAST - 1)

enum sis_alert_attr {
	SIS_ALERT_A_UNSPEC,
	SIS_ALERT_A_PAD,
	SIS_ALERT_A_SCANNER,
	SIS_ALERT_A_TIME,
	SIS_ALERT_A_MSG,
	SIS_ALERT_A_FRAME_NUM,
	SIS_ALERT_A_DIR,
	SIS_ALERT_A_DATA,
	SIS_ALERT_A_LEN,
	SIS_ALERT_A_ID,			/* u64, an attachment's id */
	SIS_ALERT_A_ATTACH_LEN,		/* u64, its length */
	SIS_ALERT_A_OFFSET,		/* u64, a piece's offset in it */
	SIS_ALERT_A_ATTACH_DATA,	/* binary, a piece's bytes */
	__SIS_ALERT_A_LAST
};

#define SIS_ALERT_A_MAX (__SIS_ALERT_A_LAST - 1)

enum sis_stream_attr {
	SIS_STREAM_A_UNSPEC,
	SIS_STREAM_A_PAD,
	SIS_STREAM_A_CONN,
	SIS_STREAM_A_SUB,
	SIS_STREAM_A_EVENT,
	SIS_STREAM_A_DIR,
	SIS_STREAM_A_OFFSET,
	SIS_STREAM_A_DATA,
	SIS_STREAM_A_HELD,
	SIS_STREAM_A_REASON,
	SIS_STREAM_A_FAMILY,
	SIS_STREAM_A_HOST_ADDR,
	SIS_STREAM_A_HOST_PORT,
	SIS_STREAM_A_NET_ADDR,
	SIS_STREAM_A_NET_PORT,
	SIS_STREAM_A_INITIATOR,
	__SIS_STREAM_A_LAST
};

#define SIS_STREAM_A_MAX (__SIS_STREAM_A_LAST - 1)

enum sis_limits_attr {
	SIS_LIMITS_A_UNSPEC,
	SIS_LIMITS_A_MAX_CONNS,
	SIS_LIMITS_A_CONN_BYTES,
	SIS_LIMITS_A_CONN_SEGS,
	SIS_LIMITS_A_SYN_MS,
	SIS_LIMITS_A_IDLE_MS,
	SIS_LIMITS_A_CLOSE_MS,
	SIS_LIMITS_A_FRAGMENTS,		/* u32, enum sis_fragments */
	SIS_LIMITS_A_IP6_EXTHDR,	/* u32, enum sis_unjudged */
	SIS_LIMITS_A_LOCAL,		/* u32, enum sis_unjudged */
	SIS_LIMITS_A_MAX_HALF_OPEN,	/* u32 */
	SIS_LIMITS_A_MAX_MEMORY,	/* u32, bytes */
	__SIS_LIMITS_A_LAST
};

#define SIS_LIMITS_A_MAX (__SIS_LIMITS_A_LAST - 1)

/* SIS_LIMITS_A_FRAGMENTS: IP fragments on a bridge where something judges. */
enum sis_fragments {
	SIS_FRAGMENTS_REASSEMBLE,	/* judge whole datagrams (default) */
	SIS_FRAGMENTS_DROP,		/* drop every fragment, counted */
	SIS_FRAGMENTS_PASS,		/* each judged as it is, unreassembled */
	__SIS_FRAGMENTS_MAX,
	SIS_FRAGMENTS_MAX = __SIS_FRAGMENTS_MAX - 1
};

/* SIS_LIMITS_A_IP6_EXTHDR, SIS_LIMITS_A_LOCAL: frames SIS cannot judge. */
enum sis_unjudged {
	SIS_UNJUDGED_DROP,		/* dropped, counted (default) */
	SIS_UNJUDGED_PASS,		/* go by unjudged */
	__SIS_UNJUDGED_MAX,
	SIS_UNJUDGED_MAX = __SIS_UNJUDGED_MAX - 1
};

/* What SIS dropped or made whole before judging (SIS_A_NORM_STATS). */
enum sis_nstats_attr {
	SIS_NSTATS_A_UNSPEC,
	SIS_NSTATS_A_PAD,
	SIS_NSTATS_A_REASSEMBLED,	/* u64, datagrams made whole */
	SIS_NSTATS_A_FRAG_DROPPED,	/* u64, fragments: "fragments drop" */
	SIS_NSTATS_A_FRAG_BAD,		/* u64, overlapping, tiny, malformed */
	SIS_NSTATS_A_IP6_EXTHDR,	/* u64, IPv6 behind extension headers */
	SIS_NSTATS_A_LOCAL,		/* u64, host port to the appliance */
	__SIS_NSTATS_A_LAST
};

#define SIS_NSTATS_A_MAX (__SIS_NSTATS_A_LAST - 1)

/* Stream counters of a bridge (SIS_A_STREAM_STATS, in bridge dumps). */
enum sis_sstats_attr {
	SIS_SSTATS_A_UNSPEC,
	SIS_SSTATS_A_PAD,
	SIS_SSTATS_A_CONNS,		/* u32, tracked now */
	SIS_SSTATS_A_CONNS_TOTAL,	/* u64, tracked since attach */
	SIS_SSTATS_A_UNTRACKED,		/* u64, not tracked: table full */
	SIS_SSTATS_A_MIDSTREAM,		/* u64, segments of untracked conns */
	SIS_SSTATS_A_INVALID,		/* u64, segments not acceptable */
	SIS_SSTATS_A_INCONSISTENT,	/* u64, dropped: differed from judged */
	SIS_SSTATS_A_OVERLIMIT,		/* u64, dropped: over a held limit */
	SIS_SSTATS_A_RESETS,		/* u64, connections reset */
	SIS_SSTATS_A_TIMEOUTS,		/* u64, connections expired */
	SIS_SSTATS_A_DROPPED,		/* u64, SYNs dropped: table full */
	/* SIS_SSTATS_A_INVALID by the first rule the segment broke: */
	SIS_SSTATS_A_INVALID_AUTH,	/* u64, TCP-MD5 or TCP-AO missing */
	SIS_SSTATS_A_INVALID_STATE,	/* u64, unexpected in the state */
	SIS_SSTATS_A_INVALID_ACK,	/* u64, ACK of unsent data, or too old */
	SIS_SSTATS_A_INVALID_PAWS,	/* u64, TSval older than TS.Recent */
	SIS_SSTATS_A_INVALID_WINDOW,	/* u64, outside the receive window */
	SIS_SSTATS_A_INVALID_FIN,	/* u64, data after the FIN */
	SIS_SSTATS_A_MALFORMED,		/* u64, dropped: TCP not judgeable */
	SIS_SSTATS_A_MIDSTREAM_DROPPED,	/* u64, dropped: untracked, contained */
	SIS_SSTATS_A_AMBIGUOUS,		/* u64, dropped: its effect unknowable */
	SIS_SSTATS_A_URGENT,		/* u64, URG cleared: read in line */
	SIS_SSTATS_A_HALF_OPEN,		/* u32, half-open now */
	SIS_SSTATS_A_EVICTED,		/* u64, half-open, let go for new */
	SIS_SSTATS_A_MEMORY,		/* u64, bytes kept now */
	SIS_SSTATS_A_OVERMEMORY,	/* u64, not kept: over max-memory */
	SIS_SSTATS_A_KILLED,		/* u64, killed: RSTs to both ends */
	SIS_SSTATS_A_RESETS_SENT,	/* u64, those RSTs */
	SIS_SSTATS_A_DUPACKS,		/* u64, ACKs for bytes held past a hole, or cut */
	SIS_SSTATS_A_PRUNED,		/* u64, segments held past a hole, let go */
	SIS_SSTATS_A_CUTS,		/* u64, ranges cut by scanners */
	SIS_SSTATS_A_CUT_BYTES,		/* u64, bytes in them */
	SIS_SSTATS_A_INJECTS,		/* u64, blocks injected by scanners */
	SIS_SSTATS_A_INJECT_BYTES,	/* u64, bytes in them */
	SIS_SSTATS_A_REWRITTEN,		/* u64, segments whose bytes were edited */
	SIS_SSTATS_A_TRANSLATED,	/* u64, segments renumbered only */
	SIS_SSTATS_A_KILLS,		/* u64, connections killed by scanners */
	SIS_SSTATS_A_MAX_CUTS,		/* u64, of those, over a cap's max-cuts */
	SIS_SSTATS_A_CUSTODY_ACKS,	/* u64, ACKs of held bytes sent by SIS */
	SIS_SSTATS_A_RETRANSMITS,	/* u64, bytes in its custody sent again */
	SIS_SSTATS_A_CUSTODY_FAILED,	/* u64, more over the bounds: fail policy */
	__SIS_SSTATS_A_LAST
};

#define SIS_SSTATS_A_MAX (__SIS_SSTATS_A_LAST - 1)

enum sis_conn_attr {
	SIS_CONN_A_UNSPEC,
	SIS_CONN_A_PAD,
	SIS_CONN_A_ID,
	SIS_CONN_A_FAMILY,
	SIS_CONN_A_HOST_ADDR,
	SIS_CONN_A_HOST_PORT,
	SIS_CONN_A_NET_ADDR,
	SIS_CONN_A_NET_PORT,
	SIS_CONN_A_INITIATOR,
	SIS_CONN_A_HOST_STATE,
	SIS_CONN_A_NET_STATE,
	SIS_CONN_A_AGE_MS,
	SIS_CONN_A_IN,			/* nest of enum sis_conn_dir_attr */
	SIS_CONN_A_OUT,
	__SIS_CONN_A_LAST
};

#define SIS_CONN_A_MAX (__SIS_CONN_A_LAST - 1)

enum sis_conn_dir_attr {
	SIS_CONN_DIR_A_UNSPEC,
	SIS_CONN_DIR_A_PAD,
	SIS_CONN_DIR_A_SEEN,
	SIS_CONN_DIR_A_PASSED,
	SIS_CONN_DIR_A_HELD,
	SIS_CONN_DIR_A_KEPT,
	SIS_CONN_DIR_A_WATCHERS,
	__SIS_CONN_DIR_A_LAST
};

#define SIS_CONN_DIR_A_MAX (__SIS_CONN_DIR_A_LAST - 1)

/* A configuration event (SIS_A_EVENT), on the "config" group. */
enum sis_event_attr {
	SIS_EVENT_A_UNSPEC,
	SIS_EVENT_A_REASON,		/* u8, enum sis_event_reason */
	SIS_EVENT_A_BRIDGE,		/* string, the bridge's name */
	SIS_EVENT_A_PORT,		/* string, a port's name */
	SIS_EVENT_A_SCANNER,		/* string, a scanner's name */
	SIS_EVENT_A_ID,			/* u32, a rule's or injection's id */
	SIS_EVENT_A_PID,		/* u32, a scanner process */
	SIS_EVENT_A_CAP,		/* string, a capability's name */
	__SIS_EVENT_A_LAST
};

#define SIS_EVENT_A_MAX (__SIS_EVENT_A_LAST - 1)

/* Why the configuration changed (SIS_EVENT_A_REASON). */
enum sis_event_reason {
	SIS_EVENT_REQUEST,	/* an administrator's or a process's request */
	SIS_EVENT_PORT_LEFT,	/* a port left the bridge */
	SIS_EVENT_PORT_GONE,	/* a port unregistered, or moved away */
	SIS_EVENT_BRIDGE_GONE,	/* the bridge was unregistered */
	SIS_EVENT_NETNS_EXIT,	/* the namespace is going */
	SIS_EVENT_PROCESS_EXIT,	/* a scanner process closed its socket */
};

#endif /* _UAPI_LINUX_SIS_H */
