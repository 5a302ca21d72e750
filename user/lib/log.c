// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* log.c - see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "json.h"
#include "log.h"

static int mg_verbose_level;

/* --json: the errors of this run, "; "-separated, until printed.  An
 * error line is short; a run that fails has one or a few. */
static bool json_errors;
static char kept[4096];
static size_t kept_len;

void mg_log_set_json(bool on)
{
	json_errors = on;
}

void mg_log_set_verbose(int level)
{
	mg_verbose_level = level;
}

int mg_log_verbose(void)
{
	return mg_verbose_level;
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "mtuguard: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* An error: its line on stderr, or with --json kept for the document. */
static void verror(const char *fmt, va_list ap)
{
	int n;

	if (!json_errors) {
		vline("", fmt, ap);
		return;
	}
	if (kept_len && kept_len + 2 < sizeof(kept)) {
		memcpy(kept + kept_len, "; ", 2);
		kept_len += 2;
	}
	if (kept_len + 1 >= sizeof(kept))
		return;
	n = vsnprintf(kept + kept_len, sizeof(kept) - kept_len, fmt, ap);
	if (n > 0)
		kept_len += (size_t)n < sizeof(kept) - kept_len ?
			    (size_t)n : sizeof(kept) - kept_len - 1;
}

void mg_log_json_errors(struct mg_json *j)
{
	if (!kept_len)
		return;
	mg_json_str(j, "error", kept);
	kept_len = 0;
}

void mg_log_flush(void)
{
	struct mg_json j;

	if (!kept_len)
		return;
	mg_json_init(&j, stdout);
	mg_json_obj_begin(&j, NULL);
	mg_log_json_errors(&j);
	mg_json_obj_end(&j);
	fflush(stdout);
}

void mg_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

void mg_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
}

void mg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("warning: ", fmt, ap);
	va_end(ap);
}

void mg_dbg(const char *fmt, ...)
{
	va_list ap;

	if (!mg_verbose_level)
		return;
	va_start(ap, fmt);
	vline("debug: ", fmt, ap);
	va_end(ap);
}

int mg_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return -MG_EUSAGE;
}

/* libbpf prints warnings on its own (for example while probing features);
 * without -v the user sees only our single error line. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!mg_verbose_level)
		return 0;
	if (level == LIBBPF_DEBUG && mg_verbose_level < 2)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void mg_log_hook_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
