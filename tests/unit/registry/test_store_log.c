/* SPDX-License-Identifier: Apache-2.0
 *
 * The `_schemas` store on the real log engine: topic created with 1 partition + compact,
 * refusal of a wrong topic, registrations replayed after reopening, garbage records skipped,
 * a corrupt tail recovered, ids kept unique, a schema sent with its references inlined found as
 * the version that has them (real files, real fsync, the real Avro language).
 */
#include "tests/support/test_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/log/brk_log.h"
#include "common/cn_time.h"
#include "registry/reg_registry.h"
#include "tests/support/tu_registry.h"

static cn_log_t quiet = {CN_LOG_OFF, 2, "test"};

typedef tu_reg_env_t env_t;

static void env_open(env_t *e) {
    tu_reg_env_open(e, NULL, NULL);
}
static void env_close(env_t *e) {
    tu_reg_env_close(e);
}

static int32_t reg_text(env_t *e, const char *subject, const char *text) {
    reg_schema_req_t req;
    int32_t id = -1;
    cn_error_t err;
    reg_schema_req_init(&req);
    req.schema = text;
    req.schema_len = strlen(text);
    if (reg_register(e->reg, REG_NAME(subject), &req, &id, &err) != CN_OK)
        fail_msg("register %s: %s", subject, err.msg);
    return id;
}

static const char *const texts[] = {"\"int\"", "\"long\"", "\"float\"", "\"double\""};

static void test_replay_after_reopen(void **state) {
    env_t e = {tu_tmpdir("store-log"), NULL, NULL, NULL};
    brk_topic_config_t cfg;
    (void)state;
    env_open(&e);
    assert_int_equal(brk_topic_describe(e.logs, "_schemas", &cfg, NULL), CN_OK);
    assert_int_equal(cfg.partitions, 1);
    assert_true(cfg.compact);
    for (int i = 0; i < 4; i++)
        assert_int_equal(reg_text(&e, i % 2 ? "a" : "b", texts[i]), i + 1);
    env_close(&e);
    env_open(&e);
    assert_int_equal(reg_text(&e, "a", texts[1]), 2); /* known: same id */
    assert_int_equal(reg_text(&e, "c", "\"string\""), 5);
    env_close(&e);
    tu_tmpdir_free(e.dir);
}

static void test_garbage_and_corrupt_tail(void **state) {
    env_t e = {tu_tmpdir("store-garbage"), NULL, NULL, NULL};
    reg_rec_t junk[2] = {{(const uint8_t *)"not json", 8, (const uint8_t *)"x", 1, 0, 0},
                         {(const uint8_t *)"{\"keytype\":\"SCHEMA\",\"subject\":\"z\","
                                           "\"version\":1,\"magic\":1}",
                          55, (const uint8_t *)"{\"id\":", 6, 0, 0}};
    char path[1024];
    int fd;
    int64_t applied, skipped, next;
    (void)state;
    env_open(&e);
    reg_text(&e, "a", texts[0]);
    assert_int_equal(reg_store_append(e.store, junk, 2, NULL, NULL), CN_OK);
    reg_text(&e, "a", texts[1]);
    env_close(&e);
    snprintf(path, sizeof(path), "%s/_schemas-0/00000000000000000000.log", e.dir);
    fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "\x00\x00\x00\x00\x00\x00\x00\x09garbage-tail", 20), 20);
    close(fd);
    env_open(&e);
    reg_stats(e.reg, &applied, &skipped, &next);
    assert_int_equal(skipped, 2);
    assert_int_equal(applied, 2);
    assert_int_equal(reg_text(&e, "a", texts[2]), 3);
    reg_rdlock(e.reg);
    assert_int_equal(reg_subject_latest(reg_subject_get(e.reg, REG_NAME("a")), false)->version, 3);
    reg_unlock(e.reg);
    env_close(&e);
    tu_tmpdir_free(e.dir);
}

