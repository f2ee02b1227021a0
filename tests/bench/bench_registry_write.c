/* SPDX-License-Identifier: Apache-2.0
 *
 * Registry write-path benchmarks, printed, never asserted (each beside a baseline measured in
 * the same run):
 *  - latency of registering the 1st, 100th and 1,000th version of one subject (BACKWARD, the
 *    versions differ only in their doc so every schema has the same size): p50/p99 of version 1
 *    of 100 subjects, of versions 91-110 and of versions 981-1000 of 5 subjects; goal: the
 *    1,000th within 1.3x of the 1st;
 *  - registrations per second on new subjects from 1 and from 8 concurrent clients, beside the
 *    log's own fsynced append rate of one ~200-byte record per append from 1 and 8 threads
 *    (group commit); goal: 8 clients at 5x or more of 1 client;
 *  - the same in process (the registry on the bundled log, no HTTP) with every fsync made
 *    SLOW_FSYNC_US slower through the log's test hook, as on a disk whose fsync costs that much:
 *    registrations per second from 1 and 8 writer threads and fsyncs per registration (group
 *    commit shares one fsync among the registrations that queued behind the previous one);
 *  - resident memory after registering 100,000 schemas over 10,000 subjects, beside the same
 *    cairnd restarted on that data (replay); goal: within 1.3x.
 */
#include "tests/support/test_util.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker/log/brk_batch.h"
#include "broker/log/brk_log.h"
#include "common/cn_time.h"
#include "registry/reg_registry.h"
#include "tests/support/http_client.h"
#include "tests/support/tu_cairnd.h"

#define FIRST_N       100 /* subjects whose version 1 is timed */
#define DEEP_SUBJ     5   /* subjects taken to 1,000 versions */
#define WINDOW        20  /* versions timed around 100 and 1,000 */
#define DEEP_MAX      1000
#define TPUT_MS       3000 /* each throughput phase */
#define MEM_TOTAL     100000
#define MEM_SUBJ      10000
#define MAX_CLIENT    8
#define SLOW_FSYNC_US 2000 /* the in-process group-commit figure: a 2 ms fsync */

static const char *const JSON_HDR = "Content-Type: application/json\r\n";

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* POST one schema; returns the microseconds it took, or -1 when it was not answered 200. */
static int64_t post_schema(int port, const char *subject, const char *name, long doc) {
    char path[160], body[320];
    tu_http_resp_t r;
    int64_t t0 = cn_mono_ns();
    snprintf(path, sizeof(path), "/subjects/%s/versions", subject);
    snprintf(body, sizeof(body),
             "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"%s\\\",\\\"doc\\\":"
             "\\\"v%ld\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\"},"
             "{\\\"name\\\":\\\"s\\\",\\\"type\\\":\\\"string\\\"}]}\"}",
             name, doc);
    int rc = tu_http(port, "POST", path, JSON_HDR, body, strlen(body), &r);
    int ok = rc == 0 && r.status == 200;
    tu_http_resp_free(&r);
    return ok ? (cn_mono_ns() - t0) / 1000 : -1;
}

static void print_pct(const char *what, int64_t *us, size_t n, double base_p50) {
    qsort(us, n, sizeof(*us), cmp_i64);
    double p50 = us[n / 2] / 1000.0, p99 = us[n * 99 / 100] / 1000.0;
    printf("  %-34s p50 %7.3f ms  p99 %7.3f ms  (n=%zu)", what, p50, p99, n);
    if (base_p50 > 0)
        printf("  p50 ratio to 1st %.2f (goal <= 1.30)", p50 / base_p50);
    printf("\n");
}

