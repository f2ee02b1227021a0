# SPDX-License-Identifier: Apache-2.0
#
# `cairn topic|produce|consume` end to end against one real cairnd with its Kafka listener:
# topic create/list/describe/delete, a producer on schema v1 -> cairnd -> a consumer reading
# with a v2 reader schema (schema evolution), kcat showing the framed bytes (magic 0 + 4-byte
# big-endian id), keys, partitions, offsets, consumer groups, --value-schema-id and errors.
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import BUILD, Cairnd, Checks, cairnd_available, free_port  # noqa: E402

CAIRN = os.path.join(BUILD, "bin", "cairn")

V1 = {"type": "record", "name": "Order", "namespace": "shop",
      "fields": [{"name": "id", "type": "int"}, {"name": "item", "type": "string"}]}
V2 = {"type": "record", "name": "Order", "namespace": "shop",
      "fields": [{"name": "id", "type": "long"}, {"name": "item", "type": "string"},
                 {"name": "note", "type": ["null", "string"], "default": None}]}


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


def topics(c, e):
    rc, out, err = e.run("topic", "create", "orders", "--partitions", "3", "--config",
                         "retention.ms=3600000", *e.boot)
    c.eq("topic create", (rc, out.strip()), (0, "created orders"))
    rc, out, err = e.run("topic", "create", "orders", *e.boot)
    c.true("topic create twice fails", rc == 1 and "orders" in err, err)
    rc, out, _ = e.run("topic", "list", *e.boot)
    c.true("topic list shows orders, hides internal", "orders" in out.split() and "_schemas" not in out, out)
    rc, out, _ = e.run("topic", "list", "--all", "--json", *e.boot)
    c.true("topic list --all --json", "_schemas" in json.loads(out), out)
    rc, out, _ = e.run("topic", "describe", "orders", "--json", *e.boot)
    o = json.loads(out)
    c.eq("describe --json partitions", [p["partition"] for p in o["partitions"]], [0, 1, 2])
    c.eq("describe --json config set at create", o["configs"].get("retention.ms"), "3600000")
    rc, out, _ = e.run("topic", "describe", "orders", *e.boot)
    c.true("describe text", out.startswith("topic orders partitions 3") and "partition 2 leader" in out, out)
    rc, out, err = e.run("topic", "describe", "nope", *e.boot)
    c.eq("describe unknown topic", rc, 1)
    e.run("topic", "create", "scratch", *e.boot)
    rc, out, _ = e.run("topic", "delete", "scratch", *e.boot)
    c.eq("topic delete", (rc, out.strip()), (0, "deleted scratch"))
    rc, out, _ = e.run("topic", "list", *e.boot)
    c.true("deleted topic gone", "scratch" not in out.split(), out)
    rc, out, err = e.run("topic", "delete", "_schemas", *e.boot)
    c.eq("deleting _schemas is refused", rc, 1)
    rc, out, err = e.run("topic", "list")
    c.true("no bootstrap: usage error", rc == 1 and "--bootstrap" in err, err)


