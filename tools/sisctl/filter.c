// SPDX-License-Identifier: GPL-2.0
/*
 * libpcap: filter expressions compiled to classic BPF, as tcpdump does, and
 * capture files read (inject add) and written (monitor --pcap).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "sisctl.h"

#ifndef LIBPCAP_SONAME
#define LIBPCAP_SONAME "libpcap.so.0.8"
#endif

/*
 * libpcap is loaded when it is needed, not when sisctl starts: Debian's
 * brings the D-Bus, systemd and libgcrypt libraries along, whose loading is
 * most of sisctl's start-up, and only a few commands need it.
 */
static struct {
	pcap_t *(*open_dead)(int, int);
	int (*compile)(pcap_t *, struct bpf_program *, const char *, int,
		       bpf_u_int32);
	char *(*geterr)(pcap_t *);
	void (*freecode)(struct bpf_program *);
	pcap_t *(*open_offline)(const char *, char *);
	int (*next_ex)(pcap_t *, struct pcap_pkthdr **, const u_char **);
	int (*datalink)(pcap_t *);
	pcap_dumper_t *(*dump_open)(pcap_t *, const char *);
	void (*dump)(u_char *, const struct pcap_pkthdr *, const u_char *);
	int (*dump_flush)(pcap_dumper_t *);
	void (*dump_close)(pcap_dumper_t *);
	void (*close)(pcap_t *);
} pcap;

static int pcap_load(char *err, size_t err_len)
{
	static const struct {
		const char *name;
		void **fn;
	} syms[] = {
		{ "pcap_open_dead", (void **)&pcap.open_dead },
		{ "pcap_compile", (void **)&pcap.compile },
		{ "pcap_geterr", (void **)&pcap.geterr },
		{ "pcap_freecode", (void **)&pcap.freecode },
		{ "pcap_open_offline", (void **)&pcap.open_offline },
		{ "pcap_next_ex", (void **)&pcap.next_ex },
		{ "pcap_datalink", (void **)&pcap.datalink },
		{ "pcap_dump_open", (void **)&pcap.dump_open },
		{ "pcap_dump", (void **)&pcap.dump },
		{ "pcap_dump_flush", (void **)&pcap.dump_flush },
		{ "pcap_dump_close", (void **)&pcap.dump_close },
		/* Last: it tells that all of them are loaded. */
		{ "pcap_close", (void **)&pcap.close },
	};
	void *h;

	if (pcap.close)
		return 0;
	h = dlopen(LIBPCAP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, err_len, "cannot load libpcap: %s", dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].fn = dlsym(h, syms[i].name);
		if (!*syms[i].fn) {
			snprintf(err, err_len, "%s lacks %s", LIBPCAP_SONAME,
				 syms[i].name);
			pcap.close = NULL;
			return -1;
		}
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

/*
 * The first packet of a capture file (pcap or pcapng, Ethernet): its first
 * min(caplen, size) bytes into buf, its captured and wire lengths.
 */
int pcapfile_read_first(const char *path, unsigned char *buf, size_t size,
			size_t *caplen, size_t *len, char *err, size_t err_len)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int r;

	if (pcap_load(err, err_len) < 0)
		return -1;
	p = pcap.open_offline(path, errbuf);
	if (!p) {
		snprintf(err, err_len, "%s", errbuf);
		return -1;
	}
	if (pcap.datalink(p) != DLT_EN10MB) {
		snprintf(err, err_len,
			 "\"%s\" is not an Ethernet capture (link type %d)",
			 path, pcap.datalink(p));
		pcap.close(p);
		return -1;
	}
	r = pcap.next_ex(p, &h, &data);
	if (r != 1) {
		if (r == PCAP_ERROR_BREAK)
			snprintf(err, err_len, "\"%s\" holds no packet", path);
		else
			snprintf(err, err_len, "\"%s\": %s", path,
				 pcap.geterr(p));
		pcap.close(p);
		return -1;
	}
	*caplen = h->caplen;
	*len = h->len;
	memcpy(buf, data, h->caplen < size ? h->caplen : size);
	pcap.close(p);
	return 0;
}

struct pcapfile {
	pcap_t *p;
	pcap_dumper_t *d;
};

/* Records up to this long; alerts carry at most SIS_ALERT_DATA_MAX bytes. */
#define PCAPFILE_SNAPLEN 262144

/* A new pcap file of Ethernet frames, microsecond timestamps. */
struct pcapfile *pcapfile_create(const char *path, char *err, size_t err_len)
{
	struct pcapfile *f;

	if (pcap_load(err, err_len) < 0)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, err_len, "%s", strerror(ENOMEM));
		return NULL;
	}
	f->p = pcap.open_dead(DLT_EN10MB, PCAPFILE_SNAPLEN);
	if (!f->p) {
		snprintf(err, err_len, "cannot initialize libpcap");
		free(f);
		return NULL;
	}
	f->d = pcap.dump_open(f->p, path);
	if (!f->d) {
		snprintf(err, err_len, "%s", pcap.geterr(f->p));
		pcap.close(f->p);
		free(f);
		return NULL;
	}
	return f;
}

/* One record, flushed so that readers see it at once: 0 or -errno. */
int pcapfile_write(struct pcapfile *f, uint64_t time_ns, const void *data,
		   size_t caplen, size_t len)
{
	struct pcap_pkthdr h = {
		.ts.tv_sec = (time_t)(time_ns / 1000000000u),
		.ts.tv_usec = (suseconds_t)(time_ns % 1000000000u / 1000u),
		.caplen = (bpf_u_int32)caplen,
		.len = (bpf_u_int32)(len < caplen ? caplen : len),
	};

	if (caplen > PCAPFILE_SNAPLEN)
		return -EMSGSIZE;
	pcap.dump((u_char *)f->d, &h, data);
	return pcap.dump_flush(f->d) < 0 ? -(errno ? errno : EIO) : 0;
}

int pcapfile_close(struct pcapfile *f)
{
	int r;

	if (!f)
		return 0;
	r = pcap.dump_flush(f->d) < 0 ? -(errno ? errno : EIO) : 0;
	pcap.dump_close(f->d);
	pcap.close(f->p);
	free(f);
	return r;
}
