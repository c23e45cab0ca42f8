// SPDX-License-Identifier: GPL-2.0
/* scanner, cap and inject: argument parsing, request messages, frame files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/if_ether.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <pcap/pcap.h>

#include "fixtures.h"
#include "tap.h"

enum { OK, USAGE, ERROR };

TAP_SUITE(scanner_args)
{
	static const struct {
		const char *name;
		int argc;
		const char *argv[16];
		int want;
		const char *err;	/* a part of the message */
	} cases[] = {
		{ "bridge and user", 5, { "ids", "bridge", "br0", "user", "root" }, OK, NULL },
		{ "any order", 5, { "ids", "user", "0", "bridge", "br0" }, OK, NULL },
		{ "everything", 15, { "ids", "bridge", "br0", "user", "root", "timeout",
		  "250", "fail", "open", "max-held", "16", "max-bytes", "65536",
		  "inject-rate", "5" }, OK, NULL },
		{ "inject-rate 0", 7, { "ids", "bridge", "br0", "user", "0",
		  "inject-rate", "0" }, ERROR,
		  "invalid inject-rate \"0\": use 1 to 100000 injections a second" },
		{ "inject-rate too big", 7, { "ids", "bridge", "br0", "user", "0",
		  "inject-rate", "100001" }, ERROR, "invalid inject-rate \"100001\"" },
		{ "nothing", 0, { NULL }, USAGE, NULL },
		{ "name only", 1, { "ids" }, ERROR, "missing \"bridge BRIDGE\"" },
		{ "no user", 3, { "ids", "bridge", "br0" }, ERROR, "missing \"user USER\"" },
		{ "no bridge", 3, { "ids", "user", "root" }, ERROR, "missing \"bridge BRIDGE\"" },
		{ "unknown word", 7, { "ids", "bridge", "br0", "user", "root", "color", "red" },
		  ERROR, "unknown argument \"color\"" },
		{ "word without value", 6, { "ids", "bridge", "br0", "user", "root", "timeout" },
		  ERROR, "\"timeout\" needs a value" },
		{ "twice", 7, { "ids", "bridge", "br0", "user", "root", "user", "0" },
		  ERROR, "\"user\" given twice" },
		{ "unknown user", 5, { "ids", "bridge", "br0", "user", "no-such-user-here" },
		  ERROR, "unknown user \"no-such-user-here\"" },
		{ "uid -1", 5, { "ids", "bridge", "br0", "user", "4294967295" },
		  ERROR, "unknown user \"4294967295\"" },
		{ "negative uid", 5, { "ids", "bridge", "br0", "user", "-1" },
		  ERROR, "unknown user \"-1\"" },
		{ "timeout 0", 7, { "ids", "bridge", "br0", "user", "0", "timeout", "0" },
		  ERROR, "invalid timeout \"0\": use 1 to 600000 milliseconds" },
		{ "timeout too long", 7, { "ids", "bridge", "br0", "user", "0", "timeout",
		  "600001" }, ERROR, "invalid timeout \"600001\"" },
		{ "timeout with a unit", 7, { "ids", "bridge", "br0", "user", "0", "timeout",
		  "1s" }, ERROR, "invalid timeout \"1s\"" },
		{ "bad fail", 7, { "ids", "bridge", "br0", "user", "0", "fail", "shut" },
		  ERROR, "invalid fail policy \"shut\": use open or closed" },
		{ "bad absent", 7, { "ids", "bridge", "br0", "user", "0", "absent", "block" },
		  ERROR, "invalid absent policy \"block\": use drop or pass" },
		{ "max-held 0", 7, { "ids", "bridge", "br0", "user", "0", "max-held", "0" },
		  ERROR, "invalid max-held \"0\"" },
		{ "max-held not a number", 7, { "ids", "bridge", "br0", "user", "0",
		  "max-held", "many" }, ERROR, "invalid max-held \"many\"" },
		{ "max-bytes under a frame", 7, { "ids", "bridge", "br0", "user", "0",
		  "max-bytes", "59" }, ERROR, "invalid max-bytes \"59\": use 60 to" },
		{ "max-bytes too big", 7, { "ids", "bridge", "br0", "user", "0",
		  "max-bytes", "4294967296" }, ERROR, "invalid max-bytes \"4294967296\"" },
		{ "name with a space", 5, { "my ids", "bridge", "br0", "user", "0" },
		  ERROR, "invalid scanner name \"my ids\"" },
		{ "name too long", 5, { "a23456789012345678901234567890123", "bridge", "br0",
		  "user", "0" }, ERROR, "invalid scanner name" },
		{ "empty name", 5, { "", "bridge", "br0", "user", "0" }, ERROR,
		  "invalid scanner name \"\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct scanner_add_args a;
		char err[256];
		int r = scanner_add_parse(cases[i].argc, (char *const *)cases[i].argv,
					  &a, err, sizeof(err));
		bool good;

		switch (cases[i].want) {
		case OK:
			good = !r && !strcmp(a.name, "ids") && !strcmp(a.bridge, "br0") &&
			       a.uid == 0;
			break;
		case USAGE:
			good = r < 0 && !err[0];
			break;
		default:
			good = r < 0 && strstr(err, cases[i].err);
			if (!good)
				tap_diag("got \"%s\"", err);
			break;
		}
		tap_ok(good, "scanner add: %s", cases[i].name);
	}

	{
		const char *argv[] = { "s.1_x-y", "bridge", "b", "user", "1000", "timeout",
				       "600000", "fail", "closed", "max-held", "1",
				       "max-bytes", "60", "inject-rate", "100000" };
		struct scanner_add_args a;
		char err[256];

		tap_ok(!scanner_add_parse(ARRAY_SIZE(argv), (char *const *)argv, &a, err,
					  sizeof(err)) &&
		       a.uid == 1000 && a.has_timeout && a.timeout_ms == 600000 &&
		       a.has_fail && a.fail == SIS_FAIL_CLOSED && a.has_max_held &&
		       a.max_held == 1 && a.has_max_bytes && a.max_bytes == 60 &&
		       a.has_inject_rate && a.inject_rate == 100000,
		       "scanner add: values at their limits");
	}
	{
		const char *argv[] = { "ids", "bridge", "br0", "user", "root" };
		struct scanner_add_args a;
		char err[256];

		tap_ok(!scanner_add_parse(ARRAY_SIZE(argv), (char *const *)argv, &a, err,
					  sizeof(err)) &&
		       !a.has_timeout && !a.has_fail && !a.has_max_held &&
		       !a.has_max_bytes && !a.has_inject_rate,
		       "scanner add: no option means kernel defaults");
	}
}

