// SPDX-License-Identifier: GPL-2.0
/* Port lists of stream capabilities: parsing, errors, formatting. */
#include <errno.h>
#include <string.h>

#include "sisctl.h"
#include "tap.h"

/* The list as text, "-" when it did not parse. */
static const char *list_of(const char *s, char *buf, size_t len, char *err,
			   size_t err_len)
{
	struct port_list l;

	if (parse_port_list(s, &l, err, err_len) < 0)
		return "-";
	format_port_list(buf, len, &l);
	return buf;
}

TAP_SUITE(ports_list)
{
	static const struct {
		const char *s;
		const char *want;	/* formatted back, or "-" with err */
		const char *err;	/* a part of the message */
	} cases[] = {
		{ "*", "*", NULL },
		{ "25", "25", NULL },
		{ "1", "1", NULL },
		{ "65535", "65535", NULL },
		{ "25,110", "25,110", NULL },
		{ "25,110,8000-8080", "25,110,8000-8080", NULL },
		{ "8080-8080", "8080", NULL },
		{ "1-65535", "1-65535", NULL },
		{ "00025", "25", NULL },
		{ "110,25", "110,25", NULL },
		{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
		  "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", NULL },
		{ "", "-", "empty port list: use * or ports and ranges from 1 to 65535" },
		{ "0", "-", "invalid port \"0\" in \"0\": use * or ports and ranges from 1 to 65535" },
		{ "65536", "-", "invalid port \"65536\" in \"65536\"" },
		{ "100000", "-", "invalid port \"100000\"" },
		{ "smtp", "-", "invalid port \"smtp\" in \"smtp\"" },
		{ "-1", "-", "invalid port range \"-1\" in \"-1\"" },
		{ "+25", "-", "invalid port \"+25\"" },
		{ " 25", "-", "invalid port \" 25\"" },
		{ "25,", "-", "empty item in port list \"25,\"" },
		{ ",25", "-", "empty item in port list \",25\"" },
		{ "25,,110", "-", "empty item in port list \"25,,110\"" },
		{ "25, 110", "-", "invalid port \" 110\" in \"25, 110\"" },
		{ "8080-80", "-", "invalid port range \"8080-80\" in \"8080-80\": 8080 is above 80" },
		{ "80-", "-", "invalid port range \"80-\" in \"80-\"" },
		{ "80-90-100", "-", "invalid port range \"80-90-100\"" },
		{ "0-10", "-", "invalid port range \"0-10\"" },
		{ "1-65536", "-", "invalid port range \"1-65536\"" },
		{ "*,25", "-", "invalid port list \"*,25\": \"*\" (any port) stands alone" },
		{ "25,*", "-", "\"*\" (any port) stands alone" },
		{ "**", "-", "invalid port \"**\"" },
		{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "-",
		  "too many ports and ranges in \"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\": at most 16" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[256], err[256] = "";
		const char *got = list_of(cases[i].s, buf, sizeof(buf), err,
					  sizeof(err));
		bool good = !strcmp(got, cases[i].want) &&
			    (!cases[i].err || strstr(err, cases[i].err));

		if (!good)
			tap_diag("got \"%s\", \"%s\"", got, err);
		tap_ok(good, "port list \"%s\"", cases[i].s);
	}

	{
		struct port_list l;
		char err[256];

		tap_ok(!parse_port_list("25,8000-8080", &l, err, sizeof(err)) &&
		       l.n == 2 && l.r[0].lo == 25 && l.r[0].hi == 25 &&
		       l.r[1].lo == 8000 && l.r[1].hi == 8080,
		       "port list: ranges in host byte order");
		tap_ok(!parse_port_list("*", &l, err, sizeof(err)) && l.n == 0,
		       "port list: * is no range (any port)");
	}
}

TAP_SUITE(ports_spec)
{
	static const struct {
		const char *s;
		const char *host, *net;	/* formatted, NULL: side not given */
		const char *err;	/* NULL: valid */
	} cases[] = {
		{ "host *:net 25,110", "*", "25,110", NULL },
		{ "host 1024-65535:net 25", "1024-65535", "25", NULL },
		{ "net 25", NULL, "25", NULL },
		{ "host 8080", "8080", NULL, NULL },
		{ "net 25:host *", "*", "25", NULL },
		{ " host  *  :  net 443 ", "*", "443", NULL },
		{ "host\t80:net\t8080", "80", "8080", NULL },
		{ "", NULL, NULL,
		  "invalid ports \"\": use 'host LIST:net LIST', either side may be omitted" },
		{ "25", NULL, NULL, "invalid ports \"25\": use 'host LIST:net LIST'" },
		{ "hosts 25", NULL, NULL, "invalid ports \"hosts 25\"" },
		{ "host:net 25", NULL, NULL,
		  "invalid ports \"host:net 25\": \"host\" needs a port list (or *)" },
		{ "host 25:", NULL, NULL, "invalid ports \"host 25:\": use 'host LIST" },
		{ "host 25:host 26", NULL, NULL,
		  "invalid ports \"host 25:host 26\": host ports given twice" },
		{ "net 1:net 2", NULL, NULL, "net ports given twice" },
		{ "host 25 26", NULL, NULL, "invalid port \"25 26\" in \"25 26\"" },
		{ "net 0", NULL, NULL, "invalid port \"0\" in \"0\"" },
		{ "net 90-80", NULL, NULL, "90 is above 80" },
		{ "host *:net 25:net 26", NULL, NULL, "net ports given twice" },
		{ "host 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24", NULL,
		  NULL, "is too long" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct port_list host, net;
		bool has_host, has_net, good;
		char err[256] = "", h[256] = "", n[256] = "";
		int r = parse_ports_spec(cases[i].s, &host, &net, &has_host, &has_net,
					 err, sizeof(err));

		if (cases[i].err) {
			good = r < 0 && strstr(err, cases[i].err);
		} else {
			if (has_host)
				format_port_list(h, sizeof(h), &host);
			if (has_net)
				format_port_list(n, sizeof(n), &net);
			good = !r && has_host == !!cases[i].host &&
			       has_net == !!cases[i].net &&
			       (!has_host || !strcmp(h, cases[i].host)) &&
			       (!has_net || !strcmp(n, cases[i].net));
		}
		if (!good)
			tap_diag("got %d \"%s\" host \"%s\" net \"%s\"", r, err, h, n);
		tap_ok(good, "ports '%s'", cases[i].s);
	}
}

TAP_SUITE(ports_attr)
{
	const struct sis_port_range r[3] = { { 25, 25 }, { 110, 110 }, { 8000, 8080 } };
	struct sis_port_range many[SIS_PORT_RANGES_MAX + 1] = { { 0, 0 } };
	struct port_list l;
	char buf[256];

	tap_ok(!port_list_from_attr(&l, r, sizeof(r)) && l.n == 3 &&
	       format_port_list(buf, sizeof(buf), &l) > 0 &&
	       !strcmp(buf, "25,110,8000-8080"), "attr: three ranges");
	tap_ok(!port_list_from_attr(&l, r, 0) && l.n == 0 &&
	       format_port_list(buf, sizeof(buf), &l) == 1 && !strcmp(buf, "*"),
	       "attr: empty is any port");
	tap_ok(port_list_from_attr(&l, r, 6) == -EPROTO, "attr: not whole ranges");
	tap_ok(port_list_from_attr(&l, many, sizeof(many)) == -EPROTO,
	       "attr: more than SIS_PORT_RANGES_MAX ranges");
	tap_ok(!port_list_from_attr(&l, many, sizeof(many) - sizeof(many[0])) &&
	       l.n == SIS_PORT_RANGES_MAX, "attr: SIS_PORT_RANGES_MAX ranges");

	/* A short buffer is truncated, not overrun; the length is the whole. */
	port_list_from_attr(&l, r, sizeof(r));
	tap_ok(format_port_list(buf, 5, &l) == 16 && !strcmp(buf, "25,1"),
	       "format: truncated to the buffer");
}
