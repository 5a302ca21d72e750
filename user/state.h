/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * state.h - the pinned maps and programs of one pin directory.
 *
 * The first attach loads the BPF object once and pins everything; every
 * later CLI run opens the pins (bpf_obj_get), so there is only ever one copy
 * of each map per pin directory.
 */
#ifndef MG_STATE_H
#define MG_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

enum mg_map_id {
	MG_MAP_MTU_V4,
	MG_MAP_MTU_V6,
	MG_MAP_IFACE_CFG,
	MG_MAP_GLOBAL_CFG,
	MG_MAP_COUNTERS,
	MG_MAP_BUCKET,
	MG_MAP_IFACE_CNT,
	MG_MAP_NR,
};

enum mg_prog_id {
	MG_PROG_XDP,
	MG_PROG_TC_INGRESS,
	MG_PROG_TC_EGRESS,
	MG_PROG_NR,
};

/* Open flags. */
#define MG_STATE_PROGS 0x1 /* also open the pinned programs */
#define MG_STATE_LOCK  0x2 /* take the pin dir lock (commands that write) */

struct mg_state {
	char dir[PATH_MAX];
	int map[MG_MAP_NR];
	int prog[MG_PROG_NR]; /* -1 unless opened with MG_STATE_PROGS */
	int lock_fd;          /* -1 unless MG_STATE_LOCK */
};

/* Pinned name of a map or program, relative to the pin dir. */
const char *mg_map_name(enum mg_map_id id);
const char *mg_prog_pin_name(enum mg_prog_id id);

/* True if there is any state in dir (its global_cfg is pinned). */
bool mg_state_present(const char *dir);

/* True if every map and program is pinned in dir. */
bool mg_state_complete(const char *dir);

/* All fds -1: safe to mg_state_close() without opening. */
void mg_state_init(struct mg_state *st);

/*
 * Open the pins.  With no state at all prints "not attached" and returns
 * -ENOENT; a pinned map whose layout does not match this binary is an
 * error too (a stale pin dir from another version).  lock_fd: an already
 * held lock to adopt (or -1; MG_STATE_LOCK takes one).
 */
int mg_state_open(struct mg_state *st, const char *dir, unsigned int flags,
		  int lock_fd);
void mg_state_close(struct mg_state *st);
/* Close the map and program fds but keep the lock. */
void mg_state_close_fds(struct mg_state *st);

/* Load the BPF object and pin its maps and programs in dir (first
 * attach).  Pins that already exist are reused, not replaced. */
int mg_state_create(const char *dir);

/* Unpin every map and program and the links dir (last detach, or a failed
 * first attach).  Best effort. */
void mg_state_unpin_all(const char *dir);

/* Kernel id of a BPF object fd (program or map or link). */
int mg_obj_id(int fd, __u32 *id);

#endif /* MG_STATE_H */
