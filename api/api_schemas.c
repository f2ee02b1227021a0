/* SPDX-License-Identifier: Apache-2.0
 *
 * The /schemas resource group (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): types, the listing, and
 * lookups by id (the consumer's critical path: a read-locked map lookup and one JSON dump).
 */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_props.h"

void api_schemas_types(api_req_t *req, api_resp_t *resp) {
    static const compat_type_t order[] = {COMPAT_JSON, COMPAT_PROTOBUF, COMPAT_AVRO};
    json_t *arr = json_array();
    const reg_lang_ops_t *lang = reg_lang_get(req->reg);
    for (size_t i = 0; i < 3; i++)
        if (lang->supported(order[i]))
            json_array_append_new(arr, json_string(reg_type_name(order[i])));
    api_json(resp, 200, arr);
}

static bool id_segment(api_req_t *req, int32_t *id, api_resp_t *resp) {
    int64_t v;
    if (!cn_parse_i64(req->segs[2], &v) || v < 0 || v > INT32_MAX) {
        api_error(resp, req, CN_ERR_HTTP_NOT_FOUND, NULL);
        return false;
    }
    *id = (int32_t)v;
    return api_require_ready(req, resp);
}

/* The {id} segment and the subject query parameter, decoded into buf (cap bytes) and parsed
 * into *subject (the global scope when absent or empty), the subject's alias followed as
 * Confluent's AliasFilter does for `schemas/ids` paths; false with the error answered. */
static bool id_args(api_req_t *req, api_resp_t *resp, int32_t *id, reg_name_t *subject, char *buf,
                    size_t cap) {
    bool given = api_query(req, "subject", buf, cap) && buf[0];
    *subject = reg_name(given ? buf : NULL);
    if (given && reg_ready(req->reg) &&
        reg_alias_resolve(req->reg, subject, req->alias, sizeof(req->alias)))
        *subject = reg_name(req->alias);
    return id_segment(req, id, resp);
}

/* The schema for the id (caller holds the read lock), or NULL with the error answered. */
static reg_schema_t *schema_find(api_req_t *req, api_resp_t *resp, int32_t id,
                                 const reg_name_t *subject) {
    reg_schema_t *sch = reg_schema_by_id(req->reg, id, subject);
    char msg[64];
    if (!sch &&
        subject->subject) /* an unknown subject context: try everywhere, as Confluent does */
        sch = reg_schema_by_id(req->reg, id, REG_NAME(NULL));
    if (sch)
        return sch;
    snprintf(msg, sizeof(msg), "Schema %d not found", (int)id);
    api_error(resp, req, CN_ERR_SCHEMA_NOT_FOUND, msg);
    return NULL;
}

static char *by_id_body(const reg_schema_t *sch) {
    json_t *o = json_object();
    char *out;
    api_schema_fields(o, sch);
    out = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return out;
}

/* The body of GET /schemas/ids/{id} (caller holds the read lock). */
static void by_id_reply(api_req_t *req, api_resp_t *resp, reg_schema_t *sch,
                        const reg_name_t *subject) {
    const char *wire;
    json_t *o;
    if (!api_query_bool(req, "fetchMaxId") && !api_wants_resolved(req) &&
        (wire = reg_schema_wire(sch, by_id_body))) {
        api_text(resp, 200, wire); /* the consumer's hot path: a copy of the cached body */
        resp->raw = false;
        return;
    }
    o = json_object();
    api_schema_fields(o, sch);
    if (api_query_bool(req, "fetchMaxId"))
        json_object_set_new(o, "maxId", json_integer(reg_max_id(req->reg, subject)));
    if (api_format_schema(req, resp, o, sch))
        api_json(resp, 200, o);
    else
        json_decref(o);
}

void api_schemas_by_id(api_req_t *req, api_resp_t *resp) {
    char buf[512];
    reg_name_t subject;
    reg_schema_t *sch;
    int32_t id;
    if (!id_args(req, resp, &id, &subject, buf, sizeof(buf)))
        return;
    reg_rdlock(req->reg);
    if ((sch = schema_find(req, resp, id, &subject)))
        by_id_reply(req, resp, sch, &subject);
    reg_unlock(req->reg);
}

