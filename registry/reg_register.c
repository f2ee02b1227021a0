/* SPDX-License-Identifier: Apache-2.0
 *
 * Registration in Confluent's order (KafkaSchemaRegistry.register), lookup under a subject (POST
 * /subjects/{s}) and the compatibility endpoint (POST /compatibility/...), as Confluent's API
 * reference describes them (docs.confluent.io/platform/current/schema-registry/develop/api.html). A
 * request schema is "prepared" (references resolved and pinned, parsed, canonical text, identity
 * key) before it is compared with stored ones.
 */
#include "registry/reg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct prepared {
    compat_schema_t *parsed;
    const char *text; /* canonical, borrowed from parsed */
    compat_type_t type;
    reg_ref_t *refs; /* owned, versions pinned */
    size_t nrefs;
    const json_t *metadata;
    const json_t *ruleset;
    json_t *md_owned, *rs_owned; /* the merged ones metadata and ruleset point to */
    char *ident;
} prepared_t;

void reg_schema_req_init(reg_schema_req_t *req) {
    memset(req, 0, sizeof(*req));
    req->type = COMPAT_AVRO;
    req->id = -1;
}

static void prepared_fini(reg_registry_t *reg, prepared_t *p) {
    if (p->parsed)
        reg->opts.lang->free(p->parsed);
    reg_refs_free(p->refs, p->nrefs);
    json_decref(p->md_owned);
    json_decref(p->rs_owned);
    free(p->ident);
    memset(p, 0, sizeof(*p));
}

/* Pin each reference to a concrete, live version (version -1 = latest). */
static cn_err_t pin_refs(reg_registry_t *reg, const reg_name_t *name, const reg_ref_t *in, size_t n,
                         prepared_t *p, cn_error_t *err) {
    if (n == 0)
        return CN_OK;
    if (n > (size_t)reg->opts.max_refs)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid schema: more than %d references",
                            reg->opts.max_refs);
    if (!(p->refs = calloc(n, sizeof(*p->refs))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; i < n; i++) {
        reg_subject_t *s = reg_ref_subject(reg, name, in[i].subject);
        reg_version_t *v = in[i].version == -1 ? reg_subject_latest(s, false)
                                               : reg_subject_version(s, in[i].version);
        p->refs[i].name = strdup(in[i].name);
        p->refs[i].subject = strdup(in[i].subject);
        p->refs[i].version = v ? v->version : in[i].version;
        p->nrefs = i + 1;
        if (!p->refs[i].name || !p->refs[i].subject)
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        if (!v || v->deleted)
            return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                                "Invalid schema: reference '%s' to subject '%s' version %d "
                                "not found",
                                in[i].name, in[i].subject, (int)in[i].version);
    }
    return CN_OK;
}

/* Resolves the request's references to the pinned versions; the imports stay pinned (borrowed
 * by the parse) until prepare() unpins them. */
typedef struct req_resolve {
    reg_registry_t *reg;
    const reg_name_t *name;
    reg_schema_t **pinned; /* nrefs slots */
    size_t npinned, cap;
} req_resolve_t;

static cn_err_t resolve_req_ref(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                                cn_error_t *err) {
    req_resolve_t *rr = arg;
    reg_version_t *v =
        reg_subject_version(reg_ref_subject(rr->reg, rr->name, ref->subject), ref->version);
    cn_err_t rc;
    if (!v)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid schema: reference %s not found",
                            ref->name);
    if (rr->npinned == rr->cap)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid schema: too many references");
    rc = reg_schema_parsed(rr->reg, v->schema, 1, out, err);
    if (rc == CN_OK)
        rr->pinned[rr->npinned++] = v->schema;
    return rc;
}

static void req_resolve_fini(req_resolve_t *rr) {
    for (size_t i = 0; i < rr->npinned; i++)
        reg_schema_unpin(rr->reg, rr->pinned[i]);
    free(rr->pinned);
}

