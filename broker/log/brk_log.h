/* SPDX-License-Identifier: Apache-2.0
 *
 * The bundled broker's storage engine, in-process API (docs/storage.md; the design follows Kafka's
 * log, kafka.apache.org/documentation/#log). Used by the registry (for `_schemas`) and by the Kafka
 * protocol layer; it stores opaque RecordBatch v2 bytes and knows nothing about schemas.
 *
 * A brk_logs_t is a data directory: one directory per topic-partition ("<topic>-<n>/") with
 * segment files named by their 20-digit base offset (.log with batches as on the wire after
 * offset assignment, .index sparse offset index, .timeindex), topic metadata persisted per topic,
 * checkpoints for recovery points and the cleaner, and a clean-shutdown marker.
 *
 * Threading: every function is safe to call from any thread. Appends to one partition are
 * serialized by its append lock; reads run concurrently with appends and see only complete,
 * acknowledged-visible batches. A failed fsync is fatal (docs/storage.md, Durability): the engine
 * reports CN_ERR_FSYNC and refuses further writes; the owner must exit and let recovery run.
 */
#ifndef BRK_LOG_H
#define BRK_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "broker/log/brk_batch.h"
#include "common/cn_buf.h"
#include "common/cn_err.h"
#include "common/cn_log.h"

typedef struct brk_logs brk_logs_t;
typedef struct brk_partition brk_partition_t;

/* ---- topic configuration: Kafka's names and defaults (see brk_topic_config.c) ---- */

typedef struct brk_topic_config {
    int32_t partitions;                        /* >= 1 */
    bool compact;                              /* cleanup.policy contains "compact" */
    bool delete_retention;                     /* cleanup.policy contains "delete" (default) */
    int64_t retention_ms;                      /* retention.ms, -1 = forever; 7 days */
    int64_t retention_bytes;                   /* retention.bytes, -1 = unlimited */
    int64_t segment_bytes;                     /* segment.bytes, 1 GiB */
    int64_t segment_ms;                        /* segment.ms, 7 days */
    int64_t delete_retention_ms;               /* delete.retention.ms, 1 day (tombstone horizon) */
    int64_t min_compaction_lag_ms;             /* min.compaction.lag.ms, 0 */
    double min_cleanable_dirty_ratio;          /* min.cleanable.dirty.ratio, 0.5 */
    int32_t max_message_bytes;                 /* max.message.bytes, 1048588 */
    int64_t flush_messages;                    /* flush.messages, INT64_MAX = never forced */
    int64_t flush_ms;                          /* flush.ms, INT64_MAX = never forced */
    int64_t index_interval_bytes;              /* index.interval.bytes, 4096 */
    int64_t message_timestamp_type_log_append; /* message.timestamp.type=LogAppendTime -> 1 */
} brk_topic_config_t;

void brk_topic_config_defaults(brk_topic_config_t *cfg);
/** @brief Set one config by its Kafka name ("cleanup.policy", "retention.ms", ...).
 *  Unknown names or bad values: CN_ERR_INVALID_CONFIG with a message naming the key. */
cn_err_t brk_topic_config_set(brk_topic_config_t *cfg, const char *name, const char *value,
                              cn_error_t *err);
/** @brief The names this engine knows, for DescribeConfigs: NULL-terminated static array. */
const char *const *brk_topic_config_names(void);
/** @brief Render one config's value as Kafka shows it (e.g. "compact,delete"). */
cn_err_t brk_topic_config_get(const brk_topic_config_t *cfg, const char *name, char *out,
                              size_t cap, cn_error_t *err);

/* ---- the data directory ---- */

typedef struct brk_logs_options {
    const char *dir;             /* created when missing */
    const cn_log_t *log;         /* optional: recovery and cleaner report here */
    bool background;             /* run the cleaner/retention/flush thread */
    int64_t cleaner_interval_ms; /* how often the background thread looks; default 15000 */
    /* Tests: replaces fdatasync/fsync of segment files (NULL = the real call). Returns 0 or -1
     * with errno set, as fsync. */
    int (*fsync_fn)(void *arg, int fd);
    void *fsync_arg;
    /* Tests: stop a compaction swap after step n (1 .cleaned written, 2 renamed to .swap,
     * 3 old renamed to .deleted, 4 .swap renamed to .log), leaving the files as a crash would.
     * 0 = run to the end. */
    int compact_stop_after;
} brk_logs_options_t;

/** @brief Open (creating when missing) a data directory: loads every topic, runs recovery
 *  (skipped after a clean shutdown), finishes or rolls back interrupted compaction swaps.
 *  Removes the clean-shutdown marker before returning. */
brk_logs_t *brk_logs_open(const brk_logs_options_t *opts, cn_error_t *err);
/** @brief Stop the background thread, fsync everything, write checkpoints and the
 *  clean-shutdown marker, free. NULL is fine. */
