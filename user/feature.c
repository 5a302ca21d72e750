// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * feature.c - `mtuguard enable|disable mss|ptb [--iface IFACE]`.
 * Flips feature bits in iface_cfg: the datapath reads them per packet, so
 * the change is live at once, without a re-attach.
 */
#include <string.h>

#include "mtuguard.h"
#include "args.h"
#include "cfg.h"
#include "cmd.h"
#include "log.h"

static int set_feature(const struct mg_ctx *ctx, const char *cmd, bool on,
		       int argc, char **argv)
{
	static const char *const names[] = { "feature (mss or ptb)" };
	static const char *const words[] = { "mss", "ptb", NULL };
	__u32 list[MTUG_IFACE_MAX_ENTRIES], bit;
	struct mtug_iface_cfg c;
	struct mg_state st;
	const char *iface = NULL;
	const struct mg_opt opts[] = {
		{ "--iface", &iface, NULL },
		{ 0 },
	};
	char *pos[argc + 1];
	int err, npos, n, i, w;

	mg_state_init(&st);
	err = mg_opts_parse(cmd, argc, argv, opts, pos, &npos);
	if (!err)
		err = mg_want_args(cmd, pos, npos, 1, names);
	if (err)
		return err;
	w = mg_parse_word(pos[0], words);
	if (w < 0)
		return mg_usage("%s: unknown feature '%s' (mss or ptb)", cmd, pos[0]);
	bit = w == 0 ? MTUG_F_MSS : MTUG_F_PTB;

	err = mg_state_open(&st, ctx->pin_dir, MG_STATE_LOCK, -1);
	if (err)
		return err;
	n = mg_iface_targets(&st, iface, list, MTUG_IFACE_MAX_ENTRIES);
	if (n < 0) {
		err = n;
		goto out;
	}
	for (i = 0; i < n && !err; i++) {
		if (mg_iface_get(&st, list[i], &c))
			continue; /* detached meanwhile */
		c.features = on ? c.features | bit : c.features & ~bit;
		err = mg_iface_put(&st, list[i], &c, BPF_EXIST);
	}
out:
	mg_state_close(&st);
	return err;
}

int mg_cmd_enable(const struct mg_ctx *ctx, int argc, char **argv)
{
	return set_feature(ctx, "enable", true, argc, argv);
}

int mg_cmd_disable(const struct mg_ctx *ctx, int argc, char **argv)
{
	return set_feature(ctx, "disable", false, argc, argv);
}
