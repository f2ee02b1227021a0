/* SPDX-License-Identifier: Apache-2.0
 *
 * cairnd: the server process (docs/configuration.md, docs/internals.md). Reads the configuration
 * (properties file, CAIRN_* environment, flags), opens the bundled broker's data directory, the
 * `_schemas` store and the registry, starts the REST listener (answering 503 on /status/ready until
 * the replay is done), replays, logs one line when ready, and exits cleanly on SIGTERM/SIGINT
 * (brk_logs_close writes the clean-shutdown marker). Owns the server context.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api_server_int.h"
#include "api/cairnd_kafka_int.h"
#include "broker/log/brk_log.h"
#include "common/cn_props.h"
#include "common/cn_time.h"
#include "registry/reg_registry.h"

extern char **environ;

/* Everything the process runs, created in main() and passed down (no globals). */
typedef struct cairnd {
    cn_props_t *props;
    cn_log_t log;
    char http_host[64];
    int http_port;
    brk_logs_t *logs;    /* the bundled broker's data directory: `_schemas` and user topics */
    brk_server_t *kafka; /* the bundled broker's Kafka listener; NULL when off */
    reg_store_t *store;
    reg_registry_t *reg;
    api_server_t *http;
} cairnd_t;

static const char usage[] =
    "usage: cairnd [--config FILE] [--data-dir DIR] [--http HOST:PORT] [--kafka HOST:PORT|off]\n"
    "              [--help]\n"
    "\n"
    "  --config FILE     Java-style properties file (keys in docs/configuration.md)\n"
    "  --data-dir DIR    data directory (cairn.data.dir, default ./cairn-data)\n"
    "  --http HOST:PORT  REST listener (listeners, default 127.0.0.1:8081)\n"
    "  --kafka HOST:PORT Kafka protocol listener of the bundled broker (cairn.kafka.listeners,\n"
    "                    default 127.0.0.1:9092); 'off' runs without one\n"
    "  --help            this text\n"
    "\n"
    "Every key can also be set from the environment: CAIRN_ + the key upper-cased with '.'\n"
    "written '_' (CAIRN_SCHEMA_COMPATIBILITY_LEVEL=full). Flags win over the environment,\n"
    "which wins over the file.\n";

