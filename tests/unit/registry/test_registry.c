/* SPDX-License-Identifier: Apache-2.0
 *
 * The registry domain without HTTP, on the memory store and the fake language: registration order
 * and identity, versions, soft and hard deletes, references, config and mode fallback, contexts,
 * and replay of every record variant (docs/registry.md).
 */
#include "tests/support/test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reg_registry.h"
#include "tests/support/reg_fake_lang.h"
#include "tests/support/tu_registry.h"

typedef tu_reg_mem_t fx_t;

static reg_registry_t *open_reg(reg_store_t *st) {
    reg_options_t o;
    tu_reg_options(&o, st, reg_fake_lang());
    return tu_reg_new(&o);
}

static int setup(void **state) {
    *state = tu_reg_mem_new(reg_fake_lang(), 0);
    return 0;
}

static int teardown(void **state) {
    tu_reg_mem_free(*state);
    return 0;
}

static cn_err_t reg_text(reg_registry_t *reg, const char *subject, const char *text, int32_t *id,
                         cn_error_t *err) {
    reg_schema_req_t req;
    reg_schema_req_init(&req);
    req.schema = text;
    req.schema_len = strlen(text);
    return reg_register(reg, REG_NAME(subject), &req, id, err);
}

static int32_t must_reg(reg_registry_t *reg, const char *subject, const char *text) {
    int32_t id = 0;
    cn_error_t err;
    if (reg_text(reg, subject, text, &id, &err) != CN_OK)
        fail_msg("register %s: %s", subject, err.msg);
    return id;
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

#define S1 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\"}]}"
#define S2                                                                                         \
    "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\"},{\"name\":\"b\","            \
    "\"default\":1}]}"
#define S3 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\"},{\"name\":\"c\"}]}"

static void test_identity_and_versions(void **state) {
    fx_t *f = *state;
    assert_int_equal(must_reg(f->reg, "a", S1), 1);
    assert_int_equal(must_reg(f->reg, "a",
                              "{ \"type\" : \"record\", \"name\":\"r\", "
                              "\"fields\":[{\"name\":\"a\"}]}"),
                     1); /* same canonical text: idempotent */
    assert_int_equal(latest_version(f->reg, "a"), 1);
    assert_int_equal(must_reg(f->reg, "b", S1), 1); /* same id across subjects */
    assert_int_equal(latest_version(f->reg, "b"), 1);
    assert_int_equal(must_reg(f->reg, "a", S2), 2);
    assert_int_equal(latest_version(f->reg, "a"), 2);
    assert_int_equal(must_reg(f->reg, "a", S1), 1); /* an older live version: returned */
    assert_int_equal(latest_version(f->reg, "a"), 2);
}

static void test_compatibility_and_config(void **state) {
    fx_t *f = *state;
    cn_error_t err;
    int32_t id;
    json_t *cfg = NULL, *upd;
    must_reg(f->reg, "c", S1);
    assert_int_equal(reg_text(f->reg, "c", S3, &id, &err), CN_ERR_INCOMPATIBLE);
    assert_non_null(strstr(err.msg, "incompatible with an earlier schema for subject \"c\""));
    assert_int_equal(reg_config_get(f->reg, REG_NAME("c"), false, &cfg, &err),
                     CN_ERR_SUBJECT_COMPAT_NOT_CONFIGURED);
    assert_int_equal(reg_config_get(f->reg, REG_NAME("c"), true, &cfg, &err), CN_OK);
    assert_string_equal(json_string_value(json_object_get(cfg, "compatibilityLevel")), "BACKWARD");
    json_decref(cfg);
    upd = json_pack("{s:s}", "compatibility", "none");
    assert_int_equal(reg_config_set(f->reg, REG_NAME(NULL), upd, &cfg, &err), CN_OK);
    assert_string_equal(json_string_value(json_object_get(cfg, "compatibility")), "NONE");
    json_decref(cfg);
    assert_int_equal(reg_effective_level(f->reg, REG_NAME("c")), COMPAT_NONE);
    assert_int_equal(reg_text(f->reg, "c", S3, &id, &err), CN_OK);
    json_decref(upd);
    upd = json_pack("{s:s}", "compatibility", "FULL");
    assert_int_equal(reg_config_set(f->reg, REG_NAME("c"), upd, &cfg, &err), CN_OK);
    json_decref(cfg);
    assert_int_equal(reg_effective_level(f->reg, REG_NAME("c")), COMPAT_FULL);
    assert_int_equal(reg_effective_level(f->reg, REG_NAME("other")), COMPAT_NONE);
    json_decref(upd);
    upd = json_pack("{s:s}", "compatibility", "SIDEWAYS");
    assert_int_equal(reg_config_set(f->reg, REG_NAME("c"), upd, &cfg, &err),
                     CN_ERR_INVALID_COMPAT_LEVEL);
    json_decref(upd);
    assert_int_equal(reg_config_delete(f->reg, REG_NAME("c"), &cfg, &err), CN_OK);
    json_decref(cfg);
    assert_int_equal(reg_config_delete(f->reg, REG_NAME("c"), &cfg, &err),
                     CN_ERR_SUBJECT_NOT_FOUND);
    assert_int_equal(reg_effective_level(f->reg, REG_NAME("c")), COMPAT_NONE);
}

/* compatibilityPolicy: STRICT / LENIENT / LOGICAL in any case, stored as given; anything else,
 * or LOGICAL with a FORWARD level, is 42203 and changes nothing. */
static void test_config_policy(void **state) {
    fx_t *f = *state;
    cn_error_t err;
    json_t *cfg = NULL, *upd = json_pack("{s:s}", "compatibilityPolicy", "lenient");
    assert_int_equal(reg_config_set(f->reg, REG_NAME("p"), upd, &cfg, &err), CN_OK);
    json_decref(cfg);
    json_decref(upd);
    static const char *const bad[] = {
        "{\"compatibilityPolicy\":\"SLOPPY\"}", "{\"compatibilityPolicy\":5}",
        "{\"compatibilityPolicy\":\"\"}",
        "{\"compatibility\":\"forward\",\"compatibilityPolicy\":\"logical\"}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        upd = json_loads(bad[i], 0, NULL);
        assert_int_equal(reg_config_set(f->reg, REG_NAME("p"), upd, &cfg, &err),
                         CN_ERR_INVALID_COMPAT_LEVEL);
        json_decref(upd);
    }
    assert_int_equal(reg_config_get(f->reg, REG_NAME("p"), false, &cfg, &err), CN_OK);
    assert_string_equal(json_string_value(json_object_get(cfg, "compatibilityPolicy")), "lenient");
    assert_null(json_object_get(cfg, "compatibilityLevel"));
    json_decref(cfg);
    upd = json_loads("{\"compatibility\":\"full\",\"compatibilityPolicy\":\"LOGICAL\"}", 0, NULL);
    assert_int_equal(reg_config_set(f->reg, REG_NAME("p"), upd, &cfg, &err), CN_OK);
    json_decref(cfg);
    json_decref(upd);
    /* an inherited FORWARD level counts too */
    upd = json_loads("{\"compatibility\":\"FORWARD\"}", 0, NULL);
    assert_int_equal(reg_config_set(f->reg, REG_NAME(NULL), upd, &cfg, &err), CN_OK);
    json_decref(cfg);
    json_decref(upd);
    upd = json_loads("{\"compatibilityPolicy\":\"LOGICAL\"}", 0, NULL);
    assert_int_equal(reg_config_set(f->reg, REG_NAME("q"), upd, &cfg, &err),
                     CN_ERR_INVALID_COMPAT_LEVEL);
    assert_non_null(strstr(err.msg, "compatibilityLevel=FORWARD"));
    json_decref(upd);
}

static void test_check_compat_endpoint(void **state) {
    fx_t *f = *state;
    reg_schema_req_t req;
    bool ok = true;
    cn_error_t err;
    json_t *msgs = json_array();
    must_reg(f->reg, "k", S1);
    reg_schema_req_init(&req);
    req.schema = S3;
    req.schema_len = strlen(S3);
    assert_int_equal(reg_check_compat(f->reg, REG_NAME("k"), -1, &req, true, &ok, msgs, &err),
                     CN_OK);
    assert_false(ok);
    assert_true(json_array_size(msgs) >= 2);
    assert_int_equal(reg_check_compat(f->reg, REG_NAME("k"), 9, &req, false, &ok, NULL, &err),
                     CN_ERR_VERSION_NOT_FOUND);
    assert_int_equal(reg_check_compat(f->reg, REG_NAME("nosuch"), -1, &req, false, &ok, NULL, &err),
                     CN_OK);
    assert_true(ok);
    req.schema = "{not json";
    req.schema_len = strlen(req.schema);
    assert_int_equal(reg_check_compat(f->reg, REG_NAME("k"), -1, &req, false, &ok, NULL, &err),
                     CN_ERR_INVALID_SCHEMA);
    json_decref(msgs);
}

static void test_deletes(void **state) {
    fx_t *f = *state;
    cn_error_t err;
    int32_t v = 0;
    json_t *out = json_array();
    must_reg(f->reg, "d", S1);
    must_reg(f->reg, "d", S2);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("d"), 2, true, &v, &err),
                     CN_ERR_VERSION_NOT_SOFT_DELETED);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("d"), 2, false, &v, &err), CN_OK);
    assert_int_equal(v, 2);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("d"), 2, false, &v, &err),
                     CN_ERR_VERSION_SOFT_DELETED);
    assert_int_equal(latest_version(f->reg, "d"), 1);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("d"), 7, false, &v, &err),
                     CN_ERR_VERSION_NOT_FOUND);
    /* the soft-deleted id stays resolvable, the version number stays reserved */
    reg_rdlock(f->reg);
    assert_non_null(reg_schema_by_id(f->reg, 2, REG_NAME(NULL)));
    reg_unlock(f->reg);
    assert_int_equal(must_reg(f->reg, "d", S2), 2); /* same id, new version 3 */
    assert_int_equal(latest_version(f->reg, "d"), 3);
    assert_int_equal(reg_delete_subject(f->reg, REG_NAME("d"), true, out, &err),
                     CN_ERR_SUBJECT_NOT_SOFT_DELETED);
    assert_int_equal(reg_delete_subject(f->reg, REG_NAME("d"), false, out, &err), CN_OK);
    assert_int_equal(json_array_size(out), 2); /* 1 and 3 */
    assert_int_equal(reg_delete_subject(f->reg, REG_NAME("d"), false, out, &err),
                     CN_ERR_SUBJECT_SOFT_DELETED);
    json_array_clear(out);
    assert_int_equal(reg_delete_subject(f->reg, REG_NAME("d"), true, out, &err), CN_OK);
    assert_int_equal(json_array_size(out), 2);
    assert_int_equal(reg_delete_subject(f->reg, REG_NAME("d"), false, out, &err),
                     CN_ERR_SUBJECT_NOT_FOUND);
    reg_rdlock(f->reg);
    assert_null(reg_schema_by_id(f->reg, 1, REG_NAME(NULL)));
    assert_int_equal(reg_max_id(f->reg, REG_NAME(NULL)), 2);
    reg_unlock(f->reg);
    assert_int_equal(must_reg(f->reg, "d", S3), 3); /* ids never go back */
    assert_int_equal(latest_version(f->reg, "d"), 1);
    json_decref(out);
}

