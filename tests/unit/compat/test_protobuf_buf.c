/* SPDX-License-Identifier: Apache-2.0
 *
 * compat_pb_breaking, the rule categories of `buf breaking`: every case of
 * tests/data/compat/protobuf/buf.rules (original, update, and the exact set of rule IDs of each
 * category: wire, wire-json, package, file), the locations findings carry, the category names,
 * and an identical pair having no finding in any category. buf itself checks the same file in
 * tests/interop/test_buf_breaking.py.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/compat_protobuf.h"

#define MAXKV 16

typedef struct rcase {
    char name[200];
    int line;
    char *key[MAXKV], *val[MAXKV];
    int n;
} rcase_t;

static const char *get(const rcase_t *c, const char *k) {
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->key[i], k) == 0)
            return c->val[i];
    return NULL;
}

static compat_pb_schema_t *parse(const char *text) {
    compat_pb_schema_t *s = NULL;
    cn_error_t err;
    if (compat_pb_parse(text, strlen(text), NULL, 0, &s, &err) != CN_OK)
        fail_msg("parse: %s", err.msg);
    return s;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted set of rule IDs, space separated, "-" for none. */
static void rule_set(const compat_pb_findings_t *f, char *out, size_t cap) {
    const char **v = calloc(f->n + 1, sizeof(*v));
    size_t len = 0;
    assert_non_null(v);
    for (size_t i = 0; i < f->n; i++)
        v[i] = f->v[i].rule;
    qsort(v, f->n, sizeof(*v), cmp_str);
    snprintf(out, cap, "-");
    for (size_t i = 0; i < f->n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "", v[i]);
    free(v);
}

static int run_case(const rcase_t *c) {
    static const char *const cats[] = {"wire", "wire-json", "package", "file"};
    compat_pb_schema_t *o = parse(get(c, "original")), *u = parse(get(c, "update"));
    int failed = 0;
    for (int k = 0; k < 4; k++) {
        compat_pb_rules_t r;
        compat_pb_findings_t f = {0};
        cn_error_t err;
        char got[2048];
        const char *want = get(c, cats[k]);
        assert_true(compat_pb_rules_parse(cats[k], &r));
        assert_int_equal(compat_pb_breaking(o, u, r, &f, &err), CN_OK);
        rule_set(&f, got, sizeof(got));
        if (!want || strcmp(want, got) != 0) {
            print_error("buf.rules:%d %s [%s]: got \"%s\", want \"%s\"\n", c->line, c->name,
                        cats[k], got, want ? want : "(missing)");
            failed++;
        }
        compat_pb_findings_fini(&f);
    }
    compat_pb_schema_free(o);
    compat_pb_schema_free(u);
    return failed;
}

static void case_file(void **state) {
    (void)state;
    size_t len;
    char *text = tu_read_data("compat/protobuf/buf.rules", &len), *save = NULL;
    rcase_t c = {0};
    int failed = 0, cases = 0, lineno = 0;
    assert_non_null(text);
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (strncmp(l, "=== ", 4) == 0) {
            if (c.n) {
                failed += run_case(&c);
                cases++;
            }
            c = (rcase_t){.line = lineno};
            snprintf(c.name, sizeof(c.name), "%s", l + 4);
            continue;
        }
        char *colon = strstr(l, ": ");
        if (l[0] == '#' || !colon || c.n >= MAXKV || !c.line)
            continue;
        *colon = 0;
        c.key[c.n] = l;
        c.val[c.n] = colon + 2;
        if (strcmp(colon + 2, "<<END") == 0) { /* the block up to END, newlines put back */
            char *body = save, *end = strstr(body, "\nEND\n");
            assert_non_null(end);
            *end = 0;
            c.val[c.n] = body;
            for (char *p = body; *p; p++)
                lineno += *p == '\n';
            lineno += 2;
            save = end + 5;
        }
        c.n++;
    }
    if (c.n) {
        failed += run_case(&c);
        cases++;
    }
    free(text);
    assert_true(cases >= 7);
    assert_int_equal(failed, 0);
}

/* buf's locations: a type change at the field, a deletion at the message (new file). */
static void locations(void **state) {
    (void)state;
    compat_pb_schema_t *o = parse("syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n"
                                  "  int32 b = 2;\n}\n"),
                       *u = parse("syntax = \"proto3\";\n\nmessage M {\n    sint32 a = 1;\n}\n");
    compat_pb_findings_t f = {0};
    cn_error_t err;
    assert_int_equal(compat_pb_breaking(o, u, COMPAT_PB_RULES_WIRE, &f, &err), CN_OK);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.v[0].rule, "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED");
    assert_int_equal(f.v[0].line, 3);
    assert_non_null(strstr(f.v[0].message, "field \"2\" with name \"b\" on message \"M\""));
    assert_string_equal(f.v[1].rule, "FIELD_WIRE_COMPATIBLE_TYPE");
    assert_int_equal(f.v[1].line, 4);
    assert_int_equal(f.v[1].col, 5);
    compat_pb_findings_fini(&f);
    /* the same pair, identical: nothing in any category */
    for (int r = COMPAT_PB_RULES_WIRE; r <= COMPAT_PB_RULES_FILE; r++) {
        assert_int_equal(compat_pb_breaking(u, u, (compat_pb_rules_t)r, &f, &err), CN_OK);
        assert_int_equal(f.n, 0);
    }
    compat_pb_schema_free(o);
    compat_pb_schema_free(u);
}

static void names(void **state) {
    (void)state;
    compat_pb_rules_t r;
    assert_true(compat_pb_rules_parse("WIRE_JSON", &r) && r == COMPAT_PB_RULES_WIRE_JSON);
    assert_true(compat_pb_rules_parse("wire-json", &r) && r == COMPAT_PB_RULES_WIRE_JSON);
    assert_true(compat_pb_rules_parse("File", &r) && r == COMPAT_PB_RULES_FILE);
    assert_false(compat_pb_rules_parse("csr", &r));
    assert_false(compat_pb_rules_parse(NULL, &r));
    assert_string_equal(compat_pb_rules_name(COMPAT_PB_RULES_PACKAGE), "PACKAGE");
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(case_file), cmocka_unit_test(locations),
                                       cmocka_unit_test(names)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
