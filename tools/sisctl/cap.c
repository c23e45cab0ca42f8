// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl cap add SCANNER CAP [dir in|out|any] rights read|read,contain FILTER...
 * sisctl cap add SCANNER CAP stream [host-port LIST] [net-port LIST]
 *                [midstream drop|pass] [max-cuts N] [dir in|out|any]
 *                rights read|read,contain [filter FILTER...]
 * sisctl cap del SCANNER CAP
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "sisctl.h"

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: sisctl cap add SCANNER CAP [dir in|out|any] rights read|read,contain FILTER...\n"
		"       sisctl cap add SCANNER CAP stream [host-port LIST] [net-port LIST]\n"
		"                      [midstream drop|pass] [max-cuts N] [dir in|out|any]\n"
		"                      rights read|read,contain [filter FILTER...]\n"
		"       sisctl cap del SCANNER CAP\n"
		"Lets SCANNER read (and with contain, hold until its verdict) the frames\n"
		"matching FILTER, a pcap-filter(7) expression. dir defaults to any.\n"
		"A stream capability covers TCP connections instead: their byte streams\n"
		"(dir out: what the host sends, in: what it receives), when the host's and\n"
		"the network's ports are in the lists and the first SYN matches FILTER.\n"
		"LIST is * (any port, the default) or ports and ranges: 25,110,8000-8080\n"
		"(at most %d). ports 'host LIST:net LIST' gives both, either may be omitted.\n"
		"midstream: what becomes of the segments of a connection not seen from its\n"
		"first SYN, which cannot be reassembled, while contained: drop (the default\n"
		"with contain) or pass (forwarded unjudged; the only choice without contain).\n"
		"max-cuts: the cuts the scanner may make in one connection (with contain);\n"
		"the cut past them kills the connection. Without it, no bound.\n",
		SIS_PORT_RANGES_MAX);
	return f == stdout ? 0 : 1;
}

