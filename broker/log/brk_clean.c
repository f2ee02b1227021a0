/* SPDX-License-Identifier: Apache-2.0
 *
 * Log compaction (kafka.apache.org/documentation/#compaction; Kafka's LogCleaner): keep the latest
 * record per key among the non-active segments, keep offsets (a rewritten batch keeps its original
 * offset range, so gaps appear), and drop tombstones after their delete horizon (KIP-534: the first
 * cleaning that keeps a tombstone stamps its batch with horizon = now + delete.retention.ms; later
 * cleanings drop it once now is past it). Batches that lose nothing are copied byte for byte.
 *
 * Consecutive segments are merged while their sizes add up to at most segment.bytes, so small
 * cleaned segments do not pile up. The swap itself is in brk_swap.c.
 */
#include "broker/log/brk_log_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_fs.h"

/* ---- the key map ---- */

typedef struct clean_ctx {
    brk_partition_t *part;
    brk_topic_config_t cfg; /* copied under mu when the cleaning starts */
    cn_map_t *latest;       /* key -> offset + 1 */
    int64_t now_ms;
    int fd;               /* .cleaned output */
    int64_t written_next; /* offset after the last batch written to it */
    cn_buf_t out;
    brk_record_t *keep;
    size_t keep_cap;
    cn_error_t *err;
    cn_err_t rc;
} clean_ctx_t;

static int map_cb(void *arg, const uint8_t *batch, size_t len, uint64_t pos) {
    clean_ctx_t *c = arg;
    brk_batch_iter_t it;
    brk_record_t rec;
    int r;
    (void)pos;
    if ((c->rc = brk_batch_iter_init(&it, batch, len, c->err)) != CN_OK)
        return 1;
    while ((r = brk_batch_iter_next(&it, &rec, c->err)) == 1) {
        if (rec.key && cn_map_put(c->latest, rec.key, (size_t)rec.key_len,
                                  (void *)(uintptr_t)(rec.offset + 1)) != CN_OK) {
            r = -1;
            break;
        }
    }
    brk_batch_iter_fini(&it);
    if (r < 0)
        c->rc = CN_ERR_CORRUPT_MESSAGE;
    return r < 0;
}

/* ---- recopying one batch ---- */

static bool keep_record(clean_ctx_t *c, const brk_batch_hdr_t *h, const brk_record_t *r) {
    uintptr_t latest;
    if (!r->key)
        return true;
    latest = (uintptr_t)cn_map_get(c->latest, r->key, (size_t)r->key_len);
    if (latest != (uintptr_t)(r->offset + 1))
        return false;
    if (r->value || !(h->attributes & BRK_ATTR_DELETE_HORIZON))
        return true;
    return c->now_ms <= h->base_timestamp; /* tombstone within its horizon */
}

static cn_err_t push_keep(clean_ctx_t *c, size_t n, const brk_record_t *r) {
    if (n == c->keep_cap) {
        size_t cap = c->keep_cap * 2 + 64;
        brk_record_t *v = realloc(c->keep, cap * sizeof(*v));
        if (!v)
            return CN_ERR_NO_MEMORY;
        c->keep = v;
        c->keep_cap = cap;
    }
    c->keep[n] = *r;
    return CN_OK;
}

static cn_err_t rebuild_batch(clean_ctx_t *c, const brk_batch_hdr_t *h, size_t n,
                              bool set_horizon) {
    brk_batch_opts_t o;
    brk_batch_opts_init(&o);
    o.compression = (brk_compression_t)(h->attributes & BRK_ATTR_COMPRESSION_MASK);
    o.base_offset = h->base_offset;
    o.producer_id = h->producer_id;
    o.producer_epoch = h->producer_epoch;
    o.base_sequence = h->base_sequence;
    o.extra_attributes = (int16_t)(h->attributes & ~BRK_ATTR_COMPRESSION_MASK);
    o.keep_offset_range = true;
    o.last_offset = h->base_offset + h->last_offset_delta;
    if (set_horizon) {
        o.extra_attributes |= BRK_ATTR_DELETE_HORIZON;
        o.base_timestamp_override = c->now_ms + c->cfg.delete_retention_ms;
    } else if (h->attributes & BRK_ATTR_DELETE_HORIZON) {
        o.base_timestamp_override = h->base_timestamp;
    }
    return brk_batch_build(&c->out, c->keep, n, &o, c->err);
}

