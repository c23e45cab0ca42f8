// SPDX-License-Identifier: GPL-2.0
/* Filter expressions compiled to classic BPF by libpcap, as tcpdump does. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "sisctl.h"

#ifndef LIBPCAP_SONAME
#define LIBPCAP_SONAME "libpcap.so.0.8"
#endif

/*
 * libpcap is loaded when a filter is compiled, not when sisctl starts:
 * Debian's brings the D-Bus, systemd and libgcrypt libraries along, whose
 * loading is most of sisctl's start-up, and only `prevent add` needs it.
 */
static struct {
	pcap_t *(*open_dead)(int, int);
	int (*compile)(pcap_t *, struct bpf_program *, const char *, int,
		       bpf_u_int32);
	char *(*geterr)(pcap_t *);
	void (*freecode)(struct bpf_program *);
	void (*close)(pcap_t *);
} pcap;

static int pcap_load(char *err, size_t err_len)
{
	void *h;

	if (pcap.close)
		return 0;
	h = dlopen(LIBPCAP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, err_len, "cannot load libpcap: %s", dlerror());
		return -1;
	}
	pcap.open_dead = dlsym(h, "pcap_open_dead");
	pcap.compile = dlsym(h, "pcap_compile");
	pcap.geterr = dlsym(h, "pcap_geterr");
	pcap.freecode = dlsym(h, "pcap_freecode");
	pcap.close = dlsym(h, "pcap_close");
	if (!pcap.open_dead || !pcap.compile || !pcap.geterr ||
	    !pcap.freecode || !pcap.close) {
		snprintf(err, err_len, "%s lacks pcap_compile and friends",
			 LIBPCAP_SONAME);
		pcap.close = NULL;
		return -1;
	}
	return 0;
}

/* The snap length only bounds loads; the kernel runs on the whole frame. */
#define FILTER_SNAPLEN 262144

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return false;
	return true;
}

/*
 * Compile expr for Ethernet frames. On success *insns (malloc'ed) holds
 * *len instructions; on failure err holds the reason, without "filter: ".
 */
int filter_compile(const char *expr, struct sock_filter **insns,
		   unsigned int *len, char *err, size_t err_len)
{
	struct bpf_program prog;
	struct sock_filter *f;
	pcap_t *p;

	*insns = NULL;
	*len = 0;
	if (blank(expr)) {
		snprintf(err, err_len, "empty expression");
		return -1;
	}
	if (strlen(expr) >= SIS_RULE_EXPR_MAX) {
		snprintf(err, err_len, "expression longer than %d bytes",
			 SIS_RULE_EXPR_MAX - 1);
		return -1;
	}

	if (pcap_load(err, err_len) < 0)
		return -1;
	p = pcap.open_dead(DLT_EN10MB, FILTER_SNAPLEN);
	if (!p) {
		snprintf(err, err_len, "cannot initialize libpcap");
		return -1;
	}
	if (pcap.compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, err_len, "%s", pcap.geterr(p));
		pcap.close(p);
		return -1;
	}
	pcap.close(p);

	if (!prog.bf_len || prog.bf_len > BPF_MAXINSNS) {
		snprintf(err, err_len,
			 "program has %u instructions, the kernel takes 1 to %d",
			 prog.bf_len, BPF_MAXINSNS);
		pcap.freecode(&prog);
		return -1;
	}
	f = calloc(prog.bf_len, sizeof(*f));
	if (!f) {
		snprintf(err, err_len, "out of memory");
		pcap.freecode(&prog);
		return -1;
	}
	for (unsigned int i = 0; i < prog.bf_len; i++) {
		f[i].code = prog.bf_insns[i].code;
		f[i].jt = prog.bf_insns[i].jt;
		f[i].jf = prog.bf_insns[i].jf;
		f[i].k = prog.bf_insns[i].k;
	}
	*insns = f;
	*len = prog.bf_len;
	pcap.freecode(&prog);
	return 0;
}
