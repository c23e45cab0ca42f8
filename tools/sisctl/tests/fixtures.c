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

/* show's text, malloc'ed. */
char *show_text_of(const struct sisctl_bridges *bl,
		   const struct sisctl_scanners *sl)
{
	struct sisctl_print p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print_init(&p, f, false);
	show_print(&p, bl, sl);
	fclose(f);
	return buf;
}

/* show's JSON, as the tree -j would dump. */
json_t *show_json_of(const struct sisctl_bridges *bl,
		     const struct sisctl_scanners *sl)
{
	struct sisctl_print p;

	print_init(&p, NULL, true);
	show_print(&p, bl, sl);
	return print_json_take(&p);
}

const struct scanner_spec scanner_example[3] = {
	{ .ifindex = 5, .name = "ids", .uid = 0, .timeout_ms = 250,
	  .max_held = 16, .max_bytes = 65536, .inject_rate = 5, .fail = SIS_FAIL_OPEN,
	  .absent = SIS_ABSENT_PASS, .attached = true, .pid = 4242, .counters = true,
	  .held = 3, .held_bytes = 180,
	  .st = { 10, 8, 1, 1, 0, 2, 4, 5, 2, 1, 6, 3, 9, 4, 2 },
	  .caps = { { "web", SIS_DIR_IN, SIS_RIGHT_READ | SIS_RIGHT_CONTAIN,
		      "tcp port 80", 12 } }, .ncaps = 1 },
	{ .ifindex = 5, .name = "ids", .uid = 0, .timeout_ms = 250,
	  .max_held = 16, .max_bytes = 65536, .inject_rate = 5, .fail = SIS_FAIL_OPEN,
	  .absent = SIS_ABSENT_PASS, .attached = true, .pid = 4242, .counters = true,
	  .held = 3, .held_bytes = 180,
	  .st = { 10, 8, 1, 1, 0, 2, 4, 5, 2, 1, 6, 3, 9, 4, 2 },
	  .caps = { { "dns", SIS_DIR_ANY, SIS_RIGHT_READ, "udp port 53", 3 } },
	  .ncaps = 1,
	  .injects = { { 1, SIS_DIR_OUT, 60, 7, SIS_INJECT_FRAME },
		       { 2, SIS_DIR_IN, 1000, 0, SIS_INJECT_STREAM } },
	  .ninjects = 2,
	  .subs = { { 3, "web", SIS_RIGHT_READ, "tcp dst port 80", 0, 5 },
		    { 4, "dns", SIS_RIGHT_READ, "", 96, 0 } }, .nsubs = 2 },
	{ .ifindex = 8, .name = "probe", .uid = 4000000, .timeout_ms = 1000,
	  .max_held = 1024, .max_bytes = 4194304, .inject_rate = 100,
	  .fail = SIS_FAIL_CLOSED },
};

/* As kernel/netlink_scanner.c sends it, with the counters when asked. */
struct nl_msg *scanner_msg(const struct scanner_spec *s)
{
	struct nl_msg *msg = nlmsg_alloc();
	const struct sisctl_scanner_stats *st = &s->st;
	struct nlattr *n;

	genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, NLM_F_MULTI, SIS_CMD_GET_SCANNER,
		    SIS_GENL_VERSION);
	nla_put_u32(msg, SIS_A_IFINDEX, s->ifindex);
	n = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);
	nla_put_string(msg, SIS_SCANNER_A_NAME, s->name);
	nla_put_u32(msg, SIS_SCANNER_A_UID, s->uid);
	nla_put_u32(msg, SIS_SCANNER_A_TIMEOUT_MS, s->timeout_ms);
	nla_put_u8(msg, SIS_SCANNER_A_FAIL, s->fail);
	nla_put_u8(msg, SIS_SCANNER_A_ABSENT, s->absent);
	nla_put_u32(msg, SIS_SCANNER_A_MAX_HELD, s->max_held);
	nla_put_u32(msg, SIS_SCANNER_A_MAX_BYTES, s->max_bytes);
	nla_put_u32(msg, SIS_SCANNER_A_INJECT_RATE, s->inject_rate);
	if (s->attached)
		nla_put_u32(msg, SIS_SCANNER_A_PID, s->pid);
	if (s->counters) {
		nla_put_u32(msg, SIS_SCANNER_A_HELD, s->held);
		nla_put_u32(msg, SIS_SCANNER_A_HELD_BYTES, s->held_bytes);
		nla_put_u64(msg, SIS_SCANNER_A_FRAMES, st->frames);
		nla_put_u64(msg, SIS_SCANNER_A_PASSED, st->passed);
		nla_put_u64(msg, SIS_SCANNER_A_CUT, st->cut);
		nla_put_u64(msg, SIS_SCANNER_A_TIMEOUTS, st->timeouts);
		nla_put_u64(msg, SIS_SCANNER_A_OVERFLOWS, st->overflows);
		nla_put_u64(msg, SIS_SCANNER_A_RELEASED, st->released);
		nla_put_u64(msg, SIS_SCANNER_A_STALE, st->stale);
		nla_put_u64(msg, SIS_SCANNER_A_LOST, st->lost);
		nla_put_u64(msg, SIS_SCANNER_A_ALERTS, st->alerts);
		nla_put_u64(msg, SIS_SCANNER_A_ALERTS_DROPPED, st->alerts_dropped);
		nla_put_u64(msg, SIS_SCANNER_A_INJECTS, st->injects);
		nla_put_u64(msg, SIS_SCANNER_A_INJECTS_LIMITED,
			    st->injects_limited);
		nla_put_u64(msg, SIS_SCANNER_A_ABSENT_DROPPED,
			    st->absent_dropped);
		nla_put_u64(msg, SIS_SCANNER_A_ATTACHMENTS, st->attachments);
		nla_put_u64(msg, SIS_SCANNER_A_ATTACH_DROPPED,
			    st->attach_dropped);
	}
	nla_nest_end(msg, n);
	for (int i = 0; i < s->ncaps; i++) {
		const struct cap_spec *c = &s->caps[i];

		n = nla_nest_start(msg, SIS_A_CAP | NLA_F_NESTED);
		nla_put_string(msg, SIS_CAP_A_NAME, c->name);
		nla_put_u8(msg, SIS_CAP_A_DIR, c->dir);
		nla_put_u8(msg, SIS_CAP_A_RIGHTS, c->rights);
		nla_put_string(msg, SIS_CAP_A_EXPR, c->expr);
		nla_put_u64(msg, SIS_CAP_A_MATCHES, c->matches);
		nla_nest_end(msg, n);
	}
	for (int i = 0; i < s->ninjects; i++) {
		const struct inject_spec *in = &s->injects[i];

		n = nla_nest_start(msg, SIS_A_INJECT | NLA_F_NESTED);
		nla_put_u32(msg, SIS_INJECT_A_ID, in->id);
		nla_put_u8(msg, SIS_INJECT_A_DIR, in->dir);
		nla_put_u8(msg, SIS_INJECT_A_KIND, in->kind);
		nla_put_u32(msg, SIS_INJECT_A_LEN, in->len);
		nla_put_u64(msg, SIS_INJECT_A_SENT, in->sent);
		nla_nest_end(msg, n);
	}
	for (int i = 0; i < s->nsubs; i++) {
		const struct sub_spec *sub = &s->subs[i];

		n = nla_nest_start(msg, SIS_A_SUB | NLA_F_NESTED);
		nla_put_u32(msg, SIS_SUB_A_ID, sub->id);
		nla_put_string(msg, SIS_SUB_A_CAP, sub->cap);
		nla_put_u8(msg, SIS_SUB_A_RIGHTS, sub->rights);
		nla_put_string(msg, SIS_SUB_A_EXPR, sub->expr);
		nla_put_u32(msg, SIS_SUB_A_SNAPLEN, sub->snaplen);
		nla_put_u64(msg, SIS_SUB_A_MATCHES, sub->matches);
		nla_nest_end(msg, n);
	}
	return msg;
}