void api_schemas_by_id_schema(api_req_t *req, api_resp_t *resp) {
    char buf[512];
    reg_name_t subject;
    reg_schema_t *sch;
    int32_t id;
    if (!id_args(req, resp, &id, &subject, buf, sizeof(buf)))
        return;
    reg_rdlock(req->reg);
    if ((sch = schema_find(req, resp, id, &subject)))
        api_schema_text(req, resp, sch);
    reg_unlock(req->reg);
}

/* The (subject, version) pairs or the subjects of a schema (caller holds the read lock). */
static json_t *by_id_list(api_req_t *req, reg_schema_t *sch, const reg_name_t *subject,
                          bool with_versions) {
    const char *filter = subject->subject;
    bool deleted = api_query_bool(req, "deleted");
    api_page_t page = api_page(req, -1);
    size_t n = 0;
    reg_version_t **vs = reg_schema_versions(req->reg, sch, &n);
    json_t *arr = json_array();
    const char *last = NULL;
    for (size_t i = 0; vs && i < n; i++) {
        reg_version_t *v = vs[i];
        if ((v->deleted && !deleted) || (filter && strcmp(filter, v->subject->name) != 0))
            continue;
        if (!with_versions && last && strcmp(last, v->subject->name) == 0)
            continue;
        last = v->subject->name;
        if (!api_page_take(&page, json_array_size(arr)))
            continue;
        json_array_append_new(arr, with_versions
                                       ? json_pack("{s:s,s:i}", "subject", v->subject->name,
                                                   "version", (json_int_t)v->version)
                                       : json_string(v->subject->name));
    }
    free(vs);
    return arr;
}

static void by_id_listing(api_req_t *req, api_resp_t *resp, bool with_versions) {
    char buf[512];
    reg_name_t subject;
    reg_schema_t *sch;
    json_t *arr = NULL;
    int32_t id;
    if (!id_args(req, resp, &id, &subject, buf, sizeof(buf)))
        return;
    reg_rdlock(req->reg);
    if ((sch = schema_find(req, resp, id, &subject)))
        arr = by_id_list(req, sch, &subject, with_versions);
    reg_unlock(req->reg);
    if (sch)
        api_json(resp, 200, arr);
}

void api_schemas_by_id_subjects(api_req_t *req, api_resp_t *resp) {
    by_id_listing(req, resp, false);
}

void api_schemas_by_id_versions(api_req_t *req, api_resp_t *resp) {
    by_id_listing(req, resp, true);
}

void api_schemas_list(api_req_t *req, api_resp_t *resp) {
    char prefix[512] = "";
    bool deleted = api_query_bool(req, "deleted"), latest = api_query_bool(req, "latestOnly");
    api_page_t page = api_page(req, req->cfg->search_limit);
    size_t n = 0, plen;
    reg_subject_t **subs;
    json_t *arr = json_array();
    if (!api_require_ready(req, resp)) {
        json_decref(arr);
        return;
    }
    if (page.lim < 0 || page.lim > req->cfg->search_limit)
        page.lim = req->cfg->search_limit;
    api_query(req, "subjectPrefix", prefix, sizeof(prefix));
    plen = strlen(prefix);
    reg_rdlock(req->reg);
    subs = reg_subjects_sorted(req->reg, &n);
    for (size_t i = 0; subs && i < n; i++) {
        reg_subject_t *s = subs[i];
        reg_version_t *lv = reg_subject_latest(s, deleted);
        if (strncmp(s->name, prefix, plen) != 0)
            continue;
        for (size_t j = 0; j < s->n; j++) {
            reg_version_t *v = s->v[j];
            if ((v->deleted && !deleted) || (latest && v != lv))
                continue;
            if (api_page_take(&page, json_array_size(arr)))
                json_array_append_new(arr, api_schema_object(v));
        }
    }
    free(subs);
    reg_unlock(req->reg);
    api_json(resp, 200, arr);
}
