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
		s->has |= 1u << i;
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

static const char *name_or_index(const char *name, uint32_t ifindex,
				 char *buf, size_t len)
{
	if (name[0])
		return name;
	snprintf(buf, len, "if%" PRIu32, ifindex);
	return buf;
}

/* Filter text on one line: control characters become spaces. */
void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

/* Each bridge, then its scanners. */
void show_text(FILE *f, const struct sisctl_bridges *l,
	       const struct sisctl_scanners *sl)
{
	for (size_t i = 0; l && i < l->n; i++) {
		const struct sisctl_bridge *b = &l->v[i];
		char n1[24], n2[24], n3[24];
		struct sisctl_print p;

		if (b->closed) {
			fprintf(f, "bridge %s closed: port %s %s, frames dropped %" PRIu64 "\n",
				name_or_index(b->ifname, b->ifindex, n1, sizeof(n1)),
				b->closed_port, closed_how(b->closed_reason),
				b->closed_dropped);
			continue;
		}
		fprintf(f, "bridge %s host %s net %s",
			name_or_index(b->ifname, b->ifindex, n1, sizeof(n1)),
			name_or_index(b->host_ifname, b->host_ifindex, n2, sizeof(n2)),
			name_or_index(b->net_ifname, b->net_ifindex, n3, sizeof(n3)));
		if (b->has_fail)
			fprintf(f, " fail %s", fail_name(b->fail));
		fputc('\n', f);
		fprintf(f, "\t%-4s frames %" PRIu64 " bytes %" PRIu64
			" dropped %" PRIu64 "\n",
			"in", b->in.frames, b->in.bytes, b->in.dropped);
		fprintf(f, "\t%-4s frames %" PRIu64 " bytes %" PRIu64
			" dropped %" PRIu64 "\n",
			"out", b->out.frames, b->out.bytes, b->out.dropped);
		print_init(&p, f, false);
		limits_print(&p, &b->limits);
		sstats_print(&p, &b->sstats);
		nstats_print(&p, &b->nstats);
		for (size_t j = 0; j < b->nrules; j++) {
			const struct sisctl_rule *r = &b->rules[j];

			fprintf(f, "\tprevent %" PRIu32 " dir %s matches %" PRIu64
				" bytes %" PRIu64, r->id, dir_name(r->dir),
				r->matches, r->bytes);
			if (r->expr[0]) {
				fputs(": ", f);
				put_clean(f, r->expr);
			}
			fputc('\n', f);
		}
		for (size_t j = 0; sl && j < sl->n; j++) {
			if (sl->v[j].ifindex != b->ifindex)
				continue;
			scanner_print(&p, &sl->v[j],
				      b->ifname[0] ? b->ifname : NULL);
		}
	}
}

/* A JSON string even from bytes that are not UTF-8 (those become '?'). */
json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	char *c;

	if (j)
		return j;
	c = strdup(s);
	if (!c)
		return NULL;
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(c);
	free(c);
	return j;
}

static json_t *jname(const char *name)
{
	return name[0] ? jstr(name) : json_null();
}

/* Counters are u64; JSON integers here are signed 64-bit. */
json_t *jint(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *jport(const char *name, uint32_t ifindex)
{
	json_t *o = json_object();

	json_object_set_new(o, "ifname", jname(name));
	json_object_set_new(o, "ifindex", jint(ifindex));
	return o;
}

static json_t *jstats(const struct sisctl_stats *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "frames", jint(s->frames));
	json_object_set_new(o, "bytes", jint(s->bytes));
	json_object_set_new(o, "dropped", jint(s->dropped));
	return o;
}

/*
 * An array of bridges; each has its scanners in "scanners" (added after
 * "prevent", so that consumers of the older output are not affected), then
 * "limits" and "stream_stats" when the kernel has streams.
 */
json_t *show_json(const struct sisctl_bridges *l,
		  const struct sisctl_scanners *sl)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t i = 0; l && i < l->n; i++) {
		const struct sisctl_bridge *b = &l->v[i];
		json_t *o = json_object(), *stats = json_object();
		json_t *rules = json_array(), *scanners = json_array(), *lj;
		struct sisctl_print p;

		if (!o || !stats || !rules || !scanners) {
			json_decref(o);
			json_decref(stats);
			json_decref(rules);
			json_decref(scanners);
			json_decref(arr);
			return NULL;
		}
		json_object_set_new(o, "bridge", jname(b->ifname));
		json_object_set_new(o, "ifindex", jint(b->ifindex));
		if (b->closed) {
			json_t *c = json_object();

			json_object_set_new(o, "state", json_string("closed"));
			if (b->has_fail)
				json_object_set_new(o, "fail",
						    json_string(fail_name(b->fail)));
			json_object_set_new(c, "port", jstr(b->closed_port));
			json_object_set_new(c, "how",
					    json_string(closed_how(b->closed_reason)));
			json_object_set_new(c, "dropped", jint(b->closed_dropped));
			json_object_set_new(o, "closed", c);
			json_decref(stats);
			json_decref(rules);
			json_decref(scanners);
			json_array_append_new(arr, o);
			continue;
		}
		json_object_set_new(o, "host", jport(b->host_ifname, b->host_ifindex));
		json_object_set_new(o, "net", jport(b->net_ifname, b->net_ifindex));
		json_object_set_new(stats, "in", jstats(&b->in));
		json_object_set_new(stats, "out", jstats(&b->out));
		json_object_set_new(o, "stats", stats);
		for (size_t j = 0; j < b->nrules; j++) {
			const struct sisctl_rule *r = &b->rules[j];
			json_t *jr = json_object();

			json_object_set_new(jr, "id", jint(r->id));
			json_object_set_new(jr, "dir", json_string(dir_name(r->dir)));
			json_object_set_new(jr, "filter", jstr(r->expr));
			json_object_set_new(jr, "matches", jint(r->matches));
			json_object_set_new(jr, "bytes", jint(r->bytes));
			json_array_append_new(rules, jr);
		}
		json_object_set_new(o, "prevent", rules);
		for (size_t j = 0; sl && j < sl->n; j++) {
			if (sl->v[j].ifindex != b->ifindex)
				continue;
			print_init(&p, NULL, true);
			scanner_print(&p, &sl->v[j],
				      b->ifname[0] ? b->ifname : NULL);
			json_array_append_new(scanners, print_json_take(&p));
		}
		json_object_set_new(o, "scanners", scanners);
		print_init(&p, NULL, true);
		open_object(&p, NULL);
		limits_print(&p, &b->limits);
		sstats_print(&p, &b->sstats);
		nstats_print(&p, &b->nstats);
		lj = print_json_take(&p);
		json_object_update(o, lj);
		json_decref(lj);
		/* Last, as they came last. */
		json_object_set_new(o, "state", json_string("attached"));
		if (b->has_fail)
			json_object_set_new(o, "fail",
					    json_string(fail_name(b->fail)));
		json_array_append_new(arr, o);
	}
	return arr;
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

static int print_json(const struct sisctl *o, json_t *j)
{
	if (!j)
		return sisctl_result(-ENOMEM, NULL);
	sisctl_json_print(o, j);
	json_decref(j);
	return 0;
}

/* sisctl show [BRIDGE]: bridges, and the scanners on them. */
static int show_all(const struct sisctl *o, uint32_t ifindex)
{
	struct sisctl_bridges l = { 0 };
	struct sisctl_scanners sl = { 0 };
	char extack[SIS_EXTACK_MAX] = "";
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
		if (o->json)
			ret = print_json(o, show_json(&l, &sl));
		else
			show_text(stdout, &l, &sl);
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
