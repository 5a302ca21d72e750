// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* json.c - see json.h. */
#include <math.h>

#include "json.h"

void mg_json_init(struct mg_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->has_items[0] = false;
}

int mg_utf8_len(const unsigned char *p)
{
	__u32 cp;
	int n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* JSON text must be Unicode, and strings here can hold any bytes (Linux
 * allows any byte but '/', ':', whitespace and NUL in an interface name).
 * A byte outside well-formed UTF-8 is written as the code point of the same
 * number (\u00XX): the document stays valid, and two names that differ
 * still differ. */
static void put_string(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80) {
			int n = mg_utf8_len(p);

			if (!n) {
				fprintf(f, "\\u%04x", *p);
				continue;
			}
			fwrite(p, 1, n, f);
			p += n - 1;
			continue;
		}
		switch (*p) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Separator and key before a value at the current level. */
static void start_value(struct mg_json *j, const char *key)
{
	if (j->has_items[j->depth])
		fputc(',', j->f);
	j->has_items[j->depth] = true;
	if (key) {
		put_string(j->f, key);
		fputc(':', j->f);
	}
}

/* After a complete top-level value, end the line. */
static void end_value(struct mg_json *j)
{
	if (j->depth == 0) {
		fputc('\n', j->f);
		j->has_items[0] = false;
	}
}

static void open(struct mg_json *j, const char *key, char c)
{
	start_value(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < MG_JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void close_(struct mg_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
	end_value(j);
}

void mg_json_obj_begin(struct mg_json *j, const char *key) { open(j, key, '{'); }
void mg_json_obj_end(struct mg_json *j) { close_(j, '}'); }
void mg_json_arr_begin(struct mg_json *j, const char *key) { open(j, key, '['); }
void mg_json_arr_end(struct mg_json *j) { close_(j, ']'); }

void mg_json_str(struct mg_json *j, const char *key, const char *s)
{
	start_value(j, key);
	put_string(j->f, s);
	end_value(j);
}

void mg_json_u64(struct mg_json *j, const char *key, __u64 v)
{
	start_value(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
	end_value(j);
}

void mg_json_double(struct mg_json *j, const char *key, double v)
{
	start_value(j, key);
	/* JSON has no NaN or infinity. */
	if (isfinite(v))
		fprintf(j->f, "%.3f", v);
	else
		fputs("null", j->f);
	end_value(j);
}

void mg_json_bool(struct mg_json *j, const char *key, bool v)
{
	start_value(j, key);
	fputs(v ? "true" : "false", j->f);
	end_value(j);
}

void mg_json_null(struct mg_json *j, const char *key)
{
	start_value(j, key);
	fputs("null", j->f);
	end_value(j);
}

void mg_json_u64_or_null(struct mg_json *j, const char *key, __u64 v)
{
	if (v)
		mg_json_u64(j, key, v);
	else
		mg_json_null(j, key);
}
