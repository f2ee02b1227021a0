/* SPDX-License-Identifier: Apache-2.0
 *
 * Removing data from the head of a partition: retention by time and by size
 * (cleanup.policy=delete) and DeleteRecords. Only whole non-active segments are deleted; the
 * log start offset moves forward and is checkpointed. A deleted segment is renamed to
 * .log.deleted and unlinked when its last reader lets go of it.
 */
#include "broker/log/brk_log_int.h"

#include <stdio.h>
#include <string.h>

void brk_partition_drop_segment_locked(brk_partition_t *part, size_t i) {
    brk_segment_t *seg = part->segs[i];
    char from[BRK_PATH_MAX], to[BRK_PATH_MAX];
    memmove(&part->segs[i], &part->segs[i + 1], (part->nsegs - i - 1) * sizeof(*part->segs));
    part->nsegs--;
    brk_segment_unlink_indexes(seg);
    brk_segment_path(seg, ".log", from, sizeof(from));
    brk_segment_path(seg, ".log.deleted", to, sizeof(to));
    if (rename(from, to) == 0)
        seg->unlink_on_free = true;
    brk_segment_unref(seg);
}

static bool expired(const brk_partition_t *part, const brk_segment_t *seg, uint64_t total,
                    int64_t now_ms) {
    const brk_topic_config_t *c = &part->cfg;
    if (c->retention_ms >= 0 && seg->max_ts >= 0 && now_ms - seg->max_ts > c->retention_ms)
        return true;
    return c->retention_bytes >= 0 && total - seg->size >= (uint64_t)c->retention_bytes;
}

/* Under maint_mu + mu: drop head segments while pred holds; returns how many went. */
static size_t drop_head(brk_partition_t *part, int64_t now_ms, int64_t upto) {
    size_t dropped = 0;
    uint64_t total = 0;
    pthread_rwlock_wrlock(&part->rw);
    for (size_t i = 0; i < part->nsegs; i++)
        total += part->segs[i]->size;
    while (part->nsegs > 1) {
        brk_segment_t *s = part->segs[0];
        bool go = upto >= 0 ? s->next_offset <= upto : expired(part, s, total, now_ms);
        if (!go)
            break;
        total -= s->size;
        brk_partition_drop_segment_locked(part, 0);
        if (part->log_start < part->segs[0]->base)
            part->log_start = part->segs[0]->base;
        dropped++;
    }
    pthread_rwlock_unlock(&part->rw);
    return dropped;
}

cn_err_t brk_partition_retain(brk_partition_t *part, int64_t now_ms, cn_error_t *err) {
    cn_err_t rc = CN_OK;
    pthread_mutex_lock(&part->maint_mu);
    pthread_mutex_lock(&part->mu);
    if (part->cfg.delete_retention && drop_head(part, now_ms, -1) > 0)
        rc = brk_partition_checkpoint(part, err);
    pthread_mutex_unlock(&part->mu);
    pthread_mutex_unlock(&part->maint_mu);
    return rc;
}

cn_err_t brk_partition_delete_records(brk_partition_t *part, int64_t offset, cn_error_t *err) {
    cn_err_t rc = CN_OK;
    int64_t hw;
    pthread_mutex_lock(&part->maint_mu);
    pthread_mutex_lock(&part->mu);
    hw = atomic_load(&part->hw);
    if (offset == -1)
        offset = hw;
    if (offset < 0 || offset > hw) {
        rc = cn_error_set(err, CN_ERR_OFFSET_OUT_OF_RANGE, "offset %lld is beyond %lld",
                          (long long)offset, (long long)hw);
    } else if (offset > part->log_start) {
        pthread_rwlock_wrlock(&part->rw);
        part->log_start = offset;
        pthread_rwlock_unlock(&part->rw);
        drop_head(part, 0, offset);
        rc = brk_partition_checkpoint(part, err);
    }
    pthread_mutex_unlock(&part->mu);
    pthread_mutex_unlock(&part->maint_mu);
    return rc;
}
