/* SPDX-License-Identifier: Apache-2.0
 *
 * Building the model of js_model_int.h from a loaded schema, as everit-json-schema's SchemaLoader
 * maps JSON to schema classes (the classes Confluent's SchemaDiff compares): true/false/{},
 * "$ref" alone, then the extractors in order — enum, allOf/anyOf/oneOf (one combined schema
 * each), not, const, type (a list of types is an anyOf of typed schemas), the keyword sniffer
 * for array, object, number and string keywords no type consumed, and if/then/else. One result
 * is that schema; several are a synthetic allOf.
 */
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_model_int.h"

#define JM_MAX_REF_HOPS 64
#define JM_MAX_PARTS    16

static const char *const array_kw[] = {
    "items",       "additionalItems",  "minItems",    "maxItems",    "uniqueItems", "contains",
    "prefixItems", "unevaluatedItems", "minContains", "maxContains", NULL};
static const char *const object_kw[] = {
    "properties",        "required",          "minProperties",         "maxProperties",
    "dependencies",      "patternProperties", "additionalProperties",  "propertyNames",
    "dependentRequired", "dependentSchemas",  "unevaluatedProperties", NULL};
static const char *const number_kw[] = {"minimum",          "maximum",    "exclusiveMinimum",
                                        "exclusiveMaximum", "multipleOf", NULL};
static const char *const string_kw[] = {"minLength", "maxLength", "pattern", "format", NULL};

void jm_builder_init(jm_builder_t *b, const compat_js_schema_t *s) {
    *b = (jm_builder_t){.s = s, .cache = cn_map_new(NULL)};
    b->oom = b->cache == NULL;
}

void jm_builder_fini(jm_builder_t *b) {
    for (size_t i = 0; i < b->nall; i++) {
        free(b->all[i]->subs);
        free(b->all[i]);
    }
    free(b->all);
    cn_map_free(b->cache);
    *b = (jm_builder_t){0};
}

const char *jm_crit_name(jm_crit_t c) {
    return c == JM_ALL ? "allOf" : c == JM_ANY ? "anyOf" : "oneOf";
}

static jm_t *jm_new(jm_builder_t *b, jm_kind_t kind, const json_t *src, const char *base,
                    int draft) {
    jm_t *m = calloc(1, sizeof(*m));
    if (m && b->nall == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        jm_t **v = realloc(b->all, cap * sizeof(*v));
        if (!v) {
            free(m);
            m = NULL;
        } else {
            b->all = v;
            b->cap = cap;
        }
    }
    if (!m) {
        b->oom = true;
        return NULL;
    }
    *m = (jm_t){.b = b, .kind = kind, .src = src, .base = base, .draft = draft};
    b->all[b->nall++] = m;
    return m;
}

static bool add_sub(jm_builder_t *b, jm_t *parent, jm_t *sub) {
    if (!sub)
        return false;
    jm_t **v = realloc(parent->subs, (parent->nsubs + 1) * sizeof(*v));
    if (!v) {
        b->oom = true;
        return false;
    }
    parent->subs = v;
    parent->subs[parent->nsubs++] = sub;
    return true;
}

/* Whether o has one of kws. From 2019-09 on (json-sKema), an empty "properties" is no keyword. */
static bool has_any(const json_t *o, const char *const *kws, int draft) {
    for (; *kws; kws++) {
        const json_t *v = json_object_get(o, *kws);
        if (v && !(draft >= COMPAT_JS_DRAFT2019 && strcmp(*kws, "properties") == 0 &&
                   json_is_object(v) && json_object_size(v) == 0))
            return true;
    }
    return false;
}

static jm_kind_t type_kind(const char *t, bool *integer) {
    static const struct {
        const char *name;
        jm_kind_t kind;
    } rows[] = {{"string", JM_STRING},   {"integer", JM_NUMBER}, {"number", JM_NUMBER},
                {"boolean", JM_BOOLEAN}, {"null", JM_NULL},      {"array", JM_ARRAY},
                {"object", JM_OBJECT}};
    *integer = strcmp(t, "integer") == 0;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (strcmp(rows[i].name, t) == 0)
            return rows[i].kind;
    return JM_EMPTY;
}

static jm_t *typed(jm_builder_t *b, const json_t *o, const char *t, const char *base, int draft) {
    bool integer;
    jm_t *m = jm_new(b, type_kind(t, &integer), o, base, draft);
    if (m)
        m->integer = integer;
    return m;
}

/* "type": a typed schema, or an anyOf of one typed schema per listed type. */
static jm_t *type_part(jm_builder_t *b, const json_t *o, const json_t *t, const char *base,
                       int draft, bool consumed[4]) {
    static const char *const groups[] = {"array", "object", "number", "string"};
    size_t i;
    json_t *e;
    jm_t *m;
    if (json_is_string(t)) {
        m = typed(b, o, json_string_value(t), base, draft);
    } else {
        m = jm_new(b, JM_COMBINED, o, base, draft);
        if (m)
            m->crit = JM_ANY;
        json_array_foreach(t, i, e) if (m && json_is_string(e))
            add_sub(b, m, typed(b, o, json_string_value(e), base, draft));
    }
    for (size_t g = 0; g < 4; g++) {
        if (json_is_string(t))
            consumed[g] |= strcmp(json_string_value(t), groups[g]) == 0 ||
                           (g == 2 && strcmp(json_string_value(t), "integer") == 0);
        else
            json_array_foreach(t, i, e) consumed[g] |=
                json_is_string(e) && (strcmp(json_string_value(e), groups[g]) == 0 ||
                                      (g == 2 && strcmp(json_string_value(e), "integer") == 0));
    }
    return m;
}

