// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * v6_shards.c - see v6_shards.h.
 *
 * The CLI holds no fds of the 8,193 inner tries: a change opens the one
 * trie it needs by id (three syscalls), so a run never nears the fd limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "v6_shards.h"

#define SLOTS (MTUG_V6_SHARDS + 1)

static int new_trie(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	int fd;

	/* Must match struct mtu_v6_shard in bpf/maps.h (the kernel checks
	 * type, key and value size and flags against it). */
	fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "mtu_v6_shard",
			    sizeof(struct mtug_lpm_v6_key), sizeof(struct mtug_mtu_val),
			    MTUG_LPM_MAX_ENTRIES, &o);
	return fd < 0 ? -errno : fd;
}

/* fd of the trie in a slot, -ENOENT when the slot is empty. */
static int slot_fd(int shards_fd, __u32 slot)
{
	__u32 id;
	int fd;

	if (bpf_map_lookup_elem(shards_fd, &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

static int slot_set(int shards_fd, __u32 slot, int trie_fd)
{
	return bpf_map_update_elem(shards_fd, &slot, &trie_fd, BPF_ANY) ? -errno : 0;
}

int mg_shards_populate(int shards_fd)
{
	__u32 slot, id;
	int fd, err;

	for (slot = 0; slot < SLOTS; slot++) {
		if (!bpf_map_lookup_elem(shards_fd, &slot, &id))
			continue;
		if (errno != ENOENT)
			return -errno;
		fd = new_trie();
		if (fd < 0)
			return fd;
		err = slot_set(shards_fd, slot, fd);
		close(fd); /* the outer map holds it */
		if (err)
			return err;
	}
	return 0;
}

int mg_shards_put(int shards_fd, const struct mtug_lpm_v6_key *k,
		  const struct mtug_mtu_val *v)
{
	int fd = slot_fd(shards_fd, mtug_v6_prefix_slot(k->addr, k->prefixlen)), err = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, k, v, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

int mg_shards_del(int shards_fd, const struct mtug_lpm_v6_key *k)
{
	int fd = slot_fd(shards_fd, mtug_v6_prefix_slot(k->addr, k->prefixlen)), err = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_delete_elem(fd, k) && errno != ENOENT)
		err = -errno;
	close(fd);
	return err;
}

struct entry {
	__u32 slot;
	struct mtug_lpm_v6_key k;
	struct mtug_mtu_val v;
};

struct list {
	struct entry *e;
	size_t n, cap;
};

/* Order by slot, then prefix: one order for the authority and the copy. */
static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return memcmp(&x->k, &y->k, sizeof(x->k));
}

/* Append every prefix of a trie with its value.  A lookup by a prefix's
 * own key finds that prefix (nothing longer is considered). */
static int read_trie(int fd, struct list *l)
{
	struct mtug_lpm_v6_key key, next;
	void *prev = NULL;
	struct entry *e;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 1024;

			e = realloc(l->e, cap * sizeof(*e));
			if (!e)
				return -ENOMEM;
			l->e = e;
			l->cap = cap;
		}
		e = &l->e[l->n];
		memset(e, 0, sizeof(*e));
		if (bpf_map_lookup_elem(fd, &key, &e->v))
			continue; /* deleted meanwhile */
		e->k = key;
		e->slot = mtug_v6_prefix_slot(key.addr, key.prefixlen);
		l->n++;
	}
	return errno == ENOENT ? 0 : -errno;
}

int mg_shards_rebuild(int shards_fd, int v6_fd)
{
	struct list l = {};
	size_t i = 0;
	__u32 slot;
	int fd, err;

	err = read_trie(v6_fd, &l);
	if (!err && l.n)
		qsort(l.e, l.n, sizeof(*l.e), cmp_entry);
	for (slot = 0; slot < SLOTS && !err; slot++) {
		fd = new_trie();
		if (fd < 0) {
			err = fd;
			break;
		}
		for (; i < l.n && l.e[i].slot == slot && !err; i++)
			if (bpf_map_update_elem(fd, &l.e[i].k, &l.e[i].v, BPF_ANY))
				err = -errno;
		if (!err)
			err = slot_set(shards_fd, slot, fd);
		close(fd);
	}
	free(l.e);
	return err;
}

int mg_shards_differ(int shards_fd, int v6_fd)
{
	struct list want = {}, have = {};
	__u32 slot;
	size_t i;
	int fd, err, r = 0;

	err = read_trie(v6_fd, &want);
	for (slot = 0; slot < SLOTS && !err && !r; slot++) {
		size_t from = have.n;

		fd = slot_fd(shards_fd, slot);
		if (fd == -ENOENT) {
			r = 1;
			break;
		}
		if (fd < 0) {
			err = fd;
			break;
		}
		err = read_trie(fd, &have);
		close(fd);
		for (i = from; i < have.n; i++)
			if (have.e[i].slot != slot)
				r = 1; /* in the wrong slot */
	}
	if (!err && !r) {
		if (want.n)
			qsort(want.e, want.n, sizeof(*want.e), cmp_entry);
		if (have.n)
			qsort(have.e, have.n, sizeof(*have.e), cmp_entry);
		r = want.n != have.n ||
		    (want.n && memcmp(want.e, have.e, want.n * sizeof(*want.e)));
	}
	free(want.e);
	free(have.e);
	return err ? err : r;
}
