/* SPDX-License-Identifier: Apache-2.0
 *
 * Avro canonical forms: the Apache Avro corpus schema-tests.txt (tests/data/corpus/) run as it
 * is (Parsing Canonical Form text and CRC-64-AVRO fingerprint of every case), the interop schema,
 * Confluent's stored text (canonicalString) and normalized text on hand-checked examples, round
 * trips parse -> print -> parse giving an identical model, Java's double rendering, and the
 * identity digest.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "compat/avro/avro_int.h"
#include "compat/compat.h"

static compat_avro_schema_t *parse_ok(const char *text) {
    compat_avro_schema_t *s = NULL;
    cn_error_t err = {0};
    if (compat_avro_parse(text, strlen(text), NULL, 0, &s, &err) != CN_OK)
        fail_msg("parse failed: %s\n  schema: %.200s", err.msg, text);
    return s;
}

static char *print_with(cn_err_t (*fn)(const compat_avro_schema_t *, cn_buf_t *, cn_error_t *),
                        const compat_avro_schema_t *s) {
    cn_buf_t b;
    cn_error_t err;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    assert_int_equal(fn(s, &b, &err), CN_OK);
    assert_non_null(cn_buf_cstr(&b));
    return (char *)cn_buf_steal(&b, NULL);
}

/* ---- schema-tests.txt ---- */

typedef struct pcf_case {
    char input[4096];
    char canonical[4096];
    char fingerprint[32];
} pcf_case_t;

static void run_pcf_case(const pcf_case_t *c, int *count, int *fps) {
    compat_avro_schema_t *s = parse_ok(c->input);
    char *pcf = print_with(compat_avro_print_pcf, s);
    assert_string_equal(pcf, c->canonical);
    if (c->fingerprint[0]) {
        long long want = strtoll(c->fingerprint, NULL, 10);
        long long got = (long long)compat_avro_crc64(pcf, strlen(pcf));
        assert_true(got == want);
        (*fps)++;
    }
    (*count)++;
    free(pcf);
    compat_avro_schema_free(s);
}

static void test_schema_tests_corpus(void **state) {
    size_t len;
    char *text = tu_read_data("corpus/apache-avro/schema-tests.txt", &len), *save = NULL;
    pcf_case_t c = {0};
    bool in_multi = false, have = false;
    int count = 0, fps = 0;
    (void)state;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (in_multi) {
            if (strcmp(line, "INPUT") == 0)
                in_multi = false;
            else
                strncat(c.input, line, sizeof(c.input) - strlen(c.input) - 1);
        } else if (strncmp(line, "// ", 3) == 0 && line[3] >= '0' && line[3] <= '9') {
            if (have)
                run_pcf_case(&c, &count, &fps);
            memset(&c, 0, sizeof(c));
            have = true;
        } else if (strcmp(line, "<<INPUT") == 0) {
            in_multi = true;
        } else if (strncmp(line, "<<INPUT ", 8) == 0) {
            snprintf(c.input, sizeof(c.input), "%s", line + 8);
        } else if (strncmp(line, "<<canonical ", 12) == 0) {
            snprintf(c.canonical, sizeof(c.canonical), "%s", line + 12);
        } else if (strncmp(line, "<<fingerprint ", 14) == 0) {
            snprintf(c.fingerprint, sizeof(c.fingerprint), "%s", line + 14);
        }
    }
    if (have)
        run_pcf_case(&c, &count, &fps);
    printf("schema-tests.txt: %d cases, %d fingerprints\n", count, fps);
    assert_int_equal(count, 34);
    assert_int_equal(fps, 26);
    free(text);
}

/* ---- interop and round trips ---- */

static void round_trip(const char *text) {
    compat_avro_schema_t *a = parse_ok(text), *b, *c;
    char *t1 = print_with(compat_avro_print_canonical, a), *t2, *n1, *n2;
    b = parse_ok(t1);
    assert_true(compat_avro_identical(a, b));
    t2 = print_with(compat_avro_print_canonical, b);
    assert_string_equal(t1, t2);
    n1 = print_with(compat_avro_print_normalized, a);
    c = parse_ok(n1);
    n2 = print_with(compat_avro_print_normalized, c);
    assert_string_equal(n1, n2);
    assert_true(compat_avro_equivalent(a, c) || strcmp(t1, n1) != 0);
    free(t1);
    free(t2);
    free(n1);
    free(n2);
    compat_avro_schema_free(a);
    compat_avro_schema_free(b);
    compat_avro_schema_free(c);
}

