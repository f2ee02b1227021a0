/* SPDX-License-Identifier: Apache-2.0
 *
 * Confluent's JSON Schema difference types (json-schema-provider, diff/Difference.Type): which
 * are compatible under the STRICT policy (the default) and under LENIENT (config
 * compatibilityPolicy), and the description each type carries in the registry's messages, with
 * the role words ("new"/"old") in its two slots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_diff_int.h"

typedef enum group {
    G_NONE,
    G_KEYWORD, /* added / removed keyword */
    G_MORE,
    G_LESS,
    G_VALUE,
    G_NARROW,
    G_EXTEND,
    G_TYPE,
    G_OPEN_ADDED,
    G_UNOPEN_REQUIRED,
    G_CLOSED_REMOVED,
    G_REMOVED_NOT_COVERED,
    G_ADDED_NOT_COVERED
} group_t;

typedef struct row {
    const char *name;
    bool strict, lenient;
    group_t group;
} row_t;

/* clang-format off */
static const row_t rows[] = {
    {"ID_CHANGED", 1, 1, G_NONE},
    {"DESCRIPTION_CHANGED", 1, 1, G_NONE},
    {"TITLE_CHANGED", 1, 1, G_NONE},
    {"DEFAULT_CHANGED", 1, 1, G_NONE},
    {"SCHEMA_ADDED", 0, 0, G_NONE},
    {"SCHEMA_REMOVED", 1, 1, G_NONE},
    {"TYPE_EXTENDED", 1, 1, G_NONE},
    {"TYPE_NARROWED", 0, 0, G_TYPE},
    {"TYPE_CHANGED", 0, 0, G_TYPE},
    {"MAX_LENGTH_ADDED", 0, 0, G_KEYWORD},
    {"MAX_LENGTH_REMOVED", 1, 1, G_NONE},
    {"MAX_LENGTH_INCREASED", 1, 1, G_NONE},
    {"MAX_LENGTH_DECREASED", 0, 0, G_LESS},
    {"MIN_LENGTH_ADDED", 0, 0, G_KEYWORD},
    {"MIN_LENGTH_REMOVED", 1, 1, G_NONE},
    {"MIN_LENGTH_INCREASED", 0, 0, G_MORE},
    {"MIN_LENGTH_DECREASED", 1, 1, G_NONE},
    {"PATTERN_ADDED", 0, 0, G_KEYWORD},
    {"PATTERN_REMOVED", 1, 1, G_NONE},
    {"PATTERN_CHANGED", 0, 0, G_VALUE},
    {"MAXIMUM_ADDED", 0, 0, G_KEYWORD},
    {"MAXIMUM_REMOVED", 1, 1, G_NONE},
    {"MAXIMUM_INCREASED", 1, 1, G_NONE},
    {"MAXIMUM_DECREASED", 0, 0, G_LESS},
    {"MINIMUM_ADDED", 0, 0, G_KEYWORD},
    {"MINIMUM_REMOVED", 1, 1, G_NONE},
    {"MINIMUM_INCREASED", 0, 0, G_MORE},
    {"MINIMUM_DECREASED", 1, 1, G_NONE},
    {"EXCLUSIVE_MAXIMUM_ADDED", 0, 0, G_KEYWORD},
    {"EXCLUSIVE_MAXIMUM_REMOVED", 1, 1, G_NONE},
    {"EXCLUSIVE_MAXIMUM_INCREASED", 1, 1, G_NONE},
    {"EXCLUSIVE_MAXIMUM_DECREASED", 0, 0, G_LESS},
    {"EXCLUSIVE_MINIMUM_ADDED", 0, 0, G_KEYWORD},
    {"EXCLUSIVE_MINIMUM_REMOVED", 1, 1, G_NONE},
    {"EXCLUSIVE_MINIMUM_INCREASED", 0, 0, G_MORE},
    {"EXCLUSIVE_MINIMUM_DECREASED", 1, 1, G_NONE},
    {"MULTIPLE_OF_ADDED", 0, 0, G_KEYWORD},
    {"MULTIPLE_OF_REMOVED", 1, 1, G_NONE},
    {"MULTIPLE_OF_EXPANDED", 0, 0, G_MORE},
    {"MULTIPLE_OF_REDUCED", 1, 1, G_NONE},
    {"MULTIPLE_OF_CHANGED", 0, 0, G_VALUE},
    {"REQUIRED_ATTRIBUTE_ADDED", 0, 0, G_KEYWORD},
    {"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", 1, 1, G_NONE},
    {"REQUIRED_ATTRIBUTE_REMOVED", 1, 1, G_NONE},
    {"DEPENDENCY_ARRAY_ADDED", 0, 0, G_KEYWORD},
    {"DEPENDENCY_ARRAY_REMOVED", 1, 1, G_NONE},
    {"DEPENDENCY_ARRAY_EXTENDED", 0, 0, G_EXTEND},
    {"DEPENDENCY_ARRAY_NARROWED", 1, 1, G_NONE},
    {"DEPENDENCY_ARRAY_CHANGED", 0, 0, G_VALUE},
    {"DEPENDENCY_SCHEMA_ADDED", 0, 0, G_KEYWORD},
    {"DEPENDENCY_SCHEMA_REMOVED", 1, 1, G_NONE},
    {"MAX_PROPERTIES_ADDED", 0, 0, G_KEYWORD},
    {"MAX_PROPERTIES_REMOVED", 1, 1, G_NONE},
    {"MAX_PROPERTIES_INCREASED", 1, 1, G_NONE},
    {"MAX_PROPERTIES_DECREASED", 0, 0, G_LESS},
    {"MIN_PROPERTIES_ADDED", 0, 0, G_KEYWORD},
    {"MIN_PROPERTIES_REMOVED", 1, 1, G_NONE},
    {"MIN_PROPERTIES_INCREASED", 0, 0, G_MORE},
    {"MIN_PROPERTIES_DECREASED", 1, 1, G_NONE},
    {"ADDITIONAL_PROPERTIES_ADDED", 1, 1, G_NONE},
    {"ADDITIONAL_PROPERTIES_REMOVED", 0, 1, G_KEYWORD},
    {"ADDITIONAL_PROPERTIES_EXTENDED", 1, 1, G_NONE},
    {"ADDITIONAL_PROPERTIES_NARROWED", 0, 1, G_NARROW},
    {"UNEVALUATED_PROPERTIES_ADDED", 1, 1, G_NONE},
    {"UNEVALUATED_PROPERTIES_REMOVED", 0, 1, G_KEYWORD},
    {"UNEVALUATED_PROPERTIES_EXTENDED", 1, 1, G_NONE},
    {"UNEVALUATED_PROPERTIES_NARROWED", 0, 1, G_NARROW},
    {"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", 0, 1, G_OPEN_ADDED},
    {"REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", 0, 0, G_OPEN_ADDED},
    {"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL", 0, 1, G_OPEN_ADDED},
    {"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", 0, 1, G_OPEN_ADDED},
    {"PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", 0, 0, G_UNOPEN_REQUIRED},
    {"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", 1, 1, G_NONE},
    {"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", 0, 1, G_CLOSED_REMOVED},
    {"PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", 0, 1, G_ADDED_NOT_COVERED},
    {"PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", 0, 1, G_REMOVED_NOT_COVERED},
    {"MAX_ITEMS_ADDED", 0, 0, G_KEYWORD},
    {"MAX_ITEMS_REMOVED", 1, 1, G_NONE},
    {"MAX_ITEMS_INCREASED", 1, 1, G_NONE},
    {"MAX_ITEMS_DECREASED", 0, 0, G_LESS},
    {"MIN_ITEMS_ADDED", 0, 0, G_KEYWORD},
    {"MIN_ITEMS_REMOVED", 1, 1, G_NONE},
    {"MIN_ITEMS_INCREASED", 0, 0, G_MORE},
    {"MIN_ITEMS_DECREASED", 1, 1, G_NONE},
    {"MAX_CONTAINS_ADDED", 0, 0, G_KEYWORD},
    {"MAX_CONTAINS_REMOVED", 1, 1, G_NONE},
    {"MAX_CONTAINS_INCREASED", 1, 1, G_NONE},
    {"MAX_CONTAINS_DECREASED", 0, 0, G_LESS},
    {"MIN_CONTAINS_ADDED", 0, 0, G_KEYWORD},
    {"MIN_CONTAINS_REMOVED", 1, 1, G_NONE},
    {"MIN_CONTAINS_INCREASED", 0, 0, G_MORE},
    {"MIN_CONTAINS_DECREASED", 1, 1, G_NONE},
    {"UNIQUE_ITEMS_ADDED", 0, 0, G_KEYWORD},
    {"UNIQUE_ITEMS_REMOVED", 1, 1, G_NONE},
    {"ADDITIONAL_ITEMS_ADDED", 1, 1, G_NONE},
    {"ADDITIONAL_ITEMS_REMOVED", 0, 0, G_KEYWORD},
    {"ADDITIONAL_ITEMS_EXTENDED", 1, 1, G_NONE},
    {"ADDITIONAL_ITEMS_NARROWED", 0, 0, G_NARROW},
    {"UNEVALUATED_ITEMS_ADDED", 1, 1, G_NONE},
    {"UNEVALUATED_ITEMS_REMOVED", 0, 0, G_KEYWORD},
    {"UNEVALUATED_ITEMS_EXTENDED", 1, 1, G_NONE},
    {"UNEVALUATED_ITEMS_NARROWED", 0, 0, G_NARROW},
    {"ITEM_ADDED_TO_OPEN_CONTENT_MODEL", 0, 0, G_OPEN_ADDED},
    {"ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", 1, 1, G_NONE},
    {"ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", 1, 1, G_NONE},
    {"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", 0, 0, G_CLOSED_REMOVED},
    {"ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", 0, 0, G_ADDED_NOT_COVERED},
    {"ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", 1, 1, G_NONE},
    {"ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", 0, 0, G_REMOVED_NOT_COVERED},
    {"ENUM_ARRAY_EXTENDED", 1, 1, G_NONE},
    {"ENUM_ARRAY_NARROWED", 0, 0, G_NARROW},
    {"ENUM_ARRAY_CHANGED", 0, 0, G_TYPE},
    {"COMBINED_TYPE_EXTENDED", 1, 1, G_NONE},
    {"COMBINED_TYPE_CHANGED", 0, 0, G_TYPE},
    {"COMBINED_TYPE_SUBSCHEMAS_CHANGED", 0, 0, G_TYPE},
    {"PRODUCT_TYPE_EXTENDED", 0, 0, G_EXTEND},
    {"PRODUCT_TYPE_NARROWED", 1, 1, G_NONE},
    {"SUM_TYPE_EXTENDED", 1, 1, G_EXTEND},
    {"SUM_TYPE_NARROWED", 0, 0, G_NARROW},
    {"NOT_TYPE_EXTENDED", 0, 0, G_EXTEND},
    {"NOT_TYPE_NARROWED", 1, 1, G_NONE},
};
/* clang-format on */

