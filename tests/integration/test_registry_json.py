# SPDX-License-Identifier: Apache-2.0
#
# JSON Schema over HTTP against a real cairnd (Confluent's API reference and json-schema-provider
# behaviour): /schemas/types, register (canonical compact text, same id for the same schema in
# other whitespace, normalize=true), lookup, by id (object and raw), versions, compatibility with
# verbose messages at BACKWARD and FORWARD, 409 on incompatible register, 422 on invalid
# schemas, references between JSON schemas with referencedby and format=resolved, and Debian's
# python3-confluent-kafka SchemaRegistryClient registering a JSON schema. Run with
# /usr/bin/python3.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import Cairnd, Checks, cairnd_available, request  # noqa: E402

V1 = {"type": "object",
      "properties": {"id": {"type": "string"}, "amount": {"type": "number", "maximum": 100}},
      "required": ["id"]}
V2 = {"type": "object",
      "properties": {"id": {"type": "string"}, "amount": {"type": "number", "maximum": 1000}},
      "required": ["id"]}
NARROW = {"type": "object",
          "properties": {"id": {"type": "string"}, "amount": {"type": "number", "maximum": 10}},
          "required": ["id"]}
MSG = ("{errorType:\"MAXIMUM_DECREASED\", description:\"The value at path "
       "'#/properties/amount/maximum' in the new schema is less than its value in the old "
       "schema'}")


def body(schema, **kw):
    b = {"schema": schema if isinstance(schema, str) else json.dumps(schema), "schemaType": "JSON"}
    b.update(kw)
    return b


def compact(schema):
    return json.dumps(schema, separators=(",", ":"))


def basics(c, url):
    st, types = request(url, "GET", "/schemas/types")
    c.eq("types status", st, 200)
    c.true("types has JSON first", types and types[0] == "JSON", types)
    c.eq("types end with AVRO", types[-1], "AVRO")
    pretty = json.dumps(V1, indent=2)
    st, r = request(url, "POST", "/subjects/pay-value/versions", body(pretty))
    c.eq("register", (st, r), (200, {"id": 1}))
    st, r = request(url, "POST", "/subjects/pay-value/versions", body(compact(V1)))
    c.eq("same schema, other whitespace: same id", r, {"id": 1})
    st, r = request(url, "GET", "/schemas/ids/1")
    c.eq("by id", (st, r.get("schemaType"), r.get("schema")), (200, "JSON", compact(V1)))
    st, r = request(url, "GET", "/schemas/ids/1/schema")
    c.eq("raw by id", (st, r), (200, V1))
    st, r = request(url, "POST", "/subjects/pay-value", body(V1))
    c.eq("lookup", (st, r.get("id"), r.get("version"), r.get("schemaType")),
         (200, 1, 1, "JSON"))
    st, r = request(url, "GET", "/subjects/pay-value/versions/1")
    c.eq("version", (st, r.get("schemaType"), r.get("schema")), (200, "JSON", compact(V1)))
    st, r = request(url, "POST", "/compatibility/subjects/pay-value/versions/latest?verbose=true",
                    body(V2))
    c.eq("compatible", (st, r.get("is_compatible")), (200, True))
    st, r = request(url, "POST", "/compatibility/subjects/pay-value/versions/latest?verbose=true",
                    body(NARROW))
    c.eq("incompatible", (st, r.get("is_compatible")), (200, False))
    msgs = r.get("messages", [])
    c.eq("first message", msgs[:1], [MSG])
    c.eq("old version message", msgs[1:2], ["{oldSchemaVersion: 1}"])
    c.eq("last message", msgs[-1:], ["{validateFields: 'false', compatibility: 'BACKWARD'}"])
    st, r = request(url, "POST", "/subjects/pay-value/versions", body(NARROW))
    c.eq("incompatible register", (st, r.get("error_code")), (409, 409))
    c.true("409 lists the difference", "MAXIMUM_DECREASED" in r.get("message", ""), r)
    st, r = request(url, "POST", "/subjects/pay-value/versions", body(V2))
    c.eq("register v2", r, {"id": 2})
    st, r = request(url, "GET", "/subjects/pay-value/versions")
    c.eq("versions", r, [1, 2])
    st, r = request(url, "PUT", "/config/pay-value", {"compatibility": "FORWARD"})
    c.eq("forward", st, 200)
    st, r = request(url, "POST", "/compatibility/subjects/pay-value/versions/latest", body(NARROW))
    c.eq("narrowing is forward compatible", r, {"is_compatible": True})


