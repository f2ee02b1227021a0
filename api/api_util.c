/* SPDX-License-Identifier: Apache-2.0
 *
 * Helpers of the REST layer: JSON and error responses (Confluent's {"error_code","message"}
 * envelope, with the http and rest columns of cn_err.def), query parameters, bounded JSON bodies,
 * subject and version segments, and the schema object shapes of Confluent's API reference
 * (docs.confluent.io/platform/current/schema-registry/develop/api.html; empty fields omitted,
 * schemaType always present, "AVRO" too, and the schema's guid, as Confluent 8.x answers).
 */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cn_props.h"
#include "common/cn_text.h"

void api_json(api_resp_t *resp, int status, json_t *body) {
    free(resp->body);
    resp->status = status;
    resp->body = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    resp->len = resp->body ? strlen(resp->body) : 0;
    resp->raw = false;
    json_decref(body);
    if (!resp->body) {
        resp->status = 500;
        resp->body = strdup("{\"error_code\":500,\"message\":\"out of memory\"}");
        resp->len = resp->body ? strlen(resp->body) : 0;
    }
}

void api_text(api_resp_t *resp, int status, const char *text) {
    free(resp->body);
    resp->status = status;
    resp->body = strdup(text);
    resp->len = resp->body ? strlen(resp->body) : 0;
    resp->raw = true;
}

void api_error(api_resp_t *resp, const api_req_t *req, cn_err_t code, const char *msg) {
    int rest = cn_err_rest_code(code);
    char clean[CN_ERROR_MSG_MAX];
    if (msg && !cn_utf8_valid(msg, strlen(msg))) { /* echoes a name that is not UTF-8 */
        cn_utf8_scrub(msg, clean, sizeof(clean));
        msg = clean;
    }
    if (code == CN_ERR_INCOMPATIBLE && req && req->cfg->incompatible_40901)
        rest = 40901;
    api_json(resp, cn_err_http_status(code),
             json_pack("{s:i,s:s}", "error_code", rest, "message",
                       msg && *msg ? msg : cn_err_default_msg(code)));
}

void api_error_from(api_resp_t *resp, const api_req_t *req, const cn_error_t *err) {
    api_error(resp, req, err->code, err->msg);
}

bool api_query(const api_req_t *req, const char *name, char *out, size_t cap) {
    const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
    if (!v)
        return false;
    cn_percent_decode(v, strlen(v), out, cap);
    return true;
}

bool api_query_bool(const api_req_t *req, const char *name) {
    char v[16];
    return api_query(req, name, v, sizeof(v)) && strcasecmp(v, "true") == 0;
}

int64_t api_query_int(const api_req_t *req, const char *name, int64_t dflt) {
    char v[32];
    int64_t out;
    if (!api_query(req, name, v, sizeof(v)) || !cn_parse_i64(v, &out))
        return dflt;
    return out;
}

api_page_t api_page(const api_req_t *req, int64_t default_limit) {
    api_page_t page = {api_query_int(req, "offset", 0), api_query_int(req, "limit", default_limit),
                       0};
    if (page.lim == 0) /* Confluent: limit 0 means the default (no limit, or the search limit) */
        page.lim = default_limit;
    return page;
}

bool api_page_take(api_page_t *page, size_t taken) {
    return page->seen++ >= page->off && (page->lim < 0 || (int64_t)taken < page->lim);
}

