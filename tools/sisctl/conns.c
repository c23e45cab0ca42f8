// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl conns [dev BRIDGE], also sisctl show conns [dev BRIDGE]
 *
 * The TCP connections the kernel tracks for stream capabilities
 * (SIS_CMD_GET_CONN), one line each:
 *
 *   ID bridge BR host ADDR:PORT net ADDR:PORT opened-by host|net
 *     host:STATE net:STATE  out seen N passed N held N kept N watchers N
 *     in seen N ...  age S.Ds
 *
 * (on one line). IPv6 addresses are bracketed, states are the shadow TCBs'
 * (RFC 9293 names).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "sisctl.h"

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: sisctl conns [dev BRIDGE]\n"
		"       sisctl show conns [dev BRIDGE]\n"
		"Lists the TCP connections tracked for stream capabilities: their ends,\n"
		"who opened them, the state of each end, per direction the bytes seen,\n"
		"passed, held and kept until acknowledged and the scanners reading them,\n"
		"and their age.\n");
	return f == stdout ? 0 : 1;
}

/* The names ss(8) prints, in lower case, as the kernel's (tcb.c). */
const char *tcp_state_name(uint8_t state)
{
	static const char *const names[__SIS_TCP_MAX] = {
		[SIS_TCP_CLOSED] = "closed",
		[SIS_TCP_SYN_SENT] = "syn-sent",
		[SIS_TCP_SYN_RECV] = "syn-recv",
		[SIS_TCP_ESTABLISHED] = "established",
		[SIS_TCP_FIN_WAIT1] = "fin-wait-1",
		[SIS_TCP_FIN_WAIT2] = "fin-wait-2",
		[SIS_TCP_CLOSING] = "closing",
		[SIS_TCP_TIME_WAIT] = "time-wait",
		[SIS_TCP_CLOSE_WAIT] = "close-wait",
		[SIS_TCP_LAST_ACK] = "last-ack",
	};

	return state < __SIS_TCP_MAX && names[state] ? names[state] :
							     "unknown";
}

/* Who opened the connection: SIS_DIR_OUT is the host. */
static const char *opener_name(uint8_t initiator)
{
	switch (initiator) {
	case SIS_DIR_OUT:
		return "host";
	case SIS_DIR_IN:
		return "net";
	default:
		return NULL;
	}
}

