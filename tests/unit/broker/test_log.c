/* SPDX-License-Identifier: Apache-2.0
 *
 * The log engine through its public API: append and read semantics, roll and index lookups at
 * segment boundaries (in memory, after a clean reopen, after an unclean one, without index
 * files), offsets by time, topic configs and their persistence, retention, DeleteRecords,
 * idempotent-producer sequence checks, refusal of bad batches, group commit from several
 * threads (and pipelined: append now, fsync later), long-poll waits and the append hook.
 */
#include "tests/support/test_util.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_fs.h"
#include "tests/unit/broker/brk_test_util.h"

static brk_partition_t *make_topic(brk_logs_t *logs, const char *name, const char *const *kv,
                                   size_t n) {
    brk_topic_config_t cfg;
    cn_error_t err;
    brk_partition_t *p;
    brk_topic_config_defaults(&cfg);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(brk_topic_config_set(&cfg, kv[2 * i], kv[2 * i + 1], &err), CN_OK);
    assert_int_equal(brk_topic_create(logs, name, &cfg, &err), CN_OK);
    p = brk_partition_get(logs, name, 0, &err);
    assert_non_null(p);
    return p;
}

static void test_append_read(void **state) {
    char *dir = tu_tmpdir("log_rw");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "t", NULL, 0);
    brk_append_result_t res;
    brk_read_info_t info;
    cn_buf_t out;
    int64_t first, next;
    (void)state;
    for (int i = 0; i < 3; i++) {
        bt_batch_spec_t s = bt_spec(10, 100, 1000 + i * 100);
        assert_int_equal(bt_append(p, &s, false, &res), CN_OK);
        assert_int_equal(res.base_offset, i * 10);
        assert_int_equal(res.last_offset, i * 10 + 9);
        assert_int_equal(res.log_append_time, -1);
    }
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    assert_int_equal(brk_partition_read(p, 0, 1 << 20, &out, &info, NULL), CN_OK);
    assert_int_equal(info.high_watermark, 30);
    assert_int_equal(info.log_start_offset, 0);
    assert_int_equal(bt_walk(&out, &first, &next), 3);
    assert_int_equal(first, 0);
    assert_int_equal(next, 30);
    cn_buf_reset(&out);
    assert_int_equal(brk_partition_read(p, 15, 1 << 20, &out, NULL, NULL), CN_OK);
    assert_int_equal(bt_walk(&out, &first, &next), 2);
    assert_int_equal(first, 10);
    /* the first batch whole even when over max_bytes; then only whole batches that fit */
    cn_buf_reset(&out);
    assert_int_equal(brk_partition_read(p, 0, 10, &out, NULL, NULL), CN_OK);
    assert_int_equal(bt_walk(&out, &first, &next), 1);
    assert_int_equal(next, 10);
    {
        size_t one = out.len;
        cn_buf_reset(&out);
        assert_int_equal(brk_partition_read(p, 0, one * 2 - 1, &out, NULL, NULL), CN_OK);
        assert_int_equal(bt_walk(&out, &first, &next), 1);
    }
    /* offset == high watermark: nothing; beyond or below: out of range */
    cn_buf_reset(&out);
    assert_int_equal(brk_partition_read(p, 30, 1 << 20, &out, NULL, NULL), CN_OK);
    assert_int_equal(out.len, 0);
    assert_int_equal(brk_partition_read(p, 31, 1 << 20, &out, NULL, NULL),
                     CN_ERR_OFFSET_OUT_OF_RANGE);
    assert_int_equal(brk_partition_read(p, -1, 1 << 20, &out, NULL, NULL),
                     CN_ERR_OFFSET_OUT_OF_RANGE);
    cn_buf_fini(&out);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

/* Every offset reads back the batch that holds it. */
static void check_every_offset(brk_partition_t *p, int64_t hw) {
    cn_buf_t out;
    int64_t first, next;
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    for (int64_t o = 0; o < hw; o++) {
        cn_buf_reset(&out);
        assert_int_equal(brk_partition_read(p, o, 1, &out, NULL, NULL), CN_OK);
        assert_int_equal(bt_walk(&out, &first, &next), 1);
        assert_true(first <= o && o < next);
    }
    cn_buf_fini(&out);
}

