/* SPDX-License-Identifier: Apache-2.0
 *
 * The validator's object keywords (JSON Schema Validation §6.5, Core §10.3.2): properties,
 * patternProperties, additionalProperties, required, min/maxProperties, dependencies (drafts
 * 4-7), dependentRequired and dependentSchemas (2019-09+), propertyNames, and the annotations
 * "unevaluatedProperties" reads (Core 2020-12 §11.3), kept in js_eval_t.
 */
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_valid_int.h"

bool js_eval_prop(js_eval_t *ev, const char *name) {
    if (!ev || js_eval_has_prop(ev, name))
        return true;
    if (ev->np == ev->capp) {
        size_t cap = ev->capp ? ev->capp * 2 : 8;
        const char **v = realloc(ev->props, cap * sizeof(*v));
        if (!v)
            return false;
        ev->props = v;
        ev->capp = cap;
    }
    ev->props[ev->np++] = name;
    return true;
}

bool js_eval_has_prop(const js_eval_t *ev, const char *name) {
    if (ev->all_props)
        return true;
    for (size_t i = 0; i < ev->np; i++)
        if (ev->props[i] == name || strcmp(ev->props[i], name) == 0)
            return true;
    return false;
}

void js_eval_merge(js_eval_t *into, const js_eval_t *from) {
    into->all_props |= from->all_props;
    for (size_t i = 0; i < from->np; i++)
        js_eval_prop(into, from->props[i]);
    into->all_items |= from->all_items;
    if (from->items > into->items)
        into->items = from->items;
    if (from->nflags && !into->item_flags && (into->item_flags = calloc(from->nflags, 1)))
        into->nflags = from->nflags;
    for (size_t i = 0; i < from->nflags && i < into->nflags; i++)
        into->item_flags[i] |= from->item_flags[i];
}

void js_eval_fini(js_eval_t *ev) {
    free(ev->props);
    free(ev->item_flags);
    *ev = (js_eval_t){0};
}

/* Validate a member value with a fresh annotation set (a new instance location). */
static bool v_member(js_vctx_t *c, const js_at_t *at, const json_t *sub, const char *name,
                     const json_t *val) {
    js_eval_t child = {0};
    size_t mark = js_vpush(c, name);
    bool ok = js_v(c, sub, at, val, c->s->unevaluated ? &child : NULL);
    js_vpop(c, mark);
    js_eval_fini(&child);
    return ok;
}

/* properties, patternProperties, additionalProperties for one member. */
static bool v_prop(js_vctx_t *c, const js_at_t *at, const char *name, const json_t *val,
                   js_eval_t *ev) {
    const json_t *props = js_kw(at, "properties"), *pp = js_kw(at, "patternProperties"), *sub;
    bool matched = false;
    if (json_is_object(props) && (sub = json_object_get(props, name))) {
        matched = true;
        if (!v_member(c, at, sub, name, val))
            return false;
    }
    if (json_is_object(pp)) {
        const char *pat;
        json_t *psub;
        json_object_foreach((json_t *)pp, pat, psub) {
            int m = js_vregex(c, pat, name, strlen(name));
            if (m < 0)
                return false;
            if (m == 1) {
                matched = true;
                if (!v_member(c, at, psub, name, val))
                    return false;
            }
        }
    }
    if (!matched && (sub = js_kw(at, "additionalProperties"))) {
        if (json_is_false(sub))
            return js_vfail(c, "property '%.100s' is not allowed", name);
        if (!v_member(c, at, sub, name, val))
            return false;
        matched = true;
    }
    return !matched || js_eval_prop(ev, name);
}

static bool v_required(js_vctx_t *c, const json_t *req, const json_t *inst) {
    size_t i;
    json_t *e;
    json_array_foreach(
        req, i,
        e) if (json_is_string(e) &&
               !json_object_get(inst,
                                json_string_value(
                                    e))) return js_vfail(c, "required property '%.100s' is missing",
                                                         json_string_value(e));
    return true;
}

static bool v_dependency(js_vctx_t *c, const js_at_t *at, const json_t *dep, const json_t *inst,
                         js_eval_t *ev, bool schemas_only, bool arrays_only) {
    if (json_is_array(dep))
        return schemas_only || v_required(c, dep, inst);
    if (arrays_only)
        return true;
    js_eval_t local = {0};
    bool ok = js_v(c, dep, at, inst, ev ? &local : NULL);
    if (ok && ev)
        js_eval_merge(ev, &local);
    js_eval_fini(&local);
    return ok;
}

