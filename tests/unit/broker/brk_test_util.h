/* SPDX-License-Identifier: Apache-2.0
 *
 * Fixtures shared by the broker/log tests: building batches of numbered records, opening a
 * data directory with one topic, and checking what a read returns. Include after
 * tests/support/test_util.h.
 */
#ifndef BRK_TEST_UTIL_H
#define BRK_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "broker/log/brk_batch.h"
#include "broker/log/brk_log.h"
#include "common/cn_buf.h"

typedef struct bt_batch_spec {
    int nrec;
    size_t value_size; /* bytes of each value (>= 16) */
    int64_t ts;        /* first record's timestamp; records step by 1 ms */
    int key_base;      /* record i gets key "k<key_base + i>"; -1: no keys */
    int tombstone;     /* values are null */
    int64_t pid;       /* -1: not idempotent */
    int16_t epoch;
    int32_t seq;
    brk_compression_t codec;
    unsigned tag; /* mixed into values so batches differ */
} bt_batch_spec_t;

static inline bt_batch_spec_t bt_spec(int nrec, size_t value_size, int64_t ts) {
    bt_batch_spec_t s;
    memset(&s, 0, sizeof(s));
    s.nrec = nrec;
    s.value_size = value_size < 16 ? 16 : value_size;
    s.ts = ts;
    s.key_base = 0;
    s.pid = -1;
    s.epoch = -1;
    s.seq = -1;
    return s;
}

/* Append one batch to out. */
static inline void bt_build(cn_buf_t *out, const bt_batch_spec_t *s) {
    brk_record_t *recs = calloc((size_t)s->nrec, sizeof(*recs));
    char(*keys)[24] = calloc((size_t)s->nrec, sizeof(*keys));
    uint8_t *vals = malloc((size_t)s->nrec * s->value_size);
    brk_batch_opts_t o;
    assert_non_null(recs);
    assert_non_null(keys);
    assert_non_null(vals);
    for (int i = 0; i < s->nrec; i++) {
        uint8_t *v = vals + (size_t)i * s->value_size;
        for (size_t k = 0; k < s->value_size; k++)
            v[k] = (uint8_t)('a' + (k + (size_t)i + s->tag) % 26);
        snprintf((char *)v, s->value_size, "v%u-%d|", s->tag, i);
        snprintf(keys[i], sizeof(keys[i]), "k%d", s->key_base + i);
        recs[i].offset = i;
        recs[i].timestamp = s->ts + i;
        recs[i].key = s->key_base >= 0 ? (const uint8_t *)keys[i] : NULL;
        recs[i].key_len = s->key_base >= 0 ? (int32_t)strlen(keys[i]) : -1;
        recs[i].value = s->tombstone ? NULL : v;
        recs[i].value_len = s->tombstone ? -1 : (int32_t)s->value_size;
    }
    brk_batch_opts_init(&o);
    o.compression = s->codec;
    o.producer_id = s->pid;
    o.producer_epoch = s->epoch;
    o.base_sequence = s->seq;
    assert_int_equal(brk_batch_build(out, recs, (size_t)s->nrec, &o, NULL), CN_OK);
    free(recs);
    free(keys);
    free(vals);
}

/* Append one batch and return the result code. */
static inline cn_err_t bt_append(brk_partition_t *p, const bt_batch_spec_t *s, bool sync,
                                 brk_append_result_t *res) {
    cn_buf_t b;
    brk_append_opts_t o = {sync, false};
    cn_err_t rc;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    bt_build(&b, s);
    rc = brk_partition_append(p, b.data, b.len, &o, res, NULL);
    cn_buf_fini(&b);
    return rc;
}

static inline brk_logs_t *bt_open(const char *dir) {
    brk_logs_options_t o;
    cn_error_t err;
    brk_logs_t *logs;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    logs = brk_logs_open(&o, &err);
    if (!logs)
        fail_msg("open %s: %s", dir, err.msg);
    return logs;
}

/* Count the batches in a read buffer and check they are whole and valid; returns the
 * number of batches, the first base offset and the next offset after the last batch. */
static inline int bt_walk(const cn_buf_t *b, int64_t *first, int64_t *next) {
    size_t off = 0;
    int n = 0;
    *first = -1;
    *next = -1;
    while (off < b->len) {
        size_t sz = brk_batch_size(b->data + off, b->len - off);
        brk_batch_hdr_t h;
        assert_true(sz > 0 && sz <= b->len - off);
        assert_int_equal(brk_batch_verify_stored(b->data + off, sz, NULL), CN_OK);
        assert_int_equal(brk_batch_hdr_decode(b->data + off, sz, &h, NULL), CN_OK);
        if (*first < 0)
            *first = h.base_offset;
        else
            assert_true(h.base_offset >= *next);
        *next = h.base_offset + h.last_offset_delta + 1;
        off += sz;
        n++;
    }
    return n;
}

#endif
