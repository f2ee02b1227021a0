/* SPDX-License-Identifier: Apache-2.0
 *
 * Helpers shared by the JSON Schema serdes test programs (header-only): one real cairnd on
 * loopback per program (cmocka group setup and teardown), serializer and deserializer makers,
 * the registry request count, and a Confluent frame around JSON text.
 */
#ifndef SERDES_JSON_TEST_UTIL_H
#define SERDES_JSON_TEST_UTIL_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>
#include <cairn/serdes_json.h>

#include "tests/support/http_client.h"
#include "tests/support/tu_cairnd.h"
#include "tests/unit/serdes/serdes_test_util.h"

#define ID_SCHEMA "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}"
#define ORDER                                                                                      \
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"shop.Order\","      \
    "\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"minimum\":1},"             \
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"id\"]}"

static tu_cairnd_t g_cairnd;
static char *g_dir, g_url[64];

static inline int setup(void **state) {
    (void)state;
    g_dir = tu_tmpdir("serdes-json");
    if (tu_cairnd_start(&g_cairnd, g_dir, 60000) != 0)
        return -1;
    snprintf(g_url, sizeof(g_url), "http://127.0.0.1:%d", g_cairnd.port);
    return 0;
}

static inline int teardown(void **state) {
    (void)state;
    tu_cairnd_stop(&g_cairnd, SIGTERM);
    tu_tmpdir_free(g_dir);
    return 0;
}

static inline int http_status(const char *method, const char *path) {
    tu_http_resp_t r;
    int status;
    assert_int_equal(tu_http(g_cairnd.port, method, path, NULL, NULL, 0, &r), 0);
    status = r.status;
    tu_http_resp_free(&r);
    return status;
}

static inline uint64_t requests(cairn_serdes_t *sd) {
    cairn_stats_t st;
    cairn_serdes_stats(sd, &st);
    return st.registry_requests;
}

static inline cairn_serializer_t *ser_new(cairn_serdes_t *sd, const char *schema) {
    cairn_error_t err;
    cairn_serializer_t *ser =
        cairn_serializer_new(sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, schema, &err);
    if (!ser)
        fail_msg("serializer: %s", err.msg);
    return ser;
}

static inline cairn_deserializer_t *des_new(cairn_serdes_t *sd) {
    cairn_error_t err;
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, NULL, &err);
    if (!des)
        fail_msg("deserializer: %s", err.msg);
    return des;
}

/* A frame of id around text, as another client would write it. */
static inline size_t frame(uint8_t *out, int32_t id, const char *text) {
    size_t n = strlen(text);
    cairn_frame_write(out, id);
    memcpy(out + CAIRN_FRAME_SIZE, text, n);
    return CAIRN_FRAME_SIZE + n;
}

#endif