def evolution(c, e):
    v1, v2 = e.file("v1.avsc", V1), e.file("v2.avsc", V2)
    lines = "".join(json.dumps({"id": i, "item": "thing%d" % i}) + "\n" for i in range(5))
    rc, out, err = e.run("produce", "--topic", "orders", "--value-schema", v1, "--partition", "1",
                         *e.boot, *e.reg, stdin=lines)
    c.eq("produce v1 into partition 1", (rc, err), (0, ""))
    rc, out, _ = e.run("schema", "get", "orders-value", "--json", *e.reg)
    sid = json.loads(out)["id"]
    c.eq("produce registered orders-value", json.loads(json.loads(out)["schema"]), V1)
    rc, out, err = e.run("consume", "--topic", "orders", "--from-beginning", "--max-messages", "5",
                         "--timeout-ms", "10000", *e.boot, *e.reg)
    got = [json.loads(x) for x in out.splitlines()]
    c.eq("consume writer schema", got, [{"id": i, "item": "thing%d" % i} for i in range(5)])
    rc, out, err = e.run("consume", "--topic", "orders", "--from-beginning", "--max-messages", "5",
                         "--timeout-ms", "10000", "--reader-schema", v2, "--envelope", *e.boot, *e.reg)
    env = [json.loads(x) for x in out.splitlines()]
    c.eq("consume with v2 reader: defaults filled", [x["value"] for x in env],
         [{"id": i, "item": "thing%d" % i, "note": None} for i in range(5)])
    c.eq("envelope: partition, offsets, schema id", [(x["partition"], x["offset"], x["schema_id"]) for x in env],
         [(1, i, sid) for i in range(5)])
    # kcat: the framed bytes
    p = subprocess.run(["kcat", "-b", "127.0.0.1:%d" % e.kport, "-C", "-t", "orders", "-p", "1", "-o", "0",
                        "-c", "1", "-e", "-q", "-f", "%s"], capture_output=True, timeout=30)
    raw = p.stdout
    c.eq("kcat: magic byte 0", raw[:1], b"\x00")
    c.eq("kcat: 4-byte big-endian schema id", int.from_bytes(raw[1:5], "big"), sid)
    c.eq("kcat: Avro payload (zigzag id 0, string thing0)", raw[5:], b"\x00\x0cthing0")
    # a producer on v2 after evolution; a v1-pinned producer by id
    rc, out, err = e.run("produce", "--topic", "orders", "--value-schema", v2, "--partition", "2",
                         *e.boot, *e.reg, stdin='{"id": 9, "item": "x", "note": {"string": "hi"}}\n')
    c.eq("produce v2", (rc, err), (0, ""))
    rc, out, _ = e.run("schema", "versions", "orders-value", *e.reg)
    c.eq("v2 registered as version 2", out.split(), ["1", "2"])
    rc, out, err = e.run("produce", "--topic", "orders", "--value-schema-id", str(sid), "--partition", "2",
                         *e.boot, *e.reg, stdin='{"id": 10, "item": "y"}\n')
    c.eq("produce --value-schema-id", (rc, err), (0, ""))
    rc, out, err = e.run("consume", "--topic", "orders", "--partition", "2", "--offset", "beginning",
                         "--max-messages", "2", "--timeout-ms", "10000", "--reader-schema", v2,
                         *e.boot, *e.reg)
    c.eq("mixed writers read with v2", [json.loads(x) for x in out.splitlines()],
         [{"id": 9, "item": "x", "note": {"string": "hi"}}, {"id": 10, "item": "y", "note": None}])
    rc, out, err = e.run("produce", "--topic", "orders", "--latest", "--partition", "0", *e.boot, *e.reg,
                         stdin='{"id": 11, "item": "z", "note": null}\n')
    c.eq("produce --latest (the subject's v2)", (rc, err), (0, ""))
    rc, out, _ = e.run("consume", "--topic", "orders", "--partition", "0", "--offset", "beginning",
                       "--max-messages", "1", "--timeout-ms", "10000", "--envelope", *e.boot, *e.reg)
    o = json.loads(out)
    c.eq("--latest wrote with v2's id", (o["schema_id"], o["value"]), (2, {"id": 11, "item": "z", "note": None}))
    rc, out, err = e.run("consume", "--topic", "orders", "--partition", "1", "--offset", "3",
                         "--max-messages", "2", "--timeout-ms", "10000", *e.boot, *e.reg)
    c.eq("--offset N", [json.loads(x)["id"] for x in out.splitlines()], [3, 4])
    rc, out, err = e.run("produce", "--topic", "orders", "--value-schema", v1, *e.boot, *e.reg,
                         stdin='{"id": "not an int", "item": "z"}\n')
    c.true("bad line: exit 1 with the line number", rc == 1 and "line 1" in err, err)
    rc, out, err = e.run("produce", "--topic", "orders", "--value-schema", e.file("bad.avsc", {"type": "nope"}),
                         *e.boot, *e.reg, stdin="")
    c.eq("bad value schema: exit 1", rc, 1)


