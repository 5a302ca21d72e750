// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* state.c - see state.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mtuguard.h"
#include "mtuguard.skel.h"
#include "datapath.h"
#include "log.h"
#include "owner.h"
#include "pin.h"
#include "state.h"
#include "tc.h"
#include "xdp.h"
#include "iface_fast.h"
#include "cfg.h"

struct map_desc {
	const char *name;
	__u32 type, key_size, value_size;
	__u32 max_entries; /* 0: any */
};

/* Names from include/mtuguard.h; sizes checked against what is pinned so a
 * pin dir left by another build is reported instead of misread. */
static const struct map_desc maps[MG_MAP_NR] = {
	[MG_MAP_MTU_V4] = { MTUG_MAP_MTU_V4, BPF_MAP_TYPE_LPM_TRIE,
			    sizeof(struct mtug_lpm_v4_key), sizeof(struct mtug_mtu_val) },
	[MG_MAP_MTU_V6] = { MTUG_MAP_MTU_V6, BPF_MAP_TYPE_LPM_TRIE,
			    sizeof(struct mtug_lpm_v6_key), sizeof(struct mtug_mtu_val) },
	[MG_MAP_IFACE_CFG] = { MTUG_MAP_IFACE_CFG, BPF_MAP_TYPE_HASH,
			       sizeof(__u32), sizeof(struct mtug_iface_cfg) },
	[MG_MAP_GLOBAL_CFG] = { MTUG_MAP_GLOBAL_CFG, BPF_MAP_TYPE_ARRAY,
				sizeof(__u32), sizeof(struct mtug_global_cfg) },
	[MG_MAP_COUNTERS] = { MTUG_MAP_COUNTERS, BPF_MAP_TYPE_PERCPU_ARRAY,
			      sizeof(__u32), sizeof(struct mtug_counters) },
	[MG_MAP_BUCKET] = { MTUG_MAP_BUCKET, BPF_MAP_TYPE_PERCPU_ARRAY,
			    sizeof(__u32), sizeof(struct mtug_bucket) },
	[MG_MAP_IFACE_CNT] = { MTUG_MAP_IFACE_CNT, BPF_MAP_TYPE_PERCPU_ARRAY,
			       sizeof(__u32), sizeof(struct mtug_counters) },
	[MG_MAP_IFACE_FAST] = { MTUG_MAP_IFACE_FAST, BPF_MAP_TYPE_ARRAY,
				sizeof(__u32), sizeof(struct mtug_iface_fast) },
	[MG_MAP_FILTER] = { MTUG_MAP_FILTER, BPF_MAP_TYPE_ARRAY,
			    sizeof(__u32), sizeof(__u64) },
	[MG_MAP_V6_SHARDS] = { MTUG_MAP_V6_SHARDS, BPF_MAP_TYPE_ARRAY_OF_MAPS,
			       sizeof(__u32), sizeof(__u32) },
	[MG_MAP_SYNC] = { MTUG_MAP_SYNC, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u32), 2 },
	[MG_MAP_CACHE] = { MTUG_MAP_CACHE, BPF_MAP_TYPE_PERCPU_ARRAY,
			   sizeof(__u32), sizeof(struct mtug_prefix_cache) },
	[MG_MAP_CHAIN] = { MTUG_MAP_CHAIN, BPF_MAP_TYPE_PROG_ARRAY,
			   sizeof(__u32), sizeof(__u32), MTUG_IFACE_MAX_ENTRIES },
};

static const char *const prog_pins[MG_PROG_NR] = {
	[MG_PROG_XDP] = "prog_xdp",
	[MG_PROG_TC_INGRESS] = "prog_tc_ingress",
	[MG_PROG_TC_EGRESS] = "prog_tc_egress",
};

const char *mg_map_name(enum mg_map_id id)
{
	return maps[id].name;
}

const char *mg_prog_pin_name(enum mg_prog_id id)
{
	return prog_pins[id];
}

/* 1 if dir/name is there, 0 if not, or a negative errno (printed). */
static int pinned(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return mg_pin_entry(dir, name, path, sizeof(path));
}

