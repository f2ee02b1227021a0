/* SPDX-License-Identifier: Apache-2.0
 *
 * The C side of test_avro_differential.py. Given PAIRS OUT, it reads one pair per line
 * ("reader<TAB>writer", JSON schemas) and writes one line per pair: "1" compatible or "0"
 * incompatible, then a TAB and the reader's Parsing Canonical Form, or "E <message>" when a
 * schema does not parse. Run without arguments (as tests/run does) it checks a few known pairs
 * through the same code path.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "compat/avro/compat_avro.h"
#include "compat/compat.h"

/* "1", "0" or "E ..." for one pair, into out; the reader's PCF appended to pcf when given. */
static void verdict(const char *reader, const char *writer, char *out, size_t cap, cn_buf_t *pcf) {
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    cn_error_t err;
    compat_avro_result_t res = {0};
    compat_schema_t *r = compat_schema_parse(reader, strlen(reader), &po, &err), *w = NULL;
    if (r)
        w = compat_schema_parse(writer, strlen(writer), &po, &err);
    if (!r || !w)
        snprintf(out, cap, "E %s", err.msg);
    else if (compat_avro_check(compat_avro_root(compat_schema_avro(r)),
                               compat_avro_root(compat_schema_avro(w)), &res, &err) != CN_OK)
        snprintf(out, cap, "E %s", err.msg);
    else
        snprintf(out, cap, "%d", compat_avro_result_ok(&res) ? 1 : 0);
    if (pcf && r && w && out[0] != 'E' &&
        compat_avro_print_pcf(compat_schema_avro(r), pcf, &err) != CN_OK)
        snprintf(out, cap, "E %s", err.msg);
    compat_avro_result_fini(&res);
    compat_schema_free(r);
    compat_schema_free(w);
}

static int run_file(const char *in_path, const char *out_path) {
    FILE *in = fopen(in_path, "r"), *out = fopen(out_path, "w");
    char *line = NULL, v[CN_ERROR_MSG_MAX + 8];
    size_t cap = 0;
    ssize_t n;
    if (!in || !out) {
        perror("avro_diff_check");
        return 1;
    }
    while ((n = getline(&line, &cap, in)) > 0) {
        char *tab = strchr(line, '\t');
        if (line[n - 1] == '\n')
            line[n - 1] = 0;
        if (!tab) {
            fprintf(out, "E no tab\n");
            continue;
        }
        *tab = 0;
        cn_buf_t pcf;
        cn_buf_init(&pcf, CN_BUF_NO_LIMIT);
        verdict(line, tab + 1, v, sizeof(v), &pcf);
        fprintf(out, "%s\t%s\n", v, cn_buf_cstr(&pcf) ? cn_buf_cstr(&pcf) : "");
        cn_buf_fini(&pcf);
    }
    free(line);
    fclose(in);
    return fclose(out) == 0 ? 0 : 1;
}

static void test_known_pairs(void **state) {
    static const char *const pairs[][3] = {
        {"\"long\"", "\"int\"", "1"},
        {"\"int\"", "\"long\"", "0"},
        {"[\"null\",\"int\"]", "\"int\"", "1"},
        {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
         "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}", "0"},
        {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":\"A\"}",
         "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}", "1"},
        {"{\"type\":\"record\"}", "\"int\"", "E"},
    };
    char v[CN_ERROR_MSG_MAX + 8];
    (void)state;
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        verdict(pairs[i][0], pairs[i][1], v, sizeof(v), NULL);
        assert_int_equal(v[0], pairs[i][2][0]);
    }
}

int main(int argc, char **argv) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_known_pairs)};
    if (argc == 3)
        return run_file(argv[1], argv[2]);
    return cmocka_run_group_tests_name("avro_diff_check", tests, NULL, NULL);
}
