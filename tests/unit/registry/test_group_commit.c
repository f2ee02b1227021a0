/* SPDX-License-Identifier: Apache-2.0
 *
 * Group commit of `_schemas` appends on the real log engine (issue 9): concurrent registrations
 * share fsyncs (a slowed fsync makes it visible), ids and versions are still decided in one
 * order (the order of the log), every answer survives a reopen, and neither a writer nor a
 * reader answers before the record it saw is durable (an fsync held at a gate).
 */
#include "tests/support/test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/log/brk_log.h"
#include "common/cn_time.h"
#include "registry/reg_registry.h"
#include "tests/support/tu_registry.h"

#define THREADS 8
#define PER     30

/* The fsync of segment files: held while the gate is closed, then slowed by delay_us. */
typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool closed;
    int inside; /* fsyncs waiting at the gate */
    int delay_us;
} gate_t;

static int gated_fsync(void *arg, int fd) {
    gate_t *g = arg;
    pthread_mutex_lock(&g->mu);
    g->inside++;
    pthread_cond_broadcast(&g->cv);
    while (g->closed)
        pthread_cond_wait(&g->cv, &g->mu);
    g->inside--;
    pthread_mutex_unlock(&g->mu);
    if (g->delay_us)
        usleep((useconds_t)g->delay_us);
    return fdatasync(fd);
}

typedef struct env {
    tu_reg_env_t r; /* first: the fixtures below use its dir, logs, store and reg */
    gate_t gate;
} env_t;

static void env_open(env_t *e) {
    brk_logs_options_t lo = {0};
    reg_options_t ro;
    lo.fsync_fn = gated_fsync;
    lo.fsync_arg = &e->gate;
    reg_options_defaults(&ro);
    ro.default_level = COMPAT_NONE;
    tu_reg_env_open(&e->r, &lo, &ro);
}
static void env_close(env_t *e) {
    tu_reg_env_close(&e->r);
}

static void env_init(env_t *e, const char *name) {
    memset(e, 0, sizeof(*e));
    e->r.dir = tu_tmpdir(name);
    pthread_mutex_init(&e->gate.mu, NULL);
    pthread_cond_init(&e->gate.cv, NULL);
    env_open(e);
}

static void env_fini(env_t *e) {
    env_close(e);
    pthread_mutex_destroy(&e->gate.mu);
    pthread_cond_destroy(&e->gate.cv);
    tu_tmpdir_free(e->r.dir);
}

static uint64_t fsyncs(env_t *e) {
    brk_partition_stats_t st;
    brk_partition_t *p = brk_partition_get(e->r.logs, "_schemas", 0, NULL);
    brk_partition_stats(p, &st);
    brk_partition_put(p);
    return st.fsyncs;
}

static void text_of(char *buf, size_t cap, int t, int i) {
    snprintf(buf, cap,
             "{\"type\":\"record\",\"name\":\"T%d_%d\",\"fields\":[{\"name\":\"f\",\"type\":"
             "\"long\"}]}",
             t, i);
}

static const char *subject_of(char *buf, size_t cap, int t, int i) {
    if (i % 2 == 0)
        return "shared"; /* versions of one subject decided by every thread */
    snprintf(buf, cap, "own-%d", t);
    return buf;
}

typedef struct worker {
    env_t *e;
    int t;
    int32_t ids[PER];
} worker_t;

static void *register_loop(void *arg) {
    worker_t *w = arg;
    for (int i = 0; i < PER; i++) {
        char text[160], subj[32];
        reg_schema_req_t req;
        cn_error_t err;
        text_of(text, sizeof(text), w->t, i);
        reg_schema_req_init(&req);
        req.schema = text;
        req.schema_len = strlen(text);
        if (reg_register(w->e->r.reg, REG_NAME(subject_of(subj, sizeof(subj), w->t, i)), &req,
                         &w->ids[i], &err) != CN_OK)
            w->ids[i] = -1;
    }
    return NULL;
}

