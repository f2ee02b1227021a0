# SPDX-License-Identifier: Apache-2.0
#
# Data contracts over HTTP against a real cairnd (Confluent's "Data Contracts for Schema
# Registry" and its API reference): metadata and ruleSet merged on registration as config
# default + own (or the previous version's) + config override, later winning, rules merged by
# name; confluent:version; RuleSet.validate answering 42210 on register and PUT /config without
# storing anything; lookup with and without metadata; the merged values surviving a restart.
# Run with /usr/bin/python3.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import Cairnd, Checks, Registered, cairnd_available, request  # noqa: E402


def avro(*fields):
    return json.dumps({"type": "record", "name": "R",
                       "fields": [{"name": f, "type": "string", "default": ""} for f in fields]})


def rule(name, mode="WRITE", **kw):
    r = {"name": name, "kind": "CONDITION", "mode": mode, "type": "CEL", "expr": "true"}
    r.update(kw)
    return r


def names(rules):
    return [r["name"] for r in rules or []]


def merge_order(c, url):
    s = "/subjects/merge-value"
    st, r = request(url, "PUT", "/config/merge-value", {
        "defaultMetadata": {"properties": {"owner": "dflt", "team": "a"}, "sensitive": ["x"]},
        "overrideMetadata": {"properties": {"owner": "ovr"}, "tags": {"R.f": ["PII"]}},
        "defaultRuleSet": {"domainRules": [rule("d1"), rule("shared", doc="default")]},
        "overrideRuleSet": {"domainRules": [rule("o1")]}})
    c.eq("config with contract defaults", st, 200)
    st, r = request(url, "POST", s + "/versions", {
        "schema": avro("a"),
        "metadata": {"properties": {"owner": "own", "team": "b"}, "sensitive": ["y"]},
        "ruleSet": {"domainRules": [rule("shared", doc="own")]}})
    c.eq("register v1", (st, r.get("id")), (200, 1))
    st, v = request(url, "GET", s + "/versions/1")
    md, rs = v.get("metadata", {}), v.get("ruleSet", {})
    c.eq("properties: override wins, own over default", md.get("properties"),
         {"owner": "ovr", "team": "b"})
    c.eq("sensitive: union", sorted(md.get("sensitive", [])), ["x", "y"])
    c.eq("tags from the override", md.get("tags"), {"R.f": ["PII"]})
    c.eq("rules: default, own replacing the same name, override",
         names(rs.get("domainRules")), ["d1", "shared", "o1"])
    c.eq("the same-named rule is the version's own",
         [x.get("doc") for x in rs["domainRules"] if x["name"] == "shared"], ["own"])
    # No metadata in the request: the previous version's are the version's own.
    st, r = request(url, "POST", s + "/versions", {"schema": avro("a", "b")})
    c.eq("register v2 without metadata", (st, r.get("id")), (200, 2))
    st, v2 = request(url, "GET", s + "/versions/2")
    c.eq("v2 keeps v1's merged metadata", v2.get("metadata"), md)
    c.eq("v2 keeps v1's merged ruleSet", v2.get("ruleSet"), rs)
    # The same schema again: the same version (the merge is idempotent).
    st, r = request(url, "POST", s + "/versions", {"schema": avro("a", "b")})
    c.eq("re-register answers v2's id", r, Registered(2))
    st, r = request(url, "GET", s + "/versions")
    c.eq("still two versions", r, [1, 2])
    # Metadata-only update: an empty schema takes the previous version's.
    st, r = request(url, "POST", s + "/versions",
                    {"schema": "", "metadata": {"properties": {"team": "c"}}})
    c.eq("metadata-only update: a new id (metadata is identity)", (st, r.get("id")), (200, 3))
    st, v3 = request(url, "GET", s + "/versions/latest")
    c.eq("metadata-only update: version 3", v3.get("version"), 3)
    c.eq("metadata-only update merged", v3.get("metadata", {}).get("properties"),
         {"owner": "ovr", "team": "c"})
    # The global config applies to a subject without its own.
    request(url, "PUT", "/config", {"overrideMetadata": {"properties": {"env": "prod"}}})
    st, r = request(url, "POST", "/subjects/global-md/versions", {"schema": avro("z")})
    st, v = request(url, "GET", "/subjects/global-md/versions/1")
    c.eq("global override applies", v.get("metadata"), {"properties": {"env": "prod"}})
    st, r = request(url, "PUT", "/config", {"overrideMetadata": None})
    c.eq("global override cleared", st, 200)
    # A context's config applies to its subjects when they have none.
    request(url, "PUT", "/config/:.ctxa:", {"defaultMetadata": {"properties": {"ctx": "a"}}})
    st, r = request(url, "POST", "/subjects/:.ctxa:inctx/versions", {"schema": avro("z")})
    st, v = request(url, "GET", "/subjects/:.ctxa:inctx/versions/1")
    c.eq("context default applies", v.get("metadata"), {"properties": {"ctx": "a"}})


