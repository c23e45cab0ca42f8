// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl monitor [-j] [alerts|config|all] [--pcap FILE] [--save DIR]
 *		  [--eve FILE] [--journal] [--count N]
 *
 * Joins the family's "alerts" and "config" multicast groups (or one of
 * them) and prints each alert and each configuration event as it comes,
 * one line each:
 *
 *   TIME bridge BRIDGE scanner NAME [frame NUM dir in|out len LEN]
 *	[attachment ID BYTES]: MESSAGE
 *   TIME bridge BRIDGE COMMAND [NAME] [scanner NAME] [cap NAME] [id ID]
 *	[pid PID] [port NAME] [(REASON)]
 *
 * TIME is local, ISO 8601 with milliseconds and the UTC offset (for a
 * configuration event, when it was received). MESSAGE is last, so that it
 * can hold anything: bytes outside printable ASCII are written \xNN, a
 * backslash \\. With -j, one JSON object per line, "event" saying which.
 * --save DIR writes each alert's attachment to DIR/alert-ID.eml once it
 * has all come (monitor_save.c). --eve FILE and --journal keep each
 * event, as an EVE JSON line and as a journal entry (eve.c), in place of
 * the lines on standard output.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <syslog.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "sisctl.h"

/* Room for bursts of alerts with frames (up to SIS_ALERT_DATA_MAX each). */
#define MONITOR_RCVBUF (4 << 20)
/*
 * With --save, room for two whole attachments (SIS_ALERT_ATTACH_MAX) in
 * pieces (a piece takes 64 KiB of buffer), if the monitor may have it
 * (CAP_NET_ADMIN, which it needs anyway).
 */
#define MONITOR_SAVE_RCVBUF (2 * SIS_ALERT_ATTACH_MAX + (8 << 20))

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: sisctl monitor [-j] [alerts|config|all] [--pcap FILE] [--save DIR]\n"
		"                      [--eve FILE] [--journal] [--count N]\n"
		"Prints the scanners' alerts (alerts), the changes of configuration\n"
		"(config), or both (all, the default) as they come, one per line (-j: one\n"
		"JSON object per line). --pcap also writes the frames attached to alerts\n"
		"to FILE; --save writes each alert's attachment, once whole, to\n"
		"DIR/alert-ID.eml (an incomplete one is discarded, with a warning);\n"
		"--eve appends each as an EVE JSON line to FILE (created 0640; SIGHUP\n"
		"reopens it; - is standard output), --journal sends each to the journal;\n"
		"either replaces the lines on standard output. --count stops after N\n"
		"of them (and their attachments). Needs CAP_NET_ADMIN.\n");
	return f == stdout ? 0 : 1;
}

/* "--opt VALUE" or "--opt=VALUE": the value, or NULL if argv[*i] is not it. */
static const char *opt_value(int argc, char *const argv[], int *i,
			     const char *opt, bool *missing)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* A group word: its MONITOR_* bits, or 0. */
static unsigned int group_bits(const char *word)
{
	if (!strcmp(word, "alerts"))
		return MONITOR_ALERTS;
	if (!strcmp(word, "config"))
		return MONITOR_CONFIG;
	if (!strcmp(word, "all"))
		return MONITOR_ALL;
	return 0;
}

/*
 * argv: the words after "monitor". *groups gets the MONITOR_* bits of the
 * groups named (several may be), MONITOR_ALL if none is. On error returns
 * -1 with a message in err.
 */
