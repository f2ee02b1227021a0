/* SPDX-License-Identifier: Apache-2.0
 *
 * Avro through libcairn-serdes against the in-process mock registry: the spec's test vector,
 * round trips of every type through JSON and avro-c values (bytes equal to avro-c's own
 * encoder), the top-level bytes quirk, the buffer modes, zero registry calls after warm-up, and
 * strict decoding of bad payloads.
 */
#include "tests/support/test_util.h"

#include <avro.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>
#include <cairn/serdes_avro.h>

#include "tests/unit/serdes/serdes_test_util.h"

#define PAY_STR                                                                                    \
    "{\"type\":\"record\",\"name\":\"Pay\",\"namespace\":\"shop\",\"fields\":[{\"name\":"          \
    "\"amt\",\"type\":\"string\"}]}"
#define PAY                                                                                        \
    "{\"type\":\"record\",\"name\":\"Pay\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"amt\","  \
    "\"type\":\"long\"}]}"

static const char *ALL =
    "{\"type\":\"record\",\"name\":\"All\",\"namespace\":\"t\",\"fields\":["
    "{\"name\":\"n\",\"type\":\"null\"},{\"name\":\"b\",\"type\":\"boolean\"},"
    "{\"name\":\"i\",\"type\":\"int\"},{\"name\":\"l\",\"type\":\"long\"},"
    "{\"name\":\"f\",\"type\":\"float\"},{\"name\":\"d\",\"type\":\"double\"},"
    "{\"name\":\"by\",\"type\":\"bytes\"},{\"name\":\"s\",\"type\":\"string\"},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"Color\",\"symbols\":[\"RED\",\"GREEN\"]"
    "}},"
    "{\"name\":\"fx\",\"type\":{\"type\":\"fixed\",\"name\":\"F3\",\"size\":3}},"
    "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"int\"}},"
    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
    "{\"name\":\"u1\",\"type\":[\"null\",\"string\"]},"
    "{\"name\":\"u2\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"In\",\"fields\":"
    "[{\"name\":\"x\",\"type\":\"int\"}]}]},"
    "{\"name\":\"u3\",\"type\":[\"null\",\"In\"]},"
    "{\"name\":\"nested\",\"type\":\"In\"}]}";

static const char *ALL_VALUE =
    "{\"n\":null,\"b\":true,\"i\":-2147483648,\"l\":9007199254740993,\"f\":1.5,"
    "\"d\":-0.25,\"by\":\"\\u0000\\u00ffab\",\"s\":\"h\\u00e9llo\",\"e\":\"GREEN\","
    "\"fx\":\"xyz\",\"a\":[1,-1,300],\"m\":{\"k\":\"v\",\"\":\"empty\"},"
    "\"u1\":{\"string\":\"s\"},\"u2\":{\"t.In\":{\"x\":7}},\"u3\":null,\"nested\":{\"x\":-9}}";

typedef struct fx {
    mock_registry_t *mr;
    cairn_serdes_t *sd;
} fx_t;

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    f->mr = mr_start();
    assert_non_null(f->mr);
    f->sd = st_handle(mr_url(f->mr), "max.retries", "0", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    cairn_serdes_free(f->sd);
    mr_stop(f->mr);
    free(f);
    return 0;
}

static void ser_json(cairn_serializer_t *ser, const char *topic, const char *json, void **out,
                     size_t *len) {
    cairn_error_t err;
    *out = NULL;
    if (cairn_serialize_json(ser, topic, json, strlen(json), out, len, &err) != CAIRN_OK)
        fail_msg("serialize: %s", err.msg);
}

static char *des_json(cairn_deserializer_t *des, const void *buf, size_t len) {
    cairn_error_t err;
    char *out = NULL;
    if (cairn_deserialize_json(des, "t", buf, len, &out, NULL, &err) != CAIRN_OK)
        fail_msg("deserialize: %s", err.msg);
    return out;
}

