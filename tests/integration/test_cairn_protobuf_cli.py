# SPDX-License-Identifier: Apache-2.0
#
# `cairn produce|consume --type protobuf` end to end against one real cairnd with its Kafka
# listener: a .proto whose import is found through -I (registered first, as a reference), proto3
# JSON lines in and out (64-bit integers as strings, enums by name, maps, well-known types),
# kcat showing the frame and the [0] message index, and the errors: an import that cannot be
# found, a line that does not match the message, an unknown --type, reader schemas with Protobuf.
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import BUILD, Cairnd, Checks, cairnd_available, free_port, request  # noqa: E402

CAIRN = os.path.join(BUILD, "bin", "cairn")

MONEY = 'syntax = "proto3";\npackage acme.common;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n'
ORDER = ('syntax = "proto3";\npackage acme;\n\nimport "acme/money.proto";\n'
         'import "google/protobuf/timestamp.proto";\n\nmessage Order {\n  enum Kind {\n    WEB = 0;\n'
         '    SHOP = 1;\n  }\n  uint64 id = 1;\n  common.Money total = 2;\n  Kind kind = 3;\n'
         '  map<string, string> attrs = 4;\n  google.protobuf.Timestamp at = 5;\n}\n')


def run(*args, stdin=None):
    p = subprocess.run([CAIRN] + list(args), input=stdin, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def checks(c, srv, boot, d):
    os.makedirs(os.path.join(d, "inc", "acme"))
    with open(os.path.join(d, "inc", "acme", "money.proto"), "w") as f:
        f.write(MONEY)
    order = os.path.join(d, "order.proto")
    with open(order, "w") as f:
        f.write(ORDER)
    reg = ["--registry", srv.url]
    kb = ["--bootstrap", boot]
    values = [{"id": "18446744073709551615", "total": {"currency": "EUR", "units": "-3"},
               "kind": "SHOP", "attrs": {"a": "1"}, "at": "2024-01-02T03:04:05.123Z"},
              {"id": "7"}]
    lines = "".join(json.dumps(v) + "\n" for v in values)
    rc, out, err = run("produce", "--type", "protobuf", "--topic", "pbcli", "--value-schema", order,
                       *kb, *reg, stdin=lines)
    c.true("import not found without -I", rc == 1 and "acme/money.proto" in err and "-I" in err, err)
    rc, out, err = run("produce", "--type", "protobuf", "--topic", "pbcli", "--value-schema", order,
                       "-I", os.path.join(d, "inc"), *kb, *reg, stdin=lines)
    c.eq("produce --type protobuf -I", (rc, err), (0, ""))
    st, body = request(srv.url, "GET", "/subjects/pbcli-value/versions/latest")
    c.eq("reference to the import", body.get("references"),
         [{"name": "acme/money.proto", "subject": "acme/money.proto", "version": 1}])
    rc, out, err = run("consume", "--type", "protobuf", "--topic", "pbcli", "--from-beginning",
                       "--max-messages", "2", "--timeout-ms", "30000", *kb, *reg)
    c.eq("consume --type protobuf", (rc, err), (0, ""))
    c.eq("proto3 JSON back", [json.loads(l) for l in out.strip().split("\n")] if rc == 0 else None,
         values)
    if shutil.which("kcat"):
        raw = subprocess.run(["kcat", "-b", boot, "-C", "-t", "pbcli", "-c", "1", "-e", "-f", "%s"],
                             capture_output=True, timeout=60).stdout
        c.eq("frame: magic, id, index [0]", (raw[0], int.from_bytes(raw[1:5], "big"), raw[5]),
             (0, body.get("id"), 0))
    rc, out, err = run("produce", "--type", "protobuf", "--topic", "pbcli", "--value-schema", order,
                       "-I", os.path.join(d, "inc"), *kb, *reg, stdin='{"kind":"NOPE"}\n')
    c.true("a bad line fails with its number", rc == 1 and "line 1" in err and "kind" in err, err)
    rc, out, err = run("produce", "--type", "protobuf", "--topic", "pbcli2", "--value-schema", order,
                       "-I", os.path.join(d, "inc"), "--message", "acme.Order", *kb, *reg,
                       stdin='{"id":"5","kind":"SHOP"}\n')
    c.eq("--message names the message", (rc, err), (0, ""))
    rc, out, err = run("produce", "--type", "protobuf", "--topic", "pbcli2", "--value-schema", order,
                       "-I", os.path.join(d, "inc"), "--message", "acme.Nope", *kb, *reg,
                       stdin='{}\n')
    c.true("--message of no message", rc == 1 and "acme.Nope" in err, err)
    rc, out, err = run("produce", "--type", "thrift", "--topic", "x", "--value-schema", order, *kb,
                       *reg)
    c.true("unknown --type", rc == 1 and "--type" in err, err)
    rc, out, err = run("consume", "--type", "protobuf", "--topic", "x", "--reader-schema", order,
                       *kb, *reg)
    c.true("no reader schema with protobuf", rc == 1 and "reader" in err, err)


def main():
    cairnd_available()
    if not os.access(CAIRN, os.X_OK):
        print("skipped: cairn missing")
        return 77
    c = Checks("cairn produce/consume --type protobuf")
    d = tempfile.mkdtemp(prefix="cairn-pbcli-")
    kport = free_port()
    srv = Cairnd(env={"CAIRN_CAIRN_KAFKA_LISTENERS": "127.0.0.1:%d" % kport})
    try:
        srv.start()
        checks(c, srv, "127.0.0.1:%d" % kport, d)
    except Exception as e:  # noqa: BLE001 - reported as a failure with the server's log
        c.failed.append("exception: %r" % e)
        print("FAIL", repr(e), "\n", srv.tail())
    finally:
        srv.cleanup()
        shutil.rmtree(d, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