static void test_references(void **state) {
    fx_t *f = *state;
    reg_schema_req_t req;
    reg_ref_t ref = {"r", "base", -1};
    cn_error_t err;
    int32_t id = 0, v;
    int32_t ids[4];
    json_t *out = json_array();
    must_reg(f->reg, "base", S1);
    reg_schema_req_init(&req);
    req.schema = "{\"type\":\"record\",\"name\":\"x\",\"fields\":[]}";
    req.schema_len = strlen(req.schema);
    req.refs = &ref;
    req.nrefs = 1;
    assert_int_equal(reg_register(f->reg, REG_NAME("user"), &req, &id, &err), CN_OK);
    reg_rdlock(f->reg);
    assert_int_equal(reg_schema_by_id(f->reg, id, REG_NAME(NULL))->refs[0].version, 1); /* pinned */
    assert_int_equal(reg_referenced_by(f->reg, REG_NAME("base"), 1, false, ids, 4), 1);
    assert_int_equal(ids[0], id);
    reg_unlock(f->reg);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("base"), 1, false, &v, &err),
                     CN_ERR_REFERENCE_EXISTS);
    assert_non_null(strstr(err.msg, "{magic=1,keytype=SCHEMA,subject=base,version=1}."));
    assert_int_equal(reg_delete_subject(f->reg, REG_NAME("base"), false, out, &err),
                     CN_ERR_REFERENCE_EXISTS);
    ref.version = 5;
    assert_int_equal(reg_register(f->reg, REG_NAME("user2"), &req, &id, &err),
                     CN_ERR_INVALID_SCHEMA);
    json_decref(out);
}

