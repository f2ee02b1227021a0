/* SPDX-License-Identifier: Apache-2.0
 *
 * The JSON Schema front end of the public API (<cairn/serdes_json.h>) and the JSON Schema case
 * of the JSON-text calls of <cairn/serdes.h>: serialize Jansson values (dumped compact) or JSON
 * text (framed as given, outer whitespace trimmed), deserialize into Jansson values or the
 * payload's text (compacted, digits kept), validating against the schema of the framed id when
 * json.fail.invalid.schema is true. Owns nothing beyond each call.
 */
#include <cairn/serdes_json.h>

#include <stdlib.h>
#include <string.h>

#include "serdes/serdes_api_int.h"
#include "serdes/serdes_json_int.h"

#define SERDES_JSON_DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)
#define SERDES_JSON_STACK      2048

static const serdes_json_schema_t *serdes_json_writer(const serdes_ser_entry_t *e) {
    return e->writer->impl;
}

/* The entry for topic, checked to be a JSON Schema serializer's. */
static cn_err_t serdes_json_resolve(cairn_serializer_t *ser, const char *topic,
                                    serdes_ser_entry_t **entry, serdes_err_t *err) {
    if (!ser || ser->fmt->format != CAIRN_FORMAT_JSON)
        return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT, "a JSON Schema serializer is required");
    return serdes_ser_resolve(ser, topic, entry, err);
}

cairn_err_t cairn_json_serializer_schema(cairn_serializer_t *ser, const char *topic,
                                         const json_t **schema_out, cairn_error_t *err) {
    serdes_err_t e = {0};
    serdes_ser_entry_t *entry;
    if (!schema_out)
        return serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "output required"), serdes_edge(&e, err);
    if (serdes_json_resolve(ser, topic, &entry, &e) != CN_OK)
        return serdes_edge(&e, err);
    /* Pinned: the schema stays alive as long as the serializer, whatever the caches evict. */
    if (serdes_ser_pin(ser, entry->writer) != CN_OK) {
        serdes_ser_entry_decref(entry);
        return serdes_err_set(&e, CN_ERR_NO_MEMORY, NULL), serdes_edge(&e, err);
    }
    *schema_out = serdes_json_writer(entry)->root;
    serdes_ser_entry_decref(entry);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

cairn_serializer_t *cairn_json_serializer_new(cairn_serdes_t *sd, cairn_role_t role,
                                              const char *schema, const cairn_json_ref_t *refs,
                                              size_t n, cairn_error_t *err) {
    serdes_err_t e = {0};
    const serdes_format_t *fmt = serdes_json_format();
    serdes_schema_t *local = NULL;
    void *impl = NULL;
    if (!sd || !schema || (n && !refs) || (role != CAIRN_ROLE_KEY && role != CAIRN_ROLE_VALUE)) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "a handle, a role and a schema are required");
        serdes_edge(&e, err);
        return NULL;
    }
    if (serdes_json_compile_local(schema, strlen(schema), refs, n, &impl, &e) != CN_OK ||
        serdes_schema_new_impl(fmt, schema, strlen(schema), -1, impl, &local, &e) != CN_OK) {
        serdes_edge(&e, err);
        return NULL;
    }
    return serdes_ser_new(sd, fmt, role, local, err);
}

/* ---- serialize ---- */

/* Dump value framed into the caller's buffer, or exactly allocated (measured on the stack). */
static cn_err_t serdes_json_dump_out(cairn_serializer_t *ser, int32_t id, const json_t *value,
                                     void **out, size_t *out_len, serdes_err_t *err) {
    char stack[SERDES_JSON_STACK];
    uint8_t *at;
    size_t n = json_dumpb(value, stack, sizeof(stack), SERDES_JSON_DUMP_FLAGS);
    cn_err_t rc;
    if (n == 0)
        return serdes_err_set(err, CN_ERR_PARSE, "the value cannot be written as JSON");
    if ((rc = serdes_ser_output(ser, id, n, out, out_len, &at, err)) != CN_OK)
        return rc;
    if (n <= sizeof(stack))
        memcpy(at, stack, n);
    else if (json_dumpb(value, (char *)at, n, SERDES_JSON_DUMP_FLAGS) != n)
        rc = serdes_err_set(err, CN_ERR_INTERNAL, "the JSON dump changed size");
    return rc;
}

static cn_err_t serdes_json_ser(cairn_serializer_t *ser, const char *topic, const json_t *value,
                                void **out, size_t *out_len, cairn_header_t *hdr,
                                serdes_err_t *err) {
    serdes_ser_entry_t *entry;
    bool mine = !*out;
    cn_err_t rc = serdes_json_resolve(ser, topic, &entry, err);
    if (rc != CN_OK)
        return rc;
    rc = serdes_ser_header(ser, entry, hdr, err);
    if (rc == CN_OK)
        rc = serdes_json_check(&ser->sd->s, serdes_json_writer(entry), value, CN_ERR_PARSE, err);
    if (rc == CN_OK)
        rc = serdes_json_dump_out(ser, entry->id, value, out, out_len, err);
    if (rc != CN_OK && mine && *out) {
        free(*out);
        *out = NULL;
    }
    serdes_ser_entry_decref(entry);
    return rc;
}

cairn_err_t cairn_json_serialize(cairn_serializer_t *ser, const char *topic, const json_t *value,
                                 void **out, size_t *out_len, cairn_error_t *err) {
    return cairn_json_serialize_h(ser, topic, value, out, out_len, NULL, err);
}

