/* SPDX-License-Identifier: Apache-2.0
 *
 * SchemaDiff of objects and arrays (Confluent's ObjectSchemaDiff and ArraySchemaDiff): required
 * attributes, properties against open, closed and partially open content models (a property
 * removed or added is judged by the other side's model: open, covered by a pattern or the
 * additional-properties schema, or closed), dependencies, additional/unevaluated properties,
 * counts; for arrays the single items schema, tuple positions against the same three content
 * models, additional/unevaluated items, counts, uniqueItems.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_diff_int.h"

static const json_t *kw(const jm_t *m, const char *k) {
    return m->src ? json_object_get(m->src, k) : NULL;
}

static const json_t *obj_kw(const jm_t *m, const char *k) {
    const json_t *v = kw(m, k);
    return json_is_object(v) ? v : NULL;
}

/* ---- content models ---- */

typedef enum model { OPEN, PARTIAL, CLOSED } model_t;

/* The additional schema of a keyword ("additionalProperties"): NULL when absent or true. */
static const json_t *extra_schema(const jm_t *m, const char *k) {
    const json_t *v = kw(m, k);
    return json_is_object(v) ? v : NULL;
}

static bool extra_forbidden(const jm_t *m, const char *k) {
    return json_is_false(kw(m, k));
}

static model_t content_model(const jm_t *m, const char *add, const char *unev, bool patterns) {
    if (patterns || extra_schema(m, add) || extra_schema(m, unev))
        return PARTIAL;
    if (extra_forbidden(m, add) || extra_forbidden(m, unev))
        return CLOSED;
    return OPEN;
}

static model_t object_model(const jm_t *m) {
    return content_model(m, "additionalProperties", "unevaluatedProperties",
                         obj_kw(m, "patternProperties") != NULL);
}

/* The schema that covers a property name in a partially open object, or NULL. */
static jm_t *covering(const jm_t *m, const char *name) {
    const json_t *pp = obj_kw(m, "patternProperties"), *sub;
    const char *pat;
    json_object_foreach((json_t *)pp, pat, sub) {
        const pcre2_code *re = js_regex_get(m->b->s, pat);
        if (re && js_regex_search(re, name, strlen(name)) == 1)
            return jm_child(m, sub);
    }
    const json_t *x = extra_schema(m, "additionalProperties");
    if (!x)
        x = extra_schema(m, "unevaluatedProperties");
    return x ? jm_child(m, x) : NULL;
}

static bool covered(jd_t *d, jm_t *o, jm_t *u) {
    compat_js_changes_t tmp = {0};
    bool ok = jd_try(d, o, u, &tmp);
    jd_take(d, &tmp);
    return ok;
}

static bool is_required(const jm_t *m, const char *name) {
    const json_t *r = kw(m, "required"), *e;
    size_t i;
    json_array_foreach((json_t *)r, i, e) if (json_is_string(e) &&
                                              strcmp(json_string_value(e), name) == 0) return true;
    return false;
}

static bool has_default(const jm_t *m) {
    return m && m->src && json_object_get(m->src, "default");
}

/* ---- properties ---- */

static void prop_removed(jd_t *d, jm_t *op, const jm_t *u, const char *name) {
    model_t um = object_model(u);
    jm_t *cov = um == PARTIAL ? covering(u, name) : NULL;
    if (um == OPEN)
        jd_add(d, "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", NULL);
    else if (cov)
        jd_add(d,
               covered(d, op, cov) ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                   : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
               NULL);
    else
        jd_add(d,
               op && op->kind == JM_FALSE ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                                          : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
               NULL);
}

static void prop_added(jd_t *d, const jm_t *o, jm_t *up, const jm_t *u, const char *name) {
    model_t om = object_model(o);
    bool req = is_required(u, name), dflt = has_default(up);
    if (om == OPEN) {
        if (jm_is_emptyish(jm_deref(up)))
            jd_add(d, "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", NULL);
        else /* Confluent 8.1 names all three variants so; LENIENT tells them apart */
            jd_add_ex(d, "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", NULL, !req || dflt);
        return;
    }
    jm_t *cov = om == PARTIAL ? covering(o, name) : NULL;
    if (cov)
        jd_add(d,
               covered(d, cov, up) ? "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                   : "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
               NULL);
    jd_add(d,
           !req   ? "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
           : dflt ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
                  : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
           NULL);
}

static void properties(jd_t *d, jm_t *o, jm_t *u) {
    const json_t *op = obj_kw(o, "properties"), *up = obj_kw(u, "properties"), *v;
    const char *name;
    char seg[600];
    json_object_foreach((json_t *)op, name, v) {
        snprintf(seg, sizeof(seg), "properties/%s", name);
        size_t mark = jd_enter(d, seg);
        const json_t *w = json_object_get(up, name);
        if (w)
            jd_compare(d, jm_child(o, v), jm_child(u, w));
        else
            prop_removed(d, jm_child(o, v), u, name);
        jd_leave(d, mark);
    }
    json_object_foreach((json_t *)up, name, v) {
        if (json_object_get(op, name))
            continue;
        snprintf(seg, sizeof(seg), "properties/%s", name);
        size_t mark = jd_enter(d, seg);
        prop_added(d, o, jm_child(u, v), u, name);
        jd_leave(d, mark);
    }
}

