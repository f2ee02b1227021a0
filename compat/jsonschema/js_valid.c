/* SPDX-License-Identifier: Apache-2.0
 *
 * The instance validator's core (JSON Schema Validation and Core, drafts 4 to 2020-12): the
 * dispatch over one schema object, "type", "enum", "const", numbers, strings, "format", the
 * in-place applicators (allOf, anyOf, oneOf, not, if/then/else) and the references ("$ref",
 * "$recursiveRef", "$dynamicRef" with the dynamic scope). Objects and arrays are in
 * js_valid_obj.c and js_valid_arr.c. Recursion is bounded by COMPAT_JS_MAX_VALIDATE_DEPTH.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_valid_int.h"

bool js_vfail(js_vctx_t *c, const char *fmt, ...) {
    if (c->quiet || c->have_msg || !c->msg)
        return false;
    va_list ap;
    char why[512];
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    cn_buf_printf(c->msg, "%s: %s", c->iplen ? c->ipath : "(root)", why);
    c->have_msg = true;
    return false;
}

size_t js_vpush(js_vctx_t *c, const char *seg) {
    size_t mark = c->iplen;
    if (c->iplen + 2 >= sizeof(c->ipath))
        return mark;
    c->ipath[c->iplen++] = '/';
    for (; *seg && c->iplen + 3 < sizeof(c->ipath); seg++) {
        if (*seg == '~' || *seg == '/') {
            c->ipath[c->iplen++] = '~';
            c->ipath[c->iplen++] = *seg == '~' ? '0' : '1';
        } else
            c->ipath[c->iplen++] = *seg;
    }
    c->ipath[c->iplen] = '\0';
    return mark;
}

size_t js_vpush_index(js_vctx_t *c, size_t i) {
    char seg[24];
    snprintf(seg, sizeof(seg), "%zu", i);
    return js_vpush(c, seg);
}

void js_vpop(js_vctx_t *c, size_t mark) {
    c->iplen = mark;
    c->ipath[mark] = '\0';
}

int js_vregex(js_vctx_t *c, const char *pattern, const char *subject, size_t len) {
    const pcre2_code *re = js_regex_get(c->s, pattern);
    if (!re)
        return 1;
    int rc = pcre2_match(re, (PCRE2_SPTR)subject, len, 0, 0, c->md, c->mc);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    js_vfail(c, "pattern '%.80s' exceeded the regex limits", pattern);
    c->aborted = true;
    return -1;
}

/* ---- type, enum, const ---- */

/* Draft 6 on: any number with a zero fractional part. Draft 4: a number written without one;
 * 1.0 is not, but an integral value beyond 64 bits is (Jansson holds neither a 30-digit integer
 * nor 1e300 as an integer, compat_js_loadb reads them as doubles, and a double that large has no
 * fraction). */
static bool is_integer(const json_t *v, int draft) {
    if (json_is_integer(v))
        return true;
    double d = json_is_real(v) ? json_real_value(v) : NAN;
    if (!isfinite(d) || floor(d) != d)
        return false;
    return draft >= COMPAT_JS_DRAFT6 || fabs(d) >= 9223372036854775808.0;
}

static bool type_is(const char *t, const json_t *v, int draft) {
    switch (t[0]) {
    case 's':
        return strcmp(t, "string") == 0 && json_is_string(v);
    case 'n':
        return strcmp(t, "number") == 0 ? js_is_number(v)
                                        : strcmp(t, "null") == 0 && json_is_null(v);
    case 'i':
        return strcmp(t, "integer") == 0 && is_integer(v, draft);
    case 'b':
        return strcmp(t, "boolean") == 0 && json_is_boolean(v);
    case 'o':
        return strcmp(t, "object") == 0 && json_is_object(v);
    case 'a':
        return strcmp(t, "array") == 0 && json_is_array(v);
    default:
        return false;
    }
}

static const char *type_name(const json_t *v) {
    static const char *const names[] = {"object", "array",   "string",  "integer",
                                        "number", "boolean", "boolean", "null"};
    return names[json_typeof(v)];
}

