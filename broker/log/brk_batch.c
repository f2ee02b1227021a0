/* SPDX-License-Identifier: Apache-2.0
 *
 * RecordBatch v2: header decoding, validation (lengths, magic, CRC-32C, record counts), building
 * batches from records (with any codec) and iterating the records of a batch.
 */
#include "broker/log/brk_log_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_crc32c.h"

#define BATCH_MIN_LENGTH          (BRK_BATCH_HEADER_SIZE - BRK_BATCH_LOG_OVERHEAD)
#define ITER_DEFAULT_MAX_INFLATED (64u << 20)

cn_err_t brk_batch_hdr_decode(const uint8_t *p, size_t len, brk_batch_hdr_t *hdr, cn_error_t *err) {
    if (len < BRK_BATCH_HEADER_SIZE)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "batch shorter than its header (%zu)",
                            len);
    hdr->base_offset = (int64_t)cn_be64_get(p);
    hdr->batch_length = (int32_t)cn_be32_get(p + 8);
    hdr->leader_epoch = (int32_t)cn_be32_get(p + 12);
    hdr->magic = (int8_t)p[16];
    hdr->crc = cn_be32_get(p + 17);
    hdr->attributes = (int16_t)cn_be16_get(p + 21);
    hdr->last_offset_delta = (int32_t)cn_be32_get(p + 23);
    hdr->base_timestamp = (int64_t)cn_be64_get(p + 27);
    hdr->max_timestamp = (int64_t)cn_be64_get(p + 35);
    hdr->producer_id = (int64_t)cn_be64_get(p + 43);
    hdr->producer_epoch = (int16_t)cn_be16_get(p + 51);
    hdr->base_sequence = (int32_t)cn_be32_get(p + 53);
    hdr->records_count = (int32_t)cn_be32_get(p + 57);
    if (hdr->batch_length < BATCH_MIN_LENGTH)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "batchLength %d too small",
                            hdr->batch_length);
    return CN_OK;
}

size_t brk_batch_size(const uint8_t *p, size_t len) {
    int32_t bl;
    if (len < BRK_BATCH_LOG_OVERHEAD)
        return 0;
    bl = (int32_t)cn_be32_get(p + 8);
    if (bl < BATCH_MIN_LENGTH)
        return 0;
    return (size_t)bl + BRK_BATCH_LOG_OVERHEAD;
}

uint32_t brk_batch_crc(const uint8_t *p, size_t len) {
    return cn_crc32c(0, p + BRK_BATCH_ATTR_OFFSET, len - BRK_BATCH_ATTR_OFFSET);
}

cn_err_t brk_batch_verify_stored(const uint8_t *p, size_t len, cn_error_t *err) {
    brk_batch_hdr_t h;
    cn_err_t rc = brk_batch_hdr_decode(p, len, &h, err);
    if (rc != CN_OK)
        return rc;
    if ((size_t)h.batch_length != len - BRK_BATCH_LOG_OVERHEAD)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "batchLength %d does not match %zu bytes",
                            h.batch_length, len);
    if (h.magic != 2)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "unsupported magic %d", h.magic);
    if (brk_batch_crc(p, len) != h.crc)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "CRC mismatch in batch at offset %lld",
                            (long long)h.base_offset);
    return CN_OK;
}

/* Walk the length prefixes of uncompressed records: they must tile the payload exactly. */
static cn_err_t walk_plain_records(const uint8_t *p, size_t len, int32_t count, cn_error_t *err) {
    cn_rd_t rd;
    cn_rd_init(&rd, p + BRK_BATCH_HEADER_SIZE, len - BRK_BATCH_HEADER_SIZE);
    for (int32_t i = 0; i < count; i++) {
        int32_t rl = cn_rd_varint32(&rd);
        if (!cn_rd_ok(&rd) || rl < 1 || !cn_rd_skip(&rd, (size_t)rl))
            return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "record %d of %d is truncated", i,
                                count);
    }
    if (cn_rd_left(&rd) != 0)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "%zu bytes after the last record",
                            cn_rd_left(&rd));
    return CN_OK;
}

static cn_err_t check_all_records(const uint8_t *p, size_t len, int32_t count, cn_error_t *err) {
    brk_batch_iter_t it;
    brk_record_t rec;
    int32_t n = 0;
    int r;
    cn_err_t rc = brk_batch_iter_init(&it, p, len, err);
    if (rc != CN_OK)
        return rc;
    while ((r = brk_batch_iter_next(&it, &rec, err)) == 1) {
        if (rec.offset - it.hdr.base_offset != n) {
            brk_batch_iter_fini(&it);
            return cn_error_set(err, CN_ERR_INVALID_RECORD, "record %d has offset delta %lld", n,
                                (long long)(rec.offset - it.hdr.base_offset));
        }
        n++;
    }
    if (r == 0 && cn_rd_left(&it.rd) != 0)
        n++; /* bytes for at least one more record than the header counts */
    brk_batch_iter_fini(&it);
    if (r < 0)
        return err ? err->code : CN_ERR_CORRUPT_MESSAGE;
    if (n != count)
        return cn_error_set(err, CN_ERR_INVALID_RECORD, "batch holds %d records, header says %d", n,
                            count);
    return CN_OK;
}

