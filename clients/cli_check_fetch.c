/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema references for online `cairn check` with an explicit level (the registry's versions
 * checked here): a resolver that fetches each referenced subject version from the registry
 * (GET /subjects/{subject}/versions/{version}, Confluent's API), parses it with its own
 * references, transitively, once per check, and keeps it alive until chk_fetch_free. Also the
 * compat_ref_t array of a version's "references".
 */
#include <stdlib.h>
#include <string.h>

#include "clients/cli_check_int.h"

#define FETCH_MAX_DEPTH   32   /* import chain */
#define FETCH_MAX_SCHEMAS 1000 /* distinct referenced versions in one check */

typedef struct fetched {
    char *subject;
    int32_t version;
    compat_schema_t *schema;
    chk_refs_t refs; /* its own references (their strings live in refs.json) */
} fetched_t;

struct chk_fetch {
    cairn_serdes_t *sd;
    compat_type_t type;
    fetched_t *v;
    size_t n;
    int depth;
};

chk_fetch_t *chk_fetch_new(cairn_serdes_t *sd, compat_type_t type) {
    chk_fetch_t *f = calloc(1, sizeof(*f));
    if (f) {
        f->sd = sd;
        f->type = type;
    }
    return f;
}

void chk_refs_fini(chk_refs_t *r) {
    free(r->v);
    json_decref(r->json);
    *r = (chk_refs_t){0};
}

void chk_fetch_free(chk_fetch_t *f) {
    for (size_t i = 0; f && i < f->n; i++) {
        free(f->v[i].subject);
        compat_schema_free(f->v[i].schema);
        chk_refs_fini(&f->v[i].refs);
    }
    if (f)
        free(f->v);
    free(f);
}

bool chk_refs_from_json(chk_refs_t *out, json_t *refs) {
    size_t n = json_array_size(refs), i;
    json_t *e;
    *out = (chk_refs_t){.json = json_incref(refs)};
    if (!(out->v = calloc(n + 1, sizeof(*out->v))))
        return false;
    json_array_foreach(refs, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *subject = json_string_value(json_object_get(e, "subject"));
        out->v[i] =
            (compat_ref_t){.name = name ? name : "",
                           .subject = subject ? subject : "",
                           .version = (int32_t)json_integer_value(json_object_get(e, "version"))};
    }
    out->n = n;
    return true;
}

void chk_fetch_opts(chk_fetch_t *f, const chk_refs_t *refs, compat_parse_opts_t *po) {
    *po = (compat_parse_opts_t){.type = f->type,
                                .refs = refs->v,
                                .nrefs = refs->n,
                                .resolve = chk_fetch_resolve,
                                .resolve_arg = f};
}

/* GET the version; text (owned) and its references. */
static cn_err_t get_version(chk_fetch_t *f, const compat_ref_t *ref, char **text, json_t **refs,
                            cn_error_t *err) {
    char vbuf[32];
    cn_buf_t b;
    json_t *o = NULL;
    cairn_error_t cerr;
    cn_buf_init(&b, 1 << 20);
    cn_buf_put_str(&b, "/subjects/");
    cli_escape(&b, ref->subject);
    snprintf(vbuf, sizeof(vbuf), "/versions/%d", ref->version);
    cn_buf_put_str(&b, vbuf);
    if (!cn_buf_cstr(&b) || b.failed) {
        cn_buf_fini(&b);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    cairn_err_t rc = cli_reg_call(f->sd, "GET", cn_buf_cstr(&b), NULL, &o, &cerr);
    cn_buf_fini(&b);
    if (rc != CAIRN_OK)
        return cn_error_set(err, CN_ERR_NOT_FOUND, "reference %s (%s version %d): %s", ref->name,
                            ref->subject, ref->version, cerr.msg);
    *text = strdup(json_string_value(json_object_get(o, "schema")) ?: "");
    *refs = json_incref(json_object_get(o, "references"));
    json_decref(o);
    return *text ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
}

static fetched_t *find(chk_fetch_t *f, const compat_ref_t *ref) {
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].version == ref->version && f->v[i].subject &&
            strcmp(f->v[i].subject, ref->subject) == 0)
            return &f->v[i];
    return NULL;
}

cn_err_t chk_fetch_resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                           cn_error_t *err) {
    chk_fetch_t *f = arg;
    fetched_t *e = find(f, ref), *v;
    compat_parse_opts_t po;
    chk_refs_t refs = {0};
    json_t *jrefs = NULL;
    char *text = NULL;
    compat_schema_t *s;
    if (e) {
        *out = e->schema;
        return CN_OK;
    }
    if (f->depth >= FETCH_MAX_DEPTH || f->n >= FETCH_MAX_SCHEMAS)
        return cn_error_set(err, CN_ERR_TOO_DEEP, "references nest deeper than %d or exceed %d",
                            FETCH_MAX_DEPTH, FETCH_MAX_SCHEMAS);
    if (get_version(f, ref, &text, &jrefs, err) != CN_OK)
        return err->code;
    bool ok = chk_refs_from_json(&refs, jrefs);
    json_decref(jrefs);
    if (!ok) {
        free(text);
        chk_refs_fini(&refs);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    chk_fetch_opts(f, &refs, &po);
    f->depth++;
    s = compat_schema_parse(text, strlen(text), &po, err);
    f->depth--;
    free(text);
    if (!s || !(v = realloc(f->v, (f->n + 1) * sizeof(*v)))) {
        compat_schema_free(s);
        chk_refs_fini(&refs);
        return s ? cn_error_set(err, CN_ERR_NO_MEMORY, NULL) : err->code;
    }
    f->v = v;
    f->v[f->n] = (fetched_t){strdup(ref->subject), ref->version, s, refs};
    *out = f->v[f->n++].schema;
    return CN_OK;
}
