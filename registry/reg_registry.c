/* SPDX-License-Identifier: Apache-2.0
 *
 * The registry object: lifecycle, locks, replay and catch-up from the store, the write path
 * (append durably, then apply, then answer: registry-api.md §4.4), the parse cache and the
 * read views. Owns the state (reg_state.c) and borrows the store and the language table.
 */
#include "registry/reg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void reg_options_defaults(reg_options_t *opts) {
    memset(opts, 0, sizeof(*opts));
    opts->default_level = COMPAT_BACKWARD;
    opts->mode_mutable = true;
    opts->max_schema_bytes = 1024 * 1024 - 4096;
    opts->max_refs = 100;
}

reg_registry_t *reg_new(const reg_options_t *opts, cn_error_t *err) {
    reg_registry_t *reg = calloc(1, sizeof(*reg));
    pthread_mutexattr_t ma;
    pthread_rwlockattr_t ra;
    if (!reg) {
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    reg->opts = *opts;
    pthread_rwlockattr_init(&ra); /* a steady stream of readers must not starve the writer */
    pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&reg->lock, &ra);
    pthread_rwlockattr_destroy(&ra);
    pthread_mutex_init(&reg->writer, NULL);
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&reg->parse_mu, &ma);
    pthread_mutexattr_destroy(&ma);
    atomic_init(&reg->ready, false);
    if (!opts->store || !opts->lang || reg_state_init(reg) != CN_OK) {
        cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "registry: store and language table needed");
        reg_free(reg);
        return NULL;
    }
    return reg;
}

void reg_free(reg_registry_t *reg) {
    if (!reg)
        return;
    reg_state_fini(reg);
    pthread_rwlock_destroy(&reg->lock);
    pthread_mutex_destroy(&reg->writer);
    pthread_mutex_destroy(&reg->parse_mu);
    free(reg);
}

void reg_rdlock(reg_registry_t *reg) {
    pthread_rwlock_rdlock(&reg->lock);
}

void reg_unlock(reg_registry_t *reg) {
    pthread_rwlock_unlock(&reg->lock);
}

cn_err_t reg_catch_up(reg_registry_t *reg, cn_error_t *err) {
    int64_t next = 0;
    cn_err_t rc;
    pthread_rwlock_wrlock(&reg->lock);
    rc = reg_store_read(reg->opts.store, reg->next_offset, reg_state_apply, reg, &next, err);
    if (rc == CN_OK && next > reg->next_offset)
        reg->next_offset = next;
    pthread_rwlock_unlock(&reg->lock);
    return rc;
}

cn_err_t reg_replay(reg_registry_t *reg, cn_error_t *err) {
    int64_t end = 0;
    cn_err_t rc;
    pthread_mutex_lock(&reg->writer);
    rc = reg_store_end_offset(reg->opts.store, &end, err);
    while (rc == CN_OK && reg->next_offset < end)
        rc = reg_catch_up(reg, err);
    if (rc == CN_OK)
        atomic_store(&reg->ready, true);
    pthread_mutex_unlock(&reg->writer);
    return rc;
}

cn_err_t reg_refresh(reg_registry_t *reg, cn_error_t *err) {
    int64_t end = 0;
    cn_err_t rc;
    if (!reg_ready(reg) || pthread_mutex_trylock(&reg->writer) != 0)
        return CN_OK;
    rc = reg_store_end_offset(reg->opts.store, &end, err);
    if (rc == CN_OK && end > reg->next_offset) /* next_offset changes only under the writer */
        rc = reg_catch_up(reg, err);
    pthread_mutex_unlock(&reg->writer);
    return rc;
}

bool reg_ready(reg_registry_t *reg) {
    return atomic_load(&reg->ready);
}

const reg_lang_ops_t *reg_lang_get(reg_registry_t *reg) {
    return reg->opts.lang;
}

void reg_stats(reg_registry_t *reg, int64_t *applied, int64_t *skipped, int64_t *next_offset) {
    pthread_rwlock_rdlock(&reg->lock);
    *applied = reg->applied;
    *skipped = reg->skipped;
    *next_offset = reg->next_offset;
    pthread_rwlock_unlock(&reg->lock);
}

