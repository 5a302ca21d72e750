/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * json.h - a tiny streaming JSON writer (compact, one document per call
 * sequence, newline after the top-level value).
 *
 * Every value function takes a key: pass the member name inside an object
 * and NULL inside an array or at the top level.  Commas are handled here.
 */
#ifndef MG_JSON_H
#define MG_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#define MG_JSON_MAX_DEPTH 16

struct mg_json {
	FILE *f;
	int depth;
	bool has_items[MG_JSON_MAX_DEPTH]; /* a value written at this level */
};

void mg_json_init(struct mg_json *j, FILE *f);
void mg_json_obj_begin(struct mg_json *j, const char *key);
void mg_json_obj_end(struct mg_json *j);
void mg_json_arr_begin(struct mg_json *j, const char *key);
void mg_json_arr_end(struct mg_json *j);
void mg_json_str(struct mg_json *j, const char *key, const char *s);
void mg_json_u64(struct mg_json *j, const char *key, __u64 v);
void mg_json_double(struct mg_json *j, const char *key, double v);
void mg_json_bool(struct mg_json *j, const char *key, bool v);
void mg_json_null(struct mg_json *j, const char *key);
/* A number, or null when v is 0 (for "unset" settings). */
void mg_json_u64_or_null(struct mg_json *j, const char *key, __u64 v);

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.  Reads no further
 * than the first byte that is not a continuation byte (the NUL included).
 * mg_json_str() and the Prometheus labels write a byte outside one as the
 * code point of the same number. */
int mg_utf8_len(const unsigned char *p);

#endif /* MG_JSON_H */
