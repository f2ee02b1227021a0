/* SPDX-License-Identifier: Apache-2.0
 *
 * Protocol semantics over raw sockets against brokerd, where client libraries hide the details:
 * ApiVersions lists the table (incl. the v0 minimums librdkafka's feature gates need), a
 * long-poll Fetch is woken by a produce from another connection, OFFSET_OUT_OF_RANGE, ListOffsets
 * earliest/latest/by time, producer ids never reused across a restart, transactional requests
 * refused with a fatal error, and Metadata without auto-creation.
 */
#include "tests/support/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "broker/kafka/kp.h"
#include "common/cn_crc32c.h"
#include "tests/support/tu_brokerd.h"

typedef struct fx {
    char *dir;
    char data[600];
    tu_brokerd_t b;
    cn_buf_t resp;
    kp_arena_t arena;
} fx_t;

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    char path[512];
    tu_brokerd_path(path, sizeof(path));
    if (access(path, X_OK) != 0) {
        free(f);
        skip();
    }
    f->dir = tu_tmpdir("kproto");
    snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
    tu_brokerd_start(&f->b, f->data, 0, NULL);
    cn_buf_init(&f->resp, CN_BUF_NO_LIMIT);
    kp_arena_init(&f->arena);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    if (!f)
        return 0;
    tu_brokerd_stop(&f->b, SIGTERM);
    tu_tmpdir_free(f->dir);
    cn_buf_fini(&f->resp);
    kp_arena_fini(&f->arena);
    free(f);
    return 0;
}

