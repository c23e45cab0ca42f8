// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* The Code-Red scanner's random-connection policy, on a simulated clock. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "policy.h"
#include "tap.h"

#define MAX_EVENTS 512

struct event {
	char kind;		/* 'p' pass, 'c' cut, 'a' alert, 'e' attack end */
	uint64_t num;
	int why;
	struct cr_alert alert;
};

static struct event ev[MAX_EVENTS];
static int nev;

static void rec_pass(void *ctx, uint64_t num, enum cr_pass_reason why)
{
	(void)ctx;
	ev[nev++] = (struct event){ .kind = 'p', .num = num, .why = why };
}

static void rec_cut(void *ctx, uint64_t num, enum cr_cut_reason why)
{
	(void)ctx;
	ev[nev++] = (struct event){ .kind = 'c', .num = num, .why = why };
}

static void rec_alert(void *ctx, const struct cr_alert *a)
{
	(void)ctx;
	ev[nev++] = (struct event){ .kind = 'a', .num = a->num, .alert = *a };
}

static void rec_end(void *ctx, uint64_t now)
{
	(void)ctx;
	ev[nev++] = (struct event){ .kind = 'e', .num = now };
}

static const struct cr_policy_ops ops = {
	.pass = rec_pass, .cut = rec_cut, .alert = rec_alert,
	.attack_end = rec_end,
};

static struct cr_syn syn(uint64_t num, uint32_t dst, uint16_t sport)
{
	struct cr_syn s = {
		.num = num, .held = true, .sport = sport, .dport = 80,
	};

	s.src.family = s.dst.family = AF_INET;
	s.src.a[0] = 10;
	s.src.a[3] = 1;
	s.dst.a[0] = 198;
	s.dst.a[1] = 18;
	s.dst.a[2] = (uint8_t)(dst >> 8);
	s.dst.a[3] = (uint8_t)dst;
	return s;
}

/* The events since *from, as a string: "p1 p2 a3 ..." */
static const char *since(int *from)
{
	static char buf[2048];
	size_t len = 0;

	buf[0] = 0;
	for (int i = *from; i < nev && len < sizeof(buf) - 32; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%c%llu",
				i > *from ? " " : "", ev[i].kind,
				(unsigned long long)ev[i].num);
	*from = nev;
	return buf;
}

/* Run the policy's timer up to t, as the scanner's loop does. */
static void run_until(struct cr_policy *p, uint64_t t)
{
	for (uint64_t d; (d = cr_policy_deadline(p)) <= t;)
		cr_policy_tick(p, d);
}

#define EXPECT(p, want, fmt, ...) do {					\
		const char *got = since(&mark);				\
		tap_streq(got, want, fmt, ##__VA_ARGS__);		\
		if (strcmp(got, want))					\
			tap_diag("got \"%s\", want \"%s\"", got, want);	\
	} while (0)

/* The scanner's loop: timers due up to t run first, then the SYN. */
static void at(struct cr_policy *p, uint64_t t, struct cr_syn s)
{
	run_until(p, t);
	cr_policy_random_syn(p, &s, t);
}

