/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: JSON Schema for libcairn-serdes. A compiled schema is compat/jsonschema's loaded
 * schema (drafts 4 to 2020-12, "$schema" picks the draft, draft 7 when absent as Confluent's
 * json-schema-provider) with its "title", which the record subject name strategies use as
 * Confluent's JsonSchema.name() does. The payload after the Confluent frame is the JSON text
 * itself (UTF-8, no length prefix); it is validated against the schema of the framed id when
 * json.fail.invalid.schema is true (the default here).
 */
#ifndef SERDES_JSON_INT_H
#define SERDES_JSON_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include <cairn/serdes_json.h>
#include "compat/jsonschema/compat_jsonschema.h"
#include "serdes/serdes_http_int.h"
#include "serdes/serdes_registry_int.h"

/** Bounds: schema and payload text size, payload nesting (below the validator's own bound). */
#define SERDES_JSON_SCHEMA_MAX (16u << 20)
#define SERDES_JSON_TEXT_MAX   (64u << 20)
#define SERDES_JSON_MAX_DEPTH  128

/** A local schema's reference (copied from cairn_json_ref_t). */
typedef struct serdes_json_ref {
    char *name, *subject, *text;
    int32_t version; /* <= 0: registered or looked up when the serializer resolves */
} serdes_json_ref_t;

typedef struct serdes_json_schema {
    compat_js_schema_t *schema;
    json_t *root;
    char *title;             /* the root's "title" (subject name strategies), or NULL */
    serdes_json_ref_t *refs; /* a local schema's references, or NULL */
    size_t nrefs;
} serdes_json_schema_t;

/** The JSON Schema entry of the format table. */
const serdes_format_t *serdes_json_format(void);
/** @brief Compile a schema text whose "$ref"s may name the documents docs (a registered
 *  reference's name and its parsed schema; referenced, not copied). */
cn_err_t serdes_json_compile_docs(const char *text, size_t len, const compat_js_doc_t *docs,
                                  size_t ndocs, void **impl, serdes_err_t *err);
/** @brief The format's compile_refs (serdes_json_refs.c): fetch what refs names (a registry
 *  answer's "references", transitively) and compile text with it. */
cn_err_t serdes_json_compile_refs(serdes_registry_t *r, const char *text, size_t len, json_t *refs,
                                  void **impl, serdes_err_t *err);
/** @brief Compile a local schema with the n schemas it references (copied into the schema). */
cn_err_t serdes_json_compile_local(const char *text, size_t len, const cairn_json_ref_t *refs,
                                   size_t n, void **impl, serdes_err_t *err);
/** @brief The format's references hook: the JSON array text of a local schema's references,
 *  registering (or looking up) those without a version first. NULL when it has none. */
cn_err_t serdes_json_references(serdes_registry_t *r, const void *impl, bool lookup_only,
                                char **refs_out, serdes_err_t *err);
void serdes_json_release(void *impl);
/** @brief Confluent's backward check (SchemaDiff, STRICT policy): can schemas of update read
 *  data written with original? CN_ERR_INCOMPATIBLE names the first incompatible change. */
cn_err_t serdes_json_backward(const serdes_json_schema_t *original,
                              const serdes_json_schema_t *update, serdes_err_t *err);
/** @brief Free a schema's references. */
void serdes_json_refs_free(serdes_json_ref_t *refs, size_t n);

/** @brief Parse JSON text as a payload: size and depth bounds checked before Jansson sees it,
 *  integers beyond 64 bits read as doubles. code is the error for bad text (CN_ERR_PARSE when
 *  serializing, CN_ERR_SERDES_PAYLOAD when deserializing). */
cn_err_t serdes_json_parse(const char *text, size_t len, cn_err_t code, json_t **out,
                           serdes_err_t *err);
/** @brief JSON whitespace (RFC 8259: space, tab, LF, CR). */
bool serdes_json_is_ws(char c);
/** @brief Copy valid JSON text in[0..len) to out (room for len + 1) without the whitespace
 *  between tokens; strings and numbers byte for byte. NUL-terminates. */
void serdes_json_compact(const char *in, size_t len, char *out);
/** @brief Validate v against sch (when validation is on); code as for serdes_json_parse. */
cn_err_t serdes_json_check(const serdes_settings_t *s, const serdes_json_schema_t *sch,
                           const json_t *v, cn_err_t code, serdes_err_t *err);

/* The JSON-text calls of <cairn/serdes.h> for CAIRN_FORMAT_JSON (serdes_json_api.c). */
cn_err_t serdes_json_ser_text(cairn_serializer_t *ser, const char *topic, const char *json,
                              size_t json_len, void **out, size_t *out_len, cairn_header_t *hdr,
                              serdes_err_t *err);
cn_err_t serdes_json_des_text(cairn_deserializer_t *des, const char *topic, const void *data,
                              size_t len, const void *hdr, size_t hdr_len, char **json_out,
                              int32_t *id_out, serdes_err_t *err);

#endif
