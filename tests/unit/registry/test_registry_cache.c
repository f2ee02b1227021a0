/* SPDX-License-Identifier: Apache-2.0
 *
 * The write path's costs that must not grow with a subject's history (issue 9): the parse cache
 * is bounded (LRU by schema, pinned while borrowed) and an evicted schema parses again to the
 * same results; a registration at a non-transitive level parses only the latest live version,
 * at NONE none, at a transitive level every one; the identity lookup under a subject is an index
 * lookup that parses nothing (memory store, the fake language).
 */
#include "tests/support/test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reg_registry.h"
#include "tests/support/reg_fake_lang.h"
#include "tests/support/tu_registry.h"

typedef tu_reg_mem_t fx_t;

static reg_registry_t *open_reg(reg_store_t *st, size_t cache) {
    reg_options_t o;
    tu_reg_options(&o, st, reg_fake_lang());
    o.parse_cache_size = cache;
    return tu_reg_new(&o);
}

static int setup(void **state) {
    *state = tu_reg_mem_new(reg_fake_lang(), 3);
    return 0;
}

static int teardown(void **state) {
    tu_reg_mem_free(*state);
    return 0;
}

/* Version n of a record: fields f0..f(n-1), the newer ones with defaults (BACKWARD-compatible
 * with every earlier one, as the fake language checks). */
static char *schema_v(int n, bool drop_default) {
    size_t cap = 64 + (size_t)n * 48;
    char *s = malloc(cap);
    int at = snprintf(s, cap, "{\"type\":\"record\",\"name\":\"r\",\"fields\":[");
    for (int i = 0; i < n; i++)
        at += snprintf(s + at, cap - (size_t)at, "%s{\"name\":\"f%d\"%s}", i ? "," : "", i,
                       i == 0 || (drop_default && i == n - 1) ? "" : ",\"default\":0");
    snprintf(s + at, cap - (size_t)at, "]}");
    return s;
}

static cn_err_t reg_req(reg_registry_t *reg, const char *subject, const char *text,
                        const reg_ref_t *refs, size_t nrefs, int32_t *id, cn_error_t *err) {
    reg_schema_req_t req;
    reg_schema_req_init(&req);
    req.schema = text;
    req.schema_len = strlen(text);
    req.refs = refs;
    req.nrefs = nrefs;
    return reg_register(reg, REG_NAME(subject), &req, id, err);
}

static int32_t must_reg(reg_registry_t *reg, const char *subject, const char *text) {
    int32_t id = 0;
    cn_error_t err;
    if (reg_req(reg, subject, text, NULL, 0, &id, &err) != CN_OK)
        fail_msg("register %s: %s", subject, err.msg);
    return id;
}

static void set_level(reg_registry_t *reg, const char *subject, const char *level) {
    json_t *upd = json_pack("{s:s}", "compatibility", level), *cfg = NULL;
    assert_int_equal(reg_config_set(reg, REG_NAME(subject), upd, &cfg, NULL), CN_OK);
    json_decref(cfg);
    json_decref(upd);
}

static uint64_t parses(reg_registry_t *reg, size_t *cached) {
    size_t c = 0;
    uint64_t p = 0;
    reg_parse_stats(reg, &c, &p);
    if (cached)
        *cached = c;
    return p;
}

/* n versions in subject s (ids 1..n when the registry is fresh). */
static void fill(reg_registry_t *reg, const char *s, int n) {
    for (int v = 1; v <= n; v++) {
        char *t = schema_v(v, false);
        must_reg(reg, s, t);
        free(t);
    }
}

static int32_t latest_version(reg_registry_t *reg, const char *subject) {
    reg_version_t *v = NULL;
    int32_t out = 0;
    reg_rdlock(reg);
    if (reg_version_find(reg, REG_NAME(subject), -1, false, &v, NULL) == CN_OK)
        out = v->version;
    reg_unlock(reg);
    return out;
}

