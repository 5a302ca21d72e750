/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * args.h - strict parsing helpers for command-line words.
 *
 * Parsers here never print: they return 0 or a negative errno (-EINVAL for
 * a malformed word, -ERANGE for a number out of range) so that the command
 * can word the one error line itself.  mg_opts_parse() is the exception: an
 * unknown or incomplete option is always a usage error, printed there.
 */
#ifndef MG_ARGS_H
#define MG_ARGS_H

#include <stdbool.h>
#include <linux/types.h>

/* Decimal digits only (no sign, space, hex or suffix); min <= value <= max. */
int mg_parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);

/* Index of s in the NULL-terminated list words, or -EINVAL. */
int mg_parse_word(const char *s, const char *const *words);

/* Print a usage error for a number word that mg_parse_u32 refused. */
int mg_usage_number(const char *cmd, const char *what, const char *s, int err,
		    __u32 min, __u32 max);

/* One command option.  Exactly one of value (takes an argument, also as
 * --name=value) or flag (no argument) is set. */
struct mg_opt {
	const char *name;   /* "--mode" */
	const char **value;
	bool *flag;
};

/*
 * Split argv into options (from the table, ending with a zeroed entry) and
 * positional words, stored in pos[] (room for argc).  Words that start with
 * '-' followed by a digit are positional, so "-5" reaches the number parser
 * and gets a precise message.  cmd names the command in messages.
 */
int mg_opts_parse(const char *cmd, int argc, char **argv,
		  const struct mg_opt *opts, char **pos, int *npos);

/* Check the positional count: usage error naming the first missing word
 * (names[i]) or the first extra one. */
int mg_want_args(const char *cmd, char **pos, int npos, int want,
		 const char *const *names);

#endif /* MG_ARGS_H */