def confluent_version(c, url):
    s = "/subjects/cv-value"
    st, r = request(url, "POST", s + "/versions", {"schema": avro("a"), "version": 1})
    c.eq("register with version 1", st, 200)
    st, v = request(url, "GET", s + "/versions/1")
    c.eq("confluent:version set", v.get("metadata", {}).get("properties"),
         {"confluent:version": "1"})
    st, r = request(url, "POST", s + "/versions", {"schema": avro("a", "b")})
    st, v = request(url, "GET", s + "/versions/2")
    c.eq("confluent:version follows", v.get("metadata", {}).get("properties"),
         {"confluent:version": "2"})
    st, r = request(url, "POST", s + "/versions", {"schema": avro("a", "b")})
    c.eq("re-register: same id", (st, r.get("id")), (200, v["id"]))


def validation(c, url):
    s = "/subjects/bad-rules/versions"
    cases = [
        ("missing name", {"domainRules": [{"kind": "CONDITION", "mode": "WRITE", "type": "CEL"}]},
         "Missing rule name"),
        ("empty name", {"domainRules": [rule("")]}, "Empty rule name"),
        ("bad first char", {"domainRules": [rule("1x")]},
         "Illegal initial character in rule name: 1x"),
        ("bad char", {"domainRules": [rule("a.b")]}, "Illegal character in rule name: a.b"),
        ("name too long", {"domainRules": [rule("r" * 65)]}, "Rule name too long"),
        ("duplicate", {"domainRules": [rule("a"), rule("a")]},
         "Found rule with duplicate name 'a'"),
        ("duplicate across lists", {"domainRules": [rule("a")],
                                    "migrationRules": [rule("a", "UPGRADE")]},
         "Found rule with duplicate name 'a'"),
        ("bad kind", {"domainRules": [rule("a", kind="CHECK")]}, "Invalid rule kind: CHECK"),
        ("missing type", {"domainRules": [{"name": "a", "mode": "WRITE"}]},
         "Missing rule type"),
        ("migration mode", {"migrationRules": [rule("a", "WRITE")]},
         "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"),
        ("migration default mode", {"migrationRules": [{"name": "a", "type": "JSONATA"}]},
         "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"),
        ("domain mode", {"domainRules": [rule("a", "UPGRADE")]},
         "Domain rules can only be WRITE, READ, WRITEREAD"),
        ("encoding mode", {"encodingRules": [rule("a", "UPDOWN")]},
         "Encoding rules can only be WRITE, READ, WRITEREAD"),
        ("pair on a one-way mode", {"domainRules": [rule("a", "WRITE", onSuccess="NONE,ERROR")]},
         "Multiple actions only valid with WRITEREAD and UPDOWN"),
    ]
    for what, rs, msg in cases:
        st, r = request(url, "POST", s, {"schema": avro("a"), "ruleSet": rs})
        c.eq("register: " + what, (st, r.get("error_code"), r.get("message")), (422, 42210, msg))
        st, r = request(url, "PUT", "/config/bad-rules", {"defaultRuleSet": rs})
        c.eq("config default: " + what, (st, r.get("error_code")), (422, 42210))
        st, r = request(url, "PUT", "/config/bad-rules", {"overrideRuleSet": rs})
        c.eq("config override: " + what, (st, r.get("error_code")), (422, 42210))
    st, r = request(url, "GET", "/subjects/bad-rules/versions")
    c.eq("nothing registered", st, 404)
    st, r = request(url, "GET", "/config/bad-rules")
    c.eq("no config stored", st, 404)
    good = {"domainRules": [rule("a", "WRITEREAD", onSuccess="none,error", onFailure="DLQ")],
            "migrationRules": [rule("m", "UPDOWN", kind="TRANSFORM", type="JSONATA")],
            "encodingRules": [rule("e", "READ", kind="TRANSFORM", type="ENCRYPT"),
                              rule("e-2", "WRITE", onFailure="MY_ACTION"),
                              rule("x" * 64, "WRITE", type="")]}
    # Confluent's Rule.validate: '-' in names, up to 64 characters, any action name (custom
    # actions are pluggable), an empty type.
    st, r = request(url, "POST", s, {"schema": avro("a"), "ruleSet": good})
    c.eq("a valid ruleSet registers", st, 200)
    st, r = request(url, "PUT", "/config/bad-rules", {"defaultRuleSet": good})
    c.eq("a valid default ruleSet is stored", st, 200)


