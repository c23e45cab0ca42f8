// SPDX-License-Identifier: GPL-2.0
/* sisctl set dev: sizes, durations, the request; limits and counters in show. */
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

TAP_SUITE(set_units)
{
	static const struct {
		const char *s;
		int ret;
		uint32_t v;
	} sizes[] = {
		{ "0", 0, 0 }, { "1", 0, 1 }, { "4096", 0, 4096 }, { "4k", 0, 4096 },
		{ "4K", 0, 4096 }, { "4m", 0, 4 << 20 }, { "4M", 0, 4 << 20 },
		{ "1g", 0, 1u << 30 }, { "3G", 0, 3u << 30 },
		{ "4294967295", 0, UINT32_MAX }, { "4194303k", 0, 4194303u << 10 },
		{ "4g", -1, 0 }, { "4294967296", -1, 0 }, { "4194304k", -1, 0 },
		{ "", -1, 0 }, { "k", -1, 0 }, { "4kb", -1, 0 }, { "4 k", -1, 0 },
		{ "-1", -1, 0 }, { "1.5m", -1, 0 }, { "4t", -1, 0 },
		{ "99999999999999999999999", -1, 0 },
	};
	static const struct {
		const char *s;
		int ret;
		uint32_t ms;
	} durations[] = {
		{ "0", 0, 0 }, { "250", 0, 250 }, { "250ms", 0, 250 }, { "30s", 0, 30000 },
		{ "2m", 0, 120000 }, { "1h", 0, 3600000 }, { "1193h", 0, 1193u * 3600000 },
		{ "4294967295ms", 0, UINT32_MAX }, { "4294967s", 0, 4294967000u },
		{ "1194h", -1, 0 }, { "4294968s", -1, 0 }, { "4294967296", -1, 0 },
		{ "", -1, 0 }, { "s", -1, 0 }, { "1d", -1, 0 }, { "1.5s", -1, 0 },
		{ "10 s", -1, 0 }, { "1S", -1, 0 }, { "-1s", -1, 0 }, { "1sec", -1, 0 },
		{ "1mss", -1, 0 },
	};
	static const struct {
		uint64_t v;
		const char *size, *ms;
	} formats[] = {
		{ 0, "0", "0ms" }, { 1, "1", "1ms" }, { 1000, "1000", "1s" },
		{ 1024, "1k", "1024ms" }, { 1536, "1536", "1536ms" },
		{ 4 << 20, "4m", "4194304ms" }, { 30000, "30000", "30s" },
		{ 120000, "120000", "2m" }, { 3600000, "3600000", "1h" },
		{ 1u << 30, "1g", "1073741824ms" }, { 90000, "90000", "90s" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t v = 0xdead;
		int r = parse_size(sizes[i].s, &v);

		tap_ok(r == sizes[i].ret && (r || v == sizes[i].v), "size \"%s\"",
		       sizes[i].s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(durations); i++) {
		uint32_t v = 0xdead;
		int r = parse_duration_ms(durations[i].s, &v);

		tap_ok(r == durations[i].ret && (r || v == durations[i].ms),
		       "duration \"%s\"", durations[i].s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		char a[32], b[32];

		format_size(a, sizeof(a), formats[i].v);
		format_duration_ms(b, sizeof(b), formats[i].v);
		tap_ok(!strcmp(a, formats[i].size) && !strcmp(b, formats[i].ms),
		       "format %llu: %s, %s", (unsigned long long)formats[i].v,
		       formats[i].size, formats[i].ms);
	}
}

TAP_SUITE(set_args)
{
	static const struct {
		const char *name;
		int argc;
		const char *argv[16];
		const char *err;	/* NULL: valid; "": usage */
	} cases[] = {
		{ "one limit", 4, { "dev", "br0", "max-conns", "1000" }, NULL },
		{ "without dev", 3, { "br0", "conn-segs", "10" }, NULL },
		{ "everything", 14, { "dev", "br0", "max-conns", "1000", "conn-bytes", "1m",
		  "conn-segs", "512", "syn-timeout", "10s", "idle-timeout", "2h",
		  "close-timeout", "90s" }, NULL },
		{ "nothing", 0, { NULL }, "" },
		{ "dev only", 1, { "dev" }, "" },
		{ "nothing to set", 2, { "dev", "br0" },
		  "nothing to set: give max-conns, max-half-open, max-memory, conn-bytes, conn-segs, syn-timeout, idle-timeout, close-timeout, fragments, ip6-exthdr or local" },
		{ "unknown word", 4, { "dev", "br0", "max-cons", "5" },
		  "unknown argument \"max-cons\"" },
		{ "no value", 3, { "dev", "br0", "max-conns" }, "\"max-conns\" needs a value" },
		{ "twice", 6, { "dev", "br0", "conn-segs", "1", "conn-segs", "2" },
		  "\"conn-segs\" given twice" },
		{ "max-conns 0", 4, { "dev", "br0", "max-conns", "0" },
		  "invalid max-conns \"0\": use 1 to 4294967295" },
		{ "max-conns with a unit", 4, { "dev", "br0", "max-conns", "1k" },
		  "invalid max-conns \"1k\"" },
		{ "conn-bytes too big", 4, { "dev", "br0", "conn-bytes", "4g" },
		  "invalid conn-bytes \"4g\": use 1 to 4294967295 bytes, or with k, m or g (times 1024)" },
		{ "conn-bytes 0", 4, { "dev", "br0", "conn-bytes", "0k" },
		  "invalid conn-bytes \"0k\"" },
		{ "conn-segs negative", 4, { "dev", "br0", "conn-segs", "-1" },
		  "invalid conn-segs \"-1\"" },
		{ "syn-timeout in days", 4, { "dev", "br0", "syn-timeout", "1d" },
		  "invalid syn-timeout \"1d\": use a duration with ms, s, m or h, 1ms to 4294967295ms" },
		{ "idle-timeout 0", 4, { "dev", "br0", "idle-timeout", "0s" },
		  "invalid idle-timeout \"0s\"" },
		{ "close-timeout too long", 4, { "dev", "br0", "close-timeout", "2000h" },
		  "invalid close-timeout \"2000h\"" },
		{ "settings", 8, { "dev", "br0", "fragments", "drop", "ip6-exthdr",
		  "pass", "local", "drop" }, NULL },
		{ "fragments, a bad word", 4, { "dev", "br0", "fragments", "keep" },
		  "invalid fragments \"keep\": use reassemble, drop or pass" },
		{ "local, a bad word", 4, { "dev", "br0", "local", "reassemble" },
		  "invalid local \"reassemble\": use drop or pass" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct set_args a;
		char err[256];
		int r = set_parse(cases[i].argc, (char *const *)cases[i].argv, &a, err,
				  sizeof(err));
		bool good;

		if (!cases[i].err)
			good = !r && !strcmp(a.bridge, "br0") && a.limits.has;
		else if (!cases[i].err[0])
			good = r < 0 && !err[0];
		else
			good = r < 0 && strstr(err, cases[i].err);
		if (!good)
			tap_diag("got %d \"%s\"", r, err);
		tap_ok(good, "set: %s", cases[i].name);
	}

	{
		const char *argv[] = { "br0", "ip6-exthdr", "pass", "fragments",
				       "drop", "local", "drop" };
		struct set_args a;
		char err[256];

		tap_ok(!set_parse(ARRAY_SIZE(argv), (char *const *)argv, &a, err,
				  sizeof(err)) &&
		       a.limits.has == ((1u << SIS_LIMITS_A_FRAGMENTS) |
					(1u << SIS_LIMITS_A_IP6_EXTHDR) |
					(1u << SIS_LIMITS_A_LOCAL)) &&
		       a.limits.v[SIS_LIMITS_A_FRAGMENTS] == SIS_FRAGMENTS_DROP &&
		       a.limits.v[SIS_LIMITS_A_IP6_EXTHDR] == SIS_UNJUDGED_PASS &&
		       a.limits.v[SIS_LIMITS_A_LOCAL] == SIS_UNJUDGED_DROP,
		       "set: settings in words, as their values");
	}
	{
		const char *argv[] = { "dev", "br0", "close-timeout", "90s", "conn-bytes",
				       "1m", "max-conns", "1000", "syn-timeout", "250" };
		struct set_args a;
		char err[256];

		tap_ok(!set_parse(ARRAY_SIZE(argv), (char *const *)argv, &a, err,
				  sizeof(err)) &&
		       a.limits.has == ((1u << SIS_LIMITS_A_CLOSE_MS) |
					(1u << SIS_LIMITS_A_CONN_BYTES) |
					(1u << SIS_LIMITS_A_MAX_CONNS) |
					(1u << SIS_LIMITS_A_SYN_MS)) &&
		       a.limits.v[SIS_LIMITS_A_CLOSE_MS] == 90000 &&
		       a.limits.v[SIS_LIMITS_A_CONN_BYTES] == 1 << 20 &&
		       a.limits.v[SIS_LIMITS_A_MAX_CONNS] == 1000 &&
		       a.limits.v[SIS_LIMITS_A_SYN_MS] == 250,
		       "set: values, bare durations are milliseconds");
	}
}

static bool u32_is(struct nlattr *a, uint32_t v)
{
	return a && nla_len(a) == 4 && nla_get_u32(a) == v;
}

static int nest_count(struct nlattr *nest)
{
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem)
		n++;
	return n;
}

TAP_SUITE(set_cmd)
{
	uint32_t lo = if_nametoindex("lo");
	struct nlattr *tb[SIS_A_MAX + 1], *ltb[SIS_LIMITS_A_MAX + 1];
	struct genlmsghdr *g;
	struct run r;
	bool good;

	if (!lo) {
		tap_skip("no lo here", "set dev");
		return;
	}
	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "set", "dev", "lo", "max-conns", "1000", "conn-bytes", "1m",
	    "conn-segs", "512", "syn-timeout", "10s", "idle-timeout", "2h",
	    "close-timeout", "90s");
	tap_ok(r.ret == 0 && !r.out[0] && !r.err[0] && fake.opened == fake.closed &&
	       fake.next == 1, "set dev: exit 0, silent");
	g = fake.sent[0] ? nlmsg_data(nlmsg_hdr(fake.sent[0])) : NULL;
	good = g && g->cmd == SIS_CMD_SET_BRIDGE &&
	       !genlmsg_parse(nlmsg_hdr(fake.sent[0]), 0, tb, SIS_A_MAX, NULL) &&
	       u32_is(tb[SIS_A_IFINDEX], lo) && tb[SIS_A_LIMITS] &&
	       (tb[SIS_A_LIMITS]->nla_type & NLA_F_NESTED) &&
	       !nla_parse_nested(ltb, SIS_LIMITS_A_MAX, tb[SIS_A_LIMITS], NULL);
	tap_ok(good && nest_count(tb[SIS_A_LIMITS]) == 6 &&
	       u32_is(ltb[SIS_LIMITS_A_MAX_CONNS], 1000) &&
	       u32_is(ltb[SIS_LIMITS_A_CONN_BYTES], 1 << 20) &&
	       u32_is(ltb[SIS_LIMITS_A_CONN_SEGS], 512) &&
	       u32_is(ltb[SIS_LIMITS_A_SYN_MS], 10000) &&
	       u32_is(ltb[SIS_LIMITS_A_IDLE_MS], 7200000) &&
	       u32_is(ltb[SIS_LIMITS_A_CLOSE_MS], 90000),
	       "set dev: SIS_CMD_SET_BRIDGE with the bridge and every limit");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "set", "lo", "idle-timeout", "5m");
	good = fake.sent[0] &&
	       !genlmsg_parse(nlmsg_hdr(fake.sent[0]), 0, tb, SIS_A_MAX, NULL) &&
	       tb[SIS_A_LIMITS] &&
	       !nla_parse_nested(ltb, SIS_LIMITS_A_MAX, tb[SIS_A_LIMITS], NULL);
	tap_ok(r.ret == 0 && good && nest_count(tb[SIS_A_LIMITS]) == 1 &&
	       u32_is(ltb[SIS_LIMITS_A_IDLE_MS], 300000),
	       "set: only the limits given are sent");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -ENOENT;
	fake.calls[0].extack = "bridge not attached";
	RUN(&r, &text_mode, "set", "dev", "lo", "max-conns", "10");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: bridge not attached.\n"),
	       "set dev: the kernel's message");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "set", "dev", "nosuch0", "max-conns", "10");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: Cannot find device \"nosuch0\".\n") &&
	       fake.opened == 0, "set dev: unknown bridge, nothing sent");
	run_free(&r);
	RUN(&r, &text_mode, "set", "dev", "lo", "conn-bytes", "lots");
	tap_ok(r.ret == 1 && fake.opened == 0 && !strcmp(r.err,
		"Error: invalid conn-bytes \"lots\": use 1 to 4294967295 bytes, or with k, m or g (times 1024).\n"),
	       "set dev: bad value, one line, nothing sent");
	run_free(&r);
	RUN(&r, &text_mode, "set");
	tap_ok(r.ret == 1 && !strncmp(r.err, "Usage: sisctl set dev BRIDGE", 28),
	       "set: usage");
	run_free(&r);
	RUN(&r, &text_mode, "set", "help");
	tap_ok(r.ret == 0 && !strncmp(r.out, "Usage: sisctl set dev BRIDGE", 28) &&
	       strstr(r.out, "Defaults: max-conns 65536"), "set help: usage on stdout");
	run_free(&r);
	fake_reset();
}

