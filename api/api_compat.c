/* SPDX-License-Identifier: Apache-2.0
 *
 * The /compatibility resource (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): check a schema against one
 * version, the latest, or (without a version) as registration would.
 */
#include "api/api_int.h"

#include <stdlib.h>

void api_compat_check(api_req_t *req, api_resp_t *resp) {
    int32_t version = 0;
    bool verbose = api_query_bool(req, "verbose"), ok = false;
    json_t *body = NULL, *msgs;
    reg_schema_req_t sreq;
    reg_ref_t *refs = NULL;
    reg_name_t subject;
    cn_error_t err;
    if (req->nsegs == 5 && !api_version(req, 4, &version, resp))
        return;
    if (!api_subject_aliased(req, 2, &subject, resp) || !api_require_ready(req, resp) ||
        !(body = api_body_object(req, resp)))
        return;
    if (!api_schema_req(body, &sreq, &refs, req, resp)) {
        free(refs);
        json_decref(body);
        return;
    }
    msgs = json_array();
    if (reg_check_compat(req->reg, &subject, version, &sreq, verbose, &ok, msgs, &err) != CN_OK) {
        api_error_from(resp, req, &err);
        json_decref(msgs);
    } else {
        json_t *o = json_pack("{s:b}", "is_compatible", ok);
        if (verbose)
            json_object_set_new(o, "messages", msgs);
        else
            json_decref(msgs);
        api_json(resp, 200, o);
    }
    free(refs);
    json_decref(body);
}
