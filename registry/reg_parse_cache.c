/* SPDX-License-Identifier: Apache-2.0
 *
 * The parse cache: the parsed form (compat_schema_t) of a stored schema, built on first use
 * under the parse mutex and kept with the schema until it is removed. References resolve to the
 * stored schemas they name, in the referring schema's context, down to REG_REF_DEPTH_MAX.
 * Stored schemas are parsed as Confluent reads them: names and defaults are not re-validated.
 */
#include "registry/reg_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct resolve_ctx {
    reg_registry_t *reg;
    reg_name_t from; /* the referring schema's context */
    int depth;
} resolve_ctx_t;

static cn_err_t resolve_ref(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                            cn_error_t *err) {
    resolve_ctx_t *rc = arg;
    reg_subject_t *s = reg_ref_subject(rc->reg, &rc->from, ref->subject);
    reg_version_t *v;
    v = ref->version == -1 ? reg_subject_latest(s, false) : reg_subject_version(s, ref->version);
    if (!v)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "Invalid schema: reference %s (subject %s, version %d) not found",
                            ref->name, ref->subject, (int)ref->version);
    return reg_schema_parsed(rc->reg, v->schema, rc->depth + 1, out, err);
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
    resolve_ctx_t rctx = {reg, ctx_name(sch), depth};
    compat_parse_opts_t po = {sch->type, refs, sch->nrefs, resolve_ref, &rctx, false};
    cn_err_t rc = CN_OK;
    for (size_t i = 0; refs && i < sch->nrefs; i++)
        refs[i] = (compat_ref_t){sch->refs[i].name, sch->refs[i].subject, sch->refs[i].version};
    if (sch->nrefs && !refs)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    else if (!(sch->parsed = parse_stored(reg, sch->text, &po, err)))
        rc = err ? err->code : CN_ERR_INVALID_SCHEMA;
    free(refs);
    return rc;
}

cn_err_t reg_schema_parsed(reg_registry_t *reg, reg_schema_t *sch, int depth,
                           const compat_schema_t **out, cn_error_t *err) {
    cn_err_t rc = CN_OK;
    assert(reg_may_read(reg));
    if (depth > REG_REF_DEPTH_MAX)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "Invalid schema: references nested deeper than %d", REG_REF_DEPTH_MAX);
    pthread_mutex_lock(&reg->parse_mu);
    if (!sch->parsed)
        rc = parse_locked(reg, sch, depth, err);
    *out = sch->parsed;
    pthread_mutex_unlock(&reg->parse_mu);
    return rc;
}
