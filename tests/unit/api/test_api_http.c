/* SPDX-License-Identifier: Apache-2.0
 *
 * The REST layer over real loopback sockets, in-process, on the memory store and the fake language:
 * routing (404/405 as JSON), content negotiation (415/406), shapes and error codes of Confluent's
 * API reference (cn_err.def), body limits, nesting, readiness.
 */
#include "tests/support/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api/api_server_int.h"
#include "tests/support/http_client.h"
#include "tests/support/reg_fake_lang.h"

typedef struct fx {
    reg_store_t *store;
    reg_registry_t *reg;
    api_server_t *srv;
    int port;
} fx_t;

static cn_log_t quiet = {CN_LOG_OFF, 2, "test"};

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    reg_options_t o;
    api_config_t c;
    cn_error_t err;
    reg_options_defaults(&o);
    f->store = reg_store_mem_new();
    o.store = f->store;
    o.lang = reg_fake_lang();
    o.log = &quiet;
    f->reg = reg_new(&o, &err);
    api_config_defaults(&c);
    c.port = 0;
    c.threads = 2;
    c.body_limit = 64 * 1024;
    f->srv = api_server_start(&c, f->reg, &quiet, &err);
    assert_non_null(f->srv);
    f->port = api_server_port(f->srv);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    api_server_stop(f->srv);
    reg_free(f->reg);
    reg_store_free(f->store);
    free(f);
    return 0;
}

static void ready(fx_t *f) {
    assert_int_equal(reg_replay(f->reg, NULL), CN_OK);
}

#define CT "Content-Type: application/vnd.schemaregistry.v1+json\r\n"

static void expect(fx_t *f, const char *method, const char *path, const char *hdrs,
                   const char *body, int status, const char *body_has) {
    tu_http_resp_t r;
    assert_int_equal(tu_http(f->port, method, path, hdrs, body, body ? strlen(body) : 0, &r), 0);
    if (r.status != status || (body_has && !strstr(r.body, body_has)))
        fail_msg("%s %s: got %d %s; want %d with %s", method, path, r.status, r.body, status,
                 body_has ? body_has : "");
    tu_http_resp_free(&r);
}

static void test_readiness(void **state) {
    fx_t *f = *state;
    expect(f, "GET", "/status/ready", NULL, NULL, 503, "false");
    expect(f, "GET", "/subjects", NULL, NULL, 500, "\"error_code\":50002");
    expect(f, "POST", "/subjects/a/versions", CT, "{\"schema\":\"1\"}", 500, "50002");
    ready(f);
    expect(f, "GET", "/status/ready", NULL, NULL, 200, "true");
    expect(f, "GET", "/", NULL, NULL, 200, "{}");
}

static void test_routing_and_negotiation(void **state) {
    fx_t *f = *state;
    tu_http_resp_t r;
    ready(f);
    expect(f, "GET", "/nope", NULL, NULL, 404,
           "{\"error_code\":404,\"message\":\"HTTP 404 Not "
           "Found\"}");
    expect(f, "PATCH", "/subjects", NULL, NULL, 405, "\"error_code\":405");
    expect(f, "POST", "/subjects/a/versions", "Content-Type: text/xml\r\n", "{}", 415, "415");
    expect(f, "GET", "/subjects", "Accept: text/html\r\n", NULL, 406, "406");
    tu_http(f->port, "GET", "/subjects", "Accept: application/json\r\n", NULL, 0, &r);
    assert_non_null(strstr(r.headers, "Content-Type: application/json"));
    tu_http_resp_free(&r);
    tu_http(f->port, "GET", "/subjects", "Accept: text/plain, */*\r\n", NULL, 0, &r);
    assert_non_null(strstr(r.headers, "application/vnd.schemaregistry.v1+json"));
    tu_http_resp_free(&r);
    expect(f, "GET", "/schemas/types", NULL, NULL, 200, "[\"AVRO\"]");
    expect(f, "GET", "/schemas/ids/abc", NULL, NULL, 404, "HTTP 404 Not Found");
    expect(f, "GET", "/v1/metadata/version", NULL, NULL, 200, "\"version\"");
}