static int dial(const fx_t *f) {
    struct sockaddr_in sa;
    struct timeval tv = {15, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)f->b.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

typedef void (*enc_fn)(kp_wr_t *w, int16_t v, const void *m);

/* Send one request; the reader r is positioned on the response body (after the header). */
static void send_req(int fd, int16_t key, int16_t v, enc_fn enc, const void *m) {
    kp_req_hdr_t h = {key, v, 7, {"t", 1}};
    bool flex = key == KP_API_VERSIONS && v >= 3;
    cn_buf_t b;
    kp_wr_t w = {&b, flex};
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_be32(&b, 0);
    kp_req_hdr_encode(&b, &h, flex);
    enc(&w, v, m);
    cn_buf_patch_be32(&b, 0, (uint32_t)(b.len - 4));
    assert_int_equal(send(fd, b.data, b.len, MSG_NOSIGNAL), (ssize_t)b.len);
    cn_buf_fini(&b);
}

static kp_rd_t *recv_resp(fx_t *f, int fd, kp_rd_t *r) {
    uint8_t hdr[4];
    size_t n, got = 0;
    assert_int_equal(recv(fd, hdr, 4, MSG_WAITALL), 4);
    n = cn_be32_get(hdr);
    cn_buf_reset(&f->resp);
    assert_int_equal(cn_buf_reserve(&f->resp, n), CN_OK);
    while (got < n) {
        ssize_t k = recv(fd, f->resp.data + got, n - got, 0);
        assert_true(k > 0);
        got += (size_t)k;
    }
    f->resp.len = n;
    kp_rd_init(r, f->resp.data, n, false, &f->arena);
    assert_int_equal(kp_r32(r), 7); /* correlation id */
    return r;
}

static kp_rd_t *call(fx_t *f, int16_t key, int16_t v, enc_fn enc, const void *m, kp_rd_t *r) {
    int fd = dial(f);
    send_req(fd, key, v, enc, m);
    recv_resp(f, fd, r);
    close(fd);
    return r;
}

/* ---- requests ---- */

static void enc_apiv(kp_wr_t *w, int16_t v, const void *m) {
    kp_ApiVersionsRequest_encode(w, v, m);
}

static void enc_produce(kp_wr_t *w, int16_t v, const void *m) {
    kp_ProduceRequest_encode(w, v, m);
}

static void enc_fetch(kp_wr_t *w, int16_t v, const void *m) {
    kp_FetchRequest_encode(w, v, m);
}

static void enc_lo(kp_wr_t *w, int16_t v, const void *m) {
    kp_ListOffsetsRequest_encode(w, v, m);
}

static void enc_pid(kp_wr_t *w, int16_t v, const void *m) {
    kp_InitProducerIdRequest_encode(w, v, m);
}

static void enc_fc(kp_wr_t *w, int16_t v, const void *m) {
    kp_FindCoordinatorRequest_encode(w, v, m);
}

static void enc_md(kp_wr_t *w, int16_t v, const void *m) {
    kp_MetadataRequest_encode(w, v, m);
}

/* One uncompressed batch of one record with the given timestamp. */
static void batch(cn_buf_t *b, int64_t ts) {
    static const uint8_t rec[] = {0x10, 0x00, 0x00, 0x00, 0x02, 'k', 0x02, 'v', 0x00};
    cn_buf_put_be64(b, 0);
    cn_buf_put_be32(b, (uint32_t)(49 + sizeof(rec)));
    cn_buf_put_be32(b, 0);
    cn_buf_put_u8(b, 2);
    cn_buf_put_be32(b, 0);
    cn_buf_put_be16(b, 0);
    cn_buf_put_be32(b, 0);
    cn_buf_put_be64(b, (uint64_t)ts);
    cn_buf_put_be64(b, (uint64_t)ts);
    cn_buf_put_be64(b, UINT64_MAX);
    cn_buf_put_be16(b, 0xffff);
    cn_buf_put_be32(b, UINT32_MAX);
    cn_buf_put_be32(b, 1);
    cn_buf_put(b, rec, sizeof(rec));
    cn_buf_patch_be32(b, 17, cn_crc32c(0, b->data + 21, b->len - 21));
}

static int16_t produce(fx_t *f, const char *topic, int64_t ts, int64_t *base) {
    cn_buf_t recs;
    kp_produce_part_t part;
    kp_produce_topic_t t = {kp_str_c(topic), &part, 1};
    kp_ProduceRequest_t rq = {{NULL, -1}, -1, 10000, &t, 1};
    kp_rd_t r;
    int16_t code;
    cn_buf_init(&recs, CN_BUF_NO_LIMIT);
    batch(&recs, ts);
    part.index = 0;
    part.records.p = recs.data;
    part.records.len = (int32_t)recs.len;
    call(f, KP_PRODUCE, 7, enc_produce, &rq, &r);
    assert_int_equal(kp_r32(&r), 1);
    (void)kp_rstr(&r);
    assert_int_equal(kp_r32(&r), 1);
    assert_int_equal(kp_r32(&r), 0);
    code = kp_r16(&r);
    *base = kp_r64(&r);
    assert_true(cn_rd_ok(&r.rd));
    cn_buf_fini(&recs);
    return code;
}

/* ---- tests ---- */

static void test_api_versions_table(void **state) {
    static const int16_t want[][3] = {{0, 0, 7},  {1, 4, 11}, {2, 1, 5},  {3, 0, 8},
                                      {8, 2, 7},  {9, 1, 5},  {10, 0, 2}, {11, 0, 5},
                                      {12, 0, 3}, {13, 0, 3}, {14, 0, 3}, {18, 0, 3},
                                      {19, 0, 4}, {20, 0, 3}, {22, 0, 1}, {32, 0, 3}};
    fx_t *f = *state;
    kp_ApiVersionsRequest_t rq = {{"cairn-test", 10}, {"1.0", 3}};
    kp_ApiVersionsResponse_t rs;
    kp_rd_t r;
    size_t i;
    int32_t j;
    call(f, KP_API_VERSIONS, 3, enc_apiv, &rq, &r); /* header v0 answer even for v3 */
    r.flex = true;
    assert_int_equal(kp_ApiVersionsResponse_decode(&r, 3, &rs, NULL), CN_OK);
    assert_int_equal(rs.error_code, 0);
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        for (j = 0; j < rs.nkeys && rs.keys[j].api_key != want[i][0]; j++)
            ;
        assert_true(j < rs.nkeys);
        assert_int_equal(rs.keys[j].min_version, want[i][1]);
        assert_int_equal(rs.keys[j].max_version, want[i][2]);
    }
}

