// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * A libsis scanner's requests (attach, subscribe, unsubscribe, inject,
 * alert, and an alert's attachment piece by piece): each sent with an ack, read until its answer while frames and
 * stream events that come meanwhile are queued for sis_read().
 */
#include "scanner_priv.h"

static const struct nla_policy top_policy[SIS_A_MAX + 1] = {
	[SIS_A_SCANNER] = { .type = NLA_NESTED },
	[SIS_A_SUB] = { .type = NLA_NESTED },
	[SIS_A_FRAME] = { .type = NLA_NESTED },
	[SIS_A_ALERT] = { .type = NLA_NESTED },
};

static const struct nla_policy sub_policy[SIS_SUB_A_MAX + 1] = {
	[SIS_SUB_A_ID] = { .type = NLA_U32 },
};

static const struct nla_policy alert_policy[SIS_ALERT_A_MAX + 1] = {
	[SIS_ALERT_A_ID] = { .type = NLA_U64 },
};


/* A request waiting for its answer. */
struct wait {
	uint32_t seq;
	uint32_t probe;		/* sequence of the last probe, 0 for none */
	bool done;
	bool replied;
	bool overrun;		/* the kernel dropped messages meanwhile */
	int error;
	int cb_error;
	sis_nl_msg_cb cb;
	void *arg;
	char *extack;
	size_t extack_len;
};

/*
 * The answer was dropped for want of room in the receive buffer. A reply
 * is only sent on success: with one, the ack alone was lost.
 */
static void wait_lost(struct wait *w)
{
	w->done = true;
	if (w->replied)
		return;
	w->error = -ENOBUFS;
	sis_scn_set_msg(w->extack, w->extack_len, "answer lost: receive buffer full");
}

/*
 * A message from the kernel while waiting: the request's answer, the ack
 * of a probe, or something sis_read() hands out later.
 */
static void wait_msg(struct sis_scanner *sc, struct wait *w,
		     const struct nlmsghdr *nlh)
{
	bool error = nlh->nlmsg_type == NLMSG_ERROR;
	int r;

	if (!w->done && nlh->nlmsg_seq == w->seq && error) {
		w->error = sis_nl_parse_ack(nlh, w->extack, w->extack_len);
		w->done = true;
	} else if (!w->done && nlh->nlmsg_seq == w->seq &&
		   nlh->nlmsg_type == sc->family) {
		w->replied = true;
		if (w->cb && !w->cb_error) {
			r = w->cb(nlh, w->arg);
			if (r < 0)
				w->cb_error = r;
		}
	} else if (!w->done && w->probe && nlh->nlmsg_seq == w->probe &&
		   error) {
		wait_lost(w);
	} else if (!error || sis_nl_parse_ack(nlh, NULL, 0)) {
		sis_scn_queue_msg(sc, nlh);	/* acks of earlier probes go */
	}
}

static void wait_datagram(struct sis_scanner *sc, struct wait *w)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)sc->ackrx.data;
	int left = (int)sc->ackrx.len;

	for (; nlmsg_ok(nlh, left);
	     nlh = nlmsg_next((struct nlmsghdr *)nlh, &left))
		wait_msg(sc, w, nlh);
}

/*
 * After an overrun the answer may have been dropped. The kernel answers a
 * request before sendmsg() returns, so the answer, if queued, comes before
 * the ack of a no-op sent now, and before the socket runs dry. The no-op
 * bounds the wait while frames keep coming; its ack may be dropped too.
 */
static int wait_probe(struct sis_scanner *sc, struct wait *w)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_NOOP, 0);
	int r;

	if (!msg)
		return -ENOMEM;
	r = sis_scn_send_msg(sc, nlmsg_hdr(msg), NLM_F_ACK);
	nlmsg_free(msg);
	if (!r)
		w->probe = sc->seq;
	return r;
}

static int request(struct sis_scanner *sc, struct nl_msg *msg,
		   sis_nl_msg_cb cb, void *arg, char *extack, size_t extack_len)
{
	struct wait w = {
		.cb = cb, .arg = arg, .extack = extack, .extack_len = extack_len,
	};
	int r;

	sis_scn_set_msg(extack, extack_len, "");
	r = sis_flush(sc);	/* the kernel sees calls in program order */
	if (r < 0)
		return r;
	r = sis_scn_send_msg(sc, nlmsg_hdr(msg), NLM_F_ACK);
	if (r < 0)
		return r;
	w.seq = sc->seq;

	while (!w.done) {
		r = sis_scn_rx_datagram(sc, &sc->ackrx, !w.overrun);
		if (r == RX_LOST) {
			sis_scn_queue_lost(sc);
			w.overrun = true;
			r = wait_probe(sc, &w);
		} else if (r == -EAGAIN && w.overrun) {
			wait_lost(&w);
		} else if (!r) {
			wait_datagram(sc, &w);
		}
		/* An answer is waited for whatever SO_RCVTIMEO says. */
		if (r == -EAGAIN && !w.overrun)
			continue;
		if (r < 0 && r != -EINTR && !w.done)
			return r;
	}
	return w.error ? w.error : w.cb_error;
}

