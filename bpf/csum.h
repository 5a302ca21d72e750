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

/* One's-complement sum of len bytes at data + off, verified against
 * data_end.  Returns 0xffff folded when the covered data (checksum field
 * included) is correct; -1 when it cannot be summed. */
static __always_inline int csum_region(void *ctx, bool is_xdp, void *data,
				       void *data_end, __u32 off, __u32 len,
				       __u32 seed)
{
	/* 4 spare bytes: the verifier bounds (rem + 3) & ~3 only by 66. */
	__u8 tail[CSUM_CHUNK + 4] = {};
	__s64 sum = seed;
	__u32 rem;

	off &= CSUM_OFF_MASK;
	if (len > CSUM_CHUNK * CSUM_MAX_CHUNK)
		return -1;
	/* Whole 64-byte chunks straight from the packet.  The constant chunk
	 * size keeps each round's bounds check a constant the verifier can
	 * match against data_end. */
	for (int i = 0; i < CSUM_MAX_CHUNK; i++) {
		void *p = data + off;

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
	/* The tail (< 64 bytes) copied into a zeroed buffer: zero padding
	 * does not change the sum, and the tail starts at an even offset
	 * from the start so the byte pairing is preserved. */
	rem = len & (CSUM_CHUNK - 1);
	if (rem) {
		int err;

		if (is_xdp)
			err = bpf_xdp_load_bytes(ctx, off, tail, rem);
		else
			err = bpf_skb_load_bytes(ctx, off, tail, rem);
		if (err)
			return -1;
		sum = bpf_csum_diff(0, 0, (void *)tail, (rem + 3) & ~3u, sum);
		if (sum < 0)
			return -1;
	}
	return csum_fold32((__u32)sum);
}

/* Folded sum of the TCP pseudo-header (addresses as in the packet).  This
 * is what Linux leaves in the checksum field of a CHECKSUM_PARTIAL segment
 * (tcp_v4_send_check / tcp_v6_send_check), for the device to complete. */
static __always_inline __u16 tcp_pseudo_fold(const __u8 *src, const __u8 *dst,
					     __u32 v4, __u32 tcp_len)
{
	__u32 sum = IPPROTO_TCP + (tcp_len >> 16) + (tcp_len & 0xffff);
	int n = v4 ? 4 : 16;

#pragma unroll
	for (int i = 0; i < 16; i += 2) {
		if (i >= n)
			break;
		sum += ((__u32)src[i] << 8) | src[i + 1];
		sum += ((__u32)dst[i] << 8) | dst[i + 1];
	}
	return csum_fold32(sum);
}

#endif /* MTUG_CSUM_H */
