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

/* Longest region csum_region() sums (24 chunks of 64 bytes): RFC 1812 caps
 * ICMPv4 errors at 576 bytes, RFC 4443 ICMPv6 at 1280, a SYN is < 100. */
#define CSUM_CHUNK     64
#define CSUM_MAX_CHUNK 24
#define CSUM_OFF_MASK  0x3fff
/* bpf_csum_diff() takes at most 512 bytes (its scratch buffer, before
 * Linux 6.12).  Each call costs about as much as summing 512 bytes, so the
 * big chunks go first; the tail is summed in BPF, without a helper. */
#define CSUM_BIG_CHUNK 512

/* One's-complement sum of len bytes at data + off, verified against
 * data_end.  Returns 0xffff folded when the covered data (checksum field
 * included) is correct; -1 when it cannot be summed.  The region must be
 * in the linear data (TC callers pull it first). */
static __always_inline int csum_region(void *ctx, bool is_xdp, void *data,
				       void *data_end, __u32 off, __u32 len,
				       __u32 seed)
{
	__s64 sum = seed;
	__u64 words = 0;

	off &= CSUM_OFF_MASK;
	if (len > CSUM_CHUNK * CSUM_MAX_CHUNK)
		return -1;
	/* Whole chunks straight from the packet, 512 bytes, then 64.  The
	 * constant chunk sizes keep each round's bounds check a constant the
	 * verifier can match against data_end. */
	for (int i = 0; i < CSUM_CHUNK * CSUM_MAX_CHUNK / CSUM_BIG_CHUNK; i++) {
		void *p;

		if (len < CSUM_BIG_CHUNK)
			break;
		off &= CSUM_OFF_MASK;
		p = data + off;
		if (p + CSUM_BIG_CHUNK > data_end)
			return -1;
		sum = bpf_csum_diff(0, 0, p, CSUM_BIG_CHUNK, sum);
		if (sum < 0)
			return -1;
		off += CSUM_BIG_CHUNK;
		len -= CSUM_BIG_CHUNK;
	}
	for (int i = 0; i < CSUM_BIG_CHUNK / CSUM_CHUNK; i++) {
		void *p;

		if (len < CSUM_CHUNK)
			break;
		off &= CSUM_OFF_MASK;
		p = data + off;
		if (p + CSUM_CHUNK > data_end)
			return -1;
		sum = bpf_csum_diff(0, 0, p, CSUM_CHUNK, sum);
		if (sum < 0)
			return -1;
		off += CSUM_CHUNK;
		len -= CSUM_CHUNK;
	}
	/* The tail (< 64 bytes): 32-bit words in memory order, as
	 * bpf_csum_diff sums them, then the last 1-3 bytes zero-padded to a
	 * word.  Every chunk and word is a multiple of 4 bytes, so the byte
	 * pairing of the 16-bit sum is preserved. */
	for (int i = 0; i < CSUM_CHUNK / 4; i++) {
		void *p;

		if (len < 4)
			break;
		off &= CSUM_OFF_MASK;
		p = data + off;
		if (p + 4 > data_end)
			return -1;
		words += *(__u32 *)p;
		off += 4;
		len -= 4;
	}
	if (len) {
		__u8 b[4] = {};
		__u8 *p;
		__u32 w;

		off &= CSUM_OFF_MASK;
		p = data + off;
		if ((void *)(p + 1) > data_end)
			return -1;
		b[0] = p[0];
		if (len > 1) {
			if ((void *)(p + 2) > data_end)
				return -1;
			b[1] = p[1];
		}
		if (len > 2) {
			if ((void *)(p + 3) > data_end)
				return -1;
			b[2] = p[2];
		}
		__builtin_memcpy(&w, b, 4);
		words += w;
	}
	words += (__u32)sum;
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
 * IPv4's zero byte and protocol.  Both callers' addresses are 4-byte
 * aligned (struct mtug_lpm_v6_key, struct flow). */
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