static void test_levels_parse_what_they_compare(void **state) {
    fx_t *f = *state;
    size_t cached = 0;
    uint64_t before;
    char *t;
    fill(f->reg, "deep", 40);
    /* BACKWARD: the 41st version parses at most the latest (it may be cached already) */
    before = parses(f->reg, NULL);
    t = schema_v(41, false);
    must_reg(f->reg, "deep", t);
    free(t);
    assert_true(parses(f->reg, &cached) - before <= 1);
    assert_true(cached <= 3);
    /* NONE: nothing */
    set_level(f->reg, "deep", "NONE");
    before = parses(f->reg, NULL);
    t = schema_v(42, false);
    must_reg(f->reg, "deep", t);
    free(t);
    assert_int_equal(parses(f->reg, NULL) - before, 0);
    /* BACKWARD_TRANSITIVE: every live version, through a cache of 3 */
    set_level(f->reg, "deep", "BACKWARD_TRANSITIVE");
    before = parses(f->reg, NULL);
    t = schema_v(43, false);
    must_reg(f->reg, "deep", t);
    free(t);
    assert_true(parses(f->reg, &cached) - before >= 39);
    assert_true(cached <= 3); /* bounded, whatever the history */
    assert_int_equal(latest_version(f->reg, "deep"), 43);
}

/* A transitive check that fails only against the oldest version gives the same answer however
 * often the versions were evicted and parsed again. */
static void test_evicted_schema_same_results(void **state) {
    fx_t *f = *state;
    const char *v1 = "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"x\"}]}";
    const char *bad = "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"y\"}]}";
    cn_error_t err;
    int32_t id = 0;
    char msg1[sizeof(err.msg)];
    must_reg(f->reg, "t", v1);
    set_level(f->reg, "t", "NONE");
    for (int i = 0; i < 6; i++) { /* versions that all have y: BACKWARD with each other */
        char t[160];
        snprintf(t, sizeof(t),
                 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"y\"},{\"name\":"
                 "\"z%d\",\"default\":1}]}",
                 i);
        must_reg(f->reg, "t", t);
    }
    set_level(f->reg, "t", "BACKWARD_TRANSITIVE");
    assert_int_equal(reg_req(f->reg, "t", bad, NULL, 0, &id, &err), CN_ERR_INCOMPATIBLE);
    snprintf(msg1, sizeof(msg1), "%s", err.msg);
    fill(f->reg, "other", 5); /* evicts t's versions from the cache of 3 */
    assert_int_equal(reg_req(f->reg, "t", bad, NULL, 0, &id, &err), CN_ERR_INCOMPATIBLE);
    assert_string_equal(err.msg, msg1);
    set_level(f->reg, "t", "BACKWARD"); /* the latest alone has y: compatible */
    assert_int_equal(reg_req(f->reg, "t", bad, NULL, 0, &id, &err), CN_OK);
}

/* References resolve whether or not the imported schema is cached; format=resolved is the same
 * text before and after eviction. */
static void test_references_after_eviction(void **state) {
    fx_t *f = *state;
    reg_ref_t ref = {"base", "base", 1};
    const char *user = "{\"type\":\"record\",\"name\":\"u\",\"fields\":[{\"name\":\"a\"}]}";
    char *before, *after;
    reg_schema_t *sch;
    cn_error_t err;
    int32_t id = 0, id2 = 0;
    must_reg(f->reg, "base", "{\"type\":\"record\",\"name\":\"b\",\"fields\":[]}");
    assert_int_equal(reg_req(f->reg, "user", user, &ref, 1, &id, &err), CN_OK);
    reg_rdlock(f->reg);
    sch = reg_schema_by_id(f->reg, id, REG_NAME(NULL));
    before = reg_schema_format(f->reg, sch, "resolved", &err);
    reg_unlock(f->reg);
    assert_non_null(before);
    fill(f->reg, "noise", 6);
    reg_rdlock(f->reg);
    after =
        reg_schema_format(f->reg, reg_schema_by_id(f->reg, id, REG_NAME(NULL)), "resolved", &err);
    reg_unlock(f->reg);
    assert_non_null(after);
    assert_string_equal(after, before);
    /* a new version with the reference, checked against the (re-parsed) version 1 */
    assert_int_equal(reg_req(f->reg, "user",
                             "{\"type\":\"record\",\"name\":\"u\",\"fields\":[{\"name\":\"a\"},"
                             "{\"name\":\"c\",\"default\":2}]}",
                             &ref, 1, &id2, &err),
                     CN_OK);
    assert_int_equal(latest_version(f->reg, "user"), 2);
    /* the same content again is found by identity: same id, no new version */
    assert_int_equal(reg_req(f->reg, "user", user, &ref, 1, &id2, &err), CN_OK);
    assert_int_equal(id2, id);
    assert_int_equal(latest_version(f->reg, "user"), 2);
    free(before);
    free(after);
}

