// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl monitor: options and groups, alert lines, configuration event
 * lines, JSON lines, pcap files, the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <pcap/pcap.h>

#include "fixtures.h"
#include "tap.h"

/* 2026-11-27T10:15:03.123456789Z */
#define T0 1795774503123456789ull

TAP_SUITE(monitor_args)
{
	enum { OK, ERROR };
	enum { A = MONITOR_ALERTS, C = MONITOR_CONFIG, ALL = MONITOR_ALL };
	static const struct {
		const char *name;
		int argc;
		const char *argv[6];
		int want;
		bool json;
		unsigned int groups;
		uint32_t count;
		const char *pcap;
		const char *err;
	} cases[] = {
		{ "nothing: all groups", 0, { NULL }, OK, false, ALL, 0, NULL, NULL },
		{ "-j", 1, { "-j" }, OK, true, ALL, 0, NULL, NULL },
		{ "--json", 1, { "--json" }, OK, true, ALL, 0, NULL, NULL },
		{ "every option", 5, { "--pcap", "a.pcap", "-j", "--count", "3" }, OK,
		  true, ALL, 3, "a.pcap", NULL },
		{ "with =", 2, { "--pcap=b.pcap", "--count=1" }, OK, false, ALL, 1,
		  "b.pcap", NULL },
		{ "alerts", 1, { "alerts" }, OK, false, A, 0, NULL, NULL },
		{ "config", 1, { "config" }, OK, false, C, 0, NULL, NULL },
		{ "all", 1, { "all" }, OK, false, ALL, 0, NULL, NULL },
		{ "alerts and config", 2, { "alerts", "config" }, OK, false, ALL, 0,
		  NULL, NULL },
		{ "config twice", 2, { "config", "config" }, OK, false, C, 0, NULL,
		  NULL },
		{ "group among options", 4, { "-j", "config", "--count", "2" }, OK, true,
		  C, 2, NULL, NULL },
		{ "alerts with --pcap", 3, { "alerts", "--pcap", "a" }, OK, false, A, 0,
		  "a", NULL },
		{ "config with --pcap", 3, { "--pcap", "a", "config" }, ERROR, false, 0,
		  0, NULL, "--pcap writes the frames of alerts: not with config alone" },
		{ "unknown group", 1, { "alert" }, ERROR, false, 0, 0, NULL,
		  "unknown group \"alert\": alerts, config or all" },
		{ "unknown group after a good one", 2, { "config", "links" }, ERROR,
		  false, 0, 0, NULL, "unknown group \"links\": alerts, config or all" },
		{ "count 0", 2, { "--count", "0" }, ERROR, false, 0, 0, NULL,
		  "invalid count \"0\": use 1 to 4294967295" },
		{ "count not a number", 2, { "--count", "ten" }, ERROR, false, 0, 0, NULL,
		  "invalid count \"ten\"" },
		{ "count without value", 1, { "--count" }, ERROR, false, 0, 0, NULL,
		  "--count needs a value" },
		{ "pcap without value", 1, { "--pcap" }, ERROR, false, 0, 0, NULL,
		  "--pcap needs a value" },
		{ "pcap to stdout", 2, { "--pcap", "-" }, ERROR, false, 0, 0, NULL,
		  "--pcap needs a file name" },
		{ "pcap twice", 4, { "--pcap", "a", "--pcap", "b" }, ERROR, false, 0, 0,
		  NULL, "--pcap given twice" },
		{ "unknown option", 1, { "--follow" }, ERROR, false, 0, 0, NULL,
		  "unknown argument \"--follow\"" },
		{ "prefix of an option", 2, { "--pcapfile", "x" }, ERROR, false, 0, 0,
		  NULL, "unknown argument \"--pcapfile\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool json = false, good;
		unsigned int groups = 99;
		struct monitor_opts o = { .count = 99, .pcap = "x", .save = "y" };
		char err[256];
		int r = monitor_parse(cases[i].argc, (char *const *)cases[i].argv, &json,
				      &groups, &o, err, sizeof(err));
		uint32_t count = o.count;
		const char *pcap = o.pcap, *save = o.save;

		if (cases[i].want == OK)
			good = !r && json == cases[i].json && groups == cases[i].groups &&
			       count == cases[i].count &&
			       (cases[i].pcap ? pcap && !strcmp(pcap, cases[i].pcap) : !pcap) &&
			       !save;
		else
			good = r < 0 && strstr(err, cases[i].err);
		if (!good)
			tap_diag("got %d, groups %u, \"%s\"", r, groups, err);
		tap_ok(good, "monitor: %s", cases[i].name);
	}
}

TAP_SUITE(monitor_args_save)
{
	static const struct {
		const char *name;
		int argc;
		const char *argv[4];
		unsigned int groups;
		const char *save;	/* NULL: an error, this message */
		const char *err;
	} cases[] = {
		{ "--save", 2, { "--save", "d" }, MONITOR_ALL, "d", NULL },
		{ "--save= with alerts", 2, { "alerts", "--save=/x" }, MONITOR_ALERTS,
		  "/x", NULL },
		{ "--save with config alone", 3, { "config", "--save", "d" }, 0, NULL,
		  "--save writes the attachments of alerts: not with config alone" },
		{ "--save twice", 4, { "--save", "a", "--save", "b" }, 0, NULL,
		  "--save given twice" },
		{ "--save without value", 1, { "--save" }, 0, NULL,
		  "--save needs a value" },
		{ "--save empty", 1, { "--save=" }, 0, NULL,
		  "--save needs a directory" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct monitor_opts o = { .count = 99, .pcap = "x", .save = "y" };
		unsigned int groups = 99;
		bool json = false, good;
		char err[256];
		int r = monitor_parse(cases[i].argc, (char *const *)cases[i].argv, &json,
				      &groups, &o, err, sizeof(err));
		const char *pcap = o.pcap, *save = o.save;

		if (cases[i].save)
			good = !r && groups == cases[i].groups && save &&
			       !strcmp(save, cases[i].save) && !pcap;
		else
			good = r < 0 && strstr(err, cases[i].err);
		if (!good)
			tap_diag("got %d, \"%s\"", r, err);
		tap_ok(good, "monitor: %s", cases[i].name);
	}
}

static void set_tz(const char *tz)
{
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

TAP_SUITE(monitor_time)
{
	static const struct {
		char tz[12];
		uint64_t ns;
		char want[32];
	} cases[] = {
		{ "UTC", T0, "2026-11-27T10:15:03.123+00:00" },
		{ "EST5", T0, "2026-11-27T05:15:03.123-05:00" },
		{ "IST-5:30", T0, "2026-11-27T15:45:03.123+05:30" },
		{ "UTC", 0, "1970-01-01T00:00:00.000+00:00" },
		{ "UTC", 999999999, "1970-01-01T00:00:00.999+00:00" },
	};
	const char *saved = getenv("TZ");
	char *old = saved ? strdup(saved) : NULL;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[64] = "";

		setenv("TZ", cases[i].tz, 1);
		tzset();
		monitor_format_time(buf, sizeof(buf), cases[i].ns);
		tap_streq(buf, cases[i].want, "time %s in %s", cases[i].want,
		       cases[i].tz);
		if (strcmp(buf, cases[i].want))
			tap_diag("got %s", buf);
	}
	set_tz(old);
	free(old);
}

/* Feed one message to monitor_msg(), its output in *out. */
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

/* stderr to /dev/null around a call that warns. */
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

static unsigned char frame60[60];

TAP_SUITE(monitor_text)
{
	uint32_t lo = if_nametoindex("lo");
	const char *saved = getenv("TZ");
	char *old = saved ? strdup(saved) : NULL, *out, want[256];
	struct monitor m = { 0 };
	int r, fd;

	set_tz("UTC");
	r = feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = lo, .scanner = "ids", .has_time = true, .time_ns = T0,
		.msg = "port scan from 10.0.0.9", .msg_len = 23, .has_frame = true,
		.frame = 42, .dir = SIS_DIR_IN, .len = 60, .data = frame60,
		.data_len = 60 }), &out);
	snprintf(want, sizeof(want),
		 "2026-11-27T10:15:03.123+00:00 bridge %s scanner ids frame 42 dir in len 60: port scan from 10.0.0.9\n",
		 lo ? "lo" : "if0");
	tap_ok(!r && out && !strcmp(out, want) && m.seen == 1,
	       "text: alert with a frame");
	if (out && strcmp(out, want))
		tap_diag("%s", out);
	free(out);

	r = feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 999999, .scanner = "ids", .has_time = true, .time_ns = T0,
		.msg = "a\\b\nc\td\x01\x7f caf\xc3\xa9\0", .msg_len = 16 }), &out);
	tap_ok(!r && out && !strcmp(out,
		"2026-11-27T10:15:03.123+00:00 bridge if999999 scanner ids: "
		"a\\\\b\\x0ac\\x09d\\x01\\x7f caf\\xc3\\xa9\n") && m.seen == 2,
	       "text: no frame, bytes escaped, trailing NUL dropped");
	free(out);

	r = feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 999999, .scanner = "s", .has_time = true, .time_ns = T0,
		.msg = "x", .msg_len = 1, .has_frame = true, .frame = 7,
		.dir = SIS_DIR_OUT, .len = 20000, .data = frame60, .data_len = 60 }),
		 &out);
	tap_ok(!r && out && strstr(out, " scanner s frame 7 dir out len 20000: x\n"),
	       "text: the frame's length, not the data's");
	free(out);

	/* Other messages of the family are neither alerts nor events. */
	{
		struct nl_msg *msg = nlmsg_alloc();

		genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, SIS_CMD_DETACHED, 1);
		r = feed(&m, msg, &out);
		tap_ok(!r && out && !out[0] && m.seen == 3,
		       "text: neither an alert nor an event, skipped");
		free(out);
	}
	{
		struct nl_msg *msg = nlmsg_alloc();

		genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, SIS_CMD_ALERT, 1);
		nla_put_u32(msg, SIS_A_IFINDEX, 1);
		fd = quiet();
		r = feed(&m, msg, &out);
		unquiet(fd);
		tap_ok(!r && out && !out[0] && m.seen == 3,
		       "text: alert without SIS_A_ALERT, skipped");
		free(out);
	}
	set_tz(old);
	free(old);
}

