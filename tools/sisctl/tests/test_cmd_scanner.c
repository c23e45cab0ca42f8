// SPDX-License-Identifier: GPL-2.0
/* scanner, cap, inject, show scanner and monitor against the fake libsis. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fixtures.h"
#include "tap.h"

#define ARGS(...) ((const char *[]){ __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define RUN(r, o, ...) run_cmd(r, o, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))

static const struct sisctl text_mode, json_mode = { .json = true };

/* The i-th request: its command, flags and top-level attributes. */
static bool sent(int i, uint8_t cmd, struct nlattr **tb, uint16_t *flags)
{
	struct nlmsghdr *h;
	struct genlmsghdr *g;

	if (i >= FAKE_MAX || !fake.sent[i])
		return false;
	h = nlmsg_hdr(fake.sent[i]);
	g = nlmsg_data(h);
	if (flags)
		*flags = h->nlmsg_flags;
	return g->cmd == cmd && !genlmsg_parse(h, 0, tb, SIS_A_MAX, NULL);
}

static bool u32_is(struct nlattr *a, uint32_t v)
{
	return a && nla_len(a) == 4 && nla_get_u32(a) == v;
}

static bool u8_is(struct nlattr *a, uint8_t v)
{
	return a && nla_len(a) == 1 && nla_get_u8(a) == v;
}

static bool str_is(struct nlattr *a, const char *s)
{
	return a && !strcmp(nla_data(a), s);
}

static bool balanced(void)
{
	return fake.opened == fake.closed;
}

/* The scanner nest of request i, parsed. */
static bool scanner_nest(int i, uint8_t cmd, struct nlattr **tb,
			 struct nlattr **stb)
{
	return sent(i, cmd, tb, NULL) && tb[SIS_A_SCANNER] &&
	       !nla_parse_nested(stb, SIS_SCANNER_A_MAX, tb[SIS_A_SCANNER], NULL);
}

TAP_SUITE(cmd_scanner)
{
	uint32_t lo = if_nametoindex("lo");
	struct nlattr *tb[SIS_A_MAX + 1], *stb[SIS_SCANNER_A_MAX + 1];
	struct run r;

	if (!lo) {
		tap_skip("no lo here", "scanner add and del");
		return;
	}

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "scanner", "add", "ids", "bridge", "lo", "user", "root",
	    "timeout", "250", "fail", "open", "absent", "drop", "max-held", "16",
	    "max-bytes", "65536");
	tap_ok(r.ret == 0 && !r.out[0] && !r.err[0] && balanced() && fake.next == 1,
	       "scanner add: exit 0, silent");
	tap_ok(scanner_nest(0, SIS_CMD_SCANNER_ADD, tb, stb) &&
	       u32_is(tb[SIS_A_IFINDEX], lo) && str_is(stb[SIS_SCANNER_A_NAME], "ids") &&
	       u32_is(stb[SIS_SCANNER_A_UID], 0) &&
	       u32_is(stb[SIS_SCANNER_A_TIMEOUT_MS], 250) &&
	       u8_is(stb[SIS_SCANNER_A_FAIL], SIS_FAIL_OPEN) &&
	       u8_is(stb[SIS_SCANNER_A_ABSENT], SIS_ABSENT_DROP) &&
	       u32_is(stb[SIS_SCANNER_A_MAX_HELD], 16) &&
	       u32_is(stb[SIS_SCANNER_A_MAX_BYTES], 65536),
	       "scanner add: request");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EEXIST;
	fake.calls[0].extack = "a scanner with this name exists";
	RUN(&r, &text_mode, "scanner", "add", "ids", "bridge", "lo", "user", "1000");
	tap_ok(r.ret == 1 && !r.out[0] &&
	       !strcmp(r.err, "Error: a scanner with this name exists.\n") && balanced(),
	       "scanner add: kernel message");
	tap_ok(scanner_nest(0, SIS_CMD_SCANNER_ADD, tb, stb) &&
	       u32_is(stb[SIS_SCANNER_A_UID], 1000) && !stb[SIS_SCANNER_A_TIMEOUT_MS] &&
	       !stb[SIS_SCANNER_A_FAIL] && !stb[SIS_SCANNER_A_ABSENT],
	       "scanner add: a numeric uid, defaults unsent");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "scanner", "add", "ids", "bridge", "nosuch0", "user", "root");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: Cannot find device \"nosuch0\".\n") &&
	       fake.opened == 0, "scanner add: unknown bridge, nothing sent");
	run_free(&r);
	RUN(&r, &text_mode, "scanner", "add", "ids", "bridge", "lo", "user", "root",
	    "timeout", "0");
	tap_ok(r.ret == 1 && !strcmp(r.err,
		"Error: invalid timeout \"0\": use 1 to 600000 milliseconds.\n") &&
	       fake.opened == 0, "scanner add: bad value, one line, nothing sent");
	run_free(&r);
	RUN(&r, &text_mode, "scanner", "add", "ids", "bridge", "lo");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Error: missing \"user USER\"", 26) &&
	       !strchr(r.err, '\n')[1], "scanner add: missing user");
	run_free(&r);
	RUN(&r, &text_mode, "scanner", "add");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl scanner", 21),
	       "scanner add: no name is a usage error");
	run_free(&r);
	RUN(&r, &text_mode, "scanner", "help");
	tap_ok(r.ret == 0 && !strncmp(r.out, "Usage: sisctl scanner", 21) && !r.err[0],
	       "scanner help: usage on stdout");
	run_free(&r);
	RUN(&r, &text_mode, "scanner", "frob");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl scanner", 21),
	       "scanner: unknown subcommand");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -ENOENT;
	fake.calls[0].extack = "no scanner with this name";
	RUN(&r, &text_mode, "scanner", "del", "ids");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: no scanner with this name.\n") &&
	       scanner_nest(0, SIS_CMD_SCANNER_DEL, tb, stb) && !tb[SIS_A_IFINDEX] &&
	       str_is(stb[SIS_SCANNER_A_NAME], "ids"),
	       "scanner del: request and kernel message");
	run_free(&r);
	RUN(&r, &text_mode, "scanner", "del", "no/such");
	tap_ok(r.ret == 1 && strstr(r.err, "invalid scanner name \"no/such\"") &&
	       fake.next == 1, "scanner del: bad name, nothing sent");
	run_free(&r);
	RUN(&r, &text_mode, "scanner", "del");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl scanner", 21),
	       "scanner del: usage");
	run_free(&r);
	fake_reset();
}

