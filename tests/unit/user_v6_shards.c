// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user_v6_shards.c - unit tests of user/lib/v6_shards.c on real maps of the
 * datapath's types.  A new prefix goes to the trie of its slot if that
 * slot has one, else (or not sharded) to the short trie; mg_shards_compact() gives the
 * short trie's /32-or-longer prefixes tries of their own (and drops copies
 * an interrupted move left); deletions find a prefix in either place; a
 * copy that drifted from the authority is found by mg_shards_differ() and
 * repaired in place by mg_shards_rebuild().  At every step the datapath's
 * lookup (its shard's trie, then the short trie: bpf/pkt.h) is checked
 * against the longest match of the authority, address by address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "../../user/lib/kfeatures.h"
#include "../../user/lib/prefix.h"
#include "../../user/lib/v6_shards.h"
#include "harness.h"

struct smaps {
	int shards, v6;
	bool sharded;
};

static int key_of(const char *text, struct mtug_lpm_v6_key *k)
{
	struct mg_prefix p;
	char why[64];

	if (mg_prefix_parse(text, &p, why, sizeof(why)) || p.family != AF_INET6)
		return -1;
	k->prefixlen = p.len;
	memcpy(k->addr, p.addr, 16);
	return 0;
}

/* As the CLI does: the authority, then the copy. */
static int put(struct smaps *m, const char *text, __u32 mtu)
{
	struct mtug_mtu_val v = { .mtu = mtu };
	struct mtug_lpm_v6_key k;

	if (key_of(text, &k) || bpf_map_update_elem(m->v6, &k, &v, BPF_ANY))
		return -1;
	return mg_shards_put(m->shards, m->v6, &k, &v, m->sharded);
}

static int del(struct smaps *m, const char *text)
{
	struct mtug_lpm_v6_key k;

	if (key_of(text, &k) || bpf_map_delete_elem(m->v6, &k))
		return -1;
	return mg_shards_del(m->shards, &k, m->sharded);
}

static int differ(struct smaps *m)
{
	return mg_shards_differ(m->shards, m->v6, m->sharded);
}

static int rebuild(struct smaps *m)
{
	return mg_shards_rebuild(m->shards, m->v6, m->sharded);
}

static int compact(struct smaps *m)
{
	return mg_shards_compact(m->shards, m->v6);
}

/* The MTU a slot's trie holds for exactly this prefix, 0 if none or no
 * trie (a lookup alone would also answer for a shorter prefix). */
static __u32 in_slot(struct smaps *m, __u32 slot, const char *text)
{
	struct mtug_lpm_v6_key k, key, next;
	struct mtug_mtu_val v = {};
	void *prev = NULL;
	int fd;

	if (key_of(text, &k))
		return 0;
	fd = mg_shards_slot_fd(m->shards, slot);
	if (fd < 0)
		return 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (!memcmp(&next, &k, sizeof(k))) {
			if (bpf_map_lookup_elem(fd, &k, &v))
				v.mtu = 0;
			break;
		}
		key = next;
		prev = &key;
	}
	close(fd);
	return v.mtu;
}

static __u32 own_slot(const char *text)
{
	struct mtug_lpm_v6_key k;

	if (key_of(text, &k))
		return MTUG_V6_SHORT;
	return mtug_v6_prefix_slot(k.addr, k.prefixlen);
}

static __u32 slot_id(struct smaps *m, __u32 slot)
{
	__u32 id = 0;

	bpf_map_lookup_elem(m->shards, &slot, &id);
	return id;
}

static int tries(struct smaps *m)
{
	int n = 0;

	for (__u32 s = 0; s <= MTUG_V6_SHORT; s++)
		n += !!slot_id(m, s);
	return n;
}

/* LPM lookup of a full address in a trie fd: the MTU, 0 if none. */
static __u32 lpm(int fd, const __u8 *a)
{
	struct mtug_lpm_v6_key k = { .prefixlen = 128 };
	struct mtug_mtu_val v;

	memcpy(k.addr, a, 16);
	return fd >= 0 && !bpf_map_lookup_elem(fd, &k, &v) ? v.mtu : 0;
}

/* mtu_v6_lookup() of bpf/pkt.h, from userspace. */
static __u32 datapath(struct smaps *m, const __u8 *a)
{
	int fd = mg_shards_slot_fd(m->shards, mtug_v6_shard(mtug_v6_top32(a)));
	__u32 mtu = lpm(fd, a);

	if (fd >= 0)
		close(fd);
	if (!mtu) {
		fd = mg_shards_slot_fd(m->shards, MTUG_V6_SHORT);
		mtu = lpm(fd, a);
		if (fd >= 0)
			close(fd);
	}
	return mtu;
}

