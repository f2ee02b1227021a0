/* SPDX-License-Identifier: Apache-2.0
 *
 * Compiling a JSON Schema text for the serdes (compat/jsonschema loads it: drafts 4 to 2020-12,
 * "$ref" inside the document), its "title" for the record subject name strategies, the JSON
 * Schema entry of the format table, and the bounded payload parse, compaction and validation
 * shared by the serializer and the deserializer. Owns serdes_json_schema_t.
 */
#include "serdes/serdes_json_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "common/cn_text.h"

static const char *serdes_json_record_name(const void *impl) {
    return ((const serdes_json_schema_t *)impl)->title;
}

static cn_err_t serdes_json_compile(const char *text, size_t len, void **impl, serdes_err_t *err);

static const serdes_format_t serdes_json_fmt = {
    .format = CAIRN_FORMAT_JSON,
    .type_name = "JSON",
    .compile = serdes_json_compile,
    .release = serdes_json_release,
    .record_name = serdes_json_record_name,
    .compile_refs = serdes_json_compile_refs,
    .references = serdes_json_references,
};

const serdes_format_t *serdes_json_format(void) {
    return &serdes_json_fmt;
}

bool serdes_json_is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy valid JSON text without the whitespace between tokens (writers differ: Python writes
 * ", " and ": "), numbers and strings byte for byte; out has room for len + 1. */
void serdes_json_compact(const char *in, size_t len, char *out) {
    bool str = false, esc = false;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (str) {
            str = esc || c != '"';
            esc = !esc && c == '\\';
        } else if (serdes_json_is_ws(c)) {
            continue;
        } else {
            str = c == '"';
        }
        out[o++] = c;
    }
    out[o] = '\0';
}

cn_err_t serdes_json_parse(const char *text, size_t len, cn_err_t code, json_t **out,
                           serdes_err_t *err) {
    json_error_t jerr;
    const char *nul;
    size_t at = 0;
    if (len > SERDES_JSON_TEXT_MAX)
        return serdes_err_set(err, code, "JSON text of %zu bytes is larger than %u", len,
                              SERDES_JSON_TEXT_MAX);
    /* JSON text holds no raw U+0000 (RFC 8259: not whitespace, escaped in strings); Jansson
     * stops reading at one in some places, so the text would not be what was validated. */
    if ((nul = memchr(text, '\0', len)) != NULL)
        return serdes_err_set(err, code, "not JSON: a NUL byte at offset %zu",
                              (size_t)(nul - text));
    /* Jansson parses recursively: measure the nesting first, without recursion. */
    if (cn_json_depth(text, len, SERDES_JSON_MAX_DEPTH, &at) > SERDES_JSON_MAX_DEPTH)
        return serdes_err_set(err, code, "JSON nested deeper than %d (byte %zu)",
                              SERDES_JSON_MAX_DEPTH, at);
    *out = compat_js_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!*out)
        return serdes_err_set(err, code, "not JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                              jerr.column);
    return CN_OK;
}

cn_err_t serdes_json_check(const serdes_settings_t *s, const serdes_json_schema_t *sch,
                           const json_t *v, cn_err_t code, serdes_err_t *err) {
    cn_buf_t msg;
    cn_err_t rc = CN_OK;
    if (!s->json_validate)
        return CN_OK;
    cn_buf_init(&msg, 1024);
    if (!compat_js_validate(sch->schema, v, &msg))
        rc = serdes_err_set(err, code, "the value does not conform to the schema: %.*s",
                            (int)msg.len, msg.data ? (const char *)msg.data : "");
    cn_buf_fini(&msg);
    return rc;
}

static cn_err_t serdes_json_load(serdes_json_schema_t *sch, const char *text, size_t len,
                                 const compat_js_doc_t *docs, size_t ndocs, serdes_err_t *err) {
    compat_js_opts_t opts = {.default_draft = COMPAT_JS_DRAFT7, .docs = docs, .ndocs = ndocs};
    const char *title;
    json_error_t jerr;
    size_t at = 0;
    if (cn_json_depth(text, len, COMPAT_JS_MAX_DEPTH, &at) > COMPAT_JS_MAX_DEPTH)
        return serdes_err_set(err, CN_ERR_TOO_DEEP, "schema nested deeper than %d (byte %zu)",
                              COMPAT_JS_MAX_DEPTH, at);
    if (!(sch->root = compat_js_loadb(text, len, JSON_DECODE_ANY, &jerr)))
        return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "schema is not JSON: %s (line %d)",
                              jerr.text, jerr.line);
    if (!(sch->schema = compat_js_schema_load(sch->root, &opts, &err->e)))
        return err->e.code ? err->e.code : CN_ERR_INVALID_SCHEMA;
    title = json_string_value(json_object_get(sch->root, "title"));
    if (title && !(sch->title = strdup(title)))
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    return CN_OK;
}

cn_err_t serdes_json_compile_docs(const char *text, size_t len, const compat_js_doc_t *docs,
                                  size_t ndocs, void **impl, serdes_err_t *err) {
    serdes_json_schema_t *sch;
    cn_err_t rc;
    if (len > SERDES_JSON_SCHEMA_MAX)
        return serdes_err_set(err, CN_ERR_TOO_LARGE, "schema larger than %u bytes",
                              SERDES_JSON_SCHEMA_MAX);
    if (!(sch = calloc(1, sizeof(*sch))))
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    if ((rc = serdes_json_load(sch, text, len, docs, ndocs, err)) != CN_OK) {
        serdes_json_release(sch);
        return rc;
    }
    *impl = sch;
    return CN_OK;
}

static cn_err_t serdes_json_compile(const char *text, size_t len, void **impl, serdes_err_t *err) {
    return serdes_json_compile_docs(text, len, NULL, 0, impl, err);
}

cn_err_t serdes_json_backward(const serdes_json_schema_t *original,
                              const serdes_json_schema_t *update, serdes_err_t *err) {
    compat_js_changes_t ch = {0};
    cn_err_t rc = compat_js_diff(original->schema, update->schema, COMPAT_JS_STRICT, &ch, &err->e);
    for (size_t i = 0; rc == CN_OK && i < ch.n; i++)
        if (!ch.v[i].compatible)
            rc = serdes_err_set(err, CN_ERR_INCOMPATIBLE, "%s at %s", ch.v[i].type, ch.v[i].path);
    compat_js_changes_fini(&ch);
    return rc;
}

void serdes_json_release(void *impl) {
    serdes_json_schema_t *sch = impl;
    if (!sch)
        return;
    compat_js_schema_free(sch->schema);
    json_decref(sch->root);
    free(sch->title);
    serdes_json_refs_free(sch->refs, sch->nrefs);
    free(sch);
}