static struct nl_msg *new_msg(const struct sis_scanner *sc, uint8_t cmd,
			      size_t size)
{
	return sis_nl_genlmsg(sc->family, SIS_GENL_VERSION, cmd, size);
}

/* Send msg, which is freed, unless building it failed (put < 0). */
static int request_built(struct sis_scanner *sc, struct nl_msg *msg, int put,
			 sis_nl_msg_cb cb, void *arg,
			 char *extack, size_t extack_len)
{
	int r;

	sis_scn_set_msg(extack, extack_len, "");
	if (!msg)
		return -ENOMEM;
	r = put < 0 ? -EMSGSIZE :
		request(sc, msg, cb, arg, extack, extack_len);
	nlmsg_free(msg);
	return r;
}

int sis_scn_check_name(const char *name, const char *what,
		      char *extack, size_t extack_len)
{
	char text[64];

	sis_scn_set_msg(extack, extack_len, "");
	if (name && strlen(name) < SIS_NAME_MAX)
		return 0;
	snprintf(text, sizeof(text), "%s name %s", what,
		 name ? "too long" : "missing");
	sis_scn_set_msg(extack, extack_len, text);
	return -EINVAL;
}

int sis_scanner_attach(struct sis_scanner *sc, const char *name,
		       char *extack, size_t extack_len)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	int put = -1, r;

	r = sis_scn_check_name(name, "scanner", extack, extack_len);
	if (r < 0)
		return r;
	msg = new_msg(sc, SIS_CMD_SCANNER_ATTACH, 64);
	if (msg && (nest = nla_nest_start(msg, SIS_A_SCANNER)) &&
	    !nla_put_string(msg, SIS_SCANNER_A_NAME, name))
		put = nla_nest_end(msg, nest);
	r = request_built(sc, msg, put, NULL, NULL, extack, extack_len);
	if (!r) {
		/* The kernel numbers frames from 1 again. */
		sc->detached = false;
		sc->last_num = 0;
		memset(sc->recent_held, 0, sizeof(sc->recent_held));
	}
	return r;
}

struct sub_reply {
	uint32_t id;
	bool found;
};

static int sub_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[SIS_A_MAX + 1], *sub[SIS_SUB_A_MAX + 1];
	struct sub_reply *rep = arg;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, SIS_A_MAX,
			  top_policy) < 0 || !tb[SIS_A_SUB] ||
	    nla_parse_nested(sub, SIS_SUB_A_MAX, tb[SIS_A_SUB], sub_policy) < 0 ||
	    !sub[SIS_SUB_A_ID])
		return -EPROTO;
	rep->id = nla_get_u32(sub[SIS_SUB_A_ID]);
	rep->found = true;
	return 0;
}

static int sub_put(struct nl_msg *msg, const char *cap, uint8_t rights,
		   const struct sock_filter *insns, unsigned int n,
		   const char *filter, uint32_t snaplen)
{
	struct nlattr *nest = nla_nest_start(msg, SIS_A_SUB);

	if (!nest ||
	    nla_put_string(msg, SIS_SUB_A_CAP, cap) ||
	    nla_put_u8(msg, SIS_SUB_A_RIGHTS, rights) ||
	    nla_put(msg, SIS_SUB_A_BPF, n * sizeof(*insns), insns) ||
	    (filter && filter[0] &&
	     nla_put_string(msg, SIS_SUB_A_EXPR, filter)) ||
	    (snaplen && nla_put_u32(msg, SIS_SUB_A_SNAPLEN, snaplen)))
		return -1;
	return nla_nest_end(msg, nest);
}

int sis_subscribe(struct sis_scanner *sc, const char *cap, unsigned int rights,
		  const char *filter, uint32_t snaplen, uint32_t *id,
		  char *extack, size_t extack_len)
{
	struct sub_reply rep = { 0 };
	struct sock_filter *insns;
	struct nl_msg *msg;
	unsigned int n;
	int put = -1, r;

	r = sis_scn_check_name(cap, "capability", extack, extack_len);
	if (r < 0)
		return r;
	if (rights > UINT8_MAX) {
		sis_scn_set_msg(extack, extack_len, "rights out of range");
		return -EINVAL;
	}
	r = sis_filter_compile(filter, &insns, &n, extack, extack_len);
	if (r < 0)
		return r;
	msg = new_msg(sc, SIS_CMD_SUBSCRIBE, n * sizeof(*insns) +
		      (filter ? strlen(filter) : 0) + 128);
	if (msg)
		put = sub_put(msg, cap, rights, insns, n, filter, snaplen);
	free(insns);
	r = request_built(sc, msg, put, sub_reply, &rep, extack, extack_len);
	if (!r && !rep.found)
		r = -EPROTO;
	if (!r && id)
		*id = rep.id;
	return r;
}