static bool jstr_is(json_t *o, const char *key, const char *v)
{
	json_t *j = json_object_get(o, key);

	return json_is_string(j) && !strcmp(json_string_value(j), v);
}

static bool jint_is(json_t *o, const char *key, json_int_t v)
{
	json_t *j = json_object_get(o, key);

	return json_is_integer(j) && json_integer_value(j) == v;
}

TAP_SUITE(monitor_json)
{
	const char *saved = getenv("TZ");
	char *old = saved ? strdup(saved) : NULL, *out, hex[121];
	struct monitor m = { .json = true };
	json_error_t e;
	json_t *j;
	int r;

	for (size_t i = 0; i < sizeof(frame60); i++) {
		frame60[i] = (unsigned char)(0xa0 + i);
		snprintf(hex + 2 * i, 3, "%02x", frame60[i]);
	}
	set_tz("UTC");
	r = feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 999999, .scanner = "ids", .has_time = true, .time_ns = T0,
		.msg = "port scan", .msg_len = 9, .has_frame = true, .frame = 42,
		.dir = SIS_DIR_OUT, .len = 1514, .data = frame60, .data_len = 60 }),
		 &out);
	j = out ? json_loads(out, 0, &e) : NULL;
	tap_ok(!r && out && out[strlen(out) - 1] == '\n' && !strchr(out, '\n')[1] &&
	       json_is_object(j), "json: one object on one line");
	tap_ok(jstr_is(j, "event", "alert") &&
	       jstr_is(j, "time", "2026-11-27T10:15:03.123+00:00") &&
	       jint_is(j, "time_ns", (json_int_t)T0) &&
	       json_is_null(json_object_get(j, "bridge")) &&
	       jint_is(j, "ifindex", 999999) && jstr_is(j, "scanner", "ids") &&
	       jstr_is(j, "message", "port scan") && !json_object_get(j, "message_hex") &&
	       jint_is(j, "frame", 42) && jstr_is(j, "dir", "out") &&
	       jint_is(j, "len", 1514) && jstr_is(j, "data", hex) &&
	       json_object_size(j) == 11, "json: every field");
	if (out && !json_is_object(j))
		tap_diag("%s", out);
	json_decref(j);
	free(out);

	r = feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 1, .scanner = "ids", .has_time = true, .time_ns = T0,
		.msg = "caf\xc3\xa9 \xe2\x82\xac", .msg_len = 9 }), &out);
	j = out ? json_loads(out, 0, &e) : NULL;
	tap_ok(!r && jstr_is(j, "message", "caf\xc3\xa9 \xe2\x82\xac") &&
	       !json_object_get(j, "frame") && !json_object_get(j, "data") &&
	       json_object_size(j) == 7, "json: UTF-8 message, no frame");
	json_decref(j);
	free(out);

	{
		static const struct {
			const char *name, *msg;
			size_t len;
			const char *hex;
		} bin[] = {
			{ "invalid UTF-8", "caf\xe9", 4, "636166e9" },
			{ "a newline", "a\nb", 3, "610a62" },
			{ "a NUL inside", "a\0b", 3, "610062" },
			{ "a C1 control", "\xc2\x85", 2, "c285" },
			{ "an overlong form", "\xc0\xaf", 2, "c0af" },
			{ "a surrogate", "\xed\xa0\x80", 3, "eda080" },
			{ "a cut sequence", "\xe2\x82", 2, "e282" },
		};

		for (size_t i = 0; i < ARRAY_SIZE(bin); i++) {
			r = feed(&m, alert_msg(&(struct alert_spec){
				.ifindex = 1, .scanner = "ids", .has_time = true,
				.time_ns = T0, .msg = bin[i].msg, .msg_len = bin[i].len }),
				 &out);
			j = out ? json_loads(out, 0, &e) : NULL;
			tap_ok(!r && jstr_is(j, "message_hex", bin[i].hex) &&
			       !json_object_get(j, "message"),
			       "json: %s is message_hex", bin[i].name);
			json_decref(j);
			free(out);
		}
	}
	set_tz(old);
	free(old);
}

