/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cmd.h - the CLI's commands.  main.c parses the global options, then
 * calls one of these with the words after the command name.  Each returns
 * 0, a negative errno (runtime failure, exit 1) or -MG_EUSAGE (exit 2),
 * having printed its one error line itself.
 */
#ifndef MG_CMD_H
#define MG_CMD_H

#include <stdbool.h>

struct mg_ctx {
	const char *pin_dir; /* absolute, no trailing slash */
	bool json;           /* --json */
};

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
