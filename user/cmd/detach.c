// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* detach.c - `mtuguard detach IFACE | --all`: the detaching itself is
 * lib/detach.c's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "config_maps.h"
#include "detach.h"
#include "lifecycle.h"
#include "log.h"
#include "netif.h"

/*
 * The interface `detach NAME` means: a device of that name, else "if<N>"
 * for an attached interface whose device is gone, the name status and
 * stats give it (its own name went with the device, and without this
 * only `detach --all` could remove it).  Else prints "unknown interface".
 */
static int detach_target(const struct mg_state *st, const char *name,
			 __u32 *ifindex)
{
	struct mtug_iface_cfg cfg;
	char buf[IF_NAMESIZE];
	__u32 idx = mg_ifname_index(name);

	if (!idx && !strncmp(name, "if", 2) &&
	    !mg_parse_u32(name + 2, 1, 0xffffffffu, &idx) &&
	    !mg_iface_get(st, idx, &cfg) && mg_ifname(idx, buf) == -ENODEV &&
	    !strcmp(buf, name)) { /* exactly "if<N>": no "if011" */
		*ifindex = idx;
		return 0;
	}
	return mg_ifname_resolve(name, ifindex);
}

int mg_cmd_detach(const struct mg_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = { "IFACE (or --all)" };
	__u32 list[MTUG_IFACE_MAX_ENTRIES], ifindex = 0;
	struct mtug_iface_cfg cfg;
	struct mg_state st;
	char name[IF_NAMESIZE], *pos[argc + 1];
	bool all = false;
	const struct mg_opt opts[] = {
		{ "--all", NULL, &all },
		{ 0 },
	};
	int err, n, i, npos, e;

	mg_state_init(&st);
	err = mg_opts_parse("detach", argc, argv, opts, pos, &npos);
	if (err)
		return err;
	if (all && npos)
		return mg_usage("detach: give IFACE or --all, not both");
	if (!all) {
		err = mg_want_args("detach", pos, npos, 1, names);
		if (err)
			return err;
	}

	err = mg_state_edit(&st, ctx->pin_dir, MG_STATE_PROGS);
	if (err)
		return err;
	if (all) {
		n = mg_iface_list(&st, list, MTUG_IFACE_MAX_ENTRIES);
		if (n < 0) {
			err = n;
			goto out;
		}
	} else {
		err = detach_target(&st, pos[0], &ifindex);
		if (err)
			goto out;
		list[0] = ifindex;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		mg_ifname(list[i], name);
		if (mg_iface_get(&st, list[i], &cfg)) {
			mg_err("%s is not attached", name);
			err = err ?: -ENOENT;
			continue;
		}
		e = mg_detach_iface(&st, list[i], &cfg);
		if (e) {
			err = err ?: e;
			continue;
		}
		printf("detached %s\n", name);
	}
out:
	mg_state_release(&st);
	return err;
}
