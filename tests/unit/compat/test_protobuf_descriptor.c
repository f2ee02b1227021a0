/* SPDX-License-Identifier: Apache-2.0
 *
 * Schemas as base64 FileDescriptorProto: the descriptor protoc builds for
 * tests/data/compat/protobuf/shop.proto (shop.desc.b64, made with `protoc --descriptor_set_out`)
 * gives the same canonical text as the .proto text; format=serialized parses back to the same
 * text; damaged descriptors are errors, never crashes.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/compat_protobuf.h"

static compat_pb_schema_t *parse(const char *text, size_t len) {
    compat_pb_schema_t *s = NULL;
    cn_error_t err = {0};
    if (compat_pb_parse(text, len, NULL, 0, &s, &err) != CN_OK)
        fail_msg("parse: %s", err.msg);
    return s;
}

static void test_descriptor_same_text(void **state) {
    size_t tl, dl;
    char *text = tu_read_data("compat/protobuf/shop.proto", &tl);
    char *desc = tu_read_data("compat/protobuf/shop.desc.b64", &dl);
    (void)state;
    compat_pb_schema_t *a = parse(text, tl), *b = parse(desc, dl);
    assert_string_equal(compat_pb_canonical(a), compat_pb_canonical(b));
    cn_error_t err = {0};
    assert_string_equal(compat_pb_normalized(a, &err), compat_pb_normalized(b, &err));
    assert_non_null(strstr(compat_pb_canonical(b), "map<string, Line> lines = 2;"));
    assert_non_null(strstr(compat_pb_canonical(b), "optional int64 cents = 4;"));
    compat_pb_schema_free(a);
    compat_pb_schema_free(b);
    free(text);
    free(desc);
}

static void test_serialized_round_trip(void **state) {
    size_t tl;
    char *text = tu_read_data("compat/protobuf/shop.proto", &tl);
    cn_error_t err = {0};
    (void)state;
    compat_pb_schema_t *a = parse(text, tl);
    char *ser = compat_pb_serialized(a, &err);
    assert_non_null(ser);
    compat_pb_schema_t *b = parse(ser, strlen(ser));
    assert_string_equal(compat_pb_canonical(a), compat_pb_canonical(b));
    char *ser2 = compat_pb_serialized(b, &err);
    assert_string_equal(ser, ser2);
    free(ser);
    free(ser2);
    compat_pb_schema_free(a);
    compat_pb_schema_free(b);
    free(text);
}

static void test_damaged_descriptors(void **state) {
    size_t dl;
    char *desc = tu_read_data("compat/protobuf/shop.desc.b64", &dl);
    unsigned seed = tu_seed();
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (void)state;
    srand(seed);
    while (dl && (desc[dl - 1] == '\n' || desc[dl - 1] == '='))
        dl--;
    for (int round = 0; round < 2000; round++) {
        char *t = malloc(dl + 4);
        size_t n = dl;
        memcpy(t, desc, dl);
        for (int m = 0; m < 1 + rand() % 3; m++)
            t[(size_t)rand() % n] = al[rand() % 64];
        if (rand() % 4 == 0)
            n = (size_t)rand() % n;
        n -= n % 4; /* keep it base64 so the descriptor path is taken */
        if (n == 0) {
            free(t);
            continue;
        }
        compat_pb_schema_t *s = NULL;
        cn_error_t err = {0};
        if (compat_pb_parse(t, n, NULL, 0, &s, &err) == CN_OK) {
            char *ser = compat_pb_serialized(s, &err);
            assert_non_null(ser);
            free(ser);
            compat_pb_schema_free(s);
        } else {
            assert_true(err.msg[0] != '\0');
        }
        free(t);
    }
    compat_pb_schema_t *s = NULL;
    cn_error_t err = {0};
    assert_int_not_equal(compat_pb_parse("AAAA", 4, NULL, 0, &s, &err), CN_OK);
    free(desc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor_same_text),
        cmocka_unit_test(test_serialized_round_trip),
        cmocka_unit_test(test_damaged_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
