/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn`: the command line's entry point and its subcommand table. Each subcommand lives in
 * its own clients/cli_<name>.c and receives argv starting at its own name.
 */
#include <stdio.h>
#include <string.h>

#include "clients/cli_int.h"

typedef struct cli_cmd {
    const char *name;
    cli_cmd_fn fn;
    const char *summary;
} cli_cmd_t;

static const cli_cmd_t commands[] = {
    {"check", cli_check_main, "check schema files for compatibility (CI gate), offline or online"},
    {"validate", cli_validate_main, "validate JSON documents against a JSON Schema, offline"},
    {"schema", cli_schema_main, "register, get, list, look up and delete schemas"},
    {"config", cli_config_main, "get, set and delete compatibility levels"},
    {"mode", cli_mode_main, "get, set and delete registry modes"},
    {"produce", cli_produce_main, "produce JSON lines as Avro (Confluent wire format) to Kafka"},
    {"consume", cli_consume_main, "consume Avro messages from Kafka as JSON lines"},
    {"topic", cli_topic_main, "create, list, describe and delete Kafka topics"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: cairn <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`cairn <command> --help` describes a command.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "cairn: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
