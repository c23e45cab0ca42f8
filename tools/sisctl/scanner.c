// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl scanner add NAME bridge BRIDGE user USER [timeout MS]
 *                    [fail open|closed] [absent drop|pass]
 *                    [max-held FRAMES] [max-bytes BYTES]
 *                    [inject-rate N]
 * sisctl scanner del NAME
 * sisctl scanner show [NAME]
 */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <linux/if_ether.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "sisctl.h"

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: sisctl scanner add NAME bridge BRIDGE user USER [timeout MS]\n"
		"                          [fail open|closed] [absent drop|pass]\n"
		"                          [max-held FRAMES] [max-bytes BYTES]\n"
		"                          [inject-rate N]\n"
		"       sisctl scanner del NAME\n"
		"       sisctl scanner show [NAME]\n"
		"USER (a name or a uid) is who the scanner process runs as. Defaults:\n"
		"timeout %d (ms to wait for a verdict), fail %s, absent drop when it fails\n"
		"closed and pass when it fails open, max-held %d, max-bytes %d,\n"
		"inject-rate %d (registered frames it may inject a second).\n",
		SIS_TIMEOUT_MS_DEFAULT, fail_name(SIS_FAIL_CLOSED),
		SIS_MAX_HELD_DEFAULT, SIS_MAX_BYTES_DEFAULT, SIS_INJECT_RATE);
	return f == stdout ? 0 : 1;
}

/* A user name, else a numeric uid, as chown(1) reads them. */
int parse_user(const char *s, uint32_t *uid)
{
	struct passwd *pw = s[0] ? getpwnam(s) : NULL;

	if (pw) {
		*uid = pw->pw_uid;
		return 0;
	}
	/* (uid_t)-1 is "no user" to the kernel. */
	if (parse_u32(s, uid) < 0 || *uid == UINT32_MAX)
		return -1;
	return 0;
}

enum {
	KW_BRIDGE, KW_USER, KW_TIMEOUT, KW_FAIL, KW_ABSENT, KW_MAX_HELD,
	KW_MAX_BYTES, KW_INJECT_RATE, KW_COUNT
};

static const char *const fail_words[] = { "open", "closed", NULL };
static const uint32_t fail_values[] = { SIS_FAIL_OPEN, SIS_FAIL_CLOSED };
static const char *const absent_words[] = { "drop", "pass", NULL };
static const uint32_t absent_values[] = { SIS_ABSENT_DROP, SIS_ABSENT_PASS };

static const struct arg add_args[KW_COUNT] = {
	[KW_BRIDGE] = { .key = "bridge", .kind = ARG_STRING },
	[KW_USER] = { .key = "user", .kind = ARG_USER },
	[KW_TIMEOUT] = { .key = "timeout", .kind = ARG_U32, .lo = 1,
			 .hi = SIS_TIMEOUT_MS_MAX, .unit = "milliseconds" },
	[KW_FAIL] = { .key = "fail", .kind = ARG_CHOICE, .what = "fail policy",
		      .choices = fail_words, .values = fail_values },
	[KW_ABSENT] = { .key = "absent", .kind = ARG_CHOICE, .what = "absent policy",
			.choices = absent_words, .values = absent_values },
	[KW_MAX_HELD] = { .key = "max-held", .kind = ARG_U32, .lo = 1, .hi = UINT32_MAX,
			  .unit = "frames" },
	/* Room for one frame at least. */
	[KW_MAX_BYTES] = { .key = "max-bytes", .kind = ARG_U32, .lo = ETH_ZLEN,
			   .hi = UINT32_MAX, .unit = "bytes" },
	[KW_INJECT_RATE] = { .key = "inject-rate", .kind = ARG_U32, .lo = 1,
			     .hi = SIS_INJECT_RATE_MAX,
			     .unit = "injections a second" },
};

/*
 * argv: NAME then keyword and value pairs, in any order, each once. On
 * error returns -1 with a message in err, or with err empty when only the
 * usage applies.
 */
