/* SPDX-License-Identifier: Apache-2.0
 *
 * The /mode resource (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): READWRITE, READONLY, IMPORT
 * per subject, context or globally; 40409 / 40401 for a subject without its own mode; FORWARD
 * refused.
 */
#include "api/api_int.h"

#include <string.h>
#include <strings.h>

void api_mode_get(api_req_t *req, api_resp_t *resp) {
    reg_name_t scope;
    reg_mode_t m;
    cn_error_t err;
    if (!api_scope(req, resp, &scope))
        return;
    if (reg_mode_get(req->reg, &scope, api_query_bool(req, "defaultToGlobal"), &m, &err) == CN_OK)
        api_json(resp, 200, json_pack("{s:s}", "mode", reg_mode_name(m)));
    else
        api_error_from(resp, req, &err);
}

void api_mode_put(api_req_t *req, api_resp_t *resp) {
    reg_name_t scope;
    json_t *body, *mode;
    reg_mode_t m;
    cn_error_t err;
    if (!api_scope(req, resp, &scope) || !(body = api_body_object(req, resp)))
        return;
    mode = json_object_get(body, "mode");
    if (api_json_text(mode) && strcasecmp(api_json_text(mode), "FORWARD") == 0)
        api_error(resp, req, CN_ERR_INVALID_MODE,
                  scope.subject ? "Forward mode only supported on global level"
                                : "Forward mode is not supported by this registry");
    else if (!api_json_text(mode) || !reg_mode_parse(api_json_text(mode), &m))
        api_error(resp, req, CN_ERR_INVALID_MODE, NULL);
    else if (reg_mode_set(req->reg, &scope, m, api_query_bool(req, "force"), &err) == CN_OK)
        api_json(resp, 200, json_pack("{s:s}", "mode", reg_mode_name(m)));
    else
        api_error_from(resp, req, &err);
    json_decref(body);
}

void api_mode_delete(api_req_t *req, api_resp_t *resp) {
    reg_name_t scope;
    reg_mode_t old;
    cn_error_t err;
    if (!api_scope(req, resp, &scope))
        return;
    if (reg_mode_delete(req->reg, &scope, &old, &err) == CN_OK)
        api_json(resp, 200, json_pack("{s:s}", "mode", reg_mode_name(old)));
    else
        api_error_from(resp, req, &err);
}