int monitor_parse(int argc, char *const argv[], bool *json,
		  unsigned int *groups, struct monitor_opts *o, char *err,
		  size_t err_len)
{
	const char **pcap = &o->pcap, **save = &o->save;
	uint32_t *count = &o->count;
	bool has_count = false;

	*groups = 0;
	memset(o, 0, sizeof(*o));
	err[0] = '\0';
	for (int i = 0; i < argc; i++) {
		const char *opt = argv[i], *v;
		bool missing = false;

		if (!strcmp(opt, "-j") || !strcmp(opt, "--json")) {
			*json = true;
			continue;
		}
		if (!strcmp(opt, "--journal")) {
			if (o->journal) {
				snprintf(err, err_len, "--journal given twice");
				return -1;
			}
			o->journal = true;
			continue;
		}
		if (opt[0] != '-') {
			if (!group_bits(opt)) {
				snprintf(err, err_len,
					 "unknown group \"%s\": alerts, config or all",
					 opt);
				return -1;
			}
			*groups |= group_bits(opt);
			continue;
		}
		v = opt_value(argc, argv, &i, "--pcap", &missing);
		if (v) {
			if (*pcap) {
				snprintf(err, err_len, "--pcap given twice");
				return -1;
			}
			if (!v[0] || !strcmp(v, "-")) {
				snprintf(err, err_len,
					 "--pcap needs a file name (standard output is for the alerts)");
				return -1;
			}
			*pcap = v;
			continue;
		}
		if (!missing) {
			v = opt_value(argc, argv, &i, "--save", &missing);
			if (v) {
				if (*save) {
					snprintf(err, err_len, "--save given twice");
					return -1;
				}
				if (!v[0]) {
					snprintf(err, err_len,
						 "--save needs a directory");
					return -1;
				}
				*save = v;
				continue;
			}
		}
		if (!missing) {
			v = opt_value(argc, argv, &i, "--eve", &missing);
			if (v) {
				if (o->eve) {
					snprintf(err, err_len, "--eve given twice");
					return -1;
				}
				if (!v[0]) {
					snprintf(err, err_len,
						 "--eve needs a file name (- for standard output)");
					return -1;
				}
				o->eve = v;
				continue;
			}
		}
		if (!missing) {
			v = opt_value(argc, argv, &i, "--count", &missing);
			if (v) {
				if (has_count) {
					snprintf(err, err_len, "--count given twice");
					return -1;
				}
				has_count = true;
				if (parse_u32(v, count) < 0 || !*count) {
					snprintf(err, err_len,
						 "invalid count \"%s\": use 1 to %u",
						 v, UINT32_MAX);
					return -1;
				}
				continue;
			}
		}
		if (missing)
			snprintf(err, err_len, "%s needs a value", opt);
		else
			snprintf(err, err_len, "unknown argument \"%s\"", opt);
		return -1;
	}
	if (!*groups)
		*groups = MONITOR_ALL;
	if (*pcap && !(*groups & MONITOR_ALERTS)) {
		snprintf(err, err_len,
			 "--pcap writes the frames of alerts: not with config alone");
		return -1;
	}
	if (*save && !(*groups & MONITOR_ALERTS)) {
		snprintf(err, err_len,
			 "--save writes the attachments of alerts: not with config alone");
		return -1;
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/*
 * Local time, ISO 8601: 2026-11-27T10:15:03.123+01:00 for the monitor's
 * lines; with eve, as Suricata writes it: 2026-11-27T10:15:03.123456+0100.
 */
int format_local_time(char *buf, size_t len, uint64_t ns, bool eve)
{
	time_t sec = (time_t)(ns / 1000000000u);
	unsigned int frac = (unsigned int)(ns % 1000000000u / (eve ? 1000u : 1000000u));
	char date[32];
	struct tm tm;
	long off;

	if (!localtime_r(&sec, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	off = tm.tm_gmtoff;
	return snprintf(buf, len, "%s.%0*u%c%02ld%s%02ld", date, eve ? 6 : 3, frac,
			off < 0 ? '-' : '+', labs(off) / 3600, eve ? "" : ":",
			labs(off) / 60 % 60);
}

int monitor_format_time(char *buf, size_t len, uint64_t ns)
{
	return format_local_time(buf, len, ns, false);
}

/* An alert into *a: 0, or -EPROTO. */
int monitor_alert_parse(const struct nlmsghdr *nlh, struct monitor_alert *a)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *tb[SIS_A_MAX + 1], *atb[SIS_ALERT_A_MAX + 1];

	memset(a, 0, sizeof(*a));
	if (genlmsg_parse(h, 0, tb, SIS_A_MAX, sisctl_policy) < 0 ||
	    !tb[SIS_A_ALERT] ||
	    nla_parse_nested(atb, SIS_ALERT_A_MAX, tb[SIS_A_ALERT],
			     sisctl_alert_policy) < 0)
		return -EPROTO;
	if (tb[SIS_A_IFINDEX])
		a->ifindex = nla_get_u32(tb[SIS_A_IFINDEX]);
	a->scanner = atb[SIS_ALERT_A_SCANNER] ?
		     nla_get_string(atb[SIS_ALERT_A_SCANNER]) : "?";
	a->time_ns = atb[SIS_ALERT_A_TIME] ?
		     nla_get_u64(atb[SIS_ALERT_A_TIME]) : now_ns();
	if (atb[SIS_ALERT_A_MSG]) {
		a->msg = nla_data(atb[SIS_ALERT_A_MSG]);
		a->msg_len = (size_t)nla_len(atb[SIS_ALERT_A_MSG]);
		/* A C string sent with its NUL. */
		if (a->msg_len && !a->msg[a->msg_len - 1])
			a->msg_len--;
	}
	if (atb[SIS_ALERT_A_FRAME_NUM]) {
		a->has_frame = true;
		a->frame = nla_get_u64(atb[SIS_ALERT_A_FRAME_NUM]);
		if (atb[SIS_ALERT_A_DIR])
			a->dir = nla_get_u8(atb[SIS_ALERT_A_DIR]);
	}
	if (atb[SIS_ALERT_A_DATA]) {
		a->data = nla_data(atb[SIS_ALERT_A_DATA]);
		a->data_len = (size_t)nla_len(atb[SIS_ALERT_A_DATA]);
	}
	if (atb[SIS_ALERT_A_LEN])
		a->len = nla_get_u32(atb[SIS_ALERT_A_LEN]);
	if (a->len < a->data_len)
		a->len = (uint32_t)a->data_len;
	if (atb[SIS_ALERT_A_ID] && atb[SIS_ALERT_A_ATTACH_LEN]) {
		a->attach_id = nla_get_u64(atb[SIS_ALERT_A_ID]);
		a->attach_len = nla_get_u64(atb[SIS_ALERT_A_ATTACH_LEN]);
	}
	return 0;
}

/* Valid UTF-8 without control characters (C0, DEL, C1). */
bool utf8_printable(const unsigned char *s, size_t n)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };

	for (size_t i = 0; i < n;) {
		uint32_t c = s[i];
		size_t len;

		if (c < 0x80) {
			len = 1;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2;
			c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			c &= 0x07;
		} else {
			return false;
		}
		if (len > n - i)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
		    c < 0x20 || (c >= 0x7f && c < 0xa0))
			return false;
		i += len;
	}
	return true;
}

