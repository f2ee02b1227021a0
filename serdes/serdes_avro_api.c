/* SPDX-License-Identifier: Apache-2.0
 *
 * The Avro front end of the public API (<cairn/serdes_avro.h>) and the format dispatch of the
 * JSON calls of <cairn/serdes.h>: serialize avro-c values or Avro-JSON text (with the top-level
 * "bytes" quirk: such payloads are the raw bytes), deserialize into avro-c generic values or
 * JSON text. Owns nothing beyond each call.
 */
#include <cairn/serdes_avro.h>

#include <stdlib.h>
#include <string.h>

#include "serdes/serdes_api_int.h"
#include "serdes/serdes_avro_int.h"
#include "serdes/serdes_json_int.h"
#include "serdes/serdes_protobuf_int.h"

#define SERDES_STACK_OUT 2048

static cairn_err_t serdes_fail_edge(serdes_err_t *e, cairn_error_t *err) {
    return serdes_edge(e, err);
}

cairn_err_t cairn_avro_serializer_schema(cairn_serializer_t *ser, const char *topic,
                                         avro_schema_t *schema_out, cairn_error_t *err) {
    serdes_err_t e = {0};
    serdes_ser_entry_t *entry;
    if (!ser || !schema_out || ser->fmt->format != CAIRN_FORMAT_AVRO) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "an Avro serializer and output are required");
        return serdes_fail_edge(&e, err);
    }
    if (serdes_ser_resolve(ser, topic, &entry, &e) != CN_OK)
        return serdes_fail_edge(&e, err);
    /* Pinned: the schema stays alive as long as the serializer, whatever the caches evict. */
    if (serdes_ser_pin(ser, entry->writer) != CN_OK) {
        serdes_ser_entry_decref(entry);
        serdes_err_set(&e, CN_ERR_NO_MEMORY, NULL);
        return serdes_fail_edge(&e, err);
    }
    *schema_out = ((const serdes_avro_schema_t *)entry->writer->impl)->schema;
    serdes_ser_entry_decref(entry);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

static cn_err_t serdes_raw_bytes_out(cairn_serializer_t *ser, int32_t id, avro_value_t *value,
                                     void **out, size_t *out_len, serdes_err_t *err) {
    const void *buf = NULL;
    size_t size = 0;
    uint8_t *at;
    cn_err_t rc;
    if (avro_value_get_bytes(value, &buf, &size) != 0)
        return serdes_err_set(err, CN_ERR_PARSE, "the value is not bytes");
    rc = serdes_ser_output(ser, id, size, out, out_len, &at, err);
    if (rc == CN_OK && size)
        memcpy(at, buf, size);
    return rc;
}

