/* SPDX-License-Identifier: Apache-2.0
 *
 * Private to broker/log: the layouts shared by the engine's files (segments with their in-memory
 * sparse indexes, partitions, topics, the data directory) and the helpers they call across
 * files. Nothing outside broker/log includes this.
 *
 * Locking, outermost first: logs->mu (topic table) | part->maint_mu (retention, compaction,
 * delete-records: one at a time) | part->mu (appends, roll, flush; group-commit cond var) |
 * part->rw (segment list, sizes, indexes, offsets: readers take it shared) | part->wait_mu.
 */
#ifndef BRK_LOG_INT_H
#define BRK_LOG_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "broker/log/brk_batch.h"
#include "broker/log/brk_log.h"
#include "common/cn_map.h"

#define BRK_PATH_MAX        4096
#define BRK_PRODUCER_WINDOW 5

/* ---- codecs (brk_compress.c) ---- */

cn_err_t brk_compress(brk_compression_t c, const uint8_t *in, size_t len, cn_buf_t *out,
                      cn_error_t *err);
cn_err_t brk_decompress(brk_compression_t c, const uint8_t *in, size_t len, size_t max_out,
                        uint8_t **out, size_t *out_len, cn_error_t *err);
/** Snappy with the Java producer's xerial framing (tests; we write raw blocks). */
cn_err_t brk_snappy_xerial_compress(const uint8_t *in, size_t len, size_t chunk, cn_buf_t *out,
                                    cn_error_t *err);
/* ---- batch helpers (brk_batch.c) ---- */
uint32_t brk_batch_crc(const uint8_t *p, size_t len);
/** A batch with no records covering [base, base + last_offset_delta] (the cleaner's filler). */
cn_err_t brk_batch_build_empty(cn_buf_t *out, int64_t base, int32_t last_offset_delta,
                               int64_t timestamp, cn_error_t *err);

/* ---- segments and their indexes (brk_segment.c, brk_index.c) ---- */

typedef struct brk_oidx {
    uint32_t rel; /* offset - segment base */
    uint32_t pos; /* byte position in .log */
} brk_oidx_t;

typedef struct brk_tidx {
    int64_t ts;   /* max timestamp so far */
    uint32_t rel; /* offset of the batch that brought it */
} brk_tidx_t;

typedef struct brk_segment {
    int64_t base;
    int64_t next_offset; /* last offset + 1; base when empty */
    uint64_t size;       /* bytes of whole batches written */
    uint64_t vis_size;   /* of which readers may see (below the high watermark) */
    int64_t max_ts;      /* -1 when empty */
    int64_t max_ts_offset;
    int64_t first_ts; /* first batch's max timestamp (segment.ms), -1 when empty */
    int fd;
    atomic_int refs;
    bool unlink_on_free; /* files go when the last reference does */
    char *path;          /* "<dir>/<20 digits>" without suffix */
    brk_oidx_t *oidx;
    size_t n_oidx, cap_oidx;
    brk_tidx_t *tidx;
    size_t n_tidx, cap_tidx;
    uint64_t bytes_since_index;
} brk_segment_t;

brk_segment_t *brk_segment_create(const char *dir, int64_t base, cn_error_t *err);
brk_segment_t *brk_segment_open(const char *dir, int64_t base, cn_error_t *err);
void brk_segment_ref(brk_segment_t *seg);
void brk_segment_unref(brk_segment_t *seg);
void brk_segment_path(const brk_segment_t *seg, const char *suffix, char *out, size_t cap);
void brk_segment_name(const char *dir, int64_t base, const char *suffix, char *out, size_t cap);
/** Record a batch just written at pos (index entries, offsets, timestamps). */
cn_err_t brk_segment_track(brk_segment_t *seg, uint64_t pos, const brk_batch_hdr_t *h,
                           size_t batch_len, int64_t interval);