void brk_logs_close(brk_logs_t *logs);
/** @brief Free everything without flushing, checkpoints or the clean-shutdown marker, as if the
 *  process had died (tests of recovery in one process). NULL is fine. */
void brk_logs_abort(brk_logs_t *logs);
/** @brief Whether a write has failed fatally (fsync); the owner should exit. */
bool brk_logs_failed(const brk_logs_t *logs);

/** @brief Create a topic. CN_ERR_TOPIC_EXISTS, CN_ERR_INVALID_TOPIC (Kafka's name rules:
 *  [a-zA-Z0-9._-], 1..249 chars, not "." or ".."), CN_ERR_INVALID_PARTITIONS. Durable on return. */
cn_err_t brk_topic_create(brk_logs_t *logs, const char *topic, const brk_topic_config_t *cfg,
                          cn_error_t *err);
/** @brief Delete a topic and its files. Partitions still held stay usable until put. */
cn_err_t brk_topic_delete(brk_logs_t *logs, const char *topic, cn_error_t *err);
/** @brief Copy of the topic's config. CN_ERR_UNKNOWN_TOPIC when missing. */
cn_err_t brk_topic_describe(brk_logs_t *logs, const char *topic, brk_topic_config_t *out,
                            cn_error_t *err);
/** @brief Replace some configs (name/value pairs; value NULL resets to the default).
 *  partitions cannot change here. Durable on return. */
cn_err_t brk_topic_alter(brk_logs_t *logs, const char *topic, const char *const *names,
                         const char *const *values, size_t n, cn_error_t *err);
/** @brief Add partitions (CreatePartitions). */
cn_err_t brk_topic_add_partitions(brk_logs_t *logs, const char *topic, int32_t total,
                                  cn_error_t *err);
/** @brief Names of all topics, sorted. *names_out is owned by the caller: free each and the
 *  array. */
cn_err_t brk_topic_list(brk_logs_t *logs, char ***names_out, size_t *n_out, cn_error_t *err);

/** @brief A reference to one partition (refcounted), or NULL with CN_ERR_UNKNOWN_TOPIC. */
brk_partition_t *brk_partition_get(brk_logs_t *logs, const char *topic, int32_t partition,
                                   cn_error_t *err);
void brk_partition_put(brk_partition_t *part);

/* ---- append ---- */

typedef struct brk_append_opts {
    bool sync;         /* fsync before returning (acks=-1, `_schemas`): group commit */
    bool require_keys; /* refuse records with null keys (compacted topics: INVALID_RECORD) */
} brk_append_opts_t;

typedef struct brk_append_result {
    int64_t base_offset; /* offset assigned to the first record */
    int64_t last_offset;
    int64_t log_append_time; /* -1 unless the topic uses LogAppendTime */
    int64_t log_start_offset;
} brk_append_result_t;

/** @brief Validate and append one or more RecordBatch v2 in data[0..len) (a Produce request's
 *  record set). The log assigns offsets by rewriting baseOffset in place, sets the leader epoch
 *  to 0, applies LogAppendTime when configured. All batches are appended or none.
 *  Idempotent producers (producerId >= 0): per-producer sequence checks as Kafka; a duplicate of
 *  one of the last 5 batches returns CN_ERR_DUPLICATE_SEQUENCE with res filled with the original
 *  offsets (callers answer success); a gap: CN_ERR_OUT_OF_ORDER_SEQUENCE; an older epoch:
 *  CN_ERR_INVALID_PRODUCER_EPOCH. Other errors: CN_ERR_CORRUPT_MESSAGE,
 *  CN_ERR_INVALID_RECORD, CN_ERR_MESSAGE_TOO_LARGE, CN_ERR_UNSUPPORTED_COMPRESSION,
 *  CN_ERR_IO / CN_ERR_FSYNC (fatal). Nothing partial is ever visible to readers. */
cn_err_t brk_partition_append(brk_partition_t *part, uint8_t *data, size_t len,
                              const brk_append_opts_t *opts, brk_append_result_t *res,
                              cn_error_t *err);
/** @brief brk_partition_append with opts->sync that returns once the batches are written: they
 *  become durable, and visible to readers, at a later brk_partition_sync_to() (a pipelined group
 *  commit: the caller may append more meanwhile, and one fsync covers them all). */
cn_err_t brk_partition_append_nowait(brk_partition_t *part, uint8_t *data, size_t len,
                                     const brk_append_opts_t *opts, brk_append_result_t *res,
                                     cn_error_t *err);

/* ---- read ---- */

typedef struct brk_read_info {
    int64_t high_watermark; /* next offset to be written (single node: log end offset) */
    int64_t log_start_offset;
    int64_t last_stable_offset;
} brk_read_info_t;