TAP_SUITE(monitor_pcap)
{
	static unsigned char big[SIS_ALERT_DATA_MAX];
	struct monitor m = { 0 };
	char path[] = "/tmp/sisctl-test-XXXXXX", err[512] = "", ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	char *out;
	pcap_t *p;
	int fd, r;
	bool good;

	fd = mkstemp(path);
	if (fd < 0) {
		tap_ok(false, "pcap: temporary file");
		return;
	}
	close(fd);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7);
	for (size_t i = 0; i < sizeof(frame60); i++)
		frame60[i] = (unsigned char)i;

	m.pcap = pcapfile_create(path, err, sizeof(err));
	tap_ok(m.pcap != NULL, "pcap: created");
	if (!m.pcap) {
		tap_diag("%s", err);
		unlink(path);
		return;
	}
	r = feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 1, .scanner = "ids", .has_time = true, .time_ns = T0,
		.msg = "m1", .msg_len = 2, .has_frame = true, .frame = 1,
		.dir = SIS_DIR_IN, .len = 60, .data = frame60, .data_len = 60 }), &out);
	free(out);

	/* Readable while monitor runs: each record is flushed. */
	p = !r ? pcap_open_offline(path, ebuf) : NULL;
	good = p && pcap_datalink(p) == DLT_EN10MB && pcap_next_ex(p, &h, &data) == 1 &&
	       h->caplen == 60 && h->len == 60 && !memcmp(data, frame60, 60) &&
	       h->ts.tv_sec == (time_t)(T0 / 1000000000) && h->ts.tv_usec == 123456 &&
	       pcap_next_ex(p, &h, &data) == PCAP_ERROR_BREAK;
	tap_ok(good, "pcap: first record readable at once, Ethernet, usec timestamp");
	if (p)
		pcap_close(p);

	/* Without a frame: nothing written. A partial copy: len > caplen. */
	r = feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 1, .scanner = "ids", .has_time = true, .time_ns = T0,
		.msg = "no frame", .msg_len = 8 }), &out);
	free(out);
	r |= feed(&m, alert_msg(&(struct alert_spec){
		.ifindex = 1, .scanner = "ids", .has_time = true, .time_ns = T0 + 1000000000,
		.msg = "m3", .msg_len = 2, .has_frame = true, .frame = 3,
		.dir = SIS_DIR_OUT, .len = 65000, .data = big, .data_len = sizeof(big) }),
		&out);
	free(out);
	tap_ok(!r && pcapfile_close(m.pcap) == 0 && m.seen == 3, "pcap: closed");

	p = pcap_open_offline(path, ebuf);
	good = p && pcap_next_ex(p, &h, &data) == 1 && h->caplen == 60 &&
	       pcap_next_ex(p, &h, &data) == 1 && h->caplen == sizeof(big) &&
	       h->len == 65000 && !memcmp(data, big, sizeof(big)) &&
	       h->ts.tv_sec == (time_t)(T0 / 1000000000 + 1) &&
	       pcap_next_ex(p, &h, &data) == PCAP_ERROR_BREAK;
	tap_ok(good, "pcap: two records, caplen the data, len the frame's");
	if (p)
		pcap_close(p);

	{
		unsigned char buf[SIS_INJECT_FRAME_MAX];
		size_t caplen = 0, len = 0;

		tap_ok(!pcapfile_read_first(path, buf, sizeof(buf), &caplen, &len, err,
					    sizeof(err)) &&
		       caplen == 60 && len == 60 && !memcmp(buf, frame60, 60),
		       "pcap: read back by pcapfile_read_first");
	}
	unlink(path);

	tap_ok(!pcapfile_create("/nonexistent/dir/x.pcap", err, sizeof(err)) &&
	       strstr(err, "/nonexistent/dir/x.pcap"), "pcap: unwritable path refused");
}

