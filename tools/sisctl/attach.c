// SPDX-License-Identifier: GPL-2.0
/* sisctl attach BRIDGE host PORT [fail open|closed], sisctl detach BRIDGE */
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "sisctl.h"

/* @fail: enum sis_fail, or -1 for the kernel's default (closed). */
int attach_fill(struct nl_msg *msg, uint32_t bridge, uint32_t host, int fail)
{
	if (nla_put_u32(msg, SIS_A_IFINDEX, bridge) < 0 ||
	    nla_put_u32(msg, SIS_A_HOST_IFINDEX, host) < 0 ||
	    (fail >= 0 && nla_put_u8(msg, SIS_A_FAIL, (uint8_t)fail) < 0))
		return -EMSGSIZE;
	return 0;
}

int detach_fill(struct nl_msg *msg, uint32_t bridge)
{
	if (nla_put_u32(msg, SIS_A_IFINDEX, bridge) < 0)
		return -EMSGSIZE;
	return 0;
}

static int usage_attach(FILE *f)
{
	fprintf(f,
		"Usage: sisctl attach BRIDGE host PORT [fail open|closed]\n"
		"fail: when a port leaves the bridge or goes, closed (the default)\n"
		"keeps the bridge closed, forwarding nothing until it is attached\n"
		"again or detached; open only detaches it.\n");
	return f == stdout ? 0 : 1;
}

static int usage_detach(FILE *f)
{
	fprintf(f,
		"Usage: sisctl detach BRIDGE\n"
		"Detaches an attached bridge, or ends a closed bridge's closed state.\n");
	return f == stdout ? 0 : 1;
}

/* Send a request without reply and report its outcome. */
static int run(uint8_t cmd, uint32_t bridge, uint32_t host, int fail)
{
	char extack[SIS_EXTACK_MAX];
	struct sis_nl *nl;
	struct nl_msg *msg;
	int r;

	if (sisctl_open(&nl) < 0)
		return 1;
	msg = sis_nl_msg(nl, cmd, 0);
	if (!msg) {
		sis_nl_close(nl);
		return sisctl_result(-ENOMEM, NULL);
	}
	r = cmd == SIS_CMD_ATTACH ? attach_fill(msg, bridge, host, fail) :
				    detach_fill(msg, bridge);
	if (!r)
		r = sis_nl_request(nl, msg, NULL, NULL, extack, sizeof(extack));
	else
		extack[0] = '\0';
	nlmsg_free(msg);
	sis_nl_close(nl);
	return sisctl_result(r, extack);
}

/*
 * The appliance's own addresses are reachable from the protected host, and
 * what it sends them is never forwarded, so never judged: say so when the
 * bridge or the host port has one (the "local" setting drops such frames
 * from the host port by default).
 */
void attach_warn_addresses(FILE *f, const char *bridge, const char *host)
{
	struct ifaddrs *ifa, *a;

	if (getifaddrs(&ifa) < 0)
		return;
	for (a = ifa; a; a = a->ifa_next) {
		char addr[NI_MAXHOST];
		socklen_t len;

		if (!a->ifa_addr || (strcmp(a->ifa_name, bridge) &&
				     strcmp(a->ifa_name, host)))
			continue;
		if (a->ifa_addr->sa_family == AF_INET)
			len = sizeof(struct sockaddr_in);
		else if (a->ifa_addr->sa_family == AF_INET6)
			len = sizeof(struct sockaddr_in6);
		else
			continue;
		if (getnameinfo(a->ifa_addr, len, addr, sizeof(addr), NULL, 0,
				NI_NUMERICHOST))
			continue;
		fprintf(f, "Warning: %s has address %s: frames from the host port to the appliance itself are never judged, so SIS drops them unless \"sisctl set dev %s local pass\".\n",
			a->ifa_name, addr, bridge);
	}
	freeifaddrs(ifa);
}

enum { KW_HOST, KW_FAIL, KW_COUNT };

static const char *const fail_words[] = { "open", "closed", NULL };
static const uint32_t fail_values[] = { SIS_FAIL_OPEN, SIS_FAIL_CLOSED };

static const struct arg attach_args[KW_COUNT] = {
	[KW_HOST] = { .key = "host", .kind = ARG_STRING },
	[KW_FAIL] = { .key = "fail", .kind = ARG_CHOICE, .what = "fail policy",
		      .choices = fail_words, .values = fail_values },
};

int cmd_attach(const struct sisctl *o, int argc, char **argv)
{
	struct arg_value v[KW_COUNT];
	uint32_t bridge, host;
	char err[256];
	int r;

	(void)o;
	if (argc == 2 && is_help(argv[1]))
		return usage_attach(stdout);
	if (argc < 2)
		return usage_attach(stderr);
	if (args_parse(attach_args, KW_COUNT, argc - 2, argv + 2, v, NULL,
		       err, sizeof(err)) < 0) {
		sisctl_error("%s", err);
		return 1;
	}
	if (!v[KW_HOST].set)
		return usage_attach(stderr);
	if (sisctl_ifindex(argv[1], &bridge) < 0 ||
	    sisctl_ifindex(v[KW_HOST].s, &host) < 0)
		return 1;
	r = run(SIS_CMD_ATTACH, bridge, host,
		v[KW_FAIL].set ? (int)v[KW_FAIL].u : -1);
	if (!r)
		attach_warn_addresses(stderr, argv[1], v[KW_HOST].s);
	return r;
}

int cmd_detach(const struct sisctl *o, int argc, char **argv)
{
	uint32_t bridge;

	(void)o;
	if (argc == 2 && is_help(argv[1]))
		return usage_detach(stdout);
	if (argc != 2)
		return usage_detach(stderr);
	if (sisctl_ifindex(argv[1], &bridge) < 0)
		return 1;
	return run(SIS_CMD_DETACH, bridge, 0, -1);
}
