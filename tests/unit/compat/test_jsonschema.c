/* SPDX-License-Identifier: Apache-2.0
 *
 * JSON Schema through compat.h and compat_jsonschema.h: stored and normalized text, identity
 * digest and equivalence, references between registered schemas, invalid schemas, levels with
 * Confluent's exact message strings, the validator's JSON-pointer messages, and the bounds
 * (a runaway regex, nesting too deep, a $ref loop).
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "compat/compat.h"
#include "compat/jsonschema/compat_jsonschema.h"
#include "compat/jsonschema/js_int.h"

typedef struct env {
    compat_schema_t *dep;
    const char *name;
} env_t;

static cn_err_t resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                        cn_error_t *err) {
    env_t *e = arg;
    if (e && e->dep && strcmp(ref->name, e->name) == 0) {
        *out = e->dep;
        return CN_OK;
    }
    return cn_error_set(err, CN_ERR_NOT_FOUND, "reference %s not found", ref->name);
}

static compat_schema_t *parse_ex(const char *text, bool normalize, const compat_ref_t *refs,
                                 size_t nrefs, env_t *env, cn_error_t *err) {
    compat_parse_opts_t po = {.type = COMPAT_JSON,
                              .normalize = normalize,
                              .refs = refs,
                              .nrefs = nrefs,
                              .resolve = resolve,
                              .resolve_arg = env};
    return compat_schema_parse(text, strlen(text), &po, err);
}

static compat_schema_t *parse(const char *text) {
    cn_error_t err = {0};
    compat_schema_t *s = parse_ex(text, false, NULL, 0, NULL, &err);
    if (!s)
        fail_msg("parse: %s", err.msg);
    return s;
}

static void test_texts(void **state) {
    (void)state;
    const char *text = "{ \"type\" : \"object\",\n \"properties\": {\"b\": {\"type\":\"number\", "
                       "\"maximum\": 1.50}, \"a\": {\"const\": \"x\\/y\\u00e9\\n\"}}}";
    compat_schema_t *s = parse(text);
    assert_true(compat_type_supported(COMPAT_JSON));
    assert_string_equal(compat_schema_canonical(s),
                        "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"number\","
                        "\"maximum\":1.50},\"a\":{\"const\":\"x/y\xc3\xa9\\n\"}}}");
    cn_error_t err;
    compat_schema_t *n = parse_ex(text, true, NULL, 0, NULL, &err);
    assert_non_null(n);
    assert_string_equal(compat_schema_canonical(n),
                        "{\"properties\":{\"a\":{\"const\":\"x/y\xc3\xa9\\n\"},\"b\":{\"maximum\":"
                        "1.50,\"type\":\"number\"}},\"type\":\"object\"}");
    /* equivalent (member order aside), but not the same identity */
    assert_true(compat_schema_equivalent(s, n));
    /* numbers as Jackson writes them back: exact decimals (BigDecimal.toString) */
    static const char *const nums[][2] = {
        {"1.50", "1.50"},        {"1e2", "1E+2"},      {"1.5E3", "1.5E+3"},
        {"0.1", "0.1"},          {"-0", "0"},          {"-0.0", "0.0"},
        {"1.0e-7", "1.0E-7"},    {"1e-6", "0.000001"}, {"123.456e1", "1234.56"},
        {"0.00001", "0.00001"},  {"-2.5E-1", "-0.25"}, {"12E-1", "1.2"},
        {"0e5", "0E+5"},         {"100", "100"},       {"-7", "-7"},
        {"1.23E+20", "1.23E+20"}};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        char in[64], want[80];
        snprintf(in, sizeof(in), "{\"maximum\":%s}", nums[i][0]);
        snprintf(want, sizeof(want), "{\"maximum\":%s}", nums[i][1]);
        compat_schema_t *ns = parse(in);
        if (strcmp(compat_schema_canonical(ns), want) != 0)
            fail_msg("%s: got %s, want %s", nums[i][0], compat_schema_canonical(ns), want);
        compat_schema_free(ns);
    }
    /* an integer beyond 64 bits is a number, not a parse error; its digits are kept */
    compat_schema_t *big = parse("{\"maximum\":123456789012345678901234567890}");
    assert_string_equal(compat_schema_canonical(big),
                        "{\"maximum\":123456789012345678901234567890}");
    compat_schema_free(big);
    uint8_t d1[16], d2[16];
    compat_schema_digest(s, d1);
    compat_schema_digest(n, d2);
    assert_memory_not_equal(d1, d2, 16);
    compat_schema_t *o = parse("{\"type\":\"string\"}");
    assert_false(compat_schema_equivalent(s, o));
    compat_schema_free(o);
    compat_schema_free(n);
    compat_schema_free(s);
}

