/* SPDX-License-Identifier: Apache-2.0
 *
 * The store on the bundled broker's log (docs/registry.md, The store interface): the `_schemas`
 * topic, one partition, compacted; appends are one RecordBatch each, fsynced before they return
 * (group commit), or, pipelined, written at once and fsynced by a later sync that covers every
 * append made meanwhile; reads walk whole batches from an offset, skipping control batches and the
 * records before the offset. Owns a partition reference.
 */
#include "registry/reg_store.h"

#include <stdlib.h>
#include <string.h>

#include "broker/log/brk_batch.h"
#include "broker/log/brk_log.h"
#include "common/cn_time.h"

#define LOG_READ_BYTES (1024 * 1024)

typedef struct log_store {
    brk_partition_t *part;
} log_store_t;

/* Append recs as one batch; nowait: return once written (durable at log_sync). */
static cn_err_t append_batch(log_store_t *ls, const reg_rec_t *recs, size_t n, bool nowait,
                             brk_append_result_t *res, int64_t now, cn_error_t *err) {
    brk_record_t *br = calloc(n ? n : 1, sizeof(*br));
    brk_batch_opts_t bo;
    brk_append_opts_t ao = {.sync = true, .require_keys = true};
    cn_buf_t batch;
    cn_err_t rc;
    if (!br)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; i < n; i++)
        br[i] = (brk_record_t){
            (int64_t)i, now, recs[i].key, recs[i].key_len, recs[i].value, recs[i].value_len,
            NULL,       0};
    brk_batch_opts_init(&bo);
    cn_buf_init(&batch, CN_BUF_NO_LIMIT);
    rc = brk_batch_build(&batch, br, n, &bo, err);
    free(br);
    if (rc == CN_OK && nowait)
        rc = brk_partition_append_nowait(ls->part, batch.data, batch.len, &ao, res, err);
    else if (rc == CN_OK)
        rc = brk_partition_append(ls->part, batch.data, batch.len, &ao, res, err);
    cn_buf_fini(&batch);
    return rc;
}

static cn_err_t log_append(void *impl, const reg_rec_t *recs, size_t n, int64_t *last,
                           cn_error_t *err) {
    brk_append_result_t res;
    cn_err_t rc = append_batch(impl, recs, n, false, &res, cn_wall_ms(), err);
    if (rc == CN_OK && last)
        *last = res.last_offset;
    return rc;
}

static cn_err_t log_append_pending(void *impl, reg_rec_t *recs, size_t n, cn_error_t *err) {
    brk_append_result_t res;
    int64_t now = cn_wall_ms();
    cn_err_t rc = append_batch(impl, recs, n, true, &res, now, err);
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        recs[i].offset = res.base_offset + (int64_t)i;
        recs[i].timestamp = res.log_append_time >= 0 ? res.log_append_time : now;
    }
    return rc;
}

static cn_err_t log_sync(void *impl, int64_t end, cn_error_t *err) {
    log_store_t *ls = impl;
    return brk_partition_sync_to(ls->part, end, err);
}

/* Visit the records of one batch with offset >= from; *next advances past the batch. */
static cn_err_t visit_batch(const uint8_t *p, size_t len, int64_t from, reg_store_visit_fn fn,
                            void *arg, int64_t *next, cn_error_t *err) {
    brk_batch_iter_t it;
    brk_record_t rec;
    cn_err_t rc = brk_batch_iter_init(&it, p, len, err);
    int r;
    if (rc != CN_OK)
        return rc;
    *next = it.hdr.base_offset + it.hdr.last_offset_delta + 1;
    if (it.hdr.attributes & BRK_ATTR_CONTROL) {
        brk_batch_iter_fini(&it);
        return CN_OK;
    }
    while (rc == CN_OK && (r = brk_batch_iter_next(&it, &rec, err)) != 0) {
        reg_rec_t rr;
        if (r < 0) {
            rc = err ? err->code : CN_ERR_CORRUPT_MESSAGE;
            break;
        }
        if (rec.offset < from)
            continue;
        rr = (reg_rec_t){rec.key, rec.key_len, rec.value, rec.value_len, rec.offset, rec.timestamp};
        rc = fn(arg, &rr, err);
    }
    brk_batch_iter_fini(&it);
    return rc;
}

