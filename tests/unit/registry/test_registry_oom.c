/* SPDX-License-Identifier: Apache-2.0
 *
 * A registration that runs out of memory either answers an error and changes nothing, or
 * answers success with its records durable and applied (registry-api.md §4.4: append ->
 * durable -> apply -> answer). This program interposes malloc, calloc and realloc (forwarding
 * to the next definition, libc's or the sanitizer's), counts the allocations that one
 * registration makes on the calling thread, then fails the 1st, the 2nd, ... in turn, each on a
 * fresh store on disk (the bundled broker's log, the real Avro language). After each attempt
 * it checks the answer against the registry's read API, the store's end offset, a retry
 * without failures, and a registry reopened from the files.
 *
 * Allocations inside jansson's parser (json_loadb) are not failed: jansson 2.14's lexer drops a
 * failed append to its token buffer and then assert()s (akheron/jansson issue #362), which
 * aborts the process rather than answering. The registry's side of that is covered anyway: a
 * record it wrote that then fails to parse is retried, not skipped (reg_state_apply).
 */
#include "tests/support/test_util.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "broker/log/brk_log.h"
#include "registry/reg_registry.h"

/* ---- the interposer ---- */

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static _Alignas(16) char boot[8192]; /* for dlsym's own allocations while resolving */
static size_t boot_used;
static _Thread_local bool armed;         /* count (and maybe fail) on this thread */
static _Thread_local long seen, fail_at; /* fail_at 0: never */

static void *boot_alloc(size_t n) {
    void *p;
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof(boot) - boot_used)
        return NULL;
    p = boot + boot_used;
    boot_used += n;
    return p; /* static storage: zeroed */
}

static bool in_boot(const void *p) {
    return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

static void resolve(void) {
    static bool resolving;
    if (resolving)
        return;
    resolving = true;
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    resolving = false;
}

static bool inject(void) {
    if (!armed)
        return false;
    seen++;
    return fail_at > 0 && seen == fail_at;
}

void *malloc(size_t n) {
    if (!real_malloc)
        resolve();
    if (!real_malloc)
        return boot_alloc(n);
    return inject() ? NULL : real_malloc(n);
}

void *calloc(size_t a, size_t b) {
    if (!real_calloc)
        resolve();
    if (!real_calloc)
        return b && a > SIZE_MAX / b ? NULL : boot_alloc(a * b);
    return inject() ? NULL : real_calloc(a, b);
}

void *realloc(void *p, size_t n) {
    if (!real_realloc)
        resolve();
    if (in_boot(p)) { /* never happens after start-up; keep it simple */
        size_t avail = (size_t)(boot + sizeof(boot) - (char *)p);
        void *q = malloc(n);
        if (q)
            memcpy(q, p, n < avail ? n : avail);
        return q;
    }
    return inject() ? NULL : real_realloc(p, n);
}

void free(void *p) {
    if (!p || in_boot(p))
        return;
    if (!real_free)
        resolve();
    real_free(p);
}

json_t *json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error) {
    static json_t *(*real)(const char *, size_t, size_t, json_error_t *);
    bool was = armed;
    json_t *j;
    if (!real)
        real = (json_t * (*)(const char *, size_t, size_t, json_error_t *))
            dlsym(RTLD_NEXT, "json_loadb");
    armed = false;
    j = real(buffer, buflen, flags, error);
    armed = was;
    return j;
}

/* ---- fixtures ---- */

static cn_log_t quiet = {CN_LOG_OFF, 2, "test"};

typedef struct env {
    char *dir;
    brk_logs_t *logs;
    reg_store_t *store;
    reg_registry_t *reg;
} env_t;

static void env_open(env_t *e) {
    brk_logs_options_t lo = {0};
    reg_options_t ro;
    cn_error_t err;
    lo.dir = e->dir;
    lo.log = &quiet;
    if (!(e->logs = brk_logs_open(&lo, &err)))
        fail_msg("open: %s", err.msg);
    if (!(e->store = reg_store_log_new(e->logs, "_schemas", &err)))
        fail_msg("store: %s", err.msg);
    reg_options_defaults(&ro);
    ro.store = e->store;
    ro.lang = reg_lang_compat();
    ro.log = &quiet;
    assert_non_null(e->reg = reg_new(&ro, &err));
    assert_int_equal(reg_replay(e->reg, &err), CN_OK);
}

static void env_close(env_t *e) {
    reg_free(e->reg);
    reg_store_free(e->store);
    brk_logs_close(e->logs);
    e->reg = NULL;
    e->store = NULL;
    e->logs = NULL;
}

