/* SPDX-License-Identifier: Apache-2.0
 *
 * Deserializers: parse the framing, find (or build once) the entry for the writer id — writer
 * schema from the registry cache and the resolution plan to the optional reader schema — in a
 * per-deserializer LRU, so a warm deserialize takes one short lock and makes no registry call.
 * Owns cairn_deserializer_t and its entries.
 */
#include "serdes/serdes_api_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_time.h"
#include "serdes/serdes_avro_int.h"
#include "serdes/serdes_subject_int.h"

static void serdes_plan_free(const serdes_format_t *fmt, void *plan) {
    if (fmt->format == CAIRN_FORMAT_AVRO)
        serdes_avro_plan_free(plan);
}

void serdes_des_entry_decref(serdes_des_entry_t *e) {
    if (!e || atomic_fetch_sub(&e->refcnt, 1) != 1)
        return;
    if (e->plan)
        serdes_plan_free(e->writer->fmt, e->plan);
    serdes_schema_decref(e->reader);
    serdes_schema_decref(e->writer);
    free(e);
}

static void serdes_des_entry_release(void *v) {
    serdes_des_entry_decref(v);
}

cairn_deserializer_t *cairn_deserializer_new(cairn_serdes_t *sd, cairn_format_t format,
                                             cairn_role_t role, const char *reader_schema,
                                             cairn_error_t *err) {
    serdes_err_t e = {0};
    cairn_deserializer_t *des;
    const serdes_format_t *fmt = serdes_format_get(format);
    if (!sd || (role != CAIRN_ROLE_KEY && role != CAIRN_ROLE_VALUE))
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "a handle and a role are required");
    else if (!fmt)
        serdes_err_set(&e, CN_ERR_UNSUPPORTED, "format %d is not built in", (int)format);
    if (e.e.code != CN_OK) {
        serdes_edge(&e, err);
        return NULL;
    }
    if (!(des = calloc(1, sizeof(*des))) ||
        !(des->ids = serdes_lru_new((size_t)sd->s.cache_capacity, serdes_des_entry_release)) ||
        !(des->guids = serdes_lru_new((size_t)sd->s.cache_capacity, serdes_des_entry_release))) {
        if (des)
            serdes_lru_free(des->ids);
        free(des);
        serdes_err_set(&e, CN_ERR_NO_MEMORY, NULL);
        serdes_edge(&e, err);
        return NULL;
    }
    des->sd = sd;
    des->fmt = fmt;
    des->role = role;
    pthread_mutex_init(&des->lock, NULL);
    if (reader_schema && serdes_schema_new(fmt, reader_schema, strlen(reader_schema), -1,
                                           &des->reader, &e) != CN_OK) {
        cairn_deserializer_free(des);
        serdes_edge(&e, err);
        return NULL;
    }
    serdes_edge_ok(err);
    return des;
}

void cairn_deserializer_free(cairn_deserializer_t *des) {
    if (!des)
        return;
    serdes_lru_free(des->ids);
    serdes_lru_free(des->guids);
    if (atomic_load(&des->first))
        serdes_des_entry_decref(atomic_load(&des->first));
    serdes_schema_decref(des->reader);
    pthread_mutex_destroy(&des->lock);
    free(des);
}

/* The schema values come out in: the deserializer's reader, else with use.latest.version the
 * latest version of the topic's subject (Java's deserializer does the same), else the writer. */
static cn_err_t serdes_des_reader(cairn_deserializer_t *des, const char *topic,
                                  serdes_des_entry_t *e, serdes_err_t *err) {
    const serdes_settings_t *s = &des->sd->s;
    char subject[1024];
    cn_err_t rc;
    if (des->reader || !s->use_latest) {
        e->reader = des->reader ? des->reader : e->writer;
        serdes_schema_incref(e->reader);
        return CN_OK;
    }
    rc = serdes_subject(s, des->role, topic, des->fmt->record_name(e->writer->impl), subject,
                        sizeof(subject), err);
    if (rc == CN_OK)
        rc = serdes_registry_latest(des->sd->reg, subject, des->fmt, &e->reader, err);
    return rc;
}