static size_t count_files(const char *dir, const char *suffix) {
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0, sl = strlen(suffix);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

static void remove_files(const char *dir, const char *suffix) {
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t sl = strlen(suffix);
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        char p[4096];
        if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0) {
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
}

static void test_roll_and_index(void **state) {
    static const char *const kv[] = {"segment.bytes", "8192", "index.interval.bytes", "1000"};
    char *dir = tu_tmpdir("log_roll"), pdir[4096];
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "roll", kv, 2);
    brk_partition_stats_t st;
    int64_t hw;
    (void)state;
    for (int i = 0; i < 60; i++) {
        bt_batch_spec_t s = bt_spec(1 + i % 4, 300, 5000 + i);
        assert_int_equal(bt_append(p, &s, false, NULL), CN_OK);
    }
    brk_partition_stats(p, &st);
    assert_true(st.segments >= 5);
    brk_partition_offsets(p, NULL, &hw);
    check_every_offset(p, hw);
    assert_int_equal(brk_partition_roll(p, NULL), CN_OK);
    assert_int_equal(brk_partition_roll(p, NULL), CN_OK); /* empty active: no new segment */
    brk_partition_stats(p, &st);
    snprintf(pdir, sizeof(pdir), "%s/roll-0", dir);
    assert_int_equal(count_files(pdir, ".log"), st.segments);
    brk_partition_put(p);
    brk_logs_close(logs);
    /* clean reopen: indexes from files */
    logs = bt_open(dir);
    p = brk_partition_get(logs, "roll", 0, NULL);
    check_every_offset(p, hw);
    brk_partition_put(p);
    brk_logs_abort(logs);
    /* unclean reopen without index files: rebuilt from the log */
    remove_files(pdir, ".index");
    remove_files(pdir, ".timeindex");
    logs = bt_open(dir);
    p = brk_partition_get(logs, "roll", 0, NULL);
    brk_partition_offsets(p, NULL, &hw);
    check_every_offset(p, hw);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_roll_by_age(void **state) {
    static const char *const kv[] = {"segment.ms", "1000"};
    char *dir = tu_tmpdir("log_age");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "age", kv, 1);
    brk_partition_stats_t st;
    bt_batch_spec_t old = bt_spec(2, 50, 1000), s2 = bt_spec(2, 50, 5000);
    (void)state;
    assert_int_equal(bt_append(p, &old, false, NULL), CN_OK);
    assert_int_equal(bt_append(p, &s2, false, NULL), CN_OK);
    brk_partition_stats(p, &st);
    assert_int_equal(st.segments, 2);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_offset_for_time(void **state) {
    static const char *const kv[] = {"segment.bytes", "2048", "index.interval.bytes", "0"};
    char *dir = tu_tmpdir("log_time");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "time", kv, 2);
    int64_t off, ts;
    (void)state;
    for (int i = 0; i < 20; i++) {
        bt_batch_spec_t s = bt_spec(10, 40, 10000 + i * 1000); /* ts 10000+1000i .. +9 */
        assert_int_equal(bt_append(p, &s, false, NULL), CN_OK);
    }
    assert_int_equal(brk_partition_offset_for_time(p, 0, &off, &ts, NULL), CN_OK);
    assert_int_equal(off, 0);
    assert_int_equal(ts, 10000);
    assert_int_equal(brk_partition_offset_for_time(p, 13005, &off, &ts, NULL), CN_OK);
    assert_int_equal(off, 35);
    assert_int_equal(ts, 13005);
    assert_int_equal(brk_partition_offset_for_time(p, 13500, &off, &ts, NULL), CN_OK);
    assert_int_equal(off, 40);
    assert_int_equal(ts, 14000);
    assert_int_equal(brk_partition_offset_for_time(p, 29009, &off, &ts, NULL), CN_OK);
    assert_int_equal(off, 199);
    assert_int_equal(brk_partition_offset_for_time(p, 29010, &off, &ts, NULL), CN_OK);
    assert_int_equal(off, -1);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_topic_configs(void **state) {
    char *dir = tu_tmpdir("log_cfg"), v[64], **names;
    brk_logs_t *logs = bt_open(dir);
    brk_topic_config_t cfg, got;
    cn_error_t err;
    size_t n;
    const char *an[] = {"retention.ms", "segment.bytes"};
    const char *av[] = {"12345", NULL};
    (void)state;
    brk_topic_config_defaults(&cfg);
    assert_int_equal(brk_topic_config_set(&cfg, "cleanup.policy", "compact,delete", NULL), CN_OK);
    assert_int_equal(brk_topic_config_set(&cfg, "segment.bytes", "1048576", NULL), CN_OK);
    assert_int_equal(brk_topic_config_set(&cfg, "min.cleanable.dirty.ratio", "0.25", NULL), CN_OK);
    assert_int_equal(brk_topic_config_set(&cfg, "nope", "1", &err), CN_ERR_INVALID_CONFIG);
    assert_non_null(strstr(err.msg, "nope"));
    assert_int_equal(brk_topic_config_set(&cfg, "retention.ms", "abc", &err),
                     CN_ERR_INVALID_CONFIG);
    assert_int_equal(brk_topic_config_set(&cfg, "cleanup.policy", "shred", NULL),
                     CN_ERR_INVALID_CONFIG);
    cfg.partitions = 3;
    assert_int_equal(brk_topic_create(logs, "_schemas", &cfg, NULL), CN_OK);
    assert_int_equal(brk_topic_create(logs, "_schemas", &cfg, NULL), CN_ERR_TOPIC_EXISTS);
    assert_int_equal(brk_topic_create(logs, "bad/name", &cfg, NULL), CN_ERR_INVALID_TOPIC);
    assert_int_equal(brk_topic_create(logs, "..", &cfg, NULL), CN_ERR_INVALID_TOPIC);
    cfg.partitions = 0;
    assert_int_equal(brk_topic_create(logs, "zero", &cfg, NULL), CN_ERR_INVALID_PARTITIONS);
    cfg.partitions = 1;
    assert_int_equal(brk_topic_create(logs, "a.b-c_d", &cfg, NULL), CN_OK);
    assert_int_equal(brk_topic_alter(logs, "_schemas", an, av, 2, NULL), CN_OK);
    assert_int_equal(brk_topic_add_partitions(logs, "_schemas", 4, NULL), CN_OK);
    assert_int_equal(brk_topic_add_partitions(logs, "_schemas", 2, NULL),
                     CN_ERR_INVALID_PARTITIONS);
    brk_logs_close(logs);
    logs = bt_open(dir);
    assert_int_equal(brk_topic_describe(logs, "_schemas", &got, NULL), CN_OK);
    assert_int_equal(got.partitions, 4);
    assert_true(got.compact && got.delete_retention);
    assert_int_equal(got.retention_ms, 12345);
    assert_int_equal(got.segment_bytes, 1LL << 30); /* reset to the default */
    assert_true(got.min_cleanable_dirty_ratio > 0.24 && got.min_cleanable_dirty_ratio < 0.26);
    assert_int_equal(brk_topic_config_get(&got, "cleanup.policy", v, sizeof(v), NULL), CN_OK);
    assert_string_equal(v, "compact,delete");
    {
        brk_partition_t *p3 = brk_partition_get(logs, "_schemas", 3, NULL);
        assert_non_null(p3);
        brk_partition_put(p3);
    }
    assert_null(brk_partition_get(logs, "_schemas", 4, NULL));
    assert_int_equal(brk_topic_list(logs, &names, &n, NULL), CN_OK);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "_schemas");
    assert_string_equal(names[1], "a.b-c_d");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    for (const char *const *k = brk_topic_config_names(); *k; k++)
        assert_int_equal(brk_topic_config_get(&got, *k, v, sizeof(v), NULL), CN_OK);
    assert_int_equal(brk_topic_delete(logs, "a.b-c_d", NULL), CN_OK);
    assert_int_equal(brk_topic_delete(logs, "a.b-c_d", NULL), CN_ERR_UNKNOWN_TOPIC);
    brk_logs_close(logs);
    logs = bt_open(dir);
    assert_int_equal(brk_topic_describe(logs, "a.b-c_d", &got, NULL), CN_ERR_UNKNOWN_TOPIC);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_retention(void **state) {
    static const char *const kv[] = {"segment.bytes", "2048", "retention.bytes", "4096"};
    char *dir = tu_tmpdir("log_ret");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "ret", kv, 2);
    brk_partition_stats_t st;
    int64_t ls, hw, now = 100000000;
    cn_buf_t out;
    (void)state;
    for (int i = 0; i < 40; i++) {
        bt_batch_spec_t s = bt_spec(2, 200, now - 1000 + i);
        assert_int_equal(bt_append(p, &s, false, NULL), CN_OK);
    }
    brk_partition_stats(p, &st);
    assert_true(st.bytes > 8192);
    assert_int_equal(brk_partition_retain(p, now, NULL), CN_OK);
    brk_partition_stats(p, &st);
    brk_partition_offsets(p, &ls, &hw);
    assert_true(ls > 0);
    assert_int_equal(hw, 80);
    assert_true(st.bytes >= 4096 - 2048 && st.bytes < 4096 + 2048);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    assert_int_equal(brk_partition_read(p, ls - 1, 100, &out, NULL, NULL),
                     CN_ERR_OFFSET_OUT_OF_RANGE);
    assert_int_equal(brk_partition_read(p, ls, 100, &out, NULL, NULL), CN_OK);
    assert_true(out.len > 0);
    cn_buf_fini(&out);
    /* by time: every closed segment is older than retention.ms */
    {
        const char *n[] = {"retention.ms", "retention.bytes"}, *v[] = {"10", NULL};
        assert_int_equal(brk_topic_alter(logs, "ret", n, v, 2, NULL), CN_OK);
    }
    assert_int_equal(brk_partition_retain(p, now + 100000, NULL), CN_OK);
    brk_partition_stats(p, &st);
    assert_int_equal(st.segments, 1); /* never the active one */
    brk_partition_offsets(p, &ls, &hw);
    brk_partition_put(p);
    brk_logs_close(logs);
    logs = bt_open(dir); /* the log start survives a restart */
    p = brk_partition_get(logs, "ret", 0, NULL);
    {
        int64_t ls2, hw2;
        brk_partition_offsets(p, &ls2, &hw2);
        assert_int_equal(ls2, ls);
        assert_int_equal(hw2, hw);
    }
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_delete_records(void **state) {
    static const char *const kv[] = {"segment.bytes", "1024"};
    char *dir = tu_tmpdir("log_delrec");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "dr", kv, 1);
    brk_partition_stats_t st1, st2;
    int64_t ls, hw;
    cn_buf_t out;
    int64_t first, next;
    (void)state;
    for (int i = 0; i < 30; i++) {
        bt_batch_spec_t s = bt_spec(3, 100, 1000 + i);
        assert_int_equal(bt_append(p, &s, false, NULL), CN_OK);
    }
    brk_partition_stats(p, &st1);
    assert_int_equal(brk_partition_delete_records(p, 91, NULL), CN_ERR_OFFSET_OUT_OF_RANGE);
    assert_int_equal(brk_partition_delete_records(p, 40, NULL), CN_OK);
    brk_partition_stats(p, &st2);
    assert_true(st2.segments < st1.segments);
    brk_partition_offsets(p, &ls, &hw);
    assert_int_equal(ls, 40);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    assert_int_equal(brk_partition_read(p, 39, 100, &out, NULL, NULL), CN_ERR_OFFSET_OUT_OF_RANGE);
    assert_int_equal(brk_partition_read(p, 40, 1, &out, NULL, NULL), CN_OK);
    assert_int_equal(bt_walk(&out, &first, &next), 1);
    assert_int_equal(first, 39); /* the batch holding 40 comes whole */
    cn_buf_fini(&out);
    brk_partition_put(p);
    brk_logs_close(logs);
    logs = bt_open(dir);
    p = brk_partition_get(logs, "dr", 0, NULL);
    brk_partition_offsets(p, &ls, &hw);
    assert_int_equal(ls, 40);
    assert_int_equal(hw, 90);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static bt_batch_spec_t idem(int nrec, int16_t epoch, int32_t seq) {
    bt_batch_spec_t s = bt_spec(nrec, 32, 1000);
    s.pid = 7;
    s.epoch = epoch;
    s.seq = seq;
    return s;
}

static void check_idempotence_after(brk_partition_t *p) {
    brk_append_result_t res;
    bt_batch_spec_t s = idem(5, 1, 5);
    assert_int_equal(bt_append(p, &s, false, &res), CN_ERR_DUPLICATE_SEQUENCE);
    assert_int_equal(res.base_offset, 20);
    assert_int_equal(res.last_offset, 24);
    s = idem(2, 1, 11);
    assert_int_equal(bt_append(p, &s, false, &res), CN_ERR_OUT_OF_ORDER_SEQUENCE);
}

static void test_idempotent(void **state) {
    char *dir = tu_tmpdir("log_idem");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "idem", NULL, 0);
    brk_append_result_t res;
    bt_batch_spec_t s;
    int64_t hw;
    (void)state;
    s = idem(5, 0, 0);
    assert_int_equal(bt_append(p, &s, false, &res), CN_OK);
    assert_int_equal(res.base_offset, 0);
    s = idem(5, 0, 5);
    assert_int_equal(bt_append(p, &s, false, &res), CN_OK);
    assert_int_equal(res.base_offset, 5);
    s = idem(5, 0, 0); /* a retry of the first batch */
    assert_int_equal(bt_append(p, &s, false, &res), CN_ERR_DUPLICATE_SEQUENCE);
    assert_int_equal(res.base_offset, 0);
    assert_int_equal(res.last_offset, 4);
    s = idem(5, 0, 20); /* gap */
    assert_int_equal(bt_append(p, &s, false, &res), CN_ERR_OUT_OF_ORDER_SEQUENCE);
    s = idem(5, 0, 10);
    assert_int_equal(bt_append(p, &s, false, &res), CN_OK);
    assert_int_equal(res.base_offset, 10);
    s = idem(5, 1, 3); /* a new epoch must start at 0 */
    assert_int_equal(bt_append(p, &s, false, &res), CN_ERR_OUT_OF_ORDER_SEQUENCE);
    s = idem(5, 1, 0);
    assert_int_equal(bt_append(p, &s, false, &res), CN_OK);
    assert_int_equal(res.base_offset, 15);
    s = idem(5, 0, 15); /* fenced */
    assert_int_equal(bt_append(p, &s, false, &res), CN_ERR_INVALID_PRODUCER_EPOCH);
    s = idem(5, 1, 5);
    assert_int_equal(bt_append(p, &s, false, &res), CN_OK);
    brk_partition_offsets(p, NULL, &hw);
    assert_int_equal(hw, 25);
    /* rejected appends wrote nothing */
    s = idem(1, 1, 10);
    s.pid = 99; /* an unknown producer may start anywhere */
    s.seq = 1234;
    assert_int_equal(bt_append(p, &s, false, &res), CN_OK);
    assert_int_equal(res.base_offset, 25);
    check_idempotence_after(p);
    brk_partition_put(p);
    brk_logs_close(logs);
    logs = bt_open(dir); /* clean: snapshot */
    p = brk_partition_get(logs, "idem", 0, NULL);
    check_idempotence_after(p);
    brk_partition_put(p);
    brk_logs_abort(logs);
    logs = bt_open(dir); /* unclean: rebuilt from the log */
    p = brk_partition_get(logs, "idem", 0, NULL);
    check_idempotence_after(p);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_rejects(void **state) {
    static const char *const kv[] = {"max.message.bytes", "2000"};
    char *dir = tu_tmpdir("log_rej");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "rej", kv, 1);
    cn_buf_t b;
    bt_batch_spec_t s = bt_spec(3, 100, 1000), big = bt_spec(3, 1000, 1000);
    brk_append_opts_t keys = {false, true};
    cn_error_t err;
    int64_t hw;
    (void)state;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    bt_build(&b, &s);
    bt_build(&b, &s);
    b.data[b.len - 5] ^= 1; /* second batch corrupt: nothing of the request goes in */
    assert_int_equal(brk_partition_append(p, b.data, b.len, NULL, NULL, &err),
                     CN_ERR_CORRUPT_MESSAGE);
    cn_buf_reset(&b);
    bt_build(&b, &s);
    assert_int_equal(brk_partition_append(p, b.data, b.len - 1, NULL, NULL, NULL),
                     CN_ERR_CORRUPT_MESSAGE);
    assert_int_equal(brk_partition_append(p, b.data, 0, NULL, NULL, NULL), CN_ERR_CORRUPT_MESSAGE);
    assert_int_equal(bt_append(p, &big, false, NULL), CN_ERR_MESSAGE_TOO_LARGE);
    cn_buf_reset(&b);
    s.key_base = -1;
    bt_build(&b, &s);
    assert_int_equal(brk_partition_append(p, b.data, b.len, &keys, NULL, NULL),
                     CN_ERR_INVALID_RECORD);
    brk_partition_offsets(p, NULL, &hw);
    assert_int_equal(hw, 0);
    /* two good batches in one request get consecutive offsets */
    cn_buf_reset(&b);
    s.key_base = 0;
    bt_build(&b, &s);
    bt_build(&b, &s);
    {
        brk_append_result_t res;
        assert_int_equal(brk_partition_append(p, b.data, b.len, &keys, &res, NULL), CN_OK);
        assert_int_equal(res.base_offset, 0);
        assert_int_equal(res.last_offset, 5);
    }
    cn_buf_fini(&b);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_log_append_time(void **state) {
    static const char *const kv[] = {"message.timestamp.type", "LogAppendTime"};
    char *dir = tu_tmpdir("log_lat");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "lat", kv, 1);
    brk_append_result_t res;
    bt_batch_spec_t s = bt_spec(3, 20, 5);
    cn_buf_t out;
    brk_batch_iter_t it;
    brk_record_t rec;
    (void)state;
    assert_int_equal(bt_append(p, &s, false, &res), CN_OK);
    assert_true(res.log_append_time > 1600000000000LL);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    assert_int_equal(brk_partition_read(p, 0, 1000, &out, NULL, NULL), CN_OK);
    assert_int_equal(brk_batch_iter_init(&it, out.data, out.len, NULL), CN_OK);
    assert_int_equal(brk_batch_iter_next(&it, &rec, NULL), 1);
    assert_int_equal(rec.timestamp, res.log_append_time);
    brk_batch_iter_fini(&it);
    cn_buf_fini(&out);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

/* ---- threads ---- */

#define GC_THREADS 4
#define GC_APPENDS 150

static void *gc_worker(void *arg) {
    brk_partition_t *p = arg;
    for (int i = 0; i < GC_APPENDS; i++) {
        bt_batch_spec_t s = bt_spec(2, 64, 1000 + i);
        if (bt_append(p, &s, true, NULL) != CN_OK)
            return (void *)1;
    }
    return NULL;
}

static void test_group_commit(void **state) {
    char *dir = tu_tmpdir("log_gc");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "gc", NULL, 0);
    pthread_t th[GC_THREADS];
    brk_partition_stats_t st;
    int64_t hw;
    (void)state;
    for (int i = 0; i < GC_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, gc_worker, p), 0);
    for (int i = 0; i < GC_THREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        assert_null(r);
    }
    brk_partition_stats(p, &st);
    brk_partition_offsets(p, NULL, &hw);
    assert_int_equal(hw, GC_THREADS * GC_APPENDS * 2);
    assert_int_equal(st.appends, GC_THREADS * GC_APPENDS);
    assert_true(st.fsyncs >= 1 && st.fsyncs <= st.appends);
    fprintf(stderr, "group commit: %llu appends, %llu fsyncs\n", (unsigned long long)st.appends,
            (unsigned long long)st.fsyncs);
    check_every_offset(p, hw);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

