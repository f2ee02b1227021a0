/* SPDX-License-Identifier: Apache-2.0
 *
 * A registration that runs out of memory either answers an error and changes nothing, or answers
 * success with its records durable and applied (docs/registry.md, The write path: append -> durable
 * -> apply -> answer). This program interposes malloc, calloc and realloc (forwarding to the next
 * definition, libc's or the sanitizer's), counts the allocations that one registration makes on the
 * calling thread, then fails the 1st, the 2nd, ... in turn, each on a fresh store on disk (the
 * bundled broker's log, the real Avro language). After each attempt it checks the answer against
 * the registry's read API, the store's end offset, a retry without failures, and a registry
 * reopened from the files.
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
#include "tests/support/tu_registry.h"

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

typedef tu_reg_env_t env_t;

static void env_open(env_t *e) {
    tu_reg_env_open(e, NULL, NULL);
}
static void env_close(env_t *e) {
    tu_reg_env_close(e);
}

static cn_err_t reg_text(env_t *e, const char *subject, const char *text, int32_t *id,
                         cn_error_t *err) {
    reg_schema_req_t req;
    reg_schema_req_init(&req);
    req.schema = text;
    req.schema_len = strlen(text);
    return reg_register(e->reg, REG_NAME(subject), &req, id, err);
}

#define REC_A "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"
#define REC_B                                                                                      \
    "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"           \
    "{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}]}"

/* One case: a base state (made without failures), then one operation on subject whose answer
 * (id, level, ...) is written into answer. */
typedef struct oom_case {
    const char *subject;
    bool base; /* subject starts with REC_A as version 1 */
    cn_err_t (*op)(env_t *e, const char *subject, char *answer, size_t cap);
} oom_case_t;

static cn_err_t op_register_b(env_t *e, const char *subject, char *answer, size_t cap) {
    int32_t id = 0;
    cn_err_t rc = reg_text(e, subject, REC_B, &id, NULL);
    snprintf(answer, cap, "id %d", (int)id);
    return rc;
}

static cn_err_t op_register_a(env_t *e, const char *subject, char *answer, size_t cap) {
    int32_t id = 0;
    cn_err_t rc = reg_text(e, subject, REC_A, &id, NULL);
    snprintf(answer, cap, "id %d", (int)id);
    return rc;
}

static cn_err_t op_config(env_t *e, const char *subject, char *answer, size_t cap) {
    bool was = armed;
    json_t *upd, *out = NULL;
    cn_err_t rc;
    armed = false; /* the request is not part of the operation */
    upd = json_pack("{s:s}", "compatibility", "FULL");
    assert_non_null(upd);
    armed = was;
    rc = reg_config_set(e->reg, REG_NAME(subject), upd, &out, NULL);
    snprintf(answer, cap, "%s",
             rc == CN_OK ? json_string_value(json_object_get(out, "compatibility")) : "");
    json_decref(out);
    json_decref(upd);
    return rc;
}

static cn_err_t op_mode(env_t *e, const char *subject, char *answer, size_t cap) {
    snprintf(answer, cap, "READONLY");
    return reg_mode_set(e->reg, REG_NAME(subject), REG_MODE_READONLY, false, NULL);
}

static cn_err_t op_soft_delete(env_t *e, const char *subject, char *answer, size_t cap) {
    int32_t deleted = 0;
    cn_err_t rc = reg_delete_version(e->reg, REG_NAME(subject), 1, false, &deleted, NULL);
    snprintf(answer, cap, "deleted %d", (int)deleted);
    return rc;
}