cn_err_t brk_batch_validate(const uint8_t *p, size_t len, bool check_records, cn_error_t *err) {
    brk_batch_hdr_t h;
    int codec;
    cn_err_t rc = brk_batch_verify_stored(p, len, err);
    if (rc != CN_OK)
        return rc;
    brk_batch_hdr_decode(p, len, &h, NULL);
    codec = h.attributes & BRK_ATTR_COMPRESSION_MASK;
    if (codec > BRK_COMPRESSION_ZSTD)
        return cn_error_set(err, CN_ERR_UNSUPPORTED_COMPRESSION, "compression codec %d", codec);
    if (h.records_count < 1 || h.last_offset_delta != h.records_count - 1)
        return cn_error_set(err, CN_ERR_INVALID_RECORD,
                            "recordsCount %d does not match lastOffsetDelta %d", h.records_count,
                            h.last_offset_delta);
    if (codec == BRK_COMPRESSION_NONE && (rc = walk_plain_records(p, len, h.records_count, err)))
        return rc;
    if (check_records)
        return check_all_records(p, len, h.records_count, err);
    return CN_OK;
}

void brk_batch_set_base_offset(uint8_t *p, int64_t base_offset) {
    cn_be64_put(p, (uint64_t)base_offset);
}

void brk_batch_set_leader_epoch(uint8_t *p, int32_t epoch) {
    cn_be32_put(p + 12, (uint32_t)epoch);
}

void brk_batch_set_log_append_time(uint8_t *p, size_t len, int64_t now_ms) {
    uint16_t attr = cn_be16_get(p + BRK_BATCH_ATTR_OFFSET);
    cn_be16_put(p + BRK_BATCH_ATTR_OFFSET, (uint16_t)(attr | BRK_ATTR_LOG_APPEND_TIME));
    cn_be64_put(p + 27, (uint64_t)now_ms);
    cn_be64_put(p + 35, (uint64_t)now_ms);
    cn_be32_put(p + BRK_BATCH_CRC_OFFSET, brk_batch_crc(p, len));
}

/* ---- build ---- */

void brk_batch_opts_init(brk_batch_opts_t *opts) {
    memset(opts, 0, sizeof(*opts));
    opts->producer_id = -1;
    opts->producer_epoch = -1;
    opts->base_sequence = -1;
}

static size_t zz_size(int64_t v) {
    return cn_uvarint_size(cn_zigzag_encode(v));
}

static size_t bytes_field_size(int32_t len) {
    return zz_size(len) + (len > 0 ? (size_t)len : 0);
}

static size_t record_body_size(const brk_record_t *r, int64_t ts_delta, int64_t off_delta) {
    size_t n = 1 + zz_size(ts_delta) + zz_size(off_delta);
    n += bytes_field_size(r->key ? r->key_len : -1);
    n += bytes_field_size(r->value ? r->value_len : -1);
    n += zz_size((int64_t)r->nheaders);
    for (size_t i = 0; i < r->nheaders; i++) {
        n += bytes_field_size(r->headers[i].key_len);
        n += bytes_field_size(r->headers[i].value ? r->headers[i].value_len : -1);
    }
    return n;
}

static void put_bytes_field(cn_buf_t *b, const uint8_t *p, int32_t len) {
    cn_buf_put_varint(b, p ? len : -1);
    if (p && len > 0)
        cn_buf_put(b, p, (size_t)len);
}

static void put_record(cn_buf_t *b, const brk_record_t *r, int64_t base_ts, int64_t base_off) {
    int64_t tsd = r->timestamp - base_ts, offd = r->offset - base_off;
    cn_buf_put_varint(b, (int64_t)record_body_size(r, tsd, offd));
    cn_buf_put_u8(b, 0);
    cn_buf_put_varint(b, tsd);
    cn_buf_put_varint(b, offd);
    put_bytes_field(b, r->key, r->key_len);
    put_bytes_field(b, r->value, r->value_len);
    cn_buf_put_varint(b, (int64_t)r->nheaders);
    for (size_t i = 0; i < r->nheaders; i++) {
        put_bytes_field(b, r->headers[i].key ? r->headers[i].key : (const uint8_t *)"",
                        r->headers[i].key_len);
        put_bytes_field(b, r->headers[i].value, r->headers[i].value_len);
    }
}

