/* SPDX-License-Identifier: Apache-2.0
 *
 * RecordBatch v2: build/validate/iterate round trips with every codec (and snappy's xerial
 * framing), and the batches validation must refuse: wrong CRC, wrong record count, truncated,
 * bad magic, trailing bytes, unknown codec.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "broker/log/brk_batch.h"
#include "broker/log/brk_log_int.h"
#include "common/cn_buf.h"

#define NREC 50

typedef struct fixture {
    brk_record_t recs[NREC];
    char keys[NREC][16];
    char vals[NREC][64];
    brk_header_t hdr;
} fixture_t;

static void fixture_init(fixture_t *f) {
    memset(f, 0, sizeof(*f));
    f->hdr.key = (const uint8_t *)"h";
    f->hdr.key_len = 1;
    f->hdr.value = (const uint8_t *)"hv";
    f->hdr.value_len = 2;
    for (int i = 0; i < NREC; i++) {
        brk_record_t *r = &f->recs[i];
        snprintf(f->keys[i], sizeof(f->keys[i]), "key-%d", i % 7);
        snprintf(f->vals[i], sizeof(f->vals[i]), "value number %d, repeated repeated", i);
        r->offset = i;
        r->timestamp = 1700000000000LL + i * 3;
        r->key = (const uint8_t *)f->keys[i];
        r->key_len = (int32_t)strlen(f->keys[i]);
        r->value = (const uint8_t *)f->vals[i];
        r->value_len = (int32_t)strlen(f->vals[i]);
        if (i == 3) { /* a tombstone with a null key is legal in a batch */
            r->value = NULL;
            r->value_len = -1;
        }
        if (i == 4) {
            r->key = NULL;
            r->key_len = -1;
        }
        if (i == 5) {
            r->headers = &f->hdr;
            r->nheaders = 1;
        }
    }
}

static void check_round_trip(brk_compression_t c) {
    fixture_t f;
    cn_buf_t b;
    brk_batch_opts_t o;
    brk_batch_iter_t it;
    brk_record_t rec;
    cn_error_t err;
    int n = 0, r;
    fixture_init(&f);
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    brk_batch_opts_init(&o);
    o.compression = c;
    assert_int_equal(brk_batch_build(&b, f.recs, NREC, &o, &err), CN_OK);
    assert_int_equal(brk_batch_size(b.data, b.len), b.len);
    assert_int_equal(brk_batch_validate(b.data, b.len, true, &err), CN_OK);
    assert_int_equal(brk_batch_iter_init(&it, b.data, b.len, &err), CN_OK);
    assert_int_equal(it.hdr.attributes & BRK_ATTR_COMPRESSION_MASK, (int)c);
    assert_int_equal(it.hdr.records_count, NREC);
    assert_int_equal(it.hdr.max_timestamp, f.recs[NREC - 1].timestamp);
    while ((r = brk_batch_iter_next(&it, &rec, &err)) == 1) {
        const brk_record_t *w = &f.recs[n];
        assert_int_equal(rec.offset, w->offset);
        assert_int_equal(rec.timestamp, w->timestamp);
        assert_int_equal(rec.key_len, w->key_len);
        assert_int_equal(rec.value_len, w->value_len);
        if (w->key)
            assert_memory_equal(rec.key, w->key, (size_t)w->key_len);
        else
            assert_null(rec.key);
        if (w->value)
            assert_memory_equal(rec.value, w->value, (size_t)w->value_len);
        else
            assert_null(rec.value);
        assert_int_equal(rec.nheaders, w->nheaders);
        if (w->nheaders)
            assert_memory_equal(rec.headers[0].value, "hv", 2);
        n++;
    }
    assert_int_equal(r, 0);
    assert_int_equal(n, NREC);
    brk_batch_iter_fini(&it);
    cn_buf_fini(&b);
}

static void test_round_trip_none(void **s) {
    (void)s;
    check_round_trip(BRK_COMPRESSION_NONE);
}
static void test_round_trip_gzip(void **s) {
    (void)s;
    check_round_trip(BRK_COMPRESSION_GZIP);
}
static void test_round_trip_snappy(void **s) {
    (void)s;
    check_round_trip(BRK_COMPRESSION_SNAPPY);
}
static void test_round_trip_lz4(void **s) {
    (void)s;
    check_round_trip(BRK_COMPRESSION_LZ4);
}
static void test_round_trip_zstd(void **s) {
    (void)s;
    check_round_trip(BRK_COMPRESSION_ZSTD);
}

