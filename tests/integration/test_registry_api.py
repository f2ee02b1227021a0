# SPDX-License-Identifier: Apache-2.0
#
# The REST API of a real cairnd over loopback (Confluent's API reference,
# docs.confluent.io/platform/current/schema-registry/develop/api.html; docs/rest-api.md): every
# endpoint, the error codes that apply, content negotiation, bad input and slow clients. Starts
# its own cairnd on a free port with a temporary data dir and always stops it.
import json
import os
import socket
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import Cairnd, Checks, Registered, cairnd_available, request  # noqa: E402

REC1 = json.dumps({"type": "record", "name": "Order", "namespace": "acme",
                   "fields": [{"name": "id", "type": "long"}]})
REC2 = json.dumps({"type": "record", "name": "Order", "namespace": "acme",
                   "fields": [{"name": "id", "type": "long"},
                              {"name": "note", "type": "string", "default": ""}]})
REC_BAD = json.dumps({"type": "record", "name": "Order", "namespace": "acme",
                      "fields": [{"name": "id", "type": "long"}, {"name": "qty", "type": "int"}]})
ADDR = json.dumps({"type": "record", "name": "Address", "namespace": "acme",
                   "fields": [{"name": "city", "type": "string"}]})
USER = json.dumps({"type": "record", "name": "User", "namespace": "acme",
                   "fields": [{"name": "home", "type": "acme.Address"}]})
MONEY = ('{"type":"record","name":"Money","namespace":"fin","fields":[{"name":"cur","type":'
         '{"type":"enum","name":"Currency","symbols":["EUR","USD"]}},{"name":"amt","type":"long"}]}')
LINE = ('{"type":"record","name":"Line","namespace":"shop","fields":[{"name":"price","type":'
        '"fin.Money"},{"name":"tax","type":"fin.Money"}]}')
ORDER = ('{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"lines","type":'
         '{"type":"array","items":"Line"}},{"name":"total","type":"fin.Money"},{"name":"cur",'
         '"type":"fin.Currency"}]}')
# ORDER as stored (Confluent's canonicalString): the references' roots by name, Currency (nested
# in the referenced Money) in full at its first use
ORDER_CANON = ('{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"lines","type":'
               '{"type":"array","items":"Line"}},{"name":"total","type":"fin.Money"},{"name":"cur",'
               '"type":{"type":"enum","name":"Currency","namespace":"fin","symbols":["EUR","USD"]}}]}')
# ORDER with its references inlined: each named type in full at its first use, then by name
ORDER_RESOLVED = (
    '{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"lines","type":'
    '{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"price","type":'
    '{"type":"record","name":"Money","namespace":"fin","fields":[{"name":"cur","type":'
    '{"type":"enum","name":"Currency","symbols":["EUR","USD"]}},{"name":"amt","type":"long"}]}},'
    '{"name":"tax","type":"fin.Money"}]}}},{"name":"total","type":"fin.Money"},{"name":"cur",'
    '"type":"fin.Currency"}]}')


