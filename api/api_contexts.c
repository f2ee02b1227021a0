/* SPDX-License-Identifier: Apache-2.0
 *
 * The /contexts resource (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): the context listing and the
 * delete of an empty context. The /contexts/{ctx}/... URL prefix is rewritten in api_server.c.
 */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_contexts_get(api_req_t *req, api_resp_t *resp) {
    size_t n = 0;
    const char **ctxs;
    json_t *arr = json_array();
    api_page_t page = api_page(req, -1);
    if (!api_require_ready(req, resp)) {
        json_decref(arr);
        return;
    }
    reg_rdlock(req->reg);
    ctxs = reg_contexts(req->reg, &n);
    for (size_t i = 0; ctxs && i < n; i++)
        if (api_page_take(&page, json_array_size(arr)))
            json_array_append_new(arr, json_string(ctxs[i]));
    free(ctxs);
    reg_unlock(req->reg);
    api_json(resp, 200, arr);
}

void api_contexts_delete(api_req_t *req, api_resp_t *resp) {
    size_t n = 0;
    reg_subject_t **subs;
    bool empty = true;
    char qualified[300];
    cn_error_t err;
    if (!api_require_ready(req, resp))
        return;
    snprintf(qualified, sizeof(qualified), ":%s%.256s:", req->segs[1][0] == '.' ? "" : ".",
             req->segs[1]); /* a context name follows the subject rules (42208) */
    if (reg_subject_check(REG_NAME(qualified), true, &err) != CN_OK) {
        api_error_from(resp, req, &err);
        return;
    }
    reg_rdlock(req->reg);
    subs = reg_subjects_sorted(req->reg, &n);
    for (size_t i = 0; subs && i < n && empty; i++)
        empty = !reg_name_in_ctx(&subs[i]->qname, req->segs[1]);
    free(subs);
    reg_unlock(req->reg);
    if (!empty) {
        char msg[300];
        snprintf(msg, sizeof(msg), "The specified context '%.200s' is not empty.", req->segs[1]);
        api_error(resp, req, CN_ERR_CONTEXT_NOT_EMPTY, msg);
        return;
    }
    api_text(resp, 204, "");
}