static const char *bridge_name(uint32_t ifindex, char *buf)
{
	return ifindex ? if_indextoname(ifindex, buf) : NULL;
}

/*
 * TIME bridge BRIDGE scanner NAME [frame NUM dir DIR len LEN]
 * [attachment ID BYTES]: MESSAGE, or {"event": "alert", "time", "time_ns",
 * "bridge", "ifindex", "scanner", "message" (a string when the message is
 * printable UTF-8) or "message_hex", with a frame "frame", "dir", "len"
 * and "data" (hex), with an attachment "attachment_id" and
 * "attachment_len"}.
 */
static void alert_print(struct sisctl_print *p, const struct monitor_alert *a,
			const char *time)
{
	const char *msg = (const char *)a->msg;
	char buf[IF_NAMESIZE];

	open_object(p, NULL);
	print_string(p, PRINT_JSON, "event", NULL, "alert");
	print_string(p, PRINT_ANY, "time", "%s", time);
	print_u64(p, PRINT_JSON, "time_ns", NULL, a->time_ns);
	print_dev(p, PRINT_ANY, "bridge", " bridge %s",
		  bridge_name(a->ifindex, buf), a->ifindex);
	print_string(p, PRINT_ANY | PRINT_ESCAPE, "scanner", " scanner %s",
		     a->scanner);
	/* An alert without a message has neither key. */
	if (a->msg && utf8_printable(a->msg, a->msg_len))
		print_stringn(p, PRINT_JSON, "message", NULL, msg, a->msg_len);
	else if (a->msg)
		print_hex(p, PRINT_JSON, "message_hex", NULL, msg, a->msg_len);
	if (a->has_frame) {
		print_u64(p, PRINT_ANY, "frame", " frame %" PRIu64, a->frame);
		print_string(p, PRINT_ANY, "dir", " dir %s", dir_name(a->dir));
		print_uint(p, PRINT_ANY, "len", " len %u", a->len);
	}
	if (a->data)
		print_hex(p, PRINT_JSON, "data", NULL, a->data, a->data_len);
	if (a->attach_id) {
		print_u64(p, PRINT_ANY, "attachment_id", " attachment %" PRIu64,
			  a->attach_id);
		print_u64(p, PRINT_ANY, "attachment_len", " %" PRIu64,
			  a->attach_len);
	}
	/* Last, so that it can hold anything. */
	print_stringn(p, PRINT_FP | PRINT_ESCAPE, NULL, ": %s\n", msg,
		      a->msg_len);
	close_object(p);
}

/* One line, or one object on its own line, out. */
static int monitor_end(struct monitor *m, struct sisctl_print *p,
		       const char *what)
{
	int r = print_end(p, JSON_COMPACT);

	if (r < 0) {
		m->error = r;
		sisctl_error("cannot format %s%s", what,
			     m->json ? " as JSON" : "");
	}
	return r;
}