static void fetch_req(kp_FetchRequest_t *rq, kp_fetch_topic_t *t, kp_fetch_part_t *p,
                      const char *topic, int64_t offset, int32_t max_wait) {
    memset(rq, 0, sizeof(*rq));
    p->partition = 0;
    p->current_leader_epoch = -1;
    p->fetch_offset = offset;
    p->log_start_offset = -1;
    p->partition_max_bytes = 1 << 20;
    t->topic = kp_str_c(topic);
    t->parts = p;
    t->nparts = 1;
    rq->replica_id = -1;
    rq->max_wait_ms = max_wait;
    rq->min_bytes = 1;
    rq->max_bytes = 1 << 20;
    rq->session_epoch = -1;
    rq->topics = t;
    rq->ntopics = 1;
    rq->rack_id = kp_str_c(NULL);
}

/* Fetch v11 response for one partition: error, high watermark, records length. */
static void fetch_result(kp_rd_t *r, int16_t *code, int64_t *hw, int32_t *rec_len) {
    (void)kp_r32(r); /* throttle */
    assert_int_equal(kp_r16(r), 0);
    (void)kp_r32(r);
    assert_int_equal(kp_r32(r), 1);
    (void)kp_rstr(r);
    assert_int_equal(kp_r32(r), 1);
    assert_int_equal(kp_r32(r), 0);
    *code = kp_r16(r);
    *hw = kp_r64(r);
    (void)kp_r64(r);
    (void)kp_r64(r);
    (void)kp_r32(r);
    assert_int_equal(kp_r32(r), -1); /* preferred read replica */
    *rec_len = kp_r32(r);
    assert_true(cn_rd_ok(&r->rd));
}

static void test_long_poll_woken_by_produce(void **state) {
    fx_t *f = *state;
    kp_FetchRequest_t rq;
    kp_fetch_topic_t t;
    kp_fetch_part_t p;
    kp_rd_t r;
    int16_t code;
    int64_t base, hw;
    int32_t len;
    int fd;
    assert_int_equal(produce(f, "lp", 1000, &base), 0); /* creates the topic */
    assert_int_equal(base, 0);
    /* at the end: would wait 60 s, longer than the socket's 15 s receive timeout, so only the
     * wake-up by the produce below can answer it in time */
    fetch_req(&rq, &t, &p, "lp", 1, 60000);
    fd = dial(f);
    send_req(fd, KP_FETCH, 11, enc_fetch, &rq);
    usleep(200000);
    assert_int_equal(produce(f, "lp", 2000, &base), 0);
    assert_int_equal(base, 1);
    fetch_result(recv_resp(f, fd, &r), &code, &hw, &len);
    close(fd);
    assert_int_equal(code, 0);
    assert_int_equal(hw, 2);
    assert_true(len > 61);
    /* max_wait 0 at the end: an empty answer at once */
    fetch_req(&rq, &t, &p, "lp", 2, 0);
    fetch_result(call(f, KP_FETCH, 11, enc_fetch, &rq, &r), &code, &hw, &len);
    assert_int_equal(code, 0);
    assert_int_equal(len, 0);
    /* beyond the end: OFFSET_OUT_OF_RANGE, answered without waiting */
    fetch_req(&rq, &t, &p, "lp", 50, 10000);
    fetch_result(call(f, KP_FETCH, 11, enc_fetch, &rq, &r), &code, &hw, &len);
    assert_int_equal(code, 1);
}

static int64_t list_offset(fx_t *f, const char *topic, int64_t ts, int16_t *code) {
    kp_lo_part_t p = {0, -1, ts};
    kp_lo_topic_t t = {kp_str_c(topic), &p, 1};
    kp_ListOffsetsRequest_t rq = {-1, 0, &t, 1};
    kp_rd_t r;
    int64_t off;
    call(f, KP_LIST_OFFSETS, 2, enc_lo, &rq, &r);
    (void)kp_r32(&r);
    assert_int_equal(kp_r32(&r), 1);
    (void)kp_rstr(&r);
    assert_int_equal(kp_r32(&r), 1);
    assert_int_equal(kp_r32(&r), 0);
    *code = kp_r16(&r);
    (void)kp_r64(&r);
    off = kp_r64(&r);
    assert_true(cn_rd_ok(&r.rd));
    return off;
}

