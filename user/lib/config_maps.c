// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* config_maps.c - see config_maps.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "config_maps.h"
#include "netif.h"
#include "iface_fast.h"
#include "kfeatures.h"
#include "prefix_filter.h"
#include "v6_shards.h"
#include "log.h"

int mg_global_get(const struct mg_state *st, struct mtug_global_cfg *g)
{
	__u32 key = 0;
	int err;

	err = bpf_map_lookup_elem(st->map[MG_MAP_GLOBAL_CFG], &key, g);
	if (err) {
		err = -errno;
		mg_err("cannot read %s: %s", mg_map_name(MG_MAP_GLOBAL_CFG), strerror(errno));
	}
	return err;
}

int mg_global_put(const struct mg_state *st, const struct mtug_global_cfg *g)
{
	__u32 key = 0;
	int err;

	err = bpf_map_update_elem(st->map[MG_MAP_GLOBAL_CFG], &key, g, BPF_ANY);
	if (err) {
		err = -errno;
		mg_err("cannot update %s: %s", mg_map_name(MG_MAP_GLOBAL_CFG), strerror(errno));
	}
	return err;
}

int mg_iface_get(const struct mg_state *st, __u32 ifindex, struct mtug_iface_cfg *c)
{
	if (bpf_map_lookup_elem(st->map[MG_MAP_IFACE_CFG], &ifindex, c))
		return -errno;
	return 0;
}

int mg_iface_put(const struct mg_state *st, __u32 ifindex,
		 const struct mtug_iface_cfg *cfg, __u64 flags)
{
	struct mtug_iface_cfg copy = *cfg, *c = &copy;
	int err;

	/* For kernels where the datapath cannot read them itself: the
	 * interface's MAC and rp_filter as they are now, on every write. */
	mg_iface_kernel_view(ifindex, c);
	err = bpf_map_update_elem(st->map[MG_MAP_IFACE_CFG], &ifindex, c, flags);
	if (err) {
		err = -errno;
		mg_err("cannot update %s[%u]: %s", mg_map_name(MG_MAP_IFACE_CFG), ifindex,
		       strerror(errno));
		return err;
	}
	/* iface_cfg is the authority; the datapath's copy follows it. */
	err = mg_iface_fast_put(st->map[MG_MAP_IFACE_FAST], ifindex, c);
	if (err)
		mg_err("cannot update %s for ifindex %u: %s", mg_map_name(MG_MAP_IFACE_FAST),
		       ifindex, strerror(-err));
	return err;
}

