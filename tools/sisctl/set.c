// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl set dev BRIDGE [max-conns N] [max-half-open N] [max-memory SIZE]
 *                [conn-bytes SIZE] [conn-segs N] [syn-timeout DUR]
 *                [idle-timeout DUR] [close-timeout DUR]
 *                [fragments reassemble|drop|pass] [ip6-exthdr drop|pass]
 *                [local drop|pass]
 *
 * The settings of an attached bridge (SIS_CMD_SET_BRIDGE): stream tracking
 * limits, and what it does with frames it cannot judge as they come; and
 * how show prints them, the stream counters and the normalisation ones.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "sisctl.h"

enum value_kind { COUNT, SIZE, DURATION, CHOICE };

static const char *const fragments_words[] = {
	[SIS_FRAGMENTS_REASSEMBLE] = "reassemble",
	[SIS_FRAGMENTS_DROP] = "drop",
	[SIS_FRAGMENTS_PASS] = "pass",
	NULL
};

static const char *const unjudged_words[] = {
	[SIS_UNJUDGED_DROP] = "drop",
	[SIS_UNJUDGED_PASS] = "pass",
	NULL
};

static const struct {
	const char *word;	/* on the command line and in show */
	const char *json;
	enum value_kind kind;
	const char *const *choices;	/* CHOICE: the words, by value */
} limits[SIS_LIMITS_A_MAX + 1] = {
	[SIS_LIMITS_A_MAX_CONNS] = { "max-conns", "max_conns", COUNT },
	[SIS_LIMITS_A_CONN_BYTES] = { "conn-bytes", "conn_bytes", SIZE },
	[SIS_LIMITS_A_CONN_SEGS] = { "conn-segs", "conn_segs", COUNT },
	[SIS_LIMITS_A_SYN_MS] = { "syn-timeout", "syn_timeout_ms", DURATION },
	[SIS_LIMITS_A_IDLE_MS] = { "idle-timeout", "idle_timeout_ms", DURATION },
	[SIS_LIMITS_A_CLOSE_MS] = { "close-timeout", "close_timeout_ms", DURATION },
	[SIS_LIMITS_A_FRAGMENTS] = { "fragments", "fragments", CHOICE,
				     fragments_words },
	[SIS_LIMITS_A_IP6_EXTHDR] = { "ip6-exthdr", "ip6_exthdr", CHOICE,
				      unjudged_words },
	[SIS_LIMITS_A_LOCAL] = { "local", "local", CHOICE, unjudged_words },
	[SIS_LIMITS_A_MAX_HALF_OPEN] = { "max-half-open", "max_half_open",
					 COUNT },
	[SIS_LIMITS_A_MAX_MEMORY] = { "max-memory", "max_memory", SIZE },
};

/* Per-bridge counters of normalisation (SIS_A_NORM_STATS). */
static const struct {
	const char *word, *json;
} nstats[SIS_NSTATS_A_MAX + 1] = {
	[SIS_NSTATS_A_REASSEMBLED] = { "reassembled", "reassembled" },
	[SIS_NSTATS_A_FRAG_DROPPED] = { "fragments-dropped", "fragments_dropped" },
	[SIS_NSTATS_A_FRAG_BAD] = { "fragments-bad", "fragments_bad" },
	[SIS_NSTATS_A_IP6_EXTHDR] = { "ip6-exthdr", "ip6_exthdr" },
	[SIS_NSTATS_A_LOCAL] = { "local", "local" },
};

static bool is_setting(int attr)
{
	return limits[attr].kind == CHOICE;
}

/* The bits of struct sisctl_limits.has that are settings, not limits. */
static uint32_t settings_mask(void)
{
	uint32_t m = 0;

	for (int i = 1; i <= SIS_LIMITS_A_MAX; i++)
		if (is_setting(i))
			m |= 1u << i;
	return m;
}

