/* SPDX-License-Identifier: Apache-2.0
 *
 * Root, server metadata and readiness: GET / and GET /v1/metadata/id as in Confluent's API
 * reference (docs.confluent.io/platform/current/schema-registry/develop/api.html); /status/ready is
 * ours (docs/rest-api.md).
 */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.1.0"
#endif

void api_root_get(api_req_t *req, api_resp_t *resp) {
    (void)req;
    api_json(resp, 200, json_object());
}

void api_root_post(api_req_t *req, api_resp_t *resp) {
    json_t *body = api_body_object(req, resp);
    if (body)
        api_json(resp, 200, json_object());
    json_decref(body);
}

void api_metadata_id(api_req_t *req, api_resp_t *resp) {
    api_json(resp, 200,
             json_pack("{s:s,s:{s:[],s:{s:s,s:s}}}", "id", req->cfg->cluster_id, "scope", "path",
                       "clusters", "kafka-cluster", req->cfg->cluster_id, "schema-registry-cluster",
                       "schema-registry"));
}

void api_metadata_version(api_req_t *req, api_resp_t *resp) {
    (void)req;
    api_json(resp, 200, json_pack("{s:s,s:s}", "version", CAIRN_VERSION, "commitId", "cairn"));
}

void api_status_ready(api_req_t *req, api_resp_t *resp) {
    bool ready = reg_ready(req->reg);
    api_json(resp, ready ? 200 : 503, json_pack("{s:b}", "ready", ready));
}
