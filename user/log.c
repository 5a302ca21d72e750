// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* log.c - see log.h. */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "log.h"

static int mg_verbose_level;

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

void mg_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap);
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
	vline("", fmt, ap);
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
