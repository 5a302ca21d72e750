// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* attach.c - `mtuguard attach IFACE [--mode native|generic] [--no-egress]`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "args.h"
#include "attach.h"
#include "cfg.h"
#include "cmd.h"
#include "counters.h"
#include "detach.h"
#include "iface.h"
#include "log.h"
#include "pin.h"
#include "tc.h"
#include "xdp.h"

struct attach_args {
	const char *iface;
	__u32 ifindex;
	bool generic;
	bool egress;
};

static int parse(int argc, char **argv, struct attach_args *a)
{
	static const char *const names[] = { "IFACE" };
	static const char *const modes[] = { "native", "generic", NULL };
	const char *mode = NULL;
	bool no_egress = false;
	const struct mg_opt opts[] = {
		{ "--mode", &mode, NULL },
		{ "--no-egress", NULL, &no_egress },
		{ 0 },
	};
	char *pos[argc + 1];
	int err, npos, m = 0;

	err = mg_opts_parse("attach", argc, argv, opts, pos, &npos);
	if (!err)
		err = mg_want_args("attach", pos, npos, 1, names);
	if (err)
		return err;
	if (mode) {
		m = mg_parse_word(mode, modes);
		if (m < 0)
			return mg_usage("attach: unknown mode '%s' (native or generic)",
					mode);
	}
	a->iface = pos[0];
	a->generic = m == 1;
	a->egress = !no_egress;
	return 0;
}

/* Attach the programs to one interface, recording each step in cfg->attach
 * as it succeeds so that mg_detach_iface() can undo a partial attach. */
static int attach_steps(const struct mg_state *st, __u32 ifindex, bool generic,
			bool egress, struct mtug_iface_cfg *cfg)
{
	bool created;
	int err;

	err = mg_xdp_attach(st->dir, ifindex, st->prog[MG_PROG_XDP], generic);
	if (err)
		return err;
	cfg->attach |= generic ? MTUG_A_XDP_GENERIC : MTUG_A_XDP_NATIVE;
	mg_obj_id(st->prog[MG_PROG_XDP], &cfg->xdp_prog_id);

	err = mg_tc_clsact_create(ifindex, &created);
	if (err)
		return err;
	if (created)
		cfg->attach |= MTUG_A_OWN_CLSACT;
	cfg->tc_prio = MG_TC_PRIO;

	/* Ingress always: the TC ingress program does only broadcast-mode
	 * ICMP work and costs little otherwise, and this way `ptb mode
	 * broadcast` needs no re-attach. */
	err = mg_tc_filter_add(ifindex, true, st->prog[MG_PROG_TC_INGRESS],
			       cfg->tc_prio);
	if (err)
		return err;
	cfg->attach |= MTUG_A_TC_INGRESS;
	if (egress) {
		err = mg_tc_filter_add(ifindex, false, st->prog[MG_PROG_TC_EGRESS],
				       cfg->tc_prio);
		if (err)
			return err;
		cfg->attach |= MTUG_A_TC_EGRESS;
	}
	return mg_iface_put(st, ifindex, cfg, BPF_EXIST);
}

int mg_attach_iface(const struct mg_state *st, __u32 ifindex, bool generic,
		    bool egress, struct mtug_iface_cfg *cfg)
{
	int err;

	cfg->attach = 0;
	cfg->xdp_prog_id = 0;
	cfg->tc_prio = 0;
	/* A slot of its own in iface_counters, zeroed before the entry that
	 * points the datapath at it is visible: a slot another interface
	 * used before starts clean.  Free slots are nobody's, so zeroing one
	 * is harmless even if the entry below then fails. */
	err = mg_iface_slot_find(st, &cfg->slot);
	if (!err)
		err = mg_iface_slot_zero(st, cfg->slot);
	/* The entry goes in first, so the datapath finds its features from
	 * the very first packet. */
	if (!err)
		err = mg_iface_put(st, ifindex, cfg, BPF_NOEXIST);
	if (err)
		return err;
	err = attach_steps(st, ifindex, generic, egress, cfg);
	if (err)
		/* Roll back what this attach did; the error is printed. */
		mg_detach_iface(st, ifindex, cfg);
	return err;
}

