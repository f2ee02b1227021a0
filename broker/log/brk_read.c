/* SPDX-License-Identifier: Apache-2.0
 *
 * A partition's read side: reads by offset (whole stored batches, copied with pread, never
 * parsed beyond their 12-byte prefix) and offsets by timestamp. Readers hold the segment list
 * shared only long enough to find the segment and take a reference on it.
 */
#include "broker/log/brk_log_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Index of the segment holding offset: greatest base <= offset. Under rw. */
static size_t seg_find(const brk_partition_t *part, int64_t offset) {
    size_t lo = 0, hi = part->nsegs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (part->segs[mid]->base <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 0 : lo - 1;
}

static cn_err_t pread_full(const brk_segment_t *seg, void *buf, size_t len, uint64_t pos,
                           cn_error_t *err) {
    size_t done = 0;
    while (done < len) {
        ssize_t r = pread(seg->fd, (uint8_t *)buf + done, len - done, (off_t)(pos + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return cn_error_set(err, CN_ERR_IO, "read %s.log: %s", seg->path,
                                r < 0 ? strerror(errno) : "unexpected end of file");
        done += (size_t)r;
    }
    return CN_OK;
}

/* From pos, skip batches whose last offset is below offset. *found = position or end. */
static cn_err_t seek_batch(const brk_segment_t *seg, uint64_t pos, uint64_t end, int64_t offset,
                           uint64_t *found, cn_error_t *err) {
    uint8_t h[BRK_BATCH_HEADER_SIZE];
    while (pos < end) {
        cn_err_t rc = pread_full(seg, h, sizeof(h), pos, err);
        size_t sz = brk_batch_size(h, sizeof(h));
        if (rc != CN_OK)
            return rc;
        if (sz == 0)
            return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "bad batch in %s.log", seg->path);
        if ((int64_t)cn_be64_get(h) + (int32_t)cn_be32_get(h + 23) >= offset)
            break;
        pos += sz;
    }
    *found = pos;
    return CN_OK;
}

/* Copy whole batches [pos, end) into out: at least the first, then as many as fit max_bytes. */
static cn_err_t copy_batches(const brk_segment_t *seg, uint64_t pos, uint64_t end, size_t max_bytes,
                             cn_buf_t *out, cn_error_t *err) {
    size_t want = (size_t)(end - pos < max_bytes ? end - pos : max_bytes), start = out->len;
    size_t off = 0, first;
    cn_err_t rc;
    if (want < BRK_BATCH_HEADER_SIZE)
        want = (size_t)(end - pos < BRK_BATCH_HEADER_SIZE ? end - pos : BRK_BATCH_HEADER_SIZE);
    if ((rc = cn_buf_reserve(out, want)) != CN_OK)
        return cn_error_set(err, rc, "read buffer");
    if ((rc = pread_full(seg, out->data + start, want, pos, err)) != CN_OK)
        return rc;
    out->len += want;
    first = brk_batch_size(out->data + start, want);
    if (first == 0 || first > end - pos) {
        out->len = start;
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "bad batch in %s.log", seg->path);
    }
    if (first > want) { /* the first batch goes whole, even over max_bytes */
        if ((rc = cn_buf_reserve(out, first - want)) != CN_OK ||
            (rc = pread_full(seg, out->data + start + want, first - want, pos + want, err))) {
            out->len = start;
            return rc;
        }
        out->len = start + first;
        return CN_OK;
    }
    while (off < want) {
        size_t sz = brk_batch_size(out->data + start + off, want - off);
        if (sz == 0 || sz > want - off)
            break;
        off += sz;
    }
    out->len = start + off;
    return CN_OK;
}

/* Whole batches from pos within max_bytes (the first always), walking 12-byte prefixes from
 * hint, an indexed batch boundary known to fit. */
static cn_err_t span_length(const brk_segment_t *seg, uint64_t pos, uint64_t end, uint64_t hint,
                            size_t max_bytes, size_t *len_out, cn_error_t *err) {
    uint64_t limit = end - pos < max_bytes ? end : pos + max_bytes, b = pos;
    uint8_t h[BRK_BATCH_LOG_OVERHEAD];
    if (hint > pos && hint <= limit)
        b = hint;
    while (b < end) {
        cn_err_t rc = pread_full(seg, h, sizeof(h), b, err);
        size_t sz = brk_batch_size(h, sizeof(h));
        if (rc != CN_OK)
            return rc;
        if (sz == 0 || b + sz > end)
            return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "bad batch in %s.log", seg->path);
        if (b + sz > limit && b > pos)
            break;
        b += sz;
    }
    *len_out = (size_t)(b - pos);
    return CN_OK;
}

