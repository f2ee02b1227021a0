/* SPDX-License-Identifier: Apache-2.0
 *
 * libcairn-serdes, JSON Schema with Jansson values: the calls for callers who hold their data as
 * json_t. Include after or instead of <cairn/serdes.h>; link Jansson. Serializers and
 * deserializers come from cairn_serializer_new / cairn_deserializer_new with CAIRN_FORMAT_JSON
 * (the schema is JSON Schema text, drafts 4 to 2020-12); the ownership and thread-safety rules
 * of <cairn/serdes.h> apply. The JSON-text calls of <cairn/serdes.h> work for JSON Schema too.
 *
 * Wire format: 0x00, the schema id (4 bytes, big-endian), then the JSON document as UTF-8 text.
 * With json.fail.invalid.schema=true (the default) the serializer validates each value against
 * the schema of the id it frames, and the deserializer validates each payload against its
 * writer schema, then against its reader schema when it has one (or the subject's latest
 * version with use.latest.version). A value that does not conform fails with CAIRN_ERR_VALUE
 * (serialize) or CAIRN_ERR_PAYLOAD (deserialize), the message naming the JSON pointer and the
 * keyword.
 */
#ifndef CAIRN_SERDES_JSON_H
#define CAIRN_SERDES_JSON_H

#include <jansson.h>

#include <cairn/serdes.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A schema the serializer's schema references: its "$ref"s reach text by name. The reference
 *  sent to the registry is {name, subject, version}; version <= 0 means "the version of text
 *  under subject", registered first (auto.register.schemas) or looked up. */
typedef struct cairn_json_ref {
    const char *name;
    const char *subject;
    int32_t version;
    const char *text;
} cairn_json_ref_t;

/** @brief A JSON Schema serializer of schema with the n schemas it references (all copied; at
 *  most 64). No registry call yet; the first serialize (or cairn_serializer_prepare) registers
 *  or looks up the referenced schemas whose version is <= 0, then the schema with its
 *  references. cairn_serializer_new(sd, CAIRN_FORMAT_JSON, role, schema) is the same with n 0. */
cairn_serializer_t *cairn_json_serializer_new(cairn_serdes_t *sd, cairn_role_t role,
                                              const char *schema, const cairn_json_ref_t *refs,
                                              size_t n, cairn_error_t *err);

/** @brief The schema the serializer validates against for topic, as a Jansson value (resolving
 *  it as cairn_serializer_prepare does). Borrowed: valid while the serializer lives. */
cairn_err_t cairn_json_serializer_schema(cairn_serializer_t *ser, const char *topic,
                                         const json_t **schema_out, cairn_error_t *err);

/** @brief Serialize a Jansson value (only read) for topic as compact JSON text. Buffer modes as
 *  in <cairn/serdes.h>. */
cairn_err_t cairn_json_serialize(cairn_serializer_t *ser, const char *topic, const json_t *value,
                                 void **out, size_t *out_len, cairn_error_t *err);

/** @brief Deserialize framed bytes into *value_out, a new reference the caller releases with
 *  json_decref. Integers beyond 64 bits come out as reals. A tombstone (len 0) gives CAIRN_OK,
 *  *value_out NULL and *id_out -1. */
cairn_err_t cairn_json_deserialize(cairn_deserializer_t *des, const char *topic, const void *data,
                                   size_t len, json_t **value_out, int32_t *id_out,
                                   cairn_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
