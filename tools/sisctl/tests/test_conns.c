// SPDX-License-Identifier: GPL-2.0
/* sisctl conns: merging SIS_CMD_GET_CONN dumps, text and JSON, the command. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fixtures.h"
#include "tap.h"

#define ARGS(...) ((const char *[]){ __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define RUN(r, o, ...) run_cmd(r, o, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))

static const struct sisctl text_mode, json_mode = { .json = true };

struct conn_spec {
	uint32_t ifindex;
	uint64_t id;
	uint8_t family;
	const char *host, *net;
	uint16_t host_port, net_port;
	uint8_t initiator, host_state, net_state;
	uint64_t age_ms;
	struct sisctl_conn_dir out, in;
	int age_len;		/* 8 (u64) or 4 */
};

static const struct conn_spec conn_example[2] = {
	{ 8, 7, AF_INET, "10.0.0.1", "10.0.0.2", 34567, 25, SIS_DIR_OUT,
	  SIS_TCP_ESTABLISHED, SIS_TCP_ESTABLISHED, 3250,
	  { 123, 100, 23, 0, 1 }, { 456, 456, 0, 12, 1 }, 8 },
	{ 8, 9, AF_INET6, "2001:db8::1", "2001:db8::25", 443, 51000, SIS_DIR_IN,
	  SIS_TCP_FIN_WAIT2, SIS_TCP_CLOSE_WAIT, 60000,
	  { 0, 0, 0, 0, 0 }, { 5, 5, 0, 0, 2 }, 4 },
};

#define CONN0_TEXT \
	"7 bridge br-if8 host 10.0.0.1:34567 net 10.0.0.2:25 opened-by host  " \
	"host:established net:established  out seen 123 passed 100 held 23 kept 0 " \
	"watchers 1  in seen 456 passed 456 held 0 kept 12 watchers 1  age 3.2s\n"
#define CONN1_TEXT \
	"9 bridge br-if8 host [2001:db8::1]:443 net [2001:db8::25]:51000 opened-by net  " \
	"host:fin-wait-2 net:close-wait  out seen 0 passed 0 held 0 kept 0 watchers 0  " \
	"in seen 5 passed 5 held 0 kept 0 watchers 2  age 60.0s\n"

static void put_dir(struct nl_msg *msg, int type, const struct sisctl_conn_dir *d)
{
	struct nlattr *n = nla_nest_start(msg, type | NLA_F_NESTED);

	nla_put_u64(msg, SIS_CONN_DIR_A_SEEN, d->seen);
	nla_put_u64(msg, SIS_CONN_DIR_A_PASSED, d->passed);
	nla_put_u32(msg, SIS_CONN_DIR_A_HELD, d->held);
	nla_put_u32(msg, SIS_CONN_DIR_A_KEPT, d->kept);
	nla_put_u32(msg, SIS_CONN_DIR_A_WATCHERS, d->watchers);
	nla_nest_end(msg, n);
}

static struct nl_msg *conn_msg(const struct conn_spec *c)
{
	struct nl_msg *msg = nlmsg_alloc();
	unsigned char a[16];
	int alen = c->family == AF_INET ? 4 : 16;
	struct nlattr *n;

	genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, NLM_F_MULTI, SIS_CMD_GET_CONN,
		    SIS_GENL_VERSION);
	nla_put_u32(msg, SIS_A_IFINDEX, c->ifindex);
	n = nla_nest_start(msg, SIS_A_CONN | NLA_F_NESTED);
	nla_put_u64(msg, SIS_CONN_A_ID, c->id);
	nla_put_u8(msg, SIS_CONN_A_FAMILY, c->family);
	inet_pton(c->family, c->host, a);
	nla_put(msg, SIS_CONN_A_HOST_ADDR, alen, a);
	nla_put_u16(msg, SIS_CONN_A_HOST_PORT, c->host_port);
	inet_pton(c->family, c->net, a);
	nla_put(msg, SIS_CONN_A_NET_ADDR, alen, a);
	nla_put_u16(msg, SIS_CONN_A_NET_PORT, c->net_port);
	nla_put_u8(msg, SIS_CONN_A_INITIATOR, c->initiator);
	nla_put_u8(msg, SIS_CONN_A_HOST_STATE, c->host_state);
	nla_put_u8(msg, SIS_CONN_A_NET_STATE, c->net_state);
	if (c->age_len == 4)
		nla_put_u32(msg, SIS_CONN_A_AGE_MS, (uint32_t)c->age_ms);
	else
		nla_put_u64(msg, SIS_CONN_A_AGE_MS, c->age_ms);
	put_dir(msg, SIS_CONN_A_IN, &c->in);
	put_dir(msg, SIS_CONN_A_OUT, &c->out);
	nla_nest_end(msg, n);
	return msg;
}

