// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * prefix_filter.c - see prefix_filter.h.
 *
 * A change reads and writes one range of words with the batch calls: an
 * IPv4 prefix's /24s are contiguous bits, so its words are a range; IPv6
 * words are hashed, so a wide IPv6 prefix (shorter than /26) takes the
 * whole IPv6 part (1 MiB) and a narrow one (most: /48 and longer set one
 * bit, /32 to /47 one word) its few words one by one.  So that loading
 * 100,000 prefixes stays quick.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "prefix_filter.h"

/* The blocks a prefix touches, as bits counted from word 0: IPv4, the /24s
 * it covers (or the one it lies in); IPv6 from /48 on, the bit of the one
 * /48 it lies in; shorter IPv6, all 64 bits of the word of each /32 it
 * covers (or lies in), or every IPv6 bit once those /32s are at least as
 * many as the words. */
enum span_kind { SPAN_V4, SPAN_V6_48, SPAN_V6_32, SPAN_V6_ALL };

struct span {
	enum span_kind kind;
	__u64 first; /* IPv4: first bit; IPv6: the /48 or the first /32 value */
	__u64 n;     /* how many bits */
};

static struct span span_of(int family, const __u8 *addr, __u32 len)
{
	struct span s = {};

	if (family == AF_INET) {
		s.kind = SPAN_V4;
		s.n = len >= MTUG_FILTER_V4_BITS ? 1 : 1ull << (MTUG_FILTER_V4_BITS - len);
		s.first = mtug_filter_v4_bit(addr) & ~(s.n - 1);
	} else if (len >= 48) {
		s.kind = SPAN_V6_48;
		s.n = 1;
		s.first = mtug_v6_top48(addr);
	} else if (len + MTUG_FILTER_V6_WORD_LOG <= 32) {
		s.kind = SPAN_V6_ALL;
		s.n = (__u64)MTUG_FILTER_V6_WORDS * 64;
	} else {
		__u64 n32 = len >= 32 ? 1 : 1ull << (32 - len);

		s.kind = SPAN_V6_32;
		s.n = n32 * 64;
		s.first = mtug_v6_top32(addr) & ~(n32 - 1);
	}
	return s;
}

static __u32 span_bit(const struct span *s, __u64 i)
{
	switch (s->kind) {
	case SPAN_V4:
		return s->first + i;
	case SPAN_V6_48:
		return mtug_filter_v6_bit(s->first);
	case SPAN_V6_32:
		return mtug_filter_v6_word_bit((__u32)(s->first + i / 64)) + i % 64;
	default:
		return MTUG_FILTER_V6_BASE + i;
	}
}

/* Words [first, first + n) of the map, and a copy to change. */
struct range {
	__u32 first, n;
	__u32 *keys;
	__u64 *cur, *next;
};

/* The words one prefix's bits are in: the IPv4 range, or all of IPv6. */
static void range_of(struct range *r, int family, const struct span *s)
{
	if (family == AF_INET) {
		r->first = s->first / 64;
		r->n = (s->first + s->n - 1) / 64 - r->first + 1;
	} else {
		r->first = MTUG_FILTER_V4_WORDS;
		r->n = MTUG_FILTER_V6_WORDS;
	}
}

static void range_free(struct range *r)
{
	free(r->keys);
	free(r->cur);
	free(r->next);
}

/* Read the range; next starts as a copy (keep) or zeroed. */
static int range_read(int fd, struct range *r, bool keep)
{
	__u32 count = r->n, in = r->first - 1, out;

	r->keys = calloc(r->n, sizeof(*r->keys));
	r->cur = calloc(r->n, sizeof(*r->cur));
	r->next = calloc(r->n, sizeof(*r->next));
	if (!r->keys || !r->cur || !r->next)
		return -ENOMEM;
	/* Array batches start after in_batch (NULL: at 0). */
	if (bpf_map_lookup_batch(fd, r->first ? &in : NULL, &out, r->keys, r->cur,
				 &count, NULL) && errno != ENOENT)
		return -errno;
	if (count < r->n || r->keys[0] != r->first)
		return -EIO;
	if (keep)
		memcpy(r->next, r->cur, r->n * sizeof(*r->next));
	return 0;
}

