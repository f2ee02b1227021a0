/* SPDX-License-Identifier: Apache-2.0
 *
 * Protobuf as a compat_lang_t (compat/compat_lang.h): parse with the referenced schemas as
 * imports, the stored text (canonical or normalized), equivalence, and the pair check:
 * reader.isBackwardCompatible(writer) is Confluent's SchemaDiff.compare(original = writer,
 * update = reader) keeping the differences outside COMPATIBLE_CHANGES, each rendered as
 * {errorType:"...", description:"..."} with the role words.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"
#include "compat/compat_lang.h"
#include "compat/protobuf/compat_protobuf.h"

static cn_err_t pb_lang_parse(const compat_lang_input_t *in, void **model_out, char **canonical_out,
                              cn_error_t *err) {
    compat_pb_import_t *imps = calloc(in->nrefs ? in->nrefs : 1, sizeof(*imps));
    compat_pb_schema_t *s = NULL;
    cn_err_t rc;
    if (!imps)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; i < in->nrefs; i++)
        imps[i] = (compat_pb_import_t){.name = in->refs[i].name,
                                       .subject = in->refs[i].subject,
                                       .version = in->refs[i].version,
                                       .schema = in->imports[i]};
    rc = compat_pb_parse_ex(in->text, in->len, imps, in->nrefs, in->lenient ? COMPAT_PB_LENIENT : 0,
                            &s, err);
    free(imps);
    if (rc != CN_OK)
        return rc;
    const char *text = in->normalize ? compat_pb_normalized(s, err) : compat_pb_canonical(s);
    if (!text || !(*canonical_out = strdup(text))) {
        compat_pb_schema_free(s);
        return text || !err ? cn_error_set(err, CN_ERR_NO_MEMORY, NULL) : err->code;
    }
    *model_out = s;
    return CN_OK;
}

static void pb_lang_free(void *model) {
    compat_pb_schema_free(model);
}

/* Confluent's ProtobufSchema.equivalent: the same canonical text (references are compared by
 * the registry with the identity digest). */
static bool pb_lang_equivalent(const void *a, const void *b) {
    return strcmp(compat_pb_canonical(a), compat_pb_canonical(b)) == 0;
}

static char *pb_lang_serialized(const void *model, cn_error_t *err) {
    return compat_pb_serialized(model, err);
}

static char *pb_lang_ignore_extensions(const void *model, cn_error_t *err) {
    return compat_pb_ignore_extensions(model, err);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char *describe(const char *tmpl, const char *path, const char *rw, const char *ww) {
    /* the templates take (path, reader, writer) in the order their text names them */
    return cn_strfmt(tmpl, path, rw, ww);
}
#pragma GCC diagnostic pop

static cn_err_t pb_lang_check(const void *reader, const void *writer, const char *rw,
                              const char *ww, compat_lang_result_t *res, cn_error_t *err) {
    compat_pb_diffs_t d = {0};
    cn_err_t rc = compat_pb_compare(writer, reader, &d, err);
    for (size_t i = 0; rc == CN_OK && i < d.n; i++) {
        const char *tmpl = compat_pb_diff_template(d.v[i].type);
        if (d.v[i].compatible || !tmpl)
            continue;
        char *desc = describe(tmpl, d.v[i].path, rw, ww);
        char *msg =
            desc ? cn_strfmt("{errorType:\"%s\", description:\"%s\"}", d.v[i].type, desc) : NULL;
        rc = compat_lang_result_add(res, d.v[i].type, strdup(d.v[i].path), desc, strdup(""), msg);
        if (rc != CN_OK)
            cn_error_set(err, rc, NULL);
    }
    compat_pb_diffs_fini(&d);
    return rc;
}

const compat_lang_t compat_lang_protobuf = {
    .type = COMPAT_PROTOBUF,
    .parse = pb_lang_parse,
    .free = pb_lang_free,
    .equivalent = pb_lang_equivalent,
    .resolved = NULL,
    .serialized = pb_lang_serialized,
    .ignore_extensions = pb_lang_ignore_extensions,
    .check = pb_lang_check,
};