TAP_SUITE(codered_policy)
{
	struct cr_policy_conf c = CR_POLICY_DEFAULTS;
	struct cr_policy p;
	struct cr_syn s;
	int mark = 0;

	cr_policy_init(&p, &c, &ops, NULL, 1);
	/* Two random destinations in a second: allowed. */
	at(&p, 1000, syn(1, 1, 1000));
	at(&p, 1500, syn(2, 2, 1001));
	EXPECT(&p, "p1 p2", "policy: two random SYNs in a second pass");
	/* The same destination again is not a new one. */
	at(&p, 1600, syn(3, 2, 1002));
	EXPECT(&p, "p3", "policy: a destination seen already is not counted again");
	/* A third unique one within the second: attack mode. */
	at(&p, 1900, syn(4, 3, 1003));
	tap_ok(cr_policy_attacked(&p) && nev == mark + 1 &&
	       ev[mark].kind == 'a' && ev[mark].alert.random_last_minute == 3 &&
	       ev[mark].alert.port == 80 && ev[mark].num == 4 &&
	       !ev[mark].alert.again && cr_policy_held(&p) == 1,
	       "policy: a third destination within a second alerts, is held");
	since(&mark);
	/* More random SYNs: held, in order. */
	for (int i = 5; i <= 9; i++)
		at(&p, 2000 + i * 100, syn(i, i, 1000 + i));
	EXPECT(&p, "", "policy: in attack mode random SYNs are held");
	/* A retransmission replaces its held copy, keeps the place. */
	at(&p, 3000, syn(10, 3, 1003));
	EXPECT(&p, "c4", "policy: a retransmitted SYN supersedes the held copy");
	/* The last random pass was at 1600: the first turn is at 7600. */
	tap_ok(cr_policy_deadline(&p) == 7600, "policy: next turn at 7600 (%llu)",
	       (unsigned long long)cr_policy_deadline(&p));
	run_until(&p, 7599);
	EXPECT(&p, "", "policy: nothing passes before its turn");
	run_until(&p, 7600);
	EXPECT(&p, "p10", "policy: one passes six seconds after the last one");
	run_until(&p, 13599);
	EXPECT(&p, "", "policy: then nothing for six seconds");
	run_until(&p, 25600);
	EXPECT(&p, "p5 p6 p7", "policy: one every six seconds, in order");
	/* A held SYN's destination resolved: it passes at once. */
	s = syn(0, 9, 0);
	cr_policy_resolved(&p, &s.dst);
	EXPECT(&p, "p9", "policy: a held SYN whose destination resolved passes");
	/* A known SYN of a held connection supersedes it. */
	s = syn(11, 8, 1008);
	cr_policy_known_syn(&p, &s);
	EXPECT(&p, "c8", "policy: a known SYN for a held connection cuts the copy");
	tap_ok(cr_policy_held(&p) == 0, "policy: nothing held");
	cr_policy_free(&p);

	/* The end of attack mode, below the limits: held SYNs pass. */
	cr_policy_init(&p, &c, &ops, NULL, 11);
	mark = nev = 0;
	at(&p, 1000, syn(1, 1, 1));
	at(&p, 1001, syn(2, 2, 2));
	at(&p, 1002, syn(3, 3, 3));
	at(&p, 1003, syn(4, 4, 4));
	run_until(&p, 13001);
	EXPECT(&p, "p1 p2 a3 p3 p4", "policy: burst, alert, then one per six seconds");
	at(&p, 50000, syn(5, 5, 5));
	at(&p, 50500, syn(6, 6, 6));
	run_until(&p, 56000);
	EXPECT(&p, "p5 p6", "policy: a SYN passes at once when its turn is due");
	at(&p, 58000, syn(7, 7, 7));
	run_until(&p, 61001);
	EXPECT(&p, "", "policy: attack mode lasts a minute");
	run_until(&p, 61002);
	EXPECT(&p, "p7 e61002",
	       "policy: attack over after a minute below the limits, held ones pass");
	tap_ok(!cr_policy_attacked(&p) && cr_policy_deadline(&p) == UINT64_MAX,
	       "policy: not in attack mode, no timer");
	at(&p, 61003, syn(8, 8, 8));
	EXPECT(&p, "p8", "policy: random SYNs pass again");
	cr_policy_free(&p);

	/* Ten destinations a minute are allowed, the eleventh is not. */
	cr_policy_init(&p, &c, &ops, NULL, 2);
	mark = nev = 0;
	for (int i = 1; i <= 10; i++)
		at(&p, (uint64_t)i * 5000, syn(i, i, 2000 + i));
	EXPECT(&p, "p1 p2 p3 p4 p5 p6 p7 p8 p9 p10",
	       "policy: ten destinations in a minute pass");
	at(&p, 54000, syn(11, 11, 2011));
	tap_ok(nev == mark + 1 && ev[mark].kind == 'a' &&
	       ev[mark].alert.random_last_minute == 11 && cr_policy_held(&p) == 1,
	       "policy: the eleventh within a minute alerts");
	since(&mark);
	/* Still attacking when the minute ends: a new alert, still held. */
	for (int i = 12; i <= 40; i++)
		at(&p, 54000 + (uint64_t)(i - 11) * 2000, syn(i, i, 2000 + i));
	run_until(&p, 114000);
	{
		int alerts = 0, passes = 0, again = 0;

		for (int i = mark; i < nev; i++) {
			alerts += ev[i].kind == 'a';
			again += ev[i].kind == 'a' && ev[i].alert.again;
			passes += ev[i].kind == 'p';
		}
		tap_ok(alerts == 1 && again == 1 && cr_policy_attacked(&p),
		       "policy: still over the limit after a minute: one more alert");
		/* last pass at 50000; turns at 56000, 62000 ... 110000 */
		tap_eq(passes, 10, "policy: ten passed in 60 s of attack (%d)",
		       passes);
	}
	cr_policy_free(&p);

	/* Drop mode cuts; the held bound cuts; aged SYNs are cut. */
	c.drop = true;
	cr_policy_init(&p, &c, &ops, NULL, 3);
	mark = nev = 0;
	for (int i = 1; i <= 4; i++)
		at(&p, 100 + i, syn(i, i, 3000 + i));
	EXPECT(&p, "p1 p2 a3 c3 c4", "policy: drop mode cuts after alerting");
	cr_policy_free(&p);
	c.drop = false;
	c.max_held = 2;
	cr_policy_init(&p, &c, &ops, NULL, 4);
	mark = nev = 0;
	for (int i = 1; i <= 5; i++)
		at(&p, 100 + i, syn(i, i, 4000 + i));
	EXPECT(&p, "p1 p2 a3 c5", "policy: beyond max-held SYNs are cut");
	cr_policy_free(&p);
	/* Not retried for max_hold_ms: cut when their turn has not come. */
	c.max_held = 256;
	c.pass_interval_ms = 100000;
	c.attack_ms = 200000;
	cr_policy_init(&p, &c, &ops, NULL, 5);
	mark = nev = 0;
	for (int i = 1; i <= 4; i++)
		at(&p, 100 + i, syn(i, i, 5000 + i));
	at(&p, 30000, syn(5, 4, 5004));
	run_until(&p, 60103);
	EXPECT(&p, "p1 p2 a3 c4 c3", "policy: a SYN held a minute without a retry is cut");
	run_until(&p, 90000);
	EXPECT(&p, "c5", "policy: its retransmission is kept a minute from then");
	cr_policy_free(&p);

	/* Read-only SYNs: counted, alerted, never decided. */
	c = (struct cr_policy_conf)CR_POLICY_DEFAULTS;
	cr_policy_init(&p, &c, &ops, NULL, 6);
	mark = nev = 0;
	for (int i = 1; i <= 3; i++) {
		s = syn(i, i, 6000 + i);
		s.held = false;
		at(&p, 100 + i, s);
	}
	EXPECT(&p, "a0", "policy: read-only SYNs only alert");
	cr_policy_free(&p);
}