/* Java producers frame snappy as xerial: rebuild a batch's payload that way. */
static void test_snappy_xerial(void **s) {
    fixture_t f;
    cn_buf_t plain, x, out;
    brk_batch_iter_t it;
    brk_record_t rec;
    int n = 0;
    (void)s;
    fixture_init(&f);
    cn_buf_init(&plain, CN_BUF_NO_LIMIT);
    cn_buf_init(&x, CN_BUF_NO_LIMIT);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    assert_int_equal(brk_batch_build(&plain, f.recs, NREC, NULL, NULL), CN_OK);
    assert_int_equal(brk_snappy_xerial_compress(plain.data + BRK_BATCH_HEADER_SIZE,
                                                plain.len - BRK_BATCH_HEADER_SIZE, 300, &x, NULL),
                     CN_OK);
    cn_buf_put(&out, plain.data, BRK_BATCH_HEADER_SIZE);
    cn_buf_put(&out, x.data, x.len);
    cn_buf_patch_be32(&out, 8, (uint32_t)(out.len - 12));
    out.data[22] = BRK_COMPRESSION_SNAPPY;
    cn_buf_patch_be32(&out, 17, brk_batch_crc(out.data, out.len));
    assert_int_equal(brk_batch_validate(out.data, out.len, true, NULL), CN_OK);
    assert_int_equal(brk_batch_iter_init(&it, out.data, out.len, NULL), CN_OK);
    while (brk_batch_iter_next(&it, &rec, NULL) == 1)
        assert_int_equal(rec.offset, n++);
    assert_int_equal(n, NREC);
    brk_batch_iter_fini(&it);
    cn_buf_fini(&plain);
    cn_buf_fini(&x);
    cn_buf_fini(&out);
}

static void build_plain(cn_buf_t *b, brk_compression_t c) {
    fixture_t f;
    brk_batch_opts_t o;
    fixture_init(&f);
    cn_buf_init(b, CN_BUF_NO_LIMIT);
    brk_batch_opts_init(&o);
    o.compression = c;
    assert_int_equal(brk_batch_build(b, f.recs, NREC, &o, NULL), CN_OK);
}

static void refix_crc(cn_buf_t *b) {
    cn_buf_patch_be32(b, 17, brk_batch_crc(b->data, b->len));
}

static void test_bad_crc(void **s) {
    cn_buf_t b;
    cn_error_t err;
    (void)s;
    build_plain(&b, BRK_COMPRESSION_NONE);
    b.data[b.len - 3] ^= 0x40;
    assert_int_equal(brk_batch_validate(b.data, b.len, false, &err), CN_ERR_CORRUPT_MESSAGE);
    assert_non_null(strstr(err.msg, "CRC"));
    assert_int_equal(brk_batch_verify_stored(b.data, b.len, NULL), CN_ERR_CORRUPT_MESSAGE);
    cn_buf_fini(&b);
}

static void test_wrong_count(void **s) {
    cn_buf_t b;
    (void)s;
    build_plain(&b, BRK_COMPRESSION_NONE);
    cn_buf_patch_be32(&b, 57, NREC + 1); /* count no longer matches lastOffsetDelta */
    refix_crc(&b);
    assert_int_equal(brk_batch_validate(b.data, b.len, false, NULL), CN_ERR_INVALID_RECORD);
    cn_buf_patch_be32(&b, 23, NREC); /* consistent header, but only NREC records inside */
    refix_crc(&b);
    assert_int_equal(brk_batch_validate(b.data, b.len, false, NULL), CN_ERR_CORRUPT_MESSAGE);
    cn_buf_fini(&b);
    build_plain(&b, BRK_COMPRESSION_ZSTD);
    cn_buf_patch_be32(&b, 57, NREC - 1);
    cn_buf_patch_be32(&b, 23, NREC - 2);
    refix_crc(&b);
    /* compressed: the header alone looks fine; counting after decompression catches it */
    assert_int_equal(brk_batch_validate(b.data, b.len, false, NULL), CN_OK);
    assert_int_equal(brk_batch_validate(b.data, b.len, true, NULL), CN_ERR_INVALID_RECORD);
    cn_buf_fini(&b);
}