static void range_set(struct range *r, __u32 bit)
{
	__u32 w = bit / 64;

	if (w >= r->first && w - r->first < r->n)
		r->next[w - r->first] |= 1ull << (bit % 64);
}

/* Write the words that changed, in one batch. */
static int range_write(int fd, struct range *r)
{
	__u32 i, n = 0, count;

	for (i = 0; i < r->n; i++)
		if (r->cur[i] != r->next[i]) {
			r->keys[n] = r->first + i;
			r->cur[n] = r->next[i];
			n++;
		}
	if (!n)
		return 0;
	count = n;
	return bpf_map_update_batch(fd, r->keys, r->cur, &count, NULL) ? -errno : 0;
}

static void set_span(struct range *r, int family, const __u8 *addr, __u32 len)
{
	struct span s = span_of(family, addr, len);
	__u64 i;

	/* IPv4 bits are contiguous: only the part inside the range. */
	if (family == AF_INET) {
		__u64 lo = (__u64)r->first * 64, hi = lo + (__u64)r->n * 64;

		for (i = s.first > lo ? s.first : lo; i < s.first + s.n && i < hi; i++)
			range_set(r, i);
		return;
	}
	for (i = 0; i < s.n; i++)
		range_set(r, span_bit(&s, i));
}

/* Set a few bits one word at a time (a read-modify-write each, the bits
 * of one word together: a /32's 64 are consecutive): the batch read of
 * the whole IPv6 part copies its words one by one, about 13 ms, too slow
 * for the common one-bit prefix. */
static int set_words(int fd, const struct span *s)
{
	__u64 i = 0;

	while (i < s->n) {
		__u32 bit = span_bit(s, i), w = bit / 64;
		__u64 v, m = 0;

		for (; i < s->n && span_bit(s, i) / 64 == w; i++)
			m |= 1ull << (span_bit(s, i) % 64);
		if (bpf_map_lookup_elem(fd, &w, &v))
			return -errno;
		if ((v & m) != m) {
			v |= m;
			if (bpf_map_update_elem(fd, &w, &v, BPF_ANY))
				return -errno;
		}
	}
	return 0;
}

#define FEW_V6_BITS 4096

int mg_filter_add(int filter_fd, int family, const __u8 *addr, __u32 len)
{
	struct span s = span_of(family, addr, len);
	struct range r = {};
	int err;

	if (family == AF_INET6 && s.n <= FEW_V6_BITS)
		return set_words(filter_fd, &s);
	range_of(&r, family, &s);
	err = range_read(filter_fd, &r, true);
	if (!err) {
		set_span(&r, family, addr, len);
		err = range_write(filter_fd, &r);
	}
	range_free(&r);
	return err;
}

/* Recompute a range from one trie. */
static int recompute(int filter_fd, int trie_fd, int family, struct range *r)
{
	struct mtug_lpm_v6_key key, next; /* the larger key fits both */
	void *prev = NULL;
	int err;

	err = range_read(filter_fd, r, false);
	if (err)
		return err;
	while (bpf_map_get_next_key(trie_fd, prev, &next) == 0) {
		set_span(r, family, next.addr, next.prefixlen);
		key = next;
		prev = &key;
	}
	if (errno != ENOENT)
		return -errno;
	return range_write(filter_fd, r);
}

int mg_filter_forget(int filter_fd, int v4_fd, int v6_fd, int family,
		     const __u8 *addr, __u32 len)
{
	struct span s = span_of(family, addr, len);
	struct range r = {};
	int err;

	range_of(&r, family, &s);
	err = recompute(filter_fd, family == AF_INET ? v4_fd : v6_fd, family, &r);
	range_free(&r);
	return err;
}

int mg_filter_rebuild(int filter_fd, int v4_fd, int v6_fd)
{
	struct range r4 = { .first = 0, .n = MTUG_FILTER_V4_WORDS };
	struct range r6 = { .first = MTUG_FILTER_V4_WORDS, .n = MTUG_FILTER_V6_WORDS };
	int err;

	err = recompute(filter_fd, v4_fd, AF_INET, &r4);
	if (!err)
		err = recompute(filter_fd, v6_fd, AF_INET6, &r6);
	range_free(&r4);
	range_free(&r6);
	return err;
}
