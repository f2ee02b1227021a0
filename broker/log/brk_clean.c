/* SPDX-License-Identifier: Apache-2.0
 *
 * Log compaction (broker-protocol.md §3.7): keep the latest record per key among the non-active
 * segments, keep offsets (a rewritten batch keeps its original offset range, so gaps appear),
 * and drop tombstones after their delete horizon (KIP-534: the first cleaning that keeps a
 * tombstone stamps its batch with horizon = now + delete.retention.ms; later cleanings drop it
 * once now is past it). Batches that lose nothing are copied byte for byte.
 *
 * Crash-safe swap, per segment: (1) write <base>.log.cleaned and fsync it, (2) rename it to
 * .log.swap and fsync the directory, (3) rename the old .log to .log.deleted, (4) rename .swap
 * to .log and fsync the directory, (5) unlink .deleted once no reader holds it. At load,
 * brk_clean_recover_dir() finishes a swap whose .swap exists and discards .cleaned leftovers.
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

/* ---- recovery of interrupted swaps ---- */

static bool has_suffix(const char *name, const char *suffix, size_t *stem) {
    size_t n = strlen(name), s = strlen(suffix);
    if (n <= s || strcmp(name + n - s, suffix) != 0)
        return false;
    *stem = n - s;
    return true;
}

static void finish_swap(const char *dir, const char *name, size_t stem) {
    char from[BRK_PATH_MAX], to[BRK_PATH_MAX];
    snprintf(from, sizeof(from), "%s/%s", dir, name);
    snprintf(to, sizeof(to), "%s/%.*s.log.deleted", dir, (int)stem, name);
    unlink(to);
    snprintf(to, sizeof(to), "%s/%.*s.index", dir, (int)stem, name);
    unlink(to);
    snprintf(to, sizeof(to), "%s/%.*s.timeindex", dir, (int)stem, name);
    unlink(to);
    snprintf(to, sizeof(to), "%s/%.*s.log", dir, (int)stem, name);
    rename(from, to); /* replaces the old .log when step 3 had not run */
}

static cn_err_t recover_pass(const char *dir, bool swaps, bool *changed, cn_error_t *err) {
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return cn_error_set(err, CN_ERR_IO, "opendir %s: %s", dir, strerror(errno));
    while ((e = readdir(d)) != NULL) {
        char p[BRK_PATH_MAX];
        size_t stem;
        if (swaps && has_suffix(e->d_name, ".log.swap", &stem)) {
            finish_swap(dir, e->d_name, stem);
            *changed = true;
        } else if (!swaps && (has_suffix(e->d_name, ".cleaned", &stem) ||
                              has_suffix(e->d_name, ".deleted", &stem))) {
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
            *changed = true;
        }
    }
    closedir(d);
    return CN_OK;
}

cn_err_t brk_clean_recover_dir(const char *dir, cn_error_t *err) {
    bool changed = false;
    cn_err_t rc = recover_pass(dir, true, &changed, err);
    if (rc == CN_OK)
        rc = recover_pass(dir, false, &changed, err);
    if (rc == CN_OK && changed)
        rc = cn_fs_fsync_dir(dir, err);
    return rc;
}

/* ---- the key map ---- */

typedef struct clean_ctx {
    brk_partition_t *part;
    cn_map_t *latest; /* key -> offset + 1 */
    int64_t now_ms;
    int fd; /* .cleaned output */
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
        o.base_timestamp_override = c->now_ms + c->part->cfg.delete_retention_ms;
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
    if (c->rc == CN_OK && c->out.len > 0)
        c->rc = cn_fs_write_all(c->fd, c->out.data, c->out.len, c->err);
    return c->rc != CN_OK;
}

/* ---- one segment: steps 1..4 ---- */

static cn_err_t stop_here(const brk_partition_t *part, int step, cn_error_t *err) {
    if (part->logs->opts.compact_stop_after == step)
        return cn_error_set(err, CN_ERR_INTERNAL, "compaction stopped after step %d (test)", step);
    return CN_OK;
}