/* Addresses at the edges of the scenario's prefixes. */
static const char *const probes[] = {
	"2001:db8::", "2001:db8::1", "2001:db8:1::", "2001:db8:1:2::5", "2001:db8:1:3::",
	"2001:db8:ffff::1", "2001:db9::1", "2001:db7::1", "2a00:1::1", "2a00:1::2",
	"2a00:2::1", "2000::1", "3fff::1", "4000::1", "fd00::1", "fe80::1", "::1",
	"2001:db8:2::1", "2001:db8:2:0:1::",
};

/* Every probe: the datapath's answer is the authority's longest match. */
static const char *answers_match(struct smaps *m)
{
	static char why[128];
	__u8 a[16];

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		__u32 want, got;

		if (inet_pton(AF_INET6, probes[i], a) != 1)
			return "bad probe";
		want = lpm(m->v6, a);
		got = datapath(m, a);
		if (want != got) {
			snprintf(why, sizeof(why), "%s: datapath finds %u, mtu_v6 %u",
				 probes[i], got, want);
			return why;
		}
	}
	return NULL;
}

#define CHECK(cond, msg)                                      \
	do {                                                  \
		if (!(cond))                                  \
			return msg;                           \
		if ((why = answers_match(m)))                 \
			return why;                           \
	} while (0)

static const char *scenario(struct smaps *m)
{
	static const char *pfx[] = { "2001:db8::/32", "2001:db8:1::/48", "2001:db8:1:2::/64",
				     "2a00:1::1/128", "2000::/3", "::/0", "2001:db8::/31" };
	const size_t np = sizeof(pfx) / sizeof(pfx[0]);
	struct mtug_lpm_v6_key k;
	struct mtug_mtu_val v;
	const char *why;
	__u32 id;
	size_t i;
	int fd, n;

	CHECK(tries(m) == 0 && differ(m) == 0,
	      "empty: a trie, or an empty copy reported different");
	for (i = 0; i < np; i++)
		if (put(m, pfx[i], 1300 + i))
			return "put failed";
	for (i = 0; i < np; i++)
		if (in_slot(m, MTUG_V6_SHORT, pfx[i]) != 1300 + i)
			return "put: a prefix is not in the short trie with its MTU";
	CHECK(tries(m) == 1 && differ(m) == 0,
	      "put: made a trie other than the short one, or the copy differs");

	/* Three slots: 2001:db8::/32's (with its /48 and /64), 2a00:1::'s,
	 * and 2001:db8::/31 falls short of /32 and stays. */
	n = compact(m);
	CHECK(n == 2, "compact: not 2 tries made");
	CHECK(tries(m) == 3 && differ(m) == 0,
	      "compact: the copy differs");
	for (i = 0; i < np; i++)
		if (in_slot(m, own_slot(pfx[i]), pfx[i]) != 1300 + i ||
		    (own_slot(pfx[i]) != MTUG_V6_SHORT && in_slot(m, MTUG_V6_SHORT, pfx[i])))
			return "compact: a prefix is not in its own slot alone";
	id = slot_id(m, own_slot("2a00:1::1/128"));
	CHECK(compact(m) == 0 && slot_id(m, own_slot("2a00:1::1/128")) == id,
	      "compact twice: made or replaced a trie");

	/* A slot with a trie takes its new prefixes; one without spills. */
	CHECK(!put(m, "2001:db8:2::/48", 1401) && in_slot(m, own_slot("2001:db8::/32"),
							   "2001:db8:2::/48") == 1401,
	      "put into a slot with a trie went elsewhere");
	CHECK(!put(m, "2a00:2::/32", 1402) && in_slot(m, MTUG_V6_SHORT, "2a00:2::/32") == 1402 &&
		      differ(m) == 0,
	      "put into a slot without a trie did not go to the short trie");
	CHECK(!put(m, "2001:db8:1::/48", 1490) &&
		      in_slot(m, own_slot("2001:db8:1::/48"), "2001:db8:1::/48") == 1490,
	      "a changed MTU did not reach the copy");
	CHECK(!del(m, "2001:db8::/32") && !del(m, "::/0") && !del(m, "2a00:2::/32") &&
		      differ(m) == 0,
	      "del: copy differs after deletions");
	CHECK(!in_slot(m, own_slot("2001:db8::/32"), "2001:db8::/32") &&
		      !in_slot(m, MTUG_V6_SHORT, "2a00:2::/32"),
	      "a deleted prefix stayed");

	/* A copy left in the short trie by an interrupted move: answers
	 * unchanged, seen by differ, dropped by compact, and del finds both. */
	key_of("2a00:1::1/128", &k);
	v.mtu = 1999;
	fd = mg_shards_slot_fd(m->shards, MTUG_V6_SHORT);
	if (fd < 0 || bpf_map_update_elem(fd, &k, &v, BPF_ANY))
		return "cannot plant a copy";
	CHECK(differ(m) == 1, "differ: a stale copy is not seen");
	CHECK(compact(m) == 0 && differ(m) == 0,
	      "compact: a stale copy stays");
	if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
		return "cannot plant a copy";
	CHECK(!del(m, "2a00:1::1/128") && !in_slot(m, MTUG_V6_SHORT, "2a00:1::1/128") &&
		      differ(m) == 0,
	      "del: a copy in the short trie stays");
	close(fd);
	if (put(m, "2a00:1::1/128", 1303))
		return "put failed";

	/* Drift the authority alone, three ways; each is seen and repaired
	 * in place, no trie made or removed. */
	n = tries(m);
	key_of("2001:db8:1:2::/64", &k);
	if (bpf_map_delete_elem(m->v6, &k) || differ(m) != 1)
		return "differ: a prefix only in the copy is not seen";
	CHECK(!rebuild(m) && differ(m) == 0 &&
		      !in_slot(m, own_slot("2001:db8:1:2::/64"), "2001:db8:1:2::/64"),
	      "rebuild: a prefix only in the copy stays");
	v.mtu = 1280;
	key_of("fd00::/8", &k);
	if (bpf_map_update_elem(m->v6, &k, &v, BPF_ANY) ||
	    differ(m) != 1)
		return "differ: a prefix missing from the copy is not seen";
	key_of("2a00:1::1/128", &k);
	v.mtu = 1281;
	if (bpf_map_update_elem(m->v6, &k, &v, BPF_ANY))
		return "cannot drift";
	key_of("2a00:3::/40", &k); /* a slot without a trie: the short one */
	if (bpf_map_update_elem(m->v6, &k, &v, BPF_ANY))
		return "cannot drift";
	CHECK(!rebuild(m) && differ(m) == 0 &&
		      in_slot(m, MTUG_V6_SHORT, "fd00::/8") == 1280 &&
		      in_slot(m, own_slot("2a00:1::1/128"), "2a00:1::1/128") == 1281 &&
		      in_slot(m, MTUG_V6_SHORT, "2a00:3::/40") == 1281 && tries(m) == n,
	      "rebuild: the copy is not the authority again, or tries changed");
	for (i = 0; i < np; i++)
		del(m, pfx[i]); /* some are gone already */
	del(m, "2001:db8:2::/48");
	del(m, "2a00:3::/40");
	key_of("fd00::/8", &k);
	CHECK(!bpf_map_delete_elem(m->v6, &k) && !rebuild(m) &&
		      differ(m) == 0,
	      "rebuild of an empty trie");
	return NULL;
}