/* Each line goes out as it is printed: monitor's output is read live. */
static int monitor_flush(struct monitor *m)
{
	if (fflush(m->out) == EOF || ferror(m->out)) {
		m->error = -(errno ? errno : EIO);
		sisctl_error("write error: %s", strerror(-m->error));
		return m->error;
	}
	return 0;
}

static void time_text(char *time, size_t len, uint64_t ns)
{
	if (monitor_format_time(time, len, ns) < 0)
		snprintf(time, len, "%llu", (unsigned long long)ns);
}

/*
 * The text line of an event without its time and newline, for the
 * journal's MESSAGE: malloc()ed, or NULL.
 */
char *monitor_message(const struct monitor_alert *a,
		      const struct config_event *e)
{
	struct sisctl_print p;
	char *buf = NULL, *msg;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	if (!f)
		return NULL;
	print_init(&p, f, false);
	if (a)
		alert_print(&p, a, "");
	else
		config_event_print(&p, e, "", 0);
	r = print_end(&p, 0);
	if (fclose(f) || r < 0 || !buf) {
		free(buf);
		return NULL;
	}
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	msg = strdup(buf[0] == ' ' ? buf + 1 : buf);
	free(buf);
	return msg;
}

/*
 * A record to --eve and --journal. rec and message may be NULL (out of
 * memory): the record is then lost, and counted so.
 */
void monitor_keep(struct monitor *m, json_t *rec, const char *message,
		  int priority)
{
	size_t len = 0;
	char *line = rec ? eve_line(rec, &len) : NULL;

	if (!line || !message) {
		fprintf(stderr, "Warning: a record could not be built: %s.\n",
			strerror(ENOMEM));
		if (m->eve)
			m->eve->lost++;
		if (m->journal)
			m->journal_lost++;
	} else {
		if (m->eve)
			eve_write(m->eve, line, len);
		if (m->journal)
			eve_journal(m, rec, message, priority, line, len);
	}
	free(line);
	json_decref(rec);
}

/* An alert: printed or kept, and its frame written to the pcap file. */
static int monitor_alert_msg(struct monitor *m, const struct nlmsghdr *nlh)
{
	struct sisctl_print p;
	char time[64];
	struct monitor_alert a;
	int r;

	if (monitor_alert_parse(nlh, &a) < 0) {
		fprintf(stderr, "Warning: malformed alert skipped.\n");
		return 0;
	}
	if (!m->kept_only) {
		time_text(time, sizeof(time), a.time_ns);
		print_init(&p, m->out, m->json);
		alert_print(&p, &a, time);
		r = monitor_end(m, &p, "an alert");
		if (!r)
			r = monitor_flush(m);
		if (r < 0)
			return r;
	}
	if (m->eve || m->journal) {
		char buf[IF_NAMESIZE], *msg = monitor_message(&a, NULL);

		monitor_keep(m, eve_alert(&a, bridge_name(a.ifindex, buf)), msg,
			     LOG_WARNING);
		free(msg);
	}
	if (m->pcap && a.data) {
		r = pcapfile_write(m->pcap, a.time_ns, a.data, a.data_len, a.len);
		if (r < 0) {
			m->error = r;
			sisctl_error("--pcap: write error: %s", strerror(-r));
			return r;
		}
	}
	if (a.attach_id)
		monitor_save_alert(m, a.ifindex, a.scanner, a.attach_id,
				   a.attach_len);
	m->seen++;
	return 0;
}

/* What the config group's commands are called: text, and JSON. */
static const struct {
	uint8_t cmd;
	bool names_scanner;	/* the scanner's name follows the words */
	const char *text, *json;
} config_cmds[] = {
	{ SIS_CMD_ATTACH, false, "attach", "attach" },
	{ SIS_CMD_DETACH, false, "detach", "detach" },
	{ SIS_CMD_SET_BRIDGE, false, "set", "set" },
	{ SIS_CMD_PREVENT_ADD, false, "prevent add", "prevent-add" },
	{ SIS_CMD_PREVENT_DEL, false, "prevent del", "prevent-del" },
	{ SIS_CMD_SCANNER_ADD, true, "scanner add", "scanner-add" },
	{ SIS_CMD_SCANNER_DEL, true, "scanner del", "scanner-del" },
	{ SIS_CMD_CAP_ADD, false, "cap add", "cap-add" },
	{ SIS_CMD_CAP_DEL, false, "cap del", "cap-del" },
	{ SIS_CMD_INJECT_ADD, false, "inject add", "inject-add" },
	{ SIS_CMD_INJECT_DEL, false, "inject del", "inject-del" },
	{ SIS_CMD_SCANNER_ATTACH, true, "scanner attach", "scanner-attach" },
	{ SIS_CMD_DETACHED, true, "scanner detached", "scanner-detached" },
	{ SIS_CMD_CLOSED, false, "closed", "closed" },
};

