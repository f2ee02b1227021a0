/* SPDX-License-Identifier: Apache-2.0
 *
 * Compaction: after cleaning, every key reads back its latest value (also from compressed
 * batches, which the cleaner must open), offsets stay increasing and keep their values,
 * tombstones stay visible until their delete horizon and disappear after it, the active segment
 * is never touched, and a crash at any step of the swap (.cleaned, .swap, .deleted left behind)
 * loses nothing on reopen. Also the background thread's dirty-ratio trigger.
 */
#include "tests/support/test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_map.h"
#include "tests/unit/broker/brk_test_util.h"

#define NKEYS 20
#define DRM   1000 /* delete.retention.ms */

static const char *const kv[] = {"cleanup.policy",      "compact", "segment.bytes", "4096",
                                 "delete.retention.ms", "1000"};

typedef struct latest {
    int64_t offset; /* -1: never written */
    char value[64];
    bool tombstone;
} latest_t;

typedef struct model {
    latest_t keys[NKEYS];
} model_t;

static brk_partition_t *open_part(brk_logs_t *logs, bool create) {
    brk_partition_t *p;
    if (create) {
        brk_topic_config_t cfg;
        brk_topic_config_defaults(&cfg);
        for (size_t i = 0; i < 3; i++)
            assert_int_equal(brk_topic_config_set(&cfg, kv[2 * i], kv[2 * i + 1], NULL), CN_OK);
        assert_int_equal(brk_topic_create(logs, "c", &cfg, NULL), CN_OK);
    }
    p = brk_partition_get(logs, "c", 0, NULL);
    assert_non_null(p);
    return p;
}

/* Append one batch of records for keys[0..n) (a version per call); codec rotates. */
static void put_keys(brk_partition_t *p, model_t *m, const int *keys, int n, int version,
                     bool tombstone) {
    brk_record_t recs[NKEYS];
    char k[NKEYS][16], v[NKEYS][64];
    brk_batch_opts_t o;
    brk_append_result_t res;
    brk_append_opts_t ao = {false, true};
    cn_buf_t b;
    brk_batch_opts_init(&o);
    o.compression = (brk_compression_t)(version % 5);
    for (int i = 0; i < n; i++) {
        snprintf(k[i], sizeof(k[i]), "key-%d", keys[i]);
        snprintf(v[i], sizeof(v[i]), "value %d of key %d", version, keys[i]);
        recs[i].offset = i;
        recs[i].timestamp = 1000 + version;
        recs[i].key = (const uint8_t *)k[i];
        recs[i].key_len = (int32_t)strlen(k[i]);
        recs[i].value = tombstone ? NULL : (const uint8_t *)v[i];
        recs[i].value_len = tombstone ? -1 : (int32_t)strlen(v[i]);
        recs[i].headers = NULL;
        recs[i].nheaders = 0;
    }
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    assert_int_equal(brk_batch_build(&b, recs, (size_t)n, &o, NULL), CN_OK);
    assert_int_equal(brk_partition_append(p, b.data, b.len, &ao, &res, NULL), CN_OK);
    cn_buf_fini(&b);
    for (int i = 0; i < n; i++) {
        latest_t *l = &m->keys[keys[i]];
        l->offset = res.base_offset + i;
        l->tombstone = tombstone;
        snprintf(l->value, sizeof(l->value), "%s", v[i]);
    }
}

static void write_history(brk_partition_t *p, model_t *m, int versions) {
    int keys[NKEYS];
    for (int i = 0; i < NKEYS; i++) {
        keys[i] = i;
        m->keys[i].offset = -1;
    }
    for (int ver = 0; ver < versions; ver++) {
        int n = 1 + ver % 7, start = (ver * 3) % NKEYS;
        int ks[NKEYS];
        for (int i = 0; i < n; i++)
            ks[i] = keys[(start + i) % NKEYS];
        put_keys(p, m, ks, n, ver, false);
    }
}