def lookup(c, url):
    s = "/subjects/look-value"
    md = {"properties": {"k": "v"}}
    request(url, "POST", s + "/versions", {"schema": avro("a"), "metadata": md})
    st, r = request(url, "POST", s, {"schema": avro("a")})
    c.eq("lookup without metadata finds the version", (st, r.get("version")), (200, 1))
    c.eq("the answer carries its metadata", r.get("metadata"), md)
    st, r = request(url, "POST", s, {"schema": avro("a"), "metadata": md})
    c.eq("lookup with the same metadata", (st, r.get("version")), (200, 1))
    st, r = request(url, "POST", s, {"schema": avro("a"),
                                     "metadata": {"properties": {"k": "other"}}})
    c.eq("lookup with other metadata: not found", (st, r.get("error_code")), (404, 40403))
    st, r = request(url, "POST", s, {"schema": avro("b")})
    c.eq("lookup of another schema: not found", (st, r.get("error_code")), (404, 40403))


def latest_with_metadata(c, url):
    s = "/subjects/lwm-value"
    request(url, "POST", s + "/versions",
            {"schema": avro("a"), "metadata": {"properties": {"app": "x", "env": "dev"}}})
    request(url, "POST", s + "/versions",
            {"schema": avro("a", "b"), "metadata": {"properties": {"app": "x", "env": "prod"}}})
    request(url, "POST", s + "/versions",
            {"schema": avro("a", "b", "c"), "metadata": {"properties": {"app": "y"}}})
    st, r = request(url, "GET", s + "/metadata?key=app&value=x")
    c.eq("latest with app=x", (st, r.get("version")), (200, 2))
    st, r = request(url, "GET", s + "/metadata?key=app&value=x&key=env&value=dev")
    c.eq("latest with app=x and env=dev", (st, r.get("version"), r.get("metadata")),
         (200, 1, {"properties": {"app": "x", "env": "dev"}}))
    st, r = request(url, "GET", s + "/metadata?key=app&value=z")
    c.eq("no match: 40403", (st, r.get("error_code")), (404, 40403))
    st, r = request(url, "GET", "/subjects/nope/metadata?key=app&value=x")
    c.eq("unknown subject: 40401", (st, r.get("error_code")), (404, 40401))
    request(url, "DELETE", s + "/versions/2")
    st, r = request(url, "GET", s + "/metadata?key=app&value=x")
    c.eq("a soft-deleted version is skipped", r.get("version"), 1)
    st, r = request(url, "GET", s + "/metadata?key=app&value=x&deleted=true")
    c.eq("deleted=true finds it", r.get("version"), 2)


def small_semantics(c, url):
    s = "/subjects/small-value"
    request(url, "POST", s + "/versions", {"schema": avro("a")})
    request(url, "POST", s + "/versions", {"schema": avro("a", "b")})
    st, r = request(url, "GET", s + "/versions?deletedOnly=true")
    c.eq("deletedOnly without deleted versions: []", (st, r), (200, []))
    st, r = request(url, "GET", "/subjects/none-such/versions?deletedOnly=true")
    c.eq("deletedOnly on an unknown subject: 40401", (st, r.get("error_code")), (404, 40401))
    st, r = request(url, "POST", s, {"schema": ""})
    c.eq("lookup with an empty schema: 42201", (st, r.get("error_code")), (422, 42201))
    st, r = request(url, "POST", s, {})
    c.eq("lookup without a schema: 42201", (st, r.get("error_code")), (422, 42201))
    st, r = request(url, "GET", s + "/versions?limit=0")
    c.eq("limit=0: unlimited", r, [1, 2])
    st, r = request(url, "GET", s + "/versions?limit=1")
    c.eq("limit=1", r, [1])


