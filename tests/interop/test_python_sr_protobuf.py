# SPDX-License-Identifier: Apache-2.0
#
# Debian's python3-confluent-kafka (1.7.0) with Protobuf against a real cairnd: the
# SchemaRegistryClient registers .proto text with a reference, looks it up, fetches it, checks
# compatibility; the ProtobufSerializer registers a message's file as a base64
# FileDescriptorProto with its imports as referenced subjects (google/protobuf/timestamp.proto
# included, as 1.7.0 does), and the bytes it frames carry the id the registry gave the same
# schema as .proto text. The message class is generated here with protoc --python_out.
# Run with /usr/bin/python3.
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from regtest import Cairnd, Checks, cairnd_available, request  # noqa: E402

try:
    from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
    from confluent_kafka.schema_registry.error import SchemaRegistryError
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
except ImportError as e:  # python3-confluent-kafka, python3-protobuf or python3-requests missing
    print("skipped:", e)
    sys.exit(77)

COMMON = 'syntax = "proto3";\npackage common;\n\nmessage Money {\n  int64 units = 1;\n  string currency = 2;\n}\n'
PAY = ('syntax = "proto3";\npackage shop;\n\nimport "common/money.proto";\n\nmessage Payment {\n'
       '  string id = 1;\n  common.Money amount = 2;\n}\n')
PAY_BAD = PAY.replace("string id = 1", "int64 id = 1")
EVENT = ('syntax = "proto3";\npackage ev;\n\nimport "google/protobuf/timestamp.proto";\n\n'
         'message Event {\n  string name = 1;\n  google.protobuf.Timestamp at = 2;\n'
         '  map<string, int64> counts = 3;\n  repeated Tag tags = 4;\n\n  message Tag {\n'
         '    string k = 1;\n  }\n}\n')


def client_checks(c, url):
    sr = SchemaRegistryClient({"url": url})
    cid = sr.register_schema("common/money.proto", Schema(COMMON, "PROTOBUF"))
    refs = [SchemaReference("common/money.proto", "common/money.proto", 1)]
    pid = sr.register_schema("payments-value", Schema(PAY, "PROTOBUF", refs))
    c.true("two ids", cid != pid and cid > 0 and pid > 0, (cid, pid))
    got = sr.get_schema(pid)
    c.eq("get_schema", (got.schema_type, got.schema_str), ("PROTOBUF", PAY))
    c.eq("get_schema references", [(r.name, r.subject, r.version) for r in got.references],
         [("common/money.proto", "common/money.proto", 1)])
    reg = sr.lookup_schema("payments-value", Schema(PAY, "PROTOBUF", refs))
    c.eq("lookup", (reg.schema_id, reg.version), (pid, 1))
    c.eq("compatible", sr.test_compatibility("payments-value", Schema(PAY, "PROTOBUF", refs)), True)
    c.eq("incompatible", sr.test_compatibility("payments-value", Schema(PAY_BAD, "PROTOBUF", refs)),
         False)
    try:
        sr.register_schema("payments-value", Schema(PAY_BAD, "PROTOBUF", refs))
        c.eq("incompatible register raises", False, True)
    except SchemaRegistryError as e:
        c.eq("incompatible register", e.http_status_code, 409)
    try:
        sr.delete_version("common/money.proto", 1)
        c.eq("delete of a referenced version raises", False, True)
    except SchemaRegistryError as e:
        c.eq("referenced version stays", (e.http_status_code, e.error_code), (422, 42206))
    latest = sr.get_latest_version("payments-value")
    c.eq("latest", (latest.version, latest.schema_id, latest.schema.schema_type), (1, pid, "PROTOBUF"))


def generated_module(tmp):
    with open(os.path.join(tmp, "event.proto"), "w") as f:
        f.write(EVENT)
    subprocess.run(["protoc", "--python_out=" + tmp, "-I" + tmp, "event.proto"], check=True)
    sys.path.insert(0, tmp)
    import event_pb2  # noqa: E402
    return event_pb2


def serializer_checks(c, url):
    if not shutil.which("protoc"):
        print("protoc missing: serializer checks skipped")
        return
    tmp = tempfile.mkdtemp(prefix="cairn-pb-")
    try:
        event_pb2 = generated_module(tmp)
        sr = SchemaRegistryClient({"url": url})
        ser = ProtobufSerializer(event_pb2.Event, sr, {"auto.register.schemas": True})
        msg = event_pb2.Event(name="boot", counts={"a": 2})
        msg.at.seconds = 1700000000
        msg.tags.add(k="x")
        ctx = SerializationContext("events", MessageField.VALUE)
        data = ser(msg, ctx)
        c.eq("magic byte", data[0], 0)
        sid = int.from_bytes(data[1:5], "big")
        st, body = request(url, "GET", "/subjects/events-value/versions/latest")
        c.eq("serializer registered", (st, body.get("id"), body.get("schemaType")),
             (200, sid, "PROTOBUF"))
        c.eq("stored as .proto text", body.get("schema"), EVENT)
        c.eq("import registered as a subject",
             request(url, "GET", "/subjects/google%2Fprotobuf%2Ftimestamp.proto/versions")[0], 200)
        c.eq("references", body.get("references"),
             [{"name": "google/protobuf/timestamp.proto",
               "subject": "google/protobuf/timestamp.proto", "version": 1}])
        text_lookup = request(url, "POST", "/subjects/events-value",
                              {"schema": EVENT, "schemaType": "PROTOBUF",
                               "references": body.get("references")})
        c.eq(".proto text finds the descriptor's id", text_lookup[1].get("id"), sid)
        back = ProtobufDeserializer(event_pb2.Event)(data, ctx)
        c.eq("round trip", back, msg)
        c.eq("second message, no new version", ser(msg, ctx)[1:5], data[1:5])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    cairnd_available()
    c = Checks("test_python_sr_protobuf")
    srv = Cairnd()
    try:
        srv.start()
        client_checks(c, srv.url)
        serializer_checks(c, srv.url)
    except Exception as e:
        c.failed.append("exception: %r" % e)
        print("FAIL", repr(e), "\n", srv.tail())
    finally:
        srv.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