static bool config_normalize(reg_registry_t *reg, const reg_name_t *name) {
    const json_t *sc = reg_config_stored(reg, name->subject);
    const json_t *gc = reg_config_stored(reg, NULL);
    json_t *c = sc ? json_object_get(sc, "normalize") : NULL;
    if (!c && gc)
        c = json_object_get(gc, "normalize");
    return json_is_true(c);
}

/* The text, references, type, metadata and ruleSet to parse: the request's, with what it
 * leaves out taken from the previous live version, as KafkaSchemaRegistry.register does (prev NULL:
 * no fallback). */
typedef struct source {
    const char *text;
    size_t len;
    const reg_ref_t *refs;
    size_t nrefs;
} source_t;

static cn_err_t prepare_source(const reg_schema_req_t *req, const reg_schema_t *prev, prepared_t *p,
                               source_t *src, cn_error_t *err) {
    *src = (source_t){req->schema, req->schema_len, req->refs, req->nrefs};
    p->type = req->type;
    p->metadata = req->metadata ? req->metadata : (prev ? prev->metadata : NULL);
    p->ruleset = req->ruleset ? req->ruleset : (prev ? prev->ruleset : NULL);
    if (src->text && src->len > 0)
        return CN_OK;
    if (!prev)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Empty schema");
    src->text = prev->text;
    src->len = strlen(prev->text);
    p->type = prev->type;
    if (src->nrefs == 0) {
        src->refs = prev->refs;
        src->nrefs = prev->nrefs;
    }
    return CN_OK;
}