def keys_and_groups(c, e):
    v1, k = e.file("v1.avsc", V1), e.file("key.avsc", "string")
    lines = "".join('"k%d"\t%s\n' % (i, json.dumps({"id": i, "item": "i%d" % i})) for i in range(6))
    rc, out, err = e.run("topic", "create", "keyed", "--partitions", "2", *e.boot)
    rc, out, err = e.run("produce", "--topic", "keyed", "--value-schema", v1, "--key-schema", k,
                         "--parse-key", *e.boot, *e.reg, stdin=lines)
    c.eq("produce with Avro keys", (rc, err), (0, ""))
    rc, out, _ = e.run("schema", "list", "--prefix", "keyed", *e.reg)
    c.eq("key and value subjects", out.split(), ["keyed-key", "keyed-value"])
    grp = ["--group", "g1", "--timeout-ms", "10000", "--print-key", "--key-format", "avro"]
    rc, out1, err = e.run("consume", "--topic", "keyed", "--from-beginning", "--max-messages", "4",
                          *grp, *e.boot, *e.reg)
    rc2, out2, err2 = e.run("consume", "--topic", "keyed", "--from-beginning", "--max-messages", "2",
                            *grp, *e.boot, *e.reg)
    seen = sorted(out1.splitlines() + out2.splitlines())
    c.eq("group resumes from committed offsets: every message once",
         seen, sorted('k%d\t%s' % (i, json.dumps({"id": i, "item": "i%d" % i}, separators=(",", ":")))
                      for i in range(6)))
    rc, out, err = e.run("consume", "--topic", "keyed", "--group", "g1", "--max-messages", "1",
                         "--timeout-ms", "1500", *e.boot, *e.reg)
    c.eq("group at the end: nothing more", (rc, out), (0, ""))
    rc, out, _ = e.run("produce", "--topic", "keyed", "--value-schema", v1, "--parse-key",
                       "--key-separator", "|", *e.boot, *e.reg, stdin='raw-key|{"id": 77, "item": "r"}\n')
    c.eq("raw string key", rc, 0)
    rc, out, _ = e.run("consume", "--topic", "keyed", "--group", "g1", "--max-messages", "1",
                       "--timeout-ms", "10000", "--envelope", *e.boot, *e.reg)
    o = json.loads(out)
    c.eq("raw key in envelope", (o["key"], o["value"]["id"]), ("raw-key", 77))
    rc, out, err = e.run("consume", "--topic", "orders", "--from-beginning", "--max-messages", "1",
                         "--timeout-ms", "5000", "--reader-schema", e.file("r.avsc", "string"), *e.boot, *e.reg)
    c.true("incompatible reader schema: exit 1", rc == 1 and err, err)


def nul_defaults(c, e):
    """A reader schema with U+0000 defaults, and a writer schema with one and NUL data."""
    w = {"type": "record", "name": "Blob", "fields": [{"name": "a", "type": "int"},
                                                       {"name": "b", "type": "bytes", "default": "\x00"}]}
    r = {"type": "record", "name": "Blob", "fields": w["fields"] + [
        {"name": "f", "type": {"type": "fixed", "name": "F", "size": 1}, "default": "\x00"},
        {"name": "s", "type": "string", "default": "x\x00y", "doc": "\x00"}]}
    fw, fr = e.file("blob-w.avsc", w), e.file("blob-r.avsc", r)
    rc, out, err = e.run("produce", "--topic", "blobs", "--value-schema", fw, *e.boot, *e.reg,
                         stdin=json.dumps({"a": 1, "b": "\x00\x01"}) + "\n")
    c.eq("produce with a NUL default and NUL data", (rc, err), (0, ""))
    want = {"a": 1, "b": "\x00\x01", "f": "\x00", "s": "x\x00y"}
    rc, out, err = e.run("consume", "--topic", "blobs", "--from-beginning", "--max-messages", "1",
                         "--timeout-ms", "10000", "--reader-schema", fr, *e.boot, *e.reg)
    c.eq("consume: NUL defaults filled", [json.loads(x) for x in out.splitlines()], [want])
    rc, out, err = e.run("consume", "--topic", "blobs", "--from-beginning", "--max-messages", "1",
                         "--timeout-ms", "10000", "--reader-schema", fr, "--envelope", *e.boot,
                         *e.reg)
    c.eq("consume --envelope keeps U+0000", [json.loads(x)["value"] for x in out.splitlines()],
         [want])


def main():
    cairnd_available()
    if not os.access(CAIRN, os.X_OK) or not shutil.which("kcat"):
        print("skipped: cairn or kcat missing")
        return 77
    c = Checks("cairn topic/produce/consume")
    d = tempfile.mkdtemp(prefix="cairn-kcli-")
    kport = free_port()
    srv = Cairnd(env={"CAIRN_CAIRN_KAFKA_LISTENERS": "127.0.0.1:%d" % kport})
    try:
        srv.start()
        e = Env(srv, kport, d)
        topics(c, e)
        evolution(c, e)
        keys_and_groups(c, e)
        nul_defaults(c, e)
    finally:
        srv.cleanup()
        shutil.rmtree(d, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
