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

int mg_shards_slot_fd(int shards_fd, __u32 slot)
{
	__u32 id;
	int fd;

	if (bpf_map_lookup_elem(shards_fd, &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

/*
 * Every write to a map-in-map waits for an RCU grace period (the syscall
 * makes sure no program still runs with the old inner map), several ms
 * here: 8,193 single writes took 2 minutes.  A batch waits once.
 */
static int slots_write(int shards_fd, __u32 *slots, int *fds, __u32 n)
{
	__u32 count = n;

	if (!n)
		return 0;
	if (bpf_map_update_batch(shards_fd, slots, fds, &count, NULL))
		return -errno;
	return count == n ? 0 : -EIO;
}

/* Fresh tries are written CHUNK at a time: one grace period each, and
 * never more fds open than that (a CLI may run under a 1,024 fd limit). */
#define CHUNK 512

struct chunk {
	__u32 slots[CHUNK];
	int fds[CHUNK];
	__u32 n;
};

/* A fresh trie for slot into the chunk; the chunk goes out when full. */
static int chunk_add(int shards_fd, struct chunk *c, __u32 slot, int *fd)
{
	int err = 0;

	if (c->n == CHUNK) {
		err = slots_write(shards_fd, c->slots, c->fds, c->n);
		while (c->n)
			close(c->fds[--c->n]); /* the outer map holds them */
		if (err)
			return err;
	}
	*fd = new_trie();
	if (*fd < 0)
		return *fd;
	c->slots[c->n] = slot;
	c->fds[c->n++] = *fd;
	return 0;
}

/* Write what is left (err 0) or drop it; close the fds either way. */
static int chunk_end(int shards_fd, struct chunk *c, int err)
{
	if (!err)
		err = slots_write(shards_fd, c->slots, c->fds, c->n);
	while (c->n)
		close(c->fds[--c->n]);
	return err;
}

int mg_shards_populate(int shards_fd)
{
	struct chunk c = { .n = 0 };
	__u32 slot, id;
	int fd, err = 0;

	for (slot = 0; slot < SLOTS && !err; slot++) {
		if (!bpf_map_lookup_elem(shards_fd, &slot, &id))
			continue;
		err = errno == ENOENT ? chunk_add(shards_fd, &c, slot, &fd) : -errno;
	}
	return chunk_end(shards_fd, &c, err);
}

/* Put (v) or delete (v NULL) a prefix in the trie of its slot. */
static int prefix_write(int shards_fd, const struct mtug_lpm_v6_key *k,
			const struct mtug_mtu_val *v)
{
	int fd = mg_shards_slot_fd(shards_fd, mtug_v6_prefix_slot(k->addr, k->prefixlen));
	int err = 0;

	if (fd < 0)
		return fd;
	if (v ? bpf_map_update_elem(fd, k, v, BPF_ANY) :
		bpf_map_delete_elem(fd, k) && errno != ENOENT)
		err = -errno;
	close(fd);
	return err;
}

int mg_shards_put(int shards_fd, const struct mtug_lpm_v6_key *k,
		  const struct mtug_mtu_val *v)
{
	return prefix_write(shards_fd, k, v);
}

int mg_shards_del(int shards_fd, const struct mtug_lpm_v6_key *k)
{
	return prefix_write(shards_fd, k, NULL);
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
	struct chunk c = { .n = 0 };
	struct list l = {};
	size_t i = 0;
	__u32 slot;
	int fd, err;

	err = read_trie(v6_fd, &l);
	if (!err && l.n)
		qsort(l.e, l.n, sizeof(*l.e), cmp_entry);
	for (slot = 0; slot < SLOTS && !err; slot++) {
		err = chunk_add(shards_fd, &c, slot, &fd);
		for (; !err && i < l.n && l.e[i].slot == slot; i++)
			if (bpf_map_update_elem(fd, &l.e[i].k, &l.e[i].v, BPF_ANY))
				err = -errno;
	}
	free(l.e);
	return chunk_end(shards_fd, &c, err);
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

		fd = mg_shards_slot_fd(shards_fd, slot);
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