/* Encode into the caller's buffer, or measure on the stack first and allocate exactly. */
static cn_err_t serdes_encode_out(cairn_serializer_t *ser, int32_t id, avro_value_t *value,
                                  void **out, size_t *out_len, serdes_err_t *err) {
    size_t hdr = serdes_ser_prefix_size(ser);
    uint8_t stack[SERDES_STACK_OUT], *at;
    size_t n = 0;
    cn_err_t rc;
    if (*out) {
        if (*out_len < hdr)
            rc = serdes_avro_encode(value, NULL, 0, &n, err);
        else
            rc = serdes_avro_encode(value, (uint8_t *)*out + hdr, *out_len - hdr, &n, err);
        if (rc == CN_ERR_SERDES_BUFFER_SIZE || (rc == CN_OK && *out_len < hdr)) {
            *out_len = hdr + n;
            return serdes_err_set(err, CN_ERR_SERDES_BUFFER_SIZE,
                                  "output buffer too small: %zu bytes needed", hdr + n);
        }
        if (rc == CN_OK && hdr)
            cairn_frame_write(*out, id);
        *out_len = hdr + n;
        return rc;
    }
    rc = serdes_avro_encode(value, stack, sizeof(stack), &n, err);
    if (rc != CN_OK && rc != CN_ERR_SERDES_BUFFER_SIZE)
        return rc;
    if ((rc = serdes_ser_output(ser, id, n, out, out_len, &at, err)) != CN_OK)
        return rc;
    if (n <= sizeof(stack))
        memcpy(at, stack, n);
    else
        rc = serdes_avro_encode(value, at, n, &n, err);
    if (rc != CN_OK) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* Values of the writer schema whose bytes must be in the target schema: encode, resolve into a
 * target value, and write that (use.latest.version / use.schema.id with a different schema). */
static cn_err_t serdes_translate(const serdes_ser_entry_t *e, avro_value_t *value,
                                 avro_value_t *out, serdes_err_t *err) {
    uint8_t stack[SERDES_STACK_OUT], *buf = stack;
    size_t n = 0;
    const serdes_avro_schema_t *t = e->target->impl;
    cn_err_t rc = serdes_avro_encode(value, stack, sizeof(stack), &n, err);
    if (rc == CN_ERR_SERDES_BUFFER_SIZE) {
        if (!(buf = malloc(n)))
            return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
        rc = serdes_avro_encode(value, buf, n, &n, err);
    }
    if (rc == CN_OK && avro_generic_value_new(t->iface, out) != 0) {
        out->iface = NULL;
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, "avro-c: %s", avro_strerror());
    }
    if (rc == CN_OK)
        rc = serdes_avro_decode(e->plan, buf, n, out, err);
    if (buf != stack)
        free(buf);
    return rc;
}

/* Write a value of the entry's writer schema, framed, in the schema the id names. */
static cn_err_t serdes_avro_write(cairn_serializer_t *ser, const serdes_ser_entry_t *e,
                                  avro_value_t *value, void **out, size_t *out_len,
                                  serdes_err_t *err) {
    avro_value_t tv = {0};
    const serdes_avro_schema_t *w = (e->target ? e->target : e->writer)->impl;
    cn_err_t rc = CN_OK;
    if (e->target) {
        rc = serdes_translate(e, value, &tv, err);
        value = &tv;
    }
    if (rc == CN_OK)
        rc = w->raw_bytes ? serdes_raw_bytes_out(ser, e->id, value, out, out_len, err)
                          : serdes_encode_out(ser, e->id, value, out, out_len, err);
    if (tv.iface)
        avro_value_decref(&tv);
    return rc;
}

static cn_err_t serdes_avro_ser(cairn_serializer_t *ser, const char *topic, avro_value_t *value,
                                void **out, size_t *out_len, cairn_header_t *hdr,
                                serdes_err_t *err) {
    serdes_ser_entry_t *entry;
    const serdes_avro_schema_t *w;
    avro_schema_t vs;
    cn_err_t rc = serdes_ser_resolve(ser, topic, &entry, err);
    if (rc != CN_OK)
        return rc;
    w = entry->writer->impl;
    vs = avro_value_get_schema(value);
    if (vs != w->schema && !avro_schema_equal(vs, w->schema))
        rc = serdes_err_set(err, CN_ERR_PARSE,
                            "the value's schema is not the serializer's writer schema (id %d)",
                            (int)entry->id);
    if (rc == CN_OK)
        rc = serdes_ser_header(ser, entry, hdr, err);
    if (rc == CN_OK)
        rc = serdes_avro_write(ser, entry, value, out, out_len, err);
    serdes_ser_entry_decref(entry);
    return rc;
}

cairn_err_t cairn_avro_serialize(cairn_serializer_t *ser, const char *topic, avro_value_t *value,
                                 void **out, size_t *out_len, cairn_error_t *err) {
    return cairn_avro_serialize_h(ser, topic, value, out, out_len, NULL, err);
}

cairn_err_t cairn_avro_serialize_h(cairn_serializer_t *ser, const char *topic, avro_value_t *value,
                                   void **out, size_t *out_len, cairn_header_t *hdr,
                                   cairn_error_t *err) {
    serdes_err_t e = {0};
    if (!ser || !value || !value->iface || !out || !out_len ||
        ser->fmt->format != CAIRN_FORMAT_AVRO) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT,
                       "an Avro serializer, a value and output pointers are required");
        return serdes_edge(&e, err);
    }
    if (serdes_avro_ser(ser, topic, value, out, out_len, hdr, &e) != CN_OK)
        return serdes_edge(&e, err);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