/* ---- the write path ---- */

void reg_batch_init(reg_batch_t *b) {
    memset(b, 0, sizeof(*b));
}

void reg_batch_fini(reg_batch_t *b) {
    for (size_t i = 0; i < b->n; i++) {
        cn_buf_fini(&b->keys[i]);
        cn_buf_fini(&b->vals[i]);
    }
    free(b->keys);
    free(b->vals);
    free(b->tomb);
    memset(b, 0, sizeof(*b));
}

static bool batch_grow(reg_batch_t *b) {
    size_t cap = b->cap ? b->cap * 2 : 4;
    cn_buf_t *k = realloc(b->keys, cap * sizeof(*k));
    cn_buf_t *v = k ? realloc(b->vals, cap * sizeof(*v)) : NULL;
    bool *t = v ? realloc(b->tomb, cap * sizeof(*t)) : NULL;
    if (k)
        b->keys = k;
    if (v)
        b->vals = v;
    if (!t)
        return false;
    b->tomb = t;
    b->cap = cap;
    return true;
}

size_t reg_batch_add(reg_batch_t *b, bool tombstone) {
    if (b->n == b->cap && !batch_grow(b))
        return SIZE_MAX;
    cn_buf_init(&b->keys[b->n], CN_BUF_NO_LIMIT);
    cn_buf_init(&b->vals[b->n], CN_BUF_NO_LIMIT);
    b->tomb[b->n] = tombstone;
    return b->n++;
}

cn_err_t reg_write(reg_registry_t *reg, reg_batch_t *b, cn_error_t *err) {
    reg_rec_t *recs;
    int64_t last = -1;
    cn_err_t rc = CN_OK;
    if (b->n == 0)
        return CN_OK;
    if (!(recs = calloc(b->n, sizeof(*recs))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; i < b->n; i++) {
        if (b->keys[i].failed || b->vals[i].failed)
            rc = cn_error_set(err, CN_ERR_NO_MEMORY, "record encoding failed");
        recs[i].key = b->keys[i].data;
        recs[i].key_len = (int32_t)b->keys[i].len;
        recs[i].value = b->tomb[i] ? NULL : b->vals[i].data;
        recs[i].value_len = b->tomb[i] ? -1 : (int32_t)b->vals[i].len;
    }
    if (rc == CN_OK)
        rc = reg_store_append(reg->opts.store, recs, b->n, &last, err);
    free(recs);
    if (rc == CN_ERR_MESSAGE_TOO_LARGE || rc == CN_ERR_RECORD_LIST_TOO_LARGE)
        return cn_error_set(err, CN_ERR_SCHEMA_TOO_LARGE,
                            "Register operation failed because schema is too large");
    if (rc != CN_OK) {
        cn_error_prefix(err, "Error while writing to the backend store");
        if (err)
            err->code = CN_ERR_STORE;
        return CN_ERR_STORE;
    }
    return reg_catch_up(reg, err);
}

cn_err_t reg_writer_begin(reg_registry_t *reg, cn_error_t *err) {
    cn_err_t rc;
    pthread_mutex_lock(&reg->writer);
    if (!reg_ready(reg)) {
        pthread_mutex_unlock(&reg->writer);
        return cn_error_set(err, CN_ERR_STORE_TIMEOUT,
                            "The registry is still replaying the _schemas topic");
    }
    rc = reg_catch_up(reg, err);
    if (rc != CN_OK)
        pthread_mutex_unlock(&reg->writer);
    return rc;
}

void reg_writer_end(reg_registry_t *reg) {
    pthread_mutex_unlock(&reg->writer);
}

/* ---- the parse cache ---- */

typedef struct resolve_ctx {
    reg_registry_t *reg;
    const char *ctx_name;
    int depth;
} resolve_ctx_t;

static void qualify(const char *ctx, const char *subject, char *out, size_t cap) {
    if (strcmp(ctx, ".") == 0 || subject[0] == ':')
        snprintf(out, cap, "%s", subject);
    else
        snprintf(out, cap, ":%s:%s", ctx, subject);
}

static cn_err_t resolve_ref(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                            cn_error_t *err) {
    resolve_ctx_t *rc = arg;
    char subject[600];
    reg_subject_t *s;
    reg_version_t *v;
    qualify(rc->ctx_name, ref->subject, subject, sizeof(subject));
    s = cn_map_sget(rc->reg->subjects, subject);
    v = ref->version == -1 ? reg_subject_latest(s, false) : reg_subject_version(s, ref->version);
    if (!v)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "Invalid schema: reference %s (subject %s, version %d) not found",
                            ref->name, ref->subject, (int)ref->version);
    return reg_schema_parsed(rc->reg, v->schema, rc->depth + 1, out, err);
}