/* Parse the request (its text, or the fallback from prev) into p. */
static cn_err_t prepare(reg_registry_t *reg, const reg_name_t *name, const reg_schema_req_t *req,
                        const reg_schema_t *prev, prepared_t *p, cn_error_t *err) {
    compat_ref_t *crefs = NULL;
    req_resolve_t rr = {reg, name, NULL, 0, 0};
    compat_parse_opts_t po;
    source_t src;
    cn_err_t rc;
    memset(p, 0, sizeof(*p));
    if ((rc = prepare_source(req, prev, p, &src, err)) != CN_OK)
        return rc;
    if (!reg->opts.lang->supported(p->type))
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid schema type %s: not supported yet",
                            reg_type_name(p->type));
    if (src.len > reg->opts.max_schema_bytes)
        return cn_error_set(err, CN_ERR_SCHEMA_TOO_LARGE,
                            "Register operation failed because schema is too large");
    if ((rc = pin_refs(reg, name, src.refs, src.nrefs, p, err)) != CN_OK)
        return rc;
    if (p->nrefs && !(crefs = calloc(p->nrefs, sizeof(*crefs))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (p->nrefs && !(rr.pinned = calloc(p->nrefs, sizeof(*rr.pinned)))) {
        free(crefs);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    rr.cap = p->nrefs;
    for (size_t i = 0; i < p->nrefs; i++)
        crefs[i] = (compat_ref_t){p->refs[i].name, p->refs[i].subject, p->refs[i].version};
    po = (compat_parse_opts_t){.type = p->type,
                               .refs = crefs,
                               .nrefs = p->nrefs,
                               .resolve = resolve_req_ref,
                               .resolve_arg = &rr,
                               .normalize = req->normalize || config_normalize(reg, name)};
    p->parsed = reg->opts.lang->parse(src.text, src.len, &po, err);
    req_resolve_fini(&rr);
    free(crefs);
    if (!p->parsed) {
        if (err && err->code != CN_ERR_INVALID_SCHEMA) {
            cn_error_prefix(err, "Invalid schema");
            err->code = CN_ERR_INVALID_SCHEMA;
        }
        return CN_ERR_INVALID_SCHEMA;
    }
    if (!(p->text = reg->opts.lang->canonical(p->parsed)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    p->ident = reg_ident_new(p->text, p->type, p->refs, p->nrefs, p->metadata, p->ruleset);
    return p->ident ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
}

static bool jeq(const json_t *a, const json_t *b) {
    if (!a || !b)
        return a == b;
    return json_equal((json_t *)a, (json_t *)b);
}

/* Which parts of a data contract a match compares: a lookup without metadata (or ruleSet) in
 * the request finds a version whatever its metadata (or ruleSet), as Confluent's lookup does. */
typedef struct match {
    bool metadata, ruleset;
} match_t;

static bool contract_matches(const reg_schema_t *sch, const prepared_t *p, match_t m) {
    return (!m.metadata || jeq(sch->metadata, p->metadata)) &&
           (!m.ruleset || jeq(sch->ruleset, p->ruleset));
}

/* Confluent's second pass (lookUpSchemaUnderSubject and register): a request without
 * references may be one of the subject's versions sent with its references resolved (inlined).
 * Only versions that have references are parsed; a subject without any costs nothing. */
static reg_version_t *find_resolved(reg_registry_t *reg, reg_subject_t *s, const prepared_t *p,
                                    bool deleted, match_t m) {
    for (size_t i = s && p->nrefs == 0 ? s->n : 0; i > 0; i--) {
        reg_version_t *v = s->v[i - 1];
        const compat_schema_t *old = NULL;
        bool same;
        if ((!deleted && v->deleted) || v->schema->nrefs == 0 || v->schema->type != p->type ||
            !contract_matches(v->schema, p, m))
            continue;
        if (reg_schema_parsed(reg, v->schema, 0, &old, NULL) != CN_OK)
            continue;
        same = reg->opts.lang->equivalent(old, p->parsed);
        reg_schema_unpin(reg, v->schema);
        if (same)
            return v;
    }
    return NULL;
}

static bool same_refs(const reg_schema_t *sch, const prepared_t *p) {
    if (sch->nrefs != p->nrefs)
        return false;
    for (size_t i = 0; i < p->nrefs; i++)
        if (strcmp(sch->refs[i].name, p->refs[i].name) != 0 ||
            strcmp(sch->refs[i].subject, p->refs[i].subject) != 0 ||
            sch->refs[i].version != p->refs[i].version)
            return false;
    return true;
}

/* The newest version of s with p's canonical text and references, its contract compared as m
 * says (a scan of the subject's versions). */
static reg_version_t *find_by_content(reg_subject_t *s, const prepared_t *p, bool deleted,
                                      match_t m) {
    for (size_t i = s ? s->n : 0; i > 0; i--) {
        reg_version_t *v = s->v[i - 1];
        if ((deleted || !v->deleted) && v->schema->type == p->type &&
            strcmp(v->schema->text, p->text) == 0 && same_refs(v->schema, p) &&
            contract_matches(v->schema, p, m))
            return v;
    }
    return NULL;
}

/* The newest version of s holding p: by identity (canonical text, references, metadata,
 * ruleSet) in the context's index when the whole contract is compared, else by content; then
 * the resolved-references pass. */
static reg_version_t *find_in_subject(reg_registry_t *reg, reg_subject_t *s, const prepared_t *p,
                                      bool deleted, match_t m) {
    reg_version_t *v;
    if (m.metadata && m.ruleset) {
        reg_schema_t *exact = s ? cn_map_sget(s->ctx->idents, p->ident) : NULL;
        v = reg_subject_version_of(reg, s, exact, deleted);
    } else {
        v = find_by_content(s, p, deleted, m);
    }
    return v ? v : find_resolved(reg, s, p, deleted, m);
}

cn_err_t reg_lookup(reg_registry_t *reg, const reg_name_t *name, const reg_schema_req_t *req,
                    bool deleted, reg_version_t **out, cn_error_t *err) {
    reg_subject_t *s = reg_subject_get(reg, name);
    prepared_t p;
    cn_err_t rc;
    if (!reg_subject_visible(s, deleted))
        return cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.",
                            name->subject ? name->subject : "");
    rc = prepare(reg, name, req, NULL, &p, err);
    if (rc == CN_OK &&
        !(*out = find_in_subject(reg, s, &p, deleted,
                                 (match_t){req->metadata != NULL, req->ruleset != NULL})))
        rc = cn_error_set(err, CN_ERR_SCHEMA_NOT_FOUND, "Schema not found");
    prepared_fini(reg, &p);
    return rc;
}

/* ---- compatibility ---- */

static bool transitive(compat_level_t level) {
    return level == COMPAT_BACKWARD_TRANSITIVE || level == COMPAT_FORWARD_TRANSITIVE ||
           level == COMPAT_FULL_TRANSITIVE;
}

/* Check p against hist[0..n) (oldest first). Only the versions the level compares with are
 * parsed: none at NONE, the latest at the non-transitive levels (as Confluent's
 * isCompatibleWithPrevious), every one at the transitive levels. */
/* The options of a check: the compatibilityPolicy and validateFields (shown in Confluent's last
 * message) in force for name. */
static compat_check_opts_t check_opts(reg_registry_t *reg, const reg_name_t *name) {
    compat_check_opts_t o = {.policy = reg_effective_policy(reg, name)};
    o.validate_fields = json_is_true(reg_config_value(reg, name, "validateFields"));
    return o;
}

static cn_err_t run_check(reg_registry_t *reg, compat_level_t level,
                          const compat_check_opts_t *opts, const prepared_t *p,
                          reg_version_t **hist, size_t n, bool *ok, json_t *messages,
                          cn_error_t *err) {
    size_t from = level == COMPAT_NONE ? n : transitive(level) || n == 0 ? 0 : n - 1, k = 0;
    compat_prev_t *prev = n > from ? calloc(n - from, sizeof(*prev)) : NULL;
    cn_err_t rc = CN_OK;
    *ok = true;
    if (n > from && !prev)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (; from + k < n; k++) { /* k: how many are pinned */
        prev[k].version = hist[from + k]->version;
        rc = reg_schema_parsed(reg, hist[from + k]->schema, 0, &prev[k].schema, err);
        if (rc != CN_OK)
            break;
    }
    if (rc == CN_OK && k > 0)
        rc = reg->opts.lang->check(level, opts, p->parsed, prev, k, ok, messages, err);
    for (size_t i = 0; i < k; i++)
        reg_schema_unpin(reg, hist[from + i]->schema);
    free(prev);
    return rc;
}

/* The live versions of s that a check at level compares with, oldest first: the latest one
 * alone (*out = one) at the non-transitive levels, else all of them (*out malloc'ed, freed by
 * the caller when it is not one). NULL with n > 0: no memory. */
static size_t live_history(reg_subject_t *s, compat_level_t level, reg_version_t **one,
                           reg_version_t ***out) {
    size_t n = 0;
    *one = reg_subject_latest(s, false);
    if (!transitive(level)) {
        *out = one;
        return *one ? 1 : 0;
    }
    *out = *one ? calloc(s->n, sizeof(**out)) : NULL;
    for (size_t i = 0; *out && i < s->n; i++)
        if (!s->v[i]->deleted)
            (*out)[n++] = s->v[i];
    return *one && !*out ? 1 : n;
}

static void incompatible_msg(cn_error_t *err, const char *subject, const json_t *messages) {
    char *m = json_dumps(messages, JSON_COMPACT | JSON_ENCODE_ANY);
    cn_error_set(err, CN_ERR_INCOMPATIBLE,
                 "Schema being registered is incompatible with an earlier schema for subject "
                 "\"%s\", details: %s",
                 subject, m ? m : "[]");
    free(m);
}

/* The versions a registration (or the compatibility endpoint without a version) is checked
 * against: with a compatibilityGroup, only the live ones in p's group (Confluent's
 * compatibilityGroup config), else the live ones the level needs. */
static size_t register_history(reg_registry_t *reg, reg_subject_t *s, const reg_name_t *name,
                               compat_level_t level, const prepared_t *p, reg_version_t **latest,
                               reg_version_t ***hist) {
    const char *group = json_string_value(reg_config_value(reg, name, "compatibilityGroup"));
    size_t n;
    if (!group)
        return live_history(s, level, latest, hist);
    n = reg_group_history(s, group, p->metadata, hist);
    return s && s->n && !*hist ? 1 : n; /* 1 and NULL: no memory */
}

cn_err_t reg_check_compat(reg_registry_t *reg, const reg_name_t *name, int32_t version,
                          const reg_schema_req_t *req, bool verbose, bool *compatible,
                          json_t *messages, cn_error_t *err) {
    reg_subject_t *s;
    reg_version_t **hist = NULL, *one = NULL, *latest = NULL;
    size_t n = 0;
    prepared_t p;
    compat_level_t level;
    compat_check_opts_t copts;
    cn_err_t rc;
    memset(&p, 0, sizeof(p));
    reg_rdlock(reg);
    s = reg_subject_get(reg, name);
    level = reg_effective_level(reg, name);
    copts = check_opts(reg, name);
    if (version > 0 && (!(one = reg_subject_version(s, version)) || one->deleted))
        rc = cn_error_set(err, CN_ERR_VERSION_NOT_FOUND, "Version %d not found.", (int)version);
    else
        rc = prepare(reg, name, req, NULL, &p, err);
    if (rc == CN_ERR_INVALID_SCHEMA && verbose) { /* verbose: an answer, not an error */
        *compatible = false;
        json_array_append_new(messages, json_string(err ? err->msg : "Invalid schema"));
        rc = CN_OK;
    } else if (rc == CN_OK) {
        if (version == -1 && (one = reg_subject_latest(s, false)) == NULL)
            n = 0;
        else if (one)
            n = 1;
        else if ((n = register_history(reg, s, name, level, &p, &latest, &hist)) > 0 && !hist)
            rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        if (rc == CN_OK)
            rc = run_check(reg, level, &copts, &p, one ? &one : hist, n, compatible, messages, err);
    }
    prepared_fini(reg, &p);
    if (hist != &latest)
        free(hist);
    reg_unlock(reg);
    return rc;
}

/* ---- register ---- */

static cn_err_t check_mode(reg_registry_t *reg, const reg_name_t *name, const reg_schema_req_t *req,
                           reg_mode_t *mode, cn_error_t *err) {
    const char *what = NULL;
    *mode = reg_effective_mode_of(reg, name);
    if (reg_mode_readonly(*mode))
        what = "is in read-only mode";
    else if (req->id >= 0 && *mode != REG_MODE_IMPORT)
        what = "is not in import mode";
    else if (req->id < 0 && *mode != REG_MODE_READWRITE)
        what = "is not in read-write mode";
    return what ? reg_mode_error(err, name, what) : CN_OK;
}

static int32_t next_id(reg_ctx_t *c) {
    int32_t id = c ? c->max_id + 1 : 1;
    while (c && cn_map_get(c->ids, &id, sizeof(id)))
        id++;
    return id;
}

static cn_err_t choose_id(reg_registry_t *reg, const reg_name_t *name, const reg_schema_req_t *req,
                          const prepared_t *p, int32_t *id, cn_error_t *err) {
    reg_ctx_t *c = reg_ctx_find(reg, name);
    reg_schema_t *existing = c ? cn_map_sget(c->idents, p->ident) : NULL;
    reg_schema_t *at;
    if (req->id < 0) {
        *id = existing ? existing->id : next_id(c);
        return CN_OK;
    }
    if (existing && existing->id != req->id) /* the same content keeps one id per context */
        return cn_error_set(err, CN_ERR_ID_MISMATCH,
                            "The ID of an imported schema does not match the existing ID");
    at = c ? cn_map_get(c->ids, &req->id, sizeof(req->id)) : NULL;
    if (at && strcmp(at->ident, p->ident) != 0)
        return cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED,
                            "Overwrite new schema with id %d in context %.*s is not permitted.",
                            (int)req->id, (int)name->ctx_len, name->ctx);
    *id = req->id;
    return CN_OK;
}

static cn_err_t choose_version(const reg_subject_t *s, const reg_schema_req_t *req, reg_mode_t mode,
                               int32_t *version, cn_error_t *err) {
    int32_t next = reg_subject_max_version(s) + 1;
    if (req->version <= 0) {
        *version = next;
        return CN_OK;
    }
    if (mode != REG_MODE_IMPORT && req->version != next)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "Version is not one more than previous version");
    if (mode == REG_MODE_IMPORT && reg_subject_version(s, req->version))
        return cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED,
                            "Version %d already exists in subject %s", (int)req->version, s->name);
    *version = req->version;
    return CN_OK;
}