/* A first bridge dump message with limits and stream counters. */
static struct nl_msg *bridge_msg(bool limits, bool sstats)
{
	struct nl_msg *msg = dump_msg(&example[3]);
	struct nlattr *n;

	if (limits) {
		n = nla_nest_start(msg, SIS_A_LIMITS | NLA_F_NESTED);
		nla_put_u32(msg, SIS_LIMITS_A_MAX_CONNS, SIS_MAX_CONNS_DEFAULT);
		nla_put_u32(msg, SIS_LIMITS_A_CONN_BYTES, SIS_CONN_BYTES_DEFAULT);
		nla_put_u32(msg, SIS_LIMITS_A_CONN_SEGS, SIS_CONN_SEGS_DEFAULT);
		nla_put_u32(msg, SIS_LIMITS_A_SYN_MS, SIS_SYN_MS_DEFAULT);
		nla_put_u32(msg, SIS_LIMITS_A_IDLE_MS, SIS_IDLE_MS_DEFAULT);
		nla_put_u32(msg, SIS_LIMITS_A_CLOSE_MS, 1500);
		nla_put_u32(msg, SIS_LIMITS_A_FRAGMENTS, SIS_FRAGMENTS_REASSEMBLE);
		nla_put_u32(msg, SIS_LIMITS_A_IP6_EXTHDR, SIS_UNJUDGED_DROP);
		nla_put_u32(msg, SIS_LIMITS_A_LOCAL, SIS_UNJUDGED_PASS);
		nla_put_u32(msg, SIS_LIMITS_A_MAX_HALF_OPEN,
			    SIS_MAX_HALF_OPEN_DEFAULT);
		nla_put_u32(msg, SIS_LIMITS_A_MAX_MEMORY, SIS_MAX_MEMORY_DEFAULT);
		nla_nest_end(msg, n);
	}
	if (sstats) {
		n = nla_nest_start(msg, SIS_A_STREAM_STATS | NLA_F_NESTED);
		nla_put_u32(msg, SIS_SSTATS_A_CONNS, 3);
		for (int i = SIS_SSTATS_A_CONNS_TOTAL; i <= SIS_SSTATS_A_MAX; i++)
			if (i == SIS_SSTATS_A_HALF_OPEN)
				nla_put_u32(msg, i, 10 + i);
			else
				nla_put_u64(msg, i, 10 + (uint64_t)i);
		nla_nest_end(msg, n);
		n = nla_nest_start(msg, SIS_A_NORM_STATS | NLA_F_NESTED);
		for (int i = SIS_NSTATS_A_REASSEMBLED; i <= SIS_NSTATS_A_MAX; i++)
			nla_put_u64(msg, i, 30 + (uint64_t)i);
		nla_nest_end(msg, n);
	}
	return msg;
}

