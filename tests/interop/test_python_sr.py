# SPDX-License-Identifier: Apache-2.0
#
# Debian's python3-confluent-kafka (1.7.0) SchemaRegistryClient against a real cairnd:
# register, look up, fetch by id, versions, compatibility, config, delete (the client's calls of
# docs.confluent.io/platform/current/schema-registry/develop/api.html). Also the legacy Avro
# MessageSerializer round trip through the registry. Run with
# /usr/bin/python3.
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from regtest import Cairnd, Checks, cairnd_available  # noqa: E402

try:
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    from confluent_kafka.schema_registry.error import SchemaRegistryError
except ImportError as e:  # python3-confluent-kafka or python3-requests missing
    print("skipped:", e)
    sys.exit(77)

V1 = json.dumps({"type": "record", "name": "Payment", "namespace": "shop",
                 "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "double"}]})
V2 = json.dumps({"type": "record", "name": "Payment", "namespace": "shop",
                 "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "double"},
                            {"name": "currency", "type": "string", "default": "EUR"}]})
BAD = json.dumps({"type": "record", "name": "Payment", "namespace": "shop",
                  "fields": [{"name": "id", "type": "int"}]})


def client_checks(c, url):
    sr = SchemaRegistryClient({"url": url})
    sid = sr.register_schema("payments-value", Schema(V1, "AVRO"))
    c.eq("register", sid, 1)
    c.eq("register again", sr.register_schema("payments-value", Schema(V1, "AVRO")), 1)
    got = sr.get_schema(sid)
    c.eq("get_schema type", got.schema_type, "AVRO")
    c.eq("get_schema text", json.loads(got.schema_str), json.loads(V1))
    reg = sr.lookup_schema("payments-value", Schema(V1, "AVRO"))
    c.eq("lookup", (reg.schema_id, reg.subject, reg.version), (1, "payments-value", 1))
    c.eq("compatible", sr.test_compatibility("payments-value", Schema(V2, "AVRO")), True)
    c.eq("incompatible", sr.test_compatibility("payments-value", Schema(BAD, "AVRO")), False)
    try:
        sr.register_schema("payments-value", Schema(BAD, "AVRO"))
        c.eq("incompatible register raises", False, True)
    except SchemaRegistryError as e:
        c.eq("incompatible register", (e.http_status_code, e.error_code), (409, 409))
    c.eq("register v2", sr.register_schema("payments-value", Schema(V2, "AVRO")), 2)
    latest = sr.get_latest_version("payments-value")
    c.eq("latest", (latest.version, latest.schema_id), (2, 2))
    c.eq("get_version", sr.get_version("payments-value", 1).schema_id, 1)
    c.eq("versions", sr.get_versions("payments-value"), [1, 2])
    c.eq("subjects", sr.get_subjects(), ["payments-value"])
    c.eq("global compatibility", sr.get_compatibility(), "BACKWARD")
    sr.set_compatibility(level="FULL")
    c.eq("set global", sr.get_compatibility(), "FULL")
    sr.set_compatibility("payments-value", "NONE")
    c.eq("set subject", sr.get_compatibility("payments-value"), "NONE")
    try:
        sr.get_compatibility("nosuch")
        c.eq("missing subject config raises", False, True)
    except SchemaRegistryError as e:
        c.eq("subject config 40408", e.error_code, 40408)
    c.eq("delete version", sr.delete_version("payments-value", 2), 2)
    try:
        sr.get_version("payments-value", 2)
        c.eq("deleted version raises", False, True)
    except SchemaRegistryError as e:
        c.eq("deleted version 40402", e.error_code, 40402)
    c.eq("delete subject permanent", sorted(sr.delete_subject("payments-value", permanent=True)),
         [1])
    c.eq("no subjects", sr.get_subjects(), [])
    try:
        sr.get_schema(999)
    except SchemaRegistryError as e:
        c.eq("missing id", (e.http_status_code, e.error_code), (404, 40403))


def legacy_avro(c, url):
    try:
        from confluent_kafka.avro import CachedSchemaRegistryClient, loads
        from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    except ImportError as e:
        print("legacy Avro serializer not available:", e)
        return
    reg = CachedSchemaRegistryClient({"url": url})
    ser = MessageSerializer(reg)
    schema = loads(V1)
    data = ser.encode_record_with_schema("legacy", schema, {"id": "p1", "amount": 9.5})
    c.eq("wire format magic", data[0], 0)
    fresh = MessageSerializer(CachedSchemaRegistryClient({"url": url}))
    c.eq("decode via registry", fresh.decode_message(data), {"id": "p1", "amount": 9.5})


def nul_default(c, url):
    """A bytes default of U+0000: the client's text in, Confluent's canonical text out (Jackson
    writes U+0000 as \\u0000), the same id on re-register, and the legacy Avro serializer (the
    python3-avro parser) reads that text back from the registry to decode."""
    nul = json.dumps({"type": "record", "name": "Blob", "namespace": "shop",
                      "fields": [{"name": "id", "type": "string"},
                                 {"name": "b", "type": "bytes", "default": "\x00"}]}, indent=1)
    canon = ('{"type":"record","name":"Blob","namespace":"shop","fields":[{"name":"id","type":'
             '"string"},{"name":"b","type":"bytes","default":"\\u0000"}]}')
    sr = SchemaRegistryClient({"url": url})
    sid = sr.register_schema("blob-value", Schema(nul, "AVRO"))
    c.eq("NUL default: same id again", sr.register_schema("blob-value", Schema(canon, "AVRO")), sid)
    c.eq("NUL default: Confluent's text by id",
         SchemaRegistryClient({"url": url}).get_schema(sid).schema_str, canon)
    c.eq("NUL default: lookup", sr.lookup_schema("blob-value", Schema(nul, "AVRO")).schema_id, sid)
    try:
        from confluent_kafka.avro import CachedSchemaRegistryClient, loads
        from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    except ImportError:
        return
    ser = MessageSerializer(CachedSchemaRegistryClient({"url": url}))
    data = ser.encode_record_with_schema("blob", loads(nul), {"id": "x", "b": b"\x00\x01"})
    fresh = MessageSerializer(CachedSchemaRegistryClient({"url": url}))
    c.eq("NUL default: decode via the registry's text", fresh.decode_message(data),
         {"id": "x", "b": b"\x00\x01"})


def main():
    cairnd_available()
    c = Checks("test_python_sr")
    srv = Cairnd()
    try:
        srv.start()
        client_checks(c, srv.url)
        legacy_avro(c, srv.url)
        nul_default(c, srv.url)
    except Exception as e:
        c.failed.append("exception: %r" % e)
        print("FAIL", repr(e), "\n", srv.tail())
    finally:
        srv.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
