/* SPDX-License-Identifier: Apache-2.0
 *
 * libcairn-serdes, JSON Schema, against a real cairnd on loopback: the wire format's test
 * vector, validation on serialize and deserialize (json.fail.invalid.schema), Jansson values and
 * JSON text, the record subject name strategies from "title", use.latest.version with Confluent's
 * backward check, registered references, buffer modes, zero registry calls after warm-up,
 * threads, and bounded bad payloads and validation.
 */
#include "tests/support/test_util.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>
#include <cairn/serdes_json.h>

#include "common/cn_time.h"
#include "tests/support/http_client.h"
#include "tests/support/tu_cairnd.h"
#include "tests/unit/serdes/serdes_test_util.h"

#define ID_SCHEMA "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}"
#define ORDER                                                                                      \
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"shop.Order\","      \
    "\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"minimum\":1},"             \
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"id\"]}"

static tu_cairnd_t g_cairnd;
static char *g_dir, g_url[64];

static int setup(void **state) {
    (void)state;
    g_dir = tu_tmpdir("serdes-json");
    if (tu_cairnd_start(&g_cairnd, g_dir, 60000) != 0)
        return -1;
    snprintf(g_url, sizeof(g_url), "http://127.0.0.1:%d", g_cairnd.port);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    tu_cairnd_stop(&g_cairnd, SIGTERM);
    tu_tmpdir_free(g_dir);
    return 0;
}

static int http_status(const char *method, const char *path) {
    tu_http_resp_t r;
    int status;
    assert_int_equal(tu_http(g_cairnd.port, method, path, NULL, NULL, 0, &r), 0);
    status = r.status;
    tu_http_resp_free(&r);
    return status;
}

static uint64_t requests(cairn_serdes_t *sd) {
    cairn_stats_t st;
    cairn_serdes_stats(sd, &st);
    return st.registry_requests;
}

static cairn_serializer_t *ser_new(cairn_serdes_t *sd, const char *schema) {
    cairn_error_t err;
    cairn_serializer_t *ser =
        cairn_serializer_new(sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, schema, &err);
    if (!ser)
        fail_msg("serializer: %s", err.msg);
    return ser;
}

static cairn_deserializer_t *des_new(cairn_serdes_t *sd) {
    cairn_error_t err;
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, NULL, &err);
    if (!des)
        fail_msg("deserializer: %s", err.msg);
    return des;
}

/* A frame of id around text, as another client would write it. */
static size_t frame(uint8_t *out, int32_t id, const char *text) {
    size_t n = strlen(text);
    cairn_frame_write(out, id);
    memcpy(out + CAIRN_FRAME_SIZE, text, n);
    return CAIRN_FRAME_SIZE + n;
}

/* ---- the test vector: {"id":7} -> 00 <id> 7b226964223a377d ---- */