static int merge_conns(struct sisctl_conns *l, const struct conn_spec *c, int n)
{
	for (int i = 0; i < n; i++) {
		struct nl_msg *msg = conn_msg(&c[i]);
		int r = conns_merge(l, nlmsg_hdr(msg));

		nlmsg_free(msg);
		if (r < 0)
			return r;
	}
	return 0;
}

TAP_SUITE(conns_states)
{
	static const char *const names[] = {
		"closed", "syn-sent", "syn-recv", "established", "fin-wait-1",
		"fin-wait-2", "closing", "time-wait", "close-wait", "last-ack",
	};

	tap_eq(ARRAY_SIZE(names), __SIS_TCP_MAX, "states: every one named");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		tap_streq(tcp_state_name((uint8_t)i), names[i], "state %zu is %s",
		       i, names[i]);
	tap_ok(!strcmp(tcp_state_name(__SIS_TCP_MAX), "unknown") &&
	       !strcmp(tcp_state_name(0xff), "unknown"), "states: unknown ones");
}

TAP_SUITE(conns_format)
{
	struct sisctl_conns l = { 0 };
	const struct sisctl_conn *c;
	struct sisctl_print p;
	char *buf = NULL, *s;
	size_t len = 0;
	FILE *f;
	json_t *j;

	tap_ok(!merge_conns(&l, conn_example, 2) && l.n == 2, "merge: two connections");
	if (l.n != 2) {
		conns_free(&l);
		return;
	}
	c = &l.v[0];
	tap_ok(c->id == 7 && c->ifindex == 8 && c->family == AF_INET &&
	       c->host_port == 34567 && c->net_port == 25 && c->initiator == SIS_DIR_OUT &&
	       c->age_ms == 3250 && c->out.seen == 123 && c->out.held == 23 &&
	       c->in.kept == 12 && c->in.watchers == 1, "merge: fields");
	tap_ok(l.v[1].age_ms == 60000 && l.v[1].id == 9, "merge: a u32 age is read too");

	f = open_memstream(&buf, &len);
	print_init(&p, f, false);
	conn_print(&p, &l.v[0], "br-if8");
	conn_print(&p, &l.v[1], "br-if8");
	fclose(f);
	tap_ok(buf && !strcmp(buf, CONN0_TEXT CONN1_TEXT),
	       "text: one line each, IPv6 bracketed");
	if (buf && strcmp(buf, CONN0_TEXT CONN1_TEXT))
		tap_diag("%s", buf);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	print_init(&p, f, false);
	conn_print(&p, &l.v[0], NULL);
	fclose(f);
	tap_ok(buf && !strncmp(buf, "7 bridge if8 host ", 18), "text: unknown bridge name");
	free(buf);

#define CONN0_JSON \
	"{\"id\":7,\"bridge\":\"br-if8\",\"ifindex\":8,\"family\":\"inet\"," \
	"\"host\":{\"addr\":\"10.0.0.1\",\"port\":34567,\"state\":\"established\"}," \
	"\"net\":{\"addr\":\"10.0.0.2\",\"port\":25,\"state\":\"established\"}," \
	"\"opened_by\":\"host\"," \
	"\"out\":{\"seen\":123,\"passed\":100,\"held\":23,\"kept\":0,\"watchers\":1}," \
	"\"in\":{\"seen\":456,\"passed\":456,\"held\":0,\"kept\":12,\"watchers\":1}," \
	"\"age_ms\":3250}"
	print_init(&p, NULL, true);
	conn_print(&p, &l.v[0], "br-if8");
	j = print_json_take(&p);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	tap_ok(s && !strcmp(s, CONN0_JSON), "json: a connection, key order included");
	if (s && strcmp(s, CONN0_JSON))
		tap_diag("%s", s);
	free(s);
	json_decref(j);
	print_init(&p, NULL, true);
	conn_print(&p, &l.v[1], NULL);
	j = print_json_take(&p);
	tap_ok(j && json_is_null(json_object_get(j, "bridge")) &&
	       !strcmp(json_string_value(json_object_get(j, "family")), "inet6") &&
	       !strcmp(json_string_value(json_object_get(json_object_get(j, "host"),
							 "addr")), "2001:db8::1") &&
	       !strcmp(json_string_value(json_object_get(j, "opened_by")), "net"),
	       "json: IPv6 unbracketed, opened by the network, bridge unknown");
	json_decref(j);
	conns_free(&l);
	tap_ok(!l.n && !l.v, "conns: freed");

	{
		char ep[64];

		conn_endpoint(ep, sizeof(ep), AF_INET6,
			      (const unsigned char *)"\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\0\0\1", 80);
		tap_streq(ep, "[::ffff:10.0.0.1]:80", "endpoint: a mapped address");
	}
}

