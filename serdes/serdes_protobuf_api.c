/* SPDX-License-Identifier: Apache-2.0
 *
 * The Protobuf front end of the public API (<cairn/serdes_protobuf.h>) and Protobuf's part of
 * the JSON calls of <cairn/serdes.h>: serialize protobuf-c messages (frame, message indexes of
 * the message's type in the writer schema, protobuf_c_message_pack) and JSON text (encoded
 * against the schema's descriptors); deserialize into protobuf-c messages or, with descriptors
 * built at run time from the registry's schema, into proto3 JSON. Owns nothing beyond each call.
 */
#include <cairn/serdes_protobuf.h>

#include <stdlib.h>
#include <string.h>

#include "serdes/serdes_api_int.h"
#include "serdes/serdes_protobuf_int.h"

cairn_serializer_t *cairn_protobuf_serializer_new(cairn_serdes_t *sd, cairn_role_t role,
                                                  const cairn_protobuf_file_t *files, size_t n,
                                                  cairn_error_t *err) {
    serdes_err_t e = {0};
    serdes_pb_schema_t *impl = NULL;
    serdes_schema_t *local = NULL;
    const serdes_format_t *fmt = serdes_protobuf_format();
    if (!sd || !files || n == 0 || !files[0].text ||
        (role != CAIRN_ROLE_KEY && role != CAIRN_ROLE_VALUE)) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "a handle, a role and files[0] are required");
        serdes_edge(&e, err);
        return NULL;
    }
    if (serdes_pb_compile_local(files[0].text, strlen(files[0].text),
                                (const serdes_pb_source_t *)(files + 1), n - 1, &impl,
                                &e) != CN_OK ||
        serdes_schema_new_impl(fmt, files[0].text, strlen(files[0].text), -1, impl, &local, &e) !=
            CN_OK) {
        serdes_edge(&e, err);
        return NULL;
    }
    return serdes_ser_new(sd, fmt, role, local, err);
}

/* The message-index bytes of msg's type in the writer schema: computed on the first message of
 * a type and kept in one of the schema's slots (published once, read without a lock). */
static cn_err_t serdes_pb_msg_indexes(serdes_pb_schema_t *w, const ProtobufCMessage *msg,
                                      const serdes_pb_idx_t **out, serdes_pb_idx_t *tmp,
                                      serdes_err_t *err) {
    int32_t path[SERDES_PB_MAX_DEPTH];
    serdes_pb_idx_t *node, *empty = NULL;
    size_t n;
    for (size_t i = 0; i < SERDES_PB_IDX_SLOTS; i++) {
        node = atomic_load_explicit(&w->idx[i], memory_order_acquire);
        if (node && node->desc == msg->descriptor) {
            *out = node;
            return CN_OK;
        }
    }
    if (serdes_pb_path_of(w, msg->descriptor->name, path, SERDES_PB_MAX_DEPTH, &n) != CN_OK)
        return serdes_err_set(err, CN_ERR_PARSE, "the schema has no message %s",
                              msg->descriptor->name);
    tmp->desc = msg->descriptor;
    serdes_pb_indexes_write(path, n, false, tmp->bytes, sizeof(tmp->bytes), &tmp->len);
    serdes_pb_indexes_write(path, n, true, tmp->old, sizeof(tmp->old), &tmp->old_len);
    *out = tmp;
    if (!(node = malloc(sizeof(*node))))
        return CN_OK;
    *node = *tmp;
    for (size_t i = 0; i < SERDES_PB_IDX_SLOTS; i++)
        if (atomic_compare_exchange_strong(&w->idx[i], &empty, node)) {
            *out = node;
            return CN_OK;
        } else {
            empty = NULL;
        }
    free(node); /* every slot taken: this type's bytes are computed per message */
    return CN_OK;
}

/* Header mode (Confluent 8.x's HeaderSchemaIdSerializer): the message indexes go into the
 * header after the GUID, as Confluent's SchemaId.guidToBytes writes them, and the payload is the
 * bare message; *ilen becomes 0. Prefix mode (hdr NULL or hdr->name NULL): nothing to do. */
static cn_err_t serdes_pb_header_idx(cairn_header_t *hdr, const uint8_t *idx, size_t *ilen,
                                     serdes_err_t *err) {
    if (!hdr || !hdr->name)
        return CN_OK;
    if (hdr->len + *ilen > sizeof(hdr->value))
        return serdes_err_set(err, CN_ERR_UNSUPPORTED,
                              "the message indexes (%zu bytes) do not fit the %d-byte schema id "
                              "header",
                              *ilen, CAIRN_HEADER_VALUE_MAX);
    memcpy(hdr->value + hdr->len, idx, *ilen);
    hdr->len += *ilen;
    *ilen = 0;
    return CN_OK;
}

