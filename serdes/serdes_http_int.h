/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: the registry's HTTP transport on libcurl. Tries the base URLs in order starting with
 * the last one that worked, fails over on transport errors and 5xx, retries whole rounds with
 * exponential backoff and jitter, sends auth, TLS and extra headers from the settings, and turns
 * error answers into serdes_err_t with the HTTP status and Confluent's error_code and message.
 * Thread-safe: easy handles come from a small locked pool; no lock is held during a request.
 */
#ifndef SERDES_HTTP_INT_H
#define SERDES_HTTP_INT_H

#include <stdint.h>

#include "common/cn_buf.h"
#include "common/cn_err.h"
#include "serdes/serdes_conf_int.h"

/** An error as it travels inside serdes: the common error plus what the registry said. */
typedef struct serdes_err {
    cn_error_t e;
    int http_status; /* 0 when no HTTP answer */
    int error_code;  /* Confluent error_code, -1 when the body had none, 0 when no answer */
} serdes_err_t;

/** @brief Set err (non-NULL) like cn_error_set and clear the HTTP fields. @returns code. */
cn_err_t serdes_err_set(serdes_err_t *err, cn_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct serdes_http serdes_http_t;

/** @brief The transport; s is borrowed and must outlive it. NULL on memory failure. */
serdes_http_t *serdes_http_new(const serdes_settings_t *s);
void serdes_http_free(serdes_http_t *h);

/** @brief Send method path (starting with '/', segments already escaped) with an optional JSON
 *  body; a 2xx answer's body goes into out. Errors: CN_ERR_SERDES_REGISTRY (4xx, or 5xx after
 *  retries; http_status and error_code set), CN_ERR_SERDES_TRANSPORT, CN_ERR_NO_MEMORY. */
cn_err_t serdes_http_request(serdes_http_t *h, const char *method, const char *path,
                             const char *body, cn_buf_t *out, serdes_err_t *err);

/** @brief Requests sent (each attempt counts) and failed attempts so far. */
uint64_t serdes_http_requests(const serdes_http_t *h);
uint64_t serdes_http_failures(const serdes_http_t *h);

/** @brief Percent-encode a path segment (everything but unreserved characters) into out. */
cn_err_t serdes_http_escape(cn_buf_t *out, const char *segment);

#endif
