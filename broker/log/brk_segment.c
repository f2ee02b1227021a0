/* SPDX-License-Identifier: Apache-2.0
 *
 * One segment: its .log file descriptor, its size and offset range, and the walk over its
 * batches that recovery, index rebuilds and producer-state rebuilds share. Segments are
 * reference-counted so a reader or an fsync in flight keeps the descriptor valid while retention
 * or compaction drops the segment from the list.
 */
#include "broker/log/brk_log_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCAN_CHUNK     (1u << 20)
#define SCAN_MAX_BATCH (256u << 20) /* a stored batch claiming more is corrupt */

void brk_segment_name(const char *dir, int64_t base, const char *suffix, char *out, size_t cap) {
    snprintf(out, cap, "%s/%020lld%s", dir, (long long)base, suffix);
}

void brk_segment_path(const brk_segment_t *seg, const char *suffix, char *out, size_t cap) {
    snprintf(out, cap, "%s%s", seg->path, suffix);
}

static brk_segment_t *segment_alloc(const char *dir, int64_t base, int fd) {
    brk_segment_t *seg = calloc(1, sizeof(*seg));
    char path[BRK_PATH_MAX];
    if (!seg)
        return NULL;
    brk_segment_name(dir, base, "", path, sizeof(path));
    seg->path = strdup(path);
    if (!seg->path) {
        free(seg);
        return NULL;
    }
    seg->base = base;
    seg->next_offset = base;
    seg->max_ts = -1;
    seg->max_ts_offset = -1;
    seg->first_ts = -1;
    seg->fd = fd;
    atomic_init(&seg->refs, 1);
    return seg;
}

