/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal to compat/protobuf/'s diff (pb_diff.c: difference table, paths, type lists, enums;
 * pb_diff_msg.c: messages, oneofs, fields): the walk's context and the calls between them.
 */
#ifndef PB_DIFF_INT_H
#define PB_DIFF_INT_H

#include "compat/protobuf/pb_int.h"

#define DIFF_MAX_DEPTH 256

/* Confluent's Difference.Type, in its order (the index into pb_diff.c's table). */
enum pb_diff_type {
    PACKAGE_CHANGED,
    MESSAGE_ADDED,
    MESSAGE_REMOVED,
    MESSAGE_MOVED,
    ENUM_ADDED,
    ENUM_REMOVED,
    ENUM_CONST_ADDED,
    ENUM_CONST_CHANGED,
    ENUM_CONST_REMOVED,
    FIELD_ADDED,
    FIELD_REMOVED,
    FIELD_NAME_CHANGED,
    FIELD_KIND_CHANGED,
    FIELD_SCALAR_KIND_CHANGED,
    FIELD_NAMED_TYPE_CHANGED,
    FIELD_NUMERIC_LABEL_CHANGED,
    FIELD_STRING_OR_BYTES_LABEL_CHANGED,
    REQUIRED_FIELD_ADDED,
    REQUIRED_FIELD_REMOVED,
    ONEOF_ADDED,
    ONEOF_REMOVED,
    ONEOF_FIELD_ADDED,
    ONEOF_FIELD_REMOVED,
    MULTIPLE_FIELDS_MOVED_TO_ONEOF,
    FIELD_MOVED_TO_EXISTING_ONEOF
};

typedef struct pair {
    const pb_type_t *o, *u;
} pair_t;

typedef struct dctx {
    compat_pb_diffs_t *out;
    cn_buf_t path;
    pair_t stack[DIFF_MAX_DEPTH];
    int depth;
    cn_err_t rc;
} dctx_t;

void pb_diff_add(dctx_t *d, int type, const char *seg);
void pb_diff_add_num(dctx_t *d, int type, int32_t n);
/** Push a path segment; returns the length to pop back to. */
size_t pb_diff_push(dctx_t *d, const char *seg);
size_t pb_diff_push_num(dctx_t *d, int32_t n);
void pb_diff_pop(dctx_t *d, size_t at);
/** Compare two messages at the current path (fields, oneofs, nested types). */
void pb_diff_message(dctx_t *d, const pb_type_t *o, const pb_type_t *u);
/** Compare two lists of types (messages by name and position, then enums). */
void pb_diff_types(dctx_t *d, pb_type_t *const *ov, size_t on, pb_type_t *const *uv, size_t un);

#endif
