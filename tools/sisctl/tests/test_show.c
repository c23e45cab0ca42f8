// SPDX-License-Identifier: GPL-2.0
/* sisctl show: merging dump messages, text and JSON output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "sisctl.h"
#include "tap.h"
#include "fixtures.h"


TAP_SUITE(show_merge_split)
{
	static const uint32_t want_ids[] = { 1, 3, 4, 9 };
	struct sisctl_bridges l = { 0 };
	const struct sisctl_bridge *b;
	bool ids = true;
	int r;

	r = merge_all(&l, example, ARRAY_SIZE(example));
	tap_ok(r == 0 && l.n == 2, "merge: two bridges from four messages");
	if (l.n != 2) {
		show_free(&l);
		return;
	}
	b = &l.v[0];
	tap_ok(b->ifindex == 5 && !strcmp(b->ifname, "br0") &&
	       b->host_ifindex == 3 && !strcmp(b->host_ifname, "veth-h") &&
	       b->net_ifindex == 4 && !strcmp(b->net_ifname, "veth-n"),
	       "merge: later messages keep the names and ports");
	tap_ok(b->in.frames == 10 && b->in.bytes == 980 && b->in.dropped == 0 &&
	       b->out.frames == 10 && b->out.bytes == 980 && b->out.dropped == 2,
	       "merge: later messages keep the counters");
	for (size_t i = 0; i < ARRAY_SIZE(want_ids); i++)
		ids = ids && i < b->nrules && b->rules[i].id == want_ids[i];
	tap_ok(b->nrules == ARRAY_SIZE(want_ids) && ids,
	       "merge: rules of all messages, in order");
	tap_ok(b->rules[2].dir == SIS_DIR_ANY && !strcmp(b->rules[2].expr, "tcp port 23") &&
	       b->rules[2].matches == 7 && b->rules[2].bytes == 420,
	       "merge: rule fields");
	tap_ok(l.v[1].ifindex == 8 && l.v[1].nrules == 0 && !strcmp(l.v[1].ifname, "br1"),
	       "merge: second bridge without rules");
	show_free(&l);
	tap_ok(l.n == 0 && !l.v, "merge: freed");

	/* Not consecutive (the kernel does not do this, but merge anyway). */
	{
		const struct msg_spec order[] = { example[0], example[3], example[2] };

		r = merge_all(&l, order, ARRAY_SIZE(order));
		tap_ok(r == 0 && l.n == 2 && l.v[0].nrules == 2 && l.v[1].nrules == 0,
		       "merge: by ifindex, not by position");
		show_free(&l);
	}
}

