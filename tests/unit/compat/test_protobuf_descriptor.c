/* SPDX-License-Identifier: Apache-2.0
 *
 * Schemas as base64 FileDescriptorProto: the descriptor protoc builds for
 * tests/data/compat/protobuf/shop.proto (shop.desc.b64, made with `protoc --descriptor_set_out`)
 * gives the same canonical text as the .proto text; format=serialized parses back to the same
 * text; damaged descriptors are errors, never crashes. Custom options (options.proto,
 * options.desc.b64 from protoc) travel both ways: protoc's descriptor renders every one,
 * format=serialized carries them, and an option whose extension an import declares too.
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

static const char *const custom_lines[] = {"option (ext.file_tag) = \"t\";",
                                           "option (ext.msg_tag) = 3;",
                                           "(ext.field_tag) = \"n\"",
                                           "(ext.level) = 1,",
                                           "(ext.ratio) = 1.5,",
                                           "(ext.delta) = -3,",
                                           "(ext.big) = 7,",
                                           "(ext.raw) = \"\\001z\",",
                                           "(ext.neg) = -2",
                                           "option (ext.oneof_tag) = 1;",
                                           "option (ext.enum_tag) = true;",
                                           "RED = 0 [(ext.value_tag) = 1];",
                                           "option (ext.svc_tag) = \"s\";",
                                           "option (ext.rpc_tag) = 2;"};

/* protoc's descriptor of options.proto shows every custom option; the .proto text's
 * format=serialized carries them to the same text. */
static void test_custom_options(void **state) {
    size_t tl, dl;
    char *text = tu_read_data("compat/protobuf/options.proto", &tl);
    char *desc = tu_read_data("compat/protobuf/options.desc.b64", &dl);
    cn_error_t err = {0};
    (void)state;
    while (dl && (desc[dl - 1] == '\n'))
        desc[--dl] = 0;
    compat_pb_schema_t *d = parse(desc, dl), *t = parse(text, tl);
    for (size_t i = 0; i < sizeof(custom_lines) / sizeof(custom_lines[0]); i++)
        if (!strstr(compat_pb_canonical(d), custom_lines[i]))
            fail_msg("missing %s in\n%s", custom_lines[i], compat_pb_canonical(d));
    char *ser = compat_pb_serialized(t, &err);
    assert_non_null(ser);
    compat_pb_schema_t *back = parse(ser, strlen(ser));
    assert_string_equal(compat_pb_canonical(back), compat_pb_canonical(d));
    char *ser2 = compat_pb_serialized(back, &err);
    compat_pb_schema_t *again = parse(ser2, strlen(ser2));
    assert_string_equal(compat_pb_canonical(again), compat_pb_canonical(d));
    free(ser);
    free(ser2);
    compat_pb_schema_free(again);
    compat_pb_schema_free(back);
    compat_pb_schema_free(d);
    compat_pb_schema_free(t);
    free(text);
    free(desc);
}

/* An option whose extension an import declares: rendered by name (enum values too); one whose
 * extension nobody declares is left out, without an error. */
static void test_custom_options_import(void **state) {
    static const char opts[] = "syntax = \"proto3\";\npackage o;\n"
                               "import \"google/protobuf/descriptor.proto\";\n"
                               "enum Mode { OFF = 0; ON = 1; }\n"
                               "extend google.protobuf.FieldOptions { Mode mode = 51000; }\n";
    static const char main_text[] = "syntax = \"proto3\";\npackage m;\nimport \"opts.proto\";\n"
                                    "message M { int32 a = 1 [(o.mode) = ON]; }\n";
    compat_pb_schema_t *o = parse(opts, strlen(opts)), *m = NULL, *back = NULL, *bare = NULL;
    compat_pb_import_t imp = {.name = "opts.proto", .subject = "opts", .version = 1, .schema = o};
    cn_error_t err = {0};
    (void)state;
    assert_int_equal(compat_pb_parse(main_text, strlen(main_text), &imp, 1, &m, &err), CN_OK);
    char *ser = compat_pb_serialized(m, &err);
    assert_non_null(ser);
    assert_int_equal(compat_pb_parse(ser, strlen(ser), &imp, 1, &back, &err), CN_OK);
    assert_non_null(strstr(compat_pb_canonical(back), "int32 a = 1 [(o.mode) = ON];"));
    /* the same descriptor read without the import's declaration: the option is left out */
    static const char opts2[] = "syntax = \"proto3\";\npackage o;\nenum Mode { OFF = 0; }\n";
    compat_pb_schema_t *o2 = parse(opts2, strlen(opts2));
    imp.schema = o2;
    assert_int_equal(compat_pb_parse(ser, strlen(ser), &imp, 1, &bare, &err), CN_OK);
    assert_non_null(strstr(compat_pb_canonical(bare), "int32 a = 1;"));
    free(ser);
    compat_pb_schema_free(bare);
    compat_pb_schema_free(o2);
    compat_pb_schema_free(back);
    compat_pb_schema_free(m);
    compat_pb_schema_free(o);
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
        cmocka_unit_test(test_descriptor_same_text),  cmocka_unit_test(test_serialized_round_trip),
        cmocka_unit_test(test_damaged_descriptors),   cmocka_unit_test(test_custom_options),
        cmocka_unit_test(test_custom_options_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