static void test_interop(void **state) {
    size_t len;
    char *text = tu_read_data("corpus/apache-avro/interop.avsc", &len);
    (void)state;
    compat_avro_schema_t *s = parse_ok(text);
    char *pcf = print_with(compat_avro_print_pcf, s);
    assert_non_null(strstr(pcf, "{\"name\":\"org.apache.avro.Node\",\"type\":\"record\""));
    assert_non_null(strstr(pcf, "\"items\":\"org.apache.avro.Node\""));
    round_trip(text);
    free(pcf);
    compat_avro_schema_free(s);
    free(text);
}

/* ---- Confluent's stored text ---- */

static const char *const canonical_cases[][2] = {
    {"{\"type\":\"string\"}", "\"string\""},
    {" [ \"null\" , {\"type\":\"int\"} ] ", "[\"null\",\"int\"]"},
    {"{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}",
     "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}"},
    {"{\"fields\":[{\"type\":\"int\",\"name\":\"a\",\"doc\":\"d\",\"default\":1,\"order\":"
     "\"descending\",\"aliases\":[\"b\"],\"x\":1}],\"name\":\"R\",\"type\":\"record\","
     "\"namespace\":\"n\",\"aliases\":[\"n.Old\",\"o.X\"],\"doc\":\"rd\",\"p\":true}",
     "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"doc\":\"rd\",\"fields\":[{\"name\":"
     "\"a\",\"type\":\"int\",\"doc\":\"d\",\"default\":1,\"order\":\"descending\",\"aliases\":["
     "\"b\"],\"x\":1}],\"p\":true,\"aliases\":[\"Old\",\"o.X\"]}"},
    {"{\"type\":\"record\",\"name\":\"a.R\",\"fields\":[{\"name\":\"s\",\"type\":{\"type\":"
     "\"record\",\"name\":\"S\",\"namespace\":\"\",\"fields\":[]}},{\"name\":\"t\",\"type\":"
     "\"S\"},{\"name\":\"u\",\"type\":{\"type\":\"fixed\",\"name\":\"b.F\",\"size\":2}},{"
     "\"name\":\"v\",\"type\":\"b.F\"}]}",
     "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":[{\"name\":\"s\","
     "\"type\":{\"type\":\"record\",\"name\":\"S\",\"namespace\":\"\",\"fields\":[]}},{\"name\":"
     "\"t\",\"type\":\"S\"},{\"name\":\"u\",\"type\":{\"type\":\"fixed\",\"name\":\"F\","
     "\"namespace\":\"b\",\"size\":2}},{\"name\":\"v\",\"type\":\"b.F\"}]}"},
    {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"],\"default\":\"A\",\"doc\":"
     "\"x\\u00e9\\n\"}",
     "{\"type\":\"enum\",\"name\":\"E\",\"doc\":\"x\xc3\xa9\\n\",\"symbols\":[\"A\",\"B\"],"
     "\"default\":\"A\"}"},
    {"{\"type\":\"record\",\"name\":\"D\",\"fields\":[{\"name\":\"d\",\"type\":\"double\","
     "\"default\":1e10},{\"name\":\"f\",\"type\":\"float\",\"default\":0.1},{\"name\":\"g\","
     "\"type\":\"double\",\"default\":1.5E-5}]}",
     "{\"type\":\"record\",\"name\":\"D\",\"fields\":[{\"name\":\"d\",\"type\":\"double\","
     "\"default\":1.0E10},{\"name\":\"f\",\"type\":\"float\",\"default\":0.1},{\"name\":\"g\","
     "\"type\":\"double\",\"default\":1.5E-5}]}"},
    {"{\"type\":\"error\",\"name\":\"Err\",\"fields\":[{\"name\":\"m\",\"type\":{\"type\":"
     "\"map\",\"values\":{\"type\":\"array\",\"items\":\"Err\"},\"k\":\"v\"}}]}",
     "{\"type\":\"error\",\"name\":\"Err\",\"fields\":[{\"name\":\"m\",\"type\":{\"type\":\"map\","
     "\"values\":{\"type\":\"array\",\"items\":\"Err\"},\"k\":\"v\"}}]}"},
};

static void test_confluent_canonical(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof(canonical_cases) / sizeof(canonical_cases[0]); i++) {
        compat_avro_schema_t *s = parse_ok(canonical_cases[i][0]);
        char *t = print_with(compat_avro_print_canonical, s);
        assert_string_equal(t, canonical_cases[i][1]);
        round_trip(canonical_cases[i][0]);
        free(t);
        compat_avro_schema_free(s);
    }
}

static void test_normalized(void **state) {
    const char *in = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"z\":1,\"a\":2,"
                     "\"aliases\":[\"Z\",\"A\"],\"fields\":[{\"name\":\"d\",\"type\":{\"type\":"
                     "\"bytes\",\"scale\":0,\"precision\":4,\"logicalType\":\"decimal\",\"b\":1},"
                     "\"q\":1,\"p\":2,\"aliases\":[\"y\",\"x\"]}]}";
    const char *want = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":[{"
                       "\"name\":\"d\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
                       "\"precision\":4,\"b\":1},\"aliases\":[\"x\",\"y\"],\"p\":2,\"q\":1}],"
                       "\"a\":2,\"z\":1,\"aliases\":[\"A\",\"Z\"]}";
    (void)state;
    compat_avro_schema_t *s = parse_ok(in);
    char *t = print_with(compat_avro_print_normalized, s);
    assert_string_equal(t, want);
    free(t);
    compat_avro_schema_free(s);
}

static void test_equivalent(void **state) {
    compat_avro_schema_t *a = parse_ok("{\"type\":\"record\",\"name\":\"n.R\",\"x\":1,\"y\":2,"
                                       "\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}");
    compat_avro_schema_t *b = parse_ok("{\"y\":2,\"name\":\"R\",\"namespace\":\"n\",\"x\":1,"
                                       "\"type\":\"record\",\"fields\":[{\"type\":{\"type\":"
                                       "\"int\"},\"name\":\"f\"}]}");
    compat_avro_schema_t *c = parse_ok("{\"type\":\"record\",\"name\":\"n.R\",\"doc\":\"d\","
                                       "\"x\":1,\"y\":2,\"fields\":[{\"name\":\"f\",\"type\":"
                                       "\"int\"}]}");
    (void)state;
    assert_true(compat_avro_equivalent(a, b));
    assert_false(compat_avro_identical(a, b));
    assert_false(compat_avro_equivalent(a, c));
    compat_avro_schema_free(a);
    compat_avro_schema_free(b);
    compat_avro_schema_free(c);
}

static void test_java_double(void **state) {
    static const struct {
        double d;
        const char *s;
    } v[] = {{1.0, "1.0"},
             {0.1, "0.1"},
             {100.0, "100.0"},
             {1e7, "1.0E7"},
             {1234567.0, "1234567.0"},
             {0.001, "0.001"},
             {0.0001, "1.0E-4"},
             {-2.5, "-2.5"},
             {0.0, "0.0"},
             {1.5e300, "1.5E300"},
             {123.456, "123.456"}};
    char buf[64];
    (void)state;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        compat_avro_java_double(buf, sizeof(buf), v[i].d);
        assert_string_equal(buf, v[i].s);
    }
}

