/* SPDX-License-Identifier: Apache-2.0
 *
 * The write path (docs/registry.md, The write path): one writer at a time builds a batch of
 * records, appends it to the store and applies it, so that ids and versions are decided in one
 * order. A batch remembers its first failure, as cn_buf does, so that a record that could not be
 * encoded is never silently left out of a write that answers success.
 *
 * On a store whose appends are durable on return (memory, Kafka with acks=all) the writer
 * appends, then applies everything the store holds beyond what was applied (its own records and
 * any that others appended). On a pipelined store (the bundled log) the writer appends without
 * waiting for the fsync, applies its own records at once (when nothing foreign lies before them)
 * and releases the writer mutex; only then does it wait for the fsync that covers its records,
 * which also covers every append that other writers made meanwhile (group commit, as a broker's
 * acks=-1 path). Nothing is answered before it is durable: the writer waits in reg_writer_end,
 * and a reader waits in reg_unlock until everything it may have seen (the applied offset when it
 * took the lock) is durable, so a crash can never lose a schema or an id that a client saw.
 */
#include "registry/reg_int.h"

#include <stdlib.h>
#include <string.h>

/* Catch-up attempts when applying runs out of memory (each retries the same record). */
#define REG_APPLY_TRIES 3

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

/* The next slot, or SIZE_MAX (and the batch failed) without memory or after a failure. */
static size_t slot(reg_batch_t *b, bool tombstone) {
    if (b->failed || (b->n == b->cap && !batch_grow(b))) {
        b->failed = true;
        return SIZE_MAX;
    }
    cn_buf_init(&b->keys[b->n], CN_BUF_NO_LIMIT);
    cn_buf_init(&b->vals[b->n], CN_BUF_NO_LIMIT);
    b->tomb[b->n] = tombstone;
    return b->n++;
}

static void check(reg_batch_t *b, cn_err_t rc) {
    if (rc != CN_OK)
        b->failed = true;
}

void reg_batch_schema(reg_batch_t *b, const reg_schema_value_t *sv) {
    size_t i = slot(b, false);
    if (i == SIZE_MAX)
        return;
    check(b, reg_key_encode_schema(&b->keys[i], sv->subject, sv->version));
    check(b, reg_value_encode_schema(&b->vals[i], sv));
}

void reg_batch_schema_tombstone(reg_batch_t *b, const char *subject, int32_t version) {
    size_t i = slot(b, true);
    if (i != SIZE_MAX)
        check(b, reg_key_encode_schema(&b->keys[i], subject, version));
}

void reg_batch_config(reg_batch_t *b, const char *subject, const json_t *config) {
    size_t i = slot(b, config == NULL);
    if (i == SIZE_MAX)
        return;
    check(b, reg_key_encode_config(&b->keys[i], subject));
    if (config)
        check(b, reg_value_encode_config(&b->vals[i], subject, config));
}

void reg_batch_mode(reg_batch_t *b, const char *subject, const char *mode) {
    size_t i = slot(b, mode == NULL);
    if (i == SIZE_MAX)
        return;
    check(b, reg_key_encode_mode(&b->keys[i], subject));
    if (mode)
        check(b, reg_value_encode_mode(&b->vals[i], subject, mode));
}

void reg_batch_delete_subject(reg_batch_t *b, const char *subject, int32_t version) {
    size_t i = slot(b, false);
    if (i == SIZE_MAX)
        return;
    check(b, reg_key_encode_delete_subject(&b->keys[i], subject));
    check(b, reg_value_encode_delete_subject(&b->vals[i], subject, version));
}

void reg_batch_clear_subject(reg_batch_t *b, const char *subject) {
    size_t i = slot(b, false);
    if (i == SIZE_MAX)
        return;
    check(b, reg_key_encode_clear_subject(&b->keys[i], subject));
    check(b, reg_value_encode_clear_subject(&b->vals[i], subject));
}

void reg_batch_context(reg_batch_t *b, const char *tenant, const char *context) {
    size_t i = slot(b, false);
    if (i == SIZE_MAX)
        return;
    check(b, reg_key_encode_context(&b->keys[i], tenant, context));
    check(b, reg_value_encode_context(&b->vals[i], tenant, context));
}

static cn_err_t catch_up_once(reg_registry_t *reg, cn_error_t *err) {
    int64_t next = 0;
    cn_err_t rc;
    reg_wrlock(reg);
    rc = reg_store_read(reg->opts.store, reg->next_offset, reg_state_apply, reg, &next, err);
    if (rc == CN_OK && next > reg->next_offset)
        reg->next_offset = next;
    reg_wrunlock(reg);
    return rc;
}

cn_err_t reg_catch_up(reg_registry_t *reg, cn_error_t *err) {
    cn_err_t rc = catch_up_once(reg, err);
    assert(reg_writer_held(reg));
    for (int i = 1; rc == CN_ERR_NO_MEMORY && i < REG_APPLY_TRIES; i++)
        rc = catch_up_once(reg, err);
    return rc;
}

