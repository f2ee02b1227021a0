/* SPDX-License-Identifier: Apache-2.0
 *
 * cairnd's Kafka side (docs/configuration.md; issue 5): where `_schemas` lives (the bundled
 * broker's log, or an existing Kafka cluster when kafkastore.bootstrap.servers is set) and the
 * bundled broker's Kafka listener (cairn.kafka.listeners, --kafka; "off" runs without one).
 */
#ifndef CAIRND_KAFKA_INT_H
#define CAIRND_KAFKA_INT_H

#include <stdbool.h>

#include "broker/log/brk_log.h"
#include "broker/server/brk_server.h"
#include "common/cn_err.h"
#include "common/cn_log.h"
#include "common/cn_props.h"
#include "registry/reg_store.h"

/** @brief Whether the registry keeps `_schemas` in an external Kafka cluster. */
bool cairnd_kafka_external_store(const cn_props_t *props);
/** @brief Whether the bundled broker's Kafka listener is on (not "off" / empty). */
bool cairnd_kafka_listener_enabled(const cn_props_t *props);
/** @brief The `_schemas` store: a Kafka-cluster store when kafkastore.bootstrap.servers is set,
 *  else the topic on logs (which must then be open). Owned by the caller (reg_store_free). */
reg_store_t *cairnd_kafka_store_open(const cn_props_t *props, brk_logs_t *logs, const cn_log_t *log,
                                     cn_error_t *err);
/** @brief Start the Kafka listener on logs from the cairn.kafka.* / Kafka broker keys; *out is
 *  NULL when the listener is off. Owned by the caller (brk_server_stop, brk_server_free). */
cn_err_t cairnd_kafka_listener_start(const cn_props_t *props, brk_logs_t *logs, const cn_log_t *log,
                                     brk_server_t **out, cn_error_t *err);

#endif
