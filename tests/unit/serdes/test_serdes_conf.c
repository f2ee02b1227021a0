/* SPDX-License-Identifier: Apache-2.0
 *
 * Configuration keys (docs/serdes.md): Java names, libserdes and prefixed aliases,
 * value checks, unknown keys named in the error, URL lists with userinfo, conflicting auth,
 * request headers, and the typed settings the handle is built from; subject name strategies.
 */
#include "tests/support/test_util.h"

#include <string.h>

#include <cairn/serdes.h>

#include "serdes/serdes_conf_int.h"
#include "serdes/serdes_subject_int.h"

static void set_ok(cairn_conf_t *c, const char *k, const char *v) {
    cairn_error_t err;
    if (cairn_conf_set(c, k, v, &err) != CAIRN_OK)
        fail_msg("%s=%s: %s", k, v, err.msg);
}

static void test_conf_unknown_key(void **state) {
    cairn_conf_t *c = cairn_conf_new();
    cairn_error_t err;
    (void)state;
    assert_int_equal(cairn_conf_set(c, "schema.registry.urll", "x", &err), CAIRN_ERR_CONF_UNKNOWN);
    assert_non_null(strstr(err.msg, "schema.registry.urll"));
    assert_int_equal(cairn_conf_set(c, "request.header.", "x", &err), CAIRN_ERR_CONF_UNKNOWN);
    cairn_conf_free(c);
}

static void test_conf_bad_values(void **state) {
    cairn_conf_t *c = cairn_conf_new();
    cairn_error_t err;
    (void)state;
    assert_int_equal(cairn_conf_set(c, "auto.register.schemas", "yes", &err),
                     CAIRN_ERR_CONF_INVALID);
    assert_non_null(strstr(err.msg, "auto.register.schemas"));
    assert_int_equal(cairn_conf_set(c, "max.retries", "-1", &err), CAIRN_ERR_CONF_INVALID);
    assert_int_equal(cairn_conf_set(c, "max.retries", "3x", &err), CAIRN_ERR_CONF_INVALID);
    assert_int_equal(cairn_conf_set(c, "value.subject.name.strategy", "Foo", &err),
                     CAIRN_ERR_CONF_INVALID);
    assert_int_equal(cairn_conf_set(c, "serializer.framing", "cp2", &err), CAIRN_ERR_CONF_INVALID);
    assert_int_equal(cairn_conf_set(c, "value.schema.id.serializer", "trailer", &err),
                     CAIRN_ERR_CONF_INVALID);
    assert_int_equal(cairn_conf_set(c, "value.schema.id.deserializer", "header", &err),
                     CAIRN_ERR_CONF_INVALID);
    assert_int_equal(cairn_conf_set(c, NULL, "x", &err), CAIRN_ERR_INVALID_ARG);
    cairn_conf_free(c);
}

static void test_conf_aliases(void **state) {
    cairn_conf_t *c = cairn_conf_new();
    (void)state;
    set_ok(c, "url", "http://a:1");
    set_ok(c, "max.schemas.per.subject", "12");
    set_ok(c, "latest.cache.ttl.sec", "30");
    set_ok(c, "schema.registry.ssl.ca.location", "/etc/ca.pem");
    set_ok(c, "http.read.timeout.ms", "2500");
    set_ok(c, "schema.registry.basic.auth.user.info", "u:p");
    assert_string_equal(cairn_conf_get(c, "schema.registry.url"), "http://a:1");
    assert_string_equal(cairn_conf_get(c, "cache.capacity"), "12");
    assert_string_equal(cairn_conf_get(c, "cache.latest.ttl.sec"), "30");
    assert_string_equal(cairn_conf_get(c, "ssl.ca.location"), "/etc/ca.pem");
    assert_string_equal(cairn_conf_get(c, "request.timeout.ms"), "2500");
    assert_string_equal(cairn_conf_get(c, "basic.auth.user.info"), "u:p");
    cairn_conf_free(c);
}