TAP_SUITE(conns_malformed)
{
	enum { NO_IFINDEX, NO_CONN, NO_ID, NO_FAMILY, BAD_FAMILY, SHORT_ADDR,
	       V6_ADDR_V4, NO_NET_ADDR, SHORT_PORT, BAD_DIR };
	static const struct {
		const char *name;
		int shape;
	} cases[] = {
		{ "no SIS_A_IFINDEX", NO_IFINDEX },
		{ "no SIS_A_CONN", NO_CONN },
		{ "no id", NO_ID },
		{ "no family", NO_FAMILY },
		{ "unknown family", BAD_FAMILY },
		{ "3-byte address", SHORT_ADDR },
		{ "16-byte address for IPv4", V6_ADDR_V4 },
		{ "no network address", NO_NET_ADDR },
		{ "u8 port", SHORT_PORT },
		{ "u32 byte count", BAD_DIR },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sisctl_conns l = { 0 };
		struct nl_msg *msg = nlmsg_alloc();
		static const unsigned char a[16] = { 10, 0, 0, 1 };
		int s = cases[i].shape;
		struct nlattr *n;

		genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, NLM_F_MULTI, SIS_CMD_GET_CONN,
			    SIS_GENL_VERSION);
		if (s != NO_IFINDEX)
			nla_put_u32(msg, SIS_A_IFINDEX, 8);
		if (s != NO_CONN) {
			n = nla_nest_start(msg, SIS_A_CONN | NLA_F_NESTED);
			if (s != NO_ID)
				nla_put_u64(msg, SIS_CONN_A_ID, 1);
			if (s != NO_FAMILY)
				nla_put_u8(msg, SIS_CONN_A_FAMILY,
					   s == BAD_FAMILY ? 99 : AF_INET);
			nla_put(msg, SIS_CONN_A_HOST_ADDR,
				s == SHORT_ADDR ? 3 : s == V6_ADDR_V4 ? 16 : 4, a);
			if (s != NO_NET_ADDR)
				nla_put(msg, SIS_CONN_A_NET_ADDR, 4, a);
			if (s == SHORT_PORT)
				nla_put_u8(msg, SIS_CONN_A_HOST_PORT, 25);
			if (s == BAD_DIR) {
				struct nlattr *d = nla_nest_start(msg, SIS_CONN_A_IN |
								  NLA_F_NESTED);

				nla_put_u32(msg, SIS_CONN_DIR_A_SEEN, 1);
				nla_nest_end(msg, d);
			}
			nla_nest_end(msg, n);
		}
		tap_ok(conns_merge(&l, nlmsg_hdr(msg)) == -EPROTO && l.n == 0,
		       "malformed: %s", cases[i].name);
		nlmsg_free(msg);
		conns_free(&l);
	}

	/* The minimum: no ports, states, age or directions. */
	{
		struct sisctl_conns l = { 0 };
		struct nl_msg *msg = nlmsg_alloc();
		static const unsigned char a[4] = { 10, 0, 0, 1 };
		struct nlattr *n;
		struct sisctl_print p;
		char *buf = NULL;
		size_t len = 0;
		FILE *f;

		genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, NLM_F_MULTI, SIS_CMD_GET_CONN,
			    SIS_GENL_VERSION);
		nla_put_u32(msg, SIS_A_IFINDEX, 8);
		n = nla_nest_start(msg, SIS_A_CONN | NLA_F_NESTED);
		nla_put_u32(msg, SIS_CONN_A_ID, 1);
		nla_put_u8(msg, SIS_CONN_A_FAMILY, AF_INET);
		nla_put(msg, SIS_CONN_A_HOST_ADDR, 4, a);
		nla_put(msg, SIS_CONN_A_NET_ADDR, 4, a);
		nla_nest_end(msg, n);
		tap_ok(!conns_merge(&l, nlmsg_hdr(msg)) && l.n == 1, "merge: the minimum");
		nlmsg_free(msg);
		f = open_memstream(&buf, &len);
		print_init(&p, f, false);
		if (l.n)
			conn_print(&p, &l.v[0], "br0");
		fclose(f);
		tap_ok(buf && !strcmp(buf, "1 bridge br0 host 10.0.0.1:0 net 10.0.0.1:0 "
				      "opened-by unknown  host:unknown net:unknown  out seen 0 "
				      "passed 0 held 0 kept 0 watchers 0  in seen 0 passed 0 "
				      "held 0 kept 0 watchers 0  age 0.0s\n"),
		       "text: the minimum");
		free(buf);
		conns_free(&l);
	}
}

