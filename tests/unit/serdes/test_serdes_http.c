/* SPDX-License-Identifier: Apache-2.0
 *
 * The registry client's HTTP behaviour against the in-process mock registry on loopback:
 * retries with backoff on 5xx, no retry on 4xx (error_code and message surface), fail-over
 * across URLs on transport errors, request timeouts, basic auth (URL userinfo and
 * basic.auth.user.info), bearer tokens, extra headers, ?normalize=true, subject escaping.
 */
#include "tests/support/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cairn/serdes.h>

#include "tests/unit/serdes/serdes_test_util.h"

#define PAY                                                                                        \
    "{\"type\":\"record\",\"name\":\"Pay\",\"fields\":[{\"name\":\"amt\",\"type\":\"long\"}]}"

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

static cairn_err_t reg(cairn_serdes_t *sd, const char *subject, bool lookup, int32_t *id,
                       cairn_error_t *err) {
    return cairn_schema_register(sd, subject, CAIRN_FORMAT_AVRO, PAY, lookup, id, err);
}

static void test_http_retry_5xx(void **state) {
    mock_registry_t *mr = *state;
    cairn_serdes_t *sd = st_handle(mr_url(mr), "max.retries", "3", "retries.wait.ms", "1",
                                   "retries.max.wait.ms", "4", NULL);
    cairn_stats_t st;
    cairn_error_t err;
    int32_t id = -1;
    mr_fail_next(mr, 2, 503);
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_OK);
    assert_int_equal(id, 1);
    assert_int_equal(mr_requests(mr), 3);
    cairn_serdes_stats(sd, &st);
    assert_int_equal(st.registry_requests, 3);
    assert_int_equal(st.registry_failures, 2);
    cairn_serdes_free(sd);
}

static void test_http_retries_exhausted(void **state) {
    mock_registry_t *mr = *state;
    cairn_serdes_t *sd = st_handle(mr_url(mr), "max.retries", "2", "retries.wait.ms", "1",
                                   "retries.max.wait.ms", "2", NULL);
    cairn_error_t err;
    int32_t id;
    mr_fail_next(mr, 10, 500);
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_ERR_REGISTRY);
    assert_int_equal(err.http_status, 500);
    assert_int_equal(err.error_code, 50001);
    assert_string_equal(err.msg, "injected failure");
    assert_int_equal(mr_requests(mr), 3);
    cairn_serdes_free(sd);
}

static void test_http_4xx_not_retried(void **state) {
    mock_registry_t *mr = *state;
    cairn_serdes_t *sd = st_handle(mr_url(mr), "max.retries", "5", "retries.wait.ms", "1", NULL);
    cairn_error_t err;
    int32_t id;
    assert_int_equal(reg(sd, "nobody", true, &id, &err), CAIRN_ERR_REGISTRY);
    assert_int_equal(err.http_status, 404);
    assert_int_equal(err.error_code, 40401);
    assert_string_equal(err.msg, "Subject not found.");
    assert_int_equal(mr_requests(mr), 1);
    cairn_serdes_free(sd);
}

static void test_http_failover(void **state) {
    mock_registry_t *mr = *state;
    char urls[256];
    cairn_serdes_t *sd;
    cairn_stats_t st;
    cairn_error_t err;
    int32_t id;
    char *text = NULL;
    snprintf(urls, sizeof(urls), "http://127.0.0.1:%d,%s", tu_free_port(), mr_url(mr));
    sd = st_handle(urls, "max.retries", "0", NULL);
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_OK);
    assert_int_equal(cairn_schema_by_id(sd, id, &text, &err), CAIRN_OK);
    assert_non_null(strstr(text, "Pay"));
    cairn_free(text);
    cairn_serdes_stats(sd, &st);
    assert_int_equal(st.registry_failures, 1); /* the second call went to the URL that worked */
    assert_int_equal(st.registry_requests, 3);
    cairn_serdes_free(sd);
    /* 5xx also fails over. */
    snprintf(urls, sizeof(urls), "%s,%s", mr_url(mr), mr_url(mr));
    sd = st_handle(urls, "max.retries", "0", NULL);
    mr_fail_next(mr, 1, 502);
    assert_int_equal(reg(sd, "s2", false, &id, &err), CAIRN_OK);
    cairn_serdes_free(sd);
}

