/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal to the Kafka commands (`cairn produce|consume|topic`): the shared Kafka flags
 * (--bootstrap, --kafka-property) and librdkafka handle construction.
 */
#ifndef CLI_KAFKA_INT_H
#define CLI_KAFKA_INT_H

#include <librdkafka/rdkafka.h>

#include "clients/cli_int.h"

enum { CLI_OPT_BOOTSTRAP = 0x1100, CLI_OPT_KAFKA_PROP };

#define CLI_KAFKA_LONGOPTS                                                                         \
    {"bootstrap", required_argument, NULL, CLI_OPT_BOOTSTRAP},                                     \
        {"bootstrap-server", required_argument, NULL, CLI_OPT_BOOTSTRAP}, {                        \
        "kafka-property", required_argument, NULL, CLI_OPT_KAFKA_PROP                              \
    }

#define CLI_KAFKA_USAGE                                                                            \
    "kafka options:\n"                                                                             \
    "  --bootstrap HOST:PORT[,...]  brokers [CAIRN_BOOTSTRAP_SERVERS]\n"                           \
    "  --kafka-property K=V         any librdkafka property, repeatable\n"

typedef struct cli_kafka_opts {
    const char *bootstrap;
    const char *props[CLI_MAX_PROPS];
    size_t n_props;
} cli_kafka_opts_t;

/** @brief Handle a shared Kafka flag: 1 when c is not one, 0 handled, -1 usage error. */
int cli_kafka_opt(cli_kafka_opts_t *o, const char *cmd, int c, const char *arg);
/** @brief --type avro|protobuf|json (any case) into *format: 0, or a usage error's exit code. */
int cli_type_opt(const char *cmd, const char *arg, cairn_format_t *format);
/** @brief A conf with bootstrap.servers and the properties; NULL (printed) on error. */
rd_kafka_conf_t *cli_kafka_conf(const cli_kafka_opts_t *o, const char *cmd);
/** @brief Set one property; false (printed) on error. */
bool cli_kafka_set(rd_kafka_conf_t *conf, const char *cmd, const char *key, const char *value);
/** @brief A client of type from conf (taken, also on failure); NULL (printed) on error. */
rd_kafka_t *cli_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, const char *cmd);

#endif
