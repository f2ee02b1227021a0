/* SPDX-License-Identifier: Apache-2.0
 *
 * The pure parts of the `cairn` command line: path escaping, number and reference parsing,
 * local checks (chk_local) with issues turned into violations, offline file references
 * (chk_refset), and the four report formats written to a memory stream, with hostile text
 * (XML metacharacters, control characters, GitHub's %, newline, ':' and ',') escaped.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "clients/cli_check_int.h"

#define V1 "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}"
#define V2                                                                                         \
    "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"},"          \
    "{\"name\":\"x\",\"type\":\"int\"}]}"

static void test_escape_and_numbers(void **state) {
    cn_buf_t b;
    long v = 0;
    (void)state;
    cn_buf_init(&b, 1024);
    assert_int_equal(cli_escape(&b, "a/b c:%é-_.~"), CN_OK);
    assert_string_equal(cn_buf_cstr(&b), "a%2Fb%20c%3A%25%C3%A9-_.~");
    cn_buf_fini(&b);
    assert_true(cli_parse_long("42", 0, 100, &v));
    assert_int_equal(v, 42);
    assert_false(cli_parse_long("101", 0, 100, &v));
    assert_false(cli_parse_long("4x", 0, 100, &v));
    assert_false(cli_parse_long("", 0, 100, &v));
    assert_false(cli_parse_long("-1", 0, 100, &v));
}

static void test_reference_parse(void **state) {
    json_t *refs = json_array();
    (void)state;
    assert_true(cli_reference_add(refs, "t", "ex.A=ctx:sub:3"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(refs, 0), "name")),
                        "ex.A");
    assert_string_equal(json_string_value(json_object_get(json_array_get(refs, 0), "subject")),
                        "ctx:sub");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(refs, 0), "version")), 3);
    assert_false(cli_reference_add(refs, "t", "noequals"));
    assert_false(cli_reference_add(refs, "t", "=s:1"));
    assert_false(cli_reference_add(refs, "t", "n=s:0"));
    assert_false(cli_reference_add(refs, "t", "n=s:x"));
    assert_false(cli_reference_add(refs, "t", "n=:1"));
    assert_int_equal(json_array_size(refs), 1);
    json_decref(refs);
}

static void local(chk_result_t *r, chk_job_t *job, compat_level_t level, const char *text,
                  const char *h1, const char *h2) {
    char *hist[2] = {(char *)h1, (char *)h2};
    int vers[2] = {1, 2};
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    *r = (chk_result_t){.job = job};
    chk_local(r, &po, NULL, level, text, hist, vers, job->against, h2 ? 2 : 1);
}

static void test_local_check(void **state) {
    char *names[2] = {"v1.avsc", "v2.avsc"};
    chk_job_t job = {.subject = "s", .file = "new.avsc", .type = "AVRO", .against = names};
    chk_result_t r;
    (void)state;
    local(&r, &job, COMPAT_BACKWARD, V1, V1, NULL);
    assert_int_equal(r.status, CHK_COMPATIBLE);
    assert_int_equal(r.nv, 0);
    assert_string_equal(r.level, "BACKWARD");
    chk_result_fini(&r);
    local(&r, &job, COMPAT_BACKWARD_TRANSITIVE, V2, V1, V1);
    assert_int_equal(r.status, CHK_INCOMPATIBLE);
    /* Confluent stops at the newest version that fails: one violation, version 2. */
    assert_int_equal(r.nv, 1);
    assert_string_equal(r.v[0].rule, "READER_FIELD_MISSING_DEFAULT_VALUE");
    assert_string_equal(r.v[0].path, "/fields/1");
    assert_int_equal(r.v[0].version, 2);
    assert_string_equal(r.v[0].against, "v2.avsc");
    assert_true(json_array_size(r.messages) > 2);
    chk_result_fini(&r);
    local(&r, &job, COMPAT_BACKWARD, "{\"type\":", V1, NULL);
    assert_int_equal(r.status, CHK_PARSE_ERROR);
    assert_string_equal(r.v[0].rule, "PARSE_ERROR");
    chk_result_fini(&r);
    local(&r, &job, COMPAT_BACKWARD, V1, "nope", NULL);
    assert_int_equal(r.status, CHK_PARSE_ERROR);
    assert_string_equal(r.v[0].against, "v1.avsc");
    chk_result_fini(&r);
}

