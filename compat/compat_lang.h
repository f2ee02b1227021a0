/* SPDX-License-Identifier: Apache-2.0
 *
 * The plug-in contract between compat/'s language-neutral code (compat_schema.c: the handle,
 * references, identity digest; compat_level.c: levels, history order, Confluent's message
 * assembly) and one schema language (compat/avro/, compat/protobuf/, compat/jsonschema/).
 * Internal to compat/: the registry, serdes and the CLI use compat.h.
 *
 * A language fills one compat_lang_t; compat_schema.c keeps a table indexed by compat_type_t.
 * The model a language parses is opaque here (void *), owned by the schema handle.
 */
#ifndef COMPAT_LANG_H
#define COMPAT_LANG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/cn_err.h"
#include "compat/compat.h"

/** What a language parses: the text, the models of its references (same order as refs; each
 *  of this language's type, borrowed for the call), and the parse options. */
typedef struct compat_lang_input {
    const char *text;
    size_t len;
    const compat_ref_t *refs;   /* name = import path / $ref URL / Avro type name source */
    const void *const *imports; /* imports[i] is the model of refs[i] */
    size_t nrefs;
    bool normalize; /* canonical text is the normalized form */
    bool lenient;   /* COMPAT_PARSE_LENIENT: a stored schema (replay) */
} compat_lang_input_t;

/** One incompatibility found by a language's pair check, with Confluent's strings already
 *  assembled (role words filled in). All strings owned by the result. */
typedef struct compat_lang_issue {
    const char *error_type; /* static, e.g. "FIELD_KIND_CHANGED" */
    char *path;             /* e.g. "#/Msg/3" (Protobuf), "#/properties/a" (JSON), "/fields/0" */
    char *description;
    char *additional; /* "" when the language has none */
    char *message;    /* the full string Confluent lists, e.g. {errorType:"..", ..} */
} compat_lang_issue_t;

typedef struct compat_lang_result {
    compat_lang_issue_t *issues;
    size_t n, cap;
} compat_lang_result_t;

/** @brief Append an issue; takes ownership of the four strings (frees them on failure). */
cn_err_t compat_lang_result_add(compat_lang_result_t *res, const char *error_type, char *path,
                                char *description, char *additional, char *message);
void compat_lang_result_fini(compat_lang_result_t *res);

typedef struct compat_lang {
    compat_type_t type;
    /** Parse and validate; on success *model_out is owned by the caller (free) and
     *  *canonical_out (malloc'd, NUL-terminated) is the text the registry stores. */
    cn_err_t (*parse)(const compat_lang_input_t *in, void **model_out, char **canonical_out,
                      cn_error_t *err);
    void (*free)(void *model);
    /** Confluent's "same schema" test for two models of this language. */
    bool (*equivalent)(const void *a, const void *b);
    /** format=resolved text (references inlined); owned. NULL member: the canonical text. */
    char *(*resolved)(const void *model, cn_error_t *err);
    /** format=serialized (Protobuf: base64 FileDescriptorProto); owned. NULL member: none. */
    char *(*serialized)(const void *model, cn_error_t *err);
    /** format=ignore_extensions (Protobuf: the stored text without custom options, extend
     *  blocks and extension ranges); owned. NULL member: the canonical text. */
    char *(*ignore_extensions)(const void *model, cn_error_t *err);
    /** reader.isBackwardCompatible(writer): append every difference that breaks it, with
     *  Confluent's message; rw/ww are the role words ("new"/"old") for the descriptions. */
    cn_err_t (*check)(const void *reader, const void *writer, const char *rw, const char *ww,
                      compat_lang_result_t *res, cn_error_t *err);
    /** check under a compatibilityPolicy; NULL member: the language has one policy (check). */
    cn_err_t (*check_policy)(const void *reader, const void *writer, compat_policy_t policy,
                             const char *rw, const char *ww, compat_lang_result_t *res,
                             cn_error_t *err);
} compat_lang_t;

extern const compat_lang_t compat_lang_avro;
extern const compat_lang_t compat_lang_protobuf;
extern const compat_lang_t compat_lang_json;

/** @brief The language of a schema handle. */
const compat_lang_t *compat_schema_lang(const compat_schema_t *sch);
/** @brief The model of a schema handle (borrowed), as its language parsed it. */
const void *compat_schema_model(const compat_schema_t *sch);

#endif