TAP_SUITE(scanner_user_rights_names)
{
	static const struct {
		const char *s;
		int ret;
		uint8_t rights;
	} rights[] = {
		{ "read", 0, SIS_RIGHT_READ },
		{ "read,contain", 0, SIS_RIGHT_READ | SIS_RIGHT_CONTAIN },
		{ "contain,read", 0, SIS_RIGHT_READ | SIS_RIGHT_CONTAIN },
		{ "contain", 0, SIS_RIGHT_CONTAIN },
		{ "write", -1, 0 },
		{ "read,write", -1, 0 },
		{ "read,", -1, 0 },
		{ ",read", -1, 0 },
		{ "", -1, 0 },
		{ "READ", -1, 0 },
		{ "read contain", -1, 0 },
	};
	static const struct {
		const char *name;
		bool valid;
	} names[] = {
		{ "ids", true }, { "A-b_c.9", true },
		{ "a234567890123456789012345678901", true },	/* 31 */
		{ "a234567890123456789012345678901X", false },	/* 32 */
		{ "", false }, { "a b", false }, { "a/b", false }, { "caf\xc3\xa9", false },
	};
	uint32_t uid = 7;

	tap_ok(!parse_user("root", &uid) && uid == 0, "user: root by name");
	tap_ok(!parse_user("1234", &uid) && uid == 1234, "user: a uid");
	tap_ok(parse_user("", &uid) < 0, "user: empty is refused");
	for (size_t i = 0; i < ARRAY_SIZE(rights); i++) {
		uint8_t r = 0xff;
		int ret = parse_rights(rights[i].s, &r);

		tap_ok(ret == rights[i].ret && (ret || r == rights[i].rights),
		       "rights \"%s\"", rights[i].s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		tap_eq(valid_name(names[i].name), names[i].valid, "name \"%s\" is %s",
		       names[i].name, names[i].valid ? "valid" : "refused");
	tap_ok(!strcmp(rights_name(SIS_RIGHT_READ), "read") &&
	       !strcmp(rights_name(SIS_RIGHT_READ | SIS_RIGHT_CONTAIN), "read,contain") &&
	       !strcmp(rights_name(0), "unknown"), "rights names");
	tap_ok(!strcmp(fail_name(SIS_FAIL_OPEN), "open") &&
	       !strcmp(fail_name(SIS_FAIL_CLOSED), "closed") &&
	       !strcmp(fail_name(9), "unknown"), "fail policy names");
}

TAP_SUITE(scanner_cap_args)
{
	static const struct {
		const char *name;
		int argc;
		const char *argv[10];
		int want;
		const char *err;
		uint8_t dir, rights;
		const char *expr;
	} cases[] = {
		{ "rights read", 6, { "ids", "web", "rights", "read", "tcp", "port 80" }, OK,
		  NULL, SIS_DIR_ANY, SIS_RIGHT_READ, "tcp port 80" },
		{ "dir and contain", 8, { "ids", "web", "dir", "in", "rights", "read,contain",
		  "tcp", "port 80" }, OK, NULL, SIS_DIR_IN,
		  SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, "tcp port 80" },
		{ "rights before dir", 7, { "ids", "web", "rights", "read", "dir", "out",
		  "arp" }, OK, NULL, SIS_DIR_OUT, SIS_RIGHT_READ, "arp" },
		{ "nothing", 0, { NULL }, USAGE, NULL, 0, 0, NULL },
		{ "scanner only", 1, { "ids" }, USAGE, NULL, 0, 0, NULL },
		{ "no rights", 3, { "ids", "web", "tcp" }, ERROR,
		  "missing \"rights read\" or \"rights read,contain\"", 0, 0, NULL },
		{ "no filter", 4, { "ids", "web", "rights", "read" }, ERROR, "missing FILTER", 0, 0, NULL },
		{ "contain alone", 5, { "ids", "web", "rights", "contain", "tcp" }, ERROR,
		  "invalid rights \"contain\": contain needs read, use read,contain", 0, 0, NULL },
		{ "write", 5, { "ids", "web", "rights", "write", "tcp" }, ERROR,
		  "invalid rights \"write\": use read or read,contain", 0, 0, NULL },
		{ "bad dir", 7, { "ids", "web", "dir", "both", "rights", "read", "tcp" },
		  ERROR, "invalid direction \"both\": use in, out or any", 0, 0, NULL },
		{ "dir twice", 9, { "ids", "web", "dir", "in", "dir", "out", "rights", "read",
		  "tcp" }, ERROR, "\"dir\" given twice", 0, 0, NULL },
		{ "rights without value", 3, { "ids", "web", "rights" }, ERROR,
		  "\"rights\" needs a value", 0, 0, NULL },
		{ "bad capability name", 5, { "ids", "we b", "rights", "read", "tcp" }, ERROR,
		  "invalid capability name \"we b\"", 0, 0, NULL },
		{ "bad scanner name", 5, { "i/ds", "web", "rights", "read", "tcp" }, ERROR,
		  "invalid scanner name \"i/ds\"", 0, 0, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cap_add_args a;
		char err[256];
		int r = cap_add_parse(cases[i].argc, (char *const *)cases[i].argv, &a,
				      err, sizeof(err));
		bool good;

		switch (cases[i].want) {
		case OK:
			good = !r && !strcmp(a.scanner, "ids") && !strcmp(a.name, "web") &&
			       a.dir == cases[i].dir && a.rights == cases[i].rights &&
			       a.expr && !strcmp(a.expr, cases[i].expr);
			break;
		case USAGE:
			good = r < 0 && !err[0];
			break;
		default:
			good = r < 0 && strstr(err, cases[i].err);
			if (!good)
				tap_diag("got \"%s\"", err);
			break;
		}
		tap_ok(good, "cap add: %s", cases[i].name);
		free(a.expr);
	}
}

TAP_SUITE(scanner_inject_args)
{
	static const struct {
		const char *name;
		int argc;
		const char *argv[8];
		int want;
		const char *err;
		uint8_t dir;
		uint8_t kind;
	} cases[] = {
		{ "id and file", 3, { "ids", "7", "rst.bin" }, OK, NULL, SIS_DIR_ANY,
		  SIS_INJECT_FRAME },
		{ "dir out", 5, { "ids", "7", "rst.bin", "dir", "out" }, OK, NULL, SIS_DIR_OUT,
		  SIS_INJECT_FRAME },
		{ "frame, said", 4, { "ids", "7", "rst.bin", "frame" }, OK, NULL, SIS_DIR_ANY,
		  SIS_INJECT_FRAME },
		{ "stream", 4, { "ids", "7", "rst.bin", "stream" }, OK, NULL, SIS_DIR_ANY,
		  SIS_INJECT_STREAM },
		{ "stream dir in", 6, { "ids", "7", "rst.bin", "stream", "dir", "in" }, OK,
		  NULL, SIS_DIR_IN, SIS_INJECT_STREAM },
		{ "dir out stream", 6, { "ids", "7", "rst.bin", "dir", "out", "stream" }, OK,
		  NULL, SIS_DIR_OUT, SIS_INJECT_STREAM },
		{ "frame and stream", 5, { "ids", "7", "rst.bin", "frame", "stream" }, ERROR,
		  "an injection is a frame or stream bytes: give \"frame\" or \"stream\", not both", 0, 0 },
		{ "stream twice", 5, { "ids", "7", "rst.bin", "stream", "stream" }, ERROR,
		  "\"stream\" given twice", 0, 0 },
		{ "stream where the file goes", 3, { "ids", "7", "stream" }, OK, NULL,
		  SIS_DIR_ANY, SIS_INJECT_FRAME },
		{ "nothing", 0, { NULL }, USAGE, NULL, 0, 0 },
		{ "no file", 2, { "ids", "7" }, USAGE, NULL, 0, 0 },
		{ "bad id", 3, { "ids", "seven", "rst.bin" }, ERROR,
		  "invalid injection id \"seven\"", 0, 0 },
		{ "negative id", 3, { "ids", "-1", "rst.bin" }, ERROR,
		  "invalid injection id \"-1\"", 0, 0 },
		{ "bad dir", 5, { "ids", "7", "rst.bin", "dir", "sideways" }, ERROR,
		  "invalid direction \"sideways\"", 0, 0 },
		{ "dir without value", 4, { "ids", "7", "rst.bin", "dir" }, ERROR,
		  "\"dir\" needs a value", 0, 0 },
		{ "unknown word", 5, { "ids", "7", "rst.bin", "via", "eth0" }, ERROR,
		  "unknown argument \"via\"", 0, 0 },
		{ "trailing word", 6, { "ids", "7", "rst.bin", "dir", "in", "now" }, ERROR,
		  "unknown argument \"now\"", 0, 0 },
		{ "bad scanner name", 3, { "", "7", "rst.bin" }, ERROR,
		  "invalid scanner name \"\"", 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct inject_add_args a;
		char err[256];
		int r = inject_add_parse(cases[i].argc, (char *const *)cases[i].argv, &a,
					 err, sizeof(err));
		bool good;

		switch (cases[i].want) {
		case OK:
			good = !r && !strcmp(a.scanner, "ids") && a.id == 7 &&
			       !strcmp(a.file, cases[i].argv[2]) && a.dir == cases[i].dir &&
			       a.kind == cases[i].kind;
			break;
		case USAGE:
			good = r < 0 && !err[0];
			break;
		default:
			good = r < 0 && strstr(err, cases[i].err);
			if (!good)
				tap_diag("got \"%s\"", err);
			break;
		}
		tap_ok(good, "inject add: %s", cases[i].name);
	}
}

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, cmd, SIS_GENL_VERSION);
	return msg;
}

static int count_attrs(struct nlattr *head, int len)
{
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_attr(a, head, len, rem)
		n++;
	return n;
}

static int count_top(struct nl_msg *msg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));

	return count_attrs(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0));
}

