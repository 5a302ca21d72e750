// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * v6_shards.c - see v6_shards.h.
 *
 * The CLI holds no fds of the inner tries: a change opens the one trie it
 * needs by id (three syscalls), so a run never nears the fd limit.
 *
 * Where a prefix lives.  A slot may hold a trie or nothing (the datapath
 * takes nothing as empty and goes on to the short trie).  A prefix of /32
 * or longer lives in the trie of its shard's slot when that slot has one,
 * and in the short trie (slot MTUG_V6_SHORT) when it has none.  The
 * lookup stays the longest match of mtu_v6 either way: an address can only
 * match /32-or-longer prefixes of its own shard, so when its shard has a
 * trie, all of those are there and the short trie holds only shorter ones;
 * when it has none, they are all in the short trie with the shorter ones.
 * A copy of a prefix left in the short trie while its slot also has it
 * (an interrupted move) never changes an answer either: the shard answers
 * first, and it holds that prefix.
 *
 * Tries are made only where they are needed, and never removed: writing a
 * slot of a map of maps waits for an RCU grace period (before 6.8, each
 * element of a batched write does), so filling all 8,193 slots up front
 * took minutes on older kernels.  Before 6.8 even reading a slot waits
 * for one: there (sharded false) the slots are never looked at, every
 * prefix lives in the short trie, and its fd is opened once per process.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "v6_shards.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's own, leaked by BPF_MAP_UPDATE_BATCH */
#endif

/*
 * A fresh trie for a slot.  It must match struct mtu_v6_shard of
 * bpf/maps.h, the template libbpf made the outer map with: type, key and
 * value size, flags, and on some kernels (6.1: the timer offset, -ENOENT
 * with BTF, -EINVAL without) whether it has BTF.  libbpf gave the
 * template the object's BTF types of mtu_v6's key and value, so the trie
 * gets the BTF mtu_v6 has (none if it has none, as in the unit tests).
 */
static int new_trie(int v6_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, btf_fd = -1, err;

	if (bpf_obj_get_info_by_fd(v6_fd, &info, &len))
		return -errno;
	if (info.btf_id) {
		btf_fd = bpf_btf_get_fd_by_id(info.btf_id);
		if (btf_fd < 0)
			return -errno;
		o.btf_fd = btf_fd;
		o.btf_key_type_id = info.btf_key_type_id;
		o.btf_value_type_id = info.btf_value_type_id;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "mtu_v6_shard",
			    sizeof(struct mtug_lpm_v6_key), sizeof(struct mtug_mtu_val),
			    MTUG_LPM_MAX_ENTRIES, &o);
	err = fd < 0 ? -errno : fd;
	if (btf_fd >= 0)
		close(btf_fd);
	return err;
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

/* The short trie of the outer map with this id, held open: it is never
 * replaced once made, and a lookup in the outer map costs a grace period
 * before 6.8 (one per prefix of a 10,000-prefix apply). */
static struct {
	__u32 outer_id;
	int fd;
} short_trie = { 0, -1 };

/* A new fd of the short trie (close it), -ENOENT if there is none yet. */
static int short_fd(int shards_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd;

	if (bpf_obj_get_info_by_fd(shards_fd, &info, &len))
		return -errno;
	if (short_trie.fd < 0 || short_trie.outer_id != info.id) {
		fd = mg_shards_slot_fd(shards_fd, MTUG_V6_SHORT);
		if (fd < 0)
			return fd;
		if (short_trie.fd >= 0)
			close(short_trie.fd);
		short_trie.outer_id = info.id;
		short_trie.fd = fd;
	}
	fd = dup(short_trie.fd);
	return fd < 0 ? -errno : fd;
}

/* A new fd of the trie in slot, by short_fd() for the short one. */
static int trie_fd(int shards_fd, __u32 slot)
{
	return slot == MTUG_V6_SHORT ? short_fd(shards_fd) : mg_shards_slot_fd(shards_fd, slot);
}

struct entry {
	__u32 slot; /* the prefix's own slot (mtug_v6_prefix_slot) */
	struct mtug_lpm_v6_key k;
	struct mtug_mtu_val v;
};

struct list {
	struct entry *e;
	size_t n, cap;
};

static int list_add(struct list *l, const struct entry *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct entry *ne = realloc(l->e, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		l->e = ne;
		l->cap = cap;
	}
	l->e[l->n++] = *e;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return memcmp(&x->k, &y->k, sizeof(x->k));
}

/* Order by slot, then prefix: one order for the authority and the copy. */
static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return cmp_key(a, b);
}

