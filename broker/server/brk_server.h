/* SPDX-License-Identifier: Apache-2.0
 *
 * The bundled broker's Kafka listener (docs/kafka.md; the protocol is
 * kafka.apache.org/protocol.html): one epoll thread serving the Kafka wire protocol over a
 * brk_logs_t data directory, with the classic group coordinator and group offsets kept in the
 * compacted `__consumer_offsets` topic. Public entry point for cairnd.
 *
 * Lifecycle: brk_server_new binds and listens (port 0 picks a free port, see brk_server_port),
 * loads the group offsets and the producer-id block; brk_server_start runs the loop in its own
 * thread; brk_server_stop asks it to finish and joins; brk_server_free releases everything (the
 * brk_logs_t stays the caller's).
 */
#ifndef BRK_SERVER_H
#define BRK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "broker/log/brk_log.h"
#include "common/cn_err.h"
#include "common/cn_log.h"

typedef struct brk_server brk_server_t;

typedef struct brk_server_opts {
    const char *listen_host;                  /* "127.0.0.1" by default */
    int listen_port;                          /* 9092 by default; 0 = any free port */
    const char *advertised_host;              /* NULL: listen_host */
    int advertised_port;                      /* 0: the bound port */
    int32_t node_id;                          /* 0 */
    bool auto_create_topics;                  /* auto.create.topics.enable, default true */
    int32_t default_partitions;               /* num.partitions, default 1 */
    size_t max_request_bytes;                 /* socket.request.max.bytes, default 100 MiB */
    int32_t group_initial_rebalance_delay_ms; /* default 0 (Kafka: 3000) */
    int32_t group_min_session_timeout_ms;     /* default 6000 */
    int32_t group_max_session_timeout_ms;     /* default 1800000 */
    const char *cluster_id;                   /* default "cairn" */
    const cn_log_t *log;                      /* optional */
} brk_server_opts_t;

void brk_server_opts_defaults(brk_server_opts_t *opts);
/** @brief Bind, listen and load state. The server borrows logs; it must outlive the server. */
brk_server_t *brk_server_new(brk_logs_t *logs, const brk_server_opts_t *opts, cn_error_t *err);
/** @brief Run the event loop in a new thread. */
cn_err_t brk_server_start(brk_server_t *srv, cn_error_t *err);
/** @brief Stop the loop thread and close every connection. Idempotent. */
void brk_server_stop(brk_server_t *srv);
void brk_server_free(brk_server_t *srv);
/** @brief The bound port (useful with listen_port 0). */
int brk_server_port(const brk_server_t *srv);

#endif