int mg_state_find(const char *dir)
{
	bool exists;
	int i, r;

	r = mg_pin_dir_verify(dir, &exists);
	if (r || !exists)
		return r;
	r = pinned(dir, MG_PIN_COMPLETE);
	if (!r)
		r = pinned(dir, MG_PIN_LINKS);
	if (!r)
		r = mg_owner_recorded(dir);
	for (i = 0; !r && i < MG_MAP_NR; i++)
		r = pinned(dir, maps[i].name);
	for (i = 0; !r && i < MG_PROG_NR; i++)
		r = pinned(dir, prog_pins[i]);
	return r;
}

int mg_state_complete(const char *dir)
{
	return pinned(dir, MG_PIN_COMPLETE);
}

/* Every map and program pinned (what the marker stands for): 1, 0 or a
 * negative errno (printed). */
static int all_pinned(const char *dir)
{
	int i, r = 1;

	for (i = 0; r == 1 && i < MG_MAP_NR; i++)
		r = pinned(dir, maps[i].name);
	for (i = 0; r == 1 && i < MG_PROG_NR; i++)
		r = pinned(dir, prog_pins[i]);
	return r;
}

/* 1 if dir holds a state without its marker, 0 if a whole one or none,
 * or a negative errno (printed). */
static int incomplete(const char *dir)
{
	int r = mg_state_find(dir);

	if (r > 0)
		r = mg_state_complete(dir);
	else if (!r)
		return 0; /* no state */
	return r < 0 ? r : !r;
}

int mg_state_settle(const char *dir)
{
	int r = incomplete(dir);

	if (r <= 0)
		return r;
	/* Every pin there but no marker: a state pinned by a build before
	 * the marker, or a first attach killed just before making it (so
	 * nothing is attached with it yet).  Either way it is whole. */
	r = all_pinned(dir);
	if (r < 0)
		return r;
	if (r) {
		mg_dbg("every pin of %s is there: marking it complete", dir);
		return mg_pin_mkdir(dir, MG_PIN_COMPLETE);
	}
	/* Some pins, no marker: a first attach killed while it loaded and
	 * pinned, or a last detach killed while it unpinned.  Nothing can
	 * run with such a state (attach attaches only after the marker), so
	 * it goes, and the pin dir with it (and our bpffs mount, if ours). */
	mg_state_unpin_all(dir);
	mg_pin_dir_remove(dir);
	return 1;
}

int mg_state_recover(const char *dir)
{
	int lock_fd, r;

	r = incomplete(dir);
	if (r <= 0)
		return r;
	/* Maybe a first attach is loading right now: it holds the lock
	 * until it is done, so wait for it before judging. */
	lock_fd = mg_pin_lock(dir);
	if (lock_fd == -EAGAIN)
		return 0; /* removed meanwhile: nothing left */
	if (lock_fd < 0)
		return lock_fd;
	r = mg_state_settle(dir);
	mg_pin_unlock(lock_fd);
	if (r > 0)
		mg_note("removed the leftovers of an interrupted attach in %s", dir);
	return r;
}

int mg_obj_id(int fd, __u32 *id)
{
	/* The id is the second field of every bpf_*_info; a prog info is the
	 * largest we need and libbpf 1.1 only has the generic call. */
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	*id = info.id;
	return 0;
}

static int check_map(int fd, const struct map_desc *d, const char *path)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (err) {
		mg_err("cannot inspect %s: %s", path, strerror(-err));
		return err;
	}
	if (info.type != d->type || info.key_size != d->key_size ||
	    info.value_size != d->value_size ||
	    (d->max_entries && info.max_entries != d->max_entries)) {
		mg_err("%s does not match this mtuguard (type %u key %u value %u "
		       "entries %u, want %u/%u/%u/%u): stale pin directory from another "
		       "build?", path, info.type, info.key_size, info.value_size,
		       info.max_entries, d->type, d->key_size, d->value_size,
		       d->max_entries);
		return -EINVAL;
	}
	return 0;
}

/* The pin's fd; -ENOENT (not printed) if it is not there, other errors
 * printed. */
static int open_pin(const char *dir, const char *name, char *path, size_t len)
{
	int fd, r;

	r = mg_pin_entry(dir, name, path, len);
	if (r <= 0)
		return r ?: -ENOENT;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	return fd;
}

void mg_state_init(struct mg_state *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < MG_MAP_NR; i++)
		st->map[i] = -1;
	for (i = 0; i < MG_PROG_NR; i++)
		st->prog[i] = -1;
	st->lock_fd = -1;
}

