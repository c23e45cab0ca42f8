// SPDX-License-Identifier: GPL-2.0
/* sisctl show [BRIDGE], sisctl show scanner [NAME], sisctl show conns */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "sisctl.h"

/* Dumps interrupted by a concurrent change are retried this often. */
#define SHOW_TRIES 3

static int usage(FILE *f)
{
	fprintf(f, "Usage: sisctl show [BRIDGE]\n"
		   "       sisctl show scanner [NAME]\n"
		   "       sisctl show conns [dev BRIDGE]\n");
	return f == stdout ? 0 : 1;
}

void show_free(struct sisctl_bridges *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < l->v[i].nrules; j++)
			free(l->v[i].rules[j].expr);
		free(l->v[i].rules);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct sisctl_bridge *bridge_get(struct sisctl_bridges *l,
					uint32_t ifindex)
{
	struct sisctl_bridge *b;

	/* A bridge's messages are consecutive, but do not rely on it. */
	for (size_t i = l->n; i-- > 0;)
		if (l->v[i].ifindex == ifindex)
			return &l->v[i];
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	b = &l->v[l->n++];
	memset(b, 0, sizeof(*b));
	b->ifindex = ifindex;
	return b;
}

static int parse_stats(struct sisctl_stats *s, struct nlattr *nest)
{
	struct nlattr *tb[SIS_STATS_A_MAX + 1];

	if (nla_parse_nested(tb, SIS_STATS_A_MAX, nest, sisctl_stats_policy) < 0)
		return -EPROTO;
	if (tb[SIS_STATS_A_FRAMES])
		s->frames = nla_get_u64(tb[SIS_STATS_A_FRAMES]);
	if (tb[SIS_STATS_A_BYTES])
		s->bytes = nla_get_u64(tb[SIS_STATS_A_BYTES]);
	if (tb[SIS_STATS_A_DROPPED])
		s->dropped = nla_get_u64(tb[SIS_STATS_A_DROPPED]);
	return 0;
}

static int add_rule(struct sisctl_bridge *b, struct nlattr *nest)
{
	struct nlattr *tb[SIS_RULE_A_MAX + 1];
	struct sisctl_rule *r;

	if (nla_parse_nested(tb, SIS_RULE_A_MAX, nest, sisctl_rule_policy) < 0 ||
	    !tb[SIS_RULE_A_ID])
		return -EPROTO;
	if (b->nrules == b->rules_cap) {
		size_t cap = b->rules_cap ? 2 * b->rules_cap : 8;
		void *v = realloc(b->rules, cap * sizeof(*b->rules));

		if (!v)
			return -ENOMEM;
		b->rules = v;
		b->rules_cap = cap;
	}
	r = &b->rules[b->nrules];
	memset(r, 0, sizeof(*r));
	r->id = nla_get_u32(tb[SIS_RULE_A_ID]);
	r->dir = tb[SIS_RULE_A_DIR] ? nla_get_u8(tb[SIS_RULE_A_DIR]) : SIS_DIR_ANY;
	r->expr = strdup(tb[SIS_RULE_A_EXPR] ?
			 nla_get_string(tb[SIS_RULE_A_EXPR]) : "");
	if (!r->expr)
		return -ENOMEM;
	if (tb[SIS_RULE_A_MATCHES])
		r->matches = nla_get_u64(tb[SIS_RULE_A_MATCHES]);
	if (tb[SIS_RULE_A_BYTES])
		r->bytes = nla_get_u64(tb[SIS_RULE_A_BYTES]);
	b->nrules++;
	return 0;
}

static int parse_limits(struct sisctl_limits *l, struct nlattr *nest)
{
	struct nlattr *tb[SIS_LIMITS_A_MAX + 1];

	if (nla_parse_nested(tb, SIS_LIMITS_A_MAX, nest, sisctl_limits_policy) < 0)
		return -EPROTO;
	for (int i = 1; i <= SIS_LIMITS_A_MAX; i++) {
		if (!tb[i])
			continue;
		l->v[i] = nla_get_u32(tb[i]);
		l->has |= 1u << i;
	}
	return 0;
}

