/* SPDX-License-Identifier: Apache-2.0
 *
 * The `cairn` command line: one entry point per subcommand (cairn_main.c holds the table) and
 * the helpers they share. Exit codes: 0 success, 1 usage or I/O error, 2 a schema does not parse,
 * 100 incompatible (cairn check).
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdio.h>

#include "common/cn_err.h"

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = 1,
    CLI_EXIT_INVALID_SCHEMA = 2,
    CLI_EXIT_INCOMPATIBLE = 100,
};

/** A subcommand: argv[0] is the subcommand name. */
typedef int (*cli_cmd_fn)(int argc, char **argv);

/** @brief `cairn check`: offline compatibility of schema files. */
int cli_check_main(int argc, char **argv);

/** @brief Read a whole file (at most limit bytes) into a malloc'ed NUL-terminated buffer. */
cn_err_t cli_read_file(const char *path, size_t limit, char **out, size_t *len_out,
                       cn_error_t *err);

#endif
