/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/* The benchmark probes' clock and summary: microseconds, median and mean. */
#ifndef SIS_BENCH_TIMING_H
#define SIS_BENCH_TIMING_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Print "MEDIAN MEAN" of the n values at v (sorted in place). */
static inline void print_median_mean(double *v, int n, const char *fmt)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(*v), cmp_double);
	printf(fmt, n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, sum / n);
}

#endif