static brk_segment_t *segment_open_flags(const char *dir, int64_t base, int flags,
                                         cn_error_t *err) {
    char path[BRK_PATH_MAX];
    brk_segment_t *seg;
    struct stat st;
    int fd;
    brk_segment_name(dir, base, ".log", path, sizeof(path));
    fd = open(path, O_RDWR | O_CLOEXEC | flags, 0644);
    if (fd < 0 || fstat(fd, &st) != 0) {
        cn_error_set(err, CN_ERR_IO, "open %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    seg = segment_alloc(dir, base, fd);
    if (!seg) {
        close(fd);
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    seg->size = (uint64_t)st.st_size;
    return seg;
}

brk_segment_t *brk_segment_create(const char *dir, int64_t base, cn_error_t *err) {
    return segment_open_flags(dir, base, O_CREAT | O_TRUNC, err);
}

brk_segment_t *brk_segment_open(const char *dir, int64_t base, cn_error_t *err) {
    return segment_open_flags(dir, base, 0, err);
}

void brk_segment_ref(brk_segment_t *seg) {
    atomic_fetch_add(&seg->refs, 1);
}

void brk_segment_unlink_indexes(brk_segment_t *seg) {
    char p[BRK_PATH_MAX];
    brk_segment_path(seg, ".index", p, sizeof(p));
    unlink(p);
    brk_segment_path(seg, ".timeindex", p, sizeof(p));
    unlink(p);
}

void brk_segment_unref(brk_segment_t *seg) {
    if (!seg || atomic_fetch_sub(&seg->refs, 1) != 1)
        return;
    if (seg->fd >= 0)
        close(seg->fd);
    if (seg->unlink_on_free) {
        char p[BRK_PATH_MAX];
        brk_segment_path(seg, ".log.deleted", p, sizeof(p));
        unlink(p);
    }
    free(seg->oidx);
    free(seg->tidx);
    free(seg->path);
    free(seg);
}

/* ---- walking batches ---- */

typedef struct scan_buf {
    uint8_t *p;
    size_t cap;
} scan_buf_t;

static cn_err_t scan_read(brk_segment_t *seg, scan_buf_t *b, uint64_t pos, size_t want, size_t *got,
                          cn_error_t *err) {
    size_t n = 0;
    if (want > b->cap) {
        uint8_t *np = realloc(b->p, want);
        if (!np)
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        b->p = np;
        b->cap = want;
    }
    while (n < want) {
        ssize_t r = pread(seg->fd, b->p + n, want - n, (off_t)(pos + n));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return cn_error_set(err, CN_ERR_IO, "read %s.log: %s", seg->path, strerror(errno));
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *got = n;
    return CN_OK;
}

/* One chunk: calls fn for every whole batch in b->p[0..got); returns bytes consumed, and sets
 * *stop when a batch is bad (or fn stops). */
static size_t scan_chunk(const uint8_t *p, size_t got, uint64_t pos, bool verify, brk_scan_fn fn,
                         void *arg, bool *stop, size_t *need) {
    size_t off = 0;
    *need = 0;
    while (off < got) {
        size_t sz = brk_batch_size(p + off, got - off);
        if (got - off < BRK_BATCH_HEADER_SIZE) {
            *need = BRK_BATCH_HEADER_SIZE;
            return off;
        }
        if (sz == 0 || sz > SCAN_MAX_BATCH || (int8_t)p[off + 16] != 2) {
            *stop = true;
            return off;
        }
        if (sz > got - off) {
            *need = sz;
            return off;
        }
        if (verify && brk_batch_verify_stored(p + off, sz, NULL) != CN_OK) {
            *stop = true;
            return off;
        }
        if (fn && fn(arg, p + off, sz, pos + off) != 0) {
            *stop = true;
            return off + sz;
        }
        off += sz;
    }
    return off;
}

cn_err_t brk_segment_scan(brk_segment_t *seg, uint64_t pos, bool verify, brk_scan_fn fn, void *arg,
                          uint64_t *end_out, cn_error_t *err) {
    scan_buf_t b = {NULL, 0};
    struct stat st;
    uint64_t fsize;
    size_t want = SCAN_CHUNK;
    bool stop = false;
    cn_err_t rc = CN_OK;
    if (fstat(seg->fd, &st) != 0)
        return cn_error_set(err, CN_ERR_IO, "stat %s.log: %s", seg->path, strerror(errno));
    fsize = (uint64_t)st.st_size;
    while (!stop && pos < fsize) {
        size_t got = 0, used, need;
        if (want > fsize - pos)
            want = (size_t)(fsize - pos);
        if ((rc = scan_read(seg, &b, pos, want, &got, err)) != CN_OK)
            break;
        used = scan_chunk(b.p, got, pos, verify, fn, arg, &stop, &need);
        pos += used;
        if (stop)
            break;
        if (used == 0 && (need == 0 || pos + need > fsize))
            break; /* torn tail: not enough bytes for the next batch */
        want = used == 0 && need > SCAN_CHUNK ? need : SCAN_CHUNK;
    }
    free(b.p);
    *end_out = pos;
    return rc;
}

/* ---- rebuilding from the log ---- */

typedef struct rebuild_ctx {
    brk_segment_t *seg;
    int64_t interval;
} rebuild_ctx_t;

static int rebuild_cb(void *arg, const uint8_t *batch, size_t len, uint64_t pos) {
    rebuild_ctx_t *c = arg;
    brk_batch_hdr_t h;
    if (brk_batch_hdr_decode(batch, len, &h, NULL) != CN_OK || h.base_offset < c->seg->base ||
        h.base_offset + h.last_offset_delta - c->seg->base > INT32_MAX ||
        h.base_offset < c->seg->next_offset)
        return 1;
    return brk_segment_track(c->seg, pos, &h, len, c->interval) == CN_OK ? 0 : 1;
}

cn_err_t brk_segment_walk(brk_segment_t *seg, uint64_t pos, bool verify, int64_t interval,
                          cn_error_t *err) {
    rebuild_ctx_t c = {seg, interval};
    uint64_t end;
    cn_err_t rc;
    seg->size = pos;
    /* a batch refused by rebuild_cb also ends the valid part: seg->size is the end of the
     * last batch tracked */
    rc = brk_segment_scan(seg, pos, verify, rebuild_cb, &c, &end, err);
    seg->vis_size = seg->size; /* loaded data is all visible */
    return rc;
}

cn_err_t brk_segment_rebuild(brk_segment_t *seg, bool verify, int64_t interval, cn_error_t *err) {
    brk_segment_reset_index(seg);
    return brk_segment_walk(seg, 0, verify, interval, err);
}
