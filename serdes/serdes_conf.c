/* SPDX-License-Identifier: Apache-2.0
 *
 * The configuration keys of libcairn-serdes (docs/serdes.md; Java's names from
 * AbstractKafkaSchemaSerDeConfig and SchemaRegistryClientConfig in confluentinc/schema-registry):
 * one table with each key's Java name, its aliases (libserdes, Python, the schema.registry.
 * prefixed forms), its kind and its accepted values; cairn_conf_t's public calls; and
 * serdes_settings_load, which turns a conf into typed settings (URL list with userinfo split off,
 * auth, TLS, timeouts, caches, serializer behaviour, subject strategies).
 */
#include "serdes/serdes_conf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cn_buf.h"
#include "common/cn_text.h"
#include "serdes/serdes_http_int.h"

typedef enum serdes_kind { K_STR, K_BOOL, K_INT, K_ENUM } serdes_kind_t;

typedef struct serdes_key {
    const char *name;
    const char *aliases[3];
    serdes_kind_t kind;
    int64_t min, max;    /* K_INT */
    const char *choices; /* K_ENUM: "|a|b|" (case-insensitive) */
    const char *dflt;
} serdes_key_t;

#define STRATEGIES                                                                                 \
    "|TopicNameStrategy|RecordNameStrategy|TopicRecordNameStrategy|"                               \
    "io.confluent.kafka.serializers.subject.TopicNameStrategy|"                                    \
    "io.confluent.kafka.serializers.subject.RecordNameStrategy|"                                   \
    "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy|"

/* Where the schema id goes (Confluent 8.x, io.confluent.kafka.serializers.schema.id): the
 * payload prefix, or the GUID in a record header; readers take either (dual) or the prefix. */
#define ID_PKG "io.confluent.kafka.serializers.schema.id."
#define ID_SERIALIZERS                                                                             \
    "|prefix|header|" ID_PKG "PrefixSchemaIdSerializer|" ID_PKG "HeaderSchemaIdSerializer|"
#define ID_DESERIALIZERS                                                                           \
    "|dual|prefix|" ID_PKG "DualSchemaIdDeserializer|" ID_PKG "PrefixSchemaIdDeserializer|"

