/* SPDX-License-Identifier: Apache-2.0
 *
 * JSON Schema references for the serdes. Read: a schema the registry answers with "references"
 * (each {name, subject, version}) is compiled with every schema they name, fetched with
 * GET /subjects/{subject}/versions/{version} together with their own references, as documents
 * its "$ref"s reach by the reference's name (Confluent's JSON Schema provider resolves them the
 * same way). Bounded: SERDES_JSON_MAX_REFS documents, SERDES_JSON_MAX_REF_DEPTH levels, each
 * document parsed with the schema bounds. Write: a local schema given with the schemas it
 * references (cairn_json_serializer_new) compiles with them, and registers with them as
 * {name, subject, version}, a missing version learnt by registering or looking up the
 * referenced text under its subject. Owns the documents until the loaded schema holds them, and
 * a local schema's copied references (serdes_json_ref_t).
 */
#include "serdes/serdes_json_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"

#define SERDES_JSON_MAX_REFS      64
#define SERDES_JSON_MAX_REF_DEPTH 16

typedef struct serdes_json_refs {
    serdes_registry_t *reg;
    compat_js_doc_t docs[SERDES_JSON_MAX_REFS];
    size_t n;
} serdes_json_refs_t;

static bool serdes_json_refs_have(const serdes_json_refs_t *a, const char *name) {
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->docs[i].uri, name) == 0)
            return true;
    return false;
}

static cn_err_t serdes_json_refs_collect(serdes_json_refs_t *a, json_t *refs, int depth,
                                         serdes_err_t *err);

/* Fetch one reference and keep its parsed schema under its name; then what it references. */
static cn_err_t serdes_json_refs_fetch(serdes_json_refs_t *a, const char *name, json_t *ref,
                                       int depth, serdes_err_t *err) {
    json_t *subj = json_object_get(ref, "subject"), *ver = json_object_get(ref, "version");
    json_t *ans = NULL, *text, *doc = NULL;
    json_error_t jerr;
    char *uri;
    cn_err_t rc;
    if (!json_is_string(subj) || !json_is_integer(ver))
        return serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "reference %s is malformed", name);
    rc = serdes_registry_version(a->reg, json_string_value(subj), (int32_t)json_integer_value(ver),
                                 &ans, err);
    text = rc == CN_OK ? json_object_get(ans, "schema") : NULL;
    if (rc == CN_OK && !json_is_string(text))
        rc = serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "reference %s has no schema", name);
    if (rc == CN_OK && cn_json_depth(json_string_value(text), json_string_length(text),
                                     COMPAT_JS_MAX_DEPTH, NULL) > COMPAT_JS_MAX_DEPTH)
        rc = serdes_err_set(err, CN_ERR_TOO_DEEP, "reference %s nests too deep", name);
    if (rc == CN_OK && !(doc = compat_js_loadb(json_string_value(text), json_string_length(text),
                                               JSON_DECODE_ANY, &jerr)))
        rc = serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "reference %s is not JSON: %s", name,
                            jerr.text);
    if (rc == CN_OK && !(uri = strdup(name)))
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK) {
        a->docs[a->n++] = (compat_js_doc_t){uri, doc};
        doc = NULL;
        rc = serdes_json_refs_collect(a, json_object_get(ans, "references"), depth + 1, err);
    }
    json_decref(doc);
    json_decref(ans);
    return rc;
}

static cn_err_t serdes_json_refs_collect(serdes_json_refs_t *a, json_t *refs, int depth,
                                         serdes_err_t *err) {
    size_t i;
    json_t *ref;
    if (depth > SERDES_JSON_MAX_REF_DEPTH)
        return serdes_err_set(err, CN_ERR_TOO_DEEP, "references nest deeper than %d",
                              SERDES_JSON_MAX_REF_DEPTH);
    json_array_foreach(refs, i, ref) {
        const char *name = json_string_value(json_object_get(ref, "name"));
        cn_err_t rc;
        if (!name)
            return serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "a reference has no name");
        if (serdes_json_refs_have(a, name))
            continue;
        if (a->n == SERDES_JSON_MAX_REFS)
            return serdes_err_set(err, CN_ERR_TOO_LARGE, "more than %d referenced schemas",
                                  SERDES_JSON_MAX_REFS);
        if ((rc = serdes_json_refs_fetch(a, name, ref, depth, err)) != CN_OK)
            return rc;
    }
    return CN_OK;
}

cn_err_t serdes_json_compile_refs(serdes_registry_t *r, const char *text, size_t len, json_t *refs,
                                  void **impl, serdes_err_t *err) {
    serdes_json_refs_t *a = calloc(1, sizeof(*a));
    cn_err_t rc;
    if (!a)
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    a->reg = r;
    rc = serdes_json_refs_collect(a, refs, 0, err);
    if (rc == CN_OK)
        rc = serdes_json_compile_docs(text, len, a->docs, a->n, impl, err);
    for (size_t i = 0; i < a->n; i++) {
        free((char *)a->docs[i].uri);
        json_decref(a->docs[i].schema);
    }
    free(a);
    return rc;
}

