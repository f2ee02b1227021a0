/* SPDX-License-Identifier: Apache-2.0
 *
 * The broker's own compacted topics (`__consumer_offsets`, `__cairn_producer_ids`): create them
 * when missing, append one keyed record durably (fsync before returning), and replay every
 * record from the log start at load time.
 */
#include "broker/server/brk_server_int.h"

#include <string.h>

#include "common/cn_time.h"

#define SCAN_CHUNK ((size_t)1 << 20)

cn_err_t brk_internal_topic(brk_srv_t *srv, const char *topic, cn_error_t *err) {
    brk_topic_config_t cfg;
    cn_err_t rc;
    if (brk_topic_describe(srv->logs, topic, &cfg, NULL) == CN_OK)
        return CN_OK;
    brk_topic_config_defaults(&cfg);
    cfg.partitions = 1;
    cfg.compact = true;
    cfg.delete_retention = false;
    cfg.segment_bytes = 100 << 20;
    rc = brk_topic_create(srv->logs, topic, &cfg, err);
    return rc == CN_ERR_TOPIC_EXISTS ? CN_OK : rc;
}

cn_err_t brk_internal_append_records(brk_srv_t *srv, const char *topic, const brk_record_t *recs,
                                     size_t n, cn_error_t *err) {
    brk_append_opts_t opts = {true, true};
    brk_append_result_t res;
    brk_batch_opts_t bo;
    brk_partition_t *part;
    cn_buf_t b;
    cn_err_t rc;
    brk_batch_opts_init(&bo);
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    rc = brk_batch_build(&b, recs, n, &bo, err);
    part = rc == CN_OK ? brk_partition_get(srv->logs, topic, 0, err) : NULL;
    if (rc == CN_OK && !part)
        rc = err ? err->code : CN_ERR_UNKNOWN_TOPIC;
    if (rc == CN_OK)
        rc = brk_partition_append(part, b.data, b.len, &opts, &res, err);
    if (part)
        brk_partition_put(part);
    cn_buf_fini(&b);
    return rc;
}

cn_err_t brk_internal_append(brk_srv_t *srv, const char *topic, const void *key, size_t klen,
                             const void *val, size_t vlen, cn_error_t *err) {
    brk_record_t rec;
    memset(&rec, 0, sizeof(rec));
    rec.timestamp = cn_wall_ms();
    rec.key = key;
    rec.key_len = (int32_t)klen;
    rec.value = val;
    rec.value_len = val ? (int32_t)vlen : -1;
    return brk_internal_append_records(srv, topic, &rec, 1, err);
}

static cn_err_t scan_batches(const uint8_t *p, size_t len, brk_record_fn fn, void *arg,
                             int64_t *next, cn_error_t *err) {
    size_t at = 0;
    while (at < len) {
        size_t n = brk_batch_size(p + at, len - at);
        brk_batch_iter_t it;
        brk_record_t rec;
        int r;
        if (n == 0 || n > len - at)
            break;
        if (brk_batch_iter_init(&it, p + at, n, err) != CN_OK)
            return CN_ERR_CORRUPT_MESSAGE;
        while ((r = brk_batch_iter_next(&it, &rec, err)) == 1)
            fn(arg, &rec);
        *next = it.hdr.base_offset + it.hdr.last_offset_delta + 1;
        brk_batch_iter_fini(&it);
        if (r < 0)
            return CN_ERR_CORRUPT_MESSAGE;
        at += n;
    }
    return CN_OK;
}

cn_err_t brk_internal_scan(brk_srv_t *srv, const char *topic, brk_record_fn fn, void *arg,
                           cn_error_t *err) {
    brk_partition_t *part = brk_partition_get(srv->logs, topic, 0, err);
    int64_t start, hw, off;
    cn_buf_t b;
    cn_err_t rc = CN_OK;
    if (!part)
        return err ? err->code : CN_ERR_UNKNOWN_TOPIC;
    brk_partition_offsets(part, &start, &hw);
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    for (off = start; rc == CN_OK && off < hw;) {
        int64_t next = off;
        cn_buf_reset(&b);
        rc = brk_partition_read(part, off, SCAN_CHUNK, &b, NULL, err);
        if (rc == CN_OK)
            rc = scan_batches(b.data, b.len, fn, arg, &next, err);
        if (rc == CN_OK && next <= off)
            break;
        off = next;
    }
    cn_buf_fini(&b);
    brk_partition_put(part);
    return rc;
}