static void test_avro_test_vector(void **state) {
    fx_t *f = *state;
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY, NULL);
    cairn_deserializer_t *des =
        cairn_deserializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    void *buf;
    size_t len;
    char *json, req[256];
    assert_non_null(ser);
    ser_json(ser, "payments", "{\"amt\":42}", &buf, &len);
    assert_bytes_equal(buf, len, "\x00\x00\x00\x00\x01\x54", 6);
    mr_last_request(f->mr, req, sizeof(req));
    assert_string_equal(req, "POST /subjects/payments-value/versions");
    json = des_json(des, buf, len);
    st_assert_json(json, "{\"amt\":42}");
    cairn_free(json);
    cairn_free(buf);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
}

static void test_avro_all_types_json(void **state) {
    fx_t *f = *state;
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, ALL, NULL);
    cairn_deserializer_t *des =
        cairn_deserializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    void *buf;
    size_t len;
    char *json;
    ser_json(ser, "all", ALL_VALUE, &buf, &len);
    json = des_json(des, buf, len);
    st_assert_json(json, ALL_VALUE);
    cairn_free(json);
    cairn_free(buf);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
}

/* Bytes from cairn_avro_serialize equal avro-c's avro_value_write of the same value. */
static void test_avro_value_matches_avro_c(void **state) {
    fx_t *f = *state;
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, ALL, NULL);
    cairn_deserializer_t *des =
        cairn_deserializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    avro_schema_t schema;
    avro_value_iface_t *iface;
    avro_value_t v, back = {0};
    avro_writer_t w;
    char ref[512];
    void *buf = NULL;
    size_t len = 0;
    void *json_buf;
    size_t json_len;
    cairn_error_t err;
    int32_t id;
    /* Fill a value from JSON through the serializer, then write it both ways. */
    ser_json(ser, "all", ALL_VALUE, &json_buf, &json_len);
    assert_int_equal(cairn_avro_serializer_schema(ser, "all", &schema, &err), CAIRN_OK);
    iface = avro_generic_class_from_schema(schema);
    assert_int_equal(avro_generic_value_new(iface, &v), 0);
    assert_int_equal(cairn_avro_deserialize(des, "all", json_buf, json_len, &back, &id, &err),
                     CAIRN_OK);
    assert_int_equal(avro_value_copy(&v, &back), 0);
    w = avro_writer_memory(ref, sizeof(ref));
    assert_int_equal(avro_value_write(w, &v), 0);
    assert_int_equal(cairn_avro_serialize(ser, "all", &v, &buf, &len, &err), CAIRN_OK);
    assert_int_equal(len, 5 + (size_t)avro_writer_tell(w));
    assert_bytes_equal((char *)buf + 5, len - 5, ref, (size_t)avro_writer_tell(w));
    assert_bytes_equal(buf, len, json_buf, json_len);
    assert_true(avro_value_equal(&v, &back));
    avro_writer_free(w);
    avro_value_decref(&v);
    avro_value_decref(&back);
    avro_value_iface_decref(iface);
    cairn_free(buf);
    cairn_free(json_buf);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
}

static void test_avro_buffer_modes(void **state) {
    fx_t *f = *state;
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY, NULL);
    uint8_t small[5], big[64];
    void *out = small;
    size_t len = sizeof(small);
    cairn_error_t err;
    assert_int_equal(cairn_serialize_json(ser, "p", "{\"amt\":1000}", 12, &out, &len, &err),
                     CAIRN_ERR_BUFFER_SIZE);
    assert_int_equal(len, 7);
    out = big;
    len = sizeof(big);
    assert_int_equal(cairn_serialize_json(ser, "p", "{\"amt\":1000}", 12, &out, &len, &err),
                     CAIRN_OK);
    assert_ptr_equal(out, big);
    assert_bytes_equal(big, len, "\x00\x00\x00\x00\x01\xd0\x0f", 7);
    cairn_serializer_free(ser);
}