static void required(jd_t *d, const jm_t *o, const jm_t *u) {
    const json_t *op = obj_kw(o, "properties"), *up = obj_kw(u, "properties"), *v;
    const char *name;
    char seg[600];
    json_object_foreach((json_t *)op, name, v) {
        const json_t *w = json_object_get(up, name);
        bool ro = is_required(o, name), ru = is_required(u, name);
        if (!w || ro == ru)
            continue;
        snprintf(seg, sizeof(seg), "required/%s", name);
        if (ro)
            jd_add(d, "REQUIRED_ATTRIBUTE_REMOVED", seg);
        else
            jd_add(d,
                   json_object_get(w, "default") ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                                                 : "REQUIRED_ATTRIBUTE_ADDED",
                   seg);
    }
}

/* ---- dependencies ---- */

static bool strings_within(const json_t *small, const json_t *big) {
    size_t i, j;
    json_t *x, *y;
    json_array_foreach((json_t *)small, i, x) {
        bool found = false;
        json_array_foreach((json_t *)big, j, y) found |= js_equal(x, y);
        if (!found)
            return false;
    }
    return true;
}

static void dep_array(jd_t *d, const json_t *a, const json_t *b, const char *seg) {
    if (!a || !b) {
        jd_add(d, a ? "DEPENDENCY_ARRAY_REMOVED" : "DEPENDENCY_ARRAY_ADDED", seg);
        return;
    }
    bool up = strings_within(a, b), down = strings_within(b, a);
    if (!(up && down))
        jd_add(d,
               up     ? "DEPENDENCY_ARRAY_EXTENDED"
               : down ? "DEPENDENCY_ARRAY_NARROWED"
                      : "DEPENDENCY_ARRAY_CHANGED",
               seg);
}

static void dep_schema(jd_t *d, jm_t *o, jm_t *u, const json_t *a, const json_t *b,
                       const char *seg) {
    if (!a || !b) {
        jd_add(d, a ? "DEPENDENCY_SCHEMA_REMOVED" : "DEPENDENCY_SCHEMA_ADDED", seg);
        return;
    }
    size_t mark = jd_enter(d, seg);
    jd_compare(d, jm_child(o, a), jm_child(u, b));
    jd_leave(d, mark);
}

/* One dependency name: arrays and schemas are two separate maps upstream. */
static void dependency(jd_t *d, jm_t *o, jm_t *u, const json_t *a, const json_t *b,
                       const char *name) {
    char seg[600];
    snprintf(seg, sizeof(seg), "dependencies/%s", name);
    const json_t *aa = json_is_array(a) ? a : NULL, *ba = json_is_array(b) ? b : NULL;
    const json_t *as = a && !aa ? a : NULL, *bs = b && !ba ? b : NULL;
    if (aa || ba)
        dep_array(d, aa, ba, seg);
    if (as || bs)
        dep_schema(d, o, u, as, bs, seg);
}

static void dependencies_kw(jd_t *d, jm_t *o, jm_t *u, const char *k) {
    const json_t *a = obj_kw(o, k), *b = obj_kw(u, k), *v;
    const char *name;
    json_object_foreach((json_t *)a, name, v)
        dependency(d, o, u, v, json_object_get(b, name), name);
    json_object_foreach((json_t *)b, name, v) if (!json_object_get(a, name))
        dependency(d, o, u, NULL, v, name);
}

/* ---- additional / unevaluated ---- */

static void extra(jd_t *d, jm_t *o, jm_t *u, const char *k, const char *prefix);

/* additionalProperties-like keyword k with Confluent's PREFIX_ADDED/_REMOVED (permission),
 * _NARROWED/_EXTENDED (schema appears / disappears) or a comparison of both schemas. */
static void extra_kw(jd_t *d, jm_t *o, jm_t *u, const char *ko, const char *ku, const char *label,
                     const char *prefix) {
    bool po = !extra_forbidden(o, ko), pu = !extra_forbidden(u, ku);
    const json_t *so = extra_schema(o, ko), *su = extra_schema(u, ku);
    char t[64];
    if (po != pu) {
        snprintf(t, sizeof(t), "%s_%s", prefix, pu ? "ADDED" : "REMOVED");
        jd_add(d, t, label);
    } else if (po && (so || su)) {
        if (!so || !su) {
            snprintf(t, sizeof(t), "%s_%s", prefix, su ? "NARROWED" : "EXTENDED");
            jd_add(d, t, label);
            return;
        }
        size_t mark = jd_enter(d, label);
        jd_compare(d, jm_child(o, so), jm_child(u, su));
        jd_leave(d, mark);
    }
}

