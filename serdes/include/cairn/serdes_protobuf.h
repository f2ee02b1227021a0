/* SPDX-License-Identifier: Apache-2.0
 *
 * libcairn-serdes, Protobuf with protobuf-c: serialize generated protobuf-c messages
 * (ProtobufCMessage) in Confluent's wire format (schema id, message indexes, payload) and read
 * them back, into generated messages or, through cairn_deserialize_json of <cairn/serdes.h>,
 * into proto3 JSON with descriptors built at run time from the registry's schema (no generated
 * code needed). Include after or instead of <cairn/serdes.h>; link libprotobuf-c.
 *
 * The schema: protobuf-c's generated descriptors do not carry the .proto file, so the
 * application passes the .proto text its code was generated from (files[0]), and the text of
 * each file it imports (files[1..], by import path) unless that file is a well-known one
 * (google/protobuf/..., google/type/..., confluent/...), which the library has built in. The
 * registry turns the text into its canonical form, so the id is the one Confluent's Java,
 * Python and JavaScript serializers get for the same file. Without the file, a schema rebuilt
 * from the descriptor works too, under an id of its own (cairn_protobuf_serializer_from_
 * descriptor). See docs/serdes.md.
 *
 * Deserializers read with the writer schema the id names: a reader schema given to
 * cairn_deserializer_new is not used for Protobuf (Protobuf readers need no resolution).
 * The ownership and thread-safety rules of <cairn/serdes.h> apply.
 */
#ifndef CAIRN_SERDES_PROTOBUF_H
#define CAIRN_SERDES_PROTOBUF_H

#include <protobuf-c/protobuf-c.h>

#include <cairn/serdes.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One .proto file: name is its import path (ignored for files[0]), text its source. */
typedef struct cairn_protobuf_file {
    const char *name;
    const char *text;
} cairn_protobuf_file_t;

/** @brief A Protobuf serializer of the schema files[0] with its imports files[1..n) (all copied).
 *  Imports are registered first as schema references, under the subject the
 *  reference.subject.name.strategy gives, unless skip.known.types skips them. No registry call
 *  yet. cairn_serializer_new(sd, CAIRN_FORMAT_PROTOBUF, role, text) is the same for a file
 *  with no imports but well-known ones. */
cairn_serializer_t *cairn_protobuf_serializer_new(cairn_serdes_t *sd, cairn_role_t role,
                                                  const cairn_protobuf_file_t *files, size_t n,
                                                  cairn_error_t *err);

/** @brief A .proto text rebuilt from a generated descriptor (malloc'ed; cairn_free): the message
 *  first, the messages and enums it reaches (one package; well-known types imported), nested by
 *  name. Descriptors carry no options, comments or unreached types, so this is not the original
 *  file and the registry gives it another id than other clients get for that file: prefer
 *  passing the file. CAIRN_ERR_INVALID_ARG when a reached type is in another package. */
char *cairn_protobuf_schema_of(const ProtobufCMessageDescriptor *desc, cairn_error_t *err);

/** @brief A Protobuf serializer whose schema is cairn_protobuf_schema_of(desc). */
cairn_serializer_t *
cairn_protobuf_serializer_from_descriptor(cairn_serdes_t *sd, cairn_role_t role,
                                          const ProtobufCMessageDescriptor *desc,
                                          cairn_error_t *err);

/** @brief Serialize a protobuf-c message for topic: frame, message indexes of its type in the
 *  schema (found by full name), then protobuf_c_message_pack. Buffer modes as in
 *  <cairn/serdes.h>. CAIRN_ERR_VALUE when the schema has no message of msg's type. */
cairn_err_t cairn_protobuf_serialize(cairn_serializer_t *ser, const char *topic,
                                     const ProtobufCMessage *msg, void **out, size_t *out_len,
                                     cairn_error_t *err);

/** @brief Serialize proto3 JSON as the message whose full name is message ("pkg.Outer.Inner";
 *  NULL: the file's first message, as cairn_serialize_json does). The JSON is encoded against
 *  the schema's descriptors: no generated code needed. CAIRN_ERR_VALUE names what does not fit. */
cairn_err_t cairn_protobuf_serialize_json(cairn_serializer_t *ser, const char *topic,
                                          const char *message, const char *json, size_t json_len,
                                          void **out, size_t *out_len, cairn_error_t *err);

/** @brief Deserialize framed bytes into a new message of type desc (protobuf_c_message_unpack
 *  with allocator, NULL for the default); free it with protobuf_c_message_free_unpacked(msg,
 *  allocator). The message indexes are checked against the writer schema. A tombstone (len 0)
 *  gives CAIRN_OK and *msg_out NULL. */
cairn_err_t cairn_protobuf_deserialize(cairn_deserializer_t *des, const char *topic,
                                       const void *data, size_t len,
                                       const ProtobufCMessageDescriptor *desc,
                                       ProtobufCAllocator *allocator, ProtobufCMessage **msg_out,
                                       int32_t *id_out, cairn_error_t *err);

/** @brief Write a message-index path (each >= 0) as Confluent does: count then elements as
 *  zigzag varints, [0] as the single byte 0x00. *len_out gets the size (also on
 *  CAIRN_ERR_BUFFER_SIZE); out may be NULL with cap 0 to measure. */
cairn_err_t cairn_protobuf_indexes_write(const int32_t *path, size_t n, void *out, size_t cap,
                                         size_t *len_out, cairn_error_t *err);
/** @brief Read a message-index array from the start of data into path (cap elements: a larger
 *  count fails before anything is stored). *used (may be NULL) gets its length in bytes. */
cairn_err_t cairn_protobuf_indexes_read(const void *data, size_t len, int32_t *path, size_t cap,
                                        size_t *n_out, size_t *used, cairn_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
