/* SPDX-License-Identifier: Apache-2.0
 *
 * Hostile .proto input gets an error or a bounded answer, never a crash: a 10 MB file, 100,000
 * fields (and enum values, and oneof members) through parse, print and diff, invalid UTF-8 and
 * NUL bytes with their position, deep nesting of messages and option values, a long import
 * chain, and randomly damaged copies of valid schemas (seeded; run under ASan by make asan).
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cn_buf.h"
#include "compat/protobuf/compat_protobuf.h"

static compat_pb_schema_t *parse_ok(const char *text, size_t len) {
    compat_pb_schema_t *s = NULL;
    cn_error_t err = {0};
    if (compat_pb_parse(text, len, NULL, 0, &s, &err) != CN_OK)
        fail_msg("parse: %s", err.msg);
    return s;
}

static cn_error_t parse_err(const char *text, size_t len) {
    compat_pb_schema_t *s = NULL;
    cn_error_t err = {0};
    assert_int_not_equal(compat_pb_parse(text, len, NULL, 0, &s, &err), CN_OK);
    assert_null(s);
    return err;
}

/* A message of n fields (kind 0), an enum of n values (1), a oneof of n members (2). */
static char *big(size_t n, int kind, const char *extra) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_str(&b, kind == 1 ? "syntax = \"proto3\";\nenum E {\n"
                                 : "syntax = \"proto3\";\nmessage M {\n");
    if (kind == 2)
        cn_buf_put_str(&b, "oneof o {\n");
    for (size_t i = 0; i < n; i++) {
        if (kind == 1)
            cn_buf_printf(&b, "  V%zu = %zu;\n", i, i);
        else
            cn_buf_printf(&b, "  int64 field_number_%zu = %zu;\n", i, i + 1);
    }
    cn_buf_put_str(&b, kind == 2 ? "}\n" : "");
    cn_buf_put_str(&b, extra);
    cn_buf_put_str(&b, "}\n");
    assert_non_null(cn_buf_cstr(&b));
    return (char *)cn_buf_steal(&b, NULL);
}

static void diff_count(const compat_pb_schema_t *a, const compat_pb_schema_t *b, size_t want) {
    compat_pb_diffs_t d = {0};
    cn_error_t err = {0};
    assert_int_equal(compat_pb_compare(a, b, &d, &err), CN_OK);
    assert_int_equal(d.n, want);
    compat_pb_diffs_fini(&d);
}

static void test_hundred_thousand(void **state) {
    (void)state;
    for (int kind = 0; kind < 3; kind++) {
        time_t t0 = time(NULL);
        char *a = big(100000, kind, ""),
             *b = big(100000, kind, kind == 1 ? "  W = 100000;\n" : "  int32 extra = 100001;\n");
        compat_pb_schema_t *sa = parse_ok(a, strlen(a)), *sb = parse_ok(b, strlen(b));
        assert_true(strlen(compat_pb_canonical(sa)) > 100000 * 10);
        diff_count(sa, sb, 1);
        diff_count(sb, sa, 1);
        compat_pb_schema_free(sa);
        compat_pb_schema_free(sb);
        free(a);
        free(b);
        assert_true(time(NULL) - t0 < 60);
    }
}

static void test_ten_megabytes(void **state) {
    (void)state;
    char *a = big(300000, 0, "");
    size_t len = strlen(a);
    assert_true(len > 10 * 1000 * 1000);
    compat_pb_schema_t *s = parse_ok(a, len);
    compat_pb_schema_free(s);
    free(a);
}

