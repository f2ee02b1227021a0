/* SPDX-License-Identifier: Apache-2.0
 *
 * Kafka protocol codecs (broker/kafka): primitives (flexible and classic), headers, and for every
 * API and served version a request round trip (encode -> decode -> same fields) plus byte
 * fixtures taken from the wire layouts of kafka.apache.org/protocol.html (librdkafka's ApiVersions
 * v3 request as observed, responses laid out by hand). Bad input: truncation at every byte,
 * negative and oversized counts, bad string lengths, arena limits.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "broker/kafka/kp.h"

typedef struct rt {
    cn_buf_t buf;
    kp_arena_t arena;
    kp_rd_t rd;
    kp_wr_t w;
} rt_t;

static void rt_init(rt_t *t, bool flex) {
    cn_buf_init(&t->buf, CN_BUF_NO_LIMIT);
    kp_arena_init(&t->arena);
    t->w.b = &t->buf;
    t->w.flex = flex;
}

static kp_rd_t *rt_reader(rt_t *t) {
    kp_rd_init(&t->rd, t->buf.data, t->buf.len, t->w.flex, &t->arena);
    return &t->rd;
}

static void rt_fini(rt_t *t) {
    cn_buf_fini(&t->buf);
    kp_arena_fini(&t->arena);
}

static void assert_str(kp_str_t s, const char *c) {
    if (!kp_str_eq(s, c))
        fail_msg("expected '%s', got '%.*s'", c ? c : "(null)", s.len < 0 ? 6 : (int)s.len,
                 s.p ? s.p : "(null)");
}

/* ---- primitives ---- */

static void test_primitives_classic(void **state) {
    rt_t t;
    kp_str_t s;
    kp_bytes_t b;
    (void)state;
    rt_init(&t, false);
    kp_wcstr(&t.w, "abc");
    kp_wcstr(&t.w, NULL);
    kp_wbytes(&t.w, "xy", 2);
    kp_wbytes(&t.w, NULL, -1);
    kp_warray(&t.w, -1);
    kp_wtags(&t.w); /* no-op when not flexible */
    assert_int_equal(t.buf.len, 2 + 3 + 2 + 4 + 2 + 4 + 4);
    rt_reader(&t);
    s = kp_rstr(&t.rd);
    assert_str(s, "abc");
    s = kp_rstr(&t.rd);
    assert_null(s.p);
    assert_int_equal(s.len, -1);
    b = kp_rbytes(&t.rd);
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.p, "xy", 2);
    b = kp_rbytes(&t.rd);
    assert_int_equal(b.len, -1);
    assert_int_equal(kp_rarray(&t.rd, 4), -1);
    assert_true(cn_rd_ok(&t.rd.rd));
    assert_int_equal(cn_rd_left(&t.rd.rd), 0);
    rt_fini(&t);
}

static void test_primitives_flexible(void **state) {
    static const uint8_t want[] = {0x04, 'a', 'b', 'c', 0x00, 0x03, 0x00, 0x02, 0x00};
    rt_t t;
    kp_str_t s;
    (void)state;
    rt_init(&t, true);
    kp_wcstr(&t.w, "abc"); /* compact: N+1 */
    kp_wcstr(&t.w, NULL);  /* 0 = null */
    kp_warray(&t.w, 2);
    kp_w8(&t.w, 0);
    kp_w8(&t.w, 2); /* not really tags: checked by the reader below */
    kp_wtags(&t.w);
    assert_bytes_equal(t.buf.data, t.buf.len, want, sizeof(want));
    rt_reader(&t);
    assert_str(kp_rstr(&t.rd), "abc");
    s = kp_rstr(&t.rd);
    assert_int_equal(s.len, -1);
    assert_int_equal(kp_rarray(&t.rd, 1), 2);
    rt_fini(&t);
}

static void test_tagged_fields_skipped(void **state) {
    /* two tagged fields (tag 0 size 2, tag 5 size 1), then an int16 */
    static const uint8_t in[] = {0x02, 0x00, 0x02, 0xaa, 0xbb, 0x05, 0x01, 0xcc, 0x12, 0x34};
    static const uint8_t bad[] = {0x01, 0x00, 0x09, 0xaa};
    kp_rd_t r;
    (void)state;
    kp_rd_init(&r, in, sizeof(in), true, NULL);
    kp_rtags(&r);
    assert_int_equal(kp_r16(&r), 0x1234);
    assert_true(cn_rd_ok(&r.rd));
    kp_rd_init(&r, bad, sizeof(bad), true, NULL);
    kp_rtags(&r); /* size beyond the end */
    assert_false(cn_rd_ok(&r.rd));
}

