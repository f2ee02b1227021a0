/* SPDX-License-Identifier: Apache-2.0
 *
 * The registry domain (docs/registry.md; Confluent's semantics,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): subjects, versions, ids per
 * context, configs, modes, references, soft and hard deletes, rebuilt by replaying the store and
 * changed only by appending records to it (append -> apply -> answer once durable; on the bundled
 * log the fsync is shared by the writes that queue meanwhile). Knows nothing about HTTP.
 *
 * Threading: the state is behind a read-write lock; writes are serialized by one writer mutex.
 * Readers call reg_rdlock()/reg_unlock() around the view functions (reg_subject_get,
 * reg_version_find, reg_schema_by_id, ...), whose results are borrowed until reg_unlock;
 * reg_unlock returns once every record the reader may have seen is durable, so build the answer
 * under the lock and send it after. Write functions (reg_register, reg_delete_*, reg_config_set,
 * ...) lock by themselves and return once their records are durable.
 */
#ifndef REG_REGISTRY_H
#define REG_REGISTRY_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"
#include "common/cn_log.h"
#include "compat/compat.h"
#include "registry/reg_lang.h"
#include "registry/reg_record.h"
#include "registry/reg_store.h"

typedef struct reg_registry reg_registry_t;
typedef struct reg_ctx reg_ctx_t;
typedef struct reg_subject reg_subject_t;

/** A subject name parsed once into its context and its name inside the context; it borrows
 *  the string it was parsed from. ":.ctx:name" is (".ctx", "name"); "name" and ":.:name" are in
 *  the default context "."; a context scope ":.ctx:" has an empty bare name; NULL (the global
 *  scope) is (".", ""). The API edge parses a request's subject once, after percent-decoding,
 *  and every registry function below that is about a subject takes it as `const reg_name_t *`
 *  (never NULL: the global scope is reg_name(NULL)). */
typedef struct reg_name {
    const char *subject; /* as given (and stored); NULL: the global scope */
    const char *ctx;     /* the context's name, ctx_len bytes, not NUL-terminated */
    size_t ctx_len;
    const char *bare; /* the name inside the context */
} reg_name_t;

/** One schema id in one context, shared by every (subject, version) that uses it. */
typedef struct reg_schema {
    int32_t id;
    compat_type_t type;
    char *text; /* canonical */
    reg_ref_t *refs;
    size_t nrefs;
    json_t *metadata; /* may be NULL */
    json_t *ruleset;  /* may be NULL */
    char *ident;      /* identity key (text + refs + metadata + ruleSet) */
    uint8_t guid[16]; /* Confluent's schema GUID (reg_guid_compute) */
    size_t users;
    reg_ctx_t *ctx;
    _Atomic(char *) wire; /* a reader's cached rendering (e.g. the GET-by-id body), owned */
    /* the parse cache (reg_parse_cache.c), under the parse mutex */
    compat_schema_t *parsed;                /* NULL: not parsed, or evicted */
    struct reg_schema *lru_prev, *lru_next; /* most recently used first */
    uint32_t pins;                          /* borrowers of parsed (never evicted while > 0) */
} reg_schema_t;

typedef struct reg_version {
    int32_t version;
    bool deleted;
    int64_t ts;
    reg_schema_t *schema;
    reg_subject_t *subject;
} reg_version_t;

struct reg_subject {
    char *name;       /* as registered, qualified for non-default contexts */
    reg_name_t qname; /* name parsed (borrows name) */
    reg_ctx_t *ctx;
    reg_version_t **v; /* sorted by version */
    size_t n, cap;
};

/** READONLY_OVERRIDE (Confluent 7.x): read-only, and set on a context or globally it wins over
 *  the modes of the subjects below it. */
typedef enum reg_mode {
    REG_MODE_READWRITE,
    REG_MODE_READONLY,
    REG_MODE_IMPORT,
    REG_MODE_READONLY_OVERRIDE
} reg_mode_t;

/** Default of reg_options_t.parse_cache_size (`cairn.registry.parse.cache.size`). */
#define REG_PARSE_CACHE_DEFAULT 1000

typedef struct reg_options {
    reg_store_t *store;           /* borrowed */
    const reg_lang_ops_t *lang;   /* borrowed */
    const cn_log_t *log;          /* borrowed, may be NULL */
    compat_level_t default_level; /* schema.compatibility.level */
    bool mode_mutable;            /* mode.mutability */
    bool incompatible_40901;      /* answer 40901 instead of 409 */
    size_t max_schema_bytes;      /* schema text limit, 42209 beyond */
    int max_refs;                 /* references per schema */
    size_t parse_cache_size;      /* stored schemas kept parsed (LRU by id); at least 1 */
} reg_options_t;

