/* SPDX-License-Identifier: Apache-2.0
 *
 * libcairn-serdes: serializers and deserializers for the Confluent wire format, with a schema
 * registry client (Confluent REST API) and bounded caches. Avro, Protobuf and JSON Schema are
 * built in; the format is a parameter of every constructor.
 *
 * Objects (all opaque):
 *   cairn_conf_t          configuration: Java's key names (libserdes' accepted as aliases).
 *   cairn_serdes_t        the handle: registry client + caches. One per application.
 *   cairn_serializer_t    a key or value serializer of one format (and usually one schema).
 *   cairn_deserializer_t  a key or value deserializer of one format (optional reader schema).
 *
 * Ownership: *_new returns an object the caller frees with the matching *_free. cairn_serdes_new
 * takes the conf (also on failure). Serializers and deserializers borrow their handle: free them
 * before the handle. Output buffers allocated by the library are released with cairn_free().
 * Strings and schemas returned by *_get-style accessors are borrowed from their object.
 *
 * Thread-safety: cairn_conf_t is not thread-safe. cairn_serdes_t, cairn_serializer_t and
 * cairn_deserializer_t are thread-safe once created: any number of threads may serialize and
 * deserialize through the same objects. No lock is held across a registry HTTP call; after the
 * first call for a (subject, schema) or schema id, serialize and deserialize make no registry
 * call. Output avro_value_t objects belong to the calling thread.
 *
 * Errors: every call returns cairn_err_t (CAIRN_OK is 0) and fills an optional cairn_error_t
 * with a message; registry errors carry the HTTP status and Confluent's error_code.
 *
 * Wire format: 0x00, the schema id as a 4-byte big-endian signed integer, then the payload
 * (Avro binary encoding without container; a top-level "bytes" schema writes the bytes raw).
 * With key/value.schema.id.serializer=header (Confluent 8.x) the payload has no prefix and the
 * schema's GUID goes into a record header instead (see "schema ids in record headers" below);
 * deserializers read both (key/value.schema.id.deserializer=dual, the default).
 */
#ifndef CAIRN_SERDES_H
#define CAIRN_SERDES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAIRN_SERDES_VERSION_STR "0.1.0"

typedef enum cairn_err {
    CAIRN_OK = 0,
    CAIRN_ERR_CONF_UNKNOWN, /* unknown configuration key (the message names it) */
    CAIRN_ERR_CONF_INVALID, /* bad configuration value or combination */
    CAIRN_ERR_INVALID_ARG,  /* bad argument to a call */
    CAIRN_ERR_BAD_MAGIC,    /* the first byte is not a known magic byte */
    CAIRN_ERR_SHORT_BUFFER, /* fewer bytes than the framing needs */
    CAIRN_ERR_UNKNOWN_ID,   /* the registry does not know the schema id */
    CAIRN_ERR_SCHEMA,       /* a schema does not parse */
    CAIRN_ERR_PAYLOAD,      /* the payload does not decode with its writer schema */
    CAIRN_ERR_VALUE,        /* the value (or JSON text) does not match the schema */
    CAIRN_ERR_INCOMPATIBLE, /* the reader schema cannot read data of the writer schema */
    CAIRN_ERR_REGISTRY,     /* the registry answered with an error: see http_status, error_code */
    CAIRN_ERR_TRANSPORT,    /* no registry URL could be reached (after retries) */
    CAIRN_ERR_BUFFER_SIZE,  /* the caller's buffer is too small: *len_out has the size needed */
    CAIRN_ERR_NO_MEMORY,
    CAIRN_ERR_UNSUPPORTED, /* format or feature not built in */
    CAIRN_ERR_INTERNAL
} cairn_err_t;

#define CAIRN_ERRSTR_MAX 512

typedef struct cairn_error {
    cairn_err_t code;
    int http_status; /* registry HTTP status, 0 when none */
    int error_code;  /* Confluent REST error_code (e.g. 40403), 0 when none */
    char msg[CAIRN_ERRSTR_MAX];
} cairn_error_t;

/** @brief Short name of an error code, e.g. "BAD_MAGIC". Static string. */
const char *cairn_err_name(cairn_err_t code);

/** Schema formats. */
typedef enum cairn_format {
    CAIRN_FORMAT_AVRO = 0,
    CAIRN_FORMAT_PROTOBUF,
    CAIRN_FORMAT_JSON
} cairn_format_t;

/** @brief "avro", "protobuf" or "json" (any case) to its format; CAIRN_ERR_INVALID_ARG else. */
cairn_err_t cairn_format_parse(const char *name, cairn_format_t *out);

/** Key or value: picks the subject suffix and the key.* / value.* settings. */
typedef enum cairn_role { CAIRN_ROLE_KEY = 0, CAIRN_ROLE_VALUE = 1 } cairn_role_t;

/* ---- configuration ---- */

typedef struct cairn_conf cairn_conf_t;

