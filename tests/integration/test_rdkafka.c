/* SPDX-License-Identifier: Apache-2.0
 *
 * librdkafka 2.0.2 (a client nobody here wrote) against the bundled broker run as a process
 * (build/bin/brokerd): an idempotent producer; a consumer group of two members over a
 * 4-partition topic that rebalances when one joins and when one leaves, commits, and resumes
 * from the committed offsets after a broker restart; acknowledged acks=all messages surviving
 * SIGKILL; the admin API (create with configs, validate-only, describe configs, delete, the
 * `_schemas` guard).
 */
#include "tests/support/test_util.h"

#include <arpa/inet.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/kafka/kp.h"
#include "tests/support/tu_brokerd.h"

typedef struct fx {
    char *dir;
    char data[600];
    tu_brokerd_t b;
    char bootstrap[64];
} fx_t;

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    char path[512];
    tu_brokerd_path(path, sizeof(path));
    if (access(path, X_OK) != 0) {
        free(f);
        skip();
    }
    f->dir = tu_tmpdir("rdkafka");
    snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
    tu_brokerd_start(&f->b, f->data, 0, (const char *const[]){"--partitions", "3", NULL});
    snprintf(f->bootstrap, sizeof(f->bootstrap), "127.0.0.1:%d", f->b.port);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    if (!f)
        return 0;
    tu_brokerd_stop(&f->b, SIGTERM);
    tu_tmpdir_free(f->dir);
    free(f);
    return 0;
}

static void restart(fx_t *f, int sig) {
    int port = f->b.port;
    tu_brokerd_stop(&f->b, sig);
    tu_brokerd_start(&f->b, f->data, port, (const char *const[]){"--partitions", "3", NULL});
}

static rd_kafka_t *client(fx_t *f, rd_kafka_type_t type, const char *const *kv,
                          void (*dr)(rd_kafka_t *, const rd_kafka_message_t *, void *),
                          void *opaque) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[512];
    rd_kafka_t *rk;
    size_t i;
    assert_int_equal(
        rd_kafka_conf_set(conf, "bootstrap.servers", f->bootstrap, errstr, sizeof(errstr)),
        RD_KAFKA_CONF_OK);
    for (i = 0; kv && kv[i]; i += 2)
        if (rd_kafka_conf_set(conf, kv[i], kv[i + 1], errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
            fail_msg("%s: %s", kv[i], errstr);
    if (dr)
        rd_kafka_conf_set_dr_msg_cb(conf, dr);
    rd_kafka_conf_set_opaque(conf, opaque);
    rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
    if (!rk)
        fail_msg("rd_kafka_new: %s", errstr);
    return rk;
}

/* ---- producing ---- */

typedef struct dr_count {
    int ok, failed;
    rd_kafka_resp_err_t last_err;
} dr_count_t;

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    dr_count_t *c = opaque;
    (void)rk;
    if (m->err) {
        c->failed++;
        c->last_err = m->err;
    } else {
        c->ok++;
    }
}

static void produce_n(rd_kafka_t *rk, const char *topic, int from, int n) {
    char key[32], val[64];
    int i;
    for (i = from; i < from + n; i++) {
        rd_kafka_resp_err_t e;
        snprintf(key, sizeof(key), "k%d", i);
        snprintf(val, sizeof(val), "m-%d", i);
        do {
            e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)),
                                  RD_KAFKA_V_VALUE(val, strlen(val)),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(rk, 10);
        } while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL);
        assert_int_equal(e, RD_KAFKA_RESP_ERR_NO_ERROR);
    }
}

/* ---- consuming ---- */

/* Record each "m-<i>" value seen; returns how many new distinct ones arrived. */
static int take(rd_kafka_message_t *m, unsigned char *seen, int max) {
    char buf[32];
    long v;
    if (!m)
        return 0;
    if (m->err || m->len == 0 || m->len >= sizeof(buf)) {
        rd_kafka_message_destroy(m);
        return 0;
    }
    memcpy(buf, m->payload, m->len);
    buf[m->len] = '\0';
    rd_kafka_message_destroy(m);
    v = strtol(buf + 2, NULL, 10);
    if (v < 0 || v >= max || seen[v]++)
        return 0;
    return 1;
}