static void test_register_and_read(void **state) {
    fx_t *f = *state;
    ready(f);
    expect(f, "POST", "/subjects/orders%2Fv/versions?normalize=false", CT,
           "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"unknownField\":1}", 200,
           "{\"version\":1,\"id\":1,\"guid\":\""); /* Confluent 8.x's answer */
    expect(f, "GET", "/subjects", NULL, NULL, 200, "[\"orders/v\"]");
    expect(f, "GET", "/subjects/orders%2Fv/versions/latest", NULL, NULL, 200,
           "{\"subject\":\"orders/v\",\"version\":1,\"id\":1,\"guid\":\"");
    expect(f, "GET", "/subjects/orders%2Fv/versions/1/schema", NULL, NULL, 200,
           "{\"type\":\"string\"}");
    expect(f, "GET", "/schemas/ids/1?fetchMaxId=true", NULL, NULL, 200, "\"maxId\":1");
    expect(f, "GET", "/schemas/ids/1/versions", NULL, NULL, 200,
           "[{\"subject\":\"orders/v\",\"version\":1}]");
    expect(f, "POST", "/subjects/orders%2Fv", CT, "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}",
           200, "\"version\":1");
    expect(f, "POST", "/subjects/orders%2Fv", CT, "{\"schema\":\"\\\"int\\\"\"}", 404, "40403");
    expect(f, "POST", "/subjects/none", CT, "{\"schema\":\"\\\"int\\\"\"}", 404, "40401");
    expect(f, "GET", "/schemas/ids/9", NULL, NULL, 404,
           "{\"error_code\":40403,\"message\":\"Schema 9 not found\"}");
    expect(f, "GET", "/subjects/orders%2Fv/versions/2", NULL, NULL, 404, "40402");
    expect(f, "GET", "/subjects/x/versions/1", NULL, NULL, 404,
           "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}");
    expect(f, "GET", "/subjects/x/versions/0", NULL, NULL, 422, "42202");
    expect(f, "GET", "/subjects/x/versions/abc", NULL, NULL, 422, "42202");
    expect(f, "POST", "/subjects/__GLOBAL/versions", CT, "{\"schema\":\"1\"}", 422, "42208");
    expect(f, "POST", "/subjects/a/versions", CT, "{\"schema\":\"1\",\"schemaType\":\"PROTOBUF\"}",
           422, "not supported yet");
    expect(f, "POST", "/subjects/a/versions", CT, "{\"schema\":\"1\",\"schemaType\":\"XML\"}", 422,
           "Invalid schema type XML");
    expect(f, "POST", "/subjects/a/versions", CT, "{\"schema\":\"{bad\"}", 422, "42201");
    expect(f, "POST", "/subjects/a/versions", CT, "{\"schema\":5}", 422, "\"error_code\":422");
}

static void test_bad_input(void **state) {
    fx_t *f = *state;
    char *big = malloc(100 * 1024), deep[400];
    memset(big, ' ', 100 * 1024 - 1);
    big[100 * 1024 - 1] = '\0';
    memset(deep, '[', sizeof(deep) - 1);
    deep[sizeof(deep) - 1] = '\0';
    ready(f);
    expect(f, "POST", "/subjects/a/versions", CT, "{not json", 400, "\"error_code\":400");
    expect(f, "POST", "/subjects/a/versions", CT, "[1]", 422, "\"error_code\":422");
    expect(f, "POST", "/subjects/a/versions", CT, big, 413, "\"error_code\":413");
    expect(f, "POST", "/subjects/a/versions", CT, deep, 400, "nested");
    expect(f, "POST", "/subjects/a/versions", CT, "{\"schema\":\"1\",\"schema\":\"2\"}", 400,
           "duplicate");
    expect(f, "GET", "/subjects", NULL, NULL, 200, "[]"); /* nothing stored, still serving */
    free(big);
}

/* U+0000 in bodies and subjects that are not UTF-8 (issue 9): clear 4xx, nothing stored. */
static void test_nul_and_utf8(void **state) {
    static const char nul_type[] = "{\"schema\":\"1\",\"schemaType\":\"AVRO\\u0000\"}";
    fx_t *f = *state;
    ready(f);
    expect(f, "POST", "/subjects/a/versions", CT, nul_type, 422, "42201");
    expect(f, "POST", "/subjects/a/versions", CT,
           "{\"schema\":\"1\",\"references\":[{\"name\":\"n\",\"subject\":\"r\\u0000\","
           "\"version\":1}]}",
           422, "42208");
    expect(f, "PUT", "/config/a", CT, "{\"compatibility\":\"FULL\\u0000\"}", 422, "42203");
    expect(f, "PUT", "/mode/a", CT, "{\"mode\":\"IMPORT\\u0000\"}", 422, "42204");
    expect(f, "POST", "/subjects/%C0%AF/versions", CT, "{\"schema\":\"1\"}", 422, "42208");
    expect(f, "PUT", "/config/%FF%FE", CT, "{\"compatibility\":\"FULL\"}", 422, "42208");
    expect(f, "DELETE", "/contexts/%FF", NULL, NULL, 422, "42208");
    expect(f, "GET", "/subjects", NULL, NULL, 200, "[]");
    expect(f, "GET", "/config/a", NULL, NULL, 404, "40408");
}

