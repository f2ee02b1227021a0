/* SPDX-License-Identifier: Apache-2.0
 *
 * cairn_registry_request (the generic registry call the `cairn` CLI uses) against the
 * in-process mock registry on loopback: answer bodies, registry errors with status and
 * error_code, the request line sent (method, escaped path, query), auth, retries on 5xx,
 * fail-over from a dead URL, transport errors and bad arguments.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>

#include "tests/unit/serdes/serdes_test_util.h"

#define PAY "{\"type\":\"record\",\"name\":\"Pay\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}"

static int setup(void **state) {
    mock_registry_t *mr = mr_start();
    assert_non_null(mr);
    *state = mr;
    return 0;
}

static int teardown(void **state) {
    mr_stop(*state);
    return 0;
}

static void test_request_get_and_post(void **state) {
    mock_registry_t *mr = *state;
    cairn_serdes_t *sd = st_handle(mr_url(mr), NULL);
    int32_t id = mr_add(mr, "pay-value", PAY);
    char path[64], line[256], *body = NULL;
    cairn_error_t err;
    json_t *j;
    snprintf(path, sizeof(path), "/schemas/ids/%d", id);
    assert_int_equal(cairn_registry_request(sd, "GET", path, NULL, &body, &err), CAIRN_OK);
    j = json_loads(body, 0, NULL);
    assert_non_null(j);
    st_assert_json(json_string_value(json_object_get(j, "schema")), PAY);
    json_decref(j);
    cairn_free(body);
    body = NULL;
    j = json_pack("{s:s}", "schema", PAY);
    char *req = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    assert_int_equal(cairn_registry_request(sd, "POST", "/subjects/a%2Fb/versions?normalize=true",
                                            req, &body, &err),
                     CAIRN_OK);
    free(req);
    assert_non_null(strstr(body, "\"id\""));
    cairn_free(body);
    mr_last_request(mr, line, sizeof(line));
    assert_string_equal(line, "POST /subjects/a%2Fb/versions?normalize=true");
    cairn_serdes_free(sd);
}

static void test_request_registry_error(void **state) {
    mock_registry_t *mr = *state;
    cairn_serdes_t *sd = st_handle(mr_url(mr), "max.retries", "3", "retries.wait.ms", "1", NULL);
    char *body = (char *)"untouched";
    cairn_error_t err;
    assert_int_equal(cairn_registry_request(sd, "GET", "/schemas/ids/999", NULL, &body, &err),
                     CAIRN_ERR_REGISTRY);
    assert_null(body);
    assert_int_equal(err.http_status, 404);
    assert_int_equal(err.error_code, 40403);
    assert_int_equal(mr_requests(mr), 1); /* 4xx: no retry */
    cairn_serdes_free(sd);
}

static void test_request_retry_and_failover(void **state) {
    mock_registry_t *mr = *state;
    char urls[256], *body = NULL;
    cairn_serdes_t *sd;
    cairn_error_t err;
    int32_t id = mr_add(mr, "s", PAY);
    char path[64];
    snprintf(path, sizeof(path), "/schemas/ids/%d", id);
    snprintf(urls, sizeof(urls), "http://127.0.0.1:%d,%s", tu_free_port(), mr_url(mr));
    sd = st_handle(urls, "max.retries", "2", "retries.wait.ms", "1", "retries.max.wait.ms", "2",
                   NULL);
    mr_fail_next(mr, 1, 503);
    assert_int_equal(cairn_registry_request(sd, "GET", path, NULL, &body, &err), CAIRN_OK);
    assert_non_null(strstr(body, "Pay"));
    cairn_free(body);
    assert_int_equal(mr_requests(mr), 2); /* 503 once, then the answer */
    cairn_serdes_free(sd);
}

static void test_request_auth_and_transport(void **state) {
    mock_registry_t *mr = *state;
    cairn_serdes_t *sd = st_handle(mr_url(mr), "bearer.auth.token", "tok", NULL);
    char url[64], *body = NULL;
    cairn_error_t err;
    mr_require_auth(mr, "Bearer tok");
    mr_add(mr, "s", PAY);
    assert_int_equal(cairn_registry_request(sd, "GET", "/schemas/ids/1", NULL, &body, &err),
                     CAIRN_OK);
    cairn_free(body);
    cairn_serdes_free(sd);
    sd = st_handle(mr_url(mr), NULL); /* no token: refused */
    assert_int_equal(cairn_registry_request(sd, "GET", "/schemas/ids/1", NULL, &body, &err),
                     CAIRN_ERR_REGISTRY);
    assert_int_equal(err.http_status, 401);
    cairn_serdes_free(sd);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", tu_free_port());
    sd = st_handle(url, "max.retries", "0", NULL);
    assert_int_equal(cairn_registry_request(sd, "GET", "/subjects", NULL, &body, &err),
                     CAIRN_ERR_TRANSPORT);
    assert_int_equal(cairn_registry_request(sd, "GET", "no-slash", NULL, &body, &err),
                     CAIRN_ERR_INVALID_ARG);
    assert_int_equal(cairn_registry_request(NULL, "GET", "/", NULL, &body, &err),
                     CAIRN_ERR_INVALID_ARG);
    cairn_serdes_free(sd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_request_get_and_post, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_registry_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_retry_and_failover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_auth_and_transport, setup, teardown),
    };
    return cmocka_run_group_tests_name("serdes_request", tests, NULL, NULL);
}