/* Each record decodes (the encoders and jansson under memory pressure are trusted no further). */
static cn_err_t batch_verify(const reg_rec_t *recs, size_t n, cn_error_t *err) {
    cn_err_t rc = CN_OK;
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        reg_key_t key;
        reg_value_t val;
        rc = reg_key_decode(recs[i].key, (size_t)recs[i].key_len, &key, err);
        if (rc == CN_OK)
            rc = reg_value_decode(&key, recs[i].value, recs[i].value_len, &val, err);
        if (rc == CN_OK)
            reg_value_fini(&val);
        reg_key_fini(&key);
    }
    if (rc != CN_OK && rc != CN_ERR_NO_MEMORY)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, "record encoding failed");
    return rc;
}

/* The records of the batch, borrowed from it (malloc'ed array). */
static reg_rec_t *batch_records(const reg_batch_t *b) {
    reg_rec_t *recs = calloc(b->n, sizeof(*recs));
    for (size_t i = 0; recs && i < b->n; i++) {
        assert(!b->keys[i].failed && !b->vals[i].failed);
        recs[i].key = b->keys[i].data;
        recs[i].key_len = (int32_t)b->keys[i].len;
        recs[i].value = b->tomb[i] ? NULL : b->vals[i].data;
        recs[i].value_len = b->tomb[i] ? -1 : (int32_t)b->vals[i].len;
    }
    return recs;
}

/* Pipelined: the records are written, not yet durable or readable; apply them from the batch
 * when they directly follow what was applied, else wait for them and read them back with
 * whatever others appended before them (rare: a Kafka producer on _schemas). */
static cn_err_t apply_own(reg_registry_t *reg, const reg_rec_t *recs, size_t n, cn_error_t *err) {
    int64_t end = recs[n - 1].offset + 1;
    cn_err_t rc = CN_OK;
    if (recs[0].offset == reg->next_offset) {
        reg_wrlock(reg);
        for (size_t i = 0; rc == CN_OK && i < n; i++)
            rc = reg_state_apply(reg, &recs[i], err);
        reg_wrunlock(reg);
        if (rc == CN_OK)
            return CN_OK;
    }
    reg_settle(reg, end); /* no memory, or records of others first: read it all back */
    return reg_catch_up(reg, err);
}

static cn_err_t append(reg_registry_t *reg, reg_rec_t *recs, size_t n, int64_t *last,
                       cn_error_t *err) {
    cn_err_t rc;
    if (!reg_store_pipelined(reg->opts.store))
        return reg_store_append(reg->opts.store, recs, n, last, err);
    rc = reg_store_append_pending(reg->opts.store, recs, n, err);
    if (rc == CN_OK)
        *last = recs[n - 1].offset;
    return rc;
}

static cn_err_t store_error(cn_err_t rc, cn_error_t *err) {
    if (rc == CN_ERR_NO_MEMORY)
        return rc;
    if (rc == CN_ERR_MESSAGE_TOO_LARGE || rc == CN_ERR_RECORD_LIST_TOO_LARGE)
        return cn_error_set(err, CN_ERR_SCHEMA_TOO_LARGE,
                            "Register operation failed because schema is too large");
    cn_error_prefix(err, "Error while writing to the backend store");
    if (err)
        err->code = CN_ERR_STORE;
    return CN_ERR_STORE;
}

cn_err_t reg_write(reg_registry_t *reg, reg_batch_t *b, cn_error_t *err) {
    reg_rec_t *recs;
    int64_t last = -1;
    cn_err_t rc;
    assert(reg_writer_held(reg));
    if (b->failed)
        return cn_error_set(err, CN_ERR_NO_MEMORY, "record encoding failed");
    if (b->n == 0)
        return CN_OK;
    if (!(recs = batch_records(b)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    rc = batch_verify(recs, b->n, err);
    if (rc == CN_OK)
        rc = append(reg, recs, b->n, &last, err);
    if (rc != CN_OK) {
        free(recs);
        return store_error(rc, err);
    }
    reg->own_first = last - (int64_t)b->n + 1;
    reg->own_last = last;
    if (reg_store_pipelined(reg->opts.store))
        rc = apply_own(reg, recs, b->n, err);
    else
        rc = reg_catch_up(reg, err);
    reg->own_first = reg->own_last = -1;
    free(recs);
    return rc;
}

void reg_writer_lock(reg_registry_t *reg) {
    pthread_mutex_lock(&reg->writer);
    atomic_store(&reg->writer_tid, pthread_self());
    atomic_store(&reg->writing, true);
}

bool reg_writer_trylock(reg_registry_t *reg) {
    if (pthread_mutex_trylock(&reg->writer) != 0)
        return false;
    atomic_store(&reg->writer_tid, pthread_self());
    atomic_store(&reg->writing, true);
    return true;
}

cn_err_t reg_writer_begin(reg_registry_t *reg, cn_error_t *err) {
    cn_err_t rc;
    reg_writer_lock(reg);
    if (!reg_ready(reg)) {
        reg_writer_release(reg);
        return cn_error_set(err, CN_ERR_STORE_TIMEOUT,
                            "The registry is still replaying the _schemas topic");
    }
    rc = reg_catch_up(reg, err);
    if (rc != CN_OK)
        reg_writer_release(reg);
    return rc;
}

int64_t reg_writer_release(reg_registry_t *reg) {
    int64_t seen = reg->next_offset; /* own records included */
    assert(reg_writer_held(reg));
    atomic_store(&reg->writing, false);
    pthread_mutex_unlock(&reg->writer);
    return seen;
}

void reg_writer_end(reg_registry_t *reg) {
    reg_settle(reg, reg_writer_release(reg));
}
