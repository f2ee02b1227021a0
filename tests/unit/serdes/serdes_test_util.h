/* SPDX-License-Identifier: Apache-2.0
 *
 * Helpers shared by the serdes test programs (header-only, static inline): a handle against a
 * mock registry with extra configuration pairs, and JSON comparison.
 */
#ifndef SERDES_TEST_UTIL_H
#define SERDES_TEST_UTIL_H

#include <jansson.h>
#include <stdarg.h>
#include <string.h>

#include <cairn/serdes.h>

#include "tests/support/mock_registry.h"

/* A handle on url with NULL-terminated key, value pairs. */
static inline cairn_serdes_t *st_handle(const char *url, ...) {
    cairn_conf_t *c = cairn_conf_new();
    cairn_error_t err;
    cairn_serdes_t *sd;
    va_list ap;
    const char *k;
    if (cairn_conf_set(c, "schema.registry.url", url, &err) != CAIRN_OK)
        fail_msg("url: %s", err.msg);
    va_start(ap, url);
    while ((k = va_arg(ap, const char *)) != NULL) {
        const char *v = va_arg(ap, const char *);
        if (cairn_conf_set(c, k, v, &err) != CAIRN_OK)
            fail_msg("%s: %s", k, err.msg);
    }
    va_end(ap);
    sd = cairn_serdes_new(c, &err);
    if (!sd)
        fail_msg("serdes_new: %s", err.msg);
    return sd;
}

static inline void st_assert_json(const char *got, const char *want) {
    json_t *a = json_loads(got, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    json_t *b = json_loads(want, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!a || !b || !json_equal(a, b))
        fail_msg("JSON differs:\n  got  %s\n  want %s", got, want);
    json_decref(a);
    json_decref(b);
}

#endif
