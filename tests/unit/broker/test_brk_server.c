/* SPDX-License-Identifier: Apache-2.0
 *
 * The listener's public API in-process (broker/server/brk_server.h, what cairnd calls): new on
 * port 0, start, serve, stop and free while answers are still deferred (a long-poll Fetch and a
 * JoinGroup waiting for a rebalance), restart over the same data directory with the committed
 * offsets reloaded, and two servers in one process.
 */
#include "tests/support/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "broker/kafka/kp.h"
#include "broker/server/brk_server.h"

typedef struct fx {
    char *dir;
    brk_logs_t *logs;
    brk_server_t *srv;
    cn_log_t lg;
} fx_t;

static void open_all(fx_t *f) {
    brk_logs_options_t lo;
    brk_server_opts_t so;
    cn_error_t err;
    memset(&lo, 0, sizeof(lo));
    lo.dir = f->dir;
    lo.log = &f->lg;
    f->logs = brk_logs_open(&lo, &err);
    assert_non_null(f->logs);
    brk_server_opts_defaults(&so);
    so.listen_port = 0;
    so.log = &f->lg;
    f->srv = brk_server_new(f->logs, &so, &err);
    if (!f->srv)
        fail_msg("brk_server_new: %s", err.msg);
    assert_true(brk_server_port(f->srv) > 0);
    assert_int_equal(brk_server_start(f->srv, &err), CN_OK);
}

static void close_all(fx_t *f) {
    brk_server_stop(f->srv);
    brk_server_free(f->srv);
    brk_logs_close(f->logs);
    f->srv = NULL;
    f->logs = NULL;
}

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    f->dir = tu_tmpdir("brksrv");
    cn_log_init(&f->lg, CN_LOG_WARN, 2, "test");
    open_all(f);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    if (f->srv)
        close_all(f);
    tu_tmpdir_free(f->dir);
    free(f);
    return 0;
}

static int dial(const fx_t *f) {
    struct sockaddr_in sa;
    struct timeval tv = {10, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)brk_server_port(f->srv));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

/* Send a request whose body the caller already encoded into body. */
static void send_req(int fd, int16_t key, int16_t v, int32_t corr, const cn_buf_t *body) {
    kp_req_hdr_t h = {key, v, corr, {"t", 1}};
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_be32(&b, 0);
    kp_req_hdr_encode(&b, &h, false);
    if (body)
        cn_buf_put(&b, body->data, body->len);
    cn_buf_patch_be32(&b, 0, (uint32_t)(b.len - 4));
    assert_int_equal(send(fd, b.data, b.len, MSG_NOSIGNAL), (ssize_t)b.len);
    cn_buf_fini(&b);
}

/* Receive one answer; returns its correlation id, copies its body into out. */
static int32_t recv_resp(int fd, cn_buf_t *out) {
    uint8_t hdr[4];
    size_t n;
    assert_int_equal(recv(fd, hdr, 4, MSG_WAITALL), 4);
    n = cn_be32_get(hdr);
    cn_buf_reset(out);
    assert_int_equal(cn_buf_reserve(out, n), CN_OK);
    assert_int_equal(recv(fd, out->data, n, MSG_WAITALL), (ssize_t)n);
    out->len = n;
    return (int32_t)cn_be32_get(out->data);
}

static void commit(const fx_t *f, int64_t offset) {
    kp_oc_part_t p = {0, offset, -1, {"md", 2}, 0};
    kp_oc_topic_t t = {{"tp", 2}, &p, 1};
    kp_OffsetCommitRequest_t rq = {{"grp", 3}, -1, {"", 0}, -1, {NULL, -1}, &t, 1};
    kp_MetadataRequest_t md = {NULL, 0, true, false, false};
    kp_str_t name = {"tp", 2};
    cn_buf_t body, resp;
    kp_wr_t w = {&body, false};
    int fd = dial(f);
    cn_buf_init(&body, CN_BUF_NO_LIMIT);
    cn_buf_init(&resp, CN_BUF_NO_LIMIT);
    md.topics = &name;
    md.ntopics = 1;
    kp_MetadataRequest_encode(&w, 4, &md); /* creates "tp" */
    send_req(fd, KP_METADATA, 4, 1, &body);
    assert_int_equal(recv_resp(fd, &resp), 1);
    cn_buf_reset(&body);
    kp_OffsetCommitRequest_encode(&w, 7, &rq);
    send_req(fd, KP_OFFSET_COMMIT, 7, 2, &body);
    assert_int_equal(recv_resp(fd, &resp), 2);
    /* corr, throttle, [1 topic "tp" [1 partition: index, error]] */
    assert_int_equal(cn_be16_get(resp.data + 4 + 4 + 4 + 4 + 4 + 4), 0);
    close(fd);
    cn_buf_fini(&body);
    cn_buf_fini(&resp);
}