static const serdes_key_t serdes_keys[] = {
    {"schema.registry.url", {"url"}, K_STR, 0, 0, NULL, NULL},
    {"basic.auth.credentials.source", {0}, K_ENUM, 0, 0, "|URL|USER_INFO|SASL_INHERIT|", "URL"},
    {"basic.auth.user.info", {"schema.registry.basic.auth.user.info"}, K_STR, 0, 0, NULL, NULL},
    {"sasl.username", {0}, K_STR, 0, 0, NULL, NULL},
    {"sasl.password", {0}, K_STR, 0, 0, NULL, NULL},
    {"bearer.auth.credentials.source", {0}, K_ENUM, 0, 0, "|STATIC_TOKEN|", "STATIC_TOKEN"},
    {"bearer.auth.token", {0}, K_STR, 0, 0, NULL, NULL},
    {"bearer.auth.logical.cluster", {0}, K_STR, 0, 0, NULL, NULL},
    {"bearer.auth.identity.pool.id", {0}, K_STR, 0, 0, NULL, NULL},
    {"ssl.ca.location", {"schema.registry.ssl.ca.location"}, K_STR, 0, 0, NULL, NULL},
    {"ssl.certificate.location",
     {"schema.registry.ssl.certificate.location"},
     K_STR,
     0,
     0,
     NULL,
     NULL},
    {"ssl.key.location", {"schema.registry.ssl.key.location"}, K_STR, 0, 0, NULL, NULL},
    {"ssl.key.password", {"schema.registry.ssl.key.password"}, K_STR, 0, 0, NULL, NULL},
    {"enable.ssl.certificate.verification", {0}, K_BOOL, 0, 0, NULL, "true"},
    {"ssl.endpoint.identification.algorithm",
     {"schema.registry.ssl.endpoint.identification.algorithm"},
     K_ENUM,
     0,
     0,
     "|https|none||",
     "https"},
    {"request.timeout.ms", {"http.read.timeout.ms"}, K_INT, 1, 3600000, NULL, "10000"},
    {"http.connect.timeout.ms", {0}, K_INT, 1, 3600000, NULL, "10000"},
    {"max.retries", {0}, K_INT, 0, 100, NULL, "3"},
    {"retries.wait.ms", {0}, K_INT, 0, 3600000, NULL, "1000"},
    {"retries.max.wait.ms", {0}, K_INT, 0, 3600000, NULL, "20000"},
    {"cache.capacity", {"max.schemas.per.subject"}, K_INT, 1, 100000000, NULL, "1000"},
    {"latest.cache.size", {0}, K_INT, 1, 100000000, NULL, "1000"},
    {"cache.latest.ttl.sec", {"latest.cache.ttl.sec"}, K_INT, -1, INT32_MAX, NULL, "-1"},
    {"missing.id.cache.ttl.sec", {0}, K_INT, 0, INT32_MAX, NULL, "10"},
    {"auto.register.schemas", {0}, K_BOOL, 0, 0, NULL, "true"},
    {"use.schema.id", {0}, K_INT, -1, INT32_MAX, NULL, "-1"},
    {"use.latest.version", {0}, K_BOOL, 0, 0, NULL, "false"},
    {"latest.compatibility.strict", {0}, K_BOOL, 0, 0, NULL, "true"},
    {"id.compatibility.strict", {0}, K_BOOL, 0, 0, NULL, "true"},
    {"normalize.schemas", {0}, K_BOOL, 0, 0, NULL, "false"},
    {"json.fail.invalid.schema", {0}, K_BOOL, 0, 0, NULL, "true"},
    {"json.fail.unknown.properties", {0}, K_BOOL, 0, 0, NULL, "true"},
    {"key.subject.name.strategy", {0}, K_ENUM, 0, 0, STRATEGIES, "TopicNameStrategy"},
    {"value.subject.name.strategy", {0}, K_ENUM, 0, 0, STRATEGIES, "TopicNameStrategy"},
    {"use.latest.with.metadata", {0}, K_STR, 0, 0, NULL, NULL},
    {"key.schema.id.serializer", {0}, K_ENUM, 0, 0, ID_SERIALIZERS, "prefix"},
    {"value.schema.id.serializer", {0}, K_ENUM, 0, 0, ID_SERIALIZERS, "prefix"},
    {"key.schema.id.deserializer", {0}, K_ENUM, 0, 0, ID_DESERIALIZERS, "dual"},
    {"value.schema.id.deserializer", {0}, K_ENUM, 0, 0, ID_DESERIALIZERS, "dual"},
    {"skip.known.types", {0}, K_BOOL, 0, 0, NULL, "true"},
    {"use.deprecated.format", {0}, K_BOOL, 0, 0, NULL, "false"},
    {"reference.lookup.only", {0}, K_BOOL, 0, 0, NULL, "false"},
    {"reference.subject.name.strategy",
     {0},
     K_ENUM,
     0,
     0,
     "|DefaultReferenceSubjectNameStrategy|QualifiedReferenceSubjectNameStrategy|",
     "DefaultReferenceSubjectNameStrategy"},
    {"serializer.framing", {0}, K_ENUM, 0, 0, "|cp1|none|", "cp1"},
    {"deserializer.framing", {0}, K_ENUM, 0, 0, "|cp1|none|", "cp1"},
    {"debug", {0}, K_ENUM, 0, 0, "|all|none||", "none"},
};

#define HEADER_PREFIX "request.header."

static const serdes_key_t *serdes_key_find(const char *key) {
    for (size_t i = 0; i < sizeof(serdes_keys) / sizeof(serdes_keys[0]); i++) {
        const serdes_key_t *k = &serdes_keys[i];
        if (strcmp(k->name, key) == 0)
            return k;
        for (size_t a = 0; a < 3 && k->aliases[a]; a++)
            if (strcmp(k->aliases[a], key) == 0)
                return k;
    }
    return NULL;
}

const char *serdes_conf_canonical(const char *key) {
    const serdes_key_t *k;
    if (strncmp(key, HEADER_PREFIX, strlen(HEADER_PREFIX)) == 0 && key[strlen(HEADER_PREFIX)])
        return key;
    k = serdes_key_find(key);
    return k ? k->name : NULL;
}

