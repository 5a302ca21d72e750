/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * csum.h - Internet checksum arithmetic (RFC 1071 / RFC 1624), all values
 * in host order as big-endian 16-bit words would read.
 */
#ifndef MTUG_CSUM_H
#define MTUG_CSUM_H

static __always_inline __u16 csum_fold32(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
static __always_inline __u16 csum_update16(__u16 hc, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~hc + (__u16)~old + (__u32)new;

	return (__u16)~csum_fold32(sum);
}

/* A 16-bit field at an odd byte offset from the start of the checksummed
 * data straddles two words: its high byte is the low byte of one word and
 * its low byte the high byte of the next.  Its contribution to the sum is
 * therefore the byte-swapped value.  (This is what xt_TCPMSS gets wrong.) */
static __always_inline __u16 csum_word_at(__u16 v, __u32 offset)
{
	return (offset & 1) ? (__u16)((v << 8) | (v >> 8)) : v;
}

#endif /* MTUG_CSUM_H */