static cn_err_t serdes_avro_ser_json(cairn_serializer_t *ser, const char *topic, const char *json,
                                     size_t json_len, void **out, size_t *out_len,
                                     cairn_header_t *hdr, serdes_err_t *err) {
    serdes_ser_entry_t *entry;
    const serdes_avro_schema_t *w;
    avro_value_t v = {0};
    json_error_t jerr;
    json_t *j = json_loadb(json, json_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    cn_err_t rc;
    if (!j)
        return serdes_err_set(err, CN_ERR_PARSE, "not JSON: %s (line %d, column %d)", jerr.text,
                              jerr.line, jerr.column);
    rc = serdes_ser_resolve(ser, topic, &entry, err);
    if (rc != CN_OK) {
        json_decref(j);
        return rc;
    }
    w = entry->writer->impl;
    rc = serdes_ser_header(ser, entry, hdr, err);
    if (rc == CN_OK && avro_generic_value_new(w->iface, &v) != 0)
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, "avro-c: %s", avro_strerror());
    if (rc == CN_OK)
        rc = serdes_avro_from_json(w, w->schema, j, &v, false, err);
    if (rc == CN_OK)
        rc = serdes_avro_write(ser, entry, &v, out, out_len, err);
    if (v.iface)
        avro_value_decref(&v);
    json_decref(j);
    serdes_ser_entry_decref(entry);
    return rc;
}

cairn_err_t cairn_serialize_json(cairn_serializer_t *ser, const char *topic, const char *json,
                                 size_t json_len, void **out, size_t *out_len, cairn_error_t *err) {
    return cairn_serialize_json_h(ser, topic, json, json_len, out, out_len, NULL, err);
}

cairn_err_t cairn_serialize_json_h(cairn_serializer_t *ser, const char *topic, const char *json,
                                   size_t json_len, void **out, size_t *out_len,
                                   cairn_header_t *hdr, cairn_error_t *err) {
    serdes_err_t e = {0};
    cn_err_t rc;
    if (!ser || !json || !out || !out_len) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "serializer, JSON and output are required");
        return serdes_edge(&e, err);
    }
    switch (ser->fmt->format) {
    case CAIRN_FORMAT_JSON:
        rc = serdes_json_ser_text(ser, topic, json, json_len, out, out_len, hdr, &e);
        break;
    case CAIRN_FORMAT_AVRO:
        rc = serdes_avro_ser_json(ser, topic, json, json_len, out, out_len, hdr, &e);
        break;
    case CAIRN_FORMAT_PROTOBUF:
        rc = serdes_pb_ser_json(ser, topic, NULL, json, json_len, out, out_len, hdr, &e);
        break;
    default:
        rc = serdes_err_set(&e, CN_ERR_UNSUPPORTED, "format not built in");
    }
    if (rc != CN_OK)
        return serdes_edge(&e, err);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

/* ---- deserialize ---- */

/* The record's schema-id header value, or none. */
typedef struct serdes_hdr_in {
    const void *v;
    size_t len;
} serdes_hdr_in_t;

static cn_err_t serdes_avro_des(cairn_deserializer_t *des, const char *topic, const void *data,
                                size_t len, serdes_hdr_in_t h, avro_value_t *value, int32_t *id_out,
                                serdes_err_t *err) {
    serdes_des_entry_t *entry;
    const serdes_avro_schema_t *target;
    const uint8_t *payload;
    size_t plen;
    cn_err_t rc = serdes_des_prepare_h(des, topic, data, len, h.v, h.len, &entry, &payload, &plen,
                                       id_out, err);
    if (rc != CN_OK)
        return rc;
    target = entry->reader->impl;
    if (value->iface && avro_value_get_schema(value) != target->schema) {
        avro_value_decref(value);
        value->iface = NULL;
    }
    if (!value->iface && avro_generic_value_new(target->iface, value) != 0) {
        value->iface = NULL;
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, "avro-c: %s", avro_strerror());
    }
    if (rc == CN_OK)
        rc = serdes_avro_decode(entry->plan, payload, plen, value, err);
    serdes_des_entry_decref(entry);
    return rc;
}

