// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* iface_fast.c - see iface_fast.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "iface_fast.h"

static int fast_write(int fd, __u32 idx, __u32 ifindex, const struct mtug_iface_cfg *c)
{
	struct mtug_iface_fast f = { .ifindex = ifindex };

	if (c)
		f.cfg = *c;
	return bpf_map_update_elem(fd, &idx, &f, BPF_ANY) ? -errno : 0;
}

int mg_iface_fast_put(int fast_fd, __u32 ifindex, const struct mtug_iface_cfg *c)
{
	__u32 idx = mtug_iface_fast_idx(ifindex);
	struct mtug_iface_fast cur;

	if (bpf_map_lookup_elem(fast_fd, &idx, &cur))
		return -errno;
	if (cur.ifindex && cur.ifindex != ifindex)
		return 0; /* collision: this interface stays on the hash */
	if (cur.ifindex == ifindex && !memcmp(&cur.cfg, c, sizeof(*c)))
		return 0;
	if (!cur.ifindex) {
		/* Taking an empty entry: its stale cfg bytes must not pass
		 * for ours, so write them under the empty tag first.  A packet
		 * of ours meanwhile misses and reads iface_cfg. */
		int err = fast_write(fast_fd, idx, 0, c);

		if (err)
			return err;
	}
	return fast_write(fast_fd, idx, ifindex, c);
}

int mg_iface_fast_del(int fast_fd, int cfg_fd, __u32 ifindex)
{
	__u32 idx = mtug_iface_fast_idx(ifindex), key, next;
	struct mtug_iface_fast cur;
	struct mtug_iface_cfg c;
	void *prev = NULL;
	int err;

	if (bpf_map_lookup_elem(fast_fd, &idx, &cur))
		return -errno;
	if (cur.ifindex != ifindex)
		return 0; /* it was never cached */
	err = fast_write(fast_fd, idx, 0, NULL);
	if (err)
		return err;
	/* Promote a colliding interface that had to use the hash. */
	while (bpf_map_get_next_key(cfg_fd, prev, &next) == 0) {
		if (next != ifindex && mtug_iface_fast_idx(next) == idx &&
		    bpf_map_lookup_elem(cfg_fd, &next, &c) == 0)
			return mg_iface_fast_put(fast_fd, next, &c);
		key = next;
		prev = &key;
	}
	return 0;
}

int mg_iface_fast_sync(int fast_fd, int cfg_fd)
{
	struct mtug_iface_fast *all;
	__u32 *keys, count = MTUG_IFACE_FAST_ENTRIES, batch, i, key, next;
	struct mtug_iface_cfg c;
	void *prev = NULL;
	int err = 0;

	all = calloc(MTUG_IFACE_FAST_ENTRIES, sizeof(*all));
	keys = calloc(MTUG_IFACE_FAST_ENTRIES, sizeof(*keys));
	if (!all || !keys) {
		err = -ENOMEM;
		goto out;
	}
	/* One syscall for the whole array: this runs on every CLI write. */
	if (bpf_map_lookup_batch(fast_fd, NULL, &batch, keys, all, &count, NULL) &&
	    errno != ENOENT) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < count; i++) {
		struct mtug_iface_fast *f = &all[i];

		/* Empty the entries of interfaces iface_cfg no longer has;
		 * the loop below brings every configured one up to date. */
		if (!f->ifindex || bpf_map_lookup_elem(cfg_fd, &f->ifindex, &c) == 0)
			continue;
		if (errno != ENOENT) {
			err = -errno;
			goto out;
		}
		err = fast_write(fast_fd, keys[i], 0, NULL);
		if (err)
			goto out;
	}
	while (bpf_map_get_next_key(cfg_fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(cfg_fd, &next, &c) == 0) {
			err = mg_iface_fast_put(fast_fd, next, &c);
			if (err)
				goto out;
		}
		key = next;
		prev = &key;
	}
out:
	free(all);
	free(keys);
	return err;
}
