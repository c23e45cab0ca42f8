// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl monitor --eve FILE and --journal: alerts and configuration events
 * kept, as EVE JSON lines (the format of Suricata's eve.json, which SIEMs
 * and log shippers already read) and as structured journal entries.
 *
 * A record is one JSON object: "timestamp" (local time, microseconds, the
 * zone as +hhmm, as Suricata writes it), "event_type" ("alert", "config"
 * or "fileinfo"), for an alert with an IP frame the frame's "src_ip",
 * "src_port", "dest_ip", "dest_port", "proto" (and "icmp_type",
 * "icmp_code", "vlan"), then an object named after the event type with
 * what is particular to it ("alert": {"signature"}, "config": {"command",
 * "reason", ...}, "fileinfo": {"filename", "size", "stored", "state"}),
 * an alert's frame as "packet" (base64) with "packet_info":
 * {"linktype": 1}, and last "sis": what only SIS has (bridge, scanner,
 * frame number and direction, attachment). Fields keep Suricata's names
 * where they mean the same thing.
 *
 * The file is opened O_APPEND (created 0640 whatever the umask) and each
 * record goes out in one write() of its whole line: a reader tailing the
 * file never sees half a record, and a write that fails half-way is cut
 * back off the file. A failed write is reported once, then counted until
 * writes succeed again; it never stops the monitor. SIGHUP reopens the
 * file (logrotate's postrotate): the next record goes to a new file.
 *
 * The journal gets each record as an entry: MESSAGE (the line monitor
 * prints, without its time), PRIORITY, SYSLOG_IDENTIFIER=sis-monitor,
 * every scalar of the record as SIS_KEY (the keys below the top level
 * and its objects joined with "_", in capitals: SIS_SRC_IP, SIS_SCANNER,
 * SIS_SIGNATURE, SIS_ATTACHMENT_ID) and the record itself as SIS_EVE.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "sisctl.h"

#define ETH_P_8021Q_	0x8100
#define ETH_P_8021AD_	0x88a8

int eve_format_time(char *buf, size_t len, uint64_t ns)
{
	return format_local_time(buf, len, ns, true);
}

/* Skip an IPv6 extension header at p: its length, or 0 to stop there. */
static size_t ip6_ext_len(uint8_t nh, const unsigned char *p, size_t left,
			  bool *later_fragment)
{
	if (left < 8)
		return 0;
	switch (nh) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
		return ((size_t)p[1] + 1) * 8;
	case IPPROTO_FRAGMENT:
		/* Only the first fragment carries the transport header. */
		if ((p[2] << 8 | p[3]) & 0xfff8)
			*later_fragment = true;
		return 8;
	default:
		return 0;
	}
}

/*
 * The addresses, protocol and ports of an Ethernet frame (up to two VLAN
 * tags, then IPv4 or IPv6; the ports of TCP, UDP and SCTP, the type and
 * code of ICMP): 0, or -1 if it is no IP frame (t->family 0). What a
 * short frame lacks is left out.
 */
