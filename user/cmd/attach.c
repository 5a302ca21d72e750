// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* attach.c - `mtuguard attach IFACE [--mode native|generic] [--no-egress]
 * [--chain | --root-array PINNED_PROG_ARRAY:POS]`: the attaching itself is
 * lib/attach.c's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "attach.h"
#include "cmd.h"
#include "config_maps.h"
#include "lifecycle.h"
#include "log.h"
#include "netif.h"
#include "share.h"

#define TC_BITS (MTUG_A_TC_INGRESS | MTUG_A_TC_EGRESS)

struct attach_args {
	const char *iface;
	__u32 ifindex;
	bool generic;
	bool egress;
	bool mode_given;   /* --mode was on the command line */
	bool egress_given; /* --no-egress was */
	struct mg_share_req share; /* --chain, --root-array */
};

static int parse(int argc, char **argv, struct attach_args *a)
{
	static const char *const names[] = { "IFACE" };
	static const char *const modes[] = { "native", "generic", NULL };
	const char *mode = NULL, *root = NULL;
	bool no_egress = false, chain = false;
	const struct mg_opt opts[] = {
		{ "--mode", &mode, NULL },
		{ "--no-egress", NULL, &no_egress },
		{ "--chain", NULL, &chain },
		{ "--root-array", &root, NULL },
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
	a->share.root_fd = -1;
	if (chain && root)
		return mg_usage("attach: give --chain or --root-array, not both");
	if (root && mode)
		return mg_usage("attach: --mode does not go with --root-array (the hook "
				"is the root program's)");
	if (root) {
		err = mg_share_root_parse(root, &a->share);
		if (err)
			return err;
	}
	if (chain)
		a->share.kind = MG_SHARE_CHAIN;
	a->iface = pos[0];
	a->generic = m == 1;
	a->egress = !no_egress;
	a->mode_given = mode != NULL;
	a->egress_given = no_egress;
	return 0;
}

static int check_running(const struct attach_args *a, const struct mtug_iface_cfg *cfg)
{
	bool generic = cfg->attach & MTUG_A_XDP_GENERIC;
	bool egress = cfg->attach & MTUG_A_TC_EGRESS;
	enum mg_share_kind kind = cfg->attach & MTUG_A_CHAIN ? MG_SHARE_CHAIN :
				  cfg->attach & MTUG_A_ROOT ? MG_SHARE_ROOT : MG_SHARE_NONE;

	if (a->share.kind != MG_SHARE_NONE && a->share.kind != kind) {
		mg_err("%s is already attached %s: detach it first", a->iface,
		       kind == MG_SHARE_CHAIN ? "in front of another XDP program" :
		       kind == MG_SHARE_ROOT ? "in a root program array" :
		       "on its own XDP hook");
		return -EEXIST;
	}
	if ((!a->mode_given || a->generic == generic) &&
	    (!a->egress_given || a->egress == egress))
		return 0;
	mg_err("%s is already attached (xdp %s, egress %s): detach it first, or "
	       "change it with 'mtuguard apply'", a->iface,
	       generic ? "generic" : "native", egress ? "on" : "off");
	return -EEXIST;
}

/* --chain takes the hook in its owner's mode: a --mode asking for the
 * other one is refused. */
static int check_chain_mode(const struct attach_args *a)
{
	struct mg_xdp_holder h;
	int err;

	if (a->share.kind != MG_SHARE_CHAIN || !a->mode_given)
		return 0;
	err = mg_xdp_holder(a->ifindex, &h);
	if (err || !h.id || h.generic == a->generic)
		return err;
	mg_err("cannot chain in %s mode on %s: %s (id %u) holds the hook in %s mode, "
	       "which mtuguard's program takes over", a->generic ? "generic" : "native",
	       a->iface, h.name, h.id, h.generic ? "generic" : "native");
	return -EINVAL;
}

static void describe(const struct mg_state *st, const struct attach_args *a,
		     const struct mtug_iface_cfg *cfg)
{
	struct mg_share_view v;
	char xdp[128];

	mg_share_view(st, a->ifindex, cfg, &v);
	if (cfg->attach & MTUG_A_CHAIN)
		snprintf(xdp, sizeof(xdp), "xdp %s in front of %s (id %u)",
			 cfg->attach & MTUG_A_XDP_GENERIC ? "generic" : "native",
			 v.next_name, v.next_id);
	else if (cfg->attach & MTUG_A_ROOT && v.next_id)
		snprintf(xdp, sizeof(xdp), "xdp in slot %u of root array %u, then %s "
			 "(id %u)", v.pos, v.root_map_id, v.next_name, v.next_id);
	else if (cfg->attach & MTUG_A_ROOT)
		snprintf(xdp, sizeof(xdp), "xdp in slot %u of root array %u", v.pos,
			 v.root_map_id);
	else
		snprintf(xdp, sizeof(xdp), "xdp %s",
			 cfg->attach & MTUG_A_XDP_GENERIC ? "generic" : "native");
	printf("attached %s (ifindex %u): %s, %s%s%s\n", a->iface, a->ifindex, xdp,
	       mg_attach_tc_str(cfg->attach),
	       cfg->attach & TC_BITS ? (cfg->attach & MTUG_A_TCX ? " (tcx)" : " (clsact)") : "",
	       cfg->attach & MTUG_A_OWN_CLSACT ? " (clsact created)" : "");
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
	char what[64];
	__u32 missing;
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
		missing = mg_attach_missing(&st, a.ifindex, &old);
		if (!missing) {
			err = check_running(&a, &old);
			if (!err)
				printf("%s is already attached, nothing to do\n", a.iface);
			goto out;
		}
		mg_attach_missing_str(missing, what, sizeof(what));
		mg_note("%s: an earlier attach was interrupted (%s missing): "
			"attaching it again", a.iface, what);
		err = mg_attach_redo(&st, a.ifindex, a.generic, a.egress,
				     a.share.kind != MG_SHARE_NONE ? &a.share : NULL, &old);
		cfg = old;
		if (!err)
			mg_iface_get(&st, a.ifindex, &cfg);
	} else {
		err = check_chain_mode(&a);
		if (!err)
			err = mg_attach_iface(&st, a.ifindex, a.generic, a.egress, &a.share,
					      &cfg);
	}
	if (!err)
		describe(&st, &a, &cfg);
out:
	/* Releases the state too if this attach created it and failed. */
	mg_state_release(&st);
	return err;
}
