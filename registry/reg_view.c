/* SPDX-License-Identifier: Apache-2.0
 *
 * The state lock and the read views of the registry's state (what the GET endpoints of Confluent's
 * API reference read): subjects and their versions, schemas by id per context, listings,
 * references, contexts, stored configs and modes. Pure reads: the caller holds the state lock (read
 * or write); results are borrowed until it is released. Releasing the read lock waits until every
 * record the reader may have seen is durable (reg_settle: the pipelined commit of reg_writer.c
 * applies records before their fsync).
 */
#include "registry/reg_int.h"

#include <stdlib.h>
#include <string.h>

bool reg_lock_held(reg_registry_t *reg) {
    if (pthread_rwlock_trywrlock(&reg->lock) != 0)
        return true;
    pthread_rwlock_unlock(&reg->lock);
    return false;
}

bool reg_may_read(reg_registry_t *reg) {
    return reg_writer_held(reg) || reg_lock_held(reg);
}

bool reg_wrlock_held(reg_registry_t *reg) {
    return atomic_load(&reg->wrlocked) &&
           pthread_equal(atomic_load(&reg->wrlock_tid), pthread_self());
}

bool reg_writer_held(reg_registry_t *reg) {
    return atomic_load(&reg->writing) &&
           pthread_equal(atomic_load(&reg->writer_tid), pthread_self());
}

void reg_wrlock(reg_registry_t *reg) {
    pthread_rwlock_wrlock(&reg->lock);
    atomic_store(&reg->wrlock_tid, pthread_self());
    atomic_store(&reg->wrlocked, true);
}

void reg_wrunlock(reg_registry_t *reg) {
    assert(reg_wrlock_held(reg));
    atomic_store(&reg->wrlocked, false);
    pthread_rwlock_unlock(&reg->lock);
}

bool reg_ready(reg_registry_t *reg) {
    return atomic_load(&reg->ready);
}

void reg_rdlock(reg_registry_t *reg) {
    pthread_rwlock_rdlock(&reg->lock);
}

void reg_settle(reg_registry_t *reg, int64_t end) {
    int64_t cur = atomic_load(&reg->durable);
    cn_error_t err;
    if (end <= cur || !reg_store_pipelined(reg->opts.store))
        return;
    if (reg_store_sync(reg->opts.store, end, &err) != CN_OK) {
        cn_log_error(reg->opts.log,
                     "_schemas: records up to offset %lld may be lost (%s): "
                     "nothing read from them is answered",
                     (long long)end - 1, err.msg);
        pthread_mutex_lock(&reg->lost_mu);
        for (;;) /* never signalled: the process exits for recovery */
            pthread_cond_wait(&reg->lost_cv, &reg->lost_mu);
    }
    while (cur < end && !atomic_compare_exchange_weak(&reg->durable, &cur, end))
        ;
}

int64_t reg_unlock_nowait(reg_registry_t *reg) {
    int64_t seen = reg->next_offset;
    assert(!reg_wrlock_held(reg));
    pthread_rwlock_unlock(&reg->lock);
    return seen;
}

void reg_unlock(reg_registry_t *reg) {
    reg_settle(reg, reg_unlock_nowait(reg)); /* what this reader may have seen is durable */
}

reg_ctx_t *reg_ctx_find(reg_registry_t *reg, const reg_name_t *name) {
    assert(reg_may_read(reg));
    return cn_map_get(reg->ctxs, name->ctx, name->ctx_len);
}

reg_subject_t *reg_subject_find(reg_registry_t *reg, const reg_name_t *name) {
    return name->subject ? cn_map_sget(reg->subjects, name->subject) : NULL;
}

reg_subject_t *reg_subject_get(reg_registry_t *reg, const reg_name_t *name) {
    assert(reg_may_read(reg));
    return reg_subject_find(reg, name);
}

reg_subject_t *reg_ref_subject(reg_registry_t *reg, const reg_name_t *name, const char *ref) {
    size_t rlen = strlen(ref), len = name->ctx_len + rlen + 2;
    char *q;
    reg_subject_t *s;
    if (reg_name_default_ctx(name) || ref[0] == ':')
        return cn_map_sget(reg->subjects, ref);
    if (!(q = malloc(len)))
        return NULL;
    q[0] = ':';
    memcpy(q + 1, name->ctx, name->ctx_len);
    q[1 + name->ctx_len] = ':';
    memcpy(q + 2 + name->ctx_len, ref, rlen);
    s = cn_map_get(reg->subjects, q, len);
    free(q);
    return s;
}

reg_version_t *reg_subject_version(const reg_subject_t *s, int32_t version) {
    size_t lo = 0, hi = s ? s->n : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->v[mid]->version == version)
            return s->v[mid];
        if (s->v[mid]->version < version)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

reg_version_t *reg_subject_latest(const reg_subject_t *s, bool deleted) {
    for (size_t i = s ? s->n : 0; i > 0; i--)
        if (deleted || !s->v[i - 1]->deleted)
            return s->v[i - 1];
    return NULL;
}