static bool serdes_enum_has(const char *choices, const char *v) {
    size_t n = strlen(v);
    for (const char *p = choices; (p = strchr(p, '|')) != NULL && p[1] != '\0'; p++) {
        if (strncasecmp(p + 1, v, n) == 0 && p[1 + n] == '|')
            return true;
    }
    return n == 0 && strstr(choices, "||") != NULL;
}

static bool serdes_parse_bool(const char *v, bool *out) {
    if (strcasecmp(v, "true") == 0) {
        *out = true;
        return true;
    }
    if (strcasecmp(v, "false") == 0) {
        *out = false;
        return true;
    }
    return false;
}

cn_err_t serdes_conf_check(const char *key, const char *value, cn_error_t *err) {
    const serdes_key_t *k = serdes_key_find(key);
    int64_t n;
    bool b;
    if (!k)
        return CN_OK; /* request.header.* */
    switch (k->kind) {
    case K_BOOL:
        if (!serdes_parse_bool(value, &b))
            return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                                "%s: expected true or false, not \"%s\"", key, value);
        break;
    case K_INT:
        if (!cn_parse_i64(value, &n) || n < k->min || n > k->max)
            return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                                "%s: expected an integer in [%lld, %lld], not \"%s\"", key,
                                (long long)k->min, (long long)k->max, value);
        break;
    case K_ENUM:
        if (!serdes_enum_has(k->choices, value))
            return cn_error_set(err, CN_ERR_INVALID_CONFIG, "%s: \"%s\" is not one of %s", key,
                                value, k->choices);
        break;
    case K_STR:
        break;
    }
    return CN_OK;
}

/* ---- public cairn_conf_t calls are in serdes.c; typed loading below ---- */

static const char *serdes_get(const cairn_conf_t *conf, const char *key) {
    const char *v = cn_props_get(conf->props, key);
    const serdes_key_t *k;
    if (v)
        return v;
    k = serdes_key_find(key);
    return k ? k->dflt : NULL;
}

static int64_t serdes_get_int(const cairn_conf_t *conf, const char *key) {
    int64_t n = 0;
    const char *v = serdes_get(conf, key);
    if (v)
        cn_parse_i64(v, &n); /* checked when set */
    return n;
}

static bool serdes_get_bool(const cairn_conf_t *conf, const char *key) {
    bool b = false;
    const char *v = serdes_get(conf, key);
    if (v)
        serdes_parse_bool(v, &b);
    return b;
}

static char *serdes_dup_opt(const char *v) {
    return v && *v ? strdup(v) : NULL;
}

/* Percent-decode userinfo ("us%40er:p%3Ass" -> "us@er:p:ss"). */
/* One URL: trim blanks, strip trailing '/', split off "user:pass@". */
static cn_err_t serdes_add_url(serdes_settings_t *s, const char *p, size_t n, char **userinfo,
                               cn_error_t *err) {
    const char *scheme_end, *host, *at, *slash;
    cn_buf_t b;
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '/'))
        n--;
    if (n == 0)
        return CN_OK;
    if (s->n_urls == SERDES_MAX_URLS)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "schema.registry.url: more than %d URLs",
                            SERDES_MAX_URLS);
    scheme_end = memmem(p, n, "://", 3);
    if (!scheme_end || (strncasecmp(p, "http://", 7) != 0 && strncasecmp(p, "https://", 8) != 0))
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "schema.registry.url: \"%.*s\" is not an http:// or https:// URL",
                            (int)n, p);
    host = scheme_end + 3;
    slash = memchr(host, '/', n - (size_t)(host - p));
    at = memchr(host, '@', (size_t)((slash ? slash : p + n) - host));
    cn_buf_init(&b, 8192);
    cn_buf_put(&b, p, (size_t)(host - p));
    if (at) {
        size_t ulen = (size_t)(at - host);
        if (!*userinfo && (*userinfo = malloc(ulen + 1)) != NULL) /* "us%40er" -> "us@er" */
            cn_percent_decode(host, ulen, *userinfo, ulen + 1);
        host = at + 1;
    }
    cn_buf_put(&b, host, n - (size_t)(host - p));
    if (!cn_buf_cstr(&b)) {
        cn_buf_fini(&b);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    s->urls[s->n_urls++] = (char *)cn_buf_steal(&b, NULL);
    return CN_OK;
}

