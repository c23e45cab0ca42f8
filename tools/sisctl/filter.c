// SPDX-License-Identifier: GPL-2.0
/* Filter expressions compiled to classic BPF by libpcap, as tcpdump does. */
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "sisctl.h"

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

	p = pcap_open_dead(DLT_EN10MB, FILTER_SNAPLEN);
	if (!p) {
		snprintf(err, err_len, "cannot initialize libpcap");
		return -1;
	}
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, err_len, "%s", pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	pcap_close(p);

	if (!prog.bf_len || prog.bf_len > BPF_MAXINSNS) {
		snprintf(err, err_len,
			 "program has %u instructions, the kernel takes 1 to %d",
			 prog.bf_len, BPF_MAXINSNS);
		pcap_freecode(&prog);
		return -1;
	}
	f = calloc(prog.bf_len, sizeof(*f));
	if (!f) {
		snprintf(err, err_len, "out of memory");
		pcap_freecode(&prog);
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
	pcap_freecode(&prog);
	return 0;
}