/* Two NETLINK_USERSOCK sockets: tx sends to rx as the kernel would. */
static bool socket_pair(struct nl_sock **rx, struct nl_sock **tx)
{
	*rx = nl_socket_alloc();
	*tx = nl_socket_alloc();
	if (!*rx || !*tx || nl_connect(*rx, NETLINK_USERSOCK) < 0 ||
	    nl_connect(*tx, NETLINK_USERSOCK) < 0) {
		nl_socket_free(*rx);
		nl_socket_free(*tx);
		return false;
	}
	nl_socket_set_peer_port(*tx, nl_socket_get_local_port(*rx));
	nl_socket_disable_auto_ack(*tx);
	return true;
}

static bool send_alert(struct nl_sock *tx, const char *text)
{
	struct nl_msg *msg = alert_msg(&(struct alert_spec){
		.ifindex = 999999, .scanner = "ids", .has_time = true, .time_ns = T0,
		.msg = text, .msg_len = strlen(text) });
	int r = nl_send_auto(tx, msg);

	nlmsg_free(msg);
	return r >= 0;
}

TAP_SUITE(monitor_loop)
{
	struct nl_sock *rx, *tx;
	struct monitor m = { 0 };
	char *out = NULL;
	size_t len = 0;
	int pipefd[2], r;
	bool sent;

	if (!socket_pair(&rx, &tx)) {
		tap_skip("no netlink sockets here", "loop: stops after --count alerts");
		tap_skip("no netlink sockets here", "loop: other families are skipped");
		tap_skip("no netlink sockets here", "loop: stops when told");
		return;
	}

	/* Another family's message first: not counted. */
	{
		struct nl_msg *msg = alert_msg(&(struct alert_spec){
			.ifindex = 999999, .scanner = "ids", .msg = "other",
			.msg_len = 5 });

		nlmsg_hdr(msg)->nlmsg_type = FAKE_FAMILY + 1;
		sent = nl_send_auto(tx, msg) >= 0;
		nlmsg_free(msg);
	}
	sent = sent && send_alert(tx, "one") && send_alert(tx, "two") &&
	       send_alert(tx, "three");
	m.count = 2;
	m.out = open_memstream(&out, &len);
	r = sent ? monitor_run(&m, rx, FAKE_FAMILY, -1) : -EIO;
	fclose(m.out);
	tap_ok(!r && m.seen == 2 && out && strstr(out, ": one\n") &&
	       strstr(out, ": two\n") && !strstr(out, "three"),
	       "loop: stops after --count alerts");
	tap_ok(out && !strstr(out, "other"), "loop: other families are skipped");
	free(out);

	/* "three" waits; the stop descriptor wins over it. */
	if (pipe(pipefd) < 0) {
		tap_ok(false, "loop: stops when told");
	} else {
		out = NULL;
		m = (struct monitor){ .out = open_memstream(&out, &len) };
		r = write(pipefd[1], "x", 1) == 1 ?
		    monitor_run(&m, rx, FAKE_FAMILY, pipefd[0]) : -EIO;
		fclose(m.out);
		tap_ok(!r && m.seen == 0 && out && !out[0], "loop: stops when told");
		free(out);
		close(pipefd[0]);
		close(pipefd[1]);
	}
	nl_socket_free(rx);
	nl_socket_free(tx);
}

