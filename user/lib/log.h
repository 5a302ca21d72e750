/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log.h - the CLI's thin logging layer.
 *
 * Every user-facing error is one line on stderr, "mtuguard: ...".  The
 * function that detects a problem prints it and returns a negative errno;
 * callers only propagate, so exactly one line is printed per failure.
 * libbpf's own messages go through here too, shown only with -v.
 *
 * With --json (mg_log_set_json), errors follow bpftool's convention: they
 * go to stdout as JSON, {"error": "..."}, and nothing to stderr, so a
 * script that parses the output sees the failure as data.  They are kept
 * until the command ends (mg_log_flush) rather than printed at once: a
 * command whose document is open when it fails (apply) puts them in that
 * document (mg_log_json_errors), and stdout holds one document either way.
 * Warnings, notes and debug lines stay on stderr.
 */
#ifndef MG_LOG_H
#define MG_LOG_H

#include <errno.h>
#include <stdbool.h>

struct mg_json;

/* Returned (negated) for bad command-line input: main() maps it to exit
 * status 2.  Outside the errno range so it never collides with one. */
#define MG_EUSAGE 4096

void mg_log_set_verbose(int level);
int mg_log_verbose(void);

/* --json: errors as JSON on stdout (see above). */
void mg_log_set_json(bool on);
/* The errors kept so far as the member "error" of j's open object (one
 * string, several joined by "; "); they are then printed no more. */
void mg_log_json_errors(struct mg_json *j);
/* Before exit: the errors kept and not yet printed, as one document
 * {"error": "..."} on stdout.  Nothing without --json. */
void mg_log_flush(void);

/* "mtuguard: <msg>" on stderr (with --json: kept for {"error": "<msg>"}). */
void mg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "mtuguard: <msg>" on stderr: a notice that is not an error (what a
 * command repaired on its way, say). */
void mg_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "mtuguard: warning: <msg>" on stderr. */
void mg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Debug line on stderr, only with -v. */
void mg_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a usage error (as mg_err) and return -MG_EUSAGE. */
int mg_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Route libbpf's print callback here (silent unless verbose). */
void mg_log_hook_libbpf(void);

#endif /* MG_LOG_H */
