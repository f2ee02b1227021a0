/* SPDX-License-Identifier: Apache-2.0
 *
 * The in-memory sparse indexes of a segment (offset and time lookups at entry boundaries, the
 * index interval, files written and loaded back, suspect files refused) and the
 * idempotent-producer window and its snapshot.
 */
#include "tests/support/test_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/log/brk_log_int.h"

static brk_batch_hdr_t hdr(int64_t base, int32_t lod, int64_t max_ts) {
    brk_batch_hdr_t h;
    memset(&h, 0, sizeof(h));
    h.base_offset = base;
    h.last_offset_delta = lod;
    h.max_timestamp = max_ts;
    h.producer_id = -1;
    return h;
}

/* 10 batches of 100 bytes at base 1000, 5 offsets each; interval 150: an entry every 2nd. */
static brk_segment_t *tracked(const char *dir) {
    brk_segment_t *seg = brk_segment_create(dir, 1000, NULL);
    assert_non_null(seg);
    for (int i = 0; i < 10; i++) {
        brk_batch_hdr_t h = hdr(1000 + i * 5, 4, 50000 + i * 10);
        assert_int_equal(brk_segment_track(seg, (uint64_t)i * 100, &h, 100, 150), CN_OK);
    }
    return seg;
}

static void test_offset_lookup(void **state) {
    char *dir = tu_tmpdir("idx_off");
    brk_segment_t *seg = tracked(dir);
    (void)state;
    assert_int_equal(seg->next_offset, 1050);
    assert_int_equal(seg->size, 1000);
    assert_int_equal(seg->n_oidx, 4); /* batches 2, 4, 6, 8 */
    assert_int_equal(seg->oidx[0].rel, 10);
    assert_int_equal(seg->oidx[0].pos, 200);
    assert_int_equal(brk_segment_lookup(seg, 999), 0);    /* below the segment */
    assert_int_equal(brk_segment_lookup(seg, 1000), 0);   /* the base */
    assert_int_equal(brk_segment_lookup(seg, 1009), 0);   /* just before the first entry */
    assert_int_equal(brk_segment_lookup(seg, 1010), 200); /* exactly on it */
    assert_int_equal(brk_segment_lookup(seg, 1019), 200);
    assert_int_equal(brk_segment_lookup(seg, 1020), 400);
    assert_int_equal(brk_segment_lookup(seg, 1049), 800); /* the last offset */
    assert_int_equal(brk_segment_lookup(seg, 5000), 800); /* beyond: the last entry */
    brk_segment_unref(seg);
    tu_tmpdir_free(dir);
}

static void test_time_lookup(void **state) {
    char *dir = tu_tmpdir("idx_time");
    brk_segment_t *seg = tracked(dir);
    (void)state;
    /* entries (max ts before the batch): (50010, 10) (50030, 20) (50050, 30) (50070, 40) */
    assert_int_equal(seg->n_tidx, 4);
    assert_int_equal(seg->tidx[0].ts, 50010);
    assert_int_equal(brk_segment_time_lookup(seg, 0), 0);
    assert_int_equal(brk_segment_time_lookup(seg, 50010), 0);   /* not past 50010 */
    assert_int_equal(brk_segment_time_lookup(seg, 50011), 200); /* every batch before 2 is older */
    assert_int_equal(brk_segment_time_lookup(seg, 50071), 800);
    assert_int_equal(seg->max_ts, 50090);
    assert_int_equal(seg->first_ts, 50000);
    brk_segment_unref(seg);
    tu_tmpdir_free(dir);
}

