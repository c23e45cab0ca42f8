// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libsis filters: pcap-filter(7) expressions compiled by libpcap for
 * Ethernet frames, handed to the kernel as struct sock_filter arrays. The
 * one compiler of the project: sisctl's rules and capabilities use it too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "pcap.h"

/*
 * The snap length only becomes the "accept" return value; the kernel takes
 * any non-zero return as a match and runs the program on the whole frame.
 */
#define FILTER_SNAPLEN	262144

static int filter_copy(const struct bpf_program *prog,
		       struct sock_filter **insns, unsigned int *len)
{
	struct sock_filter *f;

	f = calloc(prog->bf_len, sizeof(*f));
	if (!f)
		return -ENOMEM;
	for (unsigned int i = 0; i < prog->bf_len; i++) {
		f[i].code = prog->bf_insns[i].code;
		f[i].jt = prog->bf_insns[i].jt;
		f[i].jf = prog->bf_insns[i].jf;
		f[i].k = prog->bf_insns[i].k;
	}
	*insns = f;
	*len = prog->bf_len;
	return 0;
}

int sis_filter_compile(const char *expr, struct sock_filter **insns,
		       unsigned int *len, char *err, size_t err_len)
{
	const struct sis_pcap *pcap;
	struct bpf_program prog;
	pcap_t *p;
	int r;

	*insns = NULL;
	*len = 0;
	if (err && err_len)
		err[0] = '\0';
	if (!expr)
		expr = "";
	if (strlen(expr) >= SIS_RULE_EXPR_MAX) {
		snprintf(err, err_len, "filter: longer than %d bytes",
			 SIS_RULE_EXPR_MAX - 1);
		return -EINVAL;
	}

	pcap = sis_pcap_load(err, err_len);
	if (!pcap)
		return -ENOENT;
	p = pcap->open_dead(DLT_EN10MB, FILTER_SNAPLEN);
	if (!p) {
		snprintf(err, err_len, "filter: cannot initialize libpcap");
		return -ENOMEM;
	}
	if (pcap->compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, err_len, "filter: %s", pcap->geterr(p));
		pcap->close(p);
		return -EINVAL;
	}
	pcap->close(p);

	if (!prog.bf_len || prog.bf_len > BPF_MAXINSNS) {
		snprintf(err, err_len,
			 "filter: %u instructions, the kernel takes 1 to %d",
			 prog.bf_len, BPF_MAXINSNS);
		r = -EINVAL;
	} else {
		r = filter_copy(&prog, insns, len);
		if (r < 0)
			snprintf(err, err_len, "filter: %s", strerror(-r));
	}
	pcap->freecode(&prog);
	return r;
}
