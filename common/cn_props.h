/* SPDX-License-Identifier: Apache-2.0
 *
 * Configuration as Java-style properties (docs/configuration.md): `key=value`, `key: value` or `key
 * value`; `#` and `!` comments; backslash escapes (\t \n \r \f \\ and \u with four hex digits) and
 * continuation lines, as java.util.Properties.load reads them. Later definitions of a key win.
 * Environment overrides follow Confluent's docker images: CAIRN_KAFKASTORE_BOOTSTRAP_SERVERS sets
 * kafkastore.bootstrap.servers ("_" is ".", "__" is "_", "___" is "-").
 *
 * Keys and values are owned by the cn_props_t; getters return borrowed pointers valid until the
 * key is set again or the object is freed. Not thread-safe for writes.
 */
#ifndef CN_PROPS_H
#define CN_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"

typedef struct cn_props cn_props_t;

cn_props_t *cn_props_new(void);
void cn_props_free(cn_props_t *props);

/** @brief Parse properties text and add its keys. Errors name the line. */
cn_err_t cn_props_parse(cn_props_t *props, const char *text, size_t len, cn_error_t *err);
/** @brief Parse a properties file (at most 16 MiB). */
cn_err_t cn_props_load_file(cn_props_t *props, const char *path, cn_error_t *err);
/** @brief Apply every NAME=VALUE of envp whose NAME starts with prefix (e.g. "CAIRN_"). */
cn_err_t cn_props_apply_env(cn_props_t *props, const char *prefix, char *const *envp);
/** @brief Set (copying both). */
cn_err_t cn_props_set(cn_props_t *props, const char *key, const char *value);

/** @brief The value of key or NULL (borrowed). */
const char *cn_props_get(const cn_props_t *props, const char *key);
const char *cn_props_get_str(const cn_props_t *props, const char *key, const char *dflt);
/** @brief An integer in [min, max]; absent gives dflt; anything else is CN_ERR_INVALID_CONFIG. */
cn_err_t cn_props_get_i64(const cn_props_t *props, const char *key, int64_t dflt, int64_t min,
                          int64_t max, int64_t *out, cn_error_t *err);
/** @brief true/false (any case); absent gives dflt. */
cn_err_t cn_props_get_bool(const cn_props_t *props, const char *key, bool dflt, bool *out,
                           cn_error_t *err);

/** @brief Number of keys and the i-th in insertion order (for listing and pass-through). */
size_t cn_props_count(const cn_props_t *props);
void cn_props_at(const cn_props_t *props, size_t i, const char **key, const char **value);

/** @brief A listener "HOST:PORT", "SCHEME://HOST:PORT" or a comma list of them (the first is
 *  used): host into host[cap] ("localhost" becomes 127.0.0.1, an empty host 0.0.0.0), port in
 *  0..65535. CN_ERR_INVALID_CONFIG naming the text otherwise. */
cn_err_t cn_parse_listener(const char *s, char *host, size_t cap, int *port, cn_error_t *err);

/** @brief Parse a strict decimal int64 (no trailing junk, no overflow). */
bool cn_parse_i64(const char *s, int64_t *out);

#endif
