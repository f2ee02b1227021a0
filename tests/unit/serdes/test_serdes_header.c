/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema ids in record headers (Confluent 8.x) through libcairn-serdes against a real cairnd on
 * a loopback port: the header serializer's bare payload and __value_schema_id / __key_schema_id
 * = 0x01 + the schema's GUID (the MD5 of the schema, known vector), the dual deserializer
 * (header GUID, header 0x00 + id, payload prefix 0x00 + id, payload 0x01 + GUID), the prefix-only
 * deserializer ignoring headers, hostile header values (empty, short, unknown magic, negative
 * id, unknown GUID with its negative cache), and use.latest.with.metadata's request (mock).
 */
#include "tests/support/test_util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>
#include <cairn/serdes_avro.h>

#include "tests/support/tu_cairnd.h"
#include "tests/unit/serdes/serdes_test_util.h"

#define PAY                                                                                        \
    "{\"type\":\"record\",\"name\":\"Pay\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"amt\","  \
    "\"type\":\"long\"}]}"
/* md5(PAY) = 5ccd47f5-e724-4e25-b0a3-076fcf3995eb: the GUID a Confluent 8.x registry gives */
static const uint8_t PAY_GUID[16] = {0x5c, 0xcd, 0x47, 0xf5, 0xe7, 0x24, 0x4e, 0x25,
                                     0xb0, 0xa3, 0x07, 0x6f, 0xcf, 0x39, 0x95, 0xeb};

typedef struct fx {
    tu_cairnd_t c;
    char *dir;
    char url[64];
} fx_t;

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    f->dir = tu_tmpdir("serdes-header");
    if (tu_cairnd_start(&f->c, f->dir, 60000) != 0) {
        tu_tmpdir_free(f->dir);
        free(f);
        return -1;
    }
    snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d", f->c.port);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    if (!f) /* setup failed and cleaned up */
        return 0;
    tu_cairnd_stop(&f->c, SIGTERM);
    tu_tmpdir_free(f->dir);
    free(f);
    return 0;
}

/* Serialize {"amt":42} with role and the handle's config through the header call. */
static void ser_h(cairn_serdes_t *sd, cairn_role_t role, void **out, size_t *len,
                  cairn_header_t *hdr) {
    cairn_error_t err;
    cairn_serializer_t *ser = cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, role, PAY, &err);
    assert_non_null(ser);
    *out = NULL;
    if (cairn_serialize_json_h(ser, "t", "{\"amt\":42}", 10, out, len, hdr, &err) != CAIRN_OK)
        fail_msg("serialize: %s", err.msg);
    cairn_serializer_free(ser);
}

static cairn_err_t des_h(cairn_serdes_t *sd, const void *data, size_t len, const void *hdr,
                         size_t hlen, char **json, int32_t *id, cairn_error_t *err) {
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, err);
    cairn_err_t rc;
    assert_non_null(des);
    rc = cairn_deserialize_json_h(des, "t", data, len, hdr, hlen, json, id, err);
    cairn_deserializer_free(des);
    return rc;
}

static void test_header_round_trip(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd = st_handle(f->url, "value.schema.id.serializer", "header", NULL);
    cairn_header_t hdr;
    cairn_error_t err;
    void *buf;
    size_t len;
    char *json = NULL;
    int32_t id = 0;
    ser_h(sd, CAIRN_ROLE_VALUE, &buf, &len, &hdr);
    assert_int_equal(len, 1); /* the bare Avro encoding: zigzag(42) */
    assert_int_equal(((uint8_t *)buf)[0], 0x54);
    assert_string_equal(hdr.name, "__value_schema_id");
    assert_int_equal(hdr.len, 17);
    assert_int_equal(hdr.value[0], 0x01);
    assert_memory_equal(hdr.value + 1, PAY_GUID, 16);
    assert_int_equal(des_h(sd, buf, len, hdr.value, hdr.len, &json, &id, &err), CAIRN_OK);
    st_assert_json(json, "{\"amt\":42}");
    assert_int_equal(id, -1);
    cairn_free(json);
    cairn_free(buf);
    cairn_serdes_free(sd);
}

