// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl monitor --eve and --journal: the EVE records of frame alerts,
 * stream alerts, attachments and configuration events, exactly; the
 * frame's addresses; the journal's fields; the file (whole lines, mode,
 * reopening, write errors); the options.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>

#include "fixtures.h"
#include "tap.h"

/* 2026-11-27T10:15:03.123456789Z */
#define T0 1795774503123456789ull
#define T0_EVE "2026-11-27T10:15:03.123456+0000"
#define T0_NS "1795774503123456789"

/* 10.0.0.9:40000 > 192.0.2.80:80, a SYN, padded to 60 bytes. */
static const unsigned char syn4[60] = {
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	10, 0, 0, 9, 192, 0, 2, 80,
	0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0x00,
	0, 0, 0, 0,
};
#define SYN4_B64 "AgAAAAACAgAAAAABCABFAAAoAAEAAEAGAAAKAAAJwAACUJxAAFAAAAABAAAAAFACIAAAAAAAAAAAAAAA"

/* [2001:db8::1]:5000 > [2001:db8::2]:53 UDP behind a hop-by-hop header. */
static const unsigned char udp6[70] = {
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x86, 0xdd,
	0x60, 0, 0, 0, 0x00, 0x10, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	17, 0, 1, 4, 0, 0, 0, 0,
	0x13, 0x88, 0x00, 0x35, 0x00, 0x08, 0, 0,
};

/* An echo request 10.0.0.1 > 10.0.0.2 on VLAN 100. */
static const unsigned char ping_vlan[46] = {
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x81, 0x00, 0x00, 100,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	10, 0, 0, 1, 10, 0, 0, 2,
	0x08, 0x00, 0, 0, 0, 1, 0, 1,
};

static char *saved_tz;

static void tz_utc(void)
{
	const char *tz = getenv("TZ");

	saved_tz = tz ? strdup(tz) : NULL;
	setenv("TZ", "UTC", 1);
	tzset();
}

static void tz_back(void)
{
	if (saved_tz)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved_tz);
	saved_tz = NULL;
}

/* The record as its line, without the newline; the record freed. */
static char *line_of(json_t *rec)
{
	size_t len = 0;
	char *l = rec ? eve_line(rec, &len) : NULL;

	json_decref(rec);
	if (l && len && l[len - 1] == '\n')
		l[len - 1] = '\0';
	return l;
}

static void check_line(json_t *rec, const char *want, const char *what)
{
	char *got = line_of(rec);

	tap_streq(got ? got : "(null)", want, "eve: %s", what);
	free(got);
}

TAP_SUITE(eve_time)
{
	static const struct {
		const char *tz;
		uint64_t ns;
		const char *want;
	} cases[] = {
		{ "UTC", T0, T0_EVE },
		{ "EST5", T0, "2026-11-27T05:15:03.123456-0500" },
		{ "IST-5:30", T0, "2026-11-27T15:45:03.123456+0530" },
		{ "UTC", 999999999, "1970-01-01T00:00:00.999999+0000" },
	};
	const char *tz = getenv("TZ");
	char *old = tz ? strdup(tz) : NULL;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[64] = "";

		setenv("TZ", cases[i].tz, 1);
		tzset();
		eve_format_time(buf, sizeof(buf), cases[i].ns);
		tap_streq(buf, cases[i].want, "eve time in %s, as Suricata's",
			  cases[i].tz);
	}
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