/* Send raw bytes; read what is answered until the server closes (or 3 s). */
static size_t raw_exchange(int port, const char *req, char *out, size_t cap, bool *closed) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval tv = {3, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    size_t n = 0;
    ssize_t r = -1;
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
    while (n + 1 < cap && (r = recv(fd, out + n, cap - 1 - n, 0)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    *closed = r == 0;
    close(fd);
    return n;
}

static int count_of(const char *s, const char *what) {
    int k = 0;
    for (const char *p = s; (p = strstr(p, what)); p++)
        k++;
    return k;
}

/* RFC 9112 section 6.3: two Content-Length fields are refused and the connection closed, so the
 * bytes after the first length are never served as a second request. */
static void test_content_length_framing(void **state) {
    static const char smuggle[] =
        "POST /subjects/cl/versions HTTP/1.1\r\nHost: x\r\n" CT "Content-Length: 14\r\n"
        "Content-Length: 52\r\n\r\n{\"schema\":\"1\"}GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n";
    static const char both[] = "POST /subjects/te/versions HTTP/1.1\r\nHost: x\r\n" CT
                               "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "e\r\n{\"schema\":\"1\"}\r\n0\r\n\r\nGET /subjects HTTP/1.1\r\n\r\n";
    fx_t *f = *state;
    char out[4096];
    bool closed;
    ready(f);
    raw_exchange(f->port, smuggle, out, sizeof(out), &closed);
    assert_int_equal(count_of(out, "HTTP/1.1 "), 1);
    assert_non_null(strstr(out, "HTTP/1.1 400"));
    assert_true(closed);
    raw_exchange(f->port, both, out, sizeof(out), &closed);
    assert_int_equal(count_of(out, "HTTP/1.1 "), 1);
    assert_non_null(strstr(out, "Connection: close"));
    assert_true(closed);
    expect(f, "GET", "/subjects", NULL, NULL, 200, "[\"te\"]"); /* cl was never registered */
}

static void test_config_and_mode(void **state) {
    fx_t *f = *state;
    ready(f);
    expect(f, "GET", "/config", NULL, NULL, 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
    expect(f, "PUT", "/config", CT, "{\"compatibility\":\"full\"}", 200,
           "{\"compatibility\":\"FULL\"}");
    expect(f, "GET", "/config", NULL, NULL, 200, "{\"compatibilityLevel\":\"FULL\"}");
    expect(f, "GET", "/config/s", NULL, NULL, 404, "40408");
    expect(f, "GET", "/config/s?defaultToGlobal=true", NULL, NULL, 200, "FULL");
    expect(f, "PUT", "/config/s", CT, "{\"compatibility\":\"bogus\"}", 422, "42203");
    expect(f, "DELETE", "/config/s", NULL, NULL, 404, "40401");
    expect(f, "GET", "/mode", NULL, NULL, 200, "{\"mode\":\"READWRITE\"}");
    expect(f, "GET", "/mode/s", NULL, NULL, 404, "40409");
    expect(f, "PUT", "/mode/s", CT, "{\"mode\":\"nonsense\"}", 422, "42204");
    expect(f, "PUT", "/mode/s", CT, "{\"mode\":\"readonly\"}", 200, "{\"mode\":\"READONLY\"}");
    expect(f, "POST", "/subjects/s/versions", CT, "{\"schema\":\"1\"}", 422, "42205");
    expect(f, "DELETE", "/mode/s", NULL, NULL, 200, "READONLY");
    expect(f, "GET", "/contexts", NULL, NULL, 200, "[\".\"]");
}

/* Mutated bodies and paths (seeded, bounded): every answer is a status we know with a JSON
 * body, and the server keeps serving. */
static void test_mutated_requests(void **state) {
    static const char *const paths[] = {"/subjects/m/versions",
                                        "/subjects/m",
                                        "/compatibility/subjects/m/versions/latest",
                                        "/config/m",
                                        "/mode/m",
                                        "/subjects/m%2F%zz/versions"};
    static const char *const bodies[] = {
        "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"r\\\","
        "\\\"fields\\\":[]}\",\"references\":[{\"name\":\"a\",\"subject\":\"b\","
        "\"version\":1}]}",
        "{\"compatibility\":\"FULL\",\"normalize\":true}", "{\"mode\":\"READONLY\"}"};
    static const char *const methods[] = {"POST", "PUT", "DELETE", "GET"};
    fx_t *f = *state;
    unsigned seed = tu_seed();
    char body[512];
    srand(seed);
    ready(f);
    for (int i = 0; i < 400; i++) {
        tu_http_resp_t r;
        size_t len;
        const char *path = paths[rand() % 6], *method = methods[rand() % 4];
        snprintf(body, sizeof(body), "%s", bodies[rand() % 3]);
        len = strlen(body);
        for (int m = rand() % 5; m > 0; m--)
            body[rand() % len] = (char)(rand() % 256);
        if (rand() % 4 == 0)
            len = (size_t)rand() % len;
        assert_int_equal(tu_http(f->port, method, path, CT, body, len, &r), 0);
        if (r.status != 200 && (!strstr(r.body, "\"error_code\":") || r.status < 400))
            fail_msg("%s %s %.*s -> %d %s", method, path, (int)len, body, r.status, r.body);
        tu_http_resp_free(&r);
    }
    expect(f, "GET", "/", NULL, NULL, 200, "{}");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_readiness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_and_negotiation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_and_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_and_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_and_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_length_framing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mutated_requests, setup, teardown),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests_name("api over http", tests, NULL, NULL);
}
