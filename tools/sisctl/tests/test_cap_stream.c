// SPDX-License-Identifier: GPL-2.0
/* Stream capabilities: cap add arguments, the request, show's output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fixtures.h"
#include "tap.h"

#define ARGS(...) ((const char *[]){ __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define RUN(r, o, ...) run_cmd(r, o, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))

static const struct sisctl text_mode, json_mode = { .json = true };

static const char *ports_text(const struct port_list *l, char *buf, size_t len)
{
	format_port_list(buf, len, l);
	return buf;
}

TAP_SUITE(cap_stream_args)
{
	static const struct {
		const char *name;
		int argc;
		const char *argv[16];
		bool stream;
		const char *host, *net, *expr;	/* expr NULL: no filter */
		uint8_t dir, rights;
	} good[] = {
		{ "stream, any port", 5, { "ids", "smtp", "stream", "rights", "read" },
		  true, "*", "*", NULL, SIS_DIR_ANY, SIS_RIGHT_READ },
		{ "everything", 14, { "ids", "smtp", "stream", "host-port", "*", "net-port",
		  "25,110,8000-8080", "dir", "out", "rights", "read,contain", "filter", "tcp",
		  "port 25" }, true, "*", "25,110,8000-8080", "tcp port 25",
		  SIS_DIR_OUT, SIS_RIGHT_READ | SIS_RIGHT_CONTAIN },
		{ "any order", 9, { "ids", "smtp", "rights", "read", "net-port", "25", "stream",
		  "dir", "in" }, true, "*", "25", NULL, SIS_DIR_IN, SIS_RIGHT_READ },
		{ "compact ports", 7, { "ids", "smtp", "stream", "ports", "host *:net 25,110",
		  "rights", "read" }, true, "*", "25,110", NULL, SIS_DIR_ANY,
		  SIS_RIGHT_READ },
		{ "compact, net side only", 7, { "ids", "smtp", "stream", "ports", "net 25",
		  "rights", "read" }, true, "*", "25", NULL, SIS_DIR_ANY, SIS_RIGHT_READ },
		{ "compact and the other side", 9, { "ids", "smtp", "stream", "ports",
		  "net 25", "host-port", "1024-65535", "rights", "read" }, true,
		  "1024-65535", "25", NULL, SIS_DIR_ANY, SIS_RIGHT_READ },
		{ "frames, filter word", 7, { "ids", "smtp", "rights", "read", "filter", "tcp",
		  "port 80" }, false, "*", "*", "tcp port 80", SIS_DIR_ANY,
		  SIS_RIGHT_READ },
		{ "frames as before", 6, { "ids", "smtp", "rights", "read", "tcp", "port 80" },
		  false, "*", "*", "tcp port 80", SIS_DIR_ANY, SIS_RIGHT_READ },
	};
	static const struct {
		const char *name;
		int argc;
		const char *argv[16];
		const char *err;	/* a part of the message */
	} bad[] = {
		{ "no rights", 3, { "ids", "smtp", "stream" },
		  "missing \"rights read\" or \"rights read,contain\"" },
		{ "stream twice", 6, { "ids", "smtp", "stream", "stream", "rights", "read" },
		  "\"stream\" given twice" },
		{ "bad port list", 7, { "ids", "smtp", "stream", "net-port", "25,,110",
		  "rights", "read" }, "empty item in port list \"25,,110\"" },
		{ "bad range", 7, { "ids", "smtp", "stream", "host-port", "9000-8000",
		  "rights", "read" },
		  "invalid port range \"9000-8000\" in \"9000-8000\": 9000 is above 8000" },
		{ "net port twice", 9, { "ids", "smtp", "stream", "net-port", "25",
		  "net-port", "26", "rights", "read" }, "\"net-port\" given twice" },
		{ "compact and net-port", 9, { "ids", "smtp", "stream", "ports", "net 25",
		  "net-port", "26", "rights", "read" }, "net ports given twice" },
		{ "bad compact", 7, { "ids", "smtp", "stream", "ports", "25:110", "rights",
		  "read" }, "invalid ports \"25:110\": use 'host LIST:net LIST'" },
		{ "port without value", 6, { "ids", "smtp", "stream", "rights", "read",
		  "net-port" }, "\"net-port\" needs a value" },
		{ "ports without stream", 7, { "ids", "smtp", "net-port", "25", "rights",
		  "read", "tcp" },
		  "\"net-port\" is for stream capabilities: add the word \"stream\"" },
		{ "filter without the word", 7, { "ids", "smtp", "stream", "rights", "read",
		  "tcp", "port 25" },
		  "unknown argument \"tcp\": a stream capability's filter follows the word \"filter\"" },
		{ "a misspelt word", 7, { "ids", "smtp", "stream", "net-ports", "25",
		  "rights", "read" }, "unknown argument \"net-ports\"" },
		{ "filter without value", 6, { "ids", "smtp", "stream", "rights", "read",
		  "filter" }, "\"filter\" needs a value" },
		{ "frames, filter without value", 5, { "ids", "web", "rights", "read",
		  "filter" }, "\"filter\" needs a value" },
		{ "bad dir", 7, { "ids", "smtp", "stream", "dir", "both", "rights", "read" },
		  "invalid direction \"both\"" },
		{ "contain alone", 5, { "ids", "smtp", "stream", "rights", "contain" },
		  "contain needs read" },
		{ "midstream, a bad word", 7, { "ids", "smtp", "stream", "midstream",
		  "keep", "rights", "read,contain" },
		  "invalid midstream \"keep\": use drop or pass" },
		{ "midstream drop, read only", 7, { "ids", "smtp", "stream", "midstream",
		  "drop", "rights", "read" },
		  "\"midstream drop\" needs \"rights read,contain\"" },
		{ "midstream without stream", 7, { "ids", "smtp", "midstream", "pass",
		  "rights", "read", "tcp" },
		  "\"midstream\" is for stream capabilities: add the word \"stream\"" },
		{ "max-cuts without stream", 7, { "ids", "smtp", "max-cuts", "3",
		  "rights", "read,contain", "tcp" },
		  "\"max-cuts\" is for stream capabilities: add the word \"stream\"" },
		{ "max-cuts, read only", 7, { "ids", "smtp", "stream", "max-cuts", "3",
		  "rights", "read" },
		  "\"max-cuts\" needs \"rights read,contain\": a reader cuts nothing" },
		{ "max-cuts 0", 7, { "ids", "smtp", "stream", "max-cuts", "0",
		  "rights", "read,contain" },
		  "invalid max-cuts \"0\": use 1 to 4294967295 cuts a connection" },
		{ "max-cuts, not a number", 7, { "ids", "smtp", "stream", "max-cuts",
		  "many", "rights", "read,contain" }, "invalid max-cuts \"many\"" },
		{ "max-cuts too big", 7, { "ids", "smtp", "stream", "max-cuts",
		  "4294967296", "rights", "read,contain" },
		  "invalid max-cuts \"4294967296\"" },
		{ "max-cuts twice", 9, { "ids", "smtp", "stream", "max-cuts", "1",
		  "max-cuts", "2", "rights", "read,contain" },
		  "\"max-cuts\" given twice" },
	};
	static const struct {
		const char *name;
		int argc;
		const char *argv[16];
		uint32_t max_cuts;
	} cuts[] = {
		{ "max-cuts not given", 5, { "ids", "smtp", "stream", "rights",
		  "read,contain" }, 0 },
		{ "max-cuts 3", 7, { "ids", "smtp", "stream", "max-cuts", "3",
		  "rights", "read,contain" }, 3 },
		{ "max-cuts after the rights, with a filter", 10, { "ids", "smtp",
		  "rights", "read,contain", "stream", "max-cuts", "4294967295",
		  "filter", "tcp", "port 25" }, 4294967295u },
	};
	static const struct {
		const char *name;
		int argc;
		const char *argv[16];
		int midstream;
	} mid[] = {
		{ "midstream not given", 5, { "ids", "smtp", "stream", "rights",
		  "read,contain" }, -1 },
		{ "midstream pass", 7, { "ids", "smtp", "stream", "midstream", "pass",
		  "rights", "read,contain" }, SIS_UNJUDGED_PASS },
		{ "midstream drop", 7, { "ids", "smtp", "rights", "read,contain", "stream",
		  "midstream", "drop" }, SIS_UNJUDGED_DROP },
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct cap_add_args a;
		char err[256], h[256], n[256];
		int r = cap_add_parse(good[i].argc, (char *const *)good[i].argv, &a,
				      err, sizeof(err));
		bool ok = !r && !strcmp(a.scanner, "ids") && !strcmp(a.name, "smtp") &&
			  a.stream == good[i].stream && a.dir == good[i].dir &&
			  a.rights == good[i].rights &&
			  !strcmp(ports_text(&a.host_ports, h, sizeof(h)), good[i].host) &&
			  !strcmp(ports_text(&a.net_ports, n, sizeof(n)), good[i].net) &&
			  (good[i].expr ? a.expr && !strcmp(a.expr, good[i].expr) :
					  !a.expr);

		if (r)
			tap_diag("got \"%s\"", err);
		tap_ok(ok, "cap add stream: %s", good[i].name);
		free(a.expr);
	}
	for (size_t i = 0; i < ARRAY_SIZE(mid); i++) {
		struct cap_add_args a;
		char err[256];
		int r = cap_add_parse(mid[i].argc, (char *const *)mid[i].argv, &a,
				      err, sizeof(err));

		if (r)
			tap_diag("got \"%s\"", err);
		tap_ok(!r && a.midstream == mid[i].midstream, "cap add stream: %s",
		       mid[i].name);
		free(a.expr);
	}
	for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
		struct cap_add_args a;
		char err[256];
		int r = cap_add_parse(cuts[i].argc, (char *const *)cuts[i].argv, &a,
				      err, sizeof(err));

		if (r)
			tap_diag("got \"%s\"", err);
		tap_ok(!r && a.stream && a.max_cuts == cuts[i].max_cuts,
		       "cap add stream: %s", cuts[i].name);
		free(a.expr);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cap_add_args a;
		char err[256];
		int r = cap_add_parse(bad[i].argc, (char *const *)bad[i].argv, &a,
				      err, sizeof(err));
		bool ok = r < 0 && strstr(err, bad[i].err);

		if (!ok)
			tap_diag("got \"%s\"", err);
		tap_ok(ok, "cap add stream: %s", bad[i].name);
		free(a.expr);
	}
}