cairn_err_t cairn_json_serialize_h(cairn_serializer_t *ser, const char *topic, const json_t *value,
                                   void **out, size_t *out_len, cairn_header_t *hdr,
                                   cairn_error_t *err) {
    serdes_err_t e = {0};
    if (!value || !out || !out_len) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "a value and output pointers are required");
        return serdes_edge(&e, err);
    }
    if (serdes_json_ser(ser, topic, value, out, out_len, hdr, &e) != CN_OK)
        return serdes_edge(&e, err);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

cn_err_t serdes_json_ser_text(cairn_serializer_t *ser, const char *topic, const char *json,
                              size_t json_len, void **out, size_t *out_len, cairn_header_t *hdr,
                              serdes_err_t *err) {
    serdes_ser_entry_t *entry;
    json_t *v = NULL;
    uint8_t *at;
    cn_err_t rc = serdes_json_parse(json, json_len, CN_ERR_PARSE, &v, err);
    if (rc != CN_OK)
        return rc;
    if ((rc = serdes_json_resolve(ser, topic, &entry, err)) != CN_OK) {
        json_decref(v);
        return rc;
    }
    rc = serdes_ser_header(ser, entry, hdr, err);
    if (rc == CN_OK)
        rc = serdes_json_check(&ser->sd->s, serdes_json_writer(entry), v, CN_ERR_PARSE, err);
    /* The caller's text goes out as written (numbers keep their digits); only the whitespace
     * around the document is dropped. */
    while (json_len && serdes_json_is_ws(*json))
        json++, json_len--;
    while (json_len && serdes_json_is_ws(json[json_len - 1]))
        json_len--;
    if (rc == CN_OK)
        rc = serdes_ser_output(ser, entry->id, json_len, out, out_len, &at, err);
    if (rc == CN_OK)
        memcpy(at, json, json_len);
    json_decref(v);
    serdes_ser_entry_decref(entry);
    return rc;
}

/* ---- deserialize ---- */

static cn_err_t serdes_json_des(cairn_deserializer_t *des, const char *topic, const void *data,
                                size_t len, const void *hdr, size_t hdr_len, json_t **value_out,
                                const uint8_t **payload, size_t *plen, int32_t *id_out,
                                serdes_err_t *err) {
    serdes_des_entry_t *entry;
    cn_err_t rc = serdes_des_prepare_h(des, topic, data, len, hdr, hdr_len, &entry, payload, plen,
                                       id_out, err);
    if (rc != CN_OK)
        return rc;
    rc = serdes_json_parse((const char *)*payload, *plen, CN_ERR_SERDES_PAYLOAD, value_out, err);
    if (rc == CN_OK)
        rc = serdes_json_check(&des->sd->s, entry->writer->impl, *value_out, CN_ERR_SERDES_PAYLOAD,
                               err);
    /* A reader schema (or the subject's latest with use.latest.version) is what the caller
     * expects: the value must conform to it as well. */
    if (rc == CN_OK && entry->reader != entry->writer &&
        (rc = serdes_json_check(&des->sd->s, entry->reader->impl, *value_out, CN_ERR_SERDES_PAYLOAD,
                                err)) != CN_OK)
        cn_error_prefix(&err->e, "reader schema");
    if (rc != CN_OK && *value_out) {
        json_decref(*value_out);
        *value_out = NULL;
    }
    if (rc != CN_OK && id_out && *id_out >= 0)
        cn_error_prefix(&err->e, "schema %d", (int)*id_out);
    serdes_des_entry_decref(entry);
    return rc;
}

cairn_err_t cairn_json_deserialize(cairn_deserializer_t *des, const char *topic, const void *data,
                                   size_t len, json_t **value_out, int32_t *id_out,
                                   cairn_error_t *err) {
    return cairn_json_deserialize_h(des, topic, data, len, NULL, 0, value_out, id_out, err);
}

cairn_err_t cairn_json_deserialize_h(cairn_deserializer_t *des, const char *topic, const void *data,
                                     size_t len, const void *hdr, size_t hdr_len,
                                     json_t **value_out, int32_t *id_out, cairn_error_t *err) {
    serdes_err_t e = {0};
    const uint8_t *payload;
    size_t plen;
    int32_t id = -1;
    if (id_out)
        *id_out = -1;
    if (!des || !value_out || des->fmt->format != CAIRN_FORMAT_JSON) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT,
                       "a JSON Schema deserializer and an output value are required");
        return serdes_edge(&e, err);
    }
    *value_out = NULL;
    if (len == 0 || !data) {
        serdes_edge_ok(err);
        return CAIRN_OK;
    }
    if (serdes_json_des(des, topic, data, len, hdr, hdr_len, value_out, &payload, &plen, &id, &e) !=
        CN_OK)
        return serdes_edge(&e, err);
    if (id_out)
        *id_out = id;
    serdes_edge_ok(err);
    return CAIRN_OK;
}

cn_err_t serdes_json_des_text(cairn_deserializer_t *des, const char *topic, const void *data,
                              size_t len, const void *hdr, size_t hdr_len, char **json_out,
                              int32_t *id_out, serdes_err_t *err) {
    const uint8_t *payload;
    size_t plen;
    json_t *v = NULL;
    cn_err_t rc =
        serdes_json_des(des, topic, data, len, hdr, hdr_len, &v, &payload, &plen, id_out, err);
    json_decref(v);
    if (rc != CN_OK)
        return rc;
    if (!(*json_out = malloc(plen + 1)))
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    serdes_json_compact((const char *)payload, plen, *json_out);
    return CN_OK;
}