void reg_options_defaults(reg_options_t *opts);
reg_registry_t *reg_new(const reg_options_t *opts, cn_error_t *err);
void reg_free(reg_registry_t *reg);
/** @brief Replay the store to its end; the registry is ready (ids may be handed out) after. */
cn_err_t reg_replay(reg_registry_t *reg, cn_error_t *err);
bool reg_ready(reg_registry_t *reg);
/** @brief Apply records that others appended to the store since (a producer on the bundled
 *  broker's Kafka listener, another instance): call it periodically. Does nothing while a
 *  write runs (the writer catches up itself) or before the replay finished. */
cn_err_t reg_refresh(reg_registry_t *reg, cn_error_t *err);
/** @brief The language table the registry was made with (borrowed). */
const reg_lang_ops_t *reg_lang_get(reg_registry_t *reg);
/** @brief Records applied, skipped (garbage) and the next offset, for logs and health. */
void reg_stats(reg_registry_t *reg, int64_t *applied, int64_t *skipped, int64_t *next_offset);
/** @brief Stored schemas held parsed now, and how many parses of stored schemas ran since start
 *  (tests and benchmarks of the parse cache). */
void reg_parse_stats(reg_registry_t *reg, size_t *cached, uint64_t *parses);

/* ---- names ---- */

/** @brief "latest" (any case, trimmed), "-1", or 1..2^31-1; *out = -1 for latest. 42202. */
cn_err_t reg_version_parse(const char *s, int32_t *out, cn_error_t *err);
bool reg_level_parse(const char *s, compat_level_t *out);
const char *reg_level_name(compat_level_t level);
bool reg_type_parse(const char *s, compat_type_t *out);
const char *reg_type_name(compat_type_t type);
bool reg_mode_parse(const char *s, reg_mode_t *out);
const char *reg_mode_name(reg_mode_t mode);

reg_name_t reg_name(const char *subject);
/** A pointer to reg_name(s), a temporary that lives until the end of the enclosing block: for
 *  a call with a literal, e.g. reg_subject_get(reg, REG_NAME("orders-value")). */
#define REG_NAME(s) ((const reg_name_t[1]){reg_name(s)})
/** @brief Subject rules (42208): 1..255 bytes, no control characters, not a reserved name. */
cn_err_t reg_subject_check(const reg_name_t *name, bool allow_global_ctx, cn_error_t *err);
bool reg_name_default_ctx(const reg_name_t *n);
/** @brief Whether n is in the context named ctx ("." or ".ctx"). */
bool reg_name_in_ctx(const reg_name_t *n, const char *ctx);
/** @brief Whether ref (a reference's subject as written in a schema of n's context) names
 *  target (a subject as stored): an unqualified ref is in n's context. */
bool reg_name_ref_is(const reg_name_t *n, const char *ref, const char *target);
/** @brief Whether name (a stored subject's) falls in scope: the subject itself, a context
 *  ":.ctx:" holding it, or the global scope (every subject), as a mode or CLEAR_SUBJECT scope. */
bool reg_subject_in_scope(const reg_name_t *name, const reg_name_t *scope);

/* ---- reads (caller holds reg_rdlock) ---- */

void reg_rdlock(reg_registry_t *reg);
void reg_unlock(reg_registry_t *reg);

reg_subject_t *reg_subject_get(reg_registry_t *reg, const reg_name_t *name);
/** @brief Version by number (soft-deleted ones too) or NULL. s may be NULL. */
reg_version_t *reg_subject_version(const reg_subject_t *s, int32_t version);
/** @brief The newest version, live only unless deleted. */
reg_version_t *reg_subject_latest(const reg_subject_t *s, bool deleted);
/** @brief Whether a subject has a version visible with (or without) deleted ones. */
bool reg_subject_visible(const reg_subject_t *s, bool deleted);
bool reg_subject_all_deleted(const reg_subject_t *s);
/** @brief Resolve a version (-1 = latest non-deleted). Errors 40401 / 40402 with Confluent's
 *  messages. deleted allows a soft-deleted version by number. */
cn_err_t reg_version_find(reg_registry_t *reg, const reg_name_t *name, int32_t version,
                          bool deleted, reg_version_t **out, cn_error_t *err);
