/* SPDX-License-Identifier: Apache-2.0
 *
 * An in-process schema registry for the serdes tests and benchmark: libmicrohttpd on a loopback
 * port answering Confluent's shapes
 * (docs.confluent.io/platform/current/schema-registry/develop/api.html) for GET /schemas/ids/{id},
 * POST /subjects/{s}/versions, POST /subjects/{s} and GET /subjects/{s}/versions/latest. It counts
 * requests, can fail the next N requests with a status, can delay answers, can require an
 * Authorization header, and remembers the last request line and one chosen request header.
 */
#ifndef MOCK_REGISTRY_H
#define MOCK_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

typedef struct mock_registry mock_registry_t;

/** @brief Start on 127.0.0.1 with an OS-chosen port; NULL on failure. */
mock_registry_t *mr_start(void);
/** @brief The same over TLS with a PEM certificate and key (contents, not paths); the URL is
 *  https://<host>:PORT with host as given (e.g. "localhost" to match the certificate). */
mock_registry_t *mr_start_tls(const char *cert_pem, const char *key_pem, const char *host);
void mr_stop(mock_registry_t *mr);
/** @brief "http://127.0.0.1:PORT" or the TLS URL (borrowed). */
const char *mr_url(const mock_registry_t *mr);
int mr_port(const mock_registry_t *mr);
/** @brief Requests answered so far (all paths, failures included). */
uint64_t mr_requests(mock_registry_t *mr);
/** @brief Answer the next n requests with status (e.g. 503) and a Confluent error body. */
void mr_fail_next(mock_registry_t *mr, int n, int status);
/** @brief Delay every answer by ms milliseconds (to make concurrent misses overlap). */
void mr_delay(mock_registry_t *mr, int ms);
/** @brief Require this exact Authorization header value (NULL: none required). */
void mr_require_auth(mock_registry_t *mr, const char *value);
/** @brief Remember the value of this request header (see mr_last_header). */
void mr_watch_header(mock_registry_t *mr, const char *name);
/** @brief Copy of the last watched header value / last "METHOD /path?query" into out. */
void mr_last_header(mock_registry_t *mr, char *out, size_t cap);
void mr_last_request(mock_registry_t *mr, char *out, size_t cap);
/** @brief Register directly (no HTTP): returns the id (same text -> same id). */
int32_t mr_add(mock_registry_t *mr, const char *subject, const char *schema);

#endif
