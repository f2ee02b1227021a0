/* SPDX-License-Identifier: Apache-2.0
 *
 * The official JSON-Schema-Test-Suite (https://github.com/json-schema-org/JSON-Schema-Test-Suite)
 * run as it is through compat_js_validate, one cmocka test per draft: every file of the draft's
 * folder is required, optional/ is counted apart and runs with format assertions on; both must
 * pass, but for 2019-09 / 2020-12 optional/dependencies-compatibility.json (see g_unexpected).
 * Its remotes/ are served from memory as http://localhost:1234/...; the meta-schemas are the
 * loader's built-in copies; nothing is fetched. Where the suite comes from: CAIRN_JSTS_DIR, else
 * Debian's libtest-json-schema-acceptance-perl (which ships the suite's tests/ and remotes/ for
 * drafts 4 to 2020-12), else Debian's json-schema-test-suite (drafts 4, 6, 7). Drafts 2019-09 and
 * 2020-12 also read tests/data/jsonschema/suite/<draft>/ (cases in the suite's format). A draft
 * whose folder is absent is skipped. Prints "draftN: required P/T, optional P/T".
 */
#include "tests/support/test_util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compat/jsonschema/compat_jsonschema.h"

#define MAX_DOCS 128
/* Debian's libtest-json-schema-acceptance-perl ships the suite (every draft) as shared data. */
#define PERL_SUITE "/usr/share/perl5/auto/share/dist/Test-JSON-Schema-Acceptance"

typedef struct docs {
    compat_js_doc_t v[MAX_DOCS];
    char *uris[MAX_DOCS];
    size_t n;
} docs_t;

typedef struct tally {
    int pass, total, opt_pass, opt_total;
} tally_t;

static docs_t g_docs;
/* Optional tests that fail outside the file we do not follow on purpose: 2019-09 and 2020-12
 * dependencies-compatibility.json asks for draft 7's "dependencies", which the specification
 * dropped in 2019-09 (and tests/data/jsonschema/suite/draft2020-12/applicators.json ignores). */
static int g_unexpected;

static const char *suite_dir(void) {
    const char *d = getenv("CAIRN_JSTS_DIR");
    struct stat st;
    if (d && *d)
        return d;
    return stat(PERL_SUITE "/tests/draft2020-12", &st) == 0 ? PERL_SUITE
                                                            : "/usr/share/json-schema-test-suite";
}

static void add_doc(const char *uri, json_t *doc) {
    if (g_docs.n >= MAX_DOCS || !doc)
        return;
    g_docs.uris[g_docs.n] = strdup(uri);
    g_docs.v[g_docs.n] = (compat_js_doc_t){.uri = g_docs.uris[g_docs.n], .schema = doc};
    g_docs.n++;
}

static void load_remotes(const char *dir, const char *rel) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char sub[1024], full[1200];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(full, sizeof(full), "%s/%s", dir, sub);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            load_remotes(dir, sub);
        } else if (strstr(e->d_name, ".json")) {
            char uri[1200];
            snprintf(uri, sizeof(uri), "http://localhost:1234/%s", sub);
            add_doc(uri, json_load_file(full, 0, NULL));
        }
    }
    if (d)
        closedir(d);
}

static int setup(void **state) {
    (void)state;
    char path[1024];
    snprintf(path, sizeof(path), "%s/remotes", suite_dir());
    load_remotes(path, "");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    for (size_t i = 0; i < g_docs.n; i++) {
        json_decref(g_docs.v[i].schema);
        free(g_docs.uris[i]);
    }
    return 0;
}

static bool verbose(void) {
    return getenv("CAIRN_JSTS_VERBOSE") != NULL;
}

