/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: Protobuf for libcairn-serdes. A compiled schema is the registered .proto file and
 * every file it imports (schema references and the well-known files), each parsed by
 * compat/protobuf and turned into a FileDescriptorProto (protoc-c's generated descriptor.proto
 * code), with an index of message and enum types by full name. The generic decoder reads the
 * Protobuf binary encoding against those descriptors and writes the proto3 JSON mapping; the
 * protobuf-c front end packs and unpacks generated messages. Message indexes (Confluent wire
 * format) are zigzag varints, count first, [0] written as the single byte 0x00.
 */
#ifndef SERDES_PROTOBUF_INT_H
#define SERDES_PROTOBUF_INT_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_buf.h"
#include "common/cn_map.h"
#include "compat/protobuf/compat_protobuf.h"
#include <google/protobuf/descriptor.pb-c.h> /* generated into build/gen */
#include "serdes/serdes_registry_int.h"

#define SERDES_PB_MAX_DEPTH   64 /* nested messages in one payload, and nested type paths */
#define SERDES_PB_MAX_INDEXES 64 /* message-index count accepted on read */
#define SERDES_PB_MAX_FILES   64 /* files of one schema (the file and its imports) */
#define SERDES_PB_MAX_REFS    16 /* depth of reference chains */

typedef struct serdes_pb_file {
    char *name; /* import path ("" for the schema itself) */
    char *text;
    compat_pb_schema_t *parsed;
    Google__Protobuf__FileDescriptorProto *fd;
    char **deps; /* import paths as written */
    size_t ndeps;
} serdes_pb_file_t;

typedef struct serdes_pb_type {
    const Google__Protobuf__DescriptorProto *msg;    /* or NULL */
    const Google__Protobuf__EnumDescriptorProto *en; /* or NULL */
} serdes_pb_type_t;

/** The message-index bytes of one generated message type, computed once (immutable). */
typedef struct serdes_pb_idx {
    const void *desc; /* ProtobufCMessageDescriptor* */
    size_t len, old_len;
    uint8_t bytes[1 + 5 * SERDES_PB_MAX_DEPTH];
    uint8_t old[1 + 5 * SERDES_PB_MAX_DEPTH]; /* the deprecated unsigned form */
} serdes_pb_idx_t;

#define SERDES_PB_IDX_SLOTS 8

typedef struct serdes_pb_schema {
    _Atomic(serdes_pb_idx_t *) idx[SERDES_PB_IDX_SLOTS]; /* filled once each, freed with it */
    serdes_pb_file_t files[SERDES_PB_MAX_FILES];
    size_t nfiles;
    size_t root;     /* index of the schema's own file */
    cn_map_t *types; /* ".pkg.Name" -> serdes_pb_type_t* */
    char *first;     /* full name of the first message, for RecordNameStrategy */
} serdes_pb_schema_t;

const serdes_format_t *serdes_protobuf_format(void);

/** One file the application gives (the schema, or an import by its path). */
typedef struct serdes_pb_source {
    const char *name;
    const char *text;
} serdes_pb_source_t;

/** @brief Compile a schema text whose imports are src (borrowed) or well-known files. */
cn_err_t serdes_pb_compile_local(const char *text, size_t len, const serdes_pb_source_t *src,
                                 size_t nsrc, serdes_pb_schema_t **out, serdes_err_t *err);
void serdes_pb_release(void *impl);

/** @brief The message at an index path of the root file, or NULL. */
const Google__Protobuf__DescriptorProto *serdes_pb_at(const serdes_pb_schema_t *s,
                                                      const int32_t *path, size_t n);
/** @brief The index path of the message whose full name is fqn (no leading dot) in the root
 *  file; *n gets its length. CN_ERR_NOT_FOUND when the file has no such message. */
cn_err_t serdes_pb_path_of(const serdes_pb_schema_t *s, const char *fqn, int32_t *path, size_t cap,
                           size_t *n);
/** @brief The type named by a field's type_name (".pkg.Name"), or NULL. */
const serdes_pb_type_t *serdes_pb_type(const serdes_pb_schema_t *s, const char *type_name);

/* ---- message indexes (serdes_protobuf_index.c) ---- */

/** @brief Encode path into out (cap bytes); *len gets the size. CN_ERR_SERDES_BUFFER_SIZE when
 *  it does not fit (5 bytes per element and for the count always do). deprecated: unsigned
 *  varints, as python-confluent-kafka 1.4-1.7 wrote them (use.deprecated.format). */
cn_err_t serdes_pb_indexes_write(const int32_t *path, size_t n, bool deprecated, uint8_t *out,
                                 size_t cap, size_t *len);
/** @brief Decode the array at the start of data; *used gets its size in bytes. At most cap
 *  elements (checked before anything is stored); negative counts or indexes are refused. */
cn_err_t serdes_pb_indexes_read(const uint8_t *data, size_t len, bool deprecated, int32_t *path,
                                size_t cap, size_t *n, size_t *used, serdes_err_t *err);

/* ---- generic JSON (serdes_protobuf_json.c) ---- */

/** @brief Decode data, a message of type msg, into a new JSON object (proto3 JSON mapping). */
cn_err_t serdes_pb_to_json(const serdes_pb_schema_t *s,
                           const Google__Protobuf__DescriptorProto *msg, const char *fqn,
                           const uint8_t *data, size_t len, json_t **out, serdes_err_t *err);
/** @brief Encode a JSON object (proto3 JSON mapping) as a message of type msg into buf. */
cn_err_t serdes_pb_from_json(const serdes_pb_schema_t *s,
                             const Google__Protobuf__DescriptorProto *msg, const char *fqn,
                             json_t *j, cn_buf_t *buf, serdes_err_t *err);

/* ---- the JSON calls of <cairn/serdes.h> (serdes_protobuf_api.c) ---- */

struct cairn_serializer;
struct cairn_deserializer;
struct cairn_header;
cn_err_t serdes_pb_des_json(struct cairn_deserializer *des, const char *topic, const void *data,
                            size_t len, const void *hdr, size_t hdr_len, char **json_out,
                            int32_t *id_out, serdes_err_t *err);
cn_err_t serdes_pb_ser_json(struct cairn_serializer *ser, const char *topic, const char *message,
                            const char *json, size_t json_len, void **out, size_t *out_len,
                            struct cairn_header *hdr, serdes_err_t *err);

/** @brief The .proto text rebuilt from a protobuf-c descriptor (serdes_protobuf_derive.c). */
struct ProtobufCMessageDescriptor;
char *serdes_pb_derive(const struct ProtobufCMessageDescriptor *d, serdes_err_t *err);

/** @brief Base64 (RFC 4648, standard alphabet, padded) decode; NULL on bad input. */
uint8_t *serdes_b64_decode(const char *s, size_t n, size_t *out_len);
/** @brief Base64 encode (NUL-terminated, malloc'ed). */
char *serdes_b64_encode(const uint8_t *p, size_t n);

#endif
