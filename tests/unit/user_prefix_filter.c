// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user_prefix_filter.c - unit tests of user/lib/prefix_filter.c on real maps of
 * the datapath's types.  The bitmap must never miss a block some prefix
 * touches (the datapath would skip a lookup that finds it) and must hold
 * exactly those blocks (for these probes, which no hash collides) after
 * additions and deletions, through both the per-bit and the whole-bitmap
 * paths.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "../../user/lib/prefix.h"
#include "../../user/lib/prefix_filter.h"
#include "harness.h"

struct fmaps {
	int filter, v4, v6;
};

static int pfx_parse(struct mg_prefix *p, const char *text)
{
	char why[64];

	return mg_prefix_parse(text, p, why, sizeof(why));
}

static int trie_key(const struct mg_prefix *p, struct mtug_lpm_v6_key *k)
{
	k->prefixlen = p->len;
	memcpy(k->addr, p->addr, sizeof(k->addr));
	return p->family == AF_INET;
}

/* As the CLI does: bits first, then the trie. */
static int add(struct fmaps *m, const char *text)
{
	struct mtug_mtu_val v = { .mtu = 1400 };
	struct mtug_lpm_v6_key k;
	struct mg_prefix p;

	if (pfx_parse(&p, text) || mg_filter_add(m->filter, p.family, p.addr, p.len))
		return -1;
	return bpf_map_update_elem(trie_key(&p, &k) ? m->v4 : m->v6, &k, &v, BPF_ANY);
}

/* The trie first, then the bits (per prefix, or the whole bitmap). */
static int del(struct fmaps *m, const char *text, bool whole)
{
	struct mtug_lpm_v6_key k;
	struct mg_prefix p;

	if (pfx_parse(&p, text) ||
	    bpf_map_delete_elem(trie_key(&p, &k) ? m->v4 : m->v6, &k))
		return -1;
	return whole ? mg_filter_rebuild(m->filter, m->v4, m->v6) :
		       mg_filter_forget(m->filter, m->v4, m->v6, p.family, p.addr, p.len);
}

static int bit_is_set(struct fmaps *m, __u32 bit)
{
	__u32 w = bit / 64;
	__u64 v;

	if (bpf_map_lookup_elem(m->filter, &w, &v))
		return -1;
	return (v >> (bit % 64)) & 1;
}

/* Does any prefix of the trie cover the address?  (What the filter must
 * never deny.)  Plus: does any touch its block (what the bits must say
 * exactly): IPv4 its /24; IPv6 its /48 for prefixes from /48 on, its /32
 * for shorter ones? */
static void truth(struct fmaps *m, int family, const __u8 *a, bool *covers, bool *touches)
{
	int fd = family == AF_INET ? m->v4 : m->v6, bits = family == AF_INET ? 32 : 128;
	struct mtug_lpm_v6_key key, next;
	void *prev = NULL;

	*covers = *touches = false;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		__u32 l = next.prefixlen, common = 0;

		while (common < (__u32)bits &&
		       !(((a[common / 8] ^ next.addr[common / 8]) >> (7 - common % 8)) & 1))
			common++;
		if (common >= l)
			*covers = true;
		if (family == AF_INET && common >= (l < 24 ? l : 24))
			*touches = true;
		if (family == AF_INET6 && common >= (l >= 48 ? 48 : l < 32 ? l : 32))
			*touches = true;
		key = next;
		prev = &key;
	}
}

static const char *probes[] = {
	"10.1.0.1", "10.1.200.7", "10.2.0.1", "192.0.2.77", "192.0.3.1",
	"198.51.100.1", "198.51.100.200", "203.0.113.9", "1.2.3.4",
	"2001:db8::1", "2001:db8:1::5", "2001:db8:2:3::9", "2001:db8:2:4::9",
	"2001:db9::1", "2a00:1::1", "fd00::1", "2001:db8:5::1",
};

