/* SPDX-License-Identifier: Apache-2.0
 *
 * The /config resource (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): GET answers
 * compatibilityLevel, PUT takes and echoes compatibility (a merge; null clears); subject-level
 * entries with their 40408 / 40401 answers; ":.:" means the top level.
 */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

void api_config_get(api_req_t *req, api_resp_t *resp) {
    reg_name_t scope;
    json_t *out = NULL;
    cn_error_t err;
    if (!api_scope(req, resp, &scope))
        return;
    if (reg_config_get(req->reg, &scope, api_query_bool(req, "defaultToGlobal"), &out, &err) ==
        CN_OK)
        api_json(resp, 200, out);
    else
        api_error_from(resp, req, &err);
}

/* defaultRuleSet and overrideRuleSet pass RuleSet.validate, as Confluent's PUT /config checks. */
static bool rulesets_valid(const json_t *body, cn_error_t *err) {
    return reg_ruleset_validate(json_object_get(body, "defaultRuleSet"), err) == CN_OK &&
           reg_ruleset_validate(json_object_get(body, "overrideRuleSet"), err) == CN_OK;
}

void api_config_put(api_req_t *req, api_resp_t *resp) {
    reg_name_t scope;
    json_t *body, *out = NULL, *level;
    cn_error_t err;
    if (!api_scope(req, resp, &scope) || !(body = api_body_object(req, resp)))
        return;
    level = json_object_get(body, "compatibility");
    if (level && !json_is_null(level) && !api_json_text(level)) { /* "FULL\u0000x" too */
        api_error(resp, req, CN_ERR_INVALID_COMPAT_LEVEL, NULL);
    } else if (!rulesets_valid(body, &err)) { /* Confluent's ConfigResource: 42210 */
        api_error_from(resp, req, &err);
    } else if (reg_config_set(req->reg, &scope, body, &out, &err) == CN_OK) {
        api_json(resp, 200, out);
    } else {
        api_error_from(resp, req, &err);
    }
    json_decref(body);
}

void api_config_delete(api_req_t *req, api_resp_t *resp) {
    reg_name_t scope;
    json_t *out = NULL;
    cn_error_t err;
    if (!api_scope(req, resp, &scope))
        return;
    if (reg_config_delete(req->reg, &scope, &out, &err) == CN_OK)
        api_json(resp, 200, out);
    else
        api_error_from(resp, req, &err);
}