static void add_schema_record(reg_batch_t *b, const char *subject, int32_t version, int32_t id,
                              const prepared_t *p) {
    reg_schema_value_t sv = {0};
    sv.subject = (char *)subject;
    sv.version = version;
    sv.id = id;
    snprintf(sv.type, sizeof(sv.type), "%s", reg_type_name(p->type));
    sv.refs = p->refs;
    sv.nrefs = p->nrefs;
    sv.metadata = (json_t *)p->metadata;
    sv.ruleset = (json_t *)p->ruleset;
    sv.schema = (char *)p->text;
    reg_batch_schema(b, &sv);
}

/* Context announcement and tombstones of soft-deleted versions with the same id (Confluent
 * never reuses a version while its record exists; docs/registry.md). */
static void add_side_records(reg_registry_t *reg, reg_batch_t *b, reg_subject_t *s,
                             const reg_name_t *name, int32_t id) {
    reg_ctx_t *c = reg_ctx_find(reg, name);
    char *ctx;
    if (!c || !c->announced) {
        if (!(ctx = strndup(name->ctx, name->ctx_len)))
            b->failed = true;
        else
            reg_batch_context(b, "default", ctx);
        free(ctx);
    }
    for (size_t k = 0; s && k < s->n; k++) {
        reg_version_t *v = s->v[k];
        if (v->deleted && v->schema->id == id &&
            !reg_is_referenced(reg, s->name, v->version, true, NULL))
            reg_batch_schema_tombstone(b, s->name, v->version);
    }
}