static bool v_type(js_vctx_t *c, const js_at_t *at, const json_t *t, const json_t *inst) {
    if (json_is_string(t)) {
        if (type_is(json_string_value(t), inst, at->draft))
            return true;
        return js_vfail(c, "expected type %s, got %s", json_string_value(t), type_name(inst));
    }
    size_t i;
    json_t *e;
    json_array_foreach(t, i, e) if (json_is_string(e) &&
                                    type_is(json_string_value(e), inst, at->draft)) return true;
    return js_vfail(c, "type %s is not one of the allowed types", type_name(inst));
}

static bool v_enum(js_vctx_t *c, const json_t *e, const json_t *inst) {
    size_t i;
    json_t *x;
    json_array_foreach(e, i, x) if (js_equal(x, inst)) return true;
    return js_vfail(c, "value is not one of the enum values");
}

/* ---- numbers ---- */

static bool multiple_of(const json_t *inst, const json_t *m) {
    if (json_is_integer(inst) && json_is_integer(m) && json_integer_value(m) != 0)
        return json_integer_value(inst) % json_integer_value(m) == 0;
    double x = js_number(inst), d = js_number(m), q = x / d;
    if (isinf(q) && isfinite(x) && d != 0) /* 1e308 / 0.5 overflows; fmod is exact */
        return fmod(x, d) == 0;
    if (!isfinite(q))
        return false;
    return fabs(q - nearbyint(q)) < 1e-9 * fmax(1.0, fabs(q) * 1e-6);
}

static bool v_bound(js_vctx_t *c, const js_at_t *at, const char *kw, double x, bool upper) {
    const json_t *b = js_kw(at, kw), *ex;
    if (!b || !js_is_number(b))
        return true;
    double v = js_number(b);
    bool excl = false;
    if (at->draft == COMPAT_JS_DRAFT4) {
        ex = js_kw(at, upper ? "exclusiveMaximum" : "exclusiveMinimum");
        excl = ex && json_is_true(ex);
    }
    bool ok = upper ? (excl ? x < v : x <= v) : (excl ? x > v : x >= v);
    return ok || js_vfail(c, "%g is %s %s %g", x, upper ? "above" : "below", kw, v);
}

static bool v_number(js_vctx_t *c, const js_at_t *at, const json_t *inst) {
    double x = js_number(inst);
    const json_t *k;
    if ((k = js_kw(at, "multipleOf")) && js_is_number(k) && !multiple_of(inst, k))
        return js_vfail(c, "%g is not a multiple of %g", x, js_number(k));
    if (!v_bound(c, at, "maximum", x, true) || !v_bound(c, at, "minimum", x, false))
        return false;
    if (at->draft == COMPAT_JS_DRAFT4)
        return true;
    if ((k = js_kw(at, "exclusiveMaximum")) && js_is_number(k) && !(x < js_number(k)))
        return js_vfail(c, "%g is not below exclusiveMaximum %g", x, js_number(k));
    if ((k = js_kw(at, "exclusiveMinimum")) && js_is_number(k) && !(x > js_number(k)))
        return js_vfail(c, "%g is not above exclusiveMinimum %g", x, js_number(k));
    return true;
}

/* ---- strings ---- */

static bool v_string(js_vctx_t *c, const js_at_t *at, const json_t *inst) {
    const char *s = json_string_value(inst);
    size_t n = json_string_length(inst), len = js_utf8_len(s, n);
    const json_t *k;
    if ((k = js_kw(at, "maxLength")) && js_is_number(k) && (double)len > js_number(k))
        return js_vfail(c, "string of %zu characters is longer than maxLength %g", len,
                        js_number(k));
    if ((k = js_kw(at, "minLength")) && js_is_number(k) && (double)len < js_number(k))
        return js_vfail(c, "string of %zu characters is shorter than minLength %g", len,
                        js_number(k));
    if ((k = js_kw(at, "pattern")) && json_is_string(k)) {
        int m = js_vregex(c, json_string_value(k), s, n);
        if (m < 0)
            return false;
        if (m == 0)
            return js_vfail(c, "string does not match pattern '%.80s'", json_string_value(k));
    }
    return true;
}

