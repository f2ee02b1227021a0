/* SPDX-License-Identifier: Apache-2.0
 *
 * CRC-32C: the standard check value from both implementations, incremental use, and agreement
 * of hardware and table code on random buffers of every alignment and length.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_crc32c.h"

static void test_crc32c_check_value(void **state) {
    (void)state;
    assert_int_equal(cn_crc32c_sw(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(cn_crc32c(0, "123456789", 9), 0xE3069283u);
    if (cn_crc32c_hw_available())
        assert_int_equal(cn_crc32c_hw(0, "123456789", 9), 0xE3069283u);
}

static void test_crc32c_known_vectors(void **state) {
    unsigned char zeros[32] = {0}, ones[32];
    (void)state;
    memset(ones, 0xff, sizeof(ones));
    /* RFC 3720 (iSCSI) appendix B.4 */
    assert_int_equal(cn_crc32c_sw(0, zeros, 32), 0x8A9136AAu);
    assert_int_equal(cn_crc32c_sw(0, ones, 32), 0x62A8AB43u);
    assert_int_equal(cn_crc32c(0, "", 0), 0u);
}

static void test_crc32c_incremental(void **state) {
    const char *s = "The quick brown fox jumps over the lazy dog";
    size_t n = strlen(s);
    (void)state;
    for (size_t cut = 0; cut <= n; cut++) {
        uint32_t c = cn_crc32c(0, s, cut);
        assert_int_equal(cn_crc32c(c, s + cut, n - cut), cn_crc32c_sw(0, s, n));
    }
}

static void test_crc32c_hw_matches_sw(void **state) {
    unsigned char buf[4096 + 16];
    (void)state;
    if (!cn_crc32c_hw_available())
        skip();
    srand(tu_seed());
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)rand();
    for (size_t off = 0; off < 16; off++)
        for (size_t len = 0; len < 300; len += 7)
            assert_int_equal(cn_crc32c_hw(0, buf + off, len), cn_crc32c_sw(0, buf + off, len));
    assert_int_equal(cn_crc32c_hw(0, buf, 4096), cn_crc32c_sw(0, buf, 4096));
}

/* Buffers long enough for the three-stream path, at odd lengths and offsets. */
static void test_crc32c_long_buffers(void **state) {
    size_t cap = 64 * 1024 + 64;
    unsigned char *buf = malloc(cap);
    unsigned seed = tu_seed();
    (void)state;
    assert_non_null(buf);
    for (size_t i = 0; i < cap; i++)
        buf[i] = (unsigned char)rand_r(&seed);
    for (int t = 0; t < 200; t++) {
        size_t off = (size_t)rand_r(&seed) % 64, len = (size_t)rand_r(&seed) % (cap - 64);
        uint32_t sw = cn_crc32c_sw(0, buf + off, len);
        assert_int_equal(cn_crc32c(0, buf + off, len), sw);
        if (cn_crc32c_hw_available())
            assert_int_equal(cn_crc32c_hw(0, buf + off, len), sw);
    }
    for (size_t len = 3 * 1024 - 8; len <= 3 * 1024 + 8; len++)
        assert_int_equal(cn_crc32c(0, buf, len), cn_crc32c_sw(0, buf, len));
    free(buf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32c_check_value),  cmocka_unit_test(test_crc32c_known_vectors),
        cmocka_unit_test(test_crc32c_incremental),  cmocka_unit_test(test_crc32c_hw_matches_sw),
        cmocka_unit_test(test_crc32c_long_buffers),
    };
    return cmocka_run_group_tests_name("crc32c", tests, NULL, NULL);
}