/* The word for value @v of CHOICE setting @attr, or NULL. */
static const char *choice_word(int attr, uint32_t v)
{
	for (uint32_t i = 0; limits[attr].choices[i]; i++)
		if (i == v)
			return limits[attr].choices[i];
	return NULL;
}

static const struct {
	const char *word, *json;
} sstats[SIS_SSTATS_A_MAX + 1] = {
	[SIS_SSTATS_A_CONNS] = { "conns", "conns" },
	[SIS_SSTATS_A_CONNS_TOTAL] = { "total", "conns_total" },
	[SIS_SSTATS_A_UNTRACKED] = { "untracked", "untracked" },
	[SIS_SSTATS_A_MIDSTREAM] = { "midstream", "midstream" },
	[SIS_SSTATS_A_INVALID] = { "invalid", "invalid" },
	[SIS_SSTATS_A_INCONSISTENT] = { "inconsistent", "inconsistent" },
	[SIS_SSTATS_A_OVERLIMIT] = { "overlimit", "overlimit" },
	[SIS_SSTATS_A_RESETS] = { "resets", "resets" },
	[SIS_SSTATS_A_TIMEOUTS] = { "timeouts", "timeouts" },
	[SIS_SSTATS_A_DROPPED] = { "dropped", "dropped" },
	/* On a line of their own in text: "invalid auth N state N ...". */
	[SIS_SSTATS_A_INVALID_AUTH] = { "auth", "invalid_auth" },
	[SIS_SSTATS_A_INVALID_STATE] = { "state", "invalid_state" },
	[SIS_SSTATS_A_INVALID_ACK] = { "ack", "invalid_ack" },
	[SIS_SSTATS_A_INVALID_PAWS] = { "paws", "invalid_paws" },
	[SIS_SSTATS_A_INVALID_WINDOW] = { "window", "invalid_window" },
	[SIS_SSTATS_A_INVALID_FIN] = { "fin", "invalid_fin" },
	[SIS_SSTATS_A_MALFORMED] = { "malformed", "malformed" },
	[SIS_SSTATS_A_MIDSTREAM_DROPPED] = { "midstream-dropped", "midstream_dropped" },
	[SIS_SSTATS_A_AMBIGUOUS] = { "ambiguous", "ambiguous" },
	[SIS_SSTATS_A_URGENT] = { "urgent", "urgent" },
	[SIS_SSTATS_A_HALF_OPEN] = { "half-open", "half_open" },
	[SIS_SSTATS_A_EVICTED] = { "evicted", "evicted" },
	[SIS_SSTATS_A_MEMORY] = { "memory", "memory" },
	[SIS_SSTATS_A_OVERMEMORY] = { "over-memory", "over_memory" },
	[SIS_SSTATS_A_KILLED] = { "killed", "killed" },
	[SIS_SSTATS_A_RESETS_SENT] = { "resets-sent", "resets_sent" },
	[SIS_SSTATS_A_DUPACKS] = { "dupacks", "dupacks" },
	[SIS_SSTATS_A_PRUNED] = { "pruned", "pruned" },
	/* On a line of their own in text: "edits cuts N cut-bytes N ...". */
	[SIS_SSTATS_A_CUTS] = { "cuts", "cuts" },
	[SIS_SSTATS_A_CUT_BYTES] = { "cut-bytes", "cut_bytes" },
	[SIS_SSTATS_A_INJECTS] = { "injects", "injects" },
	[SIS_SSTATS_A_INJECT_BYTES] = { "inject-bytes", "inject_bytes" },
	[SIS_SSTATS_A_REWRITTEN] = { "rewritten", "rewritten" },
	[SIS_SSTATS_A_TRANSLATED] = { "translated", "translated" },
	[SIS_SSTATS_A_KILLS] = { "kills", "kills" },
	[SIS_SSTATS_A_MAX_CUTS] = { "max-cuts", "max_cuts" },
	[SIS_SSTATS_A_CUSTODY_ACKS] = { "custody-acks", "custody_acks" },
	[SIS_SSTATS_A_RETRANSMITS] = { "retransmits", "retransmits" },
	[SIS_SSTATS_A_CUSTODY_FAILED] = { "custody-failed", "custody_failed" },
};

