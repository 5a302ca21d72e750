// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* dispatch.c - the command tables' lookup and dispatch (cmd.h). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

const struct mg_cmd *mg_cmd_find(const struct mg_cmd *table, size_t n,
				 const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

int mg_cmd_dispatch(const struct mg_ctx *ctx, const char *cmd,
		    const struct mg_cmd *table, size_t n, int argc, char **argv)
{
	const struct mg_cmd *sub;
	char names[256] = "";
	size_t i, len = 0;

	sub = argc > 0 ? mg_cmd_find(table, n, argv[0]) : NULL;
	if (sub)
		return sub->run(ctx, argc - 1, argv + 1);
	for (i = 0; i < n && len < sizeof(names); i++)
		len += snprintf(names + len, sizeof(names) - len, "%s%s",
				i ? ", " : "", table[i].name);
	if (argc < 1)
		return mg_usage("%s: missing subcommand (%s)", cmd, names);
	return mg_usage("%s: unknown subcommand '%s' (%s)", cmd, argv[0], names);
}