TAP_SUITE(cmd_cap)
{
	struct nlattr *tb[SIS_A_MAX + 1], *stb[SIS_SCANNER_A_MAX + 1];
	struct nlattr *ctb[SIS_CAP_A_MAX + 1];
	struct run r;
	bool good;

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "cap", "add", "ids", "web", "dir", "in", "rights",
	    "read,contain", "tcp", "port", "80");
	tap_ok(r.ret == 0 && !r.out[0] && !r.err[0] && balanced(), "cap add: exit 0");
	good = scanner_nest(0, SIS_CMD_CAP_ADD, tb, stb) &&
	       str_is(stb[SIS_SCANNER_A_NAME], "ids") && tb[SIS_A_CAP] &&
	       !nla_parse_nested(ctb, SIS_CAP_A_MAX, tb[SIS_A_CAP], NULL) &&
	       str_is(ctb[SIS_CAP_A_NAME], "web") && u8_is(ctb[SIS_CAP_A_DIR], SIS_DIR_IN) &&
	       u8_is(ctb[SIS_CAP_A_RIGHTS], SIS_RIGHT_READ | SIS_RIGHT_CONTAIN) &&
	       str_is(ctb[SIS_CAP_A_EXPR], "tcp port 80") && ctb[SIS_CAP_A_BPF] &&
	       nla_len(ctb[SIS_CAP_A_BPF]) % sizeof(struct sock_filter) == 0;
	tap_ok(good, "cap add: request");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "cap", "add", "ids", "web", "rights", "read", "tcp", "port",
	    "nosuchservice");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Error: filter: ", 15) &&
	       !strchr(r.err, '\n')[1] && fake.opened == 0,
	       "cap add: bad filter, one line, nothing sent");
	run_free(&r);
	RUN(&r, &text_mode, "cap", "add", "ids", "web", "rights", "contain", "tcp");
	tap_ok(r.ret == 1 && !strcmp(r.err,
		"Error: invalid rights \"contain\": contain needs read, use read,contain.\n"),
	       "cap add: contain alone");
	run_free(&r);
	RUN(&r, &text_mode, "cap", "add", "ids");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl cap", 17), "cap add: usage");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EPERM;
	RUN(&r, &text_mode, "cap", "del", "ids", "web");
	tap_ok(r.ret == 1 && !strcmp(r.err,
		"Error: Operation not permitted (sisctl needs CAP_NET_ADMIN).\n") &&
	       balanced(), "cap del: EPERM");
	good = scanner_nest(0, SIS_CMD_CAP_DEL, tb, stb) &&
	       str_is(stb[SIS_SCANNER_A_NAME], "ids") && tb[SIS_A_CAP] &&
	       !nla_parse_nested(ctb, SIS_CAP_A_MAX, tb[SIS_A_CAP], NULL) &&
	       str_is(ctb[SIS_CAP_A_NAME], "web") && !ctb[SIS_CAP_A_BPF];
	tap_ok(good, "cap del: request");
	run_free(&r);
	RUN(&r, &text_mode, "cap", "del", "ids", "we b");
	tap_ok(r.ret == 1 && strstr(r.err, "invalid capability name \"we b\"") &&
	       fake.next == 1, "cap del: bad name, nothing sent");
	run_free(&r);
	fake_reset();
}