/* Draft 7 content keywords, asserted with the formats (later drafts: annotations only). */
static bool v_content(js_vctx_t *c, const js_at_t *at, const json_t *inst) {
    const json_t *e = js_kw(at, "contentEncoding"), *m = js_kw(at, "contentMediaType");
    if (at->draft != COMPAT_JS_DRAFT7 || (!json_is_string(e) && !json_is_string(m)))
        return true;
    return js_content_valid(json_string_value(e), json_string_value(m), inst) ||
           js_vfail(c, "content does not match contentEncoding/contentMediaType");
}

static bool v_format(js_vctx_t *c, const js_at_t *at, const json_t *inst) {
    const json_t *f = js_kw(at, "format");
    if (!c->s->opts.format_assert)
        return true;
    if (!v_content(c, at, inst))
        return false;
    if (!f || !json_is_string(f))
        return true;
    return js_format_valid(json_string_value(f), inst, at->draft) ||
           js_vfail(c, "value is not a valid %.40s", json_string_value(f));
}

/* ---- in-place applicators ---- */

static bool v_sub(js_vctx_t *c, const js_at_t *at, const json_t *sub, const json_t *inst,
                  js_eval_t *ev) {
    js_eval_t local = {0};
    bool ok = js_v(c, sub, at, inst, ev ? &local : NULL);
    if (ok && ev)
        js_eval_merge(ev, &local);
    js_eval_fini(&local);
    return ok;
}

static bool v_allof(js_vctx_t *c, const js_at_t *at, const json_t *l, const json_t *inst,
                    js_eval_t *ev) {
    size_t i;
    json_t *e;
    json_array_foreach(l, i, e) if (!v_sub(c, at, e, inst, ev)) return false;
    return true;
}

static bool v_anyof(js_vctx_t *c, const js_at_t *at, const json_t *l, const json_t *inst,
                    js_eval_t *ev) {
    size_t i;
    json_t *e;
    bool any = false, all_needed = ev && c->s->unevaluated;
    c->quiet++;
    json_array_foreach(l, i, e) {
        if (v_sub(c, at, e, inst, ev)) {
            any = true;
            if (!all_needed)
                break;
        }
        if (c->aborted)
            break;
    }
    c->quiet--;
    return any || js_vfail(c, "value matches none of anyOf");
}

static bool v_oneof(js_vctx_t *c, const js_at_t *at, const json_t *l, const json_t *inst,
                    js_eval_t *ev) {
    size_t i, n = 0;
    json_t *e;
    js_eval_t keep = {0};
    c->quiet++;
    json_array_foreach(l, i, e) {
        js_eval_t one = {0};
        if (js_v(c, e, at, inst, ev ? &one : NULL)) {
            if (++n == 1 && ev)
                js_eval_merge(&keep, &one);
        }
        js_eval_fini(&one);
        if (n > 1 || c->aborted)
            break;
    }
    c->quiet--;
    if (n == 1 && ev)
        js_eval_merge(ev, &keep);
    js_eval_fini(&keep);
    if (n == 1)
        return true;
    return js_vfail(c, n ? "value matches more than one of oneOf" : "value matches none of oneOf");
}

static bool v_not(js_vctx_t *c, const js_at_t *at, const json_t *sub, const json_t *inst) {
    c->quiet++;
    bool ok = js_v(c, sub, at, inst, NULL);
    c->quiet--;
    return c->aborted ? false : !ok || js_vfail(c, "value matches the schema of not");
}

static bool v_if(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    const json_t *i = js_kw(at, "if"), *t = js_kw(at, "then"), *e = js_kw(at, "else");
    if (!i || at->draft < COMPAT_JS_DRAFT7)
        return true;
    c->quiet++;
    bool cond = v_sub(c, at, i, inst, ev);
    c->quiet--;
    if (c->aborted)
        return false;
    const json_t *next = cond ? t : e;
    return !next || v_sub(c, at, next, inst, ev);
}

/* ---- references ---- */

