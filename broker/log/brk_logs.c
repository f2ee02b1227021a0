/* SPDX-License-Identifier: Apache-2.0
 *
 * The data directory: topics (their persisted configs under topics/), partitions, the
 * clean-shutdown marker, the append hook and the background thread that applies flush.ms,
 * retention and compaction.
 */
#include "broker/log/brk_log_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_fs.h"
#include "common/cn_time.h"

#define CLEAN_MARKER   ".cairn_cleanshutdown"
#define TOPIC_NAME_MAX 249
#define FLUSH_TICK_MS  1000

static void topic_free(void *v) {
    brk_topic_t *t = v;
    if (!t)
        return;
    for (int32_t i = 0; i < t->nparts; i++)
        brk_partition_put(t->parts[i]);
    free(t->parts);
    free(t->name);
    free(t);
}

static void path_of(const brk_logs_t *logs, const char *rel, char *out, size_t cap) {
    snprintf(out, cap, "%s/%s", logs->dir, rel);
}

static void topic_file(const brk_logs_t *logs, const char *topic, char *out, size_t cap) {
    snprintf(out, cap, "%s/topics/%s.properties", logs->dir, topic);
}

static cn_err_t check_topic_name(const char *name, cn_error_t *err) {
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > TOPIC_NAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
        return cn_error_set(err, CN_ERR_INVALID_TOPIC, "invalid topic name '%s'", name ? name : "");
    return CN_OK;
}

/* Partitions [from, cfg->partitions) of t, loaded from disk. Under logs->mu. */
static cn_err_t topic_open_parts(brk_logs_t *logs, brk_topic_t *t, int32_t from, bool clean,
                                 cn_error_t *err) {
    brk_partition_t **parts = realloc(t->parts, (size_t)t->cfg.partitions * sizeof(*parts));
    if (!parts)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    t->parts = parts;
    for (int32_t i = from; i < t->cfg.partitions; i++) {
        brk_partition_t *p = brk_partition_new(logs, t->name, i, &t->cfg);
        cn_err_t rc;
        if (!p)
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        if ((rc = brk_partition_load(p, clean, err)) != CN_OK) {
            brk_partition_put(p);
            return rc;
        }
        t->parts[t->nparts++] = p;
    }
    return CN_OK;
}

static brk_topic_t *topic_new(const char *name, const brk_topic_config_t *cfg) {
    brk_topic_t *t = calloc(1, sizeof(*t));
    if (!t || !(t->name = strdup(name))) {
        free(t);
        return NULL;
    }
    t->cfg = *cfg;
    return t;
}