static cn_err_t resolve_one(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                            cn_error_t *err) {
    (void)ref;
    (void)err;
    *out = arg;
    return CN_OK;
}

static void test_references_and_digest(void **state) {
    const char *dep_text = "{\"type\":\"record\",\"name\":\"com.x.Dep\",\"fields\":[{\"name\":"
                           "\"a\",\"type\":\"int\"}]}";
    const char *main_text = "{\"type\":\"record\",\"name\":\"com.x.Main\",\"fields\":[{\"name\":"
                            "\"d\",\"type\":\"Dep\"}]}";
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    compat_ref_t ref = {.name = "dep.avsc", .subject = "dep", .version = 1};
    cn_error_t err;
    uint8_t d[16];
    char hex[33];
    (void)state;
    compat_schema_t *dep = compat_schema_parse(dep_text, strlen(dep_text), &po, &err);
    assert_non_null(dep);
    assert_null(compat_schema_parse(main_text, strlen(main_text), &po, &err));
    assert_non_null(strstr(err.msg, "Undefined name"));
    po.refs = &ref;
    po.nrefs = 1;
    po.resolve = resolve_one;
    po.resolve_arg = dep;
    compat_schema_t *m = compat_schema_parse(main_text, strlen(main_text), &po, &err);
    assert_non_null(m);
    compat_schema_free(dep); /* the import is a copy */
    assert_string_equal(compat_schema_canonical(m), "{\"type\":\"record\",\"name\":\"Main\","
                                                    "\"namespace\":\"com.x\",\"fields\":[{"
                                                    "\"name\":\"d\",\"type\":\"Dep\"}]}");
    compat_schema_digest(m, d);
    cn_md5_hex(d, hex);
    /* md5(canonical + "dep.avsc" + "dep" + 00 00 00 01), computed independently */
    assert_string_equal(hex, "e3a14c3742bfc1216207075b4e90051d");
    compat_schema_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_tests_corpus),
        cmocka_unit_test(test_interop),
        cmocka_unit_test(test_confluent_canonical),
        cmocka_unit_test(test_normalized),
        cmocka_unit_test(test_equivalent),
        cmocka_unit_test(test_java_double),
        cmocka_unit_test(test_references_and_digest),
    };
    return cmocka_run_group_tests_name("avro_canonical", tests, NULL, NULL);
}