static void test_key_header_and_plain_call(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd = st_handle(f->url, "key.schema.id.serializer",
                                   "io.confluent.kafka.serializers.schema.id."
                                   "HeaderSchemaIdSerializer",
                                   NULL);
    cairn_serializer_t *ser;
    cairn_header_t hdr;
    cairn_error_t err;
    void *buf = NULL;
    size_t len;
    ser_h(sd, CAIRN_ROLE_KEY, &buf, &len, &hdr);
    assert_string_equal(hdr.name, "__key_schema_id");
    cairn_free(buf);
    /* the value role keeps the prefix: no header to add */
    ser_h(sd, CAIRN_ROLE_VALUE, &buf, &len, &hdr);
    assert_null(hdr.name);
    assert_int_equal(len, 6);
    assert_int_equal(((uint8_t *)buf)[0], 0x00);
    cairn_free(buf);
    /* the plain call cannot return the header: refused, nothing written */
    ser = cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_KEY, PAY, &err);
    buf = NULL;
    assert_int_equal(cairn_serialize_json(ser, "t", "{\"amt\":1}", 9, &buf, &len, &err),
                     CAIRN_ERR_INVALID_ARG);
    assert_null(buf);
    assert_non_null(strstr(err.msg, "_h"));
    cairn_serializer_free(ser);
    /* Protobuf and JSON Schema serializers take header mode too (test_serdes_header_formats) */
    ser = cairn_serializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_KEY,
                               "syntax = \"proto3\";\nmessage A {\n  string s = 1;\n}\n", &err);
    assert_non_null(ser);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* A subject in another context: its ids are that context's, so the GUID is looked up there, not
 * by the same id in the default context (which here is another schema). */
static void test_header_in_context(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd = st_handle(f->url, "value.schema.id.serializer", "header", NULL);
    cairn_serializer_t *ser =
        cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY, NULL);
    cairn_header_t hdr;
    cairn_error_t err;
    char subject[32], schema[128];
    void *buf = NULL;
    size_t len;
    int32_t id, pay_id = -1;
    for (int i = 0; i < 6; i++) { /* default ids 2.. and .hx ids 1..3 are other schemas */
        snprintf(subject, sizeof(subject), i < 3 ? "fill%d" : ":.hx:fill%d", i);
        snprintf(schema, sizeof(schema), "{\"type\":\"fixed\",\"name\":\"F%d\",\"size\":%d}", i,
                 i + 1);
        assert_int_equal(
            cairn_schema_register(sd, subject, CAIRN_FORMAT_AVRO, schema, false, &id, &err),
            CAIRN_OK);
    }
    assert_non_null(ser);
    assert_int_equal(cairn_serializer_prepare(ser, ":.hx:t", &pay_id, &err), CAIRN_OK);
    assert_int_equal(pay_id, 4); /* the 4th schema of .hx; default id 4 is fill2 */
    assert_int_equal(
        cairn_serialize_json_h(ser, ":.hx:t", "{\"amt\":42}", 10, &buf, &len, &hdr, &err),
        CAIRN_OK);
    assert_memory_equal(hdr.value + 1, PAY_GUID, 16);
    cairn_free(buf);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