static int config_cmd_index(uint8_t cmd)
{
	for (size_t i = 0; i < sizeof(config_cmds) / sizeof(config_cmds[0]); i++)
		if (config_cmds[i].cmd == cmd)
			return (int)i;
	return -1;
}

/* A config event's command in JSON; NULL: unknown. */
const char *config_cmd_json(uint8_t cmd)
{
	int c = config_cmd_index(cmd);

	return c < 0 ? NULL : config_cmds[c].json;
}

/* enum sis_event_reason in JSON; NULL: unknown. */
const char *config_reason_json(uint8_t reason)
{
	static const char *const names[] = {
		[SIS_EVENT_REQUEST] = "request",
		[SIS_EVENT_PORT_LEFT] = "port-left",
		[SIS_EVENT_PORT_GONE] = "port-gone",
		[SIS_EVENT_BRIDGE_GONE] = "bridge-gone",
		[SIS_EVENT_NETNS_EXIT] = "netns-exit",
		[SIS_EVENT_PROCESS_EXIT] = "process-exit",
	};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : NULL;
}

static const struct nla_policy event_policy[SIS_EVENT_A_MAX + 1] = {
	[SIS_EVENT_A_REASON]	= { .type = NLA_U8 },
	[SIS_EVENT_A_BRIDGE]	= { .type = NLA_STRING },
	[SIS_EVENT_A_PORT]	= { .type = NLA_STRING },
	[SIS_EVENT_A_SCANNER]	= { .type = NLA_STRING },
	[SIS_EVENT_A_ID]	= { .type = NLA_U32 },
	[SIS_EVENT_A_PID]	= { .type = NLA_U32 },
	[SIS_EVENT_A_CAP]	= { .type = NLA_STRING },
};

/*
 * A message of the config group into *e (its strings point into the
 * message). -ENOENT if it is no configuration event (no SIS_A_EVENT),
 * -EPROTO if it is a malformed one.
 */