TAP_SUITE(monitor_join_group)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk) < 0) {
		nl_socket_free(sk);
		tap_skip("no generic netlink here", "join: nlctrl's notify group");
		tap_skip("no generic netlink here", "join: a group the family lacks");
		tap_skip("no generic netlink here", "join: config, a group the family lacks");
		return;
	}
	tap_ok(monitor_join(sk, "nlctrl", "notify") == 0, "join: nlctrl's notify group");
	tap_ok(monitor_join(sk, "nlctrl", SIS_MCGRP_ALERTS) == -ENOENT,
	       "join: a group the family lacks");
	tap_ok(monitor_join(sk, "nlctrl", SIS_MCGRP_CONFIG) == -ENOENT,
	       "join: config, a group the family lacks");
	nl_socket_free(sk);
}

/* Every command and reason of the config group, as a line and as JSON. */
TAP_SUITE(monitor_event_format)
{
	enum { REQ = SIS_EVENT_REQUEST, LEFT = SIS_EVENT_PORT_LEFT,
	       GONE = SIS_EVENT_PORT_GONE };
#define EV(c, r, ...) \
	{ .cmd = (c), .reason = (r), .ifindex = 5, .bridge = "br0", __VA_ARGS__ }
	static const struct {
		struct config_event e;
		const char *text, *json;
	} cases[] = {
		{ EV(SIS_CMD_ATTACH, REQ),
		  "T bridge br0 attach\n",
		  "\"command\":\"attach\",\"reason\":\"request\"}" },
		{ EV(SIS_CMD_DETACH, REQ),
		  "T bridge br0 detach\n",
		  "\"command\":\"detach\",\"reason\":\"request\"}" },
		{ EV(SIS_CMD_DETACH, LEFT, .port = "eth1"),
		  "T bridge br0 detach (port eth1 left)\n",
		  "\"command\":\"detach\",\"reason\":\"port-left\",\"port\":\"eth1\"}" },
		{ EV(SIS_CMD_DETACH, GONE, .port = "eth1"),
		  "T bridge br0 detach (port eth1 unregistered)\n",
		  "\"command\":\"detach\",\"reason\":\"port-gone\",\"port\":\"eth1\"}" },
		{ EV(SIS_CMD_DETACH, SIS_EVENT_BRIDGE_GONE),
		  "T bridge br0 detach (bridge unregistered)\n",
		  "\"command\":\"detach\",\"reason\":\"bridge-gone\"}" },
		{ EV(SIS_CMD_DETACH, SIS_EVENT_NETNS_EXIT),
		  "T bridge br0 detach (namespace exiting)\n",
		  "\"command\":\"detach\",\"reason\":\"netns-exit\"}" },
		{ EV(SIS_CMD_CLOSED, GONE, .port = "eth1"),
		  "T bridge br0 closed (port eth1 unregistered)\n",
		  "\"command\":\"closed\",\"reason\":\"port-gone\",\"port\":\"eth1\"}" },
		{ EV(SIS_CMD_CLOSED, LEFT, .port = "eth1"),
		  "T bridge br0 closed (port eth1 left)\n",
		  "\"command\":\"closed\",\"reason\":\"port-left\",\"port\":\"eth1\"}" },
		{ EV(SIS_CMD_CLOSED, LEFT),
		  "T bridge br0 closed (a port left)\n",
		  "\"command\":\"closed\",\"reason\":\"port-left\"}" },
		{ EV(SIS_CMD_SET_BRIDGE, REQ),
		  "T bridge br0 set\n",
		  "\"command\":\"set\",\"reason\":\"request\"}" },
		{ EV(SIS_CMD_PREVENT_ADD, REQ, .has_id = true, .id = 3),
		  "T bridge br0 prevent add id 3\n",
		  "\"command\":\"prevent-add\",\"reason\":\"request\",\"id\":3}" },
		{ EV(SIS_CMD_PREVENT_DEL, REQ, .has_id = true, .id = 3),
		  "T bridge br0 prevent del id 3\n",
		  "\"command\":\"prevent-del\",\"reason\":\"request\",\"id\":3}" },
		{ EV(SIS_CMD_SCANNER_ADD, REQ, .scanner = "codered"),
		  "T bridge br0 scanner add codered\n",
		  "\"command\":\"scanner-add\",\"reason\":\"request\",\"scanner\":\"codered\"}" },
		{ EV(SIS_CMD_SCANNER_DEL, REQ, .scanner = "codered"),
		  "T bridge br0 scanner del codered\n",
		  "\"command\":\"scanner-del\",\"reason\":\"request\",\"scanner\":\"codered\"}" },
		{ EV(SIS_CMD_CAP_ADD, REQ, .scanner = "codered", .cap = "syn"),
		  "T bridge br0 cap add scanner codered cap syn\n",
		  "\"command\":\"cap-add\",\"reason\":\"request\",\"scanner\":\"codered\","
		  "\"cap\":\"syn\"}" },
		{ EV(SIS_CMD_CAP_DEL, REQ, .scanner = "codered", .cap = "syn"),
		  "T bridge br0 cap del scanner codered cap syn\n",
		  "\"command\":\"cap-del\",\"reason\":\"request\",\"scanner\":\"codered\","
		  "\"cap\":\"syn\"}" },
		{ EV(SIS_CMD_INJECT_ADD, REQ, .scanner = "codered",
		    .has_id = true, .id = 0),
		  "T bridge br0 inject add scanner codered id 0\n",
		  "\"command\":\"inject-add\",\"reason\":\"request\",\"scanner\":\"codered\","
		  "\"id\":0}" },
		{ EV(SIS_CMD_INJECT_DEL, REQ, .scanner = "codered",
		    .has_id = true, .id = 2),
		  "T bridge br0 inject del scanner codered id 2\n",
		  "\"command\":\"inject-del\",\"reason\":\"request\",\"scanner\":\"codered\","
		  "\"id\":2}" },
		{ EV(SIS_CMD_SCANNER_ATTACH, REQ, .scanner = "codered",
		    .pid = 1234),
		  "T bridge br0 scanner attach codered pid 1234\n",
		  "\"command\":\"scanner-attach\",\"reason\":\"request\","
		  "\"scanner\":\"codered\",\"pid\":1234}" },
		{ EV(SIS_CMD_DETACHED, SIS_EVENT_PROCESS_EXIT,
		    .scanner = "codered", .pid = 1234),
		  "T bridge br0 scanner detached codered pid 1234 (process exited)\n",
		  "\"command\":\"scanner-detached\",\"reason\":\"process-exit\","
		  "\"scanner\":\"codered\",\"pid\":1234}" },
		{ EV(200, 77),
		  "T bridge br0 command 200 (reason 77)\n",
		  "\"command\":200,\"reason\":77}" },
		{ EV(SIS_CMD_ATTACH, REQ, .port = "eth1"),
		  "T bridge br0 attach port eth1\n",
		  "\"command\":\"attach\",\"reason\":\"request\",\"port\":\"eth1\"}" },
		{ { .cmd = SIS_CMD_DETACH, .reason = LEFT, .ifindex = 5,
		    .bridge = "b\\r", .port = "e\x01" },
		  "T bridge b\\\\r detach (port e\\x01 left)\n",
		  "\"command\":\"detach\",\"reason\":\"port-left\",\"port\":\"e\\u0001\"}" },
	};

#undef EV

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct config_event *e = &cases[i].e;
		char *text = NULL, *json, want[512];
		struct sisctl_print p;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		json_t *j;

		print_init(&p, f, false);
		config_event_print(&p, e, "T", 7);
		fclose(f);
		tap_streq(text, cases[i].text, "event line: %.*s", (int)strlen(cases[i].text) - 1,
			  cases[i].text);
		free(text);

		/* The bridge goes into the JSON escaped as JSON escapes it. */
		j = json_string(e->bridge);
		json = json_dumps(j, JSON_ENCODE_ANY);
		snprintf(want, sizeof(want),
			 "{\"event\":\"config\",\"time\":\"T\",\"time_ns\":7,\"bridge\":%s,"
			 "\"ifindex\":5,%s", json, cases[i].json);
		free(json);
		json_decref(j);
		print_init(&p, NULL, true);
		config_event_print(&p, e, "T", 7);
		j = print_json_take(&p);
		json = j ? json_dumps(j, JSON_COMPACT) : NULL;
		tap_streq(json, want, "event JSON: %.*s", (int)strlen(cases[i].text) - 1,
			  cases[i].text);
		free(json);
		json_decref(j);
	}

	/* No bridge name sent: the ifindex's name now, else the ifindex. */
	{
		struct config_event e = { .cmd = SIS_CMD_ATTACH, .ifindex = 999999 };
		char *text = NULL, *json;
		struct sisctl_print p;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		json_t *j;

		print_init(&p, f, false);
		config_event_print(&p, &e, "T", 7);
		fclose(f);
		tap_streq(text, "T bridge if999999 attach\n", "event line: no bridge name");
		free(text);
		print_init(&p, NULL, true);
		config_event_print(&p, &e, "T", 7);
		j = print_json_take(&p);
		json = j ? json_dumps(j, JSON_COMPACT) : NULL;
		tap_streq(json, "{\"event\":\"config\",\"time\":\"T\",\"time_ns\":7,"
			  "\"bridge\":null,\"ifindex\":999999,\"command\":\"attach\","
			  "\"reason\":\"request\"}", "event JSON: no bridge name");
		free(json);
		json_decref(j);
	}
}