def compatibility_group(c, url):
    s = "/subjects/grp-value"
    request(url, "PUT", "/config/grp-value", {"compatibility": "BACKWARD",
                                              "compatibilityGroup": "major"})
    v1 = json.dumps({"type": "record", "name": "R", "fields": [{"name": "a", "type": "string"}]})
    v2 = json.dumps({"type": "record", "name": "R", "fields": [{"name": "b", "type": "int"}]})
    st, r = request(url, "POST", s + "/versions",
                    {"schema": v1, "metadata": {"properties": {"major": "1"}}})
    c.eq("group 1: v1", st, 200)
    id1 = r.get("id")
    st, r = request(url, "POST", s + "/versions",
                    {"schema": v2, "metadata": {"properties": {"major": "1"}}})
    c.eq("same group, incompatible: 409", (st, r.get("error_code")), (409, 409))
    st, r = request(url, "POST", s + "/versions",
                    {"schema": v2, "metadata": {"properties": {"major": "2"}}})
    c.eq("another group: not checked against group 1", st, 200)
    st, r = request(url, "POST", s + "/versions", {"schema": v1})
    c.eq("an existing schema without metadata: its id", (st, r.get("id")), (200, id1))
    v3 = json.dumps({"type": "record", "name": "R", "fields": [{"name": "c", "type": "int"}]})
    st, r = request(url, "POST", s + "/versions", {"schema": v3})
    c.eq("no metadata: the previous version's group (2), checked against it",
         (st, r.get("error_code")), (409, 409))
    st, r = request(url, "POST", "/compatibility/subjects/grp-value/versions",
                    {"schema": v2, "metadata": {"properties": {"major": "1"}}})
    c.eq("compatibility endpoint: group 1 only", r, {"is_compatible": False})
    st, r = request(url, "POST", "/compatibility/subjects/grp-value/versions",
                    {"schema": v2, "metadata": {"properties": {"major": "2"}}})
    c.eq("compatibility endpoint: group 2 only", r, {"is_compatible": True})
    st, r = request(url, "PUT", "/config/grp-value", {"compatibilityGroup": None})
    st, r = request(url, "POST", s + "/versions",
                    {"schema": v1, "metadata": {"properties": {"major": "3"}}})
    c.eq("without the group config: checked against the latest", st, 409)


def reserved_fields(c, url):
    s = "/subjects/rsv-value"
    request(url, "PUT", "/config/rsv-value", {"compatibility": "NONE", "validateFields": True})
    st, r = request(url, "POST", s + "/versions", {
        "schema": avro("a", "email"), "metadata": {"properties": {"confluent:reserved": "x, email"}}})
    c.eq("a reserved field defined: 409", (st, r.get("error_code")), (409, 409))
    c.true("Confluent's conflict message",
           "The new schema has field that conflicts with the reserved field email."
           in r.get("message", ""), r)
    st, r = request(url, "POST", s + "/versions", {
        "schema": avro("a"), "metadata": {"properties": {"confluent:reserved": "x,email"}}})
    c.eq("reserved fields not defined: registered", st, 200)
    st, r = request(url, "POST", s + "/versions", {
        "schema": avro("a", "b"), "metadata": {"properties": {"confluent:reserved": "x"}}})
    c.eq("a reserved field dropped: 409", (st, r.get("error_code")), (409, 409))
    c.true("Confluent's removal message",
           "The new schema has reserved field email removed from its metadata which is present "
           "in the old schema's metadata." in r.get("message", ""), r)
    st, r = request(url, "POST", s + "/versions", {"schema": avro("a", "b")})
    c.eq("without metadata the reservation carries over", st, 200)
    st, r = request(url, "POST", s + "/versions", {
        "schema": json.dumps({"type": "object", "properties": {"x": {"type": "string"}}}),
        "schemaType": "JSON", "metadata": {"properties": {"confluent:reserved": "x,email"}}})
    c.eq("JSON Schema property reserved: 409", st, 409)
    proto = 'syntax = "proto3";\nmessage M {\n  string id = 1;\n  oneof k {\n    string email = 2;\n  }\n}\n'
    st, r = request(url, "POST", "/subjects/rsv-proto/versions", {
        "schema": proto, "schemaType": "PROTOBUF",
        "metadata": {"properties": {"confluent:reserved": "email"}}})
    c.eq("Protobuf: no validateFields on this subject, registered", st, 200)
    request(url, "PUT", "/config/rsv-proto2", {"compatibility": "NONE", "validateFields": True})
    st, r = request(url, "POST", "/subjects/rsv-proto2/versions", {
        "schema": proto, "schemaType": "PROTOBUF",
        "metadata": {"properties": {"confluent:reserved": "email"}}})
    c.eq("Protobuf oneof field reserved: 409", (st, r.get("error_code")), (409, 409))
    c.true("Protobuf conflict message",
           "conflicts with the reserved field email." in r.get("message", ""), r)
    st, r = request(url, "POST", "/subjects/rsv-proto2/versions", {
        "schema": proto, "schemaType": "PROTOBUF",
        "metadata": {"properties": {"confluent:reserved": "phone"}}})
    c.eq("Protobuf: another name reserved, registered", st, 200)
    request(url, "PUT", "/config/rsv-value", {"compatibility": "BACKWARD"})
    bad = json.loads(avro("a", "b"))
    bad["fields"].append({"name": "zz", "type": "int"})
    st, r = request(url, "POST", "/compatibility/subjects/rsv-value/versions?verbose=true",
                    {"schema": json.dumps(bad)})
    c.eq("validateFields shown in the last message", r.get("messages", [])[-1:],
         ["{validateFields: 'true', compatibility: 'BACKWARD'}"])
    request(url, "PUT", "/config/rsv-value", {"compatibility": "NONE", "validateFields": False})
    st, r = request(url, "POST", s + "/versions", {
        "schema": avro("a", "email"), "metadata": {"properties": {"confluent:reserved": "email"}}})
    c.eq("validateFields false: not checked", st, 200)


