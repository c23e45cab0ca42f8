// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the sisctl subcommands. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/msg.h>

#include "sisctl.h"

#define NETNS_RUN_DIR "/run/netns"

/* "Error: <text>." with the period added only when missing. */
static void print_line(const char *kind, const char *text)
{
	size_t n = strlen(text);

	fprintf(stderr, "%s: %s%s\n", kind, text,
		n && text[n - 1] == '.' ? "" : ".");
}

void sisctl_error(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	print_line("Error", buf);
}

int sisctl_errline(char *buf, size_t len, int err, const char *extack)
{
	const char *kind = err ? "Error" : "Warning", *text;
	size_t n;

	if (extack && extack[0])
		text = extack;
	else if (err == -EPERM)
		text = "Operation not permitted (sisctl needs CAP_NET_ADMIN)";
	else if (err)
		text = strerror(err < 0 ? -err : err);
	else
		text = "";
	n = strlen(text);
	if (!n) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	return snprintf(buf, len, "%s: %s%s", kind, text,
			text[n - 1] == '.' ? "" : ".");
}

int sisctl_result(int err, const char *extack)
{
	char line[SIS_EXTACK_MAX + 128];

	if (sisctl_errline(line, sizeof(line), err, extack) > 0)
		fprintf(stderr, "%s\n", line);
	return err ? 1 : 0;
}

int sisctl_ifindex(const char *name, uint32_t *ifindex)
{
	unsigned int i = if_nametoindex(name);

	if (!i) {
		sisctl_error("Cannot find device \"%s\"", name);
		return -1;
	}
	*ifindex = i;
	return 0;
}

int sisctl_open(struct sis_nl **nl)
{
	int r = sis_nl_open(nl);

	if (r == -ENOENT)
		sisctl_error("sis module not loaded");
	else if (r < 0)
		sisctl_error("netlink: %s", strerror(-r));
	return r;
}

int sisctl_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	/* A name, as ip-netns(8) keeps them, or a path (/proc/PID/ns/net). */
	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sisctl_error("Cannot open network namespace \"%s\": %s",
			     name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		sisctl_error("setting the network namespace \"%s\" failed: %s",
			     name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* -j compact, -p pretty. */
size_t sisctl_json_flags(const struct sisctl *o)
{
	return o->pretty ? JSON_INDENT(2) : JSON_COMPACT;
}

void sisctl_json_print(const struct sisctl *o, json_t *j)
{
	json_dumpf(j, stdout, sisctl_json_flags(o));
	fputc('\n', stdout);
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

int parse_dir(const char *word, uint8_t *dir)
{
	static const struct {
		const char *word;
		uint8_t dir;
	} dirs[] = {
		{ "in", SIS_DIR_IN },
		{ "out", SIS_DIR_OUT },
		{ "any", SIS_DIR_ANY },
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!strcmp(word, dirs[i].word)) {
			*dir = dirs[i].dir;
			return 0;
		}
	}
	return -1;
}

const char *dir_name(uint8_t dir)
{
	switch (dir) {
	case SIS_DIR_IN:
		return "in";
	case SIS_DIR_OUT:
		return "out";
	case SIS_DIR_ANY:
		return "any";
	default:
		return "unknown";
	}
}

/* Plain decimal, no sign, no spaces, no trailing characters. */
int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* Leading decimal digits of s as a number: 0, or -1 (none, or too big). */
static int leading_u64(const char *s, uint64_t *v, const char **end)
{
	uint64_t x = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	*end = s;
	return 0;
}

/* A count of bytes: decimal, optionally with k, m or g (times 1024^n). */
int parse_size(const char *s, uint32_t *v)
{
	uint64_t x, mult = 1;
	const char *end;

	if (leading_u64(s, &x, &end) < 0)
		return -1;
	if (*end) {
		switch (*end) {
		case 'k': case 'K':
			mult = 1ull << 10;
			break;
		case 'm': case 'M':
			mult = 1ull << 20;
			break;
		case 'g': case 'G':
			mult = 1ull << 30;
			break;
		default:
			return -1;
		}
		if (end[1])
			return -1;
	}
	if (x > UINT32_MAX / mult)
		return -1;
	*v = (uint32_t)(x * mult);
	return 0;
}

/* A duration in milliseconds: decimal with ms (the default), s, m or h. */
int parse_duration_ms(const char *s, uint32_t *ms)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = {
		{ "", 1 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 },
	};
	const char *end;
	uint64_t x;

	if (leading_u64(s, &x, &end) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (x > UINT32_MAX / units[i].ms)
			return -1;
		*ms = (uint32_t)(x * units[i].ms);
		return 0;
	}
	return -1;
}

/* As parse_size() reads it, with the largest exact unit. */
int format_size(char *buf, size_t len, uint64_t v)
{
	if (v && !(v % (1ull << 30)))
		return snprintf(buf, len, "%" PRIu64 "g", v >> 30);
	if (v && !(v % (1ull << 20)))
		return snprintf(buf, len, "%" PRIu64 "m", v >> 20);
	if (v && !(v % (1ull << 10)))
		return snprintf(buf, len, "%" PRIu64 "k", v >> 10);
	return snprintf(buf, len, "%" PRIu64, v);
}

/* As parse_duration_ms() reads it, with the largest exact unit. */
int format_duration_ms(char *buf, size_t len, uint64_t ms)
{
	if (ms && !(ms % 3600000))
		return snprintf(buf, len, "%" PRIu64 "h", ms / 3600000);
	if (ms && !(ms % 60000))
		return snprintf(buf, len, "%" PRIu64 "m", ms / 60000);
	if (ms && !(ms % 1000))
		return snprintf(buf, len, "%" PRIu64 "s", ms / 1000);
	return snprintf(buf, len, "%" PRIu64 "ms", ms);
}

/* The words joined by single spaces, tcpdump style. */
char *join_args(int argc, char *const argv[])
{
	size_t len = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	*p = '\0';
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (i)
			*p++ = ' ';
		memcpy(p, argv[i], n);
		p += n;
		*p = '\0';
	}
	return s;
}

