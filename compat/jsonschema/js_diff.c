/* SPDX-License-Identifier: Apache-2.0
 *
 * Confluent's SchemaDiff for JSON Schema (json-schema-provider, package ...json.diff):
 * compare(original, update) over the model of js_model_int.h — references dereferenced, pairs in
 * progress counted as compatible (cycles), the one-side-combined rules (singleton, sum type
 * extended, product type narrowed), the class check, the common keywords, then per class:
 * strings, numbers, enum, const, not, combined (criteria, sizes, a maximum matching of
 * compatible subschemas). Objects and arrays are in js_diff_obj.c. Work is bounded by
 * JD_MAX_STEPS comparisons.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_diff_int.h"

/* ---- changes and paths ---- */

static void changes_push(jd_t *d, compat_js_changes_t *c, compat_js_change_t ch) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        compat_js_change_t *v = realloc(c->v, cap * sizeof(*v));
        if (!v) {
            free(ch.path);
            d->rc = CN_ERR_NO_MEMORY;
            return;
        }
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = ch;
}

void jd_add_ex(jd_t *d, const char *type, const char *seg, int lenient_ok) {
    char *p = NULL;
    bool root = d->plen == 2;
    if (asprintf(&p, "%s%s%s", d->path, seg && !root ? "/" : "", seg ? seg : "") < 0) {
        d->rc = CN_ERR_NO_MEMORY;
        return;
    }
    const char *t = js_diff_type(type);
    bool ok = js_diff_compatible(t, d->policy);
    if (lenient_ok >= 0 && d->policy == COMPAT_JS_LENIENT)
        ok = lenient_ok;
    changes_push(d, d->out, (compat_js_change_t){.type = t, .path = p, .compatible = ok});
}

void jd_add(jd_t *d, const char *type, const char *seg) {
    jd_add_ex(d, type, seg, -1);
}

size_t jd_enter(jd_t *d, const char *seg) {
    size_t mark = d->plen;
    int k = snprintf(d->path + d->plen, sizeof(d->path) - d->plen, "%s%s", d->plen == 2 ? "" : "/",
                     seg);
    if (k > 0)
        d->plen += (size_t)k < sizeof(d->path) - d->plen ? (size_t)k : 0;
    return mark;
}

void jd_leave(jd_t *d, size_t mark) {
    d->plen = mark;
    d->path[mark] = '\0';
}

static bool all_compatible(const compat_js_changes_t *c) {
    for (size_t i = 0; i < c->n; i++)
        if (!c->v[i].compatible)
            return false;
    return true;
}

bool jd_try(jd_t *d, jm_t *o, jm_t *u, compat_js_changes_t *tmp) {
    compat_js_changes_t *keep = d->out;
    d->out = tmp;
    jd_compare(d, o, u);
    d->out = keep;
    return all_compatible(tmp);
}

void jd_take(jd_t *d, compat_js_changes_t *tmp) {
    for (size_t i = 0; i < tmp->n; i++)
        changes_push(d, d->out, tmp->v[i]);
    free(tmp->v);
    *tmp = (compat_js_changes_t){0};
}

void compat_js_changes_fini(compat_js_changes_t *c) {
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].path);
    free(c->v);
    *c = (compat_js_changes_t){0};
}

/* ---- keyword helpers ---- */

static const json_t *kw(const jm_t *m, const char *k) {
    return m->src ? json_object_get(m->src, k) : NULL;
}

static void typed_name(char *out, size_t n, const char *prefix, const char *what) {
    snprintf(out, n, "%s_%s", prefix, what);
}

