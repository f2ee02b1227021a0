/* SPDX-License-Identifier: Apache-2.0
 *
 * The validator's array keywords (JSON Schema Validation §6.4, Core §10.3.1): items in both
 * forms, additionalItems (drafts 4 to 2019-09), prefixItems (2020-12), contains with
 * minContains/maxContains, min/maxItems and uniqueItems, recording the item annotations that
 * "unevaluatedItems" reads.
 */
#include <stdlib.h>

#include "compat/jsonschema/js_valid_int.h"

static bool v_item(js_vctx_t *c, const js_at_t *at, const json_t *sub, size_t i,
                   const json_t *item) {
    js_eval_t child = {0};
    size_t mark = js_vpush_index(c, i);
    bool ok = js_v(c, sub, at, item, c->s->unevaluated ? &child : NULL);
    js_vpop(c, mark);
    js_eval_fini(&child);
    return ok;
}

/* Items from `from` on against one schema; all of them are then evaluated. */
static bool v_rest(js_vctx_t *c, const js_at_t *at, const json_t *sub, const json_t *inst,
                   size_t from, js_eval_t *ev) {
    for (size_t i = from; i < json_array_size(inst); i++) {
        if (json_is_false(sub))
            return js_vfail(c, "item %zu is not allowed", i);
        if (!v_item(c, at, sub, i, json_array_get(inst, i)))
            return false;
    }
    if (ev && json_array_size(inst) > from)
        ev->all_items = true;
    return true;
}

static bool v_tuple(js_vctx_t *c, const js_at_t *at, const json_t *tuple, const json_t *inst,
                    js_eval_t *ev) {
    size_t n = json_array_size(inst), k = json_array_size(tuple);
    for (size_t i = 0; i < n && i < k; i++)
        if (!v_item(c, at, json_array_get(tuple, i), i, json_array_get(inst, i)))
            return false;
    if (ev && ev->items < (n < k ? n : k))
        ev->items = n < k ? n : k;
    return true;
}

static bool v_items(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    const json_t *items = js_kw(at, "items"), *extra;
    if (at->draft >= COMPAT_JS_DRAFT2020) {
        const json_t *prefix = js_kw(at, "prefixItems");
        size_t k = json_is_array(prefix) ? json_array_size(prefix) : 0;
        if (k && !v_tuple(c, at, prefix, inst, ev))
            return false;
        return !items || json_is_array(items) || v_rest(c, at, items, inst, k, ev);
    }
    if (!items)
        return true;
    if (!json_is_array(items))
        return v_rest(c, at, items, inst, 0, ev);
    if (!v_tuple(c, at, items, inst, ev))
        return false;
    extra = js_kw(at, "additionalItems");
    return !extra || v_rest(c, at, extra, inst, json_array_size(items), ev);
}

static bool v_contains(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    const json_t *sub = js_kw(at, "contains"), *mn, *mx;
    if (!sub || at->draft < COMPAT_JS_DRAFT6)
        return true;
    size_t n = json_array_size(inst), hits = 0;
    bool flags = ev && at->draft >= COMPAT_JS_DRAFT2020;
    if (flags && !ev->item_flags && n && (ev->item_flags = calloc(n, 1)))
        ev->nflags = n;
    c->quiet++;
    for (size_t i = 0; i < n && !c->aborted; i++) {
        if (js_v(c, sub, at, json_array_get(inst, i), NULL)) {
            hits++;
            if (flags && i < ev->nflags)
                ev->item_flags[i] = true;
        }
    }
    c->quiet--;
    double lo = 1, hi = -1;
    if (at->draft >= COMPAT_JS_DRAFT2019) {
        if ((mn = js_kw(at, "minContains")) && js_is_number(mn))
            lo = js_number(mn);
        if ((mx = js_kw(at, "maxContains")) && js_is_number(mx))
            hi = js_number(mx);
    }
    if (c->aborted)
        return false;
    if ((double)hits < lo)
        return js_vfail(c, "%zu items match contains, fewer than %g", hits, lo);
    if (hi >= 0 && (double)hits > hi)
        return js_vfail(c, "%zu items match contains, more than maxContains %g", hits, hi);
    return true;
}

typedef struct hashed {
    uint64_t h;
    size_t i;
} hashed_t;

static int hashed_cmp(const void *x, const void *y) {
    const hashed_t *a = x, *b = y;
    if (a->h != b->h)
        return a->h < b->h ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Sorted by a hash consistent with equality, so only equal-hash neighbours are compared:
 * O(n log n) on hostile arrays instead of n^2. */
static bool v_unique(js_vctx_t *c, const json_t *inst) {
    size_t n = json_array_size(inst);
    if (n < 2)
        return true;
    hashed_t *v = malloc(n * sizeof(*v));
    if (!v) {
        c->aborted = true;
        return js_vfail(c, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        v[i] = (hashed_t){js_hash(json_array_get(inst, i), 0), i};
    qsort(v, n, sizeof(*v), hashed_cmp);
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n && v[b].h == v[a].h; b++)
            if (js_equal(json_array_get(inst, v[a].i), json_array_get(inst, v[b].i))) {
                size_t i = v[a].i, j = v[b].i;
                free(v);
                return js_vfail(c, "items %zu and %zu are equal (uniqueItems)", i, j);
            }
    free(v);
    return true;
}

bool js_v_array(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    const json_t *k;
    size_t n = json_array_size(inst);
    if ((k = js_kw(at, "maxItems")) && js_is_number(k) && (double)n > js_number(k))
        return js_vfail(c, "%zu items, more than maxItems %g", n, js_number(k));
    if ((k = js_kw(at, "minItems")) && js_is_number(k) && (double)n < js_number(k))
        return js_vfail(c, "%zu items, fewer than minItems %g", n, js_number(k));
    if ((k = js_kw(at, "uniqueItems")) && json_is_true(k) && !v_unique(c, inst))
        return false;
    return v_items(c, at, inst, ev) && v_contains(c, at, inst, ev);
}