TAP_SUITE(monitor_event_parse)
{
	struct config_event e;
	struct nl_msg *msg;

	msg = event_msg(&(struct event_spec){
		.cmd = SIS_CMD_INJECT_ADD, .ifindex = 5, .has_reason = true,
		.reason = SIS_EVENT_REQUEST, .bridge = "br0", .scanner = "ids",
		.has_id = true, .id = 0 });
	tap_eq(config_event_parse(nlmsg_hdr(msg), &e), 0, "parse: an injection event");
	tap_ok(e.cmd == SIS_CMD_INJECT_ADD && e.reason == SIS_EVENT_REQUEST &&
	       e.ifindex == 5 && !strcmp(e.bridge, "br0") && !strcmp(e.scanner, "ids") &&
	       !e.port && !e.cap && e.has_id && e.id == 0 && !e.pid,
	       "parse: its fields, id 0 included");
	nlmsg_free(msg);

	msg = event_msg(&(struct event_spec){
		.cmd = SIS_CMD_DETACH, .ifindex = 5, .has_reason = true,
		.reason = SIS_EVENT_PORT_LEFT, .bridge = "br0", .port = "np0" });
	tap_eq(config_event_parse(nlmsg_hdr(msg), &e), 0, "parse: a detach");
	tap_ok(e.reason == SIS_EVENT_PORT_LEFT && !strcmp(e.port, "np0") && !e.scanner &&
	       !e.has_id, "parse: the port, no id");
	nlmsg_free(msg);

	msg = event_msg(&(struct event_spec){
		.cmd = SIS_CMD_CAP_DEL, .ifindex = 5, .has_reason = true,
		.scanner = "ids", .cap = "web", .pid = 42 });
	tap_eq(config_event_parse(nlmsg_hdr(msg), &e), 0, "parse: a capability");
	tap_ok(!strcmp(e.cap, "web") && e.pid == 42 && !e.bridge,
	       "parse: capability, pid, no bridge name");
	nlmsg_free(msg);

	msg = event_msg(&(struct event_spec){ .cmd = SIS_CMD_ATTACH, .ifindex = 5,
					      .bridge = "br0" });
	tap_eq(config_event_parse(nlmsg_hdr(msg), &e), -EPROTO,
	       "parse: no reason is malformed");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, SIS_CMD_DETACHED, 1);
	nla_put_u32(msg, SIS_A_IFINDEX, 5);
	tap_eq(config_event_parse(nlmsg_hdr(msg), &e), -ENOENT,
	       "parse: no SIS_A_EVENT is no event");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, SIS_CMD_ATTACH, 1);
	nla_put_u32(msg, SIS_A_EVENT, 5);
	tap_eq(config_event_parse(nlmsg_hdr(msg), &e), -EPROTO,
	       "parse: SIS_A_EVENT not a nest is malformed");
	nlmsg_free(msg);
}