cairn_conf_t *cairn_conf_new(void);
void cairn_conf_free(cairn_conf_t *conf);
cairn_conf_t *cairn_conf_dup(const cairn_conf_t *conf);
/** @brief Set one key (copies both strings). Unknown keys fail with CAIRN_ERR_CONF_UNKNOWN naming
 *  the key; values are checked here (CAIRN_ERR_CONF_INVALID). See docs/serdes.md for the keys. */
cairn_err_t cairn_conf_set(cairn_conf_t *conf, const char *key, const char *value,
                           cairn_error_t *err);
/** @brief Read back a key as set (borrowed), or NULL. Aliases answer for their canonical key. */
const char *cairn_conf_get(const cairn_conf_t *conf, const char *key);

/** A subject name strategy: write the subject for (topic, role, record full name or NULL) into
 *  out (cap bytes, NUL-terminated). Return 0, or -1 to fail the serialization. Called from the
 *  serializing thread; must be thread-safe. */
typedef int (*cairn_subject_fn)(void *opaque, const char *topic, cairn_role_t role,
                                const char *record_name, char *out, size_t cap);
/** @brief Use a callback instead of key/value.subject.name.strategy for role. */
void cairn_conf_set_subject_fn(cairn_conf_t *conf, cairn_role_t role, cairn_subject_fn fn,
                               void *opaque);

/* ---- the handle ---- */

typedef struct cairn_serdes cairn_serdes_t;

/** @brief Create a handle; takes conf (freed also on failure). Does not contact the registry. */
cairn_serdes_t *cairn_serdes_new(cairn_conf_t *conf, cairn_error_t *err);
void cairn_serdes_free(cairn_serdes_t *sd);

/** Counters (monotonic since creation). */
typedef struct cairn_stats {
    uint64_t registry_requests; /* HTTP requests sent, retries included */
    uint64_t registry_failures; /* requests that failed (transport or 5xx) */
    uint64_t cache_hits;
    uint64_t cache_misses;
    uint64_t cache_evictions;
} cairn_stats_t;
void cairn_serdes_stats(cairn_serdes_t *sd, cairn_stats_t *out);
/** @brief Drop every cached schema and id (e.g. after a registry reset). */
void cairn_serdes_purge(cairn_serdes_t *sd);

/** @brief Fetch a schema by id (cached). *text_out is malloc'ed (cairn_free). */
cairn_err_t cairn_schema_by_id(cairn_serdes_t *sd, int32_t id, char **text_out, cairn_error_t *err);
/** @brief Register (or with lookup_only, look up) a schema under a subject; returns its id. */
cairn_err_t cairn_schema_register(cairn_serdes_t *sd, const char *subject, cairn_format_t format,
                                  const char *schema, bool lookup_only, int32_t *id_out,
                                  cairn_error_t *err);

/** @brief Send one registry request (any endpoint) with the handle's URLs, fail-over, auth, TLS,
 *  timeouts and retries. path starts with '/' and has its segments percent-encoded by the caller
 *  (query string allowed); body is JSON text or NULL. On a 2xx answer *body_out gets the body
 *  (malloc'ed, NUL-terminated; cairn_free). An error answer gives CAIRN_ERR_REGISTRY with
 *  http_status, error_code and the registry's message; CAIRN_ERR_TRANSPORT when no URL answered.
 *  Thread-safe; makes its own connection per call (meant for tools, not hot paths). */
cairn_err_t cairn_registry_request(cairn_serdes_t *sd, const char *method, const char *path,
                                   const char *body, char **body_out, cairn_error_t *err);

/* ---- wire format ---- */

#define CAIRN_MAGIC_V0   0x00
#define CAIRN_FRAME_SIZE 5

/** @brief Write 0x00 + big-endian id into out (>= 5 bytes). */
void cairn_frame_write(uint8_t *out, int32_t id);
/** @brief Parse the prefix: the schema id and the payload after it (borrowed from data).
 *  Errors: SHORT_BUFFER (< 5 bytes), BAD_MAGIC (names the byte), INVALID_ARG (negative id). */
cairn_err_t cairn_frame_read(const void *data, size_t len, int32_t *id_out, const void **payload,
                             size_t *payload_len, cairn_error_t *err);

/* ---- schema ids in record headers (Confluent 8.x) ----
 *
 * Confluent 8.x serializers can put the schema id into a Kafka record header instead of the
 * payload prefix: header __value_schema_id (or __key_schema_id for keys) holds 0x01 then the
 * schema's 16-byte GUID (the registry's "guid", bytes in the order of the UUID text); the
 * payload is then the bare encoding. Set key/value.schema.id.serializer=header and use the *_h
 * calls, which hand back the header to put on the record. Deserializers given a header through
 * the *_h calls use it (magic 0x01 + GUID, or 0x00 + 4-byte id) and read the payload as is;
 * without a header they read the payload prefix (0x00 + id, or 0x01 + GUID as Confluent's
 * JavaScript client accepts). key/value.schema.id.deserializer=prefix ignores headers. */

