/* SPDX-License-Identifier: Apache-2.0
 *
 * Private to the Kafka-cluster store backend (reg_store_kafka.c, reg_kafka_topic.c): the
 * librdkafka configuration built from `kafkastore.*` properties and the topic check.
 */
#ifndef REG_KAFKA_INT_H
#define REG_KAFKA_INT_H

#include <librdkafka/rdkafka.h>

#include "common/cn_err.h"
#include "common/cn_log.h"
#include "common/cn_props.h"

/** Settings read from the properties (see reg_store_kafka.h). */
typedef struct reg_kafka_cfg {
    const char *topic;       /* borrowed from the props */
    int64_t timeout_ms;      /* kafkastore.timeout.ms */
    int64_t init_timeout_ms; /* kafkastore.init.timeout.ms */
    int64_t replication;     /* kafkastore.topic.replication.factor */
} reg_kafka_cfg_t;

cn_err_t reg_kafka_cfg_read(const cn_props_t *props, reg_kafka_cfg_t *cfg, cn_error_t *err);
/** @brief A librdkafka config with bootstrap.servers and every pass-through `kafkastore.X`;
 *  NULL (err set) when librdkafka refuses a key or value. Owned by the caller. */
rd_kafka_conf_t *reg_kafka_conf_new(const cn_props_t *props, cn_error_t *err);
/** @brief Set one librdkafka property or fail with a message naming it. */
cn_err_t reg_kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value,
                            cn_error_t *err);
/** @brief Create the topic when missing (1 partition, compact), then refuse it unless it has
 *  exactly one partition and cleanup.policy=compact. */
cn_err_t reg_kafka_topic_ensure(rd_kafka_t *rk, const reg_kafka_cfg_t *cfg, const cn_log_t *log,
                                cn_error_t *err);

#endif
