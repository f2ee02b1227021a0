/* SPDX-License-Identifier: Apache-2.0
 *
 * Shared Kafka plumbing of `cairn produce|consume|topic`: the --bootstrap and --kafka-property
 * flags (CAIRN_BOOTSTRAP_SERVERS fallback), the --type of produce and consume, and librdkafka
 * conf and handle construction.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clients/cli_kafka_int.h"

int cli_kafka_opt(cli_kafka_opts_t *o, const char *cmd, int c, const char *arg) {
    if (c == CLI_OPT_BOOTSTRAP) {
        o->bootstrap = arg;
        return 0;
    }
    if (c != CLI_OPT_KAFKA_PROP)
        return 1;
    if (o->n_props >= CLI_MAX_PROPS || !strchr(arg, '=')) {
        cli_usage_error(cmd, "--kafka-property wants KEY=VALUE (at most 64)", arg);
        return -1;
    }
    o->props[o->n_props++] = arg;
    return 0;
}

bool cli_kafka_set(rd_kafka_conf_t *conf, const char *cmd, const char *key, const char *value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr)) == RD_KAFKA_CONF_OK)
        return true;
    fprintf(stderr, "%s: %s\n", cmd, errstr);
    return false;
}

rd_kafka_conf_t *cli_kafka_conf(const cli_kafka_opts_t *o, const char *cmd) {
    const char *bs = o->bootstrap ? o->bootstrap : getenv("CAIRN_BOOTSTRAP_SERVERS");
    rd_kafka_conf_t *conf;
    bool ok;
    if (!bs || !*bs) {
        fprintf(stderr,
                "%s: no brokers: give --bootstrap HOST:PORT or set "
                "CAIRN_BOOTSTRAP_SERVERS\n",
                cmd);
        return NULL;
    }
    if (!(conf = rd_kafka_conf_new()))
        return NULL;
    ok = cli_kafka_set(conf, cmd, "bootstrap.servers", bs);
    for (size_t i = 0; ok && i < o->n_props; i++) {
        char key[256];
        const char *eq = strchr(o->props[i], '=');
        size_t kl = (size_t)(eq - o->props[i]);
        if (kl >= sizeof(key)) {
            fprintf(stderr, "%s: property name too long\n", cmd);
            ok = false;
            break;
        }
        memcpy(key, o->props[i], kl);
        key[kl] = 0;
        ok = cli_kafka_set(conf, cmd, key, eq + 1);
    }
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

rd_kafka_t *cli_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, const char *cmd) {
    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stderr, "%s: %s\n", cmd, errstr);
        rd_kafka_conf_destroy(conf);
    }
    return rk;
}

int cli_type_opt(const char *cmd, const char *arg, cairn_format_t *format) {
    if (cairn_format_parse(arg, format) == CAIRN_OK)
        return 0;
    return cli_usage_error(cmd, "--type is avro, protobuf or json", arg);
}