static void test_invalid(void **state) {
    (void)state;
    static const struct {
        const char *text, *needle;
    } bad[] = {
        {"{\"type\":", "Invalid JSON"},
        {"[1,2]", "object or a boolean"},
        {"{\"$ref\":\"#/definitions/missing\"}", "does not resolve"},
        {"{\"pattern\":\"(\"}", "invalid regex"},
        {"{\"pattern\":\"\\\\Z\"}", "invalid escape"},
        {"{\"$ref\":\"http://example.com/remote.json\"}", "does not resolve"},
        {"{\"properties\":{\"a\":{\"type\":\"strnig\"}}}", "unknown type at #/properties/a"},
        {"{\"minLength\":-1}", "minLength at # must be a non-negative integer"},
        {"{\"required\":\"a\"}", "array of strings"},
        {"{\"multipleOf\":0}", "greater than 0"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cn_error_t err = {0};
        assert_null(parse_ex(bad[i].text, false, NULL, 0, NULL, &err));
        assert_int_equal(err.code, CN_ERR_INVALID_SCHEMA);
        if (!strstr(err.msg, bad[i].needle))
            fail_msg("%s: %s", bad[i].text, err.msg);
    }
    /* a stored schema (replayed) is read leniently: shapes are not checked */
    compat_parse_opts_t po = {.type = COMPAT_JSON};
    cn_error_t e2;
    compat_schema_t *st =
        compat_schema_parse_ex("{\"minLength\":-1}", 16, &po, COMPAT_PARSE_LENIENT, &e2);
    assert_non_null(st);
    compat_schema_free(st);
    /* nesting beyond the bound is refused before recursion */
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    for (int i = 0; i < 400; i++)
        cn_buf_put_str(&b, "{\"not\":");
    cn_buf_put_str(&b, "true");
    for (int i = 0; i < 400; i++)
        cn_buf_put_str(&b, "}");
    cn_error_t err;
    assert_null(parse_ex(cn_buf_cstr(&b), false, NULL, 0, NULL, &err));
    assert_int_equal(err.code, CN_ERR_TOO_DEEP);
    /* deep data that is no schema (a default value) is fine, as far as Jansson reads */
    cn_buf_reset(&b);
    cn_buf_put_str(&b, "{\"default\":");
    for (int i = 0; i < 1500; i++)
        cn_buf_put_str(&b, "[");
    for (int i = 0; i < 1500; i++)
        cn_buf_put_str(&b, "]");
    cn_buf_put_str(&b, "}");
    compat_schema_t *deep = parse_ex(cn_buf_cstr(&b), true, NULL, 0, NULL, &err);
    assert_non_null(deep);
    assert_int_equal(strlen(compat_schema_canonical(deep)), b.len);
    compat_schema_free(deep);
    cn_buf_fini(&b);
}

static void test_references(void **state) {
    (void)state;
    env_t env = {.dep =
                     parse("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}"),
                 .name = "other.json"};
    compat_ref_t ref = {.name = "other.json", .subject = "other", .version = 1};
    cn_error_t err = {0};
    const char *text = "{\"type\":\"object\",\"properties\":{\"o\":{\"$ref\":\"other.json\"}}}";
    compat_schema_t *s = parse_ex(text, false, &ref, 1, &env, &err);
    assert_non_null(s);
    const char *text2 =
        "{\"type\":\"object\",\"properties\":{\"o\":{\"$ref\":\"other.json#/properties/n\"}}}";
    compat_schema_t *s2 = parse_ex(text2, false, &ref, 1, &env, &err);
    assert_non_null(s2);
    /* a ref through the other document changes the type of o: incompatible */
    compat_prev_t prev = {.schema = s, .version = 1};
    compat_report_t *rep = NULL;
    assert_int_equal(compat_check(COMPAT_BACKWARD, s2, &prev, 1, &rep, &err), CN_OK);
    assert_false(compat_report_is_compatible(rep));
    assert_string_equal(compat_report_message(rep, 0),
                        "{errorType:\"TYPE_CHANGED\", description:\"A type at path "
                        "'#/properties/o' is different between the new schema and the old "
                        "schema'}");
    compat_report_free(rep);
    compat_schema_free(s2);
    /* without the reference it does not resolve */
    assert_null(parse_ex(text, false, NULL, 0, NULL, &err));
    compat_schema_free(s);
    compat_schema_free(env.dep);
}

static void test_levels(void **state) {
    (void)state;
    compat_schema_t *v1 = parse("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
                                "\"maxLength\":10}},\"additionalProperties\":false}");
    compat_schema_t *v2 = parse("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
                                "\"maxLength\":5}},\"additionalProperties\":false}");
    compat_prev_t prev = {.schema = v1, .version = 1};
    compat_report_t *rep = NULL;
    cn_error_t err;
    assert_int_equal(compat_check(COMPAT_BACKWARD, v2, &prev, 1, &rep, &err), CN_OK);
    assert_false(compat_report_is_compatible(rep));
    assert_int_equal(compat_report_message_count(rep), 4);
    assert_string_equal(compat_report_message(rep, 0),
                        "{errorType:\"MAX_LENGTH_DECREASED\", description:\"The value at path "
                        "'#/properties/a/maxLength' in the new schema is less than its value in "
                        "the old schema'}");
    assert_string_equal(compat_report_message(rep, 1), "{oldSchemaVersion: 1}");
    assert_string_equal(compat_report_message(rep, 3),
                        "{validateFields: 'false', compatibility: 'BACKWARD'}");
    compat_report_free(rep);
    /* FORWARD: the old schema reads the new one; narrowing the new is fine */
    assert_int_equal(compat_check(COMPAT_FORWARD, v2, &prev, 1, &rep, &err), CN_OK);
    assert_true(compat_report_is_compatible(rep));
    compat_report_free(rep);
    assert_int_equal(compat_check(COMPAT_FULL, v2, &prev, 1, &rep, &err), CN_OK);
    assert_false(compat_report_is_compatible(rep));
    compat_report_free(rep);
    compat_schema_free(v1);
    compat_schema_free(v2);
}

/* Confluent's description of each group of difference types, role words in place. */
static void test_descriptions(void **state) {
    (void)state;
    static const struct {
        const char *type, *want;
    } rows[] = {
        {"PATTERN_ADDED", "The keyword at path '#/p' in the new schema is not present in the old "
                          "schema"},
        {"MIN_ITEMS_INCREASED", "The value at path '#/p' in the new schema is more than its value "
                                "in the old schema"},
        {"MAXIMUM_DECREASED", "The value at path '#/p' in the new schema is less than its value "
                              "in the old schema"},
        {"MULTIPLE_OF_CHANGED", "The value at path '#/p' is different between the new and old "
                                "schema"},
        {"SUM_TYPE_NARROWED", "An array or combined type at path '#/p' has fewer elements in the "
                              "new schema than the old schema"},
        {"PRODUCT_TYPE_EXTENDED", "An array or combined type at path '#/p' has more elements in "
                                  "the new schema than the old schema"},
        {"TYPE_CHANGED", "A type at path '#/p' is different between the new schema and the old "
                         "schema"},
        {"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "The new schema has an open content model and "
                                                 "has a property or item at path '#/p' which is "
                                                 "missing in the old schema"},
        {"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
         "The new schema has an unopen content model and has a required property at path '#/p' "
         "which is missing in the old schema"},
        {"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", "The new has a closed content model and is "
                                                   "missing a property or item present at path "
                                                   "'#/p' in the old schema"},
        {"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
         "A property or item is missing in the new schema but present at path '#/p' in the old "
         "schema and is not covered by its partially open content model"},
        {"ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
         "The new schema has a property or item at path '#/p' which is missing in the old schema "
         "and is not covered by its partially open content model"},
        {"SCHEMA_ADDED", ""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *d = compat_js_describe(rows[i].type, "#/p", "new", "old");
        assert_string_equal(d, rows[i].want);
        free(d);
    }
}

/* RFC 3986 §5.4: the reference resolution examples, normal and abnormal. */
static void test_uri_resolution(void **state) {
    (void)state;
    static const char *const rows[][2] = {
        {"g:h", "g:h"},
        {"g", "http://a/b/c/g"},
        {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},
        {"//g", "http://g"},
        {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"},
        {"g?y#s", "http://a/b/c/g?y#s"},
        {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"},
        {"", "http://a/b/c/d;p?q"},
        {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},
        {"..", "http://a/b/"},
        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},
        {"../..", "http://a/"},
        {"../../", "http://a/"},
        {"../../g", "http://a/g"},
        {"../../../g", "http://a/g"},
        {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."},
        {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"},
        {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
        {"g;x=1/../y", "http://a/b/c/y"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *r = js_uri_resolve("http://a/b/c/d;p?q", rows[i][0]);
        if (strcmp(r, rows[i][1]) != 0)
            fail_msg("%s: got %s, want %s", rows[i][0], r, rows[i][1]);
        free(r);
    }
    /* no base: a relative reference stays relative (registered reference names) */
    char *r = js_uri_resolve("", "other.json#/definitions/a");
    assert_string_equal(r, "other.json#/definitions/a");
    free(r);
}

/* ---- the validator ---- */

static compat_js_schema_t *load(const char *text) {
    json_t *j = json_loads(text, 0, NULL);
    cn_error_t err = {0};
    compat_js_schema_t *s = compat_js_schema_load(j, NULL, &err);
    json_decref(j);
    if (!s)
        fail_msg("load: %s", err.msg);
    return s;
}

static bool valid(const compat_js_schema_t *s, const char *inst, char *msg, size_t n) {
    json_t *j = json_loads(inst, JSON_DECODE_ANY, NULL);
    cn_buf_t b;
    cn_buf_init(&b, 4096);
    bool ok = compat_js_validate(s, j, &b);
    snprintf(msg, n, "%s", cn_buf_cstr(&b) ? cn_buf_cstr(&b) : "");
    cn_buf_fini(&b);
    json_decref(j);
    return ok;
}

static void test_validate_messages(void **state) {
    (void)state;
    char msg[512];
    compat_js_schema_t *s =
        load("{\"type\":\"object\",\"properties\":{\"a/b\":{\"type\":\"array\",\"items\":"
             "{\"type\":\"integer\",\"maximum\":3}}},\"required\":[\"a/b\"]}");
    assert_true(valid(s, "{\"a/b\":[1,2,3]}", msg, sizeof(msg)));
    assert_false(valid(s, "{\"a/b\":[1,2,4]}", msg, sizeof(msg)));
    assert_string_equal(msg, "/a~1b/2: 4 is above maximum 3");
    assert_false(valid(s, "{}", msg, sizeof(msg)));
    assert_string_equal(msg, "(root): required property 'a/b' is missing");
    compat_js_schema_free(s);
}

static void test_validate_bounds(void **state) {
    (void)state;
    char msg[512];
    /* catastrophic backtracking stops at the step limit and rejects the instance */
    compat_js_schema_t *s = load("{\"pattern\":\"^(a+)+$\"}");
    char inst[80];
    memset(inst, 'a', sizeof(inst));
    inst[0] = '"';
    memcpy(inst + sizeof(inst) - 4, "!\"", 3);
    assert_false(valid(s, inst, msg, sizeof(msg)));
    assert_non_null(strstr(msg, "exceeded the regex limits"));
    compat_js_schema_free(s);
    /* a $ref loop that consumes nothing ends at the depth bound */
    s = load("{\"$ref\":\"#/definitions/a\",\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},"
             "\"b\":{\"$ref\":\"#/definitions/a\"}}}");
    assert_false(valid(s, "1", msg, sizeof(msg)));
    assert_non_null(strstr(msg, "deeper than"));
    compat_js_schema_free(s);
    /* uniqueItems over 200,000 items: sorted by hash, not compared pairwise */
    s = load("{\"uniqueItems\":true}");
    json_t *big = json_array();
    for (int i = 0; i < 200000; i++)
        json_array_append_new(big, i % 2 ? json_integer(i) : json_real(i + 0.5));
    assert_true(compat_js_validate(s, big, NULL));
    json_array_append_new(big, json_real(7.0)); /* equal to the integer 7 */
    cn_buf_t m;
    cn_buf_init(&m, 1024);
    assert_false(compat_js_validate(s, big, &m));
    assert_string_equal(cn_buf_cstr(&m), "(root): items 7 and 200000 are equal (uniqueItems)");
    cn_buf_fini(&m);
    json_decref(big);
    compat_js_schema_free(s);
    /* ECMA-262: \\d is ASCII only, $ does not match before a final newline */
    s = load("{\"pattern\":\"^\\\\d+$\"}");
    assert_true(valid(s, "\"123\"", msg, sizeof(msg)));
    assert_false(valid(s, "\"\xd9\xa3\"", msg, sizeof(msg)));
    assert_false(valid(s, "\"123\\n\"", msg, sizeof(msg)));
    compat_js_schema_free(s);
}

static void test_format_assertion(void **state) {
    (void)state;
    json_t *j = json_loads("{\"format\":\"date\"}", 0, NULL);
    compat_js_opts_t o = {.format_assert = true};
    compat_js_schema_t *a = compat_js_schema_load(j, &o, NULL);
    compat_js_schema_t *n = compat_js_schema_load(j, NULL, NULL);
    json_t *bad = json_string("2021-02-30");
    assert_false(compat_js_validate(a, bad, NULL));
    assert_true(compat_js_validate(n, bad, NULL)); /* an annotation by default */
    json_decref(bad);
    compat_js_schema_free(a);
    compat_js_schema_free(n);
    json_decref(j);
}

/* "idn-hostname" asserted: IDNA2008 labels (RFC 5891 hyphens and leading marks, Punycode of
 * A-labels, RFC 5892 exceptions and contextual rules). */
static void test_idn_hostname(void **state) {
    (void)state;
    static const struct {
        const char *s;
        bool ok;
    } rows[] = {
        {"\xec\x8b\xa4\xeb\xa1\x80.\xed\x85\x8c\xec\x8a\xa4\xed\x8a\xb8", true}, /* Hangul */
        {"xn--ihqwcrb4cv8a8dqg056pqjye", true},
        {"xn--bcher-kva.example", true}, /* b\u00fccher */
        {"example.com.", true},
        {"xn--X", false},
        {"XN--aa---o47jg78q", false}, /* decodes with "--" in the 3rd and 4th positions */
        {"-hello", false},
        {"hello-", false},
        {"a..b", false},
        {"", false},
        {"\xcc\x80hello", false},  /* begins with U+0300 */
        {"\xe3\x80\xaehi", false}, /* U+302E is DISALLOWED */
        {"l\xc2\xb7l", true},      /* MIDDLE DOT between l's */
        {"a\xc2\xb7l", false},
        {"\xe0\xa4\x95\xe2\x80\x8d\xe0\xa4\xb7", false}, /* ZWJ without virama */
        {"\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d\xe0\xa4\xb7", true},
        {"\xd9\xa0\xdb\xb0", false}, /* U+0660 with U+06F0 */
        {"\xff", false},             /* not UTF-8 */
        {"-> $1.00 <--", false},
    };
    json_t *j = json_loads("{\"format\":\"idn-hostname\"}", 0, NULL);
    compat_js_opts_t o = {.format_assert = true};
    compat_js_schema_t *s = compat_js_schema_load(j, &o, NULL);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *v = json_string_nocheck(rows[i].s);
        if (compat_js_validate(s, v, NULL) != rows[i].ok)
            fail_msg("row %zu: %s", i, rows[i].s);
        json_decref(v);
    }
    /* 19 spread-out Hangul syllables: an A-label of 62 octets; 20: 65, too long */
    for (int n = 19; n <= 20; n++) {
        char label[128], *w = label;
        for (int i = 0; i < n; i++) {
            unsigned c = 0xAC00 + 397u * (unsigned)i;
            *w++ = (char)(0xE0 | c >> 12), *w++ = (char)(0x80 | (c >> 6 & 0x3F));
            *w++ = (char)(0x80 | (c & 0x3F));
        }
        *w = '\0';
        json_t *v = json_string(label);
        assert_int_equal(compat_js_validate(s, v, NULL), n == 19);
        json_decref(v);
    }
    compat_js_schema_free(s);
    json_decref(j);
}

/* ECMA-262 property escapes with long names and aliases. */
static void test_regex_properties(void **state) {
    (void)state;
    static const struct {
        const char *pattern, *s;
        bool ok;
    } rows[] = {{"^\\p{Letter}cole$",
                 "\xc3\xa9"
                 "cole",
                 true}, /* école */
                {"^\\p{Letter}cole$", "1cole", false},
                {"^\\p{digit}+$", "\xe0\xa7\xaa\xe0\xa7\xa8", true}, /* Bengali 42 */
                {"^\\p{digit}+$", "4a", false},
                {"^\\p{gc=Lu}$", "A", true},
                {"^\\P{Lowercase_Letter}$", "a", false},
                {"^\\p{Script=Greek}+$", "\xce\xb1\xce\xb2", true},
                {"^[\\p{Nd}x]+$", "1x2", true}};
    char msg[256];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *j = json_pack("{s:s}", "pattern", rows[i].pattern), *v = json_string(rows[i].s);
        cn_error_t err = {0};
        compat_js_schema_t *s = compat_js_schema_load(j, NULL, &err);
        if (!s)
            fail_msg("%s: %s", rows[i].pattern, err.msg);
        cn_buf_t b;
        cn_buf_init(&b, 1024);
        if (compat_js_validate(s, v, &b) != rows[i].ok)
            fail_msg("%s ~ %s", rows[i].pattern, rows[i].s);
        snprintf(msg, sizeof(msg), "%s", cn_buf_cstr(&b) ? cn_buf_cstr(&b) : "");
        cn_buf_fini(&b);
        compat_js_schema_free(s);
        json_decref(v);
        json_decref(j);
    }
    json_t *j = json_loads("{\"pattern\":\"\\\\p{Nope}\"}", 0, NULL);
    assert_null(compat_js_schema_load(j, NULL, NULL)); /* an unknown property is an error */
    json_decref(j);
}

/* E-mail address literals hold a real IPv4 address; an IRI's IPv6 host is bracketed. */
static void test_format_literals(void **state) {
    (void)state;
    static const struct {
        const char *fmt, *s;
        bool ok;
    } rows[] = {{"email", "joe@[127.0.0.1]", true},
                {"email", "joe@[127.0.0.300]", false},
                {"email", "joe@[IPv6:::1]", true},
                {"iri", "http://[2001:db8::7334]/a", true},
                {"iri", "http://2001:0db8:85a3:0000:0000:8a2e:0370:7334", false},
                {"uri", "http://user@example.com:8080/x?y#z", true},
                {"uri", "http://example.com:80a/", false},
                {"uri", "urn:isbn:0451450523", true}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *j = json_pack("{s:s}", "format", rows[i].fmt), *v = json_string(rows[i].s);
        compat_js_opts_t o = {.format_assert = true};
        compat_js_schema_t *s = compat_js_schema_load(j, &o, NULL);
        if (compat_js_validate(s, v, NULL) != rows[i].ok)
            fail_msg("%s %s", rows[i].fmt, rows[i].s);
        compat_js_schema_free(s);
        json_decref(v);
        json_decref(j);
    }
}

/* Draft 4 "integer": a value beyond 64 bits (30 digits, 1e300) is one, 1.0 and 1.5 are not; from
 * draft 6 on 1.0 is one too. */
static void test_big_integers(void **state) {
    (void)state;
    static const struct {
        const char *inst;
        bool d4, d6;
    } rows[] = {{"123456789012345678901234567890", true, true},
                {"-123456789012345678901234567890", true, true},
                {"1e300", true, true},
                {"12", true, true},
                {"1.0", false, true},
                {"1.5", false, false},
                {"1e-300", false, false}};
    compat_js_schema_t *half = load("{\"type\":\"integer\",\"multipleOf\":0.5}");
    json_t *big = compat_js_loadb("1e308", 5, JSON_DECODE_ANY, NULL);
    assert_true(compat_js_validate(half, big, NULL)); /* the quotient overflows */
    json_decref(big);
    compat_js_schema_free(half);
    compat_js_schema_t *d4 = load("{\"$schema\":\"http://json-schema.org/draft-04/schema#\","
                                  "\"type\":\"integer\"}");
    compat_js_schema_t *d6 = load("{\"$schema\":\"http://json-schema.org/draft-06/schema#\","
                                  "\"type\":\"integer\"}");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *v = compat_js_loadb(rows[i].inst, strlen(rows[i].inst), JSON_DECODE_ANY, NULL);
        assert_non_null(v);
        if (compat_js_validate(d4, v, NULL) != rows[i].d4 ||
            compat_js_validate(d6, v, NULL) != rows[i].d6)
            fail_msg("%s", rows[i].inst);
        json_decref(v);
    }
    compat_js_schema_free(d4);
    compat_js_schema_free(d6);
}

/* compatibilityPolicy through compat_check_with: closing an open content model is incompatible
 * under STRICT (and LOGICAL, and without options), compatible under LENIENT; in both directions
 * the FORWARD check (the roles swapped) opens it again, compatible under both. */
static void test_check_policy(void **state) {
    (void)state;
    compat_schema_t *open = parse("{\"type\":\"object\",\"properties\":{\"a\":{}}}");
    compat_schema_t *closed = parse("{\"type\":\"object\",\"properties\":{\"a\":{}},"
                                    "\"additionalProperties\":false}");
    compat_prev_t prev = {.schema = open, .version = 1};
    static const struct {
        compat_policy_t policy;
        bool compatible;
    } rows[] = {{COMPAT_POLICY_STRICT, false},
                {COMPAT_POLICY_LENIENT, true},
                {COMPAT_POLICY_LOGICAL, false}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        compat_check_opts_t o = {.policy = rows[i].policy};
        compat_report_t *rep = NULL;
        assert_int_equal(compat_check_with(COMPAT_BACKWARD, &o, closed, &prev, 1, &rep, NULL),
                         CN_OK);
        assert_int_equal(compat_report_is_compatible(rep), rows[i].compatible);
        if (!rows[i].compatible)
            assert_non_null(strstr(compat_report_message(rep, 0), "ADDITIONAL_PROPERTIES_REMOVED"));
        compat_report_free(rep);
    }
    compat_report_t *rep = NULL;
    assert_int_equal(compat_check_with(COMPAT_BACKWARD, NULL, closed, &prev, 1, &rep, NULL), CN_OK);
    assert_false(compat_report_is_compatible(rep));
    compat_report_free(rep);
    compat_policy_t p;
    assert_true(compat_policy_parse("lenient", &p) && p == COMPAT_POLICY_LENIENT);
    assert_true(compat_policy_parse("Strict", &p) && p == COMPAT_POLICY_STRICT);
    assert_false(compat_policy_parse("LENIENTX", &p));
    assert_false(compat_policy_parse(NULL, &p));
    assert_string_equal(compat_policy_name(COMPAT_POLICY_LOGICAL), "LOGICAL");
    compat_schema_free(open);
    compat_schema_free(closed);
}

/* A "$ref" to a meta-schema resolves from the built-in copies (drafts 4, 6, 7, 2019-09 with its
 * vocabularies, 2020-12 with its vocabularies); an unknown json-schema.org URI still does not. */
static void test_metaschema_refs(void **state) {
    (void)state;
    static const char *const metas[] = {
        "http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema"};
    char text[256], msg[512];
    for (size_t i = 0; i < sizeof(metas) / sizeof(metas[0]); i++) {
        snprintf(text, sizeof(text), "{\"$ref\":\"%s\"}", metas[i]);
        compat_js_schema_t *s = load(text);
        assert_true(valid(s, "{\"type\":\"string\",\"minLength\":2}", msg, sizeof(msg)));
        assert_false(valid(s, "{\"minLength\":-1}", msg, sizeof(msg)));
        assert_false(valid(s, "{\"type\":12}", msg, sizeof(msg)));
        compat_js_schema_free(s);
    }
    /* a property whose schema is the draft-07 meta-schema, found through "definitions" */
    compat_js_schema_t *s = load("{\"properties\":{\"s\":{\"$ref\":"
                                 "\"http://json-schema.org/draft-07/schema#/definitions/"
                                 "nonNegativeInteger\"}}}");
    assert_true(valid(s, "{\"s\":3}", msg, sizeof(msg)));
    assert_false(valid(s, "{\"s\":-3}", msg, sizeof(msg)));
    compat_js_schema_free(s);
    /* a document given with the schema (a registered reference) that refers to a meta-schema */
    json_t *ref = json_loads("{\"properties\":{\"s\":{\"$ref\":"
                             "\"http://json-schema.org/draft-07/schema#\"}}}",
                             0, NULL);
    json_t *top = json_loads("{\"$ref\":\"holder.json\"}", 0, NULL);
    compat_js_doc_t doc = {.uri = "holder.json", .schema = ref};
    compat_js_opts_t o = {.docs = &doc, .ndocs = 1};
    s = compat_js_schema_load(top, &o, NULL);
    assert_non_null(s);
    assert_true(valid(s, "{\"s\":{\"type\":\"string\"}}", msg, sizeof(msg)));
    assert_false(valid(s, "{\"s\":{\"type\":7}}", msg, sizeof(msg)));
    compat_js_schema_free(s);
    json_decref(top);
    json_decref(ref);
    json_t *j = json_loads("{\"$ref\":\"https://json-schema.org/draft/2099-01/schema\"}", 0, NULL);
    cn_error_t err = {0};
    assert_null(compat_js_schema_load(j, NULL, &err));
    assert_int_equal(err.code, CN_ERR_INVALID_SCHEMA);
    json_decref(j);
}

/* A tree of anyOf, 4 wide and `depth` deep, with distinct leaves (4^depth of them). */
static void nested_anyof(cn_buf_t *b, int depth, int *leaf) {
    if (depth == 0) {
        cn_buf_printf(b, "{\"type\":\"object\",\"maxProperties\":%d}", (*leaf)++);
        return;
    }
    cn_buf_put_str(b, "{\"anyOf\":[");
    for (int i = 0; i < 4; i++) {
        if (i)
            cn_buf_put_str(b, ",");
        nested_anyof(b, depth - 1, leaf);
    }
    cn_buf_put_str(b, "]}");
}

/* Nested combined schemas multiply the pairs the matching compares: the diff stops at its step
 * bound with CN_ERR_TOO_LARGE instead of running for hours. A wide but flat oneOf is fine. */
static void test_diff_bounds(void **state) {
    (void)state;
    cn_buf_t b;
    int leaf = 0;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    nested_anyof(&b, 6, &leaf);
    json_t *j = json_loads(cn_buf_cstr(&b), 0, NULL);
    assert_non_null(j);
    compat_js_schema_t *s = compat_js_schema_load(j, NULL, NULL);
    compat_js_changes_t ch = {0};
    cn_error_t err;
    assert_int_equal(compat_js_diff(s, s, COMPAT_JS_STRICT, &ch, &err), CN_ERR_TOO_LARGE);
    compat_js_changes_fini(&ch);
    compat_js_schema_free(s);
    json_decref(j);
    cn_buf_reset(&b);
    cn_buf_put_str(&b, "{\"oneOf\":[");
    for (int i = 0; i < 300; i++)
        cn_buf_printf(&b, "%s{\"const\":%d}", i ? "," : "", i);
    cn_buf_put_str(&b, "]}");
    j = json_loads(cn_buf_cstr(&b), 0, NULL);
    s = compat_js_schema_load(j, NULL, NULL);
    assert_int_equal(compat_js_diff(s, s, COMPAT_JS_STRICT, &ch, &err), CN_OK);
    assert_int_equal(ch.n, 0);
    compat_js_changes_fini(&ch);
    compat_js_schema_free(s);
    json_decref(j);
    cn_buf_fini(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_descriptions),
        cmocka_unit_test(test_uri_resolution),
        cmocka_unit_test(test_validate_messages),
        cmocka_unit_test(test_validate_bounds),
        cmocka_unit_test(test_format_assertion),
        cmocka_unit_test(test_diff_bounds),
        cmocka_unit_test(test_metaschema_refs),
        cmocka_unit_test(test_check_policy),
        cmocka_unit_test(test_big_integers),
        cmocka_unit_test(test_idn_hostname),
        cmocka_unit_test(test_format_literals),
        cmocka_unit_test(test_regex_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
