// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* libpcap, loaded when first needed (pcap.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "pcap.h"

/* The soname of the libpcap built against (mk/userspace.mk). */
#ifndef LIBPCAP_SONAME
#error "LIBPCAP_SONAME: the soname of libpcap, e.g. \"libpcap.so.0.8\""
#endif

static struct sis_pcap pcap;

const struct sis_pcap *sis_pcap_load(char *err, size_t err_len)
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
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	const struct sis_pcap *r = &pcap;
	void *h;

	pthread_mutex_lock(&lock);
	if (pcap.close)
		goto out;
	h = dlopen(LIBPCAP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, err_len, "cannot load libpcap: %s", dlerror());
		r = NULL;
		goto out;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].fn = dlsym(h, syms[i].name);
		if (!*syms[i].fn) {
			/* pcap.close, set last, stays NULL: tried again. */
			snprintf(err, err_len, "%s lacks %s", LIBPCAP_SONAME,
				 syms[i].name);
			dlclose(h);
			r = NULL;
			goto out;
		}
	}
out:
	pthread_mutex_unlock(&lock);
	return r;
}