/* The target is read with the base of the resource it was found in. */
static bool v_target(js_vctx_t *c, const js_at_t *at, const json_t *target, const char *base,
                     const json_t *inst, js_eval_t *ev) {
    if (!target)
        return js_vfail(c, "unresolved reference");
    js_at_t from = {
        .sch = at->sch, .base = base ? base : at->base, .draft = at->draft, .groups = JG_ALL};
    return v_sub(c, &from, target, inst, ev);
}

/* 2019-09 "$recursiveRef": the outermost resource of the dynamic scope with
 * "$recursiveAnchor": true, when the initial target has it too. */
static const json_t *recursive_target(js_vctx_t *c, const json_t *target) {
    const js_node_t *n = target ? js_node_get(c->s, target) : NULL;
    if (!n || !n->rec_anchor)
        return target;
    for (size_t i = 0; i < c->nscope; i++) {
        const json_t *r = cn_map_sget(c->s->resources, c->scope[i]);
        const js_node_t *rn = r ? js_node_get(c->s, r) : NULL;
        if (rn && rn->rec_anchor)
            return r;
    }
    return target;
}

/* 2020-12 "$dynamicRef": a plain-name fragment whose initial target is a "$dynamicAnchor" of
 * that name goes to the outermost resource of the dynamic scope that declares it. */
static const json_t *dynamic_target(js_vctx_t *c, const char *ref, const json_t *target) {
    const char *hash = strchr(ref, '#');
    const char *name = hash ? hash + 1 : NULL;
    const json_t *da = target ? json_object_get(target, "$dynamicAnchor") : NULL;
    if (!name || !*name || name[0] == '/' || !da || !json_is_string(da) ||
        strcmp(json_string_value(da), name) != 0)
        return target;
    for (size_t i = 0; i < c->nscope; i++) {
        const json_t *t = js_dynamic_lookup(c->s, c->scope[i], name);
        if (t)
            return t;
    }
    return target;
}

static bool v_refs(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    const json_t *r, *t;
    const char *b = NULL;
    if ((r = js_kw(at, "$ref")) && json_is_string(r)) {
        t = js_ref_lookup(c->s, at->base, json_string_value(r), &b);
        if (!v_target(c, at, t, b, inst, ev))
            return false;
    }
    if (at->draft == COMPAT_JS_DRAFT2019 && (r = js_kw(at, "$recursiveRef")) && json_is_string(r)) {
        t = js_ref_lookup(c->s, at->base, json_string_value(r), &b);
        const json_t *rt = recursive_target(c, t);
        if (!v_target(c, at, rt, rt == t ? b : NULL, inst, ev))
            return false;
    }
    if (at->draft >= COMPAT_JS_DRAFT2020 && (r = js_kw(at, "$dynamicRef")) && json_is_string(r)) {
        const char *ref = json_string_value(r);
        t = js_ref_lookup(c->s, at->base, ref, &b);
        const json_t *dt = dynamic_target(c, ref, t);
        if (!v_target(c, at, dt, dt == t ? b : NULL, inst, ev))
            return false;
    }
    return true;
}

/* ---- one schema object ---- */

static bool v_generic(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    const json_t *k;
    if ((at->groups & JG_TYPE) && (k = js_kw(at, "type")) && !v_type(c, at, k, inst))
        return false;
    if ((at->groups & JG_ENUM) && (k = js_kw(at, "enum")) && json_is_array(k) &&
        !v_enum(c, k, inst))
        return false;
    if ((at->groups & JG_ENUM) && at->draft >= COMPAT_JS_DRAFT6 && (k = js_kw(at, "const")) &&
        !js_equal(k, inst))
        return js_vfail(c, "value is not the const value");
    if (!(at->groups & JG_APPLY))
        return true;
    if ((k = js_kw(at, "allOf")) && json_is_array(k) && !v_allof(c, at, k, inst, ev))
        return false;
    if ((k = js_kw(at, "anyOf")) && json_is_array(k) && !v_anyof(c, at, k, inst, ev))
        return false;
    if ((k = js_kw(at, "oneOf")) && json_is_array(k) && !v_oneof(c, at, k, inst, ev))
        return false;
    if ((k = js_kw(at, "not")) && !v_not(c, at, k, inst))
        return false;
    return v_if(c, at, inst, ev);
}

