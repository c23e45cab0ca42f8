// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* Writes the unit tests' DNS replies to DIR: the fuzzer's seed corpus. */
#include <stdio.h>

#include "../tests/dns_vectors.h"

static int put(const char *dir, const char *name, const unsigned char *v,
	       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(v, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

#define PUT(v) put(argv[1], #v, v, sizeof(v))

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: corpus DIR\n");
		return 2;
	}
	return PUT(dnsmasq_a) | PUT(dnsmasq_aaaa) | PUT(dnsmasq_cname) |
	       PUT(dnsmasq_nx) | PUT(referral) | PUT(cname_compressed);
}
