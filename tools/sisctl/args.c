// SPDX-License-Identifier: GPL-2.0
/*
 * Keyword arguments, as iproute2 and nft read them: "KEY VALUE" pairs in
 * any order, each at most once, a flag alone, and for some commands the
 * words after a keyword (or after the last pair) taken as they are. One
 * parser and one set of messages for every sisctl command (sisctl.h,
 * struct arg).
 */
#include <stdio.h>
#include <string.h>

#include "sisctl.h"

static const struct arg *arg_find(const struct arg *spec, size_t n,
				  const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (spec[i].key && !strcmp(spec[i].key, word))
			return &spec[i];
	return NULL;
}

/* "a or b", "a, b or c": the choices, as a message lists them. */
static void choices_text(const char *const *choices, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	while (choices[n])
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s",
				 i == 0 ? "" : i + 1 == n ? " or " : ", ",
				 choices[i]);
}

static int arg_value(const struct arg *a, const char *v, struct arg_value *out,
		     char *err, size_t err_len)
{
	const char *what = a->what ? a->what : a->key;
	char list[128];
	uint8_t dir;

	out->s = v;
	switch (a->kind) {
	case ARG_STRING:
		return 0;
	case ARG_U32:
		if (parse_u32(v, &out->u) < 0 || out->u < a->lo ||
		    out->u > a->hi) {
			snprintf(err, err_len, "invalid %s \"%s\": use %u to %u%s%s",
				 what, v, a->lo, a->hi, a->unit ? " " : "",
				 a->unit ? a->unit : "");
			return -1;
		}
		return 0;
	case ARG_SIZE:
		if (parse_size(v, &out->u) < 0 || !out->u) {
			snprintf(err, err_len,
				 "invalid %s \"%s\": use 1 to %u bytes, or with k, m or g (times 1024)",
				 what, v, UINT32_MAX);
			return -1;
		}
		return 0;
	case ARG_DURATION:
		if (parse_duration_ms(v, &out->u) < 0 || !out->u) {
			snprintf(err, err_len,
				 "invalid %s \"%s\": use a duration with ms, s, m or h, 1ms to %ums",
				 what, v, UINT32_MAX);
			return -1;
		}
		return 0;
	case ARG_CHOICE:
		for (uint32_t i = 0; a->choices[i]; i++)
			if (!strcmp(v, a->choices[i])) {
				out->u = a->values ? a->values[i] : i;
				return 0;
			}
		choices_text(a->choices, list, sizeof(list));
		snprintf(err, err_len, "invalid %s \"%s\": use %s", what, v, list);
		return -1;
	case ARG_DIR:
		if (parse_dir(v, &dir) < 0) {
			snprintf(err, err_len,
				 "invalid direction \"%s\": use in, out or any", v);
			return -1;
		}
		out->u = dir;
		return 0;
	case ARG_USER:
		if (parse_user(v, &out->u) < 0) {
			snprintf(err, err_len, "unknown user \"%s\"", v);
			return -1;
		}
		return 0;
	case ARG_CUSTOM:
		return a->parse(v, &out->u, err, err_len);
	default:
		return 0;
	}
}

int args_parse(const struct arg *spec, size_t n, int argc, char *const argv[],
	       struct arg_value *val, int *rest, char *err, size_t err_len)
{
	int i = 0;

	memset(val, 0, n * sizeof(*val));
	while (i < argc) {
		const struct arg *a = arg_find(spec, n, argv[i]);
		struct arg_value *v;

		if (!a) {
			if (rest) {
				*rest = i;
				return 0;
			}
			snprintf(err, err_len, "unknown argument \"%s\"", argv[i]);
			return -1;
		}
		v = &val[a - spec];
		if (v->set) {
			snprintf(err, err_len, "\"%s\" given twice", argv[i]);
			return -1;
		}
		v->set = true;
		if (a->kind == ARG_FLAG) {
			i++;
			continue;
		}
		if (i + 1 >= argc) {
			snprintf(err, err_len, "\"%s\" needs a value", argv[i]);
			return -1;
		}
		if (a->kind == ARG_REST) {
			*rest = i + 1;
			return 0;
		}
		if (arg_value(a, argv[i + 1], v, err, err_len) < 0)
			return -1;
		i += 2;
	}
	if (rest)
		*rest = argc;
	return 0;
}
