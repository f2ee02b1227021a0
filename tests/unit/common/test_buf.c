/* SPDX-License-Identifier: Apache-2.0
 *
 * Byte buffers and the read cursor: big-endian round trips, varint and zigzag edge cases
 * (limits, overlong and truncated encodings), the buffer limit, and sticky read errors.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"

static void test_buf_be_roundtrip(void **state) {
    cn_buf_t buf;
    cn_rd_t rd;
    (void)state;
    cn_buf_init(&buf, CN_BUF_NO_LIMIT);
    assert_int_equal(cn_buf_put_u8(&buf, 0xab), CN_OK);
    assert_int_equal(cn_buf_put_be16(&buf, 0x1234), CN_OK);
    assert_int_equal(cn_buf_put_be32(&buf, 0xdeadbeef), CN_OK);
    assert_int_equal(cn_buf_put_be64(&buf, 0x0102030405060708ULL), CN_OK);
    assert_int_equal(buf.len, 15);
    assert_int_equal(buf.data[1], 0x12);
    assert_int_equal(buf.data[3], 0xde);
    cn_rd_init(&rd, buf.data, buf.len);
    assert_int_equal(cn_rd_u8(&rd), 0xab);
    assert_int_equal(cn_rd_be16(&rd), 0x1234);
    assert_int_equal(cn_rd_be32(&rd), 0xdeadbeef);
    assert_true(cn_rd_be64(&rd) == 0x0102030405060708ULL);
    assert_true(cn_rd_ok(&rd));
    assert_int_equal(cn_rd_left(&rd), 0);
    assert_int_equal(cn_rd_u8(&rd), 0);
    assert_false(cn_rd_ok(&rd));
    cn_buf_fini(&buf);
}

static void test_buf_varint_edges(void **state) {
    const int64_t vals[] = {0, 1, -1, 63, -64, 64, -65, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN};
    cn_buf_t buf;
    (void)state;
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        cn_rd_t rd;
        cn_buf_init(&buf, CN_BUF_NO_LIMIT);
        assert_int_equal(cn_buf_put_varint(&buf, vals[i]), CN_OK);
        assert_int_equal(buf.len, cn_uvarint_size(cn_zigzag_encode(vals[i])));
        cn_rd_init(&rd, buf.data, buf.len);
        assert_true(cn_rd_varint(&rd) == vals[i]);
        assert_true(cn_rd_ok(&rd));
        cn_buf_fini(&buf);
    }
    assert_int_equal(cn_zigzag_encode(-1), 1);
    assert_int_equal(cn_zigzag_encode(1), 2);
    assert_true(cn_zigzag_encode(INT64_MIN) == UINT64_MAX);
    assert_int_equal(cn_uvarint_size(UINT64_MAX), 10);
    assert_int_equal(cn_uvarint_size(127), 1);
    assert_int_equal(cn_uvarint_size(128), 2);
}

static void test_buf_varint_malformed(void **state) {
    const uint8_t truncated[] = {0x80, 0x80};
    const uint8_t overlong[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    const uint8_t max64[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    const uint8_t big32[] = {0x80, 0x80, 0x80, 0x80, 0x10}; /* zigzag 2^32 -> 2^31 */
    cn_rd_t rd;
    (void)state;
    cn_rd_init(&rd, truncated, sizeof(truncated));
    cn_rd_uvarint(&rd);
    assert_false(cn_rd_ok(&rd));
    cn_rd_init(&rd, overlong, sizeof(overlong));
    cn_rd_uvarint(&rd);
    assert_false(cn_rd_ok(&rd));
    cn_rd_init(&rd, eleven, sizeof(eleven));
    cn_rd_uvarint(&rd);
    assert_false(cn_rd_ok(&rd));
    cn_rd_init(&rd, max64, sizeof(max64));
    assert_true(cn_rd_uvarint(&rd) == UINT64_MAX);
    assert_true(cn_rd_ok(&rd));
    cn_rd_init(&rd, big32, sizeof(big32));
    cn_rd_varint32(&rd);
    assert_false(cn_rd_ok(&rd));
}

static void test_buf_limit(void **state) {
    cn_buf_t buf;
    (void)state;
    cn_buf_init(&buf, 8);
    assert_int_equal(cn_buf_put(&buf, "12345678", 8), CN_OK);
    assert_int_equal(cn_buf_put_u8(&buf, 'x'), CN_ERR_TOO_LARGE);
    assert_true(buf.failed);
    assert_int_equal(cn_buf_put(&buf, "", 0), CN_ERR_TOO_LARGE); /* sticky */
    assert_int_equal(buf.len, 8);
    cn_buf_fini(&buf);
}

static void test_buf_printf_and_steal(void **state) {
    cn_buf_t buf;
    size_t len;
    char *s;
    (void)state;
    cn_buf_init(&buf, CN_BUF_NO_LIMIT);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(cn_buf_printf(&buf, "%d,", i), CN_OK);
    assert_string_equal(cn_buf_cstr(&buf) + buf.len - 4, "999,");
    cn_buf_patch_be32(&buf, 0, 0x41424344);
    s = (char *)cn_buf_steal(&buf, &len);
    assert_memory_equal(s, "ABCD", 4);
    assert_null(buf.data);
    assert_int_equal(len, 3890);
    free(s);
    cn_buf_fini(&buf);
}

static void test_buf_take_bounds(void **state) {
    const uint8_t data[5] = {1, 2, 3, 4, 5};
    cn_rd_t rd;
    (void)state;
    cn_rd_init(&rd, data, sizeof(data));
    assert_non_null(cn_rd_take(&rd, 5));
    assert_null(cn_rd_take(&rd, 1));
    cn_rd_init(&rd, data, sizeof(data));
    assert_null(cn_rd_take(&rd, SIZE_MAX)); /* no overflow in the bounds check */
    assert_int_equal(cn_rd_left(&rd), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_be_roundtrip),     cmocka_unit_test(test_buf_varint_edges),
        cmocka_unit_test(test_buf_varint_malformed), cmocka_unit_test(test_buf_limit),
        cmocka_unit_test(test_buf_printf_and_steal), cmocka_unit_test(test_buf_take_bounds),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
