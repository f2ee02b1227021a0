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
from regtest import Cairnd, Checks, Registered, cairnd_available, request  # noqa: E402

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
    c.eq("register", (st, r), (200, Registered(1)))
    st, r = request(url, "POST", "/subjects/pay-value/versions", body(compact(V1)))
    c.eq("same schema, other whitespace: same id", r, Registered(1))
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
    c.eq("register v2", r, Registered(2))
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


def bignums(c, url):
    """Integers beyond 64 bits, negative ones too, register and keep their digits."""
    t = ('{"type":"integer","minimum":-123456789012345678901234567890,'
         '"maximum":123456789012345678901234567890}')
    st, r = request(url, "POST", "/subjects/big-value/versions", body(t))
    c.eq("bignum bounds register", st, 200)
    st, r = request(url, "GET", "/subjects/big-value/versions/1")
    c.eq("bignum digits kept", r.get("schema"), t)


def metaschemas(c, url):
    """A $ref to a draft meta-schema resolves from cairnd's built-in copies (as Confluent's
    bundled ones), without references and without the network."""
    for i, uri in enumerate(["http://json-schema.org/draft-04/schema#",
                             "http://json-schema.org/draft-07/schema#",
                             "https://json-schema.org/draft/2019-09/schema",
                             "https://json-schema.org/draft/2020-12/schema"]):
        s = {"type": "object", "properties": {"schema": {"$ref": uri}}}
        st, r = request(url, "POST", "/subjects/meta%d-value/versions" % i, body(s))
        c.eq("$ref to " + uri, (st, "id" in r), (200, True))
    s = {"properties": {"n": {"$ref": "http://json-schema.org/draft-07/schema#/definitions/"
                                      "nonNegativeInteger"}}}
    st, r = request(url, "POST", "/subjects/meta9-value/versions", body(s))
    c.eq("$ref into a meta-schema's definitions", st, 200)
    ref = [{"name": "holder.json", "subject": "meta0-value", "version": 1}]
    st, r = request(url, "POST", "/subjects/meta8-value/versions",
                    body({"$ref": "holder.json"}, references=ref))
    c.eq("a reference whose schema $refs a meta-schema", st, 200)
    st, r = request(url, "POST", COMPAT % "meta8-value",
                    body({"$ref": "holder.json", "description": "d"}, references=ref))
    c.eq("compatibility through it", (st, r.get("is_compatible")), (200, True))
    # the diff follows a $ref into a meta-schema too (recursive: the meta-schema refers to itself)
    s = {"type": "object", "properties": {"schema": {"$ref": "http://json-schema.org/draft-07/"
                                                             "schema#"}}, "required": ["schema"]}
    st, r = request(url, "POST", COMPAT % "meta1-value", body(s))
    c.eq("compatibility across a meta-schema $ref", (st, r.get("is_compatible")), (200, False))
    c.true("REQUIRED_ATTRIBUTE_ADDED", any("REQUIRED_ATTRIBUTE_ADDED" in m
                                           for m in r.get("messages", [])), r)
    del s["required"]
    s["description"] = "a schema holding a draft-07 schema"  # DESCRIPTION_CHANGED: compatible
    st, r = request(url, "POST", COMPAT % "meta1-value", body(s))
    c.eq("compatible across a meta-schema $ref", (st, r.get("is_compatible")), (200, True))


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
    # Confluent's JsonSchema has no resolved form (ParsedSchema.formattedString's default throws
    # for any format): Cairn answers the stored text, its references listed.
    c.eq("format=resolved", (st, json.loads(r.get("schema", "null")), r.get("references")),
         (200, cust, ref))
    st, r = request(url, "GET", "/subjects/cust-value/versions/1?format=resolved")
    c.eq("format=resolved by version", (st, json.loads(r.get("schema", "null"))), (200, cust))
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


OPEN = {"type": "object", "properties": {"a": {"type": "string"}}}
CLOSED = {"type": "object", "properties": {"a": {"type": "string"}},
          "additionalProperties": False}
COMPAT = "/compatibility/subjects/%s/versions/latest?verbose=true"