TAP_SUITE(eve_tuple)
{
	unsigned char frag[60];
	struct eve_tuple t;

	tap_ok(!eve_frame_tuple(syn4, sizeof(syn4), &t) && t.family == AF_INET &&
	       !strcmp(t.src, "10.0.0.9") && !strcmp(t.dst, "192.0.2.80") &&
	       t.proto == 6 && t.ports && t.sport == 40000 && t.dport == 80 &&
	       !t.nvlan, "tuple: IPv4 TCP");
	tap_ok(!eve_frame_tuple(udp6, sizeof(udp6), &t) && t.family == AF_INET6 &&
	       !strcmp(t.src, "2001:db8::1") && !strcmp(t.dst, "2001:db8::2") &&
	       t.proto == 17 && t.ports && t.sport == 5000 && t.dport == 53,
	       "tuple: IPv6 UDP behind a hop-by-hop header");
	tap_ok(!eve_frame_tuple(ping_vlan, sizeof(ping_vlan), &t) &&
	       t.nvlan == 1 && t.vlan[0] == 100 && t.proto == 1 && !t.ports &&
	       t.icmp && t.icmp_type == 8 && t.icmp_code == 0,
	       "tuple: ICMP on a VLAN, its type and code");
	tap_ok(!eve_frame_tuple(syn4, 14 + 20 + 2, &t) && t.family == AF_INET &&
	       !t.ports, "tuple: a frame cut in its ports: addresses only");
	tap_ok(eve_frame_tuple(syn4, 20, &t) < 0 && !t.family,
	       "tuple: a frame cut in its IP header: none");
	memcpy(frag, syn4, sizeof(frag));
	frag[20] = 0x00;
	frag[21] = 0x10;	/* offset 128 bytes: no TCP header here */
	tap_ok(!eve_frame_tuple(frag, sizeof(frag), &t) && !t.ports &&
	       t.proto == 6, "tuple: a later fragment has no ports");
	memcpy(frag, syn4, sizeof(frag));
	frag[12] = 0x08;
	frag[13] = 0x06;	/* ARP */
	tap_ok(eve_frame_tuple(frag, sizeof(frag), &t) < 0,
	       "tuple: not IP: none");
}