static void test_list_offsets(void **state) {
    fx_t *f = *state;
    int64_t base;
    int16_t code;
    assert_int_equal(produce(f, "lo", 1000, &base), 0);
    assert_int_equal(produce(f, "lo", 2000, &base), 0);
    assert_int_equal(produce(f, "lo", 3000, &base), 0);
    assert_int_equal(list_offset(f, "lo", -2, &code), 0);
    assert_int_equal(list_offset(f, "lo", -1, &code), 3);
    assert_int_equal(list_offset(f, "lo", 1500, &code), 1);
    assert_int_equal(list_offset(f, "lo", 3000, &code), 2);
    assert_int_equal(list_offset(f, "lo", 9000, &code), -1);
    assert_int_equal(code, 0);
    list_offset(f, "nope", -1, &code);
    assert_int_equal(code, 3);
}

static int64_t init_pid(fx_t *f, const char *txn, int16_t *code) {
    kp_InitProducerIdRequest_t rq = {kp_str_c(txn), 60000};
    kp_rd_t r;
    int64_t pid;
    call(f, KP_INIT_PRODUCER_ID, 1, enc_pid, &rq, &r);
    (void)kp_r32(&r);
    *code = kp_r16(&r);
    pid = kp_r64(&r);
    assert_true(cn_rd_ok(&r.rd));
    return pid;
}

static void test_producer_ids_and_transactions(void **state) {
    fx_t *f = *state;
    kp_FindCoordinatorRequest_t fc = {{"txn", 3}, 1};
    int16_t code;
    int64_t a = init_pid(f, NULL, &code), b, c;
    kp_rd_t r;
    int port = f->b.port;
    assert_int_equal(code, 0);
    b = init_pid(f, NULL, &code);
    assert_true(b > a);
    tu_brokerd_stop(&f->b, SIGKILL);
    tu_brokerd_start(&f->b, f->data, port, NULL);
    c = init_pid(f, NULL, &code);
    assert_int_equal(code, 0);
    assert_true(c > b); /* never reused after a crash */
    init_pid(f, "my-txn", &code);
    assert_int_equal(code, 53);
    call(f, KP_FIND_COORDINATOR, 1, enc_fc, &fc, &r);
    (void)kp_r32(&r);
    assert_int_equal(kp_r16(&r), 53);
}

static void test_metadata_no_auto_create(void **state) {
    fx_t *f = *state;
    kp_str_t names[2] = {{"fresh", 5}, {"bad name", 8}};
    kp_MetadataRequest_t rq = {names, 2, false, false, false};
    kp_rd_t r;
    int32_t nb, i;
    call(f, KP_METADATA, 4, enc_md, &rq, &r);
    (void)kp_r32(&r);
    nb = kp_r32(&r);
    for (i = 0; i < nb; i++) {
        (void)kp_r32(&r);
        (void)kp_rstr(&r);
        (void)kp_r32(&r);
        (void)kp_rstr(&r);
    }
    (void)kp_rstr(&r);
    (void)kp_r32(&r);
    assert_int_equal(kp_r32(&r), 2);
    assert_int_equal(kp_r16(&r), 3); /* fresh: unknown, not created (allow_auto false) */
    (void)kp_rstr(&r);
    (void)kp_rbool(&r);
    assert_int_equal(kp_r32(&r), 0);
    assert_int_equal(kp_r16(&r), 17); /* bad name */
    assert_true(cn_rd_ok(&r.rd));
}

static void enc_join(kp_wr_t *w, int16_t v, const void *m) {
    kp_JoinGroupRequest_encode(w, v, m);
}

static int16_t join_error(fx_t *f, const char *group, int32_t session_ms, const char *proto) {
    kp_join_protocol_t p = {kp_str_c(proto), {(const uint8_t *)"m", 1}};
    kp_JoinGroupRequest_t rq = {kp_str_c(group), session_ms,      10000, {"", 0},
                                {NULL, -1},      {"consumer", 8}, &p,    1};
    kp_rd_t r;
    call(f, KP_JOIN_GROUP, 5, enc_join, &rq, &r);
    (void)kp_r32(&r); /* throttle */
    return kp_r16(&r);
}

