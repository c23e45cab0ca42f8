// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * A libsis scanner's events (include/sis/scanner.h): the kernel's frame
 * and stream messages parsed into struct sis_event, every attribute
 * checked (sis_scanner_parse()).
 */
#include "scanner_priv.h"

int sis_scn_malformed(char *err, size_t err_len, const char *what)
{
	sis_scn_set_msg(err, err_len, what);
	return -EPROTO;
}

static int parse_frame(struct nlattr *nest, struct sis_event *ev,
		       char *err, size_t err_len)
{
	static const uint8_t empty[1];
	struct nlattr *tb[SIS_FRAME_A_MAX + 1];
	struct sis_frame *f = &ev->frame;

	/*
	 * Every frame comes through here: the sizes are checked below, once,
	 * rather than by a policy walk per attribute.
	 */
	if (nla_parse_nested(tb, SIS_FRAME_A_MAX, nest, NULL) < 0)
		return sis_scn_malformed(err, err_len, "frame: malformed attributes");
	if (!tb[SIS_FRAME_A_NUM] || !tb[SIS_FRAME_A_SUB] ||
	    !tb[SIS_FRAME_A_DIR] || !tb[SIS_FRAME_A_LEN])
		return sis_scn_malformed(err, err_len,
				 "frame: number, subscription, direction or length missing");
	if (nla_len(tb[SIS_FRAME_A_NUM]) < (int)sizeof(uint64_t) ||
	    nla_len(tb[SIS_FRAME_A_SUB]) < (int)sizeof(uint32_t) ||
	    nla_len(tb[SIS_FRAME_A_DIR]) < (int)sizeof(uint8_t) ||
	    nla_len(tb[SIS_FRAME_A_LEN]) < (int)sizeof(uint32_t))
		return sis_scn_malformed(err, err_len, "frame: attribute too short");

	memset(ev, 0, sizeof(*ev));
	ev->type = SIS_EVENT_FRAME;
	f->num = nla_get_u64(tb[SIS_FRAME_A_NUM]);
	f->sub = nla_get_u32(tb[SIS_FRAME_A_SUB]);
	f->dir = nla_get_u8(tb[SIS_FRAME_A_DIR]);
	f->len = nla_get_u32(tb[SIS_FRAME_A_LEN]);
	f->held = tb[SIS_FRAME_A_HELD];
	f->data = empty;
	if (tb[SIS_FRAME_A_DATA]) {
		f->data = nla_data(tb[SIS_FRAME_A_DATA]);
		f->caplen = nla_len(tb[SIS_FRAME_A_DATA]);
	}
	if (!f->num || (f->dir != SIS_DIR_IN && f->dir != SIS_DIR_OUT) ||
	    f->caplen > f->len)
		return sis_scn_malformed(err, err_len,
				 "frame: invalid number, direction or data length");
	return 1;
}

/*
 * Stream events: the policy checks the attributes' lengths (at least
 * their type's, at most maxlen), the functions below the rest.
 */
static const struct nla_policy stream_policy[SIS_STREAM_A_MAX + 1] = {
	[SIS_STREAM_A_CONN] = { .type = NLA_U64 },
	[SIS_STREAM_A_SUB] = { .type = NLA_U32 },
	[SIS_STREAM_A_EVENT] = { .type = NLA_U8 },
	[SIS_STREAM_A_DIR] = { .type = NLA_U8 },
	[SIS_STREAM_A_OFFSET] = { .type = NLA_U64 },
	[SIS_STREAM_A_DATA] = { .type = NLA_UNSPEC,
				.maxlen = SIS_FRAME_DATA_MAX },
	[SIS_STREAM_A_HELD] = { .type = NLA_FLAG },
	[SIS_STREAM_A_REASON] = { .type = NLA_U8 },
	[SIS_STREAM_A_FAMILY] = { .type = NLA_U8 },
	[SIS_STREAM_A_HOST_ADDR] = { .type = NLA_UNSPEC,
				     .minlen = 4, .maxlen = 16 },
	[SIS_STREAM_A_HOST_PORT] = { .type = NLA_U16 },
	[SIS_STREAM_A_NET_ADDR] = { .type = NLA_UNSPEC,
				    .minlen = 4, .maxlen = 16 },
	[SIS_STREAM_A_NET_PORT] = { .type = NLA_U16 },
	[SIS_STREAM_A_INITIATOR] = { .type = NLA_U8 },
};