static cn_err_t serdes_pb_ser(cairn_serializer_t *ser, const char *topic,
                              const ProtobufCMessage *msg, void **out, size_t *out_len,
                              cairn_header_t *hdr, serdes_err_t *err) {
    serdes_ser_entry_t *entry;
    serdes_pb_idx_t tmp;
    const serdes_pb_idx_t *idx = NULL;
    bool old = ser->sd->s.pb_deprecated;
    uint8_t *at;
    size_t size, ilen;
    /* The record strategies name the message being serialized, as Java and Python do. */
    serdes_strategy_t st = ser->sd->s.strategy[ser->role];
    bool by_record = st == SERDES_STRATEGY_RECORD || st == SERDES_STRATEGY_TOPIC_RECORD ||
                     st == SERDES_STRATEGY_CALLBACK;
    cn_err_t rc =
        serdes_ser_resolve_rec(ser, topic, by_record ? msg->descriptor->name : NULL, &entry, err);
    if (rc != CN_OK)
        return rc;
    rc = serdes_pb_msg_indexes(entry->writer->impl, msg, &idx, &tmp, err);
    size = protobuf_c_message_get_packed_size(msg);
    ilen = rc == CN_OK ? (old ? idx->old_len : idx->len) : 0;
    if (rc == CN_OK)
        rc = serdes_ser_header(ser, entry, hdr, err);
    if (rc == CN_OK)
        rc = serdes_pb_header_idx(hdr, old ? idx->old : idx->bytes, &ilen, err);
    if (rc == CN_OK)
        rc = serdes_ser_output(ser, entry->id, ilen + size, out, out_len, &at, err);
    if (rc == CN_OK) {
        memcpy(at, old ? idx->old : idx->bytes, ilen);
        protobuf_c_message_pack(msg, at + ilen);
    }
    serdes_ser_entry_decref(entry);
    return rc;
}

cairn_err_t cairn_protobuf_serialize(cairn_serializer_t *ser, const char *topic,
                                     const ProtobufCMessage *msg, void **out, size_t *out_len,
                                     cairn_error_t *err) {
    return cairn_protobuf_serialize_h(ser, topic, msg, out, out_len, NULL, err);
}

cairn_err_t cairn_protobuf_serialize_h(cairn_serializer_t *ser, const char *topic,
                                       const ProtobufCMessage *msg, void **out, size_t *out_len,
                                       cairn_header_t *hdr, cairn_error_t *err) {
    serdes_err_t e = {0};
    if (!ser || !msg || !msg->descriptor || !out || !out_len ||
        ser->fmt->format != CAIRN_FORMAT_PROTOBUF) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT,
                       "a Protobuf serializer, a message and output pointers are required");
        return serdes_edge(&e, err);
    }
    if (serdes_pb_ser(ser, topic, msg, out, out_len, hdr, &e) != CN_OK)
        return serdes_edge(&e, err);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

/* ---- deserialize ---- */

/* The record's schema-id header value, or none; or where the message indexes are. */
typedef struct serdes_pb_hdr {
    const uint8_t *v;
    size_t len;
    bool in_header; /* the indexes: in the header (the payload is the bare message) */
} serdes_pb_hdr_t;

/* Frame (or header), entry and message indexes: the message type (in the writer schema) and its
 * bytes. A header read in dual mode carries the indexes after its 0x01 + GUID or 0x00 + id (as
 * Confluent's SchemaId.fromBytes reads them) and the payload is the bare message. */
static cn_err_t serdes_pb_locate(cairn_deserializer_t *des, const char *topic, const void *data,
                                 size_t len, serdes_pb_hdr_t h, serdes_des_entry_t **entry,
                                 const uint8_t **payload, size_t *plen, serdes_pb_hdr_t *idx,
                                 int32_t *id_out, serdes_err_t *err) {
    bool use_hdr = des->sd->s.id_dual[des->role] && h.v && h.len;
    size_t id_len = use_hdr && h.v[0] == CAIRN_MAGIC_V1 ? 1 + CAIRN_GUID_SIZE : CAIRN_FRAME_SIZE;
    size_t parse_len = use_hdr && h.v[0] == CAIRN_MAGIC_V0 && h.len > id_len ? id_len : h.len;
    cn_err_t rc = serdes_des_prepare_h(des, topic, data, len, h.v, parse_len, entry, payload, plen,
                                       id_out, err);
    if (rc != CN_OK)
        return rc;
    *idx = use_hdr ? (serdes_pb_hdr_t){h.v + id_len, h.len - id_len, true}
                   : (serdes_pb_hdr_t){*payload, *plen, false};
    return CN_OK;
}