int eve_frame_tuple(const unsigned char *f, size_t len, struct eve_tuple *t)
{
	const unsigned char *l4;
	size_t off = 12, l4_len;
	bool later_fragment = false;
	uint16_t type;

	memset(t, 0, sizeof(*t));
	if (len < ETH_HLEN)
		return -1;
	type = (uint16_t)(f[off] << 8 | f[off + 1]);
	while ((type == ETH_P_8021Q_ || type == ETH_P_8021AD_) &&
	       len >= off + 6 && t->nvlan < EVE_VLAN_MAX) {
		t->vlan[t->nvlan++] = (uint16_t)((f[off + 2] << 8 | f[off + 3]) & 0xfff);
		off += 4;
		type = (uint16_t)(f[off] << 8 | f[off + 1]);
	}
	off += 2;
	/* Copied out: the frame's headers need not be aligned. */
	if (type == ETHERTYPE_IP && len >= off + sizeof(struct ip)) {
		struct ip ip;
		size_t hl;

		memcpy(&ip, f + off, sizeof(ip));
		hl = (size_t)ip.ip_hl * 4;
		if (ip.ip_v != 4 || hl < sizeof(ip))
			return -1;
		t->family = AF_INET;
		inet_ntop(AF_INET, &ip.ip_src, t->src, sizeof(t->src));
		inet_ntop(AF_INET, &ip.ip_dst, t->dst, sizeof(t->dst));
		t->proto = ip.ip_p;
		later_fragment = ntohs(ip.ip_off) & IP_OFFMASK;
		off += hl;
	} else if (type == ETHERTYPE_IPV6 && len >= off + sizeof(struct ip6_hdr)) {
		struct ip6_hdr ip6;
		uint8_t nh;
		size_t ext;

		memcpy(&ip6, f + off, sizeof(ip6));
		nh = ip6.ip6_nxt;
		if ((f[off] >> 4) != 6)
			return -1;
		t->family = AF_INET6;
		inet_ntop(AF_INET6, &ip6.ip6_src, t->src, sizeof(t->src));
		inet_ntop(AF_INET6, &ip6.ip6_dst, t->dst, sizeof(t->dst));
		off += sizeof(ip6);
		while (off < len &&
		       (ext = ip6_ext_len(nh, f + off, len - off, &later_fragment))) {
			nh = f[off];
			off += ext;
		}
		t->proto = nh;
	} else {
		return -1;
	}
	if (later_fragment || off >= len)
		return 0;
	l4 = f + off;
	l4_len = len - off;
	switch (t->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (l4_len >= 4) {
			t->ports = true;
			t->sport = (uint16_t)(l4[0] << 8 | l4[1]);
			t->dport = (uint16_t)(l4[2] << 8 | l4[3]);
		}
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (l4_len >= 2) {
			t->icmp = true;
			t->icmp_type = l4[0];
			t->icmp_code = l4[1];
		}
		break;
	}
	return 0;
}

/* The protocol's name as Suricata writes it, or its number. */
static void proto_name(char *buf, size_t len, uint8_t proto)
{
	static const struct {
		uint8_t num;
		const char *name;
	} names[] = {
		{ IPPROTO_TCP, "TCP" }, { IPPROTO_UDP, "UDP" },
		{ IPPROTO_ICMP, "ICMP" }, { IPPROTO_ICMPV6, "IPv6-ICMP" },
		{ IPPROTO_SCTP, "SCTP" }, { IPPROTO_GRE, "GRE" },
		{ IPPROTO_ESP, "ESP" }, { IPPROTO_AH, "AH" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].num == proto) {
			snprintf(buf, len, "%s", names[i].name);
			return;
		}
	}
	snprintf(buf, len, "%u", proto);
}

/* json_object_set_new() that remembers a failure in *bad. */
static void put(json_t *o, const char *key, json_t *v, bool *bad)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		*bad = true;
}

static json_t *record_new(uint64_t ns, const char *type, bool *bad)
{
	json_t *rec = json_object();
	char ts[64];

	if (!rec || eve_format_time(ts, sizeof(ts), ns) < 0) {
		json_decref(rec);
		return NULL;
	}
	put(rec, "timestamp", json_string(ts), bad);
	put(rec, "event_type", json_string(type), bad);
	return rec;
}

/* The frame's tuple, with Suricata's keys. */
static void put_tuple(json_t *rec, const struct eve_tuple *t, bool *bad)
{
	char proto[16];

	if (t->nvlan) {
		json_t *v = json_array();

		for (int i = 0; v && i < t->nvlan; i++)
			if (json_array_append_new(v, json_integer(t->vlan[i])) < 0)
				*bad = true;
		put(rec, "vlan", v, bad);
	}
	put(rec, "src_ip", json_string(t->src), bad);
	if (t->ports)
		put(rec, "src_port", json_integer(t->sport), bad);
	put(rec, "dest_ip", json_string(t->dst), bad);
	if (t->ports)
		put(rec, "dest_port", json_integer(t->dport), bad);
	proto_name(proto, sizeof(proto), t->proto);
	put(rec, "proto", json_string(proto), bad);
	if (t->icmp) {
		put(rec, "icmp_type", json_integer(t->icmp_type), bad);
		put(rec, "icmp_code", json_integer(t->icmp_code), bad);
	}
}