static cn_err_t serdes_load_urls(serdes_settings_t *s, const cairn_conf_t *conf, char **userinfo,
                                 cn_error_t *err) {
    const char *list = serdes_get(conf, "schema.registry.url");
    cn_err_t rc = CN_OK;
    if (!list || !*list)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "schema.registry.url is required");
    while (rc == CN_OK && *list) {
        const char *comma = strchr(list, ',');
        size_t n = comma ? (size_t)(comma - list) : strlen(list);
        rc = serdes_add_url(s, list, n, userinfo, err);
        list += n + (comma ? 1 : 0);
    }
    if (rc == CN_OK && s->n_urls == 0)
        rc = cn_error_set(err, CN_ERR_INVALID_CONFIG, "schema.registry.url has no URL");
    return rc;
}

static cn_err_t serdes_load_auth(serdes_settings_t *s, const cairn_conf_t *conf, char *userinfo,
                                 cn_error_t *err) {
    const char *src = serdes_get(conf, "basic.auth.credentials.source");
    const char *info = serdes_get(conf, "basic.auth.user.info");
    if (info && *info && userinfo) {
        free(userinfo);
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "basic.auth.user.info cannot be combined with credentials in "
                            "schema.registry.url");
    }
    if (strcasecmp(src, "SASL_INHERIT") == 0) {
        const char *u = serdes_get(conf, "sasl.username"), *p = serdes_get(conf, "sasl.password");
        cn_buf_t b;
        free(userinfo);
        if (!u || !p)
            return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                                "basic.auth.credentials.source=SASL_INHERIT needs sasl.username "
                                "and sasl.password");
        cn_buf_init(&b, 4096);
        cn_buf_printf(&b, "%s:%s", u, p);
        cn_buf_cstr(&b);
        s->userpwd = (char *)cn_buf_steal(&b, NULL);
    } else if (info && *info) {
        s->userpwd = strdup(info);
    } else {
        s->userpwd = userinfo;
    }
    s->bearer_token = serdes_dup_opt(serdes_get(conf, "bearer.auth.token"));
    if (s->bearer_token && s->userpwd)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "bearer.auth.token cannot be combined with basic auth");
    return CN_OK;
}

static cn_err_t serdes_add_header(serdes_settings_t *s, const char *name, const char *value,
                                  cn_error_t *err) {
    cn_buf_t b;
    if (s->n_headers == SERDES_MAX_HEADERS)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "more than %d request headers",
                            SERDES_MAX_HEADERS);
    if (strpbrk(name, ": \r\n") || strpbrk(value, "\r\n"))
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "request header \"%s\" is malformed", name);
    cn_buf_init(&b, 65536);
    cn_buf_printf(&b, "%s: %s", name, value);
    if (!cn_buf_cstr(&b)) {
        cn_buf_fini(&b);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    s->headers[s->n_headers++] = (char *)cn_buf_steal(&b, NULL);
    return CN_OK;
}

static cn_err_t serdes_load_headers(serdes_settings_t *s, const cairn_conf_t *conf,
                                    cn_error_t *err) {
    const char *v;
    cn_err_t rc = CN_OK;
    if ((v = serdes_get(conf, "bearer.auth.logical.cluster")) != NULL)
        rc = serdes_add_header(s, "target-sr-cluster", v, err);
    if (rc == CN_OK && (v = serdes_get(conf, "bearer.auth.identity.pool.id")) != NULL)
        rc = serdes_add_header(s, "Confluent-Identity-Pool-Id", v, err);
    for (size_t i = 0; rc == CN_OK && i < cn_props_count(conf->props); i++) {
        const char *k, *val;
        cn_props_at(conf->props, i, &k, &val);
        if (strncmp(k, HEADER_PREFIX, strlen(HEADER_PREFIX)) == 0)
            rc = serdes_add_header(s, k + strlen(HEADER_PREFIX), val, err);
    }
    return rc;
}

