/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema evolution on read (Avro specification, "Schema Resolution"): data written with one
 * schema and read with another through a deserializer's reader schema. Covers defaults (also
 * of records and unions), writer-only fields of every kind skipped, promotions, string<->bytes,
 * field and record aliases, enum defaults, unions on either side, and the cases the
 * specification rejects (where avro-c's resolver would be looser or stricter).
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>

#include "tests/unit/serdes/serdes_test_util.h"

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

/* Write json with writer, read with reader; returns the code and the JSON (or NULL). */
static cairn_err_t evolve(fx_t *f, const char *writer, const char *json, const char *reader,
                          char **out, cairn_error_t *err) {
    cairn_serializer_t *ser =
        cairn_serializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, writer, err);
    cairn_deserializer_t *des =
        cairn_deserializer_new(f->sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, reader, err);
    void *buf = NULL;
    size_t len = 0;
    cairn_err_t rc;
    if (!ser || !des)
        fail_msg("new: %s", err->msg);
    if (cairn_serialize_json(ser, "evo", json, strlen(json), &buf, &len, err) != CAIRN_OK)
        fail_msg("serialize: %s", err->msg);
    *out = NULL;
    rc = cairn_deserialize_json(des, "evo", buf, len, out, NULL, err);
    cairn_free(buf);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    return rc;
}

static void expect(fx_t *f, const char *writer, const char *json, const char *reader,
                   const char *want) {
    cairn_error_t err;
    char *out;
    if (evolve(f, writer, json, reader, &out, &err) != CAIRN_OK)
        fail_msg("deserialize: %s", err.msg);
    st_assert_json(out, want);
    cairn_free(out);
}

