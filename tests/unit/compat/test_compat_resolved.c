/* SPDX-License-Identifier: Apache-2.0
 *
 * format=resolved (compat_schema_resolved_text; GET /schemas/ids/{id}?format=resolved) and the
 * canonical text of schemas with references: a schema that references another subject's schema,
 * which itself references a third, with the same imported types used several times. The resolved
 * text writes each named type once, in full at its first use, then by name; it parses without
 * references to an equivalent schema whose own texts are the resolved text again.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"

#define MONEY                                                                                      \
    "{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"fin\",\"fields\":[{\"name\":"         \
    "\"cur\",\"type\":{\"type\":\"enum\",\"name\":\"Currency\",\"symbols\":[\"EUR\",\"USD\"]}},"   \
    "{\"name\":\"amt\",\"type\":\"long\"}]}"
#define LINE                                                                                       \
    "{\"type\":\"record\",\"name\":\"Line\",\"namespace\":\"shop\",\"fields\":[{\"name\":"         \
    "\"price\",\"type\":\"fin.Money\"},{\"name\":\"tax\",\"type\":\"fin.Money\"}]}"
#define ORDER                                                                                      \
    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":"        \
    "\"lines\",\"type\":{\"type\":\"array\",\"items\":\"Line\"}},{\"name\":\"total\",\"type\":"    \
    "\"fin.Money\"},{\"name\":\"cur\",\"type\":\"fin.Currency\"}]}"

typedef struct deps {
    compat_schema_t *money, *line;
} deps_t;

static cn_err_t resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                        cn_error_t *err) {
    deps_t *d = arg;
    if (strcmp(ref->subject, "money") == 0)
        *out = d->money;
    else if (strcmp(ref->subject, "line") == 0)
        *out = d->line;
    else
        return cn_error_set(err, CN_ERR_SCHEMA_NOT_FOUND, "no %s", ref->subject);
    return CN_OK;
}

static compat_schema_t *parse_refs(const char *text, const compat_ref_t *refs, size_t n,
                                   deps_t *d) {
    compat_parse_opts_t po = {COMPAT_AVRO, refs, n, resolve, d, false};
    cn_error_t err;
    compat_schema_t *s = compat_schema_parse(text, strlen(text), &po, &err);
    if (!s)
        fail_msg("parse: %s", err.msg);
    return s;
}

static void deps_init(deps_t *d) {
    static const compat_ref_t money_ref = {"fin.Money", "money", 1};
    d->money = parse_refs(MONEY, NULL, 0, d);
    d->line = parse_refs(LINE, &money_ref, 1, d);
}

static void deps_fini(deps_t *d) {
    compat_schema_free(d->line);
    compat_schema_free(d->money);
}

/* Parse text without references and check it prints as itself, canonical and resolved. */
static compat_schema_t *reparse_fixpoint(const char *text) {
    compat_schema_t *s = parse_refs(text, NULL, 0, NULL);
    char *again = compat_schema_resolved_text(s, NULL);
    assert_string_equal(compat_schema_canonical(s), text);
    assert_string_equal(again, text);
    free(again);
    return s;
}

#define ORDER_CANONICAL                                                                            \
    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":"        \
    "\"lines\",\"type\":{\"type\":\"array\",\"items\":\"Line\"}},{\"name\":\"total\",\"type\":"    \
    "\"fin.Money\"},{\"name\":\"cur\",\"type\":{\"type\":\"enum\",\"name\":\"Currency\","          \
    "\"namespace\":\"fin\",\"symbols\":[\"EUR\",\"USD\"]}}]}"

/* The canonical text names the roots of the references (Line, and Money through Line) and
 * inlines Currency, nested in Money, at its first use; it parses back with the references. */
static void check_canonical(const compat_schema_t *order, const compat_ref_t *refs, size_t n,
                            deps_t *d) {
    compat_schema_t *again;
    assert_string_equal(compat_schema_canonical(order), ORDER_CANONICAL);
    again = parse_refs(ORDER_CANONICAL, refs, n, d);
    assert_string_equal(compat_schema_canonical(again), ORDER_CANONICAL);
    assert_true(compat_schema_equivalent(order, again));
    compat_schema_free(again);
}

