// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl monitor --save DIR: the attachments of alerts, as files.
 *
 * An alert that announces an attachment (SIS_ALERT_A_ID and
 * SIS_ALERT_A_ATTACH_LEN) is followed by its bytes, in order, in
 * SIS_CMD_ALERT_DATA messages. Each attachment being received is written
 * as it comes to DIR/.alert-ID.eml.tmp (mode 0600: it may be a virus);
 * once whole, that file is synced and linked as DIR/alert-ID.eml
 * (alert-ID-N.eml if that name is taken: an id may come again after the
 * module was reloaded) and the temporary name removed. A file is never
 * seen under its final name incomplete. The bytes are not kept in memory.
 *
 * An attachment is discarded, its temporary file removed and a warning
 * printed on stderr, when a piece of it was missed (out of order; or the
 * socket's receive buffer overflowed, which may have dropped any piece),
 * when its scanner announces another (which abandons it), when more than
 * MONITOR_ATTACH_MAX are being received (the oldest goes), when its file
 * cannot be written, and when the monitor stops. The monitor goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "sisctl.h"

/* .alert-18446744073709551615.eml.tmp, alert-ID-4294967295.eml */
#define SAVE_NAME_MAX	64

/* A string made as printf() would: malloc()ed, or NULL. */
static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

static void tmp_name(char *buf, uint64_t id)
{
	snprintf(buf, SAVE_NAME_MAX, ".alert-%" PRIu64 ".eml.tmp", id);
}

/* Open DIR for --save: 0, or -1 with a message in err. */
int monitor_save_open(struct monitor *m, const char *dir, char *err,
		      size_t err_len)
{
	m->save_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->save_fd < 0) {
		snprintf(err, err_len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	m->save = dir;
	return 0;
}

/*
 * With --eve or --journal, a saved or discarded attachment is a record
 * too ("fileinfo"), at the time it was saved or given up.
 */
static void attach_kept(struct monitor *m, const struct monitor_attach *a,
			const char *name, const char *why)
{
	char buf[IF_NAMESIZE], *msg;
	const char *bridge;
	struct timespec now;
	uint64_t ns;

	if (!m->eve && !m->journal)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	bridge = a->ifindex ? if_indextoname(a->ifindex, buf) : NULL;
	if (name)
		msg = strf("attachment %" PRIu64 " of scanner %s saved: %s/%s",
			   a->id, a->scanner, m->save, name);
	else
		msg = strf("attachment %" PRIu64 " of scanner %s (%" PRIu64
			   " of %" PRIu64 " bytes received) not saved: %s",
			   a->id, a->scanner, a->got, a->len, why);
	monitor_keep(m, eve_fileinfo(a, bridge, m->save, name, why, ns), msg,
		     name ? LOG_INFO : LOG_WARNING);
	free(msg);
}

/* Stop receiving a, removing its temporary file; why: NULL when saved. */
static void attach_end(struct monitor *m, struct monitor_attach *a,
		       const char *why)
{
	char tmp[SAVE_NAME_MAX];

	if (a->fd >= 0)
		close(a->fd);
	if (why) {
		tmp_name(tmp, a->id);
		unlinkat(m->save_fd, tmp, 0);
		fprintf(stderr,
			"Warning: attachment %" PRIu64 " of scanner %s (%" PRIu64
			" of %" PRIu64 " bytes received) not saved: %s.\n",
			a->id, a->scanner, a->got, a->len, why);
		m->attach_discarded++;
		attach_kept(m, a, NULL, why);
	}
	memset(a, 0, sizeof(*a));
	a->fd = -1;
}

static struct monitor_attach *attach_find(struct monitor *m, uint64_t id)
{
	for (int i = 0; i < MONITOR_ATTACH_MAX; i++)
		if (m->attach[i].id && m->attach[i].id == id)
			return &m->attach[i];
	return NULL;
}

/* Attachments being received. */
unsigned int monitor_save_pending(const struct monitor *m)
{
	unsigned int n = 0;

	for (int i = 0; i < MONITOR_ATTACH_MAX; i++)
		n += m->attach[i].id != 0;
	return n;
}

/*
 * An alert announced attachment id of len bytes: its pieces follow. A
 * scanner has one attachment open at a time: the one it was sending is
 * abandoned.
 */
void monitor_save_alert(struct monitor *m, uint32_t ifindex,
			const char *scanner, uint64_t id, uint64_t len)
{
	struct monitor_attach *a = NULL, *oldest = NULL;
	char tmp[SAVE_NAME_MAX];

	if (!m->save || !id)
		return;
	for (int i = 0; i < MONITOR_ATTACH_MAX; i++) {
		struct monitor_attach *b = &m->attach[i];

		if (b->id && (b->id == id || (b->ifindex == ifindex &&
					      !strcmp(b->scanner, scanner))))
			attach_end(m, b, "its scanner announced another");
		if (!b->id) {
			if (!a)
				a = b;
		} else if (!oldest || b->seq < oldest->seq) {
			oldest = b;
		}
	}
	if (!a) {
		attach_end(m, oldest, "too many attachments at once");
		a = oldest;
	}
	a->fd = -1;
	a->id = id;
	a->len = len;
	a->ifindex = ifindex;
	a->seq = ++m->attach_seq;
	snprintf(a->scanner, sizeof(a->scanner), "%s", scanner);
	if (len > SIS_ALERT_ATTACH_MAX) {
		attach_end(m, a, "longer than SIS_ALERT_ATTACH_MAX");
		return;
	}
	tmp_name(tmp, id);
	unlinkat(m->save_fd, tmp, 0);	/* left by a monitor that died */
	a->fd = openat(m->save_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		       0600);
	if (a->fd < 0)
		attach_end(m, a, strerror(errno));
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* a is whole: synced, and linked under its final name. */
static void attach_done(struct monitor *m, struct monitor_attach *a)
{
	char tmp[SAVE_NAME_MAX], name[SAVE_NAME_MAX];
	int r = 0;

	if (fsync(a->fd) < 0) {
		attach_end(m, a, strerror(errno));
		return;
	}
	tmp_name(tmp, a->id);
	for (unsigned int n = 0; n < 1000; n++) {
		if (n)
			snprintf(name, sizeof(name), "alert-%" PRIu64 "-%u.eml",
				 a->id, n);
		else
			snprintf(name, sizeof(name), "alert-%" PRIu64 ".eml",
				 a->id);
		r = linkat(m->save_fd, tmp, m->save_fd, name, 0);
		if (!r || errno != EEXIST)
			break;
	}
	if (r < 0) {
		attach_end(m, a, strerror(errno));
		return;
	}
	unlinkat(m->save_fd, tmp, 0);
	m->attach_saved++;
	attach_kept(m, a, name, NULL);
	attach_end(m, a, NULL);
}

static const struct nla_policy piece_policy[SIS_ALERT_A_MAX + 1] = {
	[SIS_ALERT_A_ID]		= { .type = NLA_U64 },
	[SIS_ALERT_A_OFFSET]		= { .type = NLA_U64 },
	[SIS_ALERT_A_ATTACH_DATA]	= { .type = NLA_UNSPEC },
};

/* A SIS_CMD_ALERT_DATA message: a piece of an attachment, written. */
void monitor_save_piece(struct monitor *m, const struct nlmsghdr *nlh)
{
	struct nlattr *tb[SIS_A_MAX + 1], *atb[SIS_ALERT_A_MAX + 1];
	struct monitor_attach *a;
	uint64_t off;
	size_t len;
	int r;

	if (!m->save)
		return;
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, SIS_A_MAX,
			  sisctl_policy) < 0 || !tb[SIS_A_ALERT] ||
	    nla_parse_nested(atb, SIS_ALERT_A_MAX, tb[SIS_A_ALERT],
			     piece_policy) < 0 ||
	    !atb[SIS_ALERT_A_ID] || !atb[SIS_ALERT_A_OFFSET] ||
	    !atb[SIS_ALERT_A_ATTACH_DATA])
		return;
	/* Not announced while we listened, or discarded already. */
	a = attach_find(m, nla_get_u64(atb[SIS_ALERT_A_ID]));
	if (!a)
		return;
	off = nla_get_u64(atb[SIS_ALERT_A_OFFSET]);
	len = (size_t)nla_len(atb[SIS_ALERT_A_ATTACH_DATA]);
	if (off != a->got) {
		attach_end(m, a, "a piece was missed");
		return;
	}
	if (len > a->len - a->got) {
		attach_end(m, a, "a piece goes past its length");
		return;
	}
	r = write_all(a->fd, nla_data(atb[SIS_ALERT_A_ATTACH_DATA]), len);
	if (r < 0) {
		attach_end(m, a, strerror(-r));
		return;
	}
	a->got += len;
	if (a->got == a->len)
		attach_done(m, a);
}

/* Messages were lost (ENOBUFS): any piece may have been among them. */
void monitor_save_lost(struct monitor *m)
{
	for (int i = 0; i < MONITOR_ATTACH_MAX; i++)
		if (m->attach[i].id)
			attach_end(m, &m->attach[i],
				   "events were lost, the receive buffer was full");
}

/* The monitor stops: what is incomplete is discarded. */
void monitor_save_close(struct monitor *m)
{
	if (!m->save)
		return;
	for (int i = 0; i < MONITOR_ATTACH_MAX; i++)
		if (m->attach[i].id)
			attach_end(m, &m->attach[i], "the monitor stopped");
	close(m->save_fd);
	m->save = NULL;
}