static void test_modes(void **state) {
    fx_t *f = *state;
    reg_schema_req_t req;
    cn_error_t err;
    int32_t id;
    reg_mode_t m;
    must_reg(f->reg, "m", S1);
    assert_int_equal(reg_mode_get(f->reg, REG_NAME("m"), false, &m, &err),
                     CN_ERR_SUBJECT_MODE_NOT_CONFIGURED);
    assert_int_equal(reg_mode_set(f->reg, REG_NAME("m"), REG_MODE_READONLY, false, &err), CN_OK);
    assert_int_equal(reg_text(f->reg, "m", S2, &id, &err), CN_ERR_OPERATION_NOT_PERMITTED);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_int_equal(reg_text(f->reg, "m", S1, &id, &err), CN_OK); /* lookups still work */
    assert_int_equal(reg_mode_delete(f->reg, REG_NAME("m"), &m, &err), CN_OK);
    assert_int_equal(m, REG_MODE_READONLY);
    must_reg(f->reg, "m", S2);
    assert_int_equal(reg_delete_version(f->reg, REG_NAME("m"), 2, false, &id, &err), CN_OK);
    assert_int_equal(reg_mode_set(f->reg, REG_NAME(NULL), REG_MODE_IMPORT, false, &err),
                     CN_ERR_OPERATION_NOT_PERMITTED);
    assert_int_equal(reg_mode_set(f->reg, REG_NAME(NULL), REG_MODE_IMPORT, true, &err), CN_OK);
    reg_rdlock(f->reg); /* with force Confluent purges nothing */
    assert_true(reg_subject_version(reg_subject_get(f->reg, REG_NAME("m")), 2)->deleted);
    reg_unlock(f->reg);
    assert_int_equal(reg_text(f->reg, "imp", S3, &id, &err), CN_ERR_OPERATION_NOT_PERMITTED);
    reg_schema_req_init(&req);
    req.schema = S3;
    req.schema_len = strlen(S3);
    req.id = 100;
    req.version = 5;
    assert_int_equal(reg_register(f->reg, REG_NAME("imp"), &req, &id, &err), CN_OK);
    assert_int_equal(id, 100);
    assert_int_equal(latest_version(f->reg, "imp"), 5);
    req.schema = "\"double\"";
    req.schema_len = strlen(req.schema);
    req.version = 6;
    assert_int_equal(reg_register(f->reg, REG_NAME("imp"), &req, &id, &err),
                     CN_ERR_OPERATION_NOT_PERMITTED); /* id 100 holds another schema */
    assert_int_equal(reg_mode_set(f->reg, REG_NAME(NULL), REG_MODE_READWRITE, false, &err), CN_OK);
    assert_int_equal(must_reg(f->reg, "new", "\"string\""), 101);
}

typedef struct rec_list {
    char keys[16][160];
    char vals[16][160];
    size_t n;
} rec_list_t;

static cn_err_t collect(void *arg, const reg_rec_t *rec, cn_error_t *err) {
    rec_list_t *l = arg;
    (void)err;
    if (l->n < 16) {
        snprintf(l->keys[l->n], 160, "%.*s", (int)rec->key_len, (const char *)rec->key);
        snprintf(l->vals[l->n], 160, "%.*s", rec->value_len < 0 ? 0 : (int)rec->value_len,
                 rec->value ? (const char *)rec->value : "");
        l->n++;
    }
    return CN_OK;
}

/* The records written from offset from on, as text. */
static void records_since(reg_store_t *st, int64_t from, rec_list_t *l) {
    int64_t next;
    memset(l, 0, sizeof(*l));
    assert_int_equal(reg_store_read(st, from, collect, l, &next, NULL), CN_OK);
}

