// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * A libsis scanner's verdicts and stream passes: queued, and sent in
 * batches without acks, one request per wake-up (sis_flush()); verdicts
 * on frames never held are refused here, as the kernel would.
 */
#include "scanner_priv.h"

int sis_scn_send_msg(struct sis_scanner *sc, struct nlmsghdr *nlh, int flags)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | flags;
	if (++sc->seq == 0)	/* the kernel's own messages carry 0 */
		sc->seq = 1;
	nlh->nlmsg_seq = sc->seq;
	nlh->nlmsg_pid = sc->port;
	return sc->io->send(sc->ctx, nlh);
}

/* Send one batch of verdicts or passes, with the request built once. */
static int send_batch(struct sis_scanner *sc, uint8_t cmd, int attr,
		      const void *items, size_t size)
{
	struct nlmsghdr *nlh;

	if (!sc->vmsg) {
		sc->vmsg = sis_nl_genlmsg(sc->family, SIS_GENL_VERSION, cmd,
					  BATCH_MAX_BYTES);
		if (!sc->vmsg)
			return -ENOMEM;
		sc->vbase = nlmsg_hdr(sc->vmsg)->nlmsg_len;
	}
	/* Back to the bare header: libnl appends at nlmsg_len. */
	nlh = nlmsg_hdr(sc->vmsg);
	nlh->nlmsg_len = sc->vbase;
	nlh->nlmsg_flags = 0;
	genlmsg_hdr(nlh)->cmd = cmd;
	if (nla_put(sc->vmsg, attr, size, items) < 0)
		return -EMSGSIZE;
	return sis_scn_send_msg(sc, nlh, 0);
}

int sis_flush(struct sis_scanner *sc)
{
	int r = 0;

	if (sc->nverdicts) {
		r = send_batch(sc, SIS_CMD_VERDICT, SIS_A_VERDICTS,
			       sc->verdicts,
			       sc->nverdicts * sizeof(sc->verdicts[0]));
		if (!r)
			sc->nverdicts = 0;
	} else if (sc->npasses) {
		r = send_batch(sc, SIS_CMD_STREAM_PASS, SIS_A_PASSES,
			       sc->passes,
			       sc->npasses * sizeof(sc->passes[0]));
		if (!r)
			sc->npasses = 0;
	}
	return r;
}

/* Remember a frame handed out, for verdict(). */
void sis_scn_frame_seen(struct sis_scanner *sc, const struct sis_frame *f)
{
	uint64_t bit = 1ULL << (f->num % WORD_BITS);
	uint64_t *word = &sc->recent_held[f->num % RECENT_FRAMES / WORD_BITS];

	if (f->num > sc->last_num)
		sc->last_num = f->num;
	if (f->held)
		*word |= bit;
	else
		*word &= ~bit;
}

static bool frame_read_only(const struct sis_scanner *sc, uint64_t num)
{
	uint64_t word = sc->recent_held[num % RECENT_FRAMES / WORD_BITS];

	return num + RECENT_FRAMES > sc->last_num &&
	       !(word & (1ULL << (num % WORD_BITS)));
}

static int verdict(struct sis_scanner *sc, uint64_t num, uint32_t code)
{
	int r;

	if (!num || num > sc->last_num)
		return -EINVAL;
	if (frame_read_only(sc, num))
		return -EPERM;
	/* Passes queued before, or a full queue whose send failed. */
	if (sc->npasses || sc->nverdicts == SIS_VERDICTS_MAX) {
		r = sis_flush(sc);
		if (r < 0)
			return r;
	}
	sc->verdicts[sc->nverdicts++] = (struct sis_verdict){
		.frame = num, .verdict = code,
	};
	/* A failure leaves the batch for the next call that sends. */
	if (sc->nverdicts == SIS_VERDICTS_MAX)
		sis_flush(sc);
	return 0;
}

int sis_pass(struct sis_scanner *sc, uint64_t num)
{
	return verdict(sc, num, SIS_VERDICT_PASS);
}

int sis_cut(struct sis_scanner *sc, uint64_t num)
{
	return verdict(sc, num, SIS_VERDICT_CUT);
}

/* Queue one stream decision, checked by the caller. */
static int decide(struct sis_scanner *sc, const struct sis_stream_pass *d)
{
	int r;

	if (d->dir != SIS_DIR_IN && d->dir != SIS_DIR_OUT)
		return -EINVAL;
	/* Verdicts queued before, or a full queue whose send failed. */
	if (sc->nverdicts || sc->npasses == SIS_PASSES_MAX) {
		r = sis_flush(sc);
		if (r < 0)
			return r;
	}
	sc->passes[sc->npasses++] = *d;
	/* A failure leaves the batch for the next call that sends. */
	if (sc->npasses == SIS_PASSES_MAX)
		sis_flush(sc);
	return 0;
}

int sis_stream_pass(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		    uint64_t offset, uint64_t len)
{
	if (len != SIS_PASS_ALL && offset + len < offset)
		return -EINVAL;
	if (!len)
		return (dir != SIS_DIR_IN && dir != SIS_DIR_OUT) ? -EINVAL : 0;
	return decide(sc, &(struct sis_stream_pass){
		.conn = conn, .offset = offset, .len = len, .dir = dir,
		.op = SIS_STREAM_OP_PASS,
	});
}

int sis_stream_cut(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		   uint64_t offset, uint64_t len)
{
	if (len == SIS_PASS_ALL || offset + len < offset)
		return -EINVAL;
	if (!len)
		return (dir != SIS_DIR_IN && dir != SIS_DIR_OUT) ? -EINVAL : 0;
	return decide(sc, &(struct sis_stream_pass){
		.conn = conn, .offset = offset, .len = len, .dir = dir,
		.op = SIS_STREAM_OP_CUT,
	});
}

int sis_stream_inject(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		      uint64_t offset, uint32_t id)
{
	return decide(sc, &(struct sis_stream_pass){
		.conn = conn, .offset = offset, .dir = dir,
		.op = SIS_STREAM_OP_INJECT, .inject = id,
	});
}

int sis_stream_more(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		    uint64_t offset, uint64_t len)
{
	if (!len || len == SIS_PASS_ALL || offset + len < offset)
		return -EINVAL;
	return decide(sc, &(struct sis_stream_pass){
		.conn = conn, .offset = offset, .len = len, .dir = dir,
		.op = SIS_STREAM_OP_MORE,
	});
}

int sis_stream_kill(struct sis_scanner *sc, uint64_t conn, uint8_t dir)
{
	return decide(sc, &(struct sis_stream_pass){
		.conn = conn, .dir = dir, .op = SIS_STREAM_OP_KILL,
	});
}

unsigned int sis_scanner_queued(const struct sis_scanner *sc)
{
	return sc->nverdicts + sc->npasses;
}