int mg_attach_xdp_mode(const struct mg_state *st, __u32 ifindex,
		       struct mtug_iface_cfg *cfg, bool generic)
{
	const __u32 xdp_bits = MTUG_A_XDP_NATIVE | MTUG_A_XDP_GENERIC;
	bool was_generic = cfg->attach & MTUG_A_XDP_GENERIC;
	int err, e;

	/* A link cannot change its mode: detach, then attach anew. */
	err = mg_xdp_detach(st->dir, ifindex);
	if (err)
		return err;
	cfg->attach &= ~xdp_bits;
	err = mg_xdp_attach(st->dir, ifindex, st->prog[MG_PROG_XDP], generic);
	if (err) {
		e = mg_xdp_attach(st->dir, ifindex, st->prog[MG_PROG_XDP], was_generic);
		if (!e)
			cfg->attach |= was_generic ? MTUG_A_XDP_GENERIC : MTUG_A_XDP_NATIVE;
		mg_iface_put(st, ifindex, cfg, BPF_EXIST);
		return err;
	}
	cfg->attach |= generic ? MTUG_A_XDP_GENERIC : MTUG_A_XDP_NATIVE;
	mg_obj_id(st->prog[MG_PROG_XDP], &cfg->xdp_prog_id);
	return mg_iface_put(st, ifindex, cfg, BPF_EXIST);
}

int mg_attach_egress(const struct mg_state *st, __u32 ifindex,
		     struct mtug_iface_cfg *cfg, bool on)
{
	__u32 id = 0;
	int err;

	if (!cfg->tc_prio)
		cfg->tc_prio = MG_TC_PRIO;
	if (on) {
		err = mg_tc_filter_add(ifindex, false, st->prog[MG_PROG_TC_EGRESS],
				       cfg->tc_prio);
		if (err)
			return err;
		cfg->attach |= MTUG_A_TC_EGRESS;
	} else {
		mg_obj_id(st->prog[MG_PROG_TC_EGRESS], &id);
		err = mg_tc_filter_del(ifindex, false, cfg->tc_prio, id);
		if (err)
			return err;
		cfg->attach &= ~MTUG_A_TC_EGRESS;
	}
	return mg_iface_put(st, ifindex, cfg, BPF_EXIST);
}

static void describe(const struct attach_args *a, const struct mtug_iface_cfg *cfg)
{
	printf("attached %s (ifindex %u): xdp %s, tc ingress%s%s\n", a->iface,
	       a->ifindex, a->generic ? "generic" : "native",
	       a->egress ? "+egress" : "",
	       cfg->attach & MTUG_A_OWN_CLSACT ? " (clsact created)" : "");
}

/* Retries when a concurrent last detach removed the directory meanwhile. */
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
		if (!mg_state_complete(dir)) {
			err = mg_state_create(dir);
			if (err) {
				mg_state_unpin_all(dir);
				mg_pin_dir_undo(dir, &prep);
				close(lock_fd);
				return err;
			}
		}
		return mg_state_open(st, dir, MG_STATE_PROGS, lock_fd);
	}
	mg_err("%s keeps disappearing (a concurrent detach?)", dir);
	return -EBUSY;
}

int mg_cmd_attach(const struct mg_ctx *ctx, int argc, char **argv)
{
	struct mtug_iface_cfg cfg = {
		.features = MTUG_F_MSS | MTUG_F_PTB,
		.ptb_mode = MTUG_PTB_OFF,
	};
	struct mtug_iface_cfg old;
	struct mg_state st;
	struct attach_args a = {};
	int err;

	mg_state_init(&st);
	err = parse(argc, argv, &a);
	if (err)
		return err;
	err = mg_ifname_resolve(a.iface, &a.ifindex);
	if (err)
		return err;

	/* From here on st holds the lock and mg_state_release() cleans up,
	 * including the state itself if this attach created it and fails. */
	err = mg_state_acquire(ctx->pin_dir, &st);
	if (err)
		return err;

	if (mg_iface_get(&st, a.ifindex, &old) == 0) {
		printf("%s is already attached, nothing to do\n", a.iface);
		goto out;
	}
	err = mg_attach_iface(&st, a.ifindex, a.generic, a.egress, &cfg);
	if (!err)
		describe(&a, &cfg);
out:
	/* Releases the state too if this attach created it and failed. */
	mg_state_release(&st);
	return err;
}
