# SPDX-License-Identifier: Apache-2.0
#
# Confluent 8.x schema GUIDs and shapes on a real cairnd over loopback (Confluent's API reference,
# docs.confluent.io/platform/current/schema-registry/develop/api.html; docs/rest-api.md):
# - every schema object carries "guid" and "schemaType" ("AVRO" too);
# - the guid is the MD5 of the schema text, references, metadata and ruleSet written as a UUID
#   (the bytes of Confluent's Schema.updateHash, recomputed here with hashlib);
# - GET /schemas/guids/{guid} and GET /schemas/guids/{guid}/ids, across contexts;
# - the register answer has 8.x's shape; GUIDs survive a restart (they are computed from the
#   stored content on replay); unknown or malformed GUIDs are 404 40403 and change nothing.
import hashlib
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import ANY_GUID, Cairnd, Checks, cairnd_available, request  # noqa: E402

PAY = '{"type":"record","name":"Pay","namespace":"shop","fields":[{"name":"amt","type":"long"}]}'
ADDR = '{"type":"record","name":"Address","namespace":"acme","fields":[{"name":"city","type":"string"}]}'
USER = '{"type":"record","name":"User","namespace":"acme","fields":[{"name":"home","type":"Address"}]}'
PROTO = 'syntax = "proto3";\npackage shop;\n\nmessage Order {\n  string id = 1;\n}\n'


def confluent_guid(text, refs=(), metadata=None, rules=None):
    """The GUID as Confluent's Schema.updateHash digests it (written from its documented order)."""
    md = hashlib.md5(text.encode())
    for r in refs:
        md.update(r["name"].encode() + r["subject"].encode() + r["version"].to_bytes(4, "big"))
    if metadata is not None:
        md.update(b"\x01")
        for k in sorted(metadata.get("tags", {})):
            md.update(k.encode() + b"".join(v.encode() for v in sorted(set(metadata["tags"][k]))))
        for k in sorted(metadata.get("properties", {})):
            md.update(k.encode() + metadata["properties"][k].encode())
        for s in sorted(set(metadata.get("sensitive", []))):
            md.update(s.encode())
    if rules is not None:
        md.update(b"\x01")
        for kind in ("migrationRules", "domainRules", "encodingRules"):
            for r in rules.get(kind, []):
                for f in ("name", "doc", "kind", "mode", "type"):
                    md.update(r.get(f, "").encode())
                for t in sorted(set(r.get("tags", []))):
                    md.update(t.encode())
                for k in sorted(r.get("params", {})):
                    md.update(k.encode() + r["params"][k].encode())
                for f in ("expr", "onSuccess", "onFailure"):
                    md.update(r.get(f, "").encode())
                if r.get("disabled"):
                    md.update(b"\x01")
    return str(uuid.UUID(bytes=md.digest()))


def shapes(c, url):
    r = lambda m, p, b=None: request(url, m, p, b)  # noqa: E731
    st, reg = r("POST", "/subjects/pay-value/versions", {"schema": PAY})
    g = confluent_guid(PAY)
    c.eq("register answers 8.x's shape", (st, reg),
         (200, {"id": 1, "version": 1, "guid": g, "schemaType": "AVRO", "schema": PAY}))
    c.eq("guid is md5(text) as a UUID", g, str(uuid.UUID(hashlib.md5(PAY.encode()).hexdigest())))
    want = {"subject": "pay-value", "version": 1, "id": 1, "guid": g, "schemaType": "AVRO",
            "schema": PAY}
    c.eq("GET version", r("GET", "/subjects/pay-value/versions/1"), (200, want))
    c.eq("GET latest", r("GET", "/subjects/pay-value/versions/latest"), (200, want))
    c.eq("lookup", r("POST", "/subjects/pay-value", {"schema": PAY}), (200, want))
    c.eq("GET by id", r("GET", "/schemas/ids/1"),
         (200, {"guid": g, "schemaType": "AVRO", "schema": PAY}))
    c.eq("GET /schemas", r("GET", "/schemas"), (200, [want]))
    c.eq("GET by guid", r("GET", "/schemas/guids/" + g),
         (200, {"guid": g, "schemaType": "AVRO", "schema": PAY}))
    c.eq("GET by guid, upper-case and bare hex", r("GET", "/schemas/guids/" + g.upper().replace("-", "")),
         (200, {"guid": g, "schemaType": "AVRO", "schema": PAY}))
    c.eq("GET guid ids", r("GET", "/schemas/guids/%s/ids" % g), (200, [{"context": ".", "id": 1}]))
    c.eq("re-register: same answer", r("POST", "/subjects/pay-value/versions", {"schema": PAY}),
         (200, reg))
    return g


