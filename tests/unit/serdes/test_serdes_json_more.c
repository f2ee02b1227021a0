/* SPDX-License-Identifier: Apache-2.0
 *
 * libcairn-serdes, JSON Schema, against a real cairnd on loopback (continued from
 * test_serdes_json.c): registered references read (a writer or latest schema whose "$ref"s name
 * other subjects) and written (cairn_json_serializer_new with the referenced schemas), the
 * validation step bound, and threads sharing a serializer and a deserializer.
 */
#include "tests/support/test_util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_time.h"
#include "tests/unit/serdes/serdes_json_test_util.h"

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
    /* use.latest.version with this local schema: Confluent's strict check follows the
     * reference on both sides (the same schema: compatible; a narrower zip: not). */
    {
        cairn_serdes_t *lat =
            st_handle(g_url, "use.latest.version", "true", "auto.register.schemas", "false", NULL);
        static const char *wide = "{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":"
                                  "\"string\"}},\"required\":[\"zip\"]}";
        cairn_json_ref_t r1 = {"addr.json", "addr", 1, addr};
        cairn_json_ref_t r2 = {"addr.json", "addr", 1, wide};
        cairn_serializer_t *same = cairn_json_serializer_new(
            lat, CAIRN_ROLE_VALUE,
            "{\"type\": \"object\", \"properties\": {\"ship\": {\"$ref\": \"addr.json\"}}, "
            "\"required\": [\"ship\"]}",
            &r1, 1, &err);
        cairn_serializer_t *widened =
            cairn_json_serializer_new(lat, CAIRN_ROLE_VALUE, order, &r2, 1, &err);
        assert_int_equal(cairn_serializer_prepare(same, "locref", &id2, &err), CAIRN_OK);
        assert_int_equal(id2, id);
        assert_int_equal(cairn_serializer_prepare(widened, "locref", &id2, &err),
                         CAIRN_ERR_INCOMPATIBLE);
        assert_non_null(strstr(err.msg, "/properties/ship"));
        cairn_serializer_free(widened);
        cairn_serializer_free(same);
        cairn_serdes_free(lat);
    }
    cairn_serializer_free(again);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(look);
    cairn_serdes_free(sd);
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_local_references),
        cmocka_unit_test(test_validation_steps),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