int mg_state_open(struct mg_state *st, const char *dir, unsigned int flags,
		  int lock_fd)
{
	char path[PATH_MAX];
	bool settle;
	int i, fd, r, err = 0;

	mg_state_init(st);
	snprintf(st->dir, sizeof(st->dir), "%s", dir);
	st->lock_fd = lock_fd;

	r = mg_state_find(dir);
	if (!r) {
		mg_err("not attached (no state in %s): run 'mtuguard attach IFACE' first",
		       dir);
		err = -ENOENT;
		goto out;
	}
	if (r > 0)
		r = mg_state_complete(dir);
	if (r < 0) {
		err = r;
		goto out;
	}
	/* An incomplete state is judged under the lock even by a reader:
	 * a first attach holds it until the state is whole. */
	settle = !r;
	/* links/ as a symlink would hand another state's XDP links to every
	 * command: refused before anything is read (pin.h). */
	r = pinned(dir, MG_PIN_LINKS);
	if (r < 0) {
		err = r;
		goto out;
	}
	if ((flags & MG_STATE_LOCK || settle) && st->lock_fd < 0) {
		st->lock_fd = mg_pin_lock(dir);
		if (st->lock_fd == -EAGAIN)
			mg_err("not attached (state in %s removed meanwhile)", dir);
		if (st->lock_fd < 0) {
			err = st->lock_fd == -EAGAIN ? -ENOENT : st->lock_fd;
			st->lock_fd = -1;
			goto out;
		}
	}
	if (settle) {
		r = mg_state_settle(dir);
		if (r > 0)
			mg_err("not attached (removed the leftovers of an interrupted "
			       "attach in %s)", dir);
		if (r) {
			err = r > 0 ? -ENOENT : r;
			goto out;
		}
		if (!(flags & MG_STATE_LOCK) && lock_fd < 0) {
			mg_pin_unlock(st->lock_fd); /* taken only to settle */
			st->lock_fd = -1;
		}
	}
	/* Before any map is read: another namespace's ifindexes are not
	 * this one's (see owner.h). */
	if (!(flags & MG_STATE_ANY_NETNS)) {
		err = mg_owner_check(dir);
		if (err)
			goto out;
	}
	for (i = 0; i < MG_MAP_NR; i++) {
		fd = open_pin(dir, maps[i].name, path, sizeof(path));
		if (fd < 0) {
			err = fd;
			if (err != -ELOOP)
				mg_err("cannot open pinned map %s: %s%s", path,
				       strerror(-err), err == -EACCES || err == -EPERM ?
				       " (run mtuguard as root)" : "");
			goto out;
		}
		st->map[i] = fd;
		err = check_map(fd, &maps[i], path);
		if (err)
			goto out;
	}
	for (i = 0; (flags & MG_STATE_PROGS) && i < MG_PROG_NR; i++) {
		fd = open_pin(dir, prog_pins[i], path, sizeof(path));
		if (fd < 0) {
			err = fd;
			if (err != -ELOOP)
				mg_err("cannot open pinned program %s: %s", path,
				       strerror(-err));
			goto out;
		}
		st->prog[i] = fd;
	}
	if (st->lock_fd >= 0) {
		err = mg_iface_fast_sync(st->map[MG_MAP_IFACE_FAST],
					 st->map[MG_MAP_IFACE_CFG]);
		if (err)
			mg_err("cannot bring %s in line with %s: %s",
			       MTUG_MAP_IFACE_FAST, MTUG_MAP_IFACE_CFG, strerror(-err));
		else
			err = mg_prefix_copy_sync(st);
	}
out:
	if (err)
		mg_state_close(st);
	return err;
}

void mg_state_close_fds(struct mg_state *st)
{
	int i;

	for (i = 0; i < MG_MAP_NR; i++) {
		if (st->map[i] >= 0)
			close(st->map[i]);
		st->map[i] = -1;
	}
	for (i = 0; i < MG_PROG_NR; i++) {
		if (st->prog[i] >= 0)
			close(st->prog[i]);
		st->prog[i] = -1;
	}
}

void mg_state_close(struct mg_state *st)
{
	mg_state_close_fds(st);
	mg_pin_unlock(st->lock_fd);
	st->lock_fd = -1;
}