static void test_bad_lengths(void **state) {
    static const uint8_t neg_str[] = {0xff, 0xfe, 'a'};              /* -2 */
    static const uint8_t neg_arr[] = {0xff, 0xff, 0xff, 0xfe};       /* -2 */
    static const uint8_t big_arr[] = {0x00, 0x10, 0x00, 0x00, 0x01}; /* 1 Mi elements, 1 byte */
    static const uint8_t long_str[] = {0x00, 0x05, 'a', 'b'};
    static const uint8_t huge_arr[] = {0x7f, 0xff, 0xff, 0xff};
    kp_arena_t a;
    kp_rd_t r;
    (void)state;
    kp_arena_init(&a);
    kp_rd_init(&r, neg_str, sizeof(neg_str), false, &a);
    (void)kp_rstr(&r);
    assert_false(cn_rd_ok(&r.rd));
    kp_rd_init(&r, neg_arr, sizeof(neg_arr), false, &a);
    assert_int_equal(kp_rarray(&r, 1), 0);
    assert_false(cn_rd_ok(&r.rd));
    kp_rd_init(&r, big_arr, sizeof(big_arr), false, &a);
    assert_int_equal(kp_rarray(&r, 1), 0);
    assert_false(cn_rd_ok(&r.rd));
    kp_rd_init(&r, long_str, sizeof(long_str), false, &a);
    assert_null(kp_rstr(&r).p);
    assert_false(cn_rd_ok(&r.rd));
    kp_rd_init(&r, huge_arr, sizeof(huge_arr), false, &a);
    assert_int_equal(kp_rarray(&r, 0), 0); /* above KP_MAX_ARRAY even with no minimum size */
    assert_false(cn_rd_ok(&r.rd));
    assert_int_equal(a.total, 0); /* nothing was allocated */
    assert_null(kp_arena_calloc(&a, SIZE_MAX / 2, 4));
    assert_null(kp_arena_calloc(&a, KP_ARENA_MAX + 1, 1));
    kp_arena_fini(&a);
}

/* ---- headers ---- */

static void test_request_header_v2_observed(void **state) {
    /* librdkafka 2.0.2's first request (ApiVersions v3, KIP-511), as observed on the wire */
    static const uint8_t frame[] = {0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00,
                                    0x07, 'r',  'd',  'k',  'a',  'f',  'k',  'a',  0x00,
                                    0x0b, 'l',  'i',  'b',  'r',  'd',  'k',  'a',  'f',
                                    'k',  'a',  0x06, '2',  '.',  '0',  '.',  '2',  0x00};
    kp_ApiVersionsRequest_t m;
    kp_req_hdr_t h;
    kp_arena_t a;
    kp_rd_t r;
    cn_rd_t rd;
    (void)state;
    assert_int_equal(sizeof(frame), 36);
    cn_rd_init(&rd, frame, sizeof(frame));
    assert_int_equal(kp_req_hdr_decode_prefix(&rd, &h, NULL), CN_OK);
    assert_int_equal(h.api_key, KP_API_VERSIONS);
    assert_int_equal(h.api_version, 3);
    assert_int_equal(h.correlation_id, 1);
    assert_int_equal(kp_req_hdr_decode_rest(&rd, true, &h, NULL), CN_OK);
    assert_str(h.client_id, "rdkafka");
    kp_arena_init(&a);
    kp_rd_init(&r, frame + rd.pos, sizeof(frame) - rd.pos, true, &a);
    assert_int_equal(kp_ApiVersionsRequest_decode(&r, 3, &m, NULL), CN_OK);
    assert_str(m.client_software_name, "librdkafka");
    assert_str(m.client_software_version, "2.0.2");
    assert_int_equal(cn_rd_left(&r.rd), 0);
    kp_arena_fini(&a);
}

static void test_header_roundtrip_and_truncation(void **state) {
    kp_req_hdr_t h = {KP_FETCH, 11, 42, {"c1", 2}}, g;
    cn_buf_t b;
    size_t cut;
    (void)state;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    kp_req_hdr_encode(&b, &h, false);
    for (cut = 0; cut <= b.len; cut++) {
        cn_rd_t rd;
        bool ok;
        cn_rd_init(&rd, b.data, cut);
        ok = kp_req_hdr_decode_prefix(&rd, &g, NULL) == CN_OK &&
             kp_req_hdr_decode_rest(&rd, false, &g, NULL) == CN_OK;
        assert_int_equal(ok, cut == b.len);
    }
    assert_int_equal(g.api_key, KP_FETCH);
    assert_int_equal(g.api_version, 11);
    assert_int_equal(g.correlation_id, 42);
    assert_str(g.client_id, "c1");
    cn_buf_reset(&b);
    kp_resp_hdr_encode(&b, 7, true);
    assert_int_equal(b.len, 5);
    assert_int_equal(b.data[3], 7);
    assert_int_equal(b.data[4], 0);
    cn_buf_fini(&b);
}

/* ---- ApiVersions ---- */