static cn_err_t serdes_pb_prepare(cairn_deserializer_t *des, const char *topic, const void *data,
                                  size_t len, serdes_pb_hdr_t h, serdes_des_entry_t **entry,
                                  const Google__Protobuf__DescriptorProto **m, char *fqn,
                                  size_t cap, const uint8_t **body, size_t *blen, int32_t *id_out,
                                  serdes_err_t *err) {
    int32_t path[SERDES_PB_MAX_INDEXES];
    const uint8_t *payload;
    serdes_pb_hdr_t idx;
    size_t plen, n, used;
    cn_err_t rc =
        serdes_pb_locate(des, topic, data, len, h, entry, &payload, &plen, &idx, id_out, err);
    if (rc != CN_OK)
        return rc;
    rc = serdes_pb_indexes_read(idx.v, idx.len, des->sd->s.pb_deprecated, path,
                                SERDES_PB_MAX_INDEXES, &n, &used, err);
    if (rc == CN_OK && !(*m = serdes_pb_at((*entry)->writer->impl, path, n)))
        rc = serdes_err_set(err, CN_ERR_SERDES_PAYLOAD,
                            "message indexes name no message of schema %d",
                            (int)(*entry)->writer->id);
    if (rc == CN_OK && fqn) {
        const serdes_pb_schema_t *w = (*entry)->writer->impl;
        const char *pkg = w->files[w->root].fd->package;
        size_t o = (size_t)snprintf(fqn, cap, "%s%s", pkg && *pkg ? "." : "", pkg ? pkg : "");
        const Google__Protobuf__DescriptorProto *cur = NULL;
        for (size_t i = 0; i < n && o < cap; i++) {
            cur = i == 0 ? serdes_pb_at(w, path, 1) : cur->nested_type[path[i]];
            o += (size_t)snprintf(fqn + o, cap - o, ".%s", cur->name);
        }
    }
    if (rc != CN_OK) {
        serdes_des_entry_decref(*entry);
        return rc;
    }
    if (idx.in_header)
        used = 0;
    *body = payload + used;
    *blen = plen - used;
    return CN_OK;
}

cairn_err_t cairn_protobuf_deserialize(cairn_deserializer_t *des, const char *topic,
                                       const void *data, size_t len,
                                       const ProtobufCMessageDescriptor *desc,
                                       ProtobufCAllocator *allocator, ProtobufCMessage **msg_out,
                                       int32_t *id_out, cairn_error_t *err) {
    return cairn_protobuf_deserialize_h(des, topic, data, len, NULL, 0, desc, allocator, msg_out,
                                        id_out, err);
}

cairn_err_t cairn_protobuf_deserialize_h(cairn_deserializer_t *des, const char *topic,
                                         const void *data, size_t len, const void *hdr,
                                         size_t hdr_len, const ProtobufCMessageDescriptor *desc,
                                         ProtobufCAllocator *allocator, ProtobufCMessage **msg_out,
                                         int32_t *id_out, cairn_error_t *err) {
    serdes_err_t e = {0};
    serdes_des_entry_t *entry;
    const Google__Protobuf__DescriptorProto *m;
    const uint8_t *body;
    size_t blen;
    if (id_out)
        *id_out = -1;
    if (!des || !desc || !msg_out || des->fmt->format != CAIRN_FORMAT_PROTOBUF) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT,
                       "a Protobuf deserializer, a descriptor and an output are required");
        return serdes_edge(&e, err);
    }
    *msg_out = NULL;
    if (len == 0 || !data) {
        serdes_edge_ok(err);
        return CAIRN_OK;
    }
    if (serdes_pb_prepare(des, topic, data, len, (serdes_pb_hdr_t){hdr, hdr_len, false}, &entry, &m,
                          NULL, 0, &body, &blen, id_out, &e) != CN_OK)
        return serdes_edge(&e, err);
    serdes_des_entry_decref(entry);
    if (!(*msg_out = protobuf_c_message_unpack(desc, allocator, blen, body))) {
        serdes_err_set(&e, CN_ERR_SERDES_PAYLOAD, "the payload is not a valid %s", desc->name);
        return serdes_edge(&e, err);
    }
    serdes_edge_ok(err);
    return CAIRN_OK;
}

cn_err_t serdes_pb_des_json(cairn_deserializer_t *des, const char *topic, const void *data,
                            size_t len, const void *hdr, size_t hdr_len, char **json_out,
                            int32_t *id_out, serdes_err_t *err) {
    serdes_des_entry_t *entry;
    const Google__Protobuf__DescriptorProto *m;
    const uint8_t *body;
    size_t blen;
    char fqn[1024];
    json_t *j = NULL;
    cn_err_t rc = serdes_pb_prepare(des, topic, data, len, (serdes_pb_hdr_t){hdr, hdr_len, false},
                                    &entry, &m, fqn, sizeof(fqn), &body, &blen, id_out, err);
    if (rc != CN_OK)
        return rc;
    rc = serdes_pb_to_json(entry->writer->impl, m, fqn, body, blen, &j, err);
    if (rc == CN_OK &&
        !(*json_out = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17))))
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    json_decref(j);
    serdes_des_entry_decref(entry);
    return rc;
}