/* Scanner and capability names, as the kernel takes them. */
bool valid_name(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= SIS_NAME_MAX)
		return false;
	for (; *name; name++)
		if (!(*name >= 'a' && *name <= 'z') &&
		    !(*name >= 'A' && *name <= 'Z') &&
		    !(*name >= '0' && *name <= '9') && !strchr("-_.", *name))
			return false;
	return true;
}

void name_error(char *err, size_t err_len, const char *what, const char *name)
{
	snprintf(err, err_len,
		 "invalid %s name \"%s\": use 1 to %d letters, digits, '-', '_' and '.'",
		 what, name, SIS_NAME_MAX - 1);
}

/* A name the kernel would refuse is refused here, with a clearer message. */
bool check_name(const char *what, const char *name)
{
	char err[256];

	if (valid_name(name))
		return true;
	name_error(err, sizeof(err), what, name);
	sisctl_error("%s", err);
	return false;
}

/* As `cap add` takes them. */
const char *rights_name(uint8_t rights)
{
	switch (rights) {
	case SIS_RIGHT_READ:
		return "read";
	case SIS_RIGHT_READ | SIS_RIGHT_CONTAIN:
		return "read,contain";
	case SIS_RIGHT_CONTAIN:
		return "contain";
	default:
		return "unknown";
	}
}

const char *absent_name(uint8_t absent)
{
	switch (absent) {
	case SIS_ABSENT_DROP:
		return "drop";
	case SIS_ABSENT_PASS:
		return "pass";
	default:
		return "unknown";
	}
}

const char *fail_name(uint8_t fail)
{
	switch (fail) {
	case SIS_FAIL_CLOSED:
		return "closed";
	case SIS_FAIL_OPEN:
		return "open";
	default:
		return "unknown";
	}
}

/*
 * Send one request without reply: fill adds the attributes (size is a hint
 * for their length). Reports the outcome; the result is the exit code.
 */
int sisctl_send(uint8_t cmd, size_t size, sisctl_fill_fn fill, const void *arg)
{
	char extack[SIS_EXTACK_MAX] = "";
	struct sis_nl *nl;
	struct nl_msg *msg;
	int r;

	if (sisctl_open(&nl) < 0)
		return 1;
	msg = sis_nl_msg(nl, cmd, size);
	r = msg ? fill(msg, arg) : -ENOMEM;
	if (!r)
		r = sis_nl_request(nl, msg, NULL, NULL, extack, sizeof(extack));
	nlmsg_free(msg);
	sis_nl_close(nl);
	return sisctl_result(r, extack);
}