/* Not sharded (a kernel before 6.8): every prefix in the short trie,
 * no other slot read or made, the same answers. */
static const char *flat(struct smaps *m)
{
	static const char *pfx[] = { "2001:db8::/32", "2001:db8:1::/48", "2a00:1::1/128",
				     "2000::/3", "::/0" };
	const size_t np = sizeof(pfx) / sizeof(pfx[0]);
	struct mtug_lpm_v6_key k;
	struct mtug_mtu_val v = { .mtu = 1281 };
	const char *why;
	size_t i;

	for (i = 0; i < np; i++)
		if (put(m, pfx[i], 1300 + i))
			return "put failed";
	for (i = 0; i < np; i++)
		if (in_slot(m, MTUG_V6_SHORT, pfx[i]) != 1300 + i)
			return "put: a prefix is not in the short trie with its MTU";
	/* (Every slot read costs a grace period before 6.8: only those of
	 * the prefixes are looked at.) */
	for (i = 0; i < np; i++)
		if (own_slot(pfx[i]) != MTUG_V6_SHORT && slot_id(m, own_slot(pfx[i])))
			return "put: made a trie in a prefix's own slot";
	CHECK(differ(m) == 0, "put: the copy differs");
	CHECK(!put(m, "2001:db8:1::/48", 1490) && !del(m, "2001:db8::/32") &&
		      in_slot(m, MTUG_V6_SHORT, "2001:db8:1::/48") == 1490 &&
		      !in_slot(m, MTUG_V6_SHORT, "2001:db8::/32") &&
		      differ(m) == 0,
	      "change or del: the copy differs");
	key_of("2a00:1::1/128", &k);
	if (bpf_map_update_elem(m->v6, &k, &v, BPF_ANY) ||
	    differ(m) != 1)
		return "differ: drift not seen";
	CHECK(!rebuild(m) &&
		      !slot_id(m, own_slot("2a00:1::1/128")) &&
		      in_slot(m, MTUG_V6_SHORT, "2a00:1::1/128") == 1281,
	      "rebuild: made a trie or missed the drift");
	return NULL;
}

/* Moving prefixes into tries of their own on this kernel, whatever it is
 * (5.10 has no batched write into a map of maps: one by one), looking
 * only at the slots involved. */
