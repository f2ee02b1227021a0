/* SPDX-License-Identifier: Apache-2.0
 *
 * The lookup table generated from cn_err.def and the cn_error_t setters. Owns nothing mutable.
 */
#include "common/cn_err.h"

#include <stdio.h>
#include <string.h>

typedef struct cn_err_desc {
    const char *name;
    int http;
    int rest;
    int kafka;
    const char *msg;
} cn_err_desc_t;

static const cn_err_desc_t cn_err_descs[CN_ERR__COUNT] = {
#define CN_ERR(sym, http, rest, kafka, msg) [CN_ERR_##sym] = {#sym, http, rest, kafka, msg},
#include "common/cn_err.def"
#undef CN_ERR
};

static const cn_err_desc_t *cn_err_desc(cn_err_t code) {
    if ((unsigned)code >= CN_ERR__COUNT)
        return &cn_err_descs[CN_ERR_INTERNAL];
    return &cn_err_descs[code];
}

const char *cn_err_name(cn_err_t code) {
    return cn_err_desc(code)->name;
}

const char *cn_err_default_msg(cn_err_t code) {
    return cn_err_desc(code)->msg;
}

int cn_err_http_status(cn_err_t code) {
    return cn_err_desc(code)->http;
}

int cn_err_rest_code(cn_err_t code) {
    return cn_err_desc(code)->rest;
}

int cn_err_kafka_code(cn_err_t code) {
    return cn_err_desc(code)->kafka;
}

cn_err_t cn_error_vset(cn_error_t *err, cn_err_t code, const char *fmt, va_list ap) {
    if (!err)
        return code;
    err->code = code;
    if (fmt)
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    else
        snprintf(err->msg, sizeof(err->msg), "%s", cn_err_default_msg(code));
    return code;
}

cn_err_t cn_error_set(cn_error_t *err, cn_err_t code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    cn_error_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void cn_error_clear(cn_error_t *err) {
    if (!err)
        return;
    err->code = CN_OK;
    err->msg[0] = '\0';
}

void cn_error_prefix(cn_error_t *err, const char *fmt, ...) {
    char out[CN_ERROR_MSG_MAX];
    size_t n, old_len;
    int m;
    va_list ap;
    if (!err)
        return;
    va_start(ap, fmt);
    m = vsnprintf(out, sizeof(out), fmt, ap);
    va_end(ap);
    n = m < 0 ? 0 : (size_t)m;
    if (n > sizeof(out) - 3)
        n = sizeof(out) - 3;
    memcpy(out + n, ": ", 2);
    n += 2;
    old_len = strnlen(err->msg, sizeof(err->msg));
    if (old_len > sizeof(out) - 1 - n)
        old_len = sizeof(out) - 1 - n;
    memcpy(out + n, err->msg, old_len);
    out[n + old_len] = '\0';
    memcpy(err->msg, out, sizeof(out));
}