TAP_SUITE(cmd_inject)
{
	struct nlattr *tb[SIS_A_MAX + 1], *stb[SIS_SCANNER_A_MAX + 1];
	struct nlattr *itb[SIS_INJECT_A_MAX + 1];
	char path[] = "/tmp/sisctl-test-XXXXXX";
	unsigned char frame[64];
	struct run r;
	bool good;
	int fd;

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (unsigned char)(0x40 + i);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, frame, sizeof(frame)) != sizeof(frame)) {
		tap_ok(false, "inject: a frame file");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "inject", "add", "ids", "7", path, "dir", "out");
	tap_ok(r.ret == 0 && !r.out[0] && !r.err[0] && balanced(), "inject add: exit 0");
	good = scanner_nest(0, SIS_CMD_INJECT_ADD, tb, stb) &&
	       str_is(stb[SIS_SCANNER_A_NAME], "ids") && tb[SIS_A_INJECT] &&
	       !nla_parse_nested(itb, SIS_INJECT_A_MAX, tb[SIS_A_INJECT], NULL) &&
	       u32_is(itb[SIS_INJECT_A_ID], 7) && u8_is(itb[SIS_INJECT_A_DIR], SIS_DIR_OUT) &&
	       itb[SIS_INJECT_A_FRAME] && nla_len(itb[SIS_INJECT_A_FRAME]) == sizeof(frame) &&
	       !memcmp(nla_data(itb[SIS_INJECT_A_FRAME]), frame, sizeof(frame));
	tap_ok(good && !itb[SIS_INJECT_A_KIND] && !itb[SIS_INJECT_A_DATA],
	       "inject add: request carries the file's bytes");
	run_free(&r);

	/* The same file as a stream block: bytes as they are, any length. */
	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "inject", "add", "ids", "8", path, "stream", "dir", "in");
	good = r.ret == 0 && !r.err[0] && balanced() &&
	       scanner_nest(0, SIS_CMD_INJECT_ADD, tb, stb) && tb[SIS_A_INJECT] &&
	       !nla_parse_nested(itb, SIS_INJECT_A_MAX, tb[SIS_A_INJECT], NULL) &&
	       u32_is(itb[SIS_INJECT_A_ID], 8) && u8_is(itb[SIS_INJECT_A_DIR], SIS_DIR_IN) &&
	       u8_is(itb[SIS_INJECT_A_KIND], SIS_INJECT_STREAM) && !itb[SIS_INJECT_A_FRAME] &&
	       itb[SIS_INJECT_A_DATA] && nla_len(itb[SIS_INJECT_A_DATA]) == sizeof(frame) &&
	       !memcmp(nla_data(itb[SIS_INJECT_A_DATA]), frame, sizeof(frame));
	tap_ok(good, "inject add stream: request carries the kind and the bytes as data");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EINVAL;
	fake.calls[0].extack = "a stream injection takes bytes (SIS_INJECT_A_DATA), not a frame";
	RUN(&r, &text_mode, "inject", "add", "ids", "8", path, "stream");
	tap_ok(r.ret == 1 &&
	       !strcmp(r.err, "Error: a stream injection takes bytes (SIS_INJECT_A_DATA), not a frame.\n"),
	       "inject add stream: the kernel's message");
	run_free(&r);

	/* Too short: refused before anything is sent. */
	if (truncate(path, 59) == 0) {
		fake_start();
		fake.ncalls = 1;
		RUN(&r, &text_mode, "inject", "add", "ids", "7", path);
		tap_ok(r.ret == 1 && strstr(r.err, "holds 59 bytes; an injected frame is 60 to 1518 bytes") &&
		       !strchr(r.err, '\n')[1] && fake.opened == 0,
		       "inject add: short file refused before sending");
		run_free(&r);
	} else {
		tap_ok(false, "inject add: short file refused before sending");
	}
	/* Empty: refused as a stream block too. */
	if (truncate(path, 0) == 0) {
		fake_start();
		fake.ncalls = 1;
		RUN(&r, &text_mode, "inject", "add", "ids", "8", path, "stream");
		tap_ok(r.ret == 1 && strstr(r.err, "is empty; a stream injection is 1 to 65000 bytes") &&
		       !strchr(r.err, '\n')[1] && fake.opened == 0,
		       "inject add stream: empty file refused before sending");
		run_free(&r);
	} else {
		tap_ok(false, "inject add stream: empty file refused before sending");
	}
	unlink(path);

	RUN(&r, &text_mode, "inject", "help");
	tap_ok(r.ret == 0 && strstr(r.out, "FILE [frame|stream] [dir in|out|any]") &&
	       strstr(r.out, "1 to 65000"), "inject help: stream blocks");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "inject", "add", "ids", "7", path);
	tap_ok(r.ret == 1 && strstr(r.err, "cannot open") && fake.opened == 0,
	       "inject add: missing file");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -ENOENT;
	fake.calls[0].extack = "the scanner has no injection with this id";
	RUN(&r, &text_mode, "inject", "del", "ids", "7");
	tap_ok(r.ret == 1 &&
	       !strcmp(r.err, "Error: the scanner has no injection with this id.\n") &&
	       scanner_nest(0, SIS_CMD_INJECT_DEL, tb, stb) && tb[SIS_A_INJECT] &&
	       !nla_parse_nested(itb, SIS_INJECT_A_MAX, tb[SIS_A_INJECT], NULL) &&
	       u32_is(itb[SIS_INJECT_A_ID], 7) && !itb[SIS_INJECT_A_FRAME],
	       "inject del: request and kernel message");
	run_free(&r);
	RUN(&r, &text_mode, "inject", "del", "ids", "x");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: invalid injection id \"x\".\n"),
	       "inject del: bad id");
	run_free(&r);
	RUN(&r, &text_mode, "inject", "del", "ids");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl inject", 20),
	       "inject del: usage");
	run_free(&r);
	fake_reset();
}

