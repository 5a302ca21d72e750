/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench_common.h - shared by the benchmark tools (bench_pkt, bench_attach,
 * trafficgen): frame builders with correct checksums, mtuguard counter
 * reading, network namespace switching, small utilities.
 *
 * Header-only on purpose: the Makefile builds each tools/<name>.c alone.
 */
#ifndef MTUG_BENCH_COMMON_H
#define MTUG_BENCH_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mtuguard.h"

#define BENCH_MAX_FRAME 9100 /* a 9000-byte IP packet and its Ethernet header */

static inline void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static inline double median(const double *v, int n)
{
	double tmp[64];

	if (n <= 0)
		return 0;
	if (n > 64)
		n = 64;
	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/* Enter the network namespace /run/netns/NAME (as `ip netns exec` would,
 * minus the mount namespace, which none of the tools needs). */
static inline void netns_enter(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	if (setns(fd, CLONE_NEWNET))
		die("setns %s: %s", name, strerror(errno));
	close(fd);
}

/* ---- mtuguard counters ------------------------------------------------ */

static const char *const mtug_counter_names[] = {
#define MTUG_COUNTER_NAME(name) #name,
	MTUG_COUNTERS(MTUG_COUNTER_NAME)
#undef MTUG_COUNTER_NAME
};

/* Sum the per-CPU counter set of the map `fd`. */
static inline int mtug_counters_sum(int fd, struct mtug_counters *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct mtug_counters *v;
	__u32 zero = 0;
	int i, j;

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0)
		return -1;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -1;
	if (bpf_map_lookup_elem(fd, &zero, v)) {
		free(v);
		return -1;
	}
	for (i = 0; i < ncpu; i++)
		for (j = 0; j < (int)MTUG_NUM_COUNTERS; j++)
			((__u64 *)out)[j] += ((__u64 *)&v[i])[j];
	free(v);
	return 0;
}

static inline int mtug_counter_index(const char *name)
{
	for (int i = 0; i < (int)MTUG_NUM_COUNTERS; i++)
		if (!strcmp(mtug_counter_names[i], name))
			return i;
	return -1;
}

/* ---- frame builder ------------------------------------------------------ */

struct frame {
	__u8 b[BENCH_MAX_FRAME];
	size_t len;
};

static inline __u32 csum_add(__u32 sum, const void *p, size_t n)
{
	const __u8 *b = p;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	if (n & 1)
		sum += b[n - 1] << 8;
	return sum;
}

static inline __u16 csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static inline void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static inline void parse_ip(int af, const char *s, __u8 *out)
{
	if (inet_pton(af, s, out) != 1)
		die("bad address %s", s);
}

static inline void frame_eth(struct frame *f, const __u8 *dst, const __u8 *src,
			     __u16 proto)
{
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	put16(f->b + 12, proto);
	f->len = 14;
}

/* IPv4 header at f->len, protocol proto, payload length filled later by
 * frame_ip4_finish(). Returns its offset. */
static inline size_t frame_ip4(struct frame *f, const char *src, const char *dst,
			       __u8 proto, __u8 ttl)
{
	size_t o = f->len;
	__u8 *ip = f->b + o;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 4, 0x1234);  /* id */
	put16(ip + 6, 0x4000);  /* DF */
	ip[8] = ttl;
	ip[9] = proto;
	parse_ip(AF_INET, src, ip + 12);
	parse_ip(AF_INET, dst, ip + 16);
	f->len += 20;
	return o;
}

static inline void frame_ip4_finish(struct frame *f, size_t o)
{
	__u8 *ip = f->b + o;

	put16(ip + 2, f->len - o);
	put16(ip + 10, 0);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
}

static inline size_t frame_ip6(struct frame *f, const char *src, const char *dst,
			       __u8 nexthdr, __u8 hlim)
{
	size_t o = f->len;
	__u8 *ip = f->b + o;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[6] = nexthdr;
	ip[7] = hlim;
	parse_ip(AF_INET6, src, ip + 8);
	parse_ip(AF_INET6, dst, ip + 24);
	f->len += 40;
	return o;
}

