/* SPDX-License-Identifier: Apache-2.0
 *
 * Protobuf as a schema language of Cairn: a .proto parser (proto2, proto3, editions), name
 * resolution over the file and its imports (schema references and the built-in well-known
 * files), Confluent's canonical and normalized texts, and Confluent's SchemaDiff (every
 * difference, compatible or not) that the compat_lang_t check filters. Pure: no I/O, no globals.
 *
 * Ownership: compat_pb_parse returns an owned schema that keeps its own copy of every import, so
 * the imports passed in are borrowed only for the call.
 */
#ifndef COMPAT_PROTOBUF_H
#define COMPAT_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"

typedef struct compat_pb_schema compat_pb_schema_t;

/** One schema reference: name = the import path, with the parsed schema it names. */
typedef struct compat_pb_import {
    const char *name;
    const char *subject;
    int32_t version;
    const compat_pb_schema_t *schema; /* borrowed for the call */
} compat_pb_import_t;

/** @brief Parse, resolve and validate a .proto text. Errors: CN_ERR_INVALID_SCHEMA with
 *  "line L:C: what", CN_ERR_TOO_DEEP, CN_ERR_NO_MEMORY. */
cn_err_t compat_pb_parse(const char *text, size_t len, const compat_pb_import_t *imports,
                         size_t nimports, compat_pb_schema_t **out, cn_error_t *err);
/** Flag of compat_pb_parse_ex: a stored schema (replayed, maybe written by an older Confluent):
 *  names must still resolve, but protoc's other rules (defaults, enum values, proto3 labels,
 *  map keys, duplicate numbers) are not enforced. */
#define COMPAT_PB_LENIENT 1u
cn_err_t compat_pb_parse_ex(const char *text, size_t len, const compat_pb_import_t *imports,
                            size_t nimports, unsigned flags, compat_pb_schema_t **out,
                            cn_error_t *err);
void compat_pb_schema_free(compat_pb_schema_t *s);
/** @brief Whether the schema's first message (the root Confluent's Protobuf serializer uses)
 *  declares a field named name (oneof members and groups included). */
bool compat_pb_has_field(const compat_pb_schema_t *s, const char *name);
/** @brief Confluent's canonicalString (ProtobufSchemaUtils.toString). Borrowed. */
const char *compat_pb_canonical(const compat_pb_schema_t *s);
/** @brief The normalize=true form (ProtobufSchema.normalize: the normalized print, parsed
 *  again and printed), computed on first use; NULL on error (err). Borrowed. */
const char *compat_pb_normalized(compat_pb_schema_t *s, cn_error_t *err);

/** @brief format=serialized: the schema as a base64 FileDescriptorProto (owned; NULL on memory).
 *  A base64 descriptor is also accepted by compat_pb_parse, for the same canonical text. */
char *compat_pb_serialized(const compat_pb_schema_t *s, cn_error_t *err);

/** @brief format=ignore_extensions (Confluent's ProtobufSchema.formattedString): the stored
 *  text without custom options (parenthesized names other than `(confluent.*)`), `extend`
 *  blocks and `extensions` ranges. Owned; NULL with err. */
char *compat_pb_ignore_extensions(const compat_pb_schema_t *s, cn_error_t *err);

/** @brief The import paths of a .proto text, in order, without resolving anything (for tools
 *  that find the imported files, like protoc's -I). *out is owned: free each and the array. */
cn_err_t compat_pb_imports(const char *text, size_t len, char ***out, size_t *n, cn_error_t *err);
/** @brief Whether an import path is one of the built-in well-known files. */
bool compat_pb_is_wellknown(const char *path);
/** @brief The built-in text of a well-known file (static), or NULL. */
const char *compat_pb_wellknown_text(const char *path);

/** One difference of Confluent's SchemaDiff. */
typedef struct compat_pb_diff {
    const char *type; /* static, e.g. "FIELD_ADDED" */
    char *path;       /* e.g. "#/TestMessage/3" */
    bool compatible;  /* in Confluent's COMPATIBLE_CHANGES */
} compat_pb_diff_t;

typedef struct compat_pb_diffs {
    compat_pb_diff_t *v;
    size_t n, cap;
} compat_pb_diffs_t;

/** @brief SchemaDiff.compare(original, update): every difference, appended to out. BACKWARD
 *  compares (old, new), FORWARD (new, old). */
cn_err_t compat_pb_compare(const compat_pb_schema_t *original, const compat_pb_schema_t *update,
                           compat_pb_diffs_t *out, cn_error_t *err);
void compat_pb_diffs_fini(compat_pb_diffs_t *d);
/** @brief Confluent's description template of an incompatible difference (two %s role words
 *  around one path), or NULL for a compatible one. */
const char *compat_pb_diff_template(const char *type);

/* ---- `buf breaking`'s rule categories (https://buf.build/docs/breaking/rules/) ---- */

/** The category of rules compat_pb_breaking applies, from the most lenient. */
typedef enum compat_pb_rules {
    COMPAT_PB_RULES_WIRE,      /* breaks the binary encoding */
    COMPAT_PB_RULES_WIRE_JSON, /* breaks the binary or the JSON encoding */
    COMPAT_PB_RULES_PACKAGE,   /* breaks generated code, per package */
    COMPAT_PB_RULES_FILE       /* breaks generated code, per file (buf's default) */
} compat_pb_rules_t;

/** @brief wire, wire-json (or wire_json), package, file, in any case. */
bool compat_pb_rules_parse(const char *s, compat_pb_rules_t *out);
/** @brief buf's name of the category: WIRE, WIRE_JSON, PACKAGE, FILE. */
const char *compat_pb_rules_name(compat_pb_rules_t rules);

/** One breaking change: buf's rule ID, where in the new file (line and column from 1, or 0
 *  where buf gives no location) and a message in buf's words. */
typedef struct compat_pb_finding {
    const char *rule; /* static, e.g. "FIELD_NO_DELETE" */
    int line, col;
    char *message;
} compat_pb_finding_t;

typedef struct compat_pb_findings {
    compat_pb_finding_t *v;
    size_t n, cap;
} compat_pb_findings_t;

/** @brief The rules of the category on the main files of prev (the previous version) and cur
 *  (the new one), findings appended to out ordered by location. Imports are not compared. */
cn_err_t compat_pb_breaking(const compat_pb_schema_t *prev, const compat_pb_schema_t *cur,
                            compat_pb_rules_t rules, compat_pb_findings_t *out, cn_error_t *err);
void compat_pb_findings_fini(compat_pb_findings_t *f);

#endif
