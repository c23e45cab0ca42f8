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
	if (tb[SIS_CAP_A_MAX_CUTS])
		c->max_cuts = nla_get_u32(tb[SIS_CAP_A_MAX_CUTS]);
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
	/* Older modules had frames only, and did not say so. */
	in->kind = tb[SIS_INJECT_A_KIND] ? nla_get_u8(tb[SIS_INJECT_A_KIND]) :
					   SIS_INJECT_FRAME;
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
	get_u64(&st->attachments, tb[SIS_SCANNER_A_ATTACHMENTS]);
	get_u64(&st->attach_dropped, tb[SIS_SCANNER_A_ATTACH_DROPPED]);
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

/* Text as cap add takes it; JSON null for any port, else [{"lo", "hi"}]. */
static void ports_print(struct sisctl_print *p, const char *key,
			const char *fmt, const struct port_list *l)
{
	char buf[256];

	format_port_list(buf, sizeof(buf), l);
	print_string(p, PRINT_FP, NULL, fmt, buf);
	if (!l->n) {
		print_null(p, PRINT_JSON, key, NULL);
		return;
	}
	open_array(p, key);
	for (unsigned int i = 0; i < l->n; i++) {
		open_object(p, NULL);
		print_uint(p, PRINT_JSON, "lo", NULL, l->r[i].lo);
		print_uint(p, PRINT_JSON, "hi", NULL, l->r[i].hi);
		close_object(p);
	}
	close_array(p);
}

/*
 * A capability's kind: text has it before the direction, and only when it
 * is not frames; JSON has "kind" after "matches", then a stream's ports.
 * @where says which of the two is asked for.
 */
static void cap_kind_print(struct sisctl_print *p, const struct sisctl_cap *c,
			   enum print_type where)
{
	if (!print_wants(p, where))
		return;
	print_string(p, PRINT_JSON, "kind", NULL, cap_kind_name(c->kind));
	if (c->kind == SIS_CAP_STREAM) {
		print_fp(p, " stream");
		ports_print(p, "host_ports", " host-port %s", &c->host_ports);
		ports_print(p, "net_ports", " net-port %s", &c->net_ports);
		if (c->midstream >= 0)
			print_string(p, PRINT_ANY, "midstream", " midstream %s",
				     c->midstream == SIS_UNJUDGED_DROP ?
				     "drop" : "pass");
		if (c->max_cuts)
			print_uint(p, PRINT_ANY, "max_cuts", " max-cuts %" PRIu32,
				   c->max_cuts);
	} else if (c->kind != SIS_CAP_FRAMES) {
		print_uint(p, PRINT_FP, NULL, " kind %u", c->kind);
	}
}

static void cap_print(struct sisctl_print *p, const struct sisctl_cap *c)
{
	open_object(p, NULL);
	print_string(p, PRINT_ANY, "name", "\tcap %s", c->name);
	cap_kind_print(p, c, PRINT_FP);
	print_string(p, PRINT_ANY, "dir", " dir %s", dir_name(c->dir));
	print_string(p, PRINT_ANY, "rights", " rights %s",
		     rights_name(c->rights));
	print_string(p, PRINT_JSON, "filter", NULL, c->expr);
	print_u64(p, PRINT_ANY, "matches", " matches %" PRIu64, c->matches);
	cap_kind_print(p, c, PRINT_JSON);
	filter_end_print(p, c->expr);
	close_object(p);
}

const char *inject_kind_name(uint8_t kind)
{
	switch (kind) {
	case SIS_INJECT_FRAME:
		return "frame";
	case SIS_INJECT_STREAM:
		return "stream";
	default:
		return "unknown";
	}
}

/*
 * One injection. Text has its kind after the id, as inject add takes it,
 * and only when it is not a frame; JSON has "kind" last. len is the
 * frame's, or the stream block's.
 */
static void inject_print(struct sisctl_print *p,
			 const struct sisctl_inject *in)
{
	open_object(p, NULL);
	print_uint(p, PRINT_ANY, "id", "\tinject %" PRIu32, in->id);
	if (in->kind == SIS_INJECT_STREAM)
		print_fp(p, " stream");
	else if (in->kind != SIS_INJECT_FRAME)
		print_uint(p, PRINT_FP, NULL, " kind %u", in->kind);
	print_string(p, PRINT_ANY, "dir", " dir %s", dir_name(in->dir));
	print_uint(p, PRINT_ANY, "len", " len %" PRIu32, in->len);
	print_u64(p, PRINT_ANY, "sent", " sent %" PRIu64 "\n", in->sent);
	print_string(p, PRINT_JSON, "kind", NULL, inject_kind_name(in->kind));
	close_object(p);
}