static cn_err_t load_topic(brk_logs_t *logs, const char *name, bool clean, cn_error_t *err) {
    char path[BRK_PATH_MAX];
    brk_topic_config_t cfg;
    brk_topic_t *t;
    cn_err_t rc;
    topic_file(logs, name, path, sizeof(path));
    if ((rc = brk_topic_config_load(&cfg, path, err)) != CN_OK)
        return rc;
    if (!(t = topic_new(name, &cfg)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    rc = topic_open_parts(logs, t, 0, clean, err);
    if (rc == CN_OK)
        rc = cn_map_sput(logs->topics, name, t);
    if (rc != CN_OK)
        topic_free(t);
    return rc;
}

static cn_err_t load_topics(brk_logs_t *logs, bool clean, cn_error_t *err) {
    char dir[BRK_PATH_MAX];
    struct dirent *e;
    DIR *d;
    cn_err_t rc = CN_OK;
    path_of(logs, "topics", dir, sizeof(dir));
    if (!(d = opendir(dir)))
        return cn_error_set(err, CN_ERR_IO, "opendir %s: %s", dir, strerror(errno));
    while (rc == CN_OK && (e = readdir(d)) != NULL) {
        char name[TOPIC_NAME_MAX + 1];
        size_t n = strlen(e->d_name);
        if (n <= 11 || strcmp(e->d_name + n - 11, ".properties") != 0 || n - 11 > TOPIC_NAME_MAX)
            continue;
        memcpy(name, e->d_name, n - 11);
        name[n - 11] = '\0';
        if (check_topic_name(name, NULL) == CN_OK)
            rc = load_topic(logs, name, clean, err);
    }
    closedir(d);
    return rc;
}

static void *bg_main(void *arg);

static cn_err_t logs_start(brk_logs_t *logs, cn_error_t *err) {
    char path[BRK_PATH_MAX];
    bool clean;
    cn_err_t rc = cn_fs_mkdirs(logs->dir, 0755, err);
    path_of(logs, "topics", path, sizeof(path));
    if (rc == CN_OK)
        rc = cn_fs_mkdirs(path, 0755, err);
    if (rc != CN_OK)
        return rc;
    path_of(logs, CLEAN_MARKER, path, sizeof(path));
    clean = cn_fs_exists(path);
    if ((rc = load_topics(logs, clean, err)) != CN_OK)
        return rc;
    if (clean && (unlink(path) != 0 || cn_fs_fsync_dir(logs->dir, err) != CN_OK))
        return cn_error_set(err, CN_ERR_IO, "removing %s: %s", path, strerror(errno));
    if (logs->opts.background) {
        if (pthread_create(&logs->bg, NULL, bg_main, logs) != 0)
            return cn_error_set(err, CN_ERR_INTERNAL, "cannot start the log cleaner thread");
        logs->bg_running = true;
    }
    return CN_OK;
}

brk_logs_t *brk_logs_open(const brk_logs_options_t *opts, cn_error_t *err) {
    brk_logs_t *logs;
    if (!opts || !opts->dir || !*opts->dir) {
        cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "no data directory");
        return NULL;
    }
    if (!(logs = calloc(1, sizeof(*logs))) || !(logs->dir = strdup(opts->dir)) ||
        !(logs->topics = cn_map_new(topic_free))) {
        if (logs)
            free(logs->dir);
        free(logs);
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    logs->opts = *opts;
    logs->opts.dir = logs->dir;
    if (logs->opts.cleaner_interval_ms <= 0)
        logs->opts.cleaner_interval_ms = 15000;
    logs->log = opts->log;
    pthread_mutex_init(&logs->mu, NULL);
    pthread_cond_init(&logs->bg_cv, NULL);
    pthread_rwlock_init(&logs->hook_rw, NULL);
    if (logs_start(logs, err) != CN_OK) {
        brk_logs_abort(logs);
        return NULL;
    }
    return logs;
}

static void stop_bg(brk_logs_t *logs) {
    pthread_mutex_lock(&logs->mu);
    logs->stopping = true;
    pthread_cond_broadcast(&logs->bg_cv);
    pthread_mutex_unlock(&logs->mu);
    if (logs->bg_running)
        pthread_join(logs->bg, NULL);
    logs->bg_running = false;
}

static void logs_free(brk_logs_t *logs) {
    cn_map_free(logs->topics);
    pthread_mutex_destroy(&logs->mu);
    pthread_cond_destroy(&logs->bg_cv);
    pthread_rwlock_destroy(&logs->hook_rw);
    free(logs->dir);
    free(logs);
}

/* A crash leaves every file where it is: no deferred unlink of .deleted segments either. */
static void keep_files(brk_logs_t *logs) {
    cn_map_iter_t it = {0};
    void *v;
    while (cn_map_next(logs->topics, &it, NULL, NULL, &v)) {
        brk_topic_t *t = v;
        for (int32_t i = 0; i < t->nparts; i++) {
            brk_partition_t *p = t->parts[i];
            pthread_rwlock_wrlock(&p->rw);
            for (size_t k = 0; k < p->nsegs; k++)
                p->segs[k]->unlink_on_free = false;
            pthread_rwlock_unlock(&p->rw);
        }
    }
}

void brk_logs_abort(brk_logs_t *logs) {
    if (!logs)
        return;
    stop_bg(logs);
    keep_files(logs);
    logs_free(logs);
}

void brk_logs_close(brk_logs_t *logs) {
    cn_map_iter_t it = {0};
    char path[BRK_PATH_MAX];
    bool ok;
    void *v;
    if (!logs)
        return;
    stop_bg(logs);
    ok = !atomic_load(&logs->failed);
    while (cn_map_next(logs->topics, &it, NULL, NULL, &v)) {
        brk_topic_t *t = v;
        for (int32_t i = 0; i < t->nparts; i++)
            ok &= brk_partition_shutdown(t->parts[i], true);
    }
    path_of(logs, CLEAN_MARKER, path, sizeof(path));
    if (ok && cn_fs_write_atomic(path, "", 0, NULL) != CN_OK)
        cn_log_warn(logs->log, "cannot write %s", path);
    logs_free(logs);
}

bool brk_logs_failed(const brk_logs_t *logs) {
    return atomic_load(&((brk_logs_t *)logs)->failed);
}

/* Once this returns, no append is still inside the previous hook. */
void brk_logs_set_append_hook(brk_logs_t *logs,
                              void (*hook)(void *arg, const char *topic, int32_t partition),
                              void *arg) {
    pthread_rwlock_wrlock(&logs->hook_rw);
    logs->hook = hook;
    logs->hook_arg = arg;
    pthread_rwlock_unlock(&logs->hook_rw);
}

/* ---- topics ---- */

cn_err_t brk_topic_create(brk_logs_t *logs, const char *topic, const brk_topic_config_t *cfg,
                          cn_error_t *err) {
    char path[BRK_PATH_MAX];
    brk_topic_t *t;
    cn_err_t rc;
    if ((rc = check_topic_name(topic, err)) != CN_OK)
        return rc;
    if (cfg->partitions < 1)
        return cn_error_set(err, CN_ERR_INVALID_PARTITIONS, "partitions must be at least 1");
    pthread_mutex_lock(&logs->mu);
    if (cn_map_sget(logs->topics, topic)) {
        pthread_mutex_unlock(&logs->mu);
        return cn_error_set(err, CN_ERR_TOPIC_EXISTS, "topic '%s' already exists", topic);
    }
    t = topic_new(topic, cfg);
    topic_file(logs, topic, path, sizeof(path));
    rc = t ? brk_topic_config_save(cfg, path, err) : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK)
        rc = topic_open_parts(logs, t, 0, true, err);
    if (rc == CN_OK)
        rc = cn_fs_fsync_dir(logs->dir, err);
    if (rc == CN_OK)
        rc = cn_map_sput(logs->topics, topic, t);
    if (rc != CN_OK)
        topic_free(t);
    pthread_mutex_unlock(&logs->mu);
    return rc;
}

cn_err_t brk_topic_delete(brk_logs_t *logs, const char *topic, cn_error_t *err) {
    char path[BRK_PATH_MAX];
    brk_topic_t *t;
    cn_err_t rc = CN_OK;
    pthread_mutex_lock(&logs->mu);
    t = cn_map_take(logs->topics, topic, strlen(topic));
    if (!t) {
        pthread_mutex_unlock(&logs->mu);
        return cn_error_set(err, CN_ERR_UNKNOWN_TOPIC, "unknown topic '%s'", topic);
    }
    topic_file(logs, topic, path, sizeof(path));
    if (unlink(path) != 0)
        rc = cn_error_set(err, CN_ERR_IO, "unlink %s: %s", path, strerror(errno));
    for (int32_t i = 0; i < t->nparts; i++) {
        atomic_store(&t->parts[i]->deleted, true);
        if (rc == CN_OK)
            rc = cn_fs_rmtree(t->parts[i]->dir, err);
    }
    topic_free(t);
    if (rc == CN_OK)
        rc = cn_fs_fsync_parent(path, err); /* topics/: the deletion is durable */
    if (rc == CN_OK)
        rc = cn_fs_fsync_dir(logs->dir, err);
    pthread_mutex_unlock(&logs->mu);
    return rc;
}

cn_err_t brk_topic_describe(brk_logs_t *logs, const char *topic, brk_topic_config_t *out,
                            cn_error_t *err) {
    brk_topic_t *t;
    pthread_mutex_lock(&logs->mu);
    t = cn_map_sget(logs->topics, topic);
    if (t)
        *out = t->cfg;
    pthread_mutex_unlock(&logs->mu);
    return t ? CN_OK : cn_error_set(err, CN_ERR_UNKNOWN_TOPIC, "unknown topic '%s'", topic);
}

static cn_err_t apply_configs(brk_topic_config_t *cfg, const char *const *names,
                              const char *const *values, size_t n, cn_error_t *err) {
    brk_topic_config_t dflt;
    char v[64];
    cn_err_t rc = CN_OK;
    brk_topic_config_defaults(&dflt);
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        const char *val = values[i];
        if (!val) {
            if ((rc = brk_topic_config_get(&dflt, names[i], v, sizeof(v), err)) != CN_OK)
                break;
            val = v;
        }
        rc = brk_topic_config_set(cfg, names[i], val, err);
    }
    return rc;
}