void jd_number_kw(jd_t *d, const jm_t *o, const jm_t *u, const char *k, const char *prefix) {
    const json_t *a = kw(o, k), *b = kw(u, k);
    char t[64];
    a = js_is_number(a) ? a : NULL;
    b = js_is_number(b) ? b : NULL;
    if (!a && !b)
        return;
    if (!a || !b)
        typed_name(t, sizeof(t), prefix, a ? "REMOVED" : "ADDED");
    else if (js_number(a) < js_number(b))
        typed_name(t, sizeof(t), prefix, "INCREASED");
    else if (js_number(a) > js_number(b))
        typed_name(t, sizeof(t), prefix, "DECREASED");
    else
        return;
    jd_add(d, t, k);
}

bool jm_is_emptyish(const jm_t *m) {
    return m && (m->kind == JM_EMPTY || m->kind == JM_TRUE);
}

static bool differ(const json_t *a, const json_t *b) {
    return (a == NULL) != (b == NULL) || (a && !js_equal(a, b));
}

static void common(jd_t *d, const jm_t *o, const jm_t *u) {
    if (!o->common || !u->common)
        return;
    /* 2019-09 and 2020-12 schemas reach SchemaDiff through json-sKema, which keeps no $id */
    const char *id = o->draft == COMPAT_JS_DRAFT4 ? "id" : "$id";
    if (o->draft < COMPAT_JS_DRAFT2019 &&
        differ(kw(o, id), kw(u, u->draft == COMPAT_JS_DRAFT4 ? "id" : "$id")))
        jd_add(d, "ID_CHANGED", NULL);
    if (differ(kw(o, "title"), kw(u, "title")))
        jd_add(d, "TITLE_CHANGED", NULL);
    if (differ(kw(o, "description"), kw(u, "description")))
        jd_add(d, "DESCRIPTION_CHANGED", NULL);
    if (differ(kw(o, "default"), kw(u, "default")))
        jd_add(d, "DEFAULT_CHANGED", NULL);
}

/* ---- per class ---- */

static void str_diff(jd_t *d, const jm_t *o, const jm_t *u) {
    jd_number_kw(d, o, u, "maxLength", "MAX_LENGTH");
    jd_number_kw(d, o, u, "minLength", "MIN_LENGTH");
    const json_t *a = kw(o, "pattern"), *b = kw(u, "pattern");
    if (a && !b)
        jd_add(d, "PATTERN_REMOVED", "pattern");
    else if (!a && b)
        jd_add(d, "PATTERN_ADDED", "pattern");
    else if (a && b && !js_equal(a, b))
        jd_add(d, "PATTERN_CHANGED", "pattern");
}

static bool is_multiple(double a, double b) {
    if (b == 0)
        return false;
    double q = a / b;
    return isfinite(q) && fabs(q - nearbyint(q)) < 1e-9;
}

static void multiple_of(jd_t *d, const jm_t *o, const jm_t *u) {
    const json_t *a = kw(o, "multipleOf"), *b = kw(u, "multipleOf");
    a = js_is_number(a) ? a : NULL;
    b = js_is_number(b) ? b : NULL;
    if (a && !b)
        jd_add(d, "MULTIPLE_OF_REMOVED", "multipleOf");
    else if (!a && b)
        jd_add(d, "MULTIPLE_OF_ADDED", "multipleOf");
    else if (!a || js_number(a) == js_number(b))
        return;
    else if (is_multiple(js_number(b), js_number(a)))
        jd_add(d, "MULTIPLE_OF_EXPANDED", "multipleOf");
    else if (is_multiple(js_number(a), js_number(b)))
        jd_add(d, "MULTIPLE_OF_REDUCED", "multipleOf");
    else
        jd_add(d, "MULTIPLE_OF_CHANGED", "multipleOf");
}

