// SPDX-License-Identifier: GPL-2.0
/* Subcommands end to end against the fake libsis: requests, output, exit codes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fixtures.h"
#include "tap.h"

#define ARGS(...) ((const char *[]){ __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define RUN(r, o, ...) run_cmd(r, o, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))

static const struct sisctl text_mode, json_mode = { .json = true };

static const struct nla_policy req_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX]		= { .type = NLA_U32 },
	[SIS_A_HOST_IFINDEX]	= { .type = NLA_U32 },
	[SIS_A_RULE]		= { .type = NLA_NESTED },
};

/* The i-th request: its command, flags and top-level attributes. */
static bool sent(int i, uint8_t cmd, struct nlattr **tb, uint16_t *flags)
{
	struct nlmsghdr *h;
	struct genlmsghdr *g;

	if (i >= FAKE_MAX || !fake.sent[i])
		return false;
	h = nlmsg_hdr(fake.sent[i]);
	g = nlmsg_data(h);
	if (flags)
		*flags = h->nlmsg_flags;
	return g->cmd == cmd &&
	       !genlmsg_parse(h, 0, tb, SIS_A_MAX, req_policy);
}

static bool u32_is(struct nlattr *a, uint32_t v)
{
	return a && nla_len(a) == 4 && nla_get_u32(a) == v;
}

/* Clean up after a command: the socket was closed as often as opened. */
static bool balanced(void)
{
	return fake.opened == fake.closed;
}

static struct nl_msg *add_reply(bool with_id, uint32_t id)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *n;

	genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, SIS_CMD_PREVENT_ADD,
		    SIS_GENL_VERSION);
	nla_put_u32(msg, SIS_A_IFINDEX, 1);
	n = nla_nest_start(msg, SIS_A_RULE | NLA_F_NESTED);
	if (with_id)
		nla_put_u32(msg, SIS_RULE_A_ID, id);
	nla_nest_end(msg, n);
	return msg;
}

TAP_SUITE(cmd_attach_detach)
{
	uint32_t lo = if_nametoindex("lo");
	struct nlattr *tb[SIS_A_MAX + 1];
	struct run r;

	if (!lo) {
		tap_skip("no lo here", "attach and detach");
		return;
	}

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "attach", "lo", "host", "lo");
	/* lo stands for the bridge: it has addresses, which are warned of. */
	tap_ok(r.ret == 0 && !r.out[0] && balanced() &&
	       strstr(r.err, "Warning: lo has address 127.0.0.1: frames from the host port to the appliance itself are never judged, so SIS drops them unless \"sisctl set dev lo local pass\".\n"),
	       "attach: exit 0, a warning for each address of the bridge");
	tap_ok(sent(0, SIS_CMD_ATTACH, tb, NULL) && u32_is(tb[SIS_A_IFINDEX], lo) &&
	       u32_is(tb[SIS_A_HOST_IFINDEX], lo), "attach: request");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "attach", "nosuch0", "host", "lo");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: Cannot find device \"nosuch0\".\n") &&
	       fake.next == 0, "attach: unknown bridge, nothing sent");
	run_free(&r);
	RUN(&r, &text_mode, "attach", "lo", "host", "nosuch1");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: Cannot find device \"nosuch1\".\n") &&
	       fake.next == 0, "attach: unknown port, nothing sent");
	run_free(&r);
	RUN(&r, &text_mode, "attach", "lo");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl attach", 20) &&
	       fake.next == 0, "attach: missing \"host\" is a usage error");
	run_free(&r);
	RUN(&r, &text_mode, "attach", "lo", "lo");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: unknown argument \"lo\".\n") &&
	       fake.next == 0, "attach: a word that is no keyword is named");
	run_free(&r);
	RUN(&r, &text_mode, "attach", "lo", "host", "lo", "fail", "shut");
	tap_ok(r.ret == 1 &&
	       !strcmp(r.err, "Error: invalid fail policy \"shut\": use open or closed.\n") &&
	       fake.next == 0, "attach: a fail policy that is none");
	run_free(&r);
	RUN(&r, &text_mode, "attach", "help");
	tap_ok(r.ret == 0 && !strncmp(r.out, "Usage: sisctl attach", 20),
	       "attach help: usage on stdout");
	run_free(&r);

	fake_start();
	fake.open_error = -ENOENT;
	RUN(&r, &text_mode, "attach", "lo", "host", "lo");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: sis module not loaded.\n"),
	       "attach: module not loaded");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EINVAL;
	fake.calls[0].extack = "lo is not a bridge";
	RUN(&r, &text_mode, "attach", "lo", "host", "lo");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: lo is not a bridge.\n") &&
	       !r.out[0] && balanced(), "attach: kernel message");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EPERM;
	RUN(&r, &text_mode, "attach", "lo", "host", "lo");
	tap_ok(r.ret == 1 && !strcmp(r.err,
		"Error: Operation not permitted (sisctl needs CAP_NET_ADMIN).\n"),
	       "attach: EPERM without a message");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EEXIST;
	RUN(&r, &text_mode, "attach", "lo", "host", "lo");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: File exists.\n"),
	       "attach: errno without a message");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].extack = "something to know";
	RUN(&r, &text_mode, "detach", "lo");
	tap_ok(r.ret == 0 && !strcmp(r.err, "Warning: something to know.\n"),
	       "detach: warning on success, exit 0");
	tap_ok(sent(0, SIS_CMD_DETACH, tb, NULL) && u32_is(tb[SIS_A_IFINDEX], lo) &&
	       !tb[SIS_A_HOST_IFINDEX], "detach: request");
	run_free(&r);
	RUN(&r, &text_mode, "detach");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl detach", 20),
	       "detach: usage");
	run_free(&r);
	fake_reset();
}

