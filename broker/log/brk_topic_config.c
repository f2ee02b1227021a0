/* SPDX-License-Identifier: Apache-2.0
 *
 * Topic configuration: Kafka's names and defaults (kafka.apache.org/documentation/#topicconfigs),
 * parsing and rendering through one table, and persistence as a properties file per topic
 * (<dir>/topics/<topic>.properties, replaced atomically).
 */
#include "broker/log/brk_log_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cn_fs.h"
#include "common/cn_props.h"

#define DAY_MS (24LL * 3600 * 1000)

typedef enum cfg_kind { K_I64, K_I32, K_DOUBLE, K_POLICY, K_TSTYPE } cfg_kind_t;

typedef struct cfg_key {
    const char *name;
    cfg_kind_t kind;
    size_t off;
    int64_t min;
} cfg_key_t;

#define F(field) offsetof(brk_topic_config_t, field)
static const cfg_key_t keys[] = {
    {"cleanup.policy", K_POLICY, 0, 0},
    {"retention.ms", K_I64, F(retention_ms), -1},
    {"retention.bytes", K_I64, F(retention_bytes), -1},
    {"segment.bytes", K_I64, F(segment_bytes), 128},
    {"segment.ms", K_I64, F(segment_ms), 1},
    {"delete.retention.ms", K_I64, F(delete_retention_ms), 0},
    {"min.compaction.lag.ms", K_I64, F(min_compaction_lag_ms), 0},
    {"min.cleanable.dirty.ratio", K_DOUBLE, F(min_cleanable_dirty_ratio), 0},
    {"max.message.bytes", K_I32, F(max_message_bytes), 0},
    {"flush.messages", K_I64, F(flush_messages), 1},
    {"flush.ms", K_I64, F(flush_ms), 0},
    {"index.interval.bytes", K_I64, F(index_interval_bytes), 0},
    {"message.timestamp.type", K_TSTYPE, F(message_timestamp_type_log_append), 0},
};
#undef F
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const key_names[] = {
    "cleanup.policy",
    "retention.ms",
    "retention.bytes",
    "segment.bytes",
    "segment.ms",
    "delete.retention.ms",
    "min.compaction.lag.ms",
    "min.cleanable.dirty.ratio",
    "max.message.bytes",
    "flush.messages",
    "flush.ms",
    "index.interval.bytes",
    "message.timestamp.type",
    NULL,
};

const char *const *brk_topic_config_names(void) {
    return key_names;
}

void brk_topic_config_defaults(brk_topic_config_t *cfg) {
    memset(cfg, 0, sizeof(*cfg));
    cfg->partitions = 1;
    cfg->delete_retention = true;
    cfg->retention_ms = 7 * DAY_MS;
    cfg->retention_bytes = -1;
    cfg->segment_bytes = 1LL << 30;
    cfg->segment_ms = 7 * DAY_MS;
    cfg->delete_retention_ms = DAY_MS;
    cfg->min_cleanable_dirty_ratio = 0.5;
    cfg->max_message_bytes = 1048588;
    cfg->flush_messages = INT64_MAX;
    cfg->flush_ms = INT64_MAX;
    cfg->index_interval_bytes = 4096;
}

