/* SPDX-License-Identifier: Apache-2.0
 *
 * libcairn-serdes, Avro with avro-c values: the calls for callers who chose avro-c's generic
 * values (avro_value_t) on purpose. Include after or instead of <cairn/serdes.h>; link avro-c.
 * Serializers and deserializers come from cairn_serializer_new / cairn_deserializer_new with
 * CAIRN_FORMAT_AVRO; the ownership and thread-safety rules of <cairn/serdes.h> apply.
 */
#ifndef CAIRN_SERDES_AVRO_H
#define CAIRN_SERDES_AVRO_H

#include <avro.h>

#include <cairn/serdes.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief The writer schema the serializer uses for topic (resolving it as cairn_serializer_
 *  prepare does). Borrowed: valid while the serializer lives. Values passed to
 *  cairn_avro_serialize must be of this schema (or an equal one). */
cairn_err_t cairn_avro_serializer_schema(cairn_serializer_t *ser, const char *topic,
                                         avro_schema_t *schema_out, cairn_error_t *err);

/** @brief Serialize an avro-c value (generic or any avro_value_iface) for topic. Buffer modes as
 *  in <cairn/serdes.h>. The value is only read. */
cairn_err_t cairn_avro_serialize(cairn_serializer_t *ser, const char *topic, avro_value_t *value,
                                 void **out, size_t *out_len, cairn_error_t *err);

/** @brief Deserialize framed bytes into *value, a generic value of the reader schema (or of the
 *  writer schema when the deserializer has none). If value->iface is NULL, or value is of
 *  another schema, a new generic value is made (the old one released); otherwise it is reset
 *  and reused. The caller releases it with avro_value_decref(value) when done. A tombstone
 *  (len 0) gives CAIRN_OK and leaves value untouched with *id_out = -1. */
cairn_err_t cairn_avro_deserialize(cairn_deserializer_t *des, const char *topic, const void *data,
                                   size_t len, avro_value_t *value, int32_t *id_out,
                                   cairn_error_t *err);

/** @brief cairn_avro_serialize and the record header to add (see cairn_serialize_json_h). */
cairn_err_t cairn_avro_serialize_h(cairn_serializer_t *ser, const char *topic, avro_value_t *value,
                                   void **out, size_t *out_len, cairn_header_t *hdr,
                                   cairn_error_t *err);

/** @brief cairn_avro_deserialize with the record's schema-id header value (see
 *  cairn_deserialize_json_h). */
cairn_err_t cairn_avro_deserialize_h(cairn_deserializer_t *des, const char *topic, const void *data,
                                     size_t len, const void *hdr, size_t hdr_len,
                                     avro_value_t *value, int32_t *id_out, cairn_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
