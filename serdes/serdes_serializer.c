/* SPDX-License-Identifier: Apache-2.0
 *
 * Serializers: resolve (topic -> subject -> id, writer schema) once per topic and keep it in a
 * per-serializer LRU (with the latest TTL when use.latest.version is set), so a warm serialize
 * takes one short lock and makes no registry call; frame the output; JSON input for any format.
 * Owns cairn_serializer_t and its topic entries.
 */
#include "serdes/serdes_api_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "common/cn_time.h"
#include "compat/compat.h"
#include "serdes/serdes_avro_int.h"
#include "serdes/serdes_json_int.h"
#include "serdes/serdes_subject_int.h"

#define SERDES_SUBJECT_MAX 1024

void serdes_ser_entry_decref(serdes_ser_entry_t *e) {
    if (!e || atomic_fetch_sub(&e->refcnt, 1) != 1)
        return;
    serdes_avro_plan_free(e->plan);
    serdes_schema_decref(e->target);
    serdes_schema_decref(e->writer);
    free(e);
}

static void serdes_ser_entry_release(void *v) {
    serdes_ser_entry_decref(v);
}

cairn_serializer_t *cairn_serializer_new(cairn_serdes_t *sd, cairn_format_t format,
                                         cairn_role_t role, const char *schema,
                                         cairn_error_t *err) {
    serdes_err_t e = {0};
    const serdes_format_t *fmt = serdes_format_get(format);
    serdes_schema_t *local = NULL;
    if (!sd || (role != CAIRN_ROLE_KEY && role != CAIRN_ROLE_VALUE)) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "a handle and a role are required");
    } else if (!fmt) {
        serdes_err_set(&e, CN_ERR_UNSUPPORTED, "format %d is not built in", (int)format);
    } else if (!schema && sd->s.use_schema_id < 0 && !sd->s.use_latest) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT,
                       "a schema is required unless use.schema.id or use.latest.version is set");
    } else if (schema) {
        serdes_schema_new(fmt, schema, strlen(schema), -1, &local, &e);
    }
    if (e.e.code != CN_OK) {
        serdes_edge(&e, err);
        return NULL;
    }
    return serdes_ser_new(sd, fmt, role, local, err);
}

cairn_serializer_t *serdes_ser_new(cairn_serdes_t *sd, const serdes_format_t *fmt,
                                   cairn_role_t role, serdes_schema_t *local, cairn_error_t *err) {
    serdes_err_t e = {0};
    cairn_serializer_t *ser;
    if (!(ser = calloc(1, sizeof(*ser))) ||
        !(ser->topics = serdes_lru_new((size_t)sd->s.cache_capacity, serdes_ser_entry_release))) {
        free(ser);
        if (local)
            serdes_schema_decref(local);
        serdes_err_set(&e, CN_ERR_NO_MEMORY, NULL);
        serdes_edge(&e, err);
        return NULL;
    }
    ser->sd = sd;
    ser->fmt = fmt;
    ser->role = role;
    ser->local = local;
    pthread_mutex_init(&ser->lock, NULL);
    serdes_edge_ok(err);
    return ser;
}

void cairn_serializer_free(cairn_serializer_t *ser) {
    if (!ser)
        return;
    serdes_lru_free(ser->topics);
    if (atomic_load(&ser->first))
        serdes_ser_entry_decref(atomic_load(&ser->first));
    free(ser->first_topic);
    for (size_t i = 0; i < ser->n_pinned; i++)
        serdes_schema_decref(ser->pinned[i]);
    free(ser->pinned);
    serdes_schema_decref(ser->local);
    pthread_mutex_destroy(&ser->lock);
    free(ser);
}

cn_err_t serdes_ser_pin(cairn_serializer_t *ser, serdes_schema_t *sch) {
    cn_err_t rc = CN_OK;
    size_t i;
    pthread_mutex_lock(&ser->lock);
    for (i = 0; i < ser->n_pinned && ser->pinned[i] != sch; i++)
        ;
    if (i == ser->n_pinned) {
        serdes_schema_t **grown = realloc(ser->pinned, (i + 1) * sizeof(*grown));
        if (grown) {
            ser->pinned = grown;
            ser->pinned[ser->n_pinned++] = sch;
            serdes_schema_incref(sch);
        } else {
            rc = CN_ERR_NO_MEMORY;
        }
    }
    pthread_mutex_unlock(&ser->lock);
    return rc;
}

