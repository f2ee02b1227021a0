# SPDX-License-Identifier: Apache-2.0
#
# libcairn-serdes Protobuf against Debian's python3-confluent-kafka 1.7.0 (ProtobufSerializer,
# ProtobufDeserializer, python3-protobuf, protoc), through a real cairnd and its bundled broker:
#  - Python serializes a shop.Order (importing common.proto, registered as a reference) and
#    produces it with confluent_kafka.Producer; `cairn consume --type protobuf` prints it as
#    proto3 JSON equal to json_format.MessageToDict, using only the registry's schema;
#  - `cairn produce --type protobuf` with the .proto files and that JSON writes bytes identical
#    to Python's (same schema id, same reference version), which ProtobufDeserializer reads back
#    into an equal message;
#  - Python's second message (shop.Ping) carries its message index [1] in 1.7's deprecated
#    unsigned form (01 01): the strict consumer refuses it, and with use.deprecated.format=true
#    `cairn consume` reads it.
# Run with /usr/bin/python3; exits 77 (skipped) when a piece is missing.
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from regtest import BUILD, ROOT, Cairnd, Checks, cairnd_available, free_port  # noqa: E402

try:
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    from google.protobuf import json_format
except ImportError as e:
    print("skipped:", e)
    sys.exit(77)

CAIRN = os.path.join(BUILD, "bin", "cairn")
DATA = os.path.join(ROOT, "tests", "data", "serdes_pb")


def generated(tmp):
    subprocess.run(["protoc", "--python_out=" + tmp, "-I" + DATA, "common.proto", "shop.proto"],
                   check=True)
    sys.path.insert(0, tmp)
    import shop_pb2  # noqa: E402
    return shop_pb2


def order(shop_pb2):
    o = shop_pb2.Order(id=9007199254740993, customer="Zo\u00eb", status=shop_pb2.Order.PAID,
                       blob=b"\x00\xff\x10", codes=[3, -1, 300], ratio=0.5, rush=True, delta=-5,
                       big=18446744073709551615)
    o.lines.add(sku="A-1", qty=2)
    o.lines.add(sku="B-2", qty=1)
    o.tags["gift"] = 1
    o.total.currency = "EUR"
    o.total.units = 1234567890123
    return o


def raw_consume(boot, topic):
    c = Consumer({"bootstrap.servers": boot, "group.id": "pyraw-" + topic,
                  "auto.offset.reset": "earliest"})
    c.subscribe([topic])
    try:
        for _ in range(60):
            m = c.poll(1.0)
            if m is not None and not m.error():
                return m.value()
    finally:
        c.close()
    return None


def run(*args, stdin=None):
    p = subprocess.run([CAIRN] + list(args), input=stdin, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def checks(c, url, boot, shop_pb2):
    sr = SchemaRegistryClient({"url": url})
    ser = ProtobufSerializer(shop_pb2.Order, sr, {"auto.register.schemas": True})
    msg = order(shop_pb2)
    theirs = ser(msg, SerializationContext("pyorders", MessageField.VALUE))
    p = Producer({"bootstrap.servers": boot})
    p.produce("pyorders", value=theirs)
    c.eq("python produce flushed", p.flush(30), 0)

    rc, out, err = run("consume", "--type", "protobuf", "--topic", "pyorders", "--from-beginning",
                       "--max-messages", "1", "--timeout-ms", "30000", "--bootstrap", boot,
                       "--registry", url)
    c.eq("cairn consume --type protobuf", (rc, err), (0, ""))
    want = json_format.MessageToDict(msg)
    c.eq("python -> cairn: proto3 JSON", json.loads(out) if rc == 0 else None, want)

    rc, out, err = run("produce", "--type", "protobuf", "--topic", "corders", "--value-schema",
                       os.path.join(DATA, "shop.proto"), "--bootstrap", boot, "--registry", url,
                       stdin=json.dumps(want) + "\n")
    c.eq("cairn produce --type protobuf", (rc, err), (0, ""))
    mine = raw_consume(boot, "corders")
    c.eq("cairn -> python: identical bytes (same id, same reference)",
         mine.hex() if mine else None, theirs.hex())
    back = ProtobufDeserializer(shop_pb2.Order)(mine, SerializationContext("corders",
                                                                           MessageField.VALUE))
    c.eq("cairn -> python: ProtobufDeserializer reads it", back, msg)

    pser = ProtobufSerializer(shop_pb2.Ping, sr, {"auto.register.schemas": True})
    ping = pser(shop_pb2.Ping(text="hi"), SerializationContext("pypings", MessageField.VALUE))
    c.eq("python 1.7 writes [1] unsigned", ping[5:7].hex(), "0101")
    p.produce("pypings", value=ping)
    p.flush(30)
    args = ["consume", "--type", "protobuf", "--topic", "pypings", "--from-beginning",
            "--max-messages", "1", "--timeout-ms", "30000", "--bootstrap", boot, "--registry", url]
    rc, out, err = run(*args)
    c.true("strict consumer refuses the deprecated form", rc == 1 and "message indexes" in err, err)
    rc, out, err = run(*args, "--registry-property", "use.deprecated.format=true")
    c.eq("use.deprecated.format=true reads it", (rc, out.strip()), (0, '{"text":"hi"}'))


def main():
    cairnd_available()
    if not os.access(CAIRN, os.X_OK) or not shutil.which("protoc"):
        print("skipped: cairn or protoc missing")
        return 77
    c = Checks("test_serdes_python_protobuf")
    tmp = tempfile.mkdtemp(prefix="cairn-pbpy-")
    kport = free_port()
    srv = Cairnd(env={"CAIRN_CAIRN_KAFKA_LISTENERS": "127.0.0.1:%d" % kport})
    try:
        srv.start()
        checks(c, srv.url, "127.0.0.1:%d" % kport, generated(tmp))
    except Exception as e:  # noqa: BLE001 - reported as a failure with the server's log
        c.failed.append("exception: %r" % e)
        print("FAIL", repr(e), "\n", srv.tail())
    finally:
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