TAP_SUITE(cmd_prevent)
{
	uint32_t lo = if_nametoindex("lo");
	struct nlattr *tb[SIS_A_MAX + 1], *rtb[SIS_RULE_A_MAX + 1];
	struct run r;
	bool good;

	if (!lo) {
		tap_skip("no lo here", "prevent");
		return;
	}

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].replies[0] = add_reply(true, 12);
	fake.calls[0].nreplies = 1;
	RUN(&r, &text_mode, "prevent", "add", "lo", "dir", "out", "udp", "dst",
	    "port", "9999");
	tap_ok(r.ret == 0 && !strcmp(r.out, "12\n") && !r.err[0] && balanced(),
	       "prevent add: prints the new id");
	good = sent(0, SIS_CMD_PREVENT_ADD, tb, NULL) && u32_is(tb[SIS_A_IFINDEX], lo) &&
	       tb[SIS_A_RULE] &&
	       !nla_parse_nested(rtb, SIS_RULE_A_MAX, tb[SIS_A_RULE], NULL) &&
	       rtb[SIS_RULE_A_BPF] && nla_len(rtb[SIS_RULE_A_BPF]) > 0 &&
	       nla_len(rtb[SIS_RULE_A_BPF]) % sizeof(struct sock_filter) == 0 &&
	       rtb[SIS_RULE_A_DIR] && nla_get_u8(rtb[SIS_RULE_A_DIR]) == SIS_DIR_OUT &&
	       rtb[SIS_RULE_A_EXPR] &&
	       !strcmp(nla_data(rtb[SIS_RULE_A_EXPR]), "udp dst port 9999");
	tap_ok(good, "prevent add: request");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].replies[0] = add_reply(true, 4000000000u);
	fake.calls[0].nreplies = 1;
	RUN(&r, &json_mode, "prevent", "add", "lo", "arp");
	tap_ok(r.ret == 0 && !strcmp(r.out, "{\"id\":4000000000}\n"),
	       "prevent add -j: {\"id\":N}");
	tap_ok(sent(0, SIS_CMD_PREVENT_ADD, tb, NULL) && tb[SIS_A_RULE] &&
	       !nla_parse_nested(rtb, SIS_RULE_A_MAX, tb[SIS_A_RULE], NULL) &&
	       rtb[SIS_RULE_A_DIR] && nla_get_u8(rtb[SIS_RULE_A_DIR]) == SIS_DIR_ANY,
	       "prevent add: direction defaults to any");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].replies[0] = add_reply(false, 0);
	fake.calls[0].nreplies = 1;
	RUN(&r, &text_mode, "prevent", "add", "lo", "arp");
	tap_ok(r.ret == 1 && !r.out[0] && !strncmp(r.err, "Error: ", 7),
	       "prevent add: reply without id is an error");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "prevent", "add", "lo", "udp", "dst", "port", "nosuchservice");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Error: filter: ", 15) &&
	       r.err[strlen(r.err) - 2] == '.' && !strchr(r.err, '\n')[1] &&
	       fake.next == 0 && fake.opened == 0,
	       "prevent add: bad filter, one line, nothing sent");
	run_free(&r);

	RUN(&r, &text_mode, "prevent", "add", "lo", "dir", "sideways", "udp");
	tap_ok(r.ret == 1 && strstr(r.err, "sideways") && fake.next == 0,
	       "prevent add: bad direction");
	run_free(&r);
	RUN(&r, &text_mode, "prevent", "add", "lo");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl prevent", 21),
	       "prevent add: no filter is a usage error");
	run_free(&r);
	RUN(&r, &text_mode, "prevent", "frob");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl prevent", 21),
	       "prevent: unknown subcommand");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -ENOENT;
	fake.calls[0].extack = "no rule 7 on lo";
	RUN(&r, &text_mode, "prevent", "del", "lo", "7");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: no rule 7 on lo.\n"),
	       "prevent del: kernel message");
	good = sent(0, SIS_CMD_PREVENT_DEL, tb, NULL) && u32_is(tb[SIS_A_IFINDEX], lo) &&
	       tb[SIS_A_RULE] &&
	       !nla_parse_nested(rtb, SIS_RULE_A_MAX, tb[SIS_A_RULE], NULL) &&
	       u32_is(rtb[SIS_RULE_A_ID], 7);
	tap_ok(good, "prevent del: request");
	run_free(&r);

	RUN(&r, &text_mode, "prevent", "del", "lo", "seven");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: invalid rule id \"seven\".\n"),
	       "prevent del: bad id");
	run_free(&r);
	fake_reset();
}

