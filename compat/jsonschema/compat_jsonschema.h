/* SPDX-License-Identifier: Apache-2.0
 *
 * JSON Schema (https://json-schema.org/specification): drafts 4, 6, 7, 2019-09 and 2020-12.
 * Loading a schema with the draft picked by "$schema" (draft 7 when absent, as Confluent's
 * json-schema-provider), "$id" / anchor indexing and "$ref" resolution inside the schema and to
 * the documents given with it (registered references; never the network); a validator for
 * instances with JSON-pointer paths in its messages; Confluent's SchemaDiff compatibility
 * (json-schema-provider, package io.confluent.kafka.schemaregistry.json.diff); canonical and
 * normalized text. Pure: no I/O, no globals; a loaded schema is read-only and may be shared by
 * threads that validate.
 *
 * Ownership: compat_js_schema_load returns an owned schema (compat_js_schema_free). The JSON
 * values given to it are referenced (json_incref), not copied.
 */
#ifndef COMPAT_JSONSCHEMA_H
#define COMPAT_JSONSCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/cn_buf.h"
#include "common/cn_err.h"

typedef enum compat_js_draft {
    COMPAT_JS_DRAFT4 = 4,
    COMPAT_JS_DRAFT6 = 6,
    COMPAT_JS_DRAFT7 = 7,
    COMPAT_JS_DRAFT2019 = 2019,
    COMPAT_JS_DRAFT2020 = 2020
} compat_js_draft_t;

/** A document the schema may "$ref": a registered reference (uri = its reference name) or
 *  any other schema known in memory (a meta-schema, a test suite's remote). */
typedef struct compat_js_doc {
    const char *uri;
    json_t *schema; /* borrowed; the loaded schema takes its own reference */
} compat_js_doc_t;

typedef struct compat_js_opts {
    compat_js_draft_t default_draft; /* 0: draft 7 */
    const compat_js_doc_t *docs;
    size_t ndocs;
    bool format_assert; /* "format" asserts the common formats; an annotation otherwise */
    bool lenient;       /* a stored schema: keyword shapes are not checked */
} compat_js_opts_t;

typedef struct compat_js_schema compat_js_schema_t;

/** Bounds: schema nesting at load, and validation recursion (instance depth + $ref hops). */
#define COMPAT_JS_MAX_DEPTH          256
#define COMPAT_JS_MAX_VALIDATE_DEPTH 512
/** Bound on the subschema applications of one validation: nested "anyOf" / "oneOf" over a
 *  recursive "$ref" grow exponentially with the instance's depth. */
#define COMPAT_JS_MAX_VALIDATE_STEPS (1ul << 23)

/** @brief Load root (with opts->docs) and index every identifier, anchor and pattern; a
 *  malformed keyword, a bad regex or a "$ref" that resolves nowhere is CN_ERR_INVALID_SCHEMA
 *  with the schema path in the message. */
compat_js_schema_t *compat_js_schema_load(json_t *root, const compat_js_opts_t *opts,
                                          cn_error_t *err);
void compat_js_schema_free(compat_js_schema_t *sch);
/** @brief The root document (borrowed). */
json_t *compat_js_schema_root(const compat_js_schema_t *sch);
compat_js_draft_t compat_js_schema_draft(const compat_js_schema_t *sch);

/** @brief Does instance conform to the schema? On false, msg (when not NULL) receives the
 *  first failure: "<JSON pointer in the instance, or (root)>: <reason naming the keyword>". An
 *  instance too deep for COMPAT_JS_MAX_VALIDATE_DEPTH, one that takes more than
 *  COMPAT_JS_MAX_VALIDATE_STEPS, or a pattern that exceeds the regex step limit, does not
 *  conform. */
bool compat_js_validate(const compat_js_schema_t *sch, const json_t *instance, cn_buf_t *msg);

/** @brief json_loadb for schemas and instances: integers beyond 64 bits (which Jansson refuses)
 *  are read again as doubles, as JSON Schema compares numbers by value. */
json_t *compat_js_loadb(const char *text, size_t len, size_t flags, json_error_t *jerr);

/* ---- Confluent compatibility (SchemaDiff) ---- */

typedef enum compat_js_policy { COMPAT_JS_STRICT, COMPAT_JS_LENIENT } compat_js_policy_t;

/** One difference: its type name and path ("#/properties/a"). */
typedef struct compat_js_change {
    const char *type; /* static, e.g. "TYPE_CHANGED" */
    char *path;       /* owned */
    bool compatible;  /* under the policy asked */
} compat_js_change_t;

typedef struct compat_js_changes {
    compat_js_change_t *v;
    size_t n, cap;
} compat_js_changes_t;

/** @brief SchemaDiff.compare(original, update): every difference, each classified under
 *  policy. update is backward compatible with original when none is incompatible. */
cn_err_t compat_js_diff(const compat_js_schema_t *original, const compat_js_schema_t *update,
                        compat_js_policy_t policy, compat_js_changes_t *out, cn_error_t *err);
void compat_js_changes_fini(compat_js_changes_t *c);
/** @brief Confluent's description of a difference with the role words (the message format of
 *  json-schema-provider's Difference); "" for types without one. Owned. */
char *compat_js_describe(const char *type, const char *path, const char *rw, const char *ww);

/* ---- text ---- */

/** @brief Confluent's canonical text of a JSON text (compact, key order kept, numbers as
 *  written), or the normalized one (sort: every object's keys in UTF-16 order). */
cn_err_t compat_js_text(const char *text, size_t len, bool sort, cn_buf_t *out, cn_error_t *err);

#endif
