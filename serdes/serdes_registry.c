/* SPDX-License-Identifier: Apache-2.0
 *
 * The registry client and its caches (serdes_registry_int.h): REST calls in Confluent's shapes
 * (docs.confluent.io/platform/current/schema-registry/develop/api.html), JSON bodies with jansson,
 * and the four LRU caches under one mutex that is released before any HTTP call. Owns the
 * transport, the caches and the schemas they hold.
 */
#include "serdes/serdes_registry_int.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cn_time.h"
#include "serdes/serdes_lru_int.h"

#define SERDES_BODY_MAX (64u << 20)

struct serdes_registry {
    const serdes_settings_t *s;
    serdes_http_t *http;
    pthread_mutex_t lock;          /* guards the four caches; never held across HTTP */
    serdes_lru_t *by_id;           /* int32 id -> serdes_schema_t* (one reference) */
    serdes_lru_t *ids;             /* subject \0 text -> (intptr_t)id + 1 */
    serdes_lru_t *latest;          /* subject -> serdes_schema_t* (one reference), TTL */
    serdes_lru_t *missing;         /* int32 id or 16-byte GUID -> marker, TTL */
    serdes_lru_t *by_guid;         /* 16-byte GUID -> serdes_schema_t* (one reference) */
    struct serdes_flight *flights; /* id fetches in progress (single-flight), under lock */
    atomic_uint_fast64_t hits, misses;
};

/* One GET /schemas/ids/{id} in progress: later askers for the same id wait for its answer
 * instead of sending their own request. Freed by the last of the fetcher and its waiters. */
typedef struct serdes_flight {
    int32_t id;
    int waiters;
    bool done;
    cn_err_t rc;
    serdes_err_t err;
    serdes_schema_t *sch; /* a reference when rc is CN_OK */
    pthread_cond_t cv;
    struct serdes_flight *next;
} serdes_flight_t;

static void serdes_schema_release(void *v) {
    serdes_schema_decref(v);
}