static int count_nest(struct nlattr *nest)
{
	return count_attrs(nla_data(nest), nla_len(nest));
}

/* The top-level attributes, as strict kernel validation sees them. */
static bool parse_top(struct nl_msg *msg, struct nlattr **tb)
{
	return !genlmsg_parse(nlmsg_hdr(msg), 0, tb, SIS_A_MAX, NULL);
}

static bool nested(struct nlattr *a)
{
	return a && (a->nla_type & NLA_F_NESTED);
}

static bool str_is(struct nlattr *a, const char *s)
{
	return a && nla_len(a) == (int)strlen(s) + 1 && !strcmp(nla_data(a), s);
}

static bool u32_is(struct nlattr *a, uint32_t v)
{
	return a && nla_len(a) == 4 && nla_get_u32(a) == v;
}

static bool u8_is(struct nlattr *a, uint8_t v)
{
	return a && nla_len(a) == 1 && nla_get_u8(a) == v;
}

/* SIS_A_SCANNER holding only SIS_SCANNER_A_NAME. */
static bool scanner_ref(struct nlattr **tb, const char *name)
{
	struct nlattr *stb[SIS_SCANNER_A_MAX + 1];

	return nested(tb[SIS_A_SCANNER]) &&
	       !nla_parse_nested(stb, SIS_SCANNER_A_MAX, tb[SIS_A_SCANNER], NULL) &&
	       count_nest(tb[SIS_A_SCANNER]) == 1 &&
	       str_is(stb[SIS_SCANNER_A_NAME], name);
}

