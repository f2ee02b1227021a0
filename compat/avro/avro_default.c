/* SPDX-License-Identifier: Apache-2.0
 *
 * Validation the parser applies beyond structure: field defaults against their type (Java's
 * isValidDefault: a union's default matches its first branch; stricter for enums, whose default
 * must be a symbol; float and double also take "NaN", "Infinity", "-Infinity"), decimal parameters,
 * and which logical types Java recognizes on a node.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compat/avro/avro_int.h"

static bool record_default_ok(const compat_avro_node_t *t, const json_t *v, int depth) {
    if (!json_is_object(v))
        return false;
    for (size_t i = 0; i < t->nfields; i++) {
        const compat_avro_field_t *f = &t->fields[i];
        const json_t *fv = json_object_get(v, f->name);
        if (fv ? !compat_avro_default_ok(f->type, fv, depth + 1) : !f->def)
            return false;
    }
    return true;
}

static bool enum_default_ok(const compat_avro_node_t *t, const json_t *v) {
    if (!compat_avro_jstr(v))
        return false;
    for (size_t i = 0; i < t->nsymbols; i++)
        if (strcmp(t->symbols[i], json_string_value(v)) == 0)
            return true;
    return false;
}

static bool array_default_ok(const compat_avro_node_t *t, const json_t *v, int depth) {
    size_t i;
    json_t *e;
    if (!json_is_array(v))
        return false;
    json_array_foreach((json_t *)v, i,
                       e) if (!compat_avro_default_ok(t->child, e, depth + 1)) return false;
    return true;
}

static bool map_default_ok(const compat_avro_node_t *t, const json_t *v, int depth) {
    const char *k;
    json_t *e;
    if (!json_is_object(v))
        return false;
    json_object_foreach((json_t *)v, k,
                        e) if (!compat_avro_default_ok(t->child, e, depth + 1)) return false;
    return true;
}

/* Java's isValidDefault also takes the strings "NaN", "Infinity" and "-Infinity" for float and
 * double (kept as strings: the canonical text prints them quoted, as Jackson prints a TextNode). */
static bool float_default_ok(const json_t *v) {
    static const char *const special[] = {"NaN", "Infinity", "-Infinity"};
    if (json_is_number(v))
        return true;
    for (size_t i = 0; compat_avro_jstr(v) && i < sizeof(special) / sizeof(special[0]); i++)
        if (strcmp(json_string_value(v), special[i]) == 0)
            return true;
    return false;
}

bool compat_avro_default_ok(const compat_avro_node_t *t, const json_t *v, int depth) {
    if (depth > COMPAT_AVRO_MAX_DEPTH * 2)
        return false;
    switch (t->kind) {
    case COMPAT_AVRO_NULL:
        return json_is_null(v);
    case COMPAT_AVRO_BOOLEAN:
        return json_is_boolean(v);
    case COMPAT_AVRO_INT:
        return json_is_integer(v) && json_integer_value(v) >= INT32_MIN &&
               json_integer_value(v) <= INT32_MAX;
    case COMPAT_AVRO_LONG:
        return json_is_integer(v);
    case COMPAT_AVRO_FLOAT:
    case COMPAT_AVRO_DOUBLE:
        return float_default_ok(v);
    case COMPAT_AVRO_BYTES:
    case COMPAT_AVRO_STRING:
    case COMPAT_AVRO_FIXED:
        return json_is_string(v);
    case COMPAT_AVRO_ENUM:
        return enum_default_ok(t, v);
    case COMPAT_AVRO_ARRAY:
        return array_default_ok(t, v, depth);
    case COMPAT_AVRO_MAP:
        return map_default_ok(t, v, depth);
    case COMPAT_AVRO_UNION:
        return t->nbranches > 0 && compat_avro_default_ok(t->branches[0], v, depth + 1);
    case COMPAT_AVRO_RECORD:
        return record_default_ok(t, v, depth);
    }
    return false;
}

/* ---- logical types ---- */

static int max_precision(int64_t size) {
    if (size <= 0)
        return 0;
    return (int)floor((double)(8 * size - 1) * log10(2.0));
}

static const char *logical_name(const compat_avro_node_t *n) {
    const json_t *lt = json_object_get(n->props, "logicalType");
    return compat_avro_jstr(lt); /* "decimal\u0000" is no logical type: a plain property */
}

bool compat_avro_decimal_ok(const compat_avro_node_t *n, char *msg, size_t cap) {
    const char *lt = logical_name(n);
    if (!lt || strcmp(lt, "decimal") != 0 ||
        (n->kind != COMPAT_AVRO_BYTES && n->kind != COMPAT_AVRO_FIXED))
        return true;
    const json_t *p = json_object_get(n->props, "precision");
    const json_t *s = json_object_get(n->props, "scale");
    if (!json_is_integer(p) || json_integer_value(p) <= 0) {
        snprintf(msg, cap, "Invalid decimal precision (must be a positive integer)");
        return false;
    }
    json_int_t prec = json_integer_value(p);
    if (n->kind == COMPAT_AVRO_FIXED && prec > max_precision(n->size)) {
        snprintf(msg, cap, "fixed(%lld) cannot store %lld digits (max %d)", (long long)n->size,
                 (long long)prec, max_precision(n->size));
        return false;
    }
    if (s && (!json_is_integer(s) || json_integer_value(s) < 0)) {
        snprintf(msg, cap, "Invalid decimal scale (must be a non-negative integer)");
        return false;
    }
    if (s && json_integer_value(s) > prec) {
        snprintf(msg, cap, "Invalid decimal scale: %lld (greater than precision: %lld)",
                 (long long)json_integer_value(s), (long long)prec);
        return false;
    }
    return true;
}

typedef struct logical_rule {
    const char *name;
    compat_avro_kind_t kind;
} logical_rule_t;

static const logical_rule_t logical_rules[] = {
    {"uuid", COMPAT_AVRO_STRING},
    {"date", COMPAT_AVRO_INT},
    {"time-millis", COMPAT_AVRO_INT},
    {"time-micros", COMPAT_AVRO_LONG},
    {"timestamp-millis", COMPAT_AVRO_LONG},
    {"timestamp-micros", COMPAT_AVRO_LONG},
    {"local-timestamp-millis", COMPAT_AVRO_LONG},
    {"local-timestamp-micros", COMPAT_AVRO_LONG},
};

const char *compat_avro_logical(const compat_avro_node_t *n) {
    const char *lt = logical_name(n);
    char msg[8];
    if (!lt)
        return NULL;
    if (strcmp(lt, "decimal") == 0)
        return (n->kind == COMPAT_AVRO_BYTES || n->kind == COMPAT_AVRO_FIXED) &&
                       compat_avro_decimal_ok(n, msg, sizeof(msg))
                   ? lt
                   : NULL;
    for (size_t i = 0; i < sizeof(logical_rules) / sizeof(logical_rules[0]); i++)
        if (strcmp(lt, logical_rules[i].name) == 0 && n->kind == logical_rules[i].kind)
            return lt;
    return NULL;
}
