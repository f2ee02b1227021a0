/* SPDX-License-Identifier: Apache-2.0
 *
 * The `_schemas` topic on a Kafka cluster: configuration from `kafkastore.*` properties, and the
 * start-up check Confluent's KafkaStore makes (create when missing; exactly one partition and
 * cleanup.policy=compact, or refuse to start), through librdkafka's Metadata and Admin APIs.
 */
#include "registry/reg_kafka_int.h"

#include <stdio.h>
#include <string.h>

/* Our own keys; everything else under kafkastore. goes to librdkafka. */
static const char *const reg_kafka_own_keys[] = {"kafkastore.bootstrap.servers",
                                                 "kafkastore.topic",
                                                 "kafkastore.timeout.ms",
                                                 "kafkastore.init.timeout.ms",
                                                 "kafkastore.topic.replication.factor",
                                                 NULL};

static bool reg_kafka_is_own_key(const char *key) {
    for (size_t i = 0; reg_kafka_own_keys[i]; i++)
        if (strcmp(key, reg_kafka_own_keys[i]) == 0)
            return true;
    return false;
}

cn_err_t reg_kafka_cfg_read(const cn_props_t *props, reg_kafka_cfg_t *cfg, cn_error_t *err) {
    cn_err_t rc;
    cfg->topic = cn_props_get_str(props, "kafkastore.topic", "_schemas");
    if (!*cfg->topic)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "kafkastore.topic is empty");
    rc = cn_props_get_i64(props, "kafkastore.timeout.ms", 500, 1, 3600000, &cfg->timeout_ms, err);
    if (rc == CN_OK)
        rc = cn_props_get_i64(props, "kafkastore.init.timeout.ms", 60000, 1, 86400000,
                              &cfg->init_timeout_ms, err);
    if (rc == CN_OK)
        rc = cn_props_get_i64(props, "kafkastore.topic.replication.factor", 3, 1, 32767,
                              &cfg->replication, err);
    return rc;
}

cn_err_t reg_kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value,
                            cn_error_t *err) {
    char msg[512];
    if (rd_kafka_conf_set(conf, key, value, msg, sizeof(msg)) != RD_KAFKA_CONF_OK)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "kafkastore.%s: %s", key, msg);
    return CN_OK;
}

rd_kafka_conf_t *reg_kafka_conf_new(const cn_props_t *props, cn_error_t *err) {
    const char *bootstrap = cn_props_get(props, "kafkastore.bootstrap.servers");
    rd_kafka_conf_t *conf;
    cn_err_t rc;
    if (!bootstrap || !*bootstrap) {
        cn_error_set(err, CN_ERR_INVALID_CONFIG, "kafkastore.bootstrap.servers is not set");
        return NULL;
    }
    conf = rd_kafka_conf_new();
    rc = reg_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err);
    for (size_t i = 0; rc == CN_OK && i < cn_props_count(props); i++) {
        const char *key, *value;
        cn_props_at(props, i, &key, &value);
        if (strncmp(key, "kafkastore.", 11) != 0 || reg_kafka_is_own_key(key))
            continue;
        rc = reg_kafka_conf_set(conf, key + 11, value, err);
    }
    if (rc != CN_OK) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

/* Partition count of the topic (0 when it does not exist) and the number of live brokers. */
static cn_err_t reg_kafka_describe(rd_kafka_t *rk, const reg_kafka_cfg_t *cfg, int *partitions,
                                   int *brokers, cn_error_t *err) {
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, (int)cfg->init_timeout_ms);
    if (e)
        return cn_error_set(err,
                            e == RD_KAFKA_RESP_ERR__TIMED_OUT ? CN_ERR_STORE_TIMEOUT : CN_ERR_STORE,
                            "Kafka metadata: %s", rd_kafka_err2str(e));
    *partitions = 0;
    *brokers = md->broker_cnt;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, cfg->topic) == 0 && !md->topics[i].err)
            *partitions = md->topics[i].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return CN_OK;
}

/* Wait for one admin result event of the given type on q. */
static rd_kafka_event_t *reg_kafka_admin_wait(rd_kafka_queue_t *q, int type, int timeout_ms) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms);
    if (ev && rd_kafka_event_type(ev) != type) {
        rd_kafka_event_destroy(ev);
        return NULL;
    }
    return ev;
}