/* Append every prefix of a trie with its value and own slot.  A lookup
 * by a prefix's own key finds that prefix (nothing longer is considered). */
static int read_trie(int fd, struct list *l)
{
	struct mtug_lpm_v6_key key, next;
	void *prev = NULL;
	struct entry e;
	int err;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		memset(&e, 0, sizeof(e));
		if (bpf_map_lookup_elem(fd, &key, &e.v))
			continue; /* deleted meanwhile */
		e.k = key;
		e.slot = mtug_v6_prefix_slot(key.addr, key.prefixlen);
		err = list_add(l, &e);
		if (err)
			return err;
	}
	return errno == ENOENT ? 0 : -errno;
}

/* A fresh trie holding n entries, written into slot (one write: one
 * grace period).  The caller holds the pin dir lock, so nobody else
 * fills the slot meanwhile. */
static int slot_create(int shards_fd, int v6_fd, __u32 slot, const struct entry *e,
		       size_t n)
{
	int fd = new_trie(v6_fd), err = 0;
	size_t i;

	if (fd < 0)
		return fd;
	for (i = 0; i < n && !err; i++)
		if (bpf_map_update_elem(fd, &e[i].k, &e[i].v, BPF_ANY))
			err = -errno;
	if (!err && bpf_map_update_elem(shards_fd, &slot, &fd, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

/* Put (v) or delete (v NULL) a key in the trie of a slot that has one;
 * -ENOENT (no trie) is passed up, a missing key on delete is no error. */
static int slot_write(int shards_fd, __u32 slot, const struct mtug_lpm_v6_key *k,
		      const struct mtug_mtu_val *v)
{
	int fd = trie_fd(shards_fd, slot), err = 0;

	if (fd < 0)
		return fd;
	if (v ? bpf_map_update_elem(fd, k, v, BPF_ANY) :
		bpf_map_delete_elem(fd, k) && errno != ENOENT)
		err = -errno;
	close(fd);
	return err;
}

int mg_shards_put(int shards_fd, int v6_fd, const struct mtug_lpm_v6_key *k,
		  const struct mtug_mtu_val *v, bool sharded)
{
	__u32 slot = mtug_v6_prefix_slot(k->addr, k->prefixlen);
	struct entry e = { .slot = slot, .k = *k, .v = *v };
	int err = -ENOENT;

	if (sharded && slot != MTUG_V6_SHORT)
		err = slot_write(shards_fd, slot, k, v);
	if (err == -ENOENT)
		err = slot_write(shards_fd, MTUG_V6_SHORT, k, v);
	if (err == -ENOENT)
		err = slot_create(shards_fd, v6_fd, MTUG_V6_SHORT, &e, 1);
	return err;
}

int mg_shards_del(int shards_fd, const struct mtug_lpm_v6_key *k, bool sharded)
{
	__u32 slot = mtug_v6_prefix_slot(k->addr, k->prefixlen);
	int err = 0;

	/* Both places it may be in (one, or both after an interrupted
	 * move). */
	if (sharded && slot != MTUG_V6_SHORT)
		err = slot_write(shards_fd, slot, k, NULL);
	if (!err || err == -ENOENT)
		err = slot_write(shards_fd, MTUG_V6_SHORT, k, NULL);
	return err == -ENOENT ? 0 : err;
}

/* ---- moving prefixes out of the short trie -------------------------------- */

/* Fresh tries go into their slots CHUNK at a time: never more fds open
 * than that (a CLI may run under a 1,024 fd limit). */
#define CHUNK 512

struct chunk {
	__u32 slots[CHUNK];
	int fds[CHUNK];
	size_t from[CHUNK], to[CHUNK]; /* their entries in the list */
	__u32 n;
};

/*
 * Write the chunk's tries into their slots: one batch where the kernel
 * takes batches for a map of maps (5.10 answers ENOTSUPP), single writes
 * where not.  *done: how many of the first were certainly written (0 after
 * a failed batch: its count is not to be trusted for every error).
 */
static int chunk_write(int shards_fd, struct chunk *c, __u32 *done)
{
	__u32 count = c->n, i;
	int err;

	*done = 0;
	if (!c->n)
		return 0;
	if (!bpf_map_update_batch(shards_fd, c->slots, c->fds, &count, NULL)) {
		*done = c->n;
		return 0;
	}
	err = errno;
	if (err != ENOTSUPP && err != EOPNOTSUPP && err != EINVAL)
		return -err;
	for (i = 0; i < c->n; i++) {
		if (bpf_map_update_elem(shards_fd, &c->slots[i], &c->fds[i], BPF_ANY))
			return -errno;
		(*done)++;
	}
	return 0;
}

/* Write the chunk, then drop the moved prefixes from the short trie (only
 * those whose slot is certainly written); close the fds either way. */
static int chunk_flush(int shards_fd, int sfd, struct chunk *c,
		       const struct list *l, int err)
{
	__u32 done = 0, i;
	size_t k;

	if (!err)
		err = chunk_write(shards_fd, c, &done);
	for (i = 0; i < done; i++)
		for (k = c->from[i]; k < c->to[i]; k++)
			if (bpf_map_delete_elem(sfd, &l->e[k].k) && errno != ENOENT &&
			    !err)
				err = -errno;
	for (i = 0; i < c->n; i++)
		close(c->fds[i]);
	c->n = 0;
	return err;
}

int mg_shards_compact(int shards_fd, int v6_fd)
{
	struct chunk *c = calloc(1, sizeof(*c));
	struct list l = {};
	size_t i, j, k;
	int sfd, fd, err, made = 0;

	if (!c)
		return -ENOMEM;
	sfd = short_fd(shards_fd);
	if (sfd < 0) {
		free(c);
		return sfd == -ENOENT ? 0 : sfd;
	}
	err = read_trie(sfd, &l);
	/* Only prefixes of /32 or longer have a slot of their own. */
	for (i = j = 0; !err && i < l.n; i++)
		if (l.e[i].slot != MTUG_V6_SHORT)
			l.e[j++] = l.e[i];
	l.n = err ? 0 : j;
	if (l.n)
		qsort(l.e, l.n, sizeof(*l.e), cmp_entry);
	for (i = 0; !err && i < l.n; i = j) {
		for (j = i; j < l.n && l.e[j].slot == l.e[i].slot; j++)
			;
		fd = mg_shards_slot_fd(shards_fd, l.e[i].slot);
		if (fd >= 0) {
			/* A copy left by an interrupted move: the slot's
			 * trie has the prefix (and answers first). */
			close(fd);
			for (k = i; k < j; k++)
				if (bpf_map_delete_elem(sfd, &l.e[k].k) && errno != ENOENT)
					err = -errno;
			continue;
		}
		if (fd != -ENOENT) {
			err = fd;
			break;
		}
		if (c->n == CHUNK)
			err = chunk_flush(shards_fd, sfd, c, &l, 0);
		fd = err ? -1 : new_trie(v6_fd);
		if (fd < 0 && !err)
			err = fd;
		for (k = i; !err && k < j; k++)
			if (bpf_map_update_elem(fd, &l.e[k].k, &l.e[k].v, BPF_ANY))
				err = -errno;
		if (fd >= 0) {
			c->slots[c->n] = l.e[i].slot;
			c->fds[c->n] = fd;
			c->from[c->n] = i;
			c->to[c->n++] = j;
			made++;
		}
	}
	err = chunk_flush(shards_fd, sfd, c, &l, err);
	close(sfd);
	free(l.e);
	free(c);
	return err ? err : made;
}

/* ---- the copy against the authority --------------------------------------- */

/* Make the trie fd hold exactly want (n entries sorted by key), or only
 * count the differences into *diff (fix false). */
static int trie_sync(int fd, const struct entry *want, size_t n, bool fix, int *diff)
{
	struct list have = {};
	size_t i = 0, j = 0;
	int err, c;

	err = read_trie(fd, &have);
	if (!err && have.n)
		qsort(have.e, have.n, sizeof(*have.e), cmp_key);
	while (!err && (i < n || j < have.n)) {
		c = i == n ? 1 : j == have.n ? -1 : cmp_key(&want[i], &have.e[j]);
		if (c > 0) {
			/* Not the authority's, or not this trie's. */
			(*diff)++;
			if (fix && bpf_map_delete_elem(fd, &have.e[j].k) && errno != ENOENT)
				err = -errno;
			j++;
			continue;
		}
		if (c == 0 && !memcmp(&want[i].v, &have.e[j].v, sizeof(want[i].v))) {
			i++;
			j++;
			continue;
		}
		(*diff)++;
		if (fix && bpf_map_update_elem(fd, &want[i].k, &want[i].v, BPF_ANY))
			err = -errno;
		i++;
		j += c == 0;
	}
	free(have.e);
	return err;
}

/* Compare every trie with where mtu_v6's prefixes should be (see the top
 * of this file), and with fix, correct it in place: 1 differs, 0 not, or
 * a negative errno.  Not sharded: the short trie alone. */
static int reconcile(int shards_fd, int v6_fd, bool sharded, bool fix)
{
	struct list want = {}, rest = {};
	size_t i = 0, from;
	int err, fd, diff = 0;
	__u32 slot;

	err = read_trie(v6_fd, &want);
	if (!err && want.n)
		qsort(want.e, want.n, sizeof(*want.e), cmp_entry);
	for (slot = 0; !err && slot < MTUG_V6_SHARDS; slot++) {
		for (from = i; i < want.n && want.e[i].slot == slot; i++)
			;
		fd = sharded ? mg_shards_slot_fd(shards_fd, slot) : -ENOENT;
		if (fd == -ENOENT) {
			/* No trie here: its prefixes go to the short one. */
			for (; !err && from < i; from++)
				err = list_add(&rest, &want.e[from]);
			continue;
		}
		if (fd < 0) {
			err = fd;
			break;
		}
		err = trie_sync(fd, want.e + from, i - from, fix, &diff);
		close(fd);
	}
	for (; !err && i < want.n; i++)
		err = list_add(&rest, &want.e[i]);
	if (!err && rest.n)
		qsort(rest.e, rest.n, sizeof(*rest.e), cmp_key);
	if (!err) {
		fd = short_fd(shards_fd);
		if (fd >= 0) {
			err = trie_sync(fd, rest.e, rest.n, fix, &diff);
			close(fd);
		} else if (fd != -ENOENT) {
			err = fd;
		} else if (rest.n) {
			diff++;
			if (fix)
				err = slot_create(shards_fd, v6_fd, MTUG_V6_SHORT, rest.e,
						  rest.n);
		}
	}
	free(want.e);
	free(rest.e);
	return err ? err : !fix && diff;
}

int mg_shards_rebuild(int shards_fd, int v6_fd, bool sharded)
{
	return reconcile(shards_fd, v6_fd, sharded, true);
}

int mg_shards_differ(int shards_fd, int v6_fd, bool sharded)
{
	return reconcile(shards_fd, v6_fd, sharded, false);
}
