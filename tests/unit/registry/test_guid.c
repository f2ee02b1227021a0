/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema GUIDs (Confluent Platform 8.x): the digest of Confluent's Schema.updateHash written as a
 * UUID. The expected values were computed independently (Python's hashlib.md5 over the byte
 * sequence that the Confluent entities' updateHash methods feed to MessageDigest, uuid.UUID for
 * the text form), one vector per part: text, references, metadata, ruleSet, an empty metadata.
 * Plus the parser: UUID and bare-hex forms, and what it refuses.
 */
#include "tests/support/test_util.h"

#include <string.h>

#include "registry/reg_registry.h"

#define PAY                                                                                        \
    "{\"type\":\"record\",\"name\":\"Pay\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"amt\","  \
    "\"type\":\"long\"}]}"

static void expect(const char *text, const reg_ref_t *refs, size_t nrefs, const char *md,
                   const char *rs, const char *want) {
    json_t *m = md ? json_loads(md, 0, NULL) : NULL, *r = rs ? json_loads(rs, 0, NULL) : NULL;
    uint8_t g[16];
    char s[REG_GUID_LEN + 1];
    assert_true(!md || m);
    assert_true(!rs || r);
    reg_guid_compute(text, refs, nrefs, m, r, g);
    reg_guid_format(g, s);
    assert_string_equal(s, want);
    json_decref(m);
    json_decref(r);
}

static void test_text_only(void **state) {
    (void)state;
    /* md5(PAY) = 5ccd47f5e7244e25b0a3076fcf3995eb */
    expect(PAY, NULL, 0, NULL, NULL, "5ccd47f5-e724-4e25-b0a3-076fcf3995eb");
}

static void test_references(void **state) {
    reg_ref_t refs[2] = {{.name = "acme.Address", .subject = "address", .version = 1},
                         {.name = "b.B", .subject = "bsub", .version = 300}};
    (void)state;
    /* text, then name, subject, int32 big-endian version of each reference in order */
    expect(PAY, refs, 2, NULL, NULL, "07360288-fa06-86fc-3b5a-77356b5e50e1");
}

static void test_metadata_sorted(void **state) {
    (void)state;
    /* 0x01, tags (sorted, set), properties (sorted by key), sensitive (sorted) */
    expect(PAY, NULL, 0,
           "{\"sensitive\":[\"s2\",\"s1\"],\"properties\":{\"owner\":\"b\",\"a\":\"x\"},"
           "\"tags\":{\"f\":[\"z\",\"y\",\"y\"]}}",
           NULL, "32acc410-00f9-213b-8a70-6d3264b548b2");
    expect(PAY, NULL, 0, "{}", NULL, "743ca6ad-1628-dcf8-ce1a-e192deca51e2");
}

static void test_ruleset(void **state) {
    (void)state;
    /* 0x01, migration rules before domain rules; each rule's fields in Rule.updateHash order */
    expect(PAY, NULL, 0, NULL,
           "{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"mode\":\"WRITE\",\"type\":"
           "\"CEL\",\"expr\":\"x>0\",\"params\":{\"k\":\"v\"},\"tags\":[\"PII\"],\"disabled\":"
           "true}],\"migrationRules\":[{\"name\":\"m\",\"kind\":\"TRANSFORM\",\"mode\":"
           "\"UPGRADE\",\"type\":\"JSONATA\",\"expr\":\"$\"}]}",
           "378771fb-777b-44b8-322d-0fdbc24f5a40");
    /* empty metadata and empty ruleSet: one 0x01 byte each */
    expect(PAY, NULL, 0, "{}", "{}", "37f407cb-4679-f29b-6652-e2aadbb178dc");
}

static void test_parse(void **state) {
    uint8_t g[16], h[16];
    char s[REG_GUID_LEN + 1];
    (void)state;
    assert_true(reg_guid_parse("5ccd47f5-e724-4e25-b0a3-076fcf3995eb", g));
    reg_guid_format(g, s);
    assert_string_equal(s, "5ccd47f5-e724-4e25-b0a3-076fcf3995eb");
    assert_true(reg_guid_parse("5CCD47F5E7244E25B0A3076FCF3995EB", h));
    assert_memory_equal(g, h, 16);
    static const char *const bad[] = {"",
                                      "5ccd47f5",
                                      "5ccd47f5-e724-4e25-b0a3-076fcf3995e",
                                      "5ccd47f5-e724-4e25-b0a3-076fcf3995ebb",
                                      "5ccd47f5+e724-4e25-b0a3-076fcf3995eb",
                                      "5ccd47f5-e724-4e25-b0a3-076fcf3995eg",
                                      "5ccd47f5e7244e25b0a3076fcf3995e-"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_false(reg_guid_parse(bad[i], g));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_only),       cmocka_unit_test(test_references),
        cmocka_unit_test(test_metadata_sorted), cmocka_unit_test(test_ruleset),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests_name("registry schema GUIDs", tests, NULL, NULL);
}