TAP_SUITE(show_merge_malformed)
{
	enum { NO_IFINDEX, SHORT_IFINDEX, RULE_NO_ID, SHORT_STATS, SHORT_GENL, NAME_NO_NUL };
	static const struct {
		const char *name;
		int shape;
	} cases[] = {
		{ "no SIS_A_IFINDEX", NO_IFINDEX },
		{ "short SIS_A_IFINDEX", SHORT_IFINDEX },
		{ "rule without id", RULE_NO_ID },
		{ "u32 counter", SHORT_STATS },
		{ "no generic netlink header", SHORT_GENL },
		{ "name without NUL", NAME_NO_NUL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sisctl_bridges l = { 0 };
		struct nl_msg *msg = nlmsg_alloc();
		struct nlattr *n;
		int r;

		if (cases[i].shape == SHORT_GENL) {
			nlmsg_put(msg, 0, 1, 0x42, 0, 0);
		} else {
			genlmsg_put(msg, 0, 1, 0x42, 0, 0, SIS_CMD_GET_BRIDGE, 1);
		}
		switch (cases[i].shape) {
		case NO_IFINDEX:
			nla_put_string(msg, SIS_A_IFNAME, "br0");
			break;
		case SHORT_IFINDEX:
			nla_put_u16(msg, SIS_A_IFINDEX, 5);
			break;
		case RULE_NO_ID:
			nla_put_u32(msg, SIS_A_IFINDEX, 5);
			n = nla_nest_start(msg, SIS_A_RULE | NLA_F_NESTED);
			nla_put_string(msg, SIS_RULE_A_EXPR, "udp");
			nla_nest_end(msg, n);
			break;
		case SHORT_STATS:
			nla_put_u32(msg, SIS_A_IFINDEX, 5);
			n = nla_nest_start(msg, SIS_A_STATS_IN | NLA_F_NESTED);
			nla_put_u32(msg, SIS_STATS_A_FRAMES, 1);
			nla_nest_end(msg, n);
			break;
		case NAME_NO_NUL:
			nla_put_u32(msg, SIS_A_IFINDEX, 5);
			nla_put(msg, SIS_A_IFNAME, 3, "br0");
			break;
		}
		r = show_merge(&l, nlmsg_hdr(msg));
		tap_eq(r, -EPROTO, "merge refuses: %s", cases[i].name);
		show_free(&l);
		nlmsg_free(msg);
	}
}

TAP_SUITE(show_text_format)
{
	struct sisctl_bridges l = { 0 };
	char *s;

	s = show_text_of(&l, NULL);
	tap_ok(s && !strcmp(s, ""), "text: nothing attached prints nothing");
	free(s);

	merge_all(&l, example, 1);
	s = show_text_of(&l, NULL);
	tap_ok(s && !strcmp(s,
		"bridge br0 host veth-h net veth-n\n"
		"\tin   frames 10 bytes 980 dropped 0\n"
		"\tout  frames 10 bytes 980 dropped 2\n"
		"\tprevent 1 dir out matches 2 bytes 84: udp dst port 9999\n"),
	       "text: the documented example");
	if (s && strncmp(s, "bridge br0", 10))
		tap_diag("%s", s);
	free(s);
	show_free(&l);

	merge_all(&l, example, ARRAY_SIZE(example));
	s = show_text_of(&l, NULL);
	tap_ok(s && !strcmp(s,
		"bridge br0 host veth-h net veth-n\n"
		"\tin   frames 10 bytes 980 dropped 0\n"
		"\tout  frames 10 bytes 980 dropped 2\n"
		"\tprevent 1 dir out matches 2 bytes 84: udp dst port 9999\n"
		"\tprevent 3 dir in matches 0 bytes 0: arp\n"
		"\tprevent 4 dir any matches 7 bytes 420: tcp port 23\n"
		"\tprevent 9 dir in matches 1 bytes 98: icmp\n"
		"bridge br1 host eth1 net eth2\n"
		"\tin   frames 0 bytes 0 dropped 0\n"
		"\tout  frames 0 bytes 0 dropped 0\n"),
	       "text: two bridges, merged rules");
	free(s);
	show_free(&l);

	/* Missing names, empty filter text, control characters, big counters. */
	{
		const struct msg_spec odd[] = {
			{ 12, false, NULL, NULL, NULL, 0, 0, { 0 }, { 0 },
			  { { 2, SIS_DIR_IN, "", UINT64_MAX, 1 },
			    { 3, SIS_DIR_OUT, "udp\nport\t53", 0, 0 } }, 2 },
		};

		merge_all(&l, odd, 1);
		s = show_text_of(&l, NULL);
		tap_ok(s && !strcmp(s,
			"bridge if12 host if0 net if0\n"
			"\tin   frames 0 bytes 0 dropped 0\n"
			"\tout  frames 0 bytes 0 dropped 0\n"
			"\tprevent 2 dir in matches 18446744073709551615 bytes 1\n"
			"\tprevent 3 dir out matches 0 bytes 0: udp port 53\n"),
		       "text: fallbacks and one line per rule");
		free(s);
		show_free(&l);
	}
}

static bool jint_is(json_t *o, const char *key, json_int_t v)
{
	json_t *j = json_object_get(o, key);

	return json_is_integer(j) && json_integer_value(j) == v;
}

static bool jstr_is(json_t *o, const char *key, const char *v)
{
	json_t *j = json_object_get(o, key);

	return json_is_string(j) && !strcmp(json_string_value(j), v);
}

static bool jstats_are(json_t *s, json_int_t frames, json_int_t bytes,
		       json_int_t dropped)
{
	return json_is_object(s) && json_object_size(s) == 3 &&
	       jint_is(s, "frames", frames) && jint_is(s, "bytes", bytes) &&
	       jint_is(s, "dropped", dropped);
}

TAP_SUITE(show_json_shape)
{
	struct sisctl_bridges l = { 0 };
	json_t *j, *back, *b, *p, *r;
	json_error_t err;
	char *s;

	j = show_json_of(&l, NULL);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	tap_ok(s && !strcmp(s, "[]"), "json: nothing attached is []");
	free(s);
	json_decref(j);

	merge_all(&l, example, 1);
	j = show_json_of(&l, NULL);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	tap_ok(s && !strcmp(s,
		"[{\"bridge\":\"br0\",\"ifindex\":5,"
		"\"host\":{\"ifname\":\"veth-h\",\"ifindex\":3},"
		"\"net\":{\"ifname\":\"veth-n\",\"ifindex\":4},"
		"\"stats\":{\"in\":{\"frames\":10,\"bytes\":980,\"dropped\":0},"
		"\"out\":{\"frames\":10,\"bytes\":980,\"dropped\":2}},"
		"\"prevent\":[{\"id\":1,\"dir\":\"out\",\"filter\":\"udp dst port 9999\","
		"\"matches\":2,\"bytes\":84}],\"scanners\":[],"
		"\"state\":\"attached\"}]"),
	       "json: the documented example, key order included");
	if (s && strncmp(s, "[{", 2))
		tap_diag("%s", s);
	free(s);
	json_decref(j);
	show_free(&l);

	/* Parse the full output back and check its shape. */
	merge_all(&l, example, ARRAY_SIZE(example));
	j = show_json_of(&l, NULL);
	s = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	back = s ? json_loads(s, 0, &err) : NULL;
	tap_ok(json_is_array(back) && json_array_size(back) == 2,
	       "json: parses back as an array of two");
	b = json_array_get(back, 0);
	tap_ok(json_is_object(b) && json_object_size(b) == 8 &&
	       jstr_is(b, "bridge", "br0") && jint_is(b, "ifindex", 5),
	       "json: bridge object");
	p = json_object_get(b, "host");
	tap_ok(json_is_object(p) && json_object_size(p) == 2 &&
	       jstr_is(p, "ifname", "veth-h") && jint_is(p, "ifindex", 3),
	       "json: host port");
	p = json_object_get(b, "net");
	tap_ok(json_is_object(p) && jstr_is(p, "ifname", "veth-n") &&
	       jint_is(p, "ifindex", 4), "json: net port");
	p = json_object_get(b, "stats");
	tap_ok(json_is_object(p) && json_object_size(p) == 2 &&
	       jstats_are(json_object_get(p, "in"), 10, 980, 0) &&
	       jstats_are(json_object_get(p, "out"), 10, 980, 2),
	       "json: stats in and out");
	p = json_object_get(b, "prevent");
	r = json_array_get(p, 2);
	tap_ok(json_is_array(p) && json_array_size(p) == 4 && json_is_object(r) &&
	       json_object_size(r) == 5 && jint_is(r, "id", 4) &&
	       jstr_is(r, "dir", "any") && jstr_is(r, "filter", "tcp port 23") &&
	       jint_is(r, "matches", 7) && jint_is(r, "bytes", 420),
	       "json: merged prevent rules");
	b = json_array_get(back, 1);
	p = json_object_get(b, "prevent");
	tap_ok(jstr_is(b, "bridge", "br1") && json_is_array(p) &&
	       json_array_size(p) == 0, "json: bridge without rules has []");
	free(s);
	json_decref(back);
	json_decref(j);
	show_free(&l);

	/* Unknown names are null; bytes that are not UTF-8 still make JSON. */
	{
		const struct msg_spec odd[] = {
			{ 12, false, NULL, NULL, NULL, 0, 0, { 0 }, { 0 },
			  { { 2, SIS_DIR_IN, "host caf\xe9", UINT64_MAX, 1 } }, 1 },
		};

		merge_all(&l, odd, 1);
		j = show_json_of(&l, NULL);
		s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		back = s ? json_loads(s, 0, &err) : NULL;
		b = json_array_get(back, 0);
		r = json_array_get(json_object_get(b, "prevent"), 0);
		tap_ok(json_is_null(json_object_get(b, "bridge")) &&
		       json_is_null(json_object_get(json_object_get(b, "host"), "ifname")),
		       "json: unknown names are null");
		tap_ok(jstr_is(r, "filter", "host caf?"),
		       "json: filter text that is not UTF-8");
		tap_ok(jint_is(r, "matches", INT64_MAX),
		       "json: counters beyond 2^63 saturate");
		free(s);
		json_decref(back);
		json_decref(j);
		show_free(&l);
	}
}

/* A bridge kept closed after it lost a port, and an attached one's policy. */
TAP_SUITE(show_closed)
{
	struct sisctl_bridges l = { 0 };
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *n;
	char *s;
	json_t *j;

	genlmsg_put(msg, 0, 1, 0x42, 0, 0, SIS_CMD_GET_BRIDGE, 1);
	nla_put_u32(msg, SIS_A_IFINDEX, 7);
	nla_put_string(msg, SIS_A_IFNAME, "br0");
	nla_put_u8(msg, SIS_A_FAIL, SIS_FAIL_CLOSED);
	n = nla_nest_start(msg, SIS_A_CLOSED | NLA_F_NESTED);
	nla_put_u8(msg, SIS_CLOSED_A_REASON, SIS_EVENT_PORT_LEFT);
	nla_put_string(msg, SIS_CLOSED_A_PORT, "np0");
	nla_put_u64(msg, SIS_CLOSED_A_DROPPED, 12);
	nla_nest_end(msg, n);
	tap_ok(!show_merge(&l, nlmsg_hdr(msg)) && l.n == 1 && l.v[0].closed,
	       "closed: merged");
	nlmsg_free(msg);
	s = show_text_of(&l, NULL);
	tap_ok(s && !strcmp(s, "bridge br0 closed: port np0 left, frames dropped 12\n"),
	       "closed: one line of text");
	if (s && strcmp(s, "bridge br0 closed: port np0 left, frames dropped 12\n"))
		tap_diag("%s", s);
	free(s);
	j = show_json_of(&l, NULL);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	tap_ok(s && !strcmp(s, "[{\"bridge\":\"br0\",\"ifindex\":7,\"state\":\"closed\","
			       "\"fail\":\"closed\",\"closed\":{\"port\":\"np0\","
			       "\"how\":\"left\",\"dropped\":12}}]"),
	       "closed: json");
	if (s && strncmp(s, "[{", 2))
		tap_diag("%s", s);
	free(s);
	json_decref(j);
	show_free(&l);

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 1, 0x42, 0, 0, SIS_CMD_GET_BRIDGE, 1);
	nla_put_u32(msg, SIS_A_IFINDEX, 7);
	nla_put_string(msg, SIS_A_IFNAME, "br0");
	nla_put_u8(msg, SIS_A_FAIL, SIS_FAIL_OPEN);
	nla_put_string(msg, SIS_A_HOST_IFNAME, "hp0");
	nla_put_string(msg, SIS_A_NET_IFNAME, "np0");
	tap_ok(!show_merge(&l, nlmsg_hdr(msg)) && l.n == 1 && !l.v[0].closed,
	       "attached, failing open: merged");
	nlmsg_free(msg);
	s = show_text_of(&l, NULL);
	tap_ok(s && !strncmp(s, "bridge br0 host hp0 net np0 fail open\n", 38),
	       "attached: the fail policy on the first line");
	free(s);
	j = show_json_of(&l, NULL);
	tap_ok(j && !strcmp(json_string_value(json_object_get(json_array_get(j, 0),
							       "fail")), "open"),
	       "attached: json \"fail\"");
	json_decref(j);
	show_free(&l);
}
