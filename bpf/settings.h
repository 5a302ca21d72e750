/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * settings.h - what the loader decides about the running kernel before
 * load (user/lib/datapath.c), as read-only globals: the verifier sees their
 * values, so the code behind a facility the kernel lacks is dead code to
 * it and never checked against helpers that kernel does not have.
 */
#ifndef MTUG_SETTINGS_H
#define MTUG_SETTINGS_H

/* The XDP program is loaded multi-buffer (BPF_F_XDP_HAS_FRAGS, 5.18+):
 * data..data_end is then the first buffer only, and
 * bpf_xdp_get_buff_len() gives the whole frame. */
const volatile __u32 mtug_xdp_frags = 0;

/* The fib paths read the receiving device (bpf/strict.h, rx_dev()) where
 * the kernel has bpf_cast_to_kern_ctx().  0: never, as on kernels before
 * 6.2 (the CLI's copy in iface_cfg stands in): the unit tests' -D, which
 * runs that path on any kernel. */
const volatile __u32 mtug_dev_view = 1;

#endif /* MTUG_SETTINGS_H */