static void test_http_transport_error(void **state) {
    char urls[128];
    cairn_serdes_t *sd;
    cairn_error_t err;
    int32_t id;
    (void)state;
    snprintf(urls, sizeof(urls), "http://127.0.0.1:%d", tu_free_port());
    sd = st_handle(urls, "max.retries", "1", "retries.wait.ms", "1", NULL);
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_ERR_TRANSPORT);
    assert_non_null(strstr(err.msg, "127.0.0.1"));
    assert_int_equal(err.http_status, 0);
    cairn_serdes_free(sd);
}

static void test_http_timeout(void **state) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char url[64];
    cairn_serdes_t *sd;
    cairn_error_t err;
    int32_t id;
    (void)state;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 4), 0); /* never accepted, never answered */
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
    sd = st_handle(url, "max.retries", "0", "request.timeout.ms", "200", NULL);
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_ERR_TRANSPORT);
    assert_non_null(strstr(err.msg, "imeout"));
    cairn_serdes_free(sd);
    close(fd);
}

static void test_http_basic_auth(void **state) {
    mock_registry_t *mr = *state;
    char url[128];
    cairn_serdes_t *sd;
    cairn_error_t err;
    int32_t id;
    mr_require_auth(mr, "Basic dTpwQHNz"); /* u:p@ss */
    snprintf(url, sizeof(url), "http://u:p%%40ss@127.0.0.1:%d", mr_port(mr));
    sd = st_handle(url, "max.retries", "0", NULL);
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_OK);
    cairn_serdes_free(sd);
    sd = st_handle(mr_url(mr), "max.retries", "0", "basic.auth.credentials.source", "USER_INFO",
                   "basic.auth.user.info", "u:p@ss", NULL);
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_OK);
    cairn_serdes_free(sd);
    sd = st_handle(mr_url(mr), "max.retries", "3", "basic.auth.user.info", "u:wrong", NULL);
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_ERR_REGISTRY);
    assert_int_equal(err.http_status, 401);
    cairn_serdes_free(sd);
}

static void test_http_bearer_and_headers(void **state) {
    mock_registry_t *mr = *state;
    cairn_serdes_t *sd = st_handle(mr_url(mr), "bearer.auth.token", "tok", "request.header.X-Team",
                                   "payments", "bearer.auth.identity.pool.id", "pool-1", NULL);
    cairn_error_t err;
    char seen[256];
    int32_t id;
    mr_require_auth(mr, "Bearer tok");
    mr_watch_header(mr, "X-Team");
    assert_int_equal(reg(sd, "s", false, &id, &err), CAIRN_OK);
    mr_last_header(mr, seen, sizeof(seen));
    assert_string_equal(seen, "payments");
    mr_watch_header(mr, "Confluent-Identity-Pool-Id");
    assert_int_equal(reg(sd, "s3", false, &id, &err), CAIRN_OK);
    mr_last_header(mr, seen, sizeof(seen));
    assert_string_equal(seen, "pool-1");
    mr_watch_header(mr, "User-Agent");
    assert_int_equal(reg(sd, "s4", false, &id, &err), CAIRN_OK);
    mr_last_header(mr, seen, sizeof(seen));
    assert_non_null(strstr(seen, "libcairn-serdes/"));
    cairn_serdes_free(sd);
}

static void test_http_normalize_and_escape(void **state) {
    mock_registry_t *mr = *state;
    cairn_serdes_t *sd = st_handle(mr_url(mr), "normalize.schemas", "true", NULL);
    cairn_error_t err;
    char req[512];
    int32_t id, id2;
    assert_int_equal(reg(sd, "a/b c:ü", false, &id, &err), CAIRN_OK);
    mr_last_request(mr, req, sizeof(req));
    assert_string_equal(req, "POST /subjects/a%2Fb%20c%3A%C3%BC/versions?normalize=true");
    if (reg(sd, "a/b c:ü", true, &id2, &err) != CAIRN_OK) /* cached: no request */
        fail_msg("%s", err.msg);
    assert_int_equal(id2, id);
    assert_int_equal(mr_requests(mr), 1);
    cairn_serdes_free(sd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_http_retry_5xx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_retries_exhausted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_4xx_not_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_failover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_transport_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_basic_auth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_bearer_and_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_normalize_and_escape, setup, teardown),
    };
    return cmocka_run_group_tests_name("serdes_http", tests, NULL, NULL);
}