static int64_t fetch_committed(const fx_t *f) {
    int32_t part = 0;
    kp_of_topic_t t = {{"tp", 2}, &part, 1};
    kp_OffsetFetchRequest_t rq = {{"grp", 3}, &t, 1};
    cn_buf_t body, resp;
    kp_wr_t w = {&body, false};
    int64_t off;
    int fd = dial(f);
    cn_buf_init(&body, CN_BUF_NO_LIMIT);
    cn_buf_init(&resp, CN_BUF_NO_LIMIT);
    kp_OffsetFetchRequest_encode(&w, 5, &rq);
    send_req(fd, KP_OFFSET_FETCH, 5, 3, &body);
    assert_int_equal(recv_resp(fd, &resp), 3);
    /* corr, throttle, [1 "tp" [1: index, offset ...]] */
    off = (int64_t)cn_be64_get(resp.data + 4 + 4 + 4 + 4 + 4 + 4);
    close(fd);
    cn_buf_fini(&body);
    cn_buf_fini(&resp);
    return off;
}

static void test_commit_survives_restart(void **state) {
    fx_t *f = *state;
    commit(f, 42);
    assert_int_equal(fetch_committed(f), 42);
    close_all(f);
    open_all(f);
    assert_int_equal(fetch_committed(f), 42);
    commit(f, 43);
    assert_int_equal(fetch_committed(f), 43);
}

/* Stop and free while a long-poll Fetch and a JoinGroup wait for their answers. */
static void test_stop_with_deferred_answers(void **state) {
    fx_t *f = *state;
    kp_fetch_part_t fp = {0, -1, 0, -1, 1 << 20};
    kp_fetch_topic_t ft = {{"tp", 2}, &fp, 1};
    kp_FetchRequest_t fq = {-1, 30000, 1, 1 << 20, 0, 0, -1, &ft, 1, {NULL, -1}};
    kp_join_protocol_t proto = {{"range", 5}, {(const uint8_t *)"x", 1}};
    kp_JoinGroupRequest_t jq = {{"g", 1},   10000,           10000,  {"", 0},
                                {NULL, -1}, {"consumer", 8}, &proto, 1};
    cn_buf_t body, resp;
    kp_wr_t w = {&body, false};
    uint8_t byte;
    int fds[3], i;
    commit(f, 1); /* creates the topic, still empty: the fetch below waits */
    cn_buf_init(&body, CN_BUF_NO_LIMIT);
    cn_buf_init(&resp, CN_BUF_NO_LIMIT);
    kp_FetchRequest_encode(&w, 11, &fq);
    fds[0] = dial(f);
    send_req(fds[0], KP_FETCH, 11, 5, &body);
    cn_buf_reset(&body);
    kp_JoinGroupRequest_encode(&w, 5, &jq);
    fds[1] = dial(f);
    send_req(fds[1], KP_JOIN_GROUP, 5, 6, &body); /* alone: answered at once */
    assert_int_equal(recv_resp(fds[1], &resp), 6);
    fds[2] = dial(f);
    send_req(fds[2], KP_JOIN_GROUP, 5, 7, &body); /* waits for the first member to re-join */
    usleep(200000);
    close_all(f);
    for (i = 0; i < 3; i += 2) /* the waiting ones see the connection close, no answer */
        assert_int_equal(recv(fds[i], &byte, 1, 0), 0);
    for (i = 0; i < 3; i++)
        close(fds[i]);
    cn_buf_fini(&body);
    cn_buf_fini(&resp);
}

static void test_two_servers(void **state) {
    fx_t *f = *state;
    fx_t g;
    memset(&g, 0, sizeof(g));
    g.dir = tu_tmpdir("brksrv2");
    cn_log_init(&g.lg, CN_LOG_WARN, 2, "test2");
    open_all(&g);
    assert_int_not_equal(brk_server_port(g.srv), brk_server_port(f->srv));
    commit(&g, 7);
    commit(f, 9);
    assert_int_equal(fetch_committed(&g), 7);
    assert_int_equal(fetch_committed(f), 9);
    close_all(&g);
    tu_tmpdir_free(g.dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_with_deferred_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_servers, setup, teardown),
    };
    return cmocka_run_group_tests_name("brk_server", tests, NULL, NULL);
}
