/* SPDX-License-Identifier: Apache-2.0
 *
 * The language-neutral contract of compat.h: level and type names, parse errors and options,
 * references (resolver errors, sorting under normalize), the report's structured issues, the
 * {oldSchema} truncation at 10 KiB, bad arguments, and the identity digest.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "compat/compat.h"

static compat_schema_t *parse(const char *text) {
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    cn_error_t err;
    compat_schema_t *s = compat_schema_parse(text, strlen(text), &po, &err);
    if (!s)
        fail_msg("parse: %s", err.msg);
    return s;
}

static void test_names(void **state) {
    compat_level_t l;
    compat_type_t t;
    (void)state;
    assert_true(compat_level_parse("full_transitive", &l));
    assert_int_equal(l, COMPAT_FULL_TRANSITIVE);
    assert_string_equal(compat_level_name(l), "FULL_TRANSITIVE");
    assert_true(compat_level_parse("Backward", &l));
    assert_int_equal(l, COMPAT_BACKWARD);
    assert_false(compat_level_parse("BACKWARDS", &l));
    assert_false(compat_level_parse(NULL, &l));
    for (int i = COMPAT_NONE; i <= COMPAT_FULL_TRANSITIVE; i++) {
        assert_true(compat_level_parse(compat_level_name((compat_level_t)i), &l));
        assert_int_equal(l, i);
    }
    assert_true(compat_type_parse("avro", &t));
    assert_int_equal(t, COMPAT_AVRO);
    assert_true(compat_type_parse("JSON", &t));
    assert_string_equal(compat_type_name(COMPAT_PROTOBUF), "PROTOBUF");
    assert_false(compat_type_parse("xml", &t));
    assert_true(compat_type_supported(COMPAT_AVRO));
    assert_true(compat_type_supported(COMPAT_PROTOBUF));
    assert_true(compat_type_supported(COMPAT_JSON));
}

static void test_parse_errors(void **state) {
    compat_parse_opts_t po = {.type = (compat_type_t)3}; /* no such language */
    cn_error_t err;
    (void)state;
    assert_null(compat_schema_parse("{}", 2, &po, &err));
    assert_int_equal(err.code, CN_ERR_UNSUPPORTED);
    po.type = COMPAT_AVRO;
    assert_null(compat_schema_parse("{\"type\":\"record\"}", 17, &po, &err));
    assert_int_equal(err.code, CN_ERR_INVALID_SCHEMA);
    assert_non_null(strstr(err.msg, "No name in schema"));
    po.nrefs = 1; /* references without a resolver */
    assert_null(compat_schema_parse("\"int\"", 5, &po, &err));
    assert_int_equal(err.code, CN_ERR_INVALID_ARGUMENT);
}

/* Stored schemas are parsed leniently, as Confluent does: bad defaults and names pass. */
static void test_lenient(void **state) {
    const char *text = "{\"type\":\"record\",\"name\":\"my-rec\",\"fields\":[{\"name\":\"f\","
                       "\"type\":\"int\",\"default\":\"x\"},{\"name\":\"d\",\"type\":{\"type\":"
                       "\"bytes\",\"logicalType\":\"decimal\",\"precision\":0}}]}";
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    cn_error_t err;
    (void)state;
    assert_null(compat_schema_parse(text, strlen(text), &po, &err));
    assert_int_equal(err.code, CN_ERR_INVALID_SCHEMA);
    compat_schema_t *s =
        compat_schema_parse_ex(text, strlen(text), &po, COMPAT_PARSE_LENIENT, &err);
    assert_non_null(s);
    assert_string_equal(compat_schema_canonical(s), text);
    compat_schema_free(s);
    /* structure is still required */
    assert_null(compat_schema_parse_ex("{\"type\":\"record\",\"name\":\"R\"}", 27, &po,
                                       COMPAT_PARSE_LENIENT, &err));
    assert_null(compat_schema_parse_ex("[\"int\",\"int\"]", 13, &po, COMPAT_PARSE_LENIENT, &err));
}

static cn_err_t resolve_fail(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                             cn_error_t *err) {
    (void)arg;
    (void)out;
    return cn_error_set(err, CN_ERR_SCHEMA_NOT_FOUND, "no %s/%d", ref->subject, ref->version);
}

static cn_err_t resolve_map(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                            cn_error_t *err) {
    compat_schema_t **deps = arg;
    (void)err;
    *out = deps[strcmp(ref->name, "a") == 0 ? 0 : 1];
    return CN_OK;
}