static const row_t *row_of(const char *type) {
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (strcmp(rows[i].name, type) == 0)
            return &rows[i];
    return NULL;
}

const char *js_diff_type(const char *type) {
    const row_t *r = row_of(type);
    assert(r);
    return r ? r->name : "UNKNOWN";
}

bool js_diff_compatible(const char *type, compat_js_policy_t policy) {
    const row_t *r = row_of(type);
    return r && (policy == COMPAT_JS_LENIENT ? r->lenient : r->strict);
}

/* Confluent's description templates by group: {p} the path, {R} and {W} the role words. */
static const char *const templates[] = {
    [G_NONE] = "",
    [G_KEYWORD] = "The keyword at path '{p}' in the {R} schema is not present in the {W} schema",
    [G_MORE] = "The value at path '{p}' in the {R} schema is more than its value in the {W} schema",
    [G_LESS] = "The value at path '{p}' in the {R} schema is less than its value in the {W} schema",
    [G_VALUE] = "The value at path '{p}' is different between the {R} and {W} schema",
    [G_NARROW] = "An array or combined type at path '{p}' has fewer elements in the {R} schema "
                 "than the {W} schema",
    [G_EXTEND] = "An array or combined type at path '{p}' has more elements in the {R} schema "
                 "than the {W} schema",
    [G_TYPE] = "A type at path '{p}' is different between the {R} schema and the {W} schema",
    [G_OPEN_ADDED] = "The {R} schema has an open content model and has a property or item at "
                     "path '{p}' which is missing in the {W} schema",
    [G_UNOPEN_REQUIRED] = "The {R} schema has an unopen content model and has a required "
                          "property at path '{p}' which is missing in the {W} schema",
    [G_CLOSED_REMOVED] = "The {R} has a closed content model and is missing a property or item "
                         "present at path '{p}' in the {W} schema",
    [G_REMOVED_NOT_COVERED] = "A property or item is missing in the {R} schema but present at "
                              "path '{p}' in the {W} schema and is not covered by its partially "
                              "open content model",
    [G_ADDED_NOT_COVERED] = "The {R} schema has a property or item at path '{p}' which is missing "
                            "in the {W} schema and is not covered by its partially open content "
                            "model",
};

char *compat_js_describe(const char *type, const char *p, const char *rw, const char *ww) {
    const row_t *r = row_of(type);
    const char *t = templates[r ? r->group : G_NONE];
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    for (; *t; t++) {
        const char *slot = NULL;
        if (t[0] == '{' && t[1] && t[2] == '}')
            slot = t[1] == 'p' ? p : t[1] == 'R' ? rw : t[1] == 'W' ? ww : NULL;
        if (slot) {
            cn_buf_put_str(&b, slot);
            t += 2;
        } else {
            cn_buf_put(&b, t, 1);
        }
    }
    cn_buf_put(&b, "", 0);
    char *out = cn_buf_cstr(&b) ? (char *)cn_buf_steal(&b, NULL) : strdup("");
    cn_buf_fini(&b);
    return out;
}