/* Step 8: the live versions at the effective level (and validateFields' reserved fields); 409
 * with Confluent's details. */
static cn_err_t check_for_register(reg_registry_t *reg, reg_subject_t *s, const reg_name_t *name,
                                   const prepared_t *p, cn_error_t *err) {
    compat_level_t level = reg_effective_level(reg, name);
    compat_check_opts_t copts = check_opts(reg, name);
    reg_version_t **hist = NULL, *latest = NULL;
    size_t n = register_history(reg, s, name, level, p, &latest, &hist);
    json_t *msgs = json_array();
    bool ok = true;
    cn_err_t rc = CN_OK;
    if (!msgs || (n > 0 && !hist))
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK && copts.validate_fields)
        ok = reg_reserved_check(s, reg->opts.lang, p->parsed, p->metadata, msgs) == 0;
    if (rc == CN_OK && ok)
        rc = run_check(reg, level, &copts, p, hist, n, &ok, msgs, err);
    if (rc == CN_OK && !ok) {
        incompatible_msg(err, name->subject, msgs);
        rc = CN_ERR_INCOMPATIBLE;
    }
    json_decref(msgs);
    if (hist != &latest)
        free(hist);
    return rc;
}

static cn_err_t reident(prepared_t *p, cn_error_t *err) {
    free(p->ident);
    p->ident = reg_ident_new(p->text, p->type, p->refs, p->nrefs, p->metadata, p->ruleset);
    return p->ident ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
}

