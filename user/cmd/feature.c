// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * feature.c - `mtuguard enable|disable mss|ptb [--iface IFACE]`.
 * Flips feature bits in iface_cfg: the datapath reads them per packet, so
 * the change is live at once, without a re-attach.
 */
#include "mtuguard.h"
#include "config_maps.h"
#include "iface_word.h"

static int flip(const struct mg_state *st, __u32 ifindex,
		struct mtug_iface_cfg *c, int word, void *arg)
{
	__u32 bit = word == 0 ? MTUG_F_MSS : MTUG_F_PTB;

	c->features = *(bool *)arg ? c->features | bit : c->features & ~bit;
	return mg_iface_put(st, ifindex, c, BPF_EXIST);
}

static int set_feature(const struct mg_ctx *ctx, const char *cmd, bool on,
		       int argc, char **argv)
{
	static const char *const words[] = { "mss", "ptb", NULL };
	const struct mg_iface_word w = {
		.cmd = cmd, .arg_name = "feature (mss or ptb)", .kind = "feature",
		.choices = "mss or ptb", .words = words, .fn = flip, .arg = &on,
	};

	return mg_iface_word_cmd(ctx, &w, argc, argv);
}

int mg_cmd_enable(const struct mg_ctx *ctx, int argc, char **argv)
{
	return set_feature(ctx, "enable", true, argc, argv);
}

int mg_cmd_disable(const struct mg_ctx *ctx, int argc, char **argv)
{
	return set_feature(ctx, "disable", false, argc, argv);
}
