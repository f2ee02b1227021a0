/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the serdes Protobuf decode path: the input is a framed payload (Confluent
 * prefix, message indexes, Protobuf binary) of a fixed schema with nesting, recursion, maps,
 * enums, packed fields and well-known types (Any included). The frame and the message indexes are
 * parsed, the message the indexes name is decoded into proto3 JSON, and that JSON is encoded again.
 * Every step must fail cleanly or succeed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "serdes/serdes_api_int.h"
#include "serdes/serdes_protobuf_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SCHEMA[] =
    "syntax = \"proto3\";\npackage fz;\n"
    "import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/struct.proto\";\n"
    "import \"google/protobuf/duration.proto\";\nimport \"google/protobuf/wrappers.proto\";\n"
    "import \"google/protobuf/any.proto\";\n"
    "message Node {\n  enum Kind { A = 0; B = 1; }\n  message Leaf { bytes b = 1; sint64 s = 2; }\n"
    "  int64 id = 1;\n  string name = 2;\n  repeated Node kids = 3;\n  map<string, Leaf> leaves = "
    "4;\n"
    "  Kind kind = 5;\n  repeated int32 packed = 6;\n  double d = 7;\n  float f = 8;\n"
    "  google.protobuf.Timestamp at = 9;\n  google.protobuf.Struct extra = 10;\n"
    "  google.protobuf.Duration took = 11;\n  google.protobuf.UInt64Value big = 12;\n"
    "  map<int64, Kind> kinds = 13;\n  fixed32 x = 14;\n  sfixed64 y = 15;\n  bool ok = 16;\n"
    "  oneof choice { string c1 = 17; Leaf c2 = 18; }\n  repeated google.protobuf.Any anys = "
    "19;\n}\n"
    "message Other { repeated Node.Leaf leaves = 1; }\n";

static serdes_pb_schema_t *schema(void) {
    static serdes_pb_schema_t *s;
    serdes_err_t err;
    if (!s && serdes_pb_compile_local(SCHEMA, strlen(SCHEMA), NULL, 0, &s, &err) != CN_OK)
        __builtin_trap();
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    serdes_pb_schema_t *s = schema();
    const Google__Protobuf__DescriptorProto *m;
    const uint8_t *payload;
    int32_t id, path[SERDES_PB_MAX_INDEXES];
    size_t plen, n, used;
    serdes_err_t err;
    json_t *j = NULL;
    cn_buf_t buf;
    if (serdes_frame_parse(data, size, &id, &payload, &plen, &err) != CN_OK ||
        serdes_pb_indexes_read(payload, plen, size > 6 && (data[size - 1] & 1), path,
                               SERDES_PB_MAX_INDEXES, &n, &used, &err) != CN_OK ||
        !(m = serdes_pb_at(s, path, n)))
        return 0;
    if (serdes_pb_to_json(s, m, m == s->files[s->root].fd->message_type[0] ? ".fz.Node" : NULL,
                          payload + used, plen - used, &j, &err) != CN_OK)
        return 0;
    cn_buf_init(&buf, 1u << 24);
    serdes_pb_from_json(s, m, NULL, j, &buf, &err);
    cn_buf_fini(&buf);
    json_decref(j);
    return 0;
}