void brk_segment_reset_index(brk_segment_t *seg);
/** Position of the greatest indexed batch with base offset <= offset (0 when none). */
uint64_t brk_segment_lookup(const brk_segment_t *seg, int64_t offset);
/** Greatest indexed batch position <= limit (0 when none). */
uint64_t brk_segment_pos_below(const brk_segment_t *seg, uint64_t limit);
/** Greatest time-index entry with ts < target: position to start scanning from. */
uint64_t brk_segment_time_lookup(const brk_segment_t *seg, int64_t ts);
/** Write .index and .timeindex atomically (tmp + rename). */
cn_err_t brk_segment_write_indexes(brk_segment_t *seg, cn_error_t *err);
/** Load and sanity-check the index files; false when missing or suspect. */
bool brk_segment_load_indexes(brk_segment_t *seg);
void brk_segment_unlink_indexes(brk_segment_t *seg);

typedef int (*brk_scan_fn)(void *arg, const uint8_t *batch, size_t len, uint64_t pos);
/** Walk the batches of seg from pos: size fields sane and whole, CRC checked when verify.
 *  Calls fn (which may stop the walk by returning nonzero). *end_out is the position after
 *  the last good batch. Returns CN_OK, or CN_ERR_IO on a read error. */
cn_err_t brk_segment_scan(brk_segment_t *seg, uint64_t pos, bool verify, brk_scan_fn fn, void *arg,
                          uint64_t *end_out, cn_error_t *err);
/** Track the batches of seg from pos on (verify: CRC too), as appends would; stops at the first
 *  bad, torn or out-of-order batch. Afterwards seg->size is where the last good batch ends
 *  (the caller truncates the file there). */
cn_err_t brk_segment_walk(brk_segment_t *seg, uint64_t pos, bool verify, int64_t interval,
                          cn_error_t *err);
/** Reset the indexes and walk from 0. */
cn_err_t brk_segment_rebuild(brk_segment_t *seg, bool verify, int64_t interval, cn_error_t *err);

/* ---- producer state (brk_producer.c) ---- */

typedef struct brk_pbatch {
    int32_t first_seq, last_seq;
    int64_t base_offset, last_offset;
} brk_pbatch_t;

typedef struct brk_producer {
    int64_t pid;
    int16_t epoch;
    brk_pbatch_t recent[BRK_PRODUCER_WINDOW]; /* ring, newest at (head + n - 1) */
    int head, n;
} brk_producer_t;

typedef enum brk_seq_verdict { BRK_SEQ_OK, BRK_SEQ_DUP, BRK_SEQ_ERR } brk_seq_verdict_t;

cn_map_t *brk_producers_new(void);
/** Check batch h against the state: OK, DUP (dup filled) or ERR (err set). */
brk_seq_verdict_t brk_producer_check(cn_map_t *prods, const brk_batch_hdr_t *h, brk_pbatch_t *dup,
                                     cn_error_t *err);
cn_err_t brk_producer_update(cn_map_t *prods, const brk_batch_hdr_t *h);
cn_err_t brk_producers_save(cn_map_t *prods, const char *path, int64_t upto, cn_error_t *err);
/** Load a snapshot; returns the offset it covers up to, or -1 when missing/unreadable. */
int64_t brk_producers_load(cn_map_t *prods, const char *path);

/* ---- partitions (brk_partition.c, brk_read.c, brk_recover.c, brk_clean.c) ---- */

typedef struct brk_topic brk_topic_t;

struct brk_partition {
    brk_logs_t *logs;
    char *topic;
    int32_t id;
    char *dir;
    atomic_int refs;
    atomic_bool deleted;
    brk_topic_config_t cfg; /* under mu */

    pthread_mutex_t maint_mu;
    pthread_mutex_t mu;
    pthread_cond_t sync_cv;
    pthread_rwlock_t rw;
    pthread_mutex_t wait_mu;
    pthread_cond_t wait_cv;

    /* under rw */
    brk_segment_t **segs;
    size_t nsegs, cap_segs;
    int64_t log_start;
    int64_t leo;     /* log end offset: the next offset to assign (also under mu) */
    atomic_llong hw; /* high watermark: readers see below it; a durable append becomes
                        visible once fsynced, and what follows it only then */

