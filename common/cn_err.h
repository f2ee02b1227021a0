/* SPDX-License-Identifier: Apache-2.0
 *
 * Errors: the cn_err_t enum generated from cn_err.def, its lookups, and cn_error_t, the error
 * report with a fixed-size message (no allocation on the error path, like jansson's json_error_t).
 *
 * Conventions: functions return cn_err_t (CN_OK is 0) and fill an optional cn_error_t *err (may be
 * NULL). cn_error_set() returns the code so callers can write `return cn_error_set(err, ...)`.
 */
#ifndef CN_ERR_H
#define CN_ERR_H

#include <stdarg.h>

typedef enum cn_err {
#define CN_ERR(sym, http, rest, kafka, msg) CN_ERR_##sym,
#include "common/cn_err.def"
#undef CN_ERR
    CN_ERR__COUNT
} cn_err_t;

#define CN_OK CN_ERR_OK

#define CN_ERROR_MSG_MAX 512

typedef struct cn_error {
    cn_err_t code;
    char msg[CN_ERROR_MSG_MAX];
} cn_error_t;

/** @brief The symbol without prefix, e.g. "SUBJECT_NOT_FOUND". */
const char *cn_err_name(cn_err_t code);
/** @brief The default message of the table. */
const char *cn_err_default_msg(cn_err_t code);
/** @brief HTTP status for the REST edge (api/ only). */
int cn_err_http_status(cn_err_t code);
/** @brief Confluent REST error_code for the REST edge (api/ only). */
int cn_err_rest_code(cn_err_t code);
/** @brief Kafka protocol error code (int16) for the broker edge. */
int cn_err_kafka_code(cn_err_t code);

/** @brief Set err (if not NULL) to code with a printf-style message (truncated to fit);
 *  fmt NULL uses the table's default message. @returns code. */
cn_err_t cn_error_set(cn_error_t *err, cn_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
cn_err_t cn_error_vset(cn_error_t *err, cn_err_t code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/** @brief Reset err to CN_OK with an empty message. err may be NULL. */
void cn_error_clear(cn_error_t *err);
/** @brief Prefix the message of err with "prefix: " (context as the error travels up). */
void cn_error_prefix(cn_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