/* Confluent's check (compat/): can the registry's schema read data of the local one? */
static cn_err_t serdes_ser_backward(const serdes_schema_t *local, const serdes_schema_t *remote,
                                    const char *key, serdes_err_t *err) {
    compat_parse_opts_t opts = {.type = COMPAT_AVRO};
    compat_schema_t *l = compat_schema_parse(local->text, local->len, &opts, &err->e);
    compat_schema_t *r = l ? compat_schema_parse(remote->text, remote->len, &opts, &err->e) : NULL;
    compat_report_t *rep = NULL;
    compat_prev_t prev = {l, 0};
    cn_err_t rc = r ? compat_check(COMPAT_BACKWARD, r, &prev, 1, &rep, &err->e) : err->e.code;
    if (rc == CN_OK && !compat_report_is_compatible(rep))
        rc = serdes_err_set(err, CN_ERR_INCOMPATIBLE,
                            "schema %d cannot read data of the serializer's schema (%s=true): %s",
                            (int)remote->id, key,
                            compat_report_message_count(rep) ? compat_report_message(rep, 0) : "");
    compat_report_free(rep);
    compat_schema_free(l);
    compat_schema_free(r);
    return rc;
}

/* Values are of the local schema when there is one; when the registry's schema differs, the
 * bytes are translated into it (after Confluent's backward check when strict). */
static cn_err_t serdes_ser_pick(cairn_serializer_t *ser, serdes_schema_t *remote, bool strict,
                                const char *key, serdes_ser_entry_t *e, serdes_err_t *err) {
    const serdes_avro_schema_t *a, *b;
    cn_err_t rc;
    if (!ser->local || ser->fmt->format != CAIRN_FORMAT_AVRO) {
        /* JSON Schema: the text is the same in any schema; values are validated against the
         * registry's one, after the same backward check as Avro when strict (on the loaded
         * schemas, which hold what their references name: equal texts may still differ). */
        if (ser->local && ser->fmt->format == CAIRN_FORMAT_JSON && strict &&
            (rc = serdes_json_backward(ser->local->impl, remote->impl, err)) != CN_OK) {
            cn_error_prefix(&err->e,
                            "schema %d cannot read data of the serializer's schema "
                            "(%s=true)",
                            (int)remote->id, key);
            return rc;
        }
        serdes_schema_incref(remote);
        e->writer = remote;
        return CN_OK;
    }
    serdes_schema_incref(ser->local);
    e->writer = ser->local;
    a = ser->local->impl;
    b = remote->impl;
    if (avro_schema_equal(a->schema, b->schema))
        return CN_OK;
    if (strict && (rc = serdes_ser_backward(ser->local, remote, key, err)) != CN_OK)
        return rc;
    rc = serdes_avro_plan_new(a, b, (serdes_avro_plan_t **)&e->plan, err);
    if (rc != CN_OK) {
        cn_error_prefix(&err->e, "schema %d cannot take the serializer's values", (int)remote->id);
        return rc;
    }
    serdes_schema_incref(remote);
    e->target = remote;
    return CN_OK;
}

/* Register (or look up) the local schema, after what it references (Protobuf imports). */
static cn_err_t serdes_ser_register(cairn_serializer_t *ser, const char *subject,
                                    serdes_ser_entry_t *e, serdes_err_t *err) {
    const serdes_settings_t *s = &ser->sd->s;
    char *refs = NULL;
    cn_err_t rc = CN_OK;
    if (ser->fmt->references)
        rc = ser->fmt->references(ser->sd->reg, ser->local->impl, !s->auto_register, &refs, err);
    if (rc == CN_OK)
        rc = serdes_registry_id_for_refs(ser->sd->reg, subject, ser->fmt, ser->local->text, refs,
                                         !s->auto_register, &e->id, NULL, err);
    free(refs);
    return rc;
}

static cn_err_t serdes_ser_lookup(cairn_serializer_t *ser, const char *topic, const char *record,
                                  serdes_ser_entry_t *e, int64_t *expires, serdes_err_t *err) {
    const serdes_settings_t *s = &ser->sd->s;
    char subject[SERDES_SUBJECT_MAX];
    const char *rname = record       ? record
                        : ser->local ? ser->fmt->record_name(ser->local->impl)
                                     : NULL;
    serdes_schema_t *remote = NULL;
    cn_err_t rc = CN_OK;
    *expires = 0;
    if (s->use_schema_id >= 0) {
        rc = serdes_registry_by_id(ser->sd->reg, (int32_t)s->use_schema_id, &remote, err);
        if (rc == CN_OK)
            rc = serdes_ser_pick(ser, remote, s->id_strict, "id.compatibility.strict", e, err);
        e->id = (int32_t)s->use_schema_id;
    } else if (s->use_latest) {
        rc = serdes_subject(s, ser->role, topic, rname, subject, sizeof(subject), err);
        if (rc == CN_OK)
            rc = serdes_registry_latest(ser->sd->reg, subject, ser->fmt, &remote, err);
        if (rc == CN_OK) {
            rc = serdes_ser_pick(ser, remote, s->latest_strict, "latest.compatibility.strict", e,
                                 err);
            e->id = remote->id;
        }
        *expires = s->latest_ttl_sec < 0 ? 0 : cn_mono_ms() + s->latest_ttl_sec * 1000;
    } else {
        rc = serdes_subject(s, ser->role, topic, rname, subject, sizeof(subject), err);
        if (rc == CN_OK)
            rc = serdes_ser_register(ser, subject, e, err);
        if (rc == CN_OK) {
            serdes_schema_incref(ser->local);
            e->writer = ser->local;
        }
    }
    if (rc == CN_OK && s->id_header[ser->role])
        rc = serdes_ser_guid(ser, e, s->use_schema_id >= 0 ? NULL : subject, remote, err);
    serdes_schema_decref(remote);
    return rc;
}

