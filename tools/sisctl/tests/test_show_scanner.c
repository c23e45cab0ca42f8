// SPDX-License-Identifier: GPL-2.0
/* Scanners in sisctl show: merging dump messages, text and JSON output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fixtures.h"
#include "tap.h"

/* What show prints for scanner_example, after its bridge's block. */
#define IDS_TEXT \
	"scanner ids bridge br0 user root pid 4242\n" \
	"\ttimeout 250 fail open absent pass max-held 16 max-bytes 65536 inject-rate 5\n" \
	"\theld 3 bytes 180\n" \
	"\tframes 10 passed 8 cut 1 timeouts 1 overflows 0 released 2 stale 4 lost 5\n" \
	"\talerts 2 dropped 1 injects 6 limited 3 absent-dropped 9\n" \
	"\tattachments 4 dropped 2\n" \
	"\tcap web dir in rights read,contain matches 12: tcp port 80\n" \
	"\tcap dns dir any rights read matches 3: udp port 53\n" \
	"\tinject 1 dir out len 60 sent 7\n" \
	"\tinject 2 stream dir in len 1000 sent 0\n" \
	"\tsub 3 cap web rights read snaplen all matches 5: tcp dst port 80\n" \
	"\tsub 4 cap dns rights read snaplen 96 matches 0\n"
#define PROBE_TEXT \
	"scanner probe bridge br1 user 4000000 not attached\n" \
	"\ttimeout 1000 fail closed absent drop max-held 1024 max-bytes 4194304" \
	" inject-rate 100\n" \
	"\theld 0 bytes 0\n" \
	"\tframes 0 passed 0 cut 0 timeouts 0 overflows 0 released 0 stale 0 lost 0\n" \
	"\talerts 0 dropped 0 injects 0 limited 0 absent-dropped 0\n" \
	"\tattachments 0 dropped 0\n"

#define IDS_JSON \
	"{\"name\":\"ids\",\"bridge\":\"br0\",\"ifindex\":5,\"uid\":0,\"user\":\"root\"," \
	"\"pid\":4242,\"timeout_ms\":250,\"fail\":\"open\",\"absent\":\"pass\",\"max_held\":16," \
	"\"max_bytes\":65536,\"held\":3,\"held_bytes\":180," \
	"\"stats\":{\"frames\":10,\"passed\":8,\"cut\":1,\"timeouts\":1," \
	"\"overflows\":0,\"released\":2,\"stale\":4,\"lost\":5,\"alerts\":2," \
	"\"alerts_dropped\":1,\"injects\":6,\"injects_limited\":3,\"absent_dropped\":9," \
	"\"attachments\":4,\"attach_dropped\":2}," \
	"\"caps\":[{\"name\":\"web\",\"dir\":\"in\",\"rights\":\"read,contain\"," \
	"\"filter\":\"tcp port 80\",\"matches\":12,\"kind\":\"frames\"}," \
	"{\"name\":\"dns\",\"dir\":\"any\",\"rights\":\"read\"," \
	"\"filter\":\"udp port 53\",\"matches\":3,\"kind\":\"frames\"}]," \
	"\"injects\":[{\"id\":1,\"dir\":\"out\",\"len\":60,\"sent\":7,\"kind\":\"frame\"}," \
	"{\"id\":2,\"dir\":\"in\",\"len\":1000,\"sent\":0,\"kind\":\"stream\"}]," \
	"\"subs\":[{\"id\":3,\"cap\":\"web\",\"rights\":\"read\"," \
	"\"filter\":\"tcp dst port 80\",\"snaplen\":0,\"matches\":5}," \
	"{\"id\":4,\"cap\":\"dns\",\"rights\":\"read\",\"filter\":\"\"," \
	"\"snaplen\":96,\"matches\":0}],\"inject_rate\":5}"