/* The SCHEMA records in log order: ids as handed out, versions of "shared". */
typedef struct order {
    int32_t last_id, last_shared;
    int n, bad;
} order_t;

static cn_err_t visit(void *arg, const reg_rec_t *rec, cn_error_t *err) {
    order_t *o = arg;
    reg_key_t key;
    reg_value_t val;
    if (reg_key_decode(rec->key, (size_t)rec->key_len, &key, err) != CN_OK)
        return CN_OK;
    if (key.type == REG_KEY_SCHEMA &&
        reg_value_decode(&key, rec->value, rec->value_len, &val, err) == CN_OK) {
        o->bad += val.schema.id != o->last_id + 1; /* every schema is new: max + 1, in order */
        o->last_id = val.schema.id;
        if (strcmp(key.subject, "shared") == 0) {
            o->bad += key.version != o->last_shared + 1;
            o->last_shared = key.version;
        }
        o->n++;
        reg_value_fini(&val);
    }
    reg_key_fini(&key);
    return CN_OK;
}

static bool holds(const reg_subject_t *s, const reg_schema_t *sch) {
    for (size_t i = 0; s && i < s->n; i++)
        if (s->v[i]->schema == sch)
            return true;
    return false;
}

/* Each answered id is the schema registered, held by a version of its subject. */
static void check_answers(reg_registry_t *reg, worker_t *w) {
    reg_rdlock(reg);
    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < PER; i++) {
            char text[160], subj[32];
            reg_schema_t *sch = reg_schema_by_id(reg, w[t].ids[i], REG_NAME(NULL));
            reg_subject_t *s = reg_subject_get(reg, REG_NAME(subject_of(subj, sizeof(subj), t, i)));
            text_of(text, sizeof(text), t, i);
            assert_non_null(sch);
            assert_string_equal(sch->text, text);
            assert_true(holds(s, sch));
        }
    }
    reg_unlock(reg);
}

static void test_concurrent_registrations_share_fsyncs(void **state) {
    env_t e;
    worker_t w[THREADS];
    pthread_t th[THREADS];
    order_t o = {0};
    uint64_t f0;
    int64_t next = 0;
    char seen[THREADS * PER + 1] = {0};
    (void)state;
    env_init(&e, "group-commit");
    e.gate.delay_us = 2000; /* a slow disk: group commit pays off */
    f0 = fsyncs(&e);
    for (int t = 0; t < THREADS; t++) {
        w[t] = (worker_t){&e, t, {0}};
        pthread_create(&th[t], NULL, register_loop, &w[t]);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    /* fewer fsyncs than registrations: appends that queued behind an fsync shared the next */
    assert_true(fsyncs(&e) - f0 < (uint64_t)(THREADS * PER) / 2);
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < PER; i++) {
            assert_in_range(w[t].ids[i], 1, THREADS * PER);
            assert_false(seen[w[t].ids[i]]); /* one id per schema */
            seen[w[t].ids[i]] = 1;
        }
    assert_int_equal(reg_store_read(e.r.store, 0, visit, &o, &next, NULL), CN_OK);
    assert_int_equal(o.n, THREADS * PER);
    assert_int_equal(o.bad, 0);
    assert_int_equal(o.last_shared, THREADS * PER / 2);
    check_answers(e.r.reg, w);
    env_close(&e);
    e.gate.delay_us = 0;
    env_open(&e); /* replayed: the same answers */
    check_answers(e.r.reg, w);
    env_fini(&e);
}

typedef struct bg {
    env_t *e;
    const char *text;
    int32_t id;
    volatile bool done;
} bg_t;

static void *bg_register(void *arg) {
    bg_t *b = arg;
    reg_schema_req_t req;
    reg_schema_req_init(&req);
    req.schema = b->text;
    req.schema_len = strlen(b->text);
    if (reg_register(b->e->r.reg, REG_NAME("gated"), &req, &b->id, NULL) != CN_OK)
        b->id = -1;
    b->done = true;
    return NULL;
}

