/* SPDX-License-Identifier: Apache-2.0
 *
 * Crash tests of the log engine (docs/storage.md, Tests):
 *  - a child appends with sync=true from two threads and reports every acknowledged batch (its
 *    offset and stored bytes) through a pipe; the parent SIGKILLs it at random moments, many
 *    times; after each restart every acknowledged batch is there byte for byte, offsets are
 *    contiguous and increasing, and every readable batch is whole and passes its CRC;
 *  - random truncation and random garbage (or zeros) at the end of the last segment;
 *  - a zero-length active segment, deleted or damaged index files;
 *  - an injected fsync failure: the append fails, the engine refuses writes, reopening recovers.
 */
#include "tests/support/test_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cn_fs.h"
#include "common/cn_map.h"
#include "common/cn_props.h"
#include "tests/unit/broker/brk_test_util.h"

#define CYCLES 40
#define TOPIC  "crash"

static const char *const topic_kv[] = {"segment.bytes", "65536", "index.interval.bytes", "2048"};

static void create_topic(const char *dir) {
    brk_logs_t *logs = bt_open(dir);
    brk_topic_config_t cfg;
    brk_topic_config_defaults(&cfg);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(brk_topic_config_set(&cfg, topic_kv[2 * i], topic_kv[2 * i + 1], NULL),
                         CN_OK);
    assert_int_equal(brk_topic_create(logs, TOPIC, &cfg, NULL), CN_OK);
    brk_logs_close(logs);
}

/* ---- the acknowledged set: offset -> stored bytes ---- */

typedef struct acked {
    cn_map_t *map; /* int64 offset -> cn_buf_t* */
    int64_t max_next;
} acked_t;

static void buf_free(void *v) {
    cn_buf_fini(v);
    free(v);
}

static void acked_add(acked_t *a, int64_t off, const uint8_t *p, size_t len) {
    cn_buf_t *b = malloc(sizeof(*b));
    brk_batch_hdr_t h;
    assert_non_null(b);
    cn_buf_init(b, CN_BUF_NO_LIMIT);
    cn_buf_put(b, p, len);
    assert_int_equal(cn_map_put(a->map, &off, sizeof(off), b), CN_OK);
    assert_int_equal(brk_batch_hdr_decode(p, len, &h, NULL), CN_OK);
    if (off + h.last_offset_delta + 1 > a->max_next)
        a->max_next = off + h.last_offset_delta + 1;
}

/* Read the whole log: batches contiguous, all valid; every acknowledged batch identical. */
static int64_t verify_log(brk_partition_t *p, const acked_t *a) {
    int64_t ls, hw, off, next = 0;
    size_t found = 0;
    cn_buf_t out;
    brk_partition_offsets(p, &ls, &hw);
    assert_int_equal(ls, 0);
    assert_true(hw >= a->max_next);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    for (off = 0; off < hw;) {
        size_t pos = 0;
        cn_buf_reset(&out);
        assert_int_equal(brk_partition_read(p, off, 256 * 1024, &out, NULL, NULL), CN_OK);
        assert_true(out.len > 0);
        while (pos < out.len) {
            size_t sz = brk_batch_size(out.data + pos, out.len - pos);
            brk_batch_hdr_t h;
            const cn_buf_t *want;
            assert_true(sz > 0 && sz <= out.len - pos);
            assert_int_equal(brk_batch_validate(out.data + pos, sz, true, NULL), CN_OK);
            brk_batch_hdr_decode(out.data + pos, sz, &h, NULL);
            assert_int_equal(h.base_offset, next); /* contiguous, increasing */
            want = cn_map_get(a->map, &h.base_offset, sizeof(h.base_offset));
            if (want) {
                assert_bytes_equal(out.data + pos, sz, want->data, want->len);
                found++;
            }
            next = h.base_offset + h.last_offset_delta + 1;
            pos += sz;
        }
        off = next;
    }
    assert_int_equal(next, hw);
    assert_int_equal(found, cn_map_count(a->map));
    cn_buf_fini(&out);
    return hw;
}