TAP_SUITE(show_scanner_merge)
{
	struct sisctl_scanners l = { 0 };
	const struct sisctl_scanner *s;
	int r;

	r = merge_scanners(&l, scanner_example, ARRAY_SIZE(scanner_example));
	tap_ok(r == 0 && l.n == 2, "scanners: two from three messages");
	if (l.n != 2) {
		scanners_free(&l);
		return;
	}
	s = &l.v[0];
	tap_ok(!strcmp(s->name, "ids") && s->ifindex == 5 && s->uid == 0 &&
	       s->timeout_ms == 250 && s->fail == SIS_FAIL_OPEN && s->max_held == 16 &&
	       s->max_bytes == 65536 && s->inject_rate == 5 && s->attached &&
	       s->pid == 4242,
	       "scanners: declaration and process");
	tap_ok(s->held == 3 && s->held_bytes == 180 && s->st.frames == 10 &&
	       s->st.passed == 8 && s->st.cut == 1 && s->st.timeouts == 1 &&
	       s->st.overflows == 0 && s->st.released == 2 && s->st.stale == 4 &&
	       s->st.lost == 5 && s->st.alerts == 2 && s->st.alerts_dropped == 1 &&
	       s->st.injects == 6 && s->st.injects_limited == 3,
	       "scanners: held and counters");
	tap_ok(s->ncaps == 2 && !strcmp(s->caps[0].name, "web") &&
	       s->caps[0].dir == SIS_DIR_IN &&
	       s->caps[0].rights == (SIS_RIGHT_READ | SIS_RIGHT_CONTAIN) &&
	       !strcmp(s->caps[0].expr, "tcp port 80") && s->caps[0].matches == 12 &&
	       !strcmp(s->caps[1].name, "dns"),
	       "scanners: capabilities of both messages, in order");
	tap_ok(s->ninjects == 2 && s->injects[0].id == 1 &&
	       s->injects[0].dir == SIS_DIR_OUT && s->injects[0].len == 60 &&
	       s->injects[0].sent == 7 && s->injects[0].kind == SIS_INJECT_FRAME,
	       "scanners: injections");
	tap_ok(s->injects[1].id == 2 && s->injects[1].kind == SIS_INJECT_STREAM &&
	       s->injects[1].len == 1000 && s->injects[1].dir == SIS_DIR_IN,
	       "scanners: a stream injection, its kind and length");
	tap_ok(s->nsubs == 2 && s->subs[0].id == 3 && !strcmp(s->subs[0].cap, "web") &&
	       s->subs[0].rights == SIS_RIGHT_READ &&
	       !strcmp(s->subs[0].expr, "tcp dst port 80") && s->subs[0].snaplen == 0 &&
	       s->subs[0].matches == 5 && s->subs[1].snaplen == 96,
	       "scanners: subscriptions");
	s = &l.v[1];
	tap_ok(!strcmp(s->name, "probe") && s->ifindex == 8 && !s->attached &&
	       s->uid == 4000000 && !s->ncaps && !s->ninjects && !s->nsubs &&
	       s->st.frames == 0, "scanners: a bare one, no counters sent");
	scanners_free(&l);
	tap_ok(l.n == 0 && !l.v, "scanners: freed");
}

/* An injection's kind: absent from older modules' dumps, or unknown. */
TAP_SUITE(show_scanner_inject_kinds)
{
	struct sisctl_scanners l = { 0 };
	struct sisctl_print p;
	struct nl_msg *msg = nlmsg_alloc();
	char *text = NULL, *js = NULL;
	size_t len = 0;
	struct nlattr *n;
	json_t *j;
	FILE *f;

	genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, SIS_CMD_GET_SCANNER, 1);
	nla_put_u32(msg, SIS_A_IFINDEX, 5);
	n = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);
	nla_put_string(msg, SIS_SCANNER_A_NAME, "old");
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, SIS_A_INJECT | NLA_F_NESTED);
	nla_put_u32(msg, SIS_INJECT_A_ID, 1);
	nla_put_u32(msg, SIS_INJECT_A_LEN, 60);
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, SIS_A_INJECT | NLA_F_NESTED);
	nla_put_u32(msg, SIS_INJECT_A_ID, 2);
	nla_put_u8(msg, SIS_INJECT_A_KIND, 7);
	nla_put_u32(msg, SIS_INJECT_A_LEN, 9);
	nla_nest_end(msg, n);
	tap_ok(!scanners_merge(&l, nlmsg_hdr(msg)) && l.n == 1 &&
	       l.v[0].ninjects == 2 && l.v[0].injects[0].kind == SIS_INJECT_FRAME &&
	       l.v[0].injects[1].kind == 7,
	       "injections: no kind is a frame, an unknown one is kept");
	nlmsg_free(msg);
	if (l.n != 1) {
		scanners_free(&l);
		return;
	}

	f = open_memstream(&text, &len);
	print_init(&p, f, false);
	scanner_print(&p, &l.v[0], "br0");
	fclose(f);
	tap_ok(text && strstr(text, "\tinject 1 dir any len 60 sent 0\n"
				    "\tinject 2 kind 7 dir any len 9 sent 0\n"),
	       "text: a frame's kind is not said, an unknown one is");
	if (text && !strstr(text, "inject 2 kind 7"))
		tap_diag("%s", text);
	free(text);

	print_init(&p, NULL, true);
	scanner_print(&p, &l.v[0], "br0");
	j = print_json_take(&p);
	js = j ? json_dumps(json_object_get(j, "injects"), JSON_COMPACT) : NULL;
	tap_ok(js && !strcmp(js,
		"[{\"id\":1,\"dir\":\"any\",\"len\":60,\"sent\":0,\"kind\":\"frame\"},"
		"{\"id\":2,\"dir\":\"any\",\"len\":9,\"sent\":0,\"kind\":\"unknown\"}]"),
	       "json: every injection has its kind, last");
	free(js);
	json_decref(j);
	scanners_free(&l);
}