    /* under mu */
    cn_map_t *producers;
    int64_t synced_upto;       /* everything below is durable */
    int64_t sync_pending_upto; /* end of the last durable (sync) append written */
    bool syncing;
    int64_t unflushed_msgs;
    int64_t last_flush_ms;
    int64_t recovery_point;
    int64_t cleaner_offset; /* first dirty offset */

    /* statistics */
    atomic_ullong st_truncations, st_fsyncs, st_appends;
};

brk_partition_t *brk_partition_new(brk_logs_t *logs, const char *topic, int32_t id,
                                   const brk_topic_config_t *cfg);
void brk_partition_ref(brk_partition_t *part);
/** Load the partition's directory (creating it), running recovery when !clean. */
cn_err_t brk_partition_load(brk_partition_t *part, bool clean, cn_error_t *err);
/** Write the checkpoint file (recovery point, log start, cleaner offset). Under mu. */
cn_err_t brk_partition_checkpoint(brk_partition_t *part, cn_error_t *err);
/** Before close: fsync, indexes, producer snapshot and checkpoint when clean; true when all
 *  of it is on disk. */
bool brk_partition_shutdown(brk_partition_t *part, bool clean);
brk_segment_t *brk_partition_active(brk_partition_t *part);
/** fsync fd through the injection hook; failure marks the data directory failed. */
cn_err_t brk_partition_fsync(brk_partition_t *part, int fd, cn_error_t *err);
/** Append seg to the segment list (under the rw write lock when others may look). */
cn_err_t brk_partition_push_segment(brk_partition_t *part, brk_segment_t *seg, cn_error_t *err);
/** Roll under mu. */
cn_err_t brk_partition_roll_locked(brk_partition_t *part, cn_error_t *err);
/** Remove segs[i] from the list (under rw write lock) and schedule its files for deletion. */
void brk_partition_drop_segment_locked(brk_partition_t *part, size_t i);
/** Flush when flush.ms has passed (background thread). */
cn_err_t brk_partition_flush_due(brk_partition_t *part, int64_t now_ms, cn_error_t *err);
bool brk_partition_needs_compaction(brk_partition_t *part, int64_t now_ms);
/** Finish or undo interrupted swaps in dir (recovery). */
cn_err_t brk_clean_recover_dir(const char *dir, cn_error_t *err);
/** Steps 3 and 4 of the swap: group[0..n) (consecutive, in the list) give way to the cleaned
 *  segment in <group[0]>.log.swap. Under mu. */
cn_err_t brk_clean_swap_in(brk_partition_t *part, brk_segment_t **group, size_t n, cn_error_t *err);
/** Test hook: CN_ERR_INTERNAL when the options ask to stop after this step. */
cn_err_t brk_clean_stop(const brk_partition_t *part, int step, cn_error_t *err);
/** "<20 digits><suffix>" -> base offset. */
bool brk_parse_segment_name(const char *name, const char *suffix, int64_t *base);

/* ---- topics and the data directory (brk_logs.c, brk_topic_config.c) ---- */

struct brk_topic {
    char *name;
    brk_topic_config_t cfg;
    brk_partition_t **parts;
    int32_t nparts;
};

struct brk_logs {
    char *dir;
    const cn_log_t *log;
    brk_logs_options_t opts;
    pthread_mutex_t mu;
    cn_map_t *topics; /* name -> brk_topic_t */
    atomic_bool failed;
    pthread_rwlock_t hook_rw; /* appends call the hook holding it shared */
    void (*hook)(void *arg, const char *topic, int32_t partition);
    void *hook_arg;
    pthread_t bg;
    bool bg_running, stopping;
    pthread_cond_t bg_cv;
};

cn_err_t brk_topic_config_save(const brk_topic_config_t *cfg, const char *path, cn_error_t *err);
cn_err_t brk_topic_config_load(brk_topic_config_t *cfg, const char *path, cn_error_t *err);

#endif