/* "read", "contain" or both, comma separated, in any order. */
int parse_rights(const char *s, uint8_t *rights)
{
	const char *p = s;

	*rights = 0;
	for (;;) {
		size_t n = strcspn(p, ",");

		if (n == 4 && !strncmp(p, "read", 4))
			*rights |= SIS_RIGHT_READ;
		else if (n == 7 && !strncmp(p, "contain", 7))
			*rights |= SIS_RIGHT_CONTAIN;
		else
			return -1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int parse_rights_word(const char *v, uint32_t *out, char *err,
			     size_t err_len)
{
	uint8_t rights;

	if (parse_rights(v, &rights) < 0) {
		snprintf(err, err_len,
			 "invalid rights \"%s\": use read or read,contain", v);
		return -1;
	}
	if (!(rights & SIS_RIGHT_READ)) {
		snprintf(err, err_len,
			 "invalid rights \"%s\": contain needs read, use read,contain",
			 v);
		return -1;
	}
	*out = rights;
	return 0;
}

enum {
	KW_DIR, KW_RIGHTS, KW_STREAM, KW_HOST_PORT, KW_NET_PORT, KW_PORTS,
	KW_FILTER, KW_MIDSTREAM, KW_MAX_CUTS, KW_COUNT
};

static const char *const midstream_words[] = { "drop", "pass", NULL };
static const uint32_t midstream_values[] = {
	SIS_UNJUDGED_DROP, SIS_UNJUDGED_PASS,
};

static const struct arg add_args[KW_COUNT] = {
	[KW_DIR] = { .key = "dir", .kind = ARG_DIR },
	[KW_RIGHTS] = { .key = "rights", .kind = ARG_CUSTOM,
			.parse = parse_rights_word },
	[KW_STREAM] = { .key = "stream", .kind = ARG_FLAG },
	[KW_HOST_PORT] = { .key = "host-port", .kind = ARG_STRING },
	[KW_NET_PORT] = { .key = "net-port", .kind = ARG_STRING },
	[KW_PORTS] = { .key = "ports", .kind = ARG_STRING },
	[KW_FILTER] = { .key = "filter", .kind = ARG_REST },
	[KW_MIDSTREAM] = { .key = "midstream", .kind = ARG_CHOICE,
			   .choices = midstream_words,
			   .values = midstream_values },
	/* 0 would be no bound, the default: not a way to forbid cuts. */
	[KW_MAX_CUTS] = { .key = "max-cuts", .kind = ARG_U32, .lo = 1,
			  .hi = UINT32_MAX, .unit = "cuts a connection" },
};

/* host-port LIST, net-port LIST or ports 'host LIST:net LIST'. */
static int parse_ports_word(struct cap_add_args *a, int kw, const char *v,
			    bool *has_host, bool *has_net, char *err,
			    size_t err_len)
{
	struct port_list host, net;
	bool h = kw == KW_HOST_PORT, n = kw == KW_NET_PORT;

	if (kw == KW_PORTS) {
		if (parse_ports_spec(v, &host, &net, &h, &n, err, err_len) < 0)
			return -1;
	} else if (parse_port_list(v, h ? &host : &net, err, err_len) < 0) {
		return -1;
	}
	if ((h && *has_host) || (n && *has_net)) {
		snprintf(err, err_len, "%s ports given twice",
			 h && *has_host ? "host" : "net");
		return -1;
	}
	if (h) {
		a->host_ports = host;
		*has_host = true;
	}
	if (n) {
		a->net_ports = net;
		*has_net = true;
	}
	return 0;
}

/*
 * argv: SCANNER CAP, then in any order "dir DIR", "rights RIGHTS"
 * (required) and, for a stream capability, the word "stream" and its
 * ports ("host-port LIST", "net-port LIST", "ports 'host LIST:net LIST'"),
 * then the filter words, after the word "filter" (required for streams).
 * A frame capability requires a filter. On error returns -1 with a message
 * in err, or with err empty when only the usage applies.
 */
int cap_add_parse(int argc, char *const argv[], struct cap_add_args *a,
		  char *err, size_t err_len)
{
	static const int ports_kw[] = { KW_HOST_PORT, KW_NET_PORT, KW_PORTS };
	bool has_host = false, has_net = false;
	struct arg_value v[KW_COUNT];
	const char *stream_word = NULL;
	int i;

	memset(a, 0, sizeof(*a));
	a->dir = SIS_DIR_ANY;
	a->midstream = -1;
	err[0] = '\0';
	if (argc < 2)
		return -1;
	a->scanner = argv[0];
	a->name = argv[1];
	if (!valid_name(a->scanner)) {
		name_error(err, err_len, "scanner", a->scanner);
		return -1;
	}
	if (!valid_name(a->name)) {
		name_error(err, err_len, "capability", a->name);
		return -1;
	}
	if (args_parse(add_args, KW_COUNT, argc - 2, argv + 2, v, &i, err,
		       err_len) < 0)
		return -1;
	i += 2;
	a->stream = v[KW_STREAM].set;
	if (v[KW_DIR].set)
		a->dir = (uint8_t)v[KW_DIR].u;
	for (size_t k = 0; k < sizeof(ports_kw) / sizeof(ports_kw[0]); k++) {
		int kw = ports_kw[k];

		if (!v[kw].set)
			continue;
		stream_word = add_args[kw].key;
		if (parse_ports_word(a, kw, v[kw].s, &has_host, &has_net, err,
				     err_len) < 0)
			return -1;
	}
	if (v[KW_MIDSTREAM].set) {
		stream_word = add_args[KW_MIDSTREAM].key;
		a->midstream = (int)v[KW_MIDSTREAM].u;
	}
	if (v[KW_MAX_CUTS].set) {
		stream_word = add_args[KW_MAX_CUTS].key;
		a->max_cuts = v[KW_MAX_CUTS].u;
	}
	if (stream_word && !a->stream) {
		snprintf(err, err_len,
			 "\"%s\" is for stream capabilities: add the word \"stream\"",
			 stream_word);
		return -1;
	}
	if (a->stream && i < argc && !v[KW_FILTER].set) {
		snprintf(err, err_len,
			 "unknown argument \"%s\": a stream capability's filter follows the word \"filter\"",
			 argv[i]);
		return -1;
	}
	if (!v[KW_RIGHTS].set) {
		snprintf(err, err_len,
			 "missing \"rights read\" or \"rights read,contain\"");
		return -1;
	}
	a->rights = (uint8_t)v[KW_RIGHTS].u;
	if (a->midstream == SIS_UNJUDGED_DROP &&
	    !(a->rights & SIS_RIGHT_CONTAIN)) {
		snprintf(err, err_len,
			 "\"midstream drop\" needs \"rights read,contain\": a reader holds nothing back");
		return -1;
	}
	if (a->max_cuts && !(a->rights & SIS_RIGHT_CONTAIN)) {
		snprintf(err, err_len,
			 "\"max-cuts\" needs \"rights read,contain\": a reader cuts nothing");
		return -1;
	}
	if (i >= argc) {
		if (a->stream)
			return 0;
		snprintf(err, err_len,
			 "missing FILTER, the frames the capability covers");
		return -1;
	}
	a->expr = join_args(argc - i, argv + i);
	if (!a->expr) {
		snprintf(err, err_len, "%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

static int put_scanner(struct nl_msg *msg, const char *scanner)
{
	struct nlattr *nest = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);

	if (!nest || nla_put_string(msg, SIS_SCANNER_A_NAME, scanner) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

int cap_add_fill(struct nl_msg *msg, const char *scanner, const char *name,
		 uint8_t dir, uint8_t rights, const struct sock_filter *insns,
		 unsigned int len, const char *expr)
{
	struct nlattr *nest;

	if (put_scanner(msg, scanner) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_CAP | NLA_F_NESTED);
	if (!nest || nla_put_string(msg, SIS_CAP_A_NAME, name) < 0 ||
	    nla_put_u8(msg, SIS_CAP_A_DIR, dir) < 0 ||
	    nla_put_u8(msg, SIS_CAP_A_RIGHTS, rights) < 0 ||
	    nla_put(msg, SIS_CAP_A_BPF, (int)(len * sizeof(*insns)), insns) < 0 ||
	    nla_put_string(msg, SIS_CAP_A_EXPR, expr) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

static int put_ports(struct nl_msg *msg, int type, const struct port_list *l)
{
	if (!l->n)
		return 0;	/* any port */
	return nla_put(msg, type, (int)(l->n * sizeof(l->r[0])), l->r);
}

/*
 * A stream capability: its kind and port lists, and the filter (run on
 * the first SYN) when it has one.
 */
int cap_add_stream_fill(struct nl_msg *msg, const struct cap_add_args *a,
			const struct sock_filter *insns, unsigned int len)
{
	struct nlattr *nest;

	if (put_scanner(msg, a->scanner) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_CAP | NLA_F_NESTED);
	if (!nest || nla_put_string(msg, SIS_CAP_A_NAME, a->name) < 0 ||
	    nla_put_u8(msg, SIS_CAP_A_DIR, a->dir) < 0 ||
	    nla_put_u8(msg, SIS_CAP_A_RIGHTS, a->rights) < 0 ||
	    nla_put_u8(msg, SIS_CAP_A_KIND, SIS_CAP_STREAM) < 0 ||
	    put_ports(msg, SIS_CAP_A_HOST_PORTS, &a->host_ports) < 0 ||
	    put_ports(msg, SIS_CAP_A_NET_PORTS, &a->net_ports) < 0 ||
	    (a->midstream >= 0 &&
	     nla_put_u8(msg, SIS_CAP_A_MIDSTREAM, (uint8_t)a->midstream) < 0) ||
	    (a->max_cuts &&
	     nla_put_u32(msg, SIS_CAP_A_MAX_CUTS, a->max_cuts) < 0))
		return -EMSGSIZE;
	if (a->expr &&
	    (nla_put(msg, SIS_CAP_A_BPF, (int)(len * sizeof(*insns)), insns) < 0 ||
	     nla_put_string(msg, SIS_CAP_A_EXPR, a->expr) < 0))
		return -EMSGSIZE;
	if (nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

int cap_del_fill(struct nl_msg *msg, const char *scanner, const char *name)
{
	struct nlattr *nest;

	if (put_scanner(msg, scanner) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_CAP | NLA_F_NESTED);
	if (!nest || nla_put_string(msg, SIS_CAP_A_NAME, name) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

struct add_req {
	const struct cap_add_args *a;
	const struct sock_filter *insns;
	unsigned int len;
};

static int add_fill(struct nl_msg *msg, const void *arg)
{
	const struct add_req *r = arg;

	if (r->a->stream)
		return cap_add_stream_fill(msg, r->a, r->insns, r->len);
	return cap_add_fill(msg, r->a->scanner, r->a->name, r->a->dir,
			    r->a->rights, r->insns, r->len, r->a->expr);
}

static int del_fill(struct nl_msg *msg, const void *arg)
{
	char *const *argv = arg;

	return cap_del_fill(msg, argv[0], argv[1]);
}

static int cap_add(int argc, char **argv)
{
	struct cap_add_args a;
	struct add_req req = { .a = &a };
	struct sock_filter *insns = NULL;
	char err[512];
	int ret;

	if (cap_add_parse(argc, argv, &a, err, sizeof(err)) < 0) {
		if (!err[0])
			return usage(stderr);
		sisctl_error("%s", err);
		return 1;
	}
	if (a.expr &&
	    filter_compile(a.expr, &insns, &req.len, err, sizeof(err)) < 0) {
		sisctl_error("filter: %s", err);
		free(a.expr);
		return 1;
	}
	req.insns = insns;
	ret = sisctl_send(SIS_CMD_CAP_ADD,
			  req.len * sizeof(*insns) + (a.expr ? strlen(a.expr) : 0) +
			  2 * sizeof(a.host_ports.r) + 128, add_fill, &req);
	free(insns);
	free(a.expr);
	return ret;
}

static int cap_del(int argc, char **argv)
{
	if (argc != 2)
		return usage(stderr);
	if (!check_name("scanner", argv[0]) ||
	    !check_name("capability", argv[1]))
		return 1;
	return sisctl_send(SIS_CMD_CAP_DEL, 0, del_fill, argv);
}

int cmd_cap(const struct sisctl *o, int argc, char **argv)
{
	(void)o;
	if (argc < 2)
		return usage(stderr);
	if (is_help(argv[1]))
		return usage(stdout);
	if (!strcmp(argv[1], "add"))
		return cap_add(argc - 2, argv + 2);
	if (!strcmp(argv[1], "del"))
		return cap_del(argc - 2, argv + 2);
	return usage(stderr);
}
