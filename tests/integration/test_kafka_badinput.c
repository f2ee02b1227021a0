/* SPDX-License-Identifier: Apache-2.0
 *
 * Bad input over raw sockets against brokerd: truncated frames, lengths beyond the frame,
 * negative array counts, unknown API keys and versions, the ApiVersions v0 fallback, oversized
 * and negative frame sizes, RecordBatches with a wrong CRC or record count, clients that
 * disconnect mid-request; and pipelining (answers strictly in order, none for acks=0). After
 * each case the broker must still answer a fresh connection.
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

#include "common/cn_buf.h"
#include "common/cn_crc32c.h"
#include "tests/support/tu_brokerd.h"

typedef struct fx {
    char *dir;
    tu_brokerd_t b;
} fx_t;

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    char path[512], data[600];
    tu_brokerd_path(path, sizeof(path));
    if (access(path, X_OK) != 0) {
        free(f);
        skip();
    }
    f->dir = tu_tmpdir("kbad");
    snprintf(data, sizeof(data), "%s/data", f->dir);
    tu_brokerd_start(&f->b, data, 0, NULL);
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

static int dial(const fx_t *f) {
    struct sockaddr_in sa;
    struct timeval tv = {10, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)f->b.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void send_all(int fd, const void *p, size_t n) {
    assert_int_equal(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Read one response frame; returns its length (0 when the broker closed). */
static size_t recv_frame(int fd, uint8_t *buf, size_t cap) {
    uint8_t hdr[4];
    size_t got = 0, n;
    while (got < 4) {
        ssize_t r = recv(fd, hdr + got, 4 - got, 0);
        if (r <= 0)
            return 0;
        got += (size_t)r;
    }
    n = cn_be32_get(hdr);
    assert_true(n <= cap);
    for (got = 0; got < n;) {
        ssize_t r = recv(fd, buf + got, n - got, 0);
        assert_true(r > 0);
        got += (size_t)r;
    }
    return n;
}

/* A request frame: size, key, version, correlation id, client id "t", body. */
static void frame(cn_buf_t *b, int16_t key, int16_t ver, int32_t corr, const void *body, size_t n) {
    size_t at = b->len;
    cn_buf_put_be32(b, 0);
    cn_buf_put_be16(b, (uint16_t)key);
    cn_buf_put_be16(b, (uint16_t)ver);
    cn_buf_put_be32(b, (uint32_t)corr);
    cn_buf_put_be16(b, 1);
    cn_buf_put_u8(b, 't');
    cn_buf_put(b, body, n);
    cn_buf_patch_be32(b, at, (uint32_t)(b->len - at - 4));
}

/* The broker still answers ApiVersions v0 on a new connection. */
static void assert_alive(const fx_t *f) {
    uint8_t resp[4096];
    cn_buf_t b;
    int fd = dial(f);
    size_t n;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    frame(&b, 18, 0, 77, NULL, 0);
    send_all(fd, b.data, b.len);
    n = recv_frame(fd, resp, sizeof(resp));
    assert_true(n > 10);
    assert_int_equal(cn_be32_get(resp), 77);
    assert_int_equal(cn_be16_get(resp + 4), 0);
    close(fd);
    cn_buf_fini(&b);
}

static void assert_closed(int fd) {
    uint8_t buf[64];
    assert_int_equal(recv_frame(fd, buf, sizeof(buf)), 0);
    close(fd);
}