cairn_err_t cairn_avro_deserialize(cairn_deserializer_t *des, const char *topic, const void *data,
                                   size_t len, avro_value_t *value, int32_t *id_out,
                                   cairn_error_t *err) {
    return cairn_avro_deserialize_h(des, topic, data, len, NULL, 0, value, id_out, err);
}

cairn_err_t cairn_avro_deserialize_h(cairn_deserializer_t *des, const char *topic, const void *data,
                                     size_t len, const void *hdr, size_t hdr_len,
                                     avro_value_t *value, int32_t *id_out, cairn_error_t *err) {
    serdes_err_t e = {0};
    if (id_out)
        *id_out = -1;
    if (!des || !value || des->fmt->format != CAIRN_FORMAT_AVRO) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT,
                       "an Avro deserializer and a value are required");
        return serdes_edge(&e, err);
    }
    if (len == 0 || !data) {
        serdes_edge_ok(err);
        return CAIRN_OK;
    }
    if (serdes_avro_des(des, topic, data, len, (serdes_hdr_in_t){hdr, hdr_len}, value, id_out,
                        &e) != CN_OK)
        return serdes_edge(&e, err);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

static cn_err_t serdes_avro_des_json(cairn_deserializer_t *des, const char *topic, const void *data,
                                     size_t len, serdes_hdr_in_t h, char **json_out,
                                     int32_t *id_out, serdes_err_t *err) {
    avro_value_t v = {0};
    json_t *j = NULL;
    cn_err_t rc = serdes_avro_des(des, topic, data, len, h, &v, id_out, err);
    if (rc == CN_OK)
        rc = serdes_avro_to_json(&v, &j, err);
    if (rc == CN_OK &&
        !(*json_out = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17))))
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    json_decref(j);
    if (v.iface)
        avro_value_decref(&v);
    return rc;
}

cairn_err_t cairn_deserialize_json(cairn_deserializer_t *des, const char *topic, const void *data,
                                   size_t len, char **json_out, int32_t *id_out,
                                   cairn_error_t *err) {
    return cairn_deserialize_json_h(des, topic, data, len, NULL, 0, json_out, id_out, err);
}

cairn_err_t cairn_deserialize_json_h(cairn_deserializer_t *des, const char *topic, const void *data,
                                     size_t len, const void *hdr, size_t hdr_len, char **json_out,
                                     int32_t *id_out, cairn_error_t *err) {
    serdes_err_t e = {0};
    cn_err_t rc;
    if (id_out)
        *id_out = -1;
    if (!des || !json_out) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "deserializer and output are required");
        return serdes_edge(&e, err);
    }
    *json_out = NULL;
    if (len == 0 || !data) {
        serdes_edge_ok(err);
        return CAIRN_OK;
    }
    switch (des->fmt->format) {
    case CAIRN_FORMAT_JSON:
        rc = serdes_json_des_text(des, topic, data, len, hdr, hdr_len, json_out, id_out, &e);
        break;
    case CAIRN_FORMAT_AVRO:
        rc = serdes_avro_des_json(des, topic, data, len, (serdes_hdr_in_t){hdr, hdr_len}, json_out,
                                  id_out, &e);
        break;
    case CAIRN_FORMAT_PROTOBUF:
        rc = serdes_pb_des_json(des, topic, data, len, hdr, hdr_len, json_out, id_out, &e);
        break;
    default:
        rc = serdes_err_set(&e, CN_ERR_UNSUPPORTED, "format not built in");
    }
    if (rc != CN_OK)
        return serdes_edge(&e, err);
    serdes_edge_ok(err);
    return CAIRN_OK;
}