json_t *api_body_object(api_req_t *req, api_resp_t *resp) {
    const char *text = req->body.data ? (const char *)req->body.data : "";
    json_error_t jerr;
    json_t *j;
    if (cn_json_depth(text, req->body.len, API_JSON_MAX_DEPTH, NULL) > API_JSON_MAX_DEPTH) {
        api_error(resp, req, CN_ERR_TOO_DEEP, "JSON body nested deeper than 64 levels");
        return NULL;
    }
    /* \u0000 is text like any other (Confluent accepts it): strings read from the body go
     * through api_json_text or carry their json_string_length. */
    j = json_loadb(text, req->body.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!j) {
        char msg[256];
        snprintf(msg, sizeof(msg), "Malformed JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                 jerr.column);
        api_error(resp, req, CN_ERR_PARSE, msg);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        api_error(resp, req, CN_ERR_INVALID_ENTITY, "The request body must be a JSON object");
        return NULL;
    }
    return j;
}

const char *api_json_text(const json_t *v) {
    const char *s = json_string_value(v);
    return s && strlen(s) == json_string_length(v) ? s : NULL;
}

bool api_subject(const api_req_t *req, size_t i, bool allow_global, reg_name_t *out,
                 api_resp_t *resp) {
    cn_error_t err;
    *out = reg_name(req->segs[i]);
    if (reg_subject_check(out, allow_global, &err) == CN_OK)
        return true;
    api_error_from(resp, req, &err);
    return false;
}

bool api_subject_aliased(api_req_t *req, size_t i, reg_name_t *out, api_resp_t *resp) {
    cn_error_t err;
    if (!api_subject(req, i, false, out, resp))
        return false;
    if (!reg_ready(req->reg) || !reg_alias_resolve(req->reg, out, req->alias, sizeof(req->alias)))
        return true;
    *out = reg_name(req->alias);
    if (reg_subject_check(out, false, &err) == CN_OK)
        return true;
    api_error_from(resp, req, &err);
    return false;
}

bool api_version(const api_req_t *req, size_t i, int32_t *out, api_resp_t *resp) {
    cn_error_t err;
    if (reg_version_parse(req->segs[i], out, &err) == CN_OK)
        return true;
    api_error_from(resp, req, &err);
    return false;
}

bool api_require_ready(const api_req_t *req, api_resp_t *resp) {
    if (reg_ready(req->reg))
        return true;
    api_error(resp, req, CN_ERR_STORE_TIMEOUT,
              "The schema registry is not ready: the _schemas replay is in progress");
    return false;
}

/* ---- shapes ---- */

static json_t *refs_json(const reg_schema_t *sch) {
    json_t *arr = json_array();
    for (size_t i = 0; i < sch->nrefs; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:i}", "name", sch->refs[i].name, "subject",
                                             sch->refs[i].subject, "version",
                                             (json_int_t)sch->refs[i].version));
    return arr;
}

static bool nonempty(const json_t *j) {
    return j && !json_is_null(j) && (!json_is_object(j) || json_object_size(j) > 0);
}

void api_schema_fields(json_t *o, const reg_schema_t *sch) {
    char guid[REG_GUID_LEN + 1];
    reg_guid_format(sch->guid, guid);
    json_object_set_new(o, "guid", json_string(guid));
    json_object_set_new(o, "schemaType", json_string(reg_type_name(sch->type)));
    if (sch->nrefs)
        json_object_set_new(o, "references", refs_json(sch));
    if (nonempty(sch->metadata))
        json_object_set(o, "metadata", sch->metadata);
    if (nonempty(sch->ruleset))
        json_object_set(o, "ruleSet", sch->ruleset);
    json_object_set_new(o, "schema", json_string(sch->text));
}

json_t *api_schema_object(const reg_version_t *v) {
    json_t *o = json_pack("{s:s,s:i,s:i}", "subject", v->subject->name, "version",
                          (json_int_t)v->version, "id", (json_int_t)v->schema->id);
    if (o)
        api_schema_fields(o, v->schema);
    return o;
}

static bool bad_entity(api_req_t *req, api_resp_t *resp, const char *what) {
    char msg[160];
    snprintf(msg, sizeof(msg), "Unprocessable entity: %s", what);
    api_error(resp, req, CN_ERR_INVALID_ENTITY, msg);
    return false;
}