static json_t *hex_string(const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *h = malloc(2 * n + 1);
	json_t *s;

	if (!h)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = digits[b[i] >> 4];
		h[2 * i + 1] = digits[b[i] & 15];
	}
	s = json_stringn(h, 2 * n);
	free(h);
	return s;
}

static json_t *base64_string(const unsigned char *b, size_t n)
{
	size_t len = (n + 2) / 3 * 4 + 1;
	char *s = malloc(len);
	json_t *j = NULL;

	if (s && b64_ntop(b, n, s, len) >= 0)
		j = json_string(s);
	free(s);
	return j;
}

/* The "sis" object's first keys: the bridge and the scanner. */
static json_t *sis_object(const char *bridge, uint32_t ifindex,
			  const char *scanner, uint64_t ns, bool *bad)
{
	json_t *sis = json_object();

	if (!sis)
		return NULL;
	put(sis, "bridge", bridge ? json_string(bridge) : json_null(), bad);
	put(sis, "ifindex", json_integer(ifindex), bad);
	if (scanner)
		put(sis, "scanner", json_string(scanner), bad);
	put(sis, "time_ns", json_integer((json_int_t)ns), bad);
	return sis;
}

/*
 * An alert's record. bridge: its name, or NULL if the ifindex has none
 * (any more). The message is "alert": {"signature"}, as it is when it is
 * printable UTF-8, else written as monitor prints it (\\, \xNN) with the
 * bytes in "sis": {"message_hex"}.
 */
