/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iface_word.h - the shape every `CMD WORD [--iface IFACE]` command shares
 * (enable/disable mss|ptb, ptb mode ...): parse, pick WORD from a list,
 * then change the entry of the named attached interface, or of every one.
 */
#ifndef MG_IFACE_WORD_H
#define MG_IFACE_WORD_H

#include "mtuguard.h"
#include "cmd.h"
#include "state.h"

/* Change c (the interface's entry as read) and store it; word is the index
 * of WORD in the list.  Returns a negative errno (printed). */
typedef int (*mg_iface_fn)(const struct mg_state *st, __u32 ifindex,
			   struct mtug_iface_cfg *c, int word, void *arg);

struct mg_iface_word {
	const char *cmd;          /* "enable", "ptb mode", ... for messages */
	const char *arg_name;     /* the positional, as usage names it */
	const char *kind;         /* "feature", "mode" */
	const char *choices;      /* "mss or ptb" */
	const char *const *words; /* NULL-terminated */
	unsigned state_flags;     /* MG_STATE_* besides MG_STATE_LOCK */
	mg_iface_fn fn;
	void *arg;
};

int mg_iface_word_cmd(const struct mg_ctx *ctx, const struct mg_iface_word *w,
		      int argc, char **argv);

#endif /* MG_IFACE_WORD_H */