static cn_err_t write_cleaned(clean_ctx_t *c, brk_segment_t *seg, cn_error_t *err) {
    char cleaned[BRK_PATH_MAX], swap[BRK_PATH_MAX];
    uint64_t end;
    cn_err_t rc;
    brk_segment_path(seg, ".log.cleaned", cleaned, sizeof(cleaned));
    brk_segment_path(seg, ".log.swap", swap, sizeof(swap));
    c->fd = open(cleaned, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (c->fd < 0)
        return cn_error_set(err, CN_ERR_IO, "create %s: %s", cleaned, strerror(errno));
    c->rc = CN_OK;
    rc = brk_segment_scan(seg, 0, false, copy_cb, c, &end, err);
    if (rc == CN_OK)
        rc = c->rc;
    if (rc == CN_OK)
        rc = brk_partition_fsync(c->part, c->fd, err);
    close(c->fd);
    if (rc == CN_OK)
        rc = stop_here(c->part, 1, err);
    if (rc == CN_OK && rename(cleaned, swap) != 0)
        rc = cn_error_set(err, CN_ERR_IO, "rename %s: %s", cleaned, strerror(errno));
    if (rc == CN_OK)
        rc = cn_fs_fsync_dir(c->part->dir, err);
    if (rc != CN_OK && !c->part->logs->opts.compact_stop_after)
        unlink(cleaned);
    return rc == CN_OK ? stop_here(c->part, 2, err) : rc;
}

/* Steps 3 and 4 under mu and the list lock; the new segment replaces segs[i]. */
static cn_err_t swap_in(brk_partition_t *part, brk_segment_t *old, cn_error_t *err) {
    char log[BRK_PATH_MAX], del[BRK_PATH_MAX], swap[BRK_PATH_MAX];
    brk_segment_t *seg;
    cn_err_t rc = CN_OK;
    size_t i;
    brk_segment_path(old, ".log", log, sizeof(log));
    brk_segment_path(old, ".log.deleted", del, sizeof(del));
    brk_segment_path(old, ".log.swap", swap, sizeof(swap));
    brk_segment_unlink_indexes(old);
    if (rename(log, del) != 0)
        return cn_error_set(err, CN_ERR_IO, "rename %s: %s", log, strerror(errno));
    old->unlink_on_free = true;
    if ((rc = stop_here(part, 3, err)) != CN_OK)
        return rc;
    if (rename(swap, log) != 0)
        return cn_error_set(err, CN_ERR_IO, "rename %s: %s", swap, strerror(errno));
    if ((rc = cn_fs_fsync_dir(part->dir, err)) != CN_OK || (rc = stop_here(part, 4, err)))
        return rc;
    seg = brk_segment_open(part->dir, old->base, err);
    if (!seg)
        return err ? err->code : CN_ERR_IO;
    if ((rc = brk_segment_rebuild(seg, false, part->cfg.index_interval_bytes, err)) != CN_OK ||
        (rc = brk_segment_write_indexes(seg, err)) != CN_OK) {
        brk_segment_unref(seg);
        return rc;
    }
    pthread_rwlock_wrlock(&part->rw);
    for (i = 0; i < part->nsegs && part->segs[i] != old; i++)
        ;
    if (i < part->nsegs) {
        if (seg->size == 0 && seg->next_offset < old->next_offset)
            seg->next_offset = old->next_offset; /* keep the range of a segment now empty */
        part->segs[i] = seg;
        brk_segment_unref(old);
    } else {
        brk_segment_unref(seg);
    }
    pthread_rwlock_unlock(&part->rw);
    return CN_OK;
}

/* ---- driving it ---- */

static size_t pick_segments(brk_partition_t *part, int64_t now_ms, brk_segment_t ***out) {
    size_t n = 0;
    pthread_rwlock_rdlock(&part->rw);
    *out = calloc(part->nsegs ? part->nsegs : 1, sizeof(**out));
    for (size_t i = 0; *out && i + 1 < part->nsegs; i++) {
        brk_segment_t *s = part->segs[i];
        if (s->max_ts > now_ms - part->cfg.min_compaction_lag_ms && s->max_ts >= 0)
            break;
        brk_segment_ref(s);
        (*out)[n++] = s;
    }
    pthread_rwlock_unlock(&part->rw);
    return n;
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
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        rc = write_cleaned(c, segs[i], err);
        if (rc == CN_OK) {
            pthread_mutex_lock(&part->mu);
            rc = swap_in(part, segs[i], err);
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
    n = pick_segments(part, now_ms, &segs);
    if (!c.latest || !segs)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    else if (n > 0 && part->cfg.compact)
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
    (void)now_ms;
    if (!part->cfg.compact)
        return false;
    pthread_rwlock_rdlock(&part->rw);
    for (size_t i = 0; i + 1 < part->nsegs; i++) {
        total += part->segs[i]->size;
        if (part->segs[i]->next_offset > part->cleaner_offset)
            dirty += part->segs[i]->size;
    }
    pthread_rwlock_unlock(&part->rw);
    return total > 0 && dirty > 0 &&
           (double)dirty / (double)total >= part->cfg.min_cleanable_dirty_ratio;
}