TAP_SUITE(show_scanner_malformed)
{
	enum { NO_IFINDEX, NO_SCANNER, NO_NAME, CAP_NO_NAME, INJECT_NO_ID, SUB_NO_ID,
	       SHORT_COUNTER };
	static const struct {
		const char *name;
		int shape;
	} cases[] = {
		{ "no SIS_A_IFINDEX", NO_IFINDEX },
		{ "no SIS_A_SCANNER", NO_SCANNER },
		{ "scanner without name", NO_NAME },
		{ "capability without name", CAP_NO_NAME },
		{ "injection without id", INJECT_NO_ID },
		{ "subscription without id", SUB_NO_ID },
		{ "u32 counter", SHORT_COUNTER },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sisctl_scanners l = { 0 };
		struct nl_msg *msg = nlmsg_alloc();
		int shape = cases[i].shape;
		struct nlattr *n;

		genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, SIS_CMD_GET_SCANNER, 1);
		if (shape != NO_IFINDEX)
			nla_put_u32(msg, SIS_A_IFINDEX, 5);
		if (shape != NO_SCANNER) {
			n = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);
			if (shape != NO_NAME)
				nla_put_string(msg, SIS_SCANNER_A_NAME, "ids");
			if (shape == SHORT_COUNTER)
				nla_put_u32(msg, SIS_SCANNER_A_FRAMES, 1);
			nla_nest_end(msg, n);
		}
		if (shape == CAP_NO_NAME) {
			n = nla_nest_start(msg, SIS_A_CAP | NLA_F_NESTED);
			nla_put_u8(msg, SIS_CAP_A_RIGHTS, SIS_RIGHT_READ);
			nla_nest_end(msg, n);
		}
		if (shape == INJECT_NO_ID) {
			n = nla_nest_start(msg, SIS_A_INJECT | NLA_F_NESTED);
			nla_put_u32(msg, SIS_INJECT_A_LEN, 60);
			nla_nest_end(msg, n);
		}
		if (shape == SUB_NO_ID) {
			n = nla_nest_start(msg, SIS_A_SUB | NLA_F_NESTED);
			nla_put_string(msg, SIS_SUB_A_CAP, "web");
			nla_nest_end(msg, n);
		}
		tap_ok(scanners_merge(&l, nlmsg_hdr(msg)) == -EPROTO,
		       "scanners refuse: %s", cases[i].name);
		scanners_free(&l);
		nlmsg_free(msg);
	}
}

TAP_SUITE(show_scanner_text)
{
	struct sisctl_bridges bl = { 0 };
	struct sisctl_scanners sl = { 0 };
	char *s;

	merge_all(&bl, example, ARRAY_SIZE(example));
	merge_scanners(&sl, scanner_example, ARRAY_SIZE(scanner_example));
	s = show_text_of(&bl, &sl);
	tap_ok(s && !strcmp(s,
		"bridge br0 host veth-h net veth-n\n"
		"\tin   frames 10 bytes 980 dropped 0\n"
		"\tout  frames 10 bytes 980 dropped 2\n"
		"\tprevent 1 dir out matches 2 bytes 84: udp dst port 9999\n"
		"\tprevent 3 dir in matches 0 bytes 0: arp\n"
		"\tprevent 4 dir any matches 7 bytes 420: tcp port 23\n"
		"\tprevent 9 dir in matches 1 bytes 98: icmp\n"
		IDS_TEXT
		"bridge br1 host eth1 net eth2\n"
		"\tin   frames 0 bytes 0 dropped 0\n"
		"\tout  frames 0 bytes 0 dropped 0\n"
		PROBE_TEXT),
	       "text: each bridge, then its scanners");
	if (s && !strstr(s, IDS_TEXT))
		tap_diag("%s", s);
	free(s);

	s = show_text_of(NULL, &sl);
	tap_ok(s && !s[0], "text: scanners of no listed bridge are not shown");
	free(s);
	show_free(&bl);

	/* One bridge shown (show BRIDGE): only its scanners. */
	merge_all(&bl, example, 3);
	s = show_text_of(&bl, &sl);
	tap_ok(s && strstr(s, IDS_TEXT) && !strstr(s, "probe"),
	       "text: only the scanners of the bridges shown");
	free(s);
	show_free(&bl);

	{
		struct sisctl_print p;
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		print_init(&p, f, false);
		scanner_print(&p, &sl.v[1], NULL);
		fclose(f);
		tap_ok(buf && !strncmp(buf, "scanner probe bridge if8 user 4000000 not attached\n",
				       51), "text: unknown bridge name");
		free(buf);
	}
	scanners_free(&sl);

	/* Control characters in filter texts stay on their line. */
	{
		struct scanner_spec odd = scanner_example[2];

		odd.caps[0] = (struct cap_spec){ "c", SIS_DIR_OUT, SIS_RIGHT_READ,
						 "udp\nport\t53", 0 };
		odd.ncaps = 1;
		merge_scanners(&sl, &odd, 1);
		s = NULL;
		{
			struct sisctl_print p;
			size_t len = 0;
			FILE *f = open_memstream(&s, &len);

			print_init(&p, f, false);
			scanner_print(&p, &sl.v[0], "br1");
			fclose(f);
		}
		tap_ok(s && strstr(s, "\tcap c dir out rights read matches 0: udp port 53\n"),
		       "text: one line per capability");
		free(s);
		scanners_free(&sl);
	}
}