static void test_references(void **state) {
    compat_schema_t *deps[2] = {parse("{\"type\":\"enum\",\"name\":\"x.A\",\"symbols\":[\"S\"]}"),
                                parse("{\"type\":\"fixed\",\"name\":\"x.B\",\"size\":2}")};
    compat_ref_t refs[3] = {{"b", "sb", 2}, {"a", "sa", 1}, {"b", "sb", 2}};
    compat_parse_opts_t po = {
        .type = COMPAT_AVRO, .refs = refs, .nrefs = 3, .resolve = resolve_fail};
    const char *text = "{\"type\":\"record\",\"name\":\"x.R\",\"fields\":[{\"name\":\"a\",\"type\":"
                       "\"A\"},{\"name\":\"b\",\"type\":\"B\"}]}";
    cn_error_t err;
    size_t n;
    (void)state;
    assert_null(compat_schema_parse(text, strlen(text), &po, &err));
    assert_int_equal(err.code, CN_ERR_SCHEMA_NOT_FOUND);
    po.resolve = resolve_map;
    po.resolve_arg = deps;
    compat_schema_t *s = compat_schema_parse(text, strlen(text), &po, &err);
    assert_non_null(s);
    const compat_ref_t *got = compat_schema_refs(s, &n);
    assert_int_equal(n, 3);
    assert_string_equal(got[0].name, "b");
    compat_schema_free(s);
    po.normalize = true; /* sorted and de-duplicated */
    s = compat_schema_parse(text, strlen(text), &po, &err);
    assert_non_null(s);
    got = compat_schema_refs(s, &n);
    assert_int_equal(n, 2);
    assert_string_equal(got[0].name, "a");
    assert_string_equal(got[1].name, "b");
    assert_string_equal(compat_schema_canonical(s), "{\"type\":\"record\",\"name\":\"R\","
                                                    "\"namespace\":\"x\",\"fields\":[{\"name\":"
                                                    "\"a\",\"type\":\"A\"},{\"name\":\"b\","
                                                    "\"type\":\"B\"}]}");
    compat_schema_free(s);
    compat_schema_free(deps[0]);
    compat_schema_free(deps[1]);
}

static void test_report_issues(void **state) {
    compat_schema_t *old = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\","
                                 "\"type\":\"int\"}]}");
    compat_schema_t *nw = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\","
                                "\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}]}");
    compat_prev_t hist[1] = {{old, 7}};
    compat_report_t *rep;
    cn_error_t err;
    (void)state;
    assert_int_equal(compat_check(COMPAT_BACKWARD, nw, hist, 1, &rep, &err), CN_OK);
    assert_false(compat_report_is_compatible(rep));
    assert_int_equal(compat_report_issue_count(rep), 2);
    const compat_issue_t *is = compat_report_issue(rep, 0);
    assert_string_equal(is->error_type, "TYPE_MISMATCH");
    assert_string_equal(is->path, "/fields/0/type");
    assert_string_equal(is->additional, "reader type: STRING not compatible with writer type: INT");
    assert_int_equal(is->old_version, 7);
    is = compat_report_issue(rep, 1);
    assert_string_equal(is->error_type, "READER_FIELD_MISSING_DEFAULT_VALUE");
    assert_string_equal(is->path, "/fields/1");
    assert_null(compat_report_issue(rep, 2));
    assert_int_equal(compat_report_message_count(rep), 5);
    assert_string_equal(compat_report_message(rep, 2), "{oldSchemaVersion: 7}");
    assert_null(compat_report_message(rep, 5));
    compat_report_free(rep);
    assert_int_equal(compat_check_ex(COMPAT_FULL, true, nw, hist, 1, &rep, &err), CN_OK);
    assert_string_equal(compat_report_message(rep, compat_report_message_count(rep) - 1),
                        "{validateFields: 'true', compatibility: 'FULL'}");
    compat_report_free(rep);
    /* compatible: an empty report */
    assert_int_equal(compat_check(COMPAT_FORWARD_TRANSITIVE, old, hist, 1, &rep, &err), CN_OK);
    assert_true(compat_report_is_compatible(rep));
    assert_int_equal(compat_report_issue_count(rep), 0);
    compat_report_free(rep);
    /* bad arguments */
    hist[0].schema = NULL;
    assert_int_equal(compat_check(COMPAT_BACKWARD, nw, hist, 1, &rep, &err),
                     CN_ERR_INVALID_ARGUMENT);
    assert_int_equal(compat_check(COMPAT_BACKWARD, NULL, NULL, 0, &rep, &err),
                     CN_ERR_INVALID_ARGUMENT);
    assert_int_equal(compat_check((compat_level_t)99, nw, NULL, 0, &rep, &err),
                     CN_ERR_INVALID_ARGUMENT);
    compat_schema_free(old);
    compat_schema_free(nw);
}