reg_version_t *reg_subject_version_of(reg_registry_t *reg, const reg_subject_t *s,
                                      const reg_schema_t *sch, bool deleted) {
    reg_use_key_t k = {s, sch};
    reg_version_t *v = s && sch ? cn_map_get(reg->uses, &k, sizeof(k)) : NULL;
    assert(reg_may_read(reg));
    if (!v || deleted || !v->deleted)
        return v;
    for (size_t i = s->n; i > 0; i--) /* the newest is soft-deleted: an older live one (rare) */
        if (s->v[i - 1]->schema == sch && !s->v[i - 1]->deleted)
            return s->v[i - 1];
    return NULL;
}

int32_t reg_subject_max_version(const reg_subject_t *s) {
    return s && s->n ? s->v[s->n - 1]->version : 0;
}

bool reg_subject_visible(const reg_subject_t *s, bool deleted) {
    return s && reg_subject_latest(s, deleted) != NULL;
}

bool reg_subject_all_deleted(const reg_subject_t *s) {
    return s && s->n > 0 && reg_subject_latest(s, false) == NULL;
}

cn_err_t reg_version_find(reg_registry_t *reg, const reg_name_t *name, int32_t version,
                          bool deleted, reg_version_t **out, cn_error_t *err) {
    const char *subject = name->subject ? name->subject : "";
    reg_subject_t *s = reg_subject_get(reg, name);
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

reg_schema_t *reg_schema_by_id(reg_registry_t *reg, int32_t id, const reg_name_t *name) {
    cn_map_iter_t it = {0};
    reg_name_t dflt = reg_name(NULL);
    reg_ctx_t *c;
    reg_schema_t *sch;
    if (name->subject && (c = reg_ctx_find(reg, name)))
        return cn_map_get(c->ids, &id, sizeof(id));
    if (name->subject)
        return NULL;
    c = reg_ctx_find(reg, &dflt);
    if (c && (sch = cn_map_get(c->ids, &id, sizeof(id))))
        return sch;
    while (cn_map_next(reg->ctxs, &it, NULL, NULL, (void **)&c))
        if ((sch = cn_map_get(c->ids, &id, sizeof(id))))
            return sch;
    return NULL;
}

int32_t reg_max_id(reg_registry_t *reg, const reg_name_t *name) {
    reg_ctx_t *c = reg_ctx_find(reg, name);
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
    assert(reg_may_read(reg));
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

/* Whether a schema of subject s references (target, version). */
static bool refers_to(const reg_subject_t *s, const reg_schema_t *sch, const char *target,
                      int32_t version) {
    for (size_t k = 0; k < sch->nrefs; k++)
        if (sch->refs[k].version == version &&
            reg_name_ref_is(&s->qname, sch->refs[k].subject, target))
            return true;
    return false;
}

size_t reg_referenced_by(reg_registry_t *reg, const reg_name_t *name, int32_t version, bool deleted,
                         int32_t *ids, size_t cap) {
    const char *subject = name->subject;
    size_t ns = 0, cnt = 0;
    reg_subject_t **subs = reg_subjects_sorted(reg, &ns);
    assert(subject);
    for (size_t i = 0; subs && i < ns; i++) {
        for (size_t j = 0; j < subs[i]->n; j++) {
            reg_version_t *v = subs[i]->v[j];
            if ((v->deleted && !deleted) || !refers_to(subs[i], v->schema, subject, version))
                continue;
            if (cnt < cap)
                ids[cnt] = v->schema->id;
            cnt++;
        }
    }
    free(subs);
    return cnt;
}

bool reg_is_referenced(reg_registry_t *reg, const char *subject, int32_t version, bool deleted,
                       const char *except) {
    cn_map_iter_t it = {0};
    reg_subject_t *s;
    assert(reg_may_read(reg));
    while (cn_map_next(reg->subjects, &it, NULL, NULL, (void **)&s)) {
        if (except && strcmp(s->name, except) == 0)
            continue;
        for (size_t j = 0; j < s->n; j++)
            if ((!s->v[j]->deleted || deleted) && refers_to(s, s->v[j]->schema, subject, version))
                return true;
    }
    return false;
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

const json_t *reg_config_at(reg_registry_t *reg, const char *scope, size_t len) {
    return scope ? cn_map_get(reg->configs, scope, len) : reg->global_config;
}

int reg_mode_at(reg_registry_t *reg, const char *scope, size_t len) {
    int *m;
    if (!scope)
        return reg->global_mode;
    m = cn_map_get(reg->modes, scope, len);
    return m ? *m : -1;
}

const json_t *reg_config_stored(reg_registry_t *reg, const char *subject) {
    return reg_config_at(reg, subject, subject ? strlen(subject) : 0);
}

int reg_mode_stored(reg_registry_t *reg, const char *subject) {
    return reg_mode_at(reg, subject, subject ? strlen(subject) : 0);
}