static void soft_delete(reg_registry_t *reg, const char *subject) {
    json_t *out = json_array();
    cn_error_t err;
    assert_int_equal(reg_delete_subject(reg, REG_NAME(subject), false, out, &err), CN_OK);
    json_decref(out);
}

/* Entering IMPORT (no force) writes tombstones for the soft-deleted versions, then CLEAR_SUBJECT
 * (Confluent's setMode); replay of those records gives the same state. */
static void test_import_writes_clear_subject(void **state) {
    fx_t *f = *state;
    cn_error_t err;
    int64_t end;
    rec_list_t l;
    reg_registry_t *again;
    must_reg(f->reg, "p", S1);
    must_reg(f->reg, "p", S2);
    must_reg(f->reg, "other", S3);
    soft_delete(f->reg, "p");
    assert_int_equal(reg_store_end_offset(f->store, &end, NULL), CN_OK);
    assert_int_equal(reg_mode_set(f->reg, REG_NAME("p"), REG_MODE_IMPORT, false, &err), CN_OK);
    records_since(f->store, end, &l);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.keys[0],
                        "{\"keytype\":\"SCHEMA\",\"subject\":\"p\",\"version\":1,\"magic\":1}");
    assert_string_equal(l.vals[0], "");
    assert_string_equal(l.keys[2], "{\"keytype\":\"CLEAR_SUBJECT\",\"subject\":\"p\",\"magic\":0}");
    assert_string_equal(l.vals[2], "{\"subject\":\"p\"}");
    assert_string_equal(l.keys[3], "{\"keytype\":\"MODE\",\"subject\":\"p\",\"magic\":0}");
    reg_rdlock(f->reg);
    assert_null(reg_subject_get(f->reg, REG_NAME("p")));
    reg_unlock(f->reg);
    /* a second PUT IMPORT writes only the mode */
    assert_int_equal(reg_store_end_offset(f->store, &end, NULL), CN_OK);
    assert_int_equal(reg_mode_set(f->reg, REG_NAME("p"), REG_MODE_IMPORT, false, &err), CN_OK);
    records_since(f->store, end, &l);
    assert_int_equal(l.n, 1);
    again = open_reg(f->store);
    reg_rdlock(again);
    assert_null(reg_subject_get(again, REG_NAME("p")));
    assert_non_null(reg_subject_version(reg_subject_get(again, REG_NAME("other")), 1));
    reg_unlock(again);
    reg_free(again);
}

/* Global and context scopes: CLEAR_SUBJECT without subject (all) or with ":.ctx:". */
static void test_import_clear_scopes(void **state) {
    fx_t *f = *state;
    cn_error_t err;
    int64_t end;
    rec_list_t l;
    must_reg(f->reg, ":.c:a", S1);
    must_reg(f->reg, "b", S2);
    soft_delete(f->reg, ":.c:a");
    assert_int_equal(reg_mode_set(f->reg, REG_NAME(":.c:"), REG_MODE_IMPORT, false, &err), CN_OK);
    reg_rdlock(f->reg);
    assert_null(reg_subject_get(f->reg, REG_NAME(":.c:a")));
    reg_unlock(f->reg);
    assert_int_equal(reg_mode_set(f->reg, REG_NAME(NULL), REG_MODE_IMPORT, false, &err),
                     CN_ERR_OPERATION_NOT_PERMITTED); /* "b" is live */
    soft_delete(f->reg, "b");
    assert_int_equal(reg_store_end_offset(f->store, &end, NULL), CN_OK);
    assert_int_equal(reg_mode_set(f->reg, REG_NAME(NULL), REG_MODE_IMPORT, false, &err), CN_OK);
    records_since(f->store, end, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.keys[1], "{\"keytype\":\"CLEAR_SUBJECT\",\"magic\":0}");
    assert_string_equal(l.vals[1], "{\"subject\":null}");
    reg_rdlock(f->reg);
    assert_null(reg_subject_get(f->reg, REG_NAME("b")));
    reg_unlock(f->reg);
}

/* format (GET /schemas/ids/{id}?format=): "resolved" goes through the language's resolved printer,
 * anything else is the stored text. */
static void test_schema_format(void **state) {
    fx_t *f = *state;
    reg_schema_t *sch;
    char *t;
    cn_error_t err;
    must_reg(f->reg, "fmt", S1);
    reg_rdlock(f->reg);
    sch = reg_subject_latest(reg_subject_get(f->reg, REG_NAME("fmt")), false)->schema;
    t = reg_schema_format(f->reg, sch, "resolved", &err);
    assert_non_null(t);
    assert_non_null(strstr(t, "{\"resolved\":"));
    assert_non_null(strstr(t, sch->text));
    free(t);
    for (size_t i = 0; i < 4; i++) {
        static const char *const others[] = {"default", "RESOLVED", "serialized", ""};
        t = reg_schema_format(f->reg, sch, others[i], &err);
        assert_string_equal(t, sch->text);
        free(t);
    }
    t = reg_schema_format(f->reg, sch, NULL, &err);
    assert_string_equal(t, sch->text);
    free(t);
    reg_unlock(f->reg);
    assert_true(reg_format_is_resolved("resolved"));
    assert_false(reg_format_is_resolved(NULL));
}

