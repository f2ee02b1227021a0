/* SPDX-License-Identifier: Apache-2.0
 *
 * The Confluent wire prefix
 * (docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format):
 * 0x00 + big-endian id, strict parse with errors for short buffers, unknown magic bytes (named),
 * the GUID form, negative ids.
 */
#include "tests/support/test_util.h"

#include <string.h>

#include <cairn/serdes.h>

static void test_wire_write_read(void **state) {
    uint8_t buf[8] = {0};
    const void *payload = NULL;
    size_t plen = 0;
    int32_t id = 0;
    cairn_error_t err;
    (void)state;
    cairn_frame_write(buf, 0x01020304);
    buf[5] = 0x54;
    assert_bytes_equal(buf, 6, "\x00\x01\x02\x03\x04\x54", 6);
    assert_int_equal(cairn_frame_read(buf, 6, &id, &payload, &plen, &err), CAIRN_OK);
    assert_int_equal(id, 0x01020304);
    assert_ptr_equal(payload, buf + 5);
    assert_int_equal(plen, 1);
    /* The spec's test vector: id 1, {"amt":42} -> 00 00000001 54. */
    cairn_frame_write(buf, 1);
    assert_bytes_equal(buf, 5, "\x00\x00\x00\x00\x01", 5);
}

static void test_wire_header_only(void **state) {
    const uint8_t b[5] = {0, 0, 0, 0, 7};
    size_t plen = 99;
    int32_t id;
    const void *p;
    (void)state;
    assert_int_equal(cairn_frame_read(b, 5, &id, &p, &plen, NULL), CAIRN_OK);
    assert_int_equal(id, 7);
    assert_int_equal(plen, 0);
}

static void test_wire_short(void **state) {
    const uint8_t b[4] = {0, 0, 0, 1};
    cairn_error_t err;
    int32_t id;
    (void)state;
    for (size_t n = 0; n < 5; n++) {
        assert_int_equal(cairn_frame_read(b, n, &id, NULL, NULL, &err), CAIRN_ERR_SHORT_BUFFER);
        assert_non_null(strstr(err.msg, "shorter than the 5-byte"));
    }
}

static void test_wire_bad_magic(void **state) {
    const uint8_t b[6] = {0x7b, 0, 0, 0, 1, 2};
    cairn_error_t err;
    int32_t id;
    (void)state;
    assert_int_equal(cairn_frame_read(b, 6, &id, NULL, NULL, &err), CAIRN_ERR_BAD_MAGIC);
    assert_non_null(strstr(err.msg, "0x7b"));
    assert_string_equal(cairn_err_name(err.code), "BAD_MAGIC");
}

static void test_wire_guid_and_negative(void **state) {
    uint8_t b[20] = {0x01};
    cairn_error_t err;
    int32_t id;
    (void)state;
    assert_int_equal(cairn_frame_read(b, 20, &id, NULL, NULL, &err), CAIRN_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "0x01"));
    cairn_frame_write(b, -5);
    assert_int_equal(cairn_frame_read(b, 5, &id, NULL, NULL, &err), CAIRN_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "negative"));
}

static void test_format_names(void **state) {
    cairn_format_t f = CAIRN_FORMAT_AVRO;
    (void)state;
    assert_int_equal(cairn_format_parse("protobuf", &f), CAIRN_OK);
    assert_int_equal(f, CAIRN_FORMAT_PROTOBUF);
    assert_int_equal(cairn_format_parse("JSON", &f), CAIRN_OK);
    assert_int_equal(f, CAIRN_FORMAT_JSON);
    assert_int_equal(cairn_format_parse("Avro", &f), CAIRN_OK);
    assert_int_equal(f, CAIRN_FORMAT_AVRO);
    assert_int_equal(cairn_format_parse("xml", &f), CAIRN_ERR_INVALID_ARG);
    assert_int_equal(cairn_format_parse(NULL, &f), CAIRN_ERR_INVALID_ARG);
    assert_int_equal(f, CAIRN_FORMAT_AVRO);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_write_read),
        cmocka_unit_test(test_wire_header_only),
        cmocka_unit_test(test_wire_short),
        cmocka_unit_test(test_wire_bad_magic),
        cmocka_unit_test(test_wire_guid_and_negative),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests_name("serdes_wire", tests, NULL, NULL);
}