static void test_avro_bytes_quirk(void **state) {
    fx_t *f = *state;
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_KEY, "\"bytes\"", NULL);
    cairn_deserializer_t *des =
        cairn_deserializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_KEY, NULL, NULL);
    void *buf;
    size_t len;
    char *json;
    ser_json(ser, "raw", "\"\\u0001ab\"", &buf, &len);
    /* No Avro length prefix: the payload is the bytes themselves. */
    assert_bytes_equal((char *)buf + 5, len - 5,
                       "\x01"
                       "ab",
                       3);
    json = des_json(des, buf, len);
    st_assert_json(json, "\"\\u0001ab\"");
    cairn_free(json);
    cairn_free(buf);
    /* A raw payload that is not valid Avro still decodes: it is the bytes. */
    json = des_json(des, "\x00\x00\x00\x00\x01\xff\xff", 7);
    st_assert_json(json, "\"\\u00ff\\u00ff\"");
    cairn_free(json);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
}

static void test_avro_no_registry_after_warmup(void **state) {
    fx_t *f = *state;
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY, NULL);
    cairn_deserializer_t *des =
        cairn_deserializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    uint64_t before;
    void *buf;
    size_t len;
    char *json;
    ser_json(ser, "warm", "{\"amt\":1}", &buf, &len);
    cairn_free(des_json(des, buf, len));
    cairn_free(buf);
    before = mr_requests(f->mr);
    for (int i = 0; i < 200; i++) {
        ser_json(ser, "warm", "{\"amt\":7}", &buf, &len);
        json = des_json(des, buf, len);
        st_assert_json(json, "{\"amt\":7}");
        cairn_free(json);
        cairn_free(buf);
    }
    assert_int_equal(mr_requests(f->mr), before);
    /* A second topic means one more registration, then none. */
    ser_json(ser, "warm2", "{\"amt\":1}", &buf, &len);
    cairn_free(buf);
    assert_int_equal(mr_requests(f->mr), before + 1);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
}

