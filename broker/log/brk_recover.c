/* SPDX-License-Identifier: Apache-2.0
 *
 * Loading a partition directory, with recovery (as Kafka's LogLoader and LogSegment.recover):
 * interrupted compaction swaps are finished or undone first; segments before the recovery point are
 * trusted (their indexes are checked and rebuilt when suspect); from the recovery point on, every
 * batch is re-validated (sizes and CRC-32C), the log is truncated at the first bad or torn batch,
 * later segments are deleted, and indexes are rebuilt. After a clean shutdown nothing is
 * re-validated. Producer state comes from its snapshot plus the batch headers after it.
 */
#include "broker/log/brk_log_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_fs.h"
#include "common/cn_props.h"

#define CHECKPOINT_LIMIT 4096

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

bool brk_parse_segment_name(const char *name, const char *suffix, int64_t *base) {
    size_t n = strlen(name), sl = strlen(suffix);
    char digits[21];
    if (n != 20 + sl || strcmp(name + 20, suffix) != 0)
        return false;
    memcpy(digits, name, 20);
    digits[20] = '\0';
    return strspn(digits, "0123456789") == 20 && cn_parse_i64(digits, base) && *base >= 0;
}

static cn_err_t list_bases(const char *dir, int64_t **out, size_t *n_out, cn_error_t *err) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int64_t *v = NULL, base;
    size_t n = 0, cap = 0;
    if (!d)
        return cn_error_set(err, CN_ERR_IO, "opendir %s: %s", dir, strerror(errno));
    while ((e = readdir(d)) != NULL) {
        if (!brk_parse_segment_name(e->d_name, ".log", &base))
            continue;
        if (n == cap) {
            int64_t *nv = realloc(v, (cap = cap * 2 + 16) * sizeof(*v));
            if (!nv) {
                free(v);
                closedir(d);
                return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
            }
            v = nv;
        }
        v[n++] = base;
    }
    closedir(d);
    if (n > 0)
        qsort(v, n, sizeof(*v), cmp_i64);
    *out = v;
    *n_out = n;
    return CN_OK;
}

static void read_checkpoint(brk_partition_t *part) {
    char path[BRK_PATH_MAX];
    cn_props_t *props = cn_props_new();
    int64_t v;
    snprintf(path, sizeof(path), "%s/checkpoint", part->dir);
    if (!props)
        return;
    if (cn_props_load_file(props, path, NULL) == CN_OK) {
        if (cn_props_get_i64(props, "recovery_point", 0, 0, INT64_MAX, &v, NULL) == CN_OK)
            part->recovery_point = v;
        if (cn_props_get_i64(props, "log_start", 0, 0, INT64_MAX, &v, NULL) == CN_OK)
            part->log_start = v;
        if (cn_props_get_i64(props, "cleaner_offset", 0, 0, INT64_MAX, &v, NULL) == CN_OK)
            part->cleaner_offset = v;
    }
    cn_props_free(props);
}

static void unlink_segment_files(const char *dir, int64_t base) {
    static const char *const suffixes[] = {".log", ".index", ".timeindex"};
    char p[BRK_PATH_MAX];
    for (size_t i = 0; i < 3; i++) {
        brk_segment_name(dir, base, suffixes[i], p, sizeof(p));
        unlink(p);
    }
}