static void test_contexts(void **state) {
    fx_t *f = *state;
    size_t n = 0;
    const char **ctxs;
    assert_int_equal(must_reg(f->reg, "x", S1), 1);
    assert_int_equal(must_reg(f->reg, ":.stg:x", S2), 1); /* its own id space */
    assert_int_equal(must_reg(f->reg, ":.stg:y", S2), 1);
    assert_int_equal(must_reg(f->reg, ":.stg:y", "\"int\""), 2);
    reg_rdlock(f->reg);
    ctxs = reg_contexts(f->reg, &n);
    assert_int_equal(n, 2);
    assert_string_equal(ctxs[0], ".");
    assert_string_equal(ctxs[1], ".stg");
    free(ctxs);
    assert_non_null(strstr(reg_schema_by_id(f->reg, 2, REG_NAME(":.stg:x"))->text, "int"));
    assert_null(reg_schema_by_id(f->reg, 2, REG_NAME("x")));
    assert_int_equal(reg_max_id(f->reg, REG_NAME(":.stg:")), 2);
    assert_int_equal(reg_max_id(f->reg, REG_NAME(NULL)), 1); /* the global scope: "." */
    assert_null(reg_subject_get(f->reg, REG_NAME(NULL)));
    assert_true(reg_name_in_ctx(&reg_subject_get(f->reg, REG_NAME(":.stg:y"))->qname, ".stg"));
    reg_unlock(f->reg);
}

static void test_metadata_identity_and_fallback(void **state) {
    fx_t *f = *state;
    reg_schema_req_t req;
    cn_error_t err;
    int32_t id = 0;
    json_t *md = json_pack("{s:{s:s}}", "properties", "owner", "a");
    json_t *md2 = json_pack("{s:{s:s}}", "properties", "owner", "b");
    assert_int_equal(must_reg(f->reg, "plain", S1), 1);
    reg_schema_req_init(&req);
    req.schema = S1;
    req.schema_len = strlen(S1);
    req.metadata = md;
    assert_int_equal(reg_register(f->reg, REG_NAME("meta"), &req, &id, &err), CN_OK);
    assert_int_equal(id, 2);                           /* metadata is part of identity */
    assert_int_equal(must_reg(f->reg, "meta", S1), 2); /* metadata taken from the latest */
    assert_int_equal(latest_version(f->reg, "meta"), 1);
    req.schema = NULL; /* a metadata-only update reuses the latest schema text */
    req.schema_len = 0;
    req.metadata = md2;
    assert_int_equal(reg_register(f->reg, REG_NAME("meta"), &req, &id, &err), CN_OK);
    assert_int_equal(id, 3);
    assert_int_equal(latest_version(f->reg, "meta"), 2);
    assert_int_equal(reg_register(f->reg, REG_NAME("nothing"), &req, &id, &err),
                     CN_ERR_INVALID_SCHEMA);
    assert_string_equal(err.msg, "Empty schema");
    json_decref(md);
    json_decref(md2);
}

/* Qualified subjects parsed once (issue 9): the parts, and the scopes that the IMPORT purge and
 * CLEAR_SUBJECT records match with. */
static void test_names_and_scopes(void **state) {
    reg_name_t n = reg_name(":.ctx:orders"), g = reg_name(NULL), d = reg_name(":.:orders");
    (void)state;
    assert_int_equal(n.ctx_len, 4);
    assert_memory_equal(n.ctx, ".ctx", 4);
    assert_string_equal(n.bare, "orders");
    assert_null(g.subject);
    assert_true(reg_name_default_ctx(&g));
    assert_true(reg_name_default_ctx(&d));
    assert_string_equal(d.bare, "orders");
    assert_true(reg_name_in_ctx(&n, ".ctx"));
    assert_false(reg_name_in_ctx(&n, "."));
    assert_true(reg_subject_in_scope(&n, &g));
    assert_true(reg_subject_in_scope(&n, REG_NAME(":.ctx:")));
    assert_true(reg_subject_in_scope(&n, REG_NAME(":.ctx:orders")));
    assert_false(reg_subject_in_scope(&n, REG_NAME(":.ctx:other")));
    assert_false(reg_subject_in_scope(&n, REG_NAME(":.other:")));
    assert_false(reg_subject_in_scope(REG_NAME("orders"), REG_NAME(":.ctx:")));
    assert_true(reg_subject_in_scope(REG_NAME("orders"), REG_NAME(":.:")));
}

static void test_subject_and_version_rules(void **state) {
    int32_t v;
    (void)state;
    assert_int_equal(reg_subject_check(REG_NAME(""), false, NULL), CN_ERR_INVALID_SUBJECT);
    assert_int_equal(reg_subject_check(REG_NAME("__GLOBAL"), false, NULL), CN_ERR_INVALID_SUBJECT);
    assert_int_equal(reg_subject_check(REG_NAME("a\x01"), false, NULL), CN_ERR_INVALID_SUBJECT);
    assert_int_equal(reg_subject_check(REG_NAME(":.__GLOBAL:"), false, NULL),
                     CN_ERR_INVALID_SUBJECT);
    assert_int_equal(reg_subject_check(REG_NAME("\xc0\xaf"), false, NULL),
                     CN_ERR_INVALID_SUBJECT); /* %C0%AF */
    assert_int_equal(reg_subject_check(REG_NAME("a\xff\xfe"), false, NULL), CN_ERR_INVALID_SUBJECT);
    assert_int_equal(reg_subject_check(REG_NAME(":.\xff:s"), false, NULL), CN_ERR_INVALID_SUBJECT);
    assert_int_equal(reg_subject_check(REG_NAME("caf\xc3\xa9"), false, NULL), CN_OK);
    assert_int_equal(reg_subject_check(REG_NAME("a\xc2\x85"), false, NULL),
                     CN_ERR_INVALID_SUBJECT); /* NEL */
    assert_int_equal(reg_subject_check(REG_NAME("a\xc2\xa0"), false, NULL),
                     CN_OK); /* NBSP: no control */
    assert_int_equal(reg_subject_check(REG_NAME(":.__GLOBAL:"), true, NULL), CN_OK);
    assert_int_equal(reg_subject_check(REG_NAME(":.ctx:orders-value"), false, NULL), CN_OK);
    assert_int_equal(reg_version_parse(" Latest ", &v, NULL), CN_OK);
    assert_int_equal(v, -1);
    assert_int_equal(reg_version_parse("-1", &v, NULL), CN_OK);
    assert_int_equal(reg_version_parse("2147483647", &v, NULL), CN_OK);
    assert_int_equal(reg_version_parse("0", &v, NULL), CN_ERR_INVALID_VERSION);
    assert_int_equal(reg_version_parse("-2", &v, NULL), CN_ERR_INVALID_VERSION);
    assert_int_equal(reg_version_parse("2147483648", &v, NULL), CN_ERR_INVALID_VERSION);
    assert_int_equal(reg_version_parse("1x", &v, NULL), CN_ERR_INVALID_VERSION);
}

