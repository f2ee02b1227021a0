/* SPDX-License-Identifier: Apache-2.0
 *
 * libcairn-serdes, Protobuf, against a real cairnd on loopback: message indexes (Confluent's
 * test vectors and hostile input), schemas derived from the application's .proto files with an
 * import registered as a schema reference, protobuf-c round trips, the generic proto3 JSON
 * decode with descriptors built from the registry's schema, JSON encode byte-identical to
 * protobuf-c, well-known types, bad payloads, and no registry request after warm-up.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cairn/serdes_protobuf.h>

#include "serdes_pb/shop.pb-c.h"
#include "serdes_pb/wide.pb-c.h"
#include "tests/support/http_client.h"
#include "tests/support/test_util.h"
#include "tests/support/tu_cairnd.h"
#include "tests/unit/serdes/serdes_test_util.h"

static tu_cairnd_t g_cairnd;
static char *g_dir, g_url[64], *g_shop, *g_common;

static int setup(void **state) {
    (void)state;
    g_dir = tu_tmpdir("serdes-pb");
    if (tu_cairnd_start(&g_cairnd, g_dir, 60000) != 0)
        return -1;
    snprintf(g_url, sizeof(g_url), "http://127.0.0.1:%d", g_cairnd.port);
    g_shop = tu_read_data("serdes_pb/shop.proto", NULL);
    g_common = tu_read_data("serdes_pb/common.proto", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    tu_cairnd_stop(&g_cairnd, SIGTERM);
    tu_tmpdir_free(g_dir);
    free(g_shop);
    free(g_common);
    return 0;
}

static char *http_get(const char *path) {
    tu_http_resp_t r;
    char *body;
    assert_int_equal(tu_http(g_cairnd.port, "GET", path, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    body = strndup(r.body, r.body_len);
    tu_http_resp_free(&r);
    return body;
}

/* ---- message indexes ---- */

static void test_indexes_vectors(void **state) {
    static const struct {
        int32_t path[2];
        size_t n;
        uint8_t bytes[4];
        size_t len;
    } v[] = {
        {{0}, 1, {0x00}, 1},
        {{1}, 1, {0x02, 0x02}, 2},
        {{2}, 1, {0x02, 0x04}, 2},
        {{1, 0}, 2, {0x04, 0x02, 0x00}, 3},
        {{0, 2}, 2, {0x04, 0x00, 0x04}, 3},
        {{64}, 1, {0x02, 0x80, 0x01}, 3},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint8_t out[16];
        int32_t path[4];
        size_t len, n, used;
        assert_int_equal(
            cairn_protobuf_indexes_write(v[i].path, v[i].n, out, sizeof(out), &len, NULL),
            CAIRN_OK);
        assert_bytes_equal(out, len, v[i].bytes, v[i].len);
        assert_int_equal(cairn_protobuf_indexes_read(out, len, path, 4, &n, &used, NULL), CAIRN_OK);
        assert_int_equal(n, v[i].n);
        assert_int_equal(used, len);
        assert_memory_equal(path, v[i].path, n * sizeof(int32_t));
    }
}

static void test_indexes_hostile(void **state) {
    static const struct {
        uint8_t b[8];
        size_t len;
    } bad[] = {
        {{0x01}, 1},                               /* count -1 (the deprecated unsigned [1]) */
        {{0xfe, 0xff, 0xff, 0xff, 0x0f}, 5},       /* count 2^31-1 */
        {{0x04, 0x02}, 2},                         /* count 2, one element */
        {{0x02, 0x01}, 2},                         /* element -1 */
        {{0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 6}, /* a varint past 5 bytes */
        {{0x82}, 1},                               /* truncated varint */
        {{0}, 0},                                  /* empty */
        {{0x0a}, 1},                               /* count 5 > capacity 4 */
    };
    int32_t path[4] = {7, 7, 7, 7};
    size_t n, used;
    cairn_error_t err;
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(
            cairn_protobuf_indexes_read(bad[i].b, bad[i].len, path, 4, &n, &used, &err),
            CAIRN_ERR_PAYLOAD);
        assert_non_null(strstr(err.msg, "message indexes"));
    }
    path[0] = 7;
    assert_int_equal(cairn_protobuf_indexes_read((uint8_t[]){0xfe, 0xff, 0xff, 0xff, 0x0f}, 5, path,
                                                 4, &n, &used, NULL),
                     CAIRN_ERR_PAYLOAD);
    assert_int_equal(path[0], 7); /* a count over capacity stores nothing */
    assert_int_equal(
        cairn_protobuf_indexes_read((uint8_t[]){0x00, 0x99}, 2, path, 4, &n, &used, NULL),
        CAIRN_OK);
    assert_int_equal(n, 1);
    assert_int_equal(path[0], 0);
    assert_int_equal(used, 1);
}