int scanner_add_parse(int argc, char *const argv[], struct scanner_add_args *a,
		      char *err, size_t err_len)
{
	struct arg_value v[KW_COUNT];

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	if (argc < 1)
		return -1;
	a->name = argv[0];
	if (!valid_name(a->name)) {
		name_error(err, err_len, "scanner", a->name);
		return -1;
	}
	if (args_parse(add_args, KW_COUNT, argc - 1, argv + 1, v, NULL, err,
		       err_len) < 0)
		return -1;
	if (!v[KW_BRIDGE].set) {
		snprintf(err, err_len, "missing \"bridge BRIDGE\"");
		return -1;
	}
	if (!v[KW_USER].set) {
		snprintf(err, err_len,
			 "missing \"user USER\": the user the scanner process runs as");
		return -1;
	}
	a->bridge = v[KW_BRIDGE].s;
	a->uid = v[KW_USER].u;
	a->has_timeout = v[KW_TIMEOUT].set;
	a->timeout_ms = v[KW_TIMEOUT].u;
	a->has_fail = v[KW_FAIL].set;
	a->fail = (uint8_t)v[KW_FAIL].u;
	a->has_absent = v[KW_ABSENT].set;
	a->absent = (uint8_t)v[KW_ABSENT].u;
	a->has_max_held = v[KW_MAX_HELD].set;
	a->max_held = v[KW_MAX_HELD].u;
	a->has_max_bytes = v[KW_MAX_BYTES].set;
	a->max_bytes = v[KW_MAX_BYTES].u;
	a->has_inject_rate = v[KW_INJECT_RATE].set;
	a->inject_rate = v[KW_INJECT_RATE].u;
	return 0;
}

int scanner_add_fill(struct nl_msg *msg, const struct scanner_add_args *a,
		     uint32_t bridge)
{
	struct nlattr *nest;

	if (nla_put_u32(msg, SIS_A_IFINDEX, bridge) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);
	if (!nest ||
	    nla_put_string(msg, SIS_SCANNER_A_NAME, a->name) < 0 ||
	    nla_put_u32(msg, SIS_SCANNER_A_UID, a->uid) < 0 ||
	    (a->has_timeout &&
	     nla_put_u32(msg, SIS_SCANNER_A_TIMEOUT_MS, a->timeout_ms) < 0) ||
	    (a->has_fail && nla_put_u8(msg, SIS_SCANNER_A_FAIL, a->fail) < 0) ||
	    (a->has_absent &&
	     nla_put_u8(msg, SIS_SCANNER_A_ABSENT, a->absent) < 0) ||
	    (a->has_max_held &&
	     nla_put_u32(msg, SIS_SCANNER_A_MAX_HELD, a->max_held) < 0) ||
	    (a->has_max_bytes &&
	     nla_put_u32(msg, SIS_SCANNER_A_MAX_BYTES, a->max_bytes) < 0) ||
	    (a->has_inject_rate &&
	     nla_put_u32(msg, SIS_SCANNER_A_INJECT_RATE, a->inject_rate) < 0) ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

int scanner_del_fill(struct nl_msg *msg, const char *name)
{
	struct nlattr *nest = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);

	if (!nest || nla_put_string(msg, SIS_SCANNER_A_NAME, name) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

struct add_req {
	const struct scanner_add_args *a;
	uint32_t bridge;
};

static int add_fill(struct nl_msg *msg, const void *arg)
{
	const struct add_req *req = arg;

	return scanner_add_fill(msg, req->a, req->bridge);
}

static int del_fill(struct nl_msg *msg, const void *arg)
{
	return scanner_del_fill(msg, arg);
}

static int scanner_add(int argc, char **argv)
{
	struct scanner_add_args a;
	struct add_req req = { .a = &a };
	char err[256];

	if (scanner_add_parse(argc, argv, &a, err, sizeof(err)) < 0) {
		if (!err[0])
			return usage(stderr);
		sisctl_error("%s", err);
		return 1;
	}
	if (sisctl_ifindex(a.bridge, &req.bridge) < 0)
		return 1;
	return sisctl_send(SIS_CMD_SCANNER_ADD, 0, add_fill, &req);
}

static int scanner_del(int argc, char **argv)
{
	if (argc != 1)
		return usage(stderr);
	if (!check_name("scanner", argv[0]))
		return 1;
	return sisctl_send(SIS_CMD_SCANNER_DEL, 0, del_fill, argv[0]);
}

int cmd_scanner(const struct sisctl *o, int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (is_help(argv[1]))
		return usage(stdout);
	if (!strcmp(argv[1], "add"))
		return scanner_add(argc - 2, argv + 2);
	if (!strcmp(argv[1], "del"))
		return scanner_del(argc - 2, argv + 2);
	if (!strcmp(argv[1], "show")) {
		if (argc > 3)
			return usage(stderr);
		return show_scanners(o, argc == 3 ? argv[2] : NULL);
	}
	return usage(stderr);
}
