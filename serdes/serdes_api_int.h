/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: the objects behind the public handles (cairn_serdes_t, cairn_serializer_t,
 * cairn_deserializer_t), the per-serializer topic cache and per-deserializer id cache entries,
 * and the error edge (serdes_err_t -> cairn_error_t). Shared by serdes.c, serdes_serializer.c,
 * serdes_deserializer.c and the format front ends (serdes_avro_api.c).
 */
#ifndef SERDES_API_INT_H
#define SERDES_API_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include <cairn/serdes.h>
#include "serdes/serdes_conf_int.h"
#include "serdes/serdes_http_int.h"
#include "serdes/serdes_lru_int.h"
#include "serdes/serdes_registry_int.h"

struct cairn_serdes {
    serdes_settings_t s;
    serdes_registry_t *reg;
};

/** What a serializer resolved for one topic: the id to frame and the writer schema. */
typedef struct serdes_ser_entry {
    atomic_int refcnt;
    int32_t id;
    serdes_schema_t *writer; /* a reference: the schema of the caller's values */
    serdes_schema_t *target; /* a reference when the bytes must be in another schema (the
                                registry's latest or pinned one), else NULL */
    void *plan;              /* writer -> target resolution (Avro plan) when target is set */
    bool has_guid;           /* with schema.id.serializer=header: the GUID of id */
    uint8_t guid[CAIRN_GUID_SIZE];
} serdes_ser_entry_t;

struct cairn_serializer {
    cairn_serdes_t *sd;
    const serdes_format_t *fmt;
    cairn_role_t role;
    serdes_schema_t *local;   /* the caller's schema, or NULL */
    pthread_mutex_t lock;     /* guards topics and pinned */
    serdes_lru_t *topics;     /* topic -> serdes_ser_entry_t* (one reference) */
    serdes_schema_t **pinned; /* writer schemas handed out (references), kept until free */
    size_t n_pinned;
    /* The first topic's entry when entries do not expire: one reference held until free, read
     * without the lock (the hot path of a serializer used for one topic). */
    _Atomic(serdes_ser_entry_t *) first;
    char *first_topic; /* written before first is published */
};

/** @brief A serializer of fmt around local (taken; may be NULL), as cairn_serializer_new. */
cairn_serializer_t *serdes_ser_new(cairn_serdes_t *sd, const serdes_format_t *fmt,
                                   cairn_role_t role, serdes_schema_t *local, cairn_error_t *err);

/** @brief Keep a reference to sch for the serializer's lifetime (schemas handed to callers). */
cn_err_t serdes_ser_pin(cairn_serializer_t *ser, serdes_schema_t *sch);

/** What a deserializer prepared for one writer id: the writer schema and the resolution plan. */
typedef struct serdes_des_entry {
    atomic_int refcnt;
    serdes_schema_t *writer; /* a reference */
    serdes_schema_t *reader; /* a reference: the schema values come out in (the deserializer's
                                reader, the subject's latest with use.latest.version, or the
                                writer) */
    void *plan;              /* format's plan (Avro: serdes_avro_plan_t) */
} serdes_des_entry_t;

struct cairn_deserializer {
    cairn_serdes_t *sd;
    const serdes_format_t *fmt;
    cairn_role_t role;
    serdes_schema_t *reader; /* optional reader schema */
    pthread_mutex_t lock;    /* guards ids */
    serdes_lru_t *ids;       /* int32 id -> serdes_des_entry_t* (one reference) */
    serdes_lru_t *guids;     /* 16-byte GUID [+ topic] -> serdes_des_entry_t* (one reference) */
    /* The first id's entry when entries are per id only: one reference held until free, read
     * without the lock (the hot path of a topic with one writer schema). */
    _Atomic(serdes_des_entry_t *) first;
    int32_t first_id; /* written before first is published */
};

/** @brief Translate an internal error to the public one (err may be NULL). @returns the code. */
cairn_err_t serdes_edge(const serdes_err_t *in, cairn_error_t *err);
/** @brief Clear a public error (may be NULL). */
void serdes_edge_ok(cairn_error_t *err);

/** @brief The entry for topic (a reference; serdes_ser_entry_decref). */
cn_err_t serdes_ser_resolve(cairn_serializer_t *ser, const char *topic, serdes_ser_entry_t **out,
                            serdes_err_t *err);
/** @brief The same for one record name (the record strategies' subject), not the schema's. */
cn_err_t serdes_ser_resolve_rec(cairn_serializer_t *ser, const char *topic, const char *record,
                                serdes_ser_entry_t **out, serdes_err_t *err);
void serdes_ser_entry_decref(serdes_ser_entry_t *e);
/** @brief The GUID of e->id into e (schema.id.serializer=header): remote's when the registry
 *  gave it (latest version), else the by-id answer, in subject's context when subject (may be
 *  NULL) is qualified; an error when the registry gives no GUID (before Confluent 8.x). */
cn_err_t serdes_ser_guid(cairn_serializer_t *ser, serdes_ser_entry_t *e, const char *subject,
                         const serdes_schema_t *remote, serdes_err_t *err);
/** @brief The record header for a serialization with entry e: hdr->name NULL in prefix mode;
 *  in header mode hdr is required (INVALID_ARGUMENT without: the plain calls cannot carry it). */
cn_err_t serdes_ser_header(const cairn_serializer_t *ser, const serdes_ser_entry_t *e,
                           cairn_header_t *hdr, serdes_err_t *err);
/** @brief Bytes of the payload prefix the serializer writes: 5, or 0 with framing none or
 *  schema.id.serializer=header. */
size_t serdes_ser_prefix_size(const cairn_serializer_t *ser);
/** @brief Output buffer handling: the framed size is hdr + payload; allocate or check. */
cn_err_t serdes_ser_output(cairn_serializer_t *ser, int32_t id, size_t payload_len, void **out,
                           size_t *out_len, uint8_t **payload_at, serdes_err_t *err);

/** @brief Parse the framing of data (per deserializer.framing) and get the entry for its id
 *  (and, with use.latest.version, for topic's subject). */
cn_err_t serdes_des_prepare(cairn_deserializer_t *des, const char *topic, const void *data,
                            size_t len, serdes_des_entry_t **out, const uint8_t **payload,
                            size_t *plen, int32_t *id_out, serdes_err_t *err);
/** @brief serdes_des_prepare with the record's schema-id header value (hdr NULL or hdr_len 0:
 *  none): a header id (dual mode) wins over the payload; *id_out is -1 for a GUID. */
cn_err_t serdes_des_prepare_h(cairn_deserializer_t *des, const char *topic, const void *data,
                              size_t len, const void *hdr, size_t hdr_len, serdes_des_entry_t **out,
                              const uint8_t **payload, size_t *plen, int32_t *id_out,
                              serdes_err_t *err);
void serdes_des_entry_decref(serdes_des_entry_t *e);
/** @brief A schema-id header value: 0x01 + GUID (bytes after it allowed) or exactly 0x00 + id. */
cn_err_t serdes_header_parse(const uint8_t *v, size_t len, int32_t *id, bool *is_guid,
                             uint8_t guid[CAIRN_GUID_SIZE], serdes_err_t *err);

/** @brief Internal framing parse: id and payload. */
cn_err_t serdes_frame_parse(const uint8_t *data, size_t len, int32_t *id, const uint8_t **payload,
                            size_t *plen, serdes_err_t *err);

#endif
