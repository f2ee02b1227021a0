/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn check` checks themselves: chk_local (a schema text against history texts with
 * compat_check, issues turned into violations) and chk_online (against a running registry:
 * the subject's versions, its configured level, and the compatibility endpoint with
 * verbose=true, whose Confluent messages are parsed back into rule, version, path and message;
 * or, with an explicit level, the registry's versions checked locally).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clients/cli_check_int.h"

/* ---- local ---- */

static void local_issues(chk_result_t *r, const compat_report_t *rep, char *const *names,
                         size_t n) {
    size_t ni = compat_report_issue_count(rep);
    for (size_t i = 0; i < ni; i++) {
        const compat_issue_t *is = compat_report_issue(rep, i);
        int v = is->old_version;
        const char *against = names && v >= 1 && (size_t)v <= n ? names[v - 1] : NULL;
        chk_add(r, is->error_type, v > 0 ? v : 0, is->path, is->description, against);
    }
    if (ni == 0 && !compat_report_is_compatible(rep))
        for (size_t i = 0; i < compat_report_message_count(rep); i++)
            chk_add(r, "INCOMPATIBLE", 0, NULL, compat_report_message(rep, i), NULL);
}

static compat_schema_t *parse_or_report(chk_result_t *r, const compat_parse_opts_t *po,
                                        const char *text, int version, const char *name) {
    cn_error_t err;
    compat_schema_t *s = compat_schema_parse(text, strlen(text), po, &err);
    if (!s) {
        r->status = CHK_PARSE_ERROR;
        chk_add(r, "PARSE_ERROR", version, NULL, err.msg, name);
    }
    return s;
}

void chk_local(chk_result_t *r, const compat_parse_opts_t *po, const compat_parse_opts_t *hpo,
               compat_level_t level, const char *text, char *const *history, const int *versions,
               char *const *names, size_t n) {
    compat_prev_t *prev = calloc(n + 1, sizeof(*prev));
    compat_schema_t *nw = NULL;
    compat_report_t *rep = NULL;
    cn_error_t err;
    snprintf(r->level, sizeof(r->level), "%s", compat_level_name(level));
    if (!prev || !compat_type_supported(po->type)) {
        r->status = CHK_ERROR;
        chk_add(r, "UNSUPPORTED", 0, NULL,
                prev ? "schema type not supported by this build" : "out of memory", NULL);
    }
    for (size_t i = 0; prev && r->status == CHK_COMPATIBLE && i < n; i++) {
        prev[i].version = versions[i];
        prev[i].schema = parse_or_report(r, hpo ? &hpo[i] : po, history[i], versions[i],
                                         names ? names[i] : NULL);
    }
    if (r->status == CHK_COMPATIBLE)
        nw = parse_or_report(r, po, text, 0, NULL);
    compat_check_opts_t co = {.policy = r->policy};
    if (r->status == CHK_COMPATIBLE &&
        compat_check_with(level, &co, nw, prev, n, &rep, &err) != CN_OK) {
        r->status = CHK_ERROR;
        chk_add(r, "ERROR", 0, NULL, err.msg, NULL);
    }
    if (rep) {
        r->messages = json_array();
        for (size_t i = 0; i < compat_report_message_count(rep); i++)
            json_array_append_new(r->messages, json_string(compat_report_message(rep, i)));
        local_issues(r, rep, names, n);
        r->status = compat_report_is_compatible(rep) ? CHK_COMPATIBLE : CHK_INCOMPATIBLE;
    }
    compat_report_free(rep);
    compat_schema_free(nw);
    for (size_t i = 0; prev && i < n; i++)
        compat_schema_free((compat_schema_t *)prev[i].schema);
    free(prev);
}

/* ---- online ---- */

static char *subject_path(const char *prefix, const char *subject, const char *suffix) {
    cn_buf_t b;
    cn_buf_init(&b, 1 << 20);
    cn_buf_put_str(&b, prefix);
    cli_escape(&b, subject);
    cn_buf_put_str(&b, suffix);
    if (!cn_buf_cstr(&b) || b.failed) {
        cn_buf_fini(&b);
        return NULL;
    }
    return (char *)cn_buf_steal(&b, NULL);
}

/* GET/POST on prefix+subject+suffix; on failure records the error in r and returns NULL. */
static json_t *online_call(chk_result_t *r, cairn_serdes_t *sd, const char *method,
                           const char *prefix, const char *suffix, const json_t *body,
                           cairn_error_t *err) {
    char *path = subject_path(prefix, r->job->subject, suffix);
    json_t *out = NULL;
    cairn_err_t rc;
    if (!path) {
        err->code = CAIRN_ERR_NO_MEMORY;
        snprintf(err->msg, sizeof(err->msg), "out of memory");
        err->error_code = 0;
        return NULL;
    }
    rc = cli_reg_call(sd, method, path, body, &out, err);
    free(path);
    return rc == CAIRN_OK ? out : NULL;
}

static void online_error(chk_result_t *r, const cairn_error_t *err) {
    char msg[CAIRN_ERRSTR_MAX + 64];
    bool parse = err->error_code == 42201;
    r->status = parse ? CHK_PARSE_ERROR : CHK_ERROR;
    if (err->code == CAIRN_ERR_REGISTRY)
        snprintf(msg, sizeof(msg), "%s (HTTP %d, error_code %d)", err->msg, err->http_status,
                 err->error_code);
    else
        snprintf(msg, sizeof(msg), "%s: %s", cairn_err_name(err->code), err->msg);
    chk_add(r, parse ? "PARSE_ERROR" : "REGISTRY_ERROR", 0, NULL, msg, NULL);
}

/* Text between `key'` and the next `'` + stop (e.g. "', "), in m; NULL when absent. */
static char *field_of(const char *m, const char *key, const char *stop) {
    const char *p = strstr(m, key), *e;
    char *out;
    if (!p)
        return NULL;
    p += strlen(key);
    e = strstr(p, stop);
    if (!e)
        e = p + strlen(p);
    out = strndup(p, (size_t)(e - p));
    return out;
}

/* JSON Schema and Protobuf messages: {errorType:"R", description:"D"} (JSON Schema closes the
 * description with a single quote, as upstream does). */
static void add_quoted(chk_result_t *r, const char *s) {
    char *rule = field_of(s, "{errorType:\"", "\"");
    const char *d = strstr(s, "description:\"");
    char *desc = NULL, *path = NULL;
    if (d && strlen(d + 13) >= 2) {
        desc = strndup(d + 13, strlen(d + 13) - 2);
        path = desc ? field_of(desc, "at path '", "'") : NULL;
    }
    chk_add(r, rule ? rule : "INCOMPATIBLE", 0, path, desc ? desc : s, NULL);
    free(rule);
    free(desc);
    free(path);
}

/* Confluent's verbose messages -> violations: {errorType:'R', description:'D', ...} entries
 * (Avro) or {errorType:"R", description:"D"} (Protobuf) followed by their {oldSchemaVersion: N}. */
static void parse_messages(chk_result_t *r, json_t *msgs) {
    size_t i, first = r->nv;
    json_t *m;
    json_array_foreach(msgs, i, m) {
        const char *s = json_string_value(m);
        if (!s)
            continue;
        if (strncmp(s, "{errorType:\"", 12) == 0) { /* Protobuf: {errorType:"R", description:"D"} */
            char *rule = field_of(s, "{errorType:\"", "\""),
                 *desc = field_of(s, "description:\"", "\"}");
            char *path = desc ? field_of(desc, "at path '", "'") : NULL;
            if (!path && desc) /* REQUIRED_FIELD_REMOVED says "at path: '...'" */
                path = field_of(desc, "at path: '", "'");
            chk_add(r, rule ? rule : "INCOMPATIBLE", 0, path, desc ? desc : s, NULL);
            free(rule);
            free(desc);
            free(path);
        } else if (strncmp(s, "{errorType:'", 12) == 0) {
            char *rule = field_of(s, "{errorType:'", "'"),
                 *desc = field_of(s, "description:'", "', additionalInfo:");
            char *path = desc ? field_of(desc, "at path '", "'") : NULL;
            chk_add(r, rule ? rule : "INCOMPATIBLE", 0, path, desc ? desc : s, NULL);
            free(rule);
            free(desc);
            free(path);
        } else if (strncmp(s, "{errorType:\"", 12) == 0) {
            add_quoted(r, s);
        } else if (strncmp(s, "{oldSchemaVersion: ", 19) == 0) {
            long v = strtol(s + 19, NULL, 10);
            for (; first < r->nv; first++)
                r->v[first].version = (int)v;
        } else if (s[0] != '{') {
            chk_add(r, "INCOMPATIBLE", 0, NULL, s, NULL);
        }
    }
}

static json_t *schema_body(const chk_job_t *j, const char *text) {
    json_t *b = json_pack("{s:s}", "schema", text);
    if (b && json_array_size(j->refs))
        json_object_set(b, "references", j->refs);
    if (b && strcasecmp(j->type, "AVRO") != 0)
        json_object_set_new(b, "schemaType", json_string(j->type));
    return b;
}

/* The registry's versions with what they reference, for a local check. */
typedef struct history {
    size_t n;
    char **text;
    int *vers;
    chk_refs_t *refs;
    compat_parse_opts_t *po; /* each version parsed with its own references */
} history_t;

static void history_free(history_t *h) {
    for (size_t i = 0; h->text && i < h->n; i++)
        free(h->text[i]);
    for (size_t i = 0; h->refs && i < h->n; i++)
        chk_refs_fini(&h->refs[i]);
    free(h->text);
    free(h->vers);
    free(h->refs);
    free(h->po);
}

/* GET each version; false on memory (a registry error is reported in r). */
static bool history_fetch(history_t *h, chk_result_t *r, cairn_serdes_t *sd, chk_fetch_t *f,
                          json_t *versions) {
    cairn_error_t err;
    h->n = json_array_size(versions);
    h->text = calloc(h->n + 1, sizeof(char *));
    h->vers = calloc(h->n + 1, sizeof(int));
    h->refs = calloc(h->n + 1, sizeof(*h->refs));
    h->po = calloc(h->n + 1, sizeof(*h->po));
    bool ok = h->text && h->vers && h->refs && h->po;
    for (size_t k = 0; ok && k < h->n; k++) {
        char suffix[64];
        json_t *v;
        h->vers[k] = (int)json_integer_value(json_array_get(versions, k));
        snprintf(suffix, sizeof(suffix), "/versions/%d", h->vers[k]);
        if (!(v = online_call(r, sd, "GET", "/subjects/", suffix, NULL, &err))) {
            online_error(r, &err);
            break;
        }
        h->text[k] = strdup(json_string_value(json_object_get(v, "schema")) ?: "");
        ok = h->text[k] && chk_refs_from_json(&h->refs[k], json_object_get(v, "references"));
        if (ok)
            chk_fetch_opts(f, &h->refs[k], &h->po[k]);
        json_decref(v);
    }
    return ok;
}

/* With an explicit level (or --rules): the registry's versions, with the schemas they reference
 * fetched too, checked here. */
static void online_local(const chk_opts_t *o, chk_result_t *r, cairn_serdes_t *sd,
                         compat_level_t level, const char *text, json_t *versions) {
    history_t h = {0};
    chk_refs_t nrefs = {0};
    compat_parse_opts_t po;
    compat_pb_rules_t rules;
    compat_type_t type = COMPAT_AVRO;
    compat_type_parse(r->job->type, &type);
    chk_fetch_t *f = chk_fetch_new(sd, type);
    if (!f || !chk_refs_from_json(&nrefs, r->job->refs) || !history_fetch(&h, r, sd, f, versions)) {
        r->status = CHK_ERROR;
        chk_add(r, "ERROR", 0, NULL, "out of memory", NULL);
    }
    if (r->status == CHK_COMPATIBLE) {
        chk_fetch_opts(f, &nrefs, &po);
        if (chk_job_rules(o, r->job, &rules))
            chk_rules(r, &po, h.po, rules, level, text, r->job->file, h.text, h.vers, NULL, h.n);
        else
            chk_local(r, &po, h.po, level, text, h.text, h.vers, NULL, h.n);
    }
    history_free(&h);
    chk_refs_fini(&nrefs);
    chk_fetch_free(f);
}

static void online_endpoint(const chk_opts_t *o, chk_result_t *r, cairn_serdes_t *sd,
                            const char *text) {
    char suffix[96];
    json_t *body = schema_body(r->job, text), *ans;
    cairn_error_t err;
    snprintf(suffix, sizeof(suffix), "/versions%s?verbose=true%s", o->latest_only ? "/latest" : "",
             o->normalize ? "&normalize=true" : "");
    ans = online_call(r, sd, "POST", "/compatibility/subjects/", suffix, body, &err);
    json_decref(body);
    if (!ans) {
        online_error(r, &err);
        return;
    }
    r->messages = json_incref(json_object_get(ans, "messages"));
    if (!json_is_true(json_object_get(ans, "is_compatible"))) {
        r->status = CHK_INCOMPATIBLE;
        parse_messages(r, r->messages);
        if (r->nv == 0)
            chk_add(r, "INCOMPATIBLE", 0, NULL, "the registry says incompatible (no reasons given)",
                    NULL);
    }
    json_decref(ans);
}

static void online_level(chk_result_t *r, cairn_serdes_t *sd) {
    cairn_error_t err;
    json_t *c = online_call(r, sd, "GET", "/config/", "?defaultToGlobal=true", NULL, &err);
    const char *l = c ? json_string_value(json_object_get(c, "compatibilityLevel")) : NULL;
    snprintf(r->level, sizeof(r->level), "%s", l ? l : "BACKWARD");
    json_decref(c);
}

void chk_online(const chk_opts_t *o, cairn_serdes_t *sd, chk_result_t *r) {
    const chk_job_t *j = r->job;
    compat_type_t type = COMPAT_AVRO;
    compat_level_t level = o->level;
    char *text = NULL;
    cn_error_t cerr;
    cairn_error_t err;
    json_t *versions;
    for (size_t i = 0; i < json_array_size(j->refs); i++)
        if (!json_object_get(json_array_get(j->refs, i), "subject")) {
            r->status = CHK_ERROR;
            chk_add(r, "REFERENCE_ERROR", 0, NULL,
                    "online references are NAME=SUBJECT:VERSION, not files", NULL);
            return;
        }
    if (cli_read_file(j->file, CLI_MAX_FILE, &text, NULL, &cerr) != CN_OK) {
        r->status = CHK_ERROR;
        chk_add(r, "IO_ERROR", 0, NULL, cerr.msg, NULL);
        return;
    }
    /* Parse here first: a broken file is exit 2 without asking the registry. */
    if (compat_type_parse(j->type, &type) && compat_type_supported(type) &&
        !json_array_size(j->refs)) {
        compat_parse_opts_t po = {.type = type};
        compat_schema_free(parse_or_report(r, &po, text, 0, NULL));
    }
    if (r->status == CHK_COMPATIBLE)
        online_level(r, sd);
    versions = r->status == CHK_COMPATIBLE
                   ? online_call(r, sd, "GET", "/subjects/", "/versions", NULL, &err)
                   : NULL;
    if (r->status != CHK_COMPATIBLE) {
    } else if (!versions && err.error_code == 40401) {
        r->new_subject = true;
        if (o->fail_on_new) {
            r->status = CHK_INCOMPATIBLE;
            chk_add(r, "NEW_SUBJECT", 0, NULL, "the subject does not exist in the registry", NULL);
        }
    } else if (!versions) {
        online_error(r, &err);
    } else {
        r->compared = json_array_size(versions);
        bool local = j->level ? compat_level_parse(j->level, &level) : o->level_given;
        compat_pb_rules_t rules;
        if (local || chk_job_rules(o, j, &rules))
            online_local(o, r, sd, level, text, versions);
        else
            online_endpoint(o, r, sd, text);
    }
    json_decref(versions);
    free(text);
}