/* ---- through cairnd ---- */

static Shop__Order *order_new(void) {
    static Shop__Order__Line l1 = SHOP__ORDER__LINE__INIT, l2 = SHOP__ORDER__LINE__INIT;
    static Shop__Order__Line *lines[] = {&l1, &l2};
    static Shop__Order__TagsEntry t1 = SHOP__ORDER__TAGS_ENTRY__INIT;
    static Shop__Order__TagsEntry *tags[] = {&t1};
    static Shop__Common__Money money = SHOP__COMMON__MONEY__INIT;
    static int32_t codes[] = {3, -1, 300};
    static Shop__Order o = SHOP__ORDER__INIT;
    l1.sku = "A-1";
    l1.qty = 2;
    l2.sku = "B-2";
    l2.qty = 1;
    t1.key = "gift";
    t1.value = 1;
    money.currency = "EUR";
    money.units = 1234567890123LL;
    o.id = 9007199254740993LL;
    o.customer = "Zoë";
    o.status = SHOP__ORDER__STATUS__PAID;
    o.n_lines = 2;
    o.lines = lines;
    o.n_tags = 1;
    o.tags = tags;
    o.total = &money;
    o.blob.data = (uint8_t *)"\x00\xff\x10";
    o.blob.len = 3;
    o.n_codes = 3;
    o.codes = codes;
    o.ratio = 0.5;
    o.rush = 1;
    o.delta = -5;
    o.big = 18446744073709551615ULL;
    return &o;
}

static const char *const ORDER_JSON =
    "{\"id\":\"9007199254740993\",\"customer\":\"Zo\\u00eb\",\"status\":\"PAID\","
    "\"lines\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-2\",\"qty\":1}],\"tags\":{\"gift\":1},"
    "\"total\":{\"currency\":\"EUR\",\"units\":\"1234567890123\"},\"blob\":\"AP8Q\","
    "\"codes\":[3,-1,300],\"ratio\":0.5,\"rush\":true,\"delta\":\"-5\","
    "\"big\":\"18446744073709551615\"}";

static cairn_serializer_t *shop_serializer(cairn_serdes_t *sd) {
    cairn_protobuf_file_t files[] = {{"shop.proto", g_shop}, {"common.proto", g_common}};
    cairn_error_t err;
    cairn_serializer_t *ser = cairn_protobuf_serializer_new(sd, CAIRN_ROLE_VALUE, files, 2, &err);
    if (!ser)
        fail_msg("serializer: %s", err.msg);
    return ser;
}