static void test_api_versions_response(void **state) {
    static const uint8_t v0[] = {0x00, 0x23, 0x00, 0x00, 0x00, 0x01,
                                 0x00, 0x12, 0x00, 0x00, 0x00, 0x03};
    static const uint8_t v3[] = {0x00, 0x00, 0x02, 0x00, 0x12, 0x00, 0x00, 0x00,
                                 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    kp_api_range_t k = {KP_API_VERSIONS, 0, 3};
    kp_ApiVersionsResponse_t m = {35, &k, 1, 0}, back;
    int16_t v;
    rt_t t;
    (void)state;
    rt_init(&t, false);
    kp_ApiVersionsResponse_encode(&t.w, 0, &m); /* the UNSUPPORTED_VERSION fallback layout */
    assert_bytes_equal(t.buf.data, t.buf.len, v0, sizeof(v0));
    rt_fini(&t);
    m.error_code = 0;
    rt_init(&t, true);
    kp_ApiVersionsResponse_encode(&t.w, 3, &m);
    assert_bytes_equal(t.buf.data, t.buf.len, v3, sizeof(v3));
    assert_int_equal(kp_ApiVersionsResponse_decode(rt_reader(&t), 3, &back, NULL), CN_OK);
    assert_int_equal(back.nkeys, 1);
    assert_int_equal(back.keys[0].max_version, 3);
    rt_fini(&t);
    for (v = 0; v <= 2; v++) {
        rt_init(&t, false);
        kp_ApiVersionsResponse_encode(&t.w, v, &m);
        assert_int_equal(t.buf.len, v == 0 ? 12 : 16);
        assert_int_equal(kp_ApiVersionsResponse_decode(rt_reader(&t), v, &back, NULL), CN_OK);
        assert_int_equal(back.keys[0].api_key, KP_API_VERSIONS);
        rt_fini(&t);
    }
}

/* ---- Metadata ---- */

static void test_metadata(void **state) {
    kp_str_t topics[2] = {{"a", 1}, {"bb", 2}};
    kp_MetadataRequest_t rq = {topics, 2, true, false, false}, back;
    int16_t v;
    (void)state;
    for (v = 0; v <= 8; v++) {
        rt_t t;
        rt_init(&t, false);
        rq.allow_auto_topic_creation = v >= 4 ? false : true;
        kp_MetadataRequest_encode(&t.w, v, &rq);
        assert_int_equal(kp_MetadataRequest_decode(rt_reader(&t), v, &back, NULL), CN_OK);
        assert_int_equal(back.ntopics, 2);
        assert_str(back.topics[1], "bb");
        assert_int_equal(back.allow_auto_topic_creation, v < 4);
        assert_int_equal(cn_rd_left(&t.rd.rd), 0);
        rt_fini(&t);
    }
}

static void test_metadata_all_topics(void **state) {
    static const uint8_t v0_empty[] = {0, 0, 0, 0};
    static const uint8_t v1_null[] = {0xff, 0xff, 0xff, 0xff};
    kp_MetadataRequest_t m;
    kp_rd_t r;
    (void)state;
    kp_rd_init(&r, v0_empty, sizeof(v0_empty), false, NULL);
    assert_int_equal(kp_MetadataRequest_decode(&r, 0, &m, NULL), CN_OK);
    assert_int_equal(m.ntopics, -1);
    kp_rd_init(&r, v1_null, sizeof(v1_null), false, NULL);
    assert_int_equal(kp_MetadataRequest_decode(&r, 1, &m, NULL), CN_OK);
    assert_int_equal(m.ntopics, -1);
    kp_rd_init(&r, v0_empty, sizeof(v0_empty), false, NULL);
    assert_int_equal(kp_MetadataRequest_decode(&r, 1, &m, NULL), CN_OK);
    assert_int_equal(m.ntopics, 0); /* v1+: empty means none */
}

static void test_metadata_response_v0_fixture(void **state) {
    static const uint8_t want[] = {
        0, 0, 0, 1,                                /* brokers */
        0, 0, 0, 0, 0,   1, 'h', 0, 0, 0x23, 0x84, /* node 0, "h", 9092 */
        0, 0, 0, 1,                                /* topics */
        0, 0, 0, 1, 't',                           /* error 0, "t" */
        0, 0, 0, 1,                                /* partitions */
        0, 0, 0, 0, 0,   0, 0,   0, 0, 0,          /* error 0, index 0, leader 0 */
        0, 0, 0, 1, 0,   0, 0,   0,                /* replicas [0] */
        0, 0, 0, 1, 0,   0, 0,   0};               /* isr [0] */
    int32_t node = 0;
    kp_md_partition_t p = {0, 0, 0, 0, &node, 1, &node, 1, 0};
    kp_md_topic_t tp = {0, {"t", 1}, false, &p, 1, KP_AUTH_OPS_NONE};
    kp_md_broker_t br = {0, "h", 9092, NULL};
    kp_MetadataResponse_t m = {0, &br, 1, "c", 0, &tp, 1, KP_AUTH_OPS_NONE};
    int16_t v;
    rt_t t;
    (void)state;
    rt_init(&t, false);
    kp_MetadataResponse_encode(&t.w, 0, &m);
    assert_bytes_equal(t.buf.data, t.buf.len, want, sizeof(want));
    rt_fini(&t);
    for (v = 1; v <= 8; v++) {
        /* each version adds its fields in order: sizes grow as the layout says */
        size_t extra = (v >= 1 ? 2 + 4 + 1 : 0) + (v >= 2 ? 3 : 0) + (v >= 3 ? 4 : 0) +
                       (v >= 5 ? 4 : 0) + (v >= 7 ? 4 : 0) + (v >= 8 ? 8 : 0);
        rt_init(&t, false);
        kp_MetadataResponse_encode(&t.w, v, &m);
        assert_int_equal(t.buf.len, sizeof(want) + extra);
        rt_fini(&t);
    }
}

/* ---- Produce ---- */

static void test_produce(void **state) {
    static const uint8_t recs[] = {1, 2, 3, 4, 5};
    kp_produce_part_t parts[2] = {{0, {recs, 5}}, {3, {NULL, -1}}};
    kp_produce_topic_t topics[1] = {{{"t", 1}, parts, 2}};
    kp_ProduceRequest_t rq = {{NULL, -1}, -1, 30000, topics, 1}, back;
    int16_t v;
    (void)state;
    for (v = 3; v <= 7; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_ProduceRequest_encode(&t.w, v, &rq);
        assert_int_equal(kp_ProduceRequest_decode(rt_reader(&t), v, &back, NULL), CN_OK);
        assert_null(back.transactional_id.p);
        assert_int_equal(back.acks, -1);
        assert_int_equal(back.timeout_ms, 30000);
        assert_int_equal(back.topics[0].nparts, 2);
        assert_int_equal(back.topics[0].parts[0].records.len, 5);
        assert_memory_equal(back.topics[0].parts[0].records.p, recs, 5);
        assert_int_equal(back.topics[0].parts[1].index, 3);
        assert_int_equal(back.topics[0].parts[1].records.len, -1);
        rt_fini(&t);
    }
}

static void test_produce_response_fixture(void **state) {
    static const uint8_t want_v7[] = {
        0,    0,    0,    1,    0,    1,    't',  0,    0, 0, 1, /* [ "t" [ */
        0,    0,    0,    2,    0,    0x2d,                      /* index 2, error 45 */
        0,    0,    0,    0,    0,    0,    0,    9,             /* base offset 9 */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,          /* log append time -1 */
        0,    0,    0,    0,    0,    0,    0,    1,             /* log start 1 (v5+) */
        0,    0,    0,    0};                                    /* throttle, at the end */
    kp_produce_part_resp_t p = {2, 45, 9, -1, 1};
    kp_produce_topic_resp_t tp = {{"t", 1}, &p, 1};
    kp_ProduceResponse_t m = {&tp, 1, 0};
    rt_t t;
    (void)state;
    rt_init(&t, false);
    kp_ProduceResponse_encode(&t.w, 7, &m);
    assert_bytes_equal(t.buf.data, t.buf.len, want_v7, sizeof(want_v7));
    rt_fini(&t);
    rt_init(&t, false);
    kp_ProduceResponse_encode(&t.w, 4, &m);
    assert_int_equal(t.buf.len, sizeof(want_v7) - 8);
    rt_fini(&t);
}

static void test_produce_truncated_everywhere(void **state) {
    static const uint8_t recs[] = {9, 9, 9};
    kp_produce_part_t parts[1] = {{0, {recs, 3}}};
    kp_produce_topic_t topics[1] = {{{"topic", 5}, parts, 1}};
    kp_ProduceRequest_t rq = {{"tx", 2}, 1, 100, topics, 1}, back;
    size_t cut;
    rt_t t;
    (void)state;
    rt_init(&t, false);
    kp_ProduceRequest_encode(&t.w, 7, &rq);
    for (cut = 0; cut < t.buf.len; cut++) {
        kp_rd_t r;
        kp_rd_init(&r, t.buf.data, cut, false, &t.arena);
        assert_int_equal(kp_ProduceRequest_decode(&r, 7, &back, NULL), CN_ERR_PARSE);
    }
    assert_int_equal(kp_ProduceRequest_decode(rt_reader(&t), 7, &back, NULL), CN_OK);
    assert_str(back.transactional_id, "tx");
    rt_fini(&t);
}

/* ---- Fetch ---- */

static void test_fetch(void **state) {
    kp_fetch_part_t parts[2] = {{0, -1, 100, -1, 1 << 20}, {1, 5, 7, 0, 4096}};
    kp_fetch_topic_t topics[1] = {{{"t", 1}, parts, 2}};
    kp_FetchRequest_t rq = {-1, 500, 1, 52428800, 0, 0, -1, topics, 1, {"r1", 2}}, back;
    int16_t v;
    (void)state;
    for (v = 4; v <= 11; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_FetchRequest_encode(&t.w, v, &rq);
        assert_int_equal(kp_FetchRequest_decode(rt_reader(&t), v, &back, NULL), CN_OK);
        assert_int_equal(back.max_wait_ms, 500);
        assert_int_equal(back.max_bytes, 52428800);
        assert_int_equal(back.topics[0].parts[1].fetch_offset, 7);
        assert_int_equal(back.topics[0].parts[1].partition_max_bytes, 4096);
        assert_int_equal(back.topics[0].parts[1].current_leader_epoch, v >= 9 ? 5 : -1);
        if (v >= 11)
            assert_str(back.rack_id, "r1");
        assert_int_equal(cn_rd_left(&t.rd.rd), 0);
        rt_fini(&t);
    }
}

static void test_fetch_response_fixture(void **state) {
    static const uint8_t want_v11[] = {
        0,    0,    0,    0,                                /* throttle */
        0,    0,    0,    0,    0,    0,                    /* error, session id (v7+) */
        0,    0,    0,    1,    0,    1,   't', 0, 0, 0, 1, /* [ "t" [ */
        0,    0,    0,    0,    0,    1,                    /* partition 0, error 1 */
        0,    0,    0,    0,    0,    0,   0,   5,          /* hw */
        0,    0,    0,    0,    0,    0,   0,   5,          /* lso */
        0,    0,    0,    0,    0,    0,   0,   2,          /* log start (v5+) */
        0,    0,    0,    0,                                /* aborted transactions: none */
        0xff, 0xff, 0xff, 0xff,                             /* preferred read replica -1 (v11) */
        0,    0,    0,    2,    0xab, 0xcd};                /* records */
    static const uint8_t recs[] = {0xab, 0xcd};
    kp_fetch_part_resp_t p = {0, 1, 5, 5, 2, recs, 2};
    kp_fetch_topic_resp_t tp = {{"t", 1}, &p, 1};
    kp_FetchResponse_t m = {0, 0, 0, &tp, 1};
    rt_t t;
    (void)state;
    rt_init(&t, false);
    kp_FetchResponse_encode(&t.w, 11, &m);
    assert_bytes_equal(t.buf.data, t.buf.len, want_v11, sizeof(want_v11));
    rt_fini(&t);
    rt_init(&t, false);
    kp_FetchResponse_encode(&t.w, 4, &m);
    assert_int_equal(t.buf.len, sizeof(want_v11) - 6 - 8 - 4);
    rt_fini(&t);
}

/* ---- ListOffsets, FindCoordinator, InitProducerId ---- */

static void test_list_offsets(void **state) {
    kp_lo_part_t parts[2] = {{0, 3, -2}, {1, 3, 1700000000000}};
    kp_lo_topic_t topics[1] = {{{"t", 1}, parts, 2}};
    kp_ListOffsetsRequest_t rq = {-1, 1, topics, 1}, back;
    kp_lo_part_resp_t rp = {1, 0, -1, 42, 0};
    kp_lo_topic_resp_t rt = {{"t", 1}, &rp, 1};
    kp_ListOffsetsResponse_t rs = {0, &rt, 1};
    int16_t v;
    (void)state;
    for (v = 1; v <= 5; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_ListOffsetsRequest_encode(&t.w, v, &rq);
        assert_int_equal(kp_ListOffsetsRequest_decode(rt_reader(&t), v, &back, NULL), CN_OK);
        assert_int_equal(back.isolation_level, v >= 2 ? 1 : 0);
        assert_int_equal(back.topics[0].parts[0].timestamp, -2);
        assert_true(back.topics[0].parts[1].timestamp == 1700000000000LL);
        rt_fini(&t);
        rt_init(&t, false);
        kp_ListOffsetsResponse_encode(&t.w, v, &rs);
        assert_int_equal(t.buf.len,
                         4 + 3 + 4 + 4 + 2 + 8 + 8 + (v >= 2 ? 4 : 0) + (v >= 4 ? 4 : 0));
        rt_fini(&t);
    }
}

static void test_find_coordinator_and_init_pid(void **state) {
    static const uint8_t fc_v0[] = {0, 0, 0, 0, 0, 1, 0, 1, 'h', 0, 0, 0x23, 0x84};
    kp_FindCoordinatorRequest_t rq = {{"grp", 3}, 1}, back;
    kp_FindCoordinatorResponse_t rs = {0, 0, NULL, 1, "h", 9092};
    kp_InitProducerIdRequest_t iq = {{NULL, -1}, 60000}, iback;
    kp_InitProducerIdResponse_t is = {0, 0, 1000, 0};
    int16_t v;
    rt_t t;
    (void)state;
    for (v = 0; v <= 2; v++) {
        rt_init(&t, false);
        kp_FindCoordinatorRequest_encode(&t.w, v, &rq);
        assert_int_equal(kp_FindCoordinatorRequest_decode(rt_reader(&t), v, &back, NULL), CN_OK);
        assert_str(back.key, "grp");
        assert_int_equal(back.key_type, v >= 1 ? 1 : 0);
        rt_fini(&t);
    }
    rt_init(&t, false);
    kp_FindCoordinatorResponse_encode(&t.w, 0, &rs);
    assert_bytes_equal(t.buf.data, t.buf.len, fc_v0, sizeof(fc_v0));
    rt_fini(&t);
    for (v = 0; v <= 1; v++) {
        rt_init(&t, false);
        kp_InitProducerIdRequest_encode(&t.w, v, &iq);
        assert_int_equal(kp_InitProducerIdRequest_decode(rt_reader(&t), v, &iback, NULL), CN_OK);
        assert_null(iback.transactional_id.p);
        assert_int_equal(iback.transaction_timeout_ms, 60000);
        rt_fini(&t);
        rt_init(&t, false);
        kp_InitProducerIdResponse_encode(&t.w, v, &is);
        assert_int_equal(t.buf.len, 16);
        rt_fini(&t);
    }
}

/* ---- groups ---- */

static void test_join_sync_heartbeat_leave(void **state) {
    kp_join_protocol_t protos[2] = {{{"range", 5}, {(const uint8_t *)"md", 2}},
                                    {{"roundrobin", 10}, {NULL, -1}}};
    kp_JoinGroupRequest_t jq = {{"g", 1},    45000,           300000, {"", 0},
                                {"inst", 4}, {"consumer", 8}, protos, 2},
                          jb;
    kp_sync_assignment_t asg = {{"m1", 2}, {(const uint8_t *)"A", 1}};
    kp_SyncGroupRequest_t sq = {{"g", 1}, 3, {"m1", 2}, {NULL, -1}, &asg, 1}, sb;
    kp_HeartbeatRequest_t hq = {{"g", 1}, 3, {"m1", 2}, {NULL, -1}}, hb;
    kp_leave_member_t lm = {{"m1", 2}, {NULL, -1}, 0};
    kp_LeaveGroupRequest_t lq = {{"g", 1}, &lm, 1}, lb;
    int16_t v;
    (void)state;
    for (v = 0; v <= 5; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_JoinGroupRequest_encode(&t.w, v, &jq);
        assert_int_equal(kp_JoinGroupRequest_decode(rt_reader(&t), v, &jb, NULL), CN_OK);
        assert_int_equal(jb.rebalance_timeout_ms, v >= 1 ? 300000 : 45000);
        assert_int_equal(jb.nprotocols, 2);
        assert_str(jb.protocols[1].name, "roundrobin");
        assert_int_equal(jb.protocols[0].metadata.len, 2);
        if (v >= 5)
            assert_str(jb.group_instance_id, "inst");
        else
            assert_null(jb.group_instance_id.p);
        rt_fini(&t);
    }
    for (v = 0; v <= 3; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_SyncGroupRequest_encode(&t.w, v, &sq);
        kp_HeartbeatRequest_encode(&t.w, v, &hq);
        kp_LeaveGroupRequest_encode(&t.w, v, &lq);
        rt_reader(&t);
        assert_int_equal(kp_SyncGroupRequest_decode(&t.rd, v, &sb, NULL), CN_OK);
        assert_int_equal(kp_HeartbeatRequest_decode(&t.rd, v, &hb, NULL), CN_OK);
        assert_int_equal(kp_LeaveGroupRequest_decode(&t.rd, v, &lb, NULL), CN_OK);
        assert_int_equal(sb.generation_id, 3);
        assert_int_equal(sb.assignments[0].assignment.len, 1);
        assert_str(hb.member_id, "m1");
        assert_int_equal(lb.nmembers, 1);
        assert_str(lb.members[0].member_id, "m1");
        assert_int_equal(cn_rd_left(&t.rd.rd), 0);
        rt_fini(&t);
    }
}

static void test_group_responses(void **state) {
    kp_join_member_t mem = {{"m1", 2}, {NULL, -1}, {(const uint8_t *)"x", 1}};
    kp_JoinGroupResponse_t jr = {0, 0, 1, {"range", 5}, {"m1", 2}, {"m1", 2}, &mem, 1};
    kp_SyncGroupResponse_t sr = {0, 0, {(const uint8_t *)"abc", 3}};
    kp_ErrorResponse_t hr = {0, 27};
    kp_leave_member_t lm = {{"m1", 2}, {NULL, -1}, 25};
    kp_LeaveGroupResponse_t lr = {0, 0, &lm, 1};
    int16_t v;
    (void)state;
    for (v = 0; v <= 5; v++) {
        rt_t t;
        size_t base = 2 + 4 + 7 + 4 + 4 + 4 + 4 + 4 + 1;
        rt_init(&t, false);
        kp_JoinGroupResponse_encode(&t.w, v, &jr);
        assert_int_equal(t.buf.len, base + (v >= 2 ? 4 : 0) + (v >= 5 ? 2 : 0));
        rt_fini(&t);
    }
    for (v = 0; v <= 3; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_SyncGroupResponse_encode(&t.w, v, &sr);
        assert_int_equal(t.buf.len, 2 + 4 + 3 + (v >= 1 ? 4 : 0));
        cn_buf_reset(&t.buf);
        kp_HeartbeatResponse_encode(&t.w, v, &hr);
        assert_int_equal(t.buf.len, 2 + (v >= 1 ? 4 : 0));
        cn_buf_reset(&t.buf);
        kp_LeaveGroupResponse_encode(&t.w, v, &lr);
        assert_int_equal(t.buf.len, 2 + (v >= 1 ? 4 : 0) + (v >= 3 ? 4 + 4 + 2 + 2 : 0));
        rt_fini(&t);
    }
}

/* ---- offsets ---- */

static void test_offset_commit_fetch(void **state) {
    kp_oc_part_t parts[2] = {{0, 10, 4, {"md", 2}, 0}, {1, 20, -1, {NULL, -1}, 0}};
    kp_oc_topic_t topics[1] = {{{"t", 1}, parts, 2}};
    kp_OffsetCommitRequest_t cq = {{"g", 1}, -1, {"", 0}, -1, {NULL, -1}, topics, 1}, cb;
    int32_t pidx[2] = {0, 1};
    kp_of_topic_t ft = {{"t", 1}, pidx, 2};
    kp_OffsetFetchRequest_t fq = {{"g", 1}, &ft, 1}, fb;
    kp_OffsetFetchResponse_t fr = {0, topics, 1, 0};
    int16_t v;
    (void)state;
    for (v = 2; v <= 7; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_OffsetCommitRequest_encode(&t.w, v, &cq);
        assert_int_equal(kp_OffsetCommitRequest_decode(rt_reader(&t), v, &cb, NULL), CN_OK);
        assert_int_equal(cb.generation_id, -1);
        assert_int_equal(cb.topics[0].parts[0].committed_offset, 10);
        assert_int_equal(cb.topics[0].parts[0].committed_leader_epoch, v >= 6 ? 4 : -1);
        assert_str(cb.topics[0].parts[0].committed_metadata, "md");
        assert_null(cb.topics[0].parts[1].committed_metadata.p);
        assert_int_equal(cn_rd_left(&t.rd.rd), 0);
        rt_fini(&t);
    }
    for (v = 1; v <= 5; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_OffsetFetchRequest_encode(&t.w, v, &fq);
        assert_int_equal(kp_OffsetFetchRequest_decode(rt_reader(&t), v, &fb, NULL), CN_OK);
        assert_int_equal(fb.topics[0].npartitions, 2);
        assert_int_equal(fb.topics[0].partitions[1], 1);
        rt_fini(&t);
        rt_init(&t, false);
        kp_OffsetFetchResponse_encode(&t.w, v, &fr);
        /* null metadata goes out as an empty string */
        assert_int_equal(t.buf.len, 4 + 3 + 4 + 2 * (4 + 8 + 2 + 2) + 2 + (v >= 2 ? 2 : 0) +
                                        (v >= 3 ? 4 : 0) + (v >= 5 ? 8 : 0));
        rt_fini(&t);
    }
}

static void test_offset_fetch_null_topics(void **state) {
    static const uint8_t v2_null[] = {0, 1, 'g', 0xff, 0xff, 0xff, 0xff};
    kp_OffsetFetchRequest_t m;
    kp_rd_t r;
    (void)state;
    kp_rd_init(&r, v2_null, sizeof(v2_null), false, NULL);
    assert_int_equal(kp_OffsetFetchRequest_decode(&r, 2, &m, NULL), CN_OK);
    assert_int_equal(m.ntopics, -1);
    kp_rd_init(&r, v2_null, sizeof(v2_null), false, NULL);
    assert_int_equal(kp_OffsetFetchRequest_decode(&r, 1, &m, NULL), CN_ERR_PARSE);
}

/* ---- admin ---- */

static void test_admin_requests(void **state) {
    kp_config_kv_t cfg[1] = {{{"cleanup.policy", 14}, {"compact", 7}}};
    kp_ct_topic_t ct = {{"t", 1}, 4, 1, 0, cfg, 1};
    kp_CreateTopicsRequest_t cq = {&ct, 1, 5000, true}, cb;
    kp_str_t names[1] = {{"t", 1}};
    kp_DeleteTopicsRequest_t dq = {names, 1, 5000}, db;
    kp_str_t keys[1] = {{"cleanup.policy", 14}};
    kp_dc_resource_t res = {2, {"t", 1}, keys, 1};
    kp_DescribeConfigsRequest_t dcq = {&res, 1, true, false}, dcb;
    int16_t v;
    (void)state;
    for (v = 0; v <= 4; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_CreateTopicsRequest_encode(&t.w, v, &cq);
        assert_int_equal(kp_CreateTopicsRequest_decode(rt_reader(&t), v, &cb, NULL), CN_OK);
        assert_int_equal(cb.topics[0].num_partitions, 4);
        assert_str(cb.topics[0].configs[0].value, "compact");
        assert_int_equal(cb.validate_only, v >= 1);
        rt_fini(&t);
    }
    for (v = 0; v <= 3; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_DeleteTopicsRequest_encode(&t.w, v, &dq);
        kp_DescribeConfigsRequest_encode(&t.w, v, &dcq);
        rt_reader(&t);
        assert_int_equal(kp_DeleteTopicsRequest_decode(&t.rd, v, &db, NULL), CN_OK);
        assert_int_equal(kp_DescribeConfigsRequest_decode(&t.rd, v, &dcb, NULL), CN_OK);
        assert_str(db.names[0], "t");
        assert_int_equal(dcb.resources[0].resource_type, 2);
        assert_str(dcb.resources[0].keys[0], "cleanup.policy");
        assert_int_equal(cn_rd_left(&t.rd.rd), 0);
        rt_fini(&t);
    }
}

static void test_admin_responses(void **state) {
    kp_topic_result_t tr = {{"t", 1}, 36, "exists"};
    kp_TopicResultsResponse_t rs = {0, &tr, 1};
    kp_dc_entry_t e = {"cleanup.policy", "compact", false, false, 1, false, 2};
    kp_dc_result_t r = {0, NULL, 2, {"t", 1}, &e, 1};
    kp_DescribeConfigsResponse_t dr = {0, &r, 1};
    int16_t v;
    (void)state;
    for (v = 0; v <= 4; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_CreateTopicsResponse_encode(&t.w, v, &rs);
        assert_int_equal(t.buf.len, 4 + 3 + 2 + (v >= 1 ? 8 : 0) + (v >= 2 ? 4 : 0));
        rt_fini(&t);
    }
    for (v = 0; v <= 3; v++) {
        rt_t t;
        size_t entry = 16 + 9 + 1 + 1 + 1 + (v >= 1 ? 4 : 0) + (v >= 3 ? 1 + 2 : 0);
        rt_init(&t, false);
        kp_DeleteTopicsResponse_encode(&t.w, v, &rs);
        assert_int_equal(t.buf.len, 4 + 3 + 2 + (v >= 1 ? 4 : 0));
        cn_buf_reset(&t.buf);
        kp_DescribeConfigsResponse_encode(&t.w, v, &dr);
        assert_int_equal(t.buf.len, 4 + 4 + 2 + 2 + 1 + 3 + 4 + entry);
        rt_fini(&t);
    }
}

/* ---- group and topic administration (optional APIs) ---- */

static void test_group_admin(void **state) {
    static const uint8_t lg_v1[] = {0,   0, 0, 0,   0,   0,   0,   0,   0,   1,   0,  1,
                                    'g', 0, 8, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r'};
    kp_lg_group_t lg = {{"g", 1}, {"consumer", 8}};
    kp_ListGroupsResponse_t lr = {0, 0, &lg, 1};
    kp_str_t names[2] = {{"g1", 2}, {"g2", 2}};
    kp_GroupsRequest_t gq = {names, 2, true}, gb;
    kp_dg_member_t mb = {{"m", 1}, {NULL, -1}, {"c", 1}, {"/h", 2}, {NULL, -1}, {NULL, -1}};
    kp_dg_group_t dg = {0, {"g", 1}, {"Stable", 6}, {"consumer", 8}, {"range", 5}, &mb, 1};
    kp_DescribeGroupsResponse_t dr = {0, &dg, 1};
    kp_group_result_t res = {{"g", 1}, 68};
    kp_DeleteGroupsResponse_t del = {0, &res, 1};
    int16_t v;
    rt_t t;
    (void)state;
    rt_init(&t, false);
    kp_ListGroupsResponse_encode(&t.w, 1, &lr);
    assert_bytes_equal(t.buf.data, t.buf.len, lg_v1, sizeof(lg_v1));
    assert_int_equal(kp_ListGroupsRequest_decode(rt_reader(&t), 1, NULL), CN_OK);
    rt_fini(&t);
    for (v = 0; v <= 4; v++) {
        size_t member = 3 + 3 + 4 + 4 + 4 + (v >= 4 ? 2 : 0);
        rt_init(&t, false);
        kp_DescribeGroupsRequest_encode(&t.w, v, &gq);
        assert_int_equal(kp_DescribeGroupsRequest_decode(rt_reader(&t), v, &gb, NULL), CN_OK);
        assert_int_equal(gb.ngroups, 2);
        assert_str(gb.groups[1], "g2");
        assert_int_equal(gb.include_authorized_operations, v >= 3);
        cn_buf_reset(&t.buf);
        kp_DescribeGroupsResponse_encode(&t.w, v, &dr);
        assert_int_equal(t.buf.len,
                         (v >= 1 ? 4 : 0) + 4 + 2 + 3 + 8 + 10 + 7 + 4 + member + (v >= 3 ? 4 : 0));
        rt_fini(&t);
    }
    for (v = 0; v <= 1; v++) {
        rt_init(&t, false);
        kp_DeleteGroupsRequest_encode(&t.w, v, &gq);
        assert_int_equal(kp_DeleteGroupsRequest_decode(rt_reader(&t), v, &gb, NULL), CN_OK);
        assert_str(gb.groups[0], "g1");
        cn_buf_reset(&t.buf);
        kp_DeleteGroupsResponse_encode(&t.w, v, &del);
        assert_int_equal(t.buf.len, 4 + 4 + 3 + 2);
        rt_fini(&t);
    }
}

static void test_topic_admin_more(void **state) {
    kp_dr_part_t dp = {0, 20, -1, 0};
    kp_dr_topic_t dt = {{"t", 1}, &dp, 1};
    kp_DeleteRecordsRequest_t drq = {&dt, 1, 1000}, drb;
    kp_cp_topic_t cp = {{"t", 1}, 6, -1};
    kp_CreatePartitionsRequest_t cpq = {&cp, 1, 1000, true}, cpb;
    kp_config_kv_t kv = {{"retention.ms", 12}, {NULL, -1}};
    kp_ac_resource_t ac = {2, {"t", 1}, &kv, 1, 0, NULL};
    kp_AlterConfigsRequest_t acq = {&ac, 1, false}, acb;
    kp_topic_result_t tr = {{"t", 1}, 37, NULL};
    kp_TopicResultsResponse_t trs = {0, &tr, 1};
    int16_t v;
    (void)state;
    for (v = 0; v <= 1; v++) {
        rt_t t;
        rt_init(&t, false);
        kp_DeleteRecordsRequest_encode(&t.w, v, &drq);
        kp_CreatePartitionsRequest_encode(&t.w, v, &cpq);
        kp_AlterConfigsRequest_encode(&t.w, v, &acq);
        rt_reader(&t);
        assert_int_equal(kp_DeleteRecordsRequest_decode(&t.rd, v, &drb, NULL), CN_OK);
        assert_int_equal(kp_CreatePartitionsRequest_decode(&t.rd, v, &cpb, NULL), CN_OK);
        assert_int_equal(kp_AlterConfigsRequest_decode(&t.rd, v, &acb, NULL), CN_OK);
        assert_int_equal(cn_rd_left(&t.rd.rd), 0);
        assert_int_equal(drb.topics[0].parts[0].offset, 20);
        assert_int_equal(cpb.topics[0].count, 6);
        assert_int_equal(cpb.topics[0].nassignments, -1);
        assert_true(cpb.validate_only);
        assert_str(acb.resources[0].configs[0].name, "retention.ms");
        assert_null(acb.resources[0].configs[0].value.p);
        cn_buf_reset(&t.buf);
        drb.topics[0].parts[0].low_watermark = 20;
        kp_DeleteRecordsResponse_encode(&t.w, v, 0, &drb);
        assert_int_equal(t.buf.len, 4 + 4 + 3 + 4 + 4 + 8 + 2);
        cn_buf_reset(&t.buf);
        kp_CreatePartitionsResponse_encode(&t.w, v, &trs);
        assert_int_equal(t.buf.len, 4 + 4 + 3 + 2 + 2);
        cn_buf_reset(&t.buf);
        kp_AlterConfigsResponse_encode(&t.w, v, 0, &acb);
        assert_int_equal(t.buf.len, 4 + 4 + 2 + 2 + 1 + 3);
        rt_fini(&t);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primitives_classic),
        cmocka_unit_test(test_primitives_flexible),
        cmocka_unit_test(test_tagged_fields_skipped),
        cmocka_unit_test(test_bad_lengths),
        cmocka_unit_test(test_request_header_v2_observed),
        cmocka_unit_test(test_header_roundtrip_and_truncation),
        cmocka_unit_test(test_api_versions_response),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_metadata_all_topics),
        cmocka_unit_test(test_metadata_response_v0_fixture),
        cmocka_unit_test(test_produce),
        cmocka_unit_test(test_produce_response_fixture),
        cmocka_unit_test(test_produce_truncated_everywhere),
        cmocka_unit_test(test_fetch),
        cmocka_unit_test(test_fetch_response_fixture),
        cmocka_unit_test(test_list_offsets),
        cmocka_unit_test(test_find_coordinator_and_init_pid),
        cmocka_unit_test(test_join_sync_heartbeat_leave),
        cmocka_unit_test(test_group_responses),
        cmocka_unit_test(test_offset_commit_fetch),
        cmocka_unit_test(test_offset_fetch_null_topics),
        cmocka_unit_test(test_admin_requests),
        cmocka_unit_test(test_admin_responses),
        cmocka_unit_test(test_group_admin),
        cmocka_unit_test(test_topic_admin_more),
    };
    return cmocka_run_group_tests_name("kp_codec", tests, NULL, NULL);
}
