/* SPDX-License-Identifier: Apache-2.0
 *
 * The `_schemas` record codec: Confluent's canonical key bytes, value shapes, and the reader's
 * tolerance of every variant Confluent, Karapace and Redpanda write.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"
#include "registry/reg_record.h"

#define KEY_IS(call, expect)                                                                       \
    do {                                                                                           \
        cn_buf_t b_;                                                                               \
        cn_buf_init(&b_, CN_BUF_NO_LIMIT);                                                         \
        assert_int_equal(call, CN_OK);                                                             \
        assert_string_equal(cn_buf_cstr(&b_), expect);                                             \
        cn_buf_fini(&b_);                                                                          \
    } while (0)

static void test_keys_are_confluent_bytes(void **state) {
    (void)state;
    KEY_IS(reg_key_encode_schema(&b_, "orders-value", 1),
           "{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}");
    KEY_IS(reg_key_encode_config(&b_, "orders-value"),
           "{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}");
    KEY_IS(reg_key_encode_config(&b_, NULL), "{\"keytype\":\"CONFIG\",\"magic\":0}");
    KEY_IS(reg_key_encode_mode(&b_, "s"), "{\"keytype\":\"MODE\",\"subject\":\"s\",\"magic\":0}");
    KEY_IS(reg_key_encode_mode(&b_, NULL), "{\"keytype\":\"MODE\",\"magic\":0}");
    KEY_IS(reg_key_encode_noop(&b_), "{\"keytype\":\"NOOP\",\"magic\":0}");
    KEY_IS(reg_key_encode_delete_subject(&b_, "s"),
           "{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"s\",\"magic\":0}");
    KEY_IS(reg_key_encode_clear_subject(&b_, "s"),
           "{\"keytype\":\"CLEAR_SUBJECT\",\"subject\":\"s\",\"magic\":0}");
    KEY_IS(reg_key_encode_context(&b_, "default", ".stg"),
           "{\"keytype\":\"CONTEXT\",\"tenant\":\"default\",\"context\":\".stg\",\"magic\":0}");
    KEY_IS(reg_key_encode_schema(&b_, "a\"b\\c\n\x01", 7),
           "{\"keytype\":\"SCHEMA\",\"subject\":\"a\\\"b\\\\c\\n\\u0001\",\"version\":7,"
           "\"magic\":1}");
}

static void test_noop_key_is_28_bytes(void **state) {
    cn_buf_t b;
    (void)state;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    reg_key_encode_noop(&b);
    assert_int_equal(b.len, 28);
    cn_buf_fini(&b);
}

static void test_schema_value_shapes(void **state) {
    reg_ref_t refs[1] = {{"c.proto", "common", 1}};
    reg_schema_value_t v = {"s", 1, 7, "AVRO", NULL, 0, NULL, NULL, "\"string\"", false};
    (void)state;
    KEY_IS(reg_value_encode_schema(&b_, &v),
           "{\"subject\":\"s\",\"version\":1,\"id\":7,\"schema\":\"\\\"string\\\"\","
           "\"deleted\":false}");
    snprintf(v.type, sizeof(v.type), "PROTOBUF");
    v.refs = refs;
    v.nrefs = 1;
    v.deleted = true;
    v.schema = "syntax";
    v.metadata = json_pack("{s:{s:s}}", "properties", "owner", "a");
    KEY_IS(reg_value_encode_schema(&b_, &v),
           "{\"subject\":\"s\",\"version\":1,\"id\":7,\"schemaType\":\"PROTOBUF\","
           "\"references\":[{\"name\":\"c.proto\",\"subject\":\"common\",\"version\":1}],"
           "\"metadata\":{\"properties\":{\"owner\":\"a\"}},\"schema\":\"syntax\","
           "\"deleted\":true}");
    json_decref(v.metadata);
}

static void test_config_mode_values(void **state) {
    json_t *c = json_pack("{s:b,s:s}", "normalize", 1, "compatibilityLevel", "FULL");
    (void)state;
    KEY_IS(reg_value_encode_config(&b_, "s", c),
           "{\"subject\":\"s\",\"compatibilityLevel\":\"FULL\",\"normalize\":true}");
    KEY_IS(reg_value_encode_config(&b_, NULL, c),
           "{\"compatibilityLevel\":\"FULL\",\"normalize\":true}");
    KEY_IS(reg_value_encode_mode(&b_, "s", "IMPORT"), "{\"subject\":\"s\",\"mode\":\"IMPORT\"}");
    KEY_IS(reg_value_encode_delete_subject(&b_, "s", 3), "{\"subject\":\"s\",\"version\":3}");
    json_decref(c);
}

static void decode_ok(const char *text, reg_key_t *k) {
    cn_error_t err;
    if (reg_key_decode((const uint8_t *)text, strlen(text), k, &err) != CN_OK)
        fail_msg("decode %s: %s", text, err.msg);
}

static void test_key_variants(void **state) {
    reg_key_t k;
    cn_error_t err;
    (void)state;
    decode_ok("{\"magic\":1,\"subject\":\"s\",\"version\":2,\"keytype\":\"SCHEMA\"}", &k);
    assert_int_equal(k.type, REG_KEY_SCHEMA);
    assert_string_equal(k.subject, "s");
    assert_int_equal(k.version, 2);
    reg_key_fini(&k);
    decode_ok("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":0,\"seq\":42,"
              "\"node\":3}",
              &k);
    assert_true(k.has_seq);
    assert_int_equal(k.seq, 42);
    assert_int_equal(k.node, 3);
    reg_key_fini(&k);
    decode_ok("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}", &k);
    assert_int_equal(k.type, REG_KEY_CONFIG);
    assert_null(k.subject);
    reg_key_fini(&k);
    decode_ok("{\"keytype\":\"CONFIG\",\"magic\":0}", &k);
    assert_null(k.subject);
    reg_key_fini(&k);
    decode_ok("{\"keytype\":\"ASSOC\",\"magic\":0}", &k);
    assert_int_equal(k.type, REG_KEY_UNKNOWN);
    reg_key_fini(&k);
    assert_int_equal(reg_key_decode((const uint8_t *)"{\"keytype\":\"SCHEMA\",\"subject\":\"s\","
                                                     "\"version\":1,\"magic\":2}",
                                    56, &k, &err),
                     CN_ERR_PARSE);
    assert_int_equal(reg_key_decode((const uint8_t *)"\x01garbage", 8, &k, &err), CN_ERR_PARSE);
    assert_int_equal(reg_key_decode((const uint8_t *)"[1]", 3, &k, &err), CN_ERR_PARSE);
    assert_int_equal(reg_key_decode((const uint8_t *)"{\"magic\":0}", 11, &k, &err), CN_ERR_PARSE);
    assert_int_equal(
        reg_key_decode((const uint8_t *)"{\"keytype\":\"SCHEMA\",\"magic\":1}", 30, &k, &err),
        CN_ERR_PARSE);
}

static void test_value_variants(void **state) {
    reg_key_t k;
    reg_value_t v;
    cn_error_t err;
    const char *cfg = "{\"compatibilityLevel\":\"full\"}";
    const char *sch = "{\"subject\":\"s\",\"version\":1,\"id\":3,\"schemaType\":\"AVRO\","
                      "\"schema\":\"\\\"int\\\"\",\"references\":[]}";
    (void)state;
    decode_ok("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}", &k);
    assert_int_equal(reg_value_decode(&k, (const uint8_t *)"", 0, &v, &err), CN_OK);
    assert_true(v.tombstone);
    reg_value_fini(&v);
    assert_int_equal(reg_value_decode(&k, NULL, -1, &v, &err), CN_OK);
    assert_true(v.tombstone);
    assert_int_equal(reg_value_decode(&k, (const uint8_t *)sch, (int32_t)strlen(sch), &v, &err),
                     CN_OK);
    assert_int_equal(v.schema.id, 3);
    assert_string_equal(v.schema.type, "AVRO");
    assert_string_equal(v.schema.schema, "\"int\"");
    assert_false(v.schema.deleted);
    assert_int_equal(v.schema.nrefs, 0);
    reg_value_fini(&v);
    assert_int_equal(reg_value_decode(&k, (const uint8_t *)"{\"id\":1}", 8, &v, &err),
                     CN_ERR_PARSE);
    reg_key_fini(&k);
    decode_ok("{\"keytype\":\"CONFIG\",\"subject\":\"x\",\"magic\":0}", &k);
    assert_int_equal(reg_value_decode(&k, (const uint8_t *)cfg, (int32_t)strlen(cfg), &v, &err),
                     CN_OK);
    assert_string_equal(json_string_value(json_object_get(v.config, "compatibilityLevel")), "full");
    reg_value_fini(&v);
    reg_key_fini(&k);
}

static void test_depth_guard(void **state) {
    char deep[300];
    reg_key_t k;
    cn_error_t err;
    (void)state;
    memset(deep, '[', sizeof(deep));
    assert_int_equal(cn_json_depth(deep, sizeof(deep), 64, NULL), 65);
    assert_int_equal(cn_json_depth("{\"a\":\"[[[[\"}", 12, 64, NULL), 1);
    assert_int_equal(reg_key_decode((const uint8_t *)deep, sizeof(deep), &k, &err), CN_ERR_PARSE);
}

static cn_err_t value_of(const reg_key_t *k, const char *text, reg_value_t *v) {
    cn_error_t err;
    cn_err_t rc = reg_value_decode(k, (const uint8_t *)text, (int32_t)strlen(text), v, &err);
    if (rc == CN_OK)
        reg_value_fini(v);
    return rc;
}

/* Records are JSON with \u0000 allowed: a NUL default inside the schema text (escaped twice)
 * and NULs in metadata pass; a NUL in a subject, keyword or the schema text itself makes the
 * record unreadable instead of cutting the string at it. */
