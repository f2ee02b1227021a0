/* SPDX-License-Identifier: Apache-2.0
 *
 * The error table and setters, the hash map, and the file-system helpers.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cn_err.h"
#include "common/cn_fs.h"
#include "common/cn_log.h"
#include "common/cn_map.h"
#include "common/cn_text.h"

static void test_err_table(void **state) {
    cn_error_t err;
    (void)state;
    assert_int_equal(CN_OK, 0);
    assert_string_equal(cn_err_name(CN_ERR_SUBJECT_NOT_FOUND), "SUBJECT_NOT_FOUND");
    assert_int_equal(cn_err_http_status(CN_ERR_SUBJECT_NOT_FOUND), 404);
    assert_int_equal(cn_err_rest_code(CN_ERR_SUBJECT_NOT_FOUND), 40401);
    assert_int_equal(cn_err_rest_code(CN_ERR_INCOMPATIBLE), 409);
    assert_int_equal(cn_err_rest_code(CN_ERR_INVALID_SCHEMA), 42201);
    assert_int_equal(cn_err_kafka_code(CN_ERR_CORRUPT_MESSAGE), 2);
    assert_int_equal(cn_err_kafka_code(CN_ERR_UNSUPPORTED_VERSION), 35);
    assert_int_equal(cn_err_kafka_code(CN_ERR_TRANSACTIONS_UNSUPPORTED), 53);
    assert_int_equal(cn_err_http_status((cn_err_t)9999), 500); /* out of range is INTERNAL */
    for (int c = 0; c < CN_ERR__COUNT; c++) {
        int http = cn_err_http_status((cn_err_t)c), rest = cn_err_rest_code((cn_err_t)c);
        assert_true(http >= 200 && http < 600);
        /* Confluent's family rule: the REST code starts with the HTTP status */
        if (c != CN_OK && rest >= 1000)
            assert_int_equal(rest / (rest >= 10000 ? 100 : 10), http);
    }
    assert_int_equal(cn_error_set(&err, CN_ERR_VERSION_NOT_FOUND, "Version %d not found.", 3),
                     CN_ERR_VERSION_NOT_FOUND);
    assert_string_equal(err.msg, "Version 3 not found.");
    cn_error_prefix(&err, "subject %s", "s");
    assert_string_equal(err.msg, "subject s: Version 3 not found.");
    cn_error_set(&err, CN_ERR_SCHEMA_NOT_FOUND, NULL);
    assert_string_equal(err.msg, "Schema not found");
    assert_int_equal(cn_error_set(NULL, CN_ERR_IO, "x"), CN_ERR_IO);
}

static void test_map_basic_and_growth(void **state) {
    cn_map_t *m = cn_map_new(free);
    cn_map_iter_t it = {0};
    size_t seen = 0;
    void *v;
    (void)state;
    for (int i = 0; i < 5000; i++) {
        char key[32], *val = malloc(16);
        snprintf(key, sizeof(key), "k%d", i);
        snprintf(val, 16, "v%d", i);
        assert_int_equal(cn_map_sput(m, key, val), CN_OK);
    }
    assert_int_equal(cn_map_count(m), 5000);
    assert_string_equal(cn_map_sget(m, "k4321"), "v4321");
    assert_null(cn_map_sget(m, "k5000"));
    assert_int_equal(cn_map_sput(m, "k1", strdup("replaced")), CN_OK);
    assert_string_equal(cn_map_sget(m, "k1"), "replaced");
    assert_true(cn_map_sdel(m, "k2"));
    assert_false(cn_map_sdel(m, "k2"));
    v = cn_map_take(m, "k3", 2);
    assert_string_equal(v, "v3");
    free(v);
    while (cn_map_next(m, &it, NULL, NULL, &v))
        seen++;
    assert_int_equal(seen, 4998);
    assert_int_equal(cn_map_put(m, "a\0b", 3, strdup("bin")), CN_OK);
    assert_null(cn_map_get(m, "a\0c", 3));
    assert_string_equal(cn_map_get(m, "a\0b", 3), "bin");
    cn_map_free(m);
}

static void test_fs_atomic_write_and_read(void **state) {
    char *dir = tu_tmpdir("fs");
    char path[4096], *data;
    size_t len;
    cn_error_t err;
    (void)state;
    snprintf(path, sizeof(path), "%s/a/b/c", dir);
    assert_int_equal(cn_fs_mkdirs(path, 0755, &err), CN_OK);
    assert_int_equal(cn_fs_mkdirs(path, 0755, &err), CN_OK);
    snprintf(path, sizeof(path), "%s/a/b/c/file", dir);
    assert_int_equal(cn_fs_write_atomic(path, "hello", 5, &err), CN_OK);
    assert_int_equal(cn_fs_write_atomic(path, "bye", 3, &err), CN_OK);
    assert_int_equal(cn_fs_read_all(path, 100, &data, &len, &err), CN_OK);
    assert_int_equal(len, 3);
    assert_string_equal(data, "bye");
    free(data);
    assert_int_equal(cn_fs_read_all(path, 2, &data, &len, &err), CN_ERR_TOO_LARGE);
    snprintf(path, sizeof(path), "%s/a/b/c/file.tmp", dir);
    assert_false(cn_fs_exists(path));
    snprintf(path, sizeof(path), "%s/missing", dir);
    assert_int_equal(cn_fs_read_all(path, 2, &data, &len, &err), CN_ERR_NOT_FOUND);
    assert_int_equal(cn_fs_rmtree(dir, &err), CN_OK);
    assert_false(cn_fs_exists(dir));
    free(dir);
}