static serdes_strategy_t serdes_strategy_of(const char *v) {
    const char *dot = strrchr(v, '.');
    const char *base = dot ? dot + 1 : v;
    if (strcasecmp(base, "RecordNameStrategy") == 0)
        return SERDES_STRATEGY_RECORD;
    if (strcasecmp(base, "TopicRecordNameStrategy") == 0)
        return SERDES_STRATEGY_TOPIC_RECORD;
    return SERDES_STRATEGY_TOPIC;
}

/* "header" or ...HeaderSchemaIdSerializer; "prefix" or ...PrefixSchemaIdDeserializer. */
static bool serdes_ends_with(const char *v, const char *word) {
    size_t n = strlen(v), w = strlen(word);
    return n >= w && strncasecmp(v + n - w, word, w) == 0;
}

static void serdes_load_id_framing(serdes_settings_t *s, const cairn_conf_t *conf) {
    static const char *const role_prefix[2] = {"key", "value"};
    char key[64];
    for (int r = 0; r < 2; r++) {
        snprintf(key, sizeof(key), "%s.schema.id.serializer", role_prefix[r]);
        s->id_header[r] = serdes_ends_with(serdes_get(conf, key), "header") ||
                          serdes_ends_with(serdes_get(conf, key), "HeaderSchemaIdSerializer");
        snprintf(key, sizeof(key), "%s.schema.id.deserializer", role_prefix[r]);
        s->id_dual[r] = !serdes_ends_with(serdes_get(conf, key), "prefix") &&
                        !serdes_ends_with(serdes_get(conf, key), "PrefixSchemaIdDeserializer");
    }
}

/* use.latest.with.metadata "k1=v1,k2=v2" (Java's map syntax) -> "key=k1&value=v1&key=k2&..."
 * for GET /subjects/{s}/metadata, each part percent-encoded. */
static cn_err_t serdes_load_latest_metadata(serdes_settings_t *s, const cairn_conf_t *conf,
                                            cn_error_t *err) {
    const char *v = serdes_get(conf, "use.latest.with.metadata"), *p = v;
    cn_buf_t q;
    if (!v || !*v)
        return CN_OK;
    cn_buf_init(&q, 65536);
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        char part[1024];
        if (!eq || eq == p || n >= sizeof(part)) {
            cn_buf_fini(&q);
            return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                                "use.latest.with.metadata: expected key=value[,key=value...], not "
                                "\"%s\"",
                                v);
        }
        snprintf(part, sizeof(part), "%.*s", (int)(eq - p), p);
        cn_buf_put_str(&q, q.len ? "&key=" : "key=");
        serdes_http_escape(&q, part);
        snprintf(part, sizeof(part), "%.*s", (int)(n - (size_t)(eq - p) - 1), eq + 1);
        cn_buf_put_str(&q, "&value=");
        serdes_http_escape(&q, part);
        p += n + (comma ? 1 : 0);
    }
    if (!cn_buf_cstr(&q)) {
        cn_buf_fini(&q);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    s->latest_metadata = (char *)cn_buf_steal(&q, NULL);
    s->use_latest = true; /* the latest version that has the metadata */
    return CN_OK;
}

