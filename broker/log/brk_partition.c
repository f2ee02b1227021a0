/* SPDX-License-Identifier: Apache-2.0
 *
 * A partition's write side: the append path (validation, sequence checks, offset assignment,
 * one pwrite per request, index tracking), group-commit fsync, the flush policy, roll, the
 * checkpoint file, reference counting and statistics.
 *
 * Group commit: an append that must be durable waits until synced_upto covers it. The first
 * waiter becomes the syncer: it notes the log end offset, drops the append lock, fsyncs, takes
 * the lock back and publishes the new synced_upto; appends that arrived meanwhile are covered by
 * the next fsync, which one of them runs. Waiters sleep on sync_cv; nothing polls.
 */
#include "broker/log/brk_log_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_fs.h"
#include "common/cn_time.h"

#define MAX_BATCHES_PER_APPEND 4096

brk_partition_t *brk_partition_new(brk_logs_t *logs, const char *topic, int32_t id,
                                   const brk_topic_config_t *cfg) {
    brk_partition_t *p = calloc(1, sizeof(*p));
    char dir[BRK_PATH_MAX];
    if (!p)
        return NULL;
    snprintf(dir, sizeof(dir), "%s/%s-%" PRId32, logs->dir, topic, id);
    p->logs = logs;
    p->topic = strdup(topic);
    p->dir = strdup(dir);
    p->producers = brk_producers_new();
    if (!p->topic || !p->dir || !p->producers) {
        free(p->topic);
        free(p->dir);
        cn_map_free(p->producers);
        free(p);
        return NULL;
    }
    p->id = id;
    p->cfg = *cfg;
    atomic_init(&p->refs, 1);
    pthread_mutex_init(&p->maint_mu, NULL);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->sync_cv, NULL);
    pthread_rwlock_init(&p->rw, NULL);
    pthread_mutex_init(&p->wait_mu, NULL);
    pthread_cond_init(&p->wait_cv, NULL);
    p->last_flush_ms = cn_mono_ms();
    return p;
}

void brk_partition_ref(brk_partition_t *part) {
    atomic_fetch_add(&part->refs, 1);
}

void brk_partition_put(brk_partition_t *part) {
    if (!part || atomic_fetch_sub(&part->refs, 1) != 1)
        return;
    for (size_t i = 0; i < part->nsegs; i++)
        brk_segment_unref(part->segs[i]);
    free(part->segs);
    cn_map_free(part->producers);
    pthread_mutex_destroy(&part->maint_mu);
    pthread_mutex_destroy(&part->mu);
    pthread_cond_destroy(&part->sync_cv);
    pthread_rwlock_destroy(&part->rw);
    pthread_mutex_destroy(&part->wait_mu);
    pthread_cond_destroy(&part->wait_cv);
    free(part->topic);
    free(part->dir);
    free(part);
}

brk_segment_t *brk_partition_active(brk_partition_t *part) {
    return part->segs[part->nsegs - 1];
}

cn_err_t brk_partition_fsync(brk_partition_t *part, int fd, cn_error_t *err) {
    const brk_logs_options_t *o = &part->logs->opts;
    int r = o->fsync_fn ? o->fsync_fn(o->fsync_arg, fd) : fdatasync(fd);
    if (r == 0) {
        atomic_fetch_add(&part->st_fsyncs, 1);
        return CN_OK;
    }
    atomic_store(&part->logs->failed, true);
    cn_log_error(part->logs->log, "fsync of %s failed: %s; refusing further writes", part->dir,
                 strerror(errno));
    return cn_error_set(err, CN_ERR_FSYNC, "fsync %s: %s", part->dir, strerror(errno));
}

cn_err_t brk_partition_checkpoint(brk_partition_t *part, cn_error_t *err) {
    char path[BRK_PATH_MAX], text[256];
    int n;
    if (atomic_load(&part->deleted))
        return CN_OK;
    snprintf(path, sizeof(path), "%s/checkpoint", part->dir);
    n = snprintf(text, sizeof(text),
                 "recovery_point=%" PRId64 "\nlog_start=%" PRId64 "\ncleaner_offset=%" PRId64 "\n",
                 part->recovery_point, part->log_start, part->cleaner_offset);
    return cn_fs_write_atomic(path, text, (size_t)n, err);
}

static void producer_snapshot(brk_partition_t *part) {
    char path[BRK_PATH_MAX];
    snprintf(path, sizeof(path), "%s/producer-state", part->dir);
    if (!atomic_load(&part->deleted))
        brk_producers_save(part->producers, path, part->leo, NULL);
}

/* ---- group commit ---- */