const struct nla_policy sisctl_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX]		= { .type = NLA_U32 },
	[SIS_A_IFNAME]		= { .type = NLA_STRING },
	[SIS_A_HOST_IFINDEX]	= { .type = NLA_U32 },
	[SIS_A_HOST_IFNAME]	= { .type = NLA_STRING },
	[SIS_A_NET_IFINDEX]	= { .type = NLA_U32 },
	[SIS_A_NET_IFNAME]	= { .type = NLA_STRING },
	[SIS_A_STATS_IN]	= { .type = NLA_NESTED },
	[SIS_A_STATS_OUT]	= { .type = NLA_NESTED },
	[SIS_A_RULE]		= { .type = NLA_NESTED },
	[SIS_A_SCANNER]		= { .type = NLA_NESTED },
	[SIS_A_CAP]		= { .type = NLA_NESTED },
	[SIS_A_INJECT]		= { .type = NLA_NESTED },
	[SIS_A_SUB]		= { .type = NLA_NESTED },
	[SIS_A_ALERT]		= { .type = NLA_NESTED },
	[SIS_A_LIMITS]		= { .type = NLA_NESTED },
	[SIS_A_STREAM_STATS]	= { .type = NLA_NESTED },
	[SIS_A_NORM_STATS]	= { .type = NLA_NESTED },
	[SIS_A_CONN]		= { .type = NLA_NESTED },
	[SIS_A_EVENT]		= { .type = NLA_NESTED },
	[SIS_A_FAIL]		= { .type = NLA_U8 },
	[SIS_A_CLOSED]		= { .type = NLA_NESTED },
};

const struct nla_policy sisctl_closed_policy[SIS_CLOSED_A_MAX + 1] = {
	[SIS_CLOSED_A_REASON]	= { .type = NLA_U8 },
	[SIS_CLOSED_A_PORT]	= { .type = NLA_STRING },
	[SIS_CLOSED_A_DROPPED]	= { .type = NLA_U64 },
};

const struct nla_policy sisctl_rule_policy[SIS_RULE_A_MAX + 1] = {
	[SIS_RULE_A_ID]		= { .type = NLA_U32 },
	[SIS_RULE_A_DIR]	= { .type = NLA_U8 },
	[SIS_RULE_A_BPF]	= { .type = NLA_UNSPEC },
	[SIS_RULE_A_EXPR]	= { .type = NLA_STRING },
	[SIS_RULE_A_MATCHES]	= { .type = NLA_U64 },
	[SIS_RULE_A_BYTES]	= { .type = NLA_U64 },
};

const struct nla_policy sisctl_stats_policy[SIS_STATS_A_MAX + 1] = {
	[SIS_STATS_A_FRAMES]	= { .type = NLA_U64 },
	[SIS_STATS_A_BYTES]	= { .type = NLA_U64 },
	[SIS_STATS_A_DROPPED]	= { .type = NLA_U64 },
};

const struct nla_policy sisctl_scanner_policy[SIS_SCANNER_A_MAX + 1] = {
	[SIS_SCANNER_A_NAME]		= { .type = NLA_STRING },
	[SIS_SCANNER_A_UID]		= { .type = NLA_U32 },
	[SIS_SCANNER_A_TIMEOUT_MS]	= { .type = NLA_U32 },
	[SIS_SCANNER_A_FAIL]		= { .type = NLA_U8 },
	[SIS_SCANNER_A_MAX_HELD]	= { .type = NLA_U32 },
	[SIS_SCANNER_A_MAX_BYTES]	= { .type = NLA_U32 },
	[SIS_SCANNER_A_PID]		= { .type = NLA_U32 },
	[SIS_SCANNER_A_HELD]		= { .type = NLA_U32 },
	[SIS_SCANNER_A_HELD_BYTES]	= { .type = NLA_U32 },
	[SIS_SCANNER_A_FRAMES]		= { .type = NLA_U64 },
	[SIS_SCANNER_A_PASSED]		= { .type = NLA_U64 },
	[SIS_SCANNER_A_CUT]		= { .type = NLA_U64 },
	[SIS_SCANNER_A_TIMEOUTS]	= { .type = NLA_U64 },
	[SIS_SCANNER_A_OVERFLOWS]	= { .type = NLA_U64 },
	[SIS_SCANNER_A_RELEASED]	= { .type = NLA_U64 },
	[SIS_SCANNER_A_STALE]		= { .type = NLA_U64 },
	[SIS_SCANNER_A_LOST]		= { .type = NLA_U64 },
	[SIS_SCANNER_A_ALERTS]		= { .type = NLA_U64 },
	[SIS_SCANNER_A_ALERTS_DROPPED]	= { .type = NLA_U64 },
	[SIS_SCANNER_A_INJECTS]		= { .type = NLA_U64 },
	[SIS_SCANNER_A_INJECTS_LIMITED]	= { .type = NLA_U64 },
	[SIS_SCANNER_A_ABSENT]		= { .type = NLA_U8 },
	[SIS_SCANNER_A_ABSENT_DROPPED]	= { .type = NLA_U64 },
	[SIS_SCANNER_A_INJECT_RATE]	= { .type = NLA_U32 },
};