/* Step 4: the version's own metadata and ruleSet merged with the config's (reg_contract.c);
 * what is merged is stored, answered and hashed. */
static cn_err_t merge_contract(reg_registry_t *reg, const reg_name_t *name, prepared_t *p,
                               cn_error_t *err) {
    cn_err_t rc =
        reg_contract_merge(reg, name, p->metadata, p->ruleset, &p->md_owned, &p->rs_owned, err);
    p->metadata = p->md_owned;
    p->ruleset = p->rs_owned;
    return rc == CN_OK ? reident(p, err) : rc;
}

static cn_err_t set_confluent_version(prepared_t *p, const reg_schema_req_t *req, int32_t version,
                                      cn_error_t *err) {
    bool changed = false;
    cn_err_t rc = reg_contract_version(&p->md_owned, version, req->version > 0, &changed, err);
    if (rc != CN_OK || !changed)
        return rc;
    p->metadata = p->md_owned;
    return reident(p, err);
}

/* Registration as the writer (caller holds the writer mutex). */
static cn_err_t register_locked(reg_registry_t *reg, const reg_name_t *name,
                                const reg_schema_req_t *req, int32_t *id_out, cn_error_t *err) {
    reg_subject_t *s = reg_subject_find(reg, name);
    reg_version_t *prev = reg_subject_latest(s, false), *found;
    prepared_t p;
    reg_mode_t mode;
    reg_batch_t b;
    int32_t version = 0, id = 0;
    cn_err_t rc = check_mode(reg, name, req, &mode, err);
    assert(reg_writer_held(reg));
    memset(&p, 0, sizeof(p));
    reg_batch_init(&b);
    if (rc == CN_OK)
        rc =
            prepare(reg, name, req, prev && mode != REG_MODE_IMPORT ? prev->schema : NULL, &p, err);
    if (rc == CN_OK && mode != REG_MODE_IMPORT)
        rc = merge_contract(reg, name, &p, err);
    if (rc == CN_OK && (found = find_in_subject(reg, s, &p, false, (match_t){true, true})) &&
        (req->id < 0 || req->id == found->schema->id)) { /* already a live version here */
        *id_out = found->schema->id;
        goto out;
    }
    if (rc == CN_OK && mode != REG_MODE_IMPORT)
        rc = check_for_register(reg, s, name, &p, err);
    if (rc == CN_OK)
        rc = choose_version(s, req, mode, &version, err);
    if (rc == CN_OK && mode != REG_MODE_IMPORT)
        rc = set_confluent_version(&p, req, version, err);
    if (rc == CN_OK)
        rc = choose_id(reg, name, req, &p, &id, err);
    if (rc == CN_OK) {
        add_side_records(reg, &b, s, name, id);
        add_schema_record(&b, name->subject, version, id, &p);
        rc = reg_write(reg, &b, err);
    }
    if (rc == CN_OK)
        *id_out = id;
out:
    reg_batch_fini(&b);
    prepared_fini(reg, &p);
    return rc;
}

cn_err_t reg_register(reg_registry_t *reg, const reg_name_t *name, const reg_schema_req_t *req,
                      int32_t *id_out, cn_error_t *err) {
    reg_version_t *v = NULL;
    cn_err_t rc = reg_subject_check(name, false, err);
    if (rc != CN_OK)
        return rc;
    if (req->schema && req->schema_len > 0) { /* the fast path: a read */
        bool hit;
        int64_t seen;
        reg_rdlock(reg);
        rc = reg_contract_configured(reg, name) ? CN_ERR_SCHEMA_NOT_FOUND
                                                : reg_lookup(reg, name, req, false, &v, NULL);
        if ((hit = rc == CN_OK && (req->id < 0 || req->id == v->schema->id)))
            *id_out = v->schema->id;
        seen = reg_unlock_nowait(reg); /* a miss answers nothing: no wait for the fsync */
        if (hit && reg_ready(reg)) {
            reg_settle(reg, seen);
            return CN_OK;
        }
    }
    if ((rc = reg_writer_begin(reg, err)) != CN_OK)
        return rc;
    rc = register_locked(reg, name, req, id_out, err);
    reg_writer_end(reg);
    return rc;
}