/* A record another producer appended to `_schemas` shows up after reg_refresh. */
static void test_follow_external_writes(void **state) {
    env_t e = {tu_tmpdir("store-follow"), NULL, NULL, NULL};
    const char *key = "{\"keytype\":\"SCHEMA\",\"subject\":\"ext\",\"version\":1,\"magic\":1}";
    const char *val = "{\"subject\":\"ext\",\"version\":1,\"id\":42,\"schema\":\"\\\"int\\\"\","
                      "\"deleted\":false}";
    reg_rec_t rec = {(const uint8_t *)key,
                     (int32_t)strlen(key),
                     (const uint8_t *)val,
                     (int32_t)strlen(val),
                     0,
                     0};
    (void)state;
    env_open(&e);
    assert_int_equal(reg_store_append(e.store, &rec, 1, NULL, NULL), CN_OK);
    reg_rdlock(e.reg);
    assert_null(reg_subject_get(e.reg, REG_NAME("ext")));
    reg_unlock(e.reg);
    assert_int_equal(reg_refresh(e.reg, NULL), CN_OK);
    reg_rdlock(e.reg);
    assert_non_null(reg_schema_by_id(e.reg, 42, REG_NAME(NULL)));
    reg_unlock(e.reg);
    assert_int_equal(reg_text(&e, "new", "\"string\""), 43);
    env_close(&e);
    tu_tmpdir_free(e.dir);
}

/* A schema stored by an older Confluent with a default that does not match its type (which
 * today's parser refuses on registration) still replays, is served by id, and new versions are
 * checked against it, as Confluent reads stored schemas without re-validating defaults. */