static void *bg_lookup(void *arg) {
    bg_t *b = arg;
    reg_schema_req_t req;
    reg_version_t *v = NULL;
    reg_schema_req_init(&req);
    req.schema = b->text;
    req.schema_len = strlen(b->text);
    reg_rdlock(b->e->r.reg);
    b->id = reg_lookup(b->e->r.reg, REG_NAME("gated"), &req, false, &v, NULL) == CN_OK
                ? v->schema->id
                : -1;
    reg_unlock(b->e->r.reg); /* waits until what it saw is durable */
    b->done = true;
    return NULL;
}

static void test_nothing_answered_before_durable(void **state) {
    env_t e;
    bg_t wr, rd;
    pthread_t tw, tr;
    (void)state;
    env_init(&e, "group-gate");
    wr = (bg_t){&e, "\"string\"", 0, false};
    rd = wr;
    pthread_mutex_lock(&e.gate.mu);
    e.gate.closed = true;
    pthread_mutex_unlock(&e.gate.mu);
    pthread_create(&tw, NULL, bg_register, &wr);
    pthread_mutex_lock(&e.gate.mu); /* the writer's record is applied, its fsync held */
    while (e.gate.inside == 0)
        pthread_cond_wait(&e.gate.cv, &e.gate.mu);
    pthread_mutex_unlock(&e.gate.mu);
    pthread_create(&tr, NULL, bg_lookup, &rd);
    usleep(150 * 1000);
    assert_false(wr.done); /* neither answers while the fsync is held */
    assert_false(rd.done);
    pthread_mutex_lock(&e.gate.mu);
    e.gate.closed = false;
    pthread_cond_broadcast(&e.gate.cv);
    pthread_mutex_unlock(&e.gate.mu);
    pthread_join(tw, NULL);
    pthread_join(tr, NULL);
    assert_int_equal(wr.id, 1);
    assert_int_equal(rd.id, 1); /* the reader saw it, and answered once it was durable */
    env_fini(&e);
}

/* Someone else's records written (not yet durable) before the writer's own: the writer cannot
 * apply its own first; it waits for both and reads them back in log order. */
static void test_foreign_records_first(void **state) {
    env_t e;
    const char *key = "{\"keytype\":\"SCHEMA\",\"subject\":\"ext\",\"version\":1,\"magic\":1}";
    const char *val = "{\"subject\":\"ext\",\"version\":1,\"id\":42,\"schema\":\"\\\"int\\\"\","
                      "\"deleted\":false}";
    reg_rec_t rec = {(const uint8_t *)key,
                     (int32_t)strlen(key),
                     (const uint8_t *)val,
                     (int32_t)strlen(val),
                     0,
                     0};
    reg_schema_req_t req;
    int32_t id = 0;
    cn_error_t err;
    (void)state;
    env_init(&e, "group-foreign");
    assert_int_equal(reg_store_append_pending(e.r.store, &rec, 1, &err), CN_OK);
    assert_int_equal(rec.offset, 0);
    reg_schema_req_init(&req);
    req.schema = "\"long\"";
    req.schema_len = strlen(req.schema);
    assert_int_equal(reg_register(e.r.reg, REG_NAME("own"), &req, &id, &err), CN_OK);
    assert_int_equal(id, 1); /* decided before the foreign record was readable */
    reg_rdlock(e.r.reg);
    assert_non_null(reg_schema_by_id(e.r.reg, 42, REG_NAME(NULL))); /* applied, in log order */
    assert_non_null(reg_subject_get(e.r.reg, REG_NAME("ext")));
    assert_string_equal(reg_schema_by_id(e.r.reg, 1, REG_NAME(NULL))->text, "\"long\"");
    reg_unlock(e.r.reg);
    req.schema = "\"string\"";
    req.schema_len = strlen(req.schema);
    assert_int_equal(reg_register(e.r.reg, REG_NAME("own"), &req, &id, &err), CN_OK);
    assert_int_equal(id, 43); /* max + 1 now that 42 is known */
    env_fini(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_registrations_share_fsyncs),
        cmocka_unit_test(test_nothing_answered_before_durable),
        cmocka_unit_test(test_foreign_records_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
