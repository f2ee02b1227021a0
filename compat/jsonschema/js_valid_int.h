/* SPDX-License-Identifier: Apache-2.0
 *
 * The validator's shared state (compat/jsonschema/js_valid*.c): the context of one validation
 * (first message, instance path, dynamic scope, depth) and the annotations that
 * "unevaluatedProperties" / "unevaluatedItems" consume (JSON Schema Core 2020-12 §11).
 */
#ifndef JS_VALID_INT_H
#define JS_VALID_INT_H

#include "compat/jsonschema/js_int.h"

typedef struct js_eval {
    const char **props; /* evaluated member names (borrowed from the instance) */
    size_t np, capp;
    bool all_props;
    size_t items; /* items [0, items) evaluated */
    bool all_items;
    bool *item_flags; /* per item, from "contains" (2020-12) */
    size_t nflags;
} js_eval_t;

typedef struct js_vctx {
    const compat_js_schema_t *s;
    cn_buf_t *msg;
    bool have_msg;
    bool aborted; /* a limit was hit: the whole instance is rejected */
    unsigned quiet;
    unsigned depth;
    unsigned long steps; /* subschemas applied so far (COMPAT_JS_MAX_VALIDATE_STEPS) */
    const char *scope[COMPAT_JS_MAX_VALIDATE_DEPTH + 1];
    size_t nscope;
    char ipath[2048];
    size_t iplen;
    pcre2_match_data *md;
    pcre2_match_context *mc;
} js_vctx_t;

/* The schema position being applied: node plus the base and draft it is read with. */
typedef struct js_at {
    const json_t *sch;
    const char *base;
    int draft;
    unsigned groups; /* JG_* present (JG_ALL when the node is not indexed) */
} js_at_t;

bool js_v(js_vctx_t *c, const json_t *sch, const js_at_t *parent, const json_t *inst,
          js_eval_t *ev);
bool js_vfail(js_vctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t js_vpush(js_vctx_t *c, const char *seg);
size_t js_vpush_index(js_vctx_t *c, size_t i);
void js_vpop(js_vctx_t *c, size_t mark);
int js_vregex(js_vctx_t *c, const char *pattern, const char *subject, size_t len);

bool js_eval_prop(js_eval_t *ev, const char *name);
void js_eval_merge(js_eval_t *into, const js_eval_t *from);
void js_eval_fini(js_eval_t *ev);
bool js_eval_has_prop(const js_eval_t *ev, const char *name);

bool js_v_object(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev);
bool js_v_array(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev);
bool js_v_unevaluated(js_vctx_t *c, const js_at_t *at, const json_t *inst, js_eval_t *ev);

static inline const json_t *js_kw(const js_at_t *at, const char *k) {
    return json_object_get(at->sch, k);
}

#endif