/* The records of alerts, exactly. */
TAP_SUITE(eve_alert)
{
	uint32_t lo = if_nametoindex("lo");
	char want[1024];

	tz_utc();
	snprintf(want, sizeof(want),
		 "{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"alert\","
		 "\"in_iface\":\"lo\",\"src_ip\":\"10.0.0.9\",\"src_port\":40000,"
		 "\"dest_ip\":\"192.0.2.80\",\"dest_port\":80,\"proto\":\"TCP\","
		 "\"alert\":{\"signature\":\"port scan from 10.0.0.9\"},"
		 "\"packet\":\"" SYN4_B64 "\",\"packet_info\":{\"linktype\":1},"
		 "\"sis\":{\"bridge\":\"lo\",\"ifindex\":%u,\"scanner\":\"ids\","
		 "\"time_ns\":" T0_NS ",\"frame\":42,\"dir\":\"in\",\"len\":60}}", lo);
	check_line(eve_alert(&(struct monitor_alert){
		.ifindex = lo, .scanner = "ids", .time_ns = T0,
		.msg = (const unsigned char *)"port scan from 10.0.0.9",
		.msg_len = 23, .has_frame = true, .frame = 42, .dir = SIS_DIR_IN,
		.len = 60, .data = syn4, .data_len = 60 }, "lo"),
		want, "a frame alert: the frame's tuple, base64, sis fields");

	/* A stream scanner's alert carries no frame: no tuple, no packet. */
	check_line(eve_alert(&(struct monitor_alert){
		.ifindex = 999999, .scanner = "mail", .time_ns = T0,
		.msg = (const unsigned char *)"max-cuts exceeded: connection 7 killed",
		.msg_len = 38 }, NULL),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"alert\","
		"\"alert\":{\"signature\":\"max-cuts exceeded: connection 7 killed\"},"
		"\"sis\":{\"bridge\":null,\"ifindex\":999999,\"scanner\":\"mail\","
		"\"time_ns\":" T0_NS "}}",
		"a stream alert: no tuple, the bridge gone is null");

	check_line(eve_alert(&(struct monitor_alert){
		.ifindex = 5, .scanner = "mail", .time_ns = T0,
		.msg = (const unsigned char *)"mailscan: EICAR in attachment",
		.msg_len = 29, .attach_id = 5, .attach_len = 1234 }, "br0"),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"alert\","
		"\"in_iface\":\"br0\","
		"\"alert\":{\"signature\":\"mailscan: EICAR in attachment\"},"
		"\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,\"scanner\":\"mail\","
		"\"time_ns\":" T0_NS ",\"attachment\":{\"id\":5,\"size\":1234}}}",
		"an alert with an attachment: its id and size");

	/* A\b, \x01, an invalid byte: escaped as monitor prints, and in hex. */
	check_line(eve_alert(&(struct monitor_alert){
		.ifindex = 5, .scanner = "s", .time_ns = T0,
		.msg = (const unsigned char *)"a\\b\x01\xff", .msg_len = 5 }, "br0"),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"alert\","
		"\"in_iface\":\"br0\","
		"\"alert\":{\"signature\":\"a\\\\\\\\b\\\\x01\\\\xff\"},"
		"\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,\"scanner\":\"s\","
		"\"time_ns\":" T0_NS ",\"message_hex\":\"615c6201ff\"}}",
		"a message that is not printable UTF-8: escaped, and in hex");

	check_line(eve_alert(&(struct monitor_alert){
		.ifindex = 5, .scanner = "ids", .time_ns = T0,
		.msg = (const unsigned char *)"dns", .msg_len = 3,
		.has_frame = true, .frame = 1, .dir = SIS_DIR_OUT, .len = 1500,
		.data = udp6, .data_len = sizeof(udp6) }, "br0"),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"alert\","
		"\"in_iface\":\"br0\",\"src_ip\":\"2001:db8::1\",\"src_port\":5000,"
		"\"dest_ip\":\"2001:db8::2\",\"dest_port\":53,\"proto\":\"UDP\","
		"\"alert\":{\"signature\":\"dns\"},"
		"\"packet\":\"AgAAAAACAgAAAAABht1gAAAAABAAQCABDbgAAAAAAAAAAAAAAAEgAQ24AAAAAAAAAAAAAAACEQABBAAAAAATiAA1AAgAAA==\","
		"\"packet_info\":{\"linktype\":1},"
		"\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,\"scanner\":\"ids\","
		"\"time_ns\":" T0_NS ",\"frame\":1,\"dir\":\"out\",\"len\":1500}}",
		"an IPv6 frame, longer than its data");

	check_line(eve_alert(&(struct monitor_alert){
		.ifindex = 5, .scanner = "ids", .time_ns = T0,
		.msg = (const unsigned char *)"ping", .msg_len = 4,
		.has_frame = true, .frame = 2, .dir = SIS_DIR_OUT, .len = 46,
		.data = ping_vlan, .data_len = sizeof(ping_vlan) }, "br0"),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"alert\","
		"\"in_iface\":\"br0\",\"vlan\":[100],\"src_ip\":\"10.0.0.1\","
		"\"dest_ip\":\"10.0.0.2\",\"proto\":\"ICMP\",\"icmp_type\":8,"
		"\"icmp_code\":0,\"alert\":{\"signature\":\"ping\"},"
		"\"packet\":\"AgAAAAACAgAAAAABgQAAZAgARQAAHAABAABAAQAACgAAAQoAAAIIAAAAAAEAAQ==\","
		"\"packet_info\":{\"linktype\":1},"
		"\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,\"scanner\":\"ids\","
		"\"time_ns\":" T0_NS ",\"frame\":2,\"dir\":\"out\",\"len\":46}}",
		"an ICMP frame on a VLAN");
	tz_back();
}