cn_err_t serdes_schema_new(const serdes_format_t *fmt, const char *text, size_t len, int32_t id,
                           serdes_schema_t **out, serdes_err_t *err) {
    serdes_schema_t *sch = calloc(1, sizeof(*sch));
    cn_err_t rc;
    if (!sch || !(sch->text = malloc(len + 1))) {
        free(sch);
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    memcpy(sch->text, text, len);
    sch->text[len] = '\0';
    sch->len = len;
    sch->id = id;
    sch->fmt = fmt;
    atomic_init(&sch->refcnt, 1);
    rc = fmt->compile(sch->text, len, &sch->impl, err);
    if (rc != CN_OK) {
        free(sch->text);
        free(sch);
        return rc;
    }
    *out = sch;
    return CN_OK;
}

cn_err_t serdes_schema_new_impl(const serdes_format_t *fmt, const char *text, size_t len,
                                int32_t id, void *impl, serdes_schema_t **out, serdes_err_t *err) {
    serdes_schema_t *sch = calloc(1, sizeof(*sch));
    if (!sch || !(sch->text = malloc(len + 1))) {
        free(sch);
        fmt->release(impl);
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    memcpy(sch->text, text, len);
    sch->text[len] = '\0';
    sch->len = len;
    sch->id = id;
    sch->fmt = fmt;
    sch->impl = impl;
    atomic_init(&sch->refcnt, 1);
    *out = sch;
    return CN_OK;
}

void serdes_schema_incref(serdes_schema_t *sch) {
    atomic_fetch_add(&sch->refcnt, 1);
}

void serdes_schema_decref(serdes_schema_t *sch) {
    if (!sch || atomic_fetch_sub(&sch->refcnt, 1) != 1)
        return;
    sch->fmt->release(sch->impl);
    free(sch->text);
    free(sch);
}

serdes_registry_t *serdes_registry_new(const serdes_settings_t *s) {
    serdes_registry_t *r = calloc(1, sizeof(*r));
    size_t cap = (size_t)s->cache_capacity;
    if (!r)
        return NULL;
    r->s = s;
    pthread_mutex_init(&r->lock, NULL);
    r->http = serdes_http_new(s);
    r->by_id = serdes_lru_new(cap, serdes_schema_release);
    r->ids = serdes_lru_new(cap, NULL);
    r->latest = serdes_lru_new((size_t)s->latest_cache_size, serdes_schema_release);
    r->missing = serdes_lru_new(cap, NULL);
    r->by_guid = serdes_lru_new(cap, serdes_schema_release);
    if (!r->http || !r->by_id || !r->ids || !r->latest || !r->missing || !r->by_guid) {
        serdes_registry_free(r);
        return NULL;
    }
    return r;
}

void serdes_registry_free(serdes_registry_t *r) {
    if (!r)
        return;
    serdes_lru_free(r->by_id);
    serdes_lru_free(r->ids);
    serdes_lru_free(r->latest);
    serdes_lru_free(r->missing);
    serdes_lru_free(r->by_guid);
    serdes_http_free(r->http);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

const serdes_settings_t *serdes_registry_settings(serdes_registry_t *r) {
    return r->s;
}

void serdes_registry_purge(serdes_registry_t *r) {
    pthread_mutex_lock(&r->lock);
    serdes_lru_clear(r->by_id);
    serdes_lru_clear(r->ids);
    serdes_lru_clear(r->latest);
    serdes_lru_clear(r->missing);
    serdes_lru_clear(r->by_guid);
    pthread_mutex_unlock(&r->lock);
}

void serdes_registry_count(serdes_registry_t *r, bool hit) {
    atomic_fetch_add(hit ? &r->hits : &r->misses, 1);
}

void serdes_registry_stats(serdes_registry_t *r, cairn_stats_t *out) {
    memset(out, 0, sizeof(*out));
    out->registry_requests = serdes_http_requests(r->http);
    out->registry_failures = serdes_http_failures(r->http);
    out->cache_hits = atomic_load(&r->hits);
    out->cache_misses = atomic_load(&r->misses);
    pthread_mutex_lock(&r->lock);
    out->cache_evictions = serdes_lru_evictions(r->by_id) + serdes_lru_evictions(r->ids) +
                           serdes_lru_evictions(r->latest) + serdes_lru_evictions(r->missing) +
                           serdes_lru_evictions(r->by_guid);
    pthread_mutex_unlock(&r->lock);
}

static int64_t serdes_expiry(int64_t ttl_sec) {
    return ttl_sec < 0 ? 0 : cn_mono_ms() + ttl_sec * 1000;
}

/* ---- JSON helpers ---- */

static cn_err_t serdes_parse_body(const cn_buf_t *body, json_t **out, serdes_err_t *err) {
    json_error_t jerr;
    *out = json_loadb((const char *)body->data, body->len, JSON_ALLOW_NUL, &jerr);
    if (!*out || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return serdes_err_set(err, CN_ERR_SERDES_REGISTRY,
                              "the registry answered with malformed JSON: %s", jerr.text);
    }
    return CN_OK;
}

/* The schemaType of an answer must match the format we expect (absent means AVRO). */
static cn_err_t serdes_check_type(json_t *j, const serdes_format_t *fmt, serdes_err_t *err) {
    json_t *t = json_object_get(j, "schemaType");
    const char *name = json_is_string(t) ? json_string_value(t) : "AVRO";
    if (strcasecmp(name, fmt->type_name) != 0)
        return serdes_err_set(err, CN_ERR_UNSUPPORTED, "schema is of type %s, expected %s", name,
                              fmt->type_name);
    return CN_OK;
}

static const serdes_format_t *serdes_format_of(json_t *j, serdes_err_t *err) {
    json_t *t = json_object_get(j, "schemaType");
    const char *name = json_is_string(t) ? json_string_value(t) : "AVRO";
    for (int f = CAIRN_FORMAT_AVRO; f <= CAIRN_FORMAT_JSON; f++) {
        const serdes_format_t *fmt = serdes_format_get((cairn_format_t)f);
        if (fmt && strcasecmp(fmt->type_name, name) == 0)
            return fmt;
    }
    serdes_err_set(err, CN_ERR_UNSUPPORTED, "schema type %s is not supported by this build", name);
    return NULL;
}

/* The answer's "guid" (a UUID, Confluent 8.x) into sch; absent or malformed: none. */
static void serdes_take_guid(json_t *j, serdes_schema_t *sch) {
    json_t *g = json_object_get(j, "guid");
    sch->has_guid = json_is_string(g) &&
                    serdes_guid_parse(json_string_value(g), json_string_length(g), sch->guid);
}

/* A schema with references: the format fetches and compiles what they name. */
static cn_err_t serdes_schema_with_refs(serdes_registry_t *r, json_t *j, int32_t id,
                                        const serdes_format_t *fmt, serdes_schema_t **out,
                                        serdes_err_t *err) {
    json_t *text = json_object_get(j, "schema");
    void *impl = NULL;
    cn_err_t rc;
    if (!fmt->compile_refs)
        return serdes_err_set(err, CN_ERR_UNSUPPORTED,
                              "schema %d has references, which this build cannot resolve", id);
    rc = fmt->compile_refs(r, json_string_value(text), json_string_length(text),
                           json_object_get(j, "references"), &impl, err);
    if (rc == CN_OK)
        rc = serdes_schema_new_impl(fmt, json_string_value(text), json_string_length(text), id,
                                    impl, out, err);
    return rc;
}

static cn_err_t serdes_schema_from_answer(serdes_registry_t *r, json_t *j, int32_t id,
                                          const serdes_format_t *fmt, serdes_schema_t **out,
                                          serdes_err_t *err) {
    json_t *text = json_object_get(j, "schema");
    json_t *refs = json_object_get(j, "references");
    cn_err_t rc;
    if (!fmt && !(fmt = serdes_format_of(j, err)))
        return err->e.code;
    if ((rc = serdes_check_type(j, fmt, err)) != CN_OK)
        return rc;
    if (!json_is_string(text))
        return serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "the registry answer has no schema");
    if (json_is_array(refs) && json_array_size(refs) > 0)
        rc = serdes_schema_with_refs(r, j, id, fmt, out, err);
    else
        rc =
            serdes_schema_new(fmt, json_string_value(text), json_string_length(text), id, out, err);
    if (rc != CN_OK)
        cn_error_prefix(&err->e, "schema %d", id);
    else
        serdes_take_guid(j, *out);
    return rc;
}

/* ---- id -> schema ---- */

/* Insert sch for id unless another thread did first; returns the cached one (a reference).
 * Called with the lock held. */
static serdes_schema_t *serdes_insert_id_locked(serdes_registry_t *r, int32_t id,
                                                serdes_schema_t *sch) {
    serdes_schema_t *have = serdes_lru_get(r->by_id, &id, sizeof(id), cn_mono_ms());
    if (have) {
        serdes_schema_incref(have);
        serdes_schema_decref(sch);
        return have;
    }
    serdes_schema_incref(sch);
    if (serdes_lru_put(r->by_id, &id, sizeof(id), sch, 0) != CN_OK)
        serdes_schema_decref(sch);
    serdes_lru_del(r->missing, &id, sizeof(id));
    return sch;
}

static serdes_schema_t *serdes_insert_id(serdes_registry_t *r, int32_t id, serdes_schema_t *sch) {
    pthread_mutex_lock(&r->lock);
    sch = serdes_insert_id_locked(r, id, sch);
    pthread_mutex_unlock(&r->lock);
    return sch;
}

static void serdes_note_missing(serdes_registry_t *r, int32_t id) {
    if (r->s->missing_id_ttl_sec <= 0)
        return;
    pthread_mutex_lock(&r->lock);
    serdes_lru_put(r->missing, &id, sizeof(id), (void *)1, serdes_expiry(r->s->missing_id_ttl_sec));
    pthread_mutex_unlock(&r->lock);
}

static cn_err_t serdes_fetch_id(serdes_registry_t *r, int32_t id, serdes_schema_t **out,
                                serdes_err_t *err) {
    char path[64];
    cn_buf_t body;
    json_t *j = NULL;
    cn_err_t rc;
    snprintf(path, sizeof(path), "/schemas/ids/%d", (int)id);
    cn_buf_init(&body, SERDES_BODY_MAX);
    rc = serdes_http_request(r->http, "GET", path, NULL, &body, err);
    if (rc == CN_ERR_SERDES_REGISTRY && err->http_status == 404) {
        serdes_note_missing(r, id);
        cn_error_set(&err->e, CN_ERR_SERDES_UNKNOWN_ID,
                     "schema id %d is not known to the registry (%s)", (int)id, err->e.msg);
        rc = CN_ERR_SERDES_UNKNOWN_ID;
    }
    if (rc == CN_OK)
        rc = serdes_parse_body(&body, &j, err);
    if (rc == CN_OK)
        rc = serdes_schema_from_answer(r, j, id, NULL, out, err);
    json_decref(j);
    cn_buf_fini(&body);
    return rc;
}

static void serdes_flight_free(serdes_flight_t *fl) {
    serdes_schema_decref(fl->sch);
    pthread_cond_destroy(&fl->cv);
    free(fl);
}

/* Wait (lock held; released while waiting) for the fetch of fl and take its answer. */
static cn_err_t serdes_flight_wait(serdes_flight_t *fl, serdes_schema_t **out, serdes_err_t *err,
                                   pthread_mutex_t *lock) {
    cn_err_t rc;
    fl->waiters++;
    while (!fl->done)
        pthread_cond_wait(&fl->cv, lock);
    rc = fl->rc;
    if (rc == CN_OK) {
        serdes_schema_incref(fl->sch);
        *out = fl->sch;
    } else {
        *err = fl->err;
    }
    if (--fl->waiters == 0)
        serdes_flight_free(fl);
    return rc;
}

/* The fetcher publishes its answer (lock held) and wakes the waiters. */
static void serdes_flight_land(serdes_registry_t *r, serdes_flight_t *fl, cn_err_t rc,
                               serdes_schema_t *sch, const serdes_err_t *err) {
    serdes_flight_t **pp = &r->flights;
    while (*pp != fl)
        pp = &(*pp)->next;
    *pp = fl->next;
    fl->rc = rc;
    if (rc == CN_OK) {
        serdes_schema_incref(sch);
        fl->sch = sch;
    } else {
        fl->err = *err;
    }
    fl->done = true;
    pthread_cond_broadcast(&fl->cv);
    if (fl->waiters == 0)
        serdes_flight_free(fl);
}

/* Under the lock: a cached schema, a cached miss, a flight to join, or a new flight to run. */
typedef enum serdes_look { LOOK_HIT, LOOK_MISSING, LOOK_JOIN, LOOK_FETCH } serdes_look_t;

static serdes_look_t serdes_look_id(serdes_registry_t *r, int32_t id, serdes_schema_t **sch,
                                    serdes_flight_t **fl) {
    int64_t now = cn_mono_ms();
    if ((*sch = serdes_lru_get(r->by_id, &id, sizeof(id), now)) != NULL) {
        serdes_schema_incref(*sch);
        return LOOK_HIT;
    }
    if (serdes_lru_get(r->missing, &id, sizeof(id), now) != NULL)
        return LOOK_MISSING;
    for (*fl = r->flights; *fl; *fl = (*fl)->next)
        if ((*fl)->id == id)
            return LOOK_JOIN;
    if ((*fl = calloc(1, sizeof(**fl))) != NULL) {
        (*fl)->id = id;
        pthread_cond_init(&(*fl)->cv, NULL);
        (*fl)->next = r->flights;
        r->flights = *fl;
    }
    return LOOK_FETCH;
}

static cn_err_t serdes_unknown_cached(int32_t id, serdes_err_t *err) {
    serdes_err_set(err, CN_ERR_SERDES_UNKNOWN_ID,
                   "schema id %d is not known to the registry (cached miss)", (int)id);
    err->http_status = 404;
    err->error_code = 40403;
    return CN_ERR_SERDES_UNKNOWN_ID;
}

cn_err_t serdes_registry_by_id(serdes_registry_t *r, int32_t id, serdes_schema_t **out,
                               serdes_err_t *err) {
    serdes_schema_t *sch = NULL;
    serdes_flight_t *fl = NULL;
    serdes_look_t look;
    cn_err_t rc;
    pthread_mutex_lock(&r->lock);
    look = serdes_look_id(r, id, &sch, &fl);
    if (look == LOOK_JOIN) {
        rc = serdes_flight_wait(fl, out, err, &r->lock);
        pthread_mutex_unlock(&r->lock);
        serdes_registry_count(r, true);
        return rc;
    }
    pthread_mutex_unlock(&r->lock);
    serdes_registry_count(r, look != LOOK_FETCH);
    if (look == LOOK_HIT) {
        *out = sch;
        return CN_OK;
    }
    if (look == LOOK_MISSING)
        return serdes_unknown_cached(id, err);
    rc = serdes_fetch_id(r, id, &sch, err);
    pthread_mutex_lock(&r->lock);
    if (rc == CN_OK)
        sch = serdes_insert_id_locked(r, id, sch);
    if (fl)
        serdes_flight_land(r, fl, rc, sch, err);
    pthread_mutex_unlock(&r->lock);
    if (rc == CN_OK)
        *out = sch;
    return rc;
}

/* ---- GUID -> schema ---- */

cn_err_t serdes_registry_guid_in(serdes_registry_t *r, int32_t id, const char *subject,
                                 uint8_t guid[CAIRN_GUID_SIZE], bool *have, serdes_err_t *err) {
    cn_buf_t path, body;
    json_t *j = NULL, *g;
    cn_err_t rc;
    *have = false;
    cn_buf_init(&path, 65536);
    cn_buf_init(&body, SERDES_BODY_MAX);
    cn_buf_printf(&path, "/schemas/ids/%d?subject=", (int)id);
    serdes_http_escape(&path, subject);
    rc = cn_buf_cstr(&path)
             ? serdes_http_request(r->http, "GET", (const char *)path.data, NULL, &body, err)
             : serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK)
        rc = serdes_parse_body(&body, &j, err);
    if (rc == CN_OK && json_is_string(g = json_object_get(j, "guid")))
        *have = serdes_guid_parse(json_string_value(g), json_string_length(g), guid);
    json_decref(j);
    cn_buf_fini(&path);
    cn_buf_fini(&body);
    return rc;
}

static cn_err_t serdes_fetch_guid(serdes_registry_t *r, const uint8_t guid[CAIRN_GUID_SIZE],
                                  serdes_schema_t **out, serdes_err_t *err) {
    char text[37], path[64];
    cn_buf_t body;
    json_t *j = NULL;
    cn_err_t rc;
    serdes_guid_format(guid, text);
    snprintf(path, sizeof(path), "/schemas/guids/%s", text);
    cn_buf_init(&body, SERDES_BODY_MAX);
    rc = serdes_http_request(r->http, "GET", path, NULL, &body, err);
    if (rc == CN_ERR_SERDES_REGISTRY && err->http_status == 404) {
        if (r->s->missing_id_ttl_sec > 0) {
            pthread_mutex_lock(&r->lock);
            serdes_lru_put(r->missing, guid, CAIRN_GUID_SIZE, (void *)1,
                           serdes_expiry(r->s->missing_id_ttl_sec));
            pthread_mutex_unlock(&r->lock);
        }
        rc = cn_error_set(&err->e, CN_ERR_SERDES_UNKNOWN_ID,
                          "schema GUID %s is not known to the registry (%s)", text, err->e.msg);
    }
    if (rc == CN_OK)
        rc = serdes_parse_body(&body, &j, err);
    if (rc == CN_OK)
        rc = serdes_schema_from_answer(r, j, -1, NULL, out, err);
    if (rc == CN_OK) { /* the schema is the one asked for, whatever the answer says */
        memcpy((*out)->guid, guid, CAIRN_GUID_SIZE);
        (*out)->has_guid = true;
    }
    json_decref(j);
    cn_buf_fini(&body);
    return rc;
}

cn_err_t serdes_registry_by_guid(serdes_registry_t *r, const uint8_t guid[CAIRN_GUID_SIZE],
                                 serdes_schema_t **out, serdes_err_t *err) {
    int64_t now = cn_mono_ms();
    serdes_schema_t *sch, *have;
    bool missing;
    cn_err_t rc;
    pthread_mutex_lock(&r->lock);
    if ((sch = serdes_lru_get(r->by_guid, guid, CAIRN_GUID_SIZE, now)) != NULL)
        serdes_schema_incref(sch);
    missing = !sch && serdes_lru_get(r->missing, guid, CAIRN_GUID_SIZE, now) != NULL;
    pthread_mutex_unlock(&r->lock);
    serdes_registry_count(r, sch || missing);
    if (sch) {
        *out = sch;
        return CN_OK;
    }
    if (missing)
        return serdes_err_set(err, CN_ERR_SERDES_UNKNOWN_ID,
                              "schema GUID is not known to the registry (cached miss)");
    if ((rc = serdes_fetch_guid(r, guid, &sch, err)) != CN_OK)
        return rc;
    pthread_mutex_lock(&r->lock);
    if ((have = serdes_lru_get(r->by_guid, guid, CAIRN_GUID_SIZE, now)) != NULL) {
        serdes_schema_incref(have);
        serdes_schema_decref(sch);
        sch = have;
    } else {
        serdes_schema_incref(sch);
        if (serdes_lru_put(r->by_guid, guid, CAIRN_GUID_SIZE, sch, 0) != CN_OK)
            serdes_schema_decref(sch);
    }
    pthread_mutex_unlock(&r->lock);
    *out = sch;
    return CN_OK;
}

/* ---- (subject, schema) -> id ---- */

static cn_err_t serdes_subject_path(cn_buf_t *path, const char *subject, bool lookup_only,
                                    bool normalize) {
    cn_buf_put_str(path, "/subjects/");
    serdes_http_escape(path, subject);
    if (!lookup_only)
        cn_buf_put_str(path, "/versions");
    if (normalize)
        cn_buf_put_str(path, "?normalize=true");
    return cn_buf_cstr(path) ? CN_OK : CN_ERR_NO_MEMORY;
}

static char *serdes_register_body(const serdes_format_t *fmt, const char *text, const char *refs) {
    json_t *j = json_object();
    char *s;
    json_object_set_new(j, "schema", json_string(text));
    if (fmt->format != CAIRN_FORMAT_AVRO)
        json_object_set_new(j, "schemaType", json_string(fmt->type_name));
    if (refs)
        json_object_set_new(j, "references", json_loads(refs, 0, NULL));
    s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static cn_err_t serdes_post_schema(serdes_registry_t *r, const char *subject,
                                   const serdes_format_t *fmt, const char *text, const char *refs,
                                   bool lookup_only, int32_t *id_out, int32_t *version_out,
                                   serdes_err_t *err) {
    cn_buf_t path, body;
    char *req = serdes_register_body(fmt, text, refs);
    json_t *j = NULL, *id;
    cn_err_t rc;
    cn_buf_init(&path, 65536);
    cn_buf_init(&body, SERDES_BODY_MAX);
    rc = req ? serdes_subject_path(&path, subject, lookup_only, r->s->normalize) : CN_ERR_NO_MEMORY;
    if (rc == CN_OK)
        rc = serdes_http_request(r->http, "POST", (const char *)path.data, req, &body, err);
    else
        serdes_err_set(err, rc, NULL);
    if (rc == CN_OK)
        rc = serdes_parse_body(&body, &j, err);
    if (rc == CN_OK) {
        id = json_object_get(j, "id");
        if (json_is_integer(id) && json_integer_value(id) >= 0 &&
            json_integer_value(id) <= INT32_MAX)
            *id_out = (int32_t)json_integer_value(id);
        else
            rc = serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "the registry answer has no id");
        id = json_object_get(j, "version");
        if (version_out && json_is_integer(id) && json_integer_value(id) > 0 &&
            json_integer_value(id) <= INT32_MAX)
            *version_out = (int32_t)json_integer_value(id);
    }
    json_decref(j);
    free(req);
    cn_buf_fini(&path);
    cn_buf_fini(&body);
    return rc;
}

static cn_err_t serdes_ids_key(cn_buf_t *key, const char *subject, const char *text,
                               const char *refs) {
    cn_buf_put(key, subject, strlen(subject) + 1);
    cn_buf_put(key, text, strlen(text) + 1);
    if (refs)
        cn_buf_put_str(key, refs);
    return key->failed ? CN_ERR_NO_MEMORY : CN_OK;
}

cn_err_t serdes_registry_id_for(serdes_registry_t *r, const char *subject,
                                const serdes_format_t *fmt, const char *text, bool lookup_only,
                                int32_t *id_out, serdes_err_t *err) {
    return serdes_registry_id_for_refs(r, subject, fmt, text, NULL, lookup_only, id_out, NULL, err);
}

cn_err_t serdes_registry_id_for_refs(serdes_registry_t *r, const char *subject,
                                     const serdes_format_t *fmt, const char *text, const char *refs,
                                     bool lookup_only, int32_t *id_out, int32_t *version_out,
                                     serdes_err_t *err) {
    cn_buf_t key;
    void *hit;
    cn_err_t rc;
    cn_buf_init(&key, CN_BUF_NO_LIMIT);
    if (serdes_ids_key(&key, subject, text, refs) != CN_OK) {
        cn_buf_fini(&key);
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    pthread_mutex_lock(&r->lock);
    hit = serdes_lru_get(r->ids, key.data, key.len, 0);
    pthread_mutex_unlock(&r->lock);
    serdes_registry_count(r, hit != NULL);
    if (hit && !version_out) {
        *id_out = (int32_t)((intptr_t)hit - 1);
        cn_buf_fini(&key);
        return CN_OK;
    }
    rc = serdes_post_schema(r, subject, fmt, text, refs, lookup_only, id_out, version_out, err);
    if (rc == CN_OK) {
        pthread_mutex_lock(&r->lock);
        serdes_lru_put(r->ids, key.data, key.len, (void *)((intptr_t)*id_out + 1), 0);
        pthread_mutex_unlock(&r->lock);
    }
    cn_buf_fini(&key);
    return rc;
}

/* ---- subject version ---- */

cn_err_t serdes_registry_version(serdes_registry_t *r, const char *subject, int32_t version,
                                 json_t **out, serdes_err_t *err) {
    cn_buf_t path, body;
    char v[16];
    cn_err_t rc;
    cn_buf_init(&path, 65536);
    cn_buf_init(&body, SERDES_BODY_MAX);
    snprintf(v, sizeof(v), "%d", (int)version);
    cn_buf_put_str(&path, "/subjects/");
    serdes_http_escape(&path, subject);
    cn_buf_put_str(&path, "/versions/");
    cn_buf_put_str(&path, v);
    rc = cn_buf_cstr(&path)
             ? serdes_http_request(r->http, "GET", (const char *)path.data, NULL, &body, err)
             : serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK)
        rc = serdes_parse_body(&body, out, err);
    cn_buf_fini(&path);
    cn_buf_fini(&body);
    return rc;
}

/* ---- subject -> latest ---- */

static cn_err_t serdes_fetch_latest(serdes_registry_t *r, const char *subject,
                                    const serdes_format_t *fmt, serdes_schema_t **out,
                                    serdes_err_t *err) {
    cn_buf_t path, body;
    json_t *j = NULL, *id, *ver;
    cn_err_t rc;
    cn_buf_init(&path, 65536);
    cn_buf_init(&body, SERDES_BODY_MAX);
    cn_buf_put_str(&path, "/subjects/");
    serdes_http_escape(&path, subject);
    if (r->s->latest_metadata) {
        cn_buf_put_str(&path, "/metadata?");
        cn_buf_put_str(&path, r->s->latest_metadata);
    } else {
        cn_buf_put_str(&path, "/versions/latest");
    }
    rc = cn_buf_cstr(&path)
             ? serdes_http_request(r->http, "GET", (const char *)path.data, NULL, &body, err)
             : serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK)
        rc = serdes_parse_body(&body, &j, err);
    if (rc == CN_OK) {
        id = json_object_get(j, "id");
        ver = json_object_get(j, "version");
        if (!json_is_integer(id) || json_integer_value(id) < 0 ||
            json_integer_value(id) > INT32_MAX)
            rc = serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "the registry answer has no id");
        else
            rc = serdes_schema_from_answer(r, j, (int32_t)json_integer_value(id), fmt, out, err);
        if (rc == CN_OK && json_is_integer(ver))
            (*out)->version = (int32_t)json_integer_value(ver);
    }
    json_decref(j);
    cn_buf_fini(&path);
    cn_buf_fini(&body);
    return rc;
}

cn_err_t serdes_registry_latest(serdes_registry_t *r, const char *subject,
                                const serdes_format_t *fmt, serdes_schema_t **out,
                                serdes_err_t *err) {
    serdes_schema_t *sch;
    cn_err_t rc;
    pthread_mutex_lock(&r->lock);
    sch = serdes_lru_get(r->latest, subject, strlen(subject), cn_mono_ms());
    if (sch)
        serdes_schema_incref(sch);
    pthread_mutex_unlock(&r->lock);
    serdes_registry_count(r, sch != NULL);
    if (sch) {
        *out = sch;
        return CN_OK;
    }
    rc = serdes_fetch_latest(r, subject, fmt, &sch, err);
    if (rc != CN_OK)
        return rc;
    sch = serdes_insert_id(r, sch->id, sch);
    pthread_mutex_lock(&r->lock);
    serdes_schema_incref(sch);
    if (serdes_lru_put(r->latest, subject, strlen(subject), sch,
                       serdes_expiry(r->s->latest_ttl_sec)) != CN_OK)
        serdes_schema_decref(sch);
    pthread_mutex_unlock(&r->lock);
    *out = sch;
    return CN_OK;
}