static void test_truncated_and_malformed(void **s) {
    cn_buf_t b;
    brk_batch_hdr_t h;
    brk_batch_iter_t it;
    (void)s;
    build_plain(&b, BRK_COMPRESSION_NONE);
    assert_int_equal(brk_batch_validate(b.data, b.len - 1, false, NULL), CN_ERR_CORRUPT_MESSAGE);
    assert_int_equal(brk_batch_validate(b.data, 40, false, NULL), CN_ERR_CORRUPT_MESSAGE);
    assert_int_equal(brk_batch_size(b.data, 11), 0);
    assert_int_equal(brk_batch_hdr_decode(b.data, 60, &h, NULL), CN_ERR_CORRUPT_MESSAGE);
    assert_int_equal(brk_batch_iter_init(&it, b.data, b.len - 5, NULL), CN_ERR_CORRUPT_MESSAGE);
    brk_batch_iter_fini(&it);
    b.data[16] = 1; /* magic */
    refix_crc(&b);
    assert_int_equal(brk_batch_validate(b.data, b.len, false, NULL), CN_ERR_CORRUPT_MESSAGE);
    b.data[16] = 2;
    b.data[22] = 6; /* unknown codec */
    refix_crc(&b);
    assert_int_equal(brk_batch_validate(b.data, b.len, false, NULL),
                     CN_ERR_UNSUPPORTED_COMPRESSION);
    cn_buf_patch_be32(&b, 8, 10); /* batchLength below the header */
    assert_int_equal(brk_batch_size(b.data, b.len), 0);
    cn_buf_fini(&b);
}

static void test_corrupt_compressed(void **s) {
    static const brk_compression_t codecs[] = {BRK_COMPRESSION_GZIP, BRK_COMPRESSION_SNAPPY,
                                               BRK_COMPRESSION_LZ4, BRK_COMPRESSION_ZSTD};
    (void)s;
    for (size_t i = 0; i < 4; i++) {
        cn_buf_t b;
        build_plain(&b, codecs[i]);
        memset(b.data + BRK_BATCH_HEADER_SIZE + 2, 0xA5, (b.len - BRK_BATCH_HEADER_SIZE) / 2);
        refix_crc(&b);
        assert_int_not_equal(brk_batch_validate(b.data, b.len, true, NULL), CN_OK);
        cn_buf_fini(&b);
    }
}

static void test_header_fields(void **s) {
    cn_buf_t b;
    brk_batch_hdr_t h;
    (void)s;
    build_plain(&b, BRK_COMPRESSION_NONE);
    brk_batch_set_base_offset(b.data, 1234);
    brk_batch_set_leader_epoch(b.data, 0);
    assert_int_equal(brk_batch_validate(b.data, b.len, true, NULL), CN_OK);
    brk_batch_set_log_append_time(b.data, b.len, 42);
    assert_int_equal(brk_batch_validate(b.data, b.len, true, NULL), CN_OK);
    assert_int_equal(brk_batch_hdr_decode(b.data, b.len, &h, NULL), CN_OK);
    assert_int_equal(h.base_offset, 1234);
    assert_int_equal(h.max_timestamp, 42);
    assert_true(h.attributes & BRK_ATTR_LOG_APPEND_TIME);
    assert_int_equal(h.last_offset_delta, NREC - 1);
    assert_int_equal(h.producer_id, -1);
    cn_buf_fini(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_none),
        cmocka_unit_test(test_round_trip_gzip),
        cmocka_unit_test(test_round_trip_snappy),
        cmocka_unit_test(test_round_trip_lz4),
        cmocka_unit_test(test_round_trip_zstd),
        cmocka_unit_test(test_snappy_xerial),
        cmocka_unit_test(test_bad_crc),
        cmocka_unit_test(test_wrong_count),
        cmocka_unit_test(test_truncated_and_malformed),
        cmocka_unit_test(test_corrupt_compressed),
        cmocka_unit_test(test_header_fields),
    };
    return cmocka_run_group_tests_name("brk_batch", tests, NULL, NULL);
}
