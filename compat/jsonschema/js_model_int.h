/* SPDX-License-Identifier: Apache-2.0
 *
 * The schema model Confluent's SchemaDiff compares (json-schema-provider over everit-json-schema's
 * object model): each JSON schema object becomes one typed schema, or a synthetic allOf of the
 * schemas its keywords imply (everit SchemaLoader: enum, combined, not, const, type, then the
 * keyword sniffer on what is left). Models are built lazily, cached per JSON node, and owned by
 * the builder; "$ref" stays a reference node that the diff dereferences.
 */
#ifndef JS_MODEL_INT_H
#define JS_MODEL_INT_H

#include "compat/jsonschema/js_int.h"

typedef enum jm_kind {
    JM_EMPTY,
    JM_TRUE,
    JM_FALSE,
    JM_REF,
    JM_ENUM,
    JM_CONST,
    JM_COMBINED,
    JM_NOT,
    JM_STRING,
    JM_NUMBER,
    JM_BOOLEAN,
    JM_NULL,
    JM_ARRAY,
    JM_OBJECT,
    JM_COND
} jm_kind_t;

typedef enum jm_crit { JM_ALL, JM_ANY, JM_ONE } jm_crit_t;

struct jm_builder;

typedef struct jm {
    struct jm_builder *b; /* the builder (and schema) this model belongs to */
    jm_kind_t kind;
    const json_t *src; /* the schema object whose keywords this model reads (NULL for bools) */
    const char *base;
    int draft;
    bool common;  /* carries title, description, $id, default */
    bool integer; /* JM_NUMBER: requiresInteger */
    jm_crit_t crit;
    struct jm **subs; /* JM_COMBINED subschemas; JM_NOT: subs[0] */
    size_t nsubs;
} jm_t;

typedef struct jm_builder {
    const compat_js_schema_t *s;
    cn_map_t *cache; /* (json_t *) -> jm_t * */
    jm_t **all;      /* every model built, owned */
    size_t nall, cap;
    bool oom;
} jm_builder_t;

void jm_builder_init(jm_builder_t *b, const compat_js_schema_t *s);
void jm_builder_fini(jm_builder_t *b);
/** @brief The model of a schema node read with base/draft (cached); NULL on memory. */
jm_t *jm_of(jm_builder_t *b, const json_t *node, const char *base, int draft);
/** @brief Follow references (bounded); NULL when one does not resolve or they loop. */
jm_t *jm_deref(jm_t *m);
/** @brief A child schema of m (keyword value), as a model; NULL when absent. */
jm_t *jm_child(const jm_t *m, const json_t *node);
const char *jm_crit_name(jm_crit_t c);

#endif