/** @brief The schema of an id, in the subject's context when name has a subject, else (the
 *  global scope) the default context then every other one. NULL when unknown. */
reg_schema_t *reg_schema_by_id(reg_registry_t *reg, int32_t id, const reg_name_t *name);
int32_t reg_max_id(reg_registry_t *reg, const reg_name_t *name);

/* ---- schema GUIDs (Confluent 8.x) ---- */

/** Length of a GUID's text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
#define REG_GUID_LEN 36
/** @brief Confluent's GUID of a schema: the MD5 of its text, references, metadata and ruleSet
 *  (the bytes of Confluent's Schema.updateHash). false when out of memory (out is then wrong). */
bool reg_guid_compute(const char *text, const reg_ref_t *refs, size_t nrefs, const json_t *metadata,
                      const json_t *ruleset, uint8_t out[16]);
/** @brief The GUID as a lower-case UUID. */
void reg_guid_format(const uint8_t guid[16], char out[REG_GUID_LEN + 1]);
/** @brief A UUID (any case) or 32 hex digits, as Confluent's MD5.fromString accepts. */
bool reg_guid_parse(const char *s, uint8_t out[16]);
/** @brief The schema with this GUID, the default context first then the others by name (read
 *  lock held); NULL when none. */
reg_schema_t *reg_schema_by_guid(reg_registry_t *reg, const uint8_t guid[16]);
/** @brief The schemas with this GUID, at most one per context, contexts sorted by name; returns
 *  how many were written to out (at most cap). */
size_t reg_schemas_by_guid(reg_registry_t *reg, const uint8_t guid[16], reg_schema_t **out,
                           size_t cap);
/** @brief The name of the context holding a schema ("." or ".ctx"; borrowed). */
const char *reg_schema_ctx_name(const reg_schema_t *sch);
/** @brief Whether a `format` query value asks for the resolved text ("resolved"). */
bool reg_format_is_resolved(const char *format);
/** @brief Whether a `format` query value asks for another text than the stored one
 *  ("resolved", "serialized" for Protobuf's base64 descriptor, "ignore_extensions"). */
bool reg_format_is_known(const char *format);
/** @brief The schema's text in format (GET /schemas/ids/{id}?format=): "resolved" (Avro) inlines
 * the references, "serialized" (Protobuf) is the base64 FileDescriptorProto, any other value or
 * NULL gives the stored text. Owned (free); NULL on error. Call under the read lock. */
char *reg_schema_format(reg_registry_t *reg, reg_schema_t *sch, const char *format,
                        cn_error_t *err);
/** @brief The cached rendering of a schema, built once by build(sch) (malloc'ed string) and
 *  owned by the schema afterwards; borrowed until reg_unlock. NULL when build fails. */
const char *reg_schema_wire(reg_schema_t *sch, char *(*build)(const reg_schema_t *sch));
/** @brief Every (subject, version) that uses schema, sorted by subject then version (malloc'ed
 *  array of borrowed pointers). */
reg_version_t **reg_schema_versions(reg_registry_t *reg, const reg_schema_t *schema, size_t *n);
/** @brief Subjects sorted by name (malloc'ed array of borrowed pointers). */
reg_subject_t **reg_subjects_sorted(reg_registry_t *reg, size_t *n);
/** @brief Ids of schemas that reference (subject, version). */
size_t reg_referenced_by(reg_registry_t *reg, const reg_name_t *name, int32_t version, bool deleted,
                         int32_t *ids, size_t cap);
/** @brief Context names, sorted ("." first). malloc'ed array of borrowed strings. */
const char **reg_contexts(reg_registry_t *reg, size_t *n);

/* ---- schema requests ---- */

typedef struct reg_schema_req {
    const char *schema; /* NULL or "" allowed when the subject has a previous version */
    size_t schema_len;
    compat_type_t type;
    const reg_ref_t *refs;
    size_t nrefs;
    const json_t *metadata; /* borrowed, may be NULL */
    const json_t *ruleset;
    int32_t id;      /* -1 when absent */
    int32_t version; /* 0 when absent */
    bool normalize;
} reg_schema_req_t;

void reg_schema_req_init(reg_schema_req_t *req);

/** @brief Register, in the order of Confluent's KafkaSchemaRegistry.register. *id_out on
 *  success. */
