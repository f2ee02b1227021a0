/* SPDX-License-Identifier: Apache-2.0
 *
 * End to end over Kafka: the serdes example producer writes JSON lines as framed Avro (schema
 * v1) to the bundled broker (brokerd on a loopback port), and the example consumer reads them
 * back through a consumer group with reader schema v2 (schema evolution: a promoted field and
 * an added field with a default). The registry is the in-process mock.
 */
#include "tests/support/test_util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/mock_registry.h"
#include "tests/support/tu_brokerd.h"

#define V1                                                                                         \
    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"e2e\",\"fields\":["                   \
    "{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"item\",\"type\":\"string\"}]}"
#define V2                                                                                         \
    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"e2e\",\"fields\":["                   \
    "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"item\",\"type\":\"string\"},"                 \
    "{\"name\":\"qty\",\"type\":\"int\",\"default\":1}]}"

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_serdes_over_kafka(void **state) {
    char brokerd[512], prog[512], *dir, data[600], v1[600], v2[600], in[600], out[600];
    char cmd[4096], line[256];
    mock_registry_t *mr;
    tu_brokerd_t b;
    FILE *f;
    int n = 0;
    (void)state;
    tu_brokerd_path(brokerd, sizeof(brokerd));
    snprintf(prog, sizeof(prog), "%s/examples/cairn_avro_producer", tu_build_dir());
    if (access(brokerd, X_OK) != 0 || access(prog, X_OK) != 0)
        skip();
    dir = tu_tmpdir("serdes-kafka");
    snprintf(data, sizeof(data), "%s/data", dir);
    snprintf(v1, sizeof(v1), "%s/v1.avsc", dir);
    snprintf(v2, sizeof(v2), "%s/v2.avsc", dir);
    snprintf(in, sizeof(in), "%s/in.jsonl", dir);
    snprintf(out, sizeof(out), "%s/out.jsonl", dir);
    write_file(v1, V1);
    write_file(v2, V2);
    write_file(in, "{\"id\":1,\"item\":\"apple\"}\n{\"id\":2,\"item\":\"pear\"}\n"
                   "{\"id\":3,\"item\":\"fig\"}\n");
    mr = mr_start();
    tu_brokerd_start(&b, data, 0, NULL);
    snprintf(cmd, sizeof(cmd), "%s -r %s -b 127.0.0.1:%d -t orders -s %s < %s", prog, mr_url(mr),
             b.port, v1, in);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof(cmd),
             "%s/examples/cairn_avro_consumer -r %s -b 127.0.0.1:%d -t orders -g e2e -c 3 "
             "-w 20000 --reader %s > %s",
             tu_build_dir(), mr_url(mr), b.port, v2, out);
    assert_int_equal(sh(cmd), 0);
    f = fopen(out, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        static const char *const want[] = {
            "{\"id\":1,\"item\":\"apple\",\"qty\":1}\n",
            "{\"id\":2,\"item\":\"pear\",\"qty\":1}\n",
            "{\"id\":3,\"item\":\"fig\",\"qty\":1}\n",
        };
        assert_true(n < 3);
        assert_string_equal(line, want[n]);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 3);
    tu_brokerd_stop(&b, SIGTERM);
    mr_stop(mr);
    tu_tmpdir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serdes_over_kafka),
    };
    return cmocka_run_group_tests_name("serdes_kafka", tests, NULL, NULL);
}
