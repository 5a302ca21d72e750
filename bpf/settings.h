/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * settings.h - what the loader decides about the running kernel before
 * load (user/datapath.c), as read-only globals: the verifier sees their
 * values, so the code behind a facility the kernel lacks is dead code to
 * it and never checked against helpers that kernel does not have.
 */
#ifndef MTUG_SETTINGS_H
#define MTUG_SETTINGS_H

/* The XDP program is loaded multi-buffer (BPF_F_XDP_HAS_FRAGS, 5.18+):
 * data..data_end is then the first buffer only, and
 * bpf_xdp_get_buff_len() gives the whole frame. */
const volatile __u32 mtug_xdp_frags = 0;

#endif /* MTUG_SETTINGS_H */