static void depth_latency(int port) {
    int64_t first[FIRST_N], at100[DEEP_SUBJ * WINDOW], at1000[DEEP_SUBJ * WINDOW];
    size_t n100 = 0, n1000 = 0, bad = 0;
    char subj[64];
    for (int i = 0; i < FIRST_N; i++) {
        snprintf(subj, sizeof(subj), "first-%d", i);
        bad += (first[i] = post_schema(port, subj, "Deep", 0)) < 0;
    }
    for (int s = 0; s < DEEP_SUBJ; s++) {
        snprintf(subj, sizeof(subj), "deep-%d", s);
        for (int v = 1; v <= DEEP_MAX; v++) {
            int64_t us = post_schema(port, subj, "Deep", v);
            bad += us < 0;
            if (v > 90 && v <= 90 + WINDOW)
                at100[n100++] = us;
            if (v > DEEP_MAX - WINDOW)
                at1000[n1000++] = us;
        }
    }
    printf("registering version N of one subject (BACKWARD, fsynced; %zu failed requests)\n", bad);
    print_pct("1st version (baseline):", first, FIRST_N, 0);
    double base = first[FIRST_N / 2] / 1000.0;
    print_pct("100th version (91-110):", at100, n100, base);
    print_pct("1,000th version (981-1000):", at1000, n1000, base);
}

/* ---- throughput: N clients registering new subjects for TPUT_MS ---- */

typedef struct client {
    int port, id;
    int64_t until_ns;
    long done, failed;
} client_t;

static void *client_loop(void *arg) {
    client_t *c = arg;
    char subj[64], name[32];
    while (cn_mono_ns() < c->until_ns) {
        snprintf(subj, sizeof(subj), "tput-%d-%ld", c->id, c->done + c->failed);
        snprintf(name, sizeof(name), "T%d", c->id);
        if (post_schema(c->port, subj, name, c->done) < 0)
            c->failed++;
        else
            c->done++;
    }
    return NULL;
}

static double registrations_per_s(int port, int clients, int tag) {
    pthread_t th[MAX_CLIENT];
    client_t c[MAX_CLIENT];
    int64_t t0 = cn_mono_ns();
    long done = 0;
    for (int i = 0; i < clients; i++) {
        c[i] = (client_t){port, tag * 100 + i, t0 + TPUT_MS * 1000000LL, 0, 0};
        pthread_create(&th[i], NULL, client_loop, &c[i]);
    }
    for (int i = 0; i < clients; i++) {
        pthread_join(th[i], NULL);
        done += c[i].done;
    }
    return done / ((cn_mono_ns() - t0) / 1e9);
}

typedef struct appender {
    brk_partition_t *p;
    const cn_buf_t *batch;
    int64_t until_ns;
    long done;
} appender_t;

static void *append_loop(void *arg) {
    appender_t *a = arg;
    uint8_t *copy = malloc(a->batch->len);
    brk_append_opts_t o = {true, false};
    cn_error_t err;
    while (copy && cn_mono_ns() < a->until_ns) {
        memcpy(copy, a->batch->data, a->batch->len);
        if (brk_partition_append(a->p, copy, a->batch->len, &o, NULL, &err) != CN_OK)
            break;
        a->done++;
    }
    free(copy);
    return NULL;
}

