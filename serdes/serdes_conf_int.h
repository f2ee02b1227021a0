/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: the configuration of libcairn-serdes. cairn_conf_t stores keys under their canonical
 * (Java) names after alias mapping and value checks; serdes_settings_load turns it into the typed
 * serdes_settings_t that the handle keeps (owned strings, freed by serdes_settings_fini).
 */
#ifndef SERDES_CONF_INT_H
#define SERDES_CONF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairn/serdes.h>
#include "common/cn_err.h"
#include "common/cn_props.h"

#define SERDES_MAX_URLS    16
#define SERDES_MAX_HEADERS 32

typedef enum serdes_strategy {
    SERDES_STRATEGY_TOPIC = 0,
    SERDES_STRATEGY_RECORD,
    SERDES_STRATEGY_TOPIC_RECORD,
    SERDES_STRATEGY_CALLBACK
} serdes_strategy_t;

struct cairn_conf {
    cn_props_t *props; /* canonical key -> value */
    cairn_subject_fn subject_fn[2];
    void *subject_opaque[2];
};

typedef struct serdes_settings {
    char *urls[SERDES_MAX_URLS]; /* without userinfo and trailing '/' */
    size_t n_urls;
    char *userpwd; /* "user:password" for basic auth, or NULL */
    char *bearer_token;
    char *headers[SERDES_MAX_HEADERS]; /* "Name: value" lines */
    size_t n_headers;
    char *ssl_ca, *ssl_cert, *ssl_key, *ssl_key_password;
    bool ssl_verify_peer, ssl_verify_host;
    int64_t connect_timeout_ms, request_timeout_ms;
    int64_t max_retries, retries_wait_ms, retries_max_wait_ms;
    int64_t cache_capacity, latest_cache_size, latest_ttl_sec, missing_id_ttl_sec;
    bool auto_register, use_latest, latest_strict, id_strict, normalize;
    int64_t use_schema_id;
    bool framing_ser, framing_des;                         /* cp1 (true) or none */
    bool skip_known_types, ref_lookup_only, ref_qualified; /* Protobuf references */
    bool pb_deprecated;            /* use.deprecated.format: unsigned message indexes */
    bool id_header[2];             /* by cairn_role_t: the GUID in a record header, no prefix */
    bool id_dual[2];               /* by cairn_role_t: read a header id, else the prefix */
    char *latest_metadata;         /* use.latest.with.metadata as a query string, or NULL */
    serdes_strategy_t strategy[2]; /* by cairn_role_t */
    cairn_subject_fn subject_fn[2];
    void *subject_opaque[2];
    bool debug;
    bool json_validate; /* json.fail.invalid.schema: validate JSON Schema payloads */
} serdes_settings_t;

/** @brief Map key (alias or canonical) to its canonical name; NULL when unknown. Keys under
 *  request.header. are returned as given. */
const char *serdes_conf_canonical(const char *key);
/** @brief Check value for the canonical key (enum, bool, integer range). */
cn_err_t serdes_conf_check(const char *key, const char *value, cn_error_t *err);
/** @brief Build typed settings from a conf; checks combinations (e.g. URL userinfo together
 *  with basic.auth.user.info). */
cn_err_t serdes_settings_load(serdes_settings_t *s, const cairn_conf_t *conf, cn_error_t *err);
void serdes_settings_fini(serdes_settings_t *s);

#endif