/* Stored schemas are parsed as Confluent reads them: names and defaults are not re-validated. */
static compat_schema_t *reg_parse_stored(reg_registry_t *reg, const char *text,
                                         const compat_parse_opts_t *po, cn_error_t *err) {
    const reg_lang_ops_t *lang = reg->opts.lang;
    return (lang->parse_stored ? lang->parse_stored : lang->parse)(text, strlen(text), po, err);
}

cn_err_t reg_schema_parsed(reg_registry_t *reg, reg_schema_t *sch, int depth,
                           const compat_schema_t **out, cn_error_t *err) {
    cn_err_t rc = CN_OK;
    if (depth > REG_REF_DEPTH_MAX)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "Invalid schema: references nested deeper than %d", REG_REF_DEPTH_MAX);
    pthread_mutex_lock(&reg->parse_mu);
    if (!sch->parsed) {
        compat_ref_t *refs = sch->nrefs ? calloc(sch->nrefs, sizeof(*refs)) : NULL;
        resolve_ctx_t rctx = {reg, sch->ctx->name, depth};
        compat_parse_opts_t po = {sch->type, refs, sch->nrefs, resolve_ref, &rctx, false};
        for (size_t i = 0; refs && i < sch->nrefs; i++)
            refs[i] = (compat_ref_t){sch->refs[i].name, sch->refs[i].subject, sch->refs[i].version};
        if (sch->nrefs && !refs)
            rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        else if (!(sch->parsed = reg_parse_stored(reg, sch->text, &po, err)))
            rc = err ? err->code : CN_ERR_INVALID_SCHEMA;
        free(refs);
    }
    *out = sch->parsed;
    pthread_mutex_unlock(&reg->parse_mu);
    return rc;
}

/* ---- read views ---- */

reg_subject_t *reg_subject_get(reg_registry_t *reg, const char *subject) {
    return cn_map_sget(reg->subjects, subject);
}

bool reg_subject_visible(const reg_subject_t *s, bool deleted) {
    return s && reg_subject_latest(s, deleted) != NULL;
}

bool reg_subject_all_deleted(const reg_subject_t *s) {
    return s && s->n > 0 && reg_subject_latest(s, false) == NULL;
}

cn_err_t reg_version_find(reg_registry_t *reg, const char *subject, int32_t version, bool deleted,
                          reg_version_t **out, cn_error_t *err) {
    reg_subject_t *s = reg_subject_get(reg, subject);
    reg_version_t *v;
    if (!reg_subject_visible(s, deleted))
        return cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
    v = version == -1 ? reg_subject_latest(s, false) : reg_subject_version(s, version);
    if (!v || (v->deleted && !deleted)) {
        if (version == -1)
            return cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
        return cn_error_set(err, CN_ERR_VERSION_NOT_FOUND, "Version %d not found.", (int)version);
    }
    *out = v;
    return CN_OK;
}

reg_schema_t *reg_schema_by_id(reg_registry_t *reg, int32_t id, const char *subject) {
    cn_map_iter_t it = {0};
    reg_ctx_t *c;
    reg_schema_t *sch;
    if (subject && (c = reg_ctx_of_subject(reg, subject, false)))
        return cn_map_get(c->ids, &id, sizeof(id));
    if (subject)
        return NULL;
    c = reg_ctx_get(reg, ".", false);
    if (c && (sch = cn_map_get(c->ids, &id, sizeof(id))))
        return sch;
    while (cn_map_next(reg->ctxs, &it, NULL, NULL, (void **)&c))
        if ((sch = cn_map_get(c->ids, &id, sizeof(id))))
            return sch;
    return NULL;
}