static void sub_print(struct sisctl_print *p, const struct sisctl_sub *sub)
{
	open_object(p, NULL);
	print_uint(p, PRINT_ANY, "id", "\tsub %" PRIu32, sub->id);
	print_string(p, PRINT_ANY, "cap", " cap %s", sub->cap);
	print_string(p, PRINT_ANY, "rights", " rights %s",
		     rights_name(sub->rights));
	print_string(p, PRINT_JSON, "filter", NULL, sub->expr);
	/* 0 in JSON is all of the frame. */
	print_uint(p, PRINT_JSON, "snaplen", NULL, sub->snaplen);
	if (sub->snaplen)
		print_uint(p, PRINT_FP, NULL, " snaplen %" PRIu32,
			   sub->snaplen);
	else
		print_fp(p, " snaplen all");
	print_u64(p, PRINT_ANY, "matches", " matches %" PRIu64, sub->matches);
	filter_end_print(p, sub->expr);
	close_object(p);
}

static void scanner_stats_print(struct sisctl_print *p,
				const struct sisctl_scanner_stats *st)
{
	open_object(p, "stats");
	print_u64(p, PRINT_ANY, "frames", "\tframes %" PRIu64, st->frames);
	print_u64(p, PRINT_ANY, "passed", " passed %" PRIu64, st->passed);
	print_u64(p, PRINT_ANY, "cut", " cut %" PRIu64, st->cut);
	print_u64(p, PRINT_ANY, "timeouts", " timeouts %" PRIu64, st->timeouts);
	print_u64(p, PRINT_ANY, "overflows", " overflows %" PRIu64,
		  st->overflows);
	print_u64(p, PRINT_ANY, "released", " released %" PRIu64, st->released);
	print_u64(p, PRINT_ANY, "stale", " stale %" PRIu64, st->stale);
	print_u64(p, PRINT_ANY, "lost", " lost %" PRIu64 "\n", st->lost);
	print_u64(p, PRINT_ANY, "alerts", "\talerts %" PRIu64, st->alerts);
	print_u64(p, PRINT_ANY, "alerts_dropped", " dropped %" PRIu64,
		  st->alerts_dropped);
	print_u64(p, PRINT_ANY, "injects", " injects %" PRIu64, st->injects);
	print_u64(p, PRINT_ANY, "injects_limited", " limited %" PRIu64,
		  st->injects_limited);
	print_u64(p, PRINT_ANY, "absent_dropped",
		  " absent-dropped %" PRIu64 "\n", st->absent_dropped);
	/* Alert attachments: taken, and dropped over the byte budget. */
	print_u64(p, PRINT_ANY, "attachments", "\tattachments %" PRIu64,
		  st->attachments);
	print_u64(p, PRINT_ANY, "attach_dropped", " dropped %" PRIu64 "\n",
		  st->attach_dropped);
	close_object(p);
}

/*
 * One scanner: its lines of text, or an element of "scanners". The newer
 * keys (inject_rate) come last in JSON.
 */
void scanner_print(struct sisctl_print *p, const struct sisctl_scanner *s,
		   const char *bridge)
{
	const char *user = user_name(s->uid);

	open_object(p, NULL);
	print_string(p, PRINT_ANY, "name", "scanner %s", s->name);
	print_dev(p, PRINT_ANY, "bridge", " bridge %s", bridge, s->ifindex);
	print_uint(p, PRINT_JSON, "uid", NULL, s->uid);
	if (user) {
		print_string(p, PRINT_ANY, "user", " user %s", user);
	} else {
		print_null(p, PRINT_JSON, "user", NULL);
		print_uint(p, PRINT_FP, NULL, " user %" PRIu32, s->uid);
	}
	if (s->attached)
		print_uint(p, PRINT_ANY, "pid", " pid %" PRIu32 "\n", s->pid);
	else
		print_null(p, PRINT_ANY, "pid", " not attached\n");
	print_uint(p, PRINT_ANY, "timeout_ms", "\ttimeout %" PRIu32,
		   s->timeout_ms);
	print_string(p, PRINT_ANY, "fail", " fail %s", fail_name(s->fail));
	print_string(p, PRINT_ANY, "absent", " absent %s",
		     absent_name(s->absent));
	print_uint(p, PRINT_ANY, "max_held", " max-held %" PRIu32, s->max_held);
	print_uint(p, PRINT_ANY, "max_bytes", " max-bytes %" PRIu32,
		   s->max_bytes);
	print_uint(p, PRINT_FP, NULL, " inject-rate %" PRIu32 "\n",
		   s->inject_rate);
	print_uint(p, PRINT_ANY, "held", "\theld %" PRIu32, s->held);
	print_uint(p, PRINT_ANY, "held_bytes", " bytes %" PRIu32 "\n",
		   s->held_bytes);
	scanner_stats_print(p, &s->st);
	open_array(p, "caps");
	for (size_t i = 0; i < s->ncaps; i++)
		cap_print(p, &s->caps[i]);
	close_array(p);
	open_array(p, "injects");
	for (size_t i = 0; i < s->ninjects; i++)
		inject_print(p, &s->injects[i]);
	close_array(p);
	open_array(p, "subs");
	for (size_t i = 0; i < s->nsubs; i++)
		sub_print(p, &s->subs[i]);
	close_array(p);
	print_uint(p, PRINT_JSON, "inject_rate", NULL, s->inject_rate);
	close_object(p);
}