int sis_unsubscribe(struct sis_scanner *sc, uint32_t id,
		    char *extack, size_t extack_len)
{
	struct nl_msg *msg = new_msg(sc, SIS_CMD_UNSUBSCRIBE, 64);
	struct nlattr *nest;
	int put = -1;

	if (msg && (nest = nla_nest_start(msg, SIS_A_SUB)) &&
	    !nla_put_u32(msg, SIS_SUB_A_ID, id))
		put = nla_nest_end(msg, nest);
	return request_built(sc, msg, put, NULL, NULL, extack, extack_len);
}

int sis_inject(struct sis_scanner *sc, uint32_t id, uint8_t dir,
	       char *extack, size_t extack_len)
{
	struct nl_msg *msg = new_msg(sc, SIS_CMD_INJECT, 64);
	struct nlattr *nest;
	int put = -1;

	if (msg && (nest = nla_nest_start(msg, SIS_A_INJECT)) &&
	    !nla_put_u32(msg, SIS_INJECT_A_ID, id) &&
	    !nla_put_u8(msg, SIS_INJECT_A_DIR, dir))
		put = nla_nest_end(msg, nest);
	return request_built(sc, msg, put, NULL, NULL, extack, extack_len);
}

int sis_alert(struct sis_scanner *sc, const void *text, size_t len,
	      uint64_t frame_num, char *extack, size_t extack_len)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	int put = -1;

	sis_scn_set_msg(extack, extack_len, "");
	if ((!text && len) || len > UINT16_MAX - 64)
		return -EINVAL;
	msg = new_msg(sc, SIS_CMD_ALERT, len + 64);
	if (msg && (nest = nla_nest_start(msg, SIS_A_ALERT)) &&
	    !nla_put(msg, SIS_ALERT_A_MSG, (int)len, text) &&
	    (!frame_num ||
	     !nla_put_u64(msg, SIS_ALERT_A_FRAME_NUM, frame_num)))
		put = nla_nest_end(msg, nest);
	return request_built(sc, msg, put, NULL, NULL, extack, extack_len);
}

struct alert_reply {
	uint64_t id;
	bool found;
};

static int alert_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[SIS_A_MAX + 1], *at[SIS_ALERT_A_MAX + 1];
	struct alert_reply *rep = arg;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, SIS_A_MAX,
			  top_policy) < 0 || !tb[SIS_A_ALERT] ||
	    nla_parse_nested(at, SIS_ALERT_A_MAX, tb[SIS_A_ALERT],
			     alert_policy) < 0 || !at[SIS_ALERT_A_ID])
		return -EPROTO;
	rep->id = nla_get_u64(at[SIS_ALERT_A_ID]);
	rep->found = true;
	return 0;
}

/* Bytes [off, off + len) of attachment id, one SIS_CMD_ALERT_DATA. */
static int alert_piece(struct sis_scanner *sc, uint64_t id, uint64_t off,
		       const void *data, size_t len,
		       char *extack, size_t extack_len)
{
	struct nl_msg *msg = new_msg(sc, SIS_CMD_ALERT_DATA, len + 64);
	struct nlattr *nest;
	int put = -1;

	if (msg && (nest = nla_nest_start(msg, SIS_A_ALERT)) &&
	    !nla_put_u64(msg, SIS_ALERT_A_ID, id) &&
	    !nla_put_u64(msg, SIS_ALERT_A_OFFSET, off) &&
	    !nla_put(msg, SIS_ALERT_A_ATTACH_DATA, (int)len, data))
		put = nla_nest_end(msg, nest);
	return request_built(sc, msg, put, NULL, NULL, extack, extack_len);
}

int sis_alert_attach(struct sis_scanner *sc, const void *msg, size_t len,
		     const void *data, size_t data_len,
		     char *extack, size_t extack_len)
{
	struct alert_reply rep = { 0 };
	struct nl_msg *m;
	struct nlattr *nest;
	int put = -1, r;

	sis_scn_set_msg(extack, extack_len, "");
	if ((!msg && len) || len > UINT16_MAX - 64)
		return -EINVAL;
	if (!data || !data_len || data_len > SIS_ALERT_ATTACH_MAX) {
		sis_scn_set_msg(extack, extack_len,
				"an attachment is 1 to SIS_ALERT_ATTACH_MAX bytes");
		return -EINVAL;
	}
	m = new_msg(sc, SIS_CMD_ALERT, len + 64);
	if (m && (nest = nla_nest_start(m, SIS_A_ALERT)) &&
	    !nla_put(m, SIS_ALERT_A_MSG, (int)len, msg) &&
	    !nla_put_u64(m, SIS_ALERT_A_ATTACH_LEN, data_len))
		put = nla_nest_end(m, nest);
	r = request_built(sc, m, put, alert_reply, &rep, extack, extack_len);
	if (!r && !rep.found)
		r = -EPROTO;
	if (r < 0)
		return r;
	if (!rep.id)
		return 1;	/* sent without it, or not at all (rates) */
	for (size_t off = 0; off < data_len;) {
		size_t n = data_len - off;

		if (n > SIS_ALERT_PIECE_MAX)
			n = SIS_ALERT_PIECE_MAX;
		r = alert_piece(sc, rep.id, off, (const uint8_t *)data + off, n,
				extack, extack_len);
		if (r < 0)
			return r;
		off += n;
	}
	return 0;
}