static void test_replay_rebuilds_state(void **state) {
    fx_t *f = *state;
    cn_error_t err;
    int32_t v;
    json_t *cfg, *upd = json_pack("{s:s}", "compatibility", "FULL");
    reg_registry_t *again;
    must_reg(f->reg, "r", S1);
    must_reg(f->reg, "r", S2);
    must_reg(f->reg, "q", "\"long\"");
    reg_delete_version(f->reg, REG_NAME("r"), 1, false, &v, &err);
    reg_config_set(f->reg, REG_NAME("r"), upd, &cfg, &err);
    json_decref(cfg);
    json_decref(upd);
    again = open_reg(f->store);
    assert_int_equal(latest_version(again, "r"), 2);
    assert_int_equal(reg_effective_level(again, REG_NAME("r")), COMPAT_FULL);
    reg_rdlock(again);
    assert_int_equal(reg_max_id(again, REG_NAME(NULL)), 3);
    assert_true(reg_subject_version(reg_subject_get(again, REG_NAME("r")), 1)->deleted);
    reg_unlock(again);
    assert_int_equal(must_reg(again, "z", "\"bytes\""), 4);
    reg_free(again);
}

static void put(reg_store_t *st, const char *key, const char *val) {
    reg_rec_t r = {(const uint8_t *)key,
                   key ? (int32_t)strlen(key) : -1,
                   (const uint8_t *)val,
                   val ? (int32_t)strlen(val) : -1,
                   0,
                   0};
    assert_int_equal(reg_store_append(st, &r, 1, NULL, NULL), CN_OK);
}

static void test_replay_variants(void **state) {
    reg_store_t *st = reg_store_mem_new();
    reg_registry_t *reg;
    int64_t applied, skipped, next;
    json_t *cfg = NULL;
    reg_mode_t m;
    (void)state;
    /* Karapace key order, schemaType absent */
    put(st, "{\"subject\":\"k\",\"version\":1,\"magic\":1,\"keytype\":\"SCHEMA\"}",
        "{\"subject\":\"k\",\"version\":1,\"id\":5,\"schema\":\"\\\"int\\\"\",\"deleted\":false}");
    /* Confluent 8 writes schemaType AVRO */
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\"k\",\"version\":2,\"magic\":1}",
        "{\"subject\":\"k\",\"version\":2,\"id\":6,\"schemaType\":\"AVRO\","
        "\"schema\":\"\\\"long\\\"\",\"deleted\":false}");
    /* a duplicate id with other text: the first record wins */
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\"k\",\"version\":3,\"magic\":1}",
        "{\"subject\":\"k\",\"version\":3,\"id\":5,\"schema\":\"\\\"float\\\"\"}");
    /* Redpanda: seq equal to the offset (3) applies; a lost race (seq 1) does not */
    put(st,
        "{\"keytype\":\"SCHEMA\",\"subject\":\"rp\",\"version\":1,\"magic\":0,\"seq\":3,"
        "\"node\":1}",
        "{\"subject\":\"rp\",\"version\":1,\"id\":7,\"schema\":\"\\\"string\\\"\"}");
    put(st,
        "{\"keytype\":\"SCHEMA\",\"subject\":\"rp\",\"version\":2,\"magic\":0,\"seq\":1,"
        "\"node\":2}",
        "{\"subject\":\"rp\",\"version\":2,\"id\":8,\"schema\":\"\\\"bytes\\\"\"}");
    /* global config with null subject, then without subject: last wins */
    put(st, "{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}",
        "{\"compatibilityLevel\":\"FULL\"}");
    put(st, "{\"keytype\":\"CONFIG\",\"magic\":0}", "{\"compatibilityLevel\":\"forward\"}");
    put(st, "{\"keytype\":\"MODE\",\"subject\":\"k\",\"magic\":0}",
        "{\"subject\":\"k\",\"mode\":\"READONLY\"}");
    put(st, "garbage", "more garbage");
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\"g\",\"version\":1,\"magic\":1}", "{bad");
    put(st, NULL, NULL);
    put(st, "{\"keytype\":\"NOOP\",\"magic\":0}", NULL);
    put(st, "{\"keytype\":\"WHATEVER\",\"magic\":0}", "{}");
    put(st, "{\"keytype\":\"CONTEXT\",\"tenant\":\"default\",\"context\":\".c\",\"magic\":0}",
        "{\"tenant\":\"default\",\"context\":\".c\"}");
    /* DELETE_SUBJECT then CLEAR_SUBJECT; an empty value is a tombstone */
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\"t\",\"version\":1,\"magic\":1}",
        "{\"subject\":\"t\",\"version\":1,\"id\":9,\"schema\":\"\\\"null\\\"\"}");
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\"t\",\"version\":2,\"magic\":1}",
        "{\"subject\":\"t\",\"version\":2,\"id\":10,\"schema\":\"\\\"boolean\\\"\"}");
    put(st, "{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"t\",\"magic\":0}",
        "{\"subject\":\"t\",\"version\":1}");
    put(st, "{\"keytype\":\"CLEAR_SUBJECT\",\"subject\":\"t\",\"magic\":0}", "{\"subject\":\"t\"}");
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\"k\",\"version\":2,\"magic\":1}", "");
    reg = open_reg(st);
    reg_stats(reg, &applied, &skipped, &next);
    assert_int_equal(next, 19);
    assert_int_equal(skipped, 4); /* duplicate id, lost race, garbage key, bad value */
    reg_rdlock(reg);
    assert_string_equal(reg_schema_by_id(reg, 5, REG_NAME(NULL))->text, "\"int\"");
    assert_null(reg_subject_version(reg_subject_get(reg, REG_NAME("k")), 3));
    assert_null(reg_subject_version(reg_subject_get(reg, REG_NAME("k")), 2)); /* tombstone */
    assert_null(reg_schema_by_id(reg, 6, REG_NAME(NULL)));
    assert_non_null(reg_subject_version(reg_subject_get(reg, REG_NAME("rp")), 1));
    assert_null(reg_subject_version(reg_subject_get(reg, REG_NAME("rp")), 2));
    assert_null(reg_subject_version(reg_subject_get(reg, REG_NAME("t")), 1)); /* cleared */
    assert_false(reg_subject_version(reg_subject_get(reg, REG_NAME("t")), 2)->deleted);
    assert_int_equal(reg_max_id(reg, REG_NAME(NULL)), 10);
    reg_unlock(reg);
    assert_int_equal(reg_effective_level(reg, REG_NAME("k")), COMPAT_FORWARD);
    assert_int_equal(reg_mode_get(reg, REG_NAME("k"), false, &m, NULL), CN_OK);
    assert_int_equal(m, REG_MODE_READONLY);
    assert_int_equal(reg_config_get(reg, REG_NAME(NULL), false, &cfg, NULL), CN_OK);
    assert_string_equal(json_string_value(json_object_get(cfg, "compatibilityLevel")), "FORWARD");
    json_decref(cfg);
    assert_int_equal(must_reg(reg, "fresh", "\"double\""), 11);
    reg_free(reg);
    reg_store_free(st);
}

