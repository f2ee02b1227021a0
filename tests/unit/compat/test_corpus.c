/* SPDX-License-Identifier: Apache-2.0
 *
 * The corpora the compatibility tests run: Apache Avro's files in tests/data/corpus/ are there,
 * and Confluent's diff examples (not redistributed) are read from $CAIRN_CORPUS_DIR with the
 * layout tests/data/corpus/README.md names: JSON arrays of {description, original_schema,
 * update_schema, changes[], compatible}, with the case counts of schema-registry v8.1.1. Without
 * the variable these tests say so and are skipped.
 */
#include "tests/support/test_util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define CONFLUENT "confluent-schema-registry-v8.1.1/"

/* Schemas are .proto text (a string) or a JSON Schema document (an object or a boolean). */
static void check_schema(json_t *c, const char *key, size_t i) {
    json_t *s = json_object_get(c, key);
    if (!json_is_string(s) && !json_is_object(s) && !json_is_boolean(s))
        fail_msg("case %zu: %s is neither schema text nor a JSON Schema", i, key);
}

static void check_case(json_t *c, size_t i) {
    if (!json_is_object(c))
        fail_msg("case %zu is not an object", i);
    if (!json_is_string(json_object_get(c, "description")))
        fail_msg("case %zu: description is not a string", i);
    check_schema(c, "original_schema", i);
    check_schema(c, "update_schema", i);
    if (!json_is_array(json_object_get(c, "changes")))
        fail_msg("case %zu: changes is not an array", i);
    if (!json_is_boolean(json_object_get(c, "compatible")))
        fail_msg("case %zu: compatible is not a boolean", i);
}

static void check_diff_file(const char *rel, size_t want) {
    size_t len;
    char *text = tu_read_corpus(rel, &len);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!root)
        fail_msg("%s: %s at line %d", rel, jerr.text, jerr.line);
    assert_true(json_is_array(root));
    assert_int_equal(json_array_size(root), want);
    for (size_t i = 0; i < json_array_size(root); i++)
        check_case(json_array_get(root, i), i);
    json_decref(root);
}

static void test_json_schema_diff_examples(void **state) {
    (void)state;
    check_diff_file(CONFLUENT "json-schema-provider-diff-schema-examples.json", 104);
}

static void test_json_schema_combined_examples(void **state) {
    (void)state;
    check_diff_file(CONFLUENT "json-schema-provider-diff-combined-schema-examples.json", 28);
}

static void test_protobuf_diff_examples(void **state) {
    (void)state;
    check_diff_file(CONFLUENT "protobuf-provider-diff-schema-examples.json", 43);
}

/* The Apache Avro files are in the repository, so they never skip. */
static void test_avro_corpus_in_repo(void **state) {
    size_t len;
    char *text = tu_read_data("corpus/apache-avro/schema-tests.txt", &len);
    (void)state;
    assert_non_null(strstr(text, "<<canonical"));
    free(text);
    text = tu_read_data("corpus/apache-avro/LICENSE", &len);
    assert_non_null(strstr(text, "Apache License"));
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_avro_corpus_in_repo),
        cmocka_unit_test(test_json_schema_diff_examples),
        cmocka_unit_test(test_json_schema_combined_examples),
        cmocka_unit_test(test_protobuf_diff_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