static void test_conf_settings(void **state) {
    cairn_conf_t *c = cairn_conf_new();
    serdes_settings_t s;
    cn_error_t err;
    (void)state;
    set_ok(c, "schema.registry.url", " http://us%40er:p%3Ass@h1:8081/ ,https://h2:8082//,");
    set_ok(c, "request.header.X-Team", "payments");
    set_ok(c, "bearer.auth.logical.cluster", "lsrc-1");
    set_ok(c, "enable.ssl.certificate.verification", "false");
    set_ok(c, "value.subject.name.strategy",
           "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");
    set_ok(c, "key.subject.name.strategy", "RecordNameStrategy");
    set_ok(c, "auto.register.schemas", "FALSE");
    assert_int_equal(serdes_settings_load(&s, c, &err), CN_OK);
    assert_int_equal(s.n_urls, 2);
    assert_string_equal(s.urls[0], "http://h1:8081");
    assert_string_equal(s.urls[1], "https://h2:8082");
    assert_string_equal(s.userpwd, "us@er:p:ss");
    assert_int_equal(s.n_headers, 2);
    assert_string_equal(s.headers[0], "target-sr-cluster: lsrc-1");
    assert_string_equal(s.headers[1], "X-Team: payments");
    assert_false(s.ssl_verify_peer);
    assert_false(s.ssl_verify_host);
    assert_false(s.auto_register);
    assert_int_equal(s.strategy[CAIRN_ROLE_VALUE], SERDES_STRATEGY_TOPIC_RECORD);
    assert_int_equal(s.strategy[CAIRN_ROLE_KEY], SERDES_STRATEGY_RECORD);
    assert_int_equal(s.request_timeout_ms, 10000);
    assert_int_equal(s.max_retries, 3);
    assert_int_equal(s.cache_capacity, 1000);
    assert_int_equal(s.latest_ttl_sec, -1);
    serdes_settings_fini(&s);
    cairn_conf_free(c);
}

static void test_conf_conflicts(void **state) {
    cairn_conf_t *c = cairn_conf_new();
    cairn_error_t err;
    (void)state;
    assert_null(cairn_serdes_new(cairn_conf_new(), &err));
    assert_int_equal(err.code, CAIRN_ERR_CONF_INVALID);
    assert_non_null(strstr(err.msg, "schema.registry.url is required"));
    set_ok(c, "schema.registry.url", "http://u:p@h:1");
    set_ok(c, "basic.auth.user.info", "a:b");
    assert_null(cairn_serdes_new(c, &err)); /* takes c */
    assert_non_null(strstr(err.msg, "cannot be combined"));
    c = cairn_conf_new();
    set_ok(c, "schema.registry.url", "ftp://h:1");
    assert_null(cairn_serdes_new(c, &err));
    assert_non_null(strstr(err.msg, "not an http"));
    c = cairn_conf_new();
    set_ok(c, "schema.registry.url", "http://h:1");
    set_ok(c, "use.schema.id", "3");
    set_ok(c, "use.latest.version", "true");
    assert_null(cairn_serdes_new(c, &err));
    assert_non_null(strstr(err.msg, "cannot both"));
    c = cairn_conf_new();
    set_ok(c, "schema.registry.url", "http://h:1");
    set_ok(c, "basic.auth.credentials.source", "SASL_INHERIT");
    assert_null(cairn_serdes_new(c, &err));
    assert_non_null(strstr(err.msg, "sasl.username"));
}

static void test_conf_dup_and_ok(void **state) {
    cairn_conf_t *c = cairn_conf_new(), *d;
    cairn_serdes_t *sd;
    cairn_error_t err;
    (void)state;
    set_ok(c, "schema.registry.url", "http://127.0.0.1:1");
    d = cairn_conf_dup(c);
    assert_string_equal(cairn_conf_get(d, "schema.registry.url"), "http://127.0.0.1:1");
    sd = cairn_serdes_new(d, &err);
    assert_non_null(sd);
    cairn_serdes_free(sd);
    cairn_conf_free(c);
}

/* ---- subject name strategies ---- */

static int my_subject(void *opaque, const char *topic, cairn_role_t role, const char *record,
                      char *out, size_t cap) {
    if (!topic)
        return -1;
    snprintf(out, cap, "%s.%s.%s.%s", (const char *)opaque, topic,
             role == CAIRN_ROLE_KEY ? "k" : "v", record ? record : "-");
    return 0;
}