void conns_free(struct sisctl_conns *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* A u64, or a u32 (SIS_CONN_A_ID and SIS_CONN_A_AGE_MS). */
static uint64_t get_uint(struct nlattr *a)
{
	if (!a)
		return 0;
	return nla_len(a) >= 8 ? nla_get_u64(a) : nla_get_u32(a);
}

static int get_addr(unsigned char *addr, struct nlattr *a, uint8_t family)
{
	int want = family == AF_INET ? 4 : 16;

	if (!a || nla_len(a) != want)
		return -EPROTO;
	memcpy(addr, nla_data(a), (size_t)want);
	return 0;
}

static int parse_dir_stats(struct sisctl_conn_dir *d, struct nlattr *nest)
{
	struct nlattr *tb[SIS_CONN_DIR_A_MAX + 1];

	if (!nest)
		return 0;
	if (nla_parse_nested(tb, SIS_CONN_DIR_A_MAX, nest,
			     sisctl_conn_dir_policy) < 0)
		return -EPROTO;
	if (tb[SIS_CONN_DIR_A_SEEN])
		d->seen = nla_get_u64(tb[SIS_CONN_DIR_A_SEEN]);
	if (tb[SIS_CONN_DIR_A_PASSED])
		d->passed = nla_get_u64(tb[SIS_CONN_DIR_A_PASSED]);
	if (tb[SIS_CONN_DIR_A_HELD])
		d->held = nla_get_u32(tb[SIS_CONN_DIR_A_HELD]);
	if (tb[SIS_CONN_DIR_A_KEPT])
		d->kept = nla_get_u32(tb[SIS_CONN_DIR_A_KEPT]);
	if (tb[SIS_CONN_DIR_A_WATCHERS])
		d->watchers = nla_get_u32(tb[SIS_CONN_DIR_A_WATCHERS]);
	return 0;
}

/*
 * Add one SIS_CMD_GET_CONN dump message to l: SIS_A_IFINDEX and SIS_A_CONN
 * with at least the id, the family and both addresses.
 */
int conns_merge(struct sisctl_conns *l, const struct nlmsghdr *nlh)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *tb[SIS_A_MAX + 1], *ctb[SIS_CONN_A_MAX + 1];
	struct sisctl_conn c = { 0 };

	if (!genlmsg_valid_hdr(h, 0) ||
	    genlmsg_parse(h, 0, tb, SIS_A_MAX, sisctl_policy) < 0 ||
	    !tb[SIS_A_IFINDEX] || !tb[SIS_A_CONN] ||
	    nla_parse_nested(ctb, SIS_CONN_A_MAX, tb[SIS_A_CONN],
			     sisctl_conn_policy) < 0 ||
	    !ctb[SIS_CONN_A_ID] || !ctb[SIS_CONN_A_FAMILY])
		return -EPROTO;
	c.ifindex = nla_get_u32(tb[SIS_A_IFINDEX]);
	c.id = get_uint(ctb[SIS_CONN_A_ID]);
	c.family = nla_get_u8(ctb[SIS_CONN_A_FAMILY]);
	if ((c.family != AF_INET && c.family != AF_INET6) ||
	    get_addr(c.host_addr, ctb[SIS_CONN_A_HOST_ADDR], c.family) < 0 ||
	    get_addr(c.net_addr, ctb[SIS_CONN_A_NET_ADDR], c.family) < 0)
		return -EPROTO;
	if (ctb[SIS_CONN_A_HOST_PORT])
		c.host_port = nla_get_u16(ctb[SIS_CONN_A_HOST_PORT]);
	if (ctb[SIS_CONN_A_NET_PORT])
		c.net_port = nla_get_u16(ctb[SIS_CONN_A_NET_PORT]);
	if (ctb[SIS_CONN_A_INITIATOR])
		c.initiator = nla_get_u8(ctb[SIS_CONN_A_INITIATOR]);
	c.host_state = ctb[SIS_CONN_A_HOST_STATE] ?
		       nla_get_u8(ctb[SIS_CONN_A_HOST_STATE]) : 0xff;
	c.net_state = ctb[SIS_CONN_A_NET_STATE] ?
		      nla_get_u8(ctb[SIS_CONN_A_NET_STATE]) : 0xff;
	c.age_ms = get_uint(ctb[SIS_CONN_A_AGE_MS]);
	if (parse_dir_stats(&c.in, ctb[SIS_CONN_A_IN]) < 0 ||
	    parse_dir_stats(&c.out, ctb[SIS_CONN_A_OUT]) < 0)
		return -EPROTO;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = c;
	return 0;
}

static int addr_text(char *buf, size_t len, uint8_t family,
		     const unsigned char *addr)
{
	if (!inet_ntop(family == AF_INET ? AF_INET : AF_INET6, addr, buf,
		       (socklen_t)len))
		return snprintf(buf, len, "?");
	return (int)strlen(buf);
}

/* ADDR:PORT, [ADDR]:PORT for IPv6. */
int conn_endpoint(char *buf, size_t len, uint8_t family,
		  const unsigned char *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	addr_text(a, sizeof(a), family, addr);
	if (family == AF_INET6)
		return snprintf(buf, len, "[%s]:%u", a, port);
	return snprintf(buf, len, "%s:%u", a, port);
}

/* Text "  out seen N ...", JSON "out": {"seen": N, ...}. */
static void dir_print(struct sisctl_print *p, const char *name,
		      const struct sisctl_conn_dir *d)
{
	open_object(p, name);
	print_string(p, PRINT_FP, NULL, "  %s", name);
	print_u64(p, PRINT_ANY, "seen", " seen %" PRIu64, d->seen);
	print_u64(p, PRINT_ANY, "passed", " passed %" PRIu64, d->passed);
	print_uint(p, PRINT_ANY, "held", " held %" PRIu32, d->held);
	print_uint(p, PRINT_ANY, "kept", " kept %" PRIu32, d->kept);
	print_uint(p, PRINT_ANY, "watchers", " watchers %" PRIu32, d->watchers);
	close_object(p);
}

/*
 * Text " host ADDR:PORT" (its state comes later), JSON "host": {"addr",
 * "port", "state"}.
 */
