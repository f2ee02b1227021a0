/* SPDX-License-Identifier: Apache-2.0
 *
 * The /subjects/{s}/versions resource group (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): version listing, reads, the
 * raw schema, referencedby and version deletes. Registration is in api_subjects.c with the other
 * schema-body endpoints.
 */
#include "api/api_int.h"

#include "common/cn_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void subject_not_found(api_req_t *req, api_resp_t *resp) {
    char msg[400];
    snprintf(msg, sizeof(msg), "Subject '%.300s' not found.", req->segs[1]);
    api_error(resp, req, CN_ERR_SUBJECT_NOT_FOUND, msg);
}

void api_versions_list(api_req_t *req, api_resp_t *resp) {
    bool deleted = api_query_bool(req, "deleted"), only = api_query_bool(req, "deletedOnly");
    api_page_t page = api_page(req, -1);
    reg_subject_t *s;
    reg_name_t subject;
    json_t *arr;
    if (!api_subject_aliased(req, 1, &subject, resp) || !api_require_ready(req, resp))
        return;
    arr = json_array();
    reg_rdlock(req->reg);
    s = reg_subject_get(req->reg, &subject);
    for (size_t i = 0; s && i < s->n; i++) {
        bool d = s->v[i]->deleted;
        if ((only && !d) || (!only && d && !deleted))
            continue;
        if (api_page_take(&page, json_array_size(arr)))
            json_array_append_new(arr, json_integer(s->v[i]->version));
    }
    reg_unlock(req->reg);
    if (!reg_subject_visible(s, deleted || only)) { /* deletedOnly without any: [] */
        json_decref(arr);
        subject_not_found(req, resp);
        return;
    }
    api_json(resp, 200, arr);
}

/* The key=k&value=v pairs of GET /subjects/{s}/metadata, paired in order. */
typedef struct kv_pairs {
    json_t *keys, *values;
} kv_pairs_t;

static enum MHD_Result collect_kv(void *cls, enum MHD_ValueKind kind, const char *k,
                                  const char *v) {
    kv_pairs_t *kv = cls;
    char buf[1024];
    (void)kind;
    if (!v || (strcmp(k, "key") != 0 && strcmp(k, "value") != 0))
        return MHD_YES;
    cn_percent_decode(v, strlen(v), buf, sizeof(buf));
    json_array_append_new(strcmp(k, "key") == 0 ? kv->keys : kv->values, json_string(buf));
    return MHD_YES;
}

/* The wanted properties, or NULL (answered 422) when keys and values do not pair up. */
static json_t *wanted_properties(api_req_t *req, api_resp_t *resp) {
    kv_pairs_t kv = {json_array(), json_array()};
    json_t *want = json_object(), *k;
    size_t i;
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_kv, &kv);
    if (json_array_size(kv.keys) != json_array_size(kv.values)) {
        api_error(resp, req, CN_ERR_INVALID_ENTITY,
                  "Unprocessable entity: key and value parameters must pair up");
        json_decref(want);
        want = NULL;
    }
    json_array_foreach(kv.keys, i, k) {
        if (want && json_is_string(k))
            json_object_set(want, json_string_value(k), json_array_get(kv.values, i));
    }
    json_decref(kv.keys);
    json_decref(kv.values);
    return want;
}

/* GET /subjects/{s}/metadata?key=k&value=v...: the latest version whose metadata properties
 * hold every pair (Confluent's getLatestWithMetadata); 40401, 40403. */
void api_subjects_metadata(api_req_t *req, api_resp_t *resp) {
    bool deleted = api_query_bool(req, "deleted");
    reg_name_t subject;
    reg_subject_t *s;
    reg_version_t *v;
    json_t *want;
    if (!api_subject_aliased(req, 1, &subject, resp) || !api_require_ready(req, resp) ||
        !(want = wanted_properties(req, resp)))
        return;
    reg_rdlock(req->reg);
    s = reg_subject_get(req->reg, &subject);
    v = reg_subject_latest_with_metadata(s, want, deleted);
    if (!reg_subject_visible(s, deleted))
        subject_not_found(req, resp);
    else if (!v)
        api_error(resp, req, CN_ERR_SCHEMA_NOT_FOUND, "Schema not found");
    else
        api_schema_reply(req, resp, v);
    reg_unlock(req->reg);
    json_decref(want);
}

/* The {subject} and {version} segments; false with the error answered. */
static bool version_args(api_req_t *req, api_resp_t *resp, reg_name_t *subject, int32_t *version) {
    return api_version(req, 3, version, resp) && api_subject_aliased(req, 1, subject, resp) &&
           api_require_ready(req, resp);
}

/* The version (caller holds the read lock), or NULL with the error answered. */
static reg_version_t *version_find(api_req_t *req, api_resp_t *resp, const reg_name_t *subject,
                                   int32_t version, bool deleted) {
    reg_version_t *v = NULL;
    cn_error_t err;
    if (reg_version_find(req->reg, subject, version, deleted, &v, &err) == CN_OK)
        return v;
    api_error_from(resp, req, &err);
    return NULL;
}

void api_versions_get(api_req_t *req, api_resp_t *resp) {
    reg_version_t *v;
    reg_name_t subject;
    int32_t version;
    if (!version_args(req, resp, &subject, &version))
        return;
    reg_rdlock(req->reg);
    if ((v = version_find(req, resp, &subject, version, api_query_bool(req, "deleted"))))
        api_schema_reply(req, resp, v);
    reg_unlock(req->reg);
}

void api_versions_get_schema(api_req_t *req, api_resp_t *resp) {
    reg_version_t *v;
    reg_name_t subject;
    int32_t version;
    if (!version_args(req, resp, &subject, &version))
        return;
    reg_rdlock(req->reg);
    if ((v = version_find(req, resp, &subject, version, api_query_bool(req, "deleted"))))
        api_schema_text(req, resp, v->schema);
    reg_unlock(req->reg);
}

void api_versions_referenced_by(api_req_t *req, api_resp_t *resp) {
    reg_version_t *v;
    int32_t ids[4096], version;
    size_t n = 0;
    json_t *arr;
    api_page_t page = api_page(req, -1);
    reg_name_t subject;
    if (!version_args(req, resp, &subject, &version))
        return;
    reg_rdlock(req->reg);
    if ((v = version_find(req, resp, &subject, version, true)))
        n = reg_referenced_by(req->reg, &subject, v->version, api_query_bool(req, "deleted"), ids,
                              sizeof(ids) / sizeof(*ids));
    reg_unlock(req->reg);
    if (!v)
        return;
    arr = json_array();
    for (size_t i = 0; i < n && i < sizeof(ids) / sizeof(*ids); i++)
        if (api_page_take(&page, json_array_size(arr)))
            json_array_append_new(arr, json_integer(ids[i]));
    api_json(resp, 200, arr);
}

void api_versions_delete(api_req_t *req, api_resp_t *resp) {
    int32_t version, deleted = 0;
    reg_name_t subject;
    cn_error_t err;
    if (!api_version(req, 3, &version, resp) || !api_subject_aliased(req, 1, &subject, resp) ||
        !api_require_ready(req, resp))
        return;
    if (reg_delete_version(req->reg, &subject, version, api_query_bool(req, "permanent"), &deleted,
                           &err) == CN_OK)
        api_json(resp, 200, json_integer(deleted));
    else
        api_error_from(resp, req, &err);
}