typedef struct hook_state {
    int calls;
    char topic[32];
} hook_state_t;

static void on_append(void *arg, const char *topic, int32_t partition) {
    hook_state_t *h = arg;
    h->calls++;
    snprintf(h->topic, sizeof(h->topic), "%s/%d", topic, partition);
}

static void *late_append(void *arg) {
    bt_batch_spec_t s = bt_spec(1, 16, 1);
    usleep(50000);
    bt_append(arg, &s, false, NULL);
    return NULL;
}

static void test_wait_and_hook(void **state) {
    char *dir = tu_tmpdir("log_wait");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "w", NULL, 0);
    hook_state_t h = {0, ""};
    pthread_t th;
    (void)state;
    brk_logs_set_append_hook(logs, on_append, &h);
    assert_false(brk_partition_wait(p, 0, 20));
    assert_int_equal(pthread_create(&th, NULL, late_append, p), 0);
    assert_true(brk_partition_wait(p, 0, 10000));
    pthread_join(th, NULL);
    assert_int_equal(h.calls, 1);
    assert_string_equal(h.topic, "w/0");
    assert_true(brk_partition_wait(p, 0, 0));
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

/* ---- a durable append is visible only once fsynced ---- */

typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool closed; /* fsyncs wait while closed */
    int entered; /* fsyncs that reached the gate */
} gate_t;

