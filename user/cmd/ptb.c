// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ptb.c - `mtuguard ptb ...`: settings of the ICMP re-hash.  Writes
 * configuration, which the datapath reads per packet; `ptb mode` also adds
 * or removes the TC ingress filter the mode needs.
 *   ptb mode fib|broadcast|off [--iface IFACE]   (iface_cfg.ptb_mode, and
 *                                the TC ingress filter: fib and broadcast
 *                                need it, off does not)
 *   ptb min-mtu V4 V6 | rate PPS | forward on|off | errors frag|all
 *   ptb invalid pass|drop                        (global_cfg)
 */
#include <stddef.h>

#include "mtuguard.h"
#include "args.h"
#include "attach.h"
#include "cmd.h"
#include "config_maps.h"
#include "iface_word.h"
#include "lifecycle.h"
#include "log.h"

static const char *const onoff[] = { "off", "on", NULL };
static const char *const errs[] = { "frag", "all", NULL };
static const char *const invalid[] = { "pass", "drop", NULL };

static int set_mode(const struct mg_state *st, __u32 ifindex,
		    struct mtug_iface_cfg *c, int word, void *arg)
{
	c->ptb_mode = word;
	return mg_attach_ingress_sync(st, ifindex, c);
}

static int cmd_mode(const struct mg_ctx *ctx, int argc, char **argv)
{
	/* Indexed by enum mtug_ptb_mode. */
	static const char *const modes[] = {
		[MTUG_PTB_OFF] = "off",
		[MTUG_PTB_FIB] = "fib",
		[MTUG_PTB_BROADCAST] = "broadcast",
		NULL,
	};
	/* The programs too: the mode may add the TC ingress filter. */
	const struct mg_iface_word w = {
		.cmd = "ptb mode", .arg_name = "mode (fib, broadcast or off)",
		.kind = "mode", .choices = "fib, broadcast or off", .words = modes,
		.state_flags = MG_STATE_PROGS, .fn = set_mode,
	};

	return mg_iface_word_cmd(ctx, &w, argc, argv);
}

/* Set one or two __u32 fields of global_cfg (by offset: every field is a
 * __u32), read-modify-write under the pin dir lock.  Arguments are fully
 * validated by the caller before this touches any map. */
static int set_global(const struct mg_ctx *ctx, size_t off1, __u32 v1,
		      size_t off2, __u32 v2)
{
	struct mtug_global_cfg g;
	struct mg_state st;
	int err;

	err = mg_state_edit(&st, ctx->pin_dir, MG_STATE_ANY_NETNS);
	if (err)
		return err;
	err = mg_global_get(&st, &g);
	if (!err) {
		*(__u32 *)((char *)&g + off1) = v1;
		if (off2 != off1)
			*(__u32 *)((char *)&g + off2) = v2;
		err = mg_global_put(&st, &g);
	}
	mg_state_close(&st);
	return err;
}

static int cmd_min_mtu(const struct mg_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = { "V4 (IPv4 minimum MTU)",
					     "V6 (IPv6 minimum MTU)" };
	char *pos[argc + 1];
	__u32 v4, v6;
	int err, npos;

	err = mg_opts_parse("ptb min-mtu", argc, argv, NULL, pos, &npos);
	if (!err)
		err = mg_want_args("ptb min-mtu", pos, npos, 2, names);
	if (err)
		return err;
	err = mg_parse_u32(pos[0], MTUG_V4_MTU_MIN, MTUG_MTU_MAX, &v4);
	if (err)
		return mg_usage_number("ptb min-mtu", "IPv4 MTU", pos[0], err,
				       MTUG_V4_MTU_MIN, MTUG_MTU_MAX);
	err = mg_parse_u32(pos[1], MTUG_V6_MTU_MIN, MTUG_MTU_MAX, &v6);
	if (err)
		return mg_usage_number("ptb min-mtu", "IPv6 MTU", pos[1], err,
				       MTUG_V6_MTU_MIN, MTUG_MTU_MAX);
	return set_global(ctx, offsetof(struct mtug_global_cfg, ptb_min_mtu_v4), v4,
			  offsetof(struct mtug_global_cfg, ptb_min_mtu_v6), v6);
}

static int cmd_rate(const struct mg_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = { "PPS" };
	char *pos[argc + 1];
	__u32 pps;
	int err, npos;

	err = mg_opts_parse("ptb rate", argc, argv, NULL, pos, &npos);
	if (!err)
		err = mg_want_args("ptb rate", pos, npos, 1, names);
	if (err)
		return err;
	err = mg_parse_u32(pos[0], 1, 0xffffffffu, &pps);
	if (err)
		return mg_usage_number("ptb rate", "rate", pos[0], err, 1, 0xffffffffu);
	return set_global(ctx, offsetof(struct mtug_global_cfg, ptb_rate_pps), pps,
			  offsetof(struct mtug_global_cfg, ptb_rate_pps), pps);
}

/* ptb forward on|off, ptb errors frag|all, ptb invalid pass|drop: one
 * keyword mapped to 0/1 in one global field. */
static int cmd_word(const struct mg_ctx *ctx, const char *cmd, int argc,
		    char **argv, const char *const *words, const char *hint,
		    size_t off)
{
	char *pos[argc + 1];
	int err, npos, w;

	err = mg_opts_parse(cmd, argc, argv, NULL, pos, &npos);
	if (!err)
		err = mg_want_args(cmd, pos, npos, 1, &hint);
	if (err)
		return err;
	w = mg_parse_word(pos[0], words);
	if (w < 0)
		return mg_usage("%s: unknown value '%s' (%s)", cmd, pos[0], hint);
	return set_global(ctx, off, w, off, w);
}

static int cmd_forward(const struct mg_ctx *ctx, int argc, char **argv)
{
	return cmd_word(ctx, "ptb forward", argc, argv, onoff, "on or off",
			offsetof(struct mtug_global_cfg, ptb_forward));
}

static int cmd_errors(const struct mg_ctx *ctx, int argc, char **argv)
{
	return cmd_word(ctx, "ptb errors", argc, argv, errs, "frag or all",
			offsetof(struct mtug_global_cfg, ptb_all_errors));
}

static int cmd_invalid(const struct mg_ctx *ctx, int argc, char **argv)
{
	return cmd_word(ctx, "ptb invalid", argc, argv, invalid, "pass or drop",
			offsetof(struct mtug_global_cfg, ptb_invalid));
}

static const struct mg_cmd subcommands[] = {
	{ "mode", cmd_mode },
	{ "min-mtu", cmd_min_mtu },
	{ "rate", cmd_rate },
	{ "forward", cmd_forward },
	{ "errors", cmd_errors },
	{ "invalid", cmd_invalid },
};

int mg_cmd_ptb(const struct mg_ctx *ctx, int argc, char **argv)
{
	return mg_cmd_dispatch(ctx, "ptb", subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]), argc, argv);
}
