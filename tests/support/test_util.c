/* SPDX-License-Identifier: Apache-2.0
 *
 * Test fixtures shared by the cmocka programs (see test_util.h).
 */
#include "tests/support/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/cn_fs.h"

char *tu_tmpdir(const char *tag) {
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    char *path;
    snprintf(tmpl, sizeof(tmpl), "%s/cairn-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    path = mkdtemp(tmpl);
    if (!path)
        fail_msg("mkdtemp %s failed", tmpl);
    return strdup(path);
}

void tu_tmpdir_free(char *path) {
    if (!path)
        return;
    cn_fs_rmtree(path, NULL);
    free(path);
}

void tu_data_path(char *out, size_t cap, const char *rel) {
    const char *root = getenv("CAIRN_ROOT");
    snprintf(out, cap, "%s/tests/data/%s", root && *root ? root : ".", rel);
}

char *tu_read_data(const char *rel, size_t *len_out) {
    char path[4096];
    char *data = NULL;
    cn_error_t err;
    tu_data_path(path, sizeof(path), rel);
    if (cn_fs_read_all(path, 256u << 20, &data, len_out, &err) != CN_OK)
        fail_msg("%s", err.msg);
    return data;
}

char *tu_read_corpus(const char *rel, size_t *len_out) {
    const char *dir = getenv("CAIRN_CORPUS_DIR"), *root = getenv("CAIRN_ROOT");
    char path[4096];
    char *data = NULL;
    cn_error_t err;
    if (!dir || !*dir) {
        printf("SKIP: %s needs CAIRN_CORPUS_DIR (see tests/data/corpus/README.md)\n", rel);
        skip();
        return NULL;
    }
    if (dir[0] == '/')
        snprintf(path, sizeof(path), "%s/%s", dir, rel);
    else
        snprintf(path, sizeof(path), "%s/%s/%s", root && *root ? root : ".", dir, rel);
    if (cn_fs_read_all(path, 256u << 20, &data, len_out, &err) != CN_OK) {
        printf("SKIP: %s not readable (CAIRN_CORPUS_DIR=%s): %s\n", rel, dir, err.msg);
        skip();
        return NULL;
    }
    return data;
}

int tu_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
                 CMFixtureFunction setup, CMFixtureFunction teardown) {
    const char *filter = getenv("CAIRN_TEST_FILTER");
    if (filter && *filter)
        cmocka_set_test_filter(filter);
    return _cmocka_run_group_tests(name, tests, n, setup, teardown);
}

int tu_free_port(void) {
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        fail_msg("cannot find a free port");
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

const char *tu_build_dir(void) {
    const char *b = getenv("CAIRN_BUILD");
    return b && *b ? b : "build";
}

void tu_hexdiff(const void *a, size_t alen, const void *b, size_t blen) {
    const unsigned char *pa = a, *pb = b;
    size_t n = alen > blen ? alen : blen;
    fprintf(stderr, "lengths %zu vs %zu\n", alen, blen);
    for (size_t i = 0, shown = 0; i < n && shown < 32; i++) {
        int ca = i < alen ? pa[i] : -1, cb = i < blen ? pb[i] : -1;
        if (ca != cb) {
            fprintf(stderr, "  @%zu: %02x vs %02x\n", i, ca & 0xff, cb & 0xff);
            shown++;
        }
    }
}

unsigned tu_seed(void) {
    const char *s = getenv("CAIRN_TEST_SEED");
    unsigned seed = s && *s ? (unsigned)strtoul(s, NULL, 10) : (unsigned)time(NULL);
    fprintf(stderr, "CAIRN_TEST_SEED=%u\n", seed);
    return seed;
}
