/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema ids in record headers (Confluent 8.x) for JSON Schema and Protobuf through
 * libcairn-serdes against a real cairnd on a loopback port: with schema.id.serializer=header the
 * payload is bare and __value_schema_id is 0x01 + the GUID cairnd gives for the schema (Protobuf:
 * then the message indexes, as Confluent's SchemaId.guidToBytes writes them); the dual
 * deserializers read that header (and 0x00 + id + indexes for Protobuf), the payload prefix
 * without one, and refuse a header whose message indexes are missing.
 */
#include "tests/support/test_util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>
#include <cairn/serdes_json.h>
#include <cairn/serdes_protobuf.h>

#include "serdes_pb/shop.pb-c.h"
#include "tests/support/http_client.h"
#include "tests/support/tu_cairnd.h"
#include "tests/unit/serdes/serdes_test_util.h"

#define JSON_SCHEMA                                                                                \
    "{\"type\":\"object\",\"properties\":{\"amt\":{\"type\":\"integer\"}},\"required\":[\"amt\"]}"
/* Ping is the second message: indexes [1], written 02 02 (count 1, index 1, zigzag varints). */
#define PB_SCHEMA                                                                                  \
    "syntax = \"proto3\";\npackage shop;\n\nmessage Other {\n  int32 n = 1;\n}\n\nmessage Ping "   \
    "{\n  string text = 1;\n}\n"

typedef struct fx {
    tu_cairnd_t c;
    char *dir;
    char url[64];
} fx_t;

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    f->dir = tu_tmpdir("serdes-header-fmt");
    if (tu_cairnd_start(&f->c, f->dir, 60000) != 0)
        return -1;
    snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d", f->c.port);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    tu_cairnd_stop(&f->c, SIGTERM);
    tu_tmpdir_free(f->dir);
    free(f);
    return 0;
}