static int parse_nstats(struct sisctl_nstats *s, struct nlattr *nest)
{
	struct nlattr *tb[SIS_NSTATS_A_MAX + 1];

	if (nla_parse_nested(tb, SIS_NSTATS_A_MAX, nest, sisctl_nstats_policy) < 0)
		return -EPROTO;
	for (int i = 1; i <= SIS_NSTATS_A_MAX; i++) {
		if (!tb[i] || i == SIS_NSTATS_A_PAD)
			continue;
		s->v[i] = nla_get_u64(tb[i]);
		s->has |= 1u << i;
	}
	return 0;
}

/* SIS_A_CLOSED: the bridge is kept closed after it lost a port. */
static int parse_closed(struct sisctl_bridge *b, struct nlattr *nest)
{
	struct nlattr *tb[SIS_CLOSED_A_MAX + 1];

	if (nla_parse_nested(tb, SIS_CLOSED_A_MAX, nest, sisctl_closed_policy) < 0)
		return -EPROTO;
	b->closed = true;
	if (tb[SIS_CLOSED_A_REASON])
		b->closed_reason = nla_get_u8(tb[SIS_CLOSED_A_REASON]);
	if (tb[SIS_CLOSED_A_PORT])
		nla_strlcpy(b->closed_port, tb[SIS_CLOSED_A_PORT],
			    sizeof(b->closed_port));
	if (tb[SIS_CLOSED_A_DROPPED])
		b->closed_dropped = nla_get_u64(tb[SIS_CLOSED_A_DROPPED]);
	return 0;
}

/* How a bridge kept closed lost its port, as text. */
static const char *closed_how(uint8_t reason)
{
	return reason == SIS_EVENT_PORT_LEFT ? "left" :
	       reason == SIS_EVENT_PORT_GONE ? "unregistered" : "went";
}

static int parse_sstats(struct sisctl_sstats *s, struct nlattr *nest)
{
	struct nlattr *tb[SIS_SSTATS_A_MAX + 1];

	if (nla_parse_nested(tb, SIS_SSTATS_A_MAX, nest, sisctl_sstats_policy) < 0)
		return -EPROTO;
	for (int i = 1; i <= SIS_SSTATS_A_MAX; i++) {
		if (!tb[i])
			continue;
		/* All u64 but the connections tracked now. */
		s->v[i] = i == SIS_SSTATS_A_CONNS ||
			  i == SIS_SSTATS_A_HALF_OPEN ? nla_get_u32(tb[i]) :
							nla_get_u64(tb[i]);
		s->has |= 1ull << i;
	}
	return 0;
}