/* "k<n>" -> n (keys of the fixtures). */
static int atoi_key(const uint8_t *key, int32_t len) {
    int64_t n = -1;
    char buf[16];
    assert_true(key && len > 1 && len < 15 && key[0] == 'k');
    memcpy(buf, key + 1, (size_t)len - 1);
    buf[len - 1] = '\0';
    assert_true(cn_parse_i64(buf, &n));
    return (int)n;
}

/* ---- the child ---- */

typedef struct child_ctx {
    brk_partition_t *p;
    int fd;
    unsigned seed;
    pthread_mutex_t mu;
} child_ctx_t;

static void *child_appender(void *arg) {
    child_ctx_t *c = arg;
    unsigned seed = c->seed ^ (unsigned)(uintptr_t)pthread_self();
    for (unsigned i = 0;; i++) {
        bt_batch_spec_t s = bt_spec(1 + (int)(rand_r(&seed) % 8), 16 + rand_r(&seed) % 300, i);
        brk_append_opts_t o = {true, false};
        brk_append_result_t res;
        uint8_t msg[4096];
        cn_buf_t b;
        s.tag = rand_r(&seed);
        cn_buf_init(&b, CN_BUF_NO_LIMIT);
        bt_build(&b, &s);
        if (brk_partition_append(c->p, b.data, b.len, &o, &res, NULL) != CN_OK)
            _exit(3);
        /* acknowledged: tell the parent; one write of < PIPE_BUF bytes is atomic */
        cn_be64_put(msg, (uint64_t)res.base_offset);
        cn_be32_put(msg + 8, (uint32_t)b.len);
        memcpy(msg + 12, b.data, b.len);
        if (write(c->fd, msg, 12 + b.len) != (ssize_t)(12 + b.len))
            _exit(4);
        cn_buf_fini(&b);
    }
    return NULL;
}

static void child_main(const char *dir, int fd, unsigned seed) {
    brk_logs_t *logs;
    brk_logs_options_t o;
    child_ctx_t c;
    pthread_t th[2];
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    if (!(logs = brk_logs_open(&o, NULL)) || !(c.p = brk_partition_get(logs, TOPIC, 0, NULL)))
        _exit(2);
    c.fd = fd;
    c.seed = seed;
    pthread_mutex_init(&c.mu, NULL);
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, child_appender, &c);
    pthread_join(th[0], NULL);
    _exit(5);
}

/* Read every complete message from the pipe. */
static void drain(int fd, acked_t *a) {
    cn_buf_t in;
    uint8_t chunk[65536];
    size_t pos = 0;
    ssize_t n;
    cn_buf_init(&in, CN_BUF_NO_LIMIT);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        cn_buf_put(&in, chunk, (size_t)n);
    while (in.len - pos >= 12) {
        int64_t off = (int64_t)cn_be64_get(in.data + pos);
        uint32_t len = cn_be32_get(in.data + pos + 8);
        if (in.len - pos - 12 < len)
            break;
        /* the stored form carries the assigned base offset and leader epoch 0 */
        brk_batch_set_base_offset(in.data + pos + 12, off);
        brk_batch_set_leader_epoch(in.data + pos + 12, 0);
        acked_add(a, off, in.data + pos + 12, len);
        pos += 12 + len;
    }
    cn_buf_fini(&in);
}

static void test_sigkill_cycles(void **state) {
    char *dir = tu_tmpdir("crash_kill");
    unsigned seed = tu_seed();
    acked_t a = {cn_map_new(buf_free), 0};
    int64_t hw = 0;
    (void)state;
    create_topic(dir);
    for (int cycle = 0; cycle < CYCLES; cycle++) {
        int pfd[2], status;
        pid_t pid;
        brk_logs_t *logs;
        brk_partition_t *p;
        assert_int_equal(pipe(pfd), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(pfd[0]);
            child_main(dir, pfd[1], seed + (unsigned)cycle);
        }
        close(pfd[1]);
        usleep(20000 + (useconds_t)(rand_r(&seed) % 100000));
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status)); /* it was still appending, not failed */
        drain(pfd[0], &a);
        close(pfd[0]);
        logs = bt_open(dir);
        p = brk_partition_get(logs, TOPIC, 0, NULL);
        assert_non_null(p);
        hw = verify_log(p, &a);
        brk_partition_put(p);
        if (rand_r(&seed) % 4 == 0)
            brk_logs_close(logs); /* sometimes the next start is a clean one */
        else
            brk_logs_abort(logs);
    }
    fprintf(stderr, "%d kill cycles: %zu acknowledged batches, %lld records\n", CYCLES,
            cn_map_count(a.map), (long long)hw);
    assert_true(cn_map_count(a.map) > 0);
    cn_map_free(a.map);
    tu_tmpdir_free(dir);
}