typedef struct seen {
    int64_t offset;
    char value[64];
    bool tombstone;
    int count;
} seen_t;

/* Read the whole log: offsets strictly increasing; the last record per key. */
static size_t read_all(brk_partition_t *p, seen_t *seen) {
    int64_t ls, hw, off, last = -1;
    size_t records = 0;
    cn_buf_t out;
    memset(seen, 0, sizeof(seen_t) * NKEYS);
    brk_partition_offsets(p, &ls, &hw);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    for (off = ls; off < hw;) {
        size_t pos = 0;
        int64_t next = off;
        cn_buf_reset(&out);
        assert_int_equal(brk_partition_read(p, off, 1 << 16, &out, NULL, NULL), CN_OK);
        if (out.len == 0)
            break;
        while (pos < out.len) {
            size_t sz = brk_batch_size(out.data + pos, out.len - pos);
            brk_batch_iter_t it;
            brk_record_t r;
            assert_int_equal(brk_batch_verify_stored(out.data + pos, sz, NULL), CN_OK);
            assert_int_equal(brk_batch_iter_init(&it, out.data + pos, sz, NULL), CN_OK);
            while (brk_batch_iter_next(&it, &r, NULL) == 1) {
                int k;
                assert_true(r.offset > last);
                assert_true(r.offset <= it.hdr.base_offset + it.hdr.last_offset_delta);
                last = r.offset;
                assert_int_equal(sscanf((const char *)r.key, "key-%d", &k), 1);
                seen[k].offset = r.offset;
                seen[k].tombstone = r.value == NULL;
                seen[k].count++;
                if (r.value)
                    snprintf(seen[k].value, sizeof(seen[k].value), "%.*s", r.value_len,
                             (const char *)r.value);
                records++;
            }
            next = it.hdr.base_offset + it.hdr.last_offset_delta + 1;
            brk_batch_iter_fini(&it);
            pos += sz;
        }
        off = next;
    }
    cn_buf_fini(&out);
    return records;
}

static void check_latest(brk_partition_t *p, const model_t *m, bool tombstones_visible) {
    seen_t seen[NKEYS];
    read_all(p, seen);
    for (int k = 0; k < NKEYS; k++) {
        const latest_t *l = &m->keys[k];
        if (l->offset < 0 || (l->tombstone && !tombstones_visible)) {
            assert_int_equal(seen[k].count, 0);
            continue;
        }
        assert_int_equal(seen[k].offset, l->offset);
        assert_int_equal(seen[k].tombstone, l->tombstone);
        if (!l->tombstone)
            assert_string_equal(seen[k].value, l->value);
    }
}

/* Every offset of the log, gaps included, reads back the next batch at or after it. */
static void check_every_offset(brk_partition_t *p) {
    int64_t ls, hw;
    cn_buf_t out;
    brk_partition_offsets(p, &ls, &hw);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    for (int64_t o = ls; o < hw; o++) {
        brk_batch_hdr_t h;
        cn_buf_reset(&out);
        assert_int_equal(brk_partition_read(p, o, 1, &out, NULL, NULL), CN_OK);
        assert_true(out.len >= BRK_BATCH_HEADER_SIZE);
        assert_int_equal(brk_batch_hdr_decode(out.data, out.len, &h, NULL), CN_OK);
        assert_true(h.base_offset + h.last_offset_delta >= o);
    }
    cn_buf_fini(&out);
}

static size_t count_records(brk_partition_t *p) {
    seen_t seen[NKEYS];
    return read_all(p, seen);
}

