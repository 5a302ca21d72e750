// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* state.c - see state.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "mtuguard.h"
#include "log.h"
#include "owner.h"
#include "pin.h"
#include "state.h"

/* Checked against what is pinned, so that a pin dir left by another
 * build is reported instead of misread. */
#define MTUG_VALUE(T) sizeof(T)
#define MTUG_INNER(T) sizeof(__u32) /* a map id */
#define MG_MAP_DESC_(ID, NAME, TYPE, KEY, VALUE, MAX_ENTRIES, FLAGS) \
	[MG_MAP_##ID] = { #NAME, BPF_MAP_TYPE_##TYPE, sizeof(KEY), VALUE,   \
			  MAX_ENTRIES, FLAGS },
static const struct mg_map_desc maps[MG_MAP_NR] = {
	MTUG_MAPS(MG_MAP_DESC_)
};
#undef MG_MAP_DESC_
#undef MTUG_INNER
#undef MTUG_VALUE

static const char *const prog_pins[MG_PROG_NR] = {
	[MG_PROG_XDP] = "prog_xdp",
	[MG_PROG_TC_INGRESS] = "prog_tc_ingress",
	[MG_PROG_TC_EGRESS] = "prog_tc_egress",
};

const struct mg_map_desc *mg_map_desc(enum mg_map_id id)
{
	return &maps[id];
}

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

static int check_map(int fd, const struct mg_map_desc *d, const char *path)
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
	    info.value_size != d->value_size || info.max_entries != d->max_entries ||
	    info.map_flags != d->flags) {
		mg_err("%s does not match this mtuguard (type %u key %u value %u "
		       "entries %u flags %#x, want %u/%u/%u/%u/%#x): stale pin directory "
		       "from another build?", path, info.type, info.key_size,
		       info.value_size, info.max_entries, info.map_flags, d->type,
		       d->key_size, d->value_size, d->max_entries, d->flags);
		return -EINVAL;
	}
	return 0;
}

int mg_state_pin_get(const char *dir, const char *name, char *path, size_t len)
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
	bool complete;
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
	complete = r;
	/* links/ as a symlink would hand another state's XDP links to every
	 * command: refused before anything is read (pin.h). */
	r = pinned(dir, MG_PIN_LINKS);
	if (r < 0) {
		err = r;
		goto out;
	}
	/* An incomplete state is judged under the lock even by a reader: a
	 * first attach holds it until the state is whole. */
	if ((flags & MG_STATE_LOCK || !complete) && st->lock_fd < 0) {
		st->lock_fd = mg_pin_lock(dir);
		if (st->lock_fd == -EAGAIN)
			mg_err("not attached (state in %s removed meanwhile)", dir);
		if (st->lock_fd < 0) {
			err = st->lock_fd == -EAGAIN ? -ENOENT : st->lock_fd;
			st->lock_fd = -1;
			goto out;
		}
	}
	if (!complete) {
		r = mg_state_complete(dir);
		if (!r)
			mg_err("not attached (an interrupted attach or detach left an "
			       "incomplete state in %s, which the next command that "
			       "changes the state removes)", dir);
		if (r <= 0) {
			err = r ?: -ENOENT;
			goto out;
		}
		if (!(flags & MG_STATE_LOCK) && lock_fd < 0) {
			mg_pin_unlock(st->lock_fd); /* taken only to wait */
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
		fd = mg_state_pin_get(dir, maps[i].name, path, sizeof(path));
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
		fd = mg_state_pin_get(dir, prog_pins[i], path, sizeof(path));
		if (fd < 0) {
			err = fd;
			if (err != -ELOOP)
				mg_err("cannot open pinned program %s: %s", path,
				       strerror(-err));
			goto out;
		}
		st->prog[i] = fd;
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