/* ---- editing files as a crash would leave them ---- */

static void last_segment(const char *dir, char *out, size_t cap) {
    char pdir[3900], best[64] = "";
    DIR *d;
    struct dirent *e;
    snprintf(pdir, sizeof(pdir), "%s/" TOPIC "-0", dir);
    assert_non_null(d = opendir(pdir));
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l == 24 && strcmp(e->d_name + 20, ".log") == 0 && strcmp(e->d_name, best) > 0)
            memcpy(best, e->d_name, 25);
    }
    closedir(d);
    assert_true(best[0] != '\0');
    snprintf(out, cap, "%s/%s", pdir, best);
}

static off_t file_size(const char *path) {
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Append n acknowledged (sync) batches and remember them. */
static void fill(brk_partition_t *p, acked_t *a, int n, unsigned *seed) {
    for (int i = 0; i < n; i++) {
        bt_batch_spec_t s = bt_spec(1 + (int)(rand_r(seed) % 5), 16 + rand_r(seed) % 400, i);
        brk_append_opts_t o = {true, false};
        brk_append_result_t res;
        cn_buf_t b;
        s.tag = rand_r(seed);
        cn_buf_init(&b, CN_BUF_NO_LIMIT);
        bt_build(&b, &s);
        assert_int_equal(brk_partition_append(p, b.data, b.len, &o, &res, NULL), CN_OK);
        acked_add(a, res.base_offset, b.data, b.len);
        cn_buf_fini(&b);
    }
}

/* Forget acknowledged batches at or after offset `from` (they were cut off on purpose). */
static void forget_from(acked_t *a, int64_t from) {
    cn_map_iter_t it = {0};
    const void *k;
    int64_t dead[4096];
    size_t n = 0;
    while (cn_map_next(a->map, &it, &k, NULL, NULL) && n < 4096) {
        int64_t off;
        memcpy(&off, k, sizeof(off));
        if (off >= from)
            dead[n++] = off;
    }
    for (size_t i = 0; i < n; i++)
        cn_map_del(a->map, &dead[i], sizeof(dead[i]));
    a->max_next = from < a->max_next ? from : a->max_next;
}

/* Where the batches of the file end at or before cut, and the next offset there. */
static int64_t offset_at_cut(const char *path, off_t cut, int64_t *next_out) {
    int fd = open(path, O_RDONLY);
    off_t pos = 0;
    int64_t next = -1;
    uint8_t h[BRK_BATCH_HEADER_SIZE];
    assert_true(fd >= 0);
    while (pread(fd, h, sizeof(h), pos) == (ssize_t)sizeof(h)) {
        size_t sz = brk_batch_size(h, sizeof(h));
        if (pos + (off_t)sz > cut)
            break;
        next = (int64_t)cn_be64_get(h) + (int32_t)cn_be32_get(h + 23) + 1;
        pos += (off_t)sz;
    }
    if (next < 0) /* nothing whole left in this segment: it starts at its base */
        next = strtoll(strrchr(path, '/') + 1, NULL, 10);
    close(fd);
    *next_out = next;
    return pos;
}

static void append_junk(const char *path, size_t n, bool zeros, unsigned *seed) {
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    uint8_t junk[8192];
    assert_true(fd >= 0 && n <= sizeof(junk));
    for (size_t i = 0; i < n; i++)
        junk[i] = zeros ? 0 : (uint8_t)rand_r(seed);
    assert_int_equal(write(fd, junk, n), (ssize_t)n);
    close(fd);
}

static void test_truncation_and_garbage(void **state) {
    char *dir = tu_tmpdir("crash_cut"), seg[4096];
    unsigned seed = tu_seed();
    acked_t a = {cn_map_new(buf_free), 0};
    (void)state;
    create_topic(dir);
    for (int round = 0; round < 12; round++) {
        brk_logs_t *logs = bt_open(dir);
        brk_partition_t *p = brk_partition_get(logs, TOPIC, 0, NULL);
        brk_partition_stats_t st;
        verify_log(p, &a);
        fill(p, &a, 20 + (int)(rand_r(&seed) % 40), &seed);
        brk_partition_put(p);
        brk_logs_abort(logs);
        last_segment(dir, seg, sizeof(seg));
        if (round % 3 == 0) { /* random truncation: what lies wholly before the cut stays */
            off_t size = file_size(seg), cut = size ? (off_t)(rand_r(&seed) % (unsigned)size) : 0;
            int64_t next;
            offset_at_cut(seg, cut, &next);
            assert_int_equal(truncate(seg, cut), 0);
            forget_from(&a, next);
        } else { /* garbage or zeros after the last batch: nothing is lost */
            append_junk(seg, 1 + rand_r(&seed) % 5000, round % 3 == 2, &seed);
        }
        logs = bt_open(dir);
        p = brk_partition_get(logs, TOPIC, 0, NULL);
        assert_int_equal(verify_log(p, &a), a.max_next);
        brk_partition_stats(p, &st);
        brk_partition_put(p);
        brk_logs_close(logs);
    }
    cn_map_free(a.map);
    tu_tmpdir_free(dir);
}

static void test_zero_length_segment(void **state) {
    char *dir = tu_tmpdir("crash_zero"), seg[4096];
    unsigned seed = tu_seed();
    acked_t a = {cn_map_new(buf_free), 0};
    brk_logs_t *logs;
    brk_partition_t *p;
    int64_t hw;
    (void)state;
    create_topic(dir);
    logs = bt_open(dir);
    p = brk_partition_get(logs, TOPIC, 0, NULL);
    fill(p, &a, 30, &seed);
    assert_int_equal(brk_partition_roll(p, NULL), CN_OK); /* crash right after a roll */
    brk_partition_offsets(p, NULL, &hw);
    brk_partition_put(p);
    brk_logs_abort(logs);
    last_segment(dir, seg, sizeof(seg));
    assert_int_equal(file_size(seg), 0);
    logs = bt_open(dir);
    p = brk_partition_get(logs, TOPIC, 0, NULL);
    assert_int_equal(verify_log(p, &a), hw);
    fill(p, &a, 10, &seed); /* the active segment now holds data ... */
    brk_partition_put(p);
    brk_logs_abort(logs);
    last_segment(dir, seg, sizeof(seg));
    assert_int_equal(truncate(seg, 0), 0); /* ... and loses all of it */
    forget_from(&a, hw);
    logs = bt_open(dir);
    p = brk_partition_get(logs, TOPIC, 0, NULL);
    assert_int_equal(verify_log(p, &a), hw);
    fill(p, &a, 5, &seed);
    verify_log(p, &a);
    brk_partition_put(p);
    brk_logs_close(logs);
    cn_map_free(a.map);
    tu_tmpdir_free(dir);
}

static void damage_indexes(const char *dir, unsigned *seed) {
    char pdir[4000];
    DIR *d;
    struct dirent *e;
    int i = 0;
    snprintf(pdir, sizeof(pdir), "%s/" TOPIC "-0", dir);
    assert_non_null(d = opendir(pdir));
    while ((e = readdir(d)) != NULL) {
        char p[4400];
        size_t l = strlen(e->d_name);
        snprintf(p, sizeof(p), "%s/%.255s", pdir, e->d_name);
        if (l > 6 && strcmp(e->d_name + l - 6, ".index") == 0) {
            if (i++ % 2 == 0)
                unlink(p); /* a deleted index */
            else
                append_junk(p, 8 * (1 + rand_r(seed) % 4), false, seed); /* one that lies */
        } else if (l > 10 && strcmp(e->d_name + l - 10, ".timeindex") == 0 && i % 3 == 0) {
            assert_int_equal(truncate(p, 5), 0);
        }
    }
    closedir(d);
}

static void test_damaged_indexes(void **state) {
    char *dir = tu_tmpdir("crash_idx");
    unsigned seed = tu_seed();
    acked_t a = {cn_map_new(buf_free), 0};
    brk_logs_t *logs;
    brk_partition_t *p;
    int64_t hw, off, ts;
    (void)state;
    create_topic(dir);
    logs = bt_open(dir);
    p = brk_partition_get(logs, TOPIC, 0, NULL);
    fill(p, &a, 600, &seed);
    brk_partition_offsets(p, NULL, &hw);
    brk_partition_put(p);
    brk_logs_close(logs); /* clean: the indexes are trusted next time, unless suspect */
    damage_indexes(dir, &seed);
    {
        char tmp[4200];
        snprintf(tmp, sizeof(tmp), "%s/" TOPIC "-0/checkpoint.tmp", dir);
        append_junk(tmp, 10, false, &seed); /* an atomic replacement cut short */
    }
    logs = bt_open(dir);
    p = brk_partition_get(logs, TOPIC, 0, NULL);
    assert_int_equal(verify_log(p, &a), hw);
    for (int64_t o = 0; o < hw; o += 7) {
        cn_buf_t out;
        int64_t first, next;
        cn_buf_init(&out, CN_BUF_NO_LIMIT);
        assert_int_equal(brk_partition_read(p, o, 1, &out, NULL, NULL), CN_OK);
        assert_int_equal(bt_walk(&out, &first, &next), 1);
        assert_true(first <= o && o < next);
        cn_buf_fini(&out);
    }
    assert_int_equal(brk_partition_offset_for_time(p, 0, &off, &ts, NULL), CN_OK);
    assert_int_equal(off, 0);
    {
        char tmp[4200];
        snprintf(tmp, sizeof(tmp), "%s/" TOPIC "-0/checkpoint.tmp", dir);
        assert_false(cn_fs_exists(tmp));
    }
    brk_partition_put(p);
    brk_logs_close(logs);
    cn_map_free(a.map);
    tu_tmpdir_free(dir);
}

/* ---- fsync failure ---- */

typedef struct fsync_inject {
    bool fail;
    int calls;
} fsync_inject_t;

static int failing_fsync(void *arg, int fd) {
    fsync_inject_t *f = arg;
    f->calls++;
    if (f->fail) {
        errno = EIO;
        return -1;
    }
    return fdatasync(fd);
}

static void test_fsync_failure(void **state) {
    char *dir = tu_tmpdir("crash_fsync");
    unsigned seed = tu_seed();
    acked_t a = {cn_map_new(buf_free), 0};
    fsync_inject_t inj = {false, 0};
    brk_logs_options_t o;
    brk_logs_t *logs;
    brk_partition_t *p;
    bt_batch_spec_t s = bt_spec(2, 50, 1);
    cn_error_t err;
    (void)state;
    create_topic(dir);
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.fsync_fn = failing_fsync;
    o.fsync_arg = &inj;
    logs = brk_logs_open(&o, NULL);
    p = brk_partition_get(logs, TOPIC, 0, NULL);
    fill(p, &a, 10, &seed);
    assert_true(inj.calls >= 10);
    assert_false(brk_logs_failed(logs));
    inj.fail = true;
    {
        cn_buf_t b;
        brk_append_opts_t so = {true, false};
        cn_buf_init(&b, CN_BUF_NO_LIMIT);
        bt_build(&b, &s);
        assert_int_equal(brk_partition_append(p, b.data, b.len, &so, NULL, &err), CN_ERR_FSYNC);
        cn_buf_fini(&b);
    }
    assert_true(brk_logs_failed(logs));
    inj.fail = false; /* even when the disk comes back, the engine stays failed */
    assert_int_equal(bt_append(p, &s, false, NULL), CN_ERR_FSYNC);
    assert_int_equal(brk_partition_flush(p, NULL), CN_ERR_FSYNC);
    brk_partition_put(p);
    brk_logs_close(logs); /* no clean-shutdown marker after a failure */
    logs = bt_open(dir);
    p = brk_partition_get(logs, TOPIC, 0, NULL);
    assert_false(brk_logs_failed(logs));
    verify_log(p, &a);
    fill(p, &a, 5, &seed);
    verify_log(p, &a);
    brk_partition_put(p);
    brk_logs_close(logs);
    cn_map_free(a.map);
    tu_tmpdir_free(dir);
}

/* ---- power loss: files cut back to what fsync made durable ---- */

#define PL_FILES 256

typedef struct synced_sizes {
    pthread_mutex_t mu;
    size_t n;
    ino_t ino[PL_FILES];
    off_t size[PL_FILES];
} synced_sizes_t;

/* The fsync hook: remember how much of each file an fsync made durable. */
static int tracking_fsync(void *arg, int fd) {
    synced_sizes_t *t = arg;
    struct stat st;
    size_t i;
    if (fstat(fd, &st) != 0 || fdatasync(fd) != 0)
        return -1;
    pthread_mutex_lock(&t->mu);
    for (i = 0; i < t->n && t->ino[i] != st.st_ino; i++)
        ;
    if (i == t->n && t->n < PL_FILES)
        t->ino[t->n++] = st.st_ino;
    if (i < PL_FILES && st.st_size > t->size[i])
        t->size[i] = st.st_size;
    pthread_mutex_unlock(&t->mu);
    return 0;
}

typedef struct pl_worker {
    brk_partition_t *p;
    acked_t *a;
    pthread_mutex_t *mu;
    unsigned seed;
} pl_worker_t;

static void *pl_append(void *arg) {
    pl_worker_t *w = arg;
    for (int i = 0; i < 60; i++) {
        bt_batch_spec_t s = bt_spec(1 + (int)(rand_r(&w->seed) % 4), 100, i);
        brk_append_opts_t o = {rand_r(&w->seed) % 3 != 0 && i < 50, false}; /* 1/3 not durable */
        brk_append_result_t res;
        cn_buf_t b;
        s.tag = rand_r(&w->seed);
        cn_buf_init(&b, CN_BUF_NO_LIMIT);
        bt_build(&b, &s);
        if (brk_partition_append(w->p, b.data, b.len, &o, &res, NULL) == CN_OK && o.sync) {
            pthread_mutex_lock(w->mu);
            acked_add(w->a, res.base_offset, b.data, b.len);
            pthread_mutex_unlock(w->mu);
        }
        cn_buf_fini(&b);
    }
    return NULL;
}

/* Every .log file loses a random part of what was never fsynced. */
static void lose_unsynced(const char *dir, synced_sizes_t *t, unsigned *seed) {
    char pdir[3900];
    DIR *d;
    struct dirent *e;
    snprintf(pdir, sizeof(pdir), "%s/" TOPIC "-0", dir);
    assert_non_null(d = opendir(pdir));
    while ((e = readdir(d)) != NULL) {
        char p[4200];
        struct stat st;
        off_t synced = 0, cut;
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 4, ".log") != 0)
            continue;
        snprintf(p, sizeof(p), "%s/%.255s", pdir, e->d_name);
        assert_int_equal(stat(p, &st), 0);
        for (size_t i = 0; i < t->n; i++)
            if (t->ino[i] == st.st_ino)
                synced = t->size[i];
        assert_true(synced <= st.st_size);
        cut = synced + (off_t)(rand_r(seed) % (unsigned)(st.st_size - synced + 1));
        assert_int_equal(truncate(p, cut), 0);
        for (size_t i = 0; i < t->n; i++) /* what survived is on disk after the reboot */
            if (t->ino[i] == st.st_ino)
                t->size[i] = cut;
        if (t->n < PL_FILES && synced == 0) {
            t->ino[t->n] = st.st_ino;
            t->size[t->n++] = cut;
        }
    }
    closedir(d);
}