/* exclusiveMaximum: as upstream, "decreased" compares with the update's maximum. */
static void exclusive_max(jd_t *d, const jm_t *o, const jm_t *u) {
    const json_t *a = kw(o, "exclusiveMaximum"), *b = kw(u, "exclusiveMaximum");
    const json_t *umax = kw(u, "maximum");
    a = js_is_number(a) ? a : NULL;
    b = js_is_number(b) ? b : NULL;
    if (a && !b)
        jd_add(d, "EXCLUSIVE_MAXIMUM_REMOVED", "exclusiveMaximum");
    else if (!a && b)
        jd_add(d, "EXCLUSIVE_MAXIMUM_ADDED", "exclusiveMaximum");
    else if (!a)
        return;
    else if (js_number(a) < js_number(b))
        jd_add(d, "EXCLUSIVE_MAXIMUM_INCREASED", "exclusiveMaximum");
    else if (js_number(a) > (js_is_number(umax) ? js_number(umax) : js_number(b)))
        jd_add(d, "EXCLUSIVE_MAXIMUM_DECREASED", "exclusiveMaximum");
}

static void num_diff(jd_t *d, const jm_t *o, const jm_t *u) {
    jd_number_kw(d, o, u, "maximum", "MAXIMUM");
    jd_number_kw(d, o, u, "minimum", "MINIMUM");
    exclusive_max(d, o, u);
    jd_number_kw(d, o, u, "exclusiveMinimum", "EXCLUSIVE_MINIMUM");
    multiple_of(d, o, u);
    if (o->integer && !u->integer)
        jd_add(d, "TYPE_EXTENDED", NULL);
    else if (!o->integer && u->integer)
        jd_add(d, "TYPE_NARROWED", NULL);
}

static bool contains_all(const json_t *big, const json_t *small) {
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(small, i, x) {
        bool found = false;
        json_array_foreach(big, j, y) if (js_equal(x, y)) found = true;
        if (!found)
            return false;
    }
    return true;
}

static void enum_diff(jd_t *d, const jm_t *o, const jm_t *u) {
    const json_t *a = kw(o, "enum"), *b = kw(u, "enum");
    if (!json_is_array(a) || !json_is_array(b))
        return;
    bool up = contains_all(b, a), down = contains_all(a, b);
    if (up && down)
        return;
    jd_add(d,
           up     ? "ENUM_ARRAY_EXTENDED"
           : down ? "ENUM_ARRAY_NARROWED"
                  : "ENUM_ARRAY_CHANGED",
           "enum");
}