static bool v_typed(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    if (js_is_number(inst))
        return !(at->groups & JG_NUM) || v_number(c, at, inst);
    if (json_is_string(inst))
        return !(at->groups & JG_STR) || (v_string(c, at, inst) && v_format(c, at, inst));
    if (json_is_object(inst))
        return !(at->groups & JG_OBJ) || js_v_object(c, at, inst, ev);
    if (json_is_array(inst))
        return !(at->groups & JG_ARR) || js_v_array(c, at, inst, ev);
    return true;
}

static bool v_object_schema(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev) {
    if ((at->groups & JG_REF) && at->draft <= COMPAT_JS_DRAFT7 && js_kw(at, "$ref"))
        return v_refs(c, at, inst, ev); /* "$ref" overrides its siblings before 2019-09 */
    if (((at->groups & JG_REF) && !v_refs(c, at, inst, ev)) || !v_generic(c, at, inst, ev) ||
        !v_typed(c, at, inst, ev))
        return false;
    if (at->draft >= COMPAT_JS_DRAFT2019 && (at->groups & JG_UNEV))
        return js_v_unevaluated(c, at, inst, ev);
    return true;
}

bool js_v(js_vctx_t *c, const json_t *sch, const js_at_t *parent, const json_t *inst,
          js_eval_t *ev) {
    if (json_is_boolean(sch))
        return json_is_true(sch) || js_vfail(c, "no value is allowed here (false schema)");
    if (!json_is_object(sch) || c->aborted)
        return !c->aborted;
    if (c->depth >= COMPAT_JS_MAX_VALIDATE_DEPTH) {
        c->aborted = true;
        c->quiet = 0;
        return js_vfail(c, "validation nested deeper than %d", COMPAT_JS_MAX_VALIDATE_DEPTH);
    }
    if (++c->steps > COMPAT_JS_MAX_VALIDATE_STEPS) {
        c->aborted = true;
        c->quiet = 0;
        return js_vfail(c, "validation took more than %lu steps", COMPAT_JS_MAX_VALIDATE_STEPS);
    }
    const js_node_t *n = js_node_get(c->s, sch);
    js_at_t at = {.sch = sch,
                  .base = n ? n->base : parent->base,
                  .draft = n ? n->draft : parent->draft,
                  .groups = n ? n->groups : JG_ALL};
    bool pushed = c->nscope == 0 || strcmp(c->scope[c->nscope - 1], at.base) != 0;
    if (pushed)
        c->scope[c->nscope++] = at.base;
    /* A caller that keeps no annotations (not, contains, ...) still needs them collected here
     * for this schema's own unevaluated* keywords. */
    js_eval_t local = {0};
    if (!ev && c->s->unevaluated)
        ev = &local;
    c->depth++;
    bool ok = v_object_schema(c, &at, inst, ev);
    c->depth--;
    js_eval_fini(&local);
    if (pushed)
        c->nscope--;
    return ok && !c->aborted;
}

bool compat_js_validate(const compat_js_schema_t *s, const json_t *instance, cn_buf_t *msg) {
    js_vctx_t *c = calloc(1, sizeof(*c));
    if (!c)
        return false;
    c->s = s;
    c->msg = msg;
    c->md = pcre2_match_data_create(1, NULL);
    c->mc = pcre2_match_context_create(NULL);
    bool ok = false;
    if (c->md && c->mc) {
        pcre2_set_match_limit(c->mc, 1000000u);
        pcre2_set_depth_limit(c->mc, 10000u);
        pcre2_set_heap_limit(c->mc, 16384u);
        js_at_t top = {
            .sch = s->root, .base = "", .draft = compat_js_schema_draft(s), .groups = JG_ALL};
        js_eval_t ev = {0};
        ok = js_v(c, s->root, &top, instance, s->unevaluated ? &ev : NULL);
        js_eval_fini(&ev);
    }
    pcre2_match_data_free(c->md);
    pcre2_match_context_free(c->mc);
    free(c);
    return ok;
}