static const cfg_key_t *key_find(const char *name) {
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static cn_err_t bad(cn_error_t *err, const char *name, const char *value) {
    return cn_error_set(err, CN_ERR_INVALID_CONFIG, "invalid value '%s' for configuration %s",
                        value, name);
}

static cn_err_t set_policy(brk_topic_config_t *cfg, const char *v, cn_error_t *err) {
    bool compact = false, del = false;
    const char *p = v;
    while (*p) {
        size_t n = strcspn(p, ",");
        while (n > 0 && p[0] == ' ') {
            p++;
            n--;
        }
        if (n == 7 && strncmp(p, "compact", 7) == 0)
            compact = true;
        else if (n == 6 && strncmp(p, "delete", 6) == 0)
            del = true;
        else
            return bad(err, "cleanup.policy", v);
        p += n;
        if (*p == ',')
            p++;
    }
    if (!compact && !del)
        return bad(err, "cleanup.policy", v);
    cfg->compact = compact;
    cfg->delete_retention = del;
    return CN_OK;
}

static cn_err_t set_number(brk_topic_config_t *cfg, const cfg_key_t *k, const char *v,
                           cn_error_t *err) {
    char *base = (char *)cfg + k->off;
    int64_t n;
    if (k->kind == K_DOUBLE) {
        char *end;
        double d;
        errno = 0;
        d = strtod(v, &end);
        if (end == v || *end || errno || d < 0 || d > 1)
            return bad(err, k->name, v);
        memcpy(base, &d, sizeof(d));
        return CN_OK;
    }
    if (!cn_parse_i64(v, &n) || n < k->min || (k->kind == K_I32 && n > INT32_MAX))
        return bad(err, k->name, v);
    if (k->kind == K_I32) {
        int32_t n32 = (int32_t)n;
        memcpy(base, &n32, sizeof(n32));
    } else {
        memcpy(base, &n, sizeof(n));
    }
    return CN_OK;
}

cn_err_t brk_topic_config_set(brk_topic_config_t *cfg, const char *name, const char *value,
                              cn_error_t *err) {
    const cfg_key_t *k = key_find(name);
    if (!k)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "unknown configuration %s", name);
    if (!value)
        return bad(err, name, "(null)");
    switch (k->kind) {
    case K_POLICY:
        return set_policy(cfg, value, err);
    case K_TSTYPE:
        if (strcmp(value, "CreateTime") == 0)
            cfg->message_timestamp_type_log_append = 0;
        else if (strcmp(value, "LogAppendTime") == 0)
            cfg->message_timestamp_type_log_append = 1;
        else
            return bad(err, name, value);
        return CN_OK;
    default:
        return set_number(cfg, k, value, err);
    }
}

cn_err_t brk_topic_config_get(const brk_topic_config_t *cfg, const char *name, char *out,
                              size_t cap, cn_error_t *err) {
    const cfg_key_t *k = key_find(name);
    const char *base;
    if (!k)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "unknown configuration %s", name);
    base = (const char *)cfg + k->off;
    if (k->kind == K_POLICY) {
        snprintf(out, cap, "%s",
                 cfg->compact ? (cfg->delete_retention ? "compact,delete" : "compact") : "delete");
    } else if (k->kind == K_TSTYPE) {
        snprintf(out, cap, "%s",
                 cfg->message_timestamp_type_log_append ? "LogAppendTime" : "CreateTime");
    } else if (k->kind == K_DOUBLE) {
        double d;
        memcpy(&d, base, sizeof(d));
        snprintf(out, cap, "%g", d);
    } else if (k->kind == K_I32) {
        int32_t n;
        memcpy(&n, base, sizeof(n));
        snprintf(out, cap, "%" PRId32, n);
    } else {
        int64_t n;
        memcpy(&n, base, sizeof(n));
        snprintf(out, cap, "%" PRId64, n);
    }
    return CN_OK;
}

/* ---- persistence ---- */

cn_err_t brk_topic_config_save(const brk_topic_config_t *cfg, const char *path, cn_error_t *err) {
    cn_buf_t b;
    char v[64];
    cn_err_t rc;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_printf(&b, "# cairn topic configuration\npartitions=%" PRId32 "\n", cfg->partitions);
    for (size_t i = 0; i < NKEYS; i++) {
        brk_topic_config_get(cfg, keys[i].name, v, sizeof(v), NULL);
        cn_buf_printf(&b, "%s=%s\n", keys[i].name, v);
    }
    rc = b.failed ? cn_error_set(err, CN_ERR_NO_MEMORY, NULL)
                  : cn_fs_write_atomic(path, b.data, b.len, err);
    cn_buf_fini(&b);
    return rc;
}

cn_err_t brk_topic_config_load(brk_topic_config_t *cfg, const char *path, cn_error_t *err) {
    cn_props_t *props = cn_props_new();
    cn_err_t rc;
    int64_t parts;
    if (!props)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    brk_topic_config_defaults(cfg);
    rc = cn_props_load_file(props, path, err);
    if (rc == CN_OK)
        rc = cn_props_get_i64(props, "partitions", 1, 1, INT32_MAX, &parts, err);
    if (rc == CN_OK)
        cfg->partitions = (int32_t)parts;
    for (size_t i = 0; rc == CN_OK && i < cn_props_count(props); i++) {
        const char *k, *v;
        cn_props_at(props, i, &k, &v);
        if (strcmp(k, "partitions") != 0)
            rc = brk_topic_config_set(cfg, k, v, err);
    }
    cn_props_free(props);
    if (rc != CN_OK)
        cn_error_prefix(err, "%s", path);
    return rc;
}