const struct nla_policy sisctl_cap_policy[SIS_CAP_A_MAX + 1] = {
	[SIS_CAP_A_NAME]	= { .type = NLA_STRING },
	[SIS_CAP_A_DIR]		= { .type = NLA_U8 },
	[SIS_CAP_A_RIGHTS]	= { .type = NLA_U8 },
	[SIS_CAP_A_BPF]		= { .type = NLA_UNSPEC },
	[SIS_CAP_A_EXPR]	= { .type = NLA_STRING },
	[SIS_CAP_A_MATCHES]	= { .type = NLA_U64 },
	[SIS_CAP_A_KIND]	= { .type = NLA_U8 },
	[SIS_CAP_A_MIDSTREAM]	= { .type = NLA_U8 },
	[SIS_CAP_A_HOST_PORTS]	= { .type = NLA_UNSPEC },
	[SIS_CAP_A_NET_PORTS]	= { .type = NLA_UNSPEC },
	[SIS_CAP_A_MAX_CUTS]	= { .type = NLA_U32 },
};

const struct nla_policy sisctl_inject_policy[SIS_INJECT_A_MAX + 1] = {
	[SIS_INJECT_A_ID]	= { .type = NLA_U32 },
	[SIS_INJECT_A_DIR]	= { .type = NLA_U8 },
	[SIS_INJECT_A_FRAME]	= { .type = NLA_UNSPEC },
	[SIS_INJECT_A_LEN]	= { .type = NLA_U32 },
	[SIS_INJECT_A_SENT]	= { .type = NLA_U64 },
	[SIS_INJECT_A_KIND]	= { .type = NLA_U8 },
	[SIS_INJECT_A_DATA]	= { .type = NLA_UNSPEC },
};

const struct nla_policy sisctl_sub_policy[SIS_SUB_A_MAX + 1] = {
	[SIS_SUB_A_ID]		= { .type = NLA_U32 },
	[SIS_SUB_A_CAP]		= { .type = NLA_STRING },
	[SIS_SUB_A_RIGHTS]	= { .type = NLA_U8 },
	[SIS_SUB_A_BPF]		= { .type = NLA_UNSPEC },
	[SIS_SUB_A_EXPR]	= { .type = NLA_STRING },
	[SIS_SUB_A_SNAPLEN]	= { .type = NLA_U32 },
	[SIS_SUB_A_MATCHES]	= { .type = NLA_U64 },
};

const struct nla_policy sisctl_alert_policy[SIS_ALERT_A_MAX + 1] = {
	[SIS_ALERT_A_SCANNER]	= { .type = NLA_STRING },
	[SIS_ALERT_A_TIME]	= { .type = NLA_U64 },
	[SIS_ALERT_A_MSG]	= { .type = NLA_UNSPEC },
	[SIS_ALERT_A_FRAME_NUM]	= { .type = NLA_U64 },
	[SIS_ALERT_A_DIR]	= { .type = NLA_U8 },
	[SIS_ALERT_A_DATA]	= { .type = NLA_UNSPEC },
	[SIS_ALERT_A_LEN]	= { .type = NLA_U32 },
	[SIS_ALERT_A_ID]	= { .type = NLA_U64 },
	[SIS_ALERT_A_ATTACH_LEN] = { .type = NLA_U64 },
	[SIS_ALERT_A_OFFSET]	= { .type = NLA_U64 },
	[SIS_ALERT_A_ATTACH_DATA] = { .type = NLA_UNSPEC },
};

const struct nla_policy sisctl_limits_policy[SIS_LIMITS_A_MAX + 1] = {
	[SIS_LIMITS_A_MAX_CONNS]	= { .type = NLA_U32 },
	[SIS_LIMITS_A_MAX_HALF_OPEN]	= { .type = NLA_U32 },
	[SIS_LIMITS_A_MAX_MEMORY]	= { .type = NLA_U32 },
	[SIS_LIMITS_A_CONN_BYTES]	= { .type = NLA_U32 },
	[SIS_LIMITS_A_CONN_SEGS]	= { .type = NLA_U32 },
	[SIS_LIMITS_A_SYN_MS]		= { .type = NLA_U32 },
	[SIS_LIMITS_A_IDLE_MS]		= { .type = NLA_U32 },
	[SIS_LIMITS_A_CLOSE_MS]		= { .type = NLA_U32 },
	[SIS_LIMITS_A_FRAGMENTS]	= { .type = NLA_U32 },
	[SIS_LIMITS_A_IP6_EXTHDR]	= { .type = NLA_U32 },
	[SIS_LIMITS_A_LOCAL]		= { .type = NLA_U32 },
};

