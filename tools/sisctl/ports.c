// SPDX-License-Identifier: GPL-2.0
/*
 * Port lists of stream capabilities: "*" (any port) or ports and ranges,
 * comma separated ("25,110,8000-8080"), and the compact form of both ends,
 * "host LIST:net LIST" (either side may be omitted).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sisctl.h"

#define PORT_HINT "use * or ports and ranges from 1 to 65535, like 25,110,8000-8080"

/* One port: 1 to 65535, plain decimal, exactly the n bytes at s. */
static int port_value(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;

	if (!n || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (!v || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/*
 * s: "*" or comma-separated ports and ranges LO-HI (LO <= HI). An empty
 * list (l->n == 0) is any port. On error returns -1 with a message in err.
 */
int parse_port_list(const char *s, struct port_list *l, char *err,
		    size_t err_len)
{
	const char *p = s;

	memset(l, 0, sizeof(*l));
	if (!strcmp(s, "*"))
		return 0;
	if (!s[0]) {
		snprintf(err, err_len, "empty port list: %s", PORT_HINT);
		return -1;
	}
	for (;;) {
		size_t n = strcspn(p, ","), dash;
		struct sis_port_range r;

		if (!n) {
			snprintf(err, err_len, "empty item in port list \"%s\": %s",
				 s, PORT_HINT);
			return -1;
		}
		if (n == 1 && *p == '*') {
			snprintf(err, err_len,
				 "invalid port list \"%s\": \"*\" (any port) stands alone",
				 s);
			return -1;
		}
		dash = strcspn(p, "-,");
		if (dash < n) {
			if (port_value(p, dash, &r.lo) < 0 ||
			    port_value(p + dash + 1, n - dash - 1, &r.hi) < 0) {
				snprintf(err, err_len,
					 "invalid port range \"%.*s\" in \"%s\": %s",
					 (int)n, p, s, PORT_HINT);
				return -1;
			}
			if (r.lo > r.hi) {
				snprintf(err, err_len,
					 "invalid port range \"%.*s\" in \"%s\": %u is above %u",
					 (int)n, p, s, r.lo, r.hi);
				return -1;
			}
		} else if (port_value(p, n, &r.lo) < 0) {
			snprintf(err, err_len, "invalid port \"%.*s\" in \"%s\": %s",
				 (int)n, p, s, PORT_HINT);
			return -1;
		} else {
			r.hi = r.lo;
		}
		if (l->n == SIS_PORT_RANGES_MAX) {
			snprintf(err, err_len,
				 "too many ports and ranges in \"%s\": at most %d",
				 s, SIS_PORT_RANGES_MAX);
			return -1;
		}
		l->r[l->n++] = r;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * s: "host LIST:net LIST", either side (but not both) may be omitted, in
 * either order. Sets *has_host and *has_net for the sides given.
 */
int parse_ports_spec(const char *s, struct port_list *host,
		     struct port_list *net, bool *has_host, bool *has_net,
		     char *err, size_t err_len)
{
	const char *p = s;
	char item[64];

	*has_host = *has_net = false;
	for (;;) {
		size_t n = strcspn(p, ":"), i = 0, w;
		const char *list;
		bool is_host;

		/* Trim the side, then split it at its first blank. */
		while (i < n && is_space(p[i]))
			i++;
		while (n > i && is_space(p[n - 1]))
			n--;
		if (n - i >= sizeof(item)) {
			snprintf(err, err_len, "invalid ports \"%s\": \"%.*s\" is too long",
				 s, (int)(n - i), p + i);
			return -1;
		}
		memcpy(item, p + i, n - i);
		item[n - i] = '\0';
		w = strcspn(item, " \t");
		if (w == 4 && !strncmp(item, "host", 4)) {
			is_host = true;
		} else if (w == 3 && !strncmp(item, "net", 3)) {
			is_host = false;
		} else {
			snprintf(err, err_len,
				 "invalid ports \"%s\": use 'host LIST:net LIST', either side may be omitted",
				 s);
			return -1;
		}
		list = item + w;
		while (is_space(*list))
			list++;
		if (!*list) {
			snprintf(err, err_len,
				 "invalid ports \"%s\": \"%s\" needs a port list (or *)",
				 s, is_host ? "host" : "net");
			return -1;
		}
		if (is_host ? *has_host : *has_net) {
			snprintf(err, err_len, "invalid ports \"%s\": %s ports given twice",
				 s, is_host ? "host" : "net");
			return -1;
		}
		if (parse_port_list(list, is_host ? host : net, err, err_len) < 0)
			return -1;
		*(is_host ? has_host : has_net) = true;
		p += strcspn(p, ":");
		if (!*p)
			return 0;
		p++;
	}
}

/* "*" for any port, else the list as parse_port_list() reads it. */
int format_port_list(char *buf, size_t len, const struct port_list *l)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	if (!l->n)
		return snprintf(buf, len, "*");
	for (unsigned int i = 0; i < l->n; i++) {
		const struct sis_port_range *r = &l->r[i];
		char *p = off < len ? buf + off : NULL;
		size_t room = off < len ? len - off : 0;
		int k;

		if (r->lo == r->hi)
			k = snprintf(p, room, "%s%u", i ? "," : "", r->lo);
		else
			k = snprintf(p, room, "%s%u-%u", i ? "," : "", r->lo,
				     r->hi);
		if (k < 0)
			return k;
		off += (size_t)k;
	}
	return (int)off;
}

/* SIS_CAP_A_HOST_PORTS or SIS_CAP_A_NET_PORTS of a dump: 0 or -EPROTO. */
int port_list_from_attr(struct port_list *l, const void *data, int len)
{
	memset(l, 0, sizeof(*l));
	if (len < 0 || len % (int)sizeof(struct sis_port_range) ||
	    len > (int)sizeof(l->r))
		return -EPROTO;
	l->n = (unsigned int)len / sizeof(struct sis_port_range);
	memcpy(l->r, data, (size_t)len);
	return 0;
}