static int usage(FILE *f)
{
	char bytes[16], syn[16], idle[16], closing[16], memory[16];

	format_size(bytes, sizeof(bytes), SIS_CONN_BYTES_DEFAULT);
	format_size(memory, sizeof(memory), SIS_MAX_MEMORY_DEFAULT);
	format_duration_ms(syn, sizeof(syn), SIS_SYN_MS_DEFAULT);
	format_duration_ms(idle, sizeof(idle), SIS_IDLE_MS_DEFAULT);
	format_duration_ms(closing, sizeof(closing), SIS_CLOSE_MS_DEFAULT);
	fprintf(f,
		"Usage: sisctl set dev BRIDGE [max-conns N] [max-half-open N]\n"
		"                  [max-memory SIZE] [conn-bytes SIZE] [conn-segs N]\n"
		"                  [syn-timeout DUR] [idle-timeout DUR] [close-timeout DUR]\n"
		"                  [fragments reassemble|drop|pass] [ip6-exthdr drop|pass]\n"
		"                  [local drop|pass]\n"
		"Sets the settings of an attached bridge; those not given are unchanged.\n"
		"max-conns: connections tracked at once; max-half-open: of those, not yet\n"
		"open (a new one over either takes the oldest half-open one's place);\n"
		"max-memory: what the connections keep in all, each kept segment counted\n"
		"with the whole frame it pins; conn-bytes and conn-segs: kept\n"
		"per direction of a connection; syn-timeout, idle-timeout and\n"
		"close-timeout: how long a connection is kept without a segment before it\n"
		"is established, once established, and once closing. SIZE takes k, m or g\n"
		"(times 1024), DUR ms (the default), s, m or h.\n"
		"While prevent rules or scanners judge: fragments: IP fragments are\n"
		"reassembled and judged whole (overlapping and tiny ones dropped), dropped,\n"
		"or passed each as it is; ip6-exthdr: IPv6 frames whose transport header\n"
		"sits behind extension headers (which filters cannot see through) are\n"
		"dropped or passed; local: frames from the host port to the appliance's\n"
		"own addresses (never judged) are dropped or passed.\n"
		"Defaults: max-conns %d max-half-open %d max-memory %s conn-bytes %s\n"
		"conn-segs %d syn-timeout %s idle-timeout %s close-timeout %s\n"
		"fragments reassemble ip6-exthdr drop local drop.\n",
		SIS_MAX_CONNS_DEFAULT, SIS_MAX_HALF_OPEN_DEFAULT, memory, bytes,
		SIS_CONN_SEGS_DEFAULT, syn, idle, closing);
	return f == stdout ? 0 : 1;
}

/* The keyword argument of limit @attr (args.c). */
static void limit_arg(int attr, struct arg *a)
{
	memset(a, 0, sizeof(*a));
	a->key = limits[attr].word;
	switch (limits[attr].kind) {
	case CHOICE:
		a->kind = ARG_CHOICE;
		a->choices = limits[attr].choices;	/* by value */
		break;
	case SIZE:
		a->kind = ARG_SIZE;
		break;
	case DURATION:
		a->kind = ARG_DURATION;
		break;
	default:
		a->kind = ARG_U32;
		a->lo = 1;
		a->hi = UINT32_MAX;
		break;
	}
}

/*
 * argv: [dev] BRIDGE, then limit and value pairs, in any order, each once
 * and one at least. On error returns -1 with a message in err, or with err
 * empty when only the usage applies.
 */