static void test_refset(void **state) {
    char *dir = tu_tmpdir("cli-refs"), path[512];
    const char *user = "{\"type\":\"record\",\"name\":\"U\",\"namespace\":\"ex\",\"fields\":"
                       "[{\"name\":\"a\",\"type\":\"ex.A\"}]}";
    FILE *f;
    json_t *refs;
    char msg[256];
    chk_refset_t *rs;
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    cn_error_t err;
    compat_schema_t *s;
    (void)state;
    snprintf(path, sizeof(path), "%s/a.avsc", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"type\":\"record\",\"name\":\"A\",\"namespace\":\"ex\",\"fields\":[]}", f);
    fclose(f);
    assert_null(compat_schema_parse(user, strlen(user), &po, &err));
    refs = json_pack("[{s:s,s:s}]", "name", "ex.A", "file", path);
    rs = chk_refset_new(COMPAT_AVRO, refs, msg, sizeof(msg));
    assert_non_null(rs);
    chk_refset_opts(rs, &po);
    s = compat_schema_parse(user, strlen(user), &po, &err);
    assert_non_null(s);
    compat_schema_free(s);
    chk_refset_free(rs);
    json_decref(refs);
    refs = json_pack("[{s:s,s:s,s:i}]", "name", "ex.A", "subject", "a", "version", 1);
    assert_null(chk_refset_new(COMPAT_AVRO, refs, msg, sizeof(msg)));
    assert_non_null(strstr(msg, "file"));
    json_decref(refs);
    tu_tmpdir_free(dir);
}

/* Run the report for one hostile result into a string (malloc'ed). */
static char *report(chk_format_t fmt, chk_status_t status) {
    static chk_job_t job = {.subject = "a<b>&\"c'", .file = "dir,x:y%.avsc", .type = "AVRO"};
    chk_result_t r = {.job = &job, .status = status, .compared = 1};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    snprintf(r.level, sizeof(r.level), "BACKWARD");
    if (status != CHK_COMPATIBLE)
        chk_add(&r, "RULE_X", 2, "/fields/0", "bad\nthing 100% \x01 <here>", NULL);
    chk_report(f, fmt, &r, 1);
    fclose(f);
    chk_result_fini(&r);
    return buf;
}

static void test_report_formats(void **state) {
    char *s;
    json_t *j;
    (void)state;
    s = report(CHK_TEXT, CHK_INCOMPATIBLE);
    assert_non_null(strstr(s, "incompatible (BACKWARD)"));
    assert_non_null(strstr(s, "version 2: RULE_X at /fields/0: bad"));
    free(s);
    s = report(CHK_JSON, CHK_INCOMPATIBLE);
    j = json_loads(s, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "format_version")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "incompatible");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "violations"), 0), "message")),
                        "bad\nthing 100% \x01 <here>");
    json_decref(j);
    free(s);
    s = report(CHK_JUNIT, CHK_INCOMPATIBLE);
    assert_non_null(strstr(s, "<testsuite name=\"a&lt;b&gt;&amp;&quot;c&apos;\" tests=\"1\" "
                              "failures=\"1\" errors=\"0\">"));
    assert_non_null(
        strstr(s, "<failure type=\"RULE_X\" message=\"bad&#10;thing 100%   &lt;here&gt;\">"));
    assert_null(strchr(s, '\x01'));
    free(s);
    s = report(CHK_JUNIT, CHK_PARSE_ERROR);
    assert_non_null(strstr(s, "<error type=\"RULE_X\""));
    assert_non_null(strstr(s, "errors=\"1\""));
    free(s);
    s = report(CHK_GITHUB, CHK_INCOMPATIBLE);
    assert_string_equal(s, "::error file=dir%2Cx%3Ay%25.avsc,title=RULE_X::a<b>&\"c' version 2 at "
                           "/fields/0: bad%0Athing 100%25 \x01 <here>\n");
    free(s);
    s = report(CHK_GITHUB, CHK_COMPATIBLE);
    assert_string_equal(s, "::notice file=dir%2Cx%3Ay%25.avsc,title=cairn check::a<b>&\"c' is "
                           "compatible (BACKWARD)\n");
    free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_and_numbers), cmocka_unit_test(test_reference_parse),
        cmocka_unit_test(test_local_check),        cmocka_unit_test(test_refset),
        cmocka_unit_test(test_report_formats),
    };
    return cmocka_run_group_tests_name("cli_check", tests, NULL, NULL);
}
