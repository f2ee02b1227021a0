/* SPDX-License-Identifier: Apache-2.0
 *
 * The `format` query parameter of the schema reads (registry-api.md §2.2, §2.4): "resolved"
 * renders the schema with its references inlined through the language table, "serialized" a
 * Protobuf schema as its base64 FileDescriptorProto, "ignore_extensions" a Protobuf schema
 * without custom options and extensions (Confluent's ProtobufSchema.formattedString); any other
 * value,
 * or none, is the stored canonical text (Confluent ignores formats it does not know).
 */
#include "registry/reg_internal.h"

#include <stdlib.h>
#include <string.h>

bool reg_format_is_resolved(const char *format) {
    return format && strcmp(format, "resolved") == 0;
}

bool reg_format_is_known(const char *format) {
    return reg_format_is_resolved(format) || (format && (strcmp(format, "serialized") == 0 ||
                                                         strcmp(format, "ignore_extensions") == 0));
}

/* A Protobuf form computed from the parsed schema: serialized or ignore_extensions. */
static char *protobuf_form(reg_registry_t *reg, reg_schema_t *sch,
                           char *(*form)(const compat_schema_t *, cn_error_t *), cn_error_t *err) {
    const compat_schema_t *parsed = NULL;
    char *out;
    if (reg_schema_parsed(reg, sch, 0, &parsed, err) != CN_OK)
        return NULL;
    out = form(parsed, err);
    reg_schema_unpin(reg, sch);
    return out;
}

char *reg_schema_format(reg_registry_t *reg, reg_schema_t *sch, const char *format,
                        cn_error_t *err) {
    const compat_schema_t *parsed = NULL;
    char *out;
    if (format && strcmp(format, "serialized") == 0 && reg->opts.lang->serialized &&
        sch->type == COMPAT_PROTOBUF)
        return protobuf_form(reg, sch, reg->opts.lang->serialized, err);
    if (format && strcmp(format, "ignore_extensions") == 0 && reg->opts.lang->ignore_extensions &&
        sch->type == COMPAT_PROTOBUF)
        return protobuf_form(reg, sch, reg->opts.lang->ignore_extensions, err);
    if (!reg_format_is_resolved(format) || !reg->opts.lang->resolved || sch->type != COMPAT_AVRO) {
        if (!(out = strdup(sch->text)))
            cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return out;
    }
    if (reg_schema_parsed(reg, sch, 0, &parsed, err) != CN_OK)
        return NULL;
    out = reg->opts.lang->resolved(parsed, err);
    reg_schema_unpin(reg, sch);
    return out;
}
