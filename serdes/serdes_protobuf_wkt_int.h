/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: the well-known types' special JSON forms (Protobuf documentation, "ProtoJSON
 * Format"), converted to and from the generic form of their messages (field json names), so the
 * generic decoder and encoder stay type-blind.
 */
#ifndef SERDES_PROTOBUF_WKT_INT_H
#define SERDES_PROTOBUF_WKT_INT_H

#include "serdes/serdes_protobuf_int.h"

/** @brief Whether type_name (".google.protobuf.Timestamp") has a special JSON form. */
bool serdes_pb_is_wkt(const char *type_name);
/** @brief The special form of obj (the generic form; taken). NULL with err set on failure. */
json_t *serdes_pb_wkt_to_json(const char *type_name, json_t *obj, serdes_err_t *err);
/** @brief The generic form of a special form v (borrowed); a new reference or NULL (err). */
json_t *serdes_pb_wkt_from_json(const char *type_name, json_t *v, serdes_err_t *err);
/** @brief The JSON of a map entry's absent value (the value field's default). */
json_t *serdes_pb_map_default(const serdes_pb_schema_t *s,
                              const Google__Protobuf__DescriptorProto *entry);

#endif