static void test_roundtrip_with_reference(void **state) {
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = shop_serializer(sd);
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    Shop__Order *o = order_new();
    void *out = NULL;
    size_t len = 0, plen = protobuf_c_message_get_packed_size(&o->base);
    uint8_t *raw = malloc(plen);
    cairn_error_t err;
    char *json = NULL, *body;
    int32_t id = -1;
    ProtobufCMessage *back = NULL;
    (void)state;
    protobuf_c_message_pack(&o->base, raw);
    if (cairn_protobuf_serialize(ser, "orders", &o->base, &out, &len, &err) != CAIRN_OK)
        fail_msg("serialize: %s", err.msg);
    /* 0x00, id, [0] as 0x00, then exactly protobuf-c's bytes. */
    assert_int_equal(len, 5 + 1 + plen);
    assert_int_equal(((uint8_t *)out)[5], 0x00);
    assert_memory_equal((uint8_t *)out + 6, raw, plen);
    /* The import is a subject of its own, referenced by the schema. */
    body = http_get("/subjects/common.proto/versions/latest");
    assert_non_null(strstr(body, "Money"));
    free(body);
    body = http_get("/subjects/orders-value/versions/latest");
    assert_non_null(strstr(body, "\"references\":[{\"name\":\"common.proto\","
                                 "\"subject\":\"common.proto\",\"version\":1}]"));
    free(body);
    /* Generic JSON with descriptors from the registry, and back into protobuf-c. */
    if (cairn_deserialize_json(des, "orders", out, len, &json, &id, &err) != CAIRN_OK)
        fail_msg("deserialize_json: %s", err.msg);
    st_assert_json(json, ORDER_JSON);
    assert_true(id > 0);
    assert_int_equal(cairn_protobuf_deserialize(des, "orders", out, len, &shop__order__descriptor,
                                                NULL, &back, &id, &err),
                     CAIRN_OK);
    assert_string_equal(((Shop__Order *)back)->total->currency, "EUR");
    assert_int_equal(((Shop__Order *)back)->big, 18446744073709551615ULL);
    protobuf_c_message_free_unpacked(back, NULL);
    cairn_free(json);
    cairn_free(out);
    free(raw);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

static void test_json_encode_matches_protobuf_c(void **state) {
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = shop_serializer(sd);
    Shop__Order *o = order_new();
    void *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    cairn_error_t err;
    (void)state;
    assert_int_equal(cairn_protobuf_serialize(ser, "orders2", &o->base, &a, &alen, &err), CAIRN_OK);
    if (cairn_serialize_json(ser, "orders2", ORDER_JSON, strlen(ORDER_JSON), &b, &blen, &err) !=
        CAIRN_OK)
        fail_msg("serialize_json: %s", err.msg);
    assert_bytes_equal(a, alen, b, blen);
    /* proto3 defaults are not written, whatever their JSON spelling. */
    const char *defaults = "{\"status\":\"NEW\",\"id\":\"0\",\"customer\":\"\","
                           "\"ratio\":0.0,\"rush\":false,\"codes\":[]}";
    assert_int_equal(
        cairn_serialize_json(ser, "orders2", defaults, strlen(defaults), &b, &blen, &err),
        CAIRN_OK);
    assert_int_equal(blen, 6); /* frame and index [0]: an empty message */
    cairn_free(b);
    b = NULL;
    /* Unknown names, wrong types and out-of-range values are refused. */
    assert_int_equal(cairn_serialize_json(ser, "orders2", "{\"nope\":1}", 10, &b, &blen, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "nope"));
    assert_int_equal(cairn_serialize_json(ser, "orders2", "{\"lines\":[{\"qty\":4294967296}]}", 31,
                                          &b, &blen, &err),
                     CAIRN_ERR_VALUE);
    assert_int_equal(
        cairn_serialize_json(ser, "orders2", "{\"status\":\"LOST\"}", 17, &b, &blen, &err),
        CAIRN_ERR_VALUE);
    cairn_free(a);
    cairn_free(b);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

static void test_second_message_and_no_registry_after_warmup(void **state) {
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = shop_serializer(sd);
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    Shop__Ping p = SHOP__PING__INIT;
    uint8_t buf[64];
    void *out = buf;
    size_t len = sizeof(buf);
    char *json = NULL;
    cairn_stats_t st0, st1;
    (void)state;
    p.text = "hi";
    assert_int_equal(cairn_protobuf_serialize(ser, "pings", &p.base, &out, &len, NULL), CAIRN_OK);
    assert_int_equal(cairn_deserialize_json(des, "pings", buf, len, &json, NULL, NULL), CAIRN_OK);
    cairn_free(json);
    cairn_serdes_stats(sd, &st0);
    for (int i = 0; i < 100; i++) {
        len = sizeof(buf);
        assert_int_equal(cairn_protobuf_serialize(ser, "pings", &p.base, &out, &len, NULL),
                         CAIRN_OK);
        /* [1] is 02 02 after the id; the payload is 0a 02 "hi". */
        assert_int_equal(len, 5 + 2 + 4);
        assert_memory_equal(buf + 5, "\x02\x02\x0a\x02hi", 6);
        if (i == 0) { /* JSON naming the message gives the same bytes */
            void *j = NULL;
            size_t jlen = 0;
            assert_int_equal(cairn_protobuf_serialize_json(ser, "pings", "shop.Ping",
                                                           "{\"text\":\"hi\"}", 13, &j, &jlen,
                                                           NULL),
                             CAIRN_OK);
            assert_bytes_equal(j, jlen, buf, len);
            assert_int_equal(
                cairn_protobuf_serialize_json(ser, "pings", "shop.Nope", "{}", 2, &j, &jlen, NULL),
                CAIRN_ERR_VALUE);
            cairn_free(j);
        }
        assert_int_equal(cairn_deserialize_json(des, "pings", buf, len, &json, NULL, NULL),
                         CAIRN_OK);
        st_assert_json(json, "{\"text\":\"hi\"}");
        cairn_free(json);
    }
    cairn_serdes_stats(sd, &st1);
    assert_int_equal(st1.registry_requests, st0.registry_requests);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

static void test_bad_payloads(void **state) {
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = shop_serializer(sd);
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    Shop__Ping p = SHOP__PING__INIT;
    uint8_t good[32], bad[32];
    void *out = good;
    size_t len = sizeof(good);
    char *json = NULL;
    cairn_error_t err;
    ProtobufCMessage *m = NULL;
    static const struct {
        const char *tail;
        size_t n;
    } tails[] = {
        {"\x02\x0a", 2},             /* index 5: no such message */
        {"\x04\x02\x00", 3},         /* [1, 0]: Ping has no nested type */
        {"\x00\x0a\x05hi", 5},       /* string longer than the payload */
        {"\x00\x0a", 2},             /* truncated length */
        {"\x00\x0d\x01\x02\x03", 5}, /* field 1 as fixed32 */
        {"\x00\x0a\x02\xff\xfe", 5}, /* not UTF-8 */
        {"\x00\x00\x01", 3},         /* field number 0 */
        {"\x00\x0f", 2},             /* wire type 7 */
    };
    (void)state;
    p.text = "hi";
    assert_int_equal(cairn_protobuf_serialize(ser, "bad", &p.base, &out, &len, NULL), CAIRN_OK);
    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        memcpy(bad, good, 5);
        memcpy(bad + 5, tails[i].tail, tails[i].n);
        assert_int_equal(cairn_deserialize_json(des, "bad", bad, 5 + tails[i].n, &json, NULL, &err),
                         CAIRN_ERR_PAYLOAD);
        assert_null(json);
    }
    /* A truncated count in the index array fails before protobuf-c sees anything. */
    memcpy(bad, good, 5);
    bad[5] = 0x80;
    assert_int_equal(cairn_protobuf_deserialize(des, "bad", bad, 6, &shop__ping__descriptor, NULL,
                                                &m, NULL, &err),
                     CAIRN_ERR_PAYLOAD);
    assert_null(m);
    /* A message the schema does not have cannot be serialized with it. */
    Shop__Common__Money money = SHOP__COMMON__MONEY__INIT;
    out = NULL;
    assert_int_equal(cairn_protobuf_serialize(ser, "bad", &money.base, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "shop.common.Money"));
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

static const char WKT_PROTO[] =
    "syntax = \"proto3\";\npackage wk;\n"
    "import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/duration.proto\";\n"
    "import \"google/protobuf/wrappers.proto\";\nimport \"google/protobuf/struct.proto\";\n"
    "import \"google/protobuf/field_mask.proto\";\nimport \"google/protobuf/any.proto\";\n"
    "message Event {\n  google.protobuf.Timestamp at = 1;\n  google.protobuf.Duration took = 2;\n"
    "  google.protobuf.Int64Value count = 3;\n  google.protobuf.StringValue note = 4;\n"
    "  google.protobuf.Struct extra = 5;\n  google.protobuf.FieldMask mask = 6;\n"
    "  map<int32, string> names = 7;\n  optional int32 maybe = 8;\n  float f = 9;\n"
    "  google.protobuf.Any thing = 10;\n  repeated google.protobuf.Any whens = 11;\n}\n"
    "message Inner {\n  int64 x = 1;\n}\n";

static void test_well_known_types(void **state) {
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_error_t err;
    cairn_serializer_t *ser =
        cairn_serializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, WKT_PROTO, &err);
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    const char *in =
        "{\"at\":\"2024-02-29T12:34:56.789Z\",\"took\":\"-1.500s\",\"count\":\"7\","
        "\"note\":\"\",\"extra\":{\"a\":[1,\"x\",null,true,{\"b\":2.5}]},"
        "\"mask\":\"fooBar,baz\",\"names\":{\"1\":\"one\",\"-2\":\"minus two\"},\"maybe\":0,"
        "\"f\":0.5,\"thing\":{\"@type\":\"type.googleapis.com/wk.Inner\",\"x\":\"3\"},"
        "\"whens\":[{\"@type\":\"type.googleapis.com/google.protobuf.Timestamp\","
        "\"value\":\"1970-01-01T00:00:01Z\"}]}";
    void *out = NULL;
    size_t len = 0;
    char *json = NULL, *body;
    (void)state;
    if (!ser)
        fail_msg("serializer: %s", err.msg);
    if (cairn_serialize_json(ser, "events", in, strlen(in), &out, &len, &err) != CAIRN_OK)
        fail_msg("serialize_json: %s", err.msg);
    if (cairn_deserialize_json(des, "events", out, len, &json, NULL, &err) != CAIRN_OK)
        fail_msg("deserialize_json: %s", err.msg);
    st_assert_json(json, in);
    cairn_free(json);
    cairn_free(out);
    out = NULL;
    /* An Any of a type the schema does not define is refused both ways. */
    assert_int_equal(cairn_serialize_json(ser, "events", "{\"thing\":{\"@type\":\"x/wk.Nope\"}}",
                                          31, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "an Any needs"));
    json = NULL;
    /* skip.known.types (the default): the well-known imports are not registered. */
    body = http_get("/subjects");
    assert_null(strstr(body, "google/protobuf"));
    free(body);
    cairn_free(json);
    cairn_free(out);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

static void test_qualified_reference_subjects(void **state) {
    cairn_serdes_t *sd =
        st_handle(g_url, "reference.subject.name.strategy", "QualifiedReferenceSubjectNameStrategy",
                  "skip.known.types", "false", NULL);
    cairn_serializer_t *ser = shop_serializer(sd);
    cairn_serializer_t *wk =
        cairn_serializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, WKT_PROTO, NULL);
    char *body;
    int32_t id;
    cairn_error_t err;
    (void)state;
    if (cairn_serializer_prepare(ser, "qual", &id, &err) != CAIRN_OK)
        fail_msg("prepare: %s", err.msg);
    body = http_get("/subjects/common/versions/latest");
    assert_non_null(strstr(body, "Money"));
    free(body);
    if (cairn_serializer_prepare(wk, "qualwk", &id, &err) != CAIRN_OK)
        fail_msg("prepare: %s", err.msg);
    body = http_get("/subjects/google.protobuf.timestamp/versions/latest");
    assert_non_null(strstr(body, "Timestamp"));
    free(body);
    cairn_serializer_free(wk);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* use.latest.version: no local schema; the message is found in the subject's latest version.
 * normalize.schemas: the registration sends ?normalize=true and still gets an id. */
static void test_latest_and_normalize(void **state) {
    cairn_serdes_t *reg = st_handle(g_url, "normalize.schemas", "true", NULL);
    cairn_serdes_t *sd = st_handle(g_url, "use.latest.version", "true", NULL);
    cairn_serializer_t *ser = shop_serializer(reg);
    cairn_serializer_t *latest =
        cairn_serializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    Shop__Ping p = SHOP__PING__INIT;
    void *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    cairn_error_t err;
    (void)state;
    p.text = "latest";
    assert_non_null(latest);
    if (cairn_protobuf_serialize(ser, "lat", &p.base, &a, &alen, &err) != CAIRN_OK)
        fail_msg("normalize: %s", err.msg);
    if (cairn_protobuf_serialize(latest, "lat", &p.base, &b, &blen, &err) != CAIRN_OK)
        fail_msg("latest: %s", err.msg);
    assert_bytes_equal(a, alen, b, blen); /* same id, index [1], same payload */
    cairn_free(a);
    cairn_free(b);
    cairn_serializer_free(latest);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
    cairn_serdes_free(reg);
}

/* Without the .proto file: a schema rebuilt from the generated descriptor. */
static void test_schema_from_descriptor(void **state) {
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_error_t err;
    char *text = cairn_protobuf_schema_of(&bench__wide__descriptor, &err), *json = NULL;
    cairn_serializer_t *ser;
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    Bench__Wide w = BENCH__WIDE__INIT;
    void *out = NULL;
    size_t len = 0;
    (void)state;
    assert_non_null(text);
    assert_non_null(strstr(text, "syntax = \"proto3\";\npackage bench;\nmessage Wide {\n"));
    assert_non_null(strstr(text, "  fixed64 f16 = 16;\n"));
    cairn_free(text);
    ser = cairn_protobuf_serializer_from_descriptor(sd, CAIRN_ROLE_VALUE, &bench__wide__descriptor,
                                                    &err);
    if (!ser)
        fail_msg("from_descriptor: %s", err.msg);
    w.f1 = -2;
    w.f3 = "x";
    w.f16 = 7;
    assert_int_equal(cairn_protobuf_serialize(ser, "derived", &w.base, &out, &len, &err), CAIRN_OK);
    assert_int_equal(cairn_deserialize_json(des, "derived", out, len, &json, NULL, &err), CAIRN_OK);
    st_assert_json(json, "{\"f1\":\"-2\",\"f3\":\"x\",\"f16\":\"7\"}");
    cairn_free(json);
    cairn_free(out);
    /* A file whose declarations the descriptor reaches in order gets the same id as its text. */
    {
        char *wide = tu_read_data("serdes_pb/wide.proto", NULL);
        cairn_serializer_t *a =
            cairn_serializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, wide, NULL);
        int32_t ida = -1, idb = -2;
        assert_int_equal(cairn_serializer_prepare(a, "wide-text", &ida, NULL), CAIRN_OK);
        assert_int_equal(cairn_serializer_prepare(ser, "wide-derived", &idb, NULL), CAIRN_OK);
        assert_int_equal(ida, idb);
        cairn_serializer_free(a);
        free(wide);
    }
    cairn_serializer_free(ser);
    /* A nested message comes back nested in its (unreached) outer message. */
    text = cairn_protobuf_schema_of(&shop__order__line__descriptor, &err);
    assert_non_null(text);
    assert_non_null(strstr(text, "message Order {\n  message Line {\n    string sku = 1;\n"));
    cairn_free(text);
    /* A type of another package has a file the descriptors do not name. */
    assert_null(cairn_protobuf_schema_of(&shop__order__descriptor, &err));
    assert_int_equal(err.code, CAIRN_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "shop.common.Money"));
    cairn_deserializer_free(des);
    cairn_serdes_free(sd);
}

/* use.deprecated.format: the unsigned indexes of python-confluent-kafka 1.4-1.7, both ways. */
static void test_deprecated_format(void **state) {
    cairn_serdes_t *old = st_handle(g_url, "use.deprecated.format", "true", NULL);
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = shop_serializer(old);
    cairn_deserializer_t *lenient =
        cairn_deserializer_new(old, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    cairn_deserializer_t *strict =
        cairn_deserializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    Shop__Ping p = SHOP__PING__INIT;
    Shop__Order o = SHOP__ORDER__INIT;
    void *out = NULL;
    size_t len = 0;
    char *json = NULL;
    cairn_error_t err;
    (void)state;
    p.text = "hi";
    assert_int_equal(cairn_protobuf_serialize(ser, "old", &p.base, &out, &len, &err), CAIRN_OK);
    assert_memory_equal((uint8_t *)out + 5, "\x01\x01\x0a\x02hi", 6); /* [1] as 01 01 */
    assert_int_equal(cairn_deserialize_json(lenient, "old", out, len, &json, NULL, &err), CAIRN_OK);
    st_assert_json(json, "{\"text\":\"hi\"}");
    cairn_free(json);
    json = NULL;
    { /* the same bytes from JSON, naming the message */
        void *j = NULL;
        size_t jlen = 0;
        assert_int_equal(cairn_protobuf_serialize_json(ser, "old", "shop.Ping", "{\"text\":\"hi\"}",
                                                       13, &j, &jlen, &err),
                         CAIRN_OK);
        assert_bytes_equal(j, jlen, out, len);
        cairn_free(j);
    }
    assert_int_equal(cairn_deserialize_json(strict, "old", out, len, &json, NULL, &err),
                     CAIRN_ERR_PAYLOAD); /* count -1 in zigzag */
    cairn_free(out);
    out = NULL;
    o.id = 1; /* the first message is 0x00 in both forms */
    assert_int_equal(cairn_protobuf_serialize(ser, "old", &o.base, &out, &len, &err), CAIRN_OK);
    assert_int_equal(((uint8_t *)out)[5], 0);
    assert_int_equal(cairn_deserialize_json(strict, "old", out, len, &json, NULL, &err), CAIRN_OK);
    cairn_free(json);
    cairn_free(out);
    cairn_deserializer_free(strict);
    cairn_deserializer_free(lenient);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
    cairn_serdes_free(old);
}

/* RecordNameStrategy names the message being serialized (Java, Python): one file, two subjects,
 * one id. */
static void test_record_strategy_per_message(void **state) {
    cairn_serdes_t *sd =
        st_handle(g_url, "value.subject.name.strategy", "RecordNameStrategy", NULL);
    cairn_serializer_t *ser = shop_serializer(sd);
    Shop__Ping p = SHOP__PING__INIT;
    Shop__Order o = SHOP__ORDER__INIT;
    void *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    char *body;
    (void)state;
    p.text = "r";
    assert_int_equal(cairn_protobuf_serialize(ser, "rec", &p.base, &a, &alen, NULL), CAIRN_OK);
    assert_int_equal(cairn_protobuf_serialize(ser, "rec", &o.base, &b, &blen, NULL), CAIRN_OK);
    assert_memory_equal((uint8_t *)a + 1, (uint8_t *)b + 1, 4); /* same schema, same id */
    body = http_get("/subjects/shop.Ping/versions/latest");
    assert_non_null(strstr(body, "message Ping"));
    free(body);
    body = http_get("/subjects/shop.Order/versions/latest");
    assert_non_null(strstr(body, "message Order"));
    free(body);
    cairn_free(a);
    cairn_free(b);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indexes_vectors),
        cmocka_unit_test(test_indexes_hostile),
        cmocka_unit_test(test_roundtrip_with_reference),
        cmocka_unit_test(test_json_encode_matches_protobuf_c),
        cmocka_unit_test(test_second_message_and_no_registry_after_warmup),
        cmocka_unit_test(test_bad_payloads),
        cmocka_unit_test(test_well_known_types),
        cmocka_unit_test(test_qualified_reference_subjects),
        cmocka_unit_test(test_latest_and_normalize),
        cmocka_unit_test(test_schema_from_descriptor),
        cmocka_unit_test(test_deprecated_format),
        cmocka_unit_test(test_record_strategy_per_message),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
