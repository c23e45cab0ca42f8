// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libsis netlink core: socket setup, requests and dumps on top of libnl.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include <sis/sis.h>
#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct sis_nl {
	struct nl_sock *sk;
	int family;
	uint8_t version;
};

int sis_nl_errno(int nlerr)
{
	static const int map[] = {
		[NLE_SUCCESS]		= 0,
		[NLE_FAILURE]		= EIO,
		[NLE_INTR]		= EINTR,
		[NLE_BAD_SOCK]		= EBADF,
		[NLE_AGAIN]		= EAGAIN,
		[NLE_NOMEM]		= ENOMEM,
		[NLE_EXIST]		= EEXIST,
		[NLE_INVAL]		= EINVAL,
		[NLE_RANGE]		= ERANGE,
		[NLE_MSGSIZE]		= EMSGSIZE,
		[NLE_OPNOTSUPP]		= EOPNOTSUPP,
		[NLE_AF_NOSUPPORT]	= EAFNOSUPPORT,
		[NLE_OBJ_NOTFOUND]	= ENOENT,
		[NLE_NOATTR]		= ENOENT,
		[NLE_MISSING_ATTR]	= EINVAL,
		[NLE_AF_MISMATCH]	= EAFNOSUPPORT,
		[NLE_SEQ_MISMATCH]	= EPROTO,
		[NLE_MSG_OVERFLOW]	= ENOBUFS,
		[NLE_MSG_TRUNC]		= EMSGSIZE,
		[NLE_NOADDR]		= EADDRNOTAVAIL,
		[NLE_SRCRT_NOSUPPORT]	= EOPNOTSUPP,
		[NLE_MSG_TOOSHORT]	= EPROTO,
		[NLE_MSGTYPE_NOSUPPORT]	= EOPNOTSUPP,
		[NLE_OBJ_MISMATCH]	= EINVAL,
		[NLE_NOCACHE]		= ENOENT,
		[NLE_BUSY]		= EBUSY,
		[NLE_PROTO_MISMATCH]	= EPROTONOSUPPORT,
		[NLE_NOACCESS]		= EACCES,
		[NLE_PERM]		= EPERM,
		[NLE_PKTLOC_FILE]	= ENOENT,
		[NLE_PARSE_ERR]		= EINVAL,
		[NLE_NODEV]		= ENODEV,
		[NLE_IMMUTABLE]		= EPERM,
		[NLE_DUMP_INTR]		= EINTR,
		[NLE_ATTRSIZE]		= EMSGSIZE,
	};
	int e = nlerr < 0 ? -nlerr : nlerr;

	if (e == 0)
		return 0;
	if ((size_t)e >= sizeof(map) / sizeof(map[0]) || !map[e])
		return -EIO;
	return -map[e];
}

int sis_nl_parse_ack(const struct nlmsghdr *nlh, char *msg, size_t msg_len)
{
	static const struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t len = nlh->nlmsg_len, off;
	int error;

	if (msg && msg_len)
		msg[0] = '\0';

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		if (len < NLMSG_HDRLEN + sizeof(*e))
			return -EPROTO;
		error = e->error;
		off = NLMSG_HDRLEN + sizeof(*e);
		/* The request is echoed after struct nlmsgerr unless capped. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len > NLMSG_HDRLEN)
			off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump's status; older kernels may send no payload at all. */
		if (len < NLMSG_HDRLEN + sizeof(int))
			return 0;
		memcpy(&error, NLMSG_DATA(nlh), sizeof(error));
		off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	} else {
		return -EPROTO;
	}
	if (error > 0)
		error = -error;

	if (!msg || !msg_len || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    len <= off)
		return error;

	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off), (int)(len - off),
		      policy) < 0)
		return error;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(msg, tb[NLMSGERR_ATTR_MSG], msg_len);
	return error;
}

int sis_nl_open_family(struct sis_nl **nlp, const char *name, uint8_t version)
{
	static const int one = 1, sndbuf = 128 << 10;
	struct sis_nl *nl;
	int fd, r;

	*nlp = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->version = version;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		r = -ENOMEM;
		goto err;
	}
	r = genl_connect(nl->sk);
	if (r < 0) {
		r = sis_nl_errno(r);
		goto err;
	}

	/*
	 * Extended acks carry the kernel's message; capped acks do not echo
	 * the request (a prevent rule can be 32 KiB). Older kernels lack
	 * these options, which only costs the messages.
	 */
	fd = nl_socket_get_fd(nl->sk);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 &&
	    errno != ENOPROTOOPT) {
		r = -errno;
		goto err;
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0 &&
	    errno != ENOPROTOOPT) {
		r = -errno;
		goto err;
	}

	/*
	 * libnl leaves 64 KiB to send, less than the largest request (a
	 * stream injection of SIS_INJECT_STREAM_MAX bytes with its headers):
	 * ask for more, which the kernel clamps to net.core.wmem_max.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) < 0) {
		r = -errno;
		goto err;
	}

	r = genl_ctrl_resolve(nl->sk, name);
	if (r < 0) {
		r = r == -NLE_OBJ_NOTFOUND ? -ENOENT : sis_nl_errno(r);
		goto err;
	}
	nl->family = r;
	*nlp = nl;
	return 0;
err:
	sis_nl_close(nl);
	return r;
}

int sis_nl_open(struct sis_nl **nlp)
{
	return sis_nl_open_family(nlp, SIS_GENL_NAME, SIS_GENL_VERSION);
}

void sis_nl_close(struct sis_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);	/* closes the socket */
	free(nl);
}