static void test_power_loss(void **state) {
    char *dir = tu_tmpdir("crash_power");
    unsigned seed = tu_seed();
    acked_t a = {cn_map_new(buf_free), 0};
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    synced_sizes_t t;
    (void)state;
    memset(&t, 0, sizeof(t));
    pthread_mutex_init(&t.mu, NULL);
    create_topic(dir);
    for (int round = 0; round < 4; round++) {
        brk_logs_options_t o;
        brk_logs_t *logs;
        brk_partition_t *p;
        pl_worker_t w[4];
        pthread_t th[4];
        memset(&o, 0, sizeof(o));
        o.dir = dir;
        o.fsync_fn = tracking_fsync;
        o.fsync_arg = &t;
        logs = brk_logs_open(&o, NULL);
        p = brk_partition_get(logs, TOPIC, 0, NULL);
        verify_log(p, &a);
        for (int i = 0; i < 4; i++) {
            w[i] = (pl_worker_t){p, &a, &mu, seed + (unsigned)(round * 4 + i)};
            pthread_create(&th[i], NULL, pl_append, &w[i]);
        }
        for (int i = 0; i < 4; i++)
            pthread_join(th[i], NULL);
        brk_partition_put(p);
        brk_logs_abort(logs);          /* the machine goes down ... */
        lose_unsynced(dir, &t, &seed); /* ... and the page cache with it */
        logs = bt_open(dir);
        p = brk_partition_get(logs, TOPIC, 0, NULL);
        verify_log(p, &a); /* every acknowledged (fsynced) batch is there */
        brk_partition_put(p);
        brk_logs_abort(logs);
    }
    pthread_mutex_destroy(&t.mu);
    cn_map_free(a.map);
    tu_tmpdir_free(dir);
}

