// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl cap add SCANNER CAP [dir in|out|any] rights read|read,contain FILTER...
 * sisctl cap del SCANNER CAP
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "sisctl.h"

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: sisctl cap add SCANNER CAP [dir in|out|any] rights read|read,contain FILTER...\n"
		"       sisctl cap del SCANNER CAP\n"
		"Lets SCANNER read (and with contain, hold until its verdict) the frames\n"
		"matching FILTER, a pcap-filter(7) expression. dir defaults to any.\n");
	return f == stdout ? 0 : 1;
}

/* "read", "contain" or both, comma separated, in any order. */
int parse_rights(const char *s, uint8_t *rights)
{
	const char *p = s;

	*rights = 0;
	for (;;) {
		size_t n = strcspn(p, ",");

		if (n == 4 && !strncmp(p, "read", 4))
			*rights |= SIS_RIGHT_READ;
		else if (n == 7 && !strncmp(p, "contain", 7))
			*rights |= SIS_RIGHT_CONTAIN;
		else
			return -1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int parse_rights_word(const char *v, uint8_t *rights, char *err,
			     size_t err_len)
{
	if (parse_rights(v, rights) < 0) {
		snprintf(err, err_len,
			 "invalid rights \"%s\": use read or read,contain", v);
		return -1;
	}
	if (!(*rights & SIS_RIGHT_READ)) {
		snprintf(err, err_len,
			 "invalid rights \"%s\": contain needs read, use read,contain",
			 v);
		return -1;
	}
	return 0;
}

/*
 * argv: SCANNER CAP, then "dir DIR" and "rights RIGHTS" (in any order,
 * rights required), then the filter words. On error returns -1 with a
 * message in err, or with err empty when only the usage applies.
 */
int cap_add_parse(int argc, char *const argv[], struct cap_add_args *a,
		  char *err, size_t err_len)
{
	bool has_dir = false, has_rights = false;
	int i = 2;

	memset(a, 0, sizeof(*a));
	a->dir = SIS_DIR_ANY;
	err[0] = '\0';
	if (argc < 2)
		return -1;
	a->scanner = argv[0];
	a->name = argv[1];
	if (!valid_name(a->scanner)) {
		name_error(err, err_len, "scanner", a->scanner);
		return -1;
	}
	if (!valid_name(a->name)) {
		name_error(err, err_len, "capability", a->name);
		return -1;
	}
	for (; i < argc; i += 2) {
		bool dir = !strcmp(argv[i], "dir");

		if (!dir && strcmp(argv[i], "rights"))
			break;
		if (i + 1 >= argc) {
			snprintf(err, err_len, "\"%s\" needs a value", argv[i]);
			return -1;
		}
		if (dir ? has_dir : has_rights) {
			snprintf(err, err_len, "\"%s\" given twice", argv[i]);
			return -1;
		}
		if (dir) {
			has_dir = true;
			if (parse_dir(argv[i + 1], &a->dir) < 0) {
				snprintf(err, err_len,
					 "invalid direction \"%s\", use in, out or any",
					 argv[i + 1]);
				return -1;
			}
		} else {
			has_rights = true;
			if (parse_rights_word(argv[i + 1], &a->rights, err,
					      err_len) < 0)
				return -1;
		}
	}
	if (!has_rights) {
		snprintf(err, err_len,
			 "missing \"rights read\" or \"rights read,contain\"");
		return -1;
	}
	if (i >= argc) {
		snprintf(err, err_len,
			 "missing FILTER, the frames the capability covers");
		return -1;
	}
	a->expr = join_args(argc - i, argv + i);
	if (!a->expr) {
		snprintf(err, err_len, "%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

static int put_scanner(struct nl_msg *msg, const char *scanner)
{
	struct nlattr *nest = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);

	if (!nest || nla_put_string(msg, SIS_SCANNER_A_NAME, scanner) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

int cap_add_fill(struct nl_msg *msg, const char *scanner, const char *name,
		 uint8_t dir, uint8_t rights, const struct sock_filter *insns,
		 unsigned int len, const char *expr)
{
	struct nlattr *nest;

	if (put_scanner(msg, scanner) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_CAP | NLA_F_NESTED);
	if (!nest || nla_put_string(msg, SIS_CAP_A_NAME, name) < 0 ||
	    nla_put_u8(msg, SIS_CAP_A_DIR, dir) < 0 ||
	    nla_put_u8(msg, SIS_CAP_A_RIGHTS, rights) < 0 ||
	    nla_put(msg, SIS_CAP_A_BPF, (int)(len * sizeof(*insns)), insns) < 0 ||
	    nla_put_string(msg, SIS_CAP_A_EXPR, expr) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

int cap_del_fill(struct nl_msg *msg, const char *scanner, const char *name)
{
	struct nlattr *nest;

	if (put_scanner(msg, scanner) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_CAP | NLA_F_NESTED);
	if (!nest || nla_put_string(msg, SIS_CAP_A_NAME, name) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

struct add_req {
	const struct cap_add_args *a;
	const struct sock_filter *insns;
	unsigned int len;
};

static int add_fill(struct nl_msg *msg, const void *arg)
{
	const struct add_req *r = arg;

	return cap_add_fill(msg, r->a->scanner, r->a->name, r->a->dir,
			    r->a->rights, r->insns, r->len, r->a->expr);
}

static int del_fill(struct nl_msg *msg, const void *arg)
{
	char *const *argv = arg;

	return cap_del_fill(msg, argv[0], argv[1]);
}

static int cap_add(int argc, char **argv)
{
	struct cap_add_args a;
	struct add_req req = { .a = &a };
	struct sock_filter *insns = NULL;
	char err[512];
	int ret;

	if (cap_add_parse(argc, argv, &a, err, sizeof(err)) < 0) {
		if (!err[0])
			return usage(stderr);
		sisctl_error("%s", err);
		return 1;
	}
	if (filter_compile(a.expr, &insns, &req.len, err, sizeof(err)) < 0) {
		sisctl_error("filter: %s", err);
		free(a.expr);
		return 1;
	}
	req.insns = insns;
	ret = sisctl_send(SIS_CMD_CAP_ADD,
			  req.len * sizeof(*insns) + strlen(a.expr) + 128,
			  add_fill, &req);
	free(insns);
	free(a.expr);
	return ret;
}

static int cap_del(int argc, char **argv)
{
	if (argc != 2)
		return usage(stderr);
	if (!check_name("scanner", argv[0]) ||
	    !check_name("capability", argv[1]))
		return 1;
	return sisctl_send(SIS_CMD_CAP_DEL, 0, del_fill, argv);
}

int cmd_cap(const struct sisctl *o, int argc, char **argv)
{
	(void)o;
	if (argc < 2)
		return usage(stderr);
	if (is_help(argv[1]))
		return usage(stdout);
	if (!strcmp(argv[1], "add"))
		return cap_add(argc - 2, argv + 2);
	if (!strcmp(argv[1], "del"))
		return cap_del(argc - 2, argv + 2);
	return usage(stderr);
}
