# SPDX-License-Identifier: Apache-2.0
#
# libcairn-serdes JSON Schema against Debian's python3-confluent-kafka 1.7.0 (JSONSerializer,
# JSONDeserializer on python3-jsonschema), through a real cairnd and its bundled broker:
#  - Python serializes values (validated by jsonschema) and produces them with
#    confluent_kafka.Producer; `cairn consume --type json` prints equal values, validated
#    against the schema the registry holds for the id;
#  - `cairn produce --type json` with the same schema file and Python's JSON text writes bytes
#    identical to Python's (same schema id), which JSONDeserializer reads back equal;
#  - a value that breaks the schema is refused by both serializers, and a payload that breaks
#    it (written with json.fail.invalid.schema=false) is refused by both deserializers;
#  - TopicRecordNameStrategy takes the subject from the schema's "title" on both sides.
# Run with /usr/bin/python3; exits 77 (skipped) when a piece is missing.
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from regtest import BUILD, Cairnd, Checks, cairnd_available, free_port  # noqa: E402

try:
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    from confluent_kafka.schema_registry import topic_record_subject_name_strategy
    from confluent_kafka.serialization import MessageField, SerializationContext
except ImportError as e:
    print("skipped:", e)
    sys.exit(77)

CAIRN = os.path.join(BUILD, "bin", "cairn")

SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "py.Payment",
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "amount": {"type": "number", "minimum": 0},
        "memo": {"type": ["string", "null"], "maxLength": 40},
        "items": {"type": "array", "items": {"type": "integer"}},
        "kind": {"enum": ["CARD", "CASH"]},
        "meta": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["id", "amount", "kind"],
    "additionalProperties": False,
}
VALUES = [
    {"id": 9007199254740993, "amount": 12.5, "memo": "caf\u00e9 \u2615", "items": [1, 2, 3],
     "kind": "CASH", "meta": {"a": "b", "": "\u0000"}},
    {"id": -1, "amount": 0, "memo": None, "items": [], "kind": "CARD"},
]
BAD = {"id": 1, "amount": -3, "kind": "CARD"}


def raw_consume(boot, topic, n):
    c = Consumer({"bootstrap.servers": boot, "group.id": "pyraw-" + topic,
                  "auto.offset.reset": "earliest"})
    c.subscribe([topic])
    got = []
    try:
        for _ in range(60):
            m = c.poll(1.0)
            if m is not None and not m.error():
                got.append(m.value())
                if len(got) == n:
                    break
    finally:
        c.close()
    return got