/* ---- SIGKILL while the cleaner runs ---- */

#define CTOPIC "ckill"
#define CKEYS  40

static void create_compacted(const char *dir) {
    static const char *const kv[] = {
        "cleanup.policy", "compact", "segment.bytes", "8192", "min.cleanable.dirty.ratio", "0.01"};
    brk_logs_t *logs = bt_open(dir);
    brk_topic_config_t cfg;
    brk_topic_config_defaults(&cfg);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(brk_topic_config_set(&cfg, kv[2 * i], kv[2 * i + 1], NULL), CN_OK);
    assert_int_equal(brk_topic_create(logs, CTOPIC, &cfg, NULL), CN_OK);
    brk_logs_close(logs);
}

static void *ckill_appender(void *arg) {
    child_ctx_t *c = arg;
    unsigned seed = c->seed ^ (unsigned)(uintptr_t)pthread_self();
    for (unsigned i = 0;; i++) {
        bt_batch_spec_t s = bt_spec(1 + (int)(rand_r(&seed) % 4), 16 + rand_r(&seed) % 100, i);
        brk_append_opts_t o = {true, true};
        brk_append_result_t res;
        uint8_t msg[4096];
        cn_buf_t b;
        s.key_base = (int)(rand_r(&seed) % CKEYS);
        s.tag = rand_r(&seed);
        cn_buf_init(&b, CN_BUF_NO_LIMIT);
        bt_build(&b, &s);
        if (brk_partition_append(c->p, b.data, b.len, &o, &res, NULL) != CN_OK)
            _exit(3);
        cn_be64_put(msg, (uint64_t)res.base_offset);
        cn_be32_put(msg + 8, (uint32_t)b.len);
        memcpy(msg + 12, b.data, b.len);
        if (write(c->fd, msg, 12 + b.len) != (ssize_t)(12 + b.len))
            _exit(4);
        cn_buf_fini(&b);
    }
    return NULL;
}