static void test_nested_and_repeated(void **state) {
    static const compat_ref_t refs[] = {{"shop.Line", "line", 1}};
    deps_t d;
    compat_schema_t *order, *flat;
    char *text;
    (void)state;
    deps_init(&d);
    order = parse_refs(ORDER, refs, 1, &d);
    text = compat_schema_resolved_text(order, NULL);
    assert_non_null(text);
    assert_string_equal(
        text,
        "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":"
        "\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":"
        "\"Line\",\"fields\":[{\"name\":\"price\",\"type\":{\"type\":\"record\",\"name\":"
        "\"Money\",\"namespace\":\"fin\",\"fields\":[{\"name\":\"cur\",\"type\":{\"type\":"
        "\"enum\",\"name\":\"Currency\",\"symbols\":[\"EUR\",\"USD\"]}},{\"name\":\"amt\","
        "\"type\":\"long\"}]}},{\"name\":\"tax\",\"type\":\"fin.Money\"}]}}},{\"name\":"
        "\"total\",\"type\":\"fin.Money\"},{\"name\":\"cur\",\"type\":\"fin.Currency\"}]}");
    flat = reparse_fixpoint(text);
    assert_true(compat_schema_equivalent(order, flat));
    assert_true(compat_schema_equivalent(flat, order));
    check_canonical(order, refs, 1, &d);
    free(text);
    compat_schema_free(flat);
    /* a schema without references resolves to its canonical text */
    text = compat_schema_resolved_text(d.money, NULL);
    assert_string_equal(text, compat_schema_canonical(d.money));
    free(text);
    compat_schema_free(order);
    deps_fini(&d);
}

/* The reference itself resolved: Line with Money inlined once, the second use by name. */
static void test_direct_reference(void **state) {
    deps_t d;
    compat_schema_t *flat;
    char *text;
    (void)state;
    deps_init(&d);
    text = compat_schema_resolved_text(d.line, NULL);
    assert_string_equal(
        text, "{\"type\":\"record\",\"name\":\"Line\",\"namespace\":\"shop\",\"fields\":[{\"name\":"
              "\"price\",\"type\":{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"fin\","
              "\"fields\":[{\"name\":\"cur\",\"type\":{\"type\":\"enum\",\"name\":\"Currency\","
              "\"symbols\":[\"EUR\",\"USD\"]}},{\"name\":\"amt\",\"type\":\"long\"}]}},{\"name\":"
              "\"tax\",\"type\":\"fin.Money\"}]}");
    flat = reparse_fixpoint(text);
    assert_true(compat_schema_equivalent(d.line, flat));
    free(text);
    compat_schema_free(flat);
    deps_fini(&d);
}

/* A root that is itself a reference used by name (a union of imported types). */
static void test_union_of_references(void **state) {
    static const compat_ref_t refs[] = {{"fin.Money", "money", 1}, {"shop.Line", "line", 1}};
    deps_t d;
    compat_schema_t *u, *flat;
    char *text;
    (void)state;
    deps_init(&d);
    u = parse_refs("[\"null\",\"fin.Money\",\"shop.Line\"]", refs, 2, &d);
    assert_string_equal(compat_schema_canonical(u), "[\"null\",\"fin.Money\",\"shop.Line\"]");
    text = compat_schema_resolved_text(u, NULL);
    assert_non_null(strstr(text, "{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"fin\""));
    if (!strstr(text, "\"name\":\"price\",\"type\":\"fin.Money\""))
        fail_msg("%s", text);
    flat = reparse_fixpoint(text);
    assert_true(compat_schema_equivalent(u, flat));
    free(text);
    compat_schema_free(flat);
    compat_schema_free(u);
    deps_fini(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_and_repeated),
        cmocka_unit_test(test_direct_reference),
        cmocka_unit_test(test_union_of_references),
    };
    return cmocka_run_group_tests_name("compat resolved", tests, NULL, NULL);
}