static void test_replay_lenient_stored_schema(void **state) {
    env_t e = {tu_tmpdir("store-lenient"), NULL, NULL, NULL};
    const char *key = "{\"keytype\":\"SCHEMA\",\"subject\":\"old\",\"version\":1,\"magic\":1}";
    const char *val =
        "{\"subject\":\"old\",\"version\":1,\"id\":7,\"schema\":"
        "\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":["
        "{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\",\\\"default\\\":\\\"x\\\"}]}\","
        "\"deleted\":false}";
    reg_rec_t rec = {(const uint8_t *)key,
                     (int32_t)strlen(key),
                     (const uint8_t *)val,
                     (int32_t)strlen(val),
                     0,
                     0};
    const char *bad = "{\"type\":\"record\",\"name\":\"R\",\"fields\":"
                      "[{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}]}";
    reg_schema_req_t req;
    int32_t id = -1;
    cn_error_t err;
    (void)state;
    env_open(&e);
    reg_schema_req_init(&req);
    req.schema = bad;
    req.schema_len = strlen(bad);
    assert_int_equal(reg_register(e.reg, REG_NAME("fresh"), &req, &id, &err),
                     CN_ERR_INVALID_SCHEMA);
    assert_int_equal(reg_store_append(e.store, &rec, 1, NULL, NULL), CN_OK);
    env_close(&e);
    env_open(&e);
    reg_rdlock(e.reg);
    assert_non_null(reg_schema_by_id(e.reg, 7, REG_NAME(NULL)));
    reg_unlock(e.reg);
    /* a BACKWARD check against the stored version parses it */
    assert_int_equal(reg_text(&e, "old",
                              "{\"type\":\"record\",\"name\":\"R\",\"fields\":"
                              "[{\"name\":\"a\",\"type\":\"int\"}]}"),
                     8);
    env_close(&e);
    tu_tmpdir_free(e.dir);
}

/* After the cleaner compacted `_schemas` (rewritten keys collapse, tombstones past the horizon
 * vanish, offsets get gaps), a replay rebuilds the same state and ids continue. */
static void test_replay_after_compaction(void **state) {
    env_t e = {tu_tmpdir("store-compact"), NULL, NULL, NULL};
    brk_partition_t *part;
    json_t *out = json_array();
    int32_t v;
    int64_t start, hw;
    (void)state;
    env_open(&e);
    for (int i = 0; i < 4; i++)
        reg_text(&e, "c", texts[i]);
    reg_text(&e, "gone", "\"string\"");
    assert_int_equal(reg_delete_version(e.reg, REG_NAME("c"), 2, false, &v, NULL), CN_OK);
    assert_int_equal(reg_delete_subject(e.reg, REG_NAME("gone"), false, out, NULL), CN_OK);
    assert_int_equal(reg_delete_subject(e.reg, REG_NAME("gone"), true, out, NULL), CN_OK);
    part = brk_partition_get(e.logs, "_schemas", 0, NULL);
    assert_int_equal(brk_partition_roll(part, NULL), CN_OK);
    assert_int_equal(brk_partition_compact(part, cn_wall_ms() + 7LL * 86400000, NULL), CN_OK);
    brk_partition_offsets(part, &start, &hw);
    brk_partition_put(part);
    env_close(&e);
    env_open(&e);
    reg_rdlock(e.reg);
    assert_int_equal(reg_subject_latest(reg_subject_get(e.reg, REG_NAME("c")), false)->version, 4);
    assert_true(reg_subject_version(reg_subject_get(e.reg, REG_NAME("c")), 2)->deleted);
    assert_null(reg_subject_get(e.reg, REG_NAME("gone")));
    reg_unlock(e.reg);
    assert_int_equal(reg_text(&e, "c", "\"double\""), 4);
    assert_int_equal(reg_text(&e, "new", "\"bytes\""), 5); /* 5 was "gone": compacted away */
    env_close(&e);
    json_decref(out);
    tu_tmpdir_free(e.dir);
}

static void test_wrong_topic_refused(void **state) {
    char *dir = tu_tmpdir("store-wrong");
    brk_logs_options_t lo = {0};
    brk_topic_config_t cfg;
    brk_logs_t *logs;
    cn_error_t err;
    (void)state;
    lo.dir = dir;
    lo.log = &quiet;
    logs = brk_logs_open(&lo, &err);
    brk_topic_config_defaults(&cfg);
    cfg.partitions = 2;
    cfg.compact = true;
    assert_int_equal(brk_topic_create(logs, "two", &cfg, &err), CN_OK);
    assert_null(reg_store_log_new(logs, "two", &err));
    assert_non_null(strstr(err.msg, "1 partition"));
    cfg.partitions = 1;
    cfg.compact = false;
    assert_int_equal(brk_topic_create(logs, "plain", &cfg, &err), CN_OK);
    assert_null(reg_store_log_new(logs, "plain", &err));
    assert_non_null(strstr(err.msg, "compact"));
    brk_logs_close(logs);
    tu_tmpdir_free(dir);
}

/* Confluent's one semantic match (the real Avro language): a schema sent without references
 * that equals a version with references once they are inlined is that version, for the lookup
 * and for a registration (no new version). */
static void test_resolved_references_match(void **state) {
    env_t e = {tu_tmpdir("store-resolved"), NULL, NULL, NULL};
    const char *base = "{\"type\":\"record\",\"name\":\"B\",\"namespace\":\"x\","
                       "\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}";
    const char *user = "{\"type\":\"record\",\"name\":\"U\",\"namespace\":\"x\","
                       "\"fields\":[{\"name\":\"b\",\"type\":\"B\"}]}";
    const char *inlined = "{\"type\":\"record\",\"name\":\"U\",\"namespace\":\"x\","
                          "\"fields\":[{\"name\":\"b\",\"type\":{\"type\":\"record\","
                          "\"name\":\"B\",\"fields\":[{\"name\":\"n\",\"type\":"
                          "\"int\"}]}}]}";
    reg_ref_t ref = {"x.B", "base", 1};
    reg_schema_req_t req;
    reg_version_t *v = NULL;
    int32_t id = 0, again = 0;
    cn_error_t err;
    (void)state;
    env_open(&e);
    assert_int_equal(reg_text(&e, "base", base), 1);
    reg_schema_req_init(&req);
    req.schema = user;
    req.schema_len = strlen(user);
    req.refs = &ref;
    req.nrefs = 1;
    assert_int_equal(reg_register(e.reg, REG_NAME("user"), &req, &id, &err), CN_OK);
    reg_schema_req_init(&req);
    req.schema = inlined;
    req.schema_len = strlen(inlined);
    reg_rdlock(e.reg);
    assert_int_equal(reg_lookup(e.reg, REG_NAME("user"), &req, false, &v, &err), CN_OK);
    assert_int_equal(v->version, 1);
    assert_int_equal(v->schema->id, id);
    reg_unlock(e.reg);
    assert_int_equal(reg_register(e.reg, REG_NAME("user"), &req, &again, &err), CN_OK);
    assert_int_equal(again, id);
    reg_rdlock(e.reg);
    assert_int_equal(reg_subject_latest(reg_subject_get(e.reg, REG_NAME("user")), false)->version,
                     1);
    reg_unlock(e.reg);
    env_close(&e);
    tu_tmpdir_free(e.dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_after_reopen),
        cmocka_unit_test(test_garbage_and_corrupt_tail),
        cmocka_unit_test(test_follow_external_writes),
        cmocka_unit_test(test_replay_lenient_stored_schema),
        cmocka_unit_test(test_replay_after_compaction),
        cmocka_unit_test(test_wrong_topic_refused),
        cmocka_unit_test(test_resolved_references_match),
    };
    return cmocka_run_group_tests_name("registry store on the log", tests, NULL, NULL);
}