static int consume_assigned(fx_t *f, const char *topic, int nparts, unsigned char *seen, int max,
                            int want) {
    rd_kafka_t *c =
        client(f, RD_KAFKA_CONSUMER, (const char *const[]){"group.id", "reader", NULL}, NULL, NULL);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(nparts);
    int i, got = 0, idle = 0;
    for (i = 0; i < nparts; i++)
        rd_kafka_topic_partition_list_add(l, topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
    assert_int_equal(rd_kafka_assign(c, l), 0);
    rd_kafka_topic_partition_list_destroy(l);
    while (got < want && idle < 150) {
        int n = take(rd_kafka_consumer_poll(c, 100), seen, max);
        got += n;
        idle = n ? 0 : idle + 1;
    }
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    return got;
}

static void test_idempotent_producer(void **state) {
    fx_t *f = *state;
    dr_count_t dr = {0, 0, 0};
    rd_kafka_t *p = client(
        f, RD_KAFKA_PRODUCER,
        (const char *const[]){"enable.idempotence", "true", "linger.ms", "5", NULL}, on_dr, &dr);
    unsigned char *seen = calloc(3000, 1);
    produce_n(p, "idem", 0, 3000);
    assert_int_equal(rd_kafka_flush(p, 20000), 0);
    rd_kafka_destroy(p);
    assert_int_equal(dr.failed, 0);
    assert_int_equal(dr.ok, 3000);
    assert_int_equal(consume_assigned(f, "idem", 3, seen, 3000, 3000), 3000);
    free(seen);
}

static void test_acked_survive_sigkill(void **state) {
    fx_t *f = *state;
    dr_count_t dr = {0, 0, 0};
    rd_kafka_t *p =
        client(f, RD_KAFKA_PRODUCER, (const char *const[]){"acks", "all", NULL}, on_dr, &dr);
    unsigned char *seen = calloc(1500, 1);
    produce_n(p, "durable", 0, 1500);
    assert_int_equal(rd_kafka_flush(p, 20000), 0);
    rd_kafka_destroy(p);
    assert_int_equal(dr.ok, 1500);
    restart(f, SIGKILL);
    assert_int_equal(consume_assigned(f, "durable", 3, seen, 1500, 1500), 1500);
    free(seen);
}

/* ---- the consumer group ---- */

static const char *const group_conf[] = {"group.id",
                                         "g2",
                                         "session.timeout.ms",
                                         "6000",
                                         "heartbeat.interval.ms",
                                         "300",
                                         "auto.offset.reset",
                                         "earliest",
                                         "enable.auto.commit",
                                         "false",
                                         "topic.metadata.refresh.interval.ms",
                                         "1000",
                                         NULL};

static int assigned(rd_kafka_t *c) {
    rd_kafka_topic_partition_list_t *l = NULL;
    int n;
    if (rd_kafka_assignment(c, &l) != 0)
        return -1;
    n = l->cnt;
    rd_kafka_topic_partition_list_destroy(l);
    return n;
}

/* Poll both consumers (b may be NULL) until a has na and b has nb partitions. */
static int poll_until(rd_kafka_t *a, int na, rd_kafka_t *b, int nb, unsigned char *seen) {
    int got = 0, i;
    for (i = 0; i < 300; i++) {
        got += take(rd_kafka_consumer_poll(a, 50), seen, 400);
        if (b)
            got += take(rd_kafka_consumer_poll(b, 50), seen, 400);
        if (assigned(a) == na && (!b || assigned(b) == nb))
            return got;
    }
    fail_msg("no rebalance to %d/%d (have %d/%d)", na, nb, assigned(a), b ? assigned(b) : -1);
    return got;
}

/* Poll until want new messages arrived or the consumer stays idle for a while. */
static int drain(rd_kafka_t *c, unsigned char *seen, int want) {
    int got = 0, idle = 0;
    while (got < want && idle < 100) {
        int n = take(rd_kafka_consumer_poll(c, 50), seen, 400);
        got += n;
        idle = n ? 0 : idle + 1;
    }
    return got;
}

static void subscribe(rd_kafka_t *c, const char *topic) {
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, RD_KAFKA_PARTITION_UA);
    assert_int_equal(rd_kafka_subscribe(c, l), 0);
    rd_kafka_topic_partition_list_destroy(l);
}

