// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user_v6_shards.c - unit tests of user/v6_shards.c on real maps of the
 * datapath's types: every prefix of the authority trie lands in its own
 * slot (the short trie below /32), deletions follow, a copy that drifted
 * from the authority is found by mg_shards_differ() and repaired by
 * mg_shards_rebuild(), and populating twice keeps the tries in place.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "../../user/prefix.h"
#include "../../user/v6_shards.h"
#include "harness.h"

struct smaps {
	int shards, v6;
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
	return mg_shards_put(m->shards, &k, &v);
}

static int del(struct smaps *m, const char *text)
{
	struct mtug_lpm_v6_key k;

	if (key_of(text, &k) || bpf_map_delete_elem(m->v6, &k))
		return -1;
	return mg_shards_del(m->shards, &k);
}

/* The MTU the slot the datapath looks in (mtug_v6_prefix_slot) holds for
 * exactly this prefix, 0 if none (a lookup alone would also answer for a
 * shorter prefix that covers it). */
static __u32 in_slot(struct smaps *m, const char *text)
{
	struct mtug_lpm_v6_key k, key, next;
	struct mtug_mtu_val v = {};
	void *prev = NULL;
	int fd;

	if (key_of(text, &k))
		return 0;
	fd = mg_shards_slot_fd(m->shards, mtug_v6_prefix_slot(k.addr, k.prefixlen));
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

static __u32 slot_id(struct smaps *m, __u32 slot)
{
	__u32 id = 0;

	bpf_map_lookup_elem(m->shards, &slot, &id);
	return id;
}

static const char *scenario(struct smaps *m)
{
	static const char *pfx[] = { "2001:db8::/32", "2001:db8:1::/48", "2001:db8:1:2::/64",
				     "2a00:1::1/128", "2000::/3", "::/0", "2001:db8::/31" };
	struct mtug_lpm_v6_key k;
	__u32 id0;
	size_t i;

	if (mg_shards_populate(m->shards))
		return "populate failed";
	id0 = slot_id(m, 0);
	if (!id0 || !slot_id(m, MTUG_V6_SHORT) || mg_shards_populate(m->shards) ||
	    slot_id(m, 0) != id0)
		return "populate: a slot empty, or replaced by a second populate";
	if (mg_shards_differ(m->shards, m->v6) != 0)
		return "differ: empty copy of an empty trie";
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (put(m, pfx[i], 1300 + i))
			return "put failed";
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (in_slot(m, pfx[i]) != 1300 + i)
			return "a prefix is not in its slot with its MTU";
	if (mg_shards_differ(m->shards, m->v6) != 0)
		return "differ: copy made by put is reported different";
	if (put(m, "2001:db8:1::/48", 1490))
		return "put failed";
	if (in_slot(m, "2001:db8:1::/48") != 1490)
		return "a changed MTU did not reach the copy";
	if (del(m, "2001:db8::/32") || del(m, "::/0") ||
	    mg_shards_differ(m->shards, m->v6) != 0)
		return "del: copy differs after deletions";
	if (in_slot(m, "2001:db8::/32"))
		return "a deleted prefix stayed in its slot";

	/* Drift the authority alone, three ways; each is seen and repaired. */
	key_of("2001:db8:1:2::/64", &k);
	if (bpf_map_delete_elem(m->v6, &k) || mg_shards_differ(m->shards, m->v6) != 1)
		return "differ: a prefix only in the copy is not seen";
	if (mg_shards_rebuild(m->shards, m->v6) || mg_shards_differ(m->shards, m->v6) != 0 ||
	    in_slot(m, "2001:db8:1:2::/64"))
		return "rebuild: a prefix only in the copy stays";
	{
		struct mtug_mtu_val v = { .mtu = 1280 };

		key_of("fd00::/8", &k);
		if (bpf_map_update_elem(m->v6, &k, &v, BPF_ANY) ||
		    mg_shards_differ(m->shards, m->v6) != 1)
			return "differ: a prefix missing from the copy is not seen";
		key_of("2a00:1::1/128", &k);
		v.mtu = 1281;
		if (bpf_map_update_elem(m->v6, &k, &v, BPF_ANY))
			return "cannot drift";
	}
	if (mg_shards_rebuild(m->shards, m->v6) || mg_shards_differ(m->shards, m->v6) != 0 ||
	    in_slot(m, "fd00::/8") != 1280 || in_slot(m, "2a00:1::1/128") != 1281)
		return "rebuild: the copy is not the authority again";
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		del(m, pfx[i]); /* some are gone already */
	key_of("fd00::/8", &k);
	if (bpf_map_delete_elem(m->v6, &k) || mg_shards_rebuild(m->shards, m->v6) ||
	    mg_shards_differ(m->shards, m->v6) != 0)
		return "rebuild of an empty trie";
	return NULL;
}

void v6_shards_tests_run(const char *filter, int *pass, int *fail)
{
	LIBBPF_OPTS(bpf_map_create_opts, lpm, .map_flags = BPF_F_NO_PREALLOC);
	LIBBPF_OPTS(bpf_map_create_opts, outer);
	struct smaps m = { -1, -1 };
	const char *why;
	int inner;

	inner = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "t_inner", sizeof(struct mtug_lpm_v6_key),
			       sizeof(struct mtug_mtu_val), MTUG_LPM_MAX_ENTRIES, &lpm);
	outer.inner_map_fd = inner;
	if (inner >= 0)
		m.shards = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "t_shards", sizeof(__u32),
					  sizeof(__u32), MTUG_V6_SHARDS + 1, &outer);
	m.v6 = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "t_v6", sizeof(struct mtug_lpm_v6_key),
			      sizeof(struct mtug_mtu_val), 64, &lpm);
	if (inner < 0 || m.shards < 0 || m.v6 < 0)
		why = "cannot create maps";
	else
		why = scenario(&m);
	if (inner >= 0)
		close(inner);
	if (m.shards >= 0)
		close(m.shards);
	if (m.v6 >= 0)
		close(m.v6);
	report_plain("user/v6_shards(populate,put,del,differ,rebuild)", !why, why ? why : "",
		     filter, pass, fail);
}