/* JoinGroup refusals: no common protocol, session timeout out of range, empty group id. */
static void test_join_refusals(void **state) {
    fx_t *f = *state;
    assert_int_equal(join_error(f, "mix", 10000, "range"), 0); /* alone: answered at once */
    assert_int_equal(join_error(f, "mix", 10000, "RoundRobinAssigner"), 23);
    assert_int_equal(join_error(f, "short", 1000, "range"), 26);
    assert_int_equal(join_error(f, "", 10000, "range"), 24);
}

/* One batch with one record whose value is n bytes of 'x' (null key). */
static void big_batch(cn_buf_t *b, size_t n) {
    cn_buf_t rec;
    uint8_t *val = malloc(n);
    size_t at = b->len;
    memset(val, 'x', n);
    cn_buf_init(&rec, CN_BUF_NO_LIMIT);
    cn_buf_put_u8(&rec, 0);
    cn_buf_put_varint(&rec, 0);
    cn_buf_put_varint(&rec, 0);
    cn_buf_put_varint(&rec, -1);
    cn_buf_put_varint(&rec, (int64_t)n);
    cn_buf_put(&rec, val, n);
    cn_buf_put_varint(&rec, 0);
    cn_buf_put_be64(b, 0);
    cn_buf_put_be32(b, 0);
    cn_buf_put_be32(b, 0);
    cn_buf_put_u8(b, 2);
    cn_buf_put_be32(b, 0);
    cn_buf_put_be16(b, 0);
    cn_buf_put_be32(b, 0);
    cn_buf_put_be64(b, 1000);
    cn_buf_put_be64(b, 1000);
    cn_buf_put_be64(b, UINT64_MAX);
    cn_buf_put_be16(b, 0xffff);
    cn_buf_put_be32(b, UINT32_MAX);
    cn_buf_put_be32(b, 1);
    cn_buf_put_varint(b, (int64_t)rec.len);
    cn_buf_put(b, rec.data, rec.len);
    cn_buf_patch_be32(b, at + 8, (uint32_t)(b->len - at - 12));
    cn_buf_patch_be32(b, at + 17, cn_crc32c(0, b->data + at + 21, b->len - at - 21));
    cn_buf_fini(&rec);
    free(val);
}

/* A client that pipelines far more answer bytes than the per-connection queue allows, without
 * reading: the broker pauses reading that connection, and every answer still arrives, in order,
 * once the client reads. */
static void test_backpressure_in_order(void **state) {
    fx_t *f = *state;
    kp_produce_part_t part;
    kp_produce_topic_t t = {{"big", 3}, &part, 1};
    kp_ProduceRequest_t pq = {{NULL, -1}, 1, 10000, &t, 1};
    kp_FetchRequest_t rq;
    kp_fetch_topic_t ft;
    kp_fetch_part_t fp;
    cn_buf_t recs;
    kp_rd_t r;
    int fd, i;
    cn_buf_init(&recs, CN_BUF_NO_LIMIT);
    big_batch(&recs, 900000);
    part.index = 0;
    part.records.p = recs.data;
    part.records.len = (int32_t)recs.len;
    call(f, KP_PRODUCE, 7, enc_produce, &pq, &r);
    fetch_req(&rq, &ft, &fp, "big", 0, 0);
    fd = dial(f);
    for (i = 0; i < 120; i++) /* about 108 MB of answers */
        send_req(fd, KP_FETCH, 11, enc_fetch, &rq);
    for (i = 0; i < 120; i++) {
        int16_t code;
        int64_t hw;
        int32_t len;
        fetch_result(recv_resp(f, fd, &r), &code, &hw, &len);
        assert_int_equal(code, 0);
        assert_int_equal(hw, 1);
        assert_int_equal(len, (int32_t)recs.len);
    }
    close(fd);
    cn_buf_fini(&recs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_api_versions_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_poll_woken_by_produce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_producer_ids_and_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_no_auto_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backpressure_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_join_refusals, setup, teardown),
    };
    return cmocka_run_group_tests_name("kafka_protocol", tests, NULL, NULL);
}