#define BR1_HEAD \
	"bridge br1 host eth1 net eth2\n" \
	"\tin   frames 0 bytes 0 dropped 0\n" \
	"\tout  frames 0 bytes 0 dropped 0\n"
#define BR1_LIMITS \
	"\tlimits max-conns 65536 conn-bytes 4m conn-segs 3072 syn-timeout 30s " \
	"idle-timeout 1h close-timeout 1500ms max-half-open 8192 " \
	"max-memory 256m\n" \
	"\tsettings fragments reassemble ip6-exthdr drop local pass\n"
#define BR1_STREAMS \
	"\tstreams conns 3 total 13 untracked 14 midstream 15 invalid 16 " \
	"inconsistent 17 overlimit 18 resets 19 timeouts 20 dropped 21 " \
	"malformed 28 midstream-dropped 29 ambiguous 30 urgent 31 half-open 32 " \
	"evicted 33 memory 34 over-memory 35 killed 36 resets-sent 37 " \
	"dupacks 38 pruned 39\n" \
	"\tinvalid auth 22 state 23 ack 24 paws 25 window 26 fin 27\n" \
	"\tedits cuts 40 cut-bytes 41 injects 42 inject-bytes 43 " \
	"rewritten 44 translated 45 kills 46 max-cuts 47 custody-acks 48 " \
	"retransmits 49 custody-failed 50\n" \
	"\tnormalize reassembled 32 fragments-dropped 33 fragments-bad 34 " \
	"ip6-exthdr 35 local 36\n"

