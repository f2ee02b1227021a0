/* SPDX-License-Identifier: Apache-2.0
 *
 * Confluent's JSON Schema diff corpora run as they are through compat_js_diff: for every case the
 * STRICT verdict ("compatible"), the LENIENT one when given ("compatible_lenient"), and the set of
 * changes ("TYPE #/path", compared as a multiset: upstream's order follows Java hashing). Files:
 * the json-schema-provider-diff-... files of confluent-schema-registry-v8.1.1 in $CAIRN_CORPUS_DIR
 * (not redistributed; skipped, saying why, without it), and the .json files of
 * tests/data/compat/json/ (same format, our own cases).
 */
#include "tests/support/test_util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/compat_jsonschema.h"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted "TYPE path" strings of a change list, owned. */
static char **change_strings(const compat_js_changes_t *c) {
    char **v = calloc(c->n + 1, sizeof(char *));
    for (size_t i = 0; i < c->n; i++)
        assert_true(asprintf(&v[i], "%s %s", c->v[i].type, c->v[i].path) > 0);
    qsort(v, c->n, sizeof(char *), cmp_str);
    return v;
}

static bool verdict(const compat_js_changes_t *c) {
    for (size_t i = 0; i < c->n; i++)
        if (!c->v[i].compatible)
            return false;
    return true;
}

static compat_js_schema_t *load(json_t *j) {
    cn_error_t err = {0};
    compat_js_schema_t *s = compat_js_schema_load(j, NULL, &err);
    if (!s)
        printf("  cannot load %s\n", err.msg);
    return s;
}

static bool same_changes(json_t *want, const compat_js_changes_t *got, char *why, size_t n) {
    size_t k = json_array_size(want);
    char **g = change_strings(got);
    const char **w = calloc(k + 1, sizeof(char *));
    for (size_t i = 0; i < k; i++)
        w[i] = json_string_value(json_array_get(want, i));
    qsort(w, k, sizeof(char *), cmp_str);
    bool ok = k == got->n;
    for (size_t i = 0; ok && i < k; i++)
        ok = strcmp(w[i], g[i]) == 0;
    if (!ok) {
        size_t at = 0;
        at += (size_t)snprintf(why + at, n - at, "changes got [");
        for (size_t i = 0; i < got->n && at < n; i++)
            at += (size_t)snprintf(why + at, n - at, "%s%s", i ? ", " : "", g[i]);
        if (at < n)
            snprintf(why + at, n - at, "]");
    }
    for (size_t i = 0; i < got->n; i++)
        free(g[i]);
    free(g);
    free(w);
    return ok;
}

static bool run_case(json_t *c, char *why, size_t n) {
    compat_js_schema_t *o = load(json_object_get(c, "original_schema"));
    compat_js_schema_t *u = load(json_object_get(c, "update_schema"));
    compat_js_changes_t strict = {0}, lenient = {0};
    cn_error_t err = {0};
    bool ok = o && u && compat_js_diff(o, u, COMPAT_JS_STRICT, &strict, &err) == CN_OK &&
              compat_js_diff(o, u, COMPAT_JS_LENIENT, &lenient, &err) == CN_OK;
    if (!ok)
        snprintf(why, n, "error: %s", err.msg);
    if (ok && verdict(&strict) != json_is_true(json_object_get(c, "compatible"))) {
        snprintf(why, n, "strict verdict %d", verdict(&strict));
        ok = false;
    }
    json_t *len = json_object_get(c, "compatible_lenient");
    if (ok && len && verdict(&lenient) != json_is_true(len)) {
        snprintf(why, n, "lenient verdict %d", verdict(&lenient));
        ok = false;
    }
    if (ok)
        ok = same_changes(json_object_get(c, "changes"), &strict, why, n);
    compat_js_changes_fini(&strict);
    compat_js_changes_fini(&lenient);
    compat_js_schema_free(o);
    compat_js_schema_free(u);
    return ok;
}

/* Runs one file; returns the number of failing cases (-1: file absent). */
/* Run every case of one file's array (owned: released here); the number that failed. */
static int run_cases(json_t *cases, const char *name) {
    json_t *c;
    size_t i;
    int failed = 0;
    json_array_foreach(cases, i, c) {
        char why[2048] = "";
        if (!run_case(c, why, sizeof(why))) {
            failed++;
            printf("  FAIL %s #%zu %s: %s\n", name, i,
                   json_string_value(json_object_get(c, "description")), why);
        }
    }
    printf("%s: %zu cases, %d failed\n", name, json_array_size(cases), failed);
    json_decref(cases);
    return failed;
}

static int run_file(const char *path) {
    json_error_t jerr;
    json_t *cases = json_load_file(path, 0, &jerr);
    if (!json_is_array(cases))
        fail_msg("%s: not a JSON array of cases (%s)", path, cases ? "" : jerr.text);
    return run_cases(cases, strrchr(path, '/') + 1);
}

/* From $CAIRN_CORPUS_DIR (tests/data/corpus/README.md); tu_read_corpus skips the test, saying
 * why, when the variable is unset or the file is missing. */
static void test_corpus(const char *file) {
    char rel[256];
    size_t len;
    json_error_t jerr;
    snprintf(rel, sizeof(rel), "confluent-schema-registry-v8.1.1/%s", file);
    char *text = tu_read_corpus(rel, &len);
    json_t *cases = json_loadb(text, len, 0, &jerr);
    free(text);
    if (!json_is_array(cases))
        fail_msg("%s: not a JSON array of cases (%s)", rel, cases ? "" : jerr.text);
    assert_int_equal(run_cases(cases, file), 0);
}

static void test_confluent_diff(void **state) {
    (void)state;
    test_corpus("json-schema-provider-diff-schema-examples.json");
}

static void test_confluent_combined(void **state) {
    (void)state;
    test_corpus("json-schema-provider-diff-combined-schema-examples.json");
}

static void test_own_cases(void **state) {
    (void)state;
    char dir[1024];
    tu_data_path(dir, sizeof(dir), "compat/json");
    DIR *d = opendir(dir);
    struct dirent *e;
    int failed = 0, files = 0;
    while (d && (e = readdir(d))) {
        char path[1400];
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        failed += run_file(path);
        files++;
    }
    if (d)
        closedir(d);
    assert_true(files > 0);
    assert_int_equal(failed, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confluent_diff),
        cmocka_unit_test(test_confluent_combined),
        cmocka_unit_test(test_own_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