/* The capability nest of a message, parsed. */
static bool cap_nest(struct nl_msg *msg, uint8_t cmd, struct nlattr **ctb,
		     char *scanner, size_t len)
{
	struct nlattr *tb[SIS_A_MAX + 1], *stb[SIS_SCANNER_A_MAX + 1];
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(h);

	if (g->cmd != cmd || genlmsg_parse(h, 0, tb, SIS_A_MAX, NULL) ||
	    !tb[SIS_A_SCANNER] || !tb[SIS_A_CAP] ||
	    nla_parse_nested(stb, SIS_SCANNER_A_MAX, tb[SIS_A_SCANNER], NULL) ||
	    !stb[SIS_SCANNER_A_NAME] ||
	    nla_parse_nested(ctb, SIS_CAP_A_MAX, tb[SIS_A_CAP], NULL))
		return false;
	nla_strlcpy(scanner, stb[SIS_SCANNER_A_NAME], len);
	return true;
}

static int nest_count(struct nlattr *nest)
{
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem)
		n++;
	return n;
}

static bool ranges_are(struct nlattr *a, const struct sis_port_range *r, int n)
{
	return a && nla_len(a) == (int)(n * sizeof(*r)) &&
	       !memcmp(nla_data(a), r, n * sizeof(*r));
}

