// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fixtures.h"

const struct msg_spec example[4] = {
	{ 5, true, "br0", "veth-h", "veth-n", 3, 4, { 10, 980, 0 }, { 10, 980, 2 },
	  { { 1, SIS_DIR_OUT, "udp dst port 9999", 2, 84 } }, 1 },
	{ 5, false, NULL, NULL, NULL, 0, 0, { 0 }, { 0 },
	  { { 3, SIS_DIR_IN, "arp", 0, 0 }, { 4, SIS_DIR_ANY, "tcp port 23", 7, 420 } }, 2 },
	{ 5, false, NULL, NULL, NULL, 0, 0, { 0 }, { 0 },
	  { { 9, SIS_DIR_IN, "icmp", 1, 98 } }, 1 },
	{ 8, true, "br1", "eth1", "eth2", 6, 7, { 0, 0, 0 }, { 0, 0, 0 }, { { 0 } }, 0 },
};

static void put_stats(struct nl_msg *msg, int type, const struct sisctl_stats *s)
{
	struct nlattr *n = nla_nest_start(msg, type | NLA_F_NESTED);

	nla_put_u64(msg, SIS_STATS_A_FRAMES, s->frames);
	nla_put_u64(msg, SIS_STATS_A_BYTES, s->bytes);
	nla_put_u64(msg, SIS_STATS_A_DROPPED, s->dropped);
	nla_nest_end(msg, n);
}

/* A SIS_CMD_GET_BRIDGE dump message as the kernel sends it. */
struct nl_msg *dump_msg(const struct msg_spec *m)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, NLM_F_MULTI, SIS_CMD_GET_BRIDGE,
		    SIS_GENL_VERSION);
	nla_put_u32(msg, SIS_A_IFINDEX, m->ifindex);
	if (m->full) {
		nla_put_string(msg, SIS_A_IFNAME, m->name);
		nla_put_u32(msg, SIS_A_HOST_IFINDEX, m->host_ifindex);
		nla_put_u32(msg, SIS_A_NET_IFINDEX, m->net_ifindex);
		nla_put_string(msg, SIS_A_HOST_IFNAME, m->host);
		nla_put_string(msg, SIS_A_NET_IFNAME, m->net);
		put_stats(msg, SIS_A_STATS_IN, &m->in);
		put_stats(msg, SIS_A_STATS_OUT, &m->out);
	}
	for (int i = 0; i < m->nrules; i++) {
		const struct rule_spec *r = &m->rules[i];
		struct nlattr *n = nla_nest_start(msg, SIS_A_RULE | NLA_F_NESTED);

		nla_put_u32(msg, SIS_RULE_A_ID, r->id);
		nla_put_u8(msg, SIS_RULE_A_DIR, r->dir);
		nla_put_string(msg, SIS_RULE_A_EXPR, r->expr);
		nla_put_u64(msg, SIS_RULE_A_MATCHES, r->matches);
		nla_put_u64(msg, SIS_RULE_A_BYTES, r->bytes);
		nla_nest_end(msg, n);
	}
	return msg;
}

int merge_all(struct sisctl_bridges *l, const struct msg_spec *m, int n)
{
	for (int i = 0; i < n; i++) {
		struct nl_msg *msg = dump_msg(&m[i]);
		int r = show_merge(l, nlmsg_hdr(msg));

		nlmsg_free(msg);
		if (r < 0)
			return r;
	}
	return 0;
}

static char *slurp(FILE *f)
{
	long n;
	char *s;

	fflush(f);
	n = ftell(f);
	s = calloc(1, n + 1);
	rewind(f);
	if (s && n > 0 && fread(s, 1, n, f) != (size_t)n)
		s[0] = '\0';
	fclose(f);
	return s;
}

void run_cmd(struct run *r, const struct sisctl *o, int argc, const char **argv)
{
	int (*fn)(const struct sisctl *, int, char **) = NULL;
	FILE *out = tmpfile(), *err = tmpfile();
	int saved_out, saved_err;

	if (!strcmp(argv[0], "attach"))
		fn = cmd_attach;
	else if (!strcmp(argv[0], "detach"))
		fn = cmd_detach;
	else if (!strcmp(argv[0], "prevent"))
		fn = cmd_prevent;
	else if (!strcmp(argv[0], "show"))
		fn = cmd_show;

	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	r->ret = fn ? fn(o, argc, (char **)argv) : -1;
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	r->out = slurp(out);
	r->err = slurp(err);
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}
