/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log.h - the CLI's thin logging layer.
 *
 * Every user-facing error is one line on stderr, "mtuguard: ...".  The
 * function that detects a problem prints it and returns a negative errno;
 * callers only propagate, so exactly one line is printed per failure.
 * libbpf's own messages go through here too, shown only with -v.
 */
#ifndef MG_LOG_H
#define MG_LOG_H

#include <errno.h>

/* Returned (negated) for bad command-line input: main() maps it to exit
 * status 2.  Outside the errno range so it never collides with one. */
#define MG_EUSAGE 4096

void mg_log_set_verbose(int level);
int mg_log_verbose(void);

/* "mtuguard: <msg>" on stderr. */
void mg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "mtuguard: <msg>" on stderr: a notice that is not an error (what a
 * command repaired on its way, say). */
void mg_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "mtuguard: warning: <msg>" on stderr. */
void mg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Debug line on stderr, only with -v. */
void mg_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a usage error and return -MG_EUSAGE. */
int mg_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Route libbpf's print callback here (silent unless verbose). */
void mg_log_hook_libbpf(void);

#endif /* MG_LOG_H */
