/* SPDX-License-Identifier: Apache-2.0
 *
 * The memory store: a growable array of copied records behind a mutex. Owns the copies.
 */
#include "registry/reg_store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_time.h"

typedef struct mem_rec {
    uint8_t *key;
    int32_t key_len;
    uint8_t *value;
    int32_t value_len;
    int64_t ts;
} mem_rec_t;

typedef struct mem_store {
    pthread_mutex_t mu;
    mem_rec_t *recs;
    size_t n, cap;
} mem_store_t;

static uint8_t *dup_bytes(const uint8_t *p, int32_t len) {
    uint8_t *out;
    if (!p || len < 0)
        return NULL;
    out = malloc(len ? (size_t)len : 1);
    if (out && len)
        memcpy(out, p, (size_t)len);
    return out;
}

static cn_err_t mem_grow(mem_store_t *ms, size_t more) {
    size_t cap = ms->cap ? ms->cap : 64;
    mem_rec_t *nr;
    while (cap < ms->n + more)
        cap *= 2;
    if (cap == ms->cap)
        return CN_OK;
    nr = realloc(ms->recs, cap * sizeof(*nr));
    if (!nr)
        return CN_ERR_NO_MEMORY;
    ms->recs = nr;
    ms->cap = cap;
    return CN_OK;
}

static cn_err_t mem_append(void *impl, const reg_rec_t *recs, size_t n, int64_t *last,
                           cn_error_t *err) {
    mem_store_t *ms = impl;
    int64_t now = cn_wall_ms();
    cn_err_t rc;
    pthread_mutex_lock(&ms->mu);
    rc = mem_grow(ms, n);
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        mem_rec_t *r = &ms->recs[ms->n + i];
        r->key = dup_bytes(recs[i].key, recs[i].key_len);
        r->key_len = r->key ? recs[i].key_len : -1;
        r->value = dup_bytes(recs[i].value, recs[i].value_len);
        r->value_len = r->value ? recs[i].value_len : -1;
        r->ts = now;
    }
    if (rc == CN_OK) {
        ms->n += n;
        if (last)
            *last = (int64_t)ms->n - 1;
    }
    pthread_mutex_unlock(&ms->mu);
    return rc == CN_OK ? CN_OK : cn_error_set(err, rc, "memory store: out of memory");
}

static cn_err_t mem_read(void *impl, int64_t from, reg_store_visit_fn fn, void *arg,
                         int64_t *next_out, cn_error_t *err) {
    mem_store_t *ms = impl;
    int64_t end, off = from < 0 ? 0 : from;
    cn_err_t rc = CN_OK;
    pthread_mutex_lock(&ms->mu);
    end = (int64_t)ms->n;
    pthread_mutex_unlock(&ms->mu);
    for (; rc == CN_OK && off < end; off++) {
        mem_rec_t r;
        reg_rec_t rec;
        pthread_mutex_lock(&ms->mu);
        r = ms->recs[off]; /* records are never changed once written */
        pthread_mutex_unlock(&ms->mu);
        rec = (reg_rec_t){r.key, r.key_len, r.value, r.value_len, off, r.ts};
        rc = fn(arg, &rec, err);
    }
    if (next_out)
        *next_out = rc == CN_OK ? off : off - 1;
    return rc;
}

static cn_err_t mem_end(void *impl, int64_t *end_out, cn_error_t *err) {
    mem_store_t *ms = impl;
    (void)err;
    pthread_mutex_lock(&ms->mu);
    *end_out = (int64_t)ms->n;
    pthread_mutex_unlock(&ms->mu);
    return CN_OK;
}

static void mem_free(void *impl) {
    mem_store_t *ms = impl;
    for (size_t i = 0; i < ms->n; i++) {
        free(ms->recs[i].key);
        free(ms->recs[i].value);
    }
    free(ms->recs);
    pthread_mutex_destroy(&ms->mu);
    free(ms);
}

static const reg_store_ops_t mem_ops = {mem_append, mem_read, mem_end, mem_free, NULL, NULL};

reg_store_t *reg_store_mem_new(void) {
    reg_store_t *st = calloc(1, sizeof(*st));
    mem_store_t *ms = calloc(1, sizeof(*ms));
    if (!st || !ms) {
        free(st);
        free(ms);
        return NULL;
    }
    pthread_mutex_init(&ms->mu, NULL);
    st->ops = &mem_ops;
    st->impl = ms;
    return st;
}

void reg_store_free(reg_store_t *st) {
    if (!st)
        return;
    st->ops->free(st->impl);
    free(st);
}