static void test_subject_strategies(void **state) {
    serdes_settings_t s;
    serdes_err_t err;
    char out[256];
    (void)state;
    memset(&s, 0, sizeof(s));
    assert_int_equal(
        serdes_subject(&s, CAIRN_ROLE_VALUE, "orders", "shop.Pay", out, sizeof(out), &err), CN_OK);
    assert_string_equal(out, "orders-value");
    assert_int_equal(serdes_subject(&s, CAIRN_ROLE_KEY, "orders", NULL, out, sizeof(out), &err),
                     CN_OK);
    assert_string_equal(out, "orders-key");
    s.strategy[CAIRN_ROLE_VALUE] = SERDES_STRATEGY_RECORD;
    assert_int_equal(
        serdes_subject(&s, CAIRN_ROLE_VALUE, "orders", "shop.Pay", out, sizeof(out), &err), CN_OK);
    assert_string_equal(out, "shop.Pay");
    assert_int_equal(serdes_subject(&s, CAIRN_ROLE_VALUE, "orders", NULL, out, sizeof(out), &err),
                     CN_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(err.e.msg, "RecordNameStrategy needs a named schema"));
    s.strategy[CAIRN_ROLE_VALUE] = SERDES_STRATEGY_TOPIC_RECORD;
    assert_int_equal(
        serdes_subject(&s, CAIRN_ROLE_VALUE, "orders", "shop.Pay", out, sizeof(out), &err), CN_OK);
    assert_string_equal(out, "orders-shop.Pay");
    assert_int_equal(serdes_subject(&s, CAIRN_ROLE_VALUE, "orders", "shop.Pay", out, 8, &err),
                     CN_ERR_INVALID_ARGUMENT);
    s.strategy[CAIRN_ROLE_KEY] = SERDES_STRATEGY_CALLBACK;
    s.subject_fn[CAIRN_ROLE_KEY] = my_subject;
    s.subject_opaque[CAIRN_ROLE_KEY] = "ctx";
    assert_int_equal(serdes_subject(&s, CAIRN_ROLE_KEY, "t", "R", out, sizeof(out), &err), CN_OK);
    assert_string_equal(out, "ctx.t.k.R");
    assert_int_equal(serdes_subject(&s, CAIRN_ROLE_KEY, NULL, "R", out, sizeof(out), &err),
                     CN_ERR_INVALID_ARGUMENT);
    s.strategy[CAIRN_ROLE_KEY] = SERDES_STRATEGY_TOPIC;
    assert_int_equal(serdes_subject(&s, CAIRN_ROLE_KEY, "", NULL, out, sizeof(out), &err),
                     CN_ERR_INVALID_ARGUMENT);
}

static void test_subject_callback_via_conf(void **state) {
    cairn_conf_t *c = cairn_conf_new();
    serdes_settings_t s;
    cn_error_t err;
    (void)state;
    set_ok(c, "schema.registry.url", "http://h:1");
    cairn_conf_set_subject_fn(c, CAIRN_ROLE_VALUE, my_subject, "x");
    assert_int_equal(serdes_settings_load(&s, c, &err), CN_OK);
    assert_int_equal(s.strategy[CAIRN_ROLE_VALUE], SERDES_STRATEGY_CALLBACK);
    assert_int_equal(s.strategy[CAIRN_ROLE_KEY], SERDES_STRATEGY_TOPIC);
    serdes_settings_fini(&s);
    cairn_conf_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conf_unknown_key),   cmocka_unit_test(test_conf_bad_values),
        cmocka_unit_test(test_conf_aliases),       cmocka_unit_test(test_conf_settings),
        cmocka_unit_test(test_conf_conflicts),     cmocka_unit_test(test_conf_dup_and_ok),
        cmocka_unit_test(test_subject_strategies), cmocka_unit_test(test_subject_callback_via_conf),
    };
    return cmocka_run_group_tests_name("serdes_conf", tests, NULL, NULL);
}