/* Add one SIS_CMD_GET_BRIDGE dump message to l. */
int show_merge(struct sisctl_bridges *l, const struct nlmsghdr *nlh)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *tb[SIS_A_MAX + 1], *a;
	struct sisctl_bridge *b;
	struct genlmsghdr *g;
	int rem, r;

	if (!genlmsg_valid_hdr(h, 0) ||
	    genlmsg_parse(h, 0, tb, SIS_A_MAX, sisctl_policy) < 0 ||
	    !tb[SIS_A_IFINDEX])
		return -EPROTO;
	b = bridge_get(l, nla_get_u32(tb[SIS_A_IFINDEX]));
	if (!b)
		return -ENOMEM;

	if (tb[SIS_A_IFNAME])
		nla_strlcpy(b->ifname, tb[SIS_A_IFNAME], sizeof(b->ifname));
	if (tb[SIS_A_HOST_IFINDEX])
		b->host_ifindex = nla_get_u32(tb[SIS_A_HOST_IFINDEX]);
	if (tb[SIS_A_HOST_IFNAME])
		nla_strlcpy(b->host_ifname, tb[SIS_A_HOST_IFNAME],
			    sizeof(b->host_ifname));
	if (tb[SIS_A_NET_IFINDEX])
		b->net_ifindex = nla_get_u32(tb[SIS_A_NET_IFINDEX]);
	if (tb[SIS_A_NET_IFNAME])
		nla_strlcpy(b->net_ifname, tb[SIS_A_NET_IFNAME],
			    sizeof(b->net_ifname));
	if (tb[SIS_A_STATS_IN] && parse_stats(&b->in, tb[SIS_A_STATS_IN]) < 0)
		return -EPROTO;
	if (tb[SIS_A_STATS_OUT] && parse_stats(&b->out, tb[SIS_A_STATS_OUT]) < 0)
		return -EPROTO;
	if (tb[SIS_A_LIMITS] && parse_limits(&b->limits, tb[SIS_A_LIMITS]) < 0)
		return -EPROTO;
	if (tb[SIS_A_STREAM_STATS] &&
	    parse_sstats(&b->sstats, tb[SIS_A_STREAM_STATS]) < 0)
		return -EPROTO;
	if (tb[SIS_A_NORM_STATS] &&
	    parse_nstats(&b->nstats, tb[SIS_A_NORM_STATS]) < 0)
		return -EPROTO;
	if (tb[SIS_A_FAIL]) {
		b->has_fail = true;
		b->fail = nla_get_u8(tb[SIS_A_FAIL]);
	}
	if (tb[SIS_A_CLOSED] && parse_closed(b, tb[SIS_A_CLOSED]) < 0)
		return -EPROTO;

	/* genlmsg_parse() keeps only the last SIS_A_RULE: walk them all. */
	g = nlmsg_data(h);
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		if (nla_type(a) != SIS_A_RULE)
			continue;
		r = add_rule(b, a);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A name from the dump, or NULL where it had none (it is empty then). */
static const char *name_or_null(const char *name)
{
	return name[0] ? name : NULL;
}

/* Text "\tin   frames N ...", JSON "in": {"frames", "bytes", "dropped"}. */
static void stats_print(struct sisctl_print *p, const char *name,
			const struct sisctl_stats *s)
{
	open_object(p, name);
	print_string(p, PRINT_FP, NULL, "\t%-4s", name);
	print_u64(p, PRINT_ANY, "frames", " frames %" PRIu64, s->frames);
	print_u64(p, PRINT_ANY, "bytes", " bytes %" PRIu64, s->bytes);
	print_u64(p, PRINT_ANY, "dropped", " dropped %" PRIu64 "\n",
		  s->dropped);
	close_object(p);
}

/* A bridge kept closed after it lost a port: one line, or "closed". */
static void closed_print(struct sisctl_print *p, const struct sisctl_bridge *b)
{
	print_string(p, PRINT_ANY, "state", " %s:", "closed");
	if (b->has_fail)
		print_string(p, PRINT_JSON, "fail", NULL, fail_name(b->fail));
	open_object(p, "closed");
	print_string(p, PRINT_ANY, "port", " port %s", b->closed_port);
	print_string(p, PRINT_ANY, "how", " %s", closed_how(b->closed_reason));
	print_u64(p, PRINT_ANY, "dropped", ", frames dropped %" PRIu64 "\n",
		  b->closed_dropped);
	close_object(p);
}

/* A filter's text ends its line, on that line whatever it holds. */
void filter_end_print(struct sisctl_print *p, const char *expr)
{
	if (expr[0])
		print_string(p, PRINT_FP | PRINT_CLEAN, NULL, ": %s", expr);
	print_fp(p, "\n");
}

static void rule_print(struct sisctl_print *p, const struct sisctl_rule *r)
{
	open_object(p, NULL);
	print_uint(p, PRINT_ANY, "id", "\tprevent %" PRIu32, r->id);
	print_string(p, PRINT_ANY, "dir", " dir %s", dir_name(r->dir));
	print_string(p, PRINT_JSON, "filter", NULL, r->expr);
	print_u64(p, PRINT_ANY, "matches", " matches %" PRIu64, r->matches);
	print_u64(p, PRINT_ANY, "bytes", " bytes %" PRIu64, r->bytes);
	filter_end_print(p, r->expr);
	close_object(p);
}