static void ckill_child(const char *dir, int fd, unsigned seed) {
    brk_logs_options_t o;
    brk_logs_t *logs;
    child_ctx_t c;
    pthread_t th[2];
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.background = true;
    o.cleaner_interval_ms = 5;
    if (!(logs = brk_logs_open(&o, NULL)) || !(c.p = brk_partition_get(logs, CTOPIC, 0, NULL)))
        _exit(2);
    c.fd = fd;
    c.seed = seed;
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, ckill_appender, &c);
    pthread_join(th[0], NULL);
    _exit(5);
}

typedef struct kv_latest {
    int64_t offset[CKEYS + 8];
    char value[CKEYS + 8][160];
} kv_latest_t;

/* Record the newest acknowledged value per key from the acknowledged batches. */
static void note_acked(kv_latest_t *l, const acked_t *a) {
    cn_map_iter_t it = {0};
    void *v;
    while (cn_map_next(a->map, &it, NULL, NULL, &v)) {
        const cn_buf_t *b = v;
        brk_batch_iter_t bi;
        brk_record_t r;
        assert_int_equal(brk_batch_iter_init(&bi, b->data, b->len, NULL), CN_OK);
        while (brk_batch_iter_next(&bi, &r, NULL) == 1) {
            int k = atoi_key(r.key, r.key_len);
            if (r.offset > l->offset[k]) {
                l->offset[k] = r.offset;
                snprintf(l->value[k], sizeof(l->value[k]), "%.*s", r.value_len,
                         (const char *)r.value);
            }
        }
        brk_batch_iter_fini(&bi);
    }
}