def aliases(c, url):
    st, r = request(url, "POST", "/subjects/real-value/versions", {"schema": avro("a")})
    real_id = r.get("id")
    st, r = request(url, "PUT", "/config/alias-value", {"alias": "real-value"})
    c.eq("alias config stored", (st, r.get("alias")), (200, "real-value"))
    st, r = request(url, "GET", "/subjects/alias-value/versions")
    c.eq("versions through the alias", (st, r), (200, [1]))
    st, r = request(url, "GET", "/subjects/alias-value/versions/latest")
    c.eq("version through the alias", (st, r.get("subject"), r.get("id")),
         (200, "real-value", real_id))
    st, r = request(url, "GET", "/subjects/alias-value/versions/1/schema")
    c.eq("raw schema through the alias", (st, r), (200, json.loads(avro("a"))))
    st, r = request(url, "POST", "/subjects/alias-value", {"schema": avro("a")})
    c.eq("lookup through the alias", (st, r.get("id")), (200, real_id))
    st, r = request(url, "POST", "/compatibility/subjects/alias-value/versions/latest",
                    {"schema": avro("a", "b")})
    c.eq("compatibility through the alias", (st, r), (200, {"is_compatible": True}))
    st, r = request(url, "POST", "/subjects/alias-value/versions", {"schema": avro("a", "b")})
    c.eq("register through the alias", st, 200)
    st, r = request(url, "GET", "/subjects/real-value/versions")
    c.eq("registered under the real subject", r, [1, 2])
    st, r = request(url, "GET", "/subjects")
    c.true("the alias holds no versions", "alias-value" not in r, r)
    st, r = request(url, "GET", "/config/alias-value")
    c.eq("the alias's own config is not aliased", (st, r.get("alias")), (200, "real-value"))
    request(url, "PUT", "/config/:.actx:al", {"alias": "target"})
    request(url, "POST", "/subjects/:.actx:target/versions", {"schema": avro("q")})
    st, r = request(url, "GET", "/subjects/:.actx:al/versions/1")
    c.eq("an unqualified alias is in the subject's context", (st, r.get("subject")),
         (200, ":.actx:target"))
    # Confluent's AliasFilter rewrites the segment after `subjects` (deletes included) and the
    # `subject` query parameter of `schemas/ids` paths; /config and /mode are not rewritten.
    st, r = request(url, "GET", "/schemas/ids/%d/versions?subject=alias-value" % real_id)
    c.eq("schemas/ids?subject= follows the alias", (st, r),
         (200, [{"subject": "real-value", "version": 1}]))
    st, r = request(url, "GET", "/schemas/ids/%d?subject=alias-value" % real_id)
    c.eq("schemas/ids/{id}?subject= through the alias", st, 200)
    st, r = request(url, "POST", "/subjects/:.xctx:xt/versions", {"schema": avro("x", "y")})
    xid = r.get("id")
    request(url, "PUT", "/config/xal", {"alias": ":.xctx:xt"})
    st, r = request(url, "GET", "/schemas/ids/%d/versions?subject=xal" % xid)
    c.eq("schemas/ids?subject= takes the alias's context", (st, r),
         (200, [{"subject": ":.xctx:xt", "version": 1}]))
    st, r = request(url, "DELETE", "/subjects/alias-value/versions/2")
    c.eq("version delete through the alias", (st, r), (200, 2))
    st, r = request(url, "GET", "/subjects/real-value/versions")
    c.eq("deleted from the real subject", r, [1])
    st, r = request(url, "DELETE", "/subjects/alias-value")
    c.eq("subject delete through the alias", (st, r), (200, [1]))
    st, r = request(url, "GET", "/subjects/real-value/versions")
    c.eq("the real subject is soft-deleted", (st, r.get("error_code")), (404, 40401))
    request(url, "POST", "/subjects/real-value/versions", {"schema": avro("a")})
    request(url, "DELETE", "/config/alias-value")
    st, r = request(url, "GET", "/subjects/alias-value/versions")
    c.eq("alias removed: its own (no) versions", (st, r.get("error_code")), (404, 40401))


