// SPDX-License-Identifier: GPL-2.0
/*
 * libpcap: filter expressions compiled to classic BPF by libsis
 * (lib/filter.c), as tcpdump does, and capture files read (inject add) and
 * written (monitor --pcap), with libsis's loader (lib/pcap.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "internal.h"
#include "pcap.h"
#include "sisctl.h"

static const struct sis_pcap *pcap;

/* libpcap for capture files: 0, or -1 with the reason in err. */
static int pcap_load(char *err, size_t err_len)
{
	pcap = sis_pcap_load(err, err_len);
	return pcap ? 0 : -1;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return false;
	return true;
}

/*
 * Compile expr for Ethernet frames with libsis's compiler, which refuses
 * nothing sisctl would take; an empty expression, which would match every
 * frame, is refused here. On success *insns (malloc'ed) holds *len
 * instructions; on failure err holds the reason, without "filter: ".
 */
int filter_compile(const char *expr, struct sock_filter **insns,
		   unsigned int *len, char *err, size_t err_len)
{
	static const char prefix[] = "filter: ";

	*insns = NULL;
	*len = 0;
	if (blank(expr)) {
		snprintf(err, err_len, "empty expression");
		return -1;
	}
	if (sis_filter_compile(expr, insns, len, err, err_len) < 0) {
		if (!strncmp(err, prefix, sizeof(prefix) - 1))
			memmove(err, err + sizeof(prefix) - 1,
				strlen(err) - (sizeof(prefix) - 1) + 1);
		return -1;
	}
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
	p = pcap->open_offline(path, errbuf);
	if (!p) {
		snprintf(err, err_len, "%s", errbuf);
		return -1;
	}
	if (pcap->datalink(p) != DLT_EN10MB) {
		snprintf(err, err_len,
			 "\"%s\" is not an Ethernet capture (link type %d)",
			 path, pcap->datalink(p));
		pcap->close(p);
		return -1;
	}
	r = pcap->next_ex(p, &h, &data);
	if (r != 1) {
		if (r == PCAP_ERROR_BREAK)
			snprintf(err, err_len, "\"%s\" holds no packet", path);
		else
			snprintf(err, err_len, "\"%s\": %s", path,
				 pcap->geterr(p));
		pcap->close(p);
		return -1;
	}
	*caplen = h->caplen;
	*len = h->len;
	memcpy(buf, data, h->caplen < size ? h->caplen : size);
	pcap->close(p);
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
	f->p = pcap->open_dead(DLT_EN10MB, PCAPFILE_SNAPLEN);
	if (!f->p) {
		snprintf(err, err_len, "cannot initialize libpcap");
		free(f);
		return NULL;
	}
	f->d = pcap->dump_open(f->p, path);
	if (!f->d) {
		snprintf(err, err_len, "%s", pcap->geterr(f->p));
		pcap->close(f->p);
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
	pcap->dump((u_char *)f->d, &h, data);
	return pcap->dump_flush(f->d) < 0 ? -(errno ? errno : EIO) : 0;
}

int pcapfile_close(struct pcapfile *f)
{
	int r;

	if (!f)
		return 0;
	r = pcap->dump_flush(f->d) < 0 ? -(errno ? errno : EIO) : 0;
	pcap->dump_close(f->d);
	pcap->close(f->p);
	free(f);
	return r;
}