static void create_topic(fx_t *f, const char *name, int parts, const char *const *configs,
                         bool validate_only, rd_kafka_resp_err_t expect);

static rd_kafka_topic_partition_list_t *committed(rd_kafka_t *c, const char *topic) {
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(4);
    int i;
    for (i = 0; i < 4; i++)
        rd_kafka_topic_partition_list_add(l, topic, i);
    assert_int_equal(rd_kafka_committed(c, l, 10000), 0);
    return l;
}

/* After the restart: the first offset the new member gets on each partition must be the
 * committed one. */
static int resume(rd_kafka_t *c, const rd_kafka_topic_partition_list_t *committed_offsets,
                  unsigned char *seen) {
    int64_t first[4] = {-1, -1, -1, -1};
    int got = 0, idle = 0, i;
    while (idle < 100) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 50);
        int n;
        if (m && !m->err && m->partition >= 0 && m->partition < 4 && first[m->partition] < 0)
            first[m->partition] = m->offset;
        n = take(m, seen, 400);
        got += n;
        idle = m ? 0 : idle + 1;
    }
    for (i = 0; i < 4; i++) {
        int64_t lo, hi, at = committed_offsets->elems[i].offset;
        assert_int_equal(rd_kafka_query_watermark_offsets(c, "grp", i, &lo, &hi, 10000), 0);
        if (at >= 0 && at < hi)
            assert_int_equal(first[i], at);
    }
    return got;
}

static void test_consumer_group(void **state) {
    fx_t *f = *state;
    unsigned char seen[400] = {0};
    dr_count_t dr = {0, 0, 0};
    rd_kafka_t *p, *a, *b, *c;
    rd_kafka_topic_partition_list_t *before, *after;
    int total = 0, i;
    create_topic(f, "grp", 4, NULL, false, RD_KAFKA_RESP_ERR_NO_ERROR);
    p = client(f, RD_KAFKA_PRODUCER, NULL, on_dr, &dr);
    produce_n(p, "grp", 0, 400);
    assert_int_equal(rd_kafka_flush(p, 20000), 0);
    rd_kafka_destroy(p);
    assert_int_equal(dr.ok, 400);

    a = client(f, RD_KAFKA_CONSUMER, group_conf, NULL, NULL);
    subscribe(a, "grp");
    total += poll_until(a, 4, NULL, 0, seen);
    total += drain(a, seen, 80);
    assert_int_equal(rd_kafka_commit(a, NULL, 0), 0);

    b = client(f, RD_KAFKA_CONSUMER, group_conf, NULL, NULL);
    subscribe(b, "grp");
    total += poll_until(a, 2, b, 2, seen); /* rebalance on join */
    total += drain(b, seen, 60);
    rd_kafka_commit(b, NULL, 0);
    rd_kafka_consumer_close(b); /* LeaveGroup */
    rd_kafka_destroy(b);
    total += poll_until(a, 4, NULL, 0, seen); /* rebalance on leave */
    total += drain(a, seen, 60);
    rd_kafka_commit(a, NULL, 0);
    before = committed(a, "grp");
    rd_kafka_consumer_close(a);
    rd_kafka_destroy(a);
    for (i = 0; i < 4; i++)
        if (before->elems[i].offset >= 0)
            break;
    assert_true(i < 4); /* something was committed */

    restart(f, SIGKILL); /* commits are durable when acknowledged */
    c = client(f, RD_KAFKA_CONSUMER, group_conf, NULL, NULL);
    after = committed(c, "grp");
    for (i = 0; i < 4; i++)
        assert_int_equal(after->elems[i].offset, before->elems[i].offset);
    subscribe(c, "grp");
    total += resume(c, after, seen);
    assert_int_equal(total, 400);
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    rd_kafka_topic_partition_list_destroy(before);
    rd_kafka_topic_partition_list_destroy(after);
}

