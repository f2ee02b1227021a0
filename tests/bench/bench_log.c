/* SPDX-License-Identifier: Apache-2.0
 *
 * Log engine throughput beside the raw file system, measured in the same directory in the same
 * run (figures are printed, never asserted):
 *   (a) append 1 GiB as 1 KiB records in 16 KiB batches without forced fsync, then read it back,
 *       against plain write()/read() of the same byte count in 16 KiB / 1 MiB calls;
 *   (b) the same appends with sync=true (group commit) from several threads, against plain
 *       write() of the same bytes followed by one fdatasync (the disk's durable bandwidth), and
 *       against write()+fdatasync per 16 KiB (no group commit);
 *   (c) recovery time of the 1 GiB log after an unclean stop (a full CRC scan).
 * CAIRN_BENCH_BYTES shrinks the size (e.g. 67108864) for a quick check; CAIRN_BENCH_THREADS sets
 * the appending threads of (b) (default 32: each fsync covers what arrived while the previous
 * one ran, so the bytes per fsync grow with the number of concurrent appenders). Files go under
 * $TMPDIR (default /tmp).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/log/brk_batch.h"
#include "broker/log/brk_log.h"
#include "common/cn_fs.h"
#include "common/cn_time.h"

#define RECORD_BYTES      1024
#define RECORDS_PER_BATCH 16
#define READ_CHUNK        (1u << 20)

typedef struct bench {
    char dir[4096];
    uint64_t bytes; /* target payload */
    int threads;
    cn_buf_t batch; /* one 16-record batch, reused */
} bench_t;

static int atoi_checked(const char *s) {
    char *end;
    long v = strtol(s, &end, 10);
    return (*end || v < 1 || v > 64) ? 32 : (int)v;
}

static double secs_since(int64_t t0) {
    return (double)(cn_mono_ns() - t0) / 1e9;
}

static double mbps(uint64_t bytes, double s) {
    return s > 0 ? (double)bytes / s / 1e6 : 0;
}

static void die(const char *what, const cn_error_t *err) {
    fprintf(stderr, "bench_log: %s: %s\n", what, err ? err->msg : strerror(errno));
    exit(1);
}

static void build_batch(bench_t *b) {
    brk_record_t recs[RECORDS_PER_BATCH];
    static uint8_t value[RECORD_BYTES];
    char keys[RECORDS_PER_BATCH][16];
    for (size_t i = 0; i < sizeof(value); i++)
        value[i] = (uint8_t)(i * 31 + 7);
    for (int i = 0; i < RECORDS_PER_BATCH; i++) {
        snprintf(keys[i], sizeof(keys[i]), "key-%d", i);
        recs[i] = (brk_record_t){i,
                                 cn_wall_ms(),
                                 (const uint8_t *)keys[i],
                                 (int32_t)strlen(keys[i]),
                                 value,
                                 RECORD_BYTES,
                                 NULL,
                                 0};
    }
    cn_buf_init(&b->batch, CN_BUF_NO_LIMIT);
    if (brk_batch_build(&b->batch, recs, RECORDS_PER_BATCH, NULL, NULL) != CN_OK)
        die("build batch", NULL);
}

/* ---- raw baselines ---- */

static double raw_write(const bench_t *b, const char *name, int sync_mode) {
    char path[4200];
    uint64_t done = 0;
    int64_t t0;
    int fd;
    double s;
    snprintf(path, sizeof(path), "%s/%s", b->dir, name);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
        die(path, NULL);
    t0 = cn_mono_ns();
    while (done < b->bytes) {
        if (cn_fs_write_all(fd, b->batch.data, b->batch.len, NULL) != CN_OK)
            die("raw write", NULL);
        if (sync_mode == 2 && fdatasync(fd) != 0)
            die("raw fdatasync", NULL);
        done += b->batch.len;
    }
    if (sync_mode == 1 && fdatasync(fd) != 0)
        die("raw fdatasync", NULL);
    s = secs_since(t0);
    close(fd);
    return mbps(done, s);
}