static void test_dual_reads_every_form(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd = st_handle(f->url, NULL);
    cairn_header_t hdr;
    cairn_error_t err;
    uint8_t framed[32], idhdr[5];
    void *buf;
    size_t len;
    char *json = NULL;
    int32_t id = -1;
    ser_h(sd, CAIRN_ROLE_VALUE, &buf, &len, &hdr); /* prefix: 00 <id> 54 */
    assert_int_equal(len, 6);
    memcpy(idhdr, buf, 5);
    assert_int_equal(des_h(sd, buf, len, NULL, 0, &json, &id, &err), CAIRN_OK);
    st_assert_json(json, "{\"amt\":42}");
    cairn_free(json);
    /* 0x00 + id in a header, bare payload */
    assert_int_equal(des_h(sd, (uint8_t *)buf + 5, 1, idhdr, 5, &json, &id, &err), CAIRN_OK);
    st_assert_json(json, "{\"amt\":42}");
    assert_int_equal(id,
                     (int32_t)((idhdr[1] << 24) | (idhdr[2] << 16) | (idhdr[3] << 8) | idhdr[4]));
    cairn_free(json);
    /* 0x01 + GUID as the payload prefix (accepted by Confluent's JavaScript client) */
    framed[0] = 0x01;
    memcpy(framed + 1, PAY_GUID, 16);
    framed[17] = 0x54;
    assert_int_equal(des_h(sd, framed, 18, NULL, 0, &json, &id, &err), CAIRN_OK);
    st_assert_json(json, "{\"amt\":42}");
    cairn_free(json);
    /* a header wins over the payload: the payload is then read as it is */
    assert_int_equal(des_h(sd, buf, len, framed, 17, &json, &id, &err), CAIRN_ERR_PAYLOAD);
    assert_null(json);
    cairn_free(buf);
    cairn_serdes_free(sd);
}

static void test_prefix_deserializer_ignores_headers(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd = st_handle(f->url, "value.schema.id.deserializer", "prefix", NULL);
    cairn_error_t err;
    uint8_t h[17] = {0x01}, framed[18] = {0x01};
    char *json = NULL;
    memcpy(h + 1, PAY_GUID, 16);
    memcpy(framed + 1, PAY_GUID, 16);
    framed[17] = 0x54;
    assert_int_equal(des_h(sd, "\x54", 1, h, 17, &json, NULL, &err), CAIRN_ERR_BAD_MAGIC);
    assert_int_equal(des_h(sd, framed, 18, NULL, 0, &json, NULL, &err), CAIRN_ERR_UNSUPPORTED);
    assert_null(json);
    cairn_serdes_free(sd);
}

