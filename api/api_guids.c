/* SPDX-License-Identifier: Apache-2.0
 *
 * Lookups by schema GUID (Confluent Platform 8.x: GET /schemas/guids/{guid} and
 * GET /schemas/guids/{guid}/ids, Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html). A GUID is the same in
 * every context that holds the same schema; the schema answered is the default context's, else
 * the first other context's by name; /ids lists the id in each context.
 */
#include "api/api_int.h"

#include <stdio.h>

/* The {guid} segment parsed, the registry ready; false with the error answered (an unknown or
 * malformed GUID is 40403, as for an unknown id). */
static bool guid_arg(api_req_t *req, api_resp_t *resp, uint8_t guid[16]) {
    if (!reg_guid_parse(req->segs[2], guid)) {
        api_error(resp, req, CN_ERR_SCHEMA_NOT_FOUND, "Schema not found");
        return false;
    }
    return api_require_ready(req, resp);
}

void api_schemas_by_guid(api_req_t *req, api_resp_t *resp) {
    uint8_t guid[16];
    reg_schema_t *sch;
    json_t *o;
    if (!guid_arg(req, resp, guid))
        return;
    reg_rdlock(req->reg);
    if (!(sch = reg_schema_by_guid(req->reg, guid))) {
        api_error(resp, req, CN_ERR_SCHEMA_NOT_FOUND, "Schema not found");
    } else {
        o = json_object();
        api_schema_fields(o, sch);
        if (api_format_schema(req, resp, o, sch))
            api_json(resp, 200, o);
        else
            json_decref(o);
    }
    reg_unlock(req->reg);
}

void api_schemas_by_guid_ids(api_req_t *req, api_resp_t *resp) {
    uint8_t guid[16];
    reg_schema_t *sch[64]; /* one per context; a registry holds far fewer contexts */
    size_t n;
    json_t *arr;
    if (!guid_arg(req, resp, guid))
        return;
    reg_rdlock(req->reg);
    n = reg_schemas_by_guid(req->reg, guid, sch, sizeof(sch) / sizeof(*sch));
    if (n == 0) {
        api_error(resp, req, CN_ERR_SCHEMA_NOT_FOUND, "Schema not found");
    } else {
        arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr,
                                  json_pack("{s:s,s:i}", "context", reg_schema_ctx_name(sch[i]),
                                            "id", (json_int_t)sch[i]->id));
        api_json(resp, 200, arr);
    }
    reg_unlock(req->reg);
}
