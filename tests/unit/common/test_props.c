/* SPDX-License-Identifier: Apache-2.0
 *
 * Properties files as java.util.Properties reads them: separators, comments, escapes, unicode,
 * continuation lines, CRLF; typed getters; environment overrides with Confluent's naming.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_props.h"

static cn_props_t *parse(const char *text) {
    cn_props_t *p = cn_props_new();
    cn_error_t err;
    assert_non_null(p);
    if (cn_props_parse(p, text, strlen(text), &err) != CN_OK)
        fail_msg("parse: %s", err.msg);
    return p;
}

static void test_props_separators_and_comments(void **state) {
    cn_props_t *p = parse("# comment\n! also comment\n  a=1\nb : 2\nc 3\nd\t=\t 4 \n\n"
                          "e=\nf\n listeners = http://0.0.0.0:8081\n");
    (void)state;
    assert_string_equal(cn_props_get(p, "a"), "1");
    assert_string_equal(cn_props_get(p, "b"), "2");
    assert_string_equal(cn_props_get(p, "c"), "3");
    assert_string_equal(cn_props_get(p, "d"), "4 "); /* trailing blanks belong to the value */
    assert_string_equal(cn_props_get(p, "e"), "");
    assert_string_equal(cn_props_get(p, "f"), "");
    assert_string_equal(cn_props_get(p, "listeners"), "http://0.0.0.0:8081");
    assert_null(cn_props_get(p, "# comment"));
    assert_int_equal(cn_props_count(p), 7);
    cn_props_free(p);
}

static void test_props_escapes(void **state) {
    cn_props_t *p = parse("key\\ with\\=sep=v\\tal\\nue\\\\\nu=\\u00e9\\u20AC\nx=a\\:b#c\n");
    (void)state;
    assert_string_equal(cn_props_get(p, "key with=sep"), "v\tal\nue\\");
    assert_string_equal(cn_props_get(p, "u"), "\xc3\xa9\xe2\x82\xac");
    assert_string_equal(cn_props_get(p, "x"), "a:b#c");
    cn_props_free(p);
}

static void test_props_continuation(void **state) {
    cn_props_t *p = parse("fruits = apple, banana, \\\r\n       pear, \\\n  plum\nnext=1\r\n"
                          "even=ends\\\\\nlast=x\\");
    (void)state;
    assert_string_equal(cn_props_get(p, "fruits"), "apple, banana, pear, plum");
    assert_string_equal(cn_props_get(p, "next"), "1");
    assert_string_equal(cn_props_get(p, "even"), "ends\\");
    assert_string_equal(cn_props_get(p, "last"), "x");
    cn_props_free(p);
}

static void test_props_bad_unicode_escape(void **state) {
    cn_props_t *p = cn_props_new();
    cn_error_t err;
    (void)state;
    assert_int_equal(cn_props_parse(p, "a=1\nb=\\u12", 11, &err), CN_ERR_PARSE);
    assert_non_null(strstr(err.msg, "line 2"));
    cn_props_free(p);
}

static void test_props_later_wins_and_getters(void **state) {
    cn_props_t *p = parse("n=1\nn=42\nflag=TRUE\nbad=12x\nneg=-5\n");
    int64_t v;
    bool b;
    cn_error_t err;
    (void)state;
    assert_int_equal(cn_props_get_i64(p, "n", 0, 0, 100, &v, &err), CN_OK);
    assert_int_equal(v, 42);
    assert_int_equal(cn_props_get_i64(p, "missing", 7, 0, 100, &v, &err), CN_OK);
    assert_int_equal(v, 7);
    assert_int_equal(cn_props_get_i64(p, "bad", 0, 0, 100, &v, &err), CN_ERR_INVALID_CONFIG);
    assert_non_null(strstr(err.msg, "bad"));
    assert_int_equal(cn_props_get_i64(p, "neg", 0, 0, 100, &v, &err), CN_ERR_INVALID_CONFIG);
    assert_int_equal(cn_props_get_bool(p, "flag", false, &b, &err), CN_OK);
    assert_true(b);
    assert_int_equal(cn_props_get_bool(p, "n", false, &b, &err), CN_ERR_INVALID_CONFIG);
    assert_string_equal(cn_props_get_str(p, "nope", "dflt"), "dflt");
    cn_props_free(p);
}