/* The flags that set a configuration key. */
static const char *flag_key(const char *flag) {
    static const char *const map[][2] = {{"--data-dir", "cairn.data.dir"},
                                         {"--http", "listeners"},
                                         {"--kafka", "cairn.kafka.listeners"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(flag, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

static int parse_args(cairnd_t *d, int argc, char **argv, const char **config) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        const char *key = flag_key(a);
        if (!v || (!key && strcmp(a, "--config") != 0)) {
            fprintf(stderr, "cairnd: unknown or incomplete option '%s'\n%s", a, usage);
            return 2;
        }
        if (key)
            cn_props_set(d->props, key, v);
        else
            *config = v;
        i++;
    }
    return 0;
}

typedef struct int_key {
    const char *key;
    int64_t dflt, min, max;
} int_key_t;

static cn_err_t get_int(const cn_props_t *p, int_key_t k, int64_t *out, cn_error_t *err) {
    return cn_props_get_i64(p, k.key, k.dflt, k.min, k.max, out, err);
}

static cn_err_t http_config(cairnd_t *d, api_config_t *c, cn_error_t *err) {
    int64_t v[8];
    static const int_key_t keys[8] = {
        {"cairn.http.threads", 4, 1, 256},
        {"cairn.http.connection.limit", 512, 1, 65536},
        {"cairn.http.per.ip.connection.limit", 64, 0, 65536},
        {"cairn.http.idle.timeout.ms", 30000, 1000, 3600000},
        {"cairn.http.connection.memory.bytes", 32768, 8192, 1048576},
        {"cairn.http.max.body.bytes", 1048576, 1024, 64 * 1048576},
        {"cairn.http.request.timeout.ms", 30000, 100, 3600000},
        {"schema.search.default.limit", 1000, 1, 1000000},
    };
    bool b40901;
    cn_err_t rc = CN_OK;
    for (size_t i = 0; rc == CN_OK && i < 8; i++)
        rc = get_int(d->props, keys[i], &v[i], err);
    if (rc == CN_OK)
        rc = cn_props_get_bool(d->props, "cairn.incompatible.error.40901", false, &b40901, err);
    if (rc != CN_OK)
        return rc;
    api_config_defaults(c);
    c->host = d->http_host;
    c->port = d->http_port;
    c->threads = (unsigned)v[0];
    c->conn_limit = (unsigned)v[1];
    c->per_ip_limit = (unsigned)v[2];
    c->idle_timeout_s = (unsigned)((v[3] + 999) / 1000);
    c->conn_memory = (size_t)v[4];
    c->body_limit = (size_t)v[5];
    c->deadline_ms = v[6];
    c->search_limit = (int)v[7];
    c->incompatible_40901 = b40901;
    c->cluster_id = cn_props_get_str(d->props, "cairn.cluster.id", "cairn");
    return CN_OK;
}

static cn_err_t registry_config(cairnd_t *d, reg_options_t *o, cn_error_t *err) {
    const char *level = cn_props_get_str(d->props, "schema.compatibility.level", "backward");
    int64_t max_bytes = 0, cache = REG_PARSE_CACHE_DEFAULT;
    cn_err_t rc;
    reg_options_defaults(o);
    o->store = d->store;
    o->lang = reg_lang_compat();
    o->log = &d->log;
    if (!reg_level_parse(level, &o->default_level))
        return cn_error_set(err, CN_ERR_INVALID_CONFIG,
                            "schema.compatibility.level: '%s' is not a compatibility level", level);
    rc = cn_props_get_bool(d->props, "mode.mutability", true, &o->mode_mutable, err);
    if (rc == CN_OK)
        rc = cn_props_get_i64(d->props, "cairn.schema.max.bytes", 1024 * 1024 - 4096, 1024,
                              64 * 1048576, &max_bytes, err);
    if (rc == CN_OK)
        rc = cn_props_get_i64(d->props, "cairn.registry.parse.cache.size", REG_PARSE_CACHE_DEFAULT,
                              1, 10000000, &cache, err);
    o->max_schema_bytes = (size_t)max_bytes;
    o->parse_cache_size = (size_t)cache;
    return rc;
}

static cn_err_t open_storage(cairnd_t *d, cn_error_t *err) {
    brk_logs_options_t lo = {0};
    lo.dir = cn_props_get_str(d->props, "cairn.data.dir", "./cairn-data");
    lo.log = &d->log;
    lo.background = true;
    lo.cleaner_interval_ms = 15000;
    /* With `_schemas` on a Kafka cluster and no listener of our own, there is no local data. */
    if (cairnd_kafka_external_store(d->props) && !cairnd_kafka_listener_enabled(d->props))
        lo.dir = NULL;
    if (lo.dir && !(d->logs = brk_logs_open(&lo, err)))
        return err ? err->code : CN_ERR_IO;
    d->store = cairnd_kafka_store_open(d->props, d->logs, &d->log, err);
    return d->store ? CN_OK : (err ? err->code : CN_ERR_IO);
}

static cn_err_t start(cairnd_t *d, cn_error_t *err) {
    reg_options_t ro;
    api_config_t hc;
    int64_t t0 = cn_mono_ms(), applied, skipped, next;
    cn_err_t rc = open_storage(d, err);
    if (rc == CN_OK)
        rc = registry_config(d, &ro, err);
    if (rc == CN_OK && !(d->reg = reg_new(&ro, err)))
        rc = CN_ERR_NO_MEMORY;
    if (rc == CN_OK)
        rc = http_config(d, &hc, err);
    if (rc == CN_OK)
        rc = cairnd_kafka_listener_start(d->props, d->logs, &d->log, &d->kafka, err);
    if (rc == CN_OK && !(d->http = api_server_start(&hc, d->reg, &d->log, err)))
        rc = err ? err->code : CN_ERR_IO;
    if (rc == CN_OK)
        rc = reg_replay(d->reg, err);
    if (rc != CN_OK)
        return rc;
    reg_stats(d->reg, &applied, &skipped, &next);
    cn_log_info(&d->log,
                "cairnd ready: REST API on http://%s:%d (_schemas replayed to offset %lld: %lld "
                "records applied, %lld skipped, %lld ms)",
                d->http_host, api_server_port(d->http), (long long)next, (long long)applied,
                (long long)skipped, (long long)(cn_mono_ms() - t0));
    return CN_OK;
}

static void stop(cairnd_t *d) {
    api_server_stop(d->http);
    reg_free(d->reg);
    reg_store_free(d->store);
    brk_server_stop(d->kafka);
    brk_server_free(d->kafka);
    brk_logs_close(d->logs); /* fsync, checkpoints, clean-shutdown marker */
    cn_props_free(d->props);
}

/* Wait for SIGTERM/SIGINT, following records others append to `_schemas` meanwhile; a fatal
 * log failure (fsync) ends the process without the clean-shutdown marker. */
static int wait_for_signal(cairnd_t *d, const sigset_t *set) {
    struct timespec ts = {0, 200 * 1000 * 1000};
    for (;;) {
        cn_error_t err;
        int sig = sigtimedwait(set, NULL, &ts);
        if (sig == SIGTERM || sig == SIGINT) {
            cn_log_info(&d->log, "cairnd: signal %d, shutting down", sig);
            return 0;
        }
        if (sig < 0 && errno != EAGAIN && errno != EINTR)
            return 1;
        if (reg_refresh(d->reg, &err) != CN_OK)
            cn_log_warn(&d->log, "cairnd: following _schemas: %s", err.msg);
        if (d->logs && brk_logs_failed(d->logs)) {
            cn_log_error(&d->log, "cairnd: the log failed to fsync: exiting for recovery");
            _exit(3);
        }
    }
}

static cn_err_t configure(cairnd_t *d, const char *config, cn_error_t *err) {
    cn_props_t *flags = d->props;
    cn_log_level_t lvl = CN_LOG_INFO;
    cn_err_t rc = CN_OK;
    d->props = cn_props_new();
    if (config)
        rc = cn_props_load_file(d->props, config, err);
    if (rc == CN_OK)
        rc = cn_props_apply_env(d->props, "CAIRN_", environ);
    for (size_t i = 0; rc == CN_OK && i < cn_props_count(flags); i++) {
        const char *k, *v;
        cn_props_at(flags, i, &k, &v);
        cn_props_set(d->props, k, v);
    }
    cn_props_free(flags);
    if (rc == CN_OK &&
        !cn_log_level_parse(cn_props_get_str(d->props, "cairn.log.level", "info"), &lvl))
        rc = cn_error_set(err, CN_ERR_INVALID_CONFIG, "cairn.log.level: unknown level");
    cn_log_init(&d->log, lvl, 2, "cairnd");
    if (rc == CN_OK)
        rc = cn_parse_listener(cn_props_get_str(d->props, "listeners", "127.0.0.1:8081"),
                               d->http_host, sizeof(d->http_host), &d->http_port, err);
    return rc;
}

int main(int argc, char **argv) {
    cairnd_t d;
    const char *config = NULL;
    cn_error_t err = {0};
    sigset_t set;
    int rc;
    memset(&d, 0, sizeof(d));
    d.props = cn_props_new();
    if ((rc = parse_args(&d, argc, argv, &config)) != 0) {
        cn_props_free(d.props);
        return rc == 1 ? 0 : 2;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* every thread inherits this; main waits */
    sigdelset(&set, SIGPIPE);
    if (configure(&d, config, &err) != CN_OK || start(&d, &err) != CN_OK) {
        cn_log_error(&d.log, "cairnd: cannot start: %s", err.msg);
        stop(&d);
        return 1;
    }
    rc = wait_for_signal(&d, &set);
    stop(&d);
    return rc;
}