int mg_iface_del(const struct mg_state *st, __u32 ifindex)
{
	int err;

	/* The copy goes first, so that no packet reads a configuration
	 * the authority no longer has. */
	err = mg_iface_fast_del(st->map[MG_MAP_IFACE_FAST],
				st->map[MG_MAP_IFACE_CFG], ifindex);
	if (err) {
		mg_err("cannot update %s for ifindex %u: %s", mg_map_name(MG_MAP_IFACE_FAST),
		       ifindex, strerror(-err));
		return err;
	}
	err = bpf_map_delete_elem(st->map[MG_MAP_IFACE_CFG], &ifindex);
	if (err && errno != ENOENT) {
		err = -errno;
		mg_err("cannot delete %s[%u]: %s", mg_map_name(MG_MAP_IFACE_CFG), ifindex,
		       strerror(errno));
		return err;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

int mg_iface_list(const struct mg_state *st, __u32 *out, int max)
{
	int fd = st->map[MG_MAP_IFACE_CFG], n = 0;
	__u32 key, next;
	void *prev = NULL;

	while (n < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
		out[n++] = next;
		key = next;
		prev = &key;
	}
	if (n < max && errno != ENOENT) {
		int err = -errno;

		mg_err("cannot walk %s: %s", mg_map_name(MG_MAP_IFACE_CFG), strerror(errno));
		return err;
	}
	qsort(out, n, sizeof(*out), cmp_u32);
	return n;
}

int mg_iface_targets(const struct mg_state *st, const char *iface, __u32 *out,
		     int max)
{
	struct mtug_iface_cfg c;
	__u32 ifindex;
	int err;

	if (!iface)
		return mg_iface_list(st, out, max);
	err = mg_ifname_resolve(iface, &ifindex);
	if (err)
		return err;
	if (mg_iface_get(st, ifindex, &c)) {
		mg_err("%s is not attached", iface);
		return -ENOENT;
	}
	out[0] = ifindex;
	return 1;
}

/* Prefix into the LPM key of its family: key buffer and its map. */
static void *lpm_key(const struct mg_prefix *p, struct mtug_lpm_v6_key *key,
		     enum mg_map_id *map)
{
	/* Both key layouts are prefixlen then address bytes. */
	key->prefixlen = p->len;
	memcpy(key->addr, p->addr, sizeof(key->addr));
	*map = p->family == AF_INET ? MG_MAP_MTU_V4 : MG_MAP_MTU_V6;
	return key;
}

/* prefix_sync[MTUG_SYNC_MARK]: nonzero while the tries may be ahead of
 * what is derived from them (mtu_v6_shards, the cache generation). */
static int sync_mark(const struct mg_state *st, __u32 on)
{
	__u32 k = MTUG_SYNC_MARK;

	return bpf_map_update_elem(st->map[MG_MAP_SYNC], &k, &on, BPF_ANY) ? -errno : 0;
}

/* A new prefix generation: every prefix_cache entry filled before it is
 * stale from now on.  Never 0 (0 = cache unused). */
static int gen_bump(const struct mg_state *st)
{
	__u32 k = MTUG_SYNC_GEN, gen;

	if (bpf_map_lookup_elem(st->map[MG_MAP_SYNC], &k, &gen))
		return -errno;
	gen = mtug_prefix_gen_next(gen);
	return bpf_map_update_elem(st->map[MG_MAP_SYNC], &k, &gen, BPF_ANY) ? -errno : 0;
}

/* Every prefix change runs under the mark: set it, write the trie (and,
 * for IPv6, the shard), bump the generation, clear it.  A CLI killed in
 * between leaves it set, and the next one rebuilds the shards and bumps
 * the generation (mg_prefix_copy_sync).  val NULL: delete. */
static int prefix_change(const struct mg_state *st, enum mg_map_id map, const void *k,
			 const struct mtug_mtu_val *val)
{
	int err = sync_mark(st, 1);

	if (err)
		return err;
	if (val ? bpf_map_update_elem(st->map[map], k, val, BPF_ANY) :
		  bpf_map_delete_elem(st->map[map], k)) {
		err = -errno;
		sync_mark(st, 0); /* nothing changed */
		return err;
	}
	if (map == MG_MAP_MTU_V6) {
		bool sharded = mg_kfeature(MG_KF_V6_SHARDS);

		err = val ? mg_shards_put(st->map[MG_MAP_V6_SHARDS], st->map[MG_MAP_MTU_V6],
					  k, val, sharded) :
			    mg_shards_del(st->map[MG_MAP_V6_SHARDS], k, sharded);
		if (err) {
			mg_err("cannot update %s (the next command rebuilds it): %s",
			       mg_map_name(MG_MAP_V6_SHARDS), strerror(-err));
			return err;
		}
	}
	err = gen_bump(st);
	if (err) {
		mg_err("cannot bump the prefix generation in %s (the next command "
		       "does): %s", mg_map_name(MG_MAP_SYNC), strerror(-err));
		return err;
	}
	return sync_mark(st, 0);
}

int mg_prefix_put(const struct mg_state *st, const struct mg_prefix *p, __u32 mtu)
{
	struct mtug_mtu_val val = { .mtu = mtu };
	struct mtug_lpm_v6_key key;
	enum mg_map_id map;
	void *k = lpm_key(p, &key, &map);
	int err;

	/* The filter first: the datapath must never skip a trie lookup
	 * that would find this prefix.  BPF_ANY: an existing prefix gets
	 * the new MTU. */
	err = mg_filter_add(st->map[MG_MAP_FILTER], p->family, p->addr, p->len);
	if (err)
		return err;
	return prefix_change(st, map, k, &val);
}

int mg_prefix_del(const struct mg_state *st, const struct mg_prefix *p)
{
	struct mtug_lpm_v6_key key;
	enum mg_map_id map;
	void *k = lpm_key(p, &key, &map);

	return prefix_change(st, map, k, NULL);
}

int mg_prefix_copy_sync(const struct mg_state *st)
{
	__u32 k = MTUG_SYNC_MARK, mark = 0;
	int err;

	if (bpf_map_lookup_elem(st->map[MG_MAP_SYNC], &k, &mark)) {
		err = -errno;
		mg_err("cannot read %s: %s", mg_map_name(MG_MAP_SYNC), strerror(errno));
		return err;
	}
	if (!mark)
		return 0;
	err = mg_shards_rebuild(st->map[MG_MAP_V6_SHARDS], st->map[MG_MAP_MTU_V6],
				mg_kfeature(MG_KF_V6_SHARDS));
	if (!err)
		err = gen_bump(st);
	if (!err)
		err = sync_mark(st, 0);
	if (err)
		mg_err("cannot bring %s and the prefix generation in line with the "
		       "tries: %s", mg_map_name(MG_MAP_V6_SHARDS), strerror(-err));
	else
		mg_dbg("rebuilt %s and bumped the prefix generation after an "
		       "interrupted prefix change", mg_map_name(MG_MAP_V6_SHARDS));
	return err;
}

void mg_prefix_settle(const struct mg_state *st)
{
	int n, err;

	/* Before 6.8 each new trie would cost a grace period of its own (a
	 * 10,000-prefix apply: minutes): the prefixes stay in the short trie,
	 * which answers the same (mg_shards_put never spreads them there). */
	if (!mg_kfeature(MG_KF_V6_SHARDS))
		return;
	/* Under the mark: a move cut short leaves copies in the short trie,
	 * harmless but not the copy mg_shards_differ() expects; the next
	 * command removes them. */
	err = sync_mark(st, 1);
	n = err ? err : mg_shards_compact(st->map[MG_MAP_V6_SHARDS], st->map[MG_MAP_MTU_V6]);
	if (n < 0) {
		mg_warn("cannot give IPv6 prefixes tries of their own in %s (they "
			"stay in its short trie, with the same answers): %s",
			mg_map_name(MG_MAP_V6_SHARDS), strerror(-n));
		return;
	}
	err = sync_mark(st, 0);
	if (err)
		mg_warn("cannot clear the mark in %s (the next command checks "
			"%s again): %s", mg_map_name(MG_MAP_SYNC),
			mg_map_name(MG_MAP_V6_SHARDS), strerror(-err));
	else if (n)
		mg_dbg("made %d tries in %s", n, mg_map_name(MG_MAP_V6_SHARDS));
}

int mg_prefix_filter_sync(const struct mg_state *st, const struct mg_prefix *p)
{
	int err = p ? mg_filter_forget(st->map[MG_MAP_FILTER], st->map[MG_MAP_MTU_V4],
				       st->map[MG_MAP_MTU_V6], p->family, p->addr, p->len) :
		      mg_filter_rebuild(st->map[MG_MAP_FILTER], st->map[MG_MAP_MTU_V4],
					st->map[MG_MAP_MTU_V6]);

	/* Not an error of the command: the prefixes are as asked, and the
	 * stale bits only cost lookups that find nothing. */
	if (err)
		mg_warn("cannot recompute %s (stale bits stay set): %s",
			mg_map_name(MG_MAP_FILTER), strerror(-err));
	return err;
}

int mg_prefix_count(const struct mg_state *st, int family)
{
	/* LPM tries have no count: walk the keys. */
	struct mtug_lpm_v6_key key, next; /* the larger key fits both */
	int fd = st->map[family == AF_INET ? MG_MAP_MTU_V4 : MG_MAP_MTU_V6];
	void *prev = NULL;
	int n = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

/* Append every entry of one LPM trie to *list. */
static int collect(const struct mg_state *st, const char *cmd, int family,
		   struct mg_config_prefix **list, size_t *n, size_t *cap)
{
	enum mg_map_id id = family == AF_INET ? MG_MAP_MTU_V4 : MG_MAP_MTU_V6;
	struct mtug_lpm_v6_key key, next; /* the larger key fits both */
	size_t alen = family == AF_INET ? 4 : 16;
	int fd = st->map[id];
	void *prev = NULL;
	struct mtug_mtu_val val;
	struct mg_config_prefix *e;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue; /* deleted meanwhile */
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 256;

			e = realloc(*list, c * sizeof(**list));
			if (!e) {
				mg_err("%s: out of memory", cmd);
				return -ENOMEM;
			}
			*list = e;
			*cap = c;
		}
		e = &(*list)[(*n)++];
		memset(e, 0, sizeof(*e));
		e->p.family = family;
		e->p.len = key.prefixlen;
		memcpy(e->p.addr, key.addr, alen);
		e->mtu = val.mtu;
	}
	if (errno != ENOENT) {
		int err = -errno;

		mg_err("%s: cannot walk %s: %s", cmd, mg_map_name(id), strerror(errno));
		return err;
	}
	return 0;
}

static int cmp_prefix(const void *a, const void *b)
{
	return mg_prefix_cmp(&((const struct mg_config_prefix *)a)->p,
			     &((const struct mg_config_prefix *)b)->p);
}

int mg_prefix_list(const struct mg_state *st, const char *cmd,
		   struct mg_config_prefix **list, size_t *n)
{
	size_t cap = 0;
	int err;

	*list = NULL;
	*n = 0;
	err = collect(st, cmd, AF_INET, list, n, &cap);
	if (!err)
		err = collect(st, cmd, AF_INET6, list, n, &cap);
	if (err) {
		free(*list);
		*list = NULL;
		*n = 0;
		return err;
	}
	if (*n)
		qsort(*list, *n, sizeof(**list), cmp_prefix);
	return 0;
}

__u32 mg_global_min_mtu_v4(const struct mtug_global_cfg *g)
{
	return g->ptb_min_mtu_v4 ? g->ptb_min_mtu_v4 : MTUG_PTB_FLOOR_V4;
}

__u32 mg_global_min_mtu_v6(const struct mtug_global_cfg *g)
{
	return g->ptb_min_mtu_v6 ? g->ptb_min_mtu_v6 : MTUG_PTB_FLOOR_V6;
}

__u32 mg_global_rate(const struct mtug_global_cfg *g)
{
	return g->ptb_rate_pps ? g->ptb_rate_pps : MTUG_PTB_RATE_DEFAULT;
}
