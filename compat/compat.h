/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema languages behind one contract (docs/internals.md, compat/): parse a schema of a given type
 * with its references, give its canonical texts, and check compatibility at a level over an ordered
 * history with Confluent's messages (the levels of
 * docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html). Pure: no
 * I/O, no threads, no globals. The registry and the CLI both call this; per-language details live
 * in compat/avro/ (compat_avro.h), and later compat/protobuf/ and compat/jsonschema/.
 *
 * Ownership: compat_schema_parse returns an owned schema (compat_schema_free); the strings it
 * hands out are borrowed from the schema. A compat_report_t owns its messages.
 */
#ifndef COMPAT_H
#define COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"
#include "common/cn_md5.h"

typedef enum compat_level {
    COMPAT_NONE,
    COMPAT_BACKWARD,
    COMPAT_BACKWARD_TRANSITIVE,
    COMPAT_FORWARD,
    COMPAT_FORWARD_TRANSITIVE,
    COMPAT_FULL,
    COMPAT_FULL_TRANSITIVE
} compat_level_t;

/** @brief Case-insensitive level name ("backward", "FULL_TRANSITIVE"). */
bool compat_level_parse(const char *s, compat_level_t *out);
/** @brief Upper-case name, e.g. "BACKWARD". */
const char *compat_level_name(compat_level_t level);

typedef enum compat_type { COMPAT_AVRO, COMPAT_PROTOBUF, COMPAT_JSON } compat_type_t;

/** @brief "AVRO", "PROTOBUF", "JSON" (case-insensitive, as Confluent accepts). */
bool compat_type_parse(const char *s, compat_type_t *out);
const char *compat_type_name(compat_type_t type);
/** @brief Whether this build can parse and check the type (only AVRO for now). */
bool compat_type_supported(compat_type_t type);

typedef struct compat_schema compat_schema_t;

/** A schema reference as registered: {"name","subject","version"}. */
typedef struct compat_ref {
    const char *name;
    const char *subject;
    int32_t version;
} compat_ref_t;

/** Resolves a reference to an already parsed schema (borrowed by the parse that asked; it must
 *  stay alive until that parse returns). Return CN_OK or an error that the parse reports. */
typedef cn_err_t (*compat_resolve_fn)(void *arg, const compat_ref_t *ref,
                                      const compat_schema_t **out, cn_error_t *err);

typedef struct compat_parse_opts {
    compat_type_t type;
    const compat_ref_t *refs; /* may be NULL when nrefs is 0 */
    size_t nrefs;
    compat_resolve_fn resolve; /* required when nrefs > 0 */
    void *resolve_arg;
    bool normalize; /* ?normalize=true: the canonical text is the normalized one */
} compat_parse_opts_t;

/** @brief Parse and validate. Errors are CN_ERR_INVALID_SCHEMA (message says what and where,
 *  with a JSON path), CN_ERR_TOO_DEEP, CN_ERR_TOO_LARGE, CN_ERR_UNSUPPORTED (type not built). */
compat_schema_t *compat_schema_parse(const char *text, size_t len, const compat_parse_opts_t *opts,
                                     cn_error_t *err);
void compat_schema_free(compat_schema_t *sch);
compat_type_t compat_schema_type(const compat_schema_t *sch);
/** @brief The text the registry stores and returns (Confluent's canonicalString, or the
 *  normalized form when parsed with normalize). Borrowed. */
const char *compat_schema_canonical(const compat_schema_t *sch);
/** @brief Confluent's "same schema" test used when the digest lookup misses: equal
 *  except doc/aliases-insensitive details as Confluent's equivalent(). */
bool compat_schema_equivalent(const compat_schema_t *a, const compat_schema_t *b);
/** @brief The references the schema was parsed with (borrowed). */
const compat_ref_t *compat_schema_refs(const compat_schema_t *sch, size_t *n_out);

/* Added with issue 3 (identity digest as Confluent's MD5.java, and the Avro model). */

/** @brief Feed Confluent's identity digest: the text's bytes, then for each reference its name,
 *  subject and version (4 bytes big-endian). The registry appends metadata/ruleSet bytes itself
 *  (Confluent: a byte 1, then their fields) before cn_md5_final. */
void compat_digest_update(cn_md5_t *md, const char *text, size_t len, const compat_ref_t *refs,
                          size_t nrefs);
/** Flag of compat_schema_parse_ex: a schema already stored (replayed from _schemas, maybe written
 *  by an older Confluent), parsed as Confluent parses stored schemas: names, defaults and decimal
 *  parameters are not validated (structure, duplicates and unions still are). */
#define COMPAT_PARSE_LENIENT 1u
/** @brief compat_schema_parse with flags (COMPAT_PARSE_LENIENT). */
compat_schema_t *compat_schema_parse_ex(const char *text, size_t len,
                                        const compat_parse_opts_t *opts, unsigned flags,
                                        cn_error_t *err);
