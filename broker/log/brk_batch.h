/* SPDX-License-Identifier: Apache-2.0
 *
 * Kafka RecordBatch v2 (magic 2): header parsing and validation, building batches from records,
 * and iterating the records of a batch (decompressing gzip, snappy (raw and xerial), lz4 frame and
 * zstd). Pure: no I/O, no state. Layout (kafka.apache.org/documentation/#recordbatch):
 *
 *   0 baseOffset i64 | 8 batchLength i32 | 12 partitionLeaderEpoch i32 | 16 magic i8 |
 *   17 crc u32 (CRC-32C of bytes 21..end) | 21 attributes i16 | 23 lastOffsetDelta i32 |
 *   27 baseTimestamp i64 | 35 maxTimestamp i64 | 43 producerId i64 | 51 producerEpoch i16 |
 *   53 baseSequence i32 | 57 recordsCount i32 | 61 records...
 *
 * Used by the log engine (append validation, the cleaner), the Kafka layer and the registry's
 * `_schemas` codec.
 */
#ifndef BRK_BATCH_H
#define BRK_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_buf.h"
#include "common/cn_err.h"

#define BRK_BATCH_HEADER_SIZE  61
#define BRK_BATCH_LOG_OVERHEAD 12 /* baseOffset + batchLength */
#define BRK_BATCH_CRC_OFFSET   17
#define BRK_BATCH_ATTR_OFFSET  21

/* attributes */
#define BRK_ATTR_COMPRESSION_MASK 0x07
#define BRK_ATTR_LOG_APPEND_TIME  0x08
#define BRK_ATTR_TRANSACTIONAL    0x10
#define BRK_ATTR_CONTROL          0x20
#define BRK_ATTR_DELETE_HORIZON   0x40

typedef enum brk_compression {
    BRK_COMPRESSION_NONE = 0,
    BRK_COMPRESSION_GZIP = 1,
    BRK_COMPRESSION_SNAPPY = 2,
    BRK_COMPRESSION_LZ4 = 3,
    BRK_COMPRESSION_ZSTD = 4
} brk_compression_t;

typedef struct brk_batch_hdr {
    int64_t base_offset;
    int32_t batch_length; /* bytes after this field */
    int32_t leader_epoch;
    int8_t magic;
    uint32_t crc;
    int16_t attributes;
    int32_t last_offset_delta;
    int64_t base_timestamp;
    int64_t max_timestamp;
    int64_t producer_id;
    int16_t producer_epoch;
    int32_t base_sequence;
    int32_t records_count;
} brk_batch_hdr_t;

typedef struct brk_header {
    const uint8_t *key; /* borrowed */
    int32_t key_len;
    const uint8_t *value; /* NULL when value_len is -1 */
    int32_t value_len;
} brk_header_t;

typedef struct brk_record {
    int64_t offset;    /* absolute: base offset + offset delta */
    int64_t timestamp; /* absolute */
    const uint8_t *key;
    int32_t key_len; /* -1: null key */
    const uint8_t *value;
    int32_t value_len; /* -1: null value (a tombstone) */
    const brk_header_t *headers;
    size_t nheaders;
} brk_record_t;

/** @brief Decode the fixed header of the batch at p. Checks only that 61 bytes are there and
 *  that batchLength is sane (>= 49 and fits in len when fit_check); no CRC. */
cn_err_t brk_batch_hdr_decode(const uint8_t *p, size_t len, brk_batch_hdr_t *hdr, cn_error_t *err);
/** @brief Full validation of one batch of exactly len bytes: magic 2, batchLength == len - 12,
 *  CRC-32C, recordsCount >= 1 and lastOffsetDelta == recordsCount - 1 for uncompressed and
 *  compressed batches (counted after decompression when check_records is true).
 *  Errors: CN_ERR_CORRUPT_MESSAGE, CN_ERR_INVALID_RECORD, CN_ERR_UNSUPPORTED_COMPRESSION. */
cn_err_t brk_batch_validate(const uint8_t *p, size_t len, bool check_records, cn_error_t *err);
/** @brief The checks a stored batch must pass (recovery): whole, magic 2, CRC-32C. Batches
 *  rewritten by the cleaner may hold fewer records than lastOffsetDelta + 1, so no count check. */
cn_err_t brk_batch_verify_stored(const uint8_t *p, size_t len, cn_error_t *err);
/** @brief Total bytes (12 + batchLength) of the batch starting at p, or 0 if the 12-byte prefix is
 *  not complete or the length is negative / too small. */
size_t brk_batch_size(const uint8_t *p, size_t len);

/** @brief Rewrite baseOffset in place (not covered by the CRC). */
void brk_batch_set_base_offset(uint8_t *p, int64_t base_offset);
/** @brief Rewrite partitionLeaderEpoch in place (not covered by the CRC). */
void brk_batch_set_leader_epoch(uint8_t *p, int32_t epoch);
/** @brief Set LogAppendTime: attribute bit 3, maxTimestamp (and baseTimestamp), and recompute the
 *  CRC. len is the whole batch. */
void brk_batch_set_log_append_time(uint8_t *p, size_t len, int64_t now_ms);

typedef struct brk_batch_opts {
    brk_compression_t compression;
    int64_t base_offset;             /* usually 0; the log assigns offsets on append */
    int64_t producer_id;             /* -1 when not idempotent */
    int16_t producer_epoch;          /* -1 */
    int32_t base_sequence;           /* -1 */
    int16_t extra_attributes;        /* e.g. BRK_ATTR_DELETE_HORIZON (cleaner) */
    int64_t base_timestamp_override; /* cleaner: delete horizon; 0 = first record's timestamp */
    /* cleaner: keep the original batch's offset range even when records went: offset deltas
     * relative to base_offset, lastOffsetDelta = last_offset - base_offset */
    bool keep_offset_range;
    int64_t last_offset;
} brk_batch_opts_t;

void brk_batch_opts_init(brk_batch_opts_t *opts);
/** @brief Append one batch holding recs[0..n) to out. Each record's offset field is used as
 *  offset delta relative to the first record's offset (records keep their offsets through
 *  compaction); timestamps are absolute. n >= 1. */
cn_err_t brk_batch_build(cn_buf_t *out, const brk_record_t *recs, size_t n,
                         const brk_batch_opts_t *opts, cn_error_t *err);

/** @brief Records of one batch. The iterator owns the decompressed bytes and the header array;
 *  records it returns borrow from the iterator (or from the batch bytes for uncompressed ones)
 *  and are valid until the next call to next/fini. */
typedef struct brk_batch_iter {
    brk_batch_hdr_t hdr;
    cn_rd_t rd;
    uint8_t *inflated;     /* owned; NULL for uncompressed batches */
    brk_header_t *headers; /* owned scratch */
    size_t headers_cap;
    int32_t left;
    size_t max_inflated; /* limit for decompression (default 64 MiB) */
} brk_batch_iter_t;

cn_err_t brk_batch_iter_init(brk_batch_iter_t *it, const uint8_t *batch, size_t len,
                             cn_error_t *err);
/** @brief Next record: 1 with rec filled, 0 at the end, -1 on a malformed record (err set). */
int brk_batch_iter_next(brk_batch_iter_t *it, brk_record_t *rec, cn_error_t *err);
void brk_batch_iter_fini(brk_batch_iter_t *it);

#endif
