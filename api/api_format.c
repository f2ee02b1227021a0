/* SPDX-License-Identifier: Apache-2.0
 *
 * The `format` query parameter of the schema reads (GET /schemas/ids/{id}, the versions and the
 * lookup in Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html): "resolved" answers the
 * schema with its references inlined (Avro), "serialized" a Protobuf schema as its base64
 * FileDescriptorProto, any other value the stored text, as Confluent does.
 */
#include "api/api_int.h"

#include <stdlib.h>

bool api_wants_resolved(const api_req_t *req) {
    char v[32];
    return api_query(req, "format", v, sizeof(v)) && reg_format_is_known(v);
}

/* The text in the request's format (owned), or NULL with the error answered. */
static char *formatted(api_req_t *req, api_resp_t *resp, reg_schema_t *sch) {
    cn_error_t err = {0};
    char v[32];
    bool known = api_query(req, "format", v, sizeof(v)) && reg_format_is_known(v);
    char *text = reg_schema_format(req->reg, sch, known ? v : NULL, &err);
    if (!text)
        api_error_from(resp, req, &err);
    return text;
}

bool api_format_schema(api_req_t *req, api_resp_t *resp, json_t *o, reg_schema_t *sch) {
    char *text;
    if (!api_wants_resolved(req))
        return true;
    if (!(text = formatted(req, resp, sch)))
        return false;
    json_object_set_new(o, "schema", json_string(text));
    free(text);
    return true;
}

void api_schema_text(api_req_t *req, api_resp_t *resp, reg_schema_t *sch) {
    char *text;
    if (!api_wants_resolved(req)) {
        api_text(resp, 200, sch->text);
    } else if ((text = formatted(req, resp, sch))) {
        api_text(resp, 200, text);
        free(text);
    }
}

void api_schema_reply(api_req_t *req, api_resp_t *resp, reg_version_t *v) {
    json_t *o = api_schema_object(v);
    if (api_format_schema(req, resp, o, v->schema))
        api_json(resp, 200, o);
    else
        json_decref(o);
}