json_t *eve_alert(const struct monitor_alert *a, const char *bridge)
{
	json_t *rec, *alert, *sis;
	struct eve_tuple t;
	bool bad = false;
	const char *msg = (const char *)a->msg;
	bool printable = !a->msg || utf8_printable(a->msg, a->msg_len);

	rec = record_new(a->time_ns, "alert", &bad);
	if (!rec)
		return NULL;
	if (bridge)
		put(rec, "in_iface", json_string(bridge), &bad);
	if (a->data && !eve_frame_tuple(a->data, a->data_len, &t))
		put_tuple(rec, &t, &bad);
	alert = json_object();
	put(rec, "alert", alert, &bad);
	if (alert && a->msg && printable) {
		put(alert, "signature", json_stringn(msg, a->msg_len), &bad);
	} else if (alert && a->msg) {
		char *text = text_escape(msg, a->msg_len);

		put(alert, "signature", text ? json_string(text) : NULL, &bad);
		free(text);
	}
	if (a->data) {
		json_t *info = json_object();

		put(rec, "packet", base64_string(a->data, a->data_len), &bad);
		put(rec, "packet_info", info, &bad);
		if (info)
			put(info, "linktype", json_integer(1), &bad);
	}
	sis = sis_object(bridge, a->ifindex, a->scanner, a->time_ns, &bad);
	put(rec, "sis", sis, &bad);
	if (sis && a->msg && !printable)
		put(sis, "message_hex", hex_string(a->msg, a->msg_len), &bad);
	if (sis && a->has_frame) {
		put(sis, "frame", json_integer((json_int_t)a->frame), &bad);
		put(sis, "dir", json_string(dir_name(a->dir)), &bad);
		put(sis, "len", json_integer(a->len), &bad);
	}
	if (sis && a->attach_id) {
		json_t *at = json_object();

		put(sis, "attachment", at, &bad);
		if (at) {
			put(at, "id", json_integer((json_int_t)a->attach_id), &bad);
			put(at, "size", json_integer((json_int_t)a->attach_len),
			    &bad);
		}
	}
	if (bad) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/*
 * A configuration event's record, at ns (when it was received):
 * "config": {"command", "reason", and those it has of "port", "cap",
 * "id", "pid"}, "sis": {"bridge", "ifindex", "scanner", "time_ns"}. The
 * words are those of monitor -j.
 */
json_t *eve_config(const struct config_event *e, const char *bridge,
		   uint64_t ns)
{
	const char *cmd = config_cmd_json(e->cmd);
	const char *reason = config_reason_json(e->reason);
	json_t *rec, *c;
	bool bad = false;

	rec = record_new(ns, "config", &bad);
	if (!rec)
		return NULL;
	c = json_object();
	put(rec, "config", c, &bad);
	if (c) {
		put(c, "command", cmd ? json_string(cmd) : json_integer(e->cmd),
		    &bad);
		put(c, "reason", reason ? json_string(reason) :
		    json_integer(e->reason), &bad);
		if (e->port)
			put(c, "port", json_string(e->port), &bad);
		if (e->cap)
			put(c, "cap", json_string(e->cap), &bad);
		if (e->has_id)
			put(c, "id", json_integer(e->id), &bad);
		if (e->pid)
			put(c, "pid", json_integer(e->pid), &bad);
	}
	put(rec, "sis", sis_object(bridge, e->ifindex, e->scanner, ns, &bad),
	    &bad);
	if (bad) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/*
 * An attachment that monitor --save saved (name: its file, relative to
 * the directory) or discarded (name NULL, why): "fileinfo": {"filename",
 * "size" (the bytes received), "stored", "state" (CLOSED, or TRUNCATED
 * when not all of it came)}, "sis": {..., "attachment": {"id", "size"},
 * "saved_as" (DIR/NAME) when saved, "reason" when discarded}.
 */
json_t *eve_fileinfo(const struct monitor_attach *at, const char *bridge,
		     const char *dir, const char *name, const char *why,
		     uint64_t ns)
{
	json_t *rec, *fi, *sis, *a;
	bool bad = false;
	char fallback[64];

	rec = record_new(ns, "fileinfo", &bad);
	if (!rec)
		return NULL;
	fi = json_object();
	put(rec, "fileinfo", fi, &bad);
	if (!name)
		snprintf(fallback, sizeof(fallback), "alert-%" PRIu64 ".eml",
			 at->id);
	if (fi) {
		put(fi, "filename", json_string(name ? name : fallback), &bad);
		put(fi, "size", json_integer((json_int_t)at->got), &bad);
		put(fi, "stored", json_boolean(name), &bad);
		put(fi, "state", json_string(at->got == at->len ? "CLOSED" :
					     "TRUNCATED"), &bad);
	}
	sis = sis_object(bridge, at->ifindex, at->scanner, ns, &bad);
	put(rec, "sis", sis, &bad);
	a = json_object();
	if (sis) {
		put(sis, "attachment", a, &bad);
		if (name) {
			char *path;

			if (asprintf(&path, "%s/%s", dir, name) < 0) {
				bad = true;
			} else {
				put(sis, "saved_as", json_string(path), &bad);
				free(path);
			}
		}
		if (why)
			put(sis, "reason", json_string(why), &bad);
	} else {
		json_decref(a);
	}
	if (sis && a) {
		put(a, "id", json_integer((json_int_t)at->id), &bad);
		put(a, "size", json_integer((json_int_t)at->len), &bad);
	}
	if (bad) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* The record as one line, with its newline: malloc()ed, or NULL. */
char *eve_line(const json_t *rec, size_t *len)
{
	char *s = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER), *l;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	l = realloc(s, n + 2);
	if (!l) {
		free(s);
		return NULL;
	}
	l[n] = '\n';
	l[n + 1] = '\0';
	*len = n + 1;
	return l;
}

/* Open (or create, 0640) path for appending: a descriptor, or -errno. */
static int eve_open_fd(const char *path)
{
	const int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY;
	int fd = open(path, flags | O_CREAT | O_EXCL, 0640);

	if (fd >= 0) {
		/* 0640 whatever the umask: the log group reads it. */
		if (fchmod(fd, 0640) < 0) {
			int r = -errno;

			close(fd);
			return r;
		}
		return fd;
	}
	if (errno != EEXIST)
		return -errno;
	fd = open(path, flags);
	return fd < 0 ? -errno : fd;
}

/* --eve path: 0, or -1 with a message in err. "-" is standard output. */
int eve_open(struct eve_out *e, const char *path, char *err, size_t err_len)
{
	int fd;

	memset(e, 0, sizeof(*e));
	e->path = path;
	if (!strcmp(path, "-")) {
		e->fd = STDOUT_FILENO;
		return 0;
	}
	fd = eve_open_fd(path);
	if (fd < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(-fd));
		e->fd = -1;
		return -1;
	}
	e->fd = fd;
	return 0;
}

/*
 * SIGHUP: the file again by its name (a new one after a rotation). If it
 * cannot be opened, records go on to the old one, and that is said.
 */
void eve_reopen(struct eve_out *e)
{
	int fd;

	if (e->fd < 0 || e->fd == STDOUT_FILENO)
		return;
	fd = eve_open_fd(e->path);
	if (fd < 0) {
		fprintf(stderr,
			"Warning: --eve %s: cannot reopen it (%s), writing on to the file open.\n",
			e->path, strerror(-fd));
		return;
	}
	close(e->fd);
	e->fd = fd;
	e->reopened++;
}

void eve_close(struct eve_out *e)
{
	if (e->fd >= 0 && e->fd != STDOUT_FILENO)
		close(e->fd);
	e->fd = -1;
}

/* Write all of line, or cut back what went before the error: -errno. */
static int write_line(int fd, const char *line, size_t len)
{
	off_t start = lseek(fd, 0, SEEK_END);
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, line + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int r = n < 0 ? -errno : -ENOSPC;

			/* No half record left behind (not on a pipe). */
			if (done && start >= 0 && ftruncate(fd, start) < 0)
				r = -errno;
			return r;
		}
		done += (size_t)n;
	}
	return 0;
}

