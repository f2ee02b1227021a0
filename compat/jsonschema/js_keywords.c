/* SPDX-License-Identifier: Apache-2.0
 *
 * What the loader knows of keywords: the group each validation keyword belongs to (so the
 * validator skips absent groups), and the shape of the keyword values everit-json-schema checks
 * when it loads a schema (JSON Schema Validation §6: counts are non-negative integers, bounds are
 * numbers, multipleOf is positive, type names are the seven primitive types, ...).
 */
#include <string.h>

#include "compat/jsonschema/js_int.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *kw;
    unsigned g;
} rows[] = {{"$ref", JG_REF},
            {"$dynamicRef", JG_REF},
            {"$recursiveRef", JG_REF},
            {"type", JG_TYPE},
            {"enum", JG_ENUM},
            {"const", JG_ENUM},
            {"allOf", JG_APPLY},
            {"anyOf", JG_APPLY},
            {"oneOf", JG_APPLY},
            {"not", JG_APPLY},
            {"if", JG_APPLY},
            {"multipleOf", JG_NUM},
            {"maximum", JG_NUM},
            {"minimum", JG_NUM},
            {"exclusiveMaximum", JG_NUM},
            {"exclusiveMinimum", JG_NUM},
            {"maxLength", JG_STR},
            {"minLength", JG_STR},
            {"pattern", JG_STR},
            {"format", JG_STR},
            {"contentEncoding", JG_STR},
            {"contentMediaType", JG_STR},
            {"maxProperties", JG_OBJ},
            {"minProperties", JG_OBJ},
            {"required", JG_OBJ},
            {"properties", JG_OBJ},
            {"patternProperties", JG_OBJ},
            {"additionalProperties", JG_OBJ},
            {"dependencies", JG_OBJ},
            {"dependentRequired", JG_OBJ},
            {"dependentSchemas", JG_OBJ},
            {"propertyNames", JG_OBJ},
            {"maxItems", JG_ARR},
            {"minItems", JG_ARR},
            {"uniqueItems", JG_ARR},
            {"items", JG_ARR},
            {"prefixItems", JG_ARR},
            {"additionalItems", JG_ARR},
            {"contains", JG_ARR},
            {"unevaluatedProperties", JG_UNEV},
            {"unevaluatedItems", JG_UNEV}};

unsigned js_keyword_group(const char *kw) {
    for (size_t i = 0; i < N(rows); i++)
        if (strcmp(rows[i].kw, kw) == 0)
            return rows[i].g;
    return 0;
}

static bool type_name_ok(const json_t *t) {
    static const char *const names[] = {"string", "number", "integer", "boolean",
                                        "object", "array",  "null"};
    if (!json_is_string(t))
        return false;
    for (size_t i = 0; i < N(names); i++)
        if (strcmp(names[i], json_string_value(t)) == 0)
            return true;
    return false;
}

static bool strings_only(const json_t *a) {
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) if (!json_is_string(e)) return false;
    return json_is_array(a);
}

/* The shape of the keywords whose value everit checks when it loads a schema; a malformed one
 * is an invalid schema, with its keyword path. */
cn_err_t js_check_shapes(const json_t *node, const char *path, cn_error_t *err) {
    static const char *const nonneg[] = {"maxLength",   "minLength",     "maxItems",
                                         "minItems",    "maxProperties", "minProperties",
                                         "maxContains", "minContains"};
    static const char *const numbers[] = {"maximum", "minimum", "multipleOf"};
    const json_t *v;
    size_t i;
    json_t *e;
    for (i = 0; i < N(nonneg); i++)
        if ((v = json_object_get(node, nonneg[i])) &&
            !(json_is_integer(v) && json_integer_value(v) >= 0) &&
            !(json_is_real(v) && json_real_value(v) >= 0 &&
              json_real_value(v) == (double)(json_int_t)json_real_value(v)))
            return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                                "%s at %.200s must be a non-negative integer", nonneg[i], path);
    for (i = 0; i < N(numbers); i++)
        if ((v = json_object_get(node, numbers[i])) && !json_is_number(v))
            return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "%s at %.200s must be a number",
                                numbers[i], path);
    if ((v = json_object_get(node, "multipleOf")) && js_number(v) <= 0)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "multipleOf at %.200s must be greater than 0", path);
    if ((v = json_object_get(node, "type")) && !type_name_ok(v)) {
        bool ok = json_is_array(v);
        json_array_foreach(v, i, e) ok = ok && type_name_ok(e);
        if (!ok)
            return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "unknown type at %.200s", path);
    }
    if ((v = json_object_get(node, "required")) && !json_is_boolean(v) && !strings_only(v))
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "required at %.200s must be an array of strings", path);
    if ((v = json_object_get(node, "enum")) && !json_is_array(v))
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "enum at %.200s must be an array", path);
    if ((v = json_object_get(node, "pattern")) && !json_is_string(v))
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "pattern at %.200s must be a string", path);
    if ((v = json_object_get(node, "properties")) && !json_is_object(v))
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "properties at %.200s must be an object",
                            path);
    return CN_OK;
}