TAP_SUITE(scanner_msgs)
{
	struct nlattr *tb[SIS_A_MAX + 1], *stb[SIS_SCANNER_A_MAX + 1];
	struct scanner_add_args a = {
		.name = "ids", .uid = 1000, .has_timeout = true, .timeout_ms = 250,
		.has_fail = true, .fail = SIS_FAIL_OPEN, .has_max_held = true,
		.max_held = 16, .has_max_bytes = true, .max_bytes = 65536,
		.has_inject_rate = true, .inject_rate = 5,
	};
	struct nl_msg *msg;
	bool good;

	msg = new_msg(SIS_CMD_SCANNER_ADD);
	good = !scanner_add_fill(msg, &a, 5) && parse_top(msg, tb) &&
	       count_top(msg) == 2 && u32_is(tb[SIS_A_IFINDEX], 5) &&
	       nested(tb[SIS_A_SCANNER]) &&
	       !nla_parse_nested(stb, SIS_SCANNER_A_MAX, tb[SIS_A_SCANNER], NULL);
	tap_ok(good, "scanner add: ifindex and nested scanner");
	tap_ok(good && count_nest(tb[SIS_A_SCANNER]) == 7 &&
	       str_is(stb[SIS_SCANNER_A_NAME], "ids") &&
	       u32_is(stb[SIS_SCANNER_A_UID], 1000) &&
	       u32_is(stb[SIS_SCANNER_A_TIMEOUT_MS], 250) &&
	       u8_is(stb[SIS_SCANNER_A_FAIL], SIS_FAIL_OPEN) &&
	       u32_is(stb[SIS_SCANNER_A_MAX_HELD], 16) &&
	       u32_is(stb[SIS_SCANNER_A_MAX_BYTES], 65536) &&
	       u32_is(stb[SIS_SCANNER_A_INJECT_RATE], 5),
	       "scanner add: every option");
	nlmsg_free(msg);

	a.has_timeout = a.has_fail = a.has_max_held = a.has_max_bytes = false;
	a.has_inject_rate = false;
	msg = new_msg(SIS_CMD_SCANNER_ADD);
	good = !scanner_add_fill(msg, &a, 5) && parse_top(msg, tb) &&
	       !nla_parse_nested(stb, SIS_SCANNER_A_MAX, tb[SIS_A_SCANNER], NULL) &&
	       count_nest(tb[SIS_A_SCANNER]) == 2 &&
	       str_is(stb[SIS_SCANNER_A_NAME], "ids") &&
	       u32_is(stb[SIS_SCANNER_A_UID], 1000);
	tap_ok(good, "scanner add: only name and uid without options");
	nlmsg_free(msg);

	msg = new_msg(SIS_CMD_SCANNER_DEL);
	tap_ok(!scanner_del_fill(msg, "ids") && parse_top(msg, tb) &&
	       count_top(msg) == 1 && scanner_ref(tb, "ids"),
	       "scanner del: the name only");
	nlmsg_free(msg);
}

