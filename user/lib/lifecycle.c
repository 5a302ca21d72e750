// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* lifecycle.c - see lifecycle.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mtuguard.h"
#include "config_maps.h"
#include "datapath.h"
#include "iface_fast.h"
#include "lifecycle.h"
#include "log.h"
#include "mtuguard.skel.h"
#include "owner.h"
#include "pin.h"
#include "tc.h"
#include "xdp.h"

/* 1 if dir/name is there, 0 if not, or a negative errno (printed). */
static int pinned(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return mg_pin_entry(dir, name, path, sizeof(path));
}

/* ---- leftovers of an interrupted first attach or last detach ---------------- */

/* Every map and program pinned (what the marker stands for): 1, 0 or a
 * negative errno (printed). */
static int all_pinned(const char *dir)
{
	int i, r = 1;

	for (i = 0; r == 1 && i < MG_MAP_NR; i++)
		r = pinned(dir, mg_map_name(i));
	for (i = 0; r == 1 && i < MG_PROG_NR; i++)
		r = pinned(dir, mg_prog_pin_name(i));
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

/* ---- repair and opening to change ------------------------------------------- */

int mg_state_repair(const struct mg_state *st)
{
	int err;

	err = mg_iface_fast_sync(st->map[MG_MAP_IFACE_FAST], st->map[MG_MAP_IFACE_CFG]);
	if (err) {
		mg_err("cannot bring %s in line with %s: %s", mg_map_name(MG_MAP_IFACE_FAST),
		       mg_map_name(MG_MAP_IFACE_CFG), strerror(-err));
		return err;
	}
	return mg_prefix_copy_sync(st);
}

int mg_state_edit(struct mg_state *st, const char *dir, unsigned int flags)
{
	int lock_fd = -1, r;

	mg_state_init(st);
	r = incomplete(dir);
	if (r < 0)
		return r;
	if (r) {
		/* Under the lock: a first attach holds it until its state is
		 * whole. */
		lock_fd = mg_pin_lock(dir);
		if (lock_fd == -EAGAIN)
			mg_err("not attached (state in %s removed meanwhile)", dir);
		if (lock_fd < 0)
			return lock_fd == -EAGAIN ? -ENOENT : lock_fd;
		r = mg_state_settle(dir);
		if (r > 0)
			mg_err("not attached (removed the leftovers of an interrupted "
			       "attach in %s)", dir);
		if (r) {
			mg_pin_unlock(lock_fd);
			return r > 0 ? -ENOENT : r;
		}
	}
	r = mg_state_open(st, dir, flags | MG_STATE_LOCK, lock_fd);
	if (!r)
		r = mg_state_repair(st);
	if (r)
		mg_state_close(st);
	return r;
}

/* ---- birth: the first attach --------------------------------------------------- */

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
		map = bpf_object__find_map_by_name(skel->obj, mg_map_name(i));
		if (!map) {
			mg_err("the BPF object has no map '%s'", mg_map_name(i));
			err = -ENOENT;
			goto out;
		}
		err = mg_pin_path(path, sizeof(path), dir, mg_map_name(i));
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
		err = pinned(dir, mg_prog_pin_name(i));
		if (err < 0)
			goto out;
		if (err)
			continue;
		err = mg_pin_path(path, sizeof(path), dir, mg_prog_pin_name(i));
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
	const char *chain_pin = own ? mg_map_name(MG_MAP_CHAIN) : MG_PIN_CHAIN_SB;
	struct mtuguard_bpf *skel;
	struct bpf_map *map;
	char path[PATH_MAX];
	int i, err;

	*prog_fd = mg_state_pin_get(dir, prog_pin, path, sizeof(path));
	*chain_fd = mg_state_pin_get(dir, chain_pin, path, sizeof(path));
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
		map = bpf_object__find_map_by_name(skel->obj, mg_map_name(i));
		err = map ? mg_pin_path(path, sizeof(path), dir,
					i == MG_MAP_CHAIN ? chain_pin : mg_map_name(i)) :
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

/* Retries when a concurrent last detach removed the directory meanwhile,
 * or after removing the leftovers of an interrupted first attach. */
int mg_state_acquire(const char *dir, struct mg_state *st)
{
	struct mg_pin_prep prep;
	int err, lock_fd, tries;

	for (tries = 0; tries < 5; tries++) {
		err = mg_pin_dir_prepare(dir, &prep);
		if (err)
			return err;
		lock_fd = mg_pin_lock(dir);
		if (lock_fd == -EAGAIN)
			continue;
		if (lock_fd < 0) {
			mg_pin_dir_undo(dir, &prep);
			return lock_fd;
		}
		/* Pins without the marker: removed with the pin dir, then
		 * start over from nothing. */
		err = mg_state_settle(dir);
		if (err > 0) {
			mg_note("removed the leftovers of an interrupted attach in %s",
				dir);
			mg_pin_unlock(lock_fd);
			continue;
		}
		if (!err)
			err = mg_state_complete(dir);
		if (!err) {
			err = mg_state_create(dir);
			if (err)
				mg_state_unpin_all(dir);
		}
		if (err < 0) {
			mg_pin_dir_undo(dir, &prep);
			mg_pin_unlock(lock_fd);
			return err;
		}
		err = mg_state_open(st, dir, MG_STATE_PROGS, lock_fd);
		if (!err)
			err = mg_state_repair(st);
		if (err)
			mg_state_close(st);
		return err;
	}
	mg_err("%s keeps disappearing (a concurrent detach?)", dir);
	return -EBUSY;
}

/* ---- teardown -------------------------------------------------------------------- */

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
		if (!mg_pin_path(path, sizeof(path), dir, mg_prog_pin_name(i)))
			unlink(path);
	if (!mg_pin_path(path, sizeof(path), dir, MG_PIN_PROG_XDP_CHAIN))
		unlink(path);
	if (!mg_pin_path(path, sizeof(path), dir, MG_PIN_PROG_XDP_CHAIN_SB))
		unlink(path);
	if (!mg_pin_path(path, sizeof(path), dir, MG_PIN_CHAIN_SB))
		unlink(path);
	for (i = 0; i < MG_MAP_NR; i++)
		if (!mg_pin_path(path, sizeof(path), dir, mg_map_name(i)))
			unlink(path);
	unpin_links(dir);
	mg_owner_remove(dir);
}

int mg_state_release(struct mg_state *st)
{
	__u32 one;
	int n;

	n = mg_iface_list(st, &one, 1);
	mg_state_close_fds(st);
	if (n != 0) {
		mg_state_close(st);
		return 0;
	}
	/* Still holding the lock, so no other CLI run can start using the
	 * state we take apart; one waiting for it sees the directory gone. */
	mg_state_unpin_all(st->dir);
	mg_pin_dir_remove(st->dir);
	mg_dbg("last interface detached: removed %s", st->dir);
	mg_state_close(st);
	return 1;
}