/*
 * A sink failed (r < 0) or worked (r == 0): the first failure of a run is
 * reported, the later ones counted; the first success after them says how
 * many were lost.
 */
static void sink_result(const char *what, int r, bool *failing,
			uint64_t *lost, uint64_t *lost_run)
{
	if (r < 0) {
		(*lost)++;
		(*lost_run)++;
		if (!*failing)
			fprintf(stderr,
				"Warning: %s: %s; records are counted as lost until writes succeed again.\n",
				what, strerror(-r));
		*failing = true;
		return;
	}
	if (*failing)
		fprintf(stderr, "%s: writing again, %" PRIu64 " records lost.\n",
			what, *lost_run);
	*failing = false;
	*lost_run = 0;
}

/* One record to the file: 0, or -errno (reported once, counted). */
int eve_write(struct eve_out *e, const char *line, size_t len)
{
	char what[PATH_MAX + 8];
	int r = e->fd < 0 ? -EBADF : write_line(e->fd, line, len);

	snprintf(what, sizeof(what), "--eve %s", e->path);
	sink_result(what, r, &e->failing, &e->lost, &e->lost_run);
	if (!r)
		e->written++;
	return r;
}

/* Key, the journal's way: capitals, digits and _. */
static void field_name(char *buf, size_t len, const char *prefix,
		       const char *key)
{
	size_t n = (size_t)snprintf(buf, len, "%s", prefix);

	for (const char *k = key; *k && n + 1 < len; k++)
		buf[n++] = isalnum((unsigned char)*k) ?
			   (char)toupper((unsigned char)*k) : '_';
	buf[n] = '\0';
}