def policy(c, url):
    """Confluent's compatibilityPolicy config field: LENIENT accepts closing an open content
    model (ADDITIONAL_PROPERTIES_REMOVED), STRICT (the default) does not; subject over global,
    null clears, a bad value is 42203 and changes nothing."""
    st, r = request(url, "POST", "/subjects/lp-value/versions", body(OPEN))
    c.eq("policy: register open", st, 200)
    st, r = request(url, "POST", COMPAT % "lp-value", body(CLOSED))
    c.eq("STRICT by default", r.get("is_compatible"), False)
    c.true("STRICT names the change",
           any("ADDITIONAL_PROPERTIES_REMOVED" in m for m in r.get("messages", [])), r)
    st, r = request(url, "PUT", "/config/lp-value", {"compatibilityPolicy": "lenient"})
    c.eq("PUT compatibilityPolicy", (st, r), (200, {"compatibilityPolicy": "lenient"}))
    st, r = request(url, "GET", "/config/lp-value")
    c.eq("GET shows it", r.get("compatibilityPolicy"), "lenient")
    st, r = request(url, "POST", COMPAT % "lp-value", body(CLOSED))
    c.eq("LENIENT: compatible", (st, r.get("is_compatible")), (200, True))
    st, r = request(url, "PUT", "/config/lp-value", {"compatibilityPolicy": "SLOPPY"})
    c.eq("unknown policy", (st, r.get("error_code")), (422, 42203))
    st, r = request(url, "PUT", "/config/lp-value",
                    {"compatibility": "FORWARD", "compatibilityPolicy": "LOGICAL"})
    c.eq("LOGICAL with FORWARD", (st, r.get("error_code")), (422, 42203))
    st, r = request(url, "GET", "/config/lp-value")
    c.eq("refused PUTs changed nothing", r, {"compatibilityPolicy": "lenient"})
    st, r = request(url, "PUT", "/config/lp-value", {"compatibilityPolicy": None})
    c.eq("null clears", (st, r), (200, {}))
    st, r = request(url, "POST", "/subjects/lp-value/versions", body(CLOSED))
    c.eq("register under STRICT again: 409", st, 409)
    st, r = request(url, "PUT", "/config", {"compatibilityPolicy": "LENIENT"})
    c.eq("global LENIENT", st, 200)
    st, r = request(url, "POST", "/subjects/lp-value/versions", body(CLOSED))
    c.eq("register under the global LENIENT", st, 200)
    st, r = request(url, "POST", "/subjects/lp2-value/versions", body(OPEN))
    st, r = request(url, "PUT", "/config/lp2-value", {"compatibilityPolicy": "STRICT"})
    st, r = request(url, "POST", COMPAT % "lp2-value", body(CLOSED))
    c.eq("subject STRICT over global LENIENT", r.get("is_compatible"), False)


def policy_after_restart(c, url):
    st, r = request(url, "GET", "/config")
    c.eq("global policy after restart", r.get("compatibilityPolicy"), "LENIENT")
    st, r = request(url, "POST", COMPAT % "lp2-value", body(CLOSED))
    c.eq("subject STRICT after restart", r.get("is_compatible"), False)
    st, r = request(url, "PUT", "/config", {"compatibilityPolicy": None})
    c.eq("global policy cleared", st, 200)


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
    cli_policy(c, url, os.path.join(BUILD, "bin", "cairn"))


def cli_policy(c, url, cairn):
    """cairn check --compatibility-policy: LENIENT offline and in the local check of the
    registry's versions (--level); without --level the registry's config decides."""
    import subprocess
    import tempfile
    st, r = request(url, "POST", "/subjects/cli-lp/versions", body(OPEN))
    files = []
    for doc in (OPEN, CLOSED):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(doc, f)
            files.append(f.name)
    try:
        def run(*args):
            return subprocess.run([cairn, "check", "--type", "json"] + list(args),
                                  capture_output=True, text=True, timeout=60).returncode
        c.eq("offline STRICT", run("--offline", "--against", files[0], files[1]), 100)
        c.eq("offline LENIENT", run("--offline", "--compatibility-policy", "lenient",
                                    "--against", files[0], files[1]), 0)
        c.eq("bad policy", run("--offline", "--compatibility-policy", "x",
                               "--against", files[0], files[1]), 1)
        online = ["--registry", url, "--subject", "cli-lp"]
        c.eq("online --level LENIENT", run(*online, "--level", "backward",
                                           "--compatibility-policy", "LENIENT", files[1]), 0)
        c.eq("online: the registry's STRICT", run(*online, files[1]), 100)
    finally:
        for n in files:
            os.unlink(n)


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
        metaschemas(c, d.url)
        bignums(c, d.url)
        references(c, d.url)
        python_client(c, d.url)
        cli_online(c, d.url)
        hostile(c, d.url)
        policy(c, d.url)
        restart(c, d)
        policy_after_restart(c, d.url)
    finally:
        d.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