static void test_vector(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = ser_new(sd, ID_SCHEMA);
    cairn_deserializer_t *des = des_new(sd);
    cairn_error_t err;
    void *out = NULL;
    size_t len = 0;
    char *json = NULL;
    int32_t id = -1, got_id = -1;
    static const uint8_t payload[] = {0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x37, 0x7d};
    assert_int_equal(cairn_serializer_prepare(ser, "vec", &id, &err), CAIRN_OK);
    assert_true(id > 0);
    assert_int_equal(cairn_serialize_json(ser, "vec", " {\"id\":7}\n", 10, &out, &len, &err),
                     CAIRN_OK);
    assert_int_equal(len, CAIRN_FRAME_SIZE + sizeof(payload));
    assert_int_equal(((uint8_t *)out)[0], 0);
    assert_int_equal((int32_t)(((uint8_t *)out)[1] << 24 | ((uint8_t *)out)[2] << 16 |
                               ((uint8_t *)out)[3] << 8 | ((uint8_t *)out)[4]),
                     id);
    assert_memory_equal((uint8_t *)out + CAIRN_FRAME_SIZE, payload, sizeof(payload));
    assert_int_equal(cairn_deserialize_json(des, "vec", out, len, &json, &got_id, &err), CAIRN_OK);
    assert_string_equal(json, "{\"id\":7}");
    assert_int_equal(got_id, id);
    assert_int_equal(http_status("GET", "/subjects/vec-value/versions/1"), 200);
    cairn_free(json);
    /* Python's spacing is dropped between tokens, kept inside strings. */
    {
        uint8_t buf[64];
        size_t n = frame(buf, id, " {\"id\": 7,\n \"s\": \"a \\\" b\"} ");
        assert_int_equal(cairn_deserialize_json(des, "vec", buf, n, &json, NULL, &err), CAIRN_OK);
        assert_string_equal(json, "{\"id\":7,\"s\":\"a \\\" b\"}");
    }
    cairn_free(json);
    cairn_free(out);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* ---- validation on serialize ---- */

static void test_serialize_validates(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serdes_t *lax = st_handle(g_url, "json.fail.invalid.schema", "false", NULL);
    cairn_serializer_t *ser = ser_new(sd, ORDER), *lser = ser_new(lax, ORDER);
    json_t *bad = json_pack("{s:i,s:[s,i]}", "id", 3, "tags", "a", 5);
    cairn_error_t err;
    void *out = NULL;
    size_t len = 0;
    assert_int_equal(cairn_json_serialize(ser, "val", bad, &out, &len, &err), CAIRN_ERR_VALUE);
    assert_null(out);
    assert_non_null(strstr(err.msg, "/tags/1"));
    assert_int_equal(cairn_serialize_json(ser, "val", "{\"id\":0}", 8, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "minimum"));
    assert_int_equal(cairn_serialize_json(ser, "val", "{}", 2, &out, &len, &err), CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "required"));
    assert_int_equal(cairn_serialize_json(ser, "val", "{\"id\":", 6, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "not JSON"));
    /* Turned off, the same value goes out. */
    assert_int_equal(cairn_json_serialize(lser, "val", bad, &out, &len, &err), CAIRN_OK);
    assert_memory_equal((uint8_t *)out + CAIRN_FRAME_SIZE, "{\"id\":3,\"tags\":[\"a\",5]}",
                        len - CAIRN_FRAME_SIZE);
    cairn_free(out);
    json_decref(bad);
    cairn_serializer_free(lser);
    cairn_serializer_free(ser);
    cairn_serdes_free(lax);
    cairn_serdes_free(sd);
}

/* ---- Jansson values, round trip and warm path ---- */