static struct bpf_program *skel_prog(struct mtuguard_bpf *skel, int id)
{
	switch (id) {
	case MG_PROG_XDP:
		return skel->progs.mtuguard_xdp;
	case MG_PROG_TC_INGRESS:
		return skel->progs.mtuguard_tc_ingress;
	default:
		return skel->progs.mtuguard_tc_egress;
	}
}

int mg_state_create(const char *dir)
{
	struct mtuguard_bpf *skel;
	struct bpf_map *map;
	char path[PATH_MAX];
	int i, err;

	/* First, so that every state with pins carries its namespace. */
	err = mg_owner_record(dir);
	if (err)
		return err;
	skel = mtuguard_bpf__open();
	if (!skel) {
		err = -errno;
		mg_err("cannot open the BPF object: %s", strerror(errno));
		return err;
	}
	/* Every map of include/mtuguard.h is pinned by its name; libbpf pins
	 * at load, and reuses a compatible map already pinned there instead of
	 * creating a second copy.  Maps not named there are held by the
	 * programs alone: nothing outside the datapath needs them. */
	for (i = 0; i < MG_MAP_NR; i++) {
		map = bpf_object__find_map_by_name(skel->obj, maps[i].name);
		if (!map) {
			mg_err("the BPF object has no map '%s'", maps[i].name);
			err = -ENOENT;
			goto out;
		}
		err = mg_pin_path(path, sizeof(path), dir, maps[i].name);
		if (!err)
			err = bpf_map__set_pin_path(map, path);
		if (err)
			goto out;
	}
	/* The chain program is loaded when a hook is shared
	 * (mg_state_xdp_chain()). */
	bpf_program__set_autoload(skel->progs.mtuguard_xdp_chain, false);
	err = mg_datapath_prepare(skel);
	if (!err)
		err = mtuguard_bpf__load(skel);
	if (err) {
		mg_err("cannot load the BPF programs: %s%s", strerror(-err),
		       mg_log_verbose() ? "" : " (run with -v for libbpf's log)");
		goto out;
	}
	for (i = 0; i < MG_PROG_NR; i++) {
		err = pinned(dir, prog_pins[i]);
		if (err < 0)
			goto out;
		if (err)
			continue;
		err = mg_pin_path(path, sizeof(path), dir, prog_pins[i]);
		if (!err)
			err = bpf_program__pin(skel_prog(skel, i), path);
		if (err) {
			mg_err("cannot pin %s: %s", path, strerror(-err));
			goto out;
		}
	}
	/* mtu_v6_shards starts with no tries: they are made as prefixes
	 * come (v6_shards.c). */
	/* Last: from here on the state is whole, and only from here on may
	 * anything be attached with it. */
	err = mg_pin_mkdir(dir, MG_PIN_COMPLETE);
	if (!err)
		mg_dbg("loaded the BPF object and pinned it in %s", dir);
out:
	/* The pins hold the maps and programs from here on. */
	mtuguard_bpf__destroy(skel);
	return err;
}