def raw_get(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as resp:
        return resp.status, resp.read().decode()


def formats(c, base):
    """format=resolved (GET /schemas/ids/{id}, the version reads) on schemas referencing other subjects, in context .fmt."""
    def r(method, path, body=None):
        return request(base, method, path, body)
    order_refs = [{"name": "shop.Line", "subject": "line", "version": 1}]
    c.eq("fmt money", r("POST", "/subjects/:.fmt:money/versions", {"schema": MONEY}),
         (200, Registered(1)))
    c.eq("fmt line", r("POST", "/subjects/:.fmt:line/versions", {
        "schema": LINE, "references": [{"name": "fin.Money", "subject": "money", "version": 1}]}),
        (200, Registered(2)))
    c.eq("fmt order", r("POST", "/subjects/:.fmt:order/versions",
                        {"schema": ORDER, "references": order_refs}), (200, Registered(3)))
    v = "/subjects/:.fmt:order/versions/1"
    st, body = r("GET", v)
    c.eq("fmt default names the references' roots", (st, body.get("schema")), (200, ORDER_CANON))
    st, body = r("GET", v + "?format=resolved")
    c.eq("fmt resolved version", (st, body.get("schema")), (200, ORDER_RESOLVED))
    c.eq("fmt resolved keeps references", body.get("references"),
         [{"name": "shop.Line", "subject": "line", "version": 1}])
    for f in ("default", "bogus", "RESOLVED", ""):
        c.eq("fmt %r is default" % f, r("GET", v + "?format=" + f)[1].get("schema"), ORDER_CANON)
    c.eq("fmt resolved /schema", raw_get(base, v + "/schema?format=resolved"),
         (200, ORDER_RESOLVED))
    c.eq("fmt latest /schema", raw_get(base, "/subjects/:.fmt:order/versions/latest/schema"),
         (200, ORDER_CANON))
    ids = "/schemas/ids/3?subject=:.fmt:order"
    st, body = r("GET", ids + "&format=resolved")
    c.eq("fmt resolved by id", (st, body.get("schema")), (200, ORDER_RESOLVED))
    c.eq("fmt by id cached body unchanged", r("GET", ids)[1].get("schema"), ORDER_CANON)
    c.eq("fmt by id fetchMaxId resolved",
         r("GET", ids + "&format=resolved&fetchMaxId=true")[1].get("schema"), ORDER_RESOLVED)
    c.eq("fmt resolved by id /schema",
         raw_get(base, "/schemas/ids/3/schema?subject=:.fmt:order&format=resolved"),
         (200, ORDER_RESOLVED))
    st, body = r("POST", "/subjects/:.fmt:order?format=resolved",
                 {"schema": ORDER, "references": order_refs})
    c.eq("fmt lookup resolved", (st, body.get("schema"), body.get("id")), (200, ORDER_RESOLVED, 3))
    st, body = r("GET", "/subjects/:.fmt:line/versions/1?format=resolved")
    c.true("fmt line resolved inlines Money once",
           st == 200 and body["schema"].count('"name":"Money"') == 1, body)
    # round trip: the resolved text registers without references, as itself
    c.eq("fmt flat register", r("POST", "/subjects/:.fmt:flat/versions",
                                {"schema": ORDER_RESOLVED}), (200, Registered(4)))
    c.eq("fmt flat text", raw_get(base, "/subjects/:.fmt:flat/versions/1/schema"),
         (200, ORDER_RESOLVED))
    # the stored text parses back with its references: the same schema, found by lookup
    st, body = r("POST", "/subjects/:.fmt:order", {"schema": ORDER_CANON, "references": order_refs})
    c.eq("fmt canonical looks up", (st, body.get("id"), body.get("version")), (200, 3, 1))


def import_clear(c, base):
    """Entering IMPORT purges soft-deleted versions (tombstones + CLEAR_SUBJECT, as PUT /mode does)."""
    def r(method, path, body=None):
        return request(base, method, path, body)
    s = "/subjects/:.imp:gone"
    c.eq("imp register", r("POST", s + "/versions", {"schema": "\"int\""}), (200, Registered(1)))
    c.eq("imp soft delete", r("DELETE", s), (200, [1]))
    c.eq("imp deleted listed", r("GET", s + "/versions?deleted=true"), (200, [1]))
    c.eq("imp enter", r("PUT", "/mode/:.imp:gone", {"mode": "IMPORT"}), (200, {"mode": "IMPORT"}))
    st, body = r("GET", s + "/versions?deleted=true")
    c.eq("imp purged", (st, body.get("error_code")), (404, 40401))
    c.eq("imp register with id", r("POST", s + "/versions",
                                   {"schema": "\"long\"", "id": 7, "version": 1}), (200, Registered(7)))
    c.eq("imp versions", r("GET", s + "/versions"), (200, [1]))
    c.eq("imp leave", r("PUT", "/mode/:.imp:gone", {"mode": "READWRITE"}),
         (200, {"mode": "READWRITE"}))
    # context-wide: CLEAR_SUBJECT for ":.imp2:" purges every subject of that context only
    c.eq("imp2 a", r("POST", "/subjects/:.imp2:a/versions", {"schema": "\"int\""}), (200, Registered(1)))
    c.eq("imp2 b", r("POST", "/subjects/:.imp2:b/versions", {"schema": "\"long\""}), (200, Registered(2)))
    c.eq("imp2 delete a", r("DELETE", "/subjects/:.imp2:a"), (200, [1]))
    st, body = r("PUT", "/mode/:.imp2:", {"mode": "IMPORT"})
    c.eq("imp2 live subject blocks", (st, body.get("error_code")), (422, 42205))
    c.eq("imp2 delete b", r("DELETE", "/subjects/:.imp2:b"), (200, [1]))
    c.eq("imp2 enter", r("PUT", "/mode/:.imp2:", {"mode": "IMPORT"}), (200, {"mode": "IMPORT"}))
    c.eq("imp2 purged", r("GET", "/subjects?deleted=true&subjectPrefix=:.imp2:"), (200, []))
    c.eq("imp2 leave", r("DELETE", "/mode/:.imp2:"), (200, {"mode": "IMPORT"}))


def run(c, base):
    def r(method, path, body=None, **kw):
        return request(base, method, path, body, **kw)

    def err(what, resp, status, code, msg=None):
        st, body = resp
        c.eq(what + " status", st, status)
        c.eq(what + " error_code", body.get("error_code") if isinstance(body, dict) else body, code)
        if msg is not None:
            c.eq(what + " message", body.get("message") if isinstance(body, dict) else body, msg)

    # root, metadata, readiness, types
    c.eq("GET /", r("GET", "/"), (200, {}))
    c.eq("POST /", r("POST", "/", {"a": 1}), (200, {}))
    c.eq("ready", r("GET", "/status/ready"), (200, {"ready": True}))
    st, body = r("GET", "/v1/metadata/version")
    c.true("metadata version", st == 200 and "version" in body, body)
    st, body = r("GET", "/v1/metadata/id")
    c.true("metadata id", st == 200 and "scope" in body, body)
    c.eq("types: Confluent's order", r("GET", "/schemas/types"),
         (200, ["JSON", "PROTOBUF", "AVRO"]))

    # register, identity, canonical text
    c.eq("register", r("POST", "/subjects/orders-value/versions?normalize=false",
                       {"schema": REC1, "unknownField": [1, 2]}), (200, Registered(1)))
    c.eq("re-register (spacing)", r("POST", "/subjects/orders-value/versions",
                                    {"schema": json.dumps(json.loads(REC1), indent=2)}),
         (200, Registered(1)))
    c.eq("same schema other subject", r("POST", "/subjects/other/versions",
                                        {"schema": REC1, "schemaType": "AVRO"}), (200, Registered(1)))
    c.eq("string canonical", r("POST", "/subjects/str/versions",
                               {"schema": "{\"type\":\"string\"}"}), (200, Registered(2)))
    c.eq("string stored canonical", r("GET", "/subjects/str/versions/1/schema"), (200, "string"))
    st, body = r("GET", "/subjects/orders-value/versions/latest")
    c.eq("latest shape", (st, sorted(body)), (200, ["guid", "id", "schema", "schemaType", "subject", "version"]))
    c.eq("latest values", (body["subject"], body["version"], body["id"]), ("orders-value", 1, 1))
    c.eq("version -1", r("GET", "/subjects/orders-value/versions/-1")[1], body)
    c.eq("latest any case", r("GET", "/subjects/orders-value/versions/LaTeSt")[1], body)

    # compatibility and the 409 of an incompatible registration
    c.eq("compat ok", r("POST", "/compatibility/subjects/orders-value/versions/latest",
                        {"schema": REC2}), (200, {"is_compatible": True}))
    c.eq("compat bad", r("POST", "/compatibility/subjects/orders-value/versions/1",
                         {"schema": REC_BAD}), (200, {"is_compatible": False}))
    st, body = r("POST", "/compatibility/subjects/orders-value/versions?verbose=true",
                 {"schema": REC_BAD})
    c.true("compat verbose", st == 200 and body["is_compatible"] is False and
           any("READER_FIELD_MISSING_DEFAULT_VALUE" in m for m in body["messages"]), body)
    c.eq("compat no subject", r("POST", "/compatibility/subjects/nosuch/versions/latest",
                                {"schema": REC1}), (200, {"is_compatible": True}))
    err("compat missing version", r("POST", "/compatibility/subjects/orders-value/versions/9",
                                    {"schema": REC1}), 404, 40402)
    err("compat bad version", r("POST", "/compatibility/subjects/orders-value/versions/0",
                                {"schema": REC1}), 422, 42202)
    err("compat invalid schema", r("POST", "/compatibility/subjects/orders-value/versions/1",
                                   {"schema": "{\"type\":\"nope\"}"}), 422, 42201)
    st, body = r("POST", "/compatibility/subjects/orders-value/versions/1?verbose=true",
                 {"schema": "{\"type\":\"nope\"}"})
    c.true("compat invalid verbose", st == 200 and body["is_compatible"] is False, body)
    st, body = r("POST", "/subjects/orders-value/versions", {"schema": REC_BAD})
    c.eq("incompatible 409", (st, body.get("error_code")), (409, 409))
    c.true("incompatible message", body.get("message", "").startswith(
        "Schema being registered is incompatible with an earlier schema for subject "
        "\"orders-value\""), body)
    c.eq("register v2", r("POST", "/subjects/orders-value/versions", {"schema": REC2}),
         (200, Registered(3)))
    c.eq("versions", r("GET", "/subjects/orders-value/versions"), (200, [1, 2]))
    c.eq("older live version returned", r("POST", "/subjects/orders-value/versions",
                                          {"schema": REC1}), (200, Registered(1)))
    err("version in READWRITE", r("POST", "/subjects/vtest/versions",
                                  {"schema": "\"int\"", "version": 7}), 422, 42201,
        "Version is not one more than previous version")

    # lookup
    st, body = r("POST", "/subjects/orders-value?normalize=false&deleted=false", {"schema": REC2})
    c.eq("lookup", (st, body.get("version"), body.get("id")), (200, 2, 3))
    err("lookup miss", r("POST", "/subjects/orders-value", {"schema": "\"int\""}), 404, 40403,
        "Schema not found")
    err("lookup no subject", r("POST", "/subjects/nosuch", {"schema": "\"int\""}), 404, 40401,
        "Subject 'nosuch' not found.")
    err("lookup invalid", r("POST", "/subjects/orders-value", {"schema": "{"}), 422, 42201)

    # /schemas
    st, body = r("GET", "/schemas/ids/1?fetchMaxId=true")
    c.eq("by id", (st, body.get("maxId"), body.get("schemaType")), (200, 3, "AVRO"))
    c.eq("by id subject", r("GET", "/schemas/ids/1?subject=orders-value")[0], 200)
    c.eq("by id schema raw", r("GET", "/schemas/ids/2/schema"), (200, "string"))
    c.eq("by id subjects", r("GET", "/schemas/ids/1/subjects"), (200, ["orders-value", "other"]))
    c.eq("by id versions", r("GET", "/schemas/ids/1/versions"),
         (200, [{"subject": "orders-value", "version": 1}, {"subject": "other", "version": 1}]))
    err("by id missing", r("GET", "/schemas/ids/99"), 404, 40403, "Schema 99 not found")
    err("by id not a number", r("GET", "/schemas/ids/x"), 404, 404)
    st, body = r("GET", "/schemas")
    c.eq("schemas list", (st, [(s["subject"], s["version"]) for s in body]),
         (200, [("orders-value", 1), ("orders-value", 2), ("other", 1), ("str", 1)]))
    st, body = r("GET", "/schemas?subjectPrefix=orders&latestOnly=true")
    c.eq("schemas latestOnly", [(s["subject"], s["version"]) for s in body], [("orders-value", 2)])
    st, body = r("GET", "/schemas?offset=1&limit=2")
    c.eq("schemas paging", len(body), 2)

    # references and referencedby
    c.eq("register address", r("POST", "/subjects/address/versions", {"schema": ADDR}),
         (200, Registered(4)))
    ref = [{"name": "acme.Address", "subject": "address", "version": -1}]
    c.eq("register with reference", r("POST", "/subjects/user/versions",
                                      {"schema": USER, "references": ref}), (200, Registered(5)))
    st, body = r("GET", "/subjects/user/versions/1")
    c.eq("reference pinned", body.get("references"),
         [{"name": "acme.Address", "subject": "address", "version": 1}])
    c.eq("referencedby", r("GET", "/subjects/address/versions/1/referencedby"), (200, [5]))
    err("reference missing", r("POST", "/subjects/user2/versions", {
        "schema": USER, "references": [{"name": "acme.Address", "subject": "address",
                                        "version": 9}]}), 422, 42201)
    err("delete referenced version", r("DELETE", "/subjects/address/versions/1"), 422, 42206,
        "One or more references exist to the schema "
        "{magic=1,keytype=SCHEMA,subject=address,version=1}.")
    err("delete referenced subject", r("DELETE", "/subjects/address"), 422, 42206)

    # deletes (soft, then permanent)
    err("hard before soft (version)", r("DELETE", "/subjects/orders-value/versions/2?permanent=true"),
        404, 40407)
    c.eq("soft delete version", r("DELETE", "/subjects/orders-value/versions/2"), (200, 2))
    err("soft delete again", r("DELETE", "/subjects/orders-value/versions/2"), 404, 40406,
        "Subject 'orders-value' Version 2 was soft deleted.Set permanent=true to delete permanently")
    err("soft-deleted hidden", r("GET", "/subjects/orders-value/versions/2"), 404, 40402)
    c.eq("soft-deleted with deleted=true",
         r("GET", "/subjects/orders-value/versions/2?deleted=true")[0], 200)
    c.eq("soft-deleted id still resolvable", r("GET", "/schemas/ids/3")[0], 200)
    c.eq("versions deleted=true", r("GET", "/subjects/orders-value/versions?deleted=true"),
         (200, [1, 2]))
    c.eq("versions deletedOnly", r("GET", "/subjects/orders-value/versions?deletedOnly=true"),
         (200, [2]))
    c.eq("version reserved", r("POST", "/subjects/orders-value/versions", {"schema": REC2}),
         (200, Registered(3)))
    c.eq("new version 3", r("GET", "/subjects/orders-value/versions"), (200, [1, 3]))
    err("hard before soft (subject)", r("DELETE", "/subjects/orders-value?permanent=true"), 404,
        40405)
    c.eq("soft delete subject", r("DELETE", "/subjects/orders-value"), (200, [1, 3]))
    err("subject soft deleted", r("DELETE", "/subjects/orders-value"), 404, 40404,
        "Subject 'orders-value' was soft deleted.Set permanent=true to delete permanently")
    err("deleted subject not found", r("GET", "/subjects/orders-value/versions"), 404, 40401)
    c.eq("subjects hide deleted", "orders-value" in r("GET", "/subjects")[1], False)
    c.eq("subjects deleted=true", "orders-value" in r("GET", "/subjects?deleted=true")[1], True)
    c.eq("subjects deletedOnly", r("GET", "/subjects?deletedOnly=true"), (200, ["orders-value"]))
    c.eq("hard delete subject", r("DELETE", "/subjects/orders-value?permanent=true"), (200, [1, 3]))
    err("gone", r("DELETE", "/subjects/orders-value"), 404, 40401)
    c.eq("id 1 still used by other", r("GET", "/schemas/ids/1")[0], 200)
    c.eq("numbering restarts", r("POST", "/subjects/orders-value/versions", {"schema": REC1}),
         (200, Registered(1)))
    c.eq("restarted at 1", r("GET", "/subjects/orders-value/versions"), (200, [1]))
    err("delete missing version", r("DELETE", "/subjects/orders-value/versions/5"), 404, 40402)
    err("delete missing subject", r("DELETE", "/subjects/nosuch/versions/1"), 404, 40401)

    # config
    c.eq("config default", r("GET", "/config"), (200, {"compatibilityLevel": "BACKWARD"}))
    err("config subject none", r("GET", "/config/str"), 404, 40408,
        "Subject 'str' does not have subject-level compatibility configured")
    c.eq("config defaultToGlobal", r("GET", "/config/str?defaultToGlobal=true"),
         (200, {"compatibilityLevel": "BACKWARD"}))
    c.eq("config put", r("PUT", "/config/str", {"compatibility": "forward_transitive"}),
         (200, {"compatibility": "FORWARD_TRANSITIVE"}))
    c.eq("config get", r("GET", "/config/str"), (200, {"compatibilityLevel": "FORWARD_TRANSITIVE"}))
    c.eq("config put global", r("PUT", "/config", {"compatibility": "NONE"}),
         (200, {"compatibility": "NONE"}))
    err("config invalid", r("PUT", "/config", {"compatibility": "SIDEWAYS"}), 422, 42203)
    c.eq("config delete", r("DELETE", "/config/str"),
         (200, {"compatibilityLevel": "FORWARD_TRANSITIVE"}))
    err("config delete none", r("DELETE", "/config/str"), 404, 40401)
    c.eq("config delete global", r("DELETE", "/config"), (200, {"compatibilityLevel": "NONE"}))
    c.eq("config back to default", r("GET", "/config"), (200, {"compatibilityLevel": "BACKWARD"}))
    c.eq("config before any schema", r("PUT", "/config/future", {"compatibility": "FULL"}),
         (200, {"compatibility": "FULL"}))
    err("config invalid subject", r("PUT", "/config/__GLOBAL", {"compatibility": "FULL"}), 422,
        42208)

    # mode
    c.eq("mode", r("GET", "/mode"), (200, {"mode": "READWRITE"}))
    err("mode subject none", r("GET", "/mode/str"), 404, 40409)
    c.eq("mode readonly", r("PUT", "/mode/str", {"mode": "readonly"}), (200, {"mode": "READONLY"}))
    err("readonly register", r("POST", "/subjects/str/versions", {"schema": "\"int\""}), 422, 42205)
    err("readonly delete", r("DELETE", "/subjects/str/versions/1"), 422, 42205)
    c.eq("readonly lookup works", r("POST", "/subjects/str", {"schema": "\"string\""})[0], 200)
    err("mode invalid", r("PUT", "/mode/str", {"mode": "SIDEWAYS"}), 422, 42204)
    err("mode forward subject", r("PUT", "/mode/str", {"mode": "FORWARD"}), 422, 42204,
        "Forward mode only supported on global level")
    c.eq("mode delete", r("DELETE", "/mode/str"), (200, {"mode": "READONLY"}))
    err("mode delete none", r("DELETE", "/mode/str"), 404, 40401)
    err("import with subjects", r("PUT", "/mode", {"mode": "IMPORT"}), 422, 42205,
        "Cannot import since found existing subjects")
    c.eq("import forced", r("PUT", "/mode?force=true", {"mode": "IMPORT"}), (200, {"mode": "IMPORT"}))
    err("import needs id", r("POST", "/subjects/imp/versions", {"schema": "\"int\""}), 422, 42205)
    c.eq("import with id", r("POST", "/subjects/imp/versions",
                             {"schema": "\"int\"", "id": 500, "version": 3}), (200, Registered(500)))
    c.eq("import version kept", r("GET", "/subjects/imp/versions"), (200, [3]))
    err("import id clash", r("POST", "/subjects/imp2/versions",
                             {"schema": "\"long\"", "id": 500}), 422, 42205)
    err("import id mismatch", r("POST", "/subjects/imp3/versions",
                                {"schema": "\"int\"", "id": 600}), 422, 42207,
        "The ID of an imported schema does not match the existing ID")
    c.eq("back to readwrite", r("PUT", "/mode", {"mode": "READWRITE"}), (200, {"mode": "READWRITE"}))
    err("id outside import", r("POST", "/subjects/imp/versions", {"schema": "\"long\"", "id": 9}),
        422, 42205)
    c.eq("ids continue after import", r("POST", "/subjects/after/versions", {"schema": "\"float\""}),
         (200, Registered(501)))

    # contexts
    c.eq("context register", r("POST", "/subjects/:.stg:orders/versions", {"schema": REC1}),
         (200, Registered(1)))
    c.eq("context second", r("POST", "/subjects/:.stg:orders/versions", {"schema": REC2}),
         (200, Registered(2)))
    c.eq("contexts", r("GET", "/contexts"), (200, [".", ".stg"]))
    c.true("qualified listing", ":.stg:orders" in r("GET", "/subjects")[1])
    st, body = r("GET", "/schemas/ids/2?subject=:.stg:orders")
    c.true("id in context", st == 200 and "note" in body.get("schema", ""), body)
    err("context not empty", r("DELETE", "/contexts/.stg"), 422, 42211)
    c.eq("context URL prefix", r("GET", "/contexts/.stg/subjects/orders/versions"), (200, [1, 2]))
    c.eq("context URL prefix register", r("POST", "/contexts/stg/subjects/more/versions",
                                          {"schema": "\"int\""}), (200, Registered(3)))
    c.eq("context URL prefix config", r("PUT", "/contexts/.stg/config", {"compatibility": "FULL"}),
         (200, {"compatibility": "FULL"}))
    c.eq("context config applies", r("GET", "/config/:.stg:orders?defaultToGlobal=true"),
         (200, {"compatibilityLevel": "FULL"}))
    err("too many segments", r("GET", "/a/b/c/d/e/f/g/h/i/j/k"), 404, 404)

    # protocol and bad input (limits: docs/configuration.md)
    err("unknown route", r("GET", "/nothing/here"), 404, 404, "HTTP 404 Not Found")
    err("wrong method", r("PUT", "/subjects"), 405, 405)
    err("bad content type", r("POST", "/subjects/a/versions", raw=b"{}",
                              headers={"Content-Type": "text/plain"}), 415, 415)
    err("not acceptable", r("GET", "/subjects", headers={"Accept": "text/html"}), 406, 406)
    for ct in ["application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
               "application/json", "application/octet-stream"]:
        c.eq("content type " + ct, r("POST", "/subjects/ct/versions",
                                     raw=json.dumps({"schema": "\"int\""}).encode(),
                                     headers={"Content-Type": ct})[0], 200)
    err("invalid version 0", r("GET", "/subjects/str/versions/0"), 422, 42202,
        "The specified version '0' is not a valid version id. Allowed values are between "
        "[1, 2^31-1] and the string \"latest\"")
    err("invalid version -2", r("GET", "/subjects/str/versions/-2"), 422, 42202)
    err("invalid version big", r("GET", "/subjects/str/versions/2147483648"), 422, 42202)
    err("invalid subject", r("POST", "/subjects/__EMPTY/versions", {"schema": "\"int\""}), 422, 42208)
    err("NUL in subject", r("POST", "/subjects/a%00b/versions", {"schema": "\"int\""}), 422, 42208)
    err("control char in subject", r("GET", "/subjects/a%0Ab/versions"), 422, 42208)
    err("protobuf invalid", r("POST", "/subjects/p/versions",
                              {"schema": "syntax = \"proto3\"; message {", "schemaType": "PROTOBUF"}),
        422, 42201)
    err("invalid JSON schema", r("POST", "/subjects/j/versions",
                                 {"schema": "[]", "schemaType": "JSON"}), 422, 42201)
    err("unknown type", r("POST", "/subjects/j/versions", {"schema": "{}", "schemaType": "XML"}),
        422, 42201, "Invalid schema type XML")
    err("empty schema", r("POST", "/subjects/fresh/versions", {"schema": ""}), 422, 42201,
        "Empty schema")
    err("malformed JSON", r("POST", "/subjects/a/versions", raw=b"{\"schema\":"), 400, 400)
    err("wrong type", r("POST", "/subjects/a/versions", {"schema": 12}), 422, 422)
    err("wrong references", r("POST", "/subjects/a/versions", {"schema": "\"int\"", "references": 3}),
        422, 422)
    err("array body", r("POST", "/subjects/a/versions", raw=b"[]"), 422, 422)
    err("bad ruleSet", r("POST", "/subjects/a/versions",
                         {"schema": "\"int\"", "ruleSet": {"domainRules": [{"kind": "x"}]}}),
        422, 42210)
    st, body = r("POST", "/subjects/rules/versions", {
        "schema": "\"int\"", "metadata": {"properties": {"owner": "team-a"}},
        "ruleSet": {"domainRules": [{"name": "r1", "kind": "CONDITION", "mode": "WRITE",
                                     "type": "CEL", "expr": "true"}]}})
    c.eq("metadata and ruleSet accepted", st, 200)
    st, body = r("GET", "/subjects/rules/versions/1")
    c.eq("metadata returned", body.get("metadata"), {"properties": {"owner": "team-a"}})
    c.eq("ruleSet returned", body.get("ruleSet", {}).get("domainRules", [{}])[0].get("name"), "r1")
    err("huge body", r("POST", "/subjects/a/versions", raw=b" " * (2 * 1024 * 1024)), 413, 413)
    err("deep nesting", r("POST", "/subjects/a/versions", raw=b"[" * 5000), 400, 400)
    deep_schema = "[" * 200 + "\"int\"" + "]" * 200
    st, body = r("POST", "/subjects/deep/versions", {"schema": deep_schema})
    c.eq("deep schema refused", st, 422)
    c.eq("percent-decoded subject", r("POST", "/subjects/a%2Fb%20c/versions", {"schema": "\"int\""})[0],
         200)
    c.true("decoded listing", "a/b c" in r("GET", "/subjects")[1])
    before = r("GET", "/schemas?deleted=true")[1]
    c.eq("nothing changed by bad input", len([s for s in before if s["subject"] == "a"]), 0)


def slow_client(c, srv):
    """A client trickling its body is cut at the request deadline; others are served meanwhile."""
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.sendall(b"POST /subjects/slow/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
              b"\r\nContent-Length: 1000\r\n\r\n{")
    closed = False
    t0 = time.time()
    while time.time() - t0 < 8:
        try:
            s.sendall(b" ")
            time.sleep(0.2)
        except OSError:
            closed = True
            break
        if request(srv.url, "GET", "/subjects", timeout=5)[0] != 200:
            c.eq("served during slow client", False, True)
    if not closed:
        s.settimeout(3)
        try:
            closed = s.recv(100) == b""
        except OSError:
            closed = True
    s.close()
    c.true("slow client cut", closed)
    idle = socket.create_connection(("127.0.0.1", srv.port))
    idle.settimeout(6)
    try:
        c.eq("idle connection closed", idle.recv(10), b"")
    except OSError:
        c.eq("idle connection closed", "timeout", b"")
    idle.close()


def restart(c, srv):
    before = request(srv.url, "GET", "/schemas?deleted=true")[1]
    c.eq("clean stop", srv.stop(), 0)
    srv.start()
    after = request(srv.url, "GET", "/schemas?deleted=true")[1]
    c.eq("state after restart", after, before)
    c.eq("ids continue after restart", request(srv.url, "POST", "/subjects/r/versions",
                                               {"schema": "\"double\""}), (200, Registered(503)))


def main():
    cairnd_available()
    c = Checks("test_registry_api")
    srv = Cairnd(env={"CAIRN_CAIRN_HTTP_REQUEST_TIMEOUT_MS": "1500",
                      "CAIRN_CAIRN_HTTP_IDLE_TIMEOUT_MS": "2000"})
    try:
        srv.start()
        run(c, srv.url)
        formats(c, srv.url)
        import_clear(c, srv.url)
        slow_client(c, srv)
        restart(c, srv)
    except Exception as e:  # a crash of the test itself is a failure, with the server log
        c.failed.append("exception: %r" % e)
        print("FAIL", e, "\n", srv.tail())
    finally:
        srv.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