/* Write real batches so the files can be checked against the log. */
static void test_index_files(void **state) {
    char *dir = tu_tmpdir("idx_files"), path[4096];
    brk_segment_t *seg = brk_segment_create(dir, 0, NULL), *back;
    cn_buf_t b;
    brk_record_t r = {0, 1, (const uint8_t *)"k", 1, (const uint8_t *)"value", 5, NULL, 0};
    int fd;
    (void)state;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    for (int i = 0; i < 50; i++) {
        brk_batch_hdr_t h;
        size_t at = b.len;
        r.timestamp = 100 + i;
        assert_int_equal(brk_batch_build(&b, &r, 1, NULL, NULL), CN_OK);
        brk_batch_set_base_offset(b.data + at, i);
        brk_batch_hdr_decode(b.data + at, b.len - at, &h, NULL);
        brk_segment_track(seg, at, &h, b.len - at, 200);
    }
    assert_int_equal(pwrite(seg->fd, b.data, b.len, 0), (ssize_t)b.len);
    assert_int_equal(brk_segment_write_indexes(seg, NULL), CN_OK);
    back = brk_segment_open(dir, 0, NULL);
    assert_true(brk_segment_load_indexes(back));
    assert_int_equal(back->n_oidx, seg->n_oidx);
    assert_memory_equal(back->oidx, seg->oidx, seg->n_oidx * sizeof(brk_oidx_t));
    assert_int_equal(back->n_tidx, seg->n_tidx);
    /* rebuilt from the log, the same entries */
    assert_int_equal(brk_segment_rebuild(back, true, 200, NULL), CN_OK);
    assert_memory_equal(back->oidx, seg->oidx, seg->n_oidx * sizeof(brk_oidx_t));
    assert_int_equal(back->next_offset, 50);
    assert_int_equal(back->size, b.len);
    brk_segment_unref(back);
    /* an index that lies about a position is refused */
    snprintf(path, sizeof(path), "%s/00000000000000000000.index", dir);
    fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "\0\0\0\1", 4, 4), 4);
    close(fd);
    back = brk_segment_open(dir, 0, NULL);
    assert_false(brk_segment_load_indexes(back));
    brk_segment_unref(back);
    unlink(path); /* and a missing one */
    back = brk_segment_open(dir, 0, NULL);
    assert_false(brk_segment_load_indexes(back));
    brk_segment_unref(back);
    brk_segment_unref(seg);
    cn_buf_fini(&b);
    tu_tmpdir_free(dir);
}

static brk_batch_hdr_t pb(int64_t pid, int16_t epoch, int32_t seq, int32_t n, int64_t base) {
    brk_batch_hdr_t h = hdr(base, n - 1, 0);
    h.producer_id = pid;
    h.producer_epoch = epoch;
    h.base_sequence = seq;
    return h;
}

static void test_producer_window(void **state) {
    char *dir = tu_tmpdir("idx_prod"), path[4096];
    cn_map_t *m = brk_producers_new(), *back = brk_producers_new();
    brk_pbatch_t dup;
    brk_batch_hdr_t h;
    (void)state;
    for (int i = 0; i < 7; i++) { /* seq 0..13, batches of 2 */
        h = pb(1, 0, i * 2, 2, 100 + i * 2);
        assert_int_equal(brk_producer_check(m, &h, &dup, NULL), BRK_SEQ_OK);
        brk_producer_update(m, &h);
    }
    h = pb(1, 0, 12, 2, 0); /* the newest: duplicate */
    assert_int_equal(brk_producer_check(m, &h, &dup, NULL), BRK_SEQ_DUP);
    assert_int_equal(dup.base_offset, 112);
    h = pb(1, 0, 4, 2, 0); /* the 5th newest: still remembered */
    assert_int_equal(brk_producer_check(m, &h, &dup, NULL), BRK_SEQ_DUP);
    h = pb(1, 0, 2, 2, 0); /* the 6th: forgotten, so out of order */
    assert_int_equal(brk_producer_check(m, &h, &dup, NULL), BRK_SEQ_ERR);
    h = pb(1, 0, INT32_MAX - 1, 2, 0);
    assert_int_equal(brk_producer_check(m, &h, &dup, NULL), BRK_SEQ_ERR);
    snprintf(path, sizeof(path), "%s/ps", dir);
    assert_int_equal(brk_producers_save(m, path, 114, NULL), CN_OK);
    assert_int_equal(brk_producers_load(back, path), 114);
    h = pb(1, 0, 12, 2, 0);
    assert_int_equal(brk_producer_check(back, &h, &dup, NULL), BRK_SEQ_DUP);
    assert_int_equal(dup.last_offset, 113);
    h = pb(1, 0, 14, 1, 0);
    assert_int_equal(brk_producer_check(back, &h, &dup, NULL), BRK_SEQ_OK);
    cn_map_free(m);
    cn_map_free(back);
    tu_tmpdir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offset_lookup),
        cmocka_unit_test(test_time_lookup),
        cmocka_unit_test(test_index_files),
        cmocka_unit_test(test_producer_window),
    };
    return cmocka_run_group_tests_name("brk_index", tests, NULL, NULL);
}