static size_t extract(jm_builder_t *b, const json_t *o, const char *base, int draft,
                      jm_t *parts[JM_MAX_PARTS]) {
    static const char *const crit_kw[] = {"allOf", "anyOf", "oneOf"};
    static const char *const *const sniff[] = {array_kw, object_kw, number_kw, string_kw};
    static const jm_kind_t sniff_kind[] = {JM_ARRAY, JM_OBJECT, JM_NUMBER, JM_STRING};
    size_t n = 0, i;
    json_t *v, *e;
    bool consumed[4] = {false};
    if ((v = json_object_get(o, "enum")))
        parts[n++] = jm_new(b, JM_ENUM, o, base, draft);
    for (int c = 0; c < 3; c++) {
        if (!(v = json_object_get(o, crit_kw[c])) || !json_is_array(v))
            continue;
        jm_t *m = parts[n++] = jm_new(b, JM_COMBINED, o, base, draft);
        if (m)
            m->crit = (jm_crit_t)c;
        json_array_foreach(v, i, e) if (m) add_sub(b, m, jm_of(b, e, base, draft));
    }
    if ((v = json_object_get(o, "not"))) {
        jm_t *m = parts[n++] = jm_new(b, JM_NOT, o, base, draft);
        if (m)
            add_sub(b, m, jm_of(b, v, base, draft));
    }
    if (draft >= COMPAT_JS_DRAFT6 && json_object_get(o, "const"))
        parts[n++] = jm_new(b, JM_CONST, o, base, draft);
    if ((v = json_object_get(o, "type")) && (json_is_string(v) || json_is_array(v)))
        parts[n++] = type_part(b, o, v, base, draft, consumed);
    for (int g = 0; g < 4; g++)
        if (!consumed[g] && has_any(o, sniff[g], draft))
            parts[n++] = jm_new(b, sniff_kind[g], o, base, draft);
    if (json_object_get(o, "if") || json_object_get(o, "then") || json_object_get(o, "else"))
        parts[n++] = jm_new(b, JM_COND, o, base, draft);
    return n;
}

static jm_t *build(jm_builder_t *b, const json_t *node, const char *base, int draft) {
    if (json_is_boolean(node))
        return jm_new(b, json_is_true(node) ? JM_TRUE : JM_FALSE, NULL, base, draft);
    if (!json_is_object(node))
        return jm_new(b, JM_EMPTY, NULL, base, draft);
    const js_node_t *info = js_node_get(b->s, node);
    if (info)
        base = info->base, draft = info->draft;
    jm_t *m;
    if (json_is_string(json_object_get(node, "$ref"))) {
        m = jm_new(b, JM_REF, node, base, draft);
    } else {
        jm_t *parts[JM_MAX_PARTS];
        size_t n = extract(b, node, base, draft, parts);
        for (size_t i = 0; i < n; i++)
            if (!parts[i])
                return NULL;
        if (n == 1) {
            m = parts[0];
        } else if (n == 0) {
            m = jm_new(b, JM_EMPTY, node, base, draft);
        } else {
            m = jm_new(b, JM_COMBINED, node, base, draft);
            for (size_t i = 0; m && i < n; i++)
                add_sub(b, m, parts[i]);
        }
    }
    if (m)
        m->common = true;
    return m;
}

jm_t *jm_of(jm_builder_t *b, const json_t *node, const char *base, int draft) {
    jm_t *m;
    if (!node || b->oom)
        return NULL;
    if ((m = cn_map_get(b->cache, &node, sizeof(node))))
        return m;
    /* JSON is a tree and "$ref" stays lazy, so building cannot reach node again. */
    m = build(b, node, base, draft);
    if (m && cn_map_put(b->cache, &node, sizeof(node), m) != CN_OK)
        b->oom = true;
    return b->oom ? NULL : m;
}

jm_t *jm_deref(jm_t *m) {
    for (int hops = 0; m && m->kind == JM_REF; hops++) {
        jm_builder_t *b = m->b;
        const char *tb = NULL;
        const json_t *ref = json_object_get(m->src, "$ref");
        const json_t *t = js_ref_lookup(b->s, m->base, json_string_value(ref), &tb);
        if (!t || hops >= JM_MAX_REF_HOPS)
            return NULL;
        m = jm_of(b, t, tb ? tb : m->base, m->draft);
    }
    return m;
}

jm_t *jm_child(const jm_t *m, const json_t *node) {
    return node ? jm_of(m->b, node, m->base, m->draft) : NULL;
}
