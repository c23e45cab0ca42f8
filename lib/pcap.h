/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * libpcap, loaded when it is first needed rather than linked: Debian's
 * brings the D-Bus, systemd and libgcrypt libraries along, whose loading
 * would be most of a short program's start-up (sisctl's), and only some
 * uses need it (linked, it adds 0.7 ms to each start). libsis compiles
 * filters with it (filter.c); sisctl reads and writes capture files with
 * it too. It is loaded by the soname of the libpcap the build compiled
 * against (LIBPCAP_SONAME, read from its libpcap.so), so a package built
 * here depends on that libpcap, as if it were linked.
 */
#ifndef SIS_LIB_PCAP_H
#define SIS_LIB_PCAP_H

#include <stddef.h>
#include <pcap/pcap.h>

struct sis_pcap {
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
};

/*
 * The functions above, loaded once: NULL with the reason in err when
 * libpcap cannot be loaded.
 */
const struct sis_pcap *sis_pcap_load(char *err, size_t err_len);

#endif /* SIS_LIB_PCAP_H */