static inline void frame_ip6_finish(struct frame *f, size_t o)
{
	put16(f->b + o + 4, f->len - o - 40);
}

/* L4 checksum (TCP, UDP, ICMPv6) over [l4, f->len) with the pseudo-header of
 * the IP header at l3; ICMPv4 has none. */
static inline void frame_l4_csum(struct frame *f, size_t l3, size_t l4,
				 size_t csum_off)
{
	__u8 *ip = f->b + l3;
	__u32 sum = 0, len = f->len - l4;
	bool v4 = (ip[0] >> 4) == 4;

	put16(f->b + l4 + csum_off, 0);
	if (v4 && ip[9] != 1) {
		sum = csum_add(sum, ip + 12, 8);
		sum += ip[9] + len;
	} else if (!v4) {
		sum = csum_add(sum, ip + 8, 32);
		sum += len + ip[6];
	}
	sum = csum_add(sum, f->b + l4, len);
	put16(f->b + l4 + csum_off, csum_fold(sum));
}

/* TCP header with options (padded to 4) and payload of plen bytes. */
static inline size_t frame_tcp(struct frame *f, __u16 sport, __u16 dport,
			       __u8 flags, const __u8 *opt, size_t optlen,
			       size_t plen)
{
	size_t o = f->len, hl = 20 + ((optlen + 3) & ~3u);
	__u8 *t = f->b + o;

	memset(t, 0, hl + plen);
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, 0x11223344);
	put32(t + 8, flags & 0x10 ? 0x55667788 : 0);
	t[12] = (hl / 4) << 4;
	t[13] = flags;
	put16(t + 14, 64240);
	memcpy(t + 20, opt, optlen);
	for (size_t i = 0; i < plen; i++)
		t[hl + i] = 'a' + i % 26;
	f->len += hl + plen;
	return o;
}

#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define TCP_PSH 0x08

/* Linux's SYN options: MSS, SACK permitted, timestamps, NOP, window scale. */
static inline size_t syn_options(__u8 *o, __u16 mss)
{
	const __u8 rest[] = { 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 1, 3, 3, 7 };

	o[0] = 2;
	o[1] = 4;
	put16(o + 2, mss);
	memcpy(o + 4, rest, sizeof(rest));
	return 4 + sizeof(rest);
}

/* A complete IPv4 TCP frame. */
static inline void build_tcp4(struct frame *f, const __u8 *dmac, const __u8 *smac,
			      const char *src, const char *dst, __u16 sport,
			      __u16 dport, __u8 flags, const __u8 *opt,
			      size_t optlen, size_t plen)
{
	size_t l3, l4;

	frame_eth(f, dmac, smac, 0x0800);
	l3 = frame_ip4(f, src, dst, 6, 64);
	l4 = frame_tcp(f, sport, dport, flags, opt, optlen, plen);
	frame_ip4_finish(f, l3);
	frame_l4_csum(f, l3, l4, 16);
}

/* Verify a frame's IPv4 + TCP checksums (for the generator's templates). */
static inline bool tcp4_csums_ok(const struct frame *f)
{
	struct frame c = *f;
	size_t l3 = 14, l4 = 14 + (f->b[14] & 0xf) * 4;
	__u16 ipc = (f->b[l3 + 10] << 8) | f->b[l3 + 11];
	__u16 tc = (f->b[l4 + 16] << 8) | f->b[l4 + 17];

	frame_ip4_finish(&c, l3);
	frame_l4_csum(&c, l3, l4, 16);
	return ipc == ((c.b[l3 + 10] << 8) | c.b[l3 + 11]) &&
	       tc == ((c.b[l4 + 16] << 8) | c.b[l4 + 17]);
}

#endif /* MTUG_BENCH_COMMON_H */