int config_event_parse(const struct nlmsghdr *nlh, struct config_event *e)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *tb[SIS_A_MAX + 1], *etb[SIS_EVENT_A_MAX + 1];

	memset(e, 0, sizeof(*e));
	if (!genlmsg_valid_hdr(h, 0))
		return -EPROTO;
	e->cmd = ((const struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	if (genlmsg_parse(h, 0, tb, SIS_A_MAX, sisctl_policy) < 0)
		return -EPROTO;
	if (!tb[SIS_A_EVENT])
		return -ENOENT;
	if (nla_parse_nested(etb, SIS_EVENT_A_MAX, tb[SIS_A_EVENT],
			     event_policy) < 0 || !etb[SIS_EVENT_A_REASON])
		return -EPROTO;
	e->reason = nla_get_u8(etb[SIS_EVENT_A_REASON]);
	if (tb[SIS_A_IFINDEX])
		e->ifindex = nla_get_u32(tb[SIS_A_IFINDEX]);
	if (etb[SIS_EVENT_A_BRIDGE])
		e->bridge = nla_get_string(etb[SIS_EVENT_A_BRIDGE]);
	if (etb[SIS_EVENT_A_PORT])
		e->port = nla_get_string(etb[SIS_EVENT_A_PORT]);
	if (etb[SIS_EVENT_A_SCANNER])
		e->scanner = nla_get_string(etb[SIS_EVENT_A_SCANNER]);
	if (etb[SIS_EVENT_A_CAP])
		e->cap = nla_get_string(etb[SIS_EVENT_A_CAP]);
	if (etb[SIS_EVENT_A_ID]) {
		e->has_id = true;
		e->id = nla_get_u32(etb[SIS_EVENT_A_ID]);
	}
	if (etb[SIS_EVENT_A_PID])
		e->pid = nla_get_u32(etb[SIS_EVENT_A_PID]);
	return 0;
}

/* The bridge's name as the event gave it, else as it is now, or NULL. */
static const char *event_bridge(const struct config_event *e, char *buf)
{
	return e->bridge ? e->bridge : bridge_name(e->ifindex, buf);
}

/* The reason of an event in text: nothing for a request. */
static void reason_print(struct sisctl_print *p, const struct config_event *e)
{
	switch (e->reason) {
	case SIS_EVENT_REQUEST:
		break;
	case SIS_EVENT_PORT_LEFT:
	case SIS_EVENT_PORT_GONE:
		if (e->port)
			print_string(p, PRINT_FP | PRINT_ESCAPE, NULL,
				     " (port %s", e->port);
		else
			print_fp(p, " (a port");
		print_fp(p, e->reason == SIS_EVENT_PORT_LEFT ? " left)" :
			 " unregistered)");
		break;
	case SIS_EVENT_BRIDGE_GONE:
		print_fp(p, " (bridge unregistered)");
		break;
	case SIS_EVENT_NETNS_EXIT:
		print_fp(p, " (namespace exiting)");
		break;
	case SIS_EVENT_PROCESS_EXIT:
		print_fp(p, " (process exited)");
		break;
	default:
		print_fp(p, " (reason %u)", e->reason);
		break;
	}
}

/*
 * TIME bridge BRIDGE COMMAND [NAME] [scanner NAME] [cap NAME] [id ID]
 * [pid PID] [port NAME] [(REASON)]: the scanner's name right after the
 * scanner commands, the port in the reason when it is why. Or
 * {"event": "config", "time", "time_ns", "bridge", "ifindex", "command",
 * "reason", and those the event has of "port", "scanner", "cap", "id" and
 * "pid"}: a command or reason this sisctl does not know is its number.
 */
void config_event_print(struct sisctl_print *p, const struct config_event *e,
			const char *time, uint64_t time_ns)
{
	int c = config_cmd_index(e->cmd);
	const char *reason = config_reason_json(e->reason);
	char buf[IF_NAMESIZE];
	bool port_why = e->port && (e->reason == SIS_EVENT_PORT_LEFT ||
				    e->reason == SIS_EVENT_PORT_GONE);

	open_object(p, NULL);
	print_string(p, PRINT_JSON, "event", NULL, "config");
	print_string(p, PRINT_ANY, "time", "%s", time);
	print_u64(p, PRINT_JSON, "time_ns", NULL, time_ns);
	print_dev(p, PRINT_ANY | PRINT_ESCAPE, "bridge", " bridge %s",
		  event_bridge(e, buf), e->ifindex);
	if (c >= 0) {
		print_string(p, PRINT_FP, NULL, " %s", config_cmds[c].text);
		print_string(p, PRINT_JSON, "command", NULL,
			     config_cmds[c].json);
	} else {
		print_uint(p, PRINT_ANY, "command", " command %u", e->cmd);
	}
	if (reason)
		print_string(p, PRINT_JSON, "reason", NULL, reason);
	else
		print_uint(p, PRINT_JSON, "reason", NULL, e->reason);
	if (e->port)
		print_string(p, PRINT_JSON, "port", NULL, e->port);
	if (e->scanner)
		print_string(p, PRINT_ANY | PRINT_ESCAPE, "scanner",
			     c >= 0 && config_cmds[c].names_scanner ?
			     " %s" : " scanner %s", e->scanner);
	if (e->cap)
		print_string(p, PRINT_ANY | PRINT_ESCAPE, "cap", " cap %s",
			     e->cap);
	if (e->has_id)
		print_uint(p, PRINT_ANY, "id", " id %u", e->id);
	if (e->pid)
		print_uint(p, PRINT_ANY, "pid", " pid %u", e->pid);
	if (e->port && !port_why)
		print_string(p, PRINT_FP | PRINT_ESCAPE, NULL, " port %s",
			     e->port);
	reason_print(p, e);
	print_fp(p, "\n");
	close_object(p);
}

/* A configuration event, at the time it was received. */
static int monitor_config(struct monitor *m, const struct nlmsghdr *nlh)
{
	uint64_t ns = now_ns();
	struct sisctl_print p;
	struct config_event e;
	char time[64];
	int r;

	r = config_event_parse(nlh, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		fprintf(stderr, "Warning: malformed configuration event skipped.\n");
		return 0;
	}
	if (!m->kept_only) {
		time_text(time, sizeof(time), ns);
		print_init(&p, m->out, m->json);
		config_event_print(&p, &e, time, ns);
		r = monitor_end(m, &p, "a configuration event");
		if (!r)
			r = monitor_flush(m);
		if (r < 0)
			return r;
	}
	if (m->eve || m->journal) {
		char buf[IF_NAMESIZE], *msg = monitor_message(NULL, &e);

		monitor_keep(m, eve_config(&e, event_bridge(&e, buf), ns), msg,
			     LOG_NOTICE);
		free(msg);
	}
	m->seen++;
	return 0;
}

/*
 * One message from the groups: print it if it is an alert or a
 * configuration event, and write an alert's frame to the pcap file. A
 * failed write is reported here and returned (also in m->error); anything
 * else is skipped.
 */
int monitor_msg(struct monitor *m, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);

	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return 0;
	if (g->cmd == SIS_CMD_ALERT)
		return monitor_alert_msg(m, nlh);
	if (g->cmd == SIS_CMD_ALERT_DATA) {
		monitor_save_piece(m, nlh);
		return 0;
	}
	return monitor_config(m, nlh);
}