static void test_unknown_key_and_version(void **state) {
    fx_t *f = *state;
    uint8_t resp[4096];
    cn_buf_t b;
    int fd = dial(f);
    size_t n;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    frame(&b, 999, 0, 1, NULL, 0); /* unknown key */
    frame(&b, 1, 99, 2, NULL, 0);  /* Fetch v99 */
    frame(&b, 0, 1, 3, NULL, 0);   /* Produce v1: advertised, not served */
    frame(&b, 18, 9, 4, NULL, 0);  /* ApiVersions v9: v0-layout fallback */
    send_all(fd, b.data, b.len);
    for (int32_t corr = 1; corr <= 3; corr++) {
        n = recv_frame(fd, resp, sizeof(resp));
        assert_int_equal(n, 6);
        assert_int_equal(cn_be32_get(resp), corr);
        assert_int_equal(cn_be16_get(resp + 4), 35);
    }
    n = recv_frame(fd, resp, sizeof(resp));
    assert_int_equal(n, 4 + 2 + 4 + 6);
    assert_int_equal(cn_be16_get(resp + 4), 35);
    assert_int_equal(cn_be32_get(resp + 6), 1);
    assert_int_equal(cn_be16_get(resp + 10), 18);
    assert_int_equal(cn_be16_get(resp + 14), 3);
    close(fd);
    cn_buf_fini(&b);
    assert_alive(f);
}

static void test_bad_frames(void **state) {
    fx_t *f = *state;
    static const uint8_t huge[] = {0x10, 0x00, 0x00, 0x00, 0, 18, 0, 0}; /* 256 MiB */
    static const uint8_t negative[] = {0xff, 0xff, 0xff, 0xf0, 0, 18, 0, 0};
    static const uint8_t tiny[] = {0, 0, 0, 2, 0, 18};
    int fd = dial(f);
    send_all(fd, huge, sizeof(huge));
    assert_closed(fd);
    fd = dial(f);
    send_all(fd, negative, sizeof(negative));
    assert_closed(fd);
    fd = dial(f);
    send_all(fd, tiny, sizeof(tiny));
    assert_closed(fd);
    assert_alive(f);
}

static void test_malformed_bodies(void **state) {
    fx_t *f = *state;
    static const uint8_t neg_count[] = {0xff, 0xff, 0xff, 0xfb};       /* Metadata topics: -5 */
    static const uint8_t big_count[] = {0x00, 0x00, 0x03, 0xe8, 0, 1}; /* 1000 topics, 2 bytes */
    static const uint8_t long_str[] = {0, 0, 0, 1, 0x7f, 0x00, 'a'};   /* string beyond frame */
    const uint8_t *bodies[] = {neg_count, big_count, long_str};
    size_t lens[] = {sizeof(neg_count), sizeof(big_count), sizeof(long_str)}, i;
    for (i = 0; i < 3; i++) {
        cn_buf_t b;
        int fd = dial(f);
        cn_buf_init(&b, CN_BUF_NO_LIMIT);
        frame(&b, 3, 1, 1, bodies[i], lens[i]);
        send_all(fd, b.data, b.len);
        assert_closed(fd);
        cn_buf_fini(&b);
    }
    assert_alive(f);
}

static void test_disconnect_mid_request(void **state) {
    fx_t *f = *state;
    cn_buf_t b;
    int i;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    frame(&b, 3, 4, 1, "\xff\xff\xff\xff\x01", 5);
    for (i = 0; i < 50; i++) {
        int fd = dial(f);
        send_all(fd, b.data, (size_t)(i % (int)(b.len - 1)) + 1);
        close(fd);
    }
    cn_buf_fini(&b);
    assert_alive(f);
}

/* One uncompressed RecordBatch v2 with one record (key "k", value "v"). */
static void batch(cn_buf_t *b, int32_t records_count) {
    static const uint8_t rec[] = {0x10, 0x00, 0x00, 0x00, 0x02, 'k', 0x02, 'v', 0x00};
    size_t at = b->len;
    cn_buf_put_be64(b, 0);
    cn_buf_put_be32(b, 0); /* batch length */
    cn_buf_put_be32(b, 0); /* leader epoch */
    cn_buf_put_u8(b, 2);
    cn_buf_put_be32(b, 0); /* crc */
    cn_buf_put_be16(b, 0);
    cn_buf_put_be32(b, 0); /* last offset delta */
    cn_buf_put_be64(b, 1700000000000ULL);
    cn_buf_put_be64(b, 1700000000000ULL);
    cn_buf_put_be64(b, UINT64_MAX); /* producer id -1 */
    cn_buf_put_be16(b, 0xffff);
    cn_buf_put_be32(b, UINT32_MAX);
    cn_buf_put_be32(b, (uint32_t)records_count);
    cn_buf_put(b, rec, sizeof(rec));
    cn_buf_patch_be32(b, at + 8, (uint32_t)(b->len - at - 12));
    cn_buf_patch_be32(b, at + 17, cn_crc32c(0, b->data + at + 21, b->len - at - 21));
}