int set_parse(int argc, char *const argv[], struct set_args *a, char *err,
	      size_t err_len)
{
	struct arg spec[SIS_LIMITS_A_MAX + 1];
	struct arg_value v[SIS_LIMITS_A_MAX + 1];

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	if (argc >= 1 && !strcmp(argv[0], "dev")) {
		argc--;
		argv++;
	}
	if (argc < 1)
		return -1;
	a->bridge = argv[0];
	for (int i = 0; i <= SIS_LIMITS_A_MAX; i++)
		limit_arg(i, &spec[i]);
	if (args_parse(spec, SIS_LIMITS_A_MAX + 1, argc - 1, argv + 1, v, NULL,
		       err, err_len) < 0)
		return -1;
	for (int i = 1; i <= SIS_LIMITS_A_MAX; i++) {
		if (!v[i].set)
			continue;
		a->limits.v[i] = v[i].u;
		a->limits.has |= 1u << i;
	}
	if (!a->limits.has) {
		snprintf(err, err_len,
			 "nothing to set: give max-conns, max-half-open, max-memory, conn-bytes, conn-segs, syn-timeout, idle-timeout, close-timeout, fragments, ip6-exthdr or local");
		return -1;
	}
	return 0;
}

/* SIS_A_IFINDEX, and SIS_A_LIMITS with the limits given only. */
int set_fill(struct nl_msg *msg, uint32_t bridge, const struct sisctl_limits *l)
{
	struct nlattr *nest;

	if (nla_put_u32(msg, SIS_A_IFINDEX, bridge) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_LIMITS | NLA_F_NESTED);
	if (!nest)
		return -EMSGSIZE;
	for (int i = 1; i <= SIS_LIMITS_A_MAX; i++)
		if ((l->has & (1u << i)) && nla_put_u32(msg, i, l->v[i]) < 0)
			return -EMSGSIZE;
	if (nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

/* Text " word VALUE" as set takes it, JSON "key": the number or word. */
static void limit_print(struct sisctl_print *p, int attr, uint32_t v)
{
	const char *w = is_setting(attr) ? choice_word(attr, v) : NULL;
	char buf[32];

	print_string(p, PRINT_FP, NULL, " %s", limits[attr].word);
	if (w) {
		print_string(p, PRINT_ANY, limits[attr].json, " %s", w);
		return;
	}
	switch (limits[attr].kind) {
	case SIZE:
		format_size(buf, sizeof(buf), v);
		break;
	case DURATION:
		format_duration_ms(buf, sizeof(buf), v);
		break;
	default:
		snprintf(buf, sizeof(buf), "%" PRIu32, v);
		break;
	}
	print_string(p, PRINT_FP, NULL, " %s", buf);
	print_uint(p, PRINT_JSON, limits[attr].json, NULL, v);
}

/* The limits (@settings false) or the settings the dump had, if any. */
static void limits_group_print(struct sisctl_print *p,
			       const struct sisctl_limits *l, bool settings)
{
	const char *name = settings ? "settings" : "limits";

	if (!(l->has & (settings ? settings_mask() : ~settings_mask())))
		return;
	open_object(p, name);
	print_string(p, PRINT_FP, NULL, "\t%s", name);
	for (int i = 1; i <= SIS_LIMITS_A_MAX; i++)
		if ((l->has & (1u << i)) && limits[i].word &&
		    is_setting(i) == settings)
			limit_print(p, i, l->v[i]);
	print_fp(p, "\n");
	close_object(p);
}

/*
 * "\tlimits max-conns N ...", then "\tsettings fragments W ...", as set
 * takes them, or "limits": {"max_conns", ..., "close_timeout_ms"} and
 * "settings": {"fragments", "ip6_exthdr", "local"}: those the dump had.
 */
void limits_print(struct sisctl_print *p, const struct sisctl_limits *l)
{
	limits_group_print(p, l, false);
	limits_group_print(p, l, true);
}

/* Text " word N", JSON "key": N, where @t says. */
static void counter_print(struct sisctl_print *p, enum print_type t,
			  const char *word, const char *key, uint64_t v)
{
	print_string(p, t & PRINT_FP, NULL, " %s", word);
	print_u64(p, t, key, " %" PRIu64, v);
}

/* "\tnormalize reassembled N ..." or "norm_stats": nothing without them. */
void nstats_print(struct sisctl_print *p, const struct sisctl_nstats *s)
{
	if (!s->has)
		return;
	open_object(p, "norm_stats");
	print_fp(p, "\tnormalize");
	for (int i = 1; i <= SIS_NSTATS_A_MAX; i++)
		if ((s->has & (1u << i)) && nstats[i].word)
			counter_print(p, PRINT_ANY, nstats[i].word,
				      nstats[i].json, s->v[i]);
	print_fp(p, "\n");
	close_object(p);
}

/* The counters of [@first, @last] the dump had, where @t says. */
static void sstats_range_print(struct sisctl_print *p, enum print_type t,
			       const struct sisctl_sstats *s, int first,
			       int last)
{
	for (int i = first; i <= last; i++)
		if ((s->has & (1ull << i)) && sstats[i].word)
			counter_print(p, t, sstats[i].word, sstats[i].json,
				      s->v[i]);
}

/*
 * "\tstreams conns N total N ...", then "\tinvalid auth N state N ..."
 * (the invalid segments by the rule they broke); JSON "stream_stats" has
 * them all in their order. Nothing if the dump had none.
 */
void sstats_print(struct sisctl_print *p, const struct sisctl_sstats *s)
{
	const uint64_t why = (~0ull << SIS_SSTATS_A_INVALID_AUTH) &
			     ~(~0ull << (SIS_SSTATS_A_INVALID_FIN + 1));
	const uint64_t edits = ~0ull << SIS_SSTATS_A_CUTS;

	if (!s->has)
		return;
	open_object(p, "stream_stats");
	print_fp(p, "\tstreams");
	sstats_range_print(p, PRINT_ANY, s, 1, SIS_SSTATS_A_INVALID_AUTH - 1);
	/* In JSON in their place, in text on a line of their own. */
	sstats_range_print(p, PRINT_JSON, s, SIS_SSTATS_A_INVALID_AUTH,
			   SIS_SSTATS_A_INVALID_FIN);
	sstats_range_print(p, PRINT_ANY, s, SIS_SSTATS_A_INVALID_FIN + 1,
			   SIS_SSTATS_A_CUTS - 1);
	sstats_range_print(p, PRINT_JSON, s, SIS_SSTATS_A_CUTS,
			   SIS_SSTATS_A_MAX);
	print_fp(p, "\n");
	if (s->has & why) {
		print_fp(p, "\tinvalid");
		sstats_range_print(p, PRINT_FP, s, SIS_SSTATS_A_INVALID_AUTH,
				   SIS_SSTATS_A_INVALID_FIN);
		print_fp(p, "\n");
	}
	if (s->has & edits) {
		print_fp(p, "\tedits");
		sstats_range_print(p, PRINT_FP, s, SIS_SSTATS_A_CUTS,
				   SIS_SSTATS_A_MAX);
		print_fp(p, "\n");
	}
	close_object(p);
}

struct set_req {
	const struct set_args *a;
	uint32_t bridge;
};

static int fill(struct nl_msg *msg, const void *arg)
{
	const struct set_req *req = arg;

	return set_fill(msg, req->bridge, &req->a->limits);
}

int cmd_set(const struct sisctl *o, int argc, char **argv)
{
	struct set_args a;
	struct set_req req = { .a = &a };
	char err[256];

	(void)o;
	if (argc >= 2 && is_help(argv[1]))
		return usage(stdout);
	if (set_parse(argc - 1, argv + 1, &a, err, sizeof(err)) < 0) {
		if (!err[0])
			return usage(stderr);
		sisctl_error("%s", err);
		return 1;
	}
	if (sisctl_ifindex(a.bridge, &req.bridge) < 0)
		return 1;
	return sisctl_send(SIS_CMD_SET_BRIDGE, 0, fill, &req);
}