#define CAIRN_MAGIC_V1               0x01
#define CAIRN_GUID_SIZE              16
#define CAIRN_HEADER_KEY_SCHEMA_ID   "__key_schema_id"
#define CAIRN_HEADER_VALUE_SCHEMA_ID "__value_schema_id"
/** Room for 0x01 + GUID (17 bytes) and a Protobuf message-index path after it. */
#define CAIRN_HEADER_VALUE_MAX 64

/** A record header produced by a serializer. */
typedef struct cairn_header {
    const char *name; /* CAIRN_HEADER_KEY_SCHEMA_ID or CAIRN_HEADER_VALUE_SCHEMA_ID (static);
                         NULL when the id went into the payload prefix (nothing to add) */
    uint8_t value[CAIRN_HEADER_VALUE_MAX];
    size_t len;
} cairn_header_t;

/** @brief Parse a schema-id header value: 0x01 + GUID (*is_guid true, guid_out filled, *id_out
 *  -1) or 0x00 + 4-byte id (*is_guid false). Any output may be NULL. Errors: SHORT_BUFFER,
 * BAD_MAGIC, INVALID_ARG (negative id). Bytes after the GUID (a Protobuf message-index path) are
 * allowed. */
cairn_err_t cairn_header_read(const void *value, size_t len, int32_t *id_out, bool *is_guid,
                              uint8_t guid_out[CAIRN_GUID_SIZE], cairn_error_t *err);

/* ---- serializers ---- */

typedef struct cairn_serializer cairn_serializer_t;

/** @brief A serializer for format and role. schema is the writer schema text (copied); it may be
 *  NULL when use.schema.id or use.latest.version gives the schema. No registry call yet. */
cairn_serializer_t *cairn_serializer_new(cairn_serdes_t *sd, cairn_format_t format,
                                         cairn_role_t role, const char *schema, cairn_error_t *err);
void cairn_serializer_free(cairn_serializer_t *ser);

/** @brief Resolve the subject and schema id for topic now (registers or looks up as configured)
 *  so that later calls make no registry call. Optional: the first serialize does it too. */
cairn_err_t cairn_serializer_prepare(cairn_serializer_t *ser, const char *topic, int32_t *id_out,
                                     cairn_error_t *err);

/** Output buffers, the libserdes convention:
 *   *out == NULL: the library allocates; the caller frees with cairn_free().
 *   *out != NULL: *out_len is its capacity; on CAIRN_ERR_BUFFER_SIZE *out_len has the size needed.
 *  On success *out_len is the framed length. */

/** @brief Serialize JSON text in the format's JSON encoding (Avro: the Avro JSON encoding, with
 *  unions as {"type": value}) for topic. */
cairn_err_t cairn_serialize_json(cairn_serializer_t *ser, const char *topic, const char *json,
                                 size_t json_len, void **out, size_t *out_len, cairn_error_t *err);

/** @brief cairn_serialize_json, and the record header to add (hdr required): with
 *  schema.id.serializer=header the payload is bare and hdr names the header and its value;
 *  otherwise hdr->name is NULL. The plain call fails (INVALID_ARG) in header mode, as the id would
 *  be lost. */
cairn_err_t cairn_serialize_json_h(cairn_serializer_t *ser, const char *topic, const char *json,
                                   size_t json_len, void **out, size_t *out_len,
                                   cairn_header_t *hdr, cairn_error_t *err);

/* ---- deserializers ---- */

typedef struct cairn_deserializer cairn_deserializer_t;

/** @brief A deserializer for format and role. With a reader_schema (copied), data is resolved
 *  to it per the Avro specification (schema evolution). Without one, values come out in the
 *  writer schema, or with use.latest.version=true in the latest version of the topic's subject
 *  (per the subject name strategy). No registry call yet. */
cairn_deserializer_t *cairn_deserializer_new(cairn_serdes_t *sd, cairn_format_t format,
                                             cairn_role_t role, const char *reader_schema,
                                             cairn_error_t *err);
void cairn_deserializer_free(cairn_deserializer_t *des);

/** @brief Deserialize framed bytes to JSON text (malloc'ed, NUL-terminated; cairn_free()) in the
 *  format's JSON encoding. len 0 (a tombstone) gives *json_out NULL and CAIRN_OK. *id_out (may
 *  be NULL) gets the writer schema id. topic matters only with use.latest.version. */
cairn_err_t cairn_deserialize_json(cairn_deserializer_t *des, const char *topic, const void *data,
                                   size_t len, char **json_out, int32_t *id_out,
                                   cairn_error_t *err);

/** @brief cairn_deserialize_json with the record's schema-id header value (the last
 *  __value_schema_id / __key_schema_id header of the record for the deserializer's role), or
 *  hdr NULL / hdr_len 0 when it has none. A GUID-identified record gives *id_out -1. */
cairn_err_t cairn_deserialize_json_h(cairn_deserializer_t *des, const char *topic, const void *data,
                                     size_t len, const void *hdr, size_t hdr_len, char **json_out,
                                     int32_t *id_out, cairn_error_t *err);

/** @brief Free memory the library allocated for the caller. */
void cairn_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