/* Through monitor_msg(): the time of receipt, counted like alerts. */
TAP_SUITE(monitor_event_msg)
{
	struct monitor m = { 0 };
	char *out, *sp;
	json_error_t e;
	json_t *j;
	int r, fd;

	r = feed(&m, event_msg(&(struct event_spec){
		.cmd = SIS_CMD_SCANNER_ATTACH, .ifindex = 5, .has_reason = true,
		.bridge = "br0", .scanner = "ids", .pid = 99 }), &out);
	sp = out ? strchr(out, ' ') : NULL;
	tap_ok(!r && sp && sp - out == 29 && out[4] == '-' && out[10] == 'T' &&
	       !strcmp(sp, " bridge br0 scanner attach ids pid 99\n") && m.seen == 1,
	       "event: a line, its time first");
	if (out && (!sp || strcmp(sp, " bridge br0 scanner attach ids pid 99\n")))
		tap_diag("%s", out);
	free(out);

	m.json = true;
	r = feed(&m, event_msg(&(struct event_spec){
		.cmd = SIS_CMD_DETACHED, .ifindex = 5, .has_reason = true,
		.reason = SIS_EVENT_PROCESS_EXIT, .bridge = "br0", .scanner = "ids",
		.pid = 99 }), &out);
	j = out ? json_loads(out, 0, &e) : NULL;
	tap_ok(!r && jstr_is(j, "event", "config") &&
	       jstr_is(j, "command", "scanner-detached") &&
	       jstr_is(j, "reason", "process-exit") && jint_is(j, "pid", 99) &&
	       json_is_integer(json_object_get(j, "time_ns")) &&
	       json_integer_value(json_object_get(j, "time_ns")) > (json_int_t)T0 / 2 &&
	       m.seen == 2, "event: JSON, with the time of receipt");
	json_decref(j);
	free(out);

	fd = quiet();
	r = feed(&m, event_msg(&(struct event_spec){ .cmd = SIS_CMD_ATTACH,
						     .ifindex = 5 }), &out);
	unquiet(fd);
	tap_ok(!r && out && !out[0] && m.seen == 2, "event: malformed, skipped");
	free(out);
}

static bool send_msg(struct nl_sock *tx, struct nl_msg *msg)
{
	int r = nl_send_auto(tx, msg);

	nlmsg_free(msg);
	return r >= 0;
}

/* --count counts alerts and events alike. */
TAP_SUITE(monitor_loop_events)
{
	struct nl_sock *rx, *tx;
	struct monitor m = { 0 };
	char *out = NULL;
	size_t len = 0;
	bool sent;
	int r;

	if (!socket_pair(&rx, &tx)) {
		tap_skip("no netlink sockets here", "loop: --count counts events too");
		return;
	}
	sent = send_alert(tx, "one") &&
	       send_msg(tx, event_msg(&(struct event_spec){
			.cmd = SIS_CMD_SET_BRIDGE, .ifindex = 999999,
			.has_reason = true, .bridge = "brx" })) &&
	       send_alert(tx, "two");
	m.count = 2;
	m.out = open_memstream(&out, &len);
	r = sent ? monitor_run(&m, rx, FAKE_FAMILY, -1) : -EIO;
	fclose(m.out);
	tap_ok(!r && m.seen == 2 && out && strstr(out, ": one\n") &&
	       strstr(out, " bridge brx set\n") && !strstr(out, "two"),
	       "loop: --count counts events too");
	free(out);
	nl_socket_free(rx);
	nl_socket_free(tx);
}

/* Whole file path: its bytes are want[0..len). */
static bool file_is(const char *path, const unsigned char *want, size_t len)
{
	static unsigned char buf[200000];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return n == len && !memcmp(buf, want, len);
}

