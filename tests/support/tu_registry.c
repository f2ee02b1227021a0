/* SPDX-License-Identifier: Apache-2.0
 *
 * Opening registries for tests (tu_registry.h): over a given store, or over the `_schemas` store
 * of the real log engine.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>

#include "tests/support/tu_registry.h"

static cn_log_t quiet = {CN_LOG_OFF, 2, "test"};

void tu_reg_options(reg_options_t *o, reg_store_t *store, const reg_lang_ops_t *lang) {
    reg_options_defaults(o);
    o->store = store;
    o->lang = lang;
    o->log = &quiet;
}

reg_registry_t *tu_reg_new(const reg_options_t *o) {
    cn_error_t err;
    reg_registry_t *reg = reg_new(o, &err);
    if (!reg)
        fail_msg("registry: %s", err.msg);
    if (reg_replay(reg, &err) != CN_OK)
        fail_msg("replay: %s", err.msg);
    return reg;
}

tu_reg_mem_t *tu_reg_mem_new(const reg_lang_ops_t *lang, size_t cache) {
    tu_reg_mem_t *m = calloc(1, sizeof(*m));
    reg_options_t o;
    assert_non_null(m);
    assert_non_null(m->store = reg_store_mem_new());
    tu_reg_options(&o, m->store, lang);
    if (cache)
        o.parse_cache_size = cache;
    m->reg = tu_reg_new(&o);
    return m;
}

void tu_reg_mem_free(tu_reg_mem_t *m) {
    reg_free(m->reg);
    reg_store_free(m->store);
    free(m);
}

void tu_reg_env_open(tu_reg_env_t *e, const brk_logs_options_t *lo, const reg_options_t *ro) {
    brk_logs_options_t l = {0};
    reg_options_t o;
    cn_error_t err;
    if (lo)
        l = *lo;
    l.dir = e->dir;
    l.log = &quiet;
    if (!(e->logs = brk_logs_open(&l, &err)))
        fail_msg("open: %s", err.msg);
    if (!(e->store = reg_store_log_new(e->logs, "_schemas", &err)))
        fail_msg("store: %s", err.msg);
    if (ro)
        o = *ro;
    else
        reg_options_defaults(&o);
    o.store = e->store;
    o.lang = reg_lang_compat();
    o.log = &quiet;
    e->reg = tu_reg_new(&o);
}

void tu_reg_env_close(tu_reg_env_t *e) {
    reg_free(e->reg);
    reg_store_free(e->store);
    brk_logs_close(e->logs);
    e->reg = NULL;
    e->store = NULL;
    e->logs = NULL;
}
