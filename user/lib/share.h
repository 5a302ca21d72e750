/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * share.h - mtuguard's XDP program on a hook it shares with another
 * owner's program.
 *
 * chain (attach --chain): another program holds the hook through netlink.
 *   mtuguard takes the hook atomically (netlink replace with the expected
 *   old program) and runs first; the frames it passes go on to that
 *   program by a tail call (the xdp_chain program array, at the
 *   interface's slot).  The other program is pinned at
 *   <pin-dir>/links/chained_<ifindex> meanwhile; detach puts it back
 *   atomically (replace with mtuguard's as the expected old program), with
 *   the id it had.  Order, so that the hook only ever holds the other
 *   program or mtuguard with its chain filled: pin, fill the chain slot,
 *   replace; on the way back, replace, then empty the slot and unpin.
 *
 * root (attach --root-array PATH:POS): a root program on the hook (shaped
 *   like katran's xdp_root) runs the first filled slot of its pinned
 *   program array.  mtuguard's program goes into slot POS; the frames it
 *   passes go on to the program that was in the first filled slot after
 *   POS when it was put there (copied into xdp_chain: a program cannot
 *   tail-call into a map it was not loaded with).  Limits: a program put
 *   into those later slots afterwards is not followed until the next
 *   attach; the hook is the root's.  The array is pinned at
 *   <pin-dir>/links/root_<ifindex>_<pos>; detach empties slot POS if it
 *   still holds mtuguard's program.
 *
 * Either way a tail call needs caller and callee alike multi-buffer or
 * not (a program array takes the kind of the first program that uses
 * it).  The program on a shared hook is mtuguard_xdp_chain, loaded on
 * first need (state.h): multi-buffer like the state's where the kernel
 * has it, single-buffer (with a chain array of its own) for a hook whose
 * other program is single-buffer; cfg->xdp_prog_id records which one.
 */
#ifndef MG_SHARE_H
#define MG_SHARE_H

#include <limits.h>
#include <stdbool.h>

#include "mtuguard.h"
#include "state.h"
#include "xdp.h"

enum mg_share_kind {
	MG_SHARE_NONE,
	MG_SHARE_CHAIN,
	MG_SHARE_ROOT,
};

struct mg_share_req {
	enum mg_share_kind kind;
	char root[PATH_MAX]; /* MG_SHARE_ROOT: the pinned program array */
	int root_fd;         /* or its fd, if >= 0 (a redo: the pin goes first) */
	__u32 pos;           /* and the slot */
};

/* "PATH:POS" of --root-array into req (usage error printed). */
int mg_share_root_parse(const char *arg, struct mg_share_req *req);

/* Chain in front of h's program (held through netlink); cfg, with
 * MTUG_A_CHAIN and h's mode, is written already.  Errors printed; what
 * was done is for mg_share_detach() to undo. */
int mg_share_chain(const struct mg_state *st, __u32 ifindex,
		   struct mtug_iface_cfg *cfg, const struct mg_xdp_holder *h);

/* Into slot req->pos of req->root; cfg (MTUG_A_ROOT) written already. */
int mg_share_root(const struct mg_state *st, __u32 ifindex,
		  struct mtug_iface_cfg *cfg, const struct mg_share_req *req);

/* Undo whatever of a chain or root share of ifindex is there, and empty
 * its xdp_chain slot.  0 when nothing is left. */
int mg_share_detach(const struct mg_state *st, __u32 ifindex,
		    const struct mtug_iface_cfg *cfg);

/* mtuguard's program is where cfg's share puts it (the hook, or the root
 * array's slot). */
bool mg_share_live(const struct mg_state *st, __u32 ifindex,
		   const struct mtug_iface_cfg *cfg);

/* The request that makes cfg's share again (from its pins), for a redo;
 * close req->root_fd when it is >= 0. */
int mg_share_req_of(const char *dir, __u32 ifindex, const struct mtug_iface_cfg *cfg,
		    struct mg_share_req *req);

/* The root array written as "PATH:POS" for show-config: PATH is
 * mtuguard's own pin of the array (the path it was given is not kept).
 * "" if cfg has none. */
void mg_share_root_str(const char *dir, __u32 ifindex, const struct mtug_iface_cfg *cfg,
		       char *buf, size_t len);

/* Whether two "PATH:POS" name the same slot of the same array (the same
 * map, by id, under any path). */
bool mg_share_same_root(const char *a, const char *b);

/* Whether a shared hook's interface runs mtuguard's single-buffer XDP
 * program: on a kernel without multi-buffer XDP every one does; else
 * only the twin a single-buffer program on the hook needs (lifecycle.h). */
bool mg_share_single_buffer(const struct mg_state *st, const struct mtug_iface_cfg *cfg);

/* What status shows. */
struct mg_share_view {
	__u32 next_id;      /* the program frames go on to, 0: none */
	char next_name[16];
	__u32 root_map_id;  /* root: the array's id and the slot */
	__u32 pos;
};
void mg_share_view(const struct mg_state *st, __u32 ifindex,
		   const struct mtug_iface_cfg *cfg, struct mg_share_view *v);

#endif /* MG_SHARE_H */