static void test_nul_in_records(void **state) {
    reg_key_t k;
    reg_value_t v;
    cn_error_t err;
    const char *ok = "{\"subject\":\"s\",\"version\":1,\"id\":3,\"schema\":\"{\\\"type\\\":"
                     "\\\"bytes\\\",\\\"default\\\":\\\"\\\\u0000\\\"}\",\"metadata\":"
                     "{\"properties\":{\"a\":\"x\\u0000y\"}}}";
    (void)state;
    decode_ok("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}", &k);
    assert_int_equal(reg_value_decode(&k, (const uint8_t *)ok, (int32_t)strlen(ok), &v, &err),
                     CN_OK);
    assert_string_equal(v.schema.schema, "{\"type\":\"bytes\",\"default\":\"\\u0000\"}");
    json_t *pa = json_object_get(json_object_get(v.schema.metadata, "properties"), "a");
    assert_int_equal(json_string_length(pa), 3);
    assert_memory_equal(json_string_value(pa), "x\0y", 3);
    reg_value_fini(&v);
    assert_int_equal(value_of(&k,
                              "{\"subject\":\"s\\u0000t\",\"version\":1,\"id\":3,"
                              "\"schema\":\"\\\"int\\\"\"}",
                              &v),
                     CN_ERR_PARSE);
    assert_int_equal(
        value_of(&k, "{\"version\":1,\"id\":3,\"schema\":\"\\\"int\\\"\\u0000x\"}", &v),
        CN_ERR_PARSE);
    assert_int_equal(value_of(&k,
                              "{\"id\":3,\"schema\":\"\\\"int\\\"\",\"references\":[{\"name\":"
                              "\"n\",\"subject\":\"r\\u0000\",\"version\":1}]}",
                              &v),
                     CN_ERR_PARSE);
    assert_int_equal(
        value_of(&k, "{\"id\":3,\"schema\":\"\\\"int\\\"\",\"schemaType\":\"AVRO\\u0000\"}", &v),
        CN_ERR_PARSE);
    reg_key_fini(&k);
    const char *bad_keys[] = {
        "{\"keytype\":\"SCHEMA\",\"subject\":\"s\\u0000t\",\"version\":1,\"magic\":1}",
        "{\"keytype\":\"SCHEMA\\u0000\",\"subject\":\"s\",\"version\":1,\"magic\":1}",
        "{\"keytype\":\"CONFIG\",\"subject\":\"\\u0000\",\"magic\":0}",
    };
    for (size_t i = 0; i < sizeof(bad_keys) / sizeof(*bad_keys); i++)
        assert_int_equal(
            reg_key_decode((const uint8_t *)bad_keys[i], strlen(bad_keys[i]), &k, &err),
            CN_ERR_PARSE);
    decode_ok("{\"keytype\":\"CONFIG\",\"subject\":\"x\",\"magic\":0}", &k);
    assert_int_equal(value_of(&k, "{\"compatibilityLevel\":\"FULL\\u0000\"}", &v), CN_ERR_PARSE);
    assert_int_equal(value_of(&k, "{\"compatibilityLevel\":\"FULL\",\"x\":\"\\u0000\"}", &v),
                     CN_OK);
    reg_key_fini(&k);
    decode_ok("{\"keytype\":\"MODE\",\"subject\":\"x\",\"magic\":0}", &k);
    assert_int_equal(value_of(&k, "{\"mode\":\"READONLY\\u0000\"}", &v), CN_ERR_PARSE);
    reg_key_fini(&k);
    decode_ok("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"x\",\"magic\":0}", &k);
    assert_int_equal(value_of(&k, "{\"subject\":\"x\\u0000\",\"version\":1}", &v), CN_ERR_PARSE);
    reg_key_fini(&k);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nul_in_records),
        cmocka_unit_test(test_keys_are_confluent_bytes),
        cmocka_unit_test(test_noop_key_is_28_bytes),
        cmocka_unit_test(test_schema_value_shapes),
        cmocka_unit_test(test_config_mode_values),
        cmocka_unit_test(test_key_variants),
        cmocka_unit_test(test_value_variants),
        cmocka_unit_test(test_depth_guard),
    };
    return cmocka_run_group_tests_name("registry record codec", tests, NULL, NULL);
}