static bool v_dependencies(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    static const struct {
        const char *kw;
        int min_draft, max_draft;
        bool schemas_only, arrays_only;
    } kws[] = {{"dependencies", 0, COMPAT_JS_DRAFT7, false, false},
               {"dependentRequired", COMPAT_JS_DRAFT2019, 9999, false, true},
               {"dependentSchemas", COMPAT_JS_DRAFT2019, 9999, true, false}};
    for (size_t k = 0; k < sizeof(kws) / sizeof(kws[0]); k++) {
        const json_t *d = js_kw(at, kws[k].kw), *dep;
        const char *name;
        if (!json_is_object(d) || at->draft < kws[k].min_draft || at->draft > kws[k].max_draft)
            continue;
        json_object_foreach((json_t *)d, name, dep) {
            if (json_object_get(inst, name) &&
                !v_dependency(c, at, dep, inst, ev, kws[k].schemas_only, kws[k].arrays_only))
                return false;
        }
    }
    return true;
}

static bool v_names(js_vctx_t *c, const js_at_t *at, const json_t *inst) {
    const json_t *pn = js_kw(at, "propertyNames");
    const char *name;
    json_t *v;
    if (!pn || at->draft < COMPAT_JS_DRAFT6)
        return true;
    json_object_foreach((json_t *)inst, name, v) {
        json_t *key = json_string(name);
        size_t mark = js_vpush(c, name);
        bool ok = key && js_v(c, pn, at, key, NULL);
        js_vpop(c, mark);
        json_decref(key);
        if (!ok)
            return js_vfail(c, "property name '%.100s' does not match propertyNames", name);
    }
    return true;
}

bool js_v_object(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    const json_t *k;
    size_t n = json_object_size(inst);
    if ((k = js_kw(at, "maxProperties")) && js_is_number(k) && (double)n > js_number(k))
        return js_vfail(c, "%zu properties, more than maxProperties %g", n, js_number(k));
    if ((k = js_kw(at, "minProperties")) && js_is_number(k) && (double)n < js_number(k))
        return js_vfail(c, "%zu properties, fewer than minProperties %g", n, js_number(k));
    if ((k = js_kw(at, "required")) && json_is_array(k) && !v_required(c, k, inst))
        return false;
    const char *name;
    json_t *val;
    json_object_foreach((json_t *)inst, name, val) if (!v_prop(c, at, name, val, ev)) return false;
    return v_dependencies(c, at, inst, ev) && v_names(c, at, inst);
}

static bool v_unevaluated_props(js_vctx_t *c, const js_at_t *at, const json_t *inst,
                                js_eval_t *ev) {
    const json_t *u = js_kw(at, "unevaluatedProperties");
    const char *name;
    json_t *val;
    if (!u || !json_is_object(inst))
        return true;
    json_object_foreach((json_t *)inst, name, val) {
        if (ev && js_eval_has_prop(ev, name))
            continue;
        if (json_is_false(u))
            return js_vfail(c, "property '%.100s' is unevaluated and not allowed", name);
        if (!v_member(c, at, u, name, val))
            return false;
        js_eval_prop(ev, name);
    }
    return true;
}

bool js_v_unevaluated(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    if (!v_unevaluated_props(c, at, inst, ev))
        return false;
    const json_t *u = js_kw(at, "unevaluatedItems");
    if (!u || !json_is_array(inst))
        return true;
    size_t i;
    json_t *item;
    json_array_foreach(inst, i, item) {
        if (ev && (ev->all_items || i < ev->items || (i < ev->nflags && ev->item_flags[i])))
            continue;
        js_eval_t child = {0};
        size_t mark = js_vpush_index(c, i);
        bool ok = js_v(c, u, at, item, c->s->unevaluated ? &child : NULL);
        js_vpop(c, mark);
        js_eval_fini(&child);
        if (!ok)
            return js_vfail(c, "item %zu is unevaluated and not allowed", i);
    }
    if (ev)
        ev->all_items = true;
    return true;
}
