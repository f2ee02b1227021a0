/* SPDX-License-Identifier: Apache-2.0
 *
 * The `_schemas` record codec (Confluent's storage classes SchemaKey/SchemaValue, ConfigKey,
 * ModeKey, DeleteSubjectKey, ClearSubjectKey, ContextKey and NoopKey in confluentinc/
 * schema-registry core/.../storage/; docs/registry.md, Formats): keys and values as compact JSON.
 * The writer produces Confluent's canonical bytes (key field order keytype, subject, version,
 * magic; global CONFIG/MODE keys without subject; AVRO schemaType omitted; empty references
 * omitted). The reader accepts every variant: any field order (Karapace), Redpanda's seq/node, null
 * or absent global subject, magic 0 or 1 for SCHEMA, empty values as tombstones.
 *
 * Ownership: decoded keys and values own their strings and JSON (reg_key_fini, reg_value_fini).
 */
#ifndef REG_RECORD_H
#define REG_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_buf.h"
#include "common/cn_err.h"

typedef enum reg_keytype {
    REG_KEY_SCHEMA,
    REG_KEY_CONFIG,
    REG_KEY_MODE,
    REG_KEY_DELETE_SUBJECT,
    REG_KEY_CLEAR_SUBJECT,
    REG_KEY_NOOP,
    REG_KEY_CONTEXT,
    REG_KEY_UNKNOWN
} reg_keytype_t;

typedef struct reg_key {
    reg_keytype_t type;
    char *subject;   /* NULL: global (CONFIG, MODE) or not applicable */
    int32_t version; /* SCHEMA */
    int32_t magic;
    bool has_seq; /* Redpanda */
    int64_t seq;
    int32_t node;
    char *tenant;  /* CONTEXT */
    char *context; /* CONTEXT */
} reg_key_t;

/** A reference inside a SCHEMA value. */
typedef struct reg_ref {
    char *name;
    char *subject;
    int32_t version;
} reg_ref_t;

/** A SCHEMA value. type is "AVRO", "PROTOBUF" or "JSON" (absent = AVRO). */
typedef struct reg_schema_value {
    char *subject;
    int32_t version;
    int32_t id;
    char type[16];
    reg_ref_t *refs;
    size_t nrefs;
    json_t *metadata; /* owned, may be NULL */
    json_t *ruleset;  /* owned, may be NULL */
    char *schema;
    bool deleted;
} reg_schema_value_t;

/** CONFIG: the whole value object (compatibilityLevel and the optional fields). MODE: mode.
 *  DELETE_SUBJECT: subject, version. CLEAR_SUBJECT: subject. CONTEXT: tenant, context. */
typedef struct reg_value {
    bool tombstone;
    reg_schema_value_t schema;
    json_t *config;  /* owned, CONFIG only */
    char mode[24];   /* MODE only */
    char *subject;   /* DELETE_SUBJECT, CLEAR_SUBJECT */
    int32_t version; /* DELETE_SUBJECT */
} reg_value_t;

#define REG_RECORD_MAX_DEPTH 64

/* ---- writer: Confluent's canonical bytes ---- */

cn_err_t reg_key_encode_schema(cn_buf_t *out, const char *subject, int32_t version);
/** subject NULL: the global key {"keytype":"CONFIG","magic":0} (current Confluent). */
cn_err_t reg_key_encode_config(cn_buf_t *out, const char *subject);
cn_err_t reg_key_encode_mode(cn_buf_t *out, const char *subject);
cn_err_t reg_key_encode_delete_subject(cn_buf_t *out, const char *subject);
cn_err_t reg_key_encode_clear_subject(cn_buf_t *out, const char *subject);
cn_err_t reg_key_encode_noop(cn_buf_t *out);
cn_err_t reg_key_encode_context(cn_buf_t *out, const char *tenant, const char *context);

cn_err_t reg_value_encode_schema(cn_buf_t *out, const reg_schema_value_t *v);
/** config: the stored object (compatibilityLevel first); subject added first when not NULL. */
cn_err_t reg_value_encode_config(cn_buf_t *out, const char *subject, const json_t *config);
cn_err_t reg_value_encode_mode(cn_buf_t *out, const char *subject, const char *mode);
cn_err_t reg_value_encode_delete_subject(cn_buf_t *out, const char *subject, int32_t version);
cn_err_t reg_value_encode_clear_subject(cn_buf_t *out, const char *subject);
cn_err_t reg_value_encode_context(cn_buf_t *out, const char *tenant, const char *context);

/* ---- reader ---- */

/** @brief Decode a key. Unknown keytypes decode as REG_KEY_UNKNOWN (skipped by the reader);
 *  malformed JSON, a missing keytype, a bad magic: CN_ERR_PARSE. */
cn_err_t reg_key_decode(const uint8_t *p, size_t len, reg_key_t *key, cn_error_t *err);
void reg_key_fini(reg_key_t *key);
/** @brief Decode the value for a key. NULL or zero-length value: tombstone. The CONFIG/MODE
 *  subject comes from the key when the value lacks it. Malformed: CN_ERR_PARSE. */
cn_err_t reg_value_decode(const reg_key_t *key, const uint8_t *p, int32_t len, reg_value_t *val,
                          cn_error_t *err);
void reg_value_fini(reg_value_t *val);
void reg_refs_free(reg_ref_t *refs, size_t n);

/** @brief Append s as a JSON string literal (quotes and escapes, UTF-8 kept). */
cn_err_t reg_json_put_string(cn_buf_t *out, const char *s);

#endif