def invalid(c, url):
    for name, schema in [("not json", "{\"type\":"), ("bad regex", "{\"pattern\":\"(\"}"),
                         ("dangling ref", "{\"$ref\":\"#/definitions/x\"}"),
                         ("remote ref", "{\"$ref\":\"http://example.com/s.json\"}")]:
        st, r = request(url, "POST", "/subjects/bad-value/versions", body(schema))
        c.eq("invalid: " + name, (st, r.get("error_code")), (422, 42201))
    st, r = request(url, "POST", "/compatibility/subjects/pay-value/versions/latest?verbose=true",
                    body("{\"type\":"))
    c.eq("invalid verbose", (st, r.get("is_compatible")), (200, False))
    st, r = request(url, "GET", "/subjects")
    c.true("nothing stored for bad schemas", "bad-value" not in r, r)


def normalize(c, url):
    s = {"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "integer"}}}
    st, r = request(url, "POST", "/subjects/norm-value/versions?normalize=true", body(s))
    c.eq("normalize register", st, 200)
    st, r = request(url, "GET", "/subjects/norm-value/versions/latest")
    c.eq("normalized text", r.get("schema"),
         '{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}')


def references(c, url):
    addr = {"type": "object", "properties": {"city": {"type": "string"}}}
    st, r = request(url, "POST", "/subjects/address/versions", body(addr))
    c.eq("register referenced", st, 200)
    aid = r.get("id")
    ref = [{"name": "address.json", "subject": "address", "version": 1}]
    cust = {"type": "object", "properties": {"home": {"$ref": "address.json"}}}
    st, r = request(url, "POST", "/subjects/cust-value/versions", body(cust, references=ref))
    c.eq("register with reference", st, 200)
    cid = r.get("id")
    st, r = request(url, "GET", "/schemas/ids/%s" % cid)
    c.eq("references kept", r.get("references"), ref)
    st, r = request(url, "GET", "/subjects/address/versions/1/referencedby")
    c.eq("referencedby", r, [cid])
    st, r = request(url, "GET", "/schemas/ids/%s?format=resolved" % cid)
    c.eq("format=resolved", (st, json.loads(r.get("schema", "null"))), (200, cust))
    st, r = request(url, "POST", "/subjects/cust-value/versions", body(cust))
    c.eq("unresolved reference", (st, r.get("error_code")), (422, 42201))
    bad = {"type": "object", "properties": {"home": {"$ref": "address.json#/properties/city"}}}
    st, r = request(url, "POST",
                    "/compatibility/subjects/cust-value/versions/latest?verbose=true",
                    body(bad, references=ref))
    c.eq("change through a reference", r.get("is_compatible"), False)
    c.true("TYPE_CHANGED reported", any("TYPE_CHANGED" in m for m in r.get("messages", [])), r)
    st, r = request(url, "DELETE", "/subjects/address/versions/1")
    c.eq("referenced version cannot be deleted", (st, r.get("error_code")), (422, 42206))
    c.true("ids differ", aid != cid)


def python_client(c, url):
    try:
        from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    except ImportError as e:
        print("python3-confluent-kafka missing:", e)
        return
    sr = SchemaRegistryClient({"url": url})
    text = json.dumps({"type": "object", "properties": {"n": {"type": "integer"}}})
    sid = sr.register_schema("py-json-value", Schema(text, "JSON"))
    got = sr.get_schema(sid)
    c.eq("client schema type", got.schema_type, "JSON")
    c.eq("client schema text", json.loads(got.schema_str), json.loads(text))
    reg = sr.lookup_schema("py-json-value", Schema(text, "JSON"))
    c.eq("client lookup", (reg.schema_id, reg.version), (sid, 1))
    wider = json.dumps({"type": "object", "properties": {"n": {"type": "number"}}})
    c.eq("client compatible", sr.test_compatibility("py-json-value", Schema(wider, "JSON")), True)
    narrower = json.dumps({"type": "object", "properties": {"n": {"type": "string"}}})
    c.eq("client incompatible",
         sr.test_compatibility("py-json-value", Schema(narrower, "JSON")), False)


def restart(c, d):
    """The stored JSON schemas (with their references) come back from _schemas on restart."""
    st, before = request(d.url, "GET", "/schemas/ids/1")
    d.stop()
    d.start()
    st, after = request(d.url, "GET", "/schemas/ids/1")
    c.eq("by id after restart", (st, after), (200, before))
    st, r = request(d.url, "POST", "/subjects/pay-value", body(V1))
    c.eq("lookup after restart", (st, r.get("id")), (200, 1))
    st, r = request(d.url, "GET", "/subjects/cust-value/versions/1")
    c.eq("referencing schema after restart", (st, r.get("schemaType")), (200, "JSON"))
    wide = {"type": "object", "properties": {"id": {"type": "string"},
                                             "amount": {"type": "number", "maximum": 10 ** 6}},
            "required": ["id"]}
    st, r = request(d.url, "POST", "/subjects/pay-value/versions", body(wide))
    c.eq("the subject's FORWARD level still applies after restart", st, 409)


def cli_online(c, url):
    """cairn check --type json against this registry reads the JSON messages back."""
    import subprocess
    import tempfile
    from regtest import BUILD
    st, r = request(url, "POST", "/subjects/cli-json/versions", body(V1))
    c.eq("register for the CLI", st, 200)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(NARROW, f)
    try:
        out = subprocess.run([os.path.join(BUILD, "bin", "cairn"), "check", "--registry", url,
                              "--type", "json", "--subject", "cli-json", f.name],
                             capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(f.name)
    c.eq("cairn check online exit", out.returncode, 100)
    c.true("cairn check online names the difference",
           "version 1: MAXIMUM_DECREASED at #/properties/amount/maximum" in out.stdout, out.stdout)


def hostile(c, url):
    """Bad input gets a clear error, nothing is stored, and nothing runs away."""
    import time
    deep = '{"not":' * 300 + 'true' + '}' * 300
    st, r = request(url, "POST", "/subjects/hostile/versions", body(deep))
    c.eq("nesting too deep", (st, r.get("error_code")), (422, 42201))
    c.true("deep message", "deeper than" in r.get("message", ""), r)

    def tree(d, leaf):
        if d == 0:
            leaf[0] += 1
            return {"type": "object", "maxProperties": leaf[0]}
        return {"anyOf": [tree(d - 1, leaf) for _ in range(4)]}
    s = json.dumps(tree(6, [0]))
    st, r = request(url, "POST", "/subjects/hostile/versions", body(s))
    c.eq("wide combined schema registers", st, 200)
    t0 = time.time()
    st, r = request(url, "POST", "/subjects/hostile/versions",
                    body(json.dumps(tree(6, [1]))))
    c.true("a diff too large to compute is refused in bounded time (%.1fs)" % (time.time() - t0),
           time.time() - t0 < 20 and st in (409, 413, 422), (st, r))
    st, r = request(url, "GET", "/subjects/hostile/versions")
    c.eq("only the first version stored", r, [1])


def main():
    cairnd_available()
    c = Checks("test_registry_json")
    d = Cairnd().start()
    try:
        basics(c, d.url)
        invalid(c, d.url)
        normalize(c, d.url)
        references(c, d.url)
        python_client(c, d.url)
        cli_online(c, d.url)
        hostile(c, d.url)
        restart(c, d)
    finally:
        d.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