static bool parse_refs(const json_t *arr, reg_ref_t **out, size_t *n, api_req_t *req,
                       api_resp_t *resp) {
    size_t i, cnt = json_array_size(arr);
    json_t *r;
    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr))
        return true;
    if (!json_is_array(arr))
        return bad_entity(req, resp, "references must be an array");
    if (cnt > 1000)
        return bad_entity(req, resp, "too many references");
    *out = calloc(cnt ? cnt : 1, sizeof(**out));
    json_array_foreach(arr, i, r) {
        json_t *name = json_object_get(r, "name"), *subj = json_object_get(r, "subject");
        json_t *ver = json_object_get(r, "version");
        if (!json_is_string(name) || !json_is_string(subj) || (ver && !json_is_integer(ver)))
            return bad_entity(req, resp, "a reference needs name, subject and version");
        if (!api_json_text(name))
            return bad_entity(req, resp, "a reference name cannot contain U+0000");
        if (!api_json_text(subj)) { /* control characters make a subject invalid */
            api_error(resp, req, CN_ERR_INVALID_SUBJECT,
                      "The specified subject is not a valid: it contains U+0000.");
            return false;
        }
        (*out)[i].name = (char *)json_string_value(name);
        (*out)[i].subject = (char *)json_string_value(subj);
        (*out)[i].version = ver ? (int32_t)json_integer_value(ver) : -1;
        *n = i + 1;
    }
    return true;
}

static bool opt_int(const json_t *body, const char *k, int32_t dflt, int32_t *out, api_req_t *req,
                    api_resp_t *resp) {
    json_t *v = json_object_get(body, k);
    *out = dflt;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < -1 || json_integer_value(v) > INT32_MAX)
        return bad_entity(req, resp, k);
    *out = (int32_t)json_integer_value(v);
    return true;
}

bool api_schema_req(const json_t *body, reg_schema_req_t *sreq, reg_ref_t **refs_out,
                    api_req_t *req, api_resp_t *resp) {
    json_t *schema = json_object_get(body, "schema");
    json_t *type = json_object_get(body, "schemaType");
    json_t *md = json_object_get(body, "metadata"), *rs = json_object_get(body, "ruleSet");
    cn_error_t err;
    reg_schema_req_init(sreq);
    *refs_out = NULL;
    if (schema && !json_is_null(schema) && !json_is_string(schema))
        return bad_entity(req, resp, "schema must be a string");
    if (json_is_string(schema)) {
        sreq->schema = json_string_value(schema);
        sreq->schema_len = json_string_length(schema);
    }
    if (type && !json_is_null(type) &&
        (!json_is_string(type) || !reg_type_parse(api_json_text(type), &sreq->type))) {
        char msg[160];
        snprintf(msg, sizeof(msg), "Invalid schema type %.100s",
                 json_is_string(type) ? json_string_value(type) : "(not a string)");
        api_error(resp, req, CN_ERR_INVALID_SCHEMA, msg);
        return false;
    }
    if ((md && !json_is_null(md) && !json_is_object(md)) ||
        (rs && !json_is_null(rs) && !json_is_object(rs)))
        return bad_entity(req, resp, "metadata and ruleSet must be objects");
    if (json_is_object(rs) && reg_ruleset_validate(rs, &err) != CN_OK) {
        api_error_from(resp, req, &err);
        return false;
    }
    sreq->metadata = json_is_object(md) && json_object_size(md) ? md : NULL;
    sreq->ruleset = json_is_object(rs) && json_object_size(rs) ? rs : NULL;
    sreq->normalize = api_query_bool(req, "normalize");
    if (!opt_int(body, "id", -1, &sreq->id, req, resp) ||
        !opt_int(body, "version", 0, &sreq->version, req, resp))
        return false;
    return parse_refs(json_object_get(body, "references"), refs_out, &sreq->nrefs, req, resp) &&
           ((sreq->refs = *refs_out), true);
}

/* The scope of /config/{s} or /mode/{s}: the global scope for the top level; false on a bad
 * name. */
bool api_scope(api_req_t *req, api_resp_t *resp, reg_name_t *out) {
    *out = reg_name(NULL);
    if (!api_require_ready(req, resp))
        return false;
    if (req->nsegs < 2 || strcmp(req->segs[1], ":.:") == 0)
        return true;
    return api_subject(req, 1, true, out, resp);
}