/* The identity lookup: an old live version is found without parsing, a soft-deleted one only
 * with deleted, and registering it again makes a new version with the same id. */
static void test_identity_lookup(void **state) {
    fx_t *f = *state;
    reg_schema_req_t req;
    reg_version_t *v = NULL;
    cn_error_t err;
    int32_t dv = 0;
    uint64_t before;
    char *t3 = schema_v(3, false);
    fill(f->reg, "idx", 30);
    before = parses(f->reg, NULL);
    assert_int_equal(must_reg(f->reg, "idx", t3), 3); /* version 3's id is 3 */
    assert_int_equal(parses(f->reg, NULL), before);   /* identity: nothing parsed */
    assert_int_equal(latest_version(f->reg, "idx"), 30);
    reg_schema_req_init(&req);
    req.schema = t3;
    req.schema_len = strlen(t3);
    reg_rdlock(f->reg);
    assert_int_equal(reg_lookup(f->reg, REG_NAME("idx"), &req, false, &v, &err), CN_OK);
    assert_int_equal(v->version, 3);
    reg_unlock(f->reg);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("idx"), 3, false, &dv, &err), CN_OK);
    reg_rdlock(f->reg);
    assert_int_equal(reg_lookup(f->reg, REG_NAME("idx"), &req, false, &v, &err),
                     CN_ERR_SCHEMA_NOT_FOUND);
    assert_int_equal(reg_lookup(f->reg, REG_NAME("idx"), &req, true, &v, &err), CN_OK);
    assert_int_equal(v->version, 3);
    reg_unlock(f->reg);
    assert_int_equal(must_reg(f->reg, "idx", t3), 3); /* same id, new version 31 */
    assert_int_equal(latest_version(f->reg, "idx"), 31);
    reg_rdlock(f->reg);
    assert_int_equal(reg_lookup(f->reg, REG_NAME("idx"), &req, true, &v, &err), CN_OK);
    assert_int_equal(v->version, 31); /* the newest holding it; version 3 was tombstoned */
    assert_null(reg_subject_version(reg_subject_get(f->reg, REG_NAME("idx")), 3));
    reg_unlock(f->reg);
    free(t3);
}

/* The index follows hard deletes and replays: after a permanent delete of the newest version
 * holding a schema, an older one holding it is found; a replay rebuilds the same answers. */
static void test_identity_index_follows_deletes(void **state) {
    fx_t *f = *state;
    reg_registry_t *again;
    reg_schema_req_t req;
    reg_version_t *v = NULL;
    cn_error_t err;
    int32_t dv = 0, id = 0;
    char *t2 = schema_v(2, false);
    fill(f->reg, "hd", 3);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("hd"), 2, false, &dv, &err), CN_OK);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("hd"), 2, true, &dv, &err), CN_OK);
    reg_schema_req_init(&req);
    req.schema = t2;
    req.schema_len = strlen(t2);
    reg_rdlock(f->reg);
    assert_int_equal(reg_lookup(f->reg, REG_NAME("hd"), &req, true, &v, &err),
                     CN_ERR_SCHEMA_NOT_FOUND);
    reg_unlock(f->reg);
    assert_int_equal(reg_req(f->reg, "hd", t2, NULL, 0, &id, &err), CN_OK);
    assert_int_equal(id, 4); /* its old id went with its last version */
    again = open_reg(f->store, 1);
    reg_rdlock(again);
    assert_int_equal(reg_lookup(again, REG_NAME("hd"), &req, false, &v, &err), CN_OK);
    assert_int_equal(v->version, 4);
    reg_unlock(again);
    reg_free(again);
    free(t2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_levels_parse_what_they_compare, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evicted_schema_same_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references_after_eviction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_index_follows_deletes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