static void script_show(int scanner_error)
{
	fake_start();
	fake.ncalls = 2;
	for (int i = 0; i < 4; i++)
		fake.calls[0].replies[i] = dump_msg(&example[i]);
	fake.calls[0].nreplies = 4;
	fake.calls[1].error = scanner_error;
	if (scanner_error)
		return;
	for (int i = 0; i < 3; i++)
		fake.calls[1].replies[i] = scanner_msg(&scanner_example[i]);
	fake.calls[1].nreplies = 3;
}

static void script_scanners(void)
{
	fake_start();
	fake.ncalls = 1;
	for (int i = 0; i < 3; i++)
		fake.calls[0].replies[i] = scanner_msg(&scanner_example[i]);
	fake.calls[0].nreplies = 3;
}

TAP_SUITE(cmd_show_scanners)
{
	struct nlattr *tb[SIS_A_MAX + 1];
	uint16_t flags = 0;
	json_error_t e;
	json_t *j, *a;
	struct run r;

	script_show(0);
	RUN(&r, &text_mode, "show");
	tap_ok(r.ret == 0 && !r.err[0] && balanced() &&
	       strstr(r.out, "\tprevent 9 dir in matches 1 bytes 98: icmp\n"
			     "scanner ids bridge br0 user root pid 4242\n") &&
	       strstr(r.out, "\tout  frames 0 bytes 0 dropped 0\n"
			     "scanner probe bridge br1 user 4000000 not attached\n"),
	       "show: scanners after their bridge");
	tap_ok(sent(1, SIS_CMD_GET_SCANNER, tb, &flags) &&
	       (flags & NLM_F_DUMP) == NLM_F_DUMP && !tb[SIS_A_IFINDEX],
	       "show: a dump of the scanners");
	run_free(&r);

	script_show(0);
	RUN(&r, &json_mode, "show");
	j = json_loads(r.out, 0, &e);
	a = json_object_get(json_array_get(j, 0), "scanners");
	tap_ok(r.ret == 0 && json_array_size(j) == 2 && json_array_size(a) == 1 &&
	       !strcmp(json_string_value(json_object_get(json_array_get(a, 0), "name")),
		       "ids") && !strchr(r.out, '\n')[1],
	       "show -j: bridges with their scanners, one line");
	json_decref(j);
	run_free(&r);

	/* A module without scanners still shows its bridges. */
	script_show(-EOPNOTSUPP);
	RUN(&r, &json_mode, "show");
	j = json_loads(r.out, 0, &e);
	a = json_object_get(json_array_get(j, 0), "scanners");
	tap_ok(r.ret == 0 && !r.err[0] && json_array_size(j) == 2 && json_is_array(a) &&
	       !json_array_size(a), "show: EOPNOTSUPP for scanners is none");
	json_decref(j);
	run_free(&r);

	script_show(-EPERM);
	fake.calls[1].extack = "scanners are for admins";
	RUN(&r, &text_mode, "show");
	tap_ok(r.ret == 1 && !r.out[0] && !strcmp(r.err, "Error: scanners are for admins.\n"),
	       "show: a failed scanner dump fails show");
	run_free(&r);

	script_scanners();
	RUN(&r, &text_mode, "show", "scanner");
	tap_ok(r.ret == 0 && !r.err[0] && !strncmp(r.out, "scanner ids bridge ", 19) &&
	       strstr(r.out, "\n\tsub 4 cap dns rights read snaplen 96 matches 0\n"
			     "scanner probe bridge ") && !strstr(r.out, "bridge br0 host"),
	       "show scanner: only scanners");
	tap_ok(sent(0, SIS_CMD_GET_SCANNER, tb, &flags) && fake.next == 1,
	       "show scanner: one dump");
	run_free(&r);

	script_scanners();
	RUN(&r, &text_mode, "show", "scanners", "probe");
	tap_ok(r.ret == 0 && !strncmp(r.out, "scanner probe bridge ", 21) &&
	       !strstr(r.out, "ids"), "show scanners NAME: that one");
	run_free(&r);

	script_scanners();
	RUN(&r, &text_mode, "scanner", "show", "probe");
	tap_ok(r.ret == 0 && !strncmp(r.out, "scanner probe bridge ", 21) &&
	       !strstr(r.out, "ids"), "scanner show NAME: the same");
	run_free(&r);

	script_scanners();
	RUN(&r, &text_mode, "show", "scanner", "nosuch");
	tap_ok(r.ret == 1 && !r.out[0] && !strcmp(r.err, "Error: no scanner \"nosuch\".\n"),
	       "show scanner NAME: unknown name");
	run_free(&r);

	script_scanners();
	RUN(&r, &json_mode, "show", "scanner");
	j = json_loads(r.out, 0, &e);
	tap_ok(r.ret == 0 && json_array_size(j) == 2 &&
	       !strcmp(json_string_value(json_object_get(json_array_get(j, 1), "name")),
		       "probe") &&
	       json_is_null(json_object_get(json_array_get(j, 1), "pid")),
	       "show scanner -j: an array of scanners");
	json_decref(j);
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &json_mode, "show", "scanner");
	tap_ok(r.ret == 0 && !strcmp(r.out, "[]\n"), "show scanner -j: none is []");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EOPNOTSUPP;
	RUN(&r, &text_mode, "show", "scanner");
	tap_ok(r.ret == 1 && !strcmp(r.err,
		"Error: this sis module has no scanners (Operation not supported).\n"),
	       "show scanner: module without scanners");
	run_free(&r);

	RUN(&r, &text_mode, "show", "scanner", "help");
	tap_ok(r.ret == 0 && !strncmp(r.out, "Usage: sisctl show", 18),
	       "show scanner help: usage on stdout");
	run_free(&r);
	RUN(&r, &text_mode, "show", "scanner", "a", "b");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl show", 18),
	       "show scanner: usage");
	run_free(&r);
	fake_reset();
}