/* Keep e (which never expires) as the serializer's first entry, under the lock. */
static void serdes_ser_keep_first(cairn_serializer_t *ser, const char *key, serdes_ser_entry_t *e) {
    if (atomic_load_explicit(&ser->first, memory_order_relaxed) || ser->first_topic ||
        !(ser->first_topic = strdup(key)))
        return;
    atomic_fetch_add(&e->refcnt, 1);
    atomic_store_explicit(&ser->first, e, memory_order_release);
}

cn_err_t serdes_ser_resolve(cairn_serializer_t *ser, const char *topic, serdes_ser_entry_t **out,
                            serdes_err_t *err) {
    return serdes_ser_resolve_rec(ser, topic, NULL, out, err);
}

cn_err_t serdes_ser_resolve_rec(cairn_serializer_t *ser, const char *topic, const char *record,
                                serdes_ser_entry_t **out, serdes_err_t *err) {
    const char *key = topic ? topic : "";
    serdes_ser_entry_t *e = record ? NULL : atomic_load_explicit(&ser->first, memory_order_acquire);
    char kb[SERDES_SUBJECT_MAX];
    size_t klen = strlen(key);
    int64_t expires;
    cn_err_t rc;
    if (record) { /* entries per (topic, record name) */
        if (klen + strlen(record) + 1 >= sizeof(kb))
            return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT, "topic and record name too long");
        klen = (size_t)snprintf(kb, sizeof(kb), "%s%c%s", key, 0, record);
        key = kb;
    }
    if (e && strcmp(ser->first_topic, key) == 0) {
        atomic_fetch_add_explicit(&e->refcnt, 1, memory_order_relaxed);
        *out = e;
        return CN_OK;
    }
    /* Only latest-version entries expire: read the clock only then (the hot path). */
    int64_t now = ser->sd->s.use_latest && ser->sd->s.latest_ttl_sec >= 0 ? cn_mono_ms() : 0;
    pthread_mutex_lock(&ser->lock);
    e = serdes_lru_get(ser->topics, key, klen, now);
    if (e)
        atomic_fetch_add(&e->refcnt, 1);
    pthread_mutex_unlock(&ser->lock);
    if (e) {
        *out = e;
        return CN_OK;
    }
    if (!(e = calloc(1, sizeof(*e))))
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    atomic_init(&e->refcnt, 1);
    rc = serdes_ser_lookup(ser, topic, record, e, &expires, err);
    if (rc != CN_OK) {
        serdes_ser_entry_decref(e);
        return rc;
    }
    atomic_fetch_add(&e->refcnt, 1);
    pthread_mutex_lock(&ser->lock);
    if (serdes_lru_put(ser->topics, key, klen, e, expires) != CN_OK)
        atomic_fetch_sub(&e->refcnt, 1);
    if (expires == 0 && !record)
        serdes_ser_keep_first(ser, key, e);
    pthread_mutex_unlock(&ser->lock);
    *out = e;
    return CN_OK;
}

cairn_err_t cairn_serializer_prepare(cairn_serializer_t *ser, const char *topic, int32_t *id_out,
                                     cairn_error_t *err) {
    serdes_err_t e = {0};
    serdes_ser_entry_t *entry;
    if (!ser)
        return serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "serializer required"),
               serdes_edge(&e, err);
    if (serdes_ser_resolve(ser, topic, &entry, &e) != CN_OK)
        return serdes_edge(&e, err);
    if (id_out)
        *id_out = entry->id;
    serdes_ser_entry_decref(entry);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

size_t serdes_ser_prefix_size(const cairn_serializer_t *ser) {
    const serdes_settings_t *s = &ser->sd->s;
    return s->framing_ser && !s->id_header[ser->role] ? CAIRN_FRAME_SIZE : 0;
}

cn_err_t serdes_ser_output(cairn_serializer_t *ser, int32_t id, size_t payload_len, void **out,
                           size_t *out_len, uint8_t **payload_at, serdes_err_t *err) {
    size_t hdr = serdes_ser_prefix_size(ser);
    size_t need = hdr + payload_len;
    uint8_t *buf = *out;
    if (!buf) {
        if (!(buf = malloc(need ? need : 1)))
            return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
        *out = buf;
    } else if (*out_len < need) {
        *out_len = need;
        return serdes_err_set(err, CN_ERR_SERDES_BUFFER_SIZE,
                              "output buffer too small: %zu bytes needed", need);
    }
    if (hdr)
        cairn_frame_write(buf, id);
    *out_len = need;
    *payload_at = buf + hdr;
    return CN_OK;
}