cn_err_t reg_register(reg_registry_t *reg, const reg_name_t *name, const reg_schema_req_t *req,
                      int32_t *id_out, cn_error_t *err);
/** @brief Lookup under a subject (caller holds the read lock): 40401, 40403, 42201. */
cn_err_t reg_lookup(reg_registry_t *reg, const reg_name_t *name, const reg_schema_req_t *req,
                    bool deleted, reg_version_t **out, cn_error_t *err);
/** @brief Compatibility of req against version (0: as registration would; -1 latest; n).
 *  messages (may be NULL) receives Confluent's strings. */
cn_err_t reg_check_compat(reg_registry_t *reg, const reg_name_t *name, int32_t version,
                          const reg_schema_req_t *req, bool verbose, bool *compatible,
                          json_t *messages, cn_error_t *err);

/* ---- data contracts (reg_contract.c) ---- */

/** @brief Confluent's Metadata.mergeMetadata: old with new_ over it (tags and properties key by
 *  key, later winning; sensitive a union). A new reference; NULL when both are empty, or on
 *  failure (*failed set). */
json_t *reg_metadata_merge(const json_t *old, const json_t *new_, bool *failed);
/** @brief Confluent's RuleSet.mergeRuleSets: each rule list of old without the rules new_ names,
 *  then new_'s. A new reference; NULL when both are empty, or on failure (*failed set). */
json_t *reg_ruleset_merge(const json_t *old, const json_t *new_, bool *failed);
/** @brief Confluent's RuleSet.validate (42210 with its messages): unique non-empty names, kind
 *  CONDITION or TRANSFORM, a migration mode for migration rules, a domain mode for domain and
 *  encoding rules, a type, onSuccess / onFailure among NONE, ERROR, DLQ (a pair "a,b" for
 *  WRITEREAD and UPDOWN). NULL is valid. */
cn_err_t reg_ruleset_validate(const json_t *rs, cn_error_t *err);
/** @brief The newest version of s (live only unless deleted) whose metadata.properties hold
 *  every member of want (an object of strings), as Confluent's GET /subjects/{s}/metadata;
 *  NULL when none. Caller holds the read lock. */
reg_version_t *reg_subject_latest_with_metadata(const reg_subject_t *s, const json_t *want,
                                                bool deleted);

/* ---- deletes ---- */

/** @brief Delete a subject; versions (ascending) written to the JSON array out. */
cn_err_t reg_delete_subject(reg_registry_t *reg, const reg_name_t *name, bool permanent,
                            json_t *out, cn_error_t *err);
cn_err_t reg_delete_version(reg_registry_t *reg, const reg_name_t *name, int32_t version,
                            bool permanent, int32_t *deleted_out, cn_error_t *err);

/* ---- config and mode (reg_name(NULL): global) ---- */

/** @brief The stored config (GET shape, a new reference), or with default_to_global the
 *  effective one; 40408 when the subject has none and !default_to_global. */
cn_err_t reg_config_get(reg_registry_t *reg, const reg_name_t *name, bool default_to_global,
                        json_t **out, cn_error_t *err);
/** @brief Merge update (request shape: "compatibility", ...; null clears) into the stored
 *  config; *out is the stored config in request shape. 42203. */
cn_err_t reg_config_set(reg_registry_t *reg, const reg_name_t *name, const json_t *update,
                        json_t **out, cn_error_t *err);
/** @brief Remove; *out is the old config (GET shape). 40401 when a subject has none. */
cn_err_t reg_config_delete(reg_registry_t *reg, const reg_name_t *name, json_t **out,
                           cn_error_t *err);
/** @brief The effective level for a subject. */
compat_level_t reg_effective_level(reg_registry_t *reg, const reg_name_t *name);

/** @brief Confluent's subject alias: when name's own config has `alias` (a subject name, in
 *  name's context unless qualified), that name is written to buf and true returned. One level:
 *  an alias of an alias is not followed. */
bool reg_alias_resolve(reg_registry_t *reg, const reg_name_t *name, char *buf, size_t cap);

cn_err_t reg_mode_get(reg_registry_t *reg, const reg_name_t *name, bool default_to_global,
                      reg_mode_t *out, cn_error_t *err);
cn_err_t reg_mode_set(reg_registry_t *reg, const reg_name_t *name, reg_mode_t mode, bool force,
                      cn_error_t *err);
cn_err_t reg_mode_delete(reg_registry_t *reg, const reg_name_t *name, reg_mode_t *old_out,
                         cn_error_t *err);

#endif