def modes(c, url):
    request(url, "POST", "/subjects/m1/versions", {"schema": avro("a")})
    request(url, "PUT", "/mode/m1", {"mode": "READWRITE"})
    st, r = request(url, "PUT", "/mode/:.mctx:", {"mode": "READONLY_OVERRIDE"})
    c.eq("READONLY_OVERRIDE is a valid mode", (st, r), (200, {"mode": "READONLY_OVERRIDE"}))
    st, r = request(url, "GET", "/mode/:.mctx:")
    c.eq("and reads back by its name", r, {"mode": "READONLY_OVERRIDE"})
    # Confluent's getModeInScope: only the global READONLY_OVERRIDE overrides subject modes; a
    # context's one is read-only for the subjects without their own mode.
    st, r = request(url, "POST", "/subjects/:.mctx:t/versions", {"schema": avro("a")})
    c.eq("a context's READONLY_OVERRIDE: read-only for a subject without its own mode",
         (st, r.get("error_code")), (422, 42205))
    st, r = request(url, "DELETE", "/config/:.mctx:t")
    c.eq("config delete refused under READONLY_OVERRIDE", (st, r.get("error_code")),
         (422, 42205))
    request(url, "PUT", "/mode/:.mctx:s", {"mode": "READWRITE"})
    st, r = request(url, "POST", "/subjects/:.mctx:s/versions", {"schema": avro("a")})
    c.eq("a context's READONLY_OVERRIDE does not override the subject's READWRITE", st, 200)
    st, r = request(url, "GET", "/mode/:.mctx:s?defaultToGlobal=true")
    c.eq("the subject's own mode is kept", r, {"mode": "READWRITE"})
    request(url, "PUT", "/mode", {"mode": "READONLY_OVERRIDE"})
    st, r = request(url, "POST", "/subjects/m1/versions", {"schema": avro("a", "b")})
    c.eq("a global READONLY_OVERRIDE wins over the subject's mode", (st, r.get("error_code")),
         (422, 42205))
    st, r = request(url, "POST", "/subjects/:.mctx:s/versions", {"schema": avro("a", "b")})
    c.eq("and over a context subject's own READWRITE", (st, r.get("error_code")), (422, 42205))
    st, r = request(url, "GET", "/mode/m1")
    c.eq("GET /mode/{s} answers the global READONLY_OVERRIDE (Confluent's getMode)", (st, r),
         (200, {"mode": "READONLY_OVERRIDE"}))
    st, r = request(url, "PUT", "/config/m1", {"compatibility": "NONE"})
    c.eq("config change refused under the global READONLY_OVERRIDE",
         (st, r.get("error_code")), (422, 42205))
    st, r = request(url, "DELETE", "/mode")
    c.eq("global mode removed", st, 200)
    request(url, "DELETE", "/mode/:.mctx:")
    st, r = request(url, "POST", "/subjects/m1/versions", {"schema": avro("a", "b")})
    c.eq("writable again", st, 200)
    # IMPORT edge cases (Confluent's import mode: ids and versions from elsewhere).
    st, r = request(url, "PUT", "/mode/imp?force=true", {"mode": "IMPORT"})
    c.eq("subject in IMPORT", st, 200)
    st, r = request(url, "POST", "/subjects/imp/versions",
                    {"schema": avro("i"), "id": 5000, "version": 3})
    c.eq("import with id and version", (st, r), (200, Registered(5000)))
    st, r = request(url, "POST", "/subjects/imp/versions", {"schema": avro("i")})
    c.eq("an existing schema again without an id: its id", (st, r), (200, Registered(5000)))
    st, r = request(url, "POST", "/subjects/imp/versions",
                    {"schema": avro("i"), "id": 5000, "version": 3})
    c.eq("the same version again: the existing one", (st, r), (200, Registered(5000)))
    st, r = request(url, "POST", "/subjects/imp/versions",
                    {"schema": avro("i", "j"), "id": 5001, "version": 3})
    c.eq("another schema at an existing version: 42205", (st, r.get("error_code")),
         (422, 42205))
    st, r = request(url, "POST", "/subjects/imp/versions", {"schema": avro("new")})
    c.eq("a new schema without an id in IMPORT: 42205", (st, r.get("error_code")), (422, 42205))
    request(url, "DELETE", "/mode/imp")