int mg_state_xdp_chain(const char *dir, bool frags, bool create, int *prog_fd,
		       int *chain_fd)
{
	bool own = frags == mg_xdp_frags_supported(); /* the state's kind */
	const char *prog_pin = own ? MG_PIN_PROG_XDP_CHAIN : MG_PIN_PROG_XDP_CHAIN_SB;
	const char *chain_pin = own ? MTUG_MAP_CHAIN : MG_PIN_CHAIN_SB;
	struct mtuguard_bpf *skel;
	struct bpf_map *map;
	char path[PATH_MAX];
	int i, err;

	*prog_fd = open_pin(dir, prog_pin, path, sizeof(path));
	*chain_fd = open_pin(dir, chain_pin, path, sizeof(path));
	if (*prog_fd >= 0 && *chain_fd >= 0)
		return 0;
	if (*prog_fd >= 0)
		close(*prog_fd);
	if (*chain_fd >= 0)
		close(*chain_fd);
	*prog_fd = *chain_fd = -1;
	if (!create)
		return -ENOENT;
	skel = mtuguard_bpf__open();
	if (!skel) {
		err = -errno;
		mg_err("cannot open the BPF object: %s", strerror(errno));
		return err;
	}
	/* The state's maps, so that it reads the same settings and counts
	 * in the same counters; the single-buffer one with a chain array of
	 * its own, since a program array takes the multi-buffer flag of the
	 * first program that uses it. */
	for (i = 0; i < MG_MAP_NR; i++) {
		map = bpf_object__find_map_by_name(skel->obj, maps[i].name);
		err = map ? mg_pin_path(path, sizeof(path), dir,
					i == MG_MAP_CHAIN ? chain_pin : maps[i].name) :
			    -ENOENT;
		if (!err)
			err = bpf_map__set_pin_path(map, path);
		if (err)
			goto out;
	}
	bpf_program__set_autoload(skel->progs.mtuguard_xdp, false);
	bpf_program__set_autoload(skel->progs.mtuguard_tc_ingress, false);
	bpf_program__set_autoload(skel->progs.mtuguard_tc_egress, false);
	err = mg_datapath_prepare_frags(skel, frags);
	if (!err)
		err = mtuguard_bpf__load(skel);
	if (err) {
		mg_err("cannot load the XDP program for a shared hook: %s%s", strerror(-err),
		       mg_log_verbose() ? "" : " (run with -v for libbpf's log)");
		goto out;
	}
	err = mg_pin_path(path, sizeof(path), dir, prog_pin);
	if (!err)
		err = bpf_program__pin(skel->progs.mtuguard_xdp_chain, path);
	if (err) {
		mg_err("cannot pin %s: %s", path, strerror(-err));
		goto out;
	}
	*prog_fd = dup(bpf_program__fd(skel->progs.mtuguard_xdp_chain));
	*chain_fd = dup(bpf_map__fd(skel->maps.xdp_chain));
	if (*prog_fd < 0 || *chain_fd < 0)
		err = -EMFILE;
	mg_dbg("loaded the %s XDP program for a shared hook",
	       frags ? "multi-buffer" : "single-buffer");
out:
	mtuguard_bpf__destroy(skel);
	return err;
}

/* Detach and unpin every XDP and TCX link left under links/ (none,
 * normally: each goes with its interface's detach). */
static void unpin_links(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	unsigned long idx;
	bool ingress;
	char *end;
	DIR *d;
	int fd;

	if (mg_pin_entry(dir, MG_PIN_LINKS, path, sizeof(path)) <= 0)
		return;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "xdp_", 4)) {
			idx = strtoul(de->d_name + 4, &end, 10);
			if (!*end && idx)
				mg_xdp_detach(dir, idx);
		} else if (!strncmp(de->d_name, "tcx_ingress_", 12) ||
			   !strncmp(de->d_name, "tcx_egress_", 11)) {
			ingress = de->d_name[4] == 'i';
			idx = strtoul(de->d_name + (ingress ? 12 : 11), &end, 10);
			if (!*end && idx)
				mg_tcx_detach(dir, idx, ingress);
		} else if (!strncmp(de->d_name, "chained_", 8) ||
			   !strncmp(de->d_name, "root_", 5)) {
			/* A shared hook's pins (share.h), left by a detach
			 * that could not finish: only references. */
			unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	closedir(d);
	rmdir(path);
}

void mg_state_unpin_all(const char *dir)
{
	char path[PATH_MAX];
	int i;

	/* The marker first: a kill from here on leaves an incomplete state,
	 * which the next CLI run removes (mg_state_settle). */
	if (!mg_pin_path(path, sizeof(path), dir, MG_PIN_COMPLETE))
		rmdir(path);
	for (i = 0; i < MG_PROG_NR; i++)
		if (!mg_pin_path(path, sizeof(path), dir, prog_pins[i]))
			unlink(path);
	if (!mg_pin_path(path, sizeof(path), dir, MG_PIN_PROG_XDP_CHAIN))
		unlink(path);
	if (!mg_pin_path(path, sizeof(path), dir, MG_PIN_PROG_XDP_CHAIN_SB))
		unlink(path);
	if (!mg_pin_path(path, sizeof(path), dir, MG_PIN_CHAIN_SB))
		unlink(path);
	for (i = 0; i < MG_MAP_NR; i++)
		if (!mg_pin_path(path, sizeof(path), dir, maps[i].name))
			unlink(path);
	unpin_links(dir);
	mg_owner_remove(dir);
}