static void expect_fail(fx_t *f, const char *writer, const char *json, const char *reader,
                        const char *msg) {
    cairn_error_t err;
    char *out;
    assert_int_equal(evolve(f, writer, json, reader, &out, &err), CAIRN_ERR_INCOMPATIBLE);
    assert_null(out);
    if (!strstr(err.msg, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
}

#define REC(fields)                                                                                \
    "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"ev\",\"fields\":[" fields "]}"

static void test_evo_added_field_defaults(void **state) {
    expect(
        *state, REC("{\"name\":\"a\",\"type\":\"int\"}"), "{\"a\":1}",
        REC("{\"name\":\"a\",\"type\":\"int\"},"
            "{\"name\":\"s\",\"type\":\"string\",\"default\":\"x\"},"
            "{\"name\":\"u\",\"type\":[\"null\",\"long\"],\"default\":null},"
            "{\"name\":\"u2\",\"type\":[\"long\",\"null\"],\"default\":5},"
            "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"items\":\"int\"},\"default\":[1,2]},"
            "{\"name\":\"r\",\"type\":{\"type\":\"record\",\"name\":\"Sub\",\"fields\":["
            "{\"name\":\"k\",\"type\":\"string\"},"
            "{\"name\":\"q\",\"type\":\"int\",\"default\":9}]},\"default\":{\"k\":\"d\"}},"
            "{\"name\":\"b\",\"type\":\"bytes\",\"default\":\"\\u00ff\"}"),
        "{\"a\":1,\"s\":\"x\",\"u\":null,\"u2\":{\"long\":5},\"arr\":[1,2],"
        "\"r\":{\"k\":\"d\",\"q\":9},\"b\":\"\\u00ff\"}");
}

/* U+0000 in defaults and docs (Confluent accepts "\u0000" as a bytes default): the schemas
 * compile although avro-c's own JSON reader refuses \u0000, and the defaults are applied whole. */
static void test_evo_nul_defaults(void **state) {
    expect(*state, REC("{\"name\":\"a\",\"type\":\"int\"}"), "{\"a\":1}",
           REC("{\"name\":\"a\",\"type\":\"int\",\"doc\":\"\\u0000\"},"
               "{\"name\":\"b\",\"type\":\"bytes\",\"default\":\"\\u0000\"},"
               "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2},"
               "\"default\":\"\\u0000\\u0001\"},"
               "{\"name\":\"s\",\"type\":\"string\",\"default\":\"x\\u0000y\",\"p\":\"\\u0000\"}"),
           "{\"a\":1,\"b\":\"\\u0000\",\"f\":\"\\u0000\\u0001\",\"s\":\"x\\u0000y\"}");
    /* the writer's own schema with a NUL default, and NUL data, round trip */
    expect(*state, REC("{\"name\":\"b\",\"type\":\"bytes\",\"default\":\"\\u0000\"}"),
           "{\"b\":\"\\u0000\\u0000\"}",
           REC("{\"name\":\"b\",\"type\":\"bytes\",\"default\":\"\\u0000\"}"),
           "{\"b\":\"\\u0000\\u0000\"}");
}

static void test_evo_removed_fields_skipped(void **state) {
    expect(
        *state,
        REC("{\"name\":\"gone1\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\","
            "\"items\":\"string\"}}},"
            "{\"name\":\"a\",\"type\":\"int\"},"
            "{\"name\":\"gone2\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"G\","
            "\"fields\":[{\"name\":\"d\",\"type\":\"double\"},{\"name\":\"fx\",\"type\":"
            "{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}}]}]},"
            "{\"name\":\"gone3\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}},"
            "{\"name\":\"z\",\"type\":\"string\"},{\"name\":\"gone4\",\"type\":\"boolean\"},"
            "{\"name\":\"gone5\",\"type\":\"float\"},{\"name\":\"gone6\",\"type\":\"bytes\"}"),
        "{\"gone1\":{\"m\":[\"p\",\"q\"]},\"a\":3,\"gone2\":{\"ev.G\":{\"d\":1.0,\"fx\":\"ab\"}},"
        "\"gone3\":\"X\",\"z\":\"zz\",\"gone4\":true,\"gone5\":2.5,\"gone6\":\"b\"}",
        REC("{\"name\":\"z\",\"type\":\"string\"},{\"name\":\"a\",\"type\":\"int\"}"),
        "{\"z\":\"zz\",\"a\":3}");
}

static void test_evo_promotions(void **state) {
    expect(*state,
           REC("{\"name\":\"il\",\"type\":\"int\"},{\"name\":\"if\",\"type\":\"int\"},"
               "{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"lf\",\"type\":\"long\"},"
               "{\"name\":\"ld\",\"type\":\"long\"},{\"name\":\"fd\",\"type\":\"float\"},"
               "{\"name\":\"sb\",\"type\":\"string\"},{\"name\":\"bs\",\"type\":\"bytes\"},"
               "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"items\":\"int\"}},"
               "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"float\"}}"),
           "{\"il\":-7,\"if\":3,\"id\":4,\"lf\":5,\"ld\":6,\"fd\":0.5,\"sb\":\"hi\",\"bs\":\"yo\","
           "\"arr\":[1,2],\"m\":{\"a\":1.5}}",
           REC("{\"name\":\"il\",\"type\":\"long\"},{\"name\":\"if\",\"type\":\"float\"},"
               "{\"name\":\"id\",\"type\":\"double\"},{\"name\":\"lf\",\"type\":\"float\"},"
               "{\"name\":\"ld\",\"type\":\"double\"},{\"name\":\"fd\",\"type\":\"double\"},"
               "{\"name\":\"sb\",\"type\":\"bytes\"},{\"name\":\"bs\",\"type\":\"string\"},"
               "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"items\":\"long\"}},"
               "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"double\"}}"),
           "{\"il\":-7,\"if\":3.0,\"id\":4.0,\"lf\":5.0,\"ld\":6.0,\"fd\":0.5,\"sb\":\"hi\","
           "\"bs\":\"yo\",\"arr\":[1,2],\"m\":{\"a\":1.5}}");
}

static void test_evo_aliases(void **state) {
    expect(*state, REC("{\"name\":\"old\",\"type\":\"int\"}"), "{\"old\":4}",
           "{\"type\":\"record\",\"name\":\"New\",\"namespace\":\"ev2\",\"aliases\":[\"ev.R\"],"
           "\"fields\":[{\"name\":\"renamed\",\"aliases\":[\"old\"],\"type\":\"int\"}]}",
           "{\"renamed\":4}");
}

static void test_evo_enums(void **state) {
    const char *w = REC("{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\","
                        "\"symbols\":[\"A\",\"B\",\"C\"]}}");
    expect(*state, w, "{\"e\":\"C\"}",
           REC("{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"C\","
               "\"A\"]}}"),
           "{\"e\":\"C\"}");
    expect(*state, w, "{\"e\":\"B\"}",
           REC("{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\","
               "\"UNKNOWN\"],\"default\":\"UNKNOWN\"}}"),
           "{\"e\":\"UNKNOWN\"}");
    expect_fail(
        *state, w, "{\"e\":\"B\"}",
        REC("{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}}"),
        "enum symbol B");
}

static void test_evo_unions(void **state) {
    /* writer union -> reader union with promotion */
    expect(*state, REC("{\"name\":\"u\",\"type\":[\"null\",\"int\"]}"), "{\"u\":{\"int\":2}}",
           REC("{\"name\":\"u\",\"type\":[\"null\",\"long\"]}"), "{\"u\":{\"long\":2}}");
    /* writer plain -> reader union picks the matching branch */
    expect(*state, REC("{\"name\":\"u\",\"type\":\"string\"}"), "{\"u\":\"s\"}",
           REC("{\"name\":\"u\",\"type\":[\"null\",\"int\",\"string\"]}"),
           "{\"u\":{\"string\":\"s\"}}");
    /* writer union -> reader plain: fine while the data is in a readable branch */
    expect(*state, REC("{\"name\":\"u\",\"type\":[\"int\",\"string\"]}"), "{\"u\":{\"int\":5}}",
           REC("{\"name\":\"u\",\"type\":\"long\"}"), "{\"u\":5}");
    expect_fail(*state, REC("{\"name\":\"u\",\"type\":[\"int\",\"string\"]}"),
                "{\"u\":{\"string\":\"x\"}}", REC("{\"name\":\"u\",\"type\":\"long\"}"),
                "union branch 1");
    /* branches reordered */
    expect(*state, REC("{\"name\":\"u\",\"type\":[\"null\",\"string\",\"int\"]}"),
           "{\"u\":{\"int\":1}}", REC("{\"name\":\"u\",\"type\":[\"int\",\"null\",\"string\"]}"),
           "{\"u\":{\"int\":1}}");
}

static void test_evo_rejected(void **state) {
    const char *w = REC("{\"name\":\"a\",\"type\":\"int\"}");
    /* A reader field without default that the writer lacks (avro-c would also fail, for the
     * wrong reason: it cannot use defaults at all). */
    expect_fail(*state, w, "{\"a\":1}",
                REC("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}"),
                "reader field b has no default");
    expect_fail(*state, w, "{\"a\":1}", REC("{\"name\":\"a\",\"type\":\"string\"}"),
                "writer type int cannot be read as string");
    expect_fail(*state, REC("{\"name\":\"a\",\"type\":\"long\"}"), "{\"a\":1}",
                REC("{\"name\":\"a\",\"type\":\"int\"}"), "long cannot be read as int");
    expect_fail(*state, w, "{\"a\":1}",
                "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"a\",\"type\":"
                "\"int\"}]}",
                "does not match reader type Other");
    expect_fail(*state,
                REC("{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}}"),
                "{\"f\":\"ab\"}",
                REC("{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":3}}"),
                "differ in size");
    expect_fail(*state, w, "{\"a\":1}", REC("{\"name\":\"a\",\"type\":[\"null\",\"string\"]}"),
                "no branch of the reader union");
}

static void test_evo_recursive(void **state) {
    const char *list = "{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                       "{\"name\":\"v\",\"type\":\"int\"},"
                       "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}";
    const char *list2 = "{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                        "{\"name\":\"v\",\"type\":\"long\"},"
                        "{\"name\":\"tag\",\"type\":\"string\",\"default\":\"t\"},"
                        "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}";
    expect(*state, list, "{\"v\":1,\"next\":{\"Node\":{\"v\":2,\"next\":null}}}", list2,
           "{\"v\":1,\"tag\":\"t\",\"next\":{\"Node\":{\"v\":2,\"tag\":\"t\",\"next\":null}}}");
}

/* use.latest.version on a deserializer without a reader schema: values come out in the
 * subject's latest version (as Java's deserializer does), per topic. */
static void test_evo_latest_as_reader(void **state) {
    fx_t *f = *state;
    const char *v1 = REC("{\"name\":\"a\",\"type\":\"int\"}");
    const char *v2 = REC("{\"name\":\"a\",\"type\":\"long\"},"
                         "{\"name\":\"b\",\"type\":\"string\",\"default\":\"new\"}");
    int32_t id1 = mr_add(f->mr, "lt-value", v1);
    cairn_serdes_t *sd = st_handle(mr_url(f->mr), "use.latest.version", "true", NULL);
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    uint8_t frame[6];
    char *out = NULL;
    cairn_error_t err;
    cairn_frame_write(frame, id1);
    frame[5] = 0x54; /* a = 42 */
    mr_add(f->mr, "lt-value", v2);
    if (cairn_deserialize_json(des, "lt", frame, 6, &out, NULL, &err) != CAIRN_OK)
        fail_msg("%s", err.msg);
    st_assert_json(out, "{\"a\":42,\"b\":\"new\"}");
    cairn_free(out);
    /* Another topic without that subject: the lookup of its latest version fails. */
    assert_int_equal(cairn_deserialize_json(des, "other", frame, 6, &out, NULL, &err),
                     CAIRN_ERR_REGISTRY);
    assert_int_equal(err.error_code, 40401);
    cairn_deserializer_free(des);
    cairn_serdes_free(sd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_evo_added_field_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_nul_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_removed_fields_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_promotions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_aliases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_enums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_unions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_recursive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evo_latest_as_reader, setup, teardown),
    };
    return cmocka_run_group_tests_name("serdes_evolution", tests, NULL, NULL);
}
