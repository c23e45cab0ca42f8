// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl prevent add BRIDGE [dir in|out|any] FILTER...
 * sisctl prevent del BRIDGE ID
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "sisctl.h"

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: sisctl prevent add BRIDGE [dir in|out|any] FILTER...\n"
		"       sisctl prevent del BRIDGE ID\n"
		"FILTER is a pcap-filter(7) expression; matching frames are dropped.\n");
	return f == stdout ? 0 : 1;
}

/*
 * argv: BRIDGE [dir DIR] FILTER... On error returns -1 with a message in
 * err, or with err empty when only the usage applies.
 */
static const struct arg dir_arg[] = { { .key = "dir", .kind = ARG_DIR } };

int prevent_add_parse(int argc, char *const argv[], struct prevent_add_args *a,
		      char *err, size_t err_len)
{
	struct arg_value dir;
	int i;

	err[0] = '\0';
	a->bridge = NULL;
	a->dir = SIS_DIR_ANY;
	a->expr = NULL;
	if (argc < 2)
		return -1;
	a->bridge = argv[0];
	/* [dir DIR] FILTER...: the filter is the words that follow. */
	if (args_parse(dir_arg, 1, argc - 1, argv + 1, &dir, &i, err,
		       err_len) < 0)
		return -1;
	i++;
	if (dir.set)
		a->dir = (uint8_t)dir.u;
	if (i >= argc)
		return -1;
	a->expr = join_args(argc - i, argv + i);
	if (!a->expr) {
		snprintf(err, err_len, "%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

int prevent_add_fill(struct nl_msg *msg, uint32_t bridge, uint8_t dir,
		     const struct sock_filter *insns, unsigned int len,
		     const char *expr)
{
	struct nlattr *rule;

	if (nla_put_u32(msg, SIS_A_IFINDEX, bridge) < 0)
		return -EMSGSIZE;
	rule = nla_nest_start(msg, SIS_A_RULE | NLA_F_NESTED);
	if (!rule)
		return -EMSGSIZE;
	if (nla_put(msg, SIS_RULE_A_BPF, (int)(len * sizeof(*insns)), insns) < 0 ||
	    nla_put_u8(msg, SIS_RULE_A_DIR, dir) < 0 ||
	    nla_put_string(msg, SIS_RULE_A_EXPR, expr) < 0)
		return -EMSGSIZE;
	if (nla_nest_end(msg, rule) < 0)
		return -EMSGSIZE;
	return 0;
}

int prevent_del_fill(struct nl_msg *msg, uint32_t bridge, uint32_t id)
{
	struct nlattr *rule;

	if (nla_put_u32(msg, SIS_A_IFINDEX, bridge) < 0)
		return -EMSGSIZE;
	rule = nla_nest_start(msg, SIS_A_RULE | NLA_F_NESTED);
	if (!rule || nla_put_u32(msg, SIS_RULE_A_ID, id) < 0 ||
	    nla_nest_end(msg, rule) < 0)
		return -EMSGSIZE;
	return 0;
}

/* The id in a SIS_CMD_PREVENT_ADD reply: 0, -ENOENT if absent, -EPROTO. */
int prevent_reply_id(const struct nlmsghdr *nlh, uint32_t *id)
{
	struct nlattr *tb[SIS_A_MAX + 1], *rtb[SIS_RULE_A_MAX + 1];
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;

	if (!genlmsg_valid_hdr(h, 0) ||
	    genlmsg_parse(h, 0, tb, SIS_A_MAX, sisctl_policy) < 0)
		return -EPROTO;
	if (!tb[SIS_A_RULE])
		return -ENOENT;
	if (nla_parse_nested(rtb, SIS_RULE_A_MAX, tb[SIS_A_RULE],
			     sisctl_rule_policy) < 0)
		return -EPROTO;
	if (!rtb[SIS_RULE_A_ID])
		return -ENOENT;
	*id = nla_get_u32(rtb[SIS_RULE_A_ID]);
	return 0;
}

struct add_reply {
	bool have_id;
	uint32_t id;
};

static int add_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	struct add_reply *rep = arg;
	int r;

	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0) ||
	    g->cmd != SIS_CMD_PREVENT_ADD)
		return 0;
	r = prevent_reply_id(nlh, &rep->id);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	rep->have_id = true;
	return 0;
}