static void expect_des_err(cairn_deserializer_t *des, const void *buf, size_t len, cairn_err_t code,
                           const char *msg) {
    cairn_error_t err;
    char *json = NULL;
    assert_int_equal(cairn_deserialize_json(des, "t", buf, len, &json, NULL, &err), code);
    assert_null(json);
    if (!strstr(err.msg, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
}

static void test_avro_bad_payloads(void **state) {
    fx_t *f = *state;
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, ALL, NULL);
    cairn_deserializer_t *des =
        cairn_deserializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    uint8_t *buf, *copy;
    size_t len;
    int32_t id = mr_add(f->mr, "x", PAY);
    uint8_t huge[16] = {0, 0, 0, 0, 0};
    char *json = NULL;
    cairn_error_t err;
    ser_json(ser, "bad", ALL_VALUE, (void **)&buf, &len);
    for (size_t cut = 5; cut < len; cut += 3)
        expect_des_err(des, buf, cut, CAIRN_ERR_PAYLOAD, "Avro payload invalid");
    copy = malloc(len + 1);
    memcpy(copy, buf, len);
    copy[len] = 0;
    expect_des_err(des, copy, len + 1, CAIRN_ERR_PAYLOAD, "1 bytes after the datum");
    copy[5] = 2; /* boolean field b after the null field */
    expect_des_err(des, copy, len, CAIRN_ERR_PAYLOAD, "boolean byte");
    free(copy);
    /* A string length far beyond the payload (Pay is a long, use a string schema). */
    cairn_frame_write(huge, mr_add(f->mr, "s", "\"string\""));
    memcpy(huge + 5, "\xfe\xff\xff\xff\x0f", 5);
    expect_des_err(des, huge, 10, CAIRN_ERR_PAYLOAD, "length");
    /* magic 0x01 is a GUID in the payload (Confluent 8.x): 17 bytes at least */
    expect_des_err(des, "\x01\x00\x00\x00\x01\x02", 6, CAIRN_ERR_SHORT_BUFFER, "GUID");
    expect_des_err(des, "\x05\x00\x00\x00\x01\x02", 6, CAIRN_ERR_BAD_MAGIC, "0x05");
    expect_des_err(des, "\x00\x00\x00", 3, CAIRN_ERR_SHORT_BUFFER, "shorter");
    expect_des_err(des, "\x00\x00\x00\x03\xe7\x02", 6, CAIRN_ERR_UNKNOWN_ID, "999");
    assert_int_equal(cairn_deserialize_json(des, "t", "\x00\x00\x00\x03\xe7", 5, &json, NULL, &err),
                     CAIRN_ERR_UNKNOWN_ID);
    assert_int_equal(err.error_code, 40403);
    /* Tombstone. */
    assert_int_equal(cairn_deserialize_json(des, "t", NULL, 0, &json, &id, &err), CAIRN_OK);
    assert_null(json);
    assert_int_equal(id, -1);
    cairn_free(buf);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
}

static void test_avro_bad_json_and_values(void **state) {
    fx_t *f = *state;
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, ALL, NULL);
    cairn_serializer_t *pay =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY, NULL);
    cairn_error_t err;
    void *out = NULL;
    size_t len;
    avro_schema_t other;
    avro_value_iface_t *iface;
    avro_value_t v;
    assert_int_equal(cairn_serialize_json(pay, "p", "{}", 2, &out, &len, &err), CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "missing field amt"));
    assert_int_equal(cairn_serialize_json(pay, "p", "{\"amt\":\"x\"}", 11, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "/amt"));
    assert_int_equal(cairn_serialize_json(pay, "p", "{\"amt\":", 7, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_int_equal(cairn_serialize_json(ser, "p", "{\"u1\":\"s\"}", 10, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_null(out);
    /* U+0000 after a symbol is no symbol (not "GREEN" cut at the NUL) */
    cairn_serializer_t *en =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE,
                             "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}", &err);
    assert_non_null(en);
    assert_int_equal(cairn_serialize_json(en, "p", "\"A\"", 3, &out, &len, &err), CAIRN_OK);
    cairn_free(out);
    out = NULL;
    assert_int_equal(cairn_serialize_json(en, "p", "\"A\\u0000\"", 9, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "a symbol of the enum"));
    cairn_serializer_free(en);
    /* a schema whose name holds U+0000 is refused, not cut */
    assert_null(cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE,
                                     "{\"type\":\"fixed\",\"name\":\"F\\u0000\",\"size\":1}",
                                     &err));
    assert_int_equal(err.code, CAIRN_ERR_SCHEMA);
    assert_null(cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE,
                                     "{\"type\":\"recor\"}", &err));
    assert_int_equal(err.code, CAIRN_ERR_SCHEMA);
    assert_null(cairn_serializer_new(f->sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, "x", &err));
    assert_int_equal(err.code, CAIRN_ERR_SCHEMA); /* not a .proto */
    /* A value of another schema is refused. */
    assert_int_equal(avro_schema_from_json_literal("{\"type\":\"record\",\"name\":\"Z\",\"fields\":"
                                                   "[{\"name\":\"z\",\"type\":\"int\"}]}",
                                                   &other),
                     0);
    iface = avro_generic_class_from_schema(other);
    avro_generic_value_new(iface, &v);
    assert_int_equal(cairn_avro_serialize(pay, "p", &v, &out, &len, &err), CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "writer schema"));
    avro_value_decref(&v);
    avro_value_iface_decref(iface);
    avro_schema_decref(other);
    cairn_serializer_free(pay);
    cairn_serializer_free(ser);
}

static void test_avro_auto_register_off(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd =
        st_handle(mr_url(f->mr), "auto.register.schemas", "false", "max.retries", "0", NULL);
    cairn_serializer_t *ser =
        cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY, NULL);
    cairn_error_t err;
    int32_t id = 0;
    char req[256];
    assert_int_equal(cairn_serializer_prepare(ser, "lookup", &id, &err), CAIRN_ERR_REGISTRY);
    assert_int_equal(err.error_code, 40401);
    assert_int_equal(err.http_status, 404);
    mr_add(f->mr, "lookup-value", PAY);
    assert_int_equal(cairn_serializer_prepare(ser, "lookup", &id, &err), CAIRN_OK);
    mr_last_request(f->mr, req, sizeof(req));
    assert_string_equal(req, "POST /subjects/lookup-value");
    assert_int_equal(id, 1);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

