/* SPDX-License-Identifier: Apache-2.0
 *
 * SchemaDiff of two combined schemas (allOf / anyOf / oneOf, Confluent's CombinedSchemaDiff):
 * the criterion change (COMBINED_TYPE_EXTENDED or _CHANGED), the size change after removing
 * duplicate subschemas (sum / product type extended or narrowed), and a maximum-cardinality
 * matching of compatible (original, update) subschema pairs whose differences are reported;
 * fewer matches than the smaller side is COMBINED_TYPE_SUBSCHEMAS_CHANGED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_diff_int.h"

#define JD_MAX_SUBS 1024 /* beyond: CN_ERR_TOO_LARGE rather than a partial answer */

static bool criteria(jd_t *d, const jm_t *o, const jm_t *u) {
    if (o->crit == u->crit)
        return true;
    bool os = o->nsubs == 1, us = u->nsubs == 1;
    if (u->crit == JM_ANY || (os && us) || (os && u->crit == JM_ONE) || (us && o->crit == JM_ALL)) {
        jd_add(d, "COMBINED_TYPE_EXTENDED", NULL);
        return true;
    }
    jd_add(d, "COMBINED_TYPE_CHANGED", NULL);
    return false;
}

static bool same_sub(const jm_t *a, const jm_t *b) {
    if (a == b)
        return true;
    if (a->kind != b->kind || a->integer != b->integer || a->crit != b->crit)
        return false;
    if (!a->src || !b->src)
        return a->src == b->src;
    return a->src != b->src && js_equal(a->src, b->src);
}

static size_t dedupe(const jm_t *c, jm_t **out) {
    size_t n = 0;
    for (size_t i = 0; i < c->nsubs; i++) {
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = same_sub(out[j], c->subs[i]);
        if (!dup)
            out[n++] = c->subs[i];
    }
    return n;
}

typedef struct match {
    size_t no, nu;
    jm_t **os, **us;           /* de-duplicated subschemas */
    bool *edge;                /* [i * nu + j]: original i is compatible with update j */
    compat_js_changes_t *diff; /* [i * nu + j] */
    int *of_u;                 /* update j -> original i, or -1 */
    bool *seen;
} match_t;

static void match_free(match_t *m) {
    for (size_t k = 0; m->diff && k < m->no * m->nu; k++)
        compat_js_changes_fini(&m->diff[k]);
    free(m->os);
    free(m->us);
    free(m->edge);
    free(m->diff);
    free(m->of_u);
    free(m->seen);
}

static bool match_init(match_t *m, const jm_t *o, const jm_t *u) {
    *m = (match_t){0};
    m->os = calloc(o->nsubs + 1, sizeof(*m->os));
    m->us = calloc(u->nsubs + 1, sizeof(*m->us));
    if (!m->os || !m->us)
        return false;
    m->no = dedupe(o, m->os);
    m->nu = dedupe(u, m->us);
    size_t cells = m->no * m->nu + 1;
    m->edge = calloc(cells, sizeof(*m->edge));
    m->diff = calloc(cells, sizeof(*m->diff));
    m->of_u = calloc(m->nu + 1, sizeof(*m->of_u));
    m->seen = calloc(m->nu + 1, sizeof(*m->seen));
    return m->edge && m->diff && m->of_u && m->seen;
}

/* Kuhn's augmenting path from original i. */
static bool augment(match_t *m, size_t i) {
    for (size_t j = 0; j < m->nu; j++) {
        if (!m->edge[i * m->nu + j] || m->seen[j])
            continue;
        m->seen[j] = true;
        if (m->of_u[j] < 0 || augment(m, (size_t)m->of_u[j])) {
            m->of_u[j] = (int)i;
            return true;
        }
    }
    return false;
}

static void edges(jd_t *d, const jm_t *o, match_t *m) {
    for (size_t i = 0; i < m->no; i++) {
        char seg[32];
        snprintf(seg, sizeof(seg), "%s/%zu", jm_crit_name(o->crit), i);
        size_t mark = jd_enter(d, seg);
        for (size_t j = 0; j < m->nu; j++)
            m->edge[i * m->nu + j] = jd_try(d, m->os[i], m->us[j], &m->diff[i * m->nu + j]);
        jd_leave(d, mark);
    }
}


void jd_combined(jd_t *d, jm_t *o, jm_t *u) {
    if (!criteria(d, o, u))
        return;
    if (o->nsubs > JD_MAX_SUBS || u->nsubs > JD_MAX_SUBS) {
        d->rc = CN_ERR_TOO_LARGE;
        return;
    }
    match_t m;
    if (!match_init(&m, o, u)) {
        match_free(&m);
        d->rc = CN_ERR_NO_MEMORY;
        return;
    }
    if (m.nu > m.no)
        jd_add(d, u->crit == JM_ALL ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED", NULL);
    else if (m.nu < m.no)
        jd_add(d, o->crit != JM_ALL ? "SUM_TYPE_NARROWED" : "PRODUCT_TYPE_NARROWED", NULL);
    edges(d, o, &m);
    size_t matched = 0;
    for (size_t j = 0; j < m.nu; j++)
        m.of_u[j] = -1;
    for (size_t i = 0; i < m.no; i++) {
        memset(m.seen, 0, m.nu * sizeof(*m.seen));
        matched += augment(&m, i);
    }
    for (size_t j = 0; j < m.nu; j++)
        if (m.of_u[j] >= 0)
            jd_take(d, &m.diff[(size_t)m.of_u[j] * m.nu + j]);
    if (matched < (m.no < m.nu ? m.no : m.nu))
        jd_add(d, "COMBINED_TYPE_SUBSCHEMAS_CHANGED", NULL);
    match_free(&m);
}