static int64_t first_batch_ts(const brk_segment_t *seg) {
    uint8_t h[BRK_BATCH_HEADER_SIZE];
    if (seg->size < sizeof(h) || pread(seg->fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
        return -1;
    return (int64_t)cn_be64_get(h + 35);
}

/* Trust the index files: walk only the batches after the last entry. */
static cn_err_t load_trusted(brk_partition_t *part, brk_segment_t *seg, cn_error_t *err) {
    int64_t interval = part->cfg.index_interval_bytes;
    uint64_t pos;
    if (!brk_segment_load_indexes(seg))
        return brk_segment_rebuild(seg, false, interval, err);
    pos = seg->n_oidx ? seg->oidx[seg->n_oidx - 1].pos : 0;
    seg->next_offset = seg->base + (seg->n_oidx ? seg->oidx[seg->n_oidx - 1].rel : 0);
    seg->max_ts = seg->n_tidx ? seg->tidx[seg->n_tidx - 1].ts : -1;
    seg->first_ts = first_batch_ts(seg);
    seg->bytes_since_index = 0;
    return brk_segment_walk(seg, pos, false, interval, err);
}

/* Cut the file to the last good batch; false when nothing had to go. */
static cn_err_t truncate_tail(brk_partition_t *part, brk_segment_t *seg, uint64_t fsize, bool *cut,
                              cn_error_t *err) {
    *cut = seg->size < fsize;
    if (!*cut)
        return CN_OK;
    cn_log_warn(part->logs->log, "%s.log: truncating %llu bytes of torn or corrupt data at %llu",
                seg->path, (unsigned long long)(fsize - seg->size), (unsigned long long)seg->size);
    if (ftruncate(seg->fd, (off_t)seg->size) != 0)
        return cn_error_set(err, CN_ERR_IO, "truncate %s.log: %s", seg->path, strerror(errno));
    atomic_fetch_add(&part->st_truncations, 1);
    return brk_partition_fsync(part, seg->fd, err);
}

cn_err_t brk_partition_push_segment(brk_partition_t *part, brk_segment_t *seg, cn_error_t *err) {
    if (part->nsegs == part->cap_segs) {
        size_t cap = part->cap_segs * 2 + 8;
        brk_segment_t **v = realloc(part->segs, cap * sizeof(*v));
        if (!v)
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        part->segs = v;
        part->cap_segs = cap;
    }
    part->segs[part->nsegs++] = seg;
    return CN_OK;
}

/* Open bases[i] and load or recover it. *stop: later segments must go (after a cut). */
static cn_err_t load_one(brk_partition_t *part, int64_t base, bool recover, bool last, bool *stop,
                         cn_error_t *err) {
    brk_segment_t *seg = brk_segment_open(part->dir, base, err);
    uint64_t fsize;
    cn_err_t rc;
    if (!seg)
        return err ? err->code : CN_ERR_IO;
    fsize = seg->size;
    rc = recover ? brk_segment_rebuild(seg, true, part->cfg.index_interval_bytes, err)
                 : load_trusted(part, seg, err);
    if (rc == CN_OK)
        rc = truncate_tail(part, seg, fsize, stop, err);
    /* no fsync of an intact segment here: closed ones were fsynced when they rolled, and the
     * next durable append fsyncs the active one (the same file) */
    if (rc == CN_OK && recover && !*stop && !last) /* a closed segment keeps index files */
        rc = brk_segment_write_indexes(seg, err);
    if (rc == CN_OK)
        rc = brk_partition_push_segment(part, seg, err);
    if (rc != CN_OK)
        brk_segment_unref(seg);
    return rc;
}

/* Drop empty segments that are not the last one (a crash right after a roll). */
static void drop_empty_middle(brk_partition_t *part) {
    size_t w = 0;
    for (size_t i = 0; i < part->nsegs; i++) {
        brk_segment_t *s = part->segs[i];
        if (s->size == 0 && i + 1 < part->nsegs) {
            unlink_segment_files(part->dir, s->base);
            brk_segment_unref(s);
            continue;
        }
        part->segs[w++] = s;
    }
    part->nsegs = w;
}

static cn_err_t load_segments(brk_partition_t *part, bool clean, cn_error_t *err) {
    int64_t *bases = NULL;
    size_t n = 0, i;
    bool stop = false;
    cn_err_t rc = list_bases(part->dir, &bases, &n, err);
    for (i = 0; rc == CN_OK && i < n && !stop; i++) {
        /* the segment holding the recovery point and every later one are re-validated */
        bool recover = !clean && (i + 1 == n || bases[i + 1] > part->recovery_point);
        rc = load_one(part, bases[i], recover, i + 1 == n, &stop, err);
    }
    for (; rc == CN_OK && i < n; i++) {
        cn_log_warn(part->logs->log, "%s: deleting segment %lld after a torn write", part->dir,
                    (long long)bases[i]);
        unlink_segment_files(part->dir, bases[i]);
    }
    free(bases);
    if (rc != CN_OK)
        return rc;
    drop_empty_middle(part);
    if (part->nsegs == 0) {
        brk_segment_t *seg = brk_segment_create(part->dir, part->log_start, err);
        if (!seg)
            return err ? err->code : CN_ERR_IO;
        if ((rc = brk_partition_push_segment(part, seg, err)) != CN_OK) {
            brk_segment_unref(seg);
            return rc;
        }
        return cn_fs_fsync_dir(part->dir, err);
    }
    return CN_OK;
}

/* ---- producer state ---- */

typedef struct prod_walk {
    cn_map_t *prods;
    int64_t from;
} prod_walk_t;

static int prod_cb(void *arg, const uint8_t *batch, size_t len, uint64_t pos) {
    prod_walk_t *w = arg;
    brk_batch_hdr_t h;
    (void)pos;
    if (brk_batch_hdr_decode(batch, len, &h, NULL) == CN_OK && h.base_offset >= w->from)
        brk_producer_update(w->prods, &h);
    return 0;
}

static void load_producers(brk_partition_t *part) {
    char path[BRK_PATH_MAX];
    prod_walk_t w = {part->producers, 0};
    int64_t hw = atomic_load(&part->hw);
    snprintf(path, sizeof(path), "%s/producer-state", part->dir);
    w.from = brk_producers_load(part->producers, path);
    if (w.from < 0 || w.from > hw) {
        cn_map_free(part->producers);
        part->producers = brk_producers_new();
        w.prods = part->producers;
        w.from = 0;
    }
    for (size_t i = 0; i < part->nsegs && part->producers; i++) {
        brk_segment_t *seg = part->segs[i];
        uint64_t end;
        if (seg->next_offset <= w.from)
            continue;
        brk_segment_scan(seg, brk_segment_lookup(seg, w.from), false, prod_cb, &w, &end, NULL);
    }
}

cn_err_t brk_partition_load(brk_partition_t *part, bool clean, cn_error_t *err) {
    cn_err_t rc = cn_fs_mkdirs(part->dir, 0755, err);
    brk_segment_t *first;
    if (rc == CN_OK)
        rc = brk_clean_recover_dir(part->dir, err);
    if (rc != CN_OK)
        return rc;
    read_checkpoint(part);
    if ((rc = load_segments(part, clean, err)) != CN_OK)
        return rc;
    first = part->segs[0];
    part->leo = brk_partition_active(part)->next_offset;
    atomic_store(&part->hw, part->leo);
    if (part->log_start < first->base)
        part->log_start = first->base;
    if (part->log_start > atomic_load(&part->hw))
        part->log_start = atomic_load(&part->hw);
    part->synced_upto = atomic_load(&part->hw);
    if (part->cleaner_offset > atomic_load(&part->hw))
        part->cleaner_offset = 0;
    load_producers(part);
    return part->producers ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
}