/* The end: what --eve and --journal could not keep is said. */
void monitor_keep_close(struct monitor *m)
{
	if (m->eve) {
		if (m->eve->lost)
			fprintf(stderr,
				"Warning: --eve %s: %" PRIu64 " records could not be written.\n",
				m->eve->path, m->eve->lost);
		eve_close(m->eve);
		m->eve = NULL;
	}
	if (m->journal && m->journal_lost)
		fprintf(stderr,
			"Warning: --journal: %" PRIu64 " records could not be sent.\n",
			m->journal_lost);
}

/* Join family's multicast group: 0 or a negative errno. */
int monitor_join(struct nl_sock *sk, const char *family, const char *group)
{
	int grp = genl_ctrl_resolve_grp(sk, family, group), r;

	if (grp < 0)
		return grp == -NLE_OBJ_NOTFOUND ? -ENOENT : sis_nl_errno(grp);
	r = nl_socket_add_membership(sk, grp);
	return r < 0 ? sis_nl_errno(r) : 0;
}

struct run_ctx {
	struct monitor *m;
	int family;
};

/* After --count events, once their attachments are whole or discarded. */
static bool monitor_done(const struct monitor *m)
{
	return m->error || (m->count && m->seen >= m->count &&
			    !monitor_save_pending(m));
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct run_ctx *c = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (h->nlmsg_type == c->family)
		monitor_msg(c->m, h);
	return monitor_done(c->m) ? NL_STOP : NL_OK;
}

/* Group messages come unrequested, with sequence number 0. */
static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/*
 * Read events from sk (messages of family) until m->count events, an error,
 * or stopfd (may be -1) becomes readable. 0, or a negative errno.
 */
int monitor_run(struct monitor *m, struct nl_sock *sk, int family, int stopfd)
{
	struct run_ctx ctx = { .m = m, .family = family };
	struct pollfd p[3] = {
		{ .fd = nl_socket_get_fd(sk), .events = POLLIN },
		{ .fd = stopfd, .events = POLLIN },
		{ .fd = m->hupfd > 0 ? m->hupfd : -1, .events = POLLIN },
	};
	struct nl_cb *cb;
	int r = 0;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &ctx);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	r = nl_socket_set_nonblocking(sk);
	if (r < 0) {
		r = sis_nl_errno(r);
		goto out;
	}
	while (!monitor_done(m)) {
		/* A negative descriptor is ignored by poll(). */
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (stopfd >= 0 && p[1].revents)
			break;
		if (p[2].revents) {
			struct signalfd_siginfo si;

			/* SIGHUP: the log was rotated; the file again. */
			while (read(p[2].fd, &si, sizeof(si)) == sizeof(si))
				;
			if (m->eve)
				eve_reopen(m->eve);
		}
		if (!p[0].revents)
			continue;
		r = nl_recvmsgs_report(sk, cb);
		if (r >= 0 || r == -NLE_AGAIN) {
			r = 0;
			continue;
		}
		/*
		 * libnl reports the socket's ENOBUFS as NLE_NOMEM: the receive
		 * buffer was full, or the kernel could not build an event.
		 */
		if (r == -NLE_NOMEM && errno == ENOBUFS) {
			fprintf(stderr,
				"Warning: events were lost, the receive buffer was full.\n");
			monitor_save_lost(m);
			r = 0;
			continue;
		}
		r = sis_nl_errno(r);
		break;
	}
	if (!r)
		r = m->error;
out:
	nl_cb_put(cb);
	return r;
}

static void join_error(const char *group, int r)
{
	if (r == -EPERM)
		sisctl_error("joining the %s group: %s (sisctl monitor needs CAP_NET_ADMIN)",
			     group, strerror(EPERM));
	else if (r == -ENOENT)
		sisctl_error("the sis module has no \"%s\" group, it is older than sisctl",
			     group);
	else
		sisctl_error("joining the %s group: %s", group, strerror(-r));
}

/*
 * Join the groups asked for. "all" is all the module has: an older one
 * without the config group still gives its alerts. 0 or -1, reported.
 */