static void not_diff(jd_t *d, const jm_t *o, const jm_t *u) {
    compat_js_changes_t tmp = {0};
    size_t mark = jd_enter(d, "not");
    bool ok = o->nsubs && u->nsubs && jd_try(d, u->subs[0], o->subs[0], &tmp);
    jd_leave(d, mark);
    compat_js_changes_fini(&tmp);
    jd_add(d, ok ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED", "not");
}


static void same_class(jd_t *d, jm_t *o, jm_t *u) {
    common(d, o, u);
    switch (o->kind) {
    case JM_STRING:
        str_diff(d, o, u);
        break;
    case JM_NUMBER:
        num_diff(d, o, u);
        break;
    case JM_ENUM:
        enum_diff(d, o, u);
        break;
    case JM_CONST:
        if (!js_equal(kw(o, "const"), kw(u, "const")))
            jd_add(d, "ENUM_ARRAY_CHANGED", "const");
        break;
    case JM_NOT:
        not_diff(d, o, u);
        break;
    case JM_COMBINED:
        jd_combined(d, o, u);
        break;
    case JM_OBJECT:
        jd_object(d, o, u);
        break;
    case JM_ARRAY:
        jd_array(d, o, u);
        break;
    default:
        break;
    }
}

static bool bytes_type(const jm_t *m) {
    const json_t *t = kw(m, "connect.type");
    return json_is_string(t) && strcmp(json_string_value(t), "bytes") == 0;
}

/* Step 3: exactly one side combined. True when a rule decided. */
static bool one_side_combined(jd_t *d, jm_t *o, jm_t *u) {
    bool oc = o->kind == JM_COMBINED, uc = u->kind == JM_COMBINED;
    jm_t *c = uc ? u : o;
    if (oc == uc)
        return false;
    for (size_t i = 0; i < c->nsubs; i++) {
        compat_js_changes_t tmp = {0};
        bool single = c->nsubs == 1;
        if (!single && (uc ? c->crit == JM_ALL : c->crit != JM_ALL))
            return false;
        bool ok = uc ? jd_try(d, o, c->subs[i], &tmp) : jd_try(d, c->subs[i], u, &tmp);
        if (ok) {
            jd_take(d, &tmp);
            if (!single)
                jd_add(d, uc ? "SUM_TYPE_EXTENDED" : "PRODUCT_TYPE_NARROWED", NULL);
            return true;
        }
        compat_js_changes_fini(&tmp);
    }
    return false;
}

static bool same_kind(const jm_t *o, const jm_t *u) {
    return o->kind == u->kind;
}

static void compare_inner(jd_t *d, jm_t *o, jm_t *u) {
    if (one_side_combined(d, o, u))
        return;
    if (!same_kind(o, u)) {
        if (o->kind == JM_FALSE || jm_is_emptyish(u) || (bytes_type(o) && bytes_type(u)))
            return;
        jd_add(d, "TYPE_CHANGED", NULL);
        return;
    }
    same_class(d, o, u);
}

static bool in_progress(const jd_t *d, const jm_t *o, const jm_t *u) {
    for (size_t i = 0; i + 1 < d->nstack; i += 2)
        if (d->stack[i] == o && d->stack[i + 1] == u)
            return true;
    return false;
}

static bool push_pair(jd_t *d, const jm_t *o, const jm_t *u) {
    if (d->nstack + 2 > d->capstack) {
        size_t cap = d->capstack ? d->capstack * 2 : 32;
        const jm_t **v = realloc(d->stack, cap * sizeof(*v));
        if (!v)
            return false;
        d->stack = v;
        d->capstack = cap;
    }
    d->stack[d->nstack++] = o;
    d->stack[d->nstack++] = u;
    return true;
}

void jd_compare(jd_t *d, jm_t *o, jm_t *u) {
    if (d->rc != CN_OK || (!o && !u))
        return;
    if (!o || !u) {
        jd_add(d, o ? "SCHEMA_REMOVED" : "SCHEMA_ADDED", NULL);
        return;
    }
    bool oom = o->b->oom || u->b->oom;
    o = jm_deref(o);
    u = jm_deref(u);
    if (!o || !u) {
        d->rc = oom ? CN_ERR_NO_MEMORY : CN_ERR_INVALID_SCHEMA;
        return;
    }
    if (++d->steps > JD_MAX_STEPS || d->nstack / 2 >= COMPAT_JS_MAX_VALIDATE_DEPTH) {
        d->rc = CN_ERR_TOO_LARGE;
        return;
    }
    if (in_progress(d, o, u))
        return;
    if (!push_pair(d, o, u)) {
        d->rc = CN_ERR_NO_MEMORY;
        return;
    }
    compare_inner(d, o, u);
    d->nstack -= 2;
}

cn_err_t compat_js_diff(const compat_js_schema_t *original, const compat_js_schema_t *update,
                        compat_js_policy_t policy, compat_js_changes_t *out, cn_error_t *err) {
    jm_builder_t bo, bu;
    jm_builder_init(&bo, original);
    jm_builder_init(&bu, update);
    jd_t d = {.policy = policy, .out = out, .path = "#/", .plen = 2};
    jm_t *o = jm_of(&bo, original->root, "", compat_js_schema_draft(original));
    jm_t *u = jm_of(&bu, update->root, "", compat_js_schema_draft(update));
    if (!o || !u)
        d.rc = CN_ERR_NO_MEMORY;
    jd_compare(&d, o, u);
    free(d.stack);
    jm_builder_fini(&bo);
    jm_builder_fini(&bu);
    if (d.rc == CN_ERR_TOO_LARGE)
        return cn_error_set(err, d.rc, "schemas too large to compare");
    return d.rc == CN_OK ? CN_OK : cn_error_set(err, d.rc, NULL);
}
