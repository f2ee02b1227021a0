/* SPDX-License-Identifier: Apache-2.0
 *
 * Internals of the REST layer shared by the resource files: the request (decoded path
 * segments, query, body), the response being built, JSON and error helpers, and the route
 * table entry. Not a public header.
 */
#ifndef API_INT_H
#define API_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>

#include "api/api_server_int.h"
#include "common/cn_buf.h"

#define API_MAX_SEGS       8
#define API_JSON_MAX_DEPTH 64

typedef struct api_req {
    struct MHD_Connection *conn;
    const api_config_t *cfg;
    reg_registry_t *reg;
    const char *method;
    char *segs[API_MAX_SEGS]; /* percent-decoded */
    size_t nsegs;
    bool bad_path; /* more segments than any route has */
    cn_buf_t body;
    bool body_too_large;
    bool must_close; /* answer with Connection: close (ambiguous framing) */
    int64_t start_ms;
    char alias[300]; /* the subject a request's subject is an alias of (api_subject_aliased) */
} api_req_t;

typedef struct api_resp {
    int status;
    char *body; /* owned (malloc) */
    size_t len;
    bool raw; /* schema text: not JSON-encoded by us */
} api_resp_t;

typedef void (*api_handler_fn)(api_req_t *req, api_resp_t *resp);

typedef struct api_route {
    const char *method;
    const char *pattern; /* "/subjects/{}/versions/{}": {} matches one segment */
    api_handler_fn handler;
} api_route_t;

/** @brief Find the handler: NULL with *status 404 (no path) or 405 (no method). */
api_handler_fn api_route_find(const api_req_t *req, int *status);

/* responses */
void api_json(api_resp_t *resp, int status, json_t *body); /* steals body */
void api_text(api_resp_t *resp, int status, const char *text);
void api_error(api_resp_t *resp, const api_req_t *req, cn_err_t code, const char *msg);
void api_error_from(api_resp_t *resp, const api_req_t *req, const cn_error_t *err);

/* query and body */
/** @brief A query parameter, percent-decoded into out; false when absent. */
bool api_query(const api_req_t *req, const char *name, char *out, size_t cap);
bool api_query_bool(const api_req_t *req, const char *name);
/** @brief An integer parameter; dflt when absent or not a number. */
int64_t api_query_int(const api_req_t *req, const char *name, int64_t dflt);
/** @brief The text of a JSON string that holds no U+0000, else NULL (bodies are read with
 *  JSON_ALLOW_NUL: a keyword or name with a NUL in it must not match its prefix). */
const char *api_json_text(const json_t *v);
/** A page of a listing: the offset and limit query parameters (limit -1: no limit). */
typedef struct api_page {
    int64_t off, lim, seen;
} api_page_t;

api_page_t api_page(const api_req_t *req, int64_t default_limit);
/** @brief Count one more listed item; whether it goes on the page (taken: items on it so far). */
bool api_page_take(api_page_t *page, size_t taken);
/** @brief The body as a JSON object (depth-checked); on failure the error is in resp. */
json_t *api_body_object(api_req_t *req, api_resp_t *resp);
/** @brief The segment i (subject names are segment 1 mostly), percent-decoded, parsed once into
 *  *out (borrowing the segment) and validated (42208 answered when false). */
bool api_subject(const api_req_t *req, size_t i, bool allow_global, reg_name_t *out,
                 api_resp_t *resp);
/** @brief api_subject, then the subject's alias followed (Confluent's `alias` config) on the
 *  read and write paths that serve the aliased subject; *out may borrow req->alias. */
bool api_subject_aliased(api_req_t *req, size_t i, reg_name_t *out, api_resp_t *resp);
bool api_version(const api_req_t *req, size_t i, int32_t *out, api_resp_t *resp);
/** @brief The scope of /config/{s} or /mode/{s}, parsed (reg_name(NULL): the top level, also for
 *  ":.:"). */
bool api_scope(api_req_t *req, api_resp_t *resp, reg_name_t *out);
/** @brief Answer 500/50002 while the replay is running; true when ready. */
bool api_require_ready(const api_req_t *req, api_resp_t *resp);

/* shapes */
json_t *api_schema_object(const reg_version_t *v);
void api_schema_fields(json_t *o, const reg_schema_t *sch);
/** @brief Whether the request asks a format other than the stored text: format=resolved
 *  (references inlined) or format=serialized (Protobuf descriptor; api_format.c). */
bool api_wants_resolved(const api_req_t *req);
/** @brief Put the schema text in the request's format into o["schema"]; false with the error
 *  answered in resp. Under the read lock. */
bool api_format_schema(api_req_t *req, api_resp_t *resp, json_t *o, reg_schema_t *sch);
/** @brief Answer the raw schema text in the request's format. Under the read lock. */
void api_schema_text(api_req_t *req, api_resp_t *resp, reg_schema_t *sch);
/** @brief Answer 200 with the version's schema object in the request's format. */
void api_schema_reply(api_req_t *req, api_resp_t *resp, reg_version_t *v);
/** @brief Parse a register/lookup/compat body into req (borrowing from body). */
bool api_schema_req(const json_t *body, reg_schema_req_t *sreq, reg_ref_t **refs_out,
                    api_req_t *req, api_resp_t *resp);

/* resource groups */
void api_root_get(api_req_t *req, api_resp_t *resp);
void api_root_post(api_req_t *req, api_resp_t *resp);
void api_metadata_id(api_req_t *req, api_resp_t *resp);
void api_metadata_version(api_req_t *req, api_resp_t *resp);
void api_status_ready(api_req_t *req, api_resp_t *resp);
void api_contexts_get(api_req_t *req, api_resp_t *resp);
void api_contexts_delete(api_req_t *req, api_resp_t *resp);

void api_schemas_types(api_req_t *req, api_resp_t *resp);
void api_schemas_list(api_req_t *req, api_resp_t *resp);
void api_schemas_by_id(api_req_t *req, api_resp_t *resp);
void api_schemas_by_id_schema(api_req_t *req, api_resp_t *resp);
void api_schemas_by_id_subjects(api_req_t *req, api_resp_t *resp);
void api_schemas_by_id_versions(api_req_t *req, api_resp_t *resp);
void api_schemas_by_guid(api_req_t *req, api_resp_t *resp);
void api_schemas_by_guid_ids(api_req_t *req, api_resp_t *resp);

void api_subjects_list(api_req_t *req, api_resp_t *resp);
void api_subjects_lookup(api_req_t *req, api_resp_t *resp);
void api_subjects_delete(api_req_t *req, api_resp_t *resp);

void api_subjects_metadata(api_req_t *req, api_resp_t *resp);
void api_versions_list(api_req_t *req, api_resp_t *resp);
void api_versions_register(api_req_t *req, api_resp_t *resp);
void api_versions_get(api_req_t *req, api_resp_t *resp);
void api_versions_get_schema(api_req_t *req, api_resp_t *resp);
void api_versions_referenced_by(api_req_t *req, api_resp_t *resp);
void api_versions_delete(api_req_t *req, api_resp_t *resp);

void api_compat_check(api_req_t *req, api_resp_t *resp);

void api_config_get(api_req_t *req, api_resp_t *resp);
void api_config_put(api_req_t *req, api_resp_t *resp);
void api_config_delete(api_req_t *req, api_resp_t *resp);
void api_mode_get(api_req_t *req, api_resp_t *resp);
void api_mode_put(api_req_t *req, api_resp_t *resp);
void api_mode_delete(api_req_t *req, api_resp_t *resp);

#endif