static const char *compact_here(struct smaps *m)
{
	static const char *pfx[] = { "2001:db8::/32", "2001:db8:1::/48", "2a00:1::1/128",
				     "2000::/3" };
	const size_t np = sizeof(pfx) / sizeof(pfx[0]);
	size_t i;

	for (i = 0; i < np; i++)
		if (put(m, pfx[i], 1300 + i))
			return "put failed";
	if (compact(m) != 2)
		return "compact: not 2 tries made";
	for (i = 0; i < np; i++)
		if (in_slot(m, own_slot(pfx[i]), pfx[i]) != 1300 + i ||
		    (own_slot(pfx[i]) != MTUG_V6_SHORT && in_slot(m, MTUG_V6_SHORT, pfx[i])))
			return "compact: a prefix is not in its own slot alone";
	return NULL;
}

/* A rebuild into an outer map with no short trie makes it. */
static const char *rebuild_fresh(struct smaps *m)
{
	struct mtug_mtu_val v = { .mtu = 1300 };
	struct mtug_lpm_v6_key k;
	const char *why;

	key_of("2001:db8::/40", &k);
	if (bpf_map_update_elem(m->v6, &k, &v, BPF_ANY))
		return "cannot drift";
	CHECK(differ(m) == 1 &&
		      !rebuild(m) &&
		      in_slot(m, MTUG_V6_SHORT, "2001:db8::/40") == 1300,
	      "rebuild: no short trie made");
	return NULL;
}

/* More new slots than one batch holds (512): all moved, the copy exact.
 * Only where batches wait once (a kernel before 6.8 would take a grace
 * period per slot: seconds). */
static const char *many(struct smaps *m)
{
	struct mtug_mtu_val v = { .mtu = 1400 };
	struct mtug_lpm_v6_key k = { .prefixlen = 48 };
	int i, n;

	for (i = 0; i < 1500; i++) {
		k.addr[0] = 0x24;
		k.addr[1] = i >> 8;
		k.addr[2] = i;
		if (bpf_map_update_elem(m->v6, &k, &v, BPF_ANY) ||
		    mg_shards_put(m->shards, m->v6, &k, &v, m->sharded))
			return "put failed";
	}
	n = compact(m);
	if (n < 513 || tries(m) != n + 1 || differ(m) != 0)
		return "compact of 1,500 prefixes: fewer than 513 tries or a copy that differs";
	return NULL;
}

static const char *with_maps(const char *(*fn)(struct smaps *), __u32 v6_max, bool sharded)
{
	LIBBPF_OPTS(bpf_map_create_opts, lpm, .map_flags = BPF_F_NO_PREALLOC);
	LIBBPF_OPTS(bpf_map_create_opts, outer);
	struct smaps m = { -1, -1, sharded };
	const char *why;
	int inner;

	inner = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "t_inner", sizeof(struct mtug_lpm_v6_key),
			       sizeof(struct mtug_mtu_val), MTUG_LPM_MAX_ENTRIES, &lpm);
	outer.inner_map_fd = inner;
	if (inner >= 0)
		m.shards = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "t_shards", sizeof(__u32),
					  sizeof(__u32), MTUG_V6_SHARDS + 1, &outer);
	m.v6 = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "t_v6", sizeof(struct mtug_lpm_v6_key),
			      sizeof(struct mtug_mtu_val), v6_max, &lpm);
	if (inner < 0 || m.shards < 0 || m.v6 < 0)
		why = "cannot create maps";
	else
		why = fn(&m);
	if (inner >= 0)
		close(inner);
	if (m.shards >= 0)
		close(m.shards);
	if (m.v6 >= 0)
		close(m.v6);
	return why;
}

void v6_shards_tests_run(const char *filter, int *pass, int *fail)
{
	const char *why;

	bool sharded = mg_kfeature(MG_KF_V6_SHARDS);

	why = with_maps(flat, 64, false);
	report_plain("user/v6_shards(not sharded: the short trie alone)", !why, why ? why : "",
		     filter, pass, fail);
	why = with_maps(compact_here, 64, true);
	report_plain("user/v6_shards(compact on this kernel)", !why, why ? why : "",
		     filter, pass, fail);
	why = with_maps(rebuild_fresh, 64, sharded);
	report_plain("user/v6_shards(rebuild makes the short trie)", !why, why ? why : "",
		     filter, pass, fail);
	/* These read every slot, a grace period each before 6.8: minutes. */
	if (sharded) {
		why = with_maps(scenario, 64, true);
		report_plain("user/v6_shards(put,compact,del,differ,rebuild)", !why,
			     why ? why : "", filter, pass, fail);
		why = with_maps(many, 2048, true);
		report_plain("user/v6_shards(compact 1,500 slots in batches)", !why,
			     why ? why : "", filter, pass, fail);
	}
}
