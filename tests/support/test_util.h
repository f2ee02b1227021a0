/* SPDX-License-Identifier: Apache-2.0
 *
 * What every cmocka test program includes first: the headers cmocka 1.1.5 needs before
 * <cmocka.h> (in this order, which is why clang-format must not sort includes), and fixtures:
 * temporary directories, data files under tests/data, the corpora outside the repository, free
 * loopback ports, hex dumps; and the test filter of `make unit F=...`.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>

/** @brief Create a fresh directory under $TMPDIR (or /tmp) named after tag; returns a
 *  malloc'ed path. Fails the test when it cannot. */
char *tu_tmpdir(const char *tag);
/** @brief Remove a directory tree made by tu_tmpdir and free the path. */
void tu_tmpdir_free(char *path);
/** @brief The path of a file under tests/data (relative to $CAIRN_ROOT or the working
 *  directory), in a static-free caller buffer. */
void tu_data_path(char *out, size_t cap, const char *rel);
/** @brief Read a whole data file (malloc'ed, NUL-terminated); fails the test when missing. */
char *tu_read_data(const char *rel, size_t *len_out);
/** @brief Read a whole file of a corpus that the repository does not redistribute
 *  (tests/data/corpus/README.md): $CAIRN_CORPUS_DIR/rel, a relative $CAIRN_CORPUS_DIR being taken
 *  from $CAIRN_ROOT. When the variable is unset or the file is missing, prints why and skips the
 *  test (cmocka's skip()). */
char *tu_read_corpus(const char *rel, size_t *len_out);
/** @brief Run a group of tests, first applying $CAIRN_TEST_FILTER (cmocka's glob over test names,
 *  `*` and `?`; set by `make unit F=...`) with cmocka_set_test_filter(). */
int tu_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
                 CMFixtureFunction setup, CMFixtureFunction teardown);
/** @brief A TCP port on 127.0.0.1 that was free a moment ago. */
int tu_free_port(void);
/** @brief The build folder ($CAIRN_BUILD, default "build"). */
const char *tu_build_dir(void);
/** @brief Print two byte buffers side by side in hex where they differ. */
void tu_hexdiff(const void *a, size_t alen, const void *b, size_t blen);
/** @brief Seed for randomized tests: $CAIRN_TEST_SEED or the time; printed once. */
unsigned tu_seed(void);

/* Every program's cmocka_run_group_tests goes through tu_run_group, so F= reaches them all. */
#undef cmocka_run_group_tests
#define cmocka_run_group_tests(tests, setup, teardown)                                             \
    tu_run_group(#tests, (tests), sizeof(tests) / sizeof((tests)[0]), (setup), (teardown))
#undef cmocka_run_group_tests_name
#define cmocka_run_group_tests_name(name, tests, setup, teardown)                                  \
    tu_run_group((name), (tests), sizeof(tests) / sizeof((tests)[0]), (setup), (teardown))

#define assert_bytes_equal(a, alen, b, blen)                                                       \
    do {                                                                                           \
        if ((alen) != (blen) || memcmp((a), (b), (alen)) != 0) {                                   \
            tu_hexdiff((a), (alen), (b), (blen));                                                  \
            fail_msg("byte buffers differ");                                                       \
        }                                                                                          \
    } while (0)

#endif