/* The records of configuration events and attachments, exactly. */
TAP_SUITE(eve_config)
{
	struct monitor_attach at = { .id = 7, .len = 100, .got = 100,
				     .ifindex = 5, .scanner = "mail" };

	tz_utc();
	check_line(eve_config(&(struct config_event){
		.cmd = SIS_CMD_SCANNER_ATTACH, .reason = SIS_EVENT_REQUEST,
		.ifindex = 5, .scanner = "ids", .pid = 4242 }, "br0", T0),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"config\","
		"\"config\":{\"command\":\"scanner-attach\",\"reason\":\"request\","
		"\"pid\":4242},\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,"
		"\"scanner\":\"ids\",\"time_ns\":" T0_NS "}}",
		"a scanner's process attached");
	check_line(eve_config(&(struct config_event){
		.cmd = SIS_CMD_DETACH, .reason = SIS_EVENT_PORT_LEFT,
		.ifindex = 5, .port = "eth1" }, "br0", T0),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"config\","
		"\"config\":{\"command\":\"detach\",\"reason\":\"port-left\","
		"\"port\":\"eth1\"},\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,"
		"\"time_ns\":" T0_NS "}}",
		"a detach for a port that left");
	check_line(eve_config(&(struct config_event){
		.cmd = SIS_CMD_CAP_ADD, .reason = SIS_EVENT_REQUEST, .ifindex = 5,
		.scanner = "ids", .cap = "web" }, "br0", T0),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"config\","
		"\"config\":{\"command\":\"cap-add\",\"reason\":\"request\","
		"\"cap\":\"web\"},\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,"
		"\"scanner\":\"ids\",\"time_ns\":" T0_NS "}}",
		"a capability added");
	check_line(eve_config(&(struct config_event){
		.cmd = 99, .reason = 77, .ifindex = 5, .has_id = true, .id = 0 },
		NULL, T0),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"config\","
		"\"config\":{\"command\":99,\"reason\":77,\"id\":0},"
		"\"sis\":{\"bridge\":null,\"ifindex\":5,\"time_ns\":" T0_NS "}}",
		"a command and reason from a newer module: their numbers");

	check_line(eve_fileinfo(&at, "br0", "/var/lib/sis", "alert-7.eml", NULL,
				T0),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"fileinfo\","
		"\"fileinfo\":{\"filename\":\"alert-7.eml\",\"size\":100,"
		"\"stored\":true,\"state\":\"CLOSED\"},"
		"\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,\"scanner\":\"mail\","
		"\"time_ns\":" T0_NS ",\"attachment\":{\"id\":7,\"size\":100},"
		"\"saved_as\":\"/var/lib/sis/alert-7.eml\"}}",
		"an attachment saved");
	at.got = 64000;
	at.len = 100000;
	check_line(eve_fileinfo(&at, "br0", "/var/lib/sis", NULL,
				"a piece was missed", T0),
		"{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"fileinfo\","
		"\"fileinfo\":{\"filename\":\"alert-7.eml\",\"size\":64000,"
		"\"stored\":false,\"state\":\"TRUNCATED\"},"
		"\"sis\":{\"bridge\":\"br0\",\"ifindex\":5,\"scanner\":\"mail\","
		"\"time_ns\":" T0_NS ",\"attachment\":{\"id\":7,\"size\":100000},"
		"\"reason\":\"a piece was missed\"}}",
		"an attachment discarded");
	tz_back();
}

