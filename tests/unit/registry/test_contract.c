/* SPDX-License-Identifier: Apache-2.0
 *
 * Data contracts: Confluent's Metadata.mergeMetadata and RuleSet.mergeRuleSets (later wins,
 * sensitive a union, rules replaced by name) and RuleSet.validate's answers (42210).
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "registry/reg_registry.h"

static json_t *J(const char *text) {
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    return j;
}

static void assert_json(const json_t *got, const char *want) {
    json_t *w = J(want);
    char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!json_equal((json_t *)got, w))
        fail_msg("got %s, want %s", g ? g : "NULL", want);
    free(g);
    json_decref(w);
}

static void test_metadata_merge(void **state) {
    json_t *a = J("{\"properties\":{\"o\":\"a\",\"t\":\"a\"},\"sensitive\":[\"x\",\"y\"],"
                  "\"tags\":{\"f\":[\"A\"]}}");
    json_t *b = J("{\"properties\":{\"o\":\"b\"},\"sensitive\":[\"y\",\"z\"],"
                  "\"tags\":{\"f\":[\"B\"],\"g\":[\"C\"]}}");
    bool failed = false;
    json_t *m = reg_metadata_merge(a, b, &failed);
    (void)state;
    assert_false(failed);
    assert_json(m, "{\"properties\":{\"o\":\"b\",\"t\":\"a\"},\"sensitive\":[\"x\",\"y\",\"z\"],"
                   "\"tags\":{\"f\":[\"B\"],\"g\":[\"C\"]}}");
    json_decref(m);
    m = reg_metadata_merge(NULL, b, &failed);
    assert_json(m, "{\"properties\":{\"o\":\"b\"},\"sensitive\":[\"y\",\"z\"],"
                   "\"tags\":{\"f\":[\"B\"],\"g\":[\"C\"]}}");
    assert_ptr_not_equal(m, b); /* a new reference, never the argument */
    json_decref(m);
    m = reg_metadata_merge(a, NULL, &failed);
    assert_true(json_equal(m, a));
    json_decref(m);
    assert_null(reg_metadata_merge(NULL, NULL, &failed));
    assert_false(failed);
    json_decref(a);
    json_decref(b);
}

static void test_ruleset_merge(void **state) {
    json_t *a = J("{\"domainRules\":[{\"name\":\"d1\"},{\"name\":\"s\",\"doc\":\"old\"}],"
                  "\"migrationRules\":[{\"name\":\"m\"}]}");
    json_t *b = J("{\"domainRules\":[{\"name\":\"s\",\"doc\":\"new\"},{\"name\":\"d2\"}],"
                  "\"encodingRules\":[{\"name\":\"e\"}]}");
    bool failed = false;
    json_t *m = reg_ruleset_merge(a, b, &failed);
    (void)state;
    assert_false(failed);
    assert_json(m, "{\"domainRules\":[{\"name\":\"d1\"},{\"name\":\"s\",\"doc\":\"new\"},"
                   "{\"name\":\"d2\"}],\"migrationRules\":[{\"name\":\"m\"}],"
                   "\"encodingRules\":[{\"name\":\"e\"}]}");
    json_decref(m);
    m = reg_ruleset_merge(b, a, &failed); /* the order matters: later wins */
    assert_json(m, "{\"domainRules\":[{\"name\":\"d2\"},{\"name\":\"d1\"},"
                   "{\"name\":\"s\",\"doc\":\"old\"}],\"migrationRules\":[{\"name\":\"m\"}],"
                   "\"encodingRules\":[{\"name\":\"e\"}]}");
    json_decref(m);
    json_decref(a);
    json_decref(b);
}

static const char *validate_msg(const char *rs_text, cn_error_t *err) {
    json_t *rs = J(rs_text);
    cn_err_t rc = reg_ruleset_validate(rs, err);
    json_decref(rs);
    if (rc == CN_OK)
        return NULL;
    assert_int_equal(rc, CN_ERR_INVALID_RULESET);
    return err->msg;
}

#define R(extra) "{\"name\":\"a\",\"type\":\"CEL\"" extra "}"

