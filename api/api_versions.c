/* SPDX-License-Identifier: Apache-2.0
 *
 * The /subjects/{s}/versions resource group (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): version listing, reads, the
 * raw schema, referencedby and version deletes. Registration is in api_subjects.c with the other
 * schema-body endpoints.
 */
#include "api/api_int.h"

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
    if (!api_subject(req, 1, false, &subject, resp) || !api_require_ready(req, resp))
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
    if (page.seen == 0) {
        json_decref(arr);
        subject_not_found(req, resp);
        return;
    }
    api_json(resp, 200, arr);
}

/* The {subject} and {version} segments; false with the error answered. */
static bool version_args(api_req_t *req, api_resp_t *resp, reg_name_t *subject, int32_t *version) {
    return api_version(req, 3, version, resp) && api_subject(req, 1, false, subject, resp) &&
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
    if (!api_version(req, 3, &version, resp) || !api_subject(req, 1, false, &subject, resp) ||
        !api_require_ready(req, resp))
        return;
    if (reg_delete_version(req->reg, &subject, version, api_query_bool(req, "permanent"), &deleted,
                           &err) == CN_OK)
        api_json(resp, 200, json_integer(deleted));
    else
        api_error_from(resp, req, &err);
}
