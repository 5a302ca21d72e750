// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mtu.c - `mtuguard mtu ...`: the MTU sources of the MSS clamp.
 *   mtu add PREFIX MTU | del PREFIX | list [--json]
 *   mtu default MTU|none | iface IFACE MTU|none | source map|pmtu
 * Every argument is validated before any map is opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mtuguard.h"
#include "args.h"
#include "cmd.h"
#include "config_maps.h"
#include "json.h"
#include "kfeatures.h"
#include "lifecycle.h"
#include "log.h"
#include "prefix.h"
#include "state.h"

static int parse_prefix(const char *cmd, const char *s, struct mg_prefix *p)
{
	char why[128];

	if (mg_prefix_parse(s, p, why, sizeof(why)))
		return mg_usage("%s: bad prefix '%s': %s", cmd, s, why);
	return 0;
}

/* MTU within min..65535, or "none" (0) when allow_none. */
static int parse_mtu(const char *cmd, const char *what, const char *s, __u32 min,
		     bool allow_none, __u32 *mtu)
{
	int err;

	if (allow_none && !strcmp(s, "none")) {
		*mtu = 0;
		return 0;
	}
	err = mg_parse_u32(s, min, MTUG_MTU_MAX, mtu);
	if (err)
		return mg_usage_number(cmd, what, s, err, min, MTUG_MTU_MAX);
	return 0;
}

static int positional(const char *cmd, int argc, char **argv, char **pos,
		      int want, const char *const *names)
{
	int err, npos;

	err = mg_opts_parse(cmd, argc, argv, NULL, pos, &npos);
	if (!err)
		err = mg_want_args(cmd, pos, npos, want, names);
	return err;
}

static int cmd_add(const struct mg_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = { "PREFIX", "MTU" };
	struct mg_prefix p;
	struct mg_state st;
	char *pos[argc + 1];
	__u32 mtu;
	int err;

	mg_state_init(&st);
	err = positional("mtu add", argc, argv, pos, 2, names);
	if (!err)
		err = parse_prefix("mtu add", pos[0], &p);
	if (!err)
		err = parse_mtu("mtu add", p.family == AF_INET ? "IPv4 MTU" : "IPv6 MTU",
				pos[1], mg_prefix_mtu_min(p.family), false, &mtu);
	if (!err)
		err = mg_state_edit(&st, ctx->pin_dir, MG_STATE_ANY_NETNS);
	if (err)
		goto out;
	/* Adding an existing prefix replaces its MTU. */
	err = mg_prefix_put(&st, &p, mtu);
	if (err)
		mg_err("mtu add: cannot store %s: %s%s", pos[0], strerror(-err),
		       err == -ENOSPC ? " (table full)" : "");
	else
		mg_prefix_settle(&st);
out:
	mg_state_close(&st);
	return err;
}

static int cmd_del(const struct mg_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = { "PREFIX" };
	struct mg_prefix p;
	struct mg_state st;
	char *pos[argc + 1];
	int err;

	mg_state_init(&st);
	err = positional("mtu del", argc, argv, pos, 1, names);
	if (!err)
		err = parse_prefix("mtu del", pos[0], &p);
	if (!err)
		err = mg_state_edit(&st, ctx->pin_dir, MG_STATE_ANY_NETNS);
	if (err)
		goto out;
	err = mg_prefix_del(&st, &p);
	if (err == -ENOENT)
		mg_err("mtu del: no such prefix %s", pos[0]);
	else if (err)
		mg_err("mtu del: cannot delete %s: %s", pos[0], strerror(-err));
	else
		mg_prefix_filter_sync(&st, &p);
out:
	mg_state_close(&st);
	return err;
}

