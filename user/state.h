/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * state.h - the pinned maps and programs of one pin directory.
 *
 * The first attach loads the BPF object once and pins everything; every
 * later CLI run opens the pins (bpf_obj_get), so there is only ever one copy
 * of each map per pin directory.
 *
 * Crash safety: the first attach pins every map and program, THEN makes
 * the marker <pin-dir>/state_complete, and only then attaches anything;
 * the last detach removes the marker first, then the pins.  So pins
 * without the marker are always the leftovers of a first attach (or a
 * last detach) killed part-way, with nothing attached through them: the
 * next CLI run that finds them removes them under the pin dir lock
 * (mg_state_settle) and goes on as if there were no state.
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
	MG_MAP_IFACE_FAST,
	MG_MAP_FILTER,
	MG_MAP_V6_SHARDS,
	MG_MAP_SYNC,
	MG_MAP_CACHE,
	MG_MAP_CHAIN,
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

/*
 * With the pin dir lock held: make an incomplete state whole or remove
 * it.  Every pin there without the marker (a build before the marker) is
 * adopted: 0.  Only some: every pin, the links and the pin dir are
 * removed: 1 (nothing printed).  Complete or absent: 0.  Or a negative
 * errno (printed).
 */
int mg_state_settle(const char *dir);

/* mg_state_settle() for a command that holds no lock: takes it, and
 * prints "removed the leftovers of an interrupted attach in DIR" when it
 * removed some.  Returns the same; a pin dir that cannot be examined is an
 * error (printed). */
int mg_state_recover(const char *dir);

/* All fds -1: safe to mg_state_close() without opening. */
void mg_state_init(struct mg_state *st);

/*
 * Open the pins.  With no state at all prints "not attached" and returns
 * -ENOENT (a state that cannot be examined is another error, printed); so it does after removing an incomplete state (under the lock,
 * mg_state_settle(), saying so on the same line); a pinned map whose layout does not match this binary is an
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

/*
 * The XDP program of a shared hook (mtuguard_xdp_chain, share.h) and the
 * program array it goes on through: loaded on first need with the state's
 * maps, multi-buffer (frags) or not.  Of the kind of the state's XDP
 * program: pinned as prog_xdp_chain, with the state's xdp_chain.  Single-
 * buffer where the state's is multi-buffer (a shared hook whose other
 * program is single-buffer): prog_xdp_chain_sb, with a chain array of its
 * own, xdp_chain_sb (a program array takes the kind of the first program
 * that uses it).  Its fds into *prog_fd and
 * *chain_fd (close them), or a negative errno (printed).  With create
 * false, -ENOENT (not printed) if it is not there.
 */
#define MG_PIN_PROG_XDP_CHAIN    "prog_xdp_chain"
#define MG_PIN_PROG_XDP_CHAIN_SB "prog_xdp_chain_sb"
#define MG_PIN_CHAIN_SB          "xdp_chain_sb"
int mg_state_xdp_chain(const char *dir, bool frags, bool create, int *prog_fd,
		       int *chain_fd);

/* Remove the marker, then unpin every map and program, any XDP link left
 * (detached) and the links dir (last detach, a failed first attach, or
 * leftovers).  Best effort. */
void mg_state_unpin_all(const char *dir);

/* Kernel id of a BPF object fd (program or map or link). */
int mg_obj_id(int fd, __u32 *id);

#endif /* MG_STATE_H */