/* The writer schema of a record: by id, or (id < 0) by GUID. */
static cn_err_t serdes_des_writer(cairn_deserializer_t *des, int32_t id, const uint8_t *guid,
                                  serdes_schema_t **out, serdes_err_t *err) {
    if (id >= 0)
        return serdes_registry_by_id(des->sd->reg, id, out, err);
    return serdes_registry_by_guid(des->sd->reg, guid, out, err);
}

static cn_err_t serdes_des_build(cairn_deserializer_t *des, const char *topic, int32_t id,
                                 const uint8_t *guid, serdes_des_entry_t **out, serdes_err_t *err) {
    serdes_des_entry_t *e = calloc(1, sizeof(*e));
    cn_err_t rc;
    if (!e)
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    atomic_init(&e->refcnt, 1);
    rc = serdes_des_writer(des, id, guid, &e->writer, err);
    if (rc == CN_OK && e->writer->fmt != des->fmt)
        rc = serdes_err_set(err, CN_ERR_UNSUPPORTED, "schema %d is %s, the deserializer reads %s",
                            (int)id, e->writer->fmt->type_name, des->fmt->type_name);
    if (rc == CN_OK)
        rc = serdes_des_reader(des, topic, e, err);
    if (rc == CN_OK && des->fmt->format == CAIRN_FORMAT_AVRO)
        rc = serdes_avro_plan_new(e->writer->impl, e->reader->impl, (serdes_avro_plan_t **)&e->plan,
                                  err);
    if (rc != CN_OK) {
        if (rc == CN_ERR_INCOMPATIBLE)
            cn_error_prefix(&err->e, "writer schema %d", (int)id);
        serdes_des_entry_decref(e);
        return rc;
    }
    *out = e;
    return CN_OK;
}

/* Entries are per id, and per (id, topic) when the reader is the topic's latest version (they
 * then expire with cache.latest.ttl.sec). */
static cn_err_t serdes_des_entry(cairn_deserializer_t *des, const char *topic, int32_t id,
                                 serdes_des_entry_t **out, serdes_err_t *err) {
    const serdes_settings_t *s = &des->sd->s;
    bool by_topic = !des->reader && s->use_latest;
    int64_t expires =
        by_topic && s->latest_ttl_sec >= 0 ? cn_mono_ms() + s->latest_ttl_sec * 1000 : 0;
    char key[1024 + sizeof(int32_t)];
    size_t klen = sizeof(id);
    serdes_des_entry_t *e =
        by_topic ? NULL : atomic_load_explicit(&des->first, memory_order_acquire);
    cn_err_t rc;
    if (e && des->first_id == id) {
        atomic_fetch_add_explicit(&e->refcnt, 1, memory_order_relaxed);
        *out = e;
        return CN_OK;
    }
    memcpy(key, &id, sizeof(id));
    if (by_topic && topic) {
        size_t tl = strnlen(topic, sizeof(key) - sizeof(id));
        memcpy(key + sizeof(id), topic, tl);
        klen += tl;
    }
    pthread_mutex_lock(&des->lock);
    e = serdes_lru_get(des->ids, key, klen, by_topic ? cn_mono_ms() : 0);
    if (e)
        atomic_fetch_add(&e->refcnt, 1);
    pthread_mutex_unlock(&des->lock);
    if (e) {
        *out = e;
        return CN_OK;
    }
    if ((rc = serdes_des_build(des, topic, id, NULL, &e, err)) != CN_OK)
        return rc;
    atomic_fetch_add(&e->refcnt, 1);
    pthread_mutex_lock(&des->lock);
    if (serdes_lru_put(des->ids, key, klen, e, expires) != CN_OK)
        atomic_fetch_sub(&e->refcnt, 1);
    if (!by_topic && !atomic_load_explicit(&des->first, memory_order_relaxed)) {
        des->first_id = id;
        atomic_fetch_add(&e->refcnt, 1);
        atomic_store_explicit(&des->first, e, memory_order_release);
    }
    pthread_mutex_unlock(&des->lock);
    *out = e;
    return CN_OK;
}

/* The entry for a GUID-identified writer, in its own LRU (per GUID, and per topic when the
 * reader is the topic's latest version, as for ids). */