static int gated_fsync(void *arg, int fd) {
    gate_t *g = arg;
    pthread_mutex_lock(&g->mu);
    g->entered++;
    pthread_cond_broadcast(&g->cv);
    while (g->closed)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    return fdatasync(fd);
}

static void *sync_append(void *arg) {
    bt_batch_spec_t s = bt_spec(3, 40, 7);
    return (void *)(intptr_t)bt_append(arg, &s, true, NULL);
}

static void test_durable_visibility(void **state) {
    char *dir = tu_tmpdir("log_vis");
    gate_t g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};
    brk_logs_options_t o;
    brk_logs_t *logs;
    brk_partition_t *p;
    bt_batch_spec_t plain = bt_spec(2, 40, 5);
    pthread_t th;
    int64_t hw, off, ts;
    cn_buf_t out;
    void *r;
    (void)state;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.fsync_fn = gated_fsync;
    o.fsync_arg = &g;
    logs = brk_logs_open(&o, NULL);
    p = make_topic(logs, "vis", NULL, 0);
    assert_int_equal(bt_append(p, &plain, false, NULL), CN_OK); /* offsets 0-1, visible */
    pthread_mutex_lock(&g.mu);
    g.closed = true;
    g.entered = 0;
    pthread_mutex_unlock(&g.mu);
    assert_int_equal(pthread_create(&th, NULL, sync_append, p), 0);
    pthread_mutex_lock(&g.mu);
    while (g.entered == 0)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    /* written (offsets 2-4) but its fsync has not returned: readers do not see it, nor what
     * comes after it */
    assert_int_equal(bt_append(p, &plain, false, NULL), CN_OK); /* offsets 5-6 */
    brk_partition_offsets(p, NULL, &hw);
    assert_int_equal(hw, 2);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    assert_int_equal(brk_partition_read(p, 2, 1 << 20, &out, NULL, NULL), CN_OK);
    assert_int_equal(out.len, 0);
    assert_int_equal(brk_partition_read(p, 3, 1 << 20, &out, NULL, NULL),
                     CN_ERR_OFFSET_OUT_OF_RANGE);
    assert_int_equal(brk_partition_offset_for_time(p, 7, &off, &ts, NULL), CN_OK);
    assert_int_equal(off, -1);
    assert_false(brk_partition_wait(p, 2, 10));
    pthread_mutex_lock(&g.mu);
    g.closed = false;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_join(th, &r);
    assert_int_equal((intptr_t)r, CN_OK);
    brk_partition_offsets(p, NULL, &hw);
    assert_int_equal(hw, 7); /* the durable append and the one behind it */
    assert_int_equal(brk_partition_read(p, 2, 1 << 20, &out, NULL, NULL), CN_OK);
    {
        int64_t first, next;
        assert_int_equal(bt_walk(&out, &first, &next), 2);
        assert_int_equal(first, 2);
        assert_int_equal(next, 7);
    }
    cn_buf_fini(&out);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static int counting_fsync(void *arg, int fd) {
    (*(int *)arg)++;
    return fdatasync(fd);
}