/** @brief The identity digest of a parsed schema (canonical text + references, no metadata). */
void compat_schema_digest(const compat_schema_t *sch, uint8_t out[16]);
struct compat_avro_schema;
/** @brief The Avro model of an AVRO schema (compat/avro/compat_avro.h), else NULL. Borrowed. */
const struct compat_avro_schema *compat_schema_avro(const compat_schema_t *sch);
struct compat_pb_schema;
/** @brief The Protobuf model of a PROTOBUF schema (compat/protobuf/compat_protobuf.h), else
 *  NULL. Borrowed. */
const struct compat_pb_schema *compat_schema_protobuf(const compat_schema_t *sch);
/** @brief Whether the schema's root defines a top-level field named name: an Avro record's
 *  field, a JSON Schema's property, the first Protobuf message's field (Confluent's reserved
 *  fields, `validateFields`). */
bool compat_schema_has_field(const compat_schema_t *sch, const char *name);

/** @brief The schema with its references inlined (Confluent's GET /schemas/ids/{id}?format=
 *  resolved): for Avro, Java's Schema.toString, every named type written in full at its first use
 *  (imports included) and by name after; the result parses without references. Owned (free);
 *  NULL on error (memory, CN_ERR_TOO_DEEP). */
char *compat_schema_resolved_text(const compat_schema_t *sch, cn_error_t *err);

/** @brief Confluent's format=serialized: for Protobuf the base64 FileDescriptorProto. Owned;
 *  NULL with CN_ERR_UNSUPPORTED for a language without one. */
char *compat_schema_serialized(const compat_schema_t *sch, cn_error_t *err);
/** @brief Confluent's format=ignore_extensions: for Protobuf the stored text without custom
 *  options and extensions. Owned; NULL with CN_ERR_UNSUPPORTED for another language. */
char *compat_schema_ignore_extensions(const compat_schema_t *sch, cn_error_t *err);

/* ---- compatibility ---- */

/** One previous version, in the order the registry lists them: oldest first. */
typedef struct compat_prev {
    const compat_schema_t *schema;
    int32_t version; /* <= 0 when unknown (no {oldSchemaVersion} message) */
} compat_prev_t;

/** One incompatibility, structured (for CLIs); msg holds Confluent's string form. */
typedef struct compat_issue {
    const char *error_type;  /* e.g. "READER_FIELD_MISSING_DEFAULT_VALUE" */
    const char *path;        /* JSON pointer in the reader (or writer) schema, e.g. "/fields/1" */
    const char *description; /* Confluent's description with the role words filled in */
    const char *additional;  /* Avro's message */
    int32_t old_version;     /* the previous version it concerns, <= 0 when unknown */
} compat_issue_t;

typedef struct compat_report compat_report_t;

/** @brief Check new_schema against history[0..n) (oldest first) at level, exactly as Confluent
 *  (CompatibilityChecker): which versions, in which order, and the message list. *report_out is
 * owned by the caller, also when compatible (empty). Errors only for bad arguments or memory. */
cn_err_t compat_check(compat_level_t level, const compat_schema_t *new_schema,
                      const compat_prev_t *history, size_t n, compat_report_t **report_out,
                      cn_error_t *err);
bool compat_report_is_compatible(const compat_report_t *report);
/** @brief Confluent's message strings, in order (what `verbose=true` and the 409 show). */
size_t compat_report_message_count(const compat_report_t *report);
const char *compat_report_message(const compat_report_t *report, size_t i);
/** @brief The incompatibilities alone, structured. */
size_t compat_report_issue_count(const compat_report_t *report);
const compat_issue_t *compat_report_issue(const compat_report_t *report, size_t i);
void compat_report_free(compat_report_t *report);
/** @brief compat_check with Confluent's validateFields flag (shown in the last message). */
cn_err_t compat_check_ex(compat_level_t level, bool validate_fields,
                         const compat_schema_t *new_schema, const compat_prev_t *history, size_t n,
                         compat_report_t **report_out, cn_error_t *err);


/* Added with issue 11: Confluent's compatibilityPolicy (config field, registry-api.md §2.6). */

/** Which changes a JSON Schema check accepts (Confluent's CompatibilityPolicy): STRICT (the
 *  default), LENIENT (JSON Schema: nine more content-model changes are compatible), LOGICAL
 *  (Confluent's Flink/Iceberg logical checks; checked here as STRICT). */
typedef enum compat_policy {
    COMPAT_POLICY_STRICT,
    COMPAT_POLICY_LENIENT,
    COMPAT_POLICY_LOGICAL
} compat_policy_t;

/** @brief Case-insensitive "STRICT" / "LENIENT" / "LOGICAL" (Confluent's CompatibilityPolicy
 *  .forName); false for anything else. */
bool compat_policy_parse(const char *s, compat_policy_t *out);
const char *compat_policy_name(compat_policy_t p);

typedef struct compat_check_opts {
    bool validate_fields;   /* shown in the last message, as Confluent */
    compat_policy_t policy; /* 0: STRICT */
} compat_check_opts_t;

/** @brief compat_check with options (NULL: the defaults). */
cn_err_t compat_check_with(compat_level_t level, const compat_check_opts_t *opts,
                           const compat_schema_t *new_schema, const compat_prev_t *history,
                           size_t n, compat_report_t **report_out, cn_error_t *err);

#endif
