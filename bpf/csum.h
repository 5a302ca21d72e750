/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * csum.h - Internet checksum arithmetic (RFC 1071 / RFC 1624), all values
 * in host order as big-endian 16-bit words would read.
 */
#ifndef MTUG_CSUM_H
#define MTUG_CSUM_H

#include <bpf/bpf_endian.h>

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

/* Longest region csum_region() sums: RFC 1812 caps ICMPv4 errors at 576
 * bytes, RFC 4443 ICMPv6 at 1280, a SYN is < 100. */
#define CSUM_MAX_LEN  1536
#define CSUM_OFF_MASK 0x3fff
#define CSUM_BLOCK    64

/* Add the n 32-bit words at p (bounds already checked) to *words.  Two
 * accumulators, so that the adds are two dependency chains, not one. */
#define CSUM_ADD_WORDS(words, p, n)                                     \
	do {                                                            \
		__u64 a_ = 0, b_ = 0;                                   \
		_Pragma("unroll")                                       \
		for (int k_ = 0; k_ < (n); k_ += 2) {                   \
			a_ += ((const __u32 *)(p))[k_];                 \
			b_ += ((const __u32 *)(p))[k_ + 1];             \
		}                                                       \
		*(words) += a_ + b_;                                    \
	} while (0)

/* Add the size bytes at data + off (size a constant multiple of 8) to
 * *words; -1 when they run past data_end. */
static __always_inline int csum_add_block(void *data, void *data_end, __u32 off,
					  __u32 size, __u64 *words)
{
	void *p = data + (off & CSUM_OFF_MASK);

	if (p + size > data_end)
		return -1;
	CSUM_ADD_WORDS(words, p, size / 4);
	return 0;
}

/* One's-complement sum of len bytes at data + off, verified against
 * data_end, plus seed (a sum in memory order).  Returns 0xffff folded when
 * the covered data (checksum field included) is correct; -1 when it
 * cannot be summed.  The region must be in the linear data (TC callers
 * pull it first).
 * All in BPF, no helper: 64-byte blocks, then one block each of 32, 16, 8
 * and 4 bytes as len's bits say, then the last 1-3 bytes; straight-line
 * word loads with one bounds check per block.  bpf_csum_diff() would cost
 * a helper call and its return, and a loop of single words more branches
 * than the blocks (make bench compares them).  Every block is a multiple
 * of 4 bytes, so the byte pairing of the 16-bit sum holds. */
static __always_inline int csum_region(void *data, void *data_end, __u32 off,
				       __u32 len, __u32 seed)
{
	__u64 words = seed;
	void *p;

	off &= CSUM_OFF_MASK;
	if (len > CSUM_MAX_LEN)
		return -1;
	/* The constant sizes keep each bounds check a constant the verifier
	 * can match against data_end. */
	for (int i = 0; i < CSUM_MAX_LEN / CSUM_BLOCK; i++) {
		if (len < CSUM_BLOCK)
			break;
		off &= CSUM_OFF_MASK;
		p = data + off;
		if (p + CSUM_BLOCK > data_end)
			return -1;
		CSUM_ADD_WORDS(&words, p, CSUM_BLOCK / 4);
		off += CSUM_BLOCK;
		len -= CSUM_BLOCK;
	}
	/* Opaque to the compiler from here: otherwise it specialises the tail
	 * for each of the loop's exits (make bench: a slower steered PTB). */
	barrier_var(off);
	/* len < 64 here: its bits 5..3 pick the blocks of 32, 16 and 8. */
#pragma unroll
	for (__u32 size = 32; size >= 8; size /= 2) {
		if (!(len & size))
			continue;
		if (csum_add_block(data, data_end, off, size, &words))
			return -1;
		off += size;
	}
	if (len & 4) {
		off &= CSUM_OFF_MASK;
		p = data + off;
		if (p + 4 > data_end)
			return -1;
		words += *(__u32 *)p;
		off += 4;
	}
	len &= 3;
	if (len) {
		__u8 b[4] = {};
		__u8 *q;
		__u32 w;

		off &= CSUM_OFF_MASK;
		q = data + off;
		if ((void *)(q + 1) > data_end)
			return -1;
		b[0] = q[0];
		if (len > 1) {
			if ((void *)(q + 2) > data_end)
				return -1;
			b[1] = q[1];
		}
		if (len > 2) {
			if ((void *)(q + 3) > data_end)
				return -1;
			b[2] = q[2];
		}
		__builtin_memcpy(&w, b, 4);
		words += w;
	}
	words = (words & 0xffffffff) + (words >> 32);
	words = (words & 0xffffffff) + (words >> 32);
	return csum_fold32((__u32)words);
}

/* Folded sum of the TCP/UDP pseudo-header (addresses as in the packet),
 * in memory order: the checksum field's bytes read as a raw __u16.  This
 * is what Linux leaves in the checksum field of a CHECKSUM_PARTIAL
 * segment (tcp_v4_send_check, udp4_hwcsum, ...) for the device to
 * complete.
 * Summed as raw 32-bit words, 2 or 8 address loads instead of 8 or 32
 * byte loads with shifts, and left in memory order (no swaps, one fold
 * less): it is on every clamped SYN's path (make bench).  A
 * one's-complement sum does not depend on byte order (RFC 1071 2.B), so
 * the length and protocol go in as network-order words: htonl(proto) is
 * the IPv6 pseudo-header's word and, folded, the same 16-bit word as
 * IPv4's zero byte and protocol.  Every caller's addresses are 4-byte
 * aligned (struct mtug_lpm_v6_key, struct flow, struct ipv6hdr). */
static __always_inline __u16 l4_pseudo_fold(const __u8 *src, const __u8 *dst,
					    __u32 v4, __u32 l4_len, __u32 proto)
{
	const __u32 *s = (const __u32 *)src, *d = (const __u32 *)dst;
	__u64 raw = (__u64)s[0] + d[0] + bpf_htonl(proto) + bpf_htonl(l4_len);

	if (!v4)
		raw += (__u64)s[1] + s[2] + s[3] + d[1] + d[2] + d[3];
	raw = (raw & 0xffffffff) + (raw >> 32);
	raw = (raw & 0xffffffff) + (raw >> 32);
	return csum_fold32((__u32)raw);
}

#endif /* MTUG_CSUM_H */