static void script_conns(int ncalls)
{
	fake_start();
	fake.ncalls = ncalls;
	for (int i = 0; i < 2; i++)
		fake.calls[0].replies[i] = conn_msg(&conn_example[i]);
	fake.calls[0].nreplies = 2;
}

/* Request i: a dump of SIS_CMD_GET_CONN, and its SIS_A_IFINDEX if any. */
static bool sent_dump(int i, uint32_t *ifindex)
{
	struct nlattr *tb[SIS_A_MAX + 1];
	struct nlmsghdr *h;
	struct genlmsghdr *g;

	if (i >= FAKE_MAX || !fake.sent[i])
		return false;
	h = nlmsg_hdr(fake.sent[i]);
	g = nlmsg_data(h);
	if (g->cmd != SIS_CMD_GET_CONN || !(h->nlmsg_flags & NLM_F_DUMP) ||
	    genlmsg_parse(h, 0, tb, SIS_A_MAX, NULL))
		return false;
	*ifindex = tb[SIS_A_IFINDEX] ? nla_get_u32(tb[SIS_A_IFINDEX]) : 0;
	return true;
}

TAP_SUITE(conns_cmd)
{
	uint32_t lo = if_nametoindex("lo"), ifindex = 1;
	json_t *j;
	struct run r;

	script_conns(1);
	RUN(&r, &text_mode, "conns");
	tap_ok(r.ret == 0 && !r.err[0] && fake.opened == fake.closed &&
	       !strncmp(r.out, "7 bridge ", 9) && strstr(r.out, " opened-by host  ") &&
	       strstr(r.out, "\n9 bridge ") && strstr(r.out, "age 60.0s\n") &&
	       !strchr(strchr(r.out, '\n') + 1, '\n')[1], "conns: one line each");
	tap_ok(sent_dump(0, &ifindex) && ifindex == 0 && fake.next == 1,
	       "conns: one dump of every bridge");
	run_free(&r);

	script_conns(1);
	RUN(&r, &json_mode, "conns");
	j = json_loads(r.out, 0, NULL);
	tap_ok(r.ret == 0 && json_array_size(j) == 2 && !strchr(r.out, '\n')[1] &&
	       json_integer_value(json_object_get(json_array_get(j, 1), "id")) == 9,
	       "conns -j: an array, one line");
	json_decref(j);
	run_free(&r);

	script_conns(1);
	RUN(&r, &text_mode, "show", "conns");
	tap_ok(r.ret == 0 && !strncmp(r.out, "7 bridge ", 9) && sent_dump(0, &ifindex),
	       "show conns: the same");
	run_free(&r);

	if (lo) {
		script_conns(1);
		RUN(&r, &text_mode, "conns", "dev", "lo");
		tap_ok(r.ret == 0 && sent_dump(0, &ifindex) && ifindex == lo,
		       "conns dev BRIDGE: the dump is filtered by SIS_A_IFINDEX");
		run_free(&r);
		script_conns(1);
		RUN(&r, &text_mode, "show", "conns", "lo");
		tap_ok(r.ret == 0 && sent_dump(0, &ifindex) && ifindex == lo,
		       "show conns BRIDGE: the same without dev");
		run_free(&r);
	} else {
		tap_skip("no lo here", "conns dev BRIDGE");
		tap_skip("no lo here", "show conns BRIDGE");
	}

	/* An interrupted dump is retried from scratch. */
	script_conns(3);
	fake.calls[0].error = -EINTR;
	fake.calls[1].replies[0] = conn_msg(&conn_example[1]);
	fake.calls[1].nreplies = 1;
	RUN(&r, &text_mode, "conns");
	tap_ok(r.ret == 0 && fake.next == 2 && !strncmp(r.out, "9 bridge ", 9) &&
	       !strchr(r.out, '\n')[1], "conns: an interrupted dump is retried");
	run_free(&r);

	fake_start();
	fake.ncalls = 4;
	for (int i = 0; i < 4; i++)
		fake.calls[i].error = -EINTR;
	RUN(&r, &text_mode, "conns");
	tap_ok(r.ret == 1 && fake.next == 3 && !r.out[0] && !strcmp(r.err,
		"Error: the connections kept changing during the dump, try again.\n"),
	       "conns: gives up after three interrupted dumps");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "conns");
	tap_ok(r.ret == 0 && !r.out[0] && !r.err[0], "conns: none, nothing printed");
	run_free(&r);
	fake_start();
	fake.ncalls = 1;
	RUN(&r, &json_mode, "conns");
	tap_ok(r.ret == 0 && !strcmp(r.out, "[]\n"), "conns -j: none is []");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EOPNOTSUPP;
	RUN(&r, &text_mode, "conns");
	tap_ok(r.ret == 1 && !strcmp(r.err,
		"Error: this sis module does not track connections (Operation not supported).\n"),
	       "conns: a module without streams");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EPERM;
	RUN(&r, &text_mode, "conns");
	tap_ok(r.ret == 1 && !strcmp(r.err,
		"Error: Operation not permitted (sisctl needs CAP_NET_ADMIN).\n"),
	       "conns: EPERM");
	run_free(&r);

	/* A malformed message fails the command, with no partial output. */
	script_conns(1);
	{
		struct nl_msg *bad = nlmsg_alloc();

		genlmsg_put(bad, 0, 1, FAKE_FAMILY, 0, NLM_F_MULTI, SIS_CMD_GET_CONN,
			    SIS_GENL_VERSION);
		nla_put_u32(bad, SIS_A_IFINDEX, 8);
		fake.calls[0].replies[2] = bad;
		fake.calls[0].nreplies = 3;
	}
	RUN(&r, &text_mode, "conns");
	tap_ok(r.ret == 1 && !r.out[0] && !strncmp(r.err, "Error: ", 7),
	       "conns: a malformed message, no partial output");
	run_free(&r);

	RUN(&r, &text_mode, "conns", "dev", "nosuch0");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: Cannot find device \"nosuch0\".\n"),
	       "conns: unknown bridge");
	run_free(&r);
	RUN(&r, &text_mode, "conns", "dev");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl conns", 19), "conns dev: usage");
	run_free(&r);
	RUN(&r, &text_mode, "conns", "a", "b", "c");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl conns", 19), "conns: usage");
	run_free(&r);
	RUN(&r, &text_mode, "conns", "help");
	tap_ok(r.ret == 0 && !strncmp(r.out, "Usage: sisctl conns", 19),
	       "conns help: usage on stdout");
	run_free(&r);
	RUN(&r, &text_mode, "show", "conns", "help");
	tap_ok(r.ret == 0 && !strncmp(r.out, "Usage: sisctl conns", 19),
	       "show conns help: usage on stdout");
	run_free(&r);
	fake_reset();
}
