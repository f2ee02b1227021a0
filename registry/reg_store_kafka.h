/* SPDX-License-Identifier: Apache-2.0
 *
 * The Kafka-cluster store backend (docs/configuration.md, `_schemas` on an existing Kafka cluster;
 * Confluent's KafkaStore): `_schemas` lives in an existing Kafka cluster reached through librdkafka
 * instead of the bundled broker's log. Implements the reg_store_t table of reg_store.h.
 *
 * At creation it makes sure the topic exists (creating it with 1 partition, cleanup.policy=compact
 * and replication min(kafkastore.topic.replication.factor, live brokers)) and refuses a topic that
 * has more than one partition or another cleanup policy. Appends produce to partition 0 with an
 * idempotent producer and acks=all and wait for the acknowledgement (kafkastore.timeout.ms);
 * reads assign partition 0 at the requested offset and consume up to the high watermark sampled
 * at the call.
 */
#ifndef REG_STORE_KAFKA_H
#define REG_STORE_KAFKA_H

#include "common/cn_err.h"
#include "common/cn_log.h"
#include "common/cn_props.h"
#include "registry/reg_store.h"

/** @brief Connect to the cluster named by `kafkastore.bootstrap.servers` in props. Other keys:
 *  `kafkastore.topic` (default _schemas), `kafkastore.timeout.ms` (500),
 *  `kafkastore.init.timeout.ms` (60000), `kafkastore.topic.replication.factor` (3); every other
 *  `kafkastore.X` key is passed to librdkafka as X (security.protocol, sasl.*, ssl.*, ...), and a
 *  key librdkafka does not know is an error naming it. log may be NULL.
 *  Errors: CN_ERR_INVALID_CONFIG, CN_ERR_STORE (cluster unreachable, topic not 1 partition or not
 *  compact), CN_ERR_STORE_TIMEOUT. */
reg_store_t *reg_store_kafka_new(const cn_props_t *props, const cn_log_t *log, cn_error_t *err);

#endif
