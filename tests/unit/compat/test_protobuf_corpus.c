/* SPDX-License-Identifier: Apache-2.0
 *
 * Confluent's own Protobuf diff cases (schema-registry v8.1.1,
 * protobuf-provider/src/test/resources/diff-schema-examples.json), run as they are: for each case
 * the set of differences of compare(original, update), as "TYPE path", equals the expected
 * "changes", and the BACKWARD verdict equals "compatible". References and their dependency texts
 * are given as imports. The corpus is not redistributed: it is read from $CAIRN_CORPUS_DIR, and the
 * test is skipped, saying why, without it.
 */
#include "tests/support/test_util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/compat_protobuf.h"

#define CORPUS_FILE "confluent-schema-registry-v8.1.1/protobuf-provider-diff-schema-examples.json"

/* From $CAIRN_CORPUS_DIR (tests/data/corpus/README.md); tu_read_corpus skips the test, saying
 * why, when the variable is unset or the file is missing. */
static json_t *load_corpus(void) {
    size_t len;
    char *text = tu_read_corpus(CORPUS_FILE, &len);
    json_error_t jerr;
    json_t *j = json_loadb(text, len, 0, &jerr);
    free(text);
    if (!j)
        fail_msg("%s: %s at line %d", CORPUS_FILE, jerr.text, jerr.line);
    return j;
}

static const char *str(json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}

/* Parse one side with its references (deps parsed first, without references of their own). */
static compat_pb_schema_t *parse_side(json_t *c, const char *which, char *why, size_t cap,
                                      compat_pb_schema_t **deps, size_t *ndeps) {
    char k1[64], k2[64], k3[64];
    compat_pb_import_t imps[8];
    size_t n = 0;
    cn_error_t err = {0};
    snprintf(k1, sizeof(k1), "%s_schema", which);
    snprintf(k2, sizeof(k2), "%s_references", which);
    snprintf(k3, sizeof(k3), "%s_dependencies", which);
    json_t *refs = json_object_get(c, k2), *dep;
    size_t i;
    json_array_foreach(refs, i, dep) {
        const char *name = str(dep, "name");
        json_t *d;
        size_t k;
        json_array_foreach(json_object_get(c, k3), k, d) {
            if (n < 8 && strcmp(str(d, "name"), name) == 0) {
                const char *t = str(d, "dependency");
                if (compat_pb_parse(t, strlen(t), NULL, 0, &deps[n], &err) != CN_OK) {
                    snprintf(why, cap, "dependency %s: %s", name, err.msg);
                    return NULL;
                }
                imps[n] = (compat_pb_import_t){
                    name, str(dep, "subject"),
                    (int32_t)json_integer_value(json_object_get(dep, "version")), deps[n]};
                n++;
            }
        }
    }
    *ndeps = n;
    const char *text = str(c, k1);
    compat_pb_schema_t *s = NULL;
    if (compat_pb_parse(text, strlen(text), imps, n, &s, &err) != CN_OK)
        snprintf(why, cap, "%s: %s", which, err.msg);
    return s;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, de-duplicated "TYPE path" lines joined by ", ". */
static void render(char **v, size_t n, char *out, size_t cap) {
    size_t len = 0;
    qsort(v, n, sizeof(*v), cmp_str);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s", len ? ", " : "",
                                    v[i]);
}

static bool run_case(json_t *c, char *why, size_t cap) {
    compat_pb_schema_t *odeps[8] = {0}, *udeps[8] = {0};
    size_t no = 0, nu = 0;
    bool ok = false;
    compat_pb_schema_t *o = parse_side(c, "original", why, cap, odeps, &no);
    compat_pb_schema_t *u = o ? parse_side(c, "update", why, cap, udeps, &nu) : NULL;
    if (o && u) {
        compat_pb_diffs_t d = {0};
        cn_error_t err = {0};
        assert_int_equal(compat_pb_compare(o, u, &d, &err), CN_OK);
        char **got = calloc(d.n + 1, sizeof(char *)), **want;
        bool compatible = true;
        for (size_t i = 0; i < d.n; i++) {
            assert_true(asprintf(&got[i], "%s %s", d.v[i].type, d.v[i].path) > 0);
            compatible &= d.v[i].compatible;
        }
        json_t *ch = json_object_get(c, "changes");
        want = calloc(json_array_size(ch) + 1, sizeof(char *));
        for (size_t i = 0; i < json_array_size(ch); i++)
            want[i] = strdup(json_string_value(json_array_get(ch, i)));
        char gs[2048], ws[2048];
        render(got, d.n, gs, sizeof(gs));
        render(want, json_array_size(ch), ws, sizeof(ws));
        ok = strcmp(gs, ws) == 0 && compatible == json_is_true(json_object_get(c, "compatible"));
        if (!ok)
            snprintf(why, cap, "got [%.1000s] %s, want [%.1000s] %s", gs,
                     compatible ? "compatible" : "not", ws,
                     json_is_true(json_object_get(c, "compatible")) ? "compatible" : "not");
        for (size_t i = 0; i < d.n; i++)
            free(got[i]);
        for (size_t i = 0; i < json_array_size(ch); i++)
            free(want[i]);
        free(got);
        free(want);
        compat_pb_diffs_fini(&d);
    }
    compat_pb_schema_free(o);
    compat_pb_schema_free(u);
    for (size_t i = 0; i < 8; i++) {
        compat_pb_schema_free(odeps[i]);
        compat_pb_schema_free(udeps[i]);
    }
    return ok;
}

static void test_confluent_diff_corpus(void **state) {
    (void)state;
    json_t *all = load_corpus(), *c;
    size_t i, failed = 0;
    assert_int_equal(json_array_size(all), 43);
    json_array_foreach(all, i, c) {
        char why[8192] = "";
        if (!run_case(c, why, sizeof(why))) {
            print_message("case %zu (%s): %s\n", i, str(c, "description"), why);
            failed++;
        }
    }
    json_decref(all);
    assert_int_equal(failed, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confluent_diff_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