/* A raw member that joins (with a valid consumer subscription) and then goes silent. */
static int silent_member_join(fx_t *f, const char *group, const char *topic) {
    uint8_t sub[64];
    size_t tl = strlen(topic);
    kp_join_protocol_t proto = {{"range", 5}, {sub, 0}};
    kp_JoinGroupRequest_t rq = {kp_str_c(group), 6000,   6000, {"", 0}, {NULL, -1},
                                {"consumer", 8}, &proto, 1};
    kp_req_hdr_t h = {KP_JOIN_GROUP, 5, 1, {"silent", 6}};
    struct sockaddr_in sa;
    cn_buf_t b;
    kp_wr_t w = {&b, false};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    /* ConsumerProtocolSubscription v0: version, [topic], user_data null */
    cn_be16_put(sub, 0);
    cn_be32_put(sub + 2, 1);
    cn_be16_put(sub + 6, (uint16_t)tl);
    memcpy(sub + 8, topic, tl);
    cn_be32_put(sub + 8 + tl, UINT32_MAX);
    proto.metadata.len = (int32_t)(12 + tl);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)f->b.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_be32(&b, 0);
    kp_req_hdr_encode(&b, &h, false);
    kp_JoinGroupRequest_encode(&w, 5, &rq);
    cn_buf_patch_be32(&b, 0, (uint32_t)(b.len - 4));
    assert_int_equal(send(fd, b.data, b.len, MSG_NOSIGNAL), (ssize_t)b.len);
    cn_buf_fini(&b);
    return fd; /* the answer comes once the group rebalanced; it is never read */
}

/* A member that stops heartbeating is dropped after its session timeout and the group
 * rebalances back to the live member. */
static void test_session_timeout(void **state) {
    fx_t *f = *state;
    unsigned char seen[400] = {0};
    rd_kafka_t *a;
    int fd;
    create_topic(f, "sess", 4, NULL, false, RD_KAFKA_RESP_ERR_NO_ERROR);
    a = client(f, RD_KAFKA_CONSUMER, group_conf, NULL, NULL);
    subscribe(a, "sess");
    poll_until(a, 4, NULL, 0, seen);
    fd = silent_member_join(f, "g2", "sess");
    poll_until(a, 2, NULL, 0, seen); /* the silent member got the other half */
    poll_until(a, 4, NULL, 0, seen); /* ... and lost it after 6 s without heartbeats */
    close(fd);
    rd_kafka_consumer_close(a);
    rd_kafka_destroy(a);
}

/* ---- admin ---- */

static rd_kafka_event_t *admin_wait(rd_kafka_queue_t *q) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 15000);
    assert_non_null(ev);
    assert_int_equal(rd_kafka_event_error(ev), 0);
    return ev;
}