/* Readers may now see up to t (durable), at byte pos of seg; or everything written, when no
 * durable append waits beyond t. Under mu. */
static void publish_visible(brk_partition_t *part, int64_t t, brk_segment_t *seg, uint64_t pos) {
    brk_segment_t *a = brk_partition_active(part);
    pthread_rwlock_wrlock(&part->rw);
    if (part->sync_pending_upto <= t) {
        a->vis_size = a->size;
        atomic_store(&part->hw, part->leo);
    } else if (t > atomic_load(&part->hw)) {
        if (pos > seg->vis_size)
            seg->vis_size = pos;
        atomic_store(&part->hw, t);
    }
    pthread_rwlock_unlock(&part->rw);
}

static cn_err_t sync_upto(brk_partition_t *part, int64_t target, cn_error_t *err) {
    while (part->synced_upto < target) {
        if (atomic_load(&part->logs->failed))
            return cn_error_set(err, CN_ERR_FSYNC, "an earlier fsync failed");
        if (!part->syncing) {
            brk_segment_t *seg = brk_partition_active(part);
            int64_t t = part->leo;
            uint64_t pos = seg->size;
            cn_err_t rc;
            part->syncing = true;
            brk_segment_ref(seg);
            pthread_mutex_unlock(&part->mu);
            rc = brk_partition_fsync(part, seg->fd, err);
            pthread_mutex_lock(&part->mu);
            part->syncing = false;
            if (rc == CN_OK && t > part->synced_upto) {
                part->synced_upto = t;
                part->unflushed_msgs = 0;
                part->last_flush_ms = cn_mono_ms();
                publish_visible(part, t, seg, pos);
            }
            brk_segment_unref(seg);
            pthread_cond_broadcast(&part->sync_cv);
            if (rc != CN_OK)
                return rc;
        } else {
            pthread_cond_wait(&part->sync_cv, &part->mu);
        }
    }
    return CN_OK;
}

/* ---- roll ---- */

cn_err_t brk_partition_roll_locked(brk_partition_t *part, cn_error_t *err) {
    brk_segment_t *old, *seg;
    int64_t base;
    cn_err_t rc;
    /* sync_upto drops mu while it fsyncs: other appends may land meanwhile (even a roll), so
     * look at the active segment only once everything in it is durable */
    do {
        if ((rc = sync_upto(part, part->leo, err)) != CN_OK)
            return rc;
    } while (part->synced_upto < part->leo);
    old = brk_partition_active(part);
    base = old->next_offset;
    if (old->size == 0)
        return CN_OK;
    if ((rc = brk_segment_write_indexes(old, err)) != CN_OK)
        return rc;
    if (!(seg = brk_segment_create(part->dir, base, err)))
        return err ? err->code : CN_ERR_IO;
    if ((rc = cn_fs_fsync_dir(part->dir, err)) != CN_OK) {
        atomic_store(&part->logs->failed, true);
        brk_segment_unref(seg);
        return rc;
    }
    pthread_rwlock_wrlock(&part->rw);
    rc = brk_partition_push_segment(part, seg, err);
    pthread_rwlock_unlock(&part->rw);
    if (rc != CN_OK) {
        brk_segment_unref(seg);
        return rc;
    }
    part->recovery_point = base;
    producer_snapshot(part);
    return brk_partition_checkpoint(part, err);
}

cn_err_t brk_partition_roll(brk_partition_t *part, cn_error_t *err) {
    cn_err_t rc;
    pthread_mutex_lock(&part->mu);
    rc = brk_partition_roll_locked(part, err);
    pthread_mutex_unlock(&part->mu);
    return rc;
}

/* segment.ms compares the incoming batch's timestamp with the segment's first one, as Kafka's
 * rollingBasedTimestamp does (not the wall clock). */
static bool needs_roll(brk_partition_t *part, size_t len, int64_t nrecs, int64_t in_ts) {
    const brk_segment_t *a = brk_partition_active(part);
    if (a->size == 0)
        return false;
    if (a->size + len > (uint64_t)part->cfg.segment_bytes || a->size + len > UINT32_MAX)
        return true;
    if (a->first_ts >= 0 && in_ts - a->first_ts > part->cfg.segment_ms)
        return true;
    return a->next_offset + nrecs - a->base > INT32_MAX;
}

/* ---- append ---- */

typedef struct batch_ref {
    size_t off, len;
    brk_batch_hdr_t h;
} batch_ref_t;

