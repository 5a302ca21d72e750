// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cfg.c - see cfg.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "cfg.h"
#include "iface.h"
#include "log.h"

int mg_global_get(const struct mg_state *st, struct mtug_global_cfg *g)
{
	__u32 key = 0;
	int err;

	err = bpf_map_lookup_elem(st->map[MG_MAP_GLOBAL_CFG], &key, g);
	if (err) {
		err = -errno;
		mg_err("cannot read %s: %s", MTUG_MAP_GLOBAL_CFG, strerror(errno));
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
		mg_err("cannot update %s: %s", MTUG_MAP_GLOBAL_CFG, strerror(errno));
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
		 const struct mtug_iface_cfg *c, __u64 flags)
{
	int err;

	err = bpf_map_update_elem(st->map[MG_MAP_IFACE_CFG], &ifindex, c, flags);
	if (err) {
		err = -errno;
		mg_err("cannot update %s[%u]: %s", MTUG_MAP_IFACE_CFG, ifindex,
		       strerror(errno));
	}
	return err;
}

int mg_iface_del(const struct mg_state *st, __u32 ifindex)
{
	int err;

	err = bpf_map_delete_elem(st->map[MG_MAP_IFACE_CFG], &ifindex);
	if (err && errno != ENOENT) {
		err = -errno;
		mg_err("cannot delete %s[%u]: %s", MTUG_MAP_IFACE_CFG, ifindex,
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

		mg_err("cannot walk %s: %s", MTUG_MAP_IFACE_CFG, strerror(errno));
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
