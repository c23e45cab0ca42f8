// SPDX-License-Identifier: GPL-2.0
/* Scanners in sisctl show: merging SIS_CMD_GET_SCANNER dumps, text and JSON. */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "sisctl.h"

static void scanner_free(struct sisctl_scanner *s)
{
	for (size_t i = 0; i < s->ncaps; i++)
		free(s->caps[i].expr);
	for (size_t i = 0; i < s->nsubs; i++)
		free(s->subs[i].expr);
	free(s->caps);
	free(s->injects);
	free(s->subs);
}

void scanners_free(struct sisctl_scanners *l)
{
	for (size_t i = 0; i < l->n; i++)
		scanner_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * One more element of size at the end of the array whose pointer is at vp:
 * the new element, zeroed, or NULL.
 */
static void *grow(void *vp, size_t *n, size_t *cap, size_t size)
{
	char *v;

	memcpy(&v, vp, sizeof(v));
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 4;

		v = realloc(v, c * size);
		if (!v)
			return NULL;
		memcpy(vp, &v, sizeof(v));
		*cap = c;
	}
	v += *n * size;
	memset(v, 0, size);
	(*n)++;
	return v;
}

static struct sisctl_scanner *scanner_get(struct sisctl_scanners *l,
					  const char *name)
{
	struct sisctl_scanner *s;

	/* Names are unique in a namespace; a scanner's messages are consecutive. */
	for (size_t i = l->n; i-- > 0;)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	s = grow(&l->v, &l->n, &l->cap, sizeof(*l->v));
	if (s)
		snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

static char *dup_expr(struct nlattr *a)
{
	return strdup(a ? nla_get_string(a) : "");
}

static int add_cap(struct sisctl_scanner *s, struct nlattr *nest)
{
	struct nlattr *tb[SIS_CAP_A_MAX + 1];
	struct sisctl_cap *c;

	if (nla_parse_nested(tb, SIS_CAP_A_MAX, nest, sisctl_cap_policy) < 0 ||
	    !tb[SIS_CAP_A_NAME])
		return -EPROTO;
	c = grow(&s->caps, &s->ncaps, &s->caps_cap, sizeof(*c));
	if (!c)
		return -ENOMEM;
	nla_strlcpy(c->name, tb[SIS_CAP_A_NAME], sizeof(c->name));
	c->dir = tb[SIS_CAP_A_DIR] ? nla_get_u8(tb[SIS_CAP_A_DIR]) : SIS_DIR_ANY;
	if (tb[SIS_CAP_A_RIGHTS])
		c->rights = nla_get_u8(tb[SIS_CAP_A_RIGHTS]);
	if (tb[SIS_CAP_A_MATCHES])
		c->matches = nla_get_u64(tb[SIS_CAP_A_MATCHES]);
	c->kind = tb[SIS_CAP_A_KIND] ? nla_get_u8(tb[SIS_CAP_A_KIND]) :
				       SIS_CAP_FRAMES;
	c->midstream = tb[SIS_CAP_A_MIDSTREAM] ?
		       nla_get_u8(tb[SIS_CAP_A_MIDSTREAM]) : -1;
	c->expr = dup_expr(tb[SIS_CAP_A_EXPR]);
	if (!c->expr)
		return -ENOMEM;
	if (tb[SIS_CAP_A_HOST_PORTS] &&
	    port_list_from_attr(&c->host_ports, nla_data(tb[SIS_CAP_A_HOST_PORTS]),
				nla_len(tb[SIS_CAP_A_HOST_PORTS])) < 0)
		return -EPROTO;
	if (tb[SIS_CAP_A_NET_PORTS] &&
	    port_list_from_attr(&c->net_ports, nla_data(tb[SIS_CAP_A_NET_PORTS]),
				nla_len(tb[SIS_CAP_A_NET_PORTS])) < 0)
		return -EPROTO;
	return 0;
}

static int add_inject(struct sisctl_scanner *s, struct nlattr *nest)
{
	struct nlattr *tb[SIS_INJECT_A_MAX + 1];
	struct sisctl_inject *in;

	if (nla_parse_nested(tb, SIS_INJECT_A_MAX, nest, sisctl_inject_policy) < 0 ||
	    !tb[SIS_INJECT_A_ID])
		return -EPROTO;
	in = grow(&s->injects, &s->ninjects, &s->injects_cap, sizeof(*in));
	if (!in)
		return -ENOMEM;
	in->id = nla_get_u32(tb[SIS_INJECT_A_ID]);
	in->dir = tb[SIS_INJECT_A_DIR] ? nla_get_u8(tb[SIS_INJECT_A_DIR]) :
					 SIS_DIR_ANY;
	if (tb[SIS_INJECT_A_LEN])
		in->len = nla_get_u32(tb[SIS_INJECT_A_LEN]);
	if (tb[SIS_INJECT_A_SENT])
		in->sent = nla_get_u64(tb[SIS_INJECT_A_SENT]);
	return 0;
}

static int add_sub(struct sisctl_scanner *s, struct nlattr *nest)
{
	struct nlattr *tb[SIS_SUB_A_MAX + 1];
	struct sisctl_sub *sub;

	if (nla_parse_nested(tb, SIS_SUB_A_MAX, nest, sisctl_sub_policy) < 0 ||
	    !tb[SIS_SUB_A_ID])
		return -EPROTO;
	sub = grow(&s->subs, &s->nsubs, &s->subs_cap, sizeof(*sub));
	if (!sub)
		return -ENOMEM;
	sub->id = nla_get_u32(tb[SIS_SUB_A_ID]);
	if (tb[SIS_SUB_A_CAP])
		nla_strlcpy(sub->cap, tb[SIS_SUB_A_CAP], sizeof(sub->cap));
	if (tb[SIS_SUB_A_RIGHTS])
		sub->rights = nla_get_u8(tb[SIS_SUB_A_RIGHTS]);
	if (tb[SIS_SUB_A_SNAPLEN])
		sub->snaplen = nla_get_u32(tb[SIS_SUB_A_SNAPLEN]);
	if (tb[SIS_SUB_A_MATCHES])
		sub->matches = nla_get_u64(tb[SIS_SUB_A_MATCHES]);
	sub->expr = dup_expr(tb[SIS_SUB_A_EXPR]);
	return sub->expr ? 0 : -ENOMEM;
}

static void get_u32(uint32_t *v, struct nlattr *a)
{
	if (a)
		*v = nla_get_u32(a);
}

static void get_u64(uint64_t *v, struct nlattr *a)
{
	if (a)
		*v = nla_get_u64(a);
}

/* The declaration and counters; every message of a scanner repeats them. */
static void set_head(struct sisctl_scanner *s, struct nlattr **tb)
{
	struct sisctl_scanner_stats *st = &s->st;

	get_u32(&s->uid, tb[SIS_SCANNER_A_UID]);
	get_u32(&s->timeout_ms, tb[SIS_SCANNER_A_TIMEOUT_MS]);
	if (tb[SIS_SCANNER_A_FAIL])
		s->fail = nla_get_u8(tb[SIS_SCANNER_A_FAIL]);
	if (tb[SIS_SCANNER_A_ABSENT])
		s->absent = nla_get_u8(tb[SIS_SCANNER_A_ABSENT]);
	get_u32(&s->max_held, tb[SIS_SCANNER_A_MAX_HELD]);
	get_u32(&s->max_bytes, tb[SIS_SCANNER_A_MAX_BYTES]);
	get_u32(&s->inject_rate, tb[SIS_SCANNER_A_INJECT_RATE]);
	if (tb[SIS_SCANNER_A_PID]) {
		s->attached = true;
		s->pid = nla_get_u32(tb[SIS_SCANNER_A_PID]);
	}
	get_u32(&s->held, tb[SIS_SCANNER_A_HELD]);
	get_u32(&s->held_bytes, tb[SIS_SCANNER_A_HELD_BYTES]);
	get_u64(&st->frames, tb[SIS_SCANNER_A_FRAMES]);
	get_u64(&st->passed, tb[SIS_SCANNER_A_PASSED]);
	get_u64(&st->cut, tb[SIS_SCANNER_A_CUT]);
	get_u64(&st->timeouts, tb[SIS_SCANNER_A_TIMEOUTS]);
	get_u64(&st->overflows, tb[SIS_SCANNER_A_OVERFLOWS]);
	get_u64(&st->released, tb[SIS_SCANNER_A_RELEASED]);
	get_u64(&st->stale, tb[SIS_SCANNER_A_STALE]);
	get_u64(&st->lost, tb[SIS_SCANNER_A_LOST]);
	get_u64(&st->alerts, tb[SIS_SCANNER_A_ALERTS]);
	get_u64(&st->alerts_dropped, tb[SIS_SCANNER_A_ALERTS_DROPPED]);
	get_u64(&st->injects, tb[SIS_SCANNER_A_INJECTS]);
	get_u64(&st->injects_limited, tb[SIS_SCANNER_A_INJECTS_LIMITED]);
	get_u64(&st->absent_dropped, tb[SIS_SCANNER_A_ABSENT_DROPPED]);
}

/* Add one SIS_CMD_GET_SCANNER dump message to l. */
int scanners_merge(struct sisctl_scanners *l, const struct nlmsghdr *nlh)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *tb[SIS_A_MAX + 1], *stb[SIS_SCANNER_A_MAX + 1], *a;
	struct sisctl_scanner *s;
	struct genlmsghdr *g;
	int rem, r = 0;

	if (!genlmsg_valid_hdr(h, 0) ||
	    genlmsg_parse(h, 0, tb, SIS_A_MAX, sisctl_policy) < 0 ||
	    !tb[SIS_A_IFINDEX] || !tb[SIS_A_SCANNER] ||
	    nla_parse_nested(stb, SIS_SCANNER_A_MAX, tb[SIS_A_SCANNER],
			     sisctl_scanner_policy) < 0 ||
	    !stb[SIS_SCANNER_A_NAME])
		return -EPROTO;
	s = scanner_get(l, nla_get_string(stb[SIS_SCANNER_A_NAME]));
	if (!s)
		return -ENOMEM;
	s->ifindex = nla_get_u32(tb[SIS_A_IFINDEX]);
	set_head(s, stb);

	/* genlmsg_parse() keeps only the last of each: walk them all. */
	g = nlmsg_data(h);
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		switch (nla_type(a)) {
		case SIS_A_CAP:
			r = add_cap(s, a);
			break;
		case SIS_A_INJECT:
			r = add_inject(s, a);
			break;
		case SIS_A_SUB:
			r = add_sub(s, a);
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The name of a scanner's bridge: from the bridge dump if it has it, else
 * from the kernel's device table, else NULL.
 */
const char *scanner_bridge_name(const struct sisctl_bridges *bl,
				uint32_t ifindex, char *buf, size_t len)
{
	char name[IF_NAMESIZE];

	for (size_t i = 0; bl && i < bl->n; i++)
		if (bl->v[i].ifindex == ifindex)
			return bl->v[i].ifname[0] ? bl->v[i].ifname : NULL;
	if (!if_indextoname(ifindex, name))
		return NULL;
	snprintf(buf, len, "%s", name);
	return buf;
}

static const char *user_name(uint32_t uid)
{
	struct passwd *pw = getpwuid(uid);

	return pw ? pw->pw_name : NULL;
}

void scanner_text(FILE *f, const struct sisctl_scanner *s, const char *bridge)
{
	const struct sisctl_scanner_stats *st = &s->st;
	const char *user = user_name(s->uid);

	fprintf(f, "scanner %s bridge ", s->name);
	if (bridge)
		fputs(bridge, f);
	else
		fprintf(f, "if%" PRIu32, s->ifindex);
	if (user)
		fprintf(f, " user %s", user);
	else
		fprintf(f, " user %" PRIu32, s->uid);
	if (s->attached)
		fprintf(f, " pid %" PRIu32 "\n", s->pid);
	else
		fputs(" not attached\n", f);
	fprintf(f, "\ttimeout %" PRIu32 " fail %s absent %s max-held %" PRIu32
		" max-bytes %" PRIu32 " inject-rate %" PRIu32 "\n",
		s->timeout_ms, fail_name(s->fail), absent_name(s->absent),
		s->max_held, s->max_bytes, s->inject_rate);
	fprintf(f, "\theld %" PRIu32 " bytes %" PRIu32 "\n", s->held,
		s->held_bytes);
	fprintf(f, "\tframes %" PRIu64 " passed %" PRIu64 " cut %" PRIu64
		" timeouts %" PRIu64 " overflows %" PRIu64 " released %" PRIu64
		" stale %" PRIu64 " lost %" PRIu64 "\n", st->frames, st->passed,
		st->cut, st->timeouts, st->overflows, st->released, st->stale,
		st->lost);
	fprintf(f, "\talerts %" PRIu64 " dropped %" PRIu64 " injects %" PRIu64
		" limited %" PRIu64 " absent-dropped %" PRIu64 "\n", st->alerts,
		st->alerts_dropped, st->injects, st->injects_limited,
		st->absent_dropped);
	for (size_t i = 0; i < s->ncaps; i++) {
		const struct sisctl_cap *c = &s->caps[i];

		fprintf(f, "\tcap %s", c->name);
		if (c->kind == SIS_CAP_STREAM) {
			char host[256], net[256];

			format_port_list(host, sizeof(host), &c->host_ports);
			format_port_list(net, sizeof(net), &c->net_ports);
			fprintf(f, " stream host-port %s net-port %s", host, net);
			if (c->midstream >= 0)
				fprintf(f, " midstream %s",
					c->midstream == SIS_UNJUDGED_DROP ?
					"drop" : "pass");
		} else if (c->kind != SIS_CAP_FRAMES) {
			fprintf(f, " kind %u", c->kind);
		}
		fprintf(f, " dir %s rights %s matches %" PRIu64,
			dir_name(c->dir), rights_name(c->rights), c->matches);
		if (c->expr[0]) {
			fputs(": ", f);
			put_clean(f, c->expr);
		}
		fputc('\n', f);
	}
	for (size_t i = 0; i < s->ninjects; i++) {
		const struct sisctl_inject *in = &s->injects[i];

		fprintf(f, "\tinject %" PRIu32 " dir %s len %" PRIu32
			" sent %" PRIu64 "\n", in->id, dir_name(in->dir),
			in->len, in->sent);
	}
	for (size_t i = 0; i < s->nsubs; i++) {
		const struct sisctl_sub *sub = &s->subs[i];

		fprintf(f, "\tsub %" PRIu32 " cap %s rights %s snaplen ",
			sub->id, sub->cap, rights_name(sub->rights));
		if (sub->snaplen)
			fprintf(f, "%" PRIu32, sub->snaplen);
		else
			fputs("all", f);
		fprintf(f, " matches %" PRIu64, sub->matches);
		if (sub->expr[0]) {
			fputs(": ", f);
			put_clean(f, sub->expr);
		}
		fputc('\n', f);
	}
}

static json_t *jname_or_null(const char *s)
{
	return s ? jstr(s) : json_null();
}

const char *cap_kind_name(uint8_t kind)
{
	switch (kind) {
	case SIS_CAP_FRAMES:
		return "frames";
	case SIS_CAP_STREAM:
		return "stream";
	default:
		return "unknown";
	}
}

/* null for any port, else [{"lo", "hi"}, ...] */
static json_t *jports(const struct port_list *l)
{
	json_t *a;

	if (!l->n)
		return json_null();
	a = json_array();
	for (unsigned int i = 0; a && i < l->n; i++)
		json_array_append_new(a, json_pack("{s:i,s:i}", "lo", l->r[i].lo,
						   "hi", l->r[i].hi));
	return a;
}

/* Stream capabilities also have "host_ports" and "net_ports". */
static json_t *jcaps(const struct sisctl_scanner *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->ncaps; i++) {
		const struct sisctl_cap *c = &s->caps[i];
		json_t *o = json_pack("{s:o,s:s,s:s,s:o,s:o,s:s}",
			"name", jstr(c->name), "dir", dir_name(c->dir),
			"rights", rights_name(c->rights), "filter", jstr(c->expr),
			"matches", jint(c->matches), "kind", cap_kind_name(c->kind));

		if (o && c->kind == SIS_CAP_STREAM) {
			json_object_set_new(o, "host_ports", jports(&c->host_ports));
			json_object_set_new(o, "net_ports", jports(&c->net_ports));
			if (c->midstream >= 0)
				json_object_set_new(o, "midstream", json_string(
					c->midstream == SIS_UNJUDGED_DROP ?
					"drop" : "pass"));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *jinjects(const struct sisctl_scanner *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->ninjects; i++) {
		const struct sisctl_inject *in = &s->injects[i];

		json_array_append_new(a, json_pack("{s:o,s:s,s:o,s:o}",
			"id", jint(in->id), "dir", dir_name(in->dir),
			"len", jint(in->len), "sent", jint(in->sent)));
	}
	return a;
}

static json_t *jsubs(const struct sisctl_scanner *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->nsubs; i++) {
		const struct sisctl_sub *sub = &s->subs[i];

		json_array_append_new(a, json_pack("{s:o,s:o,s:s,s:o,s:o,s:o}",
			"id", jint(sub->id), "cap", jstr(sub->cap),
			"rights", rights_name(sub->rights),
			"filter", jstr(sub->expr), "snaplen", jint(sub->snaplen),
			"matches", jint(sub->matches)));
	}
	return a;
}

static json_t *jscanner_stats(const struct sisctl_scanner_stats *st)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "frames", jint(st->frames), "passed", jint(st->passed),
			 "cut", jint(st->cut), "timeouts", jint(st->timeouts),
			 "overflows", jint(st->overflows),
			 "released", jint(st->released), "stale", jint(st->stale),
			 "lost", jint(st->lost), "alerts", jint(st->alerts),
			 "alerts_dropped", jint(st->alerts_dropped),
			 "injects", jint(st->injects),
			 "injects_limited", jint(st->injects_limited),
			 "absent_dropped", jint(st->absent_dropped));
}

/* One scanner, as an element of "scanners" (NULL on allocation failure). */
json_t *scanner_json(const struct sisctl_scanner *s, const char *bridge)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "name", jstr(s->name),
			 "bridge", jname_or_null(bridge),
			 "ifindex", jint(s->ifindex),
			 "uid", jint(s->uid),
			 "user", jname_or_null(user_name(s->uid)),
			 "pid", s->attached ? jint(s->pid) : json_null(),
			 "timeout_ms", jint(s->timeout_ms),
			 "fail", fail_name(s->fail),
			 "absent", absent_name(s->absent),
			 "max_held", jint(s->max_held),
			 "max_bytes", jint(s->max_bytes),
			 "held", jint(s->held),
			 "held_bytes", jint(s->held_bytes),
			 "stats", jscanner_stats(&s->st),
			 "caps", jcaps(s),
			 "injects", jinjects(s),
			 "subs", jsubs(s),
			 "inject_rate", jint(s->inject_rate));
}