static int prevent_add(const struct sisctl *o, int argc, char **argv)
{
	struct add_reply rep = { 0 };
	struct prevent_add_args a;
	char err[512], extack[SIS_EXTACK_MAX] = "";
	struct sock_filter *insns = NULL;
	struct sis_nl *nl = NULL;
	struct nl_msg *msg = NULL;
	unsigned int len;
	uint32_t bridge;
	int r, ret = 1;

	if (prevent_add_parse(argc, argv, &a, err, sizeof(err)) < 0) {
		if (!err[0])
			return usage(stderr);
		sisctl_error("%s", err);
		return 1;
	}
	if (sisctl_ifindex(a.bridge, &bridge) < 0)
		goto out;
	if (filter_compile(a.expr, &insns, &len, err, sizeof(err)) < 0) {
		sisctl_error("filter: %s", err);
		goto out;
	}
	if (sisctl_open(&nl) < 0)
		goto out;
	msg = sis_nl_msg(nl, SIS_CMD_PREVENT_ADD,
			 len * sizeof(*insns) + strlen(a.expr) + 64);
	if (!msg) {
		ret = sisctl_result(-ENOMEM, NULL);
		goto out;
	}
	r = prevent_add_fill(msg, bridge, a.dir, insns, len, a.expr);
	if (!r)
		r = sis_nl_request(nl, msg, add_reply_cb, &rep, extack,
				   sizeof(extack));
	if (r < 0) {
		ret = sisctl_result(r, extack);
		goto out;
	}
	sisctl_result(0, extack);	/* a warning, if any */
	if (!rep.have_id) {
		sisctl_error("rule added, but the reply carries no id");
		goto out;
	}
	if (o->json) {
		json_t *j = json_pack("{s:I}", "id", (json_int_t)rep.id);

		if (!j) {
			sisctl_result(-ENOMEM, NULL);
			goto out;
		}
		sisctl_json_print(o, j);
		json_decref(j);
	} else {
		printf("%u\n", rep.id);
	}
	ret = 0;
out:
	nlmsg_free(msg);
	sis_nl_close(nl);
	free(insns);
	free(a.expr);
	return ret;
}

static int prevent_del(int argc, char **argv)
{
	char extack[SIS_EXTACK_MAX] = "";
	struct sis_nl *nl;
	struct nl_msg *msg;
	uint32_t bridge, id;
	int r;

	if (argc != 2)
		return usage(stderr);
	if (parse_u32(argv[1], &id) < 0) {
		sisctl_error("invalid rule id \"%s\"", argv[1]);
		return 1;
	}
	if (sisctl_ifindex(argv[0], &bridge) < 0)
		return 1;
	if (sisctl_open(&nl) < 0)
		return 1;
	msg = sis_nl_msg(nl, SIS_CMD_PREVENT_DEL, 0);
	r = msg ? prevent_del_fill(msg, bridge, id) : -ENOMEM;
	if (!r)
		r = sis_nl_request(nl, msg, NULL, NULL, extack, sizeof(extack));
	nlmsg_free(msg);
	sis_nl_close(nl);
	return sisctl_result(r, extack);
}

int cmd_prevent(const struct sisctl *o, int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (is_help(argv[1]))
		return usage(stdout);
	if (!strcmp(argv[1], "add"))
		return prevent_add(o, argc - 2, argv + 2);
	if (!strcmp(argv[1], "del"))
		return prevent_del(argc - 2, argv + 2);
	return usage(stderr);
}