/* The 16 GUID bytes cairnd answers for schema id (GET /schemas/ids/{id}). */
static void guid_of(const fx_t *f, int32_t id, uint8_t guid[16]) {
    tu_http_resp_t r;
    char path[64];
    json_t *j;
    const char *g;
    size_t o = 0;
    snprintf(path, sizeof(path), "/schemas/ids/%d", (int)id);
    assert_int_equal(tu_http(f->c.port, "GET", path, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    j = json_loadb(r.body, r.body_len, 0, NULL);
    assert_non_null(j);
    g = json_string_value(json_object_get(j, "guid"));
    assert_non_null(g);
    assert_int_equal(strlen(g), 36);
    for (size_t i = 0; i < 36; i++)
        if (g[i] != '-') {
            assert_int_equal(sscanf(g + i, "%2hhx", &guid[o++]), 1);
            i++;
        }
    assert_int_equal(o, 16);
    json_decref(j);
    tu_http_resp_free(&r);
}

/* The id in a classic prefix from a prefix-mode serialization of the same value. */
static int32_t prefix_id(const void *buf) {
    const uint8_t *b = buf;
    return (int32_t)((uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4]);
}

/* ---- JSON Schema ---- */

static void test_json_header_round_trip(void **state) {
    fx_t *f = *state;
    cairn_serdes_t *sd = st_handle(f->url, "value.schema.id.serializer", "header", NULL);
    cairn_serdes_t *plain = st_handle(f->url, NULL);
    cairn_serializer_t *ser =
        cairn_serializer_new(sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, JSON_SCHEMA, NULL);
    cairn_serializer_t *pser =
        cairn_serializer_new(plain, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, JSON_SCHEMA, NULL);
    cairn_deserializer_t *des =
        cairn_deserializer_new(plain, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, NULL, NULL);
    cairn_header_t hdr, hdr2;
    cairn_error_t err;
    uint8_t guid[16];
    void *buf = NULL, *pbuf = NULL, *vbuf = NULL;
    size_t len, plen, vlen;
    char *json = NULL;
    json_t *v = NULL, *in = json_pack("{s:i}", "amt", 42);
    int32_t id = 0;
    assert_non_null(ser);
    assert_non_null(des);
    if (cairn_serialize_json_h(ser, "jt", " {\"amt\": 42} ", 13, &buf, &len, &hdr, &err) !=
        CAIRN_OK)
        fail_msg("serialize: %s", err.msg);
    /* the bare text (outer whitespace dropped), the GUID in the header */
    assert_int_equal(len, 11);
    assert_memory_equal(buf, "{\"amt\": 42}", 11);
    assert_string_equal(hdr.name, "__value_schema_id");
    assert_int_equal(hdr.len, 17);
    assert_int_equal(hdr.value[0], 0x01);
    assert_int_equal(cairn_serialize_json(pser, "jt", "{\"amt\":42}", 10, &pbuf, &plen, &err),
                     CAIRN_OK);
    guid_of(f, prefix_id(pbuf), guid);
    assert_memory_equal(hdr.value + 1, guid, 16);
    /* the Jansson call: the same header, compact text */
    assert_int_equal(cairn_json_serialize_h(ser, "jt", in, &vbuf, &vlen, &hdr2, &err), CAIRN_OK);
    assert_int_equal(hdr2.len, 17);
    assert_memory_equal(hdr2.value, hdr.value, 17);
    assert_int_equal(vlen, 10);
    assert_memory_equal(vbuf, "{\"amt\":42}", 10);
    /* read back by the header (GUID: id -1), and from the prefix without one */
    assert_int_equal(
        cairn_deserialize_json_h(des, "jt", buf, len, hdr.value, hdr.len, &json, &id, &err),
        CAIRN_OK);
    assert_string_equal(json, "{\"amt\":42}");
    assert_int_equal(id, -1);
    cairn_free(json);
    assert_int_equal(
        cairn_json_deserialize_h(des, "jt", vbuf, vlen, hdr.value, hdr.len, &v, &id, &err),
        CAIRN_OK);
    assert_int_equal(json_integer_value(json_object_get(v, "amt")), 42);
    json_decref(v);
    assert_int_equal(cairn_json_deserialize_h(des, "jt", pbuf, plen, NULL, 0, &v, &id, &err),
                     CAIRN_OK);
    assert_int_equal(id, prefix_id(pbuf));
    json_decref(v);
    /* the header names the schema: a value that breaks it is refused */
    assert_int_equal(
        cairn_deserialize_json_h(des, "jt", "{\"x\":1}", 7, hdr.value, hdr.len, &json, &id, &err),
        CAIRN_ERR_PAYLOAD);
    assert_null(json);
    /* the plain calls would lose the id in header mode */
    assert_int_equal(cairn_json_serialize(ser, "jt", in, &vbuf, &vlen, &err),
                     CAIRN_ERR_INVALID_ARG);
    json_decref(in);
    cairn_free(buf);
    cairn_free(pbuf);
    cairn_free(vbuf);
    cairn_deserializer_free(des);
    cairn_serializer_free(pser);
    cairn_serializer_free(ser);
    cairn_serdes_free(plain);
    cairn_serdes_free(sd);
}

/* ---- Protobuf ---- */

typedef struct pb_fx {
    cairn_serdes_t *sd, *plain;
    cairn_serializer_t *ser;
    cairn_deserializer_t *des;
    uint8_t guid[16];
    int32_t id;
} pb_fx_t;

static void pb_open(const fx_t *f, pb_fx_t *p) {
    cairn_protobuf_file_t file = {.name = "ping.proto", .text = PB_SCHEMA};
    cairn_error_t err;
    p->sd = st_handle(f->url, "value.schema.id.serializer", "header", NULL);
    p->plain = st_handle(f->url, NULL);
    p->ser = cairn_protobuf_serializer_new(p->sd, CAIRN_ROLE_VALUE, &file, 1, &err);
    if (!p->ser)
        fail_msg("serializer: %s", err.msg);
    p->des = cairn_deserializer_new(p->plain, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, NULL);
    assert_non_null(p->des);
    assert_int_equal(cairn_serializer_prepare(p->ser, "pt", &p->id, &err), CAIRN_OK);
    guid_of(f, p->id, p->guid);
}

static void pb_close(pb_fx_t *p) {
    cairn_deserializer_free(p->des);
    cairn_serializer_free(p->ser);
    cairn_serdes_free(p->plain);
    cairn_serdes_free(p->sd);
}

static void test_protobuf_header_round_trip(void **state) {
    pb_fx_t p;
    Shop__Ping ping = SHOP__PING__INIT;
    ProtobufCMessage *back = NULL;
    cairn_header_t hdr, jhdr;
    cairn_error_t err;
    uint8_t raw[32];
    void *buf = NULL, *jbuf = NULL;
    size_t len, jlen, rlen;
    char *json = NULL;
    int32_t id = 0;
    pb_open(*state, &p);
    ping.text = "hi";
    rlen = protobuf_c_message_pack(&ping.base, raw);
    if (cairn_protobuf_serialize_h(p.ser, "pt", &ping.base, &buf, &len, &hdr, &err) != CAIRN_OK)
        fail_msg("serialize: %s", err.msg);
    /* payload: exactly protobuf-c's bytes; header: 01 GUID 02 02 */
    assert_int_equal(len, rlen);
    assert_memory_equal(buf, raw, rlen);
    assert_string_equal(hdr.name, "__value_schema_id");
    assert_int_equal(hdr.len, 19);
    assert_int_equal(hdr.value[0], 0x01);
    assert_memory_equal(hdr.value + 1, p.guid, 16);
    assert_memory_equal(hdr.value + 17, "\x02\x02", 2);
    /* the JSON call writes the same bytes */
    assert_int_equal(cairn_protobuf_serialize_json_h(p.ser, "pt", "shop.Ping", "{\"text\":\"hi\"}",
                                                     13, &jbuf, &jlen, &jhdr, &err),
                     CAIRN_OK);
    assert_int_equal(jhdr.len, hdr.len);
    assert_memory_equal(jhdr.value, hdr.value, hdr.len);
    assert_int_equal(jlen, len);
    assert_memory_equal(jbuf, buf, len);
    /* read back with the indexes from the header */
    assert_int_equal(cairn_protobuf_deserialize_h(p.des, "pt", buf, len, hdr.value, hdr.len,
                                                  &shop__ping__descriptor, NULL, &back, &id, &err),
                     CAIRN_OK);
    assert_string_equal(((Shop__Ping *)back)->text, "hi");
    assert_int_equal(id, -1);
    protobuf_c_message_free_unpacked(back, NULL);
    assert_int_equal(
        cairn_deserialize_json_h(p.des, "pt", buf, len, hdr.value, hdr.len, &json, &id, &err),
        CAIRN_OK);
    st_assert_json(json, "{\"text\":\"hi\"}");
    cairn_free(json);
    /* the plain call would lose the id */
    cairn_free(jbuf);
    jbuf = NULL;
    assert_int_equal(cairn_protobuf_serialize(p.ser, "pt", &ping.base, &jbuf, &jlen, &err),
                     CAIRN_ERR_INVALID_ARG);
    assert_null(jbuf);
    cairn_free(buf);
    pb_close(&p);
}

/* The first message's indexes are the single byte 00; a 0x00 + id header carries indexes too
 * (Confluent's SchemaId.fromBytes); a header without them is refused. */
static void test_protobuf_header_forms(void **state) {
    pb_fx_t p;
    cairn_header_t hdr;
    cairn_error_t err;
    uint8_t idh[8] = {0x00};
    void *buf = NULL;
    size_t len;
    char *json = NULL;
    int32_t id = 0;
    pb_open(*state, &p);
    assert_int_equal(
        cairn_protobuf_serialize_json_h(p.ser, "pt", NULL, "{\"n\":5}", 7, &buf, &len, &hdr, &err),
        CAIRN_OK);
    assert_int_equal(hdr.len, 18);
    assert_int_equal(hdr.value[17], 0x00);
    assert_int_equal(len, 2); /* field 1 varint 5: 08 05 */
    assert_memory_equal(buf, "\x08\x05", 2);
    idh[1] = (uint8_t)(p.id >> 24);
    idh[2] = (uint8_t)(p.id >> 16);
    idh[3] = (uint8_t)(p.id >> 8);
    idh[4] = (uint8_t)p.id;
    assert_int_equal(cairn_deserialize_json_h(p.des, "pt", buf, len, idh, 6, &json, &id, &err),
                     CAIRN_OK);
    st_assert_json(json, "{\"n\":5}");
    assert_int_equal(id, p.id);
    cairn_free(json);
    /* 0x00 + id + [1]: the payload is read as a Ping */
    idh[5] = 0x02;
    idh[6] = 0x02;
    assert_int_equal(
        cairn_deserialize_json_h(p.des, "pt", "\x0a\x02hi", 4, idh, 7, &json, &id, &err), CAIRN_OK);
    st_assert_json(json, "{\"text\":\"hi\"}");
    cairn_free(json);
    /* GUID without indexes, or indexes naming no message */
    assert_int_equal(
        cairn_deserialize_json_h(p.des, "pt", buf, len, hdr.value, 17, &json, &id, &err),
        CAIRN_ERR_PAYLOAD);
    assert_null(json);
    hdr.value[17] = 0x02;
    hdr.value[18] = 0x0e; /* [7] */
    assert_int_equal(
        cairn_deserialize_json_h(p.des, "pt", buf, len, hdr.value, 19, &json, &id, &err),
        CAIRN_ERR_PAYLOAD);
    assert_non_null(strstr(err.msg, "no message"));
    cairn_free(buf);
    pb_close(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_header_round_trip),
        cmocka_unit_test(test_protobuf_header_round_trip),
        cmocka_unit_test(test_protobuf_header_forms),
    };
    return cmocka_run_group_tests_name("serdes schema id headers (JSON Schema, Protobuf)", tests,
                                       setup, teardown);
}