/* The floor: fsynced appends of one small record each, from `threads` threads. */
static double log_appends_per_s(brk_partition_t *p, const cn_buf_t *batch, int threads) {
    pthread_t th[MAX_CLIENT];
    appender_t a[MAX_CLIENT];
    int64_t t0 = cn_mono_ns();
    long done = 0;
    for (int i = 0; i < threads; i++) {
        a[i] = (appender_t){p, batch, t0 + TPUT_MS * 1000000LL, 0};
        pthread_create(&th[i], NULL, append_loop, &a[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        done += a[i].done;
    }
    return done / ((cn_mono_ns() - t0) / 1e9);
}

static int log_baseline(const char *dir, double out[2]) {
    static uint8_t value[200];
    char path[600];
    brk_logs_options_t o = {0};
    brk_topic_config_t cfg;
    cn_error_t err;
    cn_buf_t batch;
    brk_record_t rec = {0, 0, (const uint8_t *)"k", 1, value, sizeof(value), NULL, 0};
    snprintf(path, sizeof(path), "%s/log-baseline", dir);
    o.dir = path;
    brk_logs_t *logs = brk_logs_open(&o, &err);
    brk_partition_t *p = NULL;
    brk_topic_config_defaults(&cfg);
    if (!logs || brk_topic_create(logs, "bench", &cfg, &err) != CN_OK ||
        !(p = brk_partition_get(logs, "bench", 0, &err)))
        return -1;
    cn_buf_init(&batch, CN_BUF_NO_LIMIT);
    brk_batch_build(&batch, &rec, 1, NULL, NULL);
    out[0] = log_appends_per_s(p, &batch, 1);
    out[1] = log_appends_per_s(p, &batch, MAX_CLIENT);
    cn_buf_fini(&batch);
    brk_partition_put(p);
    brk_logs_close(logs);
    return 0;
}

static void throughput(int port, const char *dir) {
    double one = registrations_per_s(port, 1, 1), many = registrations_per_s(port, MAX_CLIENT, 2);
    double log[2] = {0, 0};
    if (log_baseline(dir, log) != 0)
        printf("  (log baseline failed)\n");
    printf("registrations per second on new subjects (fsynced), %d s each\n", TPUT_MS / 1000);
    printf("  1 client:  %8.0f /s   log, 1 thread:  %8.0f appends/s   ratio %.2f\n", one, log[0],
           log[0] > 0 ? one / log[0] : 0.0);
    printf("  %d clients: %8.0f /s   log, %d threads: %8.0f appends/s   ratio %.2f\n", MAX_CLIENT,
           many, MAX_CLIENT, log[1], log[1] > 0 ? many / log[1] : 0.0);
    printf("  %d clients / 1 client: %.2f (goal >= 5.0; the log's own: %.2f)\n", MAX_CLIENT,
           one > 0 ? many / one : 0.0, log[0] > 0 ? log[1] / log[0] : 0.0);
}

/* ---- in process, with a slowed fsync ---- */

static int slow_fsync(void *arg, int fd) {
    (void)arg;
    usleep(SLOW_FSYNC_US);
    return fdatasync(fd);
}

typedef struct writer {
    reg_registry_t *reg;
    int id;
    int64_t until_ns;
    long done, failed;
} writer_t;

static void *writer_loop(void *arg) {
    writer_t *w = arg;
    char subj[64], text[200];
    while (cn_mono_ns() < w->until_ns) {
        reg_schema_req_t req;
        int32_t id;
        long n = w->done + w->failed;
        snprintf(subj, sizeof(subj), "slow-%d-%ld", w->id, n);
        snprintf(text, sizeof(text),
                 "{\"type\":\"record\",\"name\":\"S%d_%ld\",\"fields\":[{\"name\":\"id\","
                 "\"type\":\"long\"}]}",
                 w->id, n);
        reg_schema_req_init(&req);
        req.schema = text;
        req.schema_len = strlen(text);
        if (reg_register(w->reg, REG_NAME(subj), &req, &id, NULL) == CN_OK)
            w->done++;
        else
            w->failed++;
    }
    return NULL;
}

static uint64_t part_fsyncs(brk_logs_t *logs) {
    brk_partition_stats_t st = {0};
    brk_partition_t *p = brk_partition_get(logs, "_schemas", 0, NULL);
    if (p) {
        brk_partition_stats(p, &st);
        brk_partition_put(p);
    }
    return st.fsyncs;
}

/* Registrations per second from `threads` writers; *per_reg: fsyncs per registration. */
static double slow_rate(reg_registry_t *reg, brk_logs_t *logs, int threads, int tag,
                        double *per_reg) {
    pthread_t th[MAX_CLIENT];
    writer_t w[MAX_CLIENT];
    uint64_t f0 = part_fsyncs(logs);
    int64_t t0 = cn_mono_ns();
    long done = 0;
    for (int i = 0; i < threads; i++) {
        w[i] = (writer_t){reg, tag * 100 + i, t0 + TPUT_MS * 1000000LL, 0, 0};
        pthread_create(&th[i], NULL, writer_loop, &w[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        done += w[i].done;
    }
    *per_reg = done ? (double)(part_fsyncs(logs) - f0) / done : 0.0;
    return done / ((cn_mono_ns() - t0) / 1e9);
}

static void slow_fsync_group_commit(const char *dir) {
    char path[600];
    brk_logs_options_t lo = {0};
    reg_options_t ro;
    cn_error_t err = {0};
    brk_logs_t *logs;
    reg_store_t *st = NULL;
    reg_registry_t *reg = NULL;
    double one, many, f1 = 0, f8 = 0;
    snprintf(path, sizeof(path), "%s/slow-fsync", dir);
    lo.dir = path;
    lo.fsync_fn = slow_fsync;
    if ((logs = brk_logs_open(&lo, &err)))
        st = reg_store_log_new(logs, "_schemas", &err);
    reg_options_defaults(&ro);
    ro.store = st;
    ro.lang = reg_lang_compat();
    ro.default_level = COMPAT_NONE;
    if (st)
        reg = reg_new(&ro, &err);
    if (!reg || reg_replay(reg, &err) != CN_OK) {
        printf("  (in-process registry failed: %s)\n", err.msg);
    } else {
        one = slow_rate(reg, logs, 1, 1, &f1);
        many = slow_rate(reg, logs, MAX_CLIENT, 2, &f8);
        printf("in process, every fsync %d ms slower (the registry on the bundled log, no HTTP), "
               "%d s each\n",
               SLOW_FSYNC_US / 1000, TPUT_MS / 1000);
        printf("  1 writer:  %8.0f /s   %.2f fsyncs per registration\n", one, f1);
        printf("  %d writers: %8.0f /s   %.2f fsyncs per registration\n", MAX_CLIENT, many, f8);
        printf("  %d writers / 1 writer: %.2f (goal >= 5.0)\n", MAX_CLIENT,
               one > 0 ? many / one : 0.0);
    }
    reg_free(reg);
    reg_store_free(st);
    brk_logs_close(logs);
}

/* ---- memory ---- */

typedef struct filler {
    int port, id, clients;
    long failed;
} filler_t;

static void *fill_loop(void *arg) {
    filler_t *f = arg;
    char subj[64], name[32];
    for (long n = f->id; n < MEM_TOTAL; n += f->clients) {
        snprintf(subj, sizeof(subj), "mem-%05ld-value", n % MEM_SUBJ);
        snprintf(name, sizeof(name), "M%ld", n);
        f->failed += post_schema(f->port, subj, name, n) < 0;
    }
    return NULL;
}

static long rss_kib(pid_t pid) {
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

static void memory(tu_cairnd_t *c, const char *dir) {
    pthread_t th[MAX_CLIENT];
    filler_t f[MAX_CLIENT];
    long failed = 0, written, replayed;
    tu_http_resp_t r;
    tu_http(c->port, "PUT", "/config", JSON_HDR, "{\"compatibility\":\"NONE\"}", 24, &r);
    tu_http_resp_free(&r);
    for (int i = 0; i < MAX_CLIENT; i++) {
        f[i] = (filler_t){c->port, i, MAX_CLIENT, 0};
        pthread_create(&th[i], NULL, fill_loop, &f[i]);
    }
    for (int i = 0; i < MAX_CLIENT; i++) {
        pthread_join(th[i], NULL);
        failed += f[i].failed;
    }
    written = rss_kib(c->pid);
    tu_cairnd_stop(c, SIGTERM);
    if (tu_cairnd_start(c, dir, 120000) != 0) {
        printf("  cairnd did not restart\n");
        return;
    }
    replayed = rss_kib(c->pid);
    printf("resident memory, %d schemas over %d subjects (%ld failed requests)\n", MEM_TOTAL,
           MEM_SUBJ, failed);
    printf("  after registering: %6.1f MB   after restart (baseline): %6.1f MB   ratio %.2f "
           "(goal <= 1.30)\n",
           written / 1024.0, replayed / 1024.0, replayed > 0 ? (double)written / replayed : 0.0);
}

int main(void) {
    char *dir = tu_tmpdir("bench-write");
    char data[600];
    tu_cairnd_t c;
    signal(SIGPIPE, SIG_IGN);
    snprintf(data, sizeof(data), "%s/cairnd", dir);
    mkdir(data, 0700);
    if (tu_cairnd_start(&c, data, 60000) != 0) {
        fprintf(stderr, "cairnd did not start\n");
        return 1;
    }
    depth_latency(c.port);
    throughput(c.port, dir);
    slow_fsync_group_commit(dir);
    memory(&c, data);
    tu_cairnd_stop(&c, SIGTERM);
    tu_tmpdir_free(dir);
    return 0;
}