/* The journal's fields of a frame alert, in order. */
TAP_SUITE(eve_journal_fields)
{
	static const char *const want[] = {
		"MESSAGE=bridge br0 scanner ids frame 42 dir in len 60: port scan",
		"PRIORITY=4",
		"SYSLOG_IDENTIFIER=sis-monitor",
		"SIS_TIMESTAMP=" T0_EVE,
		"SIS_EVENT_TYPE=alert",
		"SIS_IN_IFACE=br0",
		"SIS_SRC_IP=10.0.0.9",
		"SIS_SRC_PORT=40000",
		"SIS_DEST_IP=192.0.2.80",
		"SIS_DEST_PORT=80",
		"SIS_PROTO=TCP",
		"SIS_SIGNATURE=port scan",
		"SIS_BRIDGE=br0",
		"SIS_IFINDEX=5",
		"SIS_SCANNER=ids",
		"SIS_TIME_NS=" T0_NS,
		"SIS_FRAME=42",
		"SIS_DIR=in",
		"SIS_LEN=60",
		"SIS_ATTACHMENT_ID=3",
		"SIS_ATTACHMENT_SIZE=10",
	};
	struct monitor_alert a = {
		.ifindex = 5, .scanner = "ids", .time_ns = T0,
		.msg = (const unsigned char *)"port scan", .msg_len = 9,
		.has_frame = true, .frame = 42, .dir = SIS_DIR_IN, .len = 60,
		.data = syn4, .data_len = 60, .attach_id = 3, .attach_len = 10 };
	struct eve_fields f;
	size_t len = 0;
	json_t *rec;
	char *line;
	bool same;
	int r;

	tz_utc();
	rec = eve_alert(&a, "br0");
	line = rec ? eve_line(rec, &len) : NULL;
	r = line ? eve_fields(&f, rec, "bridge br0 scanner ids frame 42 dir in len 60: port scan",
			      LOG_WARNING, line, len) : -ENOMEM;
	tap_eq(r, 0, "journal: the fields of an alert");
	tap_eq(r ? 0 : f.n, ARRAY_SIZE(want) + 1,
	       "journal: one field per scalar, and SIS_EVE");
	same = !r && f.n == ARRAY_SIZE(want) + 1;
	for (size_t i = 0; same && i < ARRAY_SIZE(want); i++) {
		if (f.v[i].iov_len != strlen(want[i]) ||
		    memcmp(f.v[i].iov_base, want[i], f.v[i].iov_len)) {
			tap_diag("field %zu: got %.*s, want %s", i,
				 (int)f.v[i].iov_len, (char *)f.v[i].iov_base,
				 want[i]);
			same = false;
		}
	}
	tap_ok(same, "journal: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, SIS_* as named");
	tap_ok(!r && f.n && f.v[f.n - 1].iov_len == len - 1 + 8 &&
	       !memcmp(f.v[f.n - 1].iov_base, "SIS_EVE=", 8) &&
	       !memcmp((char *)f.v[f.n - 1].iov_base + 8, line, len - 1),
	       "journal: SIS_EVE is the record's line without its newline");
	if (!r)
		eve_fields_free(&f);
	free(line);
	json_decref(rec);

	/* MESSAGE is monitor's line without its time. */
	line = monitor_message(&a, NULL);
	tap_streq(line ? line : "(null)",
		  "bridge if5 scanner ids frame 42 dir in len 60 attachment 3 10: port scan",
		  "journal: an alert's MESSAGE");
	free(line);
	line = monitor_message(NULL, &(struct config_event){
		.cmd = SIS_CMD_DETACH, .reason = SIS_EVENT_PORT_LEFT,
		.ifindex = 999999, .bridge = "br0", .port = "eth1" });
	tap_streq(line ? line : "(null)", "bridge br0 detach (port eth1 left)",
		  "journal: a configuration event's MESSAGE");
	free(line);
	tz_back();
}

/* Feed one message to monitor_msg(); what it printed in *out. */
static int feed(struct monitor *m, struct nl_msg *msg, char **out)
{
	size_t len = 0;
	int r;

	*out = NULL;
	m->out = open_memstream(out, &len);
	r = monitor_msg(m, nlmsg_hdr(msg));
	fclose(m->out);
	m->out = NULL;
	nlmsg_free(msg);
	return r;
}

static struct nl_msg *alert_text(const char *text)
{
	return alert_msg(&(struct alert_spec){
		.ifindex = 999999, .scanner = "ids", .has_time = true,
		.time_ns = T0, .msg = text, .msg_len = strlen(text) });
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r"), *o = open_memstream(&buf, &len);
	int c;

