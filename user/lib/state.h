/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * state.h - the pinned maps and programs of one pin directory.
 *
 * The first attach loads the BPF object once and pins everything; every
 * later CLI run opens the pins (bpf_obj_get), so there is only ever one copy
 * of each map per pin directory.
 *
 * This file only finds and opens a state, and changes nothing in it: how
 * a state is made, repaired and taken down is lifecycle.h.  A state is
 * whole when its marker <pin-dir>/state_complete is there (the first
 * attach makes it after every pin, the last detach removes it first).
 */
#ifndef MG_STATE_H
#define MG_STATE_H

#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <linux/types.h>

#include "mtuguard.h"

/* MG_MAP_<ID> for every map of MTUG_MAPS (mtuguard.h), in its order. */
#define MG_MAP_ID_(ID, ...) MG_MAP_##ID,
enum mg_map_id {
	MTUG_MAPS(MG_MAP_ID_)
	MG_MAP_NR,
};
#undef MG_MAP_ID_

enum mg_prog_id {
	MG_PROG_XDP,
	MG_PROG_TC_INGRESS,
	MG_PROG_TC_EGRESS,
	MG_PROG_NR,
};

/* Open flags. */
#define MG_STATE_PROGS 0x1 /* also open the pinned programs */
#define MG_STATE_LOCK  0x2 /* take the pin dir lock (commands that write) */
/* The command reads and writes no interface, only prefixes and global
 * settings, which mean the same in every network namespace: it may run
 * from another than the state's (see owner.h). */
#define MG_STATE_ANY_NETNS 0x4

struct mg_state {
	char dir[PATH_MAX];
	int map[MG_MAP_NR];
	int prog[MG_PROG_NR]; /* -1 unless opened with MG_STATE_PROGS */
	int lock_fd;          /* -1 unless MG_STATE_LOCK */
};

/* What a pinned map must be, from MTUG_MAPS: its pin name (relative to
 * the pin dir, and its name in the BPF object), type, sizes and flags. */
struct mg_map_desc {
	const char *name;
	__u32 type, key_size, value_size, max_entries, flags;
};
const struct mg_map_desc *mg_map_desc(enum mg_map_id id);

/* Pinned name of a map or program, relative to the pin dir. */
const char *mg_map_name(enum mg_map_id id);
const char *mg_prog_pin_name(enum mg_prog_id id);

/* 1 if there is anything of a state in dir (any pin, the marker, the
 * links directory), complete or not; 0 if there is none (no pin dir
 * either); or a negative errno (printed) if that cannot be told: a pin dir
 * that breaks the rules of pin.h or cannot be read.  Never "none" for a
 * state it cannot see. */
int mg_state_find(const char *dir);

/* 1 if the state in dir is whole (its marker is there), 0 if not, or a
 * negative errno (printed). */
int mg_state_complete(const char *dir);

/* All fds -1: safe to mg_state_close() without opening. */
void mg_state_init(struct mg_state *st);

/*
 * Open the pins; never changes them (a command that changes the state
 * opens it with mg_state_edit(), lifecycle.h, which repairs it).  With no
 * state at all prints "not attached" and returns -ENOENT (a state that
 * cannot be examined is another error, printed); so it does for an
 * incomplete state (judged under the lock: a first attach holds it until
 * its state is whole).  A pinned map whose layout does not match this
 * binary is an error too (a stale pin dir from another version).
 * lock_fd: an already held lock to adopt (or -1; MG_STATE_LOCK takes one).
 */
int mg_state_open(struct mg_state *st, const char *dir, unsigned int flags,
		  int lock_fd);
void mg_state_close(struct mg_state *st);
/* Close the map and program fds but keep the lock. */
void mg_state_close_fds(struct mg_state *st);

/* The fd of the pinned object dir/name (its path into path); -ENOENT (not
 * printed) if it is not there, other errors printed. */
int mg_state_pin_get(const char *dir, const char *name, char *path, size_t len);

/* Kernel id of a BPF object fd (program or map or link). */
int mg_obj_id(int fd, __u32 *id);

#endif /* MG_STATE_H */