static void serdes_load_numbers(serdes_settings_t *s, const cairn_conf_t *conf) {
    const char *alg = serdes_get(conf, "ssl.endpoint.identification.algorithm");
    s->ssl_verify_peer = serdes_get_bool(conf, "enable.ssl.certificate.verification");
    s->ssl_verify_host = s->ssl_verify_peer && strcasecmp(alg, "https") == 0;
    s->connect_timeout_ms = serdes_get_int(conf, "http.connect.timeout.ms");
    s->request_timeout_ms = serdes_get_int(conf, "request.timeout.ms");
    s->max_retries = serdes_get_int(conf, "max.retries");
    s->retries_wait_ms = serdes_get_int(conf, "retries.wait.ms");
    s->retries_max_wait_ms = serdes_get_int(conf, "retries.max.wait.ms");
    s->cache_capacity = serdes_get_int(conf, "cache.capacity");
    s->latest_cache_size = serdes_get_int(conf, "latest.cache.size");
    s->latest_ttl_sec = serdes_get_int(conf, "cache.latest.ttl.sec");
    s->missing_id_ttl_sec = serdes_get_int(conf, "missing.id.cache.ttl.sec");
    s->auto_register = serdes_get_bool(conf, "auto.register.schemas");
    s->use_schema_id = serdes_get_int(conf, "use.schema.id");
    s->use_latest = serdes_get_bool(conf, "use.latest.version");
    s->latest_strict = serdes_get_bool(conf, "latest.compatibility.strict");
    s->id_strict = serdes_get_bool(conf, "id.compatibility.strict");
    s->normalize = serdes_get_bool(conf, "normalize.schemas");
    s->skip_known_types = serdes_get_bool(conf, "skip.known.types");
    s->pb_deprecated = serdes_get_bool(conf, "use.deprecated.format");
    s->ref_lookup_only = serdes_get_bool(conf, "reference.lookup.only");
    s->ref_qualified = strcasecmp(serdes_get(conf, "reference.subject.name.strategy"),
                                  "QualifiedReferenceSubjectNameStrategy") == 0;
    s->framing_ser = strcasecmp(serdes_get(conf, "serializer.framing"), "cp1") == 0;
    s->framing_des = strcasecmp(serdes_get(conf, "deserializer.framing"), "cp1") == 0;
    s->debug = strcasecmp(serdes_get(conf, "debug"), "all") == 0;
    serdes_load_id_framing(s, conf);
    s->json_validate = serdes_get_bool(conf, "json.fail.invalid.schema");
    s->strategy[CAIRN_ROLE_KEY] = serdes_strategy_of(serdes_get(conf, "key.subject.name.strategy"));
    s->strategy[CAIRN_ROLE_VALUE] =
        serdes_strategy_of(serdes_get(conf, "value.subject.name.strategy"));
    for (int r = 0; r < 2; r++) {
        s->subject_fn[r] = conf->subject_fn[r];
        s->subject_opaque[r] = conf->subject_opaque[r];
        if (conf->subject_fn[r])
            s->strategy[r] = SERDES_STRATEGY_CALLBACK;
    }
}

static cn_err_t serdes_load_checks(const serdes_settings_t *s, cn_error_t *err) {
    if (s->use_schema_id >= 0 && s->use_latest)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "use.schema.id and use.latest.version cannot both be set");
    if (!s->framing_des && s->use_schema_id < 0)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "deserializer.framing=none needs use.schema.id (the writer schema)");
    if (s->retries_max_wait_ms < s->retries_wait_ms)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "retries.max.wait.ms is smaller than retries.wait.ms");
    return CN_OK;
}

cn_err_t serdes_settings_load(serdes_settings_t *s, const cairn_conf_t *conf, cn_error_t *err) {
    char *userinfo = NULL;
    cn_err_t rc;
    memset(s, 0, sizeof(*s));
    rc = serdes_load_urls(s, conf, &userinfo, err);
    if (rc != CN_OK) {
        free(userinfo);
        return rc;
    }
    rc = serdes_load_auth(s, conf, userinfo, err);
    if (rc == CN_OK)
        rc = serdes_load_headers(s, conf, err);
    s->ssl_ca = serdes_dup_opt(serdes_get(conf, "ssl.ca.location"));
    s->ssl_cert = serdes_dup_opt(serdes_get(conf, "ssl.certificate.location"));
    s->ssl_key = serdes_dup_opt(serdes_get(conf, "ssl.key.location"));
    s->ssl_key_password = serdes_dup_opt(serdes_get(conf, "ssl.key.password"));
    serdes_load_numbers(s, conf);
    if (rc == CN_OK)
        rc = serdes_load_latest_metadata(s, conf, err);
    if (rc == CN_OK)
        rc = serdes_load_checks(s, err);
    return rc;
}

void serdes_settings_fini(serdes_settings_t *s) {
    for (size_t i = 0; i < s->n_urls; i++)
        free(s->urls[i]);
    for (size_t i = 0; i < s->n_headers; i++)
        free(s->headers[i]);
    free(s->userpwd);
    free(s->bearer_token);
    free(s->ssl_ca);
    free(s->ssl_cert);
    free(s->ssl_key);
    free(s->ssl_key_password);
    free(s->latest_metadata);
    memset(s, 0, sizeof(*s));
}