def run(*args, stdin=None):
    p = subprocess.run([CAIRN] + list(args), input=stdin, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def python_to_cairn(c, url, boot, schema_str):
    ser = JSONSerializer(schema_str, SchemaRegistryClient({"url": url}))
    ctx = SerializationContext("pypay", MessageField.VALUE)
    theirs = [ser(v, ctx) for v in VALUES]
    try:
        ser(BAD, ctx)
        c.true("python refuses a value below minimum", False, "serialized")
    except Exception as e:  # noqa: BLE001 - SerializationError in 1.7.0
        c.true("python refuses a value below minimum", "minimum" in str(e), str(e))
    p = Producer({"bootstrap.servers": boot})
    for b in theirs:
        p.produce("pypay", value=b)
    c.eq("python produce flushed", p.flush(30), 0)
    rc, out, err = run("consume", "--type", "json", "--topic", "pypay", "--from-beginning",
                       "--max-messages", "2", "--timeout-ms", "30000", "--bootstrap", boot,
                       "--registry", url)
    c.eq("cairn consume --type json", (rc, err), (0, ""))
    c.eq("python -> cairn: equal values", [json.loads(x) for x in out.splitlines()], VALUES)
    return theirs


def cairn_to_python(c, url, boot, schema_file, schema_str, theirs):
    lines = "".join(json.dumps(v) + "\n" for v in VALUES)
    rc, out, err = run("produce", "--type", "json", "--topic", "cpay", "--value-schema",
                       schema_file, "--bootstrap", boot, "--registry", url, stdin=lines)
    c.eq("cairn produce --type json", (rc, err), (0, ""))
    mine = raw_consume(boot, "cpay", 2)
    c.eq("cairn -> python: identical bytes (same id)", [b.hex() for b in mine],
         [b.hex() for b in theirs])
    des = JSONDeserializer(schema_str)
    ctx = SerializationContext("cpay", MessageField.VALUE)
    c.eq("cairn -> python: JSONDeserializer reads them", [des(b, ctx) for b in mine], VALUES)
    rc, out, err = run("produce", "--type", "json", "--topic", "cpay", "--value-schema",
                       schema_file, "--bootstrap", boot, "--registry", url,
                       stdin=json.dumps(BAD) + "\n")
    c.true("cairn refuses a value below minimum", rc == 1 and "minimum" in err, err)
    return des, ctx


def bad_payload(c, url, boot, schema_file, des, ctx):
    rc, out, err = run("produce", "--type", "json", "--topic", "cbad", "--value-schema",
                       schema_file, "--bootstrap", boot, "--registry", url,
                       "--registry-property", "json.fail.invalid.schema=false",
                       stdin=json.dumps(BAD) + "\n")
    c.eq("cairn produce without validation", (rc, err), (0, ""))
    mine = raw_consume(boot, "cbad", 1)
    try:
        des(mine[0], ctx)
        c.true("python's deserializer refuses the payload", False, "read")
    except Exception as e:  # noqa: BLE001
        c.true("python's deserializer refuses the payload", "minimum" in str(e), str(e))
    rc, out, err = run("consume", "--type", "json", "--topic", "cbad", "--from-beginning",
                       "--max-messages", "1", "--timeout-ms", "30000", "--bootstrap", boot,
                       "--registry", url)
    c.true("cairn consume refuses the payload", rc == 1 and "/amount" in err, err)


def record_strategy(c, url, boot, schema_file, schema_str):
    sr = SchemaRegistryClient({"url": url})
    ser = JSONSerializer(schema_str, sr,
                         conf={"subject.name.strategy": topic_record_subject_name_strategy})
    theirs = ser(VALUES[1], SerializationContext("pyrec", MessageField.VALUE))
    c.true("python registers under <topic>-<title>", "pyrec-py.Payment" in sr.get_subjects(),
           sr.get_subjects())
    rc, out, err = run("produce", "--type", "json", "--topic", "pyrec", "--value-schema",
                       schema_file, "--bootstrap", boot, "--registry", url,
                       "--registry-property", "value.subject.name.strategy=TopicRecordNameStrategy",
                       "--no-auto-register", stdin=json.dumps(VALUES[1]) + "\n")
    c.eq("cairn finds python's subject (TopicRecordNameStrategy, lookup only)", (rc, err), (0, ""))
    mine = raw_consume(boot, "pyrec", 1)
    c.eq("the same bytes under the record strategy", [b.hex() for b in mine], [theirs.hex()])


def main():
    cairnd_available()
    if not os.access(CAIRN, os.X_OK):
        print("skipped: cairn missing")
        return 77
    c = Checks("test_serdes_python_json")
    kport = free_port()
    boot = "127.0.0.1:%d" % kport
    srv = Cairnd(env={"CAIRN_CAIRN_KAFKA_LISTENERS": boot})
    schema_str = json.dumps(SCHEMA)
    try:
        srv.start()
        schema_file = os.path.join(srv.data_dir, "payment.json")
        with open(schema_file, "w") as f:
            f.write(schema_str)
        theirs = python_to_cairn(c, srv.url, boot, schema_str)
        des, ctx = cairn_to_python(c, srv.url, boot, schema_file, schema_str, theirs)
        bad_payload(c, srv.url, boot, schema_file, des, ctx)
        record_strategy(c, srv.url, boot, schema_file, schema_str)
    except Exception as e:  # noqa: BLE001 - reported as a failure with the server's log
        c.failed.append("exception: %r" % e)
        print("FAIL", repr(e), "\n", srv.tail())
    finally:
        srv.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