static void test_compact_latest(void **state) {
    char *dir = tu_tmpdir("clean_latest");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = open_part(logs, true);
    brk_partition_stats_t before, after;
    model_t m;
    size_t n0, n1;
    int64_t hw0, hw1;
    (void)state;
    write_history(p, &m, 120);
    brk_partition_stats(p, &before);
    assert_true(before.segments > 3);
    brk_partition_offsets(p, NULL, &hw0);
    n0 = count_records(p);
    assert_int_equal(brk_partition_compact(p, 5000, NULL), CN_OK);
    brk_partition_stats(p, &after);
    brk_partition_offsets(p, NULL, &hw1);
    assert_int_equal(hw0, hw1);
    assert_true(after.bytes < before.bytes);
    n1 = count_records(p);
    assert_true(n1 < n0);
    check_latest(p, &m, true);
    /* the active segment was left alone: it still holds its duplicates; once rolled, the next
     * cleaning takes them too */
    assert_int_equal(brk_partition_roll(p, NULL), CN_OK);
    assert_int_equal(brk_partition_compact(p, 5000, NULL), CN_OK);
    assert_true(count_records(p) <= n1);
    assert_int_equal(count_records(p), NKEYS);
    check_latest(p, &m, true);
    /* the small cleaned segments were merged */
    brk_partition_stats(p, &after);
    assert_true(after.segments <= 3);
    check_every_offset(p);
    brk_partition_put(p);
    brk_logs_close(logs);
    logs = bt_open(dir); /* and after a restart */
    p = open_part(logs, false);
    check_latest(p, &m, true);
    write_history(p, &m, 10);
    check_latest(p, &m, true);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_tombstones(void **state) {
    char *dir = tu_tmpdir("clean_tomb");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = open_part(logs, true);
    model_t m;
    int dead[] = {2, 5, 11};
    int64_t now = 100000;
    (void)state;
    write_history(p, &m, 60);
    put_keys(p, &m, dead, 3, 1000, true);
    assert_int_equal(brk_partition_roll(p, NULL), CN_OK);
    assert_int_equal(brk_partition_compact(p, now, NULL), CN_OK);
    check_latest(p, &m, true); /* tombstones visible: the horizon starts now */
    assert_int_equal(brk_partition_compact(p, now + DRM / 2, NULL), CN_OK);
    check_latest(p, &m, true); /* still before the horizon */
    brk_partition_put(p);
    brk_logs_close(logs);
    logs = bt_open(dir); /* the horizon is in the batch, so it survives a restart */
    p = open_part(logs, false);
    check_latest(p, &m, true);
    assert_int_equal(brk_partition_compact(p, now + DRM + 1, NULL), CN_OK);
    check_latest(p, &m, false); /* past the horizon: gone */
    assert_int_equal(count_records(p), NKEYS - 3);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static size_t leftovers(const char *dir) {
    char pdir[4096];
    DIR *d;
    struct dirent *e;
    size_t n = 0;
    snprintf(pdir, sizeof(pdir), "%s/c-0", dir);
    assert_non_null(d = opendir(pdir));
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".cleaned") || strstr(e->d_name, ".swap") ||
            strstr(e->d_name, ".deleted"))
            n++;
    closedir(d);
    return n;
}

/* Steps 1..4 of a swap, each left behind as a crash would; the group merges several small
 * cleaned segments (the first cleaning made them small), so recovery must retire them all. */