static double raw_read(const bench_t *b, const char *name) {
    char path[4200];
    uint8_t *buf = malloc(READ_CHUNK);
    uint64_t done = 0;
    ssize_t n;
    int64_t t0;
    int fd;
    snprintf(path, sizeof(path), "%s/%s", b->dir, name);
    if (!buf || (fd = open(path, O_RDONLY)) < 0)
        die(path, NULL);
    t0 = cn_mono_ns();
    while ((n = read(fd, buf, READ_CHUNK)) > 0)
        done += (uint64_t)n;
    close(fd);
    free(buf);
    unlink(path);
    return mbps(done, secs_since(t0));
}

/* ---- the log ---- */

typedef struct appender {
    bench_t *b;
    brk_partition_t *p;
    uint64_t bytes;
    bool sync;
} appender_t;

static void *append_loop(void *arg) {
    appender_t *a = arg;
    uint8_t *copy = malloc(a->b->batch.len);
    brk_append_opts_t o = {a->sync, false};
    cn_error_t err;
    uint64_t done = 0;
    if (!copy)
        die("malloc", NULL);
    memcpy(copy, a->b->batch.data, a->b->batch.len);
    while (done < a->bytes) {
        if (brk_partition_append(a->p, copy, a->b->batch.len, &o, NULL, &err) != CN_OK)
            die("append", &err);
        done += a->b->batch.len;
    }
    free(copy);
    return NULL;
}

static brk_logs_t *open_logs(bench_t *b, const char *sub) {
    char path[4200];
    brk_logs_options_t o;
    cn_error_t err;
    brk_logs_t *logs;
    memset(&o, 0, sizeof(o));
    snprintf(path, sizeof(path), "%s/%s", b->dir, sub);
    o.dir = path;
    if (!(logs = brk_logs_open(&o, &err)))
        die("open", &err);
    return logs;
}

static brk_partition_t *make_topic(brk_logs_t *logs) {
    brk_topic_config_t cfg;
    cn_error_t err;
    brk_partition_t *p;
    brk_topic_config_defaults(&cfg);
    brk_topic_config_set(&cfg, "segment.bytes", "2147483647", NULL); /* one segment */
    if (brk_topic_create(logs, "bench", &cfg, &err) != CN_OK ||
        !(p = brk_partition_get(logs, "bench", 0, &err)))
        die("topic", &err);
    return p;
}

static double log_append(bench_t *b, brk_partition_t *p, int threads, bool sync) {
    pthread_t th[64];
    appender_t a[64];
    int64_t t0 = cn_mono_ns();
    uint64_t per = b->bytes / (uint64_t)threads, total = 0;
    for (int i = 0; i < threads; i++) {
        a[i] = (appender_t){b, p, per, sync};
        pthread_create(&th[i], NULL, append_loop, &a[i]);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < threads; i++)
        total += (a[i].bytes + b->batch.len - 1) / b->batch.len * b->batch.len;
    return mbps(total, secs_since(t0));
}

static double log_read(brk_partition_t *p) {
    cn_buf_t out;
    int64_t off = 0, ls, hw, t0 = cn_mono_ns();
    uint64_t bytes = 0;
    cn_error_t err;
    cn_buf_init(&out, CN_BUF_NO_LIMIT);
    brk_partition_offsets(p, &ls, &hw);
    while (off < hw) {
        brk_batch_hdr_t h;
        size_t last = 0, pos = 0;
        cn_buf_reset(&out);
        if (brk_partition_read(p, off, READ_CHUNK, &out, NULL, &err) != CN_OK || out.len == 0)
            die("read", &err);
        while (pos < out.len) { /* the consumer's walk to the next offset: headers only */
            last = pos;
            pos += brk_batch_size(out.data + pos, out.len - pos);
        }
        brk_batch_hdr_decode(out.data + last, out.len - last, &h, NULL);
        off = h.base_offset + h.last_offset_delta + 1;
        bytes += out.len;
    }
    cn_buf_fini(&out);
    return mbps(bytes, secs_since(t0));
}

static void report(const char *what, double log, double raw) {
    printf("  %-44s %8.1f MB/s   raw %8.1f MB/s   ratio %.2f\n", what, log, raw,
           raw > 0 ? log / raw : 0);
}