/* Mutated records (bytes flipped, cut, spliced) never crash the reader; what survives is
 * applied and the registry keeps working. Bounded and seeded. */
/* CLEAR_SUBJECT alone (no tombstones, as older Confluent wrote it): for a context, then
 * without subject (global), each purging only soft-deleted versions in its scope. */
static void test_replay_clear_forms(void **state) {
    reg_store_t *st = reg_store_mem_new();
    reg_registry_t *reg;
    (void)state;
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\"u\",\"version\":1,\"magic\":1}",
        "{\"subject\":\"u\",\"version\":1,\"id\":1,\"schema\":\"\\\"int\\\"\",\"deleted\":true}");
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\":.x:w\",\"version\":1,\"magic\":1}",
        "{\"subject\":\":.x:w\",\"version\":1,\"id\":1,\"schema\":\"\\\"int\\\"\",\"deleted\":"
        "true}");
    put(st, "{\"keytype\":\"SCHEMA\",\"subject\":\":.x:w\",\"version\":2,\"magic\":1}",
        "{\"subject\":\":.x:w\",\"version\":2,\"id\":2,\"schema\":\"\\\"long\\\"\"}");
    put(st, "{\"keytype\":\"CLEAR_SUBJECT\",\"subject\":\":.x:\",\"magic\":0}",
        "{\"subject\":\":.x:\"}");
    reg = open_reg(st);
    reg_rdlock(reg);
    assert_non_null(reg_subject_version(reg_subject_get(reg, REG_NAME("u")), 1));
    assert_null(reg_subject_version(reg_subject_get(reg, REG_NAME(":.x:w")), 1));
    assert_non_null(reg_subject_version(reg_subject_get(reg, REG_NAME(":.x:w")), 2));
    reg_unlock(reg);
    reg_free(reg);
    put(st, "{\"keytype\":\"CLEAR_SUBJECT\",\"magic\":0}", "{\"subject\":null}");
    reg = open_reg(st);
    reg_rdlock(reg);
    assert_null(reg_subject_get(reg, REG_NAME("u")));
    assert_non_null(reg_subject_version(reg_subject_get(reg, REG_NAME(":.x:w")), 2));
    reg_unlock(reg);
    reg_free(reg);
    reg_store_free(st);
}