static cn_err_t clean_batch(clean_ctx_t *c, const uint8_t *batch, size_t len) {
    brk_batch_iter_t it;
    brk_record_t rec;
    size_t n = 0, total = 0;
    bool tombstone = false, set_horizon;
    int r;
    cn_err_t rc = brk_batch_iter_init(&it, batch, len, c->err);
    if (rc != CN_OK)
        return rc;
    while (rc == CN_OK && (r = brk_batch_iter_next(&it, &rec, c->err)) == 1) {
        total++;
        if (!keep_record(c, &it.hdr, &rec))
            continue;
        tombstone |= rec.value == NULL;
        rc = push_keep(c, n++, &rec);
    }
    if (rc == CN_OK && r < 0)
        rc = CN_ERR_CORRUPT_MESSAGE;
    set_horizon = tombstone && !(it.hdr.attributes & BRK_ATTR_DELETE_HORIZON);
    if (rc == CN_OK && n > 0) {
        if (n == total && !set_horizon)
            rc = cn_buf_put(&c->out, batch, len) == CN_OK ? CN_OK : CN_ERR_NO_MEMORY;
        else
            rc = rebuild_batch(c, &it.hdr, n, set_horizon);
    }
    brk_batch_iter_fini(&it); /* after the rebuild: kept records borrow from it */
    return rc;
}

static int copy_cb(void *arg, const uint8_t *batch, size_t len, uint64_t pos) {
    clean_ctx_t *c = arg;
    (void)pos;
    c->out.len = 0;
    c->rc = clean_batch(c, batch, len);
    if (c->rc == CN_OK && c->out.len > 0) {
        c->rc = cn_fs_write_all(c->fd, c->out.data, c->out.len, c->err);
        c->written_next = (int64_t)cn_be64_get(batch) + (int32_t)cn_be32_get(batch + 23) + 1;
    }
    return c->rc != CN_OK;
}

/* ---- steps 1 and 2 for a group of consecutive segments ---- */

/* Close the output at the group's last offset with an empty batch when the records at the end
 * were all dropped: the cleaned segment then covers exactly the range it replaces, which is
 * what recovery relies on to finish an interrupted swap. */
static cn_err_t close_group_range(clean_ctx_t *c, const brk_segment_t *last, cn_error_t *err) {
    cn_err_t rc;
    if (c->written_next >= last->next_offset)
        return CN_OK;
    c->out.len = 0;
    rc = brk_batch_build_empty(&c->out, last->next_offset - 1, 0,
                               last->max_ts >= 0 ? last->max_ts : 0, err);
    return rc == CN_OK ? cn_fs_write_all(c->fd, c->out.data, c->out.len, err) : rc;
}

static cn_err_t write_cleaned(clean_ctx_t *c, brk_segment_t **group, size_t n, cn_error_t *err) {
    char cleaned[BRK_PATH_MAX], swap[BRK_PATH_MAX];
    uint64_t end;
    cn_err_t rc = CN_OK;
    brk_segment_path(group[0], ".log.cleaned", cleaned, sizeof(cleaned));
    brk_segment_path(group[0], ".log.swap", swap, sizeof(swap));
    c->fd = open(cleaned, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (c->fd < 0)
        return cn_error_set(err, CN_ERR_IO, "create %s: %s", cleaned, strerror(errno));
    c->written_next = group[0]->base;
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        c->rc = CN_OK;
        rc = brk_segment_scan(group[i], 0, false, copy_cb, c, &end, err);
        rc = rc ? rc : c->rc;
    }
    if (rc == CN_OK)
        rc = close_group_range(c, group[n - 1], err);
    if (rc == CN_OK)
        rc = brk_partition_fsync(c->part, c->fd, err);
    close(c->fd);
    if (rc == CN_OK)
        rc = brk_clean_stop(c->part, 1, err);
    if (rc == CN_OK && rename(cleaned, swap) != 0)
        rc = cn_error_set(err, CN_ERR_IO, "rename %s: %s", cleaned, strerror(errno));
    if (rc == CN_OK)
        rc = cn_fs_fsync_dir(c->part->dir, err);
    if (rc != CN_OK && !c->part->logs->opts.compact_stop_after)
        unlink(cleaned);
    return rc == CN_OK ? brk_clean_stop(c->part, 2, err) : rc;
}

/* ---- driving it ---- */