static bool one_dir(uint8_t dir)
{
	return dir == SIS_DIR_IN || dir == SIS_DIR_OUT;
}

static int parse_open(struct nlattr **tb, struct sis_event *ev,
		      char *err, size_t err_len)
{
	struct sis_conn *c = &ev->conn;
	int alen;

	if (!tb[SIS_STREAM_A_FAMILY] || !tb[SIS_STREAM_A_HOST_ADDR] ||
	    !tb[SIS_STREAM_A_NET_ADDR] || !tb[SIS_STREAM_A_HOST_PORT] ||
	    !tb[SIS_STREAM_A_NET_PORT] || !tb[SIS_STREAM_A_INITIATOR] ||
	    !tb[SIS_STREAM_A_DIR])
		return sis_scn_malformed(err, err_len,
				 "stream open: family, address, port, initiator or directions missing");
	switch (nla_get_u8(tb[SIS_STREAM_A_FAMILY])) {
	case AF_INET:
		alen = 4;
		break;
	case AF_INET6:
		alen = 16;
		break;
	default:
		return sis_scn_malformed(err, err_len,
				 "stream open: unknown address family");
	}
	if (nla_len(tb[SIS_STREAM_A_HOST_ADDR]) != alen ||
	    nla_len(tb[SIS_STREAM_A_NET_ADDR]) != alen)
		return sis_scn_malformed(err, err_len,
				 "stream open: address length is not the family's");
	ev->type = SIS_EVENT_CONN_OPEN;
	c->family = nla_get_u8(tb[SIS_STREAM_A_FAMILY]);
	memcpy(c->host_addr, nla_data(tb[SIS_STREAM_A_HOST_ADDR]), alen);
	memcpy(c->net_addr, nla_data(tb[SIS_STREAM_A_NET_ADDR]), alen);
	c->host_port = nla_get_u16(tb[SIS_STREAM_A_HOST_PORT]);
	c->net_port = nla_get_u16(tb[SIS_STREAM_A_NET_PORT]);
	c->initiator = nla_get_u8(tb[SIS_STREAM_A_INITIATOR]);
	c->dirs = nla_get_u8(tb[SIS_STREAM_A_DIR]);
	if (!one_dir(c->initiator) || !c->dirs || (c->dirs & ~SIS_DIR_ANY))
		return sis_scn_malformed(err, err_len,
				 "stream open: invalid initiator or directions");
	return 1;
}

static int parse_data(struct nlattr **tb, struct sis_event *ev,
		      char *err, size_t err_len)
{
	struct sis_stream_data *d = &ev->data;

	if (!tb[SIS_STREAM_A_DIR] || !tb[SIS_STREAM_A_OFFSET] ||
	    !tb[SIS_STREAM_A_DATA])
		return sis_scn_malformed(err, err_len,
				 "stream data: direction, offset or data missing");
	ev->type = SIS_EVENT_STREAM_DATA;
	d->dir = nla_get_u8(tb[SIS_STREAM_A_DIR]);
	d->held = tb[SIS_STREAM_A_HELD];
	d->offset = nla_get_u64(tb[SIS_STREAM_A_OFFSET]);
	d->len = nla_len(tb[SIS_STREAM_A_DATA]);
	d->data = nla_data(tb[SIS_STREAM_A_DATA]);
	if (!one_dir(d->dir) || d->offset + d->len < d->offset)
		return sis_scn_malformed(err, err_len,
				 "stream data: invalid direction or offset");
	return 1;
}

