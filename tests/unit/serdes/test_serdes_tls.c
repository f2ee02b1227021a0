/* SPDX-License-Identifier: Apache-2.0
 *
 * TLS to the registry: the mock registry over HTTPS with a certificate made for the test
 * (openssl CLI, EC P-256, SAN DNS:localhost). Covers ssl.ca.location, verification on and off
 * (enable.ssl.certificate.verification), host name checking
 * (ssl.endpoint.identification.algorithm) and the client certificate and key options.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>

#include "tests/unit/serdes/serdes_test_util.h"

#define PAY                                                                                        \
    "{\"type\":\"record\",\"name\":\"Pay\",\"fields\":[{\"name\":\"amt\",\"type\":\"long\"}]}"

typedef struct fx {
    char *dir;
    char cert[512], key[512];
    mock_registry_t *mr;
    char ip_url[128];
} fx_t;

static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    char *buf = calloc(1, 65536);
    if (!f || !buf)
        fail_msg("cannot read %s", path);
    buf[fread(buf, 1, 65535, f)] = '\0';
    fclose(f);
    return buf;
}

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    char cmd[2048], *cert, *key;
    f->dir = tu_tmpdir("serdes-tls");
    snprintf(f->cert, sizeof(f->cert), "%s/cert.pem", f->dir);
    snprintf(f->key, sizeof(f->key), "%s/key.pem", f->dir);
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout %s -out %s -days 2 -subj /CN=localhost -addext "
             "subjectAltName=DNS:localhost >/dev/null 2>&1",
             f->key, f->cert);
    if (system(cmd) != 0) {
        tu_tmpdir_free(f->dir);
        free(f);
        skip(); /* no openssl CLI */
    }
    cert = slurp(f->cert);
    key = slurp(f->key);
    f->mr = mr_start_tls(cert, key, "localhost");
    free(cert);
    free(key);
    assert_non_null(f->mr);
    snprintf(f->ip_url, sizeof(f->ip_url), "https://127.0.0.1:%d", mr_port(f->mr));
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    mr_stop(f->mr);
    tu_tmpdir_free(f->dir);
    free(f);
    return 0;
}

static cairn_err_t reg(cairn_serdes_t *sd, cairn_error_t *err) {
    int32_t id;
    cairn_err_t rc = cairn_schema_register(sd, "tls", CAIRN_FORMAT_AVRO, PAY, false, &id, err);
    cairn_serdes_free(sd);
    return rc;
}

static void test_tls_ca_and_verification(void **state) {
    fx_t *f = *state;
    cairn_error_t err;
    /* Our CA: verified. */
    assert_int_equal(
        reg(st_handle(mr_url(f->mr), "max.retries", "0", "ssl.ca.location", f->cert, NULL), &err),
        CAIRN_OK);
    /* The system CAs do not know the certificate. */
    assert_int_equal(reg(st_handle(mr_url(f->mr), "max.retries", "0", NULL), &err),
                     CAIRN_ERR_TRANSPORT);
    assert_non_null(strstr(err.msg, "ertificate"));
    /* Verification off. */
    assert_int_equal(reg(st_handle(mr_url(f->mr), "max.retries", "0",
                                   "enable.ssl.certificate.verification", "false", NULL),
                         &err),
                     CAIRN_OK);
}

static void test_tls_host_name(void **state) {
    fx_t *f = *state;
    cairn_error_t err;
    /* The certificate names localhost, not 127.0.0.1. */
    assert_int_equal(
        reg(st_handle(f->ip_url, "max.retries", "0", "ssl.ca.location", f->cert, NULL), &err),
        CAIRN_ERR_TRANSPORT);
    assert_int_equal(reg(st_handle(f->ip_url, "max.retries", "0", "ssl.ca.location", f->cert,
                                   "ssl.endpoint.identification.algorithm", "none", NULL),
                         &err),
                     CAIRN_OK);
}

static void test_tls_client_certificate(void **state) {
    fx_t *f = *state;
    cairn_error_t err;
    char missing[600];
    assert_int_equal(
        reg(st_handle(mr_url(f->mr), "max.retries", "0", "ssl.ca.location", f->cert,
                      "ssl.certificate.location", f->cert, "ssl.key.location", f->key, NULL),
            &err),
        CAIRN_OK);
    snprintf(missing, sizeof(missing), "%s/none.pem", f->dir);
    assert_int_equal(
        reg(st_handle(mr_url(f->mr), "max.retries", "0", "ssl.ca.location", f->cert,
                      "ssl.certificate.location", f->cert, "ssl.key.location", missing, NULL),
            &err),
        CAIRN_ERR_TRANSPORT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tls_ca_and_verification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls_host_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls_client_certificate, setup, teardown),
    };
    return cmocka_run_group_tests_name("serdes_tls", tests, NULL, NULL);
}