int merge_scanners(struct sisctl_scanners *l, const struct scanner_spec *s, int n)
{
	for (int i = 0; i < n; i++) {
		struct nl_msg *msg = scanner_msg(&s[i]);
		int r = scanners_merge(l, nlmsg_hdr(msg));

		nlmsg_free(msg);
		if (r < 0)
			return r;
	}
	return 0;
}

struct nl_msg *alert_msg(const struct alert_spec *a)
{
	struct nl_msg *msg = nlmsg_alloc_size(65536);
	struct nlattr *n;

	genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, SIS_CMD_ALERT, SIS_GENL_VERSION);
	nla_put_u32(msg, SIS_A_IFINDEX, a->ifindex);
	n = nla_nest_start(msg, SIS_A_ALERT | NLA_F_NESTED);
	nla_put_string(msg, SIS_ALERT_A_SCANNER, a->scanner);
	if (a->has_time)
		nla_put_u64(msg, SIS_ALERT_A_TIME, a->time_ns);
	nla_put(msg, SIS_ALERT_A_MSG, (int)a->msg_len, a->msg);
	if (a->has_frame) {
		nla_put_u64(msg, SIS_ALERT_A_FRAME_NUM, a->frame);
		nla_put_u8(msg, SIS_ALERT_A_DIR, a->dir);
		nla_put_u32(msg, SIS_ALERT_A_LEN, a->len);
	}
	if (a->data)
		nla_put(msg, SIS_ALERT_A_DATA, (int)a->data_len, a->data);
	if (a->attach_id) {
		nla_put_u64(msg, SIS_ALERT_A_ID, a->attach_id);
		nla_put_u64(msg, SIS_ALERT_A_ATTACH_LEN, a->attach_len);
	}
	nla_nest_end(msg, n);
	return msg;
}

struct nl_msg *piece_msg(uint64_t id, uint64_t off, const void *data,
			 size_t len)
{
	struct nl_msg *msg = nlmsg_alloc_size(len + 512);
	struct nlattr *n;

	genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, SIS_CMD_ALERT_DATA,
		    SIS_GENL_VERSION);
	nla_put_u32(msg, SIS_A_IFINDEX, 1);
	n = nla_nest_start(msg, SIS_A_ALERT | NLA_F_NESTED);
	nla_put_u64(msg, SIS_ALERT_A_ID, id);
	nla_put_u64(msg, SIS_ALERT_A_OFFSET, off);
	nla_put(msg, SIS_ALERT_A_ATTACH_DATA, (int)len, data);
	nla_nest_end(msg, n);
	return msg;
}

struct nl_msg *event_msg(const struct event_spec *e)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *n;

	genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, e->cmd, SIS_GENL_VERSION);
	nla_put_u32(msg, SIS_A_IFINDEX, e->ifindex);
	n = nla_nest_start(msg, SIS_A_EVENT | NLA_F_NESTED);
	if (e->has_reason)
		nla_put_u8(msg, SIS_EVENT_A_REASON, e->reason);
	if (e->bridge)
		nla_put_string(msg, SIS_EVENT_A_BRIDGE, e->bridge);
	if (e->port)
		nla_put_string(msg, SIS_EVENT_A_PORT, e->port);
	if (e->scanner)
		nla_put_string(msg, SIS_EVENT_A_SCANNER, e->scanner);
	if (e->has_id)
		nla_put_u32(msg, SIS_EVENT_A_ID, e->id);
	if (e->pid)
		nla_put_u32(msg, SIS_EVENT_A_PID, e->pid);
	if (e->cap)
		nla_put_string(msg, SIS_EVENT_A_CAP, e->cap);
	nla_nest_end(msg, n);
	return msg;
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
	else if (!strcmp(argv[0], "scanner"))
		fn = cmd_scanner;
	else if (!strcmp(argv[0], "cap"))
		fn = cmd_cap;
	else if (!strcmp(argv[0], "inject"))
		fn = cmd_inject;
	else if (!strcmp(argv[0], "monitor"))
		fn = cmd_monitor;
	else if (!strcmp(argv[0], "set"))
		fn = cmd_set;
	else if (!strcmp(argv[0], "conns"))
		fn = cmd_conns;

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