/* An old schema longer than 10 KiB is shown as its first 10240 characters. */
static void test_old_schema_truncated(void **state) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_str(&b, "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"");
    for (int i = 0; i < 12000; i++)
        cn_buf_put_str(&b, i % 2 ? "\xc3\xa9" : "d"); /* é is one UTF-16 unit */
    cn_buf_put_str(&b, "\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    compat_schema_t *old = parse(cn_buf_cstr(&b));
    compat_schema_t *nw = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\","
                                "\"type\":\"boolean\"}]}");
    compat_prev_t hist[1] = {{old, 1}};
    compat_report_t *rep;
    cn_error_t err;
    (void)state;
    assert_int_equal(compat_check(COMPAT_BACKWARD, nw, hist, 1, &rep, &err), CN_OK);
    const char *m = compat_report_message(rep, 2);
    assert_true(strncmp(m, "{oldSchema: <truncated> '{\"type\":\"record\"", 40) == 0);
    assert_true(strcmp(m + strlen(m) - 5, "...'}") == 0);
    /* 10240 units: 36 ASCII bytes of prefix, then alternating 1- and 2-byte characters */
    size_t body = strlen(m) - strlen("{oldSchema: <truncated> '") - strlen("...'}");
    size_t units = 36 + (10240 - 36), expect = 36 + (units - 36) / 2 * 3;
    assert_int_equal(body, expect);
    compat_report_free(rep);
    compat_schema_free(old);
    compat_schema_free(nw);
    cn_buf_fini(&b);
}

static void test_digest(void **state) {
    compat_schema_t *a = parse("{\"type\":\"string\"}"), *b = parse(" \"string\" ");
    uint8_t da[16], db[16];
    char hex[33];
    cn_md5_t md;
    compat_ref_t ref = {"n", "s", 258};
    (void)state;
    compat_schema_digest(a, da);
    compat_schema_digest(b, db);
    assert_memory_equal(da, db, 16);
    cn_md5_hex(da, hex);
    assert_string_equal(hex, "095d71cf12556b9d5e330ad575b3df5d"); /* md5 of "string" quoted */
    cn_md5_init(&md);
    compat_digest_update(&md, "\"string\"", 8, &ref, 1);
    cn_md5_final(&md, db);
    uint8_t want[16];
    cn_md5("\"string\"ns\x00\x00\x01\x02", 14, want);
    assert_memory_equal(db, want, 16);
    assert_true(compat_schema_equivalent(a, b));
    compat_schema_free(a);
    compat_schema_free(b);
}

/* A bytes default of U+0000 (Confluent accepts it): the stored text writes it \u0000 as Jackson
 * does, the identity MD5 is over that text, and a schema that differs only after the NUL is
 * another schema. Leniently parsed (replay) texts keep it too, but a NUL in a name never passes. */
static void test_nul_default(void **state) {
    const char *text = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"b\",\"type\":"
                       "\"bytes\",\"default\":\"\\u0000\"}]}";
    const char *other = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"b\",\"type\":"
                        "\"bytes\",\"default\":\"\\u0000x\"}]}";
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    compat_schema_t *a = parse(text), *b = parse(other), *l;
    uint8_t d[16];
    char hex[33];
    cn_error_t err;
    (void)state;
    assert_string_equal(compat_schema_canonical(a), text);
    compat_schema_digest(a, d);
    cn_md5_hex(d, hex);
    assert_string_equal(hex, "f7aeee08b132b10bfe0df9d3c952d320"); /* md5 of the text above */
    assert_false(compat_schema_equivalent(a, b));
    l = compat_schema_parse_ex(text, strlen(text), &po, COMPAT_PARSE_LENIENT, &err);
    assert_non_null(l);
    assert_string_equal(compat_schema_canonical(l), text);
    assert_null(compat_schema_parse_ex("{\"type\":\"fixed\",\"name\":\"F\\u0000G\",\"size\":1}", 43,
                                       &po, COMPAT_PARSE_LENIENT, &err));
    assert_int_equal(err.code, CN_ERR_INVALID_SCHEMA);
    assert_non_null(strstr(err.msg, "contains U+0000"));
    compat_schema_free(a);
    compat_schema_free(b);
    compat_schema_free(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nul_default),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_lenient),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_report_issues),
        cmocka_unit_test(test_old_schema_truncated),
        cmocka_unit_test(test_digest),
    };
    return cmocka_run_group_tests_name("compat", tests, NULL, NULL);
}
