/* SPDX-License-Identifier: Apache-2.0
 *
 * The sparse indexes of a segment, kept in memory and persisted as Kafka's files: .index holds
 * [relative offset u32, position u32] entries, .timeindex [timestamp i64, relative offset u32].
 * An entry is added when more than index.interval.bytes were appended since the previous one.
 * A time-index entry (T, r) says every batch before the one at relative offset r has timestamps
 * <= T. The files carry no checksum: they are written atomically at roll and at clean shutdown,
 * checked when loaded, and rebuilt from the log whenever they are missing or suspect.
 */
#include "broker/log/brk_log_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_fs.h"

#define INDEX_FILE_LIMIT (64u << 20)

void brk_segment_reset_index(brk_segment_t *seg) {
    seg->n_oidx = 0;
    seg->n_tidx = 0;
    seg->bytes_since_index = 0;
    seg->size = 0;
    seg->next_offset = seg->base;
    seg->max_ts = -1;
    seg->max_ts_offset = -1;
    seg->first_ts = -1;
}

static int grow(void **p, size_t *cap, size_t n, size_t elem) {
    size_t ncap;
    void *np;
    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 64;
    np = realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static cn_err_t add_entries(brk_segment_t *seg, uint32_t rel, uint32_t pos) {
    if (grow((void **)&seg->oidx, &seg->cap_oidx, seg->n_oidx, sizeof(brk_oidx_t)) != 0)
        return CN_ERR_NO_MEMORY;
    seg->oidx[seg->n_oidx++] = (brk_oidx_t){rel, pos};
    if (seg->max_ts < 0 || (seg->n_tidx > 0 && seg->tidx[seg->n_tidx - 1].ts >= seg->max_ts))
        return CN_OK;
    if (grow((void **)&seg->tidx, &seg->cap_tidx, seg->n_tidx, sizeof(brk_tidx_t)) != 0)
        return CN_ERR_NO_MEMORY;
    seg->tidx[seg->n_tidx++] = (brk_tidx_t){seg->max_ts, rel};
    return CN_OK;
}

cn_err_t brk_segment_track(brk_segment_t *seg, uint64_t pos, const brk_batch_hdr_t *h,
                           size_t batch_len, int64_t interval) {
    if (seg->bytes_since_index > (uint64_t)interval) {
        if (add_entries(seg, (uint32_t)(h->base_offset - seg->base), (uint32_t)pos) != CN_OK)
            return CN_ERR_NO_MEMORY;
        seg->bytes_since_index = 0;
    }
    seg->bytes_since_index += batch_len;
    seg->next_offset = h->base_offset + h->last_offset_delta + 1;
    if (h->max_timestamp > seg->max_ts) {
        seg->max_ts = h->max_timestamp;
        seg->max_ts_offset = seg->next_offset - 1;
    }
    if (seg->first_ts < 0)
        seg->first_ts = h->max_timestamp;
    seg->size = pos + batch_len;
    return CN_OK;
}

uint64_t brk_segment_lookup(const brk_segment_t *seg, int64_t offset) {
    size_t lo = 0, hi = seg->n_oidx;
    int64_t rel = offset - seg->base;
    if (rel < 0 || seg->n_oidx == 0)
        return 0;
    while (lo < hi) { /* first entry with rel > target */
        size_t mid = (lo + hi) / 2;
        if ((int64_t)seg->oidx[mid].rel <= rel)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 0 : seg->oidx[lo - 1].pos;
}

uint64_t brk_segment_pos_below(const brk_segment_t *seg, uint64_t limit) {
    size_t lo = 0, hi = seg->n_oidx;
    while (lo < hi) { /* first entry with pos > limit */
        size_t mid = (lo + hi) / 2;
        if (seg->oidx[mid].pos <= limit)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 0 : seg->oidx[lo - 1].pos;
}

uint64_t brk_segment_time_lookup(const brk_segment_t *seg, int64_t ts) {
    size_t lo = 0, hi = seg->n_tidx;
    while (lo < hi) { /* first entry with ts >= target */
        size_t mid = (lo + hi) / 2;
        if (seg->tidx[mid].ts < ts)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 0 : brk_segment_lookup(seg, seg->base + seg->tidx[lo - 1].rel);
}

/* ---- files ---- */

cn_err_t brk_segment_write_indexes(brk_segment_t *seg, cn_error_t *err) {
    char path[BRK_PATH_MAX];
    cn_buf_t b;
    cn_err_t rc;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    for (size_t i = 0; i < seg->n_oidx; i++) {
        cn_buf_put_be32(&b, seg->oidx[i].rel);
        cn_buf_put_be32(&b, seg->oidx[i].pos);
    }
    brk_segment_path(seg, ".index", path, sizeof(path));
    rc = b.failed ? cn_error_set(err, CN_ERR_NO_MEMORY, NULL)
                  : cn_fs_write_atomic(path, b.data ? b.data : (uint8_t *)"", b.len, err);
    cn_buf_reset(&b);
    for (size_t i = 0; rc == CN_OK && i < seg->n_tidx; i++) {
        cn_buf_put_be64(&b, (uint64_t)seg->tidx[i].ts);
        cn_buf_put_be32(&b, seg->tidx[i].rel);
    }
    brk_segment_path(seg, ".timeindex", path, sizeof(path));
    if (rc == CN_OK)
        rc = b.failed ? cn_error_set(err, CN_ERR_NO_MEMORY, NULL)
                      : cn_fs_write_atomic(path, b.data ? b.data : (uint8_t *)"", b.len, err);
    cn_buf_fini(&b);
    return rc;
}

/* The batch at pos must start with base offset want. */
static bool batch_at(const brk_segment_t *seg, uint64_t pos, int64_t want) {
    uint8_t h[BRK_BATCH_LOG_OVERHEAD];
    if (pread(seg->fd, h, sizeof(h), (off_t)pos) != (ssize_t)sizeof(h))
        return false;
    return (int64_t)cn_be64_get(h) == want && brk_batch_size(h, sizeof(h)) > 0;
}

static bool load_oidx(brk_segment_t *seg, const char *data, size_t len) {
    const uint8_t *p = (const uint8_t *)data;
    if (len % 8 != 0)
        return false;
    seg->n_oidx = 0;
    for (size_t i = 0; i < len / 8; i++) {
        brk_oidx_t e = {cn_be32_get(p + i * 8), cn_be32_get(p + i * 8 + 4)};
        if (e.pos >= seg->size ||
            (i > 0 && (e.rel <= seg->oidx[i - 1].rel || e.pos <= seg->oidx[i - 1].pos)))
            return false;
        if (grow((void **)&seg->oidx, &seg->cap_oidx, seg->n_oidx, sizeof(e)) != 0)
            return false;
        seg->oidx[seg->n_oidx++] = e;
    }
    if (seg->n_oidx == 0)
        return true;
    return batch_at(seg, seg->oidx[0].pos, seg->base + seg->oidx[0].rel) &&
           batch_at(seg, seg->oidx[seg->n_oidx - 1].pos,
                    seg->base + seg->oidx[seg->n_oidx - 1].rel);
}

static bool load_tidx(brk_segment_t *seg, const char *data, size_t len) {
    const uint8_t *p = (const uint8_t *)data;
    if (len % 12 != 0)
        return false;
    seg->n_tidx = 0;
    for (size_t i = 0; i < len / 12; i++) {
        brk_tidx_t e = {(int64_t)cn_be64_get(p + i * 12), cn_be32_get(p + i * 12 + 8)};
        if (i > 0 && (e.ts < seg->tidx[i - 1].ts || e.rel < seg->tidx[i - 1].rel))
            return false;
        if (grow((void **)&seg->tidx, &seg->cap_tidx, seg->n_tidx, sizeof(e)) != 0)
            return false;
        seg->tidx[seg->n_tidx++] = e;
    }
    return true;
}

static bool load_file(brk_segment_t *seg, const char *suffix,
                      bool (*fn)(brk_segment_t *, const char *, size_t)) {
    char path[BRK_PATH_MAX], *data = NULL;
    size_t len = 0;
    bool ok;
    brk_segment_path(seg, suffix, path, sizeof(path));
    if (cn_fs_read_all(path, INDEX_FILE_LIMIT, &data, &len, NULL) != CN_OK)
        return false;
    ok = fn(seg, data, len);
    free(data);
    return ok;
}

bool brk_segment_load_indexes(brk_segment_t *seg) {
    if (!load_file(seg, ".index", load_oidx) || !load_file(seg, ".timeindex", load_tidx)) {
        seg->n_oidx = 0;
        seg->n_tidx = 0;
        return false;
    }
    return true;
}
