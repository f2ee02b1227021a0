/* SPDX-License-Identifier: Apache-2.0
 *
 * The REST server (docs/internals.md, api/): libmicrohttpd with a thread pool and every limit set
 * explicitly (the daemon options of www.gnu.org/software/libmicrohttpd/manual/libmicrohttpd.html;
 * the connection timeout is off by default), our own body limit and request deadline, content
 * negotiation (the media types of Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html) and the route table over the
 * registry.
 *
 * Ownership: the server borrows the registry and the log; api_server_stop frees the server.
 */
#ifndef API_SERVER_INT_H
#define API_SERVER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"
#include "common/cn_log.h"
#include "registry/reg_registry.h"

typedef struct api_config {
    const char *host;        /* numeric IPv4 address, "0.0.0.0" for all */
    int port;                /* 0: any free port (api_server_port tells) */
    unsigned threads;        /* thread pool size */
    unsigned conn_limit;     /* MHD_OPTION_CONNECTION_LIMIT */
    unsigned per_ip_limit;   /* MHD_OPTION_PER_IP_CONNECTION_LIMIT */
    unsigned idle_timeout_s; /* MHD_OPTION_CONNECTION_TIMEOUT (inactivity) */
    size_t conn_memory;      /* MHD_OPTION_CONNECTION_MEMORY_LIMIT (caps headers) */
    size_t body_limit;       /* request body bytes; 413 beyond */
    int64_t deadline_ms;     /* total time to receive one request */
    int search_limit;        /* GET /schemas default and maximum limit */
    bool incompatible_40901; /* error_code 40901 instead of 409 */
    const char *cluster_id;  /* /v1/metadata/id */
} api_config_t;

typedef struct api_server api_server_t;

void api_config_defaults(api_config_t *cfg);
api_server_t *api_server_start(const api_config_t *cfg, reg_registry_t *reg, const cn_log_t *log,
                               cn_error_t *err);
/** @brief The port actually bound. */
int api_server_port(const api_server_t *srv);
/** @brief Stop accepting, finish running requests, free. NULL is fine. */
void api_server_stop(api_server_t *srv);

#endif
