/* SPDX-License-Identifier: Apache-2.0
 *
 * The store behind the registry (docs/registry.md, The store interface): an ordered log of
 * key/value records with offsets. Three operations: append records (durable on return), read
 * records from an offset, and the end offset; a backend may also append without waiting and make
 * durable later (pipelined group commit: the bundled log). Backends: memory (tests), the bundled
 * broker's log (reg_store_log.c); a Kafka-cluster backend can implement the same table later.
 *
 * Ownership: reg_store_free frees the backend. Records handed to a visitor are borrowed for the
 * duration of the call.
 */
#ifndef REG_STORE_H
#define REG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"

/** One record: key bytes and value bytes; value NULL with value_len -1 is a tombstone. */
typedef struct reg_rec {
    const uint8_t *key;
    int32_t key_len; /* -1: null key */
    const uint8_t *value;
    int32_t value_len; /* -1: null value */
    int64_t offset;    /* filled on read */
    int64_t timestamp; /* filled on read (ms) */
} reg_rec_t;

/** Called for every record in offset order; a non-CN_OK return stops the read. */
typedef cn_err_t (*reg_store_visit_fn)(void *arg, const reg_rec_t *rec, cn_error_t *err);

typedef struct reg_store_ops {
    /** Append recs[0..n) atomically, durable on return; *last_offset_out gets the last offset. */
    cn_err_t (*append)(void *impl, const reg_rec_t *recs, size_t n, int64_t *last_offset_out,
                       cn_error_t *err);
    /** Visit records with offset >= from up to the end as seen at the call; *next_out is the
     *  offset after the last record visited (or from when there was nothing). */
    cn_err_t (*read)(void *impl, int64_t from, reg_store_visit_fn fn, void *arg, int64_t *next_out,
                     cn_error_t *err);
    /** The next offset to be written. */
    cn_err_t (*end_offset)(void *impl, int64_t *end_out, cn_error_t *err);
    void (*free)(void *impl);
    /** Optional (NULL: append is the only way): append recs[0..n) atomically without waiting
     *  for durability, filling each record's offset and timestamp. The records are neither
     *  durable nor readable until a sync covers them; the caller may append more meanwhile. */
    cn_err_t (*append_pending)(void *impl, reg_rec_t *recs, size_t n, cn_error_t *err);
    /** With append_pending: wait until every offset below end is durable and readable (one
     *  fsync covers every append made meanwhile: group commit). */
    cn_err_t (*sync)(void *impl, int64_t end, cn_error_t *err);
} reg_store_ops_t;

typedef struct reg_store {
    const reg_store_ops_t *ops;
    void *impl;
} reg_store_t;

struct brk_logs;

/** @brief A store in memory (tests, benchmarks). */
reg_store_t *reg_store_mem_new(void);
/** @brief The store on the bundled broker's log: topic (created at first start with 1
 *  partition and cleanup.policy=compact; refused when it has more partitions or another
 *  policy), appends fsynced (sync=true) before they return. logs is borrowed. */
reg_store_t *reg_store_log_new(struct brk_logs *logs, const char *topic, cn_error_t *err);
/** @brief Free a store of any backend; NULL is fine. */
void reg_store_free(reg_store_t *st);

static inline cn_err_t reg_store_append(reg_store_t *st, const reg_rec_t *recs, size_t n,
                                        int64_t *last_offset_out, cn_error_t *err) {
    return st->ops->append(st->impl, recs, n, last_offset_out, err);
}
static inline cn_err_t reg_store_read(reg_store_t *st, int64_t from, reg_store_visit_fn fn,
                                      void *arg, int64_t *next_out, cn_error_t *err) {
    return st->ops->read(st->impl, from, fn, arg, next_out, err);
}
static inline bool reg_store_pipelined(const reg_store_t *st) {
    return st->ops->append_pending && st->ops->sync;
}
static inline cn_err_t reg_store_append_pending(reg_store_t *st, reg_rec_t *recs, size_t n,
                                                cn_error_t *err) {
    return st->ops->append_pending(st->impl, recs, n, err);
}
static inline cn_err_t reg_store_sync(reg_store_t *st, int64_t end, cn_error_t *err) {
    return st->ops->sync ? st->ops->sync(st->impl, end, err) : CN_OK;
}
static inline cn_err_t reg_store_end_offset(reg_store_t *st, int64_t *end_out, cn_error_t *err) {
    return st->ops->end_offset(st->impl, end_out, err);
}

#endif
