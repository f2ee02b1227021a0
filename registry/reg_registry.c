/* SPDX-License-Identifier: Apache-2.0
 *
 * The registry object's lifecycle: options, new and free, the replay at start (the registry is
 * ready, and hands out ids, only after it reached the end of the store), the periodic refresh
 * that applies what others appended, and statistics. Owns the state (reg_state.c), borrows the
 * store and the language table.
 */
#include "registry/reg_int.h"

#include <stdlib.h>
#include <string.h>

void reg_options_defaults(reg_options_t *opts) {
    memset(opts, 0, sizeof(*opts));
    opts->default_level = COMPAT_BACKWARD;
    opts->mode_mutable = true;
    opts->max_schema_bytes = 1024 * 1024 - 4096;
    opts->max_refs = 100;
    opts->parse_cache_size = REG_PARSE_CACHE_DEFAULT;
}

static void locks_init(reg_registry_t *reg) {
    pthread_mutexattr_t ma;
    pthread_rwlockattr_t ra;
    pthread_rwlockattr_init(&ra); /* a steady stream of readers must not starve the writer */
    pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&reg->lock, &ra);
    pthread_rwlockattr_destroy(&ra);
    pthread_mutex_init(&reg->writer, NULL);
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&reg->parse_mu, &ma);
    pthread_mutexattr_destroy(&ma);
    pthread_mutex_init(&reg->lost_mu, NULL);
    pthread_cond_init(&reg->lost_cv, NULL);
    atomic_init(&reg->durable, 0);
    atomic_init(&reg->ready, false);
    atomic_init(&reg->writing, false);
    atomic_init(&reg->wrlocked, false);
}

reg_registry_t *reg_new(const reg_options_t *opts, cn_error_t *err) {
    reg_registry_t *reg = calloc(1, sizeof(*reg));
    if (!reg) {
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    reg->opts = *opts;
    locks_init(reg);
    if (!opts->store || !opts->lang || reg_state_init(reg) != CN_OK) {
        cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "registry: store and language table needed");
        reg_free(reg);
        return NULL;
    }
    return reg;
}

void reg_free(reg_registry_t *reg) {
    if (!reg)
        return;
    reg_state_fini(reg);
    pthread_rwlock_destroy(&reg->lock);
    pthread_mutex_destroy(&reg->writer);
    pthread_mutex_destroy(&reg->parse_mu);
    pthread_mutex_destroy(&reg->lost_mu);
    pthread_cond_destroy(&reg->lost_cv);
    free(reg);
}

cn_err_t reg_replay(reg_registry_t *reg, cn_error_t *err) {
    int64_t end = 0;
    cn_err_t rc;
    reg_writer_lock(reg);
    rc = reg_store_end_offset(reg->opts.store, &end, err);
    while (rc == CN_OK && reg->next_offset < end)
        rc = reg_catch_up(reg, err);
    if (rc == CN_OK)
        atomic_store(&reg->ready, true);
    reg_writer_release(reg); /* everything replayed was durable */
    return rc;
}

cn_err_t reg_refresh(reg_registry_t *reg, cn_error_t *err) {
    int64_t end = 0;
    cn_err_t rc;
    if (!reg_ready(reg) || !reg_writer_trylock(reg))
        return CN_OK;
    rc = reg_store_end_offset(reg->opts.store, &end, err);
    if (rc == CN_OK && end > reg->next_offset) /* next_offset changes only under the writer */
        rc = reg_catch_up(reg, err);
    reg_writer_release(reg); /* answers nothing: never waits for an fsync (nor hangs after one
                                failed, so that its caller can see the log failed and exit) */
    return rc;
}

const reg_lang_ops_t *reg_lang_get(reg_registry_t *reg) {
    return reg->opts.lang;
}

void reg_stats(reg_registry_t *reg, int64_t *applied, int64_t *skipped, int64_t *next_offset) {
    reg_rdlock(reg);
    *applied = reg->applied;
    *skipped = reg->skipped;
    *next_offset = reg->next_offset;
    reg_unlock(reg);
}
