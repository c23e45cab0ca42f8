// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The two detectors of the mail scanner: the paper's table lookup (an MD5
 * list in ClamAV's .hdb format, in a hash table keyed by the digest) and
 * libclamav, for what a list of whole-file digests cannot see (archives,
 * documents, packed executables).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clamav.h>
#include <openssl/evp.h>

#include "detect.h"

#define MD5_LEN		16

struct md5_entry {
	struct md5_entry *next;		/* in its bucket */
	unsigned char md5[MD5_LEN];
	bool any_size;			/* "*" in the size field */
	size_t size;
	char name[];
};

struct mail_detect {
	struct md5_entry **buckets;
	size_t nbuckets;		/* a power of two */
	size_t count;
	EVP_MD *md5;			/* fetched once, not per part */

	struct cl_engine *engine;	/* NULL: libclamav off */
	unsigned int sigs;
	struct cl_scan_options scan;
	bool raw_scan;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static size_t bucket_of(const struct mail_detect *d, const unsigned char *md5)
{
	size_t h;

	/* An MD5 is uniform already: its first bytes are a fine hash. */
	memcpy(&h, md5, sizeof(h));
	return h & (d->nbuckets - 1);
}

static int md5_insert(struct mail_detect *d, struct md5_entry *e)
{
	if (d->count + 1 > d->nbuckets) {
		size_t n = d->nbuckets ? d->nbuckets * 2 : 64;
		struct md5_entry **b = calloc(n, sizeof(*b));
		struct md5_entry **old = d->buckets;
		size_t oldn = d->nbuckets;

		if (!b)
			return -ENOMEM;
		d->buckets = b;
		d->nbuckets = n;
		for (size_t i = 0; i < oldn; i++) {
			while (old[i]) {
				struct md5_entry *x = old[i];
				size_t k = bucket_of(d, x->md5);

				old[i] = x->next;
				x->next = b[k];
				b[k] = x;
			}
		}
		free(old);
	}
	{
		size_t k = bucket_of(d, e->md5);

		e->next = d->buckets[k];
		d->buckets[k] = e;
		d->count++;
	}
	return 0;
}

/*
 * One .hdb line, trailing CR/LF and blanks already gone: "md5:size:name",
 * optionally followed by ClamAV's functionality-level fields, which a
 * digest match does not need and are ignored.
 */
static int parse_hdb_line(struct mail_detect *d, char *line, const char **why)
{
	unsigned char md5[MD5_LEN];
	char *size_s, *name, *end;
	struct md5_entry *e;
	unsigned long long size = 0;
	bool any = false;
	size_t namelen;

	size_s = strchr(line, ':');
	if (!size_s) {
		*why = "expected md5:size:name";
		return -EINVAL;
	}
	*size_s++ = '\0';
	name = strchr(size_s, ':');
	if (!name) {
		*why = "expected md5:size:name";
		return -EINVAL;
	}
	*name++ = '\0';
	end = strchr(name, ':');
	if (end) {
		for (char *p = end + 1; *p; p++) {
			if (!isdigit((unsigned char)*p) && *p != ':') {
				*why = "fields after the name must be functionality levels";
				return -EINVAL;
			}
		}
		*end = '\0';
	}

	if (strlen(line) != 2 * MD5_LEN) {
		*why = "md5 must be 32 hex digits";
		return -EINVAL;
	}
	for (int i = 0; i < MD5_LEN; i++) {
		int hi = hexval((unsigned char)line[2 * i]);
		int lo = hexval((unsigned char)line[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			*why = "md5 must be 32 hex digits";
			return -EINVAL;
		}
		md5[i] = hi << 4 | lo;
	}

	if (!strcmp(size_s, "*")) {
		any = true;
	} else {
		if (!*size_s) {
			*why = "size must be a number or *";
			return -EINVAL;
		}
		for (const char *p = size_s; *p; p++) {
			if (!isdigit((unsigned char)*p)) {
				*why = "size must be a number or *";
				return -EINVAL;
			}
		}
		errno = 0;
		size = strtoull(size_s, NULL, 10);
		if (errno || size > SIZE_MAX) {
			*why = "size is too large";
			return -EINVAL;
		}
	}

	namelen = strlen(name);
	if (!namelen) {
		*why = "the name is empty";
		return -EINVAL;
	}
	e = malloc(sizeof(*e) + namelen + 1);
	if (!e) {
		*why = "out of memory";
		return -ENOMEM;
	}
	memcpy(e->md5, md5, MD5_LEN);
	e->any_size = any;
	e->size = size;
	memcpy(e->name, name, namelen + 1);
	if (md5_insert(d, e)) {
		free(e);
		*why = "out of memory";
		return -ENOMEM;
	}
	return 0;
}

static int load_hdb(struct mail_detect *d, const char *path, char *err,
		    size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	ssize_t n;
	int ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		const char *why = NULL;
		char *p = line;

		lineno++;
		while (n > 0 && isspace((unsigned char)line[n - 1]))
			line[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if ((size_t)n != strlen(line)) {
			why = "a NUL byte in the line";
			ret = -EINVAL;
		} else {
			ret = parse_hdb_line(d, p, &why);
		}
		if (ret) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto out;
		}
	}
	if (ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	}
out:
	free(line);
	fclose(f);
	return ret;
}

/* libclamav's process-wide initialisation, done once whatever happens. */
static cl_error_t clamav_init(void)
{
	static bool done;
	static cl_error_t ret;

	if (!done) {
		ret = cl_init(CL_INIT_DEFAULT);
		done = true;
	}
	return ret;
}

static int load_clamav(struct mail_detect *d, const struct mail_detect_opts *o,
		       char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	cl_error_t ret;

	ret = clamav_init();
	if (ret != CL_SUCCESS) {
		snprintf(err, errlen, "libclamav: cl_init: %s", cl_strerror(ret));
		return -EIO;
	}
	d->engine = cl_engine_new();
	if (!d->engine) {
		snprintf(err, errlen, "libclamav: out of memory");
		return -ENOMEM;
	}
	/* Archives are unpacked into files: where the administrator says. */
	ret = cl_engine_set_str(d->engine, CL_ENGINE_TMPDIR,
				tmp && *tmp ? tmp : "/tmp");
	if (ret == CL_SUCCESS && o->clamav_max_size) {
		ret = cl_engine_set_num(d->engine, CL_ENGINE_MAX_SCANSIZE,
					o->clamav_max_size);
		if (ret == CL_SUCCESS)
			ret = cl_engine_set_num(d->engine, CL_ENGINE_MAX_FILESIZE,
						o->clamav_max_size);
	}
	if (ret != CL_SUCCESS) {
		snprintf(err, errlen, "libclamav: engine settings: %s",
			 cl_strerror(ret));
		return -EINVAL;
	}
	ret = cl_load(o->clamav_db, d->engine, &d->sigs, CL_DB_STDOPT);
	if (ret != CL_SUCCESS) {
		snprintf(err, errlen, "%s: %s", o->clamav_db, cl_strerror(ret));
		return -EINVAL;
	}
	ret = cl_engine_compile(d->engine);
	if (ret != CL_SUCCESS) {
		snprintf(err, errlen, "%s: compiling: %s", o->clamav_db,
			 cl_strerror(ret));
		return -EINVAL;
	}
	/* As clamscan does by default: every parser, archives unpacked. */
	d->scan.general = CL_SCAN_GENERAL_HEURISTICS;
	d->scan.parse = ~0u;
	d->raw_scan = !o->no_raw_scan;
	return 0;
}

int mail_detect_new(const struct mail_detect_opts *o, struct mail_detect **dp,
		    char *err, size_t errlen)
{
	struct mail_detect *d;
	int ret = 0;

	*dp = NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (o->hdb) {
		d->md5 = EVP_MD_fetch(NULL, "MD5", NULL);
		if (!d->md5) {
			snprintf(err, errlen, "libcrypto: no MD5");
			ret = -ENOSYS;
			goto fail;
		}
		ret = load_hdb(d, o->hdb, err, errlen);
		if (ret)
			goto fail;
	}
	if (o->clamav_db) {
		ret = load_clamav(d, o, err, errlen);
		if (ret)
			goto fail;
	}
	*dp = d;
	return 0;
fail:
	mail_detect_free(d);
	return ret;
}

void mail_detect_free(struct mail_detect *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nbuckets; i++) {
		while (d->buckets[i]) {
			struct md5_entry *e = d->buckets[i];

			d->buckets[i] = e->next;
			free(e);
		}
	}
	free(d->buckets);
	EVP_MD_free(d->md5);
	if (d->engine)
		cl_engine_free(d->engine);
	free(d);
}