static bool u8_is(struct nlattr *a, uint8_t v)
{
	return a && nla_len(a) == 1 && nla_get_u8(a) == v;
}

TAP_SUITE(cap_stream_msgs)
{
	static const struct sis_port_range net[] = { { 25, 25 }, { 8000, 8080 } };
	struct nlattr *ctb[SIS_CAP_A_MAX + 1];
	struct sock_filter *f = NULL;
	char scanner[SIS_NAME_MAX], err[256];
	struct cap_add_args a = {
		.scanner = "ids", .name = "smtp", .dir = SIS_DIR_OUT,
		.rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, .stream = true,
		.net_ports = { 2, { { 25, 25 }, { 8000, 8080 } } },
		.midstream = -1,
	};
	unsigned int len = 0;
	struct nl_msg *msg;
	struct run r;
	bool good;

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, SIS_CMD_CAP_ADD, SIS_GENL_VERSION);
	good = !cap_add_stream_fill(msg, &a, NULL, 0) &&
	       cap_nest(msg, SIS_CMD_CAP_ADD, ctb, scanner, sizeof(scanner)) &&
	       !strcmp(scanner, "ids");
	tap_ok(good && nest_count(nlmsg_find_attr(nlmsg_hdr(msg), GENL_HDRLEN, SIS_A_CAP)) == 5 &&
	       !strcmp(nla_data(ctb[SIS_CAP_A_NAME]), "smtp") &&
	       u8_is(ctb[SIS_CAP_A_DIR], SIS_DIR_OUT) &&
	       u8_is(ctb[SIS_CAP_A_RIGHTS], SIS_RIGHT_READ | SIS_RIGHT_CONTAIN) &&
	       u8_is(ctb[SIS_CAP_A_KIND], SIS_CAP_STREAM) &&
	       !ctb[SIS_CAP_A_HOST_PORTS] && ranges_are(ctb[SIS_CAP_A_NET_PORTS], net, 2) &&
	       !ctb[SIS_CAP_A_BPF] && !ctb[SIS_CAP_A_EXPR] &&
	       !ctb[SIS_CAP_A_MIDSTREAM] && !ctb[SIS_CAP_A_MAX_CUTS],
	       "stream fill: kind, net ports, no host ports (any), no filter, no midstream");
	nlmsg_free(msg);

	if (filter_compile("tcp[tcpflags] & tcp-syn != 0", &f, &len, err,
			   sizeof(err)) < 0) {
		tap_ok(false, "stream fill: filter compiles");
		tap_diag("%s", err);
		return;
	}
	a.expr = "tcp[tcpflags] & tcp-syn != 0";
	a.host_ports = (struct port_list){ 1, { { 1024, 65535 } } };
	a.midstream = SIS_UNJUDGED_PASS;
	a.max_cuts = 12;
	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, SIS_CMD_CAP_ADD, SIS_GENL_VERSION);
	good = !cap_add_stream_fill(msg, &a, f, len) &&
	       cap_nest(msg, SIS_CMD_CAP_ADD, ctb, scanner, sizeof(scanner));
	tap_ok(good && ranges_are(ctb[SIS_CAP_A_HOST_PORTS], a.host_ports.r, 1) &&
	       ctb[SIS_CAP_A_BPF] && nla_len(ctb[SIS_CAP_A_BPF]) == (int)(len * sizeof(*f)) &&
	       !memcmp(nla_data(ctb[SIS_CAP_A_BPF]), f, len * sizeof(*f)) &&
	       !strcmp(nla_data(ctb[SIS_CAP_A_EXPR]), a.expr) &&
	       u8_is(ctb[SIS_CAP_A_MIDSTREAM], SIS_UNJUDGED_PASS) &&
	       ctb[SIS_CAP_A_MAX_CUTS] && nla_len(ctb[SIS_CAP_A_MAX_CUTS]) == 4 &&
	       nla_get_u32(ctb[SIS_CAP_A_MAX_CUTS]) == 12,
	       "stream fill: host ports, the SYN filter and its text, midstream, max-cuts");
	nlmsg_free(msg);
	free(f);

	/* The whole command. */
	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "cap", "add", "ids", "smtp", "stream", "ports",
	    "host *:net 25,8000-8080", "dir", "out", "rights", "read,contain", "filter",
	    "tcp", "dst", "port", "25");
	tap_ok(r.ret == 0 && !r.out[0] && !r.err[0] && fake.opened == fake.closed &&
	       fake.next == 1, "cap add stream: exit 0, silent");
	good = fake.sent[0] && cap_nest(fake.sent[0], SIS_CMD_CAP_ADD, ctb, scanner,
					sizeof(scanner));
	tap_ok(good && u8_is(ctb[SIS_CAP_A_KIND], SIS_CAP_STREAM) &&
	       !ctb[SIS_CAP_A_HOST_PORTS] && ranges_are(ctb[SIS_CAP_A_NET_PORTS], net, 2) &&
	       ctb[SIS_CAP_A_BPF] && !strcmp(nla_data(ctb[SIS_CAP_A_EXPR]),
					     "tcp dst port 25"),
	       "cap add stream: the request");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "cap", "add", "ids", "any", "stream", "rights", "read");
	good = r.ret == 0 && fake.sent[0] &&
	       cap_nest(fake.sent[0], SIS_CMD_CAP_ADD, ctb, scanner, sizeof(scanner));
	tap_ok(good && u8_is(ctb[SIS_CAP_A_KIND], SIS_CAP_STREAM) &&
	       u8_is(ctb[SIS_CAP_A_DIR], SIS_DIR_ANY) && !ctb[SIS_CAP_A_HOST_PORTS] &&
	       !ctb[SIS_CAP_A_NET_PORTS] && !ctb[SIS_CAP_A_BPF] && !ctb[SIS_CAP_A_EXPR],
	       "cap add stream: every connection, no filter");
	run_free(&r);

	/* Frame capabilities send no kind, as before. */
	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "cap", "add", "ids", "web", "rights", "read", "tcp", "port",
	    "80");
	good = r.ret == 0 && fake.sent[0] &&
	       cap_nest(fake.sent[0], SIS_CMD_CAP_ADD, ctb, scanner, sizeof(scanner));
	tap_ok(good && !ctb[SIS_CAP_A_KIND] && !ctb[SIS_CAP_A_HOST_PORTS] &&
	       ctb[SIS_CAP_A_BPF], "cap add: frame capabilities unchanged");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "cap", "add", "ids", "smtp", "stream", "net-port", "0",
	    "rights", "read");
	tap_ok(r.ret == 1 && fake.opened == 0 && !strcmp(r.err,
		"Error: invalid port \"0\" in \"0\": use * or ports and ranges from 1 to 65535, like 25,110,8000-8080.\n"),
	       "cap add stream: bad port, one line, nothing sent");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	RUN(&r, &text_mode, "cap", "add", "ids", "smtp", "stream", "rights", "read",
	    "filter", "tcp", "port", "nosuchservice");
	tap_ok(r.ret == 1 && fake.opened == 0 && !strncmp(r.err, "Error: filter: ", 15),
	       "cap add stream: bad filter, nothing sent");
	run_free(&r);

	fake_start();
	fake.ncalls = 1;
	fake.calls[0].error = -EINVAL;
	fake.calls[0].extack = "stream capabilities need TCP";
	RUN(&r, &text_mode, "cap", "add", "ids", "smtp", "stream", "rights", "read");
	tap_ok(r.ret == 1 && !strcmp(r.err, "Error: stream capabilities need TCP.\n"),
	       "cap add stream: the kernel's message");
	run_free(&r);

	RUN(&r, &text_mode, "cap", "help");
	tap_ok(r.ret == 0 && strstr(r.out, "stream [host-port LIST] [net-port LIST]") &&
	       strstr(r.out, "ports 'host LIST:net LIST'") &&
	       strstr(r.out, "[max-cuts N]"), "cap help: streams");
	run_free(&r);
	fake_reset();
}