def inheritance(c, url):
    request(url, "PUT", "/config/:.__GLOBAL:", {"defaultMetadata": {"properties": {"g": "1"}}})
    st, r = request(url, "POST", "/subjects/:.inh:s/versions", {"schema": avro("a")})
    st, v = request(url, "GET", "/subjects/:.inh:s/versions/1")
    c.eq(":.__GLOBAL: config applies last", v.get("metadata"), {"properties": {"g": "1"}})
    request(url, "PUT", "/config/:.inh:", {"defaultMetadata": {"properties": {"g": "ctx"}}})
    st, r = request(url, "POST", "/subjects/:.inh:t/versions", {"schema": avro("a")})
    st, v = request(url, "GET", "/subjects/:.inh:t/versions/1")
    c.eq("the context's config before :.__GLOBAL:", v.get("metadata"),
         {"properties": {"g": "ctx"}})
    request(url, "PUT", "/config/:.__GLOBAL:", {"defaultMetadata": None})
    st, r = request(url, "PUT", "/mode/:.__GLOBAL:", {"mode": "READONLY"})
    c.eq("mode on :.__GLOBAL:", st, 200)
    st, r = request(url, "POST", "/subjects/:.inh2:s/versions", {"schema": avro("a")})
    c.eq(":.__GLOBAL: mode applies to a context without its own", (st, r.get("error_code")),
         (422, 42205))
    st, r = request(url, "GET", "/mode/:.inh2:s?defaultToGlobal=true")
    c.eq("and is the subject's effective mode", r, {"mode": "READONLY"})
    request(url, "PUT", "/mode/:.inh2:", {"mode": "READWRITE"})
    st, r = request(url, "POST", "/subjects/:.inh2:s/versions", {"schema": avro("a")})
    c.eq("the context's mode wins over :.__GLOBAL:", st, 200)
    request(url, "DELETE", "/mode/:.__GLOBAL:")


def restart(c, d):
    d.stop()
    d.start()
    st, v = request(d.url, "GET", "/subjects/merge-value/versions/1")
    c.eq("merged metadata after restart", v.get("metadata", {}).get("properties"),
         {"owner": "ovr", "team": "b"})
    st, r = request(d.url, "POST", "/subjects/merge-value/versions", {"schema": avro("a", "b")})
    c.eq("the latest's id after restart (identity of the merged values)", r, Registered(3))
    st, r = request(d.url, "GET", "/subjects/merge-value/versions")
    c.eq("no new version after restart", r, [1, 2, 3])


def main():
    cairnd_available()
    c = Checks("test_registry_contracts")
    d = Cairnd().start()
    try:
        merge_order(c, d.url)
        confluent_version(c, d.url)
        validation(c, d.url)
        lookup(c, d.url)
        latest_with_metadata(c, d.url)
        small_semantics(c, d.url)
        compatibility_group(c, d.url)
        reserved_fields(c, d.url)
        aliases(c, d.url)
        modes(c, d.url)
        inheritance(c, d.url)
        restart(c, d)
    finally:
        d.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