typedef struct read_target {
    cn_buf_t *out;         /* copy here ... */
    brk_read_span_t *span; /* ... or describe here */
} read_target_t;

static cn_err_t deliver(brk_segment_t *seg, uint64_t pos, uint64_t end, uint64_t hint,
                        size_t max_bytes, const read_target_t *t, cn_error_t *err) {
    cn_err_t rc;
    if (t->out)
        return copy_batches(seg, pos, end, max_bytes, t->out, err);
    rc = span_length(seg, pos, end, hint, max_bytes, &t->span->len, err);
    if (rc == CN_OK) {
        brk_segment_ref(seg);
        t->span->ref = seg;
        t->span->fd = seg->fd;
        t->span->pos = pos;
    }
    return rc;
}

/* Read from one segment (rw held shared on entry and on return, dropped meanwhile). *done
 * unless the segment had nothing at or after *offset: then *offset moves to its end. */
static cn_err_t read_segment(brk_partition_t *part, brk_segment_t *seg, int64_t *offset,
                             size_t max_bytes, const read_target_t *t, bool *done,
                             cn_error_t *err) {
    uint64_t pos = brk_segment_lookup(seg, *offset), end = seg->vis_size;
    uint64_t hint =
        brk_segment_pos_below(seg, max_bytes > UINT64_MAX - pos ? UINT64_MAX : pos + max_bytes);
    int64_t seg_next = seg->next_offset;
    cn_err_t rc;
    brk_segment_ref(seg);
    pthread_rwlock_unlock(&part->rw);
    rc = seek_batch(seg, pos, end, *offset, &pos, err);
    if (rc == CN_OK && pos < end)
        rc = deliver(seg, pos, end, hint, max_bytes, t, err);
    brk_segment_unref(seg);
    pthread_rwlock_rdlock(&part->rw);
    *done = rc != CN_OK || pos < end || seg_next <= *offset;
    *offset = seg_next;
    return rc;
}

static cn_err_t read_any(brk_partition_t *part, int64_t offset, size_t max_bytes,
                         const read_target_t *t, brk_read_info_t *info, cn_error_t *err) {
    brk_read_info_t local;
    cn_err_t rc = CN_OK;
    info = info ? info : &local;
    pthread_rwlock_rdlock(&part->rw);
    info->high_watermark = atomic_load(&part->hw);
    info->log_start_offset = part->log_start;
    info->last_stable_offset = info->high_watermark;
    if (offset < part->log_start || offset > info->high_watermark) {
        pthread_rwlock_unlock(&part->rw);
        return cn_error_set(err, CN_ERR_OFFSET_OUT_OF_RANGE, "offset %lld is outside [%lld, %lld]",
                            (long long)offset, (long long)info->log_start_offset,
                            (long long)info->high_watermark);
    }
    while (offset < info->high_watermark) {
        bool done;
        size_t i = seg_find(part, offset);
        if (part->segs[i]->next_offset <= offset && ++i >= part->nsegs)
            break; /* offset falls in a gap left by compaction at the end */
        rc = read_segment(part, part->segs[i], &offset, max_bytes, t, &done, err);
        if (rc != CN_OK || done)
            break;
    }
    pthread_rwlock_unlock(&part->rw);
    return rc;
}

