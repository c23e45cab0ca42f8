// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the sisctl subcommands. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

void sisctl_json_print(const struct sisctl *o, json_t *j)
{
	json_dumpf(j, stdout, o->pretty ? JSON_INDENT(2) : JSON_COMPACT);
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