/* Every key's last record in the log is its newest acknowledged one, or newer. Returns the
 * number of records in the log. */
static size_t verify_compacted(brk_partition_t *p, const kv_latest_t *l) {
    kv_latest_t seen;
    int64_t ls, hw, off, last = -1;
    size_t records = 0;
    cn_buf_t out;
    memset(&seen, 0, sizeof(seen));
    for (int k = 0; k < CKEYS + 8; k++)
        seen.offset[k] = -1;
    brk_partition_offsets(p, &ls, &hw);
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    for (off = ls; off < hw;) {
        size_t pos = 0;
        cn_buf_reset(&out);
        assert_int_equal(brk_partition_read(p, off, 1 << 16, &out, NULL, NULL), CN_OK);
        if (out.len == 0)
            break;
        while (pos < out.len) {
            size_t sz = brk_batch_size(out.data + pos, out.len - pos);
            brk_batch_iter_t bi;
            brk_record_t r;
            assert_int_equal(brk_batch_verify_stored(out.data + pos, sz, NULL), CN_OK);
            assert_int_equal(brk_batch_iter_init(&bi, out.data + pos, sz, NULL), CN_OK);
            while (brk_batch_iter_next(&bi, &r, NULL) == 1) {
                int k = atoi_key(r.key, r.key_len);
                assert_true(r.offset > last);
                last = r.offset;
                seen.offset[k] = r.offset;
                records++;
                snprintf(seen.value[k], sizeof(seen.value[k]), "%.*s", r.value_len,
                         (const char *)r.value);
            }
            off = bi.hdr.base_offset + bi.hdr.last_offset_delta + 1;
            brk_batch_iter_fini(&bi);
            pos += sz;
        }
    }
    cn_buf_fini(&out);
    for (int k = 0; k < CKEYS + 8; k++) {
        if (l->offset[k] < 0)
            continue;
        assert_true(seen.offset[k] >= l->offset[k]);
        if (seen.offset[k] == l->offset[k])
            assert_string_equal(seen.value[k], l->value[k]);
    }
    return records;
}