def parts(c, url):
    r = lambda m, p, b=None: request(url, m, p, b)  # noqa: E731
    c.eq("address", r("POST", "/subjects/address/versions", {"schema": ADDR})[0], 200)
    refs = [{"name": "acme.Address", "subject": "address", "version": 1}]
    st, body = r("POST", "/subjects/user/versions", {"schema": USER, "references": refs})
    c.eq("references hashed", (st, body.get("guid"), body.get("references")),
         (200, confluent_guid(USER, refs), refs))
    # the guid is the stored schema's, whatever format the text is answered in (Confluent sets it
    # before formatting, confluentinc/schema-registry#3741)
    st, res = r("GET", "/schemas/ids/%d?format=resolved" % body["id"])
    c.eq("format=resolved keeps the guid", (st, res.get("guid"), "Address" in res.get("schema")
                                            and "city" in res.get("schema")),
         (200, confluent_guid(USER, refs), True))
    st, res = r("GET", "/schemas/guids/%s?format=resolved" % body["guid"])
    c.eq("by guid, format=resolved", (st, res.get("guid"), "city" in res.get("schema")),
         (200, body["guid"], True))
    md = {"properties": {"owner": "team-a", "tier": "gold"}, "sensitive": ["ssn"],
          "tags": {"Pay.amt": ["PII"]}}
    st, body = r("POST", "/subjects/pay-md/versions", {"schema": PAY, "metadata": md})
    c.eq("metadata hashed", (st, body.get("guid")), (200, confluent_guid(PAY, metadata=md)))
    rules = {"domainRules": [{"name": "positive", "kind": "CONDITION", "mode": "WRITE",
                              "type": "CEL", "expr": "message.amt > 0", "params": {"k": "v"}}]}
    st, body = r("POST", "/subjects/pay-rules/versions", {"schema": PAY, "ruleSet": rules})
    want = confluent_guid(PAY, rules=rules)
    c.eq("ruleSet hashed", (st, body.get("guid")), (200, want))
    c.eq("by guid: metadata and ruleSet answered", r("GET", "/schemas/guids/" + want)[1].get("ruleSet"),
         rules)
    st, body = r("POST", "/subjects/orders-value/versions", {"schema": PROTO, "schemaType": "PROTOBUF"})
    c.eq("PROTOBUF", (st, body.get("schemaType"), body.get("guid")), (200, "PROTOBUF", ANY_GUID))


def contexts(c, url, g):
    r = lambda m, p, b=None: request(url, m, p, b)  # noqa: E731
    st, body = r("POST", "/subjects/:.other:pay-value/versions", {"schema": PAY})
    c.eq("same schema in another context: same guid", (st, body.get("guid")), (200, g))
    c.eq("guid ids: one per context", r("GET", "/schemas/guids/%s/ids" % g),
         (200, [{"context": ".", "id": 1}, {"context": ".other", "id": body["id"]}]))


def errors(c, url):
    r = lambda m, p: request(url, m, p)  # noqa: E731
    before = r("GET", "/schemas?deleted=true")
    for bad in ("00000000-0000-0000-0000-000000000000", "zz", "5ccd47f5-e724-4e25-b0a3",
                "5ccd47f5+e724-4e25-b0a3-076fcf3995eb", "%00", "x" * 300):
        for suffix in ("", "/ids"):
            st, body = r("GET", "/schemas/guids/%s%s" % (bad, suffix))
            c.eq("unknown guid %r%s" % (bad[:40], suffix), (st, body.get("error_code")), (404, 40403))
    c.eq("POST by guid: 405", r("POST", "/schemas/guids/x")[0], 405)
    c.eq("nothing changed", r("GET", "/schemas?deleted=true"), before)


def restart(c, srv, g):
    before = request(srv.url, "GET", "/schemas?deleted=true")
    c.eq("clean stop", srv.stop(), 0)
    srv.start()
    c.eq("guids after replay", request(srv.url, "GET", "/schemas?deleted=true"), before)
    c.eq("by guid after replay", request(srv.url, "GET", "/schemas/guids/%s/ids" % g)[1][0],
         {"context": ".", "id": 1})


def main():
    cairnd_available()
    c = Checks("test_registry_guid")
    srv = Cairnd().start()
    try:
        g = shapes(c, srv.url)
        parts(c, srv.url)
        contexts(c, srv.url, g)
        errors(c, srv.url)
        restart(c, srv, g)
    finally:
        srv.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