/* What the read API shows of subject: latest live version and id, stored config and mode. */
static void snapshot(reg_registry_t *reg, const char *subject, char *out, size_t cap) {
    reg_version_t *v = NULL;
    json_t *cfg = NULL;
    reg_mode_t mode = REG_MODE_READWRITE;
    int32_t version = 0, id = 0;
    reg_rdlock(reg);
    if (reg_version_find(reg, REG_NAME(subject), -1, false, &v, NULL) == CN_OK) {
        version = v->version;
        id = v->schema->id;
    }
    reg_unlock(reg);
    reg_config_get(reg, REG_NAME(subject), false, &cfg, NULL);
    if (reg_mode_get(reg, REG_NAME(subject), false, &mode, NULL) != CN_OK)
        mode = (reg_mode_t)-1;
    snprintf(out, cap, "version %d id %d level %s mode %d", (int)version, (int)id,
             cfg ? json_string_value(json_object_get(cfg, "compatibilityLevel")) : "-", (int)mode);
    json_decref(cfg);
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
    if (c->base && reg_text(e, c->subject, REC_A, &id, &err) != CN_OK)
        fail_msg("base: %s", err.msg);
}

/* The operation with the fail-th allocation failing (0: none); the allocations seen. */
static long attempt(env_t *e, const oom_case_t *c, long fail, char *answer, size_t cap,
                    cn_err_t *rc) {
    seen = 0;
    fail_at = fail;
    armed = true;
    *rc = c->op(e, c->subject, answer, cap);
    armed = false;
    return seen;
}

/* The snapshot must be want, now and after reopening the store. */
static void expect_state(env_t *e, const char *subject, const char *want, long fail) {
    char got[256];
    snapshot(e->reg, subject, got, sizeof(got));
    if (strcmp(got, want) != 0)
        fail_msg("allocation %ld: live state is '%s', want '%s'", fail, got, want);
    env_close(e);
    env_open(e);
    snapshot(e->reg, subject, got, sizeof(got));
    if (strcmp(got, want) != 0)
        fail_msg("allocation %ld: reopened store is '%s', want '%s'", fail, got, want);
}

static void run_case(const oom_case_t *c) {
    env_t e = {0};
    char before[256], after[256], answer[64], want[64];
    int64_t end0;
    long total, errors = 0;
    cn_err_t rc;
    env_base(&e, c);
    snapshot(e.reg, c->subject, before, sizeof(before));
    total = attempt(&e, c, 0, want, sizeof(want), &rc);
    assert_int_equal(rc, CN_OK);
    snapshot(e.reg, c->subject, after, sizeof(after));
    assert_string_not_equal(before, after);
    assert_true(total > 10);
    env_close(&e);
    tu_tmpdir_free(e.dir);
    for (long k = 1; k <= total; k++) {
        env_base(&e, c);
        end0 = end_offset(&e);
        attempt(&e, c, k, answer, sizeof(answer), &rc);
        if (rc == CN_OK) {
            assert_string_equal(answer, want);
            expect_state(&e, c->subject, after, k);
        } else {
            errors++;
            assert_int_equal(end_offset(&e), end0); /* nothing appended */
            expect_state(&e, c->subject, before, k);
            assert_int_equal(c->op(&e, c->subject, answer, sizeof(answer)), CN_OK);
            assert_string_equal(answer, want); /* and the registry still works */
        }
        env_close(&e);
        tu_tmpdir_free(e.dir);
    }
    print_message("%ld allocations, %ld failures answered an error\n", total, errors);
    assert_true(errors > 0);
}

static void test_oom_new_version(void **state) {
    static const oom_case_t c = {"a", true, op_register_b};
    (void)state;
    run_case(&c);
}

static void test_oom_new_context(void **state) {
    static const oom_case_t c = {":.c1:x", false, op_register_a};
    (void)state;
    run_case(&c);
}

static void test_oom_config(void **state) {
    static const oom_case_t c = {"a", true, op_config};
    (void)state;
    run_case(&c);
}

static void test_oom_mode(void **state) {
    static const oom_case_t c = {"a", true, op_mode};
    (void)state;
    run_case(&c);
}

static void test_oom_soft_delete(void **state) {
    static const oom_case_t c = {"a", true, op_soft_delete};
    (void)state;
    run_case(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_new_version), cmocka_unit_test(test_oom_new_context),
        cmocka_unit_test(test_oom_config),      cmocka_unit_test(test_oom_mode),
        cmocka_unit_test(test_oom_soft_delete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