static cn_err_t check_keys(const uint8_t *p, size_t len, cn_error_t *err) {
    brk_batch_iter_t it;
    brk_record_t rec;
    int r;
    cn_err_t rc = brk_batch_iter_init(&it, p, len, err);
    if (rc != CN_OK)
        return rc;
    while ((r = brk_batch_iter_next(&it, &rec, err)) == 1)
        if (!rec.key) {
            brk_batch_iter_fini(&it);
            return cn_error_set(err, CN_ERR_INVALID_RECORD,
                                "compacted topic: a record has a null key");
        }
    brk_batch_iter_fini(&it);
    return r < 0 ? CN_ERR_CORRUPT_MESSAGE : CN_OK;
}

static cn_err_t split_batches(uint8_t *data, size_t len, bool keys, batch_ref_t *refs,
                              size_t *n_out, cn_error_t *err) {
    size_t off = 0, n = 0;
    while (off < len) {
        size_t sz = brk_batch_size(data + off, len - off);
        cn_err_t rc;
        if (sz == 0 || sz > len - off)
            return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "truncated batch at byte %zu", off);
        if (n == MAX_BATCHES_PER_APPEND)
            return cn_error_set(err, CN_ERR_INVALID_RECORD, "too many batches in one append");
        if ((rc = brk_batch_validate(data + off, sz, false, err)) != CN_OK)
            return rc;
        brk_batch_hdr_decode(data + off, sz, &refs[n].h, NULL);
        if (refs[n].h.attributes & BRK_ATTR_CONTROL)
            return cn_error_set(err, CN_ERR_INVALID_RECORD, "control batches are not accepted");
        if (refs[n].h.attributes & BRK_ATTR_TRANSACTIONAL)
            return cn_error_set(err, CN_ERR_TRANSACTIONS_UNSUPPORTED, NULL);
        if (keys && (rc = check_keys(data + off, sz, err)) != CN_OK)
            return rc;
        refs[n].off = off;
        refs[n].len = sz;
        off += sz;
        n++;
    }
    if (n == 0)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "no record batch");
    *n_out = n;
    return CN_OK;
}

/* Sizes and producer sequences, under mu. DUP fills res. */
static cn_err_t check_locked(brk_partition_t *part, const batch_ref_t *refs, size_t n,
                             brk_append_result_t *res, cn_error_t *err) {
    cn_error_t local;
    err = err ? err : &local;
    for (size_t i = 0; i < n; i++) {
        brk_pbatch_t dup;
        if (refs[i].len > (size_t)part->cfg.max_message_bytes)
            return cn_error_set(err, CN_ERR_MESSAGE_TOO_LARGE,
                                "batch of %zu bytes is over max.message.bytes %" PRId32,
                                refs[i].len, part->cfg.max_message_bytes);
        switch (brk_producer_check(part->producers, &refs[i].h, &dup, err)) {
        case BRK_SEQ_DUP:
            res->base_offset = dup.base_offset;
            res->last_offset = dup.last_offset;
            return cn_error_set(err, CN_ERR_DUPLICATE_SEQUENCE, NULL);
        case BRK_SEQ_ERR:
            return err->code;
        default:
            break;
        }
    }
    return CN_OK;
}

static void assign_offsets(brk_partition_t *part, uint8_t *data, batch_ref_t *refs, size_t n,
                           int64_t now_ms) {
    int64_t next = part->leo;
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = data + refs[i].off;
        brk_batch_set_base_offset(p, next);
        brk_batch_set_leader_epoch(p, 0);
        if (part->cfg.message_timestamp_type_log_append) {
            brk_batch_set_log_append_time(p, refs[i].len, now_ms);
            refs[i].h.max_timestamp = now_ms;
        }
        refs[i].h.base_offset = next;
        next += refs[i].h.last_offset_delta + 1;
    }
}