/* Produce v7 acks=1 of one batch to "bad"; returns the partition error code. */
static int produce(const fx_t *f, int how) {
    uint8_t resp[4096];
    cn_buf_t body, recs, b;
    int fd = dial(f), code;
    size_t n;
    cn_buf_init(&body, CN_BUF_NO_LIMIT);
    cn_buf_init(&recs, CN_BUF_NO_LIMIT);
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    batch(&recs, how == 2 ? 2 : 1);
    if (how == 1)
        recs.data[recs.len - 1] ^= 0xff; /* flip a byte under the CRC */
    cn_buf_put(&body,
               "\xff\xff\x00\x01\x00\x00\x27\x10\x00\x00\x00\x01\x00\x03"
               "bad",
               17);
    cn_buf_put_be32(&body, 1);
    cn_buf_put_be32(&body, 0);
    cn_buf_put_be32(&body, (uint32_t)recs.len);
    cn_buf_put(&body, recs.data, recs.len);
    frame(&b, 0, 7, 5, body.data, body.len);
    send_all(fd, b.data, b.len);
    n = recv_frame(fd, resp, sizeof(resp));
    /* corr, [1 topic "bad" [1 partition: index, error ...]] */
    assert_true(n >= 4 + 4 + 5 + 4 + 4 + 2);
    code = (int16_t)cn_be16_get(resp + 4 + 4 + 5 + 4 + 4);
    close(fd);
    cn_buf_fini(&body);
    cn_buf_fini(&recs);
    cn_buf_fini(&b);
    return code;
}

static void test_bad_batches(void **state) {
    fx_t *f = *state;
    assert_int_equal(produce(f, 0), 0);
    assert_int_equal(produce(f, 1), 2);     /* CORRUPT_MESSAGE */
    assert_int_not_equal(produce(f, 2), 0); /* record count does not match */
    assert_int_equal(produce(f, 0), 0);
    assert_alive(f);
}

static void test_pipelining_in_order(void **state) {
    fx_t *f = *state;
    uint8_t resp[65536];
    cn_buf_t b, recs, body;
    int fd = dial(f), i;
    int32_t want[] = {10, 11, 13, 14};
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_init(&recs, CN_BUF_NO_LIMIT);
    cn_buf_init(&body, CN_BUF_NO_LIMIT);
    batch(&recs, 1);
    cn_buf_put(&body,
               "\xff\xff\x00\x00\x00\x00\x27\x10\x00\x00\x00\x01\x00\x03"
               "bad",
               17);
    cn_buf_put_be32(&body, 1);
    cn_buf_put_be32(&body, 0);
    cn_buf_put_be32(&body, (uint32_t)recs.len);
    cn_buf_put(&body, recs.data, recs.len);
    frame(&b, 3, 1, 10, "\xff\xff\xff\xff", 4); /* Metadata: all topics */
    frame(&b, 18, 0, 11, NULL, 0);
    frame(&b, 0, 7, 12, body.data, body.len); /* acks=0: no answer */
    frame(&b, 18, 1, 13, NULL, 0);
    frame(&b, 10, 0, 14, "\x00\x01g", 3); /* FindCoordinator */
    send_all(fd, b.data, b.len);
    for (i = 0; i < 4; i++) {
        assert_true(recv_frame(fd, resp, sizeof(resp)) >= 4);
        assert_int_equal(cn_be32_get(resp), want[i]);
    }
    close(fd);
    cn_buf_fini(&b);
    cn_buf_fini(&recs);
    cn_buf_fini(&body);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unknown_key_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_bodies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disconnect_mid_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelining_in_order, setup, teardown),
    };
    return cmocka_run_group_tests_name("kafka_badinput", tests, NULL, NULL);
}