static cn_err_t reg_text(env_t *e, const char *subject, const char *text, int32_t *id,
                         cn_error_t *err) {
    reg_schema_req_t req;
    reg_schema_req_init(&req);
    req.schema = text;
    req.schema_len = strlen(text);
    return reg_register(e->reg, subject, &req, id, err);
}

/* One case: the state made by base (registered without failures), then subject <- text. */
typedef struct oom_case {
    const char *base_subject, *base_text; /* may be NULL */
    const char *subject, *text;
} oom_case_t;

#define REC_A "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"
#define REC_B                                                                                      \
    "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"           \
    "{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}]}"

/* The latest live (version, id) of subject, or (0, 0). */
static void latest(reg_registry_t *reg, const char *subject, int32_t *version, int32_t *id) {
    reg_version_t *v = NULL;
    *version = *id = 0;
    reg_rdlock(reg);
    if (reg_version_find(reg, subject, -1, false, &v, NULL) == CN_OK) {
        *version = v->version;
        *id = v->schema->id;
    }
    reg_unlock(reg);
}

static int64_t end_offset(env_t *e) {
    int64_t end = -1;
    assert_int_equal(reg_store_end_offset(e->store, &end, NULL), CN_OK);
    return end;
}

static void env_base(env_t *e, const oom_case_t *c) {
    int32_t id;
    cn_error_t err;
    e->dir = tu_tmpdir("reg-oom");
    env_open(e);
    if (c->base_subject && reg_text(e, c->base_subject, c->base_text, &id, &err) != CN_OK)
        fail_msg("base: %s", err.msg);
}

/* Register with the fail_at-th allocation failing (0: none); the allocations seen. */
static long attempt(env_t *e, const oom_case_t *c, long fail, int32_t *id, cn_err_t *rc) {
    cn_error_t err;
    seen = 0;
    fail_at = fail;
    armed = true;
    *rc = reg_text(e, c->subject, c->text, id, &err);
    armed = false;
    return seen;
}

/* The subject's latest (version, id) must be want_v/want_id, now and after reopening. */
static void expect_state(env_t *e, const char *subject, int32_t want_v, int32_t want_id,
                         long fail) {
    int32_t v, id;
    latest(e->reg, subject, &v, &id);
    if (v != want_v || id != want_id)
        fail_msg("allocation %ld: live state has version %d id %d, want %d %d", fail, (int)v,
                 (int)id, (int)want_v, (int)want_id);
    env_close(e);
    env_open(e);
    latest(e->reg, subject, &v, &id);
    if (v != want_v || id != want_id)
        fail_msg("allocation %ld: reopened store has version %d id %d, want %d %d", fail, (int)v,
                 (int)id, (int)want_v, (int)want_id);
}

static void run_case(const oom_case_t *c) {
    env_t e = {0};
    int32_t v0, id0, v1, id1, id = 0;
    int64_t end0;
    long total, errors = 0;
    cn_err_t rc;
    env_base(&e, c);
    latest(e.reg, c->subject, &v0, &id0);
    total = attempt(&e, c, 0, &id, &rc);
    assert_int_equal(rc, CN_OK);
    latest(e.reg, c->subject, &v1, &id1);
    assert_int_equal(id1, id);
    assert_true(total > 10);
    env_close(&e);
    tu_tmpdir_free(e.dir);
    for (long k = 1; k <= total; k++) {
        env_base(&e, c);
        end0 = end_offset(&e);
        attempt(&e, c, k, &id, &rc);
        if (rc == CN_OK) {
            assert_int_equal(id, id1);
            expect_state(&e, c->subject, v1, id1, k);
        } else {
            errors++;
            assert_int_equal(end_offset(&e), end0); /* nothing appended */
            expect_state(&e, c->subject, v0, id0, k);
            assert_int_equal(reg_text(&e, c->subject, c->text, &id, NULL), CN_OK);
            assert_int_equal(id, id1); /* and the registry still works */
        }
        env_close(&e);
        tu_tmpdir_free(e.dir);
    }
    print_message("%ld allocations, %ld failures answered an error\n", total, errors);
    assert_true(errors > 0);
}

static void test_oom_new_version(void **state) {
    static const oom_case_t c = {"a", REC_A, "a", REC_B};
    (void)state;
    run_case(&c);
}

static void test_oom_new_context(void **state) {
    static const oom_case_t c = {NULL, NULL, ":.c1:x", REC_A};
    (void)state;
    run_case(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_new_version),
        cmocka_unit_test(test_oom_new_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