const struct nla_policy sisctl_nstats_policy[SIS_NSTATS_A_MAX + 1] = {
	[SIS_NSTATS_A_REASSEMBLED]	= { .type = NLA_U64 },
	[SIS_NSTATS_A_FRAG_DROPPED]	= { .type = NLA_U64 },
	[SIS_NSTATS_A_FRAG_BAD]		= { .type = NLA_U64 },
	[SIS_NSTATS_A_IP6_EXTHDR]	= { .type = NLA_U64 },
	[SIS_NSTATS_A_LOCAL]		= { .type = NLA_U64 },
};

const struct nla_policy sisctl_sstats_policy[SIS_SSTATS_A_MAX + 1] = {
	[SIS_SSTATS_A_CONNS]		= { .type = NLA_U32 },
	[SIS_SSTATS_A_CONNS_TOTAL]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_UNTRACKED]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_MIDSTREAM]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_INVALID]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_INCONSISTENT]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_OVERLIMIT]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_RESETS]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_TIMEOUTS]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_DROPPED]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_INVALID_AUTH]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_INVALID_STATE]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_INVALID_ACK]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_INVALID_PAWS]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_INVALID_WINDOW]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_INVALID_FIN]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_MALFORMED]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_MIDSTREAM_DROPPED] = { .type = NLA_U64 },
	[SIS_SSTATS_A_AMBIGUOUS]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_URGENT]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_HALF_OPEN]	= { .type = NLA_U32 },
	[SIS_SSTATS_A_EVICTED]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_MEMORY]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_OVERMEMORY]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_KILLED]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_RESETS_SENT]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_DUPACKS]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_PRUNED]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_CUTS]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_CUT_BYTES]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_INJECTS]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_INJECT_BYTES]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_REWRITTEN]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_TRANSLATED]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_KILLS]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_MAX_CUTS]		= { .type = NLA_U64 },
	[SIS_SSTATS_A_CUSTODY_ACKS]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_RETRANSMITS]	= { .type = NLA_U64 },
	[SIS_SSTATS_A_CUSTODY_FAILED]	= { .type = NLA_U64 },
};

/* SIS_CONN_A_ID and SIS_CONN_A_AGE_MS: u64, a u32 is read as well. */
const struct nla_policy sisctl_conn_policy[SIS_CONN_A_MAX + 1] = {
	[SIS_CONN_A_ID]		= { .type = NLA_UNSPEC, .minlen = 4 },
	[SIS_CONN_A_FAMILY]	= { .type = NLA_U8 },
	[SIS_CONN_A_HOST_ADDR]	= { .type = NLA_UNSPEC },
	[SIS_CONN_A_HOST_PORT]	= { .type = NLA_U16 },
	[SIS_CONN_A_NET_ADDR]	= { .type = NLA_UNSPEC },
	[SIS_CONN_A_NET_PORT]	= { .type = NLA_U16 },
	[SIS_CONN_A_INITIATOR]	= { .type = NLA_U8 },
	[SIS_CONN_A_HOST_STATE]	= { .type = NLA_U8 },
	[SIS_CONN_A_NET_STATE]	= { .type = NLA_U8 },
	[SIS_CONN_A_AGE_MS]	= { .type = NLA_UNSPEC, .minlen = 4 },
	[SIS_CONN_A_IN]		= { .type = NLA_NESTED },
	[SIS_CONN_A_OUT]	= { .type = NLA_NESTED },
};

const struct nla_policy sisctl_conn_dir_policy[SIS_CONN_DIR_A_MAX + 1] = {
	[SIS_CONN_DIR_A_SEEN]		= { .type = NLA_U64 },
	[SIS_CONN_DIR_A_PASSED]		= { .type = NLA_U64 },
	[SIS_CONN_DIR_A_HELD]		= { .type = NLA_U32 },
	[SIS_CONN_DIR_A_KEPT]		= { .type = NLA_U32 },
	[SIS_CONN_DIR_A_WATCHERS]	= { .type = NLA_U32 },
};