size_t mail_detect_md5_count(const struct mail_detect *d)
{
	return d->count;
}

unsigned int mail_detect_clamav_sigs(const struct mail_detect *d)
{
	return d->sigs;
}

bool mail_detect_raw_scan(const struct mail_detect *d)
{
	return d->engine && d->raw_scan;
}

static int check_md5(struct mail_detect *d, const void *data, size_t len,
		     const char **virname, char *err, size_t errlen)
{
	unsigned char md5[EVP_MAX_MD_SIZE];
	unsigned int mdlen;

	if (!EVP_Digest(data, len, md5, &mdlen, d->md5, NULL) ||
	    mdlen != MD5_LEN) {
		snprintf(err, errlen, "libcrypto: MD5 failed");
		return -EIO;
	}
	for (struct md5_entry *e = d->buckets[bucket_of(d, md5)]; e; e = e->next) {
		if (!memcmp(e->md5, md5, MD5_LEN) &&
		    (e->any_size || e->size == len)) {
			*virname = e->name;
			return 1;
		}
	}
	return 0;
}

static int check_clamav(struct mail_detect *d, const void *data, size_t len,
			const char *filename, const char **virname,
			char *err, size_t errlen)
{
	unsigned long scanned = 0;
	cl_fmap_t *map;
	cl_error_t ret;

	/* An empty map is refused by libclamav; nothing to find in it anyway. */
	if (!len)
		return 0;
	map = cl_fmap_open_memory(data, len);
	if (!map) {
		snprintf(err, errlen, "libclamav: cannot map %zu bytes", len);
		return -ENOMEM;
	}
	ret = cl_scanmap_callback(map, filename, virname, &scanned, d->engine,
				  &d->scan, NULL);
	cl_fmap_close(map);
	if (ret == CL_VIRUS)
		return 1;
	if (ret == CL_CLEAN)
		return 0;
	snprintf(err, errlen, "libclamav: %s", cl_strerror(ret));
	return -EIO;
}

int mail_detect_check(struct mail_detect *d, const void *data, size_t len,
		      const char *filename, const char **virname,
		      unsigned int *by, char *err, size_t errlen)
{
	int ret;

	/* The table lookup first: it is the cheaper of the two. */
	if (d->count) {
		ret = check_md5(d, data, len, virname, err, errlen);
		if (ret) {
			*by = MAIL_BY_MD5;
			return ret;
		}
	}
	if (d->engine) {
		ret = check_clamav(d, data, len, filename, virname, err, errlen);
		if (ret) {
			*by = MAIL_BY_CLAMAV;
			return ret;
		}
	}
	return 0;
}

int mail_detect_check_raw(struct mail_detect *d, const void *msg, size_t len,
			  const char **virname, char *err, size_t errlen)
{
	if (!d->engine)
		return 0;
	return check_clamav(d, msg, len, NULL, virname, err, errlen);
}