static void push_config(brk_topic_t *t) {
    for (int32_t i = 0; i < t->nparts; i++) {
        pthread_mutex_lock(&t->parts[i]->mu);
        t->parts[i]->cfg = t->cfg;
        pthread_mutex_unlock(&t->parts[i]->mu);
    }
}

cn_err_t brk_topic_alter(brk_logs_t *logs, const char *topic, const char *const *names,
                         const char *const *values, size_t n, cn_error_t *err) {
    char path[BRK_PATH_MAX];
    brk_topic_config_t cfg;
    brk_topic_t *t;
    cn_err_t rc;
    pthread_mutex_lock(&logs->mu);
    t = cn_map_sget(logs->topics, topic);
    if (!t) {
        pthread_mutex_unlock(&logs->mu);
        return cn_error_set(err, CN_ERR_UNKNOWN_TOPIC, "unknown topic '%s'", topic);
    }
    cfg = t->cfg;
    rc = apply_configs(&cfg, names, values, n, err);
    topic_file(logs, topic, path, sizeof(path));
    if (rc == CN_OK)
        rc = brk_topic_config_save(&cfg, path, err);
    if (rc == CN_OK) {
        t->cfg = cfg;
        push_config(t);
    }
    pthread_mutex_unlock(&logs->mu);
    return rc;
}

