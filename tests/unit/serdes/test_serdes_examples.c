/* SPDX-License-Identifier: Apache-2.0
 *
 * The example programs (serdes/examples, built into $CAIRN_BUILD/examples) against the mock
 * registry in --hex mode: the producer frames JSON lines, the consumer turns framed hex back
 * into JSON, with and without a reader schema, and both fail cleanly on bad input.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/serdes/serdes_test_util.h"

#define PAY                                                                                        \
    "{\"type\":\"record\",\"name\":\"Pay\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"amt\","  \
    "\"type\":\"long\"}]}"
#define PAY2                                                                                       \
    "{\"type\":\"record\",\"name\":\"Pay\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"amt\","  \
    "\"type\":\"double\"},{\"name\":\"cur\",\"type\":\"string\",\"default\":\"EUR\"}]}"

typedef struct fx {
    mock_registry_t *mr;
    char *dir;
    char v1[512], v2[512], in[512], out[512];
} fx_t;

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path) {
    FILE *f = fopen(path, "r");
    char *buf = calloc(1, 65536);
    size_t n;
    assert_non_null(f);
    n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    char prog[512];
    snprintf(prog, sizeof(prog), "%s/examples/cairn_avro_producer", tu_build_dir());
    if (access(prog, X_OK) != 0) {
        free(f);
        skip();
    }
    f->mr = mr_start();
    f->dir = tu_tmpdir("serdes-ex");
    snprintf(f->v1, sizeof(f->v1), "%s/v1.avsc", f->dir);
    snprintf(f->v2, sizeof(f->v2), "%s/v2.avsc", f->dir);
    snprintf(f->in, sizeof(f->in), "%s/in.txt", f->dir);
    snprintf(f->out, sizeof(f->out), "%s/out.txt", f->dir);
    write_file(f->v1, PAY);
    write_file(f->v2, PAY2);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    mr_stop(f->mr);
    tu_tmpdir_free(f->dir);
    free(f);
    return 0;
}

/* Run an example with stdin from f->in and stdout into f->out; returns the exit status. */
static int run(fx_t *f, const char *prog, const char *args) {
    char cmd[2048];
    int st;
    snprintf(cmd, sizeof(cmd), "%s/examples/%s -r %s %s < %s > %s 2>/dev/null", tu_build_dir(),
             prog, mr_url(f->mr), args, f->in, f->out);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_examples_round_trip(void **state) {
    fx_t *f = *state;
    char args[1024], *out;
    write_file(f->in, "{\"amt\":42}\n\n{\"amt\":-1}\n");
    snprintf(args, sizeof(args), "-t payments -s %s --hex", f->v1);
    assert_int_equal(run(f, "cairn_avro_producer", args), 0);
    out = read_text(f->out);
    assert_string_equal(out, "000000000154\n000000000101\n");
    write_file(f->in, out);
    free(out);
    assert_int_equal(run(f, "cairn_avro_consumer", "--hex"), 0);
    out = read_text(f->out);
    assert_string_equal(out, "{\"amt\":42}\n{\"amt\":-1}\n");
    free(out);
    snprintf(args, sizeof(args), "--hex --reader %s", f->v2);
    write_file(f->in, "000000000154\n");
    assert_int_equal(run(f, "cairn_avro_consumer", args), 0);
    out = read_text(f->out);
    st_assert_json(out, "{\"amt\":42.0,\"cur\":\"EUR\"}");
    free(out);
}

static void test_examples_errors(void **state) {
    fx_t *f = *state;
    char args[1024];
    write_file(f->in, "{\"amt\":\"no\"}\n");
    snprintf(args, sizeof(args), "-t payments -s %s --hex", f->v1);
    assert_int_equal(run(f, "cairn_avro_producer", args), 1);
    write_file(f->in, "7b7d\n");
    assert_int_equal(run(f, "cairn_avro_consumer", "--hex"), 1);
    assert_int_equal(run(f, "cairn_avro_consumer", "--hex -X no.such.key=1"), 1);
    assert_int_equal(run(f, "cairn_avro_producer", "-t x"), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_examples_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_examples_errors, setup, teardown),
    };
    return cmocka_run_group_tests_name("serdes_examples", tests, NULL, NULL);
}