static void create_topic(fx_t *f, const char *name, int parts, const char *const *configs,
                         bool validate_only, rd_kafka_resp_err_t expect) {
    rd_kafka_t *rk = client(f, RD_KAFKA_PRODUCER, NULL, NULL, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    char errstr[256];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(name, parts, 1, errstr, sizeof(errstr));
    const rd_kafka_topic_result_t **res;
    rd_kafka_event_t *ev;
    size_t n, i;
    for (i = 0; configs && configs[i]; i += 2)
        rd_kafka_NewTopic_set_config(nt, configs[i], configs[i + 1]);
    rd_kafka_AdminOptions_set_validate_only(o, validate_only, errstr, sizeof(errstr));
    rd_kafka_CreateTopics(rk, &nt, 1, o, q);
    ev = admin_wait(q);
    res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    assert_int_equal(n, 1);
    if (rd_kafka_topic_result_error(res[0]) != expect)
        fail_msg("create %s: %s", name, rd_kafka_err2str(rd_kafka_topic_result_error(res[0])));
    rd_kafka_event_destroy(ev);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static rd_kafka_resp_err_t delete_topic(fx_t *f, const char *name) {
    rd_kafka_t *rk = client(f, RD_KAFKA_PRODUCER, NULL, NULL, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(name);
    const rd_kafka_topic_result_t **res;
    rd_kafka_resp_err_t e;
    rd_kafka_event_t *ev;
    size_t n;
    rd_kafka_DeleteTopics(rk, &dt, 1, NULL, q);
    ev = admin_wait(q);
    res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
    assert_int_equal(n, 1);
    e = rd_kafka_topic_result_error(res[0]);
    rd_kafka_event_destroy(ev);
    rd_kafka_DeleteTopic_destroy(dt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return e;
}

static void expect_config(fx_t *f, const char *topic, const char *name, const char *value) {
    rd_kafka_t *rk = client(f, RD_KAFKA_PRODUCER, NULL, NULL, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
    const rd_kafka_ConfigResource_t **rs;
    const rd_kafka_ConfigEntry_t **ents;
    rd_kafka_event_t *ev;
    size_t n, ne, i;
    bool found = false;
    rd_kafka_DescribeConfigs(rk, &cr, 1, NULL, q);
    ev = admin_wait(q);
    rs = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
    assert_int_equal(n, 1);
    assert_int_equal(rd_kafka_ConfigResource_error(rs[0]), 0);
    ents = rd_kafka_ConfigResource_configs(rs[0], &ne);
    for (i = 0; i < ne; i++)
        if (strcmp(rd_kafka_ConfigEntry_name(ents[i]), name) == 0) {
            assert_string_equal(rd_kafka_ConfigEntry_value(ents[i]), value);
            found = true;
        }
    assert_true(found);
    rd_kafka_event_destroy(ev);
    rd_kafka_ConfigResource_destroy(cr);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static void test_admin(void **state) {
    fx_t *f = *state;
    const char *const compact[] = {"cleanup.policy", "compact", NULL};
    const char *const bad[] = {"no.such.config", "1", NULL};
    create_topic(f, "adm", 2, compact, true, RD_KAFKA_RESP_ERR_NO_ERROR); /* validate-only */
    create_topic(f, "adm", 2, compact, false, RD_KAFKA_RESP_ERR_NO_ERROR);
    create_topic(f, "adm", 2, compact, false, RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
    create_topic(f, "adm-bad", 1, bad, false, RD_KAFKA_RESP_ERR_INVALID_CONFIG);
    create_topic(f, "bad name!", 1, NULL, false, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION);
    expect_config(f, "adm", "cleanup.policy", "compact");
    create_topic(f, "_schemas", 1, compact, false, RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_int_equal(delete_topic(f, "_schemas"), RD_KAFKA_RESP_ERR_POLICY_VIOLATION);
    assert_int_equal(delete_topic(f, "adm"), RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_int_equal(delete_topic(f, "adm"), RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

/* An assign()-only consumer commits (generation -1, no member id), then the group is listed,
 * described and deleted; partitions are added; records deleted; a config altered. */
static void commit_assigned(fx_t *f, const char *group, const char *topic, int64_t offset) {
    rd_kafka_t *c =
        client(f, RD_KAFKA_CONSUMER, (const char *const[]){"group.id", group, NULL}, NULL, NULL);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, 0)->offset = offset;
    assert_int_equal(rd_kafka_assign(c, l), 0);
    assert_int_equal(rd_kafka_commit(c, l, 0), 0);
    rd_kafka_topic_partition_list_destroy(l);
    l = committed(c, topic);
    assert_int_equal(l->elems[0].offset, offset);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
}

static void expect_group(fx_t *f, const char *group, bool present) {
    rd_kafka_t *rk = client(f, RD_KAFKA_PRODUCER, NULL, NULL, NULL);
    const struct rd_kafka_group_list *gl = NULL;
    bool found = false;
    int i;
    assert_int_equal(rd_kafka_list_groups(rk, NULL, &gl, 10000), 0);
    for (i = 0; i < gl->group_cnt; i++)
        if (strcmp(gl->groups[i].group, group) == 0) {
            found = true;
            assert_string_equal(gl->groups[i].state, "Empty");
        }
    assert_int_equal(found, present);
    rd_kafka_group_list_destroy(gl);
    rd_kafka_destroy(rk);
}

static rd_kafka_resp_err_t delete_group(fx_t *f, const char *group) {
    rd_kafka_t *rk = client(f, RD_KAFKA_PRODUCER, NULL, NULL, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_DeleteGroup_t *dg = rd_kafka_DeleteGroup_new(group);
    const rd_kafka_group_result_t **res;
    rd_kafka_event_t *ev;
    rd_kafka_resp_err_t e;
    size_t n;
    rd_kafka_DeleteGroups(rk, &dg, 1, NULL, q);
    ev = admin_wait(q);
    res = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev), &n);
    assert_int_equal(n, 1);
    e = rd_kafka_error_code(rd_kafka_group_result_error(res[0]));
    rd_kafka_event_destroy(ev);
    rd_kafka_DeleteGroup_destroy(dg);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return e;
}

static void add_partitions(fx_t *f, const char *topic, int total) {
    rd_kafka_t *rk = client(f, RD_KAFKA_PRODUCER, NULL, NULL, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    char errstr[256];
    rd_kafka_NewPartitions_t *np =
        rd_kafka_NewPartitions_new(topic, (size_t)total, errstr, sizeof(errstr));
    const rd_kafka_topic_result_t **res;
    rd_kafka_event_t *ev;
    size_t n;
    rd_kafka_CreatePartitions(rk, &np, 1, NULL, q);
    ev = admin_wait(q);
    res = rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev), &n);
    assert_int_equal(n, 1);
    assert_int_equal(rd_kafka_topic_result_error(res[0]), 0);
    rd_kafka_event_destroy(ev);
    rd_kafka_NewPartitions_destroy(np);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static void delete_records(fx_t *f, const char *topic, int64_t before) {
    rd_kafka_t *rk = client(f, RD_KAFKA_PRODUCER, NULL, NULL, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_DeleteRecords_t *dr;
    const rd_kafka_topic_partition_list_t *out;
    rd_kafka_event_t *ev;
    int64_t lo, hi;
    rd_kafka_topic_partition_list_add(l, topic, 0)->offset = before;
    dr = rd_kafka_DeleteRecords_new(l);
    rd_kafka_DeleteRecords(rk, &dr, 1, NULL, q);
    ev = admin_wait(q);
    out = rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev));
    assert_int_equal(out->elems[0].err, 0);
    assert_int_equal(out->elems[0].offset, before);
    assert_int_equal(rd_kafka_query_watermark_offsets(rk, topic, 0, &lo, &hi, 10000), 0);
    assert_int_equal(lo, before);
    rd_kafka_event_destroy(ev);
    rd_kafka_DeleteRecords_destroy(dr);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static void alter_config(fx_t *f, const char *topic, const char *name, const char *value) {
    rd_kafka_t *rk = client(f, RD_KAFKA_PRODUCER, NULL, NULL, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
    const rd_kafka_ConfigResource_t **rs;
    rd_kafka_event_t *ev;
    size_t n;
    rd_kafka_ConfigResource_set_config(cr, name, value);
    rd_kafka_AlterConfigs(rk, &cr, 1, NULL, q);
    ev = admin_wait(q);
    rs = rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev), &n);
    assert_int_equal(n, 1);
    assert_int_equal(rd_kafka_ConfigResource_error(rs[0]), 0);
    rd_kafka_event_destroy(ev);
    rd_kafka_ConfigResource_destroy(cr);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

static void test_admin_more(void **state) {
    fx_t *f = *state;
    dr_count_t dr = {0, 0, 0};
    rd_kafka_t *p;
    create_topic(f, "more", 1, NULL, false, RD_KAFKA_RESP_ERR_NO_ERROR);
    p = client(f, RD_KAFKA_PRODUCER, NULL, on_dr, &dr);
    produce_n(p, "more", 0, 50);
    assert_int_equal(rd_kafka_flush(p, 20000), 0);
    rd_kafka_destroy(p);
    commit_assigned(f, "solo", "more", 42);
    expect_group(f, "solo", true);
    assert_int_equal(delete_group(f, "solo"), 0);
    expect_group(f, "solo", false);
    assert_int_equal(delete_group(f, "solo"), RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND);
    add_partitions(f, "more", 3);
    delete_records(f, "more", 20);
    alter_config(f, "more", "retention.ms", "3600000");
    expect_config(f, "more", "retention.ms", "3600000");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_idempotent_producer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consumer_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acked_survive_sigkill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_more, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_timeout, setup, teardown),
    };
    return cmocka_run_group_tests_name("rdkafka", tests, NULL, NULL);
}