static cn_err_t log_read(void *impl, int64_t from, reg_store_visit_fn fn, void *arg,
                         int64_t *next_out, cn_error_t *err) {
    log_store_t *ls = impl;
    int64_t start, hw, off = from;
    cn_buf_t buf;
    cn_err_t rc = CN_OK;
    brk_partition_offsets(ls->part, &start, &hw);
    if (off < start)
        off = start; /* compacted or deleted below: start at the log start */
    cn_buf_init(&buf, CN_BUF_NO_LIMIT);
    while (rc == CN_OK && off < hw) {
        size_t at = 0, sz;
        int64_t before = off;
        cn_buf_reset(&buf);
        rc = brk_partition_read(ls->part, off, LOG_READ_BYTES, &buf, NULL, err);
        while (rc == CN_OK && (sz = brk_batch_size(buf.data + at, buf.len - at)) > 0 &&
               sz <= buf.len - at) {
            rc = visit_batch(buf.data + at, sz, off, fn, arg, &off, err);
            at += sz;
        }
        if (rc == CN_OK && off == before)
            break; /* nothing readable: stop rather than spin */
    }
    cn_buf_fini(&buf);
    if (next_out)
        *next_out = off;
    return rc;
}

static cn_err_t log_end(void *impl, int64_t *end_out, cn_error_t *err) {
    log_store_t *ls = impl;
    int64_t start;
    (void)err;
    brk_partition_offsets(ls->part, &start, end_out);
    return CN_OK;
}

static void log_free(void *impl) {
    log_store_t *ls = impl;
    brk_partition_put(ls->part);
    free(ls);
}

static const reg_store_ops_t log_ops = {log_append, log_read,           log_end,
                                        log_free,   log_append_pending, log_sync};

/* Create the topic at first start; refuse one that is not 1 partition + compact. */
static cn_err_t ensure_topic(brk_logs_t *logs, const char *topic, cn_error_t *err) {
    brk_topic_config_t cfg;
    cn_err_t rc = brk_topic_describe(logs, topic, &cfg, NULL);
    if (rc == CN_ERR_UNKNOWN_TOPIC) {
        brk_topic_config_defaults(&cfg);
        cfg.partitions = 1;
        cfg.compact = true;
        cfg.delete_retention = false;
        rc = brk_topic_create(logs, topic, &cfg, err);
        return rc == CN_ERR_TOPIC_EXISTS ? ensure_topic(logs, topic, err) : rc;
    }
    if (rc != CN_OK)
        return cn_error_set(err, rc, "cannot describe topic %s", topic);
    if (cfg.partitions != 1)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "The schema topic %s should have only 1 partition but has %d", topic,
                            (int)cfg.partitions);
    if (!cfg.compact || cfg.delete_retention)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "The retention policy of the schema topic %s is incorrect. Expected "
                            "cleanup.policy to be 'compact'",
                            topic);
    return CN_OK;
}

reg_store_t *reg_store_log_new(struct brk_logs *logs, const char *topic, cn_error_t *err) {
    reg_store_t *st;
    log_store_t *ls;
    brk_partition_t *part;
    if (ensure_topic(logs, topic, err) != CN_OK)
        return NULL;
    if (!(part = brk_partition_get(logs, topic, 0, err)))
        return NULL;
    st = calloc(1, sizeof(*st));
    ls = calloc(1, sizeof(*ls));
    if (!st || !ls) {
        free(st);
        free(ls);
        brk_partition_put(part);
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    ls->part = part;
    st->ops = &log_ops;
    st->impl = ls;
    return st;
}