/* Entries of dir, "." and ".." aside. */
static int dir_entries(const char *dir)
{
	char cmd[512];
	int n = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static struct nl_msg *announce(const char *scanner, uint64_t id, uint64_t len)
{
	return alert_msg(&(struct alert_spec){
		.ifindex = 1, .scanner = scanner, .has_time = true,
		.time_ns = T0, .msg = "virus", .msg_len = 5,
		.attach_id = id, .attach_len = len });
}

/* --save: pieces reassembled into files; what is incomplete, discarded. */
TAP_SUITE(monitor_save)
{
	static unsigned char data[150000];
	char dir[] = "/tmp/sisctl-save-XXXXXX", path[600], err[256], *out;
	struct monitor m = { .save_fd = -1 };
	int r, saved;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 13 + i / 251);
	if (!mkdtemp(dir) || monitor_save_open(&m, dir, err, sizeof(err))) {
		tap_ok(false, "save: temporary directory");
		return;
	}

	/* The alert line names the attachment; 3 pieces make the file. */
	r = feed(&m, announce("mail", 7, sizeof(data)), &out);
	tap_ok(!r && out && strstr(out, " attachment 7 150000: virus\n"),
	       "save: the alert line says attachment ID BYTES");
	free(out);
	tap_eq(monitor_save_pending(&m), 1, "save: one attachment in flight");
	r = feed(&m, piece_msg(7, 0, data, 64000), &out);
	free(out);
	r |= feed(&m, piece_msg(7, 64000, data + 64000, 64000), &out);
	tap_ok(!r && out && !out[0], "save: pieces print nothing");
	free(out);
	snprintf(path, sizeof(path), "%s/alert-7.eml", dir);
	tap_ok(access(path, F_OK) && dir_entries(dir) == 1,
	       "save: not under its name before the last piece");
	r = feed(&m, piece_msg(7, 128000, data + 128000, 22000), &out);
	free(out);
	tap_ok(!r && file_is(path, data, sizeof(data)) && dir_entries(dir) == 1 &&
	       !monitor_save_pending(&m) && m.attach_saved == 1,
	       "save: whole, under alert-7.eml, the temporary file gone");

	/* The same id again (a module reloaded): another name. */
	feed(&m, announce("mail", 7, 3), &out);
	free(out);
	feed(&m, piece_msg(7, 0, "abc", 3), &out);
	free(out);
	snprintf(path, sizeof(path), "%s/alert-7-1.eml", dir);
	tap_ok(file_is(path, (const unsigned char *)"abc", 3),
	       "save: an existing file is never replaced");

	/* A missed piece: discarded, with a warning; the monitor goes on. */
	saved = quiet();
	feed(&m, announce("mail", 8, 100000), &out);
	free(out);
	feed(&m, piece_msg(8, 0, data, 64000), &out);
	free(out);
	feed(&m, piece_msg(8, 64001, data, 100), &out);
	free(out);
	unquiet(saved);
	tap_ok(!monitor_save_pending(&m) && m.attach_discarded == 1 &&
	       dir_entries(dir) == 2, "save: a piece missed, the file discarded");
	feed(&m, piece_msg(8, 64000, data, 36000), &out);
	tap_ok(out && !out[0] && dir_entries(dir) == 2,
	       "save: later pieces of it are ignored");
	free(out);

	/* A piece past the announced length. */
	saved = quiet();
	feed(&m, announce("mail", 9, 10), &out);
	free(out);
	feed(&m, piece_msg(9, 0, data, 11), &out);
	free(out);
	unquiet(saved);
	tap_ok(m.attach_discarded == 2 && dir_entries(dir) == 2,
	       "save: a piece past the length, discarded");

	/* A scanner's new announcement abandons its previous one. */
	saved = quiet();
	feed(&m, announce("mail", 10, 10), &out);
	free(out);
	feed(&m, announce("other", 11, 10), &out);
	free(out);
	feed(&m, announce("mail", 12, 10), &out);
	free(out);
	unquiet(saved);
	tap_ok(m.attach_discarded == 3 && monitor_save_pending(&m) == 2,
	       "save: a scanner's next attachment abandons its previous");

	/* Lost messages: every attachment in flight goes. */
	saved = quiet();
	monitor_save_lost(&m);
	unquiet(saved);
	tap_ok(m.attach_discarded == 5 && !monitor_save_pending(&m) &&
	       dir_entries(dir) == 2, "save: after ENOBUFS none is kept");

	/* Bounded: the oldest goes beyond MONITOR_ATTACH_MAX. */
	saved = quiet();
	for (int i = 0; i <= MONITOR_ATTACH_MAX; i++) {
		char name[16];

		snprintf(name, sizeof(name), "s%d", i);
		feed(&m, announce(name, 100 + i, 10), &out);
		free(out);
	}
	unquiet(saved);
	tap_ok(monitor_save_pending(&m) == MONITOR_ATTACH_MAX &&
	       m.attach_discarded == 6 &&
	       dir_entries(dir) == 2 + MONITOR_ATTACH_MAX,
	       "save: at most MONITOR_ATTACH_MAX in flight, the oldest discarded");

	/* Stopping discards what is incomplete. */
	saved = quiet();
	monitor_save_close(&m);
	unquiet(saved);
	tap_ok(dir_entries(dir) == 2 && !m.save,
	       "save: closing removes the temporary files");

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	tap_ok(system(path) == 0, "save: cleaned up");

	tap_ok(monitor_save_open(&m, "/nonexistent/dir", err, sizeof(err)) < 0 &&
	       strstr(err, "/nonexistent/dir"), "save: a missing directory refused");
}

/* JSON: the attachment's keys. */
TAP_SUITE(monitor_attach_json)
{
	struct monitor m = { .json = true, .save_fd = -1 };
	char *out;
	int r;

	r = feed(&m, announce("mail", 5, 42), &out);
	tap_ok(!r && out && strstr(out, "\"attachment_id\":5,\"attachment_len\":42"),
	       "json: attachment_id and attachment_len");
	free(out);
	tap_ok(!monitor_save_pending(&m), "json: without --save nothing in flight");
}
