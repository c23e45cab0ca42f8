/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU frame/byte counters. Writers run in the bridge's softirq path and
 * never lock; readers sum over CPUs with the u64_stats retry loop.
 */
#ifndef _SIS_STATS_H
#define _SIS_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

struct sis_pcpu_count {
	u64_stats_t frames;
	u64_stats_t bytes;
	u64_stats_t dropped;
	struct u64_stats_sync syncp;
};

struct sis_count {
	u64 frames;
	u64 bytes;
	u64 dropped;
};

static inline void sis_count_frame(struct sis_pcpu_count __percpu *pc,
				   unsigned int len, bool dropped)
{
	struct sis_pcpu_count *c = this_cpu_ptr(pc);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->frames);
	u64_stats_add(&c->bytes, len);
	if (dropped)
		u64_stats_inc(&c->dropped);
	u64_stats_update_end(&c->syncp);
}

/* A frame already counted turned out to be dropped (a cut held frame). */
static inline void sis_count_drop(struct sis_pcpu_count __percpu *pc)
{
	struct sis_pcpu_count *c = this_cpu_ptr(pc);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->dropped);
	u64_stats_update_end(&c->syncp);
}

static inline void sis_count_read(struct sis_pcpu_count __percpu *pc,
				  struct sis_count *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct sis_pcpu_count *c = per_cpu_ptr(pc, cpu);
		unsigned int start;
		u64 frames, bytes, dropped;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			frames = u64_stats_read(&c->frames);
			bytes = u64_stats_read(&c->bytes);
			dropped = u64_stats_read(&c->dropped);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		sum->frames += frames;
		sum->bytes += bytes;
		sum->dropped += dropped;
	}
}

static inline struct sis_pcpu_count __percpu *sis_count_alloc(unsigned int n)
{
	struct sis_pcpu_count __percpu *pc;
	int cpu;
	unsigned int i;

	pc = __alloc_percpu_gfp(n * sizeof(*pc), __alignof__(*pc), GFP_KERNEL);
	if (!pc)
		return NULL;
	for_each_possible_cpu(cpu)
		for (i = 0; i < n; i++)
			u64_stats_init(&per_cpu_ptr(pc, cpu)[i].syncp);
	return pc;
}

#endif /* _SIS_STATS_H */