/** @brief Append to out whole batches starting with the batch that holds offset, stopping
 *  before the batch that would exceed max_bytes, except that the first batch is always returned
 *  whole (as Kafka's Fetch v3+). offset == high watermark returns nothing. offset below the log
 *  start or above the high watermark: CN_ERR_OFFSET_OUT_OF_RANGE. info may be NULL. */
cn_err_t brk_partition_read(brk_partition_t *part, int64_t offset, size_t max_bytes, cn_buf_t *out,
                            brk_read_info_t *info, cn_error_t *err);
/** @brief Zero-copy form of a read: a byte range of one segment file, to hand to sendfile() or
 *  pread(). The descriptor stays open until the span is released, even if retention or the
 *  cleaner drops the segment meanwhile. */
typedef struct brk_read_span {
    int fd;       /* the segment's .log, read-only use */
    uint64_t pos; /* where the first batch starts */
    size_t len;   /* bytes of whole stored batches; 0 when there is nothing to send */
    void *ref;    /* private: the segment reference */
} brk_read_span_t;

/** @brief Same semantics as brk_partition_read() (first batch whole, whole batches within
 *  max_bytes, one segment at most, offset == high watermark gives len 0, out of range is
 *  CN_ERR_OFFSET_OUT_OF_RANGE), but describes the bytes instead of copying them. Call
 *  brk_read_span_release() after a CN_OK return, whatever len is. */
cn_err_t brk_partition_read_span(brk_partition_t *part, int64_t offset, size_t max_bytes,
                                 brk_read_span_t *span, brk_read_info_t *info, cn_error_t *err);
void brk_read_span_release(brk_read_span_t *span);
/** @brief Log start offset and high watermark. */
void brk_partition_offsets(brk_partition_t *part, int64_t *log_start, int64_t *high_watermark);
/** @brief The earliest offset whose timestamp is >= ts (ListOffsets by time), and that
 *  record's timestamp; *offset_out = -1 when none. */
cn_err_t brk_partition_offset_for_time(brk_partition_t *part, int64_t ts, int64_t *offset_out,
                                       int64_t *timestamp_out, cn_error_t *err);
/** @brief Wait until the high watermark exceeds offset or timeout_ms passes (long poll helper).
 *  @returns true when data is there. */
bool brk_partition_wait(brk_partition_t *part, int64_t offset, int64_t timeout_ms);
/** @brief Called after every append that made new data visible, from the appending thread.
 *  One hook per data directory (the Kafka server uses it to wake long polls). When this
 *  returns, no append is still running the previous hook (safe to free its arg). The hook must
 *  not call brk_logs_set_append_hook(). */
void brk_logs_set_append_hook(brk_logs_t *logs,
                              void (*hook)(void *arg, const char *topic, int32_t partition),
                              void *arg);

/* ---- maintenance ---- */

/** @brief fsync the partition's active segment and record the recovery point. */
cn_err_t brk_partition_flush(brk_partition_t *part, cn_error_t *err);
/** @brief fsync everything appended so far (joining any fsync already running: group commit)
 *  without rewriting the recovery checkpoint, which may lag (recovery re-validates from it). What
 *  acks=-1 answers need; one fsync instead of flush's three. */
cn_err_t brk_partition_sync(brk_partition_t *part, cn_error_t *err);
/** @brief fsync until every offset below end is durable (and visible), joining or following
 *  the fsync already running (group commit); returns at once when it already is. */
cn_err_t brk_partition_sync_to(brk_partition_t *part, int64_t end, cn_error_t *err);
/** @brief Move the log start offset forward (DeleteRecords); whole segments below it go. */
cn_err_t brk_partition_delete_records(brk_partition_t *part, int64_t offset, cn_error_t *err);
/** @brief Roll the active segment now (tests, and before compaction of small logs). */
cn_err_t brk_partition_roll(brk_partition_t *part, cn_error_t *err);
/** @brief Compact the partition now (cleanup.policy=compact), as if the dirty ratio were
 *  exceeded; now_ms drives the tombstone horizon. Crash-safe swap. */
cn_err_t brk_partition_compact(brk_partition_t *part, int64_t now_ms, cn_error_t *err);
/** @brief Apply retention (delete policy) now. */
cn_err_t brk_partition_retain(brk_partition_t *part, int64_t now_ms, cn_error_t *err);
/** @brief One pass of what the background thread does, over every partition. */
cn_err_t brk_logs_maintain(brk_logs_t *logs, int64_t now_ms, cn_error_t *err);

/* ---- statistics (tests, metrics, bench) ---- */

typedef struct brk_partition_stats {
    size_t segments;
    uint64_t bytes;
    uint64_t recovered_truncations; /* times recovery cut a torn tail since open */
    uint64_t fsyncs;
    uint64_t appends;
} brk_partition_stats_t;

void brk_partition_stats(brk_partition_t *part, brk_partition_stats_t *out);

#endif
