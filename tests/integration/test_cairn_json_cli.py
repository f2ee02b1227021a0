# SPDX-License-Identifier: Apache-2.0
#
# `cairn produce|consume --type json` end to end against one real cairnd with its Kafka listener:
# JSON Schema values produced from a schema file (registered with schemaType JSON), the framed
# bytes seen by kcat (magic 0 + 4-byte id + the JSON text), a value that does not conform
# refused before anything is sent, keys, a reader schema, RecordNameStrategy from "title", and a
# consumer that refuses an Avro message under --type json.
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import BUILD, Cairnd, Checks, cairnd_available, free_port  # noqa: E402

CAIRN = os.path.join(BUILD, "bin", "cairn")

ORDER = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "shop.Order",
         "type": "object",
         "properties": {"id": {"type": "integer", "minimum": 1},
                        "item": {"type": "string", "maxLength": 20}},
         "required": ["id", "item"]}
KEY = {"type": "object", "properties": {"k": {"type": "string"}}, "required": ["k"]}
READER = {"type": "object", "properties": {"id": {"type": "integer", "maximum": 2}}}


class Env:
    def __init__(self, srv, kport, d):
        self.reg = ["--registry", srv.url]
        self.boot = ["--bootstrap", "127.0.0.1:%d" % kport]
        self.kport = kport
        self.d = d

    def run(self, *args, stdin=None, timeout=60):
        p = subprocess.run([CAIRN] + list(args), input=stdin, capture_output=True, text=True,
                           timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def file(self, name, obj):
        path = os.path.join(self.d, name)
        with open(path, "w") as f:
            f.write(json.dumps(obj))
        return path

    def consume(self, topic, n, *extra):
        return self.run("consume", "--type", "json", "--topic", topic, "--from-beginning",
                        "--max-messages", str(n), "--timeout-ms", "10000", *extra, *self.boot,
                        *self.reg)


def values(c, e):
    f = e.file("order.json", ORDER)
    lines = '{"id": 1, "item": "a"}\n{"id":2,"item":"b"}\n'
    rc, out, err = e.run("produce", "--type", "json", "--topic", "jorders", "--value-schema", f,
                         *e.boot, *e.reg, stdin=lines)
    c.eq("produce two JSON values", (rc, err), (0, ""))
    rc, out, _ = e.run("schema", "get", "jorders-value", "--json", *e.reg)
    got = json.loads(out) if rc == 0 else {}
    c.eq("registered as JSON", got.get("schemaType"), "JSON")
    sid = got.get("id")
    p = subprocess.run(["kcat", "-b", "127.0.0.1:%d" % e.kport, "-C", "-t", "jorders", "-o", "0",
                        "-c", "1", "-e", "-f", "%s"], capture_output=True, timeout=30)
    raw = p.stdout
    c.eq("kcat: magic byte 0", raw[:1], b"\x00")
    c.eq("kcat: 4-byte big-endian schema id", int.from_bytes(raw[1:5], "big"), sid)
    c.eq("kcat: the JSON text as written", raw[5:], b'{"id": 1, "item": "a"}')
    rc, out, err = e.consume("jorders", 2)
    c.eq("consume prints compact JSON lines", (rc, out.splitlines()),
         (0, ['{"id":1,"item":"a"}', '{"id":2,"item":"b"}']))
    rc, out, err = e.run("produce", "--type", "json", "--topic", "jorders", "--value-schema", f,
                         *e.boot, *e.reg, stdin='{"id": 0, "item": "c"}\n{"id":3,"item":"d"}\n')
    c.true("a value below minimum fails, naming the path",
           rc == 1 and "/id" in err and "minimum" in err, err)
    rc, out, err = e.consume("jorders", 3, "--timeout-ms", "3000")
    c.eq("nothing produced from the failed run", len(out.splitlines()), 2)
    rc, out, err = e.run("produce", "--type", "json", "--topic", "jpinned", "--value-schema-id",
                         str(sid), *e.boot, *e.reg, stdin='{"id":"x","item":"p"}\n')
    c.true("--value-schema-id validates against the pinned schema", rc == 1 and "/id" in err, err)
    rc, out, err = e.run("produce", "--type", "json", "--topic", "jpinned", "--value-schema-id",
                         str(sid), *e.boot, *e.reg, stdin='{"id":4,"item":"p"}\n')
    c.eq("--value-schema-id produces", (rc, err), (0, ""))
    rc, out, err = e.consume("jorders", 2, "--reader-schema", e.file("reader.json", READER))
    c.eq("consume with a reader schema", rc, 0)
    rc, out, err = e.consume("jorders", 3, "--reader-schema", e.file("reader2.json",
                                                                  {"maxProperties": 1}))
    c.true("a value the reader schema refuses fails", rc == 1 and "reader schema" in err, err)


def keys(c, e):
    kf, vf = e.file("key.json", KEY), e.file("order2.json", ORDER)
    line = '{"k":"x"}\t{"id":5,"item":"e"}\n'
    rc, out, err = e.run("produce", "--type", "json", "--topic", "jkeys", "--value-schema", vf,
                         "--key-schema", kf, "--parse-key", *e.boot, *e.reg, stdin=line)
    c.eq("produce a JSON key and value", (rc, err), (0, ""))
    rc, out, err = e.consume("jkeys", 1, "--print-key", "--key-format", "avro")
    c.eq("consume the key with the value's type", out, '{"k":"x"}\t{"id":5,"item":"e"}\n')


def strategies(c, e):
    f = e.file("order3.json", ORDER)
    rc, out, err = e.run("produce", "--type", "json", "--topic", "jrec", "--value-schema", f,
                         "--registry-property", "value.subject.name.strategy=RecordNameStrategy",
                         *e.boot, *e.reg, stdin='{"id":9,"item":"f"}\n')
    c.eq("produce with RecordNameStrategy", (rc, err), (0, ""))
    rc, out, _ = e.run("schema", "get", "shop.Order", "--json", *e.reg)
    c.eq("subject is the schema's title", rc, 0)


def big_numbers(c, e):
    f = e.file("any.json", {"type": "object"})
    text = '{"n": 123456789012345678901234567890}'
    rc, out, err = e.run("produce", "--type", "json", "--topic", "jbig", "--value-schema", f,
                         *e.boot, *e.reg, stdin=text + "\n")
    c.eq("produce an integer beyond 64 bits", (rc, err), (0, ""))
    rc, out, err = e.consume("jbig", 1)
    c.eq("consume prints its digits", out, '{"n":123456789012345678901234567890}\n')
    rc, out, err = e.consume("jbig", 1, "--envelope")
    env = json.loads(out) if rc == 0 and out else {}
    c.eq("--envelope keeps the value (as a double)", env.get("value"),
         {"n": float(123456789012345678901234567890)})


def wrong_type(c, e):
    avsc = e.file("s.avsc", {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]})
    rc, out, err = e.run("produce", "--topic", "javro", "--value-schema", avsc, *e.boot, *e.reg,
                         stdin='{"a":1}\n')
    c.eq("produce Avro", rc, 0)
    rc, out, err = e.consume("javro", 1)
    c.true("--type json refuses an Avro message", rc == 1 and "AVRO" in err, err)
    rc, out, err = e.run("produce", "--type", "xml", "--topic", "t", "--value-schema", avsc,
                         *e.boot, *e.reg)
    c.true("--type xml is a usage error", rc == 1 and "--type" in err, err)


def main():
    cairnd_available()
    if not os.access(CAIRN, os.X_OK) or not shutil.which("kcat"):
        print("skipped: cairn or kcat missing")
        return 77
    c = Checks("cairn produce/consume --type json")
    d = tempfile.mkdtemp(prefix="cairn-jcli-")
    kport = free_port()
    srv = Cairnd(env={"CAIRN_CAIRN_KAFKA_LISTENERS": "127.0.0.1:%d" % kport})
    try:
        srv.start()
        e = Env(srv, kport, d)
        values(c, e)
        keys(c, e)
        strategies(c, e)
        big_numbers(c, e)
        wrong_type(c, e)
    finally:
        srv.cleanup()
        shutil.rmtree(d, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