static void extra(jd_t *d, jm_t *o, jm_t *u, const char *k, const char *prefix) {
    extra_kw(d, o, u, k, k, k, prefix);
}

void jd_object(jd_t *d, jm_t *o, jm_t *u) {
    required(d, o, u);
    properties(d, o, u);
    dependencies_kw(d, o, u, "dependencies");
    dependencies_kw(d, o, u, "dependentRequired");
    dependencies_kw(d, o, u, "dependentSchemas");
    extra(d, o, u, "additionalProperties", "ADDITIONAL_PROPERTIES");
    extra(d, o, u, "unevaluatedProperties", "UNEVALUATED_PROPERTIES");
    jd_number_kw(d, o, u, "maxProperties", "MAX_PROPERTIES");
    jd_number_kw(d, o, u, "minProperties", "MIN_PROPERTIES");
}

/* ---- arrays ---- */

/* 2020-12 spells the tuple prefixItems and the rest items. */
static const json_t *tuple(const jm_t *m) {
    const json_t *t = kw(m, m->draft >= COMPAT_JS_DRAFT2020 ? "prefixItems" : "items");
    return json_is_array(t) ? t : NULL;
}

/* The keyword of the items after the tuple: 2020-12's "items" after prefixItems, or a boolean
 * "items" alone (json-sKema maps both onto everit's additional items). */
static const char *rest_kw(const jm_t *m) {
    bool modern = m->draft >= COMPAT_JS_DRAFT2020;
    return modern && (tuple(m) || json_is_boolean(kw(m, "items"))) ? "items" : "additionalItems";
}

static model_t array_model(const jm_t *m) {
    return content_model(m, rest_kw(m), "unevaluatedItems", false);
}

static void item_removed(jd_t *d, jm_t *oi, const jm_t *u) {
    model_t um = array_model(u);
    const json_t *x = extra_schema(u, rest_kw(u));
    if (um == OPEN)
        jd_add(d, "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", NULL);
    else if (um == PARTIAL && x)
        jd_add(d,
               covered(d, oi, jm_child(u, x))
                   ? "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                   : "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
               NULL);
    else
        jd_add(d,
               oi && oi->kind == JM_FALSE ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                                          : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
               NULL);
}

static void item_added(jd_t *d, const jm_t *o, jm_t *ui) {
    model_t om = array_model(o);
    const json_t *x = extra_schema(o, rest_kw(o));
    if (om == OPEN)
        jd_add(d,
               jm_is_emptyish(jm_deref(ui)) ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                                            : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
               NULL);
    else if (om == PARTIAL && x)
        jd_add(d,
               covered(d, jm_child(o, x), ui)
                   ? "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                   : "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
               NULL);
    else
        jd_add(d, "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", NULL);
}

static void tuples(jd_t *d, jm_t *o, jm_t *u) {
    const json_t *a = tuple(o), *b = tuple(u);
    size_t na = json_array_size(a), nb = json_array_size(b);
    for (size_t i = 0; i < na || i < nb; i++) {
        char seg[32];
        snprintf(seg, sizeof(seg), "items/%zu", i);
        size_t mark = jd_enter(d, seg);
        if (i < na && i < nb)
            jd_compare(d, jm_child(o, json_array_get(a, i)), jm_child(u, json_array_get(b, i)));
        else if (i < na)
            item_removed(d, jm_child(o, json_array_get(a, i)), u);
        else
            item_added(d, o, jm_child(u, json_array_get(b, i)));
        jd_leave(d, mark);
    }
}

static const json_t *all_items(const jm_t *m) {
    const json_t *v = kw(m, "items");
    if (m->draft >= COMPAT_JS_DRAFT2020)
        return tuple(m) || !json_is_object(v) ? NULL : v;
    return json_is_object(v) || json_is_boolean(v) ? v : NULL;
}

void jd_array(jd_t *d, jm_t *o, jm_t *u) {
    const json_t *a = all_items(o), *b = all_items(u);
    if (a || b) {
        size_t mark = jd_enter(d, "items");
        jd_compare(d, jm_child(o, a), jm_child(u, b));
        jd_leave(d, mark);
    }
    tuples(d, o, u);
    extra_kw(d, o, u, rest_kw(o), rest_kw(u), "additionalItems", "ADDITIONAL_ITEMS");
    extra(d, o, u, "unevaluatedItems", "UNEVALUATED_ITEMS");
    jd_number_kw(d, o, u, "maxItems", "MAX_ITEMS");
    jd_number_kw(d, o, u, "minItems", "MIN_ITEMS");
    jd_number_kw(d, o, u, "maxContains", "MAX_CONTAINS");
    jd_number_kw(d, o, u, "minContains", "MIN_CONTAINS");
    bool uo = json_is_true(kw(o, "uniqueItems")), uu = json_is_true(kw(u, "uniqueItems"));
    if (uo != uu)
        jd_add(d, uu ? "UNIQUE_ITEMS_ADDED" : "UNIQUE_ITEMS_REMOVED", "uniqueItems");
}