static void expect_bad_header(cairn_serdes_t *sd, const void *h, size_t hlen, cairn_err_t code,
                              const char *msg) {
    cairn_error_t err;
    char *json = NULL;
    assert_int_equal(des_h(sd, "\x54", 1, h, hlen, &json, NULL, &err), code);
    assert_null(json);
    if (!strstr(err.msg, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
}

static void test_hostile_headers(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd = st_handle(f->url, "max.retries", "0", NULL);
    uint8_t unknown[17] = {0x01, 0xde, 0xad, 0xbe, 0xef};
    uint8_t big[CAIRN_HEADER_VALUE_MAX * 4] = {0x01};
    cairn_stats_t st;
    uint64_t before;
    /* an empty header is no header: the bare payload has no prefix */
    expect_bad_header(sd, "", 0, CAIRN_ERR_BAD_MAGIC, "0x54");
    expect_bad_header(sd, "\x01", 1, CAIRN_ERR_SHORT_BUFFER, "17 bytes");
    expect_bad_header(sd, unknown, 16, CAIRN_ERR_SHORT_BUFFER, "GUID");
    expect_bad_header(sd, "\x02\x00\x00\x00\x01", 5, CAIRN_ERR_BAD_MAGIC, "0x02");
    expect_bad_header(sd, "\xff", 1, CAIRN_ERR_BAD_MAGIC, "0xff");
    expect_bad_header(sd, "\x00\x00\x01", 3, CAIRN_ERR_SHORT_BUFFER, "5 bytes");
    expect_bad_header(sd, "\x00\x00\x00\x00\x01\x00", 6, CAIRN_ERR_BAD_MAGIC, "5 bytes");
    expect_bad_header(sd, "\x00\xff\xff\xff\xff", 5, CAIRN_ERR_INVALID_ARG, "negative");
    expect_bad_header(sd, "\x00\x00\x00\x30\x39", 5, CAIRN_ERR_UNKNOWN_ID, "12345");
    expect_bad_header(sd, unknown, 17, CAIRN_ERR_UNKNOWN_ID, "deadbeef-0000");
    /* the unknown GUID is negative-cached: no second request */
    cairn_serdes_stats(sd, &st);
    before = st.registry_requests;
    expect_bad_header(sd, unknown, 17, CAIRN_ERR_UNKNOWN_ID, "cached");
    cairn_serdes_stats(sd, &st);
    assert_int_equal(st.registry_requests, before);
    /* bytes after the GUID (a Protobuf message-index path) are allowed, however many; a
     * garbage payload under a good GUID is a payload error */
    memcpy(big + 1, PAY_GUID, 16);
    memset(big + 17, 0xff, sizeof(big) - 17);
    {
        cairn_error_t err;
        char *json = NULL;
        assert_int_equal(des_h(sd, "\x54", 1, big, sizeof(big), &json, NULL, &err), CAIRN_OK);
        st_assert_json(json, "{\"amt\":42}");
        cairn_free(json);
        assert_int_equal(des_h(sd, "\x80", 1, big, 17, &json, NULL, &err), CAIRN_ERR_PAYLOAD);
        assert_null(json);
    }
    cairn_serdes_free(sd);
}

static void test_header_read(void **state) {
    uint8_t v[17] = {0x01}, guid[16];
    int32_t id = 7;
    bool is_guid = false;
    cairn_error_t err;
    (void)state;
    memcpy(v + 1, PAY_GUID, 16);
    assert_int_equal(cairn_header_read(v, 17, &id, &is_guid, guid, &err), CAIRN_OK);
    assert_true(is_guid);
    assert_int_equal(id, -1);
    assert_memory_equal(guid, PAY_GUID, 16);
    assert_int_equal(cairn_header_read("\x00\x00\x00\x00\x2a", 5, &id, &is_guid, NULL, &err),
                     CAIRN_OK);
    assert_false(is_guid);
    assert_int_equal(id, 42);
    assert_int_equal(cairn_header_read(NULL, 0, &id, NULL, NULL, &err), CAIRN_ERR_SHORT_BUFFER);
}

static void test_latest_with_metadata_request(void **state) {
    mock_registry_t *mr = mr_start();
    cairn_serdes_t *sd;
    cairn_serializer_t *ser;
    cairn_error_t err;
    char line[512];
    void *buf = NULL;
    size_t len;
    (void)state;
    assert_non_null(mr);
    sd = st_handle(mr_url(mr), "use.latest.with.metadata", "owner=team a,tier=gold", "max.retries",
                   "0", NULL);
    ser = cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, &err);
    assert_non_null(ser);
    assert_int_not_equal(cairn_serialize_json(ser, "t", "{\"amt\":1}", 9, &buf, &len, &err),
                         CAIRN_OK);
    mr_last_request(mr, line, sizeof(line));
    assert_string_equal(line, "GET /subjects/t-value/metadata?key=owner&value=team%20a&key=tier&"
                              "value=gold");
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
    mr_stop(mr);
}

static void test_latest_with_metadata_conf(void **state) {
    cairn_conf_t *c = cairn_conf_new();
    cairn_error_t err;
    (void)state;
    cairn_conf_set(c, "schema.registry.url", "http://127.0.0.1:1", &err);
    cairn_conf_set(c, "use.latest.with.metadata", "owner", &err);
    assert_null(cairn_serdes_new(c, &err));
    assert_non_null(strstr(err.msg, "key=value"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_round_trip),
        cmocka_unit_test(test_key_header_and_plain_call),
        cmocka_unit_test(test_header_in_context),
        cmocka_unit_test(test_dual_reads_every_form),
        cmocka_unit_test(test_prefix_deserializer_ignores_headers),
        cmocka_unit_test(test_hostile_headers),
        cmocka_unit_test(test_header_read),
        cmocka_unit_test(test_latest_with_metadata_request),
        cmocka_unit_test(test_latest_with_metadata_conf),
    };
    return cmocka_run_group_tests_name("serdes schema id headers", tests, setup, teardown);
}