static void test_log_levels(void **state) {
    cn_log_level_t l;
    cn_log_t lg;
    (void)state;
    assert_true(cn_log_level_parse("WARNING", &l));
    assert_int_equal(l, CN_LOG_WARN);
    assert_false(cn_log_level_parse("loud", &l));
    cn_log_init(&lg, CN_LOG_WARN, 2, "t");
    assert_false(cn_log_enabled(&lg, CN_LOG_INFO));
    assert_true(cn_log_enabled(&lg, CN_LOG_ERROR));
    assert_true(cn_log_enabled(NULL, CN_LOG_INFO));
}

static void test_text_json_depth_and_hex(void **state) {
    static char deep[200001];
    size_t at = 0;
    (void)state;
    memset(deep, '[', sizeof(deep) - 1);
    assert_int_equal(cn_json_depth(deep, sizeof(deep) - 1, 128, &at), 129); /* no recursion */
    assert_int_equal(at, 128);
    assert_int_equal(cn_json_depth("{\"a\":[1,{\"b\":2}]}", 18, 64, NULL), 3);
    assert_int_equal(cn_json_depth("\"[[[\\\"[[\"", 10, 1, NULL), 0); /* brackets in strings */
    assert_int_equal(cn_json_depth("[]]]][", 6, 64, NULL),
                     1); /* stray closers do not go negative */
    assert_int_equal(cn_json_depth("", 0, 0, NULL), 0);
    assert_int_equal(cn_hex_digit('0'), 0);
    assert_int_equal(cn_hex_digit('f'), 15);
    assert_int_equal(cn_hex_digit('F'), 15);
    assert_int_equal(cn_hex_digit('g'), -1);
    assert_int_equal(cn_hex_digit('\0'), -1);
}

static void test_text_percent_decode(void **state) {
    char out[16];
    (void)state;
    assert_int_equal(cn_percent_decode("us%40er:p%3Ass", 14, out, sizeof(out)), 10);
    assert_string_equal(out, "us@er:p:ss");
    assert_int_equal(cn_percent_decode("a%2", 3, out, sizeof(out)), 3); /* cut escape stays */
    assert_string_equal(out, "a%2");
    assert_int_equal(cn_percent_decode("%zz%4", 5, out, sizeof(out)), 5);
    assert_string_equal(out, "%zz%4");
    assert_int_equal(cn_percent_decode("%41%42", 4, out, sizeof(out)), 2); /* len bounds the read */
    assert_string_equal(out, "A%");
    assert_int_equal(cn_percent_decode("abcdef", 6, out, 4), 3); /* cap includes the NUL */
    assert_string_equal(out, "abc");
}

static void test_text_utf8(void **state) {
    char out[8];
    (void)state;
    assert_true(cn_utf8_valid("", 0));
    assert_true(cn_utf8_valid("a\0b", 3)); /* NUL is a character */
    assert_true(cn_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
    assert_true(cn_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
    assert_false(cn_utf8_valid("\xc0\xaf", 2));        /* overlong '/' */
    assert_false(cn_utf8_valid("\xe0\x80\xaf", 3));    /* overlong '/' */
    assert_false(cn_utf8_valid("\xff\xfe", 2));
    assert_false(cn_utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
    assert_false(cn_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(cn_utf8_valid("\xc3", 1));             /* cut short */
    assert_false(cn_utf8_valid("\x80", 1));             /* a lone continuation byte */
    assert_false(cn_utf8_valid("a\xc3\xa9", 2));        /* len bounds the read */
    assert_int_equal(cn_utf8_scrub("a\xff\xc3\xa9"
                                   "b",
                                   out, sizeof(out)),
                     5);
    assert_string_equal(out, "a?\xc3\xa9"
                             "b");
    assert_int_equal(cn_utf8_scrub("\xc0\xaf", out, sizeof(out)), 2);
    assert_string_equal(out, "??");
    assert_int_equal(cn_utf8_scrub("abc\xc3\xa9", out, 5), 3); /* never cuts a character */
    assert_string_equal(out, "abc");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_utf8),
        cmocka_unit_test(test_err_table),
        cmocka_unit_test(test_map_basic_and_growth),
        cmocka_unit_test(test_fs_atomic_write_and_read),
        cmocka_unit_test(test_log_levels),
        cmocka_unit_test(test_text_json_depth_and_hex),
        cmocka_unit_test(test_text_percent_decode),
    };
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