static void end_print(struct sisctl_print *p, const char *name,
		      uint8_t family, const unsigned char *addr, uint16_t port,
		      uint8_t state)
{
	char a[INET6_ADDRSTRLEN], end[INET6_ADDRSTRLEN + 16];

	conn_endpoint(end, sizeof(end), family, addr, port);
	addr_text(a, sizeof(a), family, addr);
	open_object(p, name);
	print_fp(p, " %s %s", name, end);
	print_string(p, PRINT_JSON, "addr", NULL, a);
	print_uint(p, PRINT_JSON, "port", NULL, port);
	print_string(p, PRINT_JSON, "state", NULL, tcp_state_name(state));
	close_object(p);
}

/* One connection: a line of text, or an element of the array -j prints. */
void conn_print(struct sisctl_print *p, const struct sisctl_conn *c,
		const char *bridge)
{
	const char *opener = opener_name(c->initiator);

	open_object(p, NULL);
	print_u64(p, PRINT_ANY, "id", "%" PRIu64, c->id);
	print_dev(p, PRINT_ANY, "bridge", " bridge %s", bridge, c->ifindex);
	print_string(p, PRINT_JSON, "family", NULL,
		     c->family == AF_INET ? "inet" : "inet6");
	end_print(p, "host", c->family, c->host_addr, c->host_port,
		  c->host_state);
	end_print(p, "net", c->family, c->net_addr, c->net_port, c->net_state);
	if (opener)
		print_string(p, PRINT_ANY, "opened_by", " opened-by %s",
			     opener);
	else
		print_null(p, PRINT_ANY, "opened_by", " opened-by unknown");
	print_fp(p, "  host:%s net:%s", tcp_state_name(c->host_state),
		 tcp_state_name(c->net_state));
	dir_print(p, "out", &c->out);
	dir_print(p, "in", &c->in);
	print_u64(p, PRINT_JSON, "age_ms", NULL, c->age_ms);
	print_fp(p, "  age %" PRIu64 ".%" PRIu64 "s\n", c->age_ms / 1000,
		 c->age_ms % 1000 / 100);
	close_object(p);
}

static int conns_cb(const struct nlmsghdr *nlh, void *arg)
{
	return conns_merge(arg, nlh);
}

static void reset_conns(void *arg)
{
	conns_free(arg);
}

/* The bridge's name, cached: connections come in runs of one bridge. */
static const char *bridge_name(uint32_t ifindex, uint32_t *cached, char *buf,
			       size_t len, const char **name)
{
	if (*cached != ifindex) {
		*cached = ifindex;
		*name = scanner_bridge_name(NULL, ifindex, buf, len);
	}
	return *name;
}

/* argv[0] is "conns"; then [dev] BRIDGE, optional. */
int show_conns(const struct sisctl *o, int argc, char **argv)
{
	struct sisctl_conns l = { 0 };
	char extack[SIS_EXTACK_MAX] = "", buf[IF_NAMESIZE];
	const char *bridge = NULL, *name = NULL;
	uint32_t ifindex = 0, cached = 0;
	struct sisctl_print p;
	struct sis_nl *nl;
	int r, ret;

	if (argc == 2 && is_help(argv[1]))
		return usage(stdout);
	if (argc == 3 && !strcmp(argv[1], "dev"))
		bridge = argv[2];
	else if (argc == 2 && strcmp(argv[1], "dev"))
		bridge = argv[1];
	else if (argc != 1)
		return usage(stderr);
	if (bridge && sisctl_ifindex(bridge, &ifindex) < 0)
		return 1;

	if (sisctl_open(&nl) < 0)
		return 1;
	r = sisctl_dump(nl, SIS_CMD_GET_CONN, ifindex, conns_cb, reset_conns, &l,
			"connections", extack, sizeof(extack));
	sis_nl_close(nl);
	if (r == -EOPNOTSUPP && !extack[0])
		snprintf(extack, sizeof(extack),
			 "this sis module does not track connections (%s)",
			 strerror(-r));
	ret = sisctl_result(r, extack);
	if (ret)
		goto out;
	print_init(&p, stdout, o->json);
	open_array(&p, NULL);
	for (size_t i = 0; i < l.n; i++)
		conn_print(&p, &l.v[i], bridge_name(l.v[i].ifindex, &cached,
						    buf, sizeof(buf), &name));
	close_array(&p);
	ret = sisctl_result(print_end(&p, sisctl_json_flags(o)), NULL);
out:
	conns_free(&l);
	return ret;
}

int cmd_conns(const struct sisctl *o, int argc, char **argv)
{
	return show_conns(o, argc, argv);
}
