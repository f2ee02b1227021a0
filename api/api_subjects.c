/* SPDX-License-Identifier: Apache-2.0
 *
 * The /subjects resource group (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): listing, lookup, register,
 * versions, deletes and references.
 */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_subjects_list(api_req_t *req, api_resp_t *resp) {
    char prefix[512] = "";
    bool deleted = api_query_bool(req, "deleted"), only = api_query_bool(req, "deletedOnly");
    api_page_t page = api_page(req, -1);
    size_t n = 0, plen;
    reg_subject_t **subs;
    json_t *arr;
    if (!api_require_ready(req, resp))
        return;
    api_query(req, "subjectPrefix", prefix, sizeof(prefix));
    if (strcmp(prefix, ":*:") == 0)
        prefix[0] = '\0';
    plen = strlen(prefix);
    arr = json_array();
    reg_rdlock(req->reg);
    subs = reg_subjects_sorted(req->reg, &n);
    for (size_t i = 0; subs && i < n; i++) {
        bool all_deleted = reg_subject_all_deleted(subs[i]);
        bool show = only ? all_deleted : (deleted || !all_deleted);
        if (!show || strncmp(subs[i]->name, prefix, plen) != 0)
            continue;
        if (api_page_take(&page, json_array_size(arr)))
            json_array_append_new(arr, json_string(subs[i]->name));
    }
    free(subs);
    reg_unlock(req->reg);
    api_json(resp, 200, arr);
}

/* Body -> schema request; *body_out keeps the strings alive. */
static bool schema_body(api_req_t *req, api_resp_t *resp, reg_name_t *subject, json_t **body_out,
                        reg_schema_req_t *sreq, reg_ref_t **refs) {
    *refs = NULL;
    if (!api_subject_aliased(req, 1, subject, resp) || !api_require_ready(req, resp))
        return false;
    if (!(*body_out = api_body_object(req, resp)))
        return false;
    return api_schema_req(*body_out, sreq, refs, req, resp);
}

void api_subjects_lookup(api_req_t *req, api_resp_t *resp) {
    json_t *body = NULL;
    reg_schema_req_t sreq;
    reg_ref_t *refs = NULL;
    reg_version_t *v;
    reg_name_t subject;
    cn_error_t err;
    if (schema_body(req, resp, &subject, &body, &sreq, &refs)) {
        reg_rdlock(req->reg);
        if (reg_lookup(req->reg, &subject, &sreq, api_query_bool(req, "deleted"), &v, &err) ==
            CN_OK)
            api_schema_reply(req, resp, v);
        else
            api_error_from(resp, req, &err);
        reg_unlock(req->reg);
    }
    free(refs);
    json_decref(body);
}

/* The answer to a registration, Confluent 8.x's RegisterSchemaResponse: the id, the version that
 * holds the schema in the subject, guid, schemaType, references, metadata, ruleSet and schema
 * (7.x answered {"id"} only; clients read the id from either). */
static json_t *register_body(api_req_t *req, const reg_name_t *subject, int32_t id) {
    json_t *o = NULL;
    reg_subject_t *s;
    reg_schema_t *sch;
    reg_rdlock(req->reg);
    s = reg_subject_get(req->reg, subject);
    sch = reg_schema_by_id(req->reg, id, subject);
    for (size_t i = s && sch ? s->n : 0; i > 0 && !o; i--)
        if (s->v[i - 1]->schema == sch && !s->v[i - 1]->deleted)
            o = api_schema_object(s->v[i - 1]);
    if (o) { /* never deleted: Confluent 8.x leaves the flag out of this answer */
        json_object_del(o, "subject");
        json_object_del(o, "deleted");
    }
    reg_unlock(req->reg);
    return o ? o : json_pack("{s:i}", "id", (json_int_t)id);
}

void api_versions_register(api_req_t *req, api_resp_t *resp) {
    json_t *body = NULL;
    reg_schema_req_t sreq;
    reg_ref_t *refs = NULL;
    int32_t id = 0;
    reg_name_t subject;
    cn_error_t err;
    if (schema_body(req, resp, &subject, &body, &sreq, &refs)) {
        if (reg_register(req->reg, &subject, &sreq, &id, &err) == CN_OK)
            api_json(resp, 200, register_body(req, &subject, id));
        else
            api_error_from(resp, req, &err);
    }
    free(refs);
    json_decref(body);
}

void api_subjects_delete(api_req_t *req, api_resp_t *resp) {
    json_t *out;
    reg_name_t subject;
    cn_error_t err;
    if (!api_subject_aliased(req, 1, &subject, resp) || !api_require_ready(req, resp))
        return;
    out = json_array();
    if (reg_delete_subject(req->reg, &subject, api_query_bool(req, "permanent"), out, &err) ==
        CN_OK) {
        api_json(resp, 200, out);
        return;
    }
    json_decref(out);
    api_error_from(resp, req, &err);
}