static int cmd_list(const struct mg_ctx *ctx, int argc, char **argv)
{
	char buf[MG_PREFIX_STRLEN], *pos[argc + 1];
	struct mg_config_prefix *list = NULL;
	struct mg_state st;
	size_t n = 0, i;
	struct mg_json j;
	int err;

	mg_state_init(&st);
	err = positional("mtu list", argc, argv, pos, 0, NULL);
	if (!err)
		err = mg_state_open(&st, ctx->pin_dir, MG_STATE_ANY_NETNS, -1);
	if (!err)
		err = mg_prefix_list(&st, "mtu list", &list, &n);
	if (err)
		goto out;

	mg_json_init(&j, stdout);
	if (ctx->json) {
		mg_json_obj_begin(&j, NULL);
		mg_json_arr_begin(&j, "prefixes");
	}
	for (i = 0; i < n; i++) {
		mg_prefix_format(&list[i].p, buf, sizeof(buf));
		if (!ctx->json) {
			printf("%s mtu %u\n", buf, list[i].mtu);
			continue;
		}
		mg_json_obj_begin(&j, NULL);
		mg_json_str(&j, "prefix", buf);
		mg_json_str(&j, "family", list[i].p.family == AF_INET ? "ipv4" : "ipv6");
		mg_json_u64(&j, "mtu", list[i].mtu);
		mg_json_obj_end(&j);
	}
	if (ctx->json) {
		mg_json_arr_end(&j);
		mg_json_obj_end(&j);
	}
out:
	free(list);
	mg_state_close(&st);
	return err;
}

static int cmd_default(const struct mg_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = { "MTU (or none)" };
	struct mtug_global_cfg g;
	struct mg_state st;
	char *pos[argc + 1];
	__u32 mtu;
	int err;

	mg_state_init(&st);
	err = positional("mtu default", argc, argv, pos, 1, names);
	if (!err)
		err = parse_mtu("mtu default", "MTU", pos[0], MTUG_V4_MTU_MIN, true, &mtu);
	if (!err)
		err = mg_state_edit(&st, ctx->pin_dir, MG_STATE_ANY_NETNS);
	if (!err)
		err = mg_global_get(&st, &g);
	if (!err) {
		g.default_mtu = mtu;
		err = mg_global_put(&st, &g);
	}
	mg_state_close(&st);
	return err;
}

static int cmd_iface(const struct mg_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = { "IFACE", "MTU (or none)" };
	struct mtug_iface_cfg c;
	struct mg_state st;
	char *pos[argc + 1];
	__u32 mtu, ifindex;
	int err;

	mg_state_init(&st);
	err = positional("mtu iface", argc, argv, pos, 2, names);
	if (!err)
		err = parse_mtu("mtu iface", "MTU", pos[1], MTUG_V4_MTU_MIN, true, &mtu);
	if (!err)
		err = mg_state_edit(&st, ctx->pin_dir, 0);
	if (err)
		goto out;
	/* Resolves the name and insists it is attached. */
	err = mg_iface_targets(&st, pos[0], &ifindex, 1);
	if (err < 0)
		goto out;
	err = mg_iface_get(&st, ifindex, &c);
	if (err)
		goto out;
	c.mtu = mtu;
	err = mg_iface_put(&st, ifindex, &c, BPF_EXIST);
out:
	mg_state_close(&st);
	return err;
}

static int cmd_source(const struct mg_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = { "map or pmtu" };
	static const char *const words[] = { "map", "pmtu", NULL };
	struct mtug_global_cfg g;
	struct mg_state st;
	char *pos[argc + 1];
	int err, w = 0;

	mg_state_init(&st);
	err = positional("mtu source", argc, argv, pos, 1, names);
	if (!err && (w = mg_parse_word(pos[0], words)) < 0)
		err = mg_usage("mtu source: unknown source '%s' (map or pmtu)", pos[0]);
	/* The datapath would read no route MTU: refused, not left to
	 * clamp by the map alone. */
	if (!err && w == 1)
		err = mg_kfeature_require(MG_KF_FIB_ROUTE_MTU, "mtu source pmtu");
	if (!err)
		err = mg_state_edit(&st, ctx->pin_dir, MG_STATE_ANY_NETNS);
	if (!err)
		err = mg_global_get(&st, &g);
	if (!err) {
		g.mtu_source = w == 1 ? MTUG_SRC_PMTU : MTUG_SRC_MAP;
		err = mg_global_put(&st, &g);
	}
	mg_state_close(&st);
	return err;
}

static const struct mg_cmd subcommands[] = {
	{ "add", cmd_add },
	{ "del", cmd_del },
	{ "list", cmd_list },
	{ "default", cmd_default },
	{ "iface", cmd_iface },
	{ "source", cmd_source },
};

int mg_cmd_mtu(const struct mg_ctx *ctx, int argc, char **argv)
{
	return mg_cmd_dispatch(ctx, "mtu", subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]), argc, argv);
}