/* A scanner dump message with a stream capability. */
static struct nl_msg *stream_scanner_msg(const void *host, int host_len,
					 const void *net, int net_len,
					 const char *expr, int midstream,
					 uint32_t max_cuts)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *n;

	genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, NLM_F_MULTI, SIS_CMD_GET_SCANNER,
		    SIS_GENL_VERSION);
	nla_put_u32(msg, SIS_A_IFINDEX, 5);
	n = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);
	nla_put_string(msg, SIS_SCANNER_A_NAME, "mail");
	nla_put_u32(msg, SIS_SCANNER_A_UID, 0);
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, SIS_A_CAP | NLA_F_NESTED);
	nla_put_string(msg, SIS_CAP_A_NAME, "smtp");
	nla_put_u8(msg, SIS_CAP_A_DIR, SIS_DIR_OUT);
	nla_put_u8(msg, SIS_CAP_A_RIGHTS, SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	nla_put_u8(msg, SIS_CAP_A_KIND, SIS_CAP_STREAM);
	if (host)
		nla_put(msg, SIS_CAP_A_HOST_PORTS, host_len, host);
	if (net)
		nla_put(msg, SIS_CAP_A_NET_PORTS, net_len, net);
	if (expr)
		nla_put_string(msg, SIS_CAP_A_EXPR, expr);
	if (midstream >= 0)
		nla_put_u8(msg, SIS_CAP_A_MIDSTREAM, (uint8_t)midstream);
	if (max_cuts)
		nla_put_u32(msg, SIS_CAP_A_MAX_CUTS, max_cuts);
	nla_put_u64(msg, SIS_CAP_A_MATCHES, 4);
	nla_nest_end(msg, n);
	return msg;
}

