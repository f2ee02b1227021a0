/* SPDX-License-Identifier: Apache-2.0
 *
 * JSON Schema as a compat_lang_t (compat/compat_lang.h): parse with the registered references
 * (each reference's name is the URI its schema answers to, as Confluent's JsonSchema resolves
 * "$ref"), the stored canonical or normalized text, equivalence (the parsed trees equal, member
 * order aside), and reader.isBackwardCompatible(writer) = SchemaDiff.compare(original = writer,
 * update = reader) under the compatibilityPolicy asked (STRICT by default), with Confluent's
 * message strings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"
#include "compat/compat_lang.h"
#include "compat/jsonschema/compat_jsonschema.h"

/* The model: the parsed document, its loaded schema, and every document it can reach. */
typedef struct js_model {
    json_t *root;
    compat_js_schema_t *schema;
    compat_js_doc_t *docs; /* uri owned, schema referenced */
    size_t ndocs;
} js_model_t;

static void model_free(void *p) {
    js_model_t *m = p;
    if (!m)
        return;
    compat_js_schema_free(m->schema);
    for (size_t i = 0; i < m->ndocs; i++) {
        free((char *)m->docs[i].uri);
        json_decref(m->docs[i].schema);
    }
    free(m->docs);
    json_decref(m->root);
    free(m);
}

static bool add_doc(js_model_t *m, const char *uri, json_t *schema) {
    if (!(m->docs[m->ndocs].uri = strdup(uri)))
        return false;
    m->docs[m->ndocs++].schema = json_incref(schema);
    return true;
}

/* Direct references by name, and what each of them reaches, transitively. */
static cn_err_t gather_docs(js_model_t *m, const compat_lang_input_t *in, cn_error_t *err) {
    size_t n = 0;
    for (size_t i = 0; i < in->nrefs; i++)
        n += 1 + ((const js_model_t *)in->imports[i])->ndocs;
    if (!(m->docs = calloc(n ? n : 1, sizeof(*m->docs))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; i < in->nrefs; i++) {
        const js_model_t *imp = in->imports[i];
        if (!add_doc(m, in->refs[i].name, imp->root))
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        for (size_t k = 0; k < imp->ndocs; k++)
            if (!add_doc(m, imp->docs[k].uri, imp->docs[k].schema))
                return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    return CN_OK;
}

static cn_err_t js_lang_parse(const compat_lang_input_t *in, void **model_out, char **canonical_out,
                              cn_error_t *err) {
    json_error_t jerr;
    js_model_t *m = calloc(1, sizeof(*m));
    if (!m)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    cn_err_t rc = CN_OK;
    m->root = memchr(in->text, '\0', in->len) ? NULL : compat_js_loadb(in->text, in->len, 0, &jerr);
    if (!m->root && memchr(in->text, '\0', in->len))
        rc = cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid JSON: a NUL byte in the text");
    else if (!m->root)
        rc = cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid JSON at line %d, column %d: %s",
                          jerr.line, jerr.column, jerr.text);
    if (rc == CN_OK)
        rc = gather_docs(m, in, err);
    if (rc == CN_OK) {
        compat_js_opts_t o = {.default_draft = COMPAT_JS_DRAFT7,
                              .docs = m->docs,
                              .ndocs = m->ndocs,
                              .lenient = in->lenient};
        if (!(m->schema = compat_js_schema_load(m->root, &o, err)))
            rc = err && err->code != CN_OK ? err->code : CN_ERR_INVALID_SCHEMA;
    }
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    if (rc == CN_OK)
        rc = compat_js_text(in->text, in->len, in->normalize, &b, err);
    if (rc != CN_OK) {
        cn_buf_fini(&b);
        model_free(m);
        return rc;
    }
    *canonical_out = (char *)cn_buf_steal(&b, NULL);
    cn_buf_fini(&b);
    *model_out = m;
    return CN_OK;
}

static bool js_lang_equivalent(const void *a, const void *b) {
    return json_equal(((const js_model_t *)a)->root, ((const js_model_t *)b)->root);
}

/* Confluent's JsonSchema.isCompatible(level, policy, ...): LENIENT takes the larger set of
 * compatible changes; STRICT, LOGICAL and an unknown policy the default one. */
static cn_err_t js_lang_check_policy(const void *reader, const void *writer, compat_policy_t policy,
                                     const char *rw, const char *ww, compat_lang_result_t *res,
                                     cn_error_t *err) {
    const js_model_t *r = reader, *w = writer;
    compat_js_changes_t ch = {0};
    compat_js_policy_t jp = policy == COMPAT_POLICY_LENIENT ? COMPAT_JS_LENIENT : COMPAT_JS_STRICT;
    cn_err_t rc = compat_js_diff(w->schema, r->schema, jp, &ch, err);
    for (size_t i = 0; rc == CN_OK && i < ch.n; i++) {
        if (ch.v[i].compatible)
            continue;
        char *desc = compat_js_describe(ch.v[i].type, ch.v[i].path, rw, ww);
        /* Upstream's message opens the description with a double quote and closes it with a
         * single one; clients compare these strings, so the quirk is kept. */
        char *msg =
            desc ? cn_strfmt("{errorType:\"%s\", description:\"%s'}", ch.v[i].type, desc) : NULL;
        rc = compat_lang_result_add(res, ch.v[i].type, strdup(ch.v[i].path), desc, strdup(""), msg);
    }
    compat_js_changes_fini(&ch);
    return rc == CN_OK || (err && err->code == rc) ? rc : cn_error_set(err, rc, NULL);
}

static cn_err_t js_lang_check(const void *reader, const void *writer, const char *rw,
                              const char *ww, compat_lang_result_t *res, cn_error_t *err) {
    return js_lang_check_policy(reader, writer, COMPAT_POLICY_STRICT, rw, ww, res, err);
}

const compat_lang_t compat_lang_json = {
    .type = COMPAT_JSON,
    .parse = js_lang_parse,
    .free = model_free,
    .equivalent = js_lang_equivalent,
    .resolved = NULL,
    .check = js_lang_check,
    .check_policy = js_lang_check_policy,
};