static void put_header(cn_buf_t *out, const brk_record_t *recs, size_t n, const brk_batch_opts_t *o,
                       int64_t base_ts) {
    int64_t max_ts = recs[0].timestamp;
    for (size_t i = 1; i < n; i++)
        if (recs[i].timestamp > max_ts)
            max_ts = recs[i].timestamp;
    cn_buf_put_be64(out, (uint64_t)o->base_offset);
    cn_buf_put_be32(out, 0); /* batchLength, patched */
    cn_buf_put_be32(out, 0); /* partitionLeaderEpoch */
    cn_buf_put_u8(out, 2);
    cn_buf_put_be32(out, 0); /* crc, patched */
    cn_buf_put_be16(out, (uint16_t)((o->compression & BRK_ATTR_COMPRESSION_MASK) |
                                    (o->extra_attributes & ~BRK_ATTR_COMPRESSION_MASK)));
    cn_buf_put_be32(out, (uint32_t)(o->keep_offset_range ? o->last_offset - o->base_offset
                                                         : recs[n - 1].offset - recs[0].offset));
    cn_buf_put_be64(out, (uint64_t)base_ts);
    cn_buf_put_be64(out, (uint64_t)max_ts);
    cn_buf_put_be64(out, (uint64_t)o->producer_id);
    cn_buf_put_be16(out, (uint16_t)o->producer_epoch);
    cn_buf_put_be32(out, (uint32_t)o->base_sequence);
    cn_buf_put_be32(out, (uint32_t)n);
}

cn_err_t brk_batch_build(cn_buf_t *out, const brk_record_t *recs, size_t n,
                         const brk_batch_opts_t *opts, cn_error_t *err) {
    brk_batch_opts_t dflt;
    size_t start = out->len;
    int64_t base_ts, base_off;
    cn_err_t rc = CN_OK;
    if (!opts) {
        brk_batch_opts_init(&dflt);
        opts = &dflt;
    }
    if (n == 0 || n > INT32_MAX)
        return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "a batch needs at least one record");
    base_ts = opts->base_timestamp_override ? opts->base_timestamp_override : recs[0].timestamp;
    base_off = opts->keep_offset_range ? opts->base_offset : recs[0].offset;
    put_header(out, recs, n, opts, base_ts);
    if (opts->compression == BRK_COMPRESSION_NONE) {
        for (size_t i = 0; i < n; i++)
            put_record(out, &recs[i], base_ts, base_off);
    } else {
        cn_buf_t raw;
        cn_buf_init(&raw, CN_BUF_NO_LIMIT);
        for (size_t i = 0; i < n; i++)
            put_record(&raw, &recs[i], base_ts, base_off);
        rc = raw.failed ? CN_ERR_NO_MEMORY : CN_OK;
        if (rc == CN_OK)
            rc = brk_compress(opts->compression, raw.data, raw.len, out, err);
        cn_buf_fini(&raw);
    }
    if (rc == CN_OK && out->failed)
        rc = cn_error_set(err, CN_ERR_TOO_LARGE, "batch does not fit the output buffer");
    if (rc != CN_OK) {
        out->len = start;
        return rc;
    }
    cn_buf_patch_be32(out, start + 8, (uint32_t)(out->len - start - BRK_BATCH_LOG_OVERHEAD));
    cn_buf_patch_be32(out, start + BRK_BATCH_CRC_OFFSET,
                      brk_batch_crc(out->data + start, out->len - start));
    return CN_OK;
}