static void test_bad_bytes(void **state) {
    (void)state;
    cn_error_t e = parse_err("syntax = \"proto3\";\nmessage \xff {}\n", 30);
    assert_non_null(strstr(e.msg, "line 2:9: invalid UTF-8"));
    e = parse_err("message A {}\n\xc0\x80", 15);
    assert_non_null(strstr(e.msg, "line 2:1"));
    e = parse_err("message A {\0}", 13);
    assert_non_null(strstr(e.msg, "line 1:12"));
    e = parse_err("message A { optional string s = 1 [default = \"\xed\xa0\x80\"]; }", 53);
    assert_non_null(strstr(e.msg, "invalid UTF-8"));
    e = parse_err("option a = 'never closed", 24);
    assert_non_null(strstr(e.msg, "unterminated string"));
    e = parse_err("message A {} /*", 15);
    assert_non_null(strstr(e.msg, "unterminated comment"));
}

static void test_deep(void **state) {
    (void)state;
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_str(&b, "option (x) = ");
    for (int i = 0; i < 100000; i++)
        cn_buf_put_str(&b, "{a:");
    cn_error_t e = parse_err(cn_buf_cstr(&b), b.len);
    assert_int_equal(e.code, CN_ERR_TOO_DEEP);
    cn_buf_reset(&b);
    for (int i = 0; i < 100000; i++)
        cn_buf_put_str(&b, "message M {");
    e = parse_err(cn_buf_cstr(&b), b.len);
    assert_int_equal(e.code, CN_ERR_TOO_DEEP);
    cn_buf_fini(&b);
}

/* s0 <- s1 <- ... : each imports the previous one; the chain is bounded. */
static void test_import_chain(void **state) {
    (void)state;
    compat_pb_schema_t *prev = parse_ok("syntax = \"proto3\";\nmessage M0 {}\n", 33);
    cn_error_t err = {0};
    int i;
    for (i = 1; i < 100; i++) {
        char text[200], name[32];
        snprintf(name, sizeof(name), "s%d.proto", i - 1);
        snprintf(text, sizeof(text),
                 "syntax = \"proto3\";\nimport \"%s\";\nmessage M%d { M%d p = 1; }\n", name, i,
                 i - 1);
        compat_pb_import_t imp = {name, name, 1, prev};
        compat_pb_schema_t *s = NULL;
        cn_err_t rc = compat_pb_parse(text, strlen(text), &imp, 1, &s, &err);
        compat_pb_schema_free(prev);
        prev = s;
        if (rc != CN_OK)
            break;
    }
    assert_true(i < 100);
    assert_int_equal(err.code, CN_ERR_TOO_DEEP);
}

static const char *seeds[] = {
    "syntax = \"proto3\";\npackage a.b;\nimport \"google/protobuf/timestamp.proto\";\n"
    "option (x).y = { a: [1, 2] b { c: 'x' } };\nmessage M { map<string, N> m = 1; oneof o { "
    "int32 a = 2; } reserved 5 to max, \"q\"; message N { repeated google.protobuf.Timestamp t "
    "= 1 [deprecated = true]; } enum E { option allow_alias = true; Z = 0; Y = 0; } }\nservice S { "
    "rpc R (stream M) returns (M.N) { option deprecated = true; } }\n",
    "syntax = \"proto2\";\nmessage G { optional group R = 1 { required string u = 2; } "
    "extensions 100 to 200; }\nextend G { optional int32 x = 100 [default = -0x10]; }\n",
};

static void test_damaged(void **state) {
    (void)state;
    unsigned seed = tu_seed();
    srand(seed);
    for (size_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
        compat_pb_schema_free(parse_ok(seeds[k], strlen(seeds[k])));
        for (int round = 0; round < 3000; round++) {
            size_t len = strlen(seeds[k]);
            char *t = malloc(len + 1);
            memcpy(t, seeds[k], len + 1);
            for (int m = 0; m < 1 + rand() % 4 && len > 0; m++) {
                size_t at = (size_t)rand() % len;
                int op = rand() % 3;
                if (op == 0)
                    t[at] = (char)(rand() % 256);
                else if (op == 1)
                    len = at;
                else
                    t[at] = "{}[]<>;=\"'/*.-"[rand() % 14];
            }
            compat_pb_schema_t *s = NULL;
            cn_error_t err = {0};
            if (compat_pb_parse(t, len, NULL, 0, &s, &err) == CN_OK) {
                compat_pb_diffs_t d = {0};
                assert_int_equal(compat_pb_compare(s, s, &d, &err), CN_OK);
                assert_int_equal(d.n, 0);
                compat_pb_schema_free(s);
            } else {
                assert_true(err.msg[0] != '\0');
            }
            free(t);
        }
    }
}