struct nl_sock *sis_nl_sock(const struct sis_nl *nl)
{
	return nl->sk;
}

int sis_nl_family(const struct sis_nl *nl)
{
	return nl->family;
}

struct nl_msg *sis_nl_genlmsg(int family, uint8_t version, uint8_t cmd,
			      size_t size)
{
	struct nl_msg *msg;

	if (size)
		msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN +
				       NLMSG_ALIGN(size) + 256);
	else
		msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
			 cmd, version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *sis_nl_msg(const struct sis_nl *nl, uint8_t cmd, size_t size)
{
	return sis_nl_genlmsg(nl->family, nl->version, cmd, size);
}

/* State of one request while its replies are read. */
struct xfer {
	sis_nl_msg_cb cb;
	void *arg;
	char *extack;
	size_t extack_len;
	int done;	/* ack, error or end of dump seen */
	int error;	/* from the kernel */
	int cb_error;	/* first error from cb */
	int intr;	/* dump was interrupted by a change */
};

static int xfer_valid(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;
	int r;

	/* After a callback error keep reading, to leave the socket clean. */
	if (!x->cb || x->cb_error)
		return NL_OK;
	r = x->cb(nlmsg_hdr(msg), x->arg);
	if (r < 0)
		x->cb_error = r;
	return NL_OK;
}

/* NLMSG_DONE ends a dump and carries its status and extended ack. */
static int xfer_finish(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;

	x->error = sis_nl_parse_ack(nlmsg_hdr(msg), x->extack, x->extack_len);
	x->done = 1;
	return NL_STOP;
}

/* A positive ack; it may still carry a warning. */
static int xfer_ack(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;

	sis_nl_parse_ack(nlmsg_hdr(msg), x->extack, x->extack_len);
	x->done = 1;
	return NL_STOP;
}

static int xfer_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands over the payload of the NLMSG_ERROR message it read. */
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)e - 1;
	struct xfer *x = arg;

	(void)nla;
	x->error = sis_nl_parse_ack(nlh, x->extack, x->extack_len);
	if (!x->error)
		x->error = e->error < 0 ? e->error : -e->error;
	x->done = 1;
	return NL_STOP;
}

static int xfer_intr(struct nl_msg *msg, void *arg)
{
	struct xfer *x = arg;

	(void)msg;
	x->intr = 1;
	return NL_OK;
}

static int transact(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
		    void *arg, char *extack, size_t extack_len)
{
	struct xfer x = {
		.cb = cb, .arg = arg, .extack = extack, .extack_len = extack_len,
	};
	struct nl_cb *nlcb;
	int r;

	if (extack && extack_len)
		extack[0] = '\0';

	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb)
		return -ENOMEM;
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, xfer_valid, &x);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, xfer_finish, &x);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, xfer_ack, &x);
	nl_cb_set(nlcb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, xfer_intr, &x);
	nl_cb_err(nlcb, NL_CB_CUSTOM, xfer_err, &x);

	/* Adds NLM_F_REQUEST | NLM_F_ACK, our port and the next sequence. */
	r = nl_send_auto(nl->sk, msg);
	if (r < 0) {
		r = sis_nl_errno(r);
		goto out;
	}

	/*
	 * nl_recvmsgs() returns after each datagram that is not part of a
	 * multipart message, e.g. after a reply that precedes its ack: read
	 * until the ack, the error or the end of the dump.
	 */
	r = 0;
	while (!x.done) {
		r = nl_recvmsgs_report(nl->sk, nlcb);
		if (r < 0 && !x.done) {
			r = sis_nl_errno(r);
			goto out;
		}
		if (r == 0 && !x.done) {
			r = -EIO;	/* nothing to read on a blocking socket */
			goto out;
		}
	}
	if (x.error)
		r = x.error;
	else if (x.cb_error)
		r = x.cb_error;
	else if (x.intr)
		r = -EINTR;
	else
		r = 0;
out:
	nl_cb_put(nlcb);
	return r;
}

int sis_nl_request(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
		   void *arg, char *extack, size_t extack_len)
{
	return transact(nl, msg, cb, arg, extack, extack_len);
}

int sis_nl_dump(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
		void *arg, char *extack, size_t extack_len)
{
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP;
	return transact(nl, msg, cb, arg, extack, extack_len);
}