TAP_SUITE(set_show)
{
	struct sisctl_bridges bl = { 0 };
	struct nl_msg *msg;
	json_t *j, *b;
	char *s;

	msg = bridge_msg(true, true);
	tap_ok(!show_merge(&bl, nlmsg_hdr(msg)) && bl.n == 1, "merge: limits and counters");
	nlmsg_free(msg);
	s = show_text_of(&bl, NULL);
	tap_ok(s && !strcmp(s, BR1_HEAD BR1_LIMITS BR1_STREAMS),
	       "text: limits as set takes them, then the stream counters");
	if (s && strcmp(s, BR1_HEAD BR1_LIMITS BR1_STREAMS))
		tap_diag("%s", s);
	free(s);

	j = show_json_of(&bl, NULL);
	b = json_array_get(j, 0);
	s = b ? json_dumps(json_object_get(b, "limits"), JSON_COMPACT) : NULL;
	tap_ok(s && !strcmp(s, "{\"max_conns\":65536,\"conn_bytes\":4194304,"
			       "\"conn_segs\":3072,\"syn_timeout_ms\":30000,"
			       "\"idle_timeout_ms\":3600000,\"close_timeout_ms\":1500,"
			       "\"max_half_open\":8192,\"max_memory\":268435456}"),
	       "json: \"limits\"");
	free(s);
	s = b ? json_dumps(json_object_get(b, "stream_stats"), JSON_COMPACT) : NULL;
	tap_ok(s && !strcmp(s, "{\"conns\":3,\"conns_total\":13,\"untracked\":14,"
			       "\"midstream\":15,\"invalid\":16,\"inconsistent\":17,"
			       "\"overlimit\":18,\"resets\":19,\"timeouts\":20,"
			       "\"dropped\":21,\"invalid_auth\":22,"
			       "\"invalid_state\":23,\"invalid_ack\":24,"
			       "\"invalid_paws\":25,\"invalid_window\":26,"
			       "\"invalid_fin\":27,\"malformed\":28,"
			       "\"midstream_dropped\":29,\"ambiguous\":30,"
			       "\"urgent\":31,\"half_open\":32,\"evicted\":33,"
			       "\"memory\":34,\"over_memory\":35,"
			       "\"killed\":36,\"resets_sent\":37,"
			       "\"dupacks\":38,\"pruned\":39,\"cuts\":40," "\"cut_bytes\":41,\"injects\":42,\"inject_bytes\":43," "\"rewritten\":44,\"translated\":45,\"kills\":46," "\"max_cuts\":47,\"custody_acks\":48," "\"retransmits\":49,\"custody_failed\":50}"),
	       "json: \"stream_stats\"");
	free(s);
	{
		const char *keys[13];
		size_t n = 0;
		const char *key;
		json_t *v;

		json_object_foreach(b, key, v) {
			if (n < 13)
				keys[n] = key;
			n++;
		}
		tap_ok(n == 12 && !strcmp(keys[6], "scanners") &&
		       !strcmp(keys[7], "limits") && !strcmp(keys[8], "settings") &&
		       !strcmp(keys[9], "stream_stats") &&
		       !strcmp(keys[10], "norm_stats") &&
		       !strcmp(keys[11], "state"),
		       "json: the new keys after the others");
		s = json_dumps(json_object_get(b, "settings"), JSON_COMPACT);
		tap_streq(s, "{\"fragments\":\"reassemble\",\"ip6_exthdr\":\"drop\","
			  "\"local\":\"pass\"}", "json: \"settings\" in words");
		free(s);
		s = json_dumps(json_object_get(b, "norm_stats"), JSON_COMPACT);
		tap_streq(s, "{\"reassembled\":32,\"fragments_dropped\":33,"
			  "\"fragments_bad\":34,\"ip6_exthdr\":35,\"local\":36}",
			  "json: \"norm_stats\"");
		free(s);
	}
	json_decref(j);
	show_free(&bl);

	/* A module without streams: nothing more than before. */
	msg = bridge_msg(false, false);
	show_merge(&bl, nlmsg_hdr(msg));
	nlmsg_free(msg);
	s = show_text_of(&bl, NULL);
	tap_ok(s && !strcmp(s, BR1_HEAD), "text: no limits, no counters");
	free(s);
	j = show_json_of(&bl, NULL);
	b = json_array_get(j, 0);
	tap_ok(b && !json_object_get(b, "limits") && !json_object_get(b, "stream_stats"),
	       "json: no \"limits\", no \"stream_stats\"");
	json_decref(j);
	show_free(&bl);

	/* Only limits. */
	msg = bridge_msg(true, false);
	show_merge(&bl, nlmsg_hdr(msg));
	nlmsg_free(msg);
	s = show_text_of(&bl, NULL);
	tap_ok(s && !strcmp(s, BR1_HEAD BR1_LIMITS), "text: limits only");
	free(s);
	show_free(&bl);

	/* A malformed nest is refused. */
	msg = dump_msg(&example[3]);
	{
		struct nlattr *n = nla_nest_start(msg, SIS_A_LIMITS | NLA_F_NESTED);

		nla_put_u8(msg, SIS_LIMITS_A_MAX_CONNS, 1);
		nla_nest_end(msg, n);
	}
	tap_ok(show_merge(&bl, nlmsg_hdr(msg)) == -EPROTO, "merge: a u8 limit is refused");
	nlmsg_free(msg);
	show_free(&bl);
	msg = dump_msg(&example[3]);
	{
		struct nlattr *n = nla_nest_start(msg, SIS_A_STREAM_STATS | NLA_F_NESTED);

		nla_put_u32(msg, SIS_SSTATS_A_RESETS, 1);
		nla_nest_end(msg, n);
	}
	tap_ok(show_merge(&bl, nlmsg_hdr(msg)) == -EPROTO,
	       "merge: a u32 stream counter is refused");
	nlmsg_free(msg);
	show_free(&bl);

	/* Through sisctl show. */
	for (int json = 0; json < 2; json++) {
		struct run r;

		fake_start();
		fake.ncalls = 2;
		fake.calls[0].replies[0] = bridge_msg(true, true);
		fake.calls[0].nreplies = 1;
		if (!json) {
			RUN(&r, &text_mode, "show");
			tap_ok(r.ret == 0 &&
			       !strcmp(r.out, BR1_HEAD BR1_LIMITS BR1_STREAMS),
			       "show: limits and stream counters");
		} else {
			RUN(&r, &json_mode, "show");
			j = json_loads(r.out, 0, NULL);
			b = json_array_get(j, 0);
			tap_ok(r.ret == 0 &&
			       json_integer_value(json_object_get(json_object_get(b,
					"stream_stats"), "conns")) == 3 &&
			       json_integer_value(json_object_get(json_object_get(b,
					"limits"), "close_timeout_ms")) == 1500,
			       "show -j: limits and stream counters");
			json_decref(j);
		}
		run_free(&r);
	}
	fake_reset();
}