/* A lattice of imports: each layer's two files import both files of the layer below. Copies
 * are shared within a schema, so 2^20 paths cost 40 files, and freeing frees each once. */
static void test_import_lattice(void **state) {
    enum { LAYERS = 20 };
    compat_pb_schema_t *layer[LAYERS][2] = {{0}};
    char names[LAYERS][2][32];
    cn_error_t err = {0};
    (void)state;
    for (int k = 0; k < LAYERS; k++)
        for (int j = 0; j < 2; j++) {
            char text[512];
            compat_pb_import_t imps[2];
            size_t n = 0;
            snprintf(names[k][j], sizeof(names[k][j]), "l%d_%d.proto", k, j);
            if (k == 0) {
                snprintf(text, sizeof(text), "syntax = \"proto3\";\npackage p;\nmessage L0_%d {}\n",
                         j);
            } else {
                snprintf(text, sizeof(text),
                         "syntax = \"proto3\";\npackage p;\nimport \"%s\";\nimport \"%s\";\n"
                         "message L%d_%d { L%d_0 a = 1; L%d_1 b = 2; }\n",
                         names[k - 1][0], names[k - 1][1], k, j, k - 1, k - 1);
                for (int i = 0; i < 2; i++)
                    imps[n++] =
                        (compat_pb_import_t){names[k - 1][i], names[k - 1][i], 1, layer[k - 1][i]};
            }
            if (compat_pb_parse(text, strlen(text), imps, n, &layer[k][j], &err) != CN_OK)
                fail_msg("layer %d: %s", k, err.msg);
        }
    compat_pb_diffs_t d = {0};
    assert_int_equal(compat_pb_compare(layer[LAYERS - 1][0], layer[LAYERS - 1][1], &d, &err),
                     CN_OK);
    assert_int_equal(d.n, 2); /* L19_0 removed, L19_1 added */
    compat_pb_diffs_fini(&d);
    for (int k = 0; k < LAYERS; k++)
        for (int j = 0; j < 2; j++)
            compat_pb_schema_free(layer[k][j]);
}

/* A stored schema (replay) is read leniently: only names must resolve. */
static void test_lenient(void **state) {
    static const char text[] =
        "syntax = \"proto3\";\nenum E { ONE = 1; }\n"
        "message M { required int32 a = 1; int64 b = 1 [default = \"x\"]; }\n";
    compat_pb_schema_t *s = NULL;
    cn_error_t err = {0};
    (void)state;
    assert_int_not_equal(compat_pb_parse(text, sizeof(text) - 1, NULL, 0, &s, &err), CN_OK);
    assert_int_equal(
        compat_pb_parse_ex(text, sizeof(text) - 1, NULL, 0, COMPAT_PB_LENIENT, &s, &err), CN_OK);
    compat_pb_schema_free(s);
    static const char unresolved[] = "syntax = \"proto3\";\nmessage M { Nope n = 1; }\n";
    assert_int_not_equal(compat_pb_parse_ex(unresolved, sizeof(unresolved) - 1, NULL, 0,
                                            COMPAT_PB_LENIENT, &s, &err),
                         CN_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hundred_thousand), cmocka_unit_test(test_ten_megabytes),
        cmocka_unit_test(test_bad_bytes),        cmocka_unit_test(test_deep),
        cmocka_unit_test(test_import_chain),     cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_lenient),          cmocka_unit_test(test_import_lattice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