static char *read_checkpoint(const char *dir) {
    char path[4096], *data = NULL;
    size_t len;
    snprintf(path, sizeof(path), "%s/sy-0/checkpoint", dir);
    if (cn_fs_read_all(path, 4096, &data, &len, NULL) != CN_OK)
        return strdup("(none)");
    return data;
}

/* brk_partition_sync: one fsync covers every append so far, nothing when all is synced, and the
 * recovery checkpoint is left alone (flush moves it). */
static void test_sync_without_checkpoint(void **state) {
    char *dir = tu_tmpdir("log_sync");
    int fsyncs = 0;
    brk_logs_options_t o;
    brk_logs_t *logs;
    brk_partition_t *p;
    char *before, *after;
    (void)state;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.fsync_fn = counting_fsync;
    o.fsync_arg = &fsyncs;
    logs = brk_logs_open(&o, NULL);
    p = make_topic(logs, "sy", NULL, 0);
    assert_int_equal(brk_partition_flush(p, NULL), CN_OK);
    before = read_checkpoint(dir);
    fsyncs = 0;
    for (int i = 0; i < 5; i++) {
        bt_batch_spec_t s = bt_spec(4, 60, 100 + i);
        assert_int_equal(bt_append(p, &s, false, NULL), CN_OK);
    }
    assert_int_equal(fsyncs, 0);
    assert_int_equal(brk_partition_sync(p, NULL), CN_OK);
    assert_int_equal(fsyncs, 1);
    assert_int_equal(brk_partition_sync(p, NULL), CN_OK);
    assert_int_equal(fsyncs, 1);
    after = read_checkpoint(dir);
    assert_string_equal(before, after);
    free(after);
    assert_int_equal(brk_partition_flush(p, NULL), CN_OK);
    after = read_checkpoint(dir);
    assert_string_not_equal(before, after);
    free(before);
    free(after);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

/* brk_partition_append_nowait: written but neither durable nor visible; one sync_to makes every
 * such append below its end durable and visible with one fsync, and nothing when it already is. */
static void test_append_nowait(void **state) {
    char *dir = tu_tmpdir("log_nowait");
    int fsyncs = 0;
    brk_logs_options_t o;
    brk_append_opts_t ao = {true, false};
    brk_append_result_t res;
    brk_logs_t *logs;
    brk_partition_t *p;
    int64_t start, hw;
    (void)state;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.fsync_fn = counting_fsync;
    o.fsync_arg = &fsyncs;
    logs = brk_logs_open(&o, NULL);
    p = make_topic(logs, "nw", NULL, 0);
    fsyncs = 0;
    for (int i = 0; i < 3; i++) {
        bt_batch_spec_t s = bt_spec(2, 40, 100 + i);
        cn_buf_t b;
        cn_buf_init(&b, CN_BUF_NO_LIMIT);
        bt_build(&b, &s);
        assert_int_equal(brk_partition_append_nowait(p, b.data, b.len, &ao, &res, NULL), CN_OK);
        assert_int_equal(res.base_offset, 2 * i);
        cn_buf_fini(&b);
    }
    brk_partition_offsets(p, &start, &hw);
    assert_int_equal(hw, 0); /* not visible before it is durable */
    assert_int_equal(fsyncs, 0);
    assert_int_equal(brk_partition_sync_to(p, 4, NULL), CN_OK); /* covers all three */
    assert_int_equal(fsyncs, 1);
    brk_partition_offsets(p, &start, &hw);
    assert_int_equal(hw, 6);
    assert_int_equal(brk_partition_sync_to(p, 6, NULL), CN_OK);
    assert_int_equal(brk_partition_sync_to(p, 1000, NULL), CN_OK); /* beyond the end: at once */
    assert_int_equal(fsyncs, 1);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

/* The zero-copy form describes exactly the bytes the copying read returns. */
static void test_read_span(void **state) {
    static const char *const kv[] = {"segment.bytes", "20000", "index.interval.bytes", "1500"};
    static const size_t maxes[] = {0, 1, 700, 5000, 12345, 1 << 20};
    char *dir = tu_tmpdir("log_span");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "span", kv, 2);
    int64_t hw;
    cn_buf_t out, got;
    (void)state;
    for (int i = 0; i < 80; i++) {
        bt_batch_spec_t s = bt_spec(1 + i % 5, 50 + (size_t)(i * 37) % 400, 1000 + i);
        assert_int_equal(bt_append(p, &s, false, NULL), CN_OK);
    }
    brk_partition_offsets(p, NULL, &hw);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    cn_buf_init(&got, CN_BUF_NO_LIMIT);
    for (int64_t o = 0; o <= hw; o += 3) {
        for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
            brk_read_span_t span;
            brk_read_info_t info;
            cn_buf_reset(&out);
            cn_buf_reset(&got);
            assert_int_equal(brk_partition_read(p, o, maxes[m], &out, NULL, NULL), CN_OK);
            assert_int_equal(brk_partition_read_span(p, o, maxes[m], &span, &info, NULL), CN_OK);
            assert_int_equal(info.high_watermark, hw);
            assert_int_equal(span.len, out.len);
            if (span.len) {
                assert_int_equal(cn_buf_reserve(&got, span.len), CN_OK);
                assert_int_equal(pread(span.fd, got.data, span.len, (off_t)span.pos),
                                 (ssize_t)span.len);
                assert_memory_equal(got.data, out.data, out.len);
            }
            brk_read_span_release(&span);
        }
    }
    {
        brk_read_span_t span;
        assert_int_equal(brk_partition_read_span(p, hw + 1, 100, &span, NULL, NULL),
                         CN_ERR_OFFSET_OUT_OF_RANGE);
    }
    cn_buf_fini(&out);
    cn_buf_fini(&got);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_flush_policy(void **state) {
    static const char *const kv[] = {"flush.messages", "5"};
    char *dir = tu_tmpdir("log_flush");
    brk_logs_options_t o;
    brk_logs_t *logs;
    brk_partition_t *p;
    brk_partition_stats_t st;
    bt_batch_spec_t s = bt_spec(2, 20, 1);
    brk_partition_stats_t before;
    (void)state;
    logs = bt_open(dir);
    p = make_topic(logs, "fm", kv, 1);
    brk_partition_stats(p, &before);
    assert_int_equal(bt_append(p, &s, false, NULL), CN_OK); /* 2 unflushed */
    assert_int_equal(bt_append(p, &s, false, NULL), CN_OK); /* 4 */
    brk_partition_stats(p, &st);
    assert_int_equal(st.fsyncs, before.fsyncs);
    assert_int_equal(bt_append(p, &s, false, NULL), CN_OK); /* 6: over flush.messages */
    brk_partition_stats(p, &st);
    assert_int_equal(st.fsyncs, before.fsyncs + 1);
    assert_int_equal(brk_partition_flush(p, NULL), CN_OK); /* nothing left to sync */
    brk_partition_stats(p, &st);
    assert_int_equal(st.fsyncs, before.fsyncs + 1);
    brk_partition_put(p);
    brk_logs_close(logs);
    /* flush.ms: the background thread fsyncs data older than that */
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.background = true;
    o.cleaner_interval_ms = 10;
    logs = brk_logs_open(&o, NULL);
    {
        static const char *const kv2[] = {"flush.ms", "1"};
        p = make_topic(logs, "fms", kv2, 1);
    }
    brk_partition_stats(p, &before);
    assert_int_equal(bt_append(p, &s, false, NULL), CN_OK);
    for (int i = 0; i < 500; i++) { /* bounded: at most ~5 s */
        brk_partition_stats(p, &st);
        if (st.fsyncs > before.fsyncs)
            break;
        usleep(10000);
    }
    assert_true(st.fsyncs > before.fsyncs);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_delete_while_held(void **state) {
    char *dir = tu_tmpdir("log_delheld");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = make_topic(logs, "gone", NULL, 0);
    bt_batch_spec_t s = bt_spec(2, 20, 1);
    cn_buf_t out;
    int64_t first, next;
    (void)state;
    assert_int_equal(bt_append(p, &s, true, NULL), CN_OK);
    assert_int_equal(brk_topic_delete(logs, "gone", NULL), CN_OK);
    assert_null(brk_partition_get(logs, "gone", 0, NULL));
    cn_buf_init(&out, CN_BUF_NO_LIMIT); /* the held partition still reads */
    assert_int_equal(brk_partition_read(p, 0, 100, &out, NULL, NULL), CN_OK);
    assert_int_equal(bt_walk(&out, &first, &next), 1);
    cn_buf_fini(&out);
    brk_partition_put(p);
    brk_logs_close(logs);
    logs = bt_open(dir); /* a new topic of the same name starts empty */
    p = make_topic(logs, "gone", NULL, 0);
    brk_partition_offsets(p, &first, &next);
    assert_int_equal(next, 0);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_read),
        cmocka_unit_test(test_roll_and_index),
        cmocka_unit_test(test_roll_by_age),
        cmocka_unit_test(test_offset_for_time),
        cmocka_unit_test(test_topic_configs),
        cmocka_unit_test(test_retention),
        cmocka_unit_test(test_delete_records),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_log_append_time),
        cmocka_unit_test(test_group_commit),
        cmocka_unit_test(test_wait_and_hook),
        cmocka_unit_test(test_flush_policy),
        cmocka_unit_test(test_delete_while_held),
        cmocka_unit_test(test_read_span),
        cmocka_unit_test(test_durable_visibility),
        cmocka_unit_test(test_sync_without_checkpoint),
        cmocka_unit_test(test_append_nowait),
    };
    return cmocka_run_group_tests_name("brk_log", tests, NULL, NULL);
}
