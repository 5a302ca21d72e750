// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user_iface_fast.c - unit tests of user/lib/iface_fast.c on real maps of the
 * datapath's types: the direct-mapped copy must always agree with the
 * iface_cfg hash (same entry or empty), through collisions, deletes with
 * promotion, and a resync after a copy was left behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "../../user/lib/iface_fast.h"
#include "harness.h"

#define N MTUG_IFACE_FAST_ENTRIES

struct maps {
	int fast, cfg;
};

static int maps_open(struct maps *m)
{
	m->fast = bpf_map_create(BPF_MAP_TYPE_ARRAY, "t_fast", sizeof(__u32),
				 sizeof(struct mtug_iface_fast), N, NULL);
	m->cfg = bpf_map_create(BPF_MAP_TYPE_HASH, "t_cfg", sizeof(__u32),
				sizeof(struct mtug_iface_cfg), MTUG_IFACE_MAX_ENTRIES, NULL);
	return m->fast >= 0 && m->cfg >= 0 ? 0 : -1;
}

static void maps_close(struct maps *m)
{
	if (m->fast >= 0)
		close(m->fast);
	if (m->cfg >= 0)
		close(m->cfg);
}

/* iface_cfg[ifindex] = cfg with this MTU, then the copy, as the CLI does. */
static int put(struct maps *m, __u32 ifindex, __u32 mtu)
{
	struct mtug_iface_cfg c = { .features = MTUG_F_MSS, .mtu = mtu };

	if (bpf_map_update_elem(m->cfg, &ifindex, &c, BPF_ANY))
		return -errno;
	return mg_iface_fast_put(m->fast, ifindex, &c);
}

static int del(struct maps *m, __u32 ifindex)
{
	int err = mg_iface_fast_del(m->fast, m->cfg, ifindex);

	if (err)
		return err;
	return bpf_map_delete_elem(m->cfg, &ifindex) ? -errno : 0;
}

/* The tag of the entry ifindex maps to, and its MTU. */
static int entry(struct maps *m, __u32 ifindex, __u32 *tag, __u32 *mtu)
{
	__u32 idx = mtug_iface_fast_idx(ifindex);
	struct mtug_iface_fast f;

	if (bpf_map_lookup_elem(m->fast, &idx, &f))
		return -errno;
	*tag = f.ifindex;
	*mtu = f.cfg.mtu;
	return 0;
}

/* Every tagged entry equals iface_cfg for its tag; every iface_cfg key
 * whose entry is free would have been cached.  Returns a reason or NULL. */
static const char *consistent(struct maps *m)
{
	static char why[128];
	struct mtug_iface_fast f;
	struct mtug_iface_cfg c;
	__u32 i, key, next, tag, mtu;
	void *prev = NULL;

	for (i = 0; i < N; i++) {
		if (bpf_map_lookup_elem(m->fast, &i, &f))
			return "array lookup failed";
		if (!f.ifindex)
			continue;
		if (mtug_iface_fast_idx(f.ifindex) != i) {
			snprintf(why, sizeof(why), "entry %u holds ifindex %u", i, f.ifindex);
			return why;
		}
		if (bpf_map_lookup_elem(m->cfg, &f.ifindex, &c) ||
		    memcmp(&c, &f.cfg, sizeof(c))) {
			snprintf(why, sizeof(why), "entry %u (ifindex %u) is not iface_cfg's",
				 i, f.ifindex);
			return why;
		}
	}
	while (bpf_map_get_next_key(m->cfg, prev, &next) == 0) {
		if (entry(m, next, &tag, &mtu))
			return "array lookup failed";
		if (!tag) {
			snprintf(why, sizeof(why), "ifindex %u not cached, entry free", next);
			return why;
		}
		key = next;
		prev = &key;
	}
	return NULL;
}

static const char *scenario(struct maps *m)
{
	static char why[128];
	const char *bad;
	__u32 tag, mtu, a = 7, b = 7 + N, c = 7 + 2 * N;

	/* a takes its entry; b and c collide and stay on the hash. */
	if (put(m, a, 1400) || put(m, b, 1300) || put(m, c, 1200))
		return "put failed";
	if (entry(m, a, &tag, &mtu) || tag != a || mtu != 1400)
		return "first interface not cached";
	/* An update of a reaches the copy. */
	if (put(m, a, 1350) || entry(m, a, &tag, &mtu) || mtu != 1350)
		return "update of the cached interface not copied";
	/* Deleting a hands the entry to b or c, with its own cfg. */
	if (del(m, a) || entry(m, a, &tag, &mtu))
		return "delete failed";
	if (!((tag == b && mtu == 1300) || (tag == c && mtu == 1200))) {
		snprintf(why, sizeof(why), "after delete: tag %u mtu %u", tag, mtu);
		return why;
	}
	bad = consistent(m);
	if (bad)
		return bad;
	/* A CLI killed between iface_cfg and the copy: the copy is stale
	 * (and a deleted interface still cached); sync repairs both. */
	{
		struct mtug_iface_cfg stale = { .mtu = 9000 };
		struct mtug_iface_fast ghost = { .ifindex = 9, .cfg = { .mtu = 9000 } };
		__u32 idx = mtug_iface_fast_idx(9);

		if (bpf_map_update_elem(m->cfg, &tag, &stale, BPF_ANY) ||
		    bpf_map_update_elem(m->fast, &idx, &ghost, BPF_ANY))
			return "cannot stage the stale state";
		if (!consistent(m))
			return "consistency check misses a stale copy";
		if (mg_iface_fast_sync(m->fast, m->cfg))
			return "sync failed";
		bad = consistent(m);
		if (bad)
			return bad;
		if (entry(m, 9, &tag, &mtu) || tag)
			return "sync kept a deleted interface";
	}
	/* Deleting everything leaves every entry empty. */
	if (del(m, b) || del(m, c))
		return "delete failed";
	if (entry(m, a, &tag, &mtu) || tag)
		return "entry not emptied";
	return consistent(m);
}

void iface_fast_tests_run(const char *filter, int *pass, int *fail)
{
	struct maps m = { -1, -1 };
	const char *why;

	if (maps_open(&m))
		why = "cannot create maps";
	else
		why = scenario(&m);
	maps_close(&m);
	report_plain("user/iface_fast(collide,update,delete,promote,sync)", !why,
		     why ? why : "", filter, pass, fail);
}