static int fields_add(struct eve_fields *f, const char *name,
		      const char *value, size_t value_len)
{
	size_t n = strlen(name);
	char *s;

	if (f->n == EVE_FIELDS_MAX)
		return -E2BIG;
	s = malloc(n + 1 + value_len + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, name, n);
	s[n] = '=';
	memcpy(s + n + 1, value, value_len);
	s[n + 1 + value_len] = '\0';
	f->v[f->n].iov_base = s;
	f->v[f->n].iov_len = n + 1 + value_len;
	f->n++;
	return 0;
}

/*
 * Every scalar of o as PREFIX_KEY=value: the top level's and its objects'
 * (depth 0 and 1) as SIS_KEY, those of deeper objects with their
 * object's key before theirs (SIS_ATTACHMENT_ID).
 */
static int fields_flatten(struct eve_fields *f, const char *prefix,
			  const json_t *o, int depth)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)o, key, v) {
		char name[128], num[32];
		int r = 0;

		/* The frame is in SIS_EVE; a field of its own is no use. */
		if (!strcmp(key, "packet") || !strcmp(key, "packet_info"))
			continue;
		field_name(name, sizeof(name), prefix, key);
		switch (json_typeof(v)) {
		case JSON_OBJECT:
			if (depth >= 1)
				strcat(name, "_");
			r = fields_flatten(f, depth ? name : prefix, v, depth + 1);
			break;
		case JSON_STRING:
			r = fields_add(f, name, json_string_value(v),
				       json_string_length(v));
			break;
		case JSON_INTEGER:
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
			r = fields_add(f, name, num, strlen(num));
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			r = fields_add(f, name, json_is_true(v) ? "1" : "0", 1);
			break;
		default:	/* null, arrays (vlan) */
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

void eve_fields_free(struct eve_fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].iov_base);
	f->n = 0;
}

/*
 * The journal entry of a record: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER,
 * the record's scalars as SIS_*, and SIS_EVE, the line without its
 * newline. 0, or -errno (f freed).
 */
int eve_fields(struct eve_fields *f, const json_t *rec, const char *message,
	       int priority, const char *line, size_t line_len)
{
	char prio[4];
	int r;

	f->n = 0;
	snprintf(prio, sizeof(prio), "%d", priority);
	r = fields_add(f, "MESSAGE", message, strlen(message));
	if (!r)
		r = fields_add(f, "PRIORITY", prio, strlen(prio));
	if (!r)
		r = fields_add(f, "SYSLOG_IDENTIFIER", EVE_IDENTIFIER,
			       strlen(EVE_IDENTIFIER));
	if (!r)
		r = fields_flatten(f, "SIS_", rec, 0);
	if (!r)
		r = fields_add(f, "SIS_EVE", line,
			       line_len && line[line_len - 1] == '\n' ?
			       line_len - 1 : line_len);
	if (r < 0)
		eve_fields_free(f);
	return r;
}

/*
 * Is there a journal to send to? libsystemd drops entries without a word
 * when its socket is missing: 0, or -1 with a message in err.
 */
int eve_journal_check(char *err, size_t err_len)
{
	if (!access(EVE_JOURNAL_SOCKET, W_OK))
		return 0;
	snprintf(err, err_len, "no journal runs here (%s: %s)",
		 EVE_JOURNAL_SOCKET, strerror(errno));
	return -1;
}

/* One record to the journal: 0, or -errno (reported once, counted). */
int eve_journal(struct monitor *m, const json_t *rec, const char *message,
		int priority, const char *line, size_t line_len)
{
	struct eve_fields f;
	int r = eve_fields(&f, rec, message, priority, line, line_len);

	if (!r) {
		r = sd_journal_sendv(f.v, (int)f.n);
		eve_fields_free(&f);
	}
	sink_result("--journal", r, &m->journal_failing, &m->journal_lost,
		    &m->journal_lost_run);
	return r;
}
