// SPDX-License-Identifier: GPL-2.0
/* sisctl argument parsing and error lines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sisctl.h"
#include "tap.h"

TAP_SUITE(args_dir)
{
	static const struct {
		const char *word;
		int ret;
		uint8_t dir;
	} cases[] = {
		{ "in", 0, SIS_DIR_IN },
		{ "out", 0, SIS_DIR_OUT },
		{ "any", 0, SIS_DIR_ANY },
		{ "", -1, 0 },
		{ "IN", -1, 0 },
		{ "inn", -1, 0 },
		{ "both", -1, 0 },
		{ "ou", -1, 0 },
	};
	static const struct {
		uint8_t dir;
		const char *name;
	} names[] = {
		{ SIS_DIR_IN, "in" },
		{ SIS_DIR_OUT, "out" },
		{ SIS_DIR_ANY, "any" },
		{ 0, "unknown" },
		{ 7, "unknown" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t dir = 0xff;
		int r = parse_dir(cases[i].word, &dir);

		tap_ok(r == cases[i].ret && (r || dir == cases[i].dir),
		       "parse_dir \"%s\"", cases[i].word);
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		tap_streq(dir_name(names[i].dir), names[i].name,
		       "dir_name %u is %s", names[i].dir, names[i].name);
}

TAP_SUITE(args_id)
{
	static const struct {
		const char *s;
		int ret;
		uint32_t v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "1", 0, 1 },
		{ "42", 0, 42 },
		{ "007", 0, 7 },
		{ "4294967295", 0, UINT32_MAX },
		{ "4294967296", -1, 0 },
		{ "99999999999999999999999", -1, 0 },
		{ "", -1, 0 },
		{ "-1", -1, 0 },
		{ "+1", -1, 0 },
		{ " 1", -1, 0 },
		{ "1 ", -1, 0 },
		{ "0x10", -1, 0 },
		{ "12a", -1, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t v = 12345;
		int r = parse_u32(cases[i].s, &v);

		tap_ok(r == cases[i].ret && (r || v == cases[i].v),
		       "parse_u32 \"%s\"", cases[i].s);
	}
}

TAP_SUITE(args_join)
{
	static const struct {
		int argc;
		const char *argv[6];
		const char *want;
	} cases[] = {
		{ 0, { NULL }, "" },
		{ 1, { "udp" }, "udp" },
		{ 4, { "udp", "dst", "port", "9999" }, "udp dst port 9999" },
		{ 1, { "udp dst port 9999" }, "udp dst port 9999" },
		{ 2, { "udp dst", "port 53" }, "udp dst port 53" },
		{ 3, { "tcp[13]", "&", "2 != 0" }, "tcp[13] & 2 != 0" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = join_args(cases[i].argc, (char *const *)cases[i].argv);

		tap_ok(s && !strcmp(s, cases[i].want), "join_args \"%s\"",
		       cases[i].want);
		free(s);
	}
}

TAP_SUITE(args_prevent_add)
{
	enum { OK, USAGE, ERROR, NO_VALUE };
	static const struct {
		const char *name;
		int argc;
		const char *argv[8];
		int want;
		uint8_t dir;
		const char *expr;
	} cases[] = {
		{ "filter only", 2, { "br0", "udp" }, OK, SIS_DIR_ANY, "udp" },
		{ "words joined", 5, { "br0", "udp", "dst", "port", "9999" }, OK,
		  SIS_DIR_ANY, "udp dst port 9999" },
		{ "dir out", 7, { "br0", "dir", "out", "udp", "dst", "port", "9999" },
		  OK, SIS_DIR_OUT, "udp dst port 9999" },
		{ "dir in, quoted", 4, { "br0", "dir", "in", "udp dst port 53" }, OK,
		  SIS_DIR_IN, "udp dst port 53" },
		{ "dir any", 4, { "br0", "dir", "any", "tcp" }, OK, SIS_DIR_ANY, "tcp" },
		{ "dir only after the bridge", 4, { "br0", "udp", "dir", "out" }, OK,
		  SIS_DIR_ANY, "udp dir out" },
		{ "nothing", 0, { NULL }, USAGE, 0, NULL },
		{ "no filter", 1, { "br0" }, USAGE, 0, NULL },
		{ "dir without value", 2, { "br0", "dir" }, NO_VALUE, 0, NULL },
		{ "dir without filter", 3, { "br0", "dir", "out" }, USAGE, 0, NULL },
		{ "bad dir", 4, { "br0", "dir", "up", "udp" }, ERROR, 0, NULL },
		{ "dir is case sensitive", 4, { "br0", "dir", "OUT", "udp" }, ERROR,
		  0, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct prevent_add_args a;
		char err[256];
		int r = prevent_add_parse(cases[i].argc, (char *const *)cases[i].argv,
					  &a, err, sizeof(err));
		bool good;

		switch (cases[i].want) {
		case OK:
			good = !r && !strcmp(a.bridge, "br0") &&
			       a.dir == cases[i].dir && a.expr &&
			       !strcmp(a.expr, cases[i].expr);
			break;
		case USAGE:
			good = r < 0 && !err[0];
			break;
		case NO_VALUE:
			good = r < 0 && !strcmp(err, "\"dir\" needs a value");
			break;
		default:
			good = r < 0 && strstr(err, cases[i].argv[2]);
			break;
		}
		tap_ok(good, "prevent add: %s", cases[i].name);
		free(a.expr);
	}
}

TAP_SUITE(args_errline)
{
	static const struct {
		int err;
		const char *extack;
		const char *want;
	} cases[] = {
		{ -EPERM, "", "Error: Operation not permitted (sisctl needs CAP_NET_ADMIN)." },
		{ -EPERM, NULL, "Error: Operation not permitted (sisctl needs CAP_NET_ADMIN)." },
		{ -EPERM, "only in the init namespace", "Error: only in the init namespace." },
		{ -EINVAL, "bridge br0 has 3 ports", "Error: bridge br0 has 3 ports." },
		{ -EINVAL, "ends with a period.", "Error: ends with a period." },
		{ -ENOENT, "", "Error: No such file or directory." },
		{ -EEXIST, NULL, "Error: File exists." },
		{ 0, "", "" },
		{ 0, NULL, "" },
		{ 0, "filter is slow", "Warning: filter is slow." },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char line[512];
		int n = sisctl_errline(line, sizeof(line), cases[i].err,
				       cases[i].extack);

		tap_ok(!strcmp(line, cases[i].want) &&
		       n == (int)strlen(cases[i].want),
		       "errline %d \"%s\"", cases[i].err,
		       cases[i].extack ? cases[i].extack : "(null)");
	}
}

TAP_SUITE(args_ifindex)
{
	uint32_t i = 0;

	if (!if_nametoindex("lo")) {
		tap_skip("no lo here", "ifindex: lo");
		return;
	}
	tap_ok(!sisctl_ifindex("lo", &i) && i == if_nametoindex("lo"),
	       "ifindex: lo");
}