TAP_SUITE(cmd_monitor)
{
	struct run r;

	fake_start();
	RUN(&r, &text_mode, "monitor", "help");
	tap_ok(r.ret == 0 && !strncmp(r.out, "Usage: sisctl monitor", 21) &&
	       fake.opened == 0, "monitor help: usage on stdout");
	run_free(&r);
	RUN(&r, &text_mode, "monitor", "--count", "0");
	tap_ok(r.ret == 1 && !strcmp(r.err,
		"Error: invalid count \"0\": use 1 to 4294967295.\n") && fake.opened == 0,
	       "monitor: bad count, nothing opened");
	run_free(&r);
	RUN(&r, &text_mode, "monitor", "--pcap");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: --pcap needs a value.\n"),
	       "monitor: --pcap without a file");
	run_free(&r);
	RUN(&r, &text_mode, "monitor", "-j", "configs");
	tap_ok(r.ret == 1 && !r.out[0] && !strcmp(r.err,
		"Error: unknown group \"configs\": alerts, config or all.\n") &&
	       fake.opened == 0, "monitor: unknown group, nothing opened");
	run_free(&r);
	fake.open_error = -ENOENT;
	RUN(&r, &json_mode, "monitor", "--count", "1");
	tap_ok(r.ret == 1 && !r.out[0] && !strcmp(r.err, "Error: sis module not loaded.\n"),
	       "monitor: module not loaded");
	run_free(&r);
	fake_reset();
}