static void test_crash_during_swap(void **state) {
    (void)state;
    for (int step = 1; step <= 4; step++) {
        char *dir = tu_tmpdir("clean_swap");
        brk_logs_options_t o;
        brk_logs_t *logs = bt_open(dir);
        brk_partition_t *p = open_part(logs, true);
        brk_partition_stats_t st;
        model_t m;
        cn_error_t err;
        int keys[NKEYS];
        write_history(p, &m, 80);
        assert_int_equal(brk_partition_roll(p, NULL), CN_OK);
        assert_int_equal(brk_partition_compact(p, 5000, NULL), CN_OK);
        for (int i = 0; i < NKEYS; i++)
            keys[i] = i;
        for (int v = 0; v < 10; v++) { /* more history, a few segments more */
            put_keys(p, &m, keys + v % 5, 7, 500 + v, false);
            assert_int_equal(brk_partition_roll(p, NULL), CN_OK);
        }
        brk_partition_stats(p, &st);
        brk_partition_put(p);
        brk_logs_close(logs);
        memset(&o, 0, sizeof(o));
        o.dir = dir;
        o.compact_stop_after = step;
        logs = brk_logs_open(&o, NULL);
        p = open_part(logs, false);
        assert_int_equal(brk_partition_compact(p, 5000, &err), CN_ERR_INTERNAL);
        assert_true(leftovers(dir) > 0);
        brk_partition_put(p);
        brk_logs_abort(logs); /* the crash */
        logs = bt_open(dir);
        assert_int_equal(leftovers(dir), 0);
        p = open_part(logs, false);
        check_latest(p, &m, true);
        check_every_offset(p);
        assert_int_equal(brk_partition_compact(p, 5000, NULL), CN_OK);
        check_latest(p, &m, true);
        assert_int_equal(count_records(p), NKEYS);
        {
            brk_partition_stats_t after;
            brk_partition_stats(p, &after);
            assert_true(after.segments < st.segments);
        }
        brk_partition_put(p);
        brk_logs_close(logs);
        tu_tmpdir_free(dir);
    }
}

/* min.compaction.lag.ms keeps recent segments out of the cleaner; compact,delete applies both. */
static void test_lag_and_compact_delete(void **state) {
    char *dir = tu_tmpdir("clean_lag");
    brk_logs_t *logs = bt_open(dir);
    brk_partition_t *p = open_part(logs, true);
    const char *n[] = {"min.compaction.lag.ms", "cleanup.policy", "retention.ms"};
    const char *v[] = {"100000", "compact,delete", "-1"};
    model_t m;
    size_t n0;
    int64_t ls;
    (void)state;
    assert_int_equal(brk_topic_alter(logs, "c", n, v, 3, NULL), CN_OK);
    write_history(p, &m, 60); /* timestamps 1000..1059 */
    assert_int_equal(brk_partition_roll(p, NULL), CN_OK);
    n0 = count_records(p);
    assert_int_equal(brk_partition_compact(p, 50000, NULL), CN_OK); /* all within the lag */
    assert_int_equal(count_records(p), n0);
    assert_int_equal(brk_partition_compact(p, 200000, NULL), CN_OK);
    assert_true(count_records(p) < n0);
    check_latest(p, &m, true);
    /* and retention by time removes what is left once it is old enough */
    v[2] = "1000";
    assert_int_equal(brk_topic_alter(logs, "c", n + 2, v + 2, 1, NULL), CN_OK);
    assert_int_equal(brk_logs_maintain(logs, 200000, NULL), CN_OK);
    brk_partition_offsets(p, &ls, NULL);
    assert_true(ls > 0);
    assert_int_equal(count_records(p), 0); /* only the empty active segment is left */
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

static void test_background_cleaner(void **state) {
    char *dir = tu_tmpdir("clean_bg");
    brk_logs_options_t o;
    brk_logs_t *logs;
    brk_partition_t *p;
    model_t m;
    size_t n0;
    (void)state;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.background = true;
    o.cleaner_interval_ms = 20;
    logs = brk_logs_open(&o, NULL);
    p = open_part(logs, true);
    write_history(p, &m, 100);
    assert_int_equal(brk_partition_roll(p, NULL), CN_OK);
    n0 = count_records(p);
    for (int i = 0; i < 500 && count_records(p) == n0; i++) /* bounded: at most ~10 s */
        usleep(20000);
    assert_true(count_records(p) < n0);
    check_latest(p, &m, true);
    brk_partition_put(p);
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact_latest),     cmocka_unit_test(test_tombstones),
        cmocka_unit_test(test_crash_during_swap),  cmocka_unit_test(test_lag_and_compact_delete),
        cmocka_unit_test(test_background_cleaner),
    };
    return cmocka_run_group_tests_name("brk_clean", tests, NULL, NULL);
}
