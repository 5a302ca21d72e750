/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdp.h - the XDP program through a bpf_link pinned at
 * <pin-dir>/links/xdp_<ifindex>: the pin keeps it attached after the CLI
 * exits, and no other tool can silently replace it.
 */
#ifndef MG_XDP_H
#define MG_XDP_H

#include <stdbool.h>
#include <linux/types.h>

int mg_xdp_attach(const char *dir, __u32 ifindex, int prog_fd, bool generic);

/* Why a driver refused XDP (err, negative), in words to append to the
 * error line, for an interface name / drv / mtu on a kernel with or
 * without multi-buffer XDP (frags) and pages of page bytes; "" when
 * there is nothing to add. */
void mg_xdp_refusal_text(int err, bool generic, const char *name, const char *drv,
			 __u32 mtu, bool frags, long page, char *buf, size_t len);

/* Detach and unpin; 0 if there was no link. */
int mg_xdp_detach(const char *dir, __u32 ifindex);

/* Whether the pinned link exists and is still attached, and its program. */
int mg_xdp_query(const char *dir, __u32 ifindex, bool *attached, __u32 *prog_id);

/* What holds an interface's XDP hook. */
struct mg_xdp_holder {
	__u32 id;      /* the program's id, 0: the hook is free */
	bool generic;  /* attached in generic (skb) mode, else native */
	bool link;     /* through a bpf_link (netlink attach cannot replace it) */
	char name[16]; /* the program's name */
};

/* Who holds ifindex's XDP hook (native first, if both modes are used). */
int mg_xdp_holder(__u32 ifindex, struct mg_xdp_holder *h);

/* Through netlink, atomically: new_fd on the hook in place of old_fd, and
 * only if old_fd is what is there (XDP_FLAGS_REPLACE).  Errors printed. */
int mg_xdp_replace(__u32 ifindex, int new_fd, int old_fd, bool generic,
		   const char *what);

/* "NAME, id N" of a program id into buf ("id N" without a name). */
void mg_xdp_prog_str(__u32 id, char *buf, size_t len);

#endif /* MG_XDP_H */
