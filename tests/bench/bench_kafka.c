/* SPDX-License-Identifier: Apache-2.0
 *
 * Kafka load benchmark on librdkafka's public API: produce 100-byte and 1 KiB messages with
 * acks=1 and acks=-1 to the bundled broker (brokerd as a process) and to librdkafka's in-process
 * mock cluster (test.mock.num.brokers=1) in the same run, consume them back, and print msgs/s,
 * MB/s and the ratios broker/mock, the broker's resident memory, and produce-to-consume latency
 * p50/p99 at a fixed moderate rate. Figures are printed, never asserted.
 */
#include "tests/support/test_util.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_time.h"
#include "tests/support/tu_brokerd.h"

#define LAT_RATE 2000 /* messages per second */
#define LAT_SECS 2

typedef struct target {
    const char *name;
    char bootstrap[256];
    pid_t pid; /* brokerd, or 0 for the mock */
    rd_kafka_mock_cluster_t *mock;
    long max_rss_kb;
} target_t;

typedef struct result {
    double produce_mps, produce_mbs, consume_mps, consume_mbs;
    int consumed;
} result_t;

static long rss_kb(pid_t pid) {
    char path[64], line[256];
    long kb = 0;
    FILE *f;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (!(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static void sample_rss(target_t *t) {
    long kb = t->pid > 0 ? rss_kb(t->pid) : 0;
    if (kb > t->max_rss_kb)
        t->max_rss_kb = kb;
}

static rd_kafka_t *client(const target_t *t, rd_kafka_type_t type, const char *const *kv) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[256];
    rd_kafka_t *rk;
    size_t i;
    rd_kafka_conf_set(conf, "bootstrap.servers", t->bootstrap, errstr, sizeof(errstr));
    for (i = 0; kv && kv[i]; i += 2)
        if (rd_kafka_conf_set(conf, kv[i], kv[i + 1], errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
            fprintf(stderr, "%s: %s\n", kv[i], errstr);
    rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stderr, "rd_kafka_new: %s\n", errstr);
        exit(1);
    }
    return rk;
}

static void make_topic(target_t *t, const char *topic) {
    if (t->mock)
        rd_kafka_mock_topic_create(t->mock, topic, 1, 1);
}

static double produce(target_t *t, const char *topic, const char *acks, size_t size, int n) {
    const char *const kv[] = {"acks",    acks, "linger.ms", "5", "queue.buffering.max.messages",
                              "1000000", NULL};
    rd_kafka_t *p = client(t, RD_KAFKA_PRODUCER, kv);
    char *payload = malloc(size);
    int64_t t0;
    int i;
    memset(payload, 'x', size);
    t0 = cn_mono_ns();
    for (i = 0; i < n; i++) {
        while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(payload, size),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(p, 1);
        if ((i & 0xffff) == 0)
            sample_rss(t);
    }
    rd_kafka_flush(p, 60000);
    t0 = cn_mono_ns() - t0;
    sample_rss(t);
    rd_kafka_destroy(p);
    free(payload);
    return (double)t0 / 1e9;
}

/* Consume everything the partition holds (the mock cluster keeps only its last few MB per
 * partition, so its count can be lower than what was produced); *n_out is how many. */
static double consume(target_t *t, const char *topic, int *n_out) {
    const char *const kv[] = {"group.id", "bench", "fetch.wait.max.ms", "100", NULL};
    rd_kafka_t *c = client(t, RD_KAFKA_CONSUMER, kv);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    int64_t lo = 0, hi = 0, t0;
    int got = 0, idle = 0, want;
    rd_kafka_query_watermark_offsets(c, topic, 0, &lo, &hi, 10000);
    want = (int)(hi - lo);
    t0 = cn_mono_ns();
    rd_kafka_topic_partition_list_add(l, topic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(c, l);
    rd_kafka_topic_partition_list_destroy(l);
    while (got < want && idle < 100) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
        if (!m) {
            idle++;
            continue;
        }
        idle = 0;
        if (!m->err)
            got++;
        rd_kafka_message_destroy(m);
    }
    t0 = cn_mono_ns() - t0;
    sample_rss(t);
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    *n_out = got;
    return (double)t0 / 1e9;
}

static result_t run_case(target_t *t, const char *acks, size_t size, int n, int seq) {
    char topic[64];
    result_t r;
    double secs;
    int got;
    snprintf(topic, sizeof(topic), "bench-%s-%zu-%d", acks[0] == '-' ? "all" : "one", size, seq);
    make_topic(t, topic);
    secs = produce(t, topic, acks, size, n);
    r.produce_mps = n / secs;
    r.produce_mbs = r.produce_mps * (double)size / 1e6;
    secs = consume(t, topic, &got);
    r.consumed = got;
    r.consume_mps = got / secs;
    r.consume_mbs = r.consume_mps * (double)size / 1e6;
    return r;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Produce at LAT_RATE/s with acks=1 and linger 0 while a consumer reads; latency = receive time
 * minus the send time carried in the payload. */
static void latency(target_t *t, double *p50, double *p99) {
    const char *const pkv[] = {"acks", "1", "linger.ms", "0", NULL};
    const char *const ckv[] = {"group.id", "lat", "fetch.wait.max.ms", "10", NULL};
    int total = LAT_RATE * LAT_SECS, sent = 0, got = 0, idle = 0;
    int64_t *lat = calloc((size_t)total, sizeof(int64_t)), start;
    rd_kafka_message_t *m;
    rd_kafka_t *p, *c;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    make_topic(t, "latency");
    p = client(t, RD_KAFKA_PRODUCER, pkv);
    c = client(t, RD_KAFKA_CONSUMER, ckv);
    rd_kafka_producev(p, RD_KAFKA_V_TOPIC("latency"), RD_KAFKA_V_VALUE("warmup", 6),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    rd_kafka_flush(p, 10000);
    rd_kafka_topic_partition_list_add(l, "latency", 0)->offset = RD_KAFKA_OFFSET_END;
    rd_kafka_assign(c, l);
    rd_kafka_topic_partition_list_destroy(l);
    if ((m = rd_kafka_consumer_poll(c, 500)))
        rd_kafka_message_destroy(m);
    start = cn_mono_ns();
    while (got < total && idle < 200) {
        int64_t now = cn_mono_ns();
        while (sent < total && now - start >= (int64_t)sent * 1000000000 / LAT_RATE) {
            rd_kafka_producev(p, RD_KAFKA_V_TOPIC("latency"), RD_KAFKA_V_VALUE(&now, sizeof(now)),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            sent++;
        }
        rd_kafka_poll(p, 0);
        m = rd_kafka_consumer_poll(c, 1);
        if (!m) {
            idle += sent == total;
            continue;
        }
        if (!m->err && m->len == sizeof(int64_t)) {
            int64_t ts;
            memcpy(&ts, m->payload, sizeof(ts));
            lat[got++] = cn_mono_ns() - ts;
        }
        rd_kafka_message_destroy(m);
    }
    qsort(lat, (size_t)got, sizeof(int64_t), cmp_i64);
    *p50 = got ? (double)lat[got / 2] / 1e6 : -1;
    *p99 = got ? (double)lat[(size_t)got * 99 / 100] / 1e6 : -1;
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    rd_kafka_flush(p, 5000);
    rd_kafka_destroy(p);
    free(lat);
}

static void print_case(const char *acks, size_t size, int n, const result_t *c, const result_t *m) {
    printf("  %4zu B acks=%-2s %7d msgs | produce cairn %9.0f msg/s %7.1f MB/s, mock %9.0f msg/s "
           "%7.1f MB/s, ratio %.2f | consume cairn %9.0f msg/s (%d), mock %9.0f msg/s (%d), "
           "ratio %.2f\n",
           size, acks, n, c->produce_mps, c->produce_mbs, m->produce_mps, m->produce_mbs,
           c->produce_mps / m->produce_mps, c->consume_mps, c->consumed, m->consume_mps,
           m->consumed, c->consume_mps / m->consume_mps);
}

int main(void) {
    static const struct {
        const char *acks;
        size_t size;
        int n;
    } cases[] = {
        {"1", 100, 300000}, {"-1", 100, 300000}, {"1", 1024, 100000}, {"-1", 1024, 100000}};
    char path[512], *dir;
    tu_brokerd_t b;
    target_t cairn = {"cairn", "", 0, NULL, 0}, mock = {"mock", "", 0, NULL, 0};
    rd_kafka_t *holder;
    double p50, p99, m50, m99;
    size_t i;
    tu_brokerd_path(path, sizeof(path));
    if (access(path, X_OK) != 0) {
        printf("bench_kafka: no %s (build it first)\n", path);
        return 0;
    }
    dir = tu_tmpdir("bench-kafka");
    tu_brokerd_start(&b, dir, 0, NULL);
    cairn.pid = b.pid;
    snprintf(cairn.bootstrap, sizeof(cairn.bootstrap), "127.0.0.1:%d", b.port);
    holder =
        client(&mock, RD_KAFKA_PRODUCER, (const char *const[]){"test.mock.num.brokers", "1", NULL});
    mock.mock = rd_kafka_handle_mock_cluster(holder);
    snprintf(mock.bootstrap, sizeof(mock.bootstrap), "%s",
             rd_kafka_mock_cluster_bootstraps(mock.mock));
    printf("bench_kafka: librdkafka %s; cairn brokerd (%s) vs librdkafka mock cluster\n",
           rd_kafka_version_str(), path);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        result_t c = run_case(&cairn, cases[i].acks, cases[i].size, cases[i].n, (int)i);
        result_t m = run_case(&mock, cases[i].acks, cases[i].size, cases[i].n, (int)i);
        print_case(cases[i].acks, cases[i].size, cases[i].n, &c, &m);
    }
    latency(&cairn, &p50, &p99);
    latency(&mock, &m50, &m99);
    printf("  latency at %d msg/s (acks=1): cairn p50 %.2f ms p99 %.2f ms | mock p50 %.2f ms "
           "p99 %.2f ms\n",
           LAT_RATE, p50, p99, m50, m99);
    sample_rss(&cairn);
    printf("  brokerd max RSS: %.1f MB\n", (double)cairn.max_rss_kb / 1024.0);
    rd_kafka_destroy(holder);
    tu_brokerd_stop(&b, SIGTERM);
    tu_tmpdir_free(dir);
    return 0;
}