TAP_SUITE(scanner_cap_inject_msgs)
{
	struct nlattr *tb[SIS_A_MAX + 1], *ctb[SIS_CAP_A_MAX + 1];
	struct nlattr *itb[SIS_INJECT_A_MAX + 1];
	struct sock_filter *f = NULL;
	unsigned char frame[ETH_ZLEN];
	struct nl_msg *msg;
	unsigned int len = 0;
	char err[256];
	bool good;

	if (filter_compile("tcp port 80", &f, &len, err, sizeof(err)) < 0) {
		tap_ok(false, "cap add: filter compiles");
		tap_diag("%s", err);
		return;
	}
	msg = new_msg(SIS_CMD_CAP_ADD);
	good = !cap_add_fill(msg, "ids", "web", SIS_DIR_IN,
			     SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, f, len, "tcp port 80") &&
	       parse_top(msg, tb) && count_top(msg) == 2 && scanner_ref(tb, "ids") &&
	       nested(tb[SIS_A_CAP]) &&
	       !nla_parse_nested(ctb, SIS_CAP_A_MAX, tb[SIS_A_CAP], NULL);
	tap_ok(good, "cap add: scanner and nested capability");
	tap_ok(good && count_nest(tb[SIS_A_CAP]) == 5 &&
	       str_is(ctb[SIS_CAP_A_NAME], "web") && u8_is(ctb[SIS_CAP_A_DIR], SIS_DIR_IN) &&
	       u8_is(ctb[SIS_CAP_A_RIGHTS], SIS_RIGHT_READ | SIS_RIGHT_CONTAIN) &&
	       str_is(ctb[SIS_CAP_A_EXPR], "tcp port 80") && ctb[SIS_CAP_A_BPF] &&
	       nla_len(ctb[SIS_CAP_A_BPF]) == (int)(len * sizeof(*f)) &&
	       !memcmp(nla_data(ctb[SIS_CAP_A_BPF]), f, len * sizeof(*f)),
	       "cap add: name, dir, rights, program and filter text");
	nlmsg_free(msg);
	free(f);

	msg = new_msg(SIS_CMD_CAP_DEL);
	good = !cap_del_fill(msg, "ids", "web") && parse_top(msg, tb) &&
	       count_top(msg) == 2 && scanner_ref(tb, "ids") && nested(tb[SIS_A_CAP]) &&
	       !nla_parse_nested(ctb, SIS_CAP_A_MAX, tb[SIS_A_CAP], NULL) &&
	       count_nest(tb[SIS_A_CAP]) == 1 && str_is(ctb[SIS_CAP_A_NAME], "web");
	tap_ok(good, "cap del: scanner and capability name");
	nlmsg_free(msg);

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (unsigned char)i;
	msg = new_msg(SIS_CMD_INJECT_ADD);
	good = !inject_add_fill(msg, "ids", 7, SIS_DIR_OUT, frame, sizeof(frame)) &&
	       parse_top(msg, tb) && count_top(msg) == 2 && scanner_ref(tb, "ids") &&
	       nested(tb[SIS_A_INJECT]) &&
	       !nla_parse_nested(itb, SIS_INJECT_A_MAX, tb[SIS_A_INJECT], NULL) &&
	       count_nest(tb[SIS_A_INJECT]) == 3 && u32_is(itb[SIS_INJECT_A_ID], 7) &&
	       u8_is(itb[SIS_INJECT_A_DIR], SIS_DIR_OUT) && itb[SIS_INJECT_A_FRAME] &&
	       nla_len(itb[SIS_INJECT_A_FRAME]) == ETH_ZLEN &&
	       !memcmp(nla_data(itb[SIS_INJECT_A_FRAME]), frame, ETH_ZLEN);
	tap_ok(good && !itb[SIS_INJECT_A_KIND] && !itb[SIS_INJECT_A_DATA],
	       "inject add: id, dir and the whole frame");
	nlmsg_free(msg);

	msg = new_msg(SIS_CMD_INJECT_ADD);
	good = !inject_add_stream_fill(msg, "ids", 8, SIS_DIR_IN, "HELO x\r\n", 8) &&
	       parse_top(msg, tb) && count_top(msg) == 2 && scanner_ref(tb, "ids") &&
	       nested(tb[SIS_A_INJECT]) &&
	       !nla_parse_nested(itb, SIS_INJECT_A_MAX, tb[SIS_A_INJECT], NULL) &&
	       count_nest(tb[SIS_A_INJECT]) == 4 && u32_is(itb[SIS_INJECT_A_ID], 8) &&
	       u8_is(itb[SIS_INJECT_A_DIR], SIS_DIR_IN) &&
	       u8_is(itb[SIS_INJECT_A_KIND], SIS_INJECT_STREAM) &&
	       itb[SIS_INJECT_A_DATA] && nla_len(itb[SIS_INJECT_A_DATA]) == 8 &&
	       !memcmp(nla_data(itb[SIS_INJECT_A_DATA]), "HELO x\r\n", 8) &&
	       !itb[SIS_INJECT_A_FRAME];
	tap_ok(good, "inject add stream: id, dir, kind and the bytes as data");
	nlmsg_free(msg);

	/* The largest block fits in its nest with every attribute. */
	{
		/* One more than a nest with an id, dir and kind carries. */
		static unsigned char big[65501];

		msg = nlmsg_alloc_size(1 << 17);
		genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, SIS_CMD_INJECT_ADD,
			    SIS_GENL_VERSION);
		good = !inject_add_stream_fill(msg, "ids", 9, SIS_DIR_ANY, big,
					       SIS_INJECT_STREAM_MAX) &&
		       parse_top(msg, tb) &&
		       !nla_parse_nested(itb, SIS_INJECT_A_MAX, tb[SIS_A_INJECT], NULL) &&
		       itb[SIS_INJECT_A_DATA] &&
		       nla_len(itb[SIS_INJECT_A_DATA]) == SIS_INJECT_STREAM_MAX;
		tap_ok(good, "inject add stream: %d bytes fit", SIS_INJECT_STREAM_MAX);
		nlmsg_free(msg);
		msg = nlmsg_alloc_size(1 << 17);
		genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, SIS_CMD_INJECT_ADD,
			    SIS_GENL_VERSION);
		tap_ok(inject_add_stream_fill(msg, "ids", 9, SIS_DIR_ANY, big,
					      sizeof(big)) < 0,
		       "inject add stream: the nest carries no more than 65500 bytes");
		nlmsg_free(msg);
	}

	msg = new_msg(SIS_CMD_INJECT_DEL);
	good = !inject_del_fill(msg, "ids", 7) && parse_top(msg, tb) &&
	       count_top(msg) == 2 && scanner_ref(tb, "ids") &&
	       !nla_parse_nested(itb, SIS_INJECT_A_MAX, tb[SIS_A_INJECT], NULL) &&
	       count_nest(tb[SIS_A_INJECT]) == 1 && u32_is(itb[SIS_INJECT_A_ID], 7);
	tap_ok(good, "inject del: scanner and id");
	nlmsg_free(msg);
}