static int monitor_join_groups(struct nl_sock *sk, unsigned int groups)
{
	int r;

	if (groups & MONITOR_ALERTS) {
		r = monitor_join(sk, SIS_GENL_NAME, SIS_MCGRP_ALERTS);
		if (r < 0) {
			join_error(SIS_MCGRP_ALERTS, r);
			return -1;
		}
	}
	if (groups & MONITOR_CONFIG) {
		r = monitor_join(sk, SIS_GENL_NAME, SIS_MCGRP_CONFIG);
		if (r == -ENOENT && groups == MONITOR_ALL) {
			fprintf(stderr,
				"Warning: the sis module has no \"%s\" group (it is older than sisctl): alerts only.\n",
				SIS_MCGRP_CONFIG);
		} else if (r < 0) {
			join_error(SIS_MCGRP_CONFIG, r);
			return -1;
		}
	}
	return 0;
}

int cmd_monitor(const struct sisctl *o, int argc, char **argv)
{
	struct monitor m = { .json = o->json, .out = stdout, .save_fd = -1,
			     .hupfd = -1 };
	struct monitor_opts mo;
	struct eve_out eve;
	const char *path, *save;
	unsigned int groups;
	sigset_t stop, hup, old;
	int rcvbuf;
	struct sis_nl *nl;
	struct nl_sock *sk;
	char err[512];
	int sfd, r, r2;

	if (argc == 2 && is_help(argv[1]))
		return usage(stdout);
	if (monitor_parse(argc - 1, argv + 1, &m.json, &groups, &mo, err,
			  sizeof(err)) < 0) {
		sisctl_error("%s", err);
		return 1;
	}
	m.count = mo.count;
	path = mo.pcap;
	save = mo.save;
	m.journal = mo.journal;
	m.kept_only = mo.eve || mo.journal;
	if (mo.journal && eve_journal_check(err, sizeof(err)) < 0) {
		sisctl_error("--journal: %s", err);
		return 1;
	}
	if (sisctl_open(&nl) < 0)
		return 1;
	sk = sis_nl_sock(nl);
	if (monitor_join_groups(sk, groups) < 0) {
		sis_nl_close(nl);
		return 1;
	}
	rcvbuf = save ? MONITOR_SAVE_RCVBUF : MONITOR_RCVBUF;
	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)) < 0)
		nl_socket_set_buffer_size(sk, rcvbuf, 0);
	if (save && monitor_save_open(&m, save, err, sizeof(err)) < 0) {
		sisctl_error("--save: %s", err);
		sis_nl_close(nl);
		return 1;
	}
	if (path) {
		m.pcap = pcapfile_create(path, err, sizeof(err));
		if (!m.pcap) {
			sisctl_error("--pcap: %s", err);
			monitor_save_close(&m);
			sis_nl_close(nl);
			return 1;
		}
	}
	if (mo.eve) {
		if (eve_open(&eve, mo.eve, err, sizeof(err)) < 0) {
			sisctl_error("--eve: %s", err);
			pcapfile_close(m.pcap);
			monitor_save_close(&m);
			sis_nl_close(nl);
			return 1;
		}
		m.eve = &eve;
	}

	/* SIGINT and SIGTERM end the loop, through a descriptor it polls. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	/* SIGHUP reopens a file of --eve (else it ends monitor, as before). */
	if (m.eve && m.eve->fd != STDOUT_FILENO) {
		sigprocmask(SIG_BLOCK, &hup, NULL);
		m.hupfd = signalfd(-1, &hup, SFD_CLOEXEC | SFD_NONBLOCK);
		if (m.hupfd < 0)
			sisctl_error("signalfd: %s (SIGHUP will not reopen --eve)",
				     strerror(errno));
	}
	sfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = -errno;
		sisctl_error("signalfd: %s", strerror(-r));
	} else {
		r = monitor_run(&m, sk, sis_nl_family(nl), sfd);
		/* Errors of monitor_msg() are reported already. */
		if (r < 0 && r != m.error)
			sisctl_error("receiving events: %s", strerror(-r));
	}
	monitor_save_close(&m);
	monitor_keep_close(&m);
	if (m.hupfd >= 0) {
		struct signalfd_siginfo si;

		/* A SIGHUP not taken yet would end us once unblocked. */
		while (read(m.hupfd, &si, sizeof(si)) == sizeof(si))
			;
		close(m.hupfd);
	}
	r2 = pcapfile_close(m.pcap);
	if (r2 < 0 && r >= 0) {
		sisctl_error("--pcap: write error: %s", strerror(-r2));
		r = r2;
	}
	/* Take the signals that stopped us, which unblocking would deliver. */
	if (sfd >= 0) {
		struct signalfd_siginfo si;

		while (read(sfd, &si, sizeof(si)) == sizeof(si))
			;
		close(sfd);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	sis_nl_close(nl);
	return r < 0 ? 1 : 0;
}