static void run_group(json_t *group, compat_js_draft_t draft, bool fmt, const char *file, int *pass,
                      int *total) {
    compat_js_opts_t o = {
        .default_draft = draft, .docs = g_docs.v, .ndocs = g_docs.n, .format_assert = fmt};
    cn_error_t err = {0};
    compat_js_schema_t *s = compat_js_schema_load(json_object_get(group, "schema"), &o, &err);
    json_t *tests = json_object_get(group, "tests"), *t;
    size_t i;
    json_array_foreach(tests, i, t) {
        bool want = json_is_true(json_object_get(t, "valid"));
        cn_buf_t msg;
        cn_buf_init(&msg, 4096);
        bool got = s && compat_js_validate(s, json_object_get(t, "data"), &msg);
        (*total)++;
        if (s && got == want)
            (*pass)++;
        else if (fmt && strcmp(file, "dependencies-compatibility.json") != 0)
            g_unexpected++;
        if ((!s || got != want) && verbose())
            printf("  FAIL %s: %s / %s: %s\n", file,
                   json_string_value(json_object_get(group, "description")),
                   json_string_value(json_object_get(t, "description")),
                   s ? (want ? cn_buf_cstr(&msg) : "accepted") : err.msg);
        cn_buf_fini(&msg);
    }
    compat_js_schema_free(s);
}

static void run_file(const char *path, compat_js_draft_t draft, bool fmt, int *pass, int *total) {
    json_error_t jerr;
    json_t *groups = json_load_file(path, JSON_ALLOW_NUL, &jerr); /* enum.json: "\u0000" */
    if (!groups) /* bignum.json: integers beyond 64 bits, read as doubles */
        groups = json_load_file(path, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &jerr);
    size_t i;
    json_t *g;
    if (!groups) {
        printf("  cannot read %s: %s\n", path, jerr.text);
        (*total)++;
        return;
    }
    json_array_foreach(groups, i, g) run_group(g, draft, fmt, strrchr(path, '/') + 1, pass, total);
    json_decref(groups);
}

static void run_dir(const char *dir, compat_js_draft_t draft, bool fmt, int *pass, int *total) {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char path[1200];
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        run_file(path, draft, fmt, pass, total);
    }
    if (d)
        closedir(d);
}

static void run_draft(const char *root, const char *name, compat_js_draft_t draft, tally_t *t) {
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/%s", root, name);
    run_dir(dir, draft, false, &t->pass, &t->total);
    snprintf(dir, sizeof(dir), "%s/%s/optional", root, name);
    run_dir(dir, draft, true, &t->opt_pass, &t->opt_total);
    snprintf(dir, sizeof(dir), "%s/%s/optional/format", root, name);
    run_dir(dir, draft, true, &t->opt_pass, &t->opt_total);
}

static void test_draft(const char *name, compat_js_draft_t draft) {
    char ours[1024], dir[1200];
    tu_data_path(ours, sizeof(ours), "jsonschema/suite");
    snprintf(dir, sizeof(dir), "%s/tests/%s", suite_dir(), name);
    struct stat st;
    tally_t a = {0}, o = {0};
    g_unexpected = 0;
    if (stat(dir, &st) == 0) {
        snprintf(dir, sizeof(dir), "%s/tests", suite_dir());
        run_draft(dir, name, draft, &a);
        printf("%s: official suite: required %d/%d passed, optional %d/%d passed\n", name, a.pass,
               a.total, a.opt_pass, a.opt_total);
    } else {
        printf("%s: official suite not installed\n", name);
    }
    run_draft(ours, name, draft, &o);
    if (o.total)
        printf("%s: our cases (tests/data/jsonschema/suite): %d/%d passed\n", name, o.pass,
               o.total);
    if (a.total + o.total == 0)
        skip();
    assert_int_equal(a.pass, a.total);
    assert_int_equal(o.pass, o.total);
    assert_int_equal(g_unexpected, 0); /* every optional test passes, but the one file */
}

static void test_draft4(void **state) {
    (void)state;
    test_draft("draft4", COMPAT_JS_DRAFT4);
}

static void test_draft6(void **state) {
    (void)state;
    test_draft("draft6", COMPAT_JS_DRAFT6);
}

static void test_draft7(void **state) {
    (void)state;
    test_draft("draft7", COMPAT_JS_DRAFT7);
}

static void test_draft2019(void **state) {
    (void)state;
    test_draft("draft2019-09", COMPAT_JS_DRAFT2019);
}

static void test_draft2020(void **state) {
    (void)state;
    test_draft("draft2020-12", COMPAT_JS_DRAFT2020);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draft4),    cmocka_unit_test(test_draft6),
        cmocka_unit_test(test_draft7),    cmocka_unit_test(test_draft2019),
        cmocka_unit_test(test_draft2020),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