static void test_avro_use_schema_id_and_latest(void **state) {
    fx_t *f = *state;
    int32_t v1 = mr_add(f->mr, "lat-value", PAY);
    int32_t v2 = mr_add(f->mr, "lat-value",
                        "{\"type\":\"record\",\"name\":\"Pay\",\"namespace\":"
                        "\"shop\",\"fields\":[{\"name\":\"amt\",\"type\":"
                        "\"long\"},{\"name\":\"cur\",\"type\":\"string\","
                        "\"default\":\"EUR\"}]}");
    cairn_serdes_t *pin = st_handle(mr_url(f->mr), "use.schema.id", "1", NULL);
    cairn_serdes_t *lat = st_handle(mr_url(f->mr), "use.latest.version", "true", NULL);
    cairn_serdes_t *strict = st_handle(mr_url(f->mr), "use.latest.version", "true", NULL);
    cairn_serializer_t *s1 =
        cairn_serializer_new(pin, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    cairn_serializer_t *s2 =
        cairn_serializer_new(lat, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    cairn_serializer_t *s3 =
        cairn_serializer_new(strict, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY, NULL);
    cairn_serdes_t *lax = st_handle(mr_url(f->mr), "use.latest.version", "true",
                                    "latest.compatibility.strict", "false", NULL);
    cairn_serializer_t *s4, *s5;
    cairn_error_t err;
    void *buf;
    size_t len;
    assert_int_equal(v1, 1);
    ser_json(s1, "any", "{\"amt\":3}", &buf, &len);
    assert_bytes_equal(buf, len, "\x00\x00\x00\x00\x01\x06", 6);
    cairn_free(buf);
    ser_json(s2, "lat", "{\"amt\":3}", &buf, &len); /* cur from its default */
    assert_int_equal(((uint8_t *)buf)[4], v2);
    assert_bytes_equal((char *)buf + 5, len - 5,
                       "\x06\x06"
                       "EUR",
                       5);
    cairn_free(buf);
    /* The local schema differs from latest: checked (backward) and translated into latest. */
    ser_json(s3, "lat", "{\"amt\":3}", &buf, &len);
    assert_int_equal(((uint8_t *)buf)[4], v2);
    assert_bytes_equal((char *)buf + 5, len - 5,
                       "\x06\x06"
                       "EUR",
                       5);
    cairn_free(buf);
    buf = NULL;
    s4 = cairn_serializer_new(strict, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY_STR, NULL);
    assert_int_equal(cairn_serialize_json(s4, "lat", "{\"amt\":\"3\"}", 11, &buf, &len, &err),
                     CAIRN_ERR_INCOMPATIBLE);
    assert_non_null(strstr(err.msg, "latest.compatibility.strict"));
    s5 = cairn_serializer_new(lax, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY_STR, NULL);
    assert_int_equal(cairn_serialize_json(s5, "lat", "{\"amt\":\"3\"}", 11, &buf, &len, &err),
                     CAIRN_ERR_INCOMPATIBLE);
    assert_non_null(strstr(err.msg, "cannot take the serializer's values"));
    assert_null(buf);
    cairn_serializer_free(s4);
    cairn_serializer_free(s5);
    cairn_serdes_free(lax);
    cairn_serializer_free(s1);
    cairn_serializer_free(s2);
    cairn_serializer_free(s3);
    cairn_serdes_free(pin);
    cairn_serdes_free(lat);
    cairn_serdes_free(strict);
}

static int cb_subject(void *opaque, const char *topic, cairn_role_t role, const char *record,
                      char *out, size_t cap) {
    snprintf(out, cap, "%s.%s.%s", (const char *)opaque, topic, role == CAIRN_ROLE_KEY ? "k" : "v");
    (void)record;
    return 0;
}

static void expect_subject(fx_t *f, cairn_serdes_t *sd, cairn_role_t role, const char *want) {
    cairn_serializer_t *ser = cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, role, PAY, NULL);
    char req[256], path[256];
    assert_int_equal(cairn_serializer_prepare(ser, "orders", NULL, NULL), CAIRN_OK);
    mr_last_request(f->mr, req, sizeof(req));
    snprintf(path, sizeof(path), "POST /subjects/%s/versions", want);
    assert_string_equal(req, path);
    cairn_serializer_free(ser);
}

static void test_avro_subject_strategies(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd = st_handle(mr_url(f->mr), "key.subject.name.strategy", "RecordNameStrategy",
                                   "value.subject.name.strategy", "TopicRecordNameStrategy", NULL);
    cairn_conf_t *conf = cairn_conf_new();
    cairn_serdes_t *cb;
    expect_subject(f, f->sd, CAIRN_ROLE_KEY, "orders-key");
    expect_subject(f, f->sd, CAIRN_ROLE_VALUE, "orders-value");
    expect_subject(f, sd, CAIRN_ROLE_KEY, "shop.Pay");
    expect_subject(f, sd, CAIRN_ROLE_VALUE, "orders-shop.Pay");
    cairn_conf_set(conf, "schema.registry.url", mr_url(f->mr), NULL);
    cairn_conf_set_subject_fn(conf, CAIRN_ROLE_VALUE, cb_subject, "ctx");
    cb = cairn_serdes_new(conf, NULL);
    expect_subject(f, cb, CAIRN_ROLE_VALUE, "ctx.orders.v");
    expect_subject(f, cb, CAIRN_ROLE_KEY, "orders-key");
    cairn_serdes_free(cb);
    cairn_serdes_free(sd);
}

static void test_avro_primitive_keys(void **state) {
    fx_t *f = *state;
    static const struct {
        const char *schema, *json, *payload;
        size_t plen;
    } cases[] = {
        {"\"string\"", "\"k\\u00e9y\"", "\x08k\xc3\xa9y", 5},
        {"{\"type\":\"long\"}", "-3", "\x05", 1},
        {"\"null\"", "null", "", 0},
        {"[\"null\",\"int\"]", "{\"int\":1}", "\x02\x02", 2},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cairn_serializer_t *ser =
            cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_KEY, cases[i].schema, NULL);
        cairn_deserializer_t *des =
            cairn_deserializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_KEY, NULL, NULL);
        void *buf;
        size_t len;
        char *json;
        assert_non_null(ser);
        ser_json(ser, "keys", cases[i].json, &buf, &len);
        assert_bytes_equal((char *)buf + 5, len - 5, cases[i].payload, cases[i].plen);
        json = des_json(des, buf, len);
        st_assert_json(json, cases[i].json);
        cairn_free(json);
        cairn_free(buf);
        cairn_deserializer_free(des);
        cairn_serializer_free(ser);
    }
}