cn_err_t brk_partition_read(brk_partition_t *part, int64_t offset, size_t max_bytes, cn_buf_t *out,
                            brk_read_info_t *info, cn_error_t *err) {
    read_target_t t = {out, NULL};
    return read_any(part, offset, max_bytes, &t, info, err);
}

cn_err_t brk_partition_read_span(brk_partition_t *part, int64_t offset, size_t max_bytes,
                                 brk_read_span_t *span, brk_read_info_t *info, cn_error_t *err) {
    read_target_t t = {NULL, span};
    memset(span, 0, sizeof(*span));
    span->fd = -1;
    return read_any(part, offset, max_bytes, &t, info, err);
}

void brk_read_span_release(brk_read_span_t *span) {
    if (span && span->ref) {
        brk_segment_unref(span->ref);
        span->ref = NULL;
        span->fd = -1;
        span->len = 0;
    }
}

/* ---- offsets by time ---- */

static cn_err_t find_in_batch(const brk_segment_t *seg, uint64_t pos, size_t sz, int64_t ts,
                              int64_t *off_out, int64_t *ts_out, cn_error_t *err) {
    cn_buf_t b;
    brk_batch_iter_t it;
    brk_record_t rec;
    cn_err_t rc;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    rc = cn_buf_reserve(&b, sz);
    if (rc == CN_OK)
        rc = pread_full(seg, b.data, sz, pos, err);
    if (rc == CN_OK && (rc = brk_batch_iter_init(&it, b.data, sz, err)) == CN_OK) {
        while (brk_batch_iter_next(&it, &rec, err) == 1)
            if (rec.timestamp >= ts) {
                *off_out = rec.offset;
                *ts_out = rec.timestamp;
                break;
            }
        brk_batch_iter_fini(&it);
    }
    cn_buf_fini(&b);
    return rc;
}

/* Scan [pos, end) (found under the list lock) for the first record with timestamp >= ts. */
static cn_err_t time_in_segment(const brk_segment_t *seg, uint64_t pos, uint64_t end, int64_t ts,
                                int64_t *off_out, int64_t *ts_out, cn_error_t *err) {
    uint8_t h[BRK_BATCH_HEADER_SIZE];
    while (pos < end && *off_out < 0) {
        cn_err_t rc = pread_full(seg, h, sizeof(h), pos, err);
        size_t sz = brk_batch_size(h, sizeof(h));
        if (rc != CN_OK)
            return rc;
        if (sz == 0)
            return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "bad batch in %s.log", seg->path);
        if ((int64_t)cn_be64_get(h + 35) >= ts &&
            (rc = find_in_batch(seg, pos, sz, ts, off_out, ts_out, err)) != CN_OK)
            return rc;
        pos += sz;
    }
    return CN_OK;
}

cn_err_t brk_partition_offset_for_time(brk_partition_t *part, int64_t ts, int64_t *offset_out,
                                       int64_t *timestamp_out, cn_error_t *err) {
    int64_t off = -1, found_ts = -1;
    cn_err_t rc = CN_OK;
    pthread_rwlock_rdlock(&part->rw);
    for (size_t i = 0; i < part->nsegs && off < 0; i++) {
        brk_segment_t *seg = part->segs[i];
        uint64_t pos, end;
        if (seg->max_ts < ts)
            continue;
        pos = brk_segment_time_lookup(seg, ts);
        end = seg->vis_size;
        brk_segment_ref(seg);
        pthread_rwlock_unlock(&part->rw);
        rc = time_in_segment(seg, pos, end, ts, &off, &found_ts, err);
        brk_segment_unref(seg);
        pthread_rwlock_rdlock(&part->rw);
        if (rc != CN_OK)
            break;
    }
    if (off >= 0 && off < part->log_start)
        off = part->log_start;
    if (off >= atomic_load(&part->hw)) { /* written, not visible yet */
        off = -1;
        found_ts = -1;
    }
    pthread_rwlock_unlock(&part->rw);
    *offset_out = off;
    if (timestamp_out)
        *timestamp_out = off >= 0 ? found_ts : -1;
    return rc;
}
