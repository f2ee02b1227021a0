/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal to compat/protobuf/'s buf-style breaking rules (pb_buf.c: the rule table, messages,
 * enums, reserved ranges; pb_buf_field.c: the fields of a message present in both versions;
 * pb_buf_file.c: the file, its services and extensions): the walk's context and the calls
 * between them.
 */
#ifndef PB_BUF_INT_H
#define PB_BUF_INT_H

#include "compat/protobuf/pb_int.h"

/* The categories of `buf breaking`, as bits (a rule belongs to several). */
enum { BUF_WIRE = 1, BUF_WIRE_JSON = 2, BUF_PACKAGE = 4, BUF_FILE = 8 };

typedef struct pb_bctx {
    unsigned cat; /* the one category asked for */
    const pb_file_t *prev, *cur;
    compat_pb_findings_t *out;
    bool oom;
} pb_bctx_t;

/** Whether the rule (by ID) is in the category asked for. */
bool pb_buf_on(const pb_bctx_t *c, const char *rule);
/** Report a finding of rule at line:col of the new file (0: no location). */
void pb_buf_add(pb_bctx_t *c, const char *rule, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/** The name of a message or enum as buf prints a deleted one: without the package (the rules
 *  on a type present in both print its own name). */
const char *pb_buf_name(const pb_type_t *t);
/** Whether number n is in one of the ranges (reserved or extensions statements). */
bool pb_buf_in_ranges(const pb_ranges_t *r, size_t n, int32_t num);
/** Whether name is reserved in the ranges. */
bool pb_buf_name_reserved(const pb_ranges_t *r, size_t n, const char *name);
/** The value text of an option, or absent. */
const char *pb_buf_opt(const pb_opts_t *o, const char *name, const char *absent);
bool pb_buf_same_package(const pb_file_t *a, const pb_file_t *b);
/** The file, service and extension rules (pb_buf_file.c). */
void pb_buf_file_rules(pb_bctx_t *c);
/** The field rules on the file-level extensions present in both versions (by name). */
void pb_buf_extension_fields(pb_bctx_t *c);
/** The rules on the fields of message old (previous) and now (new version). */
void pb_buf_fields(pb_bctx_t *c, const pb_type_t *old, const pb_type_t *now);

#endif