static void test_replay_mutated_records(void **state) {
    static const char *const keys[] = {
        "{\"keytype\":\"SCHEMA\",\"subject\":\"m\",\"version\":1,\"magic\":1}",
        "{\"keytype\":\"CONFIG\",\"subject\":\"m\",\"magic\":0}",
        "{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"m\",\"magic\":0}",
        "{\"keytype\":\"MODE\",\"magic\":0}"};
    static const char *const vals[] = {
        "{\"subject\":\"m\",\"version\":1,\"id\":4,\"schema\":\"\\\"int\\\"\","
        "\"references\":[{\"name\":\"a\",\"subject\":\"b\",\"version\":1}]}",
        "{\"compatibilityLevel\":\"FULL\"}", "{\"subject\":\"m\",\"version\":1}",
        "{\"mode\":\"READONLY\"}"};
    unsigned seed = tu_seed();
    reg_store_t *st = reg_store_mem_new();
    reg_registry_t *reg;
    char k[256], v[256];
    int32_t id;
    (void)state;
    srand(seed);
    for (int i = 0; i < 3000; i++) {
        size_t kl, vl;
        int which = rand() % 4;
        snprintf(k, sizeof(k), "%s", keys[which]);
        snprintf(v, sizeof(v), "%s", vals[which]);
        kl = strlen(k);
        vl = strlen(v);
        for (int m = rand() % 4; m > 0; m--) {
            k[rand() % kl] = (char)(rand() % 256);
            v[rand() % vl] = (char)(rand() % 256);
        }
        if (rand() % 5 == 0)
            kl = (size_t)rand() % kl;
        if (rand() % 5 == 0)
            vl = (size_t)rand() % vl;
        k[kl] = v[vl] = '\0';
        put(st, memchr(k, 0, kl) ? "" : k, memchr(v, 0, vl) ? NULL : v);
    }
    reg = open_reg(st);
    assert_int_equal(reg_mode_set(reg, REG_NAME(NULL), REG_MODE_READWRITE, false, NULL), CN_OK);
    id = must_reg(reg, "after", "\"string\"");
    assert_int_equal(latest_version(reg, "after"), 1);
    reg_rdlock(reg);
    assert_string_equal(reg_schema_by_id(reg, id, REG_NAME(NULL))->text, "\"string\"");
    reg_unlock(reg);
    reg_free(reg);
    reg_store_free(st);
}

/* Writers and readers at once: every registration gets a unique id and reads never see a
 * half-applied state (run under ASan here; under TSan by hand). */
typedef struct stress {
    reg_registry_t *reg;
    int t;
    int ids[200];
} stress_t;

static void *stress_writer(void *arg) {
    stress_t *s = arg;
    char text[128], subject[16];
    for (int i = 0; i < 200; i++) {
        snprintf(text, sizeof(text), "{\"type\":\"fixed\",\"name\":\"F%d_%d\",\"size\":1}", s->t,
                 i);
        snprintf(subject, sizeof(subject), "w%d", i % 7);
        if (reg_text(s->reg, subject, text, &s->ids[i], NULL) != CN_OK)
            s->ids[i] = -1;
    }
    return NULL;
}

static void *stress_reader(void *arg) {
    stress_t *s = arg;
    for (int i = 0; i < 2000; i++) {
        size_t n = 0;
        reg_subject_t **subs;
        reg_rdlock(s->reg);
        subs = reg_subjects_sorted(s->reg, &n);
        for (size_t k = 0; k < n; k++) {
            reg_version_t *v = reg_subject_latest(subs[k], false);
            if (v && reg_schema_by_id(s->reg, v->schema->id, REG_NAME(subs[k]->name)) != v->schema)
                s->ids[0] = -2;
        }
        free(subs);
        reg_unlock(s->reg);
    }
    return NULL;
}

static void test_concurrent_writers_and_readers(void **state) {
    fx_t *f = *state;
    stress_t st[6];
    pthread_t th[6];
    char seen[1300] = {0};
    json_t *cfg, *none = json_pack("{s:s}", "compatibility", "NONE");
    assert_int_equal(reg_config_set(f->reg, REG_NAME(NULL), none, &cfg, NULL), CN_OK);
    json_decref(cfg);
    json_decref(none);
    for (int t = 0; t < 6; t++) {
        st[t] = (stress_t){f->reg, t, {0}};
        pthread_create(&th[t], NULL, t < 4 ? stress_writer : stress_reader, &st[t]);
    }
    for (int t = 0; t < 6; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 200; i++) {
            assert_in_range(st[t].ids[i], 1, 800);
            assert_false(seen[st[t].ids[i]]); /* every schema has its own id */
            seen[st[t].ids[i]] = 1;
        }
    assert_int_equal(st[4].ids[0], 0);
    assert_int_equal(st[5].ids[0], 0);
}

static void test_writes_refused_before_replay(void **state) {
    reg_store_t *st = reg_store_mem_new();
    reg_options_t o;
    reg_registry_t *reg;
    cn_error_t err;
    int32_t id;
    (void)state;
    reg_options_defaults(&o);
    o.store = st;
    o.lang = reg_fake_lang();
    reg = reg_new(&o, &err);
    assert_false(reg_ready(reg));
    assert_int_equal(reg_text(reg, "s", S1, &id, &err), CN_ERR_STORE_TIMEOUT);
    assert_int_equal(reg_replay(reg, &err), CN_OK);
    assert_int_equal(reg_text(reg, "s", S1, &id, &err), CN_OK);
    reg_free(reg);
    reg_store_free(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_and_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compatibility_and_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_compat_endpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deletes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_writes_clear_subject, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_clear_scopes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contexts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_identity_and_fallback, setup, teardown),
        cmocka_unit_test(test_names_and_scopes),
        cmocka_unit_test(test_subject_and_version_rules),
        cmocka_unit_test_setup_teardown(test_replay_rebuilds_state, setup, teardown),
        cmocka_unit_test(test_replay_variants),
        cmocka_unit_test(test_replay_clear_forms),
        cmocka_unit_test(test_replay_mutated_records),
        cmocka_unit_test_setup_teardown(test_concurrent_writers_and_readers, setup, teardown),
        cmocka_unit_test(test_writes_refused_before_replay),
    };
    return cmocka_run_group_tests_name("registry domain", tests, NULL, NULL);
}
