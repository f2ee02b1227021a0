/* SPDX-License-Identifier: Apache-2.0
 *
 * The /subjects/{s}/versions resource group (registry-api.md §2.4): version listing, reads,
 * the raw schema, referencedby and version deletes. Registration is in api_subjects.c with the
 * other schema-body endpoints.
 */
#include "api/api_http.h"

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
    int64_t off = api_query_int(req, "offset", 0), lim = api_query_int(req, "limit", -1);
    int64_t seen = 0;
    reg_subject_t *s;
    json_t *arr;
    if (!api_subject(req, 1, false, resp) || !api_require_ready(req, resp))
        return;
    arr = json_array();
    reg_rdlock(req->reg);
    s = reg_subject_get(req->reg, req->segs[1]);
    for (size_t i = 0; s && i < s->n; i++) {
        bool d = s->v[i]->deleted;
        if ((only && !d) || (!only && d && !deleted))
            continue;
        if (seen++ < off || (lim >= 0 && (int64_t)json_array_size(arr) >= lim))
            continue;
        json_array_append_new(arr, json_integer(s->v[i]->version));
    }
    reg_unlock(req->reg);
    if (seen == 0) {
        json_decref(arr);
        subject_not_found(req, resp);
        return;
    }
    api_json(resp, 200, arr);
}

/* Resolve {subject}/versions/{version} under the read lock; false (unlocked) on error. */
static bool version_of(api_req_t *req, api_resp_t *resp, bool deleted, reg_version_t **v) {
    int32_t version;
    cn_error_t err;
    if (!api_version(req, 3, &version, resp) || !api_subject(req, 1, false, resp) ||
        !api_require_ready(req, resp))
        return false;
    reg_rdlock(req->reg);
    if (reg_version_find(req->reg, req->segs[1], version, deleted, v, &err) == CN_OK)
        return true;
    reg_unlock(req->reg);
    api_error_from(resp, req, &err);
    return false;
}

void api_versions_get(api_req_t *req, api_resp_t *resp) {
    reg_version_t *v;
    if (!version_of(req, resp, api_query_bool(req, "deleted"), &v))
        return;
    api_schema_reply(req, resp, v);
    reg_unlock(req->reg);
}

void api_versions_get_schema(api_req_t *req, api_resp_t *resp) {
    reg_version_t *v;
    if (!version_of(req, resp, api_query_bool(req, "deleted"), &v))
        return;
    api_schema_text(req, resp, v->schema);
    reg_unlock(req->reg);
}

void api_versions_referenced_by(api_req_t *req, api_resp_t *resp) {
    reg_version_t *v;
    int32_t ids[4096];
    size_t n;
    json_t *arr;
    int64_t off = api_query_int(req, "offset", 0), lim = api_query_int(req, "limit", -1);
    if (!version_of(req, resp, true, &v))
        return;
    n = reg_referenced_by(req->reg, v->subject->name, v->version, api_query_bool(req, "deleted"),
                          ids, sizeof(ids) / sizeof(*ids));
    reg_unlock(req->reg);
    arr = json_array();
    for (size_t i = 0; i < n && i < sizeof(ids) / sizeof(*ids); i++)
        if ((int64_t)i >= off && (lim < 0 || (int64_t)json_array_size(arr) < lim))
            json_array_append_new(arr, json_integer(ids[i]));
    api_json(resp, 200, arr);
}

void api_versions_delete(api_req_t *req, api_resp_t *resp) {
    int32_t version, deleted = 0;
    cn_error_t err;
    if (!api_version(req, 3, &version, resp) || !api_subject(req, 1, false, resp) ||
        !api_require_ready(req, resp))
        return;
    if (reg_delete_version(req->reg, req->segs[1], version, api_query_bool(req, "permanent"),
                           &deleted, &err) == CN_OK)
        api_json(resp, 200, json_integer(deleted));
    else
        api_error_from(resp, req, &err);
}
