# SPDX-License-Identifier: Apache-2.0
#
# Byte compatibility of libcairn-serdes (its example programs in --hex mode) with Debian's
# python3-confluent-kafka 1.7.0, legacy Avro path (confluent_kafka.avro MessageSerializer on
# python3-avro): what Python encodes we decode to the same values, what we encode Python decodes,
# and equal values give identical bytes. Needs /usr/bin/python3 with those packages and a real
# registry: starts $CAIRN_BUILD/bin/cairnd (or $CAIRN_CAIRND) on a free loopback port with a
# temporary data dir; exits 77 (skipped) when either is missing.
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.environ.get("CAIRN_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("CAIRN_BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(ROOT, BUILD)
CAIRND = os.environ.get("CAIRN_CAIRND", os.path.join(BUILD, "bin", "cairnd"))
PRODUCER = os.path.join(BUILD, "examples", "cairn_avro_producer")
CONSUMER = os.path.join(BUILD, "examples", "cairn_avro_consumer")

SCHEMA = {
    "type": "record", "name": "Payment", "namespace": "py",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "amount", "type": "double"},
        {"name": "memo", "type": ["null", "string"], "default": None},
        {"name": "ok", "type": "boolean"},
        {"name": "items", "type": {"type": "array", "items": "int"}},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["CARD", "CASH"]}},
    ],
}
VALUES = [
    {"id": 42, "amount": 12.5, "memo": "caf\u00e9", "ok": True, "items": [1, 2, 3], "kind": "CASH"},
    {"id": -1, "amount": 0.0, "memo": None, "ok": False, "items": [], "kind": "CARD"},
]


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_cairnd():
    port = free_port()
    data = tempfile.mkdtemp(prefix="cairn-serdes-py-")
    # No Kafka listener: only the REST API is needed (and 9092 may be taken).
    env = dict(os.environ, CAIRN_CAIRN_KAFKA_LISTENERS="off")
    proc = subprocess.Popen([CAIRND, "--data-dir", data, "--http", "127.0.0.1:%d" % port],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = "http://127.0.0.1:%d" % port
    for _ in range(200):
        try:
            with urllib.request.urlopen(url + "/status/ready", timeout=1) as r:
                if r.status == 200:
                    return proc, data, url
        except Exception:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("cairnd did not become ready")


def ours(prog, args, lines):
    r = subprocess.run([prog] + args, input="\n".join(lines) + "\n", capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (os.path.basename(prog), r.stderr))
    return r.stdout.strip().split("\n")


def to_avro_json(v):
    return json.dumps(dict(v, memo=None if v["memo"] is None else {"string": v["memo"]}))


def from_avro_json(line):
    v = json.loads(line)
    return dict(v, memo=None if v["memo"] is None else v["memo"]["string"])


def main():
    if not os.path.exists(CAIRND):
        skip(CAIRND + " is not built yet")
    try:
        from confluent_kafka.avro import CachedSchemaRegistryClient, loads
        from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
    except Exception as e:  # noqa: BLE001 - any import problem means the client is unusable here
        skip("python3-confluent-kafka legacy Avro path unavailable: %s" % e)
    proc, data, url = start_cairnd()
    tmp = tempfile.mkdtemp(prefix="cairn-serdes-pyf-")
    try:
        schema_file = os.path.join(tmp, "s.avsc")
        with open(schema_file, "w") as f:
            json.dump(SCHEMA, f)
        client = CachedSchemaRegistryClient({"url": url})
        ms = MessageSerializer(client)
        schema = loads(json.dumps(SCHEMA))
        theirs = [ms.encode_record_with_schema("payments", schema, v) for v in VALUES]
        decoded = ours(CONSUMER, ["-r", url, "--hex"], [b.hex() for b in theirs])
        for line, want in zip(decoded, VALUES):
            assert from_avro_json(line) == want, (line, want)
        print("ok: python3-confluent-kafka (legacy avro) -> libcairn-serdes")
        mine = [bytes.fromhex(h) for h in
                ours(PRODUCER, ["-r", url, "-t", "payments", "-s", schema_file, "--hex"],
                     [to_avro_json(v) for v in VALUES])]
        for b, t, want in zip(mine, theirs, VALUES):
            assert b == t, (b.hex(), t.hex())
            assert ms.decode_message(b) == want
        print("ok: libcairn-serdes -> python3-confluent-kafka (same bytes)")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
