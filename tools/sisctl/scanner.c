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
	KW_MAX_BYTES, KW_INJECT_RATE,
};

static const char *const keywords[] = {
	[KW_BRIDGE] = "bridge",
	[KW_USER] = "user",
	[KW_TIMEOUT] = "timeout",
	[KW_FAIL] = "fail",
	[KW_ABSENT] = "absent",
	[KW_MAX_HELD] = "max-held",
	[KW_MAX_BYTES] = "max-bytes",
	[KW_INJECT_RATE] = "inject-rate",
};

static int keyword(const char *w)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(w, keywords[i]))
			return (int)i;
	return -1;
}

static int parse_value(struct scanner_add_args *a, int kw, const char *v,
		       char *err, size_t err_len)
{
	switch (kw) {
	case KW_BRIDGE:
		a->bridge = v;
		return 0;
	case KW_USER:
		if (parse_user(v, &a->uid) < 0) {
			snprintf(err, err_len, "unknown user \"%s\"", v);
			return -1;
		}
		return 0;
	case KW_TIMEOUT:
		a->has_timeout = true;
		if (parse_u32(v, &a->timeout_ms) < 0 || !a->timeout_ms ||
		    a->timeout_ms > SIS_TIMEOUT_MS_MAX) {
			snprintf(err, err_len,
				 "invalid timeout \"%s\": use 1 to %d milliseconds",
				 v, SIS_TIMEOUT_MS_MAX);
			return -1;
		}
		return 0;
	case KW_FAIL:
		a->has_fail = true;
		if (!strcmp(v, "open")) {
			a->fail = SIS_FAIL_OPEN;
		} else if (!strcmp(v, "closed")) {
			a->fail = SIS_FAIL_CLOSED;
		} else {
			snprintf(err, err_len,
				 "invalid fail policy \"%s\": use open or closed", v);
			return -1;
		}
		return 0;
	case KW_ABSENT:
		a->has_absent = true;
		if (!strcmp(v, "drop")) {
			a->absent = SIS_ABSENT_DROP;
		} else if (!strcmp(v, "pass")) {
			a->absent = SIS_ABSENT_PASS;
		} else {
			snprintf(err, err_len,
				 "invalid absent policy \"%s\": use drop or pass", v);
			return -1;
		}
		return 0;
	case KW_MAX_HELD:
		a->has_max_held = true;
		if (parse_u32(v, &a->max_held) < 0 || !a->max_held) {
			snprintf(err, err_len,
				 "invalid max-held \"%s\": use 1 to %u frames",
				 v, UINT32_MAX);
			return -1;
		}
		return 0;
	case KW_INJECT_RATE:
		a->has_inject_rate = true;
		if (parse_u32(v, &a->inject_rate) < 0 || !a->inject_rate ||
		    a->inject_rate > SIS_INJECT_RATE_MAX) {
			snprintf(err, err_len,
				 "invalid inject-rate \"%s\": use 1 to %d injections a second",
				 v, SIS_INJECT_RATE_MAX);
			return -1;
		}
		return 0;
	default:
		a->has_max_bytes = true;
		/* Room for one frame at least. */
		if (parse_u32(v, &a->max_bytes) < 0 || a->max_bytes < ETH_ZLEN) {
			snprintf(err, err_len,
				 "invalid max-bytes \"%s\": use %d to %u bytes",
				 v, ETH_ZLEN, UINT32_MAX);
			return -1;
		}
		return 0;
	}
}

/*
 * argv: NAME then keyword and value pairs, in any order, each once. On
 * error returns -1 with a message in err, or with err empty when only the
 * usage applies.
 */
int scanner_add_parse(int argc, char *const argv[], struct scanner_add_args *a,
		      char *err, size_t err_len)
{
	unsigned int seen = 0;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	if (argc < 1)
		return -1;
	a->name = argv[0];
	if (!valid_name(a->name)) {
		name_error(err, err_len, "scanner", a->name);
		return -1;
	}
	for (int i = 1; i < argc; i += 2) {
		int kw = keyword(argv[i]);

		if (kw < 0) {
			snprintf(err, err_len, "unknown argument \"%s\"", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			snprintf(err, err_len, "\"%s\" needs a value", argv[i]);
			return -1;
		}
		if (seen & (1u << kw)) {
			snprintf(err, err_len, "\"%s\" given twice", argv[i]);
			return -1;
		}
		seen |= 1u << kw;
		if (parse_value(a, kw, argv[i + 1], err, err_len) < 0)
			return -1;
	}
	if (!(seen & (1u << KW_BRIDGE))) {
		snprintf(err, err_len, "missing \"bridge BRIDGE\"");
		return -1;
	}
	if (!(seen & (1u << KW_USER))) {
		snprintf(err, err_len,
			 "missing \"user USER\": the user the scanner process runs as");
		return -1;
	}
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