static void test_ruleset_validate(void **state) {
    static const struct {
        const char *rs, *msg;
    } cases[] = {
        {"{\"domainRules\":[{\"type\":\"CEL\"}]}", "Missing rule name"},
        {"{\"domainRules\":[{\"name\":\"\",\"type\":\"CEL\"}]}", "Empty rule name"},
        {"{\"domainRules\":[{\"name\":\"9a\",\"type\":\"CEL\"}]}",
         "Illegal initial character in rule name: 9a"},
        {"{\"domainRules\":[{\"name\":\"a.b\",\"type\":\"CEL\"}]}",
         "Illegal character in rule name: a.b"},
        {"{\"domainRules\":[{\"name\":"
         "\"a1234567890123456789012345678901234567890123456789012345678901234\","
         "\"type\":\"CEL\"}]}",
         "Rule name too long"},
        {"{\"domainRules\":[" R("") "," R("") "]}", "Found rule with duplicate name 'a'"},
        {"{\"domainRules\":[" R("") "],\"encodingRules\":[" R("") "]}",
         "Found rule with duplicate name 'a'"},
        {"{\"domainRules\":[{\"name\":\"a\"}]}", "Missing rule type"},
        {"{\"domainRules\":[" R(",\"kind\":\"X\"") "]}", "Invalid rule kind: X"},
        {"{\"migrationRules\":[" R("") "]}",
         "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"},
        {"{\"domainRules\":[" R(",\"mode\":\"UPDOWN\"") "]}",
         "Domain rules can only be WRITE, READ, WRITEREAD"},
        {"{\"encodingRules\":[" R(",\"mode\":\"UPGRADE\"") "]}",
         "Encoding rules can only be WRITE, READ, WRITEREAD"},
        {"{\"domainRules\":[" R(",\"onSuccess\":7") "]}",
         "Invalid onSuccess action: (not a string)"},
        {"{\"domainRules\":[" R(",\"mode\":\"READ\",\"onFailure\":\"NONE,DLQ\"") "]}",
         "Multiple actions only valid with WRITEREAD and UPDOWN"},
        {"{\"migrationRules\":[" R(",\"mode\":\"UPGRADE\",\"onFailure\":\"NONE,DLQ\"") "]}",
         "Multiple actions only valid with WRITEREAD and UPDOWN"},
        {"{\"domainRules\":{}}", "Invalid ruleSet: domainRules must be an array"},
        {"{\"domainRules\":[1]}", "Invalid ruleSet: a rule must be an object"},
    };
    cn_error_t err;
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *msg = validate_msg(cases[i].rs, &err);
        if (!msg || strcmp(msg, cases[i].msg) != 0)
            fail_msg("%s: got %s, want %s", cases[i].rs, msg ? msg : "valid", cases[i].msg);
    }
    assert_null(validate_msg(
        "{\"domainRules\":[" R(
            ",\"mode\":\"WRITEREAD\",\"kind\":"
            "\"TRANSFORM\",\"onSuccess\":\"none,error\","
            "\"onFailure\":\"MY_ACTION\"") ",{\"name\":\"a-b\",\"type\":\"\"}],"
                                           "\"migrationRules\":[{\"name\":\"_m1\",\"type\":"
                                           "\"JSONATA\","
                                           "\"mode\":\"UPDOWN\",\"onFailure\":\"ERROR,NONE\"}]}",
        &err));
    assert_int_equal(reg_ruleset_validate(NULL, &err), CN_OK);
}

static bool has_field(compat_type_t type, const char *text, const char *name) {
    compat_parse_opts_t po = {type, NULL, 0, NULL, NULL, false};
    cn_error_t err;
    compat_schema_t *sch = compat_schema_parse(text, strlen(text), &po, &err);
    bool has;
    if (!sch)
        fail_msg("parse: %s", err.msg);
    has = compat_schema_has_field(sch, name);
    compat_schema_free(sch);
    return has;
}

/* The top-level fields reserved fields are compared with, in each language. */
static void test_has_field(void **state) {
    const char *avro = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\","
                       "\"type\":{\"type\":\"record\",\"name\":\"S\",\"fields\":[{\"name\":"
                       "\"inner\",\"type\":\"int\"}]}}]}";
    const char *json = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\","
                       "\"properties\":{\"inner\":{}}}}}";
    const char *proto = "syntax = \"proto3\";\nenum E { Z = 0; }\nmessage M {\n  string a = 1;\n"
                        "  oneof k { int32 b = 2; }\n  message N { int32 inner = 1; }\n}\n"
                        "message Other { int32 c = 1; }\n";
    (void)state;
    assert_true(has_field(COMPAT_AVRO, avro, "a"));
    assert_false(has_field(COMPAT_AVRO, avro, "inner")); /* top level only */
    assert_false(has_field(COMPAT_AVRO, "\"string\"", "a"));
    assert_true(has_field(COMPAT_JSON, json, "a"));
    assert_false(has_field(COMPAT_JSON, json, "inner"));
    if (!compat_type_supported(COMPAT_PROTOBUF))
        return;
    assert_true(has_field(COMPAT_PROTOBUF, proto, "a"));
    assert_true(has_field(COMPAT_PROTOBUF, proto, "b")); /* oneof member */
    assert_false(has_field(COMPAT_PROTOBUF, proto, "inner"));
    assert_false(has_field(COMPAT_PROTOBUF, proto, "c")); /* not the first message */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata_merge),
        cmocka_unit_test(test_ruleset_merge),
        cmocka_unit_test(test_ruleset_validate),
        cmocka_unit_test(test_has_field),
    };
    return cmocka_run_group_tests_name("registry data contracts", tests, NULL, NULL);
}
