/* SPDX-License-Identifier: Apache-2.0
 *
 * The Kafka-cluster store backend against a real Kafka-protocol broker: a `cairnd` started with
 * its Kafka listener on a free loopback port acts as the cluster. Checks topic creation and the
 * refusal of topics that are not one partition + compact, appends (tombstones included) and reads
 * from any offset, reopening, and configuration errors. Skipped when cairnd is not built.
 */
#include "tests/support/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "common/cn_props.h"
#include "common/cn_time.h"
#include "registry/reg_store_kafka.h"

typedef struct broker {
    pid_t pid;
    char *dir;
    char bootstrap[64];
} broker_t;

static bool port_open(int port) {
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool ok;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

/* Whether this cairnd has a Kafka listener (--kafka in its --help). */
static bool cairnd_has_kafka(const char *bin) {
    char cmd[4200], line[512];
    bool found = false;
    FILE *f;
    snprintf(cmd, sizeof(cmd), "%s --help 2>&1", bin);
    f = popen(cmd, "r");
    while (f && fgets(line, sizeof(line), f))
        found = found || strstr(line, "--kafka") != NULL;
    if (f)
        pclose(f);
    return found;
}

static int broker_start(void **state) {
    static broker_t b;
    char bin[4096], http[64], kafka[64];
    int kport = tu_free_port(), hport = tu_free_port();
    snprintf(bin, sizeof(bin), "%s/bin/cairnd", tu_build_dir());
    if (access(bin, X_OK) != 0 || !cairnd_has_kafka(bin))
        return 0; /* tests skip */
    b.dir = tu_tmpdir("kstore");
    snprintf(http, sizeof(http), "127.0.0.1:%d", hport);
    snprintf(kafka, sizeof(kafka), "127.0.0.1:%d", kport);
    snprintf(b.bootstrap, sizeof(b.bootstrap), "127.0.0.1:%d", kport);
    b.pid = fork();
    if (b.pid == 0) {
        execl(bin, bin, "--data-dir", b.dir, "--http", http, "--kafka", kafka, (char *)NULL);
        _exit(127);
    }
    for (int64_t end = cn_mono_ms() + 20000; cn_mono_ms() < end && !port_open(kport);)
        usleep(20000);
    if (!port_open(kport))
        return -1;
    *state = &b;
    return 0;
}

static int broker_stop(void **state) {
    broker_t *b = *state;
    if (!b)
        return 0;
    kill(b->pid, SIGTERM);
    waitpid(b->pid, NULL, 0);
    tu_tmpdir_free(b->dir);
    return 0;
}

static cn_props_t *props_for(const broker_t *b, const char *topic) {
    cn_props_t *p = cn_props_new();
    cn_props_set(p, "kafkastore.bootstrap.servers", b->bootstrap);
    cn_props_set(p, "kafkastore.topic", topic);
    cn_props_set(p, "kafkastore.timeout.ms", "10000");
    cn_props_set(p, "kafkastore.init.timeout.ms", "20000");
    return p;
}

typedef struct seen {
    int n;
    int64_t offsets[16];
    char keys[16][64];
    int32_t value_lens[16];
} seen_t;

static cn_err_t collect(void *arg, const reg_rec_t *rec, cn_error_t *err) {
    seen_t *s = arg;
    (void)err;
    assert_true(s->n < 16);
    s->offsets[s->n] = rec->offset;
    snprintf(s->keys[s->n], sizeof(s->keys[0]), "%.*s", rec->key_len, (const char *)rec->key);
    s->value_lens[s->n] = rec->value_len;
    s->n++;
    return CN_OK;
}

static void append3(reg_store_t *st) {
    reg_rec_t recs[3] = {
        {(const uint8_t *)"{\"keytype\":\"NOOP\",\"magic\":0}", 28, NULL, -1, 0, 0},
        {(const uint8_t *)"k1", 2, (const uint8_t *)"v1", 2, 0, 0},
        {(const uint8_t *)"k2", 2, (const uint8_t *)"value2", 6, 0, 0},
    };
    int64_t last = -1;
    cn_error_t err;
    if (reg_store_append(st, recs, 3, &last, &err) != CN_OK)
        fail_msg("append: %s", err.msg);
    assert_int_equal(last, 2);
}

static void test_kstore_append_read_reopen(void **state) {
    broker_t *b = *state;
    cn_props_t *p;
    reg_store_t *st;
    seen_t seen = {0};
    int64_t next = -1, end = -1;
    cn_error_t err;
    if (!b)
        skip();
    p = props_for(b, "registry-store");
    st = reg_store_kafka_new(p, NULL, &err);
    if (!st)
        fail_msg("new: %s", err.msg);
    append3(st);
    assert_int_equal(reg_store_end_offset(st, &end, &err), CN_OK);
    assert_int_equal(end, 3);
    if (reg_store_read(st, 0, collect, &seen, &next, &err) != CN_OK)
        fail_msg("read: %s", err.msg);
    assert_int_equal(next, 3);
    assert_int_equal(seen.n, 3);
    assert_string_equal(seen.keys[0], "{\"keytype\":\"NOOP\",\"magic\":0}");
    assert_int_equal(seen.value_lens[0], -1); /* a tombstone stays a tombstone */
    assert_string_equal(seen.keys[2], "k2");
    assert_int_equal(seen.value_lens[2], 6);
    reg_store_free(st);

    st = reg_store_kafka_new(p, NULL, &err); /* the topic exists now: accepted as it is */
    if (!st)
        fail_msg("reopen: %s", err.msg);
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(reg_store_read(st, 1, collect, &seen, &next, &err), CN_OK);
    assert_int_equal(seen.n, 2);
    assert_int_equal(seen.offsets[0], 1);
    assert_int_equal(reg_store_read(st, 3, collect, &seen, &next, &err), CN_OK);
    assert_int_equal(next, 3);
    assert_int_equal(seen.n, 2);
    reg_store_free(st);
    cn_props_free(p);
}

static cn_err_t find_keys(void *arg, const reg_rec_t *rec, cn_error_t *err) {
    char(*keys)[16] = arg;
    (void)err;
    if (rec->offset >= 0 && rec->offset < 64)
        snprintf(keys[rec->offset], sizeof(keys[0]), "%.*s", rec->key_len, (const char *)rec->key);
    return CN_OK;
}

static cn_err_t append_key(reg_store_t *st, int i, int64_t *last, cn_error_t *err) {
    char key[16];
    reg_rec_t rec = {(const uint8_t *)key, 0, (const uint8_t *)"v", 1, 0, 0};
    rec.key_len = snprintf(key, sizeof(key), "k%d", i);
    return reg_store_append(st, &rec, 1, last, err);
}

/* Appends while the broker is frozen (SIGSTOP) time out with 50002 and leave no delivery report
 * pending that points into freed memory (ASan watches the late reports after SIGCONT); appends
 * work again afterwards, and every acknowledged one is there under its own key. */
static void test_kstore_append_timeouts(void **state) {
    broker_t *b = *state;
    cn_props_t *p;
    reg_store_t *st;
    int64_t acked[8], last = -1;
    int nacked = 0;
    char keys[64][16];
    cn_error_t err;
    if (!b)
        skip();
    p = props_for(b, "registry-timeouts");
    cn_props_set(p, "kafkastore.timeout.ms", "200");
    cn_props_set(p, "kafkastore.init.timeout.ms", "3000");
    st = reg_store_kafka_new(p, NULL, &err);
    if (!st)
        fail_msg("new: %s", err.msg);
    kill(b->pid, SIGSTOP);
    for (int i = 0; i < 2; i++)
        assert_int_equal(append_key(st, i, &last, &err), CN_ERR_STORE_TIMEOUT);
    kill(b->pid, SIGCONT);
    for (int i = 2; i < 8; i++) {
        cn_err_t rc = CN_ERR_STORE_TIMEOUT;
        for (int64_t end = cn_mono_ms() + 20000; rc == CN_ERR_STORE_TIMEOUT && cn_mono_ms() < end;)
            rc = append_key(st, i, &last, &err); /* the producer may first recover its epoch */
        if (rc != CN_OK)
            fail_msg("append after SIGCONT: %s", err.msg);
        assert_true(last >= 0 && last < 64);
        acked[nacked++] = last * 100 + i; /* the offset and the key it must hold */
    }
    memset(keys, 0, sizeof(keys));
    assert_int_equal(reg_store_read(st, 0, find_keys, keys, NULL, &err), CN_OK);
    for (int i = 0; i < nacked; i++) {
        char want[16];
        snprintf(want, sizeof(want), "k%d", (int)(acked[i] % 100));
        assert_string_equal(keys[acked[i] / 100], want);
    }
    reg_store_free(st);
    cn_props_free(p);
}

/* Create a topic with the admin API, as an operator would have done by hand. */
static void admin_create(const broker_t *b, const char *topic, int partitions, const char *policy) {
    char msg[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;
    rd_kafka_NewTopic_t *nt;
    rd_kafka_queue_t *q;
    rd_kafka_event_t *ev;
    rd_kafka_conf_set(conf, "bootstrap.servers", b->bootstrap, msg, sizeof(msg));
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, msg, sizeof(msg));
    assert_non_null(rk);
    nt = rd_kafka_NewTopic_new(topic, partitions, 1, msg, sizeof(msg));
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", policy);
    q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    ev = rd_kafka_queue_poll(q, 20000);
    assert_non_null(ev);
    assert_int_equal(rd_kafka_event_error(ev), 0);
    rd_kafka_event_destroy(ev);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static void test_kstore_refuses_bad_topics(void **state) {
    broker_t *b = *state;
    cn_props_t *p;
    cn_error_t err;
    if (!b)
        skip();
    admin_create(b, "schemas3", 3, "compact");
    p = props_for(b, "schemas3");
    assert_null(reg_store_kafka_new(p, NULL, &err));
    assert_int_equal(err.code, CN_ERR_STORE);
    assert_non_null(strstr(err.msg, "exactly 1 partition"));
    cn_props_free(p);

    admin_create(b, "schemasdel", 1, "delete");
    p = props_for(b, "schemasdel");
    assert_null(reg_store_kafka_new(p, NULL, &err));
    assert_int_equal(err.code, CN_ERR_STORE);
    assert_non_null(strstr(err.msg, "compact"));
    cn_props_free(p);
}

static void test_kstore_config_errors(void **state) {
    broker_t nobody = {0, NULL, "127.0.0.1:1"}; /* refused before any connection is tried */
    cn_props_t *p;
    cn_error_t err;
    (void)state;
    p = props_for(&nobody, "_schemas");
    cn_props_set(p, "kafkastore.no.such.librdkafka.key", "1");
    assert_null(reg_store_kafka_new(p, NULL, &err));
    assert_int_equal(err.code, CN_ERR_INVALID_CONFIG);
    assert_non_null(strstr(err.msg, "no.such.librdkafka.key"));
    cn_props_free(p);
    p = props_for(&nobody, "_schemas");
    cn_props_set(p, "kafkastore.timeout.ms", "soon");
    assert_null(reg_store_kafka_new(p, NULL, &err));
    assert_int_equal(err.code, CN_ERR_INVALID_CONFIG);
    assert_non_null(strstr(err.msg, "kafkastore.timeout.ms"));
    cn_props_free(p);
    p = cn_props_new();
    assert_null(reg_store_kafka_new(p, NULL, &err));
    assert_non_null(strstr(err.msg, "kafkastore.bootstrap.servers"));
    cn_props_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kstore_append_read_reopen),
        cmocka_unit_test(test_kstore_refuses_bad_topics),
        cmocka_unit_test(test_kstore_append_timeouts),
        cmocka_unit_test(test_kstore_config_errors),
    };
    return cmocka_run_group_tests_name("reg_store_kafka", tests, broker_start, broker_stop);
}
