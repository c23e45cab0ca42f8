/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP sequence numbers and 64-bit stream offsets.
 *
 * A byte stream is numbered from 0: offset 0 is the byte whose sequence
 * number is ISN + 1 (the SYN takes ISN). Sequence numbers wrap at 2^32,
 * offsets never do. A sequence number is turned into an offset against a
 * reference point whose offset is known, taking the interpretation nearest
 * to it (within -2^31 .. 2^31 - 1), as before() and after() of
 * <net/tcp.h> do; the reference must therefore be kept within 2^31 of the
 * numbers converted, which any point of the current window is.
 */
#ifndef _SIS_TCP_SEQ_H
#define _SIS_TCP_SEQ_H

#include <linux/kernel.h>
#include <linux/types.h>

/**
 * sis_seq_delta() - Signed distance between two sequence numbers.
 * @a: a sequence number.
 * @b: the sequence number it is compared with.
 *
 * Return: how far @a is after @b, negative when before(@a, @b).
 */
static inline s64 sis_seq_delta(u32 a, u32 b)
{
	return (s32)(a - b);
}

/**
 * sis_seq_off() - Stream offset of a sequence number.
 * @seq: the sequence number.
 * @ref_seq: a reference sequence number...
 * @ref_off: ...and its stream offset.
 * @off: the offset of @seq, on success.
 *
 * Return: true and *@off set, or false if @seq would be before the start of
 * the stream (a negative offset); *@off is then left alone.
 */
static inline bool sis_seq_off(u32 seq, u32 ref_seq, u64 ref_off, u64 *off)
{
	s64 d = sis_seq_delta(seq, ref_seq);

	if (d < 0 && (u64)-d > ref_off)
		return false;
	*off = ref_off + d;
	return true;
}

/**
 * sis_off_to_seq() - Sequence number of a stream offset.
 * @off: the stream offset.
 * @ref_seq: a reference sequence number...
 * @ref_off: ...and its stream offset.
 *
 * Return: the sequence number of @off; exact for any @off, since sequence
 * numbers are offsets modulo 2^32.
 */
static inline u32 sis_off_to_seq(u64 off, u32 ref_seq, u64 ref_off)
{
	return ref_seq + lower_32_bits(off - ref_off);
}

#endif /* _SIS_TCP_SEQ_H */
