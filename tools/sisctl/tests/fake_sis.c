// SPDX-License-Identifier: GPL-2.0
/* A scripted stand-in for the kernel behind libsis (see fixtures.h). */
#include <errno.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include "fixtures.h"

struct fake fake;

static char fake_handle;

int __real_sis_nl_open(struct sis_nl **nlp);
void __real_sis_nl_close(struct sis_nl *nl);
struct nl_msg *__real_sis_nl_msg(const struct sis_nl *nl, uint8_t cmd, size_t size);
int __real_sis_nl_request(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
			  void *arg, char *extack, size_t extack_len);
int __real_sis_nl_dump(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
		       void *arg, char *extack, size_t extack_len);

void fake_reset(void)
{
	for (int i = 0; i < FAKE_MAX; i++) {
		for (int j = 0; j < fake.calls[i].nreplies; j++)
			nlmsg_free(fake.calls[i].replies[j]);
		nlmsg_free(fake.sent[i]);
	}
	memset(&fake, 0, sizeof(fake));
}

void fake_start(void)
{
	fake_reset();
	fake.on = true;
}

int __wrap_sis_nl_open(struct sis_nl **nlp)
{
	if (!fake.on)
		return __real_sis_nl_open(nlp);
	*nlp = NULL;
	if (fake.open_error)
		return fake.open_error;
	fake.opened++;
	*nlp = (struct sis_nl *)&fake_handle;
	return 0;
}

void __wrap_sis_nl_close(struct sis_nl *nl)
{
	if ((void *)nl != &fake_handle) {
		__real_sis_nl_close(nl);
		return;
	}
	fake.closed++;
}

struct nl_msg *__wrap_sis_nl_msg(const struct sis_nl *nl, uint8_t cmd, size_t size)
{
	struct nl_msg *msg;

	if ((void *)nl != &fake_handle)
		return __real_sis_nl_msg(nl, cmd, size);
	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + size + 4096);
	if (msg)
		genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, FAKE_FAMILY, 0, 0,
			    cmd, SIS_GENL_VERSION);
	return msg;
}

static int serve(struct nl_msg *msg, sis_nl_msg_cb cb, void *arg,
		 char *extack, size_t extack_len)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const struct fake_call *c;
	int r = 0;

	if (extack && extack_len)
		extack[0] = '\0';
	if (fake.next >= FAKE_MAX || fake.next >= fake.ncalls)
		return -ENOSYS;
	fake.sent[fake.next] = nlmsg_convert(h);
	c = &fake.calls[fake.next++];
	for (int i = 0; i < c->nreplies && !r; i++)
		if (cb)
			r = cb(nlmsg_hdr(c->replies[i]), arg);
	if (c->extack && extack)
		snprintf(extack, extack_len, "%s", c->extack);
	return c->error ? c->error : r;
}

int __wrap_sis_nl_request(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
			  void *arg, char *extack, size_t extack_len)
{
	if ((void *)nl != &fake_handle)
		return __real_sis_nl_request(nl, msg, cb, arg, extack, extack_len);
	return serve(msg, cb, arg, extack, extack_len);
}

int __wrap_sis_nl_dump(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
		       void *arg, char *extack, size_t extack_len)
{
	if ((void *)nl != &fake_handle)
		return __real_sis_nl_dump(nl, msg, cb, arg, extack, extack_len);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP;
	return serve(msg, cb, arg, extack, extack_len);
}