static cn_err_t reg_kafka_create(rd_kafka_t *rk, const reg_kafka_cfg_t *cfg, int rf,
                                 cn_error_t *err) {
    char msg[512];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(cfg->topic, 1, rf, msg, sizeof(msg));
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_event_t *ev;
    cn_err_t rc = CN_OK;
    if (!nt) {
        rd_kafka_queue_destroy(q);
        return cn_error_set(err, CN_ERR_STORE, "create topic %s: %s", cfg->topic, msg);
    }
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    ev = reg_kafka_admin_wait(q, RD_KAFKA_EVENT_CREATETOPICS_RESULT, (int)cfg->init_timeout_ms);
    if (!ev) {
        rc = cn_error_set(err, CN_ERR_STORE_TIMEOUT, "create topic %s: timed out", cfg->topic);
    } else {
        size_t n;
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        rd_kafka_resp_err_t e = rd_kafka_event_error(ev);
        if (!e && n == 1)
            e = rd_kafka_topic_result_error(res[0]);
        if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            rc = cn_error_set(err, CN_ERR_STORE, "create topic %s: %s", cfg->topic,
                              rd_kafka_err2str(e));
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    return rc;
}

/* cleanup.policy of the topic from its DescribeConfigs entries, into out. */
static cn_err_t reg_kafka_policy_of(rd_kafka_event_t *ev, const char *topic, char *out, size_t cap,
                                    cn_error_t *err) {
    size_t nres, ncfg;
    const rd_kafka_ConfigResource_t **res =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &nres);
    const rd_kafka_ConfigEntry_t **entries;
    if (nres != 1 || rd_kafka_ConfigResource_error(res[0]))
        return cn_error_set(err, CN_ERR_STORE, "describe configs of %s: %s", topic,
                            nres == 1 ? rd_kafka_ConfigResource_error_string(res[0]) : "no result");
    entries = rd_kafka_ConfigResource_configs(res[0], &ncfg);
    for (size_t i = 0; i < ncfg; i++) {
        const char *value = rd_kafka_ConfigEntry_value(entries[i]);
        if (strcmp(rd_kafka_ConfigEntry_name(entries[i]), "cleanup.policy") == 0) {
            snprintf(out, cap, "%s", value ? value : "");
            return CN_OK;
        }
    }
    return cn_error_set(err, CN_ERR_STORE, "topic %s: the broker did not report cleanup.policy",
                        topic);
}

static cn_err_t reg_kafka_check_policy(rd_kafka_t *rk, const reg_kafka_cfg_t *cfg,
                                       cn_error_t *err) {
    rd_kafka_ConfigResource_t *cr =
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, cfg->topic);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_event_t *ev;
    char policy[64] = "";
    cn_err_t rc;
    rd_kafka_DescribeConfigs(rk, &cr, 1, NULL, q);
    ev = reg_kafka_admin_wait(q, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, (int)cfg->init_timeout_ms);
    if (!ev)
        rc = cn_error_set(err, CN_ERR_STORE_TIMEOUT, "describe configs of %s: timed out",
                          cfg->topic);
    else if (rd_kafka_event_error(ev))
        rc = cn_error_set(err, CN_ERR_STORE, "describe configs of %s: %s", cfg->topic,
                          rd_kafka_event_error_string(ev));
    else
        rc = reg_kafka_policy_of(ev, cfg->topic, policy, sizeof(policy), err);
    if (rc == CN_OK && strcmp(policy, "compact") != 0)
        rc = cn_error_set(err, CN_ERR_STORE,
                          "The retention policy of the schema topic %s is incorrect: "
                          "cleanup.policy is '%s', it must be 'compact' so that Kafka never "
                          "deletes schemas",
                          cfg->topic, policy);
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_ConfigResource_destroy(cr);
    rd_kafka_queue_destroy(q);
    return rc;
}

cn_err_t reg_kafka_topic_ensure(rd_kafka_t *rk, const reg_kafka_cfg_t *cfg, const cn_log_t *log,
                                cn_error_t *err) {
    int partitions = 0, brokers = 0;
    cn_err_t rc = reg_kafka_describe(rk, cfg, &partitions, &brokers, err);
    if (rc == CN_OK && partitions == 0) {
        int rf = (int)(cfg->replication < brokers ? cfg->replication : brokers);
        if (rf < cfg->replication)
            cn_log_warn(log, "creating %s with replication factor %d: only %d live brokers",
                        cfg->topic, rf, brokers);
        rc = reg_kafka_create(rk, cfg, rf > 0 ? rf : 1, err);
        if (rc == CN_OK)
            rc = reg_kafka_describe(rk, cfg, &partitions, &brokers, err);
    }
    if (rc == CN_OK && partitions != 1)
        rc = cn_error_set(err, CN_ERR_STORE,
                          "The schema topic %s should have exactly 1 partition but has %d",
                          cfg->topic, partitions);
    if (rc == CN_OK)
        rc = reg_kafka_check_policy(rk, cfg, err);
    return rc;
}