static int parse_end(struct nlattr **tb, struct sis_event *ev,
		     char *err, size_t err_len)
{
	struct sis_conn_end *e = &ev->end;

	if (!tb[SIS_STREAM_A_DIR] || !tb[SIS_STREAM_A_REASON])
		return sis_scn_malformed(err, err_len,
				 "stream end: direction or reason missing");
	ev->type = SIS_EVENT_CONN_END;
	e->dir = nla_get_u8(tb[SIS_STREAM_A_DIR]);
	e->reason = nla_get_u8(tb[SIS_STREAM_A_REASON]);
	if (!one_dir(e->dir) && e->dir != SIS_DIR_ANY)
		return sis_scn_malformed(err, err_len, "stream end: invalid direction");
	return 1;
}

static int parse_stream(struct nlattr *nest, struct sis_event *ev,
			char *err, size_t err_len)
{
	struct nlattr *tb[SIS_STREAM_A_MAX + 1];
	uint64_t conn;
	uint32_t sub;

	if (nla_parse_nested(tb, SIS_STREAM_A_MAX, nest, stream_policy) < 0)
		return sis_scn_malformed(err, err_len, "stream: malformed attributes");
	if (!tb[SIS_STREAM_A_CONN] || !tb[SIS_STREAM_A_SUB] ||
	    !tb[SIS_STREAM_A_EVENT])
		return sis_scn_malformed(err, err_len,
				 "stream: connection, subscription or event missing");
	conn = nla_get_u64(tb[SIS_STREAM_A_CONN]);
	sub = nla_get_u32(tb[SIS_STREAM_A_SUB]);
	memset(ev, 0, sizeof(*ev));
	switch (nla_get_u8(tb[SIS_STREAM_A_EVENT])) {
	case SIS_STREAM_EV_OPEN:
		ev->conn.id = conn;
		ev->conn.sub = sub;
		return parse_open(tb, ev, err, err_len);
	case SIS_STREAM_EV_DATA:
		ev->data.conn = conn;
		ev->data.sub = sub;
		return parse_data(tb, ev, err, err_len);
	case SIS_STREAM_EV_END:
		ev->end.conn = conn;
		ev->end.sub = sub;
		return parse_end(tb, ev, err, err_len);
	}
	return sis_scn_malformed(err, err_len, "stream: unknown event");
}

int sis_scanner_parse(const struct nlmsghdr *nlh, int family,
		      struct sis_event *ev, char *err, size_t err_len)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *frame, *stream;

	if (nlh->nlmsg_type != family)
		return 0;
	if (!genlmsg_valid_hdr(h, 0))
		return sis_scn_malformed(err, err_len, "message too short");
	switch (genlmsg_hdr(h)->cmd) {
	case SIS_CMD_FRAME:
		break;
	case SIS_CMD_STREAM:
		stream = nla_find(genlmsg_attrdata(genlmsg_hdr(h), 0),
				  genlmsg_attrlen(genlmsg_hdr(h), 0),
				  SIS_A_STREAM);
		if (!stream)
			return sis_scn_malformed(err, err_len,
					 "stream: SIS_A_STREAM missing");
		return parse_stream(stream, ev, err, err_len);
	case SIS_CMD_DETACHED:
		memset(ev, 0, sizeof(*ev));
		ev->type = SIS_EVENT_DETACHED;
		return 1;
	default:
		return 0;
	}
	/* The one attribute of a frame message: found, not parsed. */
	frame = nla_find(genlmsg_attrdata(genlmsg_hdr(h), 0),
			 genlmsg_attrlen(genlmsg_hdr(h), 0), SIS_A_FRAME);
	if (!frame)
		return sis_scn_malformed(err, err_len, "frame: SIS_A_FRAME missing");
	return parse_frame(frame, ev, err, err_len);
}