static double best(double a, double b) {
    return a > b ? a : b;
}

/* Raw and log runs alternate, best of two each, so that load from other processes on the
 * machine weighs on both sides alike. */
static void phase_a(bench_t *b) {
    double rw = 0, rr = 0, lw = 0, lr = 0;
    char path[4200];
    cn_error_t err;
    int64_t t0;
    brk_logs_t *logs = NULL;
    for (int rep = 0; rep < 2; rep++) {
        brk_partition_t *p;
        if (logs) {
            brk_logs_close(logs);
            snprintf(path, sizeof(path), "%s/a", b->dir);
            cn_fs_rmtree(path, &err);
        }
        rw = best(rw, raw_write(b, "raw-a", 0));
        rr = best(rr, raw_read(b, "raw-a"));
        logs = open_logs(b, "a");
        p = make_topic(logs);
        lw = best(lw, log_append(b, p, 1, false));
        lr = best(lr, log_read(p));
        brk_partition_put(p);
    }
    report("(a) append, no forced fsync, 1 thread", lw, rw);
    report("(a) read back", lr, rr);
    /* (c) an unclean stop, then recovery of the whole segment */
    brk_logs_abort(logs);
    t0 = cn_mono_ns();
    logs = open_logs(b, "a");
    printf("  %-44s %8.3f s for %.0f MiB (goal < 2 s for 1 GiB)\n",
           "(c) recovery after an unclean stop", secs_since(t0), (double)b->bytes / (1 << 20));
    brk_logs_close(logs);
    snprintf(path, sizeof(path), "%s/a", b->dir);
    cn_fs_rmtree(path, &err);
}

static void phase_b(bench_t *b) {
    brk_logs_t *logs = open_logs(b, "b");
    brk_partition_t *p = make_topic(logs);
    brk_partition_stats_t st;
    double rw = raw_write(b, "raw-b", 1), lw, each;
    char what[64], path[4200];
    cn_error_t err;
    raw_read(b, "raw-b");
    lw = log_append(b, p, b->threads, true);
    brk_partition_stats(p, &st);
    snprintf(what, sizeof(what), "(b) append, sync group commit, %d threads", b->threads);
    report(what, lw, rw);
    printf("  %-44s %llu appends, %llu fsyncs (%.1f appends per fsync)\n", "",
           (unsigned long long)st.appends, (unsigned long long)st.fsyncs,
           st.fsyncs ? (double)st.appends / (double)st.fsyncs : 0);
    {
        bench_t small = *b;
        small.bytes = b->bytes / 16; /* fsync per 16 KiB is slow: a sixteenth is enough */
        each = raw_write(&small, "raw-b2", 2);
        raw_read(&small, "raw-b2");
        report("(b') vs raw write+fdatasync per 16 KiB", lw, each);
    }
    brk_partition_put(p);
    brk_logs_close(logs);
    snprintf(path, sizeof(path), "%s/b", b->dir);
    cn_fs_rmtree(path, &err);
}

int main(void) {
    bench_t b;
    const char *tmp = getenv("TMPDIR"), *bytes = getenv("CAIRN_BENCH_BYTES"),
               *threads = getenv("CAIRN_BENCH_THREADS");
    memset(&b, 0, sizeof(b));
    b.bytes = bytes && *bytes ? strtoull(bytes, NULL, 10) : (1ull << 30);
    b.threads = threads && *threads ? atoi_checked(threads) : 32;
    if (b.bytes < (1u << 20))
        b.bytes = 1u << 20;
    snprintf(b.dir, sizeof(b.dir), "%s/cairn-bench-log-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(b.dir))
        die("mkdtemp", NULL);
    build_batch(&b);
    printf("bench_log: %.0f MiB as %d-byte records in %zu-byte batches, in %s\n",
           (double)b.bytes / (1 << 20), RECORD_BYTES, b.batch.len, b.dir);
    phase_a(&b);
    phase_b(&b);
    cn_fs_rmtree(b.dir, NULL);
    cn_buf_fini(&b.batch);
    return 0;
}