/* ---- a local schema's references (serializers) ---- */

void serdes_json_refs_free(serdes_json_ref_t *refs, size_t n) {
    for (size_t i = 0; refs && i < n; i++) {
        free(refs[i].name);
        free(refs[i].subject);
        free(refs[i].text);
    }
    free(refs);
}

/* Copy the caller's references and parse each text as a document named by its name. */
static cn_err_t serdes_json_refs_copy(const cairn_json_ref_t *in, size_t n, serdes_json_ref_t *out,
                                      compat_js_doc_t *docs, serdes_err_t *err) {
    for (size_t i = 0; i < n; i++) {
        json_error_t jerr;
        size_t tl = in[i].text ? strlen(in[i].text) : 0;
        if (!in[i].name || !in[i].subject || !in[i].text)
            return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT,
                                  "reference %zu needs a name, a subject and a text", i);
        out[i] = (serdes_json_ref_t){strdup(in[i].name), strdup(in[i].subject), strdup(in[i].text),
                                     in[i].version};
        if (!out[i].name || !out[i].subject || !out[i].text)
            return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
        if (cn_json_depth(in[i].text, tl, COMPAT_JS_MAX_DEPTH, NULL) > COMPAT_JS_MAX_DEPTH)
            return serdes_err_set(err, CN_ERR_TOO_DEEP, "reference %s nests too deep", in[i].name);
        docs[i].uri = out[i].name;
        if (!(docs[i].schema = compat_js_loadb(in[i].text, tl, JSON_DECODE_ANY, &jerr)))
            return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "reference %s is not JSON: %s",
                                  in[i].name, jerr.text);
    }
    return CN_OK;
}

cn_err_t serdes_json_compile_local(const char *text, size_t len, const cairn_json_ref_t *refs,
                                   size_t n, void **impl, serdes_err_t *err) {
    serdes_json_ref_t *copy;
    compat_js_doc_t *docs;
    cn_err_t rc;
    if (n > SERDES_JSON_MAX_REFS)
        return serdes_err_set(err, CN_ERR_TOO_LARGE, "more than %d references",
                              SERDES_JSON_MAX_REFS);
    copy = calloc(n ? n : 1, sizeof(*copy));
    docs = calloc(n ? n : 1, sizeof(*docs));
    rc = copy && docs ? serdes_json_refs_copy(refs, n, copy, docs, err)
                      : serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK)
        rc = serdes_json_compile_docs(text, len, docs, n, impl, err);
    for (size_t i = 0; docs && i < n; i++)
        json_decref(docs[i].schema);
    free(docs);
    if (rc != CN_OK) {
        serdes_json_refs_free(copy, n);
        return rc;
    }
    ((serdes_json_schema_t *)*impl)->refs = copy;
    ((serdes_json_schema_t *)*impl)->nrefs = n;
    return CN_OK;
}

/* The version of a reference: its own, or that of its text under its subject (registered first
 * unless lookup_only; the registration answers only an id, so a lookup follows). */
static cn_err_t serdes_json_ref_version(serdes_registry_t *r, const serdes_json_ref_t *ref,
                                        bool lookup_only, int32_t *version, serdes_err_t *err) {
    const serdes_format_t *fmt = serdes_json_format();
    int32_t id;
    cn_err_t rc = CN_OK;
    *version = ref->version;
    if (ref->version > 0)
        return CN_OK;
    if (!lookup_only)
        rc = serdes_registry_id_for_refs(r, ref->subject, fmt, ref->text, NULL, false, &id, NULL,
                                         err);
    if (rc == CN_OK)
        rc = serdes_registry_id_for_refs(r, ref->subject, fmt, ref->text, NULL, true, &id, version,
                                         err);
    if (rc != CN_OK)
        cn_error_prefix(&err->e, "reference %s (subject %s)", ref->name, ref->subject);
    return rc;
}

cn_err_t serdes_json_references(serdes_registry_t *r, const void *impl, bool lookup_only,
                                char **refs_out, serdes_err_t *err) {
    const serdes_json_schema_t *sch = impl;
    json_t *arr;
    cn_err_t rc = CN_OK;
    *refs_out = NULL;
    if (!sch->nrefs)
        return CN_OK;
    if (!(arr = json_array()))
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; rc == CN_OK && i < sch->nrefs; i++) {
        int32_t version = 0;
        rc = serdes_json_ref_version(r, &sch->refs[i], lookup_only, &version, err);
        if (rc == CN_OK && json_array_append_new(
                               arr, json_pack("{s:s,s:s,s:i}", "name", sch->refs[i].name, "subject",
                                              sch->refs[i].subject, "version", (int)version)) != 0)
            rc = serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    if (rc == CN_OK && !(*refs_out = json_dumps(arr, JSON_COMPACT)))
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    json_decref(arr);
    return rc;
}