static size_t pick_segments(brk_partition_t *part, const brk_topic_config_t *cfg, int64_t now_ms,
                            brk_segment_t ***out) {
    size_t n = 0;
    pthread_rwlock_rdlock(&part->rw);
    *out = calloc(part->nsegs ? part->nsegs : 1, sizeof(**out));
    for (size_t i = 0; *out && i + 1 < part->nsegs; i++) {
        brk_segment_t *s = part->segs[i];
        if (s->max_ts > now_ms - cfg->min_compaction_lag_ms && s->max_ts >= 0)
            break;
        brk_segment_ref(s);
        (*out)[n++] = s;
    }
    pthread_rwlock_unlock(&part->rw);
    return n;
}

/* How many segments from segs[0] go into one cleaned segment: while their sizes add up to at
 * most segment.bytes and the offsets stay within 32-bit relative offsets. */
static size_t group_size(const clean_ctx_t *c, brk_segment_t **segs, size_t n) {
    uint64_t bytes = segs[0]->size;
    size_t k = 1;
    while (k < n && bytes + segs[k]->size <= (uint64_t)c->cfg.segment_bytes &&
           segs[k]->next_offset - segs[0]->base <= INT32_MAX) {
        bytes += segs[k]->size;
        k++;
    }
    return k;
}

static cn_err_t compact_segments(clean_ctx_t *c, brk_segment_t **segs, size_t n, cn_error_t *err) {
    brk_partition_t *part = c->part;
    cn_err_t rc = CN_OK;
    uint64_t end;
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        c->rc = CN_OK;
        rc = brk_segment_scan(segs[i], 0, false, map_cb, c, &end, err);
        rc = rc ? rc : c->rc;
    }
    for (size_t i = 0, k; rc == CN_OK && i < n; i += k) {
        k = group_size(c, segs + i, n - i);
        rc = write_cleaned(c, segs + i, k, err);
        if (rc == CN_OK) {
            pthread_mutex_lock(&part->mu);
            rc = brk_clean_swap_in(part, segs + i, k, err);
            pthread_mutex_unlock(&part->mu);
        }
    }
    if (rc == CN_OK) {
        pthread_mutex_lock(&part->mu);
        part->cleaner_offset = segs[n - 1]->next_offset;
        rc = brk_partition_checkpoint(part, err);
        pthread_mutex_unlock(&part->mu);
    }
    return rc;
}

cn_err_t brk_partition_compact(brk_partition_t *part, int64_t now_ms, cn_error_t *err) {
    clean_ctx_t c;
    brk_segment_t **segs;
    size_t n;
    cn_err_t rc = CN_OK;
    pthread_mutex_lock(&part->maint_mu);
    memset(&c, 0, sizeof(c));
    c.part = part;
    c.now_ms = now_ms;
    c.err = err;
    c.latest = cn_map_new(NULL);
    cn_buf_init(&c.out, CN_BUF_NO_LIMIT);
    pthread_mutex_lock(&part->mu);
    c.cfg = part->cfg;
    pthread_mutex_unlock(&part->mu);
    n = pick_segments(part, &c.cfg, now_ms, &segs);
    if (!c.latest || !segs)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    else if (n > 0 && c.cfg.compact)
        rc = compact_segments(&c, segs, n, err);
    for (size_t i = 0; segs && i < n; i++)
        brk_segment_unref(segs[i]);
    free(segs);
    free(c.keep);
    cn_buf_fini(&c.out);
    cn_map_free(c.latest);
    pthread_mutex_unlock(&part->maint_mu);
    return rc;
}

bool brk_partition_needs_compaction(brk_partition_t *part, int64_t now_ms) {
    uint64_t dirty = 0, total = 0;
    brk_topic_config_t cfg;
    (void)now_ms;
    pthread_mutex_lock(&part->mu);
    cfg = part->cfg;
    pthread_mutex_unlock(&part->mu);
    if (!cfg.compact)
        return false;
    pthread_rwlock_rdlock(&part->rw);
    for (size_t i = 0; i + 1 < part->nsegs; i++) {
        total += part->segs[i]->size;
        if (part->segs[i]->next_offset > part->cleaner_offset)
            dirty += part->segs[i]->size;
    }
    pthread_rwlock_unlock(&part->rw);
    return total > 0 && dirty > 0 && (double)dirty / (double)total >= cfg.min_cleanable_dirty_ratio;
}