static void test_props_env_overrides(void **state) {
    char *envp[] = {"CAIRN_KAFKASTORE_BOOTSTRAP_SERVERS=localhost:9092",
                    "CAIRN_SCHEMA_COMPATIBILITY_LEVEL=full",
                    "CAIRN_A__B___C=x",
                    "OTHER_X=1",
                    "CAIRN_=empty",
                    "CAIRN_NOEQUALS",
                    NULL};
    cn_props_t *p = parse("kafkastore.bootstrap.servers=old:1\n");
    (void)state;
    assert_int_equal(cn_props_apply_env(p, "CAIRN_", envp), CN_OK);
    assert_string_equal(cn_props_get(p, "kafkastore.bootstrap.servers"), "localhost:9092");
    assert_string_equal(cn_props_get(p, "schema.compatibility.level"), "full");
    assert_string_equal(cn_props_get(p, "a_b-c"), "x");
    assert_int_equal(cn_props_count(p), 3);
    cn_props_free(p);
}

static void test_props_parse_i64_strict(void **state) {
    int64_t v;
    (void)state;
    assert_true(cn_parse_i64("9223372036854775807", &v));
    assert_false(cn_parse_i64("9223372036854775808", &v));
    assert_false(cn_parse_i64("", &v));
    assert_false(cn_parse_i64(" 1", &v));
    assert_false(cn_parse_i64("1 ", &v));
    assert_true(cn_parse_i64("-12", &v));
    assert_int_equal(v, -12);
}

static void test_props_parse_listener(void **state) {
    char host[64];
    int port = -1;
    cn_error_t err;
    (void)state;
    assert_int_equal(cn_parse_listener("127.0.0.1:8081", host, sizeof(host), &port, &err), CN_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 8081);
    assert_int_equal(
        cn_parse_listener("http://localhost:9,http://x:10", host, sizeof(host), &port, &err),
        CN_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 9);
    assert_int_equal(cn_parse_listener("PLAINTEXT://:9092", host, sizeof(host), &port, &err),
                     CN_OK);
    assert_string_equal(host, "0.0.0.0");
    assert_int_equal(cn_parse_listener("[::1]:0", host, sizeof(host), &port, &err), CN_OK);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 0);
    assert_int_equal(cn_parse_listener("nohost", host, sizeof(host), &port, &err),
                     CN_ERR_INVALID_CONFIG);
    assert_int_equal(cn_parse_listener("h:65536", host, sizeof(host), &port, &err),
                     CN_ERR_INVALID_CONFIG);
    assert_int_equal(cn_parse_listener("h:", host, sizeof(host), &port, &err),
                     CN_ERR_INVALID_CONFIG);
    assert_int_equal(cn_parse_listener("h:1,2:3", host, sizeof(host), &port, &err), CN_OK);
    assert_int_equal(port, 1);
    assert_int_equal(cn_parse_listener("a:b:7", host, 2, &port, &err), CN_ERR_INVALID_CONFIG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_props_separators_and_comments),
        cmocka_unit_test(test_props_escapes),
        cmocka_unit_test(test_props_continuation),
        cmocka_unit_test(test_props_bad_unicode_escape),
        cmocka_unit_test(test_props_later_wins_and_getters),
        cmocka_unit_test(test_props_env_overrides),
        cmocka_unit_test(test_props_parse_i64_strict),
        cmocka_unit_test(test_props_parse_listener),
    };
    return cmocka_run_group_tests_name("props", tests, NULL, NULL);
}