int32_t reg_max_id(reg_registry_t *reg, const char *subject) {
    reg_ctx_t *c = reg_ctx_of_subject(reg, subject ? subject : "", false);
    return c ? c->max_id : 0;
}

const char *reg_schema_wire(reg_schema_t *sch, char *(*build)(const reg_schema_t *sch)) {
    char *cur = atomic_load(&sch->wire), *mine;
    if (cur || !(mine = build(sch)))
        return cur;
    if (!atomic_compare_exchange_strong(&sch->wire, &cur, mine)) { /* another reader won */
        free(mine);
        return cur;
    }
    return mine;
}

static int cmp_subject(const void *a, const void *b) {
    return strcmp((*(reg_subject_t *const *)a)->name, (*(reg_subject_t *const *)b)->name);
}

reg_subject_t **reg_subjects_sorted(reg_registry_t *reg, size_t *n) {
    size_t cnt = cn_map_count(reg->subjects), i = 0;
    reg_subject_t **arr = malloc((cnt ? cnt : 1) * sizeof(*arr));
    cn_map_iter_t it = {0};
    reg_subject_t *s;
    *n = 0;
    if (!arr)
        return NULL;
    while (cn_map_next(reg->subjects, &it, NULL, NULL, (void **)&s))
        arr[i++] = s;
    qsort(arr, i, sizeof(*arr), cmp_subject);
    *n = i;
    return arr;
}

reg_version_t **reg_schema_versions(reg_registry_t *reg, const reg_schema_t *schema, size_t *n) {
    size_t ns = 0, cnt = 0, cap = 4;
    reg_subject_t **subs = reg_subjects_sorted(reg, &ns);
    reg_version_t **out = malloc(cap * sizeof(*out));
    for (size_t i = 0; subs && out && i < ns; i++) {
        for (size_t j = 0; j < subs[i]->n; j++) {
            if (subs[i]->v[j]->schema != schema)
                continue;
            if (cnt == cap) {
                reg_version_t **no = realloc(out, (cap *= 2) * sizeof(*out));
                if (!no)
                    break;
                out = no;
            }
            out[cnt++] = subs[i]->v[j];
        }
    }
    free(subs);
    *n = cnt;
    return out;
}

size_t reg_referenced_by(reg_registry_t *reg, const char *subject, int32_t version, bool deleted,
                         int32_t *ids, size_t cap) {
    size_t ns = 0, cnt = 0;
    reg_subject_t **subs = reg_subjects_sorted(reg, &ns);
    char ctx[256], q[600];
    for (size_t i = 0; subs && i < ns; i++) {
        for (size_t j = 0; j < subs[i]->n; j++) {
            reg_version_t *v = subs[i]->v[j];
            if (v->deleted && !deleted)
                continue;
            for (size_t k = 0; k < v->schema->nrefs; k++) {
                reg_subject_context(subs[i]->name, ctx, sizeof(ctx));
                qualify(ctx, v->schema->refs[k].subject, q, sizeof(q));
                if (strcmp(q, subject) != 0 || v->schema->refs[k].version != version)
                    continue;
                if (cnt < cap)
                    ids[cnt] = v->schema->id;
                cnt++;
                break;
            }
        }
    }
    free(subs);
    return cnt;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **reg_contexts(reg_registry_t *reg, size_t *n) {
    size_t cnt = cn_map_count(reg->ctxs), i = 0;
    const char **arr = malloc((cnt ? cnt : 1) * sizeof(*arr));
    cn_map_iter_t it = {0};
    reg_ctx_t *c;
    *n = 0;
    if (!arr)
        return NULL;
    while (cn_map_next(reg->ctxs, &it, NULL, NULL, (void **)&c))
        if (c->announced || cn_map_count(c->ids) > 0)
            arr[i++] = c->name;
    qsort(arr, i, sizeof(*arr), cmp_str);
    *n = i;
    return arr;
}