static bool jint_is(json_t *o, const char *key, json_int_t v)
{
	json_t *j = json_object_get(o, key);

	return json_is_integer(j) && json_integer_value(j) == v;
}

TAP_SUITE(show_scanner_json)
{
	struct sisctl_bridges bl = { 0 };
	struct sisctl_scanners sl = { 0 };
	struct sisctl_print p;
	json_t *j, *b, *a;
	char *s;

	merge_scanners(&sl, scanner_example, ARRAY_SIZE(scanner_example));
	print_init(&p, NULL, true);
	scanner_print(&p, &sl.v[0], "br0");
	j = print_json_take(&p);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	tap_ok(s && !strcmp(s, IDS_JSON), "json: a scanner, key order included");
	if (s && strcmp(s, IDS_JSON))
		tap_diag("%s", s);
	free(s);
	json_decref(j);

	print_init(&p, NULL, true);
	scanner_print(&p, &sl.v[1], NULL);
	j = print_json_take(&p);
	tap_ok(j && json_is_null(json_object_get(j, "bridge")) &&
	       jint_is(j, "ifindex", 8) && json_is_null(json_object_get(j, "pid")) &&
	       json_is_null(json_object_get(j, "user")) && jint_is(j, "uid", 4000000) &&
	       json_array_size(json_object_get(j, "caps")) == 0 &&
	       json_array_size(json_object_get(j, "injects")) == 0 &&
	       json_array_size(json_object_get(j, "subs")) == 0 &&
	       jint_is(json_object_get(j, "stats"), "alerts_dropped", 0),
	       "json: not attached, unknown user and bridge are null");
	json_decref(j);

	/* In show: each bridge gets "scanners" after the keys it had. */
	merge_all(&bl, example, ARRAY_SIZE(example));
	j = show_json_of(&bl, &sl);
	b = json_array_get(j, 0);
	a = json_object_get(b, "scanners");
	s = a ? json_dumps(json_array_get(a, 0), JSON_COMPACT) : NULL;
	tap_ok(json_array_size(j) == 2 && json_array_size(a) == 1 && s &&
	       !strcmp(s, IDS_JSON), "json: br0 has ids");
	free(s);
	{
		const char *keys[9];
		size_t n = 0;
		const char *key;
		json_t *v;

		json_object_foreach(b, key, v) {
			if (n < 9)
				keys[n] = key;
			n++;
		}
		tap_ok(n == 8 && !strcmp(keys[5], "prevent") &&
		       !strcmp(keys[6], "scanners") && !strcmp(keys[7], "state"),
		       "json: \"scanners\" after the older keys, \"state\" after it");
	}
	b = json_array_get(j, 1);
	a = json_object_get(b, "scanners");
	tap_ok(json_array_size(a) == 1 &&
	       !strcmp(json_string_value(json_object_get(json_array_get(a, 0), "name")),
		       "probe") &&
	       !strcmp(json_string_value(json_object_get(json_array_get(a, 0), "bridge")),
		       "br1"), "json: br1 has probe, named from the bridge dump");
	json_decref(j);
	scanners_free(&sl);

	j = show_json_of(&bl, NULL);
	s = j ? json_dumps(json_object_get(json_array_get(j, 1), "scanners"), 0) : NULL;
	tap_ok(s && !strcmp(s, "[]"), "json: no scanners is []");
	free(s);
	json_decref(j);
	show_free(&bl);
}
