/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cmd.h - the CLI's commands, one file each in user/cmd/ (apply.c holds
 * show-config too, feature.c enable and disable).  main.c parses the global options, then
 * calls one of these with the words after the command name.  Each returns
 * 0, a negative errno (runtime failure, exit 1) or -MG_EUSAGE (exit 2),
 * having printed its one error line itself.
 */
#ifndef MG_CMD_H
#define MG_CMD_H

#include <stdbool.h>
#include <stddef.h>

struct mg_ctx {
	const char *pin_dir; /* absolute, no trailing slash */
	bool json;           /* --json */
};

/* One entry of a command table: main.c's commands, and the subcommands of
 * mtu and ptb.  usage: a command's usage text (main.c prints it); NULL
 * for a subcommand, whose usage is its command's. */
struct mg_cmd {
	const char *name;
	int (*run)(const struct mg_ctx *ctx, int argc, char **argv);
	const char *usage;
};

/* The entry of table[0..n) called name, or NULL. */
const struct mg_cmd *mg_cmd_find(const struct mg_cmd *table, size_t n,
				 const char *name);

/*
 * A command with subcommands: run the entry of table named argv[0] with
 * the words after it.  No word or an unknown one is a usage error that
 * lists the table's names: "CMD: missing subcommand (add, del, ...)".
 */
int mg_cmd_dispatch(const struct mg_ctx *ctx, const char *cmd,
		    const struct mg_cmd *table, size_t n, int argc, char **argv);

int mg_cmd_attach(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_detach(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_status(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_enable(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_disable(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_mtu(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_ptb(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_stats(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_apply(const struct mg_ctx *ctx, int argc, char **argv);
int mg_cmd_show_config(const struct mg_ctx *ctx, int argc, char **argv);

#endif /* MG_CMD_H */