/* A temporary file holding n bytes 0, 1, 2, ...; its path in path. */
static bool raw_file(char *path, size_t n)
{
	int fd;

	strcpy(path, "/tmp/sisctl-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)i;

		if (write(fd, &c, 1) != 1) {
			close(fd);
			return false;
		}
	}
	close(fd);
	return true;
}

/* A pcap file with the given records (caplen bytes of i, len) and link type. */
static bool write_pcap(char *path, int dlt, const size_t *caplen,
		      const size_t *len, int n)
{
	unsigned char data[2048];
	pcap_dumper_t *d;
	pcap_t *p;
	int fd;

	strcpy(path, "/tmp/sisctl-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	close(fd);
	p = pcap_open_dead(dlt, 65535);
	d = p ? pcap_dump_open(p, path) : NULL;
	if (!d) {
		if (p)
			pcap_close(p);
		return false;
	}
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)i;
	for (int i = 0; i < n; i++) {
		struct pcap_pkthdr h = {
			.ts = { 1000 + i, 0 },
			.caplen = (bpf_u_int32)caplen[i],
			.len = (bpf_u_int32)len[i],
		};

		data[0] = (unsigned char)(0x10 + i);
		pcap_dump((u_char *)d, &h, data);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return true;
}

TAP_SUITE(scanner_inject_stream_file)
{
	static const struct {
		const char *name;
		size_t n;
		bool ok;
		const char *err;
	} raw[] = {
		{ "empty", 0, false, "is empty; a stream injection is 1 to 65000 bytes" },
		{ "1 byte", 1, true, NULL },
		{ "1518 bytes", 1518, true, NULL },
		{ "65000 bytes", 65000, true, NULL },
		{ "65001 bytes", 65001, false,
		  "holds 65001 bytes; a stream injection is 1 to 65000 bytes" },
		{ "100000 bytes", 100000, false, "holds 100000 bytes" },
	};
	static unsigned char buf[SIS_INJECT_STREAM_MAX];
	char path[64], err[512];
	size_t len;

	for (size_t i = 0; i < ARRAY_SIZE(raw); i++) {
		bool good;
		int r;

		if (!raw_file(path, raw[i].n)) {
			tap_ok(false, "stream file: %s (cannot write a file)", raw[i].name);
			continue;
		}
		len = 0;
		err[0] = '\0';
		r = inject_read_stream(path, buf, &len, err, sizeof(err));
		if (raw[i].ok)
			good = !r && len == raw[i].n && buf[0] == 0 &&
			       buf[len - 1] == (unsigned char)(len - 1);
		else
			good = r < 0 && strstr(err, raw[i].err) && strstr(err, path);
		if (!good)
			tap_diag("%s", err);
		tap_ok(good, "stream file: %s", raw[i].name);
		unlink(path);
	}

	tap_ok(inject_read_stream("/nonexistent/block", buf, &len, err,
				  sizeof(err)) < 0 &&
	       !strcmp(err, "cannot open \"/nonexistent/block\": No such file or directory"),
	       "stream file: missing file");

	/* Bytes are bytes: a capture file's are taken as they are. */
	{
		const size_t cap[] = { 74 }, wire[] = { 74 };
		struct stat st;

		len = 0;
		tap_ok(write_pcap(path, DLT_EN10MB, cap, wire, 1) && !stat(path, &st) &&
		       !inject_read_stream(path, buf, &len, err, sizeof(err)) &&
		       len == (size_t)st.st_size && len > 74,
		       "stream file: a pcap file, whole");
		unlink(path);
	}
}

TAP_SUITE(scanner_inject_file)
{
	static const struct {
		const char *name;
		size_t n;
		bool ok;
		const char *err;
	} raw[] = {
		{ "empty", 0, false, "holds 0 bytes; an injected frame is 60 to 1518 bytes" },
		{ "59 bytes", 59, false, "holds 59 bytes; an injected frame is 60 to 1518" },
		{ "60 bytes", 60, true, NULL },
		{ "1518 bytes", 1518, true, NULL },
		{ "1519 bytes", 1519, false, "holds 1519 bytes; an injected frame is 60" },
		{ "9000 bytes", 9000, false, "holds 9000 bytes" },
	};
	unsigned char frame[SIS_INJECT_FRAME_MAX];
	char path[64], err[512];
	size_t len;

	for (size_t i = 0; i < ARRAY_SIZE(raw); i++) {
		bool good;
		int r;

		if (!raw_file(path, raw[i].n)) {
			tap_ok(false, "inject file: %s (cannot write a file)", raw[i].name);
			continue;
		}
		len = 0;
		err[0] = '\0';
		r = inject_read_frame(path, frame, &len, err, sizeof(err));
		if (raw[i].ok)
			good = !r && len == raw[i].n && frame[0] == 0 &&
			       frame[len - 1] == (unsigned char)(len - 1);
		else
			good = r < 0 && strstr(err, raw[i].err) && strstr(err, path);
		if (!good)
			tap_diag("%s", err);
		tap_ok(good, "inject file: raw, %s", raw[i].name);
		unlink(path);
	}

	tap_ok(inject_read_frame("/nonexistent/frame", frame, &len, err,
				 sizeof(err)) < 0 &&
	       !strcmp(err, "cannot open \"/nonexistent/frame\": No such file or directory"),
	       "inject file: missing file");

	{
		const size_t cap[] = { 74, 60 }, wire[] = { 74, 60 };

		len = 0;
		tap_ok(write_pcap(path, DLT_EN10MB, cap, wire, 2) &&
		       !inject_read_frame(path, frame, &len, err, sizeof(err)) &&
		       len == 74 && frame[0] == 0x10 && frame[73] == 73,
		       "inject file: pcap, the first packet");
		unlink(path);
	}
	{
		const size_t cap[] = { 40 }, wire[] = { 100 };

		tap_ok(write_pcap(path, DLT_EN10MB, cap, wire, 1) &&
		       inject_read_frame(path, frame, &len, err, sizeof(err)) < 0 &&
		       strstr(err, "is truncated: 40 of its 100 bytes were captured"),
		       "inject file: pcap, truncated packet");
		unlink(path);
	}
	{
		const size_t cap[] = { 42 }, wire[] = { 42 };

		tap_ok(write_pcap(path, DLT_EN10MB, cap, wire, 1) &&
		       inject_read_frame(path, frame, &len, err, sizeof(err)) < 0 &&
		       strstr(err, "has 42 bytes; an injected frame is 60 to 1518"),
		       "inject file: pcap, short packet");
		unlink(path);
	}
	{
		const size_t cap[] = { 2000 }, wire[] = { 2000 };

		tap_ok(write_pcap(path, DLT_EN10MB, cap, wire, 1) &&
		       inject_read_frame(path, frame, &len, err, sizeof(err)) < 0 &&
		       strstr(err, "has 2000 bytes"), "inject file: pcap, long packet");
		unlink(path);
	}
	tap_ok(write_pcap(path, DLT_EN10MB, NULL, NULL, 0) &&
	       inject_read_frame(path, frame, &len, err, sizeof(err)) < 0 &&
	       strstr(err, "holds no packet"), "inject file: pcap without packets");
	unlink(path);
	{
		const size_t cap[] = { 60 }, wire[] = { 60 };

		tap_ok(write_pcap(path, DLT_RAW, cap, wire, 1) &&
		       inject_read_frame(path, frame, &len, err, sizeof(err)) < 0 &&
		       strstr(err, "is not an Ethernet capture"),
		       "inject file: pcap of another link type");
		unlink(path);
	}
}
