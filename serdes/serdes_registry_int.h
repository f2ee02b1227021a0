/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: the schema registry client with its caches (modelled on Java's
 * CachedSchemaRegistryClient):
 *   id -> schema                 (bounded LRU, cache.capacity)
 *   (subject, schema) -> id      (bounded LRU, cache.capacity)
 *   subject -> latest schema     (bounded LRU, latest.cache.size, TTL cache.latest.ttl.sec)
 *   unknown id -> miss           (negative cache, TTL missing.id.cache.ttl.sec)
 *   GUID -> schema               (bounded LRU, cache.capacity; unknown GUIDs negative-cached)
 * One mutex guards the caches and is never held across an HTTP call: a miss unlocks, asks the
 * registry, compiles the schema, and inserts (keeping the entry another thread inserted first).
 * Concurrent misses for one id are single-flight: one request, the others wait for its answer.
 *
 * Schemas are reference-counted: a cache holds one reference, every caller that gets one holds
 * another and drops it with serdes_schema_decref, so eviction never frees a schema in use.
 * Formats plug in through serdes_format_t (compile a schema text once per schema).
 */
#ifndef SERDES_REGISTRY_INT_H
#define SERDES_REGISTRY_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <cairn/serdes.h>
#include "serdes/serdes_conf_int.h"
#include "serdes/serdes_http_int.h"

typedef struct serdes_registry serdes_registry_t;
struct json_t;

typedef struct serdes_format {
    cairn_format_t format;
    const char *type_name; /* Confluent's schemaType: "AVRO" */
    /** Parse and prepare a schema text; *impl is owned by the schema. */
    cn_err_t (*compile)(const char *text, size_t len, void **impl, serdes_err_t *err);
    void (*release)(void *impl);
    /** Full record name for RecordNameStrategy, or NULL (borrowed from impl). */
    const char *(*record_name)(const void *impl);
    /** Optional: compile a schema whose answer has references (a JSON array of {name, subject,
     *  version}), fetching them through r. NULL: such schemas are refused. */
    cn_err_t (*compile_refs)(serdes_registry_t *r, const char *text, size_t len,
                             struct json_t *refs, void **impl, serdes_err_t *err);
    /** Optional: register (or look up) what a local schema references first; *refs_out is the
     *  JSON array text of its references (malloc'ed) or NULL when none. */
    cn_err_t (*references)(serdes_registry_t *r, const void *impl, bool lookup_only,
                           char **refs_out, serdes_err_t *err);
} serdes_format_t;

/** @brief The built-in format table entry, or NULL when the format is not built. */
const serdes_format_t *serdes_format_get(cairn_format_t format);

typedef struct serdes_schema {
    atomic_int refcnt;
    int32_t id;      /* -1 for a local schema not (yet) known by id */
    int32_t version; /* subject version when known (latest), else 0 */
    const serdes_format_t *fmt;
    char *text;
    size_t len;
    void *impl; /* the format's compiled form */
    bool has_guid;
    uint8_t guid[CAIRN_GUID_SIZE]; /* the registry's schema GUID (Confluent 8.x) when it gave one */
} serdes_schema_t;

/** @brief Compile text into a new schema with one reference. */
cn_err_t serdes_schema_new(const serdes_format_t *fmt, const char *text, size_t len, int32_t id,
                           serdes_schema_t **out, serdes_err_t *err);
/** @brief A schema around an already compiled impl (taken, also on failure). */
cn_err_t serdes_schema_new_impl(const serdes_format_t *fmt, const char *text, size_t len,
                                int32_t id, void *impl, serdes_schema_t **out, serdes_err_t *err);
void serdes_schema_incref(serdes_schema_t *sch);
void serdes_schema_decref(serdes_schema_t *sch);

/** @brief A GUID's text (a UUID, any case, or 32 hex digits; len bytes) into 16 bytes. */
bool serdes_guid_parse(const char *s, size_t len, uint8_t out[CAIRN_GUID_SIZE]);
/** @brief The canonical text of a GUID: 36 characters, lower case, NUL-terminated. */
void serdes_guid_format(const uint8_t guid[CAIRN_GUID_SIZE], char out[37]);

/** @brief A client over settings s (borrowed; must outlive it). */
serdes_registry_t *serdes_registry_new(const serdes_settings_t *s);
void serdes_registry_free(serdes_registry_t *r);

/** @brief The schema with id (a new reference). CN_ERR_SERDES_UNKNOWN_ID when the registry says
 *  40403 or the id is in the negative cache. */
cn_err_t serdes_registry_by_id(serdes_registry_t *r, int32_t id, serdes_schema_t **out,
                               serdes_err_t *err);
/** @brief The guid of schema id in subject's context (GET /schemas/ids/{id}?subject=...; not
 *  cached: the caller keeps it). *have is false when the answer has none. */
cn_err_t serdes_registry_guid_in(serdes_registry_t *r, int32_t id, const char *subject,
                                 uint8_t guid[CAIRN_GUID_SIZE], bool *have, serdes_err_t *err);
/** @brief The schema with a GUID (GET /schemas/guids/{guid}; a new reference, id -1), cached by
 *  GUID; CN_ERR_SERDES_UNKNOWN_ID when the registry does not know it (negative-cached). */
cn_err_t serdes_registry_by_guid(serdes_registry_t *r, const uint8_t guid[CAIRN_GUID_SIZE],
                                 serdes_schema_t **out, serdes_err_t *err);
/** @brief The id of text under subject: registered (POST /subjects/{s}/versions) or, with
 *  lookup_only, looked up (POST /subjects/{s}); cached per (subject, text). */
cn_err_t serdes_registry_id_for(serdes_registry_t *r, const char *subject,
                                const serdes_format_t *fmt, const char *text, bool lookup_only,
                                int32_t *id_out, serdes_err_t *err);
/** @brief id_for with references (a JSON array text, or NULL); *version_out (may be NULL) gets
 *  the subject version when the answer has one (lookups; registrations answer only the id). */
cn_err_t serdes_registry_id_for_refs(serdes_registry_t *r, const char *subject,
                                     const serdes_format_t *fmt, const char *text, const char *refs,
                                     bool lookup_only, int32_t *id_out, int32_t *version_out,
                                     serdes_err_t *err);
/** @brief GET /subjects/{subject}/versions/{version}: the answer object (a new reference). */
cn_err_t serdes_registry_version(serdes_registry_t *r, const char *subject, int32_t version,
                                 struct json_t **out, serdes_err_t *err);
/** @brief The latest version of subject (a new reference), cached with the latest TTL; with
 *  use.latest.with.metadata the latest version having that metadata (GET /subjects/{s}/metadata).
 */
cn_err_t serdes_registry_latest(serdes_registry_t *r, const char *subject,
                                const serdes_format_t *fmt, serdes_schema_t **out,
                                serdes_err_t *err);

/** @brief The settings the client was made with (borrowed). */
const serdes_settings_t *serdes_registry_settings(serdes_registry_t *r);
void serdes_registry_purge(serdes_registry_t *r);
void serdes_registry_stats(serdes_registry_t *r, cairn_stats_t *out);
/** @brief Count a cache hit or miss made by a serializer's or deserializer's own cache. */
void serdes_registry_count(serdes_registry_t *r, bool hit);

#endif