/*
 * The stream limits and counters: text has them after the frame counters,
 * JSON after "scanners" (newer keys last). @where says which is asked for.
 */
static void streams_print(struct sisctl_print *p,
			  const struct sisctl_bridge *b, enum print_type where)
{
	if (!print_wants(p, where))
		return;
	limits_print(p, &b->limits);
	sstats_print(p, &b->sstats);
	nstats_print(p, &b->nstats);
}

static void bridge_print(struct sisctl_print *p, const struct sisctl_bridge *b,
			 const struct sisctl_scanners *sl)
{
	const char *name = name_or_null(b->ifname);

	open_object(p, NULL);
	print_dev(p, PRINT_ANY, "bridge", "bridge %s", name, b->ifindex);
	if (b->closed) {
		closed_print(p, b);
		close_object(p);
		return;
	}
	open_object(p, "host");
	print_dev(p, PRINT_ANY, "ifname", " host %s",
		  name_or_null(b->host_ifname), b->host_ifindex);
	close_object(p);
	open_object(p, "net");
	print_dev(p, PRINT_ANY, "ifname", " net %s",
		  name_or_null(b->net_ifname), b->net_ifindex);
	close_object(p);
	if (b->has_fail)
		print_string(p, PRINT_FP, NULL, " fail %s", fail_name(b->fail));
	print_fp(p, "\n");
	open_object(p, "stats");
	stats_print(p, "in", &b->in);
	stats_print(p, "out", &b->out);
	close_object(p);
	streams_print(p, b, PRINT_FP);
	open_array(p, "prevent");
	for (size_t i = 0; i < b->nrules; i++)
		rule_print(p, &b->rules[i]);
	close_array(p);
	open_array(p, "scanners");
	for (size_t i = 0; sl && i < sl->n; i++)
		if (sl->v[i].ifindex == b->ifindex)
			scanner_print(p, &sl->v[i], name);
	close_array(p);
	streams_print(p, b, PRINT_JSON);
	/* Last, as they came last. */
	print_string(p, PRINT_JSON, "state", NULL, "attached");
	if (b->has_fail)
		print_string(p, PRINT_JSON, "fail", NULL, fail_name(b->fail));
	close_object(p);
}

/*
 * Each bridge, then its scanners; in JSON an array of bridges, each with
 * its scanners in "scanners" (added after "prevent", so that consumers of
 * the older output are not affected), then "limits" and "stream_stats"
 * when the kernel has streams.
 */
void show_print(struct sisctl_print *p, const struct sisctl_bridges *l,
		const struct sisctl_scanners *sl)
{
	open_array(p, NULL);
	for (size_t i = 0; l && i < l->n; i++)
		bridge_print(p, &l->v[i], sl);
	close_array(p);
}

static int show_cb(const struct nlmsghdr *nlh, void *arg)
{
	return show_merge(arg, nlh);
}

static int scanners_cb(const struct nlmsghdr *nlh, void *arg)
{
	return scanners_merge(arg, nlh);
}

static void reset_bridges(void *arg)
{
	show_free(arg);
}

static void reset_scanners(void *arg)
{
	scanners_free(arg);
}

/*
 * One dump, retried from scratch when a concurrent change interrupted it.
 * Returns 0 or a negative errno, with the kernel's message in extack.
 */
int sisctl_dump(struct sis_nl *nl, uint8_t cmd, uint32_t ifindex,
		sis_nl_msg_cb cb, void (*reset)(void *), void *arg,
		const char *what, char *extack, size_t extack_len)
{
	struct nl_msg *msg;
	int r, tries = 0;

	do {
		reset(arg);
		msg = sis_nl_msg(nl, cmd, 0);
		if (!msg)
			return -ENOMEM;
		r = ifindex && nla_put_u32(msg, SIS_A_IFINDEX, ifindex) < 0 ?
		    -EMSGSIZE : 0;
		if (!r)
			r = sis_nl_dump(nl, msg, cb, arg, extack, extack_len);
		nlmsg_free(msg);
	} while (r == -EINTR && !extack[0] && ++tries < SHOW_TRIES);
	if (r == -EINTR && !extack[0])
		snprintf(extack, extack_len,
			 "the %s kept changing during the dump, try again", what);
	return r;
}