static void test_values_warm(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = ser_new(sd, ORDER);
    cairn_deserializer_t *des = des_new(sd);
    json_t *v =
        json_pack("{s:I,s:[s,s]}", "id", (json_int_t)9007199254740993LL, "tags", "x", "h\xc3\xa9");
    const json_t *schema = NULL;
    cairn_error_t err;
    uint64_t warm;
    assert_int_equal(cairn_json_serializer_schema(ser, "warm", &schema, &err), CAIRN_OK);
    assert_string_equal(json_string_value(json_object_get(schema, "title")), "shop.Order");
    for (int i = 0; i < 2; i++) {
        void *out = NULL;
        size_t len = 0;
        json_t *back = NULL;
        int32_t id;
        if (i == 1)
            warm = requests(sd);
        assert_int_equal(cairn_json_serialize(ser, "warm", v, &out, &len, &err), CAIRN_OK);
        assert_int_equal(cairn_json_deserialize(des, "warm", out, len, &back, &id, &err), CAIRN_OK);
        assert_true(json_equal(v, back));
        assert_true(id > 0);
        json_decref(back);
        cairn_free(out);
    }
    /* After the first round trip, none asks the registry. */
    assert_int_equal(requests(sd), warm);
    json_decref(v);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* ---- the caller's buffer ---- */

static void test_caller_buffer(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = ser_new(sd, ID_SCHEMA);
    json_t *v = json_pack("{s:i}", "id", 42);
    uint8_t buf[64];
    void *p = buf;
    size_t n = 8;
    cairn_error_t err;
    assert_int_equal(cairn_json_serialize(ser, "buf", v, &p, &n, &err), CAIRN_ERR_BUFFER_SIZE);
    assert_int_equal(n, CAIRN_FRAME_SIZE + 9);
    n = sizeof(buf);
    assert_int_equal(cairn_json_serialize(ser, "buf", v, &p, &n, &err), CAIRN_OK);
    assert_ptr_equal(p, buf);
    assert_int_equal(n, CAIRN_FRAME_SIZE + 9);
    assert_memory_equal(buf + CAIRN_FRAME_SIZE, "{\"id\":42}", 9);
    json_decref(v);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* ---- JSON text keeps the caller's digits ---- */

static void test_text_as_written(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = ser_new(sd, "{\"type\":\"object\"}");
    cairn_deserializer_t *des = des_new(sd);
    const char *text = "{\"n\": 123456789012345678901234567890, \"r\": 0.1}";
    json_t *v = NULL;
    void *out = NULL;
    size_t len = 0;
    cairn_error_t err;
    assert_int_equal(cairn_serialize_json(ser, "text", text, strlen(text), &out, &len, &err),
                     CAIRN_OK);
    assert_int_equal(len, CAIRN_FRAME_SIZE + strlen(text));
    assert_memory_equal((uint8_t *)out + CAIRN_FRAME_SIZE, text, strlen(text));
    /* Integers beyond 64 bits come back as reals. */
    assert_int_equal(cairn_json_deserialize(des, "text", out, len, &v, NULL, &err), CAIRN_OK);
    assert_true(json_is_real(json_object_get(v, "n")));
    json_decref(v);
    cairn_free(out);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* ---- validation on deserialize, bad payloads ---- */

static void test_deserialize_validates(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serdes_t *lax = st_handle(g_url, "json.fail.invalid.schema", "false", NULL);
    cairn_serializer_t *ser = ser_new(sd, ORDER);
    cairn_deserializer_t *des = des_new(sd), *ldes = des_new(lax);
    uint8_t buf[512];
    char deep[300];
    json_t *v = (json_t *)1;
    int32_t id, got = 0;
    size_t n;
    cairn_error_t err;
    assert_int_equal(cairn_serializer_prepare(ser, "dv", &id, &err), CAIRN_OK);
    n = frame(buf, id, "{\"id\":-4}");
    assert_int_equal(cairn_json_deserialize(des, "dv", buf, n, &v, &got, &err), CAIRN_ERR_PAYLOAD);
    assert_null(v);
    assert_non_null(strstr(err.msg, "/id"));
    assert_int_equal(cairn_json_deserialize(ldes, "dv", buf, n, &v, &got, &err), CAIRN_OK);
    assert_int_equal(json_integer_value(json_object_get(v, "id")), -4);
    json_decref(v);
    n = frame(buf, id, "{\"id\":1,}");
    assert_int_equal(cairn_json_deserialize(ldes, "dv", buf, n, &v, NULL, &err), CAIRN_ERR_PAYLOAD);
    assert_non_null(strstr(err.msg, "not JSON"));
    /* A raw NUL byte (found by fuzz_serdes_json: Jansson stopped reading at it). */
    n = frame(buf, id, "{\"id\":6");
    buf[n++] = '\0';
    buf[n++] = '}';
    assert_int_equal(cairn_json_deserialize(ldes, "dv", buf, n, &v, NULL, &err), CAIRN_ERR_PAYLOAD);
    assert_non_null(strstr(err.msg, "NUL byte"));
    memset(deep, '[', sizeof(deep) - 1);
    deep[sizeof(deep) - 1] = '\0';
    n = frame(buf, id, deep);
    assert_int_equal(cairn_json_deserialize(ldes, "dv", buf, n, &v, NULL, &err), CAIRN_ERR_PAYLOAD);
    assert_non_null(strstr(err.msg, "deeper"));
    buf[0] = 7;
    assert_int_equal(cairn_json_deserialize(des, "dv", buf, n, &v, NULL, &err),
                     CAIRN_ERR_BAD_MAGIC);
    buf[0] = 0;
    assert_int_equal(cairn_json_deserialize(des, "dv", buf, 3, &v, NULL, &err),
                     CAIRN_ERR_SHORT_BUFFER);
    /* A tombstone. */
    assert_int_equal(cairn_json_deserialize(des, "dv", NULL, 0, &v, &got, &err), CAIRN_OK);
    assert_null(v);
    assert_int_equal(got, -1);
    cairn_deserializer_free(ldes);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(lax);
    cairn_serdes_free(sd);
}

/* A reader schema: values must conform to it too. */
static void test_reader_schema(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = ser_new(sd, ID_SCHEMA);
    cairn_error_t err;
    cairn_deserializer_t *des = cairn_deserializer_new(
        sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE,
        "{\"type\":\"object\",\"properties\":{\"id\":{\"maximum\":10}}}", &err);
    void *out = NULL;
    size_t len;
    json_t *v = NULL;
    assert_non_null(des);
    assert_int_equal(cairn_serialize_json(ser, "rd", "{\"id\":7}", 8, &out, &len, &err), CAIRN_OK);
    assert_int_equal(cairn_json_deserialize(des, "rd", out, len, &v, NULL, &err), CAIRN_OK);
    json_decref(v);
    cairn_free(out);
    out = NULL;
    assert_int_equal(cairn_serialize_json(ser, "rd", "{\"id\":70}", 9, &out, &len, &err), CAIRN_OK);
    assert_int_equal(cairn_json_deserialize(des, "rd", out, len, &v, NULL, &err),
                     CAIRN_ERR_PAYLOAD);
    assert_non_null(strstr(err.msg, "reader schema"));
    assert_non_null(strstr(err.msg, "maximum"));
    cairn_free(out);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* core inside 120 arrays. */
static void nest120(char *out, const char *core) {
    size_t n = strlen(core);
    memset(out, '[', 120);
    memcpy(out + 120, core, n);
    memset(out + 120 + n, ']', 120);
    out[240 + n] = '\0';
}

/* Validation steps are bounded: three failing "anyOf" branches over a recursive "$ref" cost
 * 3^depth without the bound; a 120-deep payload is refused in bounded time. */
static void test_validation_steps(void **state) {
    (void)state;
    static const char *expo =
        "{\"$defs\":{\"n\":{\"anyOf\":[{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/n\"}},"
        "{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/n\"},\"minItems\":0},"
        "{\"type\":\"integer\"}]}},\"$ref\":\"#/$defs/n\"}";
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = ser_new(sd, expo);
    char text[256];
    void *out = NULL;
    size_t len;
    cairn_error_t err;
    int64_t t0;
    nest120(text, "1");
    assert_int_equal(cairn_serialize_json(ser, "steps", text, strlen(text), &out, &len, &err),
                     CAIRN_OK);
    cairn_free(out);
    out = NULL;
    /* "" where 1 was: now every branch fails at every level. */
    nest120(text, "\"\"");
    t0 = cn_mono_ms();
    assert_int_equal(cairn_serialize_json(ser, "steps", text, strlen(text), &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "steps"));
    assert_true(cn_mono_ms() - t0 < 60000);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* An Avro id read by a JSON Schema deserializer is refused, not misread. */
static void test_wrong_format(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_deserializer_t *des = des_new(sd);
    cairn_error_t err;
    int32_t id;
    uint8_t buf[16];
    json_t *v;
    size_t n;
    assert_int_equal(
        cairn_schema_register(sd, "avro-one", CAIRN_FORMAT_AVRO, "\"string\"", false, &id, &err),
        CAIRN_OK);
    n = frame(buf, id, "{}");
    assert_int_equal(cairn_json_deserialize(des, "t", buf, n, &v, NULL, &err),
                     CAIRN_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "AVRO"));
    cairn_deserializer_free(des);
    cairn_serdes_free(sd);
}

/* ---- subject name strategies from "title" ---- */

static void test_record_strategies(void **state) {
    (void)state;
    cairn_serdes_t *rec =
        st_handle(g_url, "value.subject.name.strategy", "RecordNameStrategy", NULL);
    cairn_serdes_t *trec =
        st_handle(g_url, "value.subject.name.strategy", "TopicRecordNameStrategy", NULL);
    cairn_serializer_t *a = ser_new(rec, ORDER), *b = ser_new(trec, ORDER);
    cairn_serializer_t *untitled = ser_new(rec, ID_SCHEMA);
    cairn_error_t err;
    int32_t id;
    assert_int_equal(cairn_serializer_prepare(a, "orders", &id, &err), CAIRN_OK);
    assert_int_equal(http_status("GET", "/subjects/shop.Order/versions/1"), 200);
    assert_int_equal(cairn_serializer_prepare(b, "orders", &id, &err), CAIRN_OK);
    assert_int_equal(http_status("GET", "/subjects/orders-shop.Order/versions/1"), 200);
    assert_int_not_equal(cairn_serializer_prepare(untitled, "orders", &id, &err), CAIRN_OK);
    cairn_serializer_free(untitled);
    cairn_serializer_free(b);
    cairn_serializer_free(a);
    cairn_serdes_free(trec);
    cairn_serdes_free(rec);
}

/* ---- use.latest.version: validate against the latest, Confluent's check when strict ---- */

static void test_use_latest(void **state) {
    (void)state;
    cairn_serdes_t *reg = st_handle(g_url, NULL);
    cairn_serdes_t *strict =
        st_handle(g_url, "use.latest.version", "true", "auto.register.schemas", "false", NULL);
    cairn_serdes_t *loose = st_handle(g_url, "use.latest.version", "true", "auto.register.schemas",
                                      "false", "latest.compatibility.strict", "false", NULL);
    const char *closed = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}},"
                         "\"additionalProperties\":false}";
    const char *open_str = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}";
    cairn_serializer_t *s1 = ser_new(strict, open_str), *s2 = ser_new(loose, open_str);
    cairn_serializer_t *none = NULL;
    cairn_error_t err;
    int32_t latest, id;
    void *out = NULL;
    size_t len;
    assert_int_equal(
        cairn_schema_register(reg, "latest-value", CAIRN_FORMAT_JSON, closed, false, &latest, &err),
        CAIRN_OK);
    assert_int_equal(cairn_serializer_prepare(s1, "latest", &id, &err), CAIRN_ERR_INCOMPATIBLE);
    assert_int_equal(cairn_serializer_prepare(s2, "latest", &id, &err), CAIRN_OK);
    assert_int_equal(id, latest);
    /* Values are checked against the latest schema, not the local one. */
    assert_int_equal(cairn_serialize_json(s2, "latest", "{\"id\":\"x\"}", 10, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_int_equal(cairn_serialize_json(s2, "latest", "{\"id\":5}", 8, &out, &len, &err),
                     CAIRN_OK);
    cairn_free(out);
    /* Without a local schema, the latest is the schema. */
    none = cairn_serializer_new(loose, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, NULL, &err);
    assert_non_null(none);
    assert_int_equal(cairn_serializer_prepare(none, "latest", &id, &err), CAIRN_OK);
    assert_int_equal(id, latest);
    cairn_serializer_free(none);
    cairn_serializer_free(s2);
    cairn_serializer_free(s1);
    cairn_serdes_free(loose);
    cairn_serdes_free(strict);
    cairn_serdes_free(reg);
}

/* ---- registered references ---- */

static void test_references(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serdes_t *latest =
        st_handle(g_url, "use.latest.version", "true", "auto.register.schemas", "false", NULL);
    cairn_deserializer_t *des = des_new(sd);
    cairn_serializer_t *ser;
    cairn_error_t err;
    char *body = NULL;
    int32_t cid, id;
    uint8_t buf[64];
    json_t *v = NULL, *ans;
    void *out = NULL;
    size_t n, len;
    assert_int_equal(
        cairn_schema_register(sd, "common", CAIRN_FORMAT_JSON,
                              "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}}}",
                              false, &cid, &err),
        CAIRN_OK);
    assert_int_equal(
        cairn_registry_request(sd, "POST", "/subjects/withref-value/versions",
                               "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"$ref\\\":"
                               "\\\"common.json\\\"}\",\"references\":[{\"name\":\"common.json\","
                               "\"subject\":\"common\",\"version\":1}]}",
                               &body, &err),
        CAIRN_OK);
    ans = json_loads(body, 0, NULL);
    id = (int32_t)json_integer_value(json_object_get(ans, "id"));
    json_decref(ans);
    cairn_free(body);
    assert_true(id > 0);
    n = frame(buf, id, "{\"x\":3}");
    assert_int_equal(cairn_json_deserialize(des, "withref", buf, n, &v, NULL, &err), CAIRN_OK);
    json_decref(v);
    n = frame(buf, id, "{\"x\":\"no\"}");
    assert_int_equal(cairn_json_deserialize(des, "withref", buf, n, &v, NULL, &err),
                     CAIRN_ERR_PAYLOAD);
    assert_non_null(strstr(err.msg, "/x"));
    /* A serializer on the subject's latest version validates through the reference too. */
    ser = cairn_serializer_new(latest, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, NULL, &err);
    assert_non_null(ser);
    assert_int_equal(cairn_serialize_json(ser, "withref", "{\"x\":1.5}", 9, &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_int_equal(cairn_serialize_json(ser, "withref", "{\"x\":1}", 7, &out, &len, &err),
                     CAIRN_OK);
    assert_int_equal(len, CAIRN_FRAME_SIZE + 7);
    cairn_free(out);
    cairn_serializer_free(ser);
    cairn_deserializer_free(des);
    cairn_serdes_free(latest);
    cairn_serdes_free(sd);
}

/* A local schema with the schema it references: registered first, then referenced. */
static void test_local_references(void **state) {
    (void)state;
    static const char *addr = "{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":"
                              "\"string\",\"maxLength\":5}},\"required\":[\"zip\"]}";
    static const char *order = "{\"type\":\"object\",\"properties\":{\"ship\":{\"$ref\":"
                               "\"addr.json\"}},\"required\":[\"ship\"]}";
    cairn_json_ref_t ref = {"addr.json", "addr", 0, addr};
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serdes_t *look = st_handle(g_url, "auto.register.schemas", "false", NULL);
    cairn_serializer_t *ser = cairn_json_serializer_new(sd, CAIRN_ROLE_VALUE, order, &ref, 1, NULL);
    cairn_serializer_t *again, *bad;
    cairn_deserializer_t *des = des_new(look);
    cairn_error_t err;
    int32_t id, id2;
    void *out = NULL;
    size_t len;
    json_t *v = NULL;
    char *body = NULL;
    assert_non_null(ser);
    assert_int_equal(cairn_serialize_json(ser, "locref", "{\"ship\":{\"zip\":\"123456\"}}", 25,
                                          &out, &len, &err),
                     CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "/ship/zip"));
    assert_int_equal(
        cairn_serialize_json(ser, "locref", "{\"ship\":{\"zip\":\"12345\"}}", 24, &out, &len, &err),
        CAIRN_OK);
    assert_int_equal(cairn_json_deserialize(des, "locref", out, len, &v, &id, &err), CAIRN_OK);
    json_decref(v);
    cairn_free(out);
    /* The registry holds the reference with the version the serializer learnt. */
    assert_int_equal(
        cairn_registry_request(sd, "GET", "/subjects/locref-value/versions/1", NULL, &body, &err),
        CAIRN_OK);
    assert_non_null(strstr(body, "\"subject\":\"addr\""));
    assert_non_null(strstr(body, "\"version\":1"));
    cairn_free(body);
    /* Lookup only, with the version given: the same id. */
    ref.version = 1;
    again = cairn_json_serializer_new(look, CAIRN_ROLE_VALUE, order, &ref, 1, &err);
    assert_non_null(again);
    assert_int_equal(cairn_serializer_prepare(again, "locref", &id2, &err), CAIRN_OK);
    assert_int_equal(id2, id);
    /* A reference without text, or whose text is not JSON, is refused at once. */
    ref.text = "{";
    assert_null(bad = cairn_json_serializer_new(sd, CAIRN_ROLE_VALUE, order, &ref, 1, &err));
    assert_int_equal(err.code, CAIRN_ERR_SCHEMA);
    ref.text = NULL;
    assert_null(cairn_json_serializer_new(sd, CAIRN_ROLE_VALUE, order, &ref, 1, &err));
    assert_int_equal(err.code, CAIRN_ERR_INVALID_ARG);
    cairn_serializer_free(again);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(look);
    cairn_serdes_free(sd);
}

/* ---- use.schema.id and normalize.schemas ---- */

static void test_schema_id_and_normalize(void **state) {
    (void)state;
    cairn_serdes_t *reg = st_handle(g_url, "normalize.schemas", "true", NULL);
    cairn_serializer_t *a = ser_new(reg, "{\"type\":\"object\",\"title\":\"n\"}");
    cairn_serializer_t *b = ser_new(reg, "{\"title\":\"n\",  \"type\":\"object\"}");
    cairn_serdes_t *pin;
    cairn_serializer_t *p;
    cairn_error_t err;
    char idstr[16];
    int32_t ida, idb, idp;
    void *out = NULL;
    size_t len;
    assert_int_equal(cairn_serializer_prepare(a, "norm", &ida, &err), CAIRN_OK);
    assert_int_equal(cairn_serializer_prepare(b, "norm", &idb, &err), CAIRN_OK);
    assert_int_equal(ida, idb); /* the same schema once normalized */
    snprintf(idstr, sizeof(idstr), "%d", (int)ida);
    pin = st_handle(g_url, "use.schema.id", idstr, NULL);
    p = cairn_serializer_new(pin, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, NULL, &err);
    assert_non_null(p);
    assert_int_equal(cairn_serializer_prepare(p, "any", &idp, &err), CAIRN_OK);
    assert_int_equal(idp, ida);
    assert_int_equal(cairn_serialize_json(p, "any", "[1]", 3, &out, &len, &err), CAIRN_ERR_VALUE);
    assert_int_equal(cairn_serialize_json(p, "any", "{\"k\":1}", 7, &out, &len, &err), CAIRN_OK);
    cairn_free(out);
    cairn_serializer_free(p);
    cairn_serdes_free(pin);
    cairn_serializer_free(b);
    cairn_serializer_free(a);
    cairn_serdes_free(reg);
}

/* ---- threads share a serializer and a deserializer ---- */

typedef struct worker {
    cairn_serializer_t *ser;
    cairn_deserializer_t *des;
    int base, bad;
} worker_t;

static void *work(void *arg) {
    worker_t *w = arg;
    for (int i = 0; i < 500; i++) {
        json_t *v = json_pack("{s:i,s:[s]}", "id", w->base + i + 1, "tags", "t"), *back = NULL;
        void *out = NULL;
        size_t len = 0;
        cairn_error_t err;
        /* Every tenth value breaks the schema (id 0 is below the minimum). */
        if (i % 10 == 9)
            json_object_set_new(v, "id", json_integer(0));
        cairn_err_t rc = cairn_json_serialize(w->ser, "mt", v, &out, &len, &err);
        if (i % 10 == 9)
            w->bad += rc != CAIRN_ERR_VALUE;
        else if (rc != CAIRN_OK ||
                 cairn_json_deserialize(w->des, "mt", out, len, &back, NULL, &err) != CAIRN_OK ||
                 !json_equal(v, back))
            w->bad++;
        json_decref(back);
        json_decref(v);
        cairn_free(out);
    }
    return NULL;
}

static void test_threads(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = ser_new(sd, ORDER);
    cairn_deserializer_t *des = des_new(sd);
    pthread_t t[4];
    worker_t w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker_t){ser, des, i * 1000, 0};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
    }
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* ---- configuration and bounds ---- */

static void test_conf_and_bounds(void **state) {
    (void)state;
    cairn_conf_t *c = cairn_conf_new();
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_serializer_t *ser = ser_new(sd, "{}");
    cairn_error_t err;
    static const char text[] = "{}";
    void *out = NULL;
    size_t len;
    assert_int_equal(cairn_conf_set(c, "json.fail.invalid.schema", "maybe", &err),
                     CAIRN_ERR_CONF_INVALID);
    assert_int_equal(cairn_conf_set(c, "json.fail.unknown.properties", "false", &err), CAIRN_OK);
    cairn_conf_free(c);
    /* A length beyond the bound is refused before the text is read. */
    assert_int_equal(
        cairn_serialize_json(ser, "b", text, (size_t)(64u << 20) + 1, &out, &len, &err),
        CAIRN_ERR_VALUE);
    assert_non_null(strstr(err.msg, "larger than"));
    assert_null(out);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
}

/* ---- a schema that does not load ---- */

static void test_bad_schema(void **state) {
    (void)state;
    cairn_serdes_t *sd = st_handle(g_url, NULL);
    cairn_error_t err;
    assert_null(cairn_serializer_new(sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE,
                                     "{\"type\":\"object\",\"pattern\":\"(\"}", &err));
    assert_int_equal(err.code, CAIRN_ERR_SCHEMA);
    assert_null(cairn_serializer_new(sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, "{", &err));
    assert_int_equal(err.code, CAIRN_ERR_SCHEMA);
    cairn_serdes_free(sd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector),           cmocka_unit_test(test_serialize_validates),
        cmocka_unit_test(test_values_warm),      cmocka_unit_test(test_caller_buffer),
        cmocka_unit_test(test_text_as_written),  cmocka_unit_test(test_deserialize_validates),
        cmocka_unit_test(test_reader_schema),    cmocka_unit_test(test_validation_steps),
        cmocka_unit_test(test_wrong_format),     cmocka_unit_test(test_record_strategies),
        cmocka_unit_test(test_use_latest),       cmocka_unit_test(test_references),
        cmocka_unit_test(test_local_references), cmocka_unit_test(test_schema_id_and_normalize),
        cmocka_unit_test(test_threads),          cmocka_unit_test(test_conf_and_bounds),
        cmocka_unit_test(test_bad_schema),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
