/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tc.h - mtuguard's TC programs: TCX links where the kernel has TCX
 * (6.6+), else clsact filters (libbpf's bpf_tc_* netlink API).
 *
 * TCX: one bpf_link per direction, pinned at
 * <pin-dir>/links/tcx_ingress_<ifindex> and tcx_egress_<ifindex> like the
 * XDP link, first on the hook; other owners' links stay where they are
 * and detach removes only ours.  Our programs pass what they do not act on
 * with TC_ACT_UNSPEC, so the programs after them on the hook (TCX links,
 * clsact filters at a later priority) still run.
 *
 * Our filters always use one fixed handle and priority, so any later CLI
 * run can find and remove exactly them, next to other people's filters.
 * Shown by `tc filter show dev IFACE ingress|egress` as
 * "pref 28007 bpf ... handle 0x6d67 mtuguard_tc_...".
 */
#ifndef MG_TC_H
#define MG_TC_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define MG_TC_HANDLE 0x6d67 /* "mg" */
#define MG_TC_PRIO   0x6d67

/* 1 if a clsact qdisc is on ifindex, 0 if not (or the device is gone),
 * or a negative errno (printed).  Asked before creating one, so that the
 * ownership can be recorded before the qdisc exists (see lib/attach.c). */
int mg_tc_clsact_exists(__u32 ifindex);

/* Create the clsact qdisc; *created tells whether it was not there. */
int mg_tc_clsact_create(__u32 ifindex, bool *created);
/* Delete the clsact qdisc (with every filter left on it). */
int mg_tc_clsact_destroy(__u32 ifindex);

int mg_tc_filter_add(__u32 ifindex, bool ingress, int prog_fd, __u32 prio);

/* Remove our filter, but only if it still runs the program expect_id
 * (0 = any).  Returns 0 if it is gone (or was never there). */
int mg_tc_filter_del(__u32 ifindex, bool ingress, __u32 prio, __u32 expect_id);

/* 0 and the program id if our filter is there, -ENOENT if not. */
int mg_tc_filter_query(__u32 ifindex, bool ingress, __u32 prio, __u32 *prog_id);

/* Whether attach should use TCX on this kernel: the kernel's BTF knows
 * BPF_TCX_INGRESS (without kernel BTF: assumed, and an attach refused
 * with EINVAL falls back to clsact).  MTUGUARD_TC_HOOK=clsact in the
 * environment forces clsact. */
bool mg_tcx_wanted(void);

/* Attach prog_fd as a TCX link and pin it.  -EOPNOTSUPP (not printed) if
 * the kernel has no TCX; other errors printed. */
int mg_tcx_attach(const char *dir, __u32 ifindex, bool ingress, int prog_fd);

/* Detach and unpin our TCX link; 0 if there was none. */
int mg_tcx_detach(const char *dir, __u32 ifindex, bool ingress);

/* 0 and the program id if our TCX link is pinned and still attached to
 * ifindex, -ENOENT if not, or another negative errno. */
int mg_tcx_query(const char *dir, __u32 ifindex, bool ingress, __u32 *prog_id);

/* The pinned name of a TCX link below the pin dir ("links/tcx_..."). */
void mg_tcx_pin_name(char *buf, size_t len, __u32 ifindex, bool ingress);

#endif /* MG_TC_H */