static void test_avro_framing_none(void **state) {
    fx_t *f = *state;
    int32_t id = mr_add(f->mr, "raw-value", PAY);
    char sid[16];
    cairn_serdes_t *sd;
    cairn_serializer_t *ser;
    cairn_deserializer_t *des;
    void *buf;
    size_t len;
    char *json;
    snprintf(sid, sizeof(sid), "%d", (int)id);
    sd = st_handle(mr_url(f->mr), "serializer.framing", "none", "deserializer.framing", "none",
                   "use.schema.id", sid, NULL);
    ser = cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, PAY, NULL);
    des = cairn_deserializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    ser_json(ser, "raw", "{\"amt\":42}", &buf, &len);
    assert_bytes_equal(buf, len, "\x54", 1); /* no prefix */
    json = des_json(des, buf, len);
    st_assert_json(json, "{\"amt\":42}");
    cairn_free(json);
    cairn_free(buf);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_avro_test_vector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_all_types_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_value_matches_avro_c, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_buffer_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_bytes_quirk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_no_registry_after_warmup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_bad_payloads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_bad_json_and_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_auto_register_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_use_schema_id_and_latest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_subject_strategies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_primitive_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_avro_framing_none, setup, teardown),
    };
    return cmocka_run_group_tests_name("serdes_avro", tests, NULL, NULL);
}