TAP_SUITE(cap_stream_show)
{
	static const struct sis_port_range net[] = { { 25, 25 }, { 110, 110 },
						     { 8000, 8080 } };
	static const struct sis_port_range host[] = { { 1024, 65535 } };
	struct sisctl_scanners sl = { 0 };
	struct sisctl_print p;
	struct nl_msg *msg;
	char *text = NULL, *js;
	size_t len = 0;
	FILE *f;
	json_t *j, *c;

	msg = stream_scanner_msg(NULL, 0, net, sizeof(net), NULL, -1, 0);
	tap_ok(!scanners_merge(&sl, nlmsg_hdr(msg)) && sl.n == 1 && sl.v[0].ncaps == 1 &&
	       sl.v[0].caps[0].kind == SIS_CAP_STREAM &&
	       sl.v[0].caps[0].host_ports.n == 0 && sl.v[0].caps[0].net_ports.n == 3,
	       "merge: a stream capability and its ports");
	nlmsg_free(msg);
	msg = stream_scanner_msg(host, sizeof(host), NULL, 0, "tcp port 25",
				 SIS_UNJUDGED_DROP, 8);
	tap_ok(!scanners_merge(&sl, nlmsg_hdr(msg)) && sl.n == 1 && sl.v[0].ncaps == 2,
	       "merge: another");
	nlmsg_free(msg);

	f = open_memstream(&text, &len);
	print_init(&p, f, false);
	scanner_print(&p, &sl.v[0], "br0");
	fclose(f);
	tap_ok(text && strstr(text,
		"\tcap smtp stream host-port * net-port 25,110,8000-8080 dir out "
		"rights read,contain matches 4\n"
		"\tcap smtp stream host-port 1024-65535 net-port * midstream drop "
		"max-cuts 8 dir out rights read,contain matches 4: tcp port 25\n"),
	       "text: kind, ports and max-cuts, as cap add takes them");
	if (text && !strstr(text, "stream host-port * net-port 25,110"))
		tap_diag("%s", text);
	free(text);

	print_init(&p, NULL, true);
	scanner_print(&p, &sl.v[0], "br0");
	j = print_json_take(&p);
	c = json_array_get(json_object_get(j, "caps"), 0);
	js = c ? json_dumps(c, JSON_COMPACT) : NULL;
#define SMTP_JSON \
	"{\"name\":\"smtp\",\"dir\":\"out\",\"rights\":\"read,contain\"," \
	"\"filter\":\"\",\"matches\":4,\"kind\":\"stream\",\"host_ports\":null," \
	"\"net_ports\":[{\"lo\":25,\"hi\":25},{\"lo\":110,\"hi\":110}," \
	"{\"lo\":8000,\"hi\":8080}]}"
	tap_ok(js && !strcmp(js, SMTP_JSON), "json: kind and ports (null: any)");
	if (js && strcmp(js, SMTP_JSON))
		tap_diag("%s", js);
	free(js);
	c = json_array_get(json_object_get(j, "caps"), 1);
	tap_ok(json_array_size(json_object_get(c, "host_ports")) == 1 &&
	       json_is_null(json_object_get(c, "net_ports")) &&
	       !strcmp(json_string_value(json_object_get(c, "filter")), "tcp port 25") &&
	       !strcmp(json_string_value(json_object_get(c, "midstream")), "drop") &&
	       json_integer_value(json_object_get(c, "max_cuts")) == 8,
	       "json: host ports, the filter, midstream, max_cuts");
	json_decref(j);
	scanners_free(&sl);

	/* Malformed port lists are refused. */
	{
		static const unsigned char odd[6] = { 0 };
		struct sis_port_range many[SIS_PORT_RANGES_MAX + 1] = { { 0, 0 } };

		msg = stream_scanner_msg(odd, sizeof(odd), NULL, 0, NULL, -1, 0);
		tap_ok(scanners_merge(&sl, nlmsg_hdr(msg)) == -EPROTO,
		       "merge: ports not whole ranges");
		nlmsg_free(msg);
		scanners_free(&sl);
		msg = stream_scanner_msg(NULL, 0, many, sizeof(many), NULL, -1, 0);
		tap_ok(scanners_merge(&sl, nlmsg_hdr(msg)) == -EPROTO,
		       "merge: too many ranges");
		nlmsg_free(msg);
		scanners_free(&sl);
	}

	/* sisctl show scanner, through the fake. */
	fake_start();
	fake.ncalls = 1;
	fake.calls[0].replies[0] = stream_scanner_msg(NULL, 0, net, sizeof(net), NULL,
							     -1, 0);
	fake.calls[0].nreplies = 1;
	{
		struct run r;

		RUN(&r, &json_mode, "show", "scanner");
		j = json_loads(r.out, 0, NULL);
		c = json_array_get(json_object_get(json_array_get(j, 0), "caps"), 0);
		tap_ok(r.ret == 0 && c &&
		       !strcmp(json_string_value(json_object_get(c, "kind")), "stream") &&
		       json_array_size(json_object_get(c, "net_ports")) == 3,
		       "show scanner -j: a stream capability");
		json_decref(j);
		run_free(&r);
	}
	fake_reset();
}
