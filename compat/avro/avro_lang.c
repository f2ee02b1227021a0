/* SPDX-License-Identifier: Apache-2.0
 *
 * Avro as a compat_lang_t (compat/compat_lang.h): parse with imports into the model and its
 * stored text, equivalence, format=resolved, and the reader/writer check with Confluent's
 * AvroCompatibilityChecker strings (Difference.java: errorType, description with the role
 * words, additionalInfo).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"
#include "compat/avro/compat_avro.h"
#include "compat/compat_lang.h"

/* The buffer's text, owned; NULL when it ran out of memory. Finishes b either way. */
static char *buf_take(cn_buf_t *b) {
    char *out = cn_buf_cstr(b) ? (char *)cn_buf_steal(b, NULL) : NULL;
    cn_buf_fini(b);
    return out;
}

static cn_err_t avro_lang_parse(const compat_lang_input_t *in, void **model_out,
                                char **canonical_out, cn_error_t *err) {
    compat_avro_schema_t *sch = NULL;
    cn_buf_t b;
    cn_err_t rc =
        compat_avro_parse_ex(in->text, in->len, (const compat_avro_schema_t *const *)in->imports,
                             in->nrefs, in->lenient ? COMPAT_AVRO_LENIENT : 0, &sch, err);
    if (rc != CN_OK)
        return rc;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    rc = in->normalize ? compat_avro_print_normalized(sch, &b, err)
                       : compat_avro_print_canonical(sch, &b, err);
    *canonical_out = buf_take(&b);
    if (rc == CN_OK && !*canonical_out)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc != CN_OK) {
        free(*canonical_out);
        *canonical_out = NULL; /* the caller frees what it finds there */
        compat_avro_schema_free(sch);
        return rc;
    }
    *model_out = sch;
    return CN_OK;
}

static void avro_lang_free(void *model) {
    compat_avro_schema_free(model);
}

static bool avro_lang_equivalent(const void *a, const void *b) {
    return compat_avro_equivalent(a, b);
}

static char *avro_lang_resolved(const void *model, cn_error_t *err) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    if (compat_avro_print_node(compat_avro_root(model), &b, err) != CN_OK) {
        cn_buf_fini(&b);
        return NULL;
    }
    char *out = buf_take(&b);
    if (!out)
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    return out;
}

/* Confluent's Difference description with the role words. */
static char *describe(const compat_avro_issue_t *is, const char *rw, const char *ww) {
    const char *p = is->location;
    switch (is->type) {
    case COMPAT_AVRO_FIXED_SIZE_MISMATCH:
        return cn_strfmt(
            "The size of FIXED type field at path '%s' in the %s schema does not match with "
            "the %s schema",
            p, rw, ww);
    case COMPAT_AVRO_TYPE_MISMATCH:
        return cn_strfmt(
            "The type (path '%s') of a field in the %s schema does not match with the %s "
            "schema",
            p, rw, ww);
    case COMPAT_AVRO_NAME_MISMATCH:
        return cn_strfmt("The name of the schema has changed (path '%s')", p);
    case COMPAT_AVRO_MISSING_ENUM_SYMBOLS:
        return cn_strfmt("The %s schema is missing enum symbols '%s' at path '%s' in the %s schema",
                         rw, is->message, p, ww);
    case COMPAT_AVRO_MISSING_UNION_BRANCH:
        return cn_strfmt(
            "The %s schema is missing a type inside a union field at path '%s' in the %s "
            "schema",
            rw, p, ww);
    default:
        return cn_strfmt("The field '%s' at path '%s' in the %s schema has no default value and is "
                         "missing in the %s schema",
                         is->message, p, rw, ww);
    }
}

static cn_err_t add_avro_issue(compat_lang_result_t *res, const compat_avro_issue_t *is,
                               const char *rw, const char *ww) {
    const char *type = compat_avro_incompat_name(is->type);
    char *desc = describe(is, rw, ww);
    char *msg = desc ? cn_strfmt("{errorType:'%s', description:'%s', additionalInfo:'%s'}", type,
                                 desc, is->message)
                     : NULL;
    return compat_lang_result_add(res, type, strdup(is->location), desc, strdup(is->message), msg);
}

static cn_err_t avro_lang_check(const void *reader, const void *writer, const char *rw,
                                const char *ww, compat_lang_result_t *res, cn_error_t *err) {
    compat_avro_result_t ar = {0};
    cn_err_t rc = compat_avro_check(compat_avro_root(reader), compat_avro_root(writer), &ar, err);
    if (rc == CN_OK && ar.exception)
        rc = compat_lang_result_add(
            res, "UNEXPECTED_EXCEPTION", strdup("/"), strdup(ar.exception), strdup(""),
            cn_strfmt("Unexpected exception during compatibility check: %s", ar.exception));
    for (size_t i = 0; rc == CN_OK && !ar.exception && i < ar.n; i++)
        rc = add_avro_issue(res, &ar.issues[i], rw, ww);
    compat_avro_result_fini(&ar);
    return rc == CN_OK || (err && err->code == rc) ? rc : cn_error_set(err, rc, NULL);
}

const compat_lang_t compat_lang_avro = {
    .type = COMPAT_AVRO,
    .parse = avro_lang_parse,
    .free = avro_lang_free,
    .equivalent = avro_lang_equivalent,
    .resolved = avro_lang_resolved,
    .check = avro_lang_check,
};