/* The message-index bytes of message (a full name, or NULL for the first message) into buf, and
 * its descriptor and ".full.Name". */
static cn_err_t serdes_pb_json_target(cairn_serializer_t *ser, const serdes_pb_schema_t *w,
                                      const char *message, cn_buf_t *buf,
                                      const Google__Protobuf__DescriptorProto **m, char *fqn,
                                      size_t cap, serdes_err_t *err) {
    int32_t path[SERDES_PB_MAX_DEPTH] = {0};
    uint8_t idx[1 + 5 * SERDES_PB_MAX_DEPTH];
    size_t n = 1, ilen = 0;
    if (!w->first)
        return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "the schema has no message");
    if (message && serdes_pb_path_of(w, message, path, SERDES_PB_MAX_DEPTH, &n) != CN_OK)
        return serdes_err_set(err, CN_ERR_PARSE, "the schema has no message %s", message);
    serdes_pb_indexes_write(path, n, ser->sd->s.pb_deprecated, idx, sizeof(idx), &ilen);
    cn_buf_put(buf, idx, ilen);
    snprintf(fqn, cap, ".%s", message ? message : w->first);
    *m = serdes_pb_at(w, path, n);
    return CN_OK;
}

/* JSON text to a message of the writer schema: the named one, or the first of the file (the
 * one RecordNameStrategy names). */
cn_err_t serdes_pb_ser_json(cairn_serializer_t *ser, const char *topic, const char *message,
                            const char *json, size_t json_len, void **out, size_t *out_len,
                            cairn_header_t *hdr, serdes_err_t *err) {
    serdes_ser_entry_t *entry;
    const serdes_pb_schema_t *w;
    const Google__Protobuf__DescriptorProto *m = NULL;
    json_error_t jerr;
    json_t *j = json_loadb(json, json_len, 0, &jerr);
    char fqn[1024];
    cn_buf_t buf;
    uint8_t *at;
    size_t ilen = 0, skip;
    cn_err_t rc;
    if (!j)
        return serdes_err_set(err, CN_ERR_PARSE, "not JSON: %s (line %d, column %d)", jerr.text,
                              jerr.line, jerr.column);
    cn_buf_init(&buf, CN_BUF_NO_LIMIT);
    rc = serdes_ser_resolve(ser, topic, &entry, err);
    if (rc != CN_OK) {
        json_decref(j);
        return rc;
    }
    w = entry->writer->impl;
    rc = serdes_pb_json_target(ser, w, message, &buf, &m, fqn, sizeof(fqn), err);
    if (rc == CN_OK)
        ilen = buf.len;
    if (rc == CN_OK)
        rc = serdes_pb_from_json(w, m, fqn, j, &buf, err);
    if (rc == CN_OK && buf.failed)
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    skip = ilen;
    if (rc == CN_OK)
        rc = serdes_ser_header(ser, entry, hdr, err);
    if (rc == CN_OK)
        rc = serdes_pb_header_idx(hdr, buf.data, &ilen, err);
    skip -= ilen; /* the indexes' bytes when they went into the header */
    if (rc == CN_OK)
        rc = serdes_ser_output(ser, entry->id, buf.len - skip, out, out_len, &at, err);
    if (rc == CN_OK)
        memcpy(at, buf.data + skip, buf.len - skip);
    cn_buf_fini(&buf);
    json_decref(j);
    serdes_ser_entry_decref(entry);
    return rc;
}

cairn_err_t cairn_protobuf_serialize_json(cairn_serializer_t *ser, const char *topic,
                                          const char *message, const char *json, size_t json_len,
                                          void **out, size_t *out_len, cairn_error_t *err) {
    return cairn_protobuf_serialize_json_h(ser, topic, message, json, json_len, out, out_len, NULL,
                                           err);
}

cairn_err_t cairn_protobuf_serialize_json_h(cairn_serializer_t *ser, const char *topic,
                                            const char *message, const char *json, size_t json_len,
                                            void **out, size_t *out_len, cairn_header_t *hdr,
                                            cairn_error_t *err) {
    serdes_err_t e = {0};
    if (!ser || !json || !out || !out_len || ser->fmt->format != CAIRN_FORMAT_PROTOBUF) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT,
                       "a Protobuf serializer, JSON and output pointers are required");
        return serdes_edge(&e, err);
    }
    if (serdes_pb_ser_json(ser, topic, message, json, json_len, out, out_len, hdr, &e) != CN_OK)
        return serdes_edge(&e, err);
    serdes_edge_ok(err);
    return CAIRN_OK;
}
