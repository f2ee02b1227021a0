/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal to compat/protobuf/'s FileDescriptorProto codec (pb_desc_decode.c, pb_desc_encode.c,
 * pb_desc_opts.c): the extensions a schema declares, by which custom options travel in a
 * descriptor as fields of the *Options messages (protobuf-c keeps them as unknown fields).
 */
#ifndef PB_DESC_INT_H
#define PB_DESC_INT_H

#include "compat/protobuf/pb_int.h"
#include <google/protobuf/descriptor.pb-c.h> /* generated into build/gen */

/** One extension field of an *Options message. Strings are owned by the list. */
typedef struct pb_ext {
    char *extendee; /* full name without the leading dot: google.protobuf.FieldOptions */
    char *name;     /* the option's full name: pkg.scope.field */
    char *type;     /* a scalar type name, "enum" or "message" */
    int32_t number;
    const pb_type_t *enum_type; /* the enum of an enum-typed option, when known */
} pb_ext_t;

typedef struct pb_exts {
    pb_ext_t *v;
    size_t n, cap;
    bool failed;
} pb_exts_t;

/** Add an extension (strings copied). */
void pb_exts_add(pb_exts_t *x, const char *extendee, const char *scope, const char *field,
                 const char *type, int32_t number, const pb_type_t *enum_type);
/** Add the extensions a parsed schema and its imports declare (depth-bounded). */
void pb_exts_from_schema(pb_exts_t *x, const compat_pb_schema_t *s, int depth);
/** Add the extensions a descriptor declares itself (file level and in messages). */
void pb_exts_from_descriptor(pb_exts_t *x, const Google__Protobuf__FileDescriptorProto *f);
void pb_exts_free(pb_exts_t *x);

/** "(name) = value" of an unknown field of the extendee's options into b; false when the
 *  extension is unknown or not a scalar (the option is then left out). */
bool pb_ext_render(const pb_exts_t *x, const char *extendee, const ProtobufCMessageUnknownField *u,
                   cn_buf_t *b);
/** The rendered custom options of an options message: "option (x) = v;" lines at an indent
 *  level, or ", (x) = v" items after *sep in a [ ... ] list (true when one was written). */
void pb_ext_stmts(cn_buf_t *b, const pb_exts_t *x, const ProtobufCMessage *o, const char *extendee,
                  int level);
bool pb_ext_inline(cn_buf_t *b, const pb_exts_t *x, const ProtobufCMessage *o, const char *extendee,
                   const char **sep);
/** The unknown fields (arena-allocated) carrying the custom options among opts that name a
 *  known scalar extension of the extendee; *n set to their count. */
ProtobufCMessageUnknownField *pb_ext_encode(pb_arena_t *a, const pb_exts_t *x, const char *extendee,
                                            const pb_opts_t *opts, unsigned *n);

#endif