static const char *check(struct fmaps *m, const char *when)
{
	static char why[160];

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		int family = strchr(probes[i], ':') ? AF_INET6 : AF_INET;
		bool covers, touches;
		__u8 a[16] = {};
		int set;

		inet_pton(family, probes[i], a);
		truth(m, family, a, &covers, &touches);
		set = bit_is_set(m, mtug_filter_addr_bit(family == AF_INET, a));
		if (set < 0 || (covers && !set) || set != touches) {
			snprintf(why, sizeof(why), "%s: %s bit %d, covered %d, block touched %d",
				 when, probes[i], set, covers, touches);
			return why;
		}
	}
	return NULL;
}

static const char *scenario(struct fmaps *m)
{
	static const char *v4[] = { "10.1.0.0/16", "192.0.2.0/24", "198.51.100.128/25" };
	static const char *v6[] = { "2001:db8::/32", "2001:db8:1::/48", "2001:db8:2:3::/64" };
	const char *bad;
	size_t i;

	for (i = 0; i < 3; i++)
		if (add(m, v4[i]) || add(m, v6[i]))
			return "add failed";
	if ((bad = check(m, "after adds")))
		return bad;
	if (del(m, "10.1.0.0/16", false) || (bad = check(m, "after del /16")))
		return bad ? bad : "del failed";
	if (del(m, "198.51.100.128/25", false) || (bad = check(m, "after del /25")))
		return bad ? bad : "del failed";
	/* The /32 gone, its other /48s are clear again though a /48 and a
	 * /64 inside it stay. */
	if (del(m, v6[0], false) || (bad = check(m, "after del IPv6 /32")))
		return bad ? bad : "del failed";
	if (add(m, v6[0]) || (bad = check(m, "after IPv6 /32 again")))
		return bad ? bad : "add failed";
	/* Wide prefixes take the whole-bitmap paths: a /24 the words of its
	 * 256 /32s (none of them a probe's word), ::/0 every IPv6 word. */
	if (add(m, "0.0.0.0/0") || add(m, "2001:d00::/24") || (bad = check(m, "after /0, /24")))
		return bad ? bad : "add failed";
	if (del(m, "0.0.0.0/0", false) || del(m, "2001:d00::/24", true) ||
	    (bad = check(m, "after del /0, /24")))
		return bad ? bad : "del failed";
	if (add(m, "::/0") || (bad = check(m, "after ::/0")))
		return bad ? bad : "add failed";
	if (del(m, "::/0", false) || (bad = check(m, "after del ::/0")))
		return bad ? bad : "del failed";
	for (i = 0; i < 3; i++)
		if (del(m, v6[i], false))
			return "del failed";
	if (del(m, "192.0.2.0/24", true))
		return "del failed";
	/* Nothing left: every word zero again. */
	for (__u32 w = 0; w < MTUG_FILTER_WORDS; w++) {
		__u64 v;

		if (bpf_map_lookup_elem(m->filter, &w, &v) || v) {
			static char why[64];

			snprintf(why, sizeof(why), "word %u not zero with no prefix left", w);
			return why;
		}
	}
	return check(m, "empty");
}

void prefix_filter_tests_run(const char *filter, int *pass, int *fail)
{
	LIBBPF_OPTS(bpf_map_create_opts, lpm, .map_flags = BPF_F_NO_PREALLOC);
	struct fmaps m;
	const char *why;

	m.filter = bpf_map_create(BPF_MAP_TYPE_ARRAY, "t_filter", sizeof(__u32),
				  sizeof(__u64), MTUG_FILTER_WORDS, NULL);
	m.v4 = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "t_v4", sizeof(struct mtug_lpm_v4_key),
			      sizeof(struct mtug_mtu_val), 64, &lpm);
	m.v6 = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "t_v6", sizeof(struct mtug_lpm_v6_key),
			      sizeof(struct mtug_mtu_val), 64, &lpm);
	if (m.filter < 0 || m.v4 < 0 || m.v6 < 0)
		why = "cannot create maps";
	else
		why = scenario(&m);
	for (int *fd = &m.filter; fd <= &m.v6; fd++)
		if (*fd >= 0)
			close(*fd);
	report_plain("user/prefix_filter(add,forget,rebuild,wide prefixes)", !why,
		     why ? why : "", filter, pass, fail);
}
