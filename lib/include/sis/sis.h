/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * libsis: userspace access to the SIS generic netlink family.
 *
 * Functions return 0 (or a non-negative value) on success and a negative
 * errno on failure. Requests carry the kernel's extended ack message back
 * in a caller buffer of SIS_EXTACK_MAX bytes (empty when there is none).
 */
#ifndef SIS_SIS_H
#define SIS_SIS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/sis.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nl_msg;
struct nl_sock;
struct sis_nl;

/* Room for a kernel extended ack message, with its NUL. */
#define SIS_EXTACK_MAX	256

/*
 * Open a generic netlink socket, resolve the "sis" family and turn on
 * extended acks. -ENOENT means the family is not registered (module not
 * loaded, or not visible from this network namespace).
 */
int sis_nl_open(struct sis_nl **nlp);
void sis_nl_close(struct sis_nl *nl);

/* The underlying libnl socket and family id, for callers that need them. */
struct nl_sock *sis_nl_sock(const struct sis_nl *nl);
int sis_nl_family(const struct sis_nl *nl);

/*
 * A new request message with the generic netlink header for cmd. size is a
 * hint for the attribute payload (0: the libnl default). Free it with
 * nlmsg_free() after use; the request helpers do not take ownership.
 */
struct nl_msg *sis_nl_msg(const struct sis_nl *nl, uint8_t cmd, size_t size);

/* Called for each reply message; a negative errno is returned by the helper. */
typedef int (*sis_nl_msg_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Send msg (a "do" request, acked) and wait for the ack, calling cb (may be
 * NULL) for each reply before it. extack (may be NULL) receives the kernel's
 * message: the error on failure, a warning on success.
 */
int sis_nl_request(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
		   void *arg, char *extack, size_t extack_len);

/* Same for a dump: sets NLM_F_DUMP and calls cb for each message until done. */
int sis_nl_dump(struct sis_nl *nl, struct nl_msg *msg, sis_nl_msg_cb cb,
		void *arg, char *extack, size_t extack_len);

/*
 * Parse an NLMSG_ERROR or NLMSG_DONE message: return its error code (0 or
 * a negative errno) and copy NLMSGERR_ATTR_MSG, if any, into msg (may be
 * NULL). nlh->nlmsg_len bytes must be readable.
 */
int sis_nl_parse_ack(const struct nlmsghdr *nlh, char *msg, size_t msg_len);

/* A libnl error code (negative NLE_*) as a negative errno. */
int sis_nl_errno(int nlerr);

#ifdef __cplusplus
}
#endif

#endif /* SIS_SIS_H */