cn_err_t brk_topic_add_partitions(brk_logs_t *logs, const char *topic, int32_t total,
                                  cn_error_t *err) {
    char path[BRK_PATH_MAX];
    brk_topic_t *t;
    cn_err_t rc;
    pthread_mutex_lock(&logs->mu);
    t = cn_map_sget(logs->topics, topic);
    if (!t)
        rc = cn_error_set(err, CN_ERR_UNKNOWN_TOPIC, "unknown topic '%s'", topic);
    else if (total <= t->nparts)
        rc = cn_error_set(err, CN_ERR_INVALID_PARTITIONS, "topic '%s' has %d partitions already",
                          topic, t->nparts);
    else {
        int32_t from = t->nparts;
        t->cfg.partitions = total;
        rc = topic_open_parts(logs, t, from, true, err);
        t->cfg.partitions = t->nparts;
        topic_file(logs, topic, path, sizeof(path));
        if (rc == CN_OK)
            rc = brk_topic_config_save(&t->cfg, path, err);
        if (rc == CN_OK)
            rc = cn_fs_fsync_dir(logs->dir, err);
    }
    pthread_mutex_unlock(&logs->mu);
    return rc;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

cn_err_t brk_topic_list(brk_logs_t *logs, char ***names_out, size_t *n_out, cn_error_t *err) {
    cn_map_iter_t it = {0};
    const void *key;
    size_t klen, n = 0;
    char **names;
    pthread_mutex_lock(&logs->mu);
    names = calloc(cn_map_count(logs->topics) + 1, sizeof(*names));
    while (names && cn_map_next(logs->topics, &it, &key, &klen, NULL)) {
        if (!(names[n] = strndup(key, klen)))
            break;
        n++;
    }
    pthread_mutex_unlock(&logs->mu);
    if (!names || n != cn_map_count(logs->topics)) {
        for (size_t i = 0; names && i < n; i++)
            free(names[i]);
        free(names);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    qsort(names, n, sizeof(*names), cmp_str);
    *names_out = names;
    *n_out = n;
    return CN_OK;
}

brk_partition_t *brk_partition_get(brk_logs_t *logs, const char *topic, int32_t partition,
                                   cn_error_t *err) {
    brk_topic_t *t;
    brk_partition_t *p = NULL;
    pthread_mutex_lock(&logs->mu);
    t = cn_map_sget(logs->topics, topic);
    if (t && partition >= 0 && partition < t->nparts) {
        p = t->parts[partition];
        brk_partition_ref(p);
    }
    pthread_mutex_unlock(&logs->mu);
    if (!p)
        cn_error_set(err, CN_ERR_UNKNOWN_TOPIC, "unknown topic or partition %s-%d", topic,
                     partition);
    return p;
}

/* ---- maintenance ---- */

static brk_partition_t **all_partitions(brk_logs_t *logs, size_t *n_out) {
    cn_map_iter_t it = {0};
    brk_partition_t **v = NULL;
    size_t n = 0, cap = 0;
    void *val;
    pthread_mutex_lock(&logs->mu);
    while (cn_map_next(logs->topics, &it, NULL, NULL, &val)) {
        brk_topic_t *t = val;
        for (int32_t i = 0; i < t->nparts; i++) {
            if (n == cap) {
                brk_partition_t **nv = realloc(v, (cap = cap * 2 + 16) * sizeof(*v));
                if (!nv)
                    goto out;
                v = nv;
            }
            brk_partition_ref(t->parts[i]);
            v[n++] = t->parts[i];
        }
    }
out:
    pthread_mutex_unlock(&logs->mu);
    *n_out = n;
    return v;
}

static cn_err_t maintain(brk_logs_t *logs, int64_t now_ms, bool full, cn_error_t *err) {
    size_t n;
    brk_partition_t **parts = all_partitions(logs, &n);
    cn_err_t rc = CN_OK, r;
    for (size_t i = 0; i < n; i++) {
        brk_partition_t *p = parts[i];
        r = brk_partition_flush_due(p, cn_mono_ms(), err);
        if (full && r == CN_OK)
            r = brk_partition_retain(p, now_ms, err); /* checks cleanup.policy itself */
        if (full && r == CN_OK && brk_partition_needs_compaction(p, now_ms))
            r = brk_partition_compact(p, now_ms, err);
        if (r != CN_OK && rc == CN_OK)
            rc = r;
        brk_partition_put(p);
    }
    free(parts);
    return rc;
}

cn_err_t brk_logs_maintain(brk_logs_t *logs, int64_t now_ms, cn_error_t *err) {
    return maintain(logs, now_ms, true, err);
}

static void *bg_main(void *arg) {
    brk_logs_t *logs = arg;
    int64_t next_full = cn_mono_ms() + logs->opts.cleaner_interval_ms;
    pthread_mutex_lock(&logs->mu);
    while (!logs->stopping) {
        int64_t tick = logs->opts.cleaner_interval_ms < FLUSH_TICK_MS
                           ? logs->opts.cleaner_interval_ms
                           : FLUSH_TICK_MS;
        struct timespec ts;
        bool full;
        cn_error_t err;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += tick / 1000;
        ts.tv_nsec += (tick % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&logs->bg_cv, &logs->mu, &ts);
        if (logs->stopping)
            break;
        pthread_mutex_unlock(&logs->mu);
        full = cn_mono_ms() >= next_full;
        if (full)
            next_full = cn_mono_ms() + logs->opts.cleaner_interval_ms;
        if (maintain(logs, cn_wall_ms(), full, &err) != CN_OK)
            cn_log_warn(logs->log, "log maintenance: %s", err.msg);
        pthread_mutex_lock(&logs->mu);
    }
    pthread_mutex_unlock(&logs->mu);
    return NULL;
}