/* sisctl show [BRIDGE]: bridges, and the scanners on them. */
static int show_all(const struct sisctl *o, uint32_t ifindex)
{
	struct sisctl_bridges l = { 0 };
	struct sisctl_scanners sl = { 0 };
	char extack[SIS_EXTACK_MAX] = "";
	struct sisctl_print p;
	struct sis_nl *nl;
	int r, ret;

	if (sisctl_open(&nl) < 0)
		return 1;
	r = sisctl_dump(nl, SIS_CMD_GET_BRIDGE, ifindex, show_cb, reset_bridges,
			&l, "bridges", extack, sizeof(extack));
	/* A module older than scanners has none to show. */
	if (!r) {
		r = sisctl_dump(nl, SIS_CMD_GET_SCANNER, 0, scanners_cb,
				reset_scanners, &sl, "scanners", extack,
				sizeof(extack));
		if (r == -EOPNOTSUPP && !extack[0]) {
			scanners_free(&sl);
			r = 0;
		}
	}
	sis_nl_close(nl);
	ret = sisctl_result(r, extack);
	if (!ret) {
		print_init(&p, stdout, o->json);
		show_print(&p, &l, &sl);
		ret = sisctl_result(print_end(&p, sisctl_json_flags(o)), NULL);
	}
	scanners_free(&sl);
	show_free(&l);
	return ret;
}

/* sisctl show scanner [NAME] */
int show_scanners(const struct sisctl *o, const char *name)
{
	struct sisctl_scanners sl = { 0 };
	char extack[SIS_EXTACK_MAX] = "";
	struct sisctl_print p;
	bool found = false;
	struct sis_nl *nl;
	int r, ret;

	if (name && !check_name("scanner", name))
		return 1;
	if (sisctl_open(&nl) < 0)
		return 1;
	r = sisctl_dump(nl, SIS_CMD_GET_SCANNER, 0, scanners_cb, reset_scanners,
			&sl, "scanners", extack, sizeof(extack));
	sis_nl_close(nl);
	if (r == -EOPNOTSUPP && !extack[0])
		snprintf(extack, sizeof(extack),
			 "this sis module has no scanners (%s)", strerror(-r));
	ret = sisctl_result(r, extack);
	if (ret)
		goto out;
	print_init(&p, stdout, o->json);
	open_array(&p, NULL);
	for (size_t i = 0; i < sl.n; i++) {
		const struct sisctl_scanner *s = &sl.v[i];
		char buf[IF_NAMESIZE];

		if (name && strcmp(s->name, name))
			continue;
		found = true;
		scanner_print(&p, s, scanner_bridge_name(NULL, s->ifindex, buf,
							 sizeof(buf)));
	}
	close_array(&p);
	if (name && !found) {
		json_decref(print_json_take(&p));
		sisctl_error("no scanner \"%s\"", name);
		ret = 1;
		goto out;
	}
	ret = sisctl_result(print_end(&p, sisctl_json_flags(o)), NULL);
out:
	scanners_free(&sl);
	return ret;
}

int cmd_show(const struct sisctl *o, int argc, char **argv)
{
	uint32_t ifindex = 0;

	if (argc >= 2 && !strcmp(argv[1], "conns"))
		return show_conns(o, argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "scanner") ||
			  !strcmp(argv[1], "scanners"))) {
		if (argc > 3)
			return usage(stderr);
		if (argc == 3 && is_help(argv[2]))
			return usage(stdout);
		return show_scanners(o, argc == 3 ? argv[2] : NULL);
	}
	if (argc > 2)
		return usage(stderr);
	if (argc == 2) {
		if (is_help(argv[1]))
			return usage(stdout);
		if (sisctl_ifindex(argv[1], &ifindex) < 0)
			return 1;
	}
	return show_all(o, ifindex);
}
