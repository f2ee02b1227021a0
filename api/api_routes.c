/* SPDX-License-Identifier: Apache-2.0
 *
 * The route table: every endpoint of docs/rest-api.md (Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html) with its handler, and the
 * matcher (404 for an unknown path, 405 for a known path with another method).
 */
#include "api/api_int.h"

#include <string.h>

static const api_route_t api_routes[] = {
    {"GET", "/", api_root_get},
    {"POST", "/", api_root_post},
    {"GET", "/v1/metadata/id", api_metadata_id},
    {"GET", "/v1/metadata/version", api_metadata_version},
    {"GET", "/status/ready", api_status_ready},
    {"GET", "/schemas/types", api_schemas_types},
    {"GET", "/schemas", api_schemas_list},
    {"GET", "/schemas/ids/{}", api_schemas_by_id},
    {"GET", "/schemas/ids/{}/schema", api_schemas_by_id_schema},
    {"GET", "/schemas/ids/{}/subjects", api_schemas_by_id_subjects},
    {"GET", "/schemas/ids/{}/versions", api_schemas_by_id_versions},
    {"GET", "/schemas/guids/{}", api_schemas_by_guid},
    {"GET", "/schemas/guids/{}/ids", api_schemas_by_guid_ids},
    {"GET", "/subjects", api_subjects_list},
    {"POST", "/subjects/{}", api_subjects_lookup},
    {"DELETE", "/subjects/{}", api_subjects_delete},
    {"GET", "/subjects/{}/versions", api_versions_list},
    {"GET", "/subjects/{}/metadata", api_subjects_metadata},
    {"POST", "/subjects/{}/versions", api_versions_register},
    {"GET", "/subjects/{}/versions/{}", api_versions_get},
    {"DELETE", "/subjects/{}/versions/{}", api_versions_delete},
    {"GET", "/subjects/{}/versions/{}/schema", api_versions_get_schema},
    {"GET", "/subjects/{}/versions/{}/referencedby", api_versions_referenced_by},
    {"GET", "/subjects/{}/versions/{}/referencedBy", api_versions_referenced_by},
    {"POST", "/compatibility/subjects/{}/versions", api_compat_check},
    {"POST", "/compatibility/subjects/{}/versions/{}", api_compat_check},
    {"GET", "/config", api_config_get},
    {"PUT", "/config", api_config_put},
    {"DELETE", "/config", api_config_delete},
    {"GET", "/config/{}", api_config_get},
    {"PUT", "/config/{}", api_config_put},
    {"DELETE", "/config/{}", api_config_delete},
    {"GET", "/mode", api_mode_get},
    {"PUT", "/mode", api_mode_put},
    {"DELETE", "/mode", api_mode_delete},
    {"GET", "/mode/{}", api_mode_get},
    {"PUT", "/mode/{}", api_mode_put},
    {"DELETE", "/mode/{}", api_mode_delete},
    {"GET", "/contexts", api_contexts_get},
    {"DELETE", "/contexts/{}", api_contexts_delete},
};

static bool path_matches(const char *pattern, const api_req_t *req) {
    size_t i = 0;
    const char *p = pattern + 1;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (i >= req->nsegs)
            return false;
        if (!(len == 2 && p[0] == '{') &&
            (strlen(req->segs[i]) != len || memcmp(req->segs[i], p, len) != 0))
            return false;
        i++;
        p += len + (end ? 1 : 0);
    }
    return i == req->nsegs;
}

api_handler_fn api_route_find(const api_req_t *req, int *status) {
    bool path_seen = false;
    *status = 404;
    if (req->bad_path)
        return NULL;
    for (size_t i = 0; i < sizeof(api_routes) / sizeof(*api_routes); i++) {
        if (!path_matches(api_routes[i].pattern, req))
            continue;
        path_seen = true;
        if (strcmp(api_routes[i].method, req->method) == 0)
            return api_routes[i].handler;
    }
    *status = path_seen ? 405 : 404;
    return NULL;
}