cn_err_t brk_batch_build_empty(cn_buf_t *out, int64_t base, int32_t last_offset_delta,
                               int64_t timestamp, cn_error_t *err) {
    size_t start = out->len;
    cn_buf_put_be64(out, (uint64_t)base);
    cn_buf_put_be32(out, BRK_BATCH_HEADER_SIZE - BRK_BATCH_LOG_OVERHEAD);
    cn_buf_put_be32(out, 0);
    cn_buf_put_u8(out, 2);
    cn_buf_put_be32(out, 0);
    cn_buf_put_be16(out, 0);
    cn_buf_put_be32(out, (uint32_t)last_offset_delta);
    cn_buf_put_be64(out, (uint64_t)timestamp);
    cn_buf_put_be64(out, (uint64_t)timestamp);
    cn_buf_put_be64(out, (uint64_t)-1);
    cn_buf_put_be16(out, (uint16_t)-1);
    cn_buf_put_be32(out, (uint32_t)-1);
    cn_buf_put_be32(out, 0);
    if (out->failed) {
        out->len = start;
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    cn_buf_patch_be32(out, start + BRK_BATCH_CRC_OFFSET,
                      brk_batch_crc(out->data + start, BRK_BATCH_HEADER_SIZE));
    return CN_OK;
}

/* ---- iterate ---- */

cn_err_t brk_batch_iter_init(brk_batch_iter_t *it, const uint8_t *batch, size_t len,
                             cn_error_t *err) {
    int codec;
    cn_err_t rc;
    memset(it, 0, sizeof(*it));
    it->max_inflated = ITER_DEFAULT_MAX_INFLATED;
    if ((rc = brk_batch_hdr_decode(batch, len, &it->hdr, err)) != CN_OK)
        return rc;
    if ((size_t)it->hdr.batch_length + BRK_BATCH_LOG_OVERHEAD > len)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "batch is truncated");
    len = (size_t)it->hdr.batch_length + BRK_BATCH_LOG_OVERHEAD;
    codec = it->hdr.attributes & BRK_ATTR_COMPRESSION_MASK;
    it->left = it->hdr.records_count < 0 ? 0 : it->hdr.records_count;
    if (codec == BRK_COMPRESSION_NONE) {
        cn_rd_init(&it->rd, batch + BRK_BATCH_HEADER_SIZE, len - BRK_BATCH_HEADER_SIZE);
        return CN_OK;
    }
    {
        size_t out_len = 0;
        rc = brk_decompress((brk_compression_t)codec, batch + BRK_BATCH_HEADER_SIZE,
                            len - BRK_BATCH_HEADER_SIZE, it->max_inflated, &it->inflated, &out_len,
                            err);
        if (rc != CN_OK)
            return rc;
        cn_rd_init(&it->rd, it->inflated, out_len);
    }
    return CN_OK;
}

static bool read_bytes_field(cn_rd_t *rd, const uint8_t **p, int32_t *len, bool nullable) {
    *len = cn_rd_varint32(rd);
    *p = NULL;
    if (!cn_rd_ok(rd) || *len < -1 || (*len == -1 && !nullable))
        return false;
    if (*len >= 0) {
        *p = cn_rd_take(rd, (size_t)*len);
        if (!*p)
            return false;
    }
    return true;
}

static bool read_headers(brk_batch_iter_t *it, cn_rd_t *rd, brk_record_t *rec) {
    int32_t nh = cn_rd_varint32(rd);
    if (!cn_rd_ok(rd) || nh < 0 || (size_t)nh > cn_rd_left(rd))
        return false;
    if ((size_t)nh > it->headers_cap) {
        brk_header_t *h = realloc(it->headers, (size_t)nh * sizeof(*h));
        if (!h)
            return false;
        it->headers = h;
        it->headers_cap = (size_t)nh;
    }
    for (int32_t i = 0; i < nh; i++) {
        brk_header_t *h = &it->headers[i];
        if (!read_bytes_field(rd, &h->key, &h->key_len, false) ||
            !read_bytes_field(rd, &h->value, &h->value_len, true))
            return false;
    }
    rec->headers = it->headers;
    rec->nheaders = (size_t)nh;
    return true;
}

int brk_batch_iter_next(brk_batch_iter_t *it, brk_record_t *rec, cn_error_t *err) {
    cn_rd_t rd;
    int32_t rl;
    const uint8_t *body;
    int64_t tsd;
    int32_t offd;
    if (it->left <= 0)
        return 0;
    rl = cn_rd_varint32(&it->rd);
    body = rl > 0 ? cn_rd_take(&it->rd, (size_t)rl) : NULL;
    if (!body)
        goto bad;
    cn_rd_init(&rd, body, (size_t)rl);
    cn_rd_u8(&rd);
    tsd = cn_rd_varint(&rd);
    offd = cn_rd_varint32(&rd);
    if (!read_bytes_field(&rd, &rec->key, &rec->key_len, true) ||
        !read_bytes_field(&rd, &rec->value, &rec->value_len, true) || !read_headers(it, &rd, rec) ||
        cn_rd_left(&rd) != 0)
        goto bad;
    rec->offset = it->hdr.base_offset + offd;
    rec->timestamp = (it->hdr.attributes & BRK_ATTR_LOG_APPEND_TIME) ? it->hdr.max_timestamp
                                                                     : it->hdr.base_timestamp + tsd;
    it->left--;
    return 1;
bad:
    it->left = 0;
    cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "malformed record in batch at offset %lld",
                 (long long)it->hdr.base_offset);
    return -1;
}

void brk_batch_iter_fini(brk_batch_iter_t *it) {
    free(it->inflated);
    free(it->headers);
    it->inflated = NULL;
    it->headers = NULL;
    it->headers_cap = 0;
}
