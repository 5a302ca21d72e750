// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iface_cmd.c - `CMD WORD [--iface IFACE]` over one or every attached
 * interface: arguments fully checked before the state is opened, then each
 * entry read, changed by the command and stored under the pin dir lock.
 */
#include "iface_cmd.h"
#include "args.h"
#include "cfg.h"
#include "log.h"

int mg_iface_word_cmd(const struct mg_ctx *ctx, const struct mg_iface_word *w,
		      int argc, char **argv)
{
	const char *const names[] = { w->arg_name };
	__u32 list[MTUG_IFACE_MAX_ENTRIES];
	struct mtug_iface_cfg c;
	struct mg_state st;
	const char *iface = NULL;
	const struct mg_opt opts[] = {
		{ "--iface", &iface, NULL },
		{ 0 },
	};
	char *pos[argc + 1];
	int err, npos, n, i, word;

	mg_state_init(&st);
	err = mg_opts_parse(w->cmd, argc, argv, opts, pos, &npos);
	if (!err)
		err = mg_want_args(w->cmd, pos, npos, 1, names);
	if (err)
		return err;
	word = mg_parse_word(pos[0], w->words);
	if (word < 0)
		return mg_usage("%s: unknown %s '%s' (%s)", w->cmd, w->kind, pos[0],
				w->choices);

	err = mg_state_open(&st, ctx->pin_dir, w->state_flags | MG_STATE_LOCK, -1);
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
		err = w->fn(&st, list[i], &c, word, w->arg);
	}
out:
	mg_state_close(&st);
	return err;
}