static void test_sigkill_compaction(void **state) {
    char *dir = tu_tmpdir("crash_ckill");
    unsigned seed = tu_seed();
    kv_latest_t latest;
    size_t acked = 0, records = 0;
    int64_t hw = 0;
    (void)state;
    for (int k = 0; k < CKEYS + 8; k++)
        latest.offset[k] = -1;
    create_compacted(dir);
    for (int cycle = 0; cycle < 25; cycle++) {
        acked_t a = {cn_map_new(buf_free), 0};
        int pfd[2], status;
        pid_t pid;
        brk_logs_t *logs;
        brk_partition_t *p;
        assert_int_equal(pipe(pfd), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(pfd[0]);
            ckill_child(dir, pfd[1], seed + (unsigned)cycle);
        }
        close(pfd[1]);
        usleep(30000 + (useconds_t)(rand_r(&seed) % 120000));
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        drain(pfd[0], &a);
        close(pfd[0]);
        note_acked(&latest, &a);
        acked += cn_map_count(a.map);
        cn_map_free(a.map);
        logs = bt_open(dir);
        p = brk_partition_get(logs, CTOPIC, 0, NULL);
        assert_non_null(p);
        records = verify_compacted(p, &latest);
        brk_partition_offsets(p, NULL, &hw);
        brk_partition_put(p);
        brk_logs_abort(logs);
    }
    fprintf(stderr,
            "25 kill cycles with the cleaner running: %zu acknowledged batches, %lld offsets, "
            "%zu records left after compaction\n",
            acked, (long long)hw, records);
    tu_tmpdir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigkill_cycles),      cmocka_unit_test(test_truncation_and_garbage),
        cmocka_unit_test(test_zero_length_segment), cmocka_unit_test(test_damaged_indexes),
        cmocka_unit_test(test_fsync_failure),       cmocka_unit_test(test_sigkill_compaction),
        cmocka_unit_test(test_power_loss),
    };
    return cmocka_run_group_tests_name("brk_log_crash", tests, NULL, NULL);
}
