/* SPDX-License-Identifier: Apache-2.0
 *
 * libcairn-serdes, JSON Schema, against a real cairnd on loopback: the wire format's test
 * vector, validation on serialize and deserialize (json.fail.invalid.schema), Jansson values and
 * JSON text, the record subject name strategies from "title", use.latest.version with Confluent's
 * backward check, use.schema.id, normalize.schemas, buffer modes, zero registry calls after
 * warm-up, and bounded bad payloads (test_serdes_json_more.c has references, threads and the
 * validation step bound).
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/serdes/serdes_json_test_util.h"

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
        cmocka_unit_test(test_vector),
        cmocka_unit_test(test_serialize_validates),
        cmocka_unit_test(test_values_warm),
        cmocka_unit_test(test_caller_buffer),
        cmocka_unit_test(test_text_as_written),
        cmocka_unit_test(test_deserialize_validates),
        cmocka_unit_test(test_reader_schema),
        cmocka_unit_test(test_wrong_format),
        cmocka_unit_test(test_record_strategies),
        cmocka_unit_test(test_use_latest),
        cmocka_unit_test(test_schema_id_and_normalize),
        cmocka_unit_test(test_conf_and_bounds),
        cmocka_unit_test(test_bad_schema),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
