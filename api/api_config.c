/* SPDX-License-Identifier: Apache-2.0
 *
 * The /config and /mode resources (registry-api.md §2.6, §2.7): GET answers
 * compatibilityLevel, PUT takes and echoes compatibility; subject-level entries with their
 * 40408 / 40409 / 40401 answers; ":.:" means the top level.
 */
#include "api/api_http.h"

#include <stdio.h>
#include <string.h>

/* The subject of /config/{s} or /mode/{s}: NULL for the top level; false on a bad name. */
static bool scope_of(api_req_t *req, api_resp_t *resp, const char **subject) {
    *subject = NULL;
    if (!api_require_ready(req, resp))
        return false;
    if (req->nsegs < 2 || strcmp(req->segs[1], ":.:") == 0)
        return true;
    if (!api_subject(req, 1, true, resp))
        return false;
    *subject = req->segs[1];
    return true;
}

void api_config_get(api_req_t *req, api_resp_t *resp) {
    const char *subject;
    json_t *out = NULL;
    cn_error_t err;
    if (!scope_of(req, resp, &subject))
        return;
    if (reg_config_get(req->reg, subject, api_query_bool(req, "defaultToGlobal"), &out, &err) ==
        CN_OK)
        api_json(resp, 200, out);
    else
        api_error_from(resp, req, &err);
}

void api_config_put(api_req_t *req, api_resp_t *resp) {
    const char *subject;
    json_t *body, *out = NULL, *level;
    cn_error_t err;
    if (!scope_of(req, resp, &subject) || !(body = api_body_object(req, resp)))
        return;
    level = json_object_get(body, "compatibility");
    if (level && !json_is_null(level) && !json_is_string(level)) {
        api_error(resp, req, CN_ERR_INVALID_COMPAT_LEVEL, NULL);
    } else if (reg_config_set(req->reg, subject, body, &out, &err) == CN_OK) {
        api_json(resp, 200, out);
    } else {
        api_error_from(resp, req, &err);
    }
    json_decref(body);
}

void api_config_delete(api_req_t *req, api_resp_t *resp) {
    const char *subject;
    json_t *out = NULL;
    cn_error_t err;
    if (!scope_of(req, resp, &subject))
        return;
    if (reg_config_delete(req->reg, subject, &out, &err) == CN_OK)
        api_json(resp, 200, out);
    else
        api_error_from(resp, req, &err);
}

void api_mode_get(api_req_t *req, api_resp_t *resp) {
    const char *subject;
    reg_mode_t m;
    cn_error_t err;
    if (!scope_of(req, resp, &subject))
        return;
    if (reg_mode_get(req->reg, subject, api_query_bool(req, "defaultToGlobal"), &m, &err) == CN_OK)
        api_json(resp, 200, json_pack("{s:s}", "mode", reg_mode_name(m)));
    else
        api_error_from(resp, req, &err);
}

void api_mode_put(api_req_t *req, api_resp_t *resp) {
    const char *subject;
    json_t *body, *mode;
    reg_mode_t m;
    cn_error_t err;
    if (!scope_of(req, resp, &subject) || !(body = api_body_object(req, resp)))
        return;
    mode = json_object_get(body, "mode");
    if (json_is_string(mode) && strcasecmp(json_string_value(mode), "FORWARD") == 0)
        api_error(resp, req, CN_ERR_INVALID_MODE,
                  subject ? "Forward mode only supported on global level"
                          : "Forward mode is not supported by this registry");
    else if (!json_is_string(mode) || !reg_mode_parse(json_string_value(mode), &m))
        api_error(resp, req, CN_ERR_INVALID_MODE, NULL);
    else if (reg_mode_set(req->reg, subject, m, api_query_bool(req, "force"), &err) == CN_OK)
        api_json(resp, 200, json_pack("{s:s}", "mode", reg_mode_name(m)));
    else
        api_error_from(resp, req, &err);
    json_decref(body);
}

void api_mode_delete(api_req_t *req, api_resp_t *resp) {
    const char *subject;
    reg_mode_t old;
    cn_error_t err;
    if (!scope_of(req, resp, &subject))
        return;
    if (reg_mode_delete(req->reg, subject, &old, &err) == CN_OK)
        api_json(resp, 200, json_pack("{s:s}", "mode", reg_mode_name(old)));
    else
        api_error_from(resp, req, &err);
}
