/* SPDX-License-Identifier: Apache-2.0
 *
 * cairnd's Kafka side: chooses the `_schemas` store and starts the bundled broker's Kafka
 * listener from the properties. Keys (docs/configuration.md): cairn.kafka.listeners (--kafka,
 * default 127.0.0.1:9092, "off" for none), cairn.kafka.advertised.listeners,
 * auto.create.topics.enable, num.partitions, socket.request.max.bytes, broker.id,
 * group.initial.rebalance.delay.ms, group.min.session.timeout.ms, group.max.session.timeout.ms,
 * cairn.cluster.id; kafkastore.* for the external store (registry/reg_store_kafka.h).
 */
#include "api/cairnd_kafka_int.h"

#include <string.h>
#include <strings.h>

#include "registry/reg_store_kafka.h"

#define CAIRND_KAFKA_DEFAULT_LISTENER "127.0.0.1:9092"

bool cairnd_kafka_external_store(const cn_props_t *props) {
    const char *bs = cn_props_get(props, "kafkastore.bootstrap.servers");
    return bs && *bs;
}

static const char *cairnd_kafka_listener(const cn_props_t *props) {
    return cn_props_get_str(props, "cairn.kafka.listeners", CAIRND_KAFKA_DEFAULT_LISTENER);
}

bool cairnd_kafka_listener_enabled(const cn_props_t *props) {
    const char *l = cairnd_kafka_listener(props);
    return *l && strcasecmp(l, "off") != 0 && strcasecmp(l, "none") != 0;
}

reg_store_t *cairnd_kafka_store_open(const cn_props_t *props, brk_logs_t *logs, const cn_log_t *log,
                                     cn_error_t *err) {
    if (cairnd_kafka_external_store(props))
        return reg_store_kafka_new(props, log, err);
    return reg_store_log_new(logs, cn_props_get_str(props, "kafkastore.topic", "_schemas"), err);
}

typedef struct int_opt {
    const char *key;
    int64_t dflt, min, max;
} int_opt_t;

static const int_opt_t cairnd_kafka_ints[] = {
    {"num.partitions", 1, 1, 100000},
    {"socket.request.max.bytes", 104857600, 1024, 2147483647},
    {"broker.id", 0, 0, 2147483647},
    {"group.initial.rebalance.delay.ms", 0, 0, 600000},
    {"group.min.session.timeout.ms", 6000, 1, 86400000},
    {"group.max.session.timeout.ms", 1800000, 1, 86400000},
};

static cn_err_t cairnd_kafka_opts(const cn_props_t *props, brk_server_opts_t *o, char *host,
                                  char *adv_host, size_t cap, cn_error_t *err) {
    int64_t v[6];
    const char *adv = cn_props_get(props, "cairn.kafka.advertised.listeners");
    cn_err_t rc = cn_parse_listener(cairnd_kafka_listener(props), host, cap, &o->listen_port, err);
    if (rc == CN_OK && adv && *adv)
        rc = cn_parse_listener(adv, adv_host, cap, &o->advertised_port, err);
    for (size_t i = 0; rc == CN_OK && i < 6; i++)
        rc = cn_props_get_i64(props, cairnd_kafka_ints[i].key, cairnd_kafka_ints[i].dflt,
                              cairnd_kafka_ints[i].min, cairnd_kafka_ints[i].max, &v[i], err);
    if (rc == CN_OK)
        rc = cn_props_get_bool(props, "auto.create.topics.enable", true, &o->auto_create_topics,
                               err);
    if (rc != CN_OK)
        return rc;
    o->listen_host = host;
    o->advertised_host = adv && *adv ? adv_host : NULL;
    o->default_partitions = (int32_t)v[0];
    o->max_request_bytes = (size_t)v[1];
    o->node_id = (int32_t)v[2];
    o->group_initial_rebalance_delay_ms = (int32_t)v[3];
    o->group_min_session_timeout_ms = (int32_t)v[4];
    o->group_max_session_timeout_ms = (int32_t)v[5];
    o->cluster_id = cn_props_get_str(props, "cairn.cluster.id", "cairn");
    return CN_OK;
}

cn_err_t cairnd_kafka_listener_start(const cn_props_t *props, brk_logs_t *logs, const cn_log_t *log,
                                     brk_server_t **out, cn_error_t *err) {
    char host[256], adv_host[256];
    brk_server_opts_t o;
    brk_server_t *srv;
    cn_err_t rc;
    *out = NULL;
    if (!cairnd_kafka_listener_enabled(props))
        return CN_OK;
    brk_server_opts_defaults(&o);
    o.log = log;
    rc = cairnd_kafka_opts(props, &o, host, adv_host, sizeof(host), err);
    if (rc != CN_OK)
        return rc;
    if (!(srv = brk_server_new(logs, &o, err)))
        return err ? err->code : CN_ERR_IO;
    if ((rc = brk_server_start(srv, err)) != CN_OK) {
        brk_server_free(srv);
        return rc;
    }
    cn_log_info(log, "Kafka listener on %s:%d", host, brk_server_port(srv));
    *out = srv;
    return CN_OK;
}
