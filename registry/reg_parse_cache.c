/* SPDX-License-Identifier: Apache-2.0
 *
 * The parse cache: the parsed form (compat_schema_t) of stored schemas, built on first use under
 * the parse mutex and kept in a list ordered by use, bounded by opts.parse_cache_size. A parsed
 * form handed out is pinned until its borrower unpins it; only unpinned ones are evicted (least
 * recently used first), so the bound can be exceeded only by what is in use at that moment.
 * An evicted schema is parsed again from its stored text when asked for (same text, same
 * references, same result). References resolve to the stored schemas they name, in the referring
 * schema's context, down to REG_REF_DEPTH_MAX; the imports are pinned only while the referring
 * schema is parsed (the language copies what it needs from them). Stored schemas are parsed as
 * Confluent reads them: names and defaults are not re-validated.
 */
#include "registry/reg_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct resolve_ctx {
    reg_registry_t *reg;
    reg_name_t from; /* the referring schema's context */
    int depth;
    reg_schema_t **pinned; /* the imports resolved so far (nrefs slots) */
    size_t npinned, cap;
} resolve_ctx_t;

/* ---- the list, most recently used first (under parse_mu) ---- */

static void lru_unlink(reg_registry_t *reg, reg_schema_t *sch) {
    if (sch->lru_prev)
        sch->lru_prev->lru_next = sch->lru_next;
    else
        reg->lru_head = sch->lru_next;
    if (sch->lru_next)
        sch->lru_next->lru_prev = sch->lru_prev;
    else
        reg->lru_tail = sch->lru_prev;
    sch->lru_prev = sch->lru_next = NULL;
}

static void lru_push_front(reg_registry_t *reg, reg_schema_t *sch) {
    sch->lru_prev = NULL;
    sch->lru_next = reg->lru_head;
    if (reg->lru_head)
        reg->lru_head->lru_prev = sch;
    reg->lru_head = sch;
    if (!reg->lru_tail)
        reg->lru_tail = sch;
}

static void drop_parsed(reg_registry_t *reg, reg_schema_t *sch) {
    assert(sch->pins == 0 && sch->parsed);
    lru_unlink(reg, sch);
    reg->opts.lang->free(sch->parsed);
    sch->parsed = NULL;
    reg->nparsed--;
}

/* Evict unpinned entries from the cold end while over the bound. */
static void evict(reg_registry_t *reg) {
    size_t max = reg->opts.parse_cache_size ? reg->opts.parse_cache_size : 1;
    reg_schema_t *sch = reg->lru_tail;
    while (sch && reg->nparsed > max) {
        reg_schema_t *prev = sch->lru_prev;
        if (sch->pins == 0)
            drop_parsed(reg, sch);
        sch = prev;
    }
}

/* ---- parsing ---- */

static cn_err_t resolve_ref(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                            cn_error_t *err) {
    resolve_ctx_t *rc = arg;
    reg_subject_t *s = reg_ref_subject(rc->reg, &rc->from, ref->subject);
    reg_version_t *v;
    cn_err_t r;
    v = ref->version == -1 ? reg_subject_latest(s, false) : reg_subject_version(s, ref->version);
    if (!v)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "Invalid schema: reference %s (subject %s, version %d) not found",
                            ref->name, ref->subject, (int)ref->version);
    if (rc->npinned == rc->cap)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid schema: too many references");
    r = reg_schema_parsed(rc->reg, v->schema, rc->depth + 1, out, err);
    if (r == CN_OK)
        rc->pinned[rc->npinned++] = v->schema;
    return r;
}

static compat_schema_t *parse_stored(reg_registry_t *reg, const char *text,
                                     const compat_parse_opts_t *po, cn_error_t *err) {
    const reg_lang_ops_t *lang = reg->opts.lang;
    return (lang->parse_stored ? lang->parse_stored : lang->parse)(text, strlen(text), po, err);
}

/* The context of a stored schema as a name (":.ctx:" or the default context). */
static reg_name_t ctx_name(const reg_schema_t *sch) {
    reg_name_t n = reg_name(NULL);
    if (strcmp(sch->ctx->name, ".") != 0) {
        n.ctx = sch->ctx->name;
        n.ctx_len = strlen(sch->ctx->name);
    }
    return n;
}

static cn_err_t parse_locked(reg_registry_t *reg, reg_schema_t *sch, int depth, cn_error_t *err) {
    compat_ref_t *refs = sch->nrefs ? calloc(sch->nrefs, sizeof(*refs)) : NULL;
    reg_schema_t **pinned = sch->nrefs ? calloc(sch->nrefs, sizeof(*pinned)) : NULL;
    resolve_ctx_t rctx = {reg, ctx_name(sch), depth, pinned, 0, sch->nrefs};
    compat_parse_opts_t po = {.type = sch->type,
                              .refs = refs,
                              .nrefs = sch->nrefs,
                              .resolve = resolve_ref,
                              .resolve_arg = &rctx};
    cn_err_t rc = CN_OK;
    for (size_t i = 0; refs && i < sch->nrefs; i++)
        refs[i] = (compat_ref_t){sch->refs[i].name, sch->refs[i].subject, sch->refs[i].version};
    if (sch->nrefs && (!refs || !pinned))
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    else if (!(sch->parsed = parse_stored(reg, sch->text, &po, err)))
        rc = err ? err->code : CN_ERR_INVALID_SCHEMA;
    for (size_t i = 0; i < rctx.npinned; i++)
        reg_schema_unpin(reg, pinned[i]);
    free(refs);
    free(pinned);
    reg->parses++;
    return rc;
}

cn_err_t reg_schema_parsed(reg_registry_t *reg, reg_schema_t *sch, int depth,
                           const compat_schema_t **out, cn_error_t *err) {
    cn_err_t rc = CN_OK;
    assert(reg_may_read(reg));
    *out = NULL;
    if (depth > REG_REF_DEPTH_MAX)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "Invalid schema: references nested deeper than %d", REG_REF_DEPTH_MAX);
    pthread_mutex_lock(&reg->parse_mu);
    if (sch->parsed) {
        lru_unlink(reg, sch);
    } else if ((rc = parse_locked(reg, sch, depth, err)) == CN_OK) {
        reg->nparsed++;
    }
    if (rc == CN_OK) {
        lru_push_front(reg, sch);
        sch->pins++;
        *out = sch->parsed;
        evict(reg);
    }
    pthread_mutex_unlock(&reg->parse_mu);
    return rc;
}

void reg_schema_unpin(reg_registry_t *reg, reg_schema_t *sch) {
    pthread_mutex_lock(&reg->parse_mu);
    assert(sch->pins > 0);
    if (--sch->pins == 0)
        evict(reg);
    pthread_mutex_unlock(&reg->parse_mu);
}

void reg_parse_forget(reg_registry_t *reg, reg_schema_t *sch) {
    pthread_mutex_lock(&reg->parse_mu);
    if (sch && sch->parsed)
        drop_parsed(reg, sch);
    while (!sch && reg->lru_head)
        drop_parsed(reg, reg->lru_head);
    pthread_mutex_unlock(&reg->parse_mu);
}

void reg_parse_stats(reg_registry_t *reg, size_t *cached, uint64_t *parses) {
    pthread_mutex_lock(&reg->parse_mu);
    *cached = reg->nparsed;
    *parses = reg->parses;
    pthread_mutex_unlock(&reg->parse_mu);
}