TAP_SUITE(cmd_show)
{
	uint32_t lo = if_nametoindex("lo");
	struct nlattr *tb[SIS_A_MAX + 1];
	uint16_t flags = 0;
	struct run r;

	fake_start();
	fake.ncalls = 2;
	for (int i = 0; i < 4; i++)
		fake.calls[0].replies[i] = dump_msg(&example[i]);
	fake.calls[0].nreplies = 4;
	RUN(&r, &text_mode, "show");
	tap_ok(r.ret == 0 && !r.err[0] && balanced() &&
	       !strncmp(r.out, "bridge br0 host veth-h net veth-n\n", 34) &&
	       strstr(r.out, "\tprevent 9 dir in matches 1 bytes 98: icmp\nbridge br1"),
	       "show: merged text");
	tap_ok(sent(0, SIS_CMD_GET_BRIDGE, tb, &flags) && (flags & NLM_F_DUMP) == NLM_F_DUMP &&
	       !tb[SIS_A_IFINDEX], "show: a dump of all bridges");
	run_free(&r);

	fake_start();
	fake.ncalls = 2;
	for (int i = 0; i < 4; i++)
		fake.calls[0].replies[i] = dump_msg(&example[i]);
	fake.calls[0].nreplies = 4;
	RUN(&r, &json_mode, "show");
	{
		json_error_t e;
		json_t *j = json_loads(r.out, 0, &e);

		tap_ok(r.ret == 0 && json_is_array(j) && json_array_size(j) == 2 &&
		       r.out[strlen(r.out) - 1] == '\n' && !strchr(r.out, '\n')[1],
		       "show -j: one line of JSON");
		json_decref(j);
	}
	run_free(&r);

	fake_start();
	fake.ncalls = 2;
	RUN(&r, &text_mode, "show");
	tap_ok(r.ret == 0 && !r.out[0] && !r.err[0], "show: nothing attached, nothing printed");
	run_free(&r);
	fake_start();
	fake.ncalls = 2;
	RUN(&r, &json_mode, "show");
	tap_ok(r.ret == 0 && !strcmp(r.out, "[]\n"), "show -j: nothing attached is []");
	run_free(&r);

	if (lo) {
		fake_start();
		fake.ncalls = 2;
		RUN(&r, &text_mode, "show", "lo");
		tap_ok(r.ret == 0 && sent(0, SIS_CMD_GET_BRIDGE, tb, &flags) &&
		       (flags & NLM_F_DUMP) == NLM_F_DUMP && u32_is(tb[SIS_A_IFINDEX], lo),
		       "show BRIDGE: dump filtered by SIS_A_IFINDEX");
		run_free(&r);
	} else {
		tap_skip("no lo here", "show BRIDGE: dump filtered by SIS_A_IFINDEX");
	}

	/* An interrupted dump is retried from scratch. */
	fake_start();
	fake.ncalls = 3;
	fake.calls[0].replies[0] = dump_msg(&example[0]);
	fake.calls[0].nreplies = 1;
	fake.calls[0].error = -EINTR;
	fake.calls[1].replies[0] = dump_msg(&example[3]);
	fake.calls[1].nreplies = 1;
	RUN(&r, &text_mode, "show");
	tap_ok(r.ret == 0 && fake.next == 3 && !strncmp(r.out, "bridge br1", 10) &&
	       !strstr(r.out, "br0"), "show: interrupted dump retried");
	run_free(&r);

	fake_start();
	fake.ncalls = 4;
	for (int i = 0; i < 4; i++)
		fake.calls[i].error = -EINTR;
	RUN(&r, &text_mode, "show");
	tap_ok(r.ret == 1 && fake.next == 3 && !r.out[0] && !strncmp(r.err, "Error: ", 7),
	       "show: gives up after three interrupted dumps");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].replies[0] = dump_msg(&example[0]);
	fake.calls[0].nreplies = 1;
	fake.calls[0].error = -ENOBUFS;
	fake.calls[0].extack = "dump failed";
	RUN(&r, &text_mode, "show");
	tap_ok(r.ret == 1 && !r.out[0] && !strcmp(r.err, "Error: dump failed.\n"),
	       "show: failed dump prints no partial output");
	run_free(&r);

	RUN(&r, &text_mode, "show", "nosuch0");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: Cannot find device \"nosuch0\".\n"),
	       "show: unknown bridge");
	run_free(&r);
	RUN(&r, &text_mode, "show", "a", "b");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl show", 18), "show: usage");
	run_free(&r);
	fake_reset();
}
