// SPDX-License-Identifier: GPL-2.0
/* The printer: the same calls as text and as JSON, and its failures. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sisctl.h"
#include "tap.h"

/* A little of everything, as an emitter would write it. */
static void emit(struct sisctl_print *p)
{
	static const unsigned char bytes[] = { 0x00, 0x7f, 0xa5 };

	open_object(p, NULL);
	print_string(p, PRINT_ANY, "name", "thing %s", "t1");
	print_dev(p, PRINT_ANY, "bridge", " bridge %s", "br0", 5);
	open_object(p, "port");
	print_dev(p, PRINT_ANY, "ifname", " port %s", NULL, 9);
	close_object(p);
	print_uint(p, PRINT_ANY, "count", " count %u", 42);
	print_u64(p, PRINT_ANY, "big", " big %" PRIu64, UINT64_MAX);
	print_null(p, PRINT_ANY, "pid", " not attached");
	print_string(p, PRINT_FP, NULL, " text-only %s", "x");
	print_string(p, PRINT_JSON, "json_only", " never %s", "y");
	print_hex(p, PRINT_JSON, "data", NULL, bytes, sizeof(bytes));
	print_fp(p, "\n");
	open_array(p, "list");
	for (unsigned int i = 1; i <= 2; i++) {
		open_object(p, NULL);
		print_uint(p, PRINT_ANY, "id", "\titem %u", i);
		print_string(p, PRINT_ANY, "filter", ": %s\n", "a\tb");
		close_object(p);
	}
	close_array(p);
	open_array(p, "empty");
	close_array(p);
	close_object(p);
}

/* What @fn prints, as text or as compact JSON; print_end()'s result in *err. */
static char *out_of(void (*fn)(struct sisctl_print *p), bool json, int *err)
{
	struct sisctl_print p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print_init(&p, f, json);
	fn(&p);
	*err = print_end(&p, JSON_COMPACT);
	fclose(f);
	return buf;
}

TAP_SUITE(print_both)
{
	struct sisctl_print p;
	char *s;
	json_t *j;
	int err;

	s = out_of(emit, false, &err);
	tap_streq(s, "thing t1 bridge br0 port if9 count 42 "
		  "big 18446744073709551615 not attached text-only x\n"
		  "\titem 1: a\tb\n\titem 2: a\tb\n",
		  "text: the FP pieces in order");
	tap_eq(err, 0, "text: no failure");
	free(s);

	s = out_of(emit, true, &err);
	tap_streq(s, "{\"name\":\"t1\",\"bridge\":\"br0\",\"ifindex\":5,"
		  "\"port\":{\"ifname\":null,\"ifindex\":9},\"count\":42,"
		  "\"big\":9223372036854775807,\"pid\":null,"
		  "\"json_only\":\"y\",\"data\":\"007fa5\","
		  "\"list\":[{\"id\":1,\"filter\":\"a\\tb\"},"
		  "{\"id\":2,\"filter\":\"a\\tb\"}],\"empty\":[]}\n",
		  "json: the JSON pieces in order, on a line of their own");
	tap_eq(err, 0, "json: no failure");
	free(s);

	print_init(&p, NULL, true);
	emit(&p);
	j = print_json_take(&p);
	tap_ok(json_is_object(j) &&
	       json_array_size(json_object_get(j, "list")) == 2,
	       "json: the tree, taken");
	json_decref(j);
	tap_ok(print_wants(&p, PRINT_JSON) && !print_wants(&p, PRINT_FP) &&
	       print_wants(&p, PRINT_ANY), "json: wants PRINT_JSON");
	print_init(&p, stdout, false);
	tap_ok(!print_wants(&p, PRINT_JSON) && print_wants(&p, PRINT_FP),
	       "text: wants PRINT_FP");
}

static void strings(struct sisctl_print *p)
{
	open_array(p, NULL);
	print_string(p, PRINT_ANY | PRINT_CLEAN, NULL, "[%s]", "a\nb\tc\x7f");
	print_string(p, PRINT_ANY | PRINT_ESCAPE, NULL, "[%s]",
		     "a\\b\n\x01\x7f caf\xc3\xa9");
	print_stringn(p, PRINT_ANY | PRINT_ESCAPE, NULL, "[%s]", "a\0b", 3);
	print_string(p, PRINT_ANY, NULL, "[%s]", "caf\xe9");
	print_dev(p, PRINT_ANY | PRINT_ESCAPE, NULL, "[%s]", "b\\r", 1);
	close_array(p);
}

TAP_SUITE(print_strings)
{
	char *s;
	int err;

	s = out_of(strings, false, &err);
	tap_streq(s, "[a b c ][a\\\\b\\x0a\\x01\\x7f caf\\xc3\\xa9][a\\x00b]"
		  "[caf\xe9][b\\\\r]", "text: cleaned, escaped, as they are");
	free(s);
	s = out_of(strings, true, &err);
	tap_streq(s, "[\"a\\nb\\tc\x7f\",\"a\\\\b\\n\\u0001\x7f caf\xc3\xa9\","
		  "\"a\\u0000b\",\"caf?\",\"b\\\\r\",1]\n",
		  "json: as they are, bytes that are not UTF-8 as '?'");
	tap_eq(err, 0, "json: no failure");
	free(s);
}

static void no_key(struct sisctl_print *p)
{
	open_object(p, NULL);
	print_uint(p, PRINT_ANY, NULL, "%u", 1);
	close_object(p);
}

static void two_roots(struct sisctl_print *p)
{
	open_object(p, NULL);
	close_object(p);
	open_object(p, NULL);
	close_object(p);
}

static void too_deep(struct sisctl_print *p)
{
	for (int i = 0; i <= PRINT_DEPTH; i++)
		open_array(p, NULL);
	for (int i = 0; i <= PRINT_DEPTH; i++)
		close_array(p);
}

static void nothing(struct sisctl_print *p)
{
	(void)p;
}

TAP_SUITE(print_failures)
{
	static const struct {
		const char *name;
		void (*fn)(struct sisctl_print *p);
	} cases[] = {
		{ "a value without its key in an object", no_key },
		{ "a second root", two_roots },
		{ "deeper than PRINT_DEPTH", too_deep },
		{ "nothing to dump", nothing },
	};
	struct sisctl_print p;
	char *s;
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		s = out_of(cases[i].fn, true, &err);
		tap_ok(err == -EINVAL && s && !s[0],
		       "json refuses %s, prints nothing", cases[i].name);
		free(s);
	}
	print_init(&p, NULL, true);
	no_key(&p);
	tap_ok(!print_json_take(&p) && p.error == -EINVAL,
	       "json: no tree after a failure, the failure kept");
	print_init(&p, NULL, true);
	p.error = -ENOMEM;
	no_key(&p);
	tap_eq(p.error, -ENOMEM, "json: the first failure is kept");
	json_decref(print_json_take(&p));
	s = out_of(no_key, false, &err);
	tap_ok(err == 0 && s && !strcmp(s, "1"), "text: keys do not matter");
	free(s);
}
