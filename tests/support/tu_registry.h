/* SPDX-License-Identifier: Apache-2.0
 *
 * Registries for the tests of the registry domain: a registry opened and replayed over a given
 * store, and the same over the `_schemas` store of a real log engine in a temporary directory.
 * Every step that fails fails the test.
 */
#ifndef TU_REGISTRY_H
#define TU_REGISTRY_H

#include "broker/log/brk_log.h"
#include "registry/reg_registry.h"

/** @brief reg_options_defaults, then store, lang and a log that prints nothing. */
void tu_reg_options(reg_options_t *o, reg_store_t *store, const reg_lang_ops_t *lang);
/** @brief reg_new(o) then reg_replay; returns the registry (free with reg_free). */
reg_registry_t *tu_reg_new(const reg_options_t *o);

/** A registry on a memory store, for cmocka fixtures. */
typedef struct tu_reg_mem {
    reg_store_t *store;
    reg_registry_t *reg;
} tu_reg_mem_t;

/** @brief A new memory store and a registry on it with lang and, when cache is not 0, that
 *  parse cache size (free with tu_reg_mem_free). */
tu_reg_mem_t *tu_reg_mem_new(const reg_lang_ops_t *lang, size_t cache);
/** @brief Free the registry, then the store, then m. */
void tu_reg_mem_free(tu_reg_mem_t *m);

/** A registry on the `_schemas` store of the log engine in dir (dir is the caller's). */
typedef struct tu_reg_env {
    char *dir;
    brk_logs_t *logs;
    reg_store_t *store;
    reg_registry_t *reg;
} tu_reg_env_t;

/** @brief Open the logs in e->dir (lo: NULL, or options such as an fsync hook; dir and log are
 *  set here), the `_schemas` store on them, and a replayed registry with the compat languages
 *  (ro: NULL for the defaults, or options whose store, lang and log are set here). */
void tu_reg_env_open(tu_reg_env_t *e, const brk_logs_options_t *lo, const reg_options_t *ro);
/** @brief Free the registry, the store and the logs (not the directory); NULLs them. */
void tu_reg_env_close(tu_reg_env_t *e);

#endif
