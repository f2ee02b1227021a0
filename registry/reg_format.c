/* SPDX-License-Identifier: Apache-2.0
 *
 * The `format` query parameter of the schema reads (GET /schemas/ids/{id} and the version reads of
 * Confluent's API reference): "resolved" renders the schema with its references inlined through the
 * language table, "serialized" a Protobuf schema as its base64 FileDescriptorProto,
 * "ignore_extensions" a Protobuf schema without custom options and extensions (Confluent's
 * ProtobufSchema.formattedString); any other value, or none, is the stored canonical text
 * (Confluent ignores formats it does not know).
 */
#include "registry/reg_int.h"

#include <stdlib.h>
#include <string.h>

bool reg_format_is_resolved(const char *format) {
    return format && strcmp(format, "resolved") == 0;
}

bool reg_format_is_known(const char *format) {
    return reg_format_is_resolved(format) || (format && (strcmp(format, "serialized") == 0 ||
                                                         strcmp(format, "ignore_extensions") == 0));
}

/* Render the parsed form with fn, pinned only for the call. */
static char *render_parsed(reg_registry_t *reg, reg_schema_t *sch,
                           char *(*fn)(const compat_schema_t *sch, cn_error_t *err),
                           cn_error_t *err) {
    const compat_schema_t *parsed = NULL;
    char *out;
    if (reg_schema_parsed(reg, sch, 0, &parsed, err) != CN_OK)
        return NULL;
    out = fn(parsed, err);
    reg_schema_unpin(reg, sch);
    return out;
}

char *reg_schema_format(reg_registry_t *reg, reg_schema_t *sch, const char *format,
                        cn_error_t *err) {
    const reg_lang_ops_t *lang = reg->opts.lang;
    char *out;
    if (format && strcmp(format, "serialized") == 0 && lang->serialized &&
        sch->type == COMPAT_PROTOBUF)
        return render_parsed(reg, sch, lang->serialized, err);
    if (format && strcmp(format, "ignore_extensions") == 0 && lang->ignore_extensions &&
        sch->type == COMPAT_PROTOBUF)
        return render_parsed(reg, sch, lang->ignore_extensions, err);
    if (reg_format_is_resolved(format) && lang->resolved && sch->type == COMPAT_AVRO)
        return render_parsed(reg, sch, lang->resolved, err);
    if (!(out = strdup(sch->text)))
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    return out;
}
