// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * iface_word.c - `CMD WORD [--iface IFACE]` over one or every attached
 * interface: arguments fully checked before the state is opened, then each
 * entry read, changed by the command and stored under the pin dir lock.
 * A failure on one interface puts back every one changed so far, itself
 * included: a failed command changes nothing.  So does SIGINT, SIGTERM or
 * SIGHUP between two interfaces (caught while the lock is held, sig.h):
 * the command ends with every interface changed or none.
 */
#include <errno.h>
#include <stdlib.h>

#include "iface_word.h"
#include "args.h"
#include "attach.h"
#include "config_maps.h"
#include "lifecycle.h"
#include "log.h"
#include "sig.h"

/* One interface's settings back to old (mg_attach_settings_restore). */
static int restore(const struct mg_state *st, __u32 ifindex,
		   const struct mtug_iface_cfg *old)
{
	struct mtug_iface_cfg cur;

	if (mg_iface_get(st, ifindex, &cur))
		return 0; /* detached meanwhile */
	return mg_attach_settings_restore(st, ifindex, &cur, old);
}

/* Undo the changes to list[0..n) (old[] as each was), last first; the
 * number of interfaces that could not be put back (printed). */
static int rollback(const struct mg_state *st, const char *cmd,
		    const __u32 *list, const struct mtug_iface_cfg *old, int n)
{
	int i, failed = 0;

	for (i = n - 1; i >= 0; i--)
		if (restore(st, list[i], &old[i]))
			failed++;
	if (failed)
		mg_err("%s: could not undo the change on %d interface%s: see "
		       "'mtuguard status'", cmd, failed, failed == 1 ? "" : "s");
	return failed;
}

int mg_iface_word_cmd(const struct mg_ctx *ctx, const struct mg_iface_word *w,
		      int argc, char **argv)
{
	const char *const names[] = { w->arg_name };
	__u32 list[MTUG_IFACE_MAX_ENTRIES];
	struct mtug_iface_cfg *old = NULL;
	struct mtug_iface_cfg c;
	struct mg_state st;
	const char *iface = NULL;
	const struct mg_opt opts[] = {
		{ "--iface", &iface, NULL },
		{ 0 },
	};
	char *pos[argc + 1];
	int err, npos, n, i, done = 0, word;

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

	err = mg_state_edit(&st, ctx->pin_dir, w->state_flags);
	if (err)
		return err;
	n = mg_iface_targets(&st, iface, list, MTUG_IFACE_MAX_ENTRIES);
	if (n < 0) {
		err = n;
		goto out;
	}
	old = calloc(n ? n : 1, sizeof(*old));
	if (!old) {
		mg_err("%s: out of memory", w->cmd);
		err = -ENOMEM;
		goto out;
	}
	/* list[0..done) and old[0..done): the interfaces touched so far. */
	for (i = 0; i < n && !err; i++) {
		if (mg_iface_get(&st, list[i], &c))
			continue; /* detached meanwhile */
		list[done] = list[i];
		old[done++] = c;
		err = w->fn(&st, list[i], &c, word, w->arg);
		if (!err && mg_sig_caught())
			err = -EINTR;
	}
	if (err && !rollback(&st, w->cmd, list, old, done) && err == -EINTR)
		mg_err("%s: interrupted by %s: every interface is back as it was",
		       w->cmd, mg_sig_name(mg_sig_caught()));
	if (err == -EINTR)
		mg_sig_ack();
out:
	free(old);
	mg_state_close(&st);
	return err;
}