	if (f && o)
		while ((c = fgetc(f)) != EOF)
			fputc(c, o);
	if (f)
		fclose(f);
	if (o)
		fclose(o);
	return buf;
}

static int quiet(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	fflush(stderr);
	dup2(null, STDERR_FILENO);
	close(null);
	return saved;
}

static void unquiet(int saved)
{
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

#define REC1 "{\"timestamp\":\"" T0_EVE "\",\"event_type\":\"alert\"," \
	"\"alert\":{\"signature\":\"one\"},\"sis\":{\"bridge\":null," \
	"\"ifindex\":999999,\"scanner\":\"ids\",\"time_ns\":" T0_NS "}}\n"

/* --eve FILE: lines appended whole, 0640, reopened, errors counted. */
TAP_SUITE(eve_file)
{
	char dir[] = "/tmp/sisctl-eve-XXXXXX", path[600], moved[600], err[256];
	char *out, *got, *got2;
	struct monitor m = { .save_fd = -1 };
	struct eve_out eve;
	struct stat st;
	mode_t old_mask;
	int r, saved;

	tz_utc();
	if (!mkdtemp(dir)) {
		tap_ok(false, "eve file: temporary directory");
		tz_back();
		return;
	}
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(moved, sizeof(moved), "%s/alerts.json.1", dir);
	old_mask = umask(077);
	r = eve_open(&eve, path, err, sizeof(err));
	umask(old_mask);
	tap_ok(!r && !stat(path, &st) && (st.st_mode & 0777) == 0640,
	       "eve file: created 0640 under umask 077");
	m.eve = &eve;
	m.kept_only = true;

	r = feed(&m, alert_text("one"), &out);
	got = slurp(path);
	tap_ok(!r && out && !out[0] && m.seen == 1,
	       "eve file: nothing on standard output, the alert counted");
	tap_streq(got ? got : "", REC1, "eve file: the record, one line");
	free(out);
	free(got);

	/* Rotated: renamed, then SIGHUP's reopen makes a new file. */
	tap_ok(!rename(path, moved), "eve file: renamed as logrotate does");
	feed(&m, alert_text("two"), &out);
	free(out);
	eve_reopen(&eve);
	feed(&m, event_msg(&(struct event_spec){
		.cmd = SIS_CMD_ATTACH, .ifindex = 999999, .has_reason = true,
		.reason = SIS_EVENT_REQUEST, .bridge = "br9" }), &out);
	free(out);
	got = slurp(moved);
	got2 = slurp(path);
	tap_ok(got && !strncmp(got, REC1, strlen(REC1)) &&
	       strstr(got, "\"signature\":\"two\"") && !strstr(got, "config"),
	       "eve file: until reopened, records go to the renamed file");
	tap_ok(got2 && !strncmp(got2, "{\"timestamp\":\"", 14) &&
	       strstr(got2, "\"event_type\":\"config\",\"config\":{\"command\":\"attach\"") &&
	       strstr(got2, "\"bridge\":\"br9\"") && !strchr(got2, '\n')[1] &&
	       eve.reopened == 1 && !stat(path, &st) && (st.st_mode & 0777) == 0640,
	       "eve file: reopened, the next record in a new file, 0640");
	free(got);
	free(got2);

	/* A file that cannot be reopened: the open one goes on. */
	eve.path = "/nonexistent/dir/alerts.json";
	saved = quiet();
	eve_reopen(&eve);
	unquiet(saved);
	eve.path = path;
	tap_ok(eve.fd >= 0 && eve.reopened == 1,
	       "eve file: a failed reopen keeps the file open");
	eve_close(&eve);

	/* A full disk: not fatal, said once, counted, and said when over. */
	eve_open(&eve, "/dev/full", err, sizeof(err));
	{
		char errpath[700];
		int efd, fd;

		snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
		efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		fflush(stderr);
		fd = dup(STDERR_FILENO);
		dup2(efd, STDERR_FILENO);
		close(efd);
		r = feed(&m, alert_text("three"), &out);
		free(out);
		r |= feed(&m, alert_text("four"), &out);
		free(out);
		fflush(stderr);
		dup2(fd, STDERR_FILENO);
		close(fd);
		got = slurp(errpath);
		tap_ok(!r && !m.error && m.seen == 5 && eve.lost == 2,
		       "eve file: a full disk is not fatal, the records counted lost");
		tap_ok(got && strstr(got, "Warning: --eve /dev/full: No space left on device") &&
		       strstr(got, "\n") == strrchr(got, '\n'),
		       "eve file: the error said once");
		free(got);
		eve.fd = open(path, O_WRONLY | O_APPEND);
		eve.path = path;
		fd = dup(STDERR_FILENO);
		efd = open(errpath, O_WRONLY | O_TRUNC);
		dup2(efd, STDERR_FILENO);
		close(efd);
		feed(&m, alert_text("five"), &out);
		free(out);
		fflush(stderr);
		dup2(fd, STDERR_FILENO);
		close(fd);
		got = slurp(errpath);
		tap_ok(got && strstr(got, "writing again, 2 records lost"),
		       "eve file: writing again, how many were lost said");
		free(got);
	}
	eve_close(&eve);

	/*
	 * A write cut short (the file size limit here, a full disk alike):
	 * what went out of the record is cut back off the file.
	 */
	{
		struct rlimit old, lim;
		off_t before;

		eve_open(&eve, path, err, sizeof(err));
		before = stat(path, &st) ? -1 : st.st_size;
		getrlimit(RLIMIT_FSIZE, &old);
		lim = old;
		lim.rlim_cur = (rlim_t)before + 10;
		signal(SIGXFSZ, SIG_IGN);
		saved = quiet();
		r = setrlimit(RLIMIT_FSIZE, &lim);
		feed(&m, alert_text("a record longer than ten bytes"), &out);
		free(out);
		setrlimit(RLIMIT_FSIZE, &old);
		unquiet(saved);
		signal(SIGXFSZ, SIG_DFL);
		tap_ok(!r && !stat(path, &st) && st.st_size == before &&
		       eve.lost == 1,
		       "eve file: half a record written is cut back off");
		eve_close(&eve);
	}
	m.eve = NULL;

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	tap_ok(system(path) == 0, "eve file: cleaned up");
	tap_ok(eve_open(&eve, "/nonexistent/dir/x.json", err, sizeof(err)) < 0 &&
	       strstr(err, "/nonexistent/dir/x.json: No such file"),
	       "eve file: an unwritable path refused, named");
	tz_back();
}

/*
 * --journal where no journal runs: refused at the start (libsystemd would
 * drop every entry without a word).
 */
TAP_SUITE(eve_journal_absent)
{
	char err[256] = "";

	if (!access("/run/systemd/journal/socket", F_OK)) {
		tap_ok(!eve_journal_check(err, sizeof(err)),
		       "journal: a journal runs here, taken");
		return;
	}
	tap_ok(eve_journal_check(err, sizeof(err)) < 0 &&
	       strstr(err, "no journal runs here (/run/systemd/journal/socket: No such file or directory)"),
	       "journal: no journal here, refused, said why");
}

/* --eve and --journal as monitor takes them. */
TAP_SUITE(eve_args)
{
	static const struct {
		const char *name;
		int argc;
		const char *argv[4];
		const char *eve;	/* the value, or the error when !ok */
		bool journal, ok;
	} cases[] = {
		{ "--eve FILE", 2, { "--eve", "/var/log/sis/alerts.json" },
		  "/var/log/sis/alerts.json", false, true },
		{ "--eve=FILE with --journal", 2, { "--eve=a.json", "--journal" },
		  "a.json", true, true },
		{ "--eve - ", 2, { "alerts", "--eve=-" }, "-", false, true },
		{ "--journal alone", 1, { "--journal" }, NULL, true, true },
		{ "--eve twice", 4, { "--eve", "a", "--eve", "b" },
		  "--eve given twice", false, false },
		{ "--eve empty", 1, { "--eve=" }, "--eve needs a file name", false,
		  false },
		{ "--eve without value", 1, { "--eve" }, "--eve needs a value",
		  false, false },
		{ "--journal twice", 2, { "--journal", "--journal" },
		  "--journal given twice", false, false },
		{ "--journal=yes", 1, { "--journal=yes" },
		  "unknown argument \"--journal=yes\"", false, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct monitor_opts o;
		unsigned int groups;
		bool json = false, good;
		char err[256];
		int r = monitor_parse(cases[i].argc, (char *const *)cases[i].argv,
				      &json, &groups, &o, err, sizeof(err));

		if (cases[i].ok)
			good = !r && o.journal == cases[i].journal &&
			       (cases[i].eve ? o.eve && !strcmp(o.eve, cases[i].eve) :
				!o.eve);
		else
			good = r < 0 && strstr(err, cases[i].eve);
		if (!good)
			tap_diag("got %d, \"%s\"", r, err);
		tap_ok(good, "monitor: %s", cases[i].name);
	}
}

/* --save with --eve: the alert, then its attachment's fileinfo record. */
TAP_SUITE(eve_save)
{
	char dir[] = "/tmp/sisctl-evesave-XXXXXX", path[600], err[256], want[700];
	struct monitor m = { .save_fd = -1, .kept_only = true };
	struct eve_out eve;
	char *out, *got, *second;
	int saved;

	tz_utc();
	if (!mkdtemp(dir) || monitor_save_open(&m, dir, err, sizeof(err))) {
		tap_ok(false, "eve save: temporary directory");
		tz_back();
		return;
	}
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	eve_open(&eve, path, err, sizeof(err));
	m.eve = &eve;
	feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 999999, .scanner = "mail", .has_time = true,
		.time_ns = T0, .msg = "virus", .msg_len = 5, .attach_id = 7,
		.attach_len = 3 }), &out);
	free(out);
	feed(&m, piece_msg(7, 0, "abc", 3), &out);
	free(out);
	saved = quiet();
	feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 999999, .scanner = "mail", .has_time = true,
		.time_ns = T0, .msg = "virus", .msg_len = 5, .attach_id = 8,
		.attach_len = 10 }), &out);
	free(out);
	monitor_save_close(&m);
	unquiet(saved);
	got = slurp(path);
	second = got ? strchr(got, '\n') : NULL;
	snprintf(want, sizeof(want),
		 "\"event_type\":\"fileinfo\",\"fileinfo\":{\"filename\":\"alert-7.eml\","
		 "\"size\":3,\"stored\":true,\"state\":\"CLOSED\"},\"sis\":{\"bridge\":null,"
		 "\"ifindex\":999999,\"scanner\":\"mail\",\"time_ns\":");
	tap_ok(got && strstr(got, "\"attachment\":{\"id\":7,\"size\":3}}}\n") &&
	       second && strstr(second, want) &&
	       strstr(second, "\"attachment\":{\"id\":7,\"size\":3},\"saved_as\":\"") &&
	       strstr(second, "/alert-7.eml\"}}\n"),
	       "eve save: the alert, then the file saved");
	tap_ok(got && strstr(got, "\"fileinfo\":{\"filename\":\"alert-8.eml\",\"size\":0,"
			     "\"stored\":false,\"state\":\"TRUNCATED\"}") &&
	       strstr(got, "\"reason\":\"the monitor stopped\"}}\n"),
	       "eve save: an attachment not saved, and why");
	free(got);
	eve_close(&eve);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	tap_ok(system(path) == 0, "eve save: cleaned up");
	tz_back();
}