static cn_err_t write_locked(brk_partition_t *part, const uint8_t *data, size_t len,
                             cn_error_t *err) {
    brk_segment_t *a = brk_partition_active(part);
    size_t done = 0;
    while (done < len) {
        ssize_t w = pwrite(a->fd, data + done, len - done, (off_t)(a->size + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            if (ftruncate(a->fd, (off_t)a->size) != 0)
                atomic_store(&part->logs->failed, true);
            return cn_error_set(err, CN_ERR_IO, "write %s.log: %s", a->path, strerror(e));
        }
        done += (size_t)w;
    }
    return CN_OK;
}

static void publish_locked(brk_partition_t *part, const batch_ref_t *refs, size_t n, bool sync) {
    brk_segment_t *a = brk_partition_active(part);
    uint64_t pos = a->size;
    pthread_rwlock_wrlock(&part->rw);
    for (size_t i = 0; i < n; i++) {
        brk_segment_track(a, pos, &refs[i].h, refs[i].len, part->cfg.index_interval_bytes);
        pos += refs[i].len;
    }
    part->leo = a->next_offset;
    if (sync) {
        part->sync_pending_upto = part->leo; /* visible once fsynced */
    } else if (part->sync_pending_upto <= part->synced_upto) {
        a->vis_size = a->size;
        atomic_store(&part->hw, part->leo);
    }
    pthread_rwlock_unlock(&part->rw);
    for (size_t i = 0; i < n; i++) {
        brk_producer_update(part->producers, &refs[i].h);
        part->unflushed_msgs += refs[i].h.last_offset_delta + 1;
    }
    atomic_fetch_add(&part->st_appends, 1);
}

static cn_err_t append_locked(brk_partition_t *part, uint8_t *data, size_t len, batch_ref_t *refs,
                              size_t n, const brk_append_opts_t *opts, bool wait,
                              brk_append_result_t *res, cn_error_t *err) {
    int64_t now = cn_wall_ms(), nrecs = 0, in_ts = -1;
    cn_err_t rc;
    if (atomic_load(&part->logs->failed))
        return cn_error_set(err, CN_ERR_FSYNC, "the log failed earlier; restart to recover");
    for (size_t i = 0; i < n; i++) {
        nrecs += refs[i].h.last_offset_delta + 1;
        if (refs[i].h.max_timestamp > in_ts)
            in_ts = refs[i].h.max_timestamp;
    }
    if (part->cfg.message_timestamp_type_log_append)
        in_ts = now;
    /* a roll may drop mu (to fsync); checks and the write below hold it throughout */
    while (needs_roll(part, len, nrecs, in_ts))
        if ((rc = brk_partition_roll_locked(part, err)) != CN_OK)
            return rc;
    if ((rc = check_locked(part, refs, n, res, err)) != CN_OK)
        return rc;
    assign_offsets(part, data, refs, n, now);
    if ((rc = write_locked(part, data, len, err)) != CN_OK)
        return rc;
    publish_locked(part, refs, n, opts->sync);
    res->base_offset = refs[0].h.base_offset;
    res->last_offset = part->leo - 1;
    res->log_append_time = part->cfg.message_timestamp_type_log_append ? now : -1;
    res->log_start_offset = part->log_start;
    if ((opts->sync && wait) || part->unflushed_msgs >= part->cfg.flush_messages)
        return sync_upto(part, res->last_offset + 1, err);
    return CN_OK;
}

static void notify(brk_partition_t *part) {
    brk_logs_t *logs = part->logs;
    pthread_mutex_lock(&part->wait_mu);
    pthread_cond_broadcast(&part->wait_cv);
    pthread_mutex_unlock(&part->wait_mu);
    pthread_rwlock_rdlock(&logs->hook_rw);
    if (logs->hook)
        logs->hook(logs->hook_arg, part->topic, part->id);
    pthread_rwlock_unlock(&logs->hook_rw);
}

static size_t count_batches(const uint8_t *data, size_t len) {
    size_t off = 0, n = 0;
    while (off < len) {
        size_t sz = brk_batch_size(data + off, len - off);
        if (sz == 0 || sz > len - off)
            return n + 1; /* split_batches reports it */
        off += sz;
        n++;
    }
    return n;
}

static cn_err_t append(brk_partition_t *part, uint8_t *data, size_t len,
                       const brk_append_opts_t *opts, bool wait, brk_append_result_t *res,
                       cn_error_t *err) {
    batch_ref_t few[16], *refs = few;
    brk_append_opts_t dflt = {false, false};
    brk_append_result_t scratch;
    size_t n = 0, cap = count_batches(data, len);
    cn_err_t rc;
    opts = opts ? opts : &dflt;
    res = res ? res : &scratch;
    memset(res, 0, sizeof(*res));
    res->base_offset = res->last_offset = res->log_append_time = -1;
    if (cap > MAX_BATCHES_PER_APPEND)
        return cn_error_set(err, CN_ERR_INVALID_RECORD, "too many batches in one append");
    if (cap > 16 && !(refs = calloc(cap, sizeof(*refs))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    rc = split_batches(data, len, opts->require_keys, refs, &n, err);
    if (rc == CN_OK) {
        pthread_mutex_lock(&part->mu);
        rc = append_locked(part, data, len, refs, n, opts, wait, res, err);
        pthread_mutex_unlock(&part->mu);
    }
    if (refs != few)
        free(refs);
    if (res->log_start_offset == 0)
        res->log_start_offset = part->log_start;
    if (rc == CN_OK || (rc == CN_ERR_FSYNC && res->base_offset >= 0))
        notify(part);
    return rc;
}

cn_err_t brk_partition_append(brk_partition_t *part, uint8_t *data, size_t len,
                              const brk_append_opts_t *opts, brk_append_result_t *res,
                              cn_error_t *err) {
    return append(part, data, len, opts, true, res, err);
}

cn_err_t brk_partition_append_nowait(brk_partition_t *part, uint8_t *data, size_t len,
                                     const brk_append_opts_t *opts, brk_append_result_t *res,
                                     cn_error_t *err) {
    brk_append_opts_t o = {true, opts && opts->require_keys};
    return append(part, data, len, &o, false, res, err);
}

/* ---- flush policy and maintenance entry points ---- */

cn_err_t brk_partition_flush(brk_partition_t *part, cn_error_t *err) {
    cn_err_t rc;
    pthread_mutex_lock(&part->mu);
    rc = sync_upto(part, part->leo, err);
    if (rc == CN_OK && part->recovery_point != part->leo) {
        part->recovery_point = part->leo;
        rc = brk_partition_checkpoint(part, err);
    }
    pthread_mutex_unlock(&part->mu);
    return rc;
}

cn_err_t brk_partition_sync(brk_partition_t *part, cn_error_t *err) {
    cn_err_t rc;
    pthread_mutex_lock(&part->mu);
    rc = sync_upto(part, part->leo, err);
    pthread_mutex_unlock(&part->mu);
    return rc;
}

cn_err_t brk_partition_sync_to(brk_partition_t *part, int64_t end, cn_error_t *err) {
    int64_t before;
    cn_err_t rc;
    pthread_mutex_lock(&part->mu);
    before = part->synced_upto;
    if (end > part->leo) /* nothing there to wait for (fsyncing would not get it closer) */
        end = part->leo;
    rc = sync_upto(part, end, err);
    pthread_mutex_unlock(&part->mu);
    if (rc == CN_OK && end > before)
        notify(part); /* what became visible may wake long polls */
    return rc;
}

cn_err_t brk_partition_flush_due(brk_partition_t *part, int64_t now_mono_ms, cn_error_t *err) {
    cn_err_t rc = CN_OK;
    pthread_mutex_lock(&part->mu);
    if (part->cfg.flush_ms != INT64_MAX && part->synced_upto < part->leo &&
        now_mono_ms - part->last_flush_ms >= part->cfg.flush_ms)
        rc = sync_upto(part, part->leo, err);
    pthread_mutex_unlock(&part->mu);
    return rc;
}

/* ---- offsets, waiting, statistics ---- */

void brk_partition_offsets(brk_partition_t *part, int64_t *log_start, int64_t *high_watermark) {
    pthread_rwlock_rdlock(&part->rw);
    if (log_start)
        *log_start = part->log_start;
    if (high_watermark)
        *high_watermark = atomic_load(&part->hw);
    pthread_rwlock_unlock(&part->rw);
}

bool brk_partition_wait(brk_partition_t *part, int64_t offset, int64_t timeout_ms) {
    struct timespec ts;
    bool ok;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (timeout_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&part->wait_mu);
    while (!(ok = atomic_load(&part->hw) > offset))
        if (pthread_cond_timedwait(&part->wait_cv, &part->wait_mu, &ts) != 0) {
            ok = atomic_load(&part->hw) > offset;
            break;
        }
    pthread_mutex_unlock(&part->wait_mu);
    return ok;
}

void brk_partition_stats(brk_partition_t *part, brk_partition_stats_t *out) {
    memset(out, 0, sizeof(*out));
    pthread_rwlock_rdlock(&part->rw);
    out->segments = part->nsegs;
    for (size_t i = 0; i < part->nsegs; i++)
        out->bytes += part->segs[i]->size;
    pthread_rwlock_unlock(&part->rw);
    out->recovered_truncations = atomic_load(&part->st_truncations);
    out->fsyncs = atomic_load(&part->st_fsyncs);
    out->appends = atomic_load(&part->st_appends);
}

bool brk_partition_shutdown(brk_partition_t *part, bool clean) {
    brk_segment_t *a;
    bool ok = false;
    pthread_mutex_lock(&part->mu);
    if (clean && !atomic_load(&part->logs->failed) && !atomic_load(&part->deleted) &&
        part->nsegs > 0) {
        a = brk_partition_active(part);
        if (brk_partition_fsync(part, a->fd, NULL) == CN_OK &&
            brk_segment_write_indexes(a, NULL) == CN_OK) {
            producer_snapshot(part);
            part->recovery_point = part->leo;
            ok = brk_partition_checkpoint(part, NULL) == CN_OK;
        }
    }
    pthread_mutex_unlock(&part->mu);
    return ok || atomic_load(&part->deleted);
}