static cn_err_t serdes_des_entry_guid(cairn_deserializer_t *des, const char *topic,
                                      const uint8_t guid[CAIRN_GUID_SIZE], serdes_des_entry_t **out,
                                      serdes_err_t *err) {
    const serdes_settings_t *s = &des->sd->s;
    bool by_topic = !des->reader && s->use_latest;
    int64_t now = by_topic ? cn_mono_ms() : 0;
    int64_t expires = by_topic && s->latest_ttl_sec >= 0 ? now + s->latest_ttl_sec * 1000 : 0;
    char key[1024 + CAIRN_GUID_SIZE];
    size_t klen = CAIRN_GUID_SIZE;
    serdes_des_entry_t *e;
    cn_err_t rc;
    memcpy(key, guid, CAIRN_GUID_SIZE);
    if (by_topic && topic) {
        size_t tl = strnlen(topic, sizeof(key) - CAIRN_GUID_SIZE);
        memcpy(key + CAIRN_GUID_SIZE, topic, tl);
        klen += tl;
    }
    pthread_mutex_lock(&des->lock);
    if ((e = serdes_lru_get(des->guids, key, klen, now)) != NULL)
        atomic_fetch_add(&e->refcnt, 1);
    pthread_mutex_unlock(&des->lock);
    if (!e) {
        if ((rc = serdes_des_build(des, topic, -1, guid, &e, err)) != CN_OK)
            return rc;
        atomic_fetch_add(&e->refcnt, 1);
        pthread_mutex_lock(&des->lock);
        if (serdes_lru_put(des->guids, key, klen, e, expires) != CN_OK)
            atomic_fetch_sub(&e->refcnt, 1);
        pthread_mutex_unlock(&des->lock);
    }
    *out = e;
    return CN_OK;
}

/* Where the writer's id is: the record header (dual mode, when given), the payload prefix
 * (0x00 + id, or in dual mode 0x01 + GUID), or use.schema.id with framing none. */
static cn_err_t serdes_des_locate(cairn_deserializer_t *des, const uint8_t *data, size_t len,
                                  const uint8_t *hdr, size_t hdr_len, int32_t *id, bool *is_guid,
                                  uint8_t guid[CAIRN_GUID_SIZE], const uint8_t **payload,
                                  size_t *plen, serdes_err_t *err) {
    const serdes_settings_t *s = &des->sd->s;
    bool dual = s->id_dual[des->role];
    *is_guid = false;
    *payload = data;
    *plen = len;
    if (dual && hdr && hdr_len)
        return serdes_header_parse(hdr, hdr_len, id, is_guid, guid, err);
    if (!s->framing_des) {
        *id = (int32_t)s->use_schema_id;
        return CN_OK;
    }
    if (dual && len >= 1 && data[0] == CAIRN_MAGIC_V1) {
        if (len < 1 + CAIRN_GUID_SIZE)
            return serdes_err_set(err, CN_ERR_SERDES_SHORT_BUFFER,
                                  "payload of %zu bytes is shorter than 0x01 + GUID (17 bytes)",
                                  len);
        memcpy(guid, data + 1, CAIRN_GUID_SIZE);
        *is_guid = true;
        *id = -1;
        *payload = data + 1 + CAIRN_GUID_SIZE;
        *plen = len - 1 - CAIRN_GUID_SIZE;
        return CN_OK;
    }
    return serdes_frame_parse(data, len, id, payload, plen, err);
}

cn_err_t serdes_des_prepare_h(cairn_deserializer_t *des, const char *topic, const void *data,
                              size_t len, const void *hdr, size_t hdr_len, serdes_des_entry_t **out,
                              const uint8_t **payload, size_t *plen, int32_t *id_out,
                              serdes_err_t *err) {
    uint8_t guid[CAIRN_GUID_SIZE];
    int32_t id = -1;
    bool is_guid;
    cn_err_t rc =
        serdes_des_locate(des, data, len, hdr, hdr_len, &id, &is_guid, guid, payload, plen, err);
    if (rc != CN_OK)
        return rc;
    if (id_out)
        *id_out = id;
    if (is_guid)
        return serdes_des_entry_guid(des, topic, guid, out, err);
    return serdes_des_entry(des, topic, id, out, err);
}

cn_err_t serdes_des_prepare(cairn_deserializer_t *des, const char *topic, const void *data,
                            size_t len, serdes_des_entry_t **out, const uint8_t **payload,
                            size_t *plen, int32_t *id_out, serdes_err_t *err) {
    return serdes_des_prepare_h(des, topic, data, len, NULL, 0, out, payload, plen, id_out, err);
}
