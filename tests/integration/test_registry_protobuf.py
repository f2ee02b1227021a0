# SPDX-License-Identifier: Apache-2.0
#
# Protobuf on every endpoint of a real cairnd over loopback: schemaType PROTOBUF on register,
# lookup, fetch by version and by id, listings, compatibility (Confluent's messages, levels,
# verbose), normalize, references for imports (register, lookup, referencedby, delete guards,
# format=resolved), built-in well-known imports, errors with line and column, and the state
# after a restart (the _schemas records replayed). Run with /usr/bin/python3.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import ANY_GUID, ANY_TS, Cairnd, Checks, Registered, cairnd_available, request  # noqa: E402

PB = "PROTOBUF"
ORDER1 = 'syntax = "proto3";\npackage shop;\n\nmessage Order {\n  string id = 1;\n}\n'
# the same schema as written by a person: comments, other spacing
ORDER1_MESSY = ('// orders\nsyntax="proto3"; package shop;\nmessage Order{string id=1;/* key */}')
ORDER2 = ('syntax = "proto3";\npackage shop;\n\nmessage Order {\n  string id = 1;\n'
          '  int64 cents = 2;\n}\n')
ORDER_BAD = 'syntax = "proto3";\npackage shop;\nmessage Order { int32 id = 1; }\n'
COMMON = 'syntax = "proto3";\npackage common;\n\nmessage Money {\n  int64 units = 1;\n}\n'
PAY = ('syntax = "proto3";\npackage shop;\n\nimport "common.proto";\n'
       'import "google/protobuf/timestamp.proto";\n\nmessage Pay {\n  common.Money m = 1;\n'
       '  google.protobuf.Timestamp at = 2;\n}\n')
REFS = [{"name": "common.proto", "subject": "common.proto", "version": 1}]


def pb(text, **kw):
    body = {"schema": text, "schemaType": PB}
    body.update(kw)
    return body


def basics(c, r):
    c.eq("types", r("GET", "/schemas/types"), (200, ["JSON", "PROTOBUF", "AVRO"]))
    c.eq("register", r("POST", "/subjects/orders-value/versions", pb(ORDER1)), (200, Registered(1)))
    c.eq("same text, same id", r("POST", "/subjects/orders-value/versions", pb(ORDER1)),
         (200, Registered(1)))
    c.eq("comments and spacing: same id",
         r("POST", "/subjects/orders-value/versions", pb(ORDER1_MESSY)), (200, Registered(1)))
    want = {"subject": "orders-value", "version": 1, "id": 1, "guid": ANY_GUID, "schemaType": PB,
            "schema": ORDER1, "ts": ANY_TS, "deleted": False}
    c.eq("get version", r("GET", "/subjects/orders-value/versions/1"), (200, want))
    c.eq("get latest", r("GET", "/subjects/orders-value/versions/latest"), (200, want))
    c.eq("raw schema", r("GET", "/subjects/orders-value/versions/1/schema"), (200, ORDER1))
    c.eq("by id", r("GET", "/schemas/ids/1"), (200, {"guid": ANY_GUID, "schemaType": PB, "schema": ORDER1}))
    c.eq("by id raw", r("GET", "/schemas/ids/1/schema"), (200, ORDER1))
    c.eq("id subjects", r("GET", "/schemas/ids/1/subjects"), (200, ["orders-value"]))
    c.eq("id versions", r("GET", "/schemas/ids/1/versions"),
         (200, [{"subject": "orders-value", "version": 1}]))
    st, lst = r("GET", "/schemas")
    c.eq("schemas list", (st, [s.get("schemaType") for s in lst]), (200, [PB]))
    c.eq("lookup", r("POST", "/subjects/orders-value", pb(ORDER1_MESSY)), (200, want))
    c.eq("lookup missing", r("POST", "/subjects/orders-value", pb(ORDER2))[1]["error_code"], 40403)
    c.eq("lookup as AVRO is another schema",
         r("POST", "/subjects/orders-value", {"schema": ORDER1})[0], 422)


def compatibility(c, r):
    msgs = [
        '{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '
        "'#/Order/1' in the new schema does not match its kind in the old schema\"}",
        "{oldSchemaVersion: 1}",
        "{oldSchema: '" + ORDER1 + "'}",
        "{validateFields: 'false', compatibility: 'BACKWARD'}"]
    c.eq("check compatible", r("POST", "/compatibility/subjects/orders-value/versions/latest",
                               pb(ORDER2)), (200, {"is_compatible": True}))
    c.eq("check verbose", r("POST", "/compatibility/subjects/orders-value/versions/1?verbose=true",
                            pb(ORDER_BAD)), (200, {"is_compatible": False, "messages": msgs}))
    c.eq("check all versions", r("POST", "/compatibility/subjects/orders-value/versions",
                                 pb(ORDER_BAD)), (200, {"is_compatible": False}))
    st, body = r("POST", "/subjects/orders-value/versions", pb(ORDER_BAD))
    c.eq("register incompatible", (st, body.get("error_code")), (409, 409))
    c.true("409 names the difference", "FIELD_SCALAR_KIND_CHANGED" in body.get("message", ""))
    c.eq("register v2", r("POST", "/subjects/orders-value/versions", pb(ORDER2)), (200, Registered(2)))
    # FORWARD: a new message is one the old schema lacks
    c.eq("set FORWARD", r("PUT", "/config/orders-value", {"compatibility": "FORWARD"}),
         (200, {"compatibility": "FORWARD"}))
    v3 = ORDER2 + "message Extra {\n  int32 n = 1;\n}\n"
    st, body = r("POST", "/compatibility/subjects/orders-value/versions/latest?verbose=true", pb(v3))
    c.eq("FORWARD message removed", (st, body.get("messages", [None])[0]),
         (200, '{errorType:"MESSAGE_REMOVED", description:"The old schema is missing a MESSAGE type'
          " at path '#/Extra' in the new schema\"}"))
    c.eq("set NONE", r("PUT", "/config/orders-value", {"compatibility": "NONE"})[0], 200)
    c.eq("different type", r("POST", "/compatibility/subjects/orders-value/versions/latest"
                             "?verbose=true", {"schema": '"string"'}),
         (200, {"is_compatible": True, "messages": []}))
    c.eq("set BACKWARD", r("PUT", "/config/orders-value", {"compatibility": "BACKWARD"})[0], 200)
    st, body = r("POST", "/compatibility/subjects/orders-value/versions/latest?verbose=true",
                 {"schema": '"string"'})
    c.eq("AVRO after PROTOBUF", (st, body.get("messages", [None])[0]),
         (200, "Incompatible because of different schema type"))
    st, body = r("POST", "/compatibility/subjects/orders-value/versions/latest?verbose=true",
                 pb("syntax = \"proto3\";\nmessage {"))
    c.eq("invalid schema, verbose", (st, body.get("is_compatible")), (200, False))


def normalize(c, r):
    a = ('syntax = "proto3";\nimport "google/protobuf/timestamp.proto";\nimport "google/protobuf/any.proto";\n'
         'message N { google.protobuf.Timestamp t = 2; google.protobuf.Any a = 1; }\n')
    b = ('syntax = "proto3";\nimport "google/protobuf/any.proto";\nimport "google/protobuf/timestamp.proto";\n'
         'message N { .google.protobuf.Any a = 1; .google.protobuf.Timestamp t = 2; }\n')
    st, ida = r("POST", "/subjects/norm/versions?normalize=true", pb(a))
    c.eq("normalize register", st, 200)
    c.eq("normalized twin, same id", r("POST", "/subjects/norm/versions?normalize=true", pb(b)),
         (200, ida))
    st, got = r("GET", "/schemas/ids/%d/schema" % ida["id"])
    c.eq("normalized text stored", got,
         'syntax = "proto3";\n\nimport "google/protobuf/any.proto";\nimport '
         '"google/protobuf/timestamp.proto";\n\nmessage N {\n  .google.protobuf.Any a = 1;\n'
         '  .google.protobuf.Timestamp t = 2;\n}\n')
    c.eq("lookup normalized", r("POST", "/subjects/norm?normalize=true", pb(a))[1].get("id"),
         ida["id"])


def references(c, r):
    c.eq("register import", r("POST", "/subjects/common.proto/versions", pb(COMMON))[0], 200)
    st, pid = r("POST", "/subjects/pay-value/versions", pb(PAY, references=REFS))
    c.eq("register with reference", st, 200)
    want = {"subject": "pay-value", "version": 1, "id": pid["id"], "guid": ANY_GUID, "schemaType": PB,
            "references": REFS, "schema": PAY, "ts": ANY_TS, "deleted": False}
    c.eq("get with references", r("GET", "/subjects/pay-value/versions/1"), (200, want))
    c.eq("lookup with references", r("POST", "/subjects/pay-value", pb(PAY, references=REFS)),
         (200, want))
    c.eq("referencedby", r("GET", "/subjects/common.proto/versions/1/referencedby"),
         (200, [pid["id"]]))
    c.eq("format=resolved is the text", r("GET", "/schemas/ids/%d?format=resolved" % pid["id"]),
         (200, {"guid": ANY_GUID, "schemaType": PB, "references": REFS, "schema": PAY}))
    st, body = r("DELETE", "/subjects/common.proto/versions/1")
    c.eq("delete guard", (st, body.get("error_code")), (422, 42206))
    st, body = r("POST", "/subjects/x-value/versions", pb(PAY))
    c.eq("import without reference", (st, body.get("error_code")), (422, 42201))
    c.true("names the import", 'import "common.proto"' in body.get("message", ""), body)
    bad_ref = [{"name": "common.proto", "subject": "nope", "version": 1}]
    st, body = r("POST", "/subjects/x-value/versions", pb(PAY, references=bad_ref))
    c.eq("unknown reference subject", st // 100, 4)
    changed = COMMON.replace("int64 units", "string units")
    c.eq("set NONE on import", r("PUT", "/config/common.proto", {"compatibility": "NONE"})[0], 200)
    c.eq("import v2", r("POST", "/subjects/common.proto/versions", pb(changed))[0], 200)
    refs2 = [{"name": "common.proto", "subject": "common.proto", "version": 2}]
    st, body = r("POST", "/compatibility/subjects/pay-value/versions/latest?verbose=true",
                 pb(PAY, references=refs2))
    c.eq("changed import type", (st, body.get("is_compatible"), body.get("messages", [])[:2]),
         (200, False, [
             '{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at '
             "path '#/Money/1' in the new schema does not match its kind in the old schema\"}",
             '{errorType:"FIELD_NAMED_TYPE_CHANGED", description:"The type of a MESSAGE field at '
             "path '#/Pay/1' in the new schema does not match its type in the old schema\"}"]))


def descriptors(c, r):
    """A base64 FileDescriptorProto is the same schema as its .proto text; format=serialized."""
    st, ser = r("GET", "/schemas/ids/1?format=serialized")
    c.eq("serialized by id", (st, ser.get("schemaType")), (200, PB))
    text = ser.get("schema", "")
    c.true("serialized is base64", len(text) % 4 == 0 and "message" not in text, text)
    c.eq("descriptor registers as the same schema",
         r("POST", "/subjects/orders-value/versions", pb(text)), (200, Registered(1)))
    c.eq("descriptor lookup", r("POST", "/subjects/orders-value", pb(text))[1].get("version"), 1)
    st, v = r("GET", "/subjects/orders-value/versions/1?format=serialized")
    c.eq("serialized by version", (st, v.get("schema")), (200, text))
    st, raw = r("GET", "/subjects/orders-value/versions/1/schema?format=serialized")
    c.eq("serialized raw", (st, raw), (200, text))
    c.eq("damaged descriptor", r("POST", "/subjects/d/versions", pb("AAAAAAAA"))[0], 422)


EXT = ('syntax = "proto2";\npackage ext;\n\nimport "google/protobuf/descriptor.proto";\n\n'
       'option java_package = "x";\noption (file_tag) = "t";\n\n'
       'message Thing {\n  option (msg_tag) = 3;\n'
       '  optional string name = 1 [(field_tag) = "n", deprecated = true];\n'
       '  oneof pick {\n    option (oneof_tag) = 1;\n    int32 a = 2;\n  }\n'
       '  extensions 100 to 200;\n}\n'
       'enum Color {\n  option (enum_tag) = true;\n'
       '  RED = 0 [(value_tag) = 1, (confluent.enum_value_meta).doc = "red"];\n}\n'
       'extend google.protobuf.FileOptions { optional string file_tag = 50001; }\n'
       'extend google.protobuf.MessageOptions { optional int32 msg_tag = 50002; }\n'
       'extend google.protobuf.FieldOptions { optional string field_tag = 50003; }\n'
       'extend google.protobuf.OneofOptions { optional int32 oneof_tag = 50004; }\n'
       'extend google.protobuf.EnumOptions { optional bool enum_tag = 50005; }\n'
       'extend google.protobuf.EnumValueOptions { optional int32 value_tag = 50006; }\n'
       'extend google.protobuf.MethodOptions { optional int32 rpc_tag = 50007; }\n'
       'extend Thing { optional int32 more = 100; }\n'
       'service S { rpc R(Thing) returns (Thing) { option (rpc_tag) = 2; } }\n')
EXT_IGNORED = ('syntax = "proto2";\npackage ext;\n\nimport "google/protobuf/descriptor.proto";\n\n'
               'option java_package = "x";\n\nmessage Thing {\n'
               '  optional string name = 1 [deprecated = true];\n\n  oneof pick {\n'
               '    int32 a = 2;\n  }\n}\nenum Color {\n'
               '  RED = 0 [(confluent.enum_value_meta).doc = "red"];\n}\n\n'
               'service S {\n  rpc R (Thing) returns (Thing);\n}\n')


def ignore_extensions(c, r):
    """format=ignore_extensions: custom options (but Confluent's own), extend blocks and
    extension ranges left out; the stored text otherwise."""
    st, body = r("POST", "/subjects/ext-value/versions", pb(EXT))
    c.eq("register with custom options", st, 200)
    sid = body.get("id")
    st, v = r("GET", f"/schemas/ids/{sid}?format=ignore_extensions")
    c.eq("ignore_extensions by id", (st, v.get("schema")), (200, EXT_IGNORED))
    st, v = r("GET", "/subjects/ext-value/versions/latest?format=ignore_extensions")
    c.eq("ignore_extensions by version", (st, v.get("schema")), (200, EXT_IGNORED))
    st, raw = r("GET", "/subjects/ext-value/versions/1/schema?format=ignore_extensions")
    c.eq("ignore_extensions raw", (st, raw), (200, EXT_IGNORED))
    st, v = r("GET", f"/schemas/ids/{sid}")
    c.true("stored text keeps them", "(field_tag)" in v.get("schema", "") and
           "extend Thing" in v.get("schema", ""), v)
    st, v = r("GET", "/schemas/ids/1?format=ignore_extensions")
    c.eq("nothing to leave out: the stored text", (st, v.get("schema")), (200, ORDER1))


def errors(c, r):
    st, body = r("POST", "/subjects/e/versions", pb('syntax = "proto3";\nmessage A {\n  B b = 1;\n}'))
    c.eq("unknown type", (st, body), (422, {"error_code": 42201,
                                           "message": "line 3:3: type B is not defined"}))
    st, body = r("POST", "/subjects/e/versions", pb('syntax = "proto3";\nmessage A { string s = 1'))
    c.eq("syntax error", (st, body.get("error_code")), (422, 42201))
    st, body = r("POST", "/subjects/e/versions", pb("message A { optional string s = 1 [default = \"\xff\"]; }"))
    c.eq("non-ASCII default is fine", st, 200)
    c.eq("empty subject stays absent", r("GET", "/subjects/x-value/versions")[0], 404)
    # what Confluent accepts (protobuf-java builds the descriptor), protoc would refuse
    st, body = r("POST", "/subjects/lenient/versions",
                 pb('syntax = "proto3";\nenum E { ONE = 1; UNO = 1; }\nmessage M { E e = 1; }\n'))
    c.eq("proto3 enum not starting at zero, aliased without allow_alias", st, 200)
    st, body = r("POST", "/subjects/e/versions",
                 pb('syntax = "proto2";\nmessage M { repeated string s = 1 [packed = true]; }'))
    c.eq("packed string refused, as protobuf-java", (st, body.get("error_code")), (422, 42201))


def cli(c, srv):
    """cairn check online and cairn schema register/lookup with .proto files."""
    import subprocess
    import tempfile
    from regtest import BUILD
    cairn = os.path.join(BUILD, "bin", "cairn")
    if not os.access(cairn, os.X_OK):
        return
    d = tempfile.mkdtemp(prefix="cairn-pb-cli-")
    bad, good = os.path.join(d, "bad.proto"), os.path.join(d, "good.proto")
    with open(bad, "w") as f:
        f.write(ORDER_BAD)
    with open(good, "w") as f:
        f.write(ORDER2 + "message Note {\n  string text = 1;\n}\n")

    def run(*args):
        p = subprocess.run([cairn] + list(args), capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout + p.stderr
    rc, out = run("check", "--registry", srv.url, "--type", "protobuf", "--subject",
                  "orders-value", bad)
    c.eq("cairn check online: incompatible", rc, 100)
    c.true("cairn check online: rule and path", "FIELD_SCALAR_KIND_CHANGED at #/Order/1" in out, out)
    rc, out = run("check", "--registry", srv.url, "--type", "protobuf", "--subject",
                  "orders-value", good)
    c.eq("cairn check online: compatible", rc, 0)
    rc, out = run("schema", "register", "orders-value", good, "--type", "PROTOBUF",
                  "--registry", srv.url)
    c.eq("cairn schema register .proto", rc, 0)
    rc, out = run("schema", "lookup", "orders-value", good, "--type", "PROTOBUF",
                  "--registry", srv.url)
    c.true("cairn schema lookup .proto", rc == 0 and "subject orders-value" in out, out)
    # -I: the imports registered first, under their import paths, then the file with references
    os.makedirs(os.path.join(d, "inc", "geo"))
    with open(os.path.join(d, "inc", "geo", "point.proto"), "w") as f:
        f.write('syntax = "proto3";\npackage geo;\nmessage Point {\n  double lat = 1;\n}\n')
    with open(os.path.join(d, "inc", "geo", "area.proto"), "w") as f:
        f.write('syntax = "proto3";\npackage geo;\nimport "geo/point.proto";\n'
                'message Area {\n  repeated Point corners = 1;\n}\n')
    shop = os.path.join(d, "shop.proto")
    with open(shop, "w") as f:
        f.write('syntax = "proto3";\nimport "geo/area.proto";\nimport "google/protobuf/any.proto";\n'
                'message Shop {\n  geo.Area area = 1;\n  google.protobuf.Any extra = 2;\n}\n')
    rc, first = run("schema", "register", "shop-value", shop, "--type", "PROTOBUF", "-I",
                    os.path.join(d, "inc"), "--registry", srv.url)
    c.eq("register with -I", rc, 0)
    st, body = request(srv.url, "GET", "/subjects/shop-value/versions/1")
    c.eq("references of the registered file", body.get("references"),
         [{"name": "geo/area.proto", "subject": "geo/area.proto", "version": 1}])
    st, body = request(srv.url, "GET", "/subjects/geo%2Farea.proto/versions/1")
    c.eq("imports registered depth first", body.get("references"),
         [{"name": "geo/point.proto", "subject": "geo/point.proto", "version": 1}])
    c.eq("well-known imports not registered",
         request(srv.url, "GET", "/subjects/google%2Fprotobuf%2Fany.proto/versions")[0], 404)
    rc, out = run("schema", "register", "shop-value", shop, "--type", "PROTOBUF", "-I",
                  os.path.join(d, "inc"), "--registry", srv.url)
    c.eq("register with -I again: same id", (rc, out.strip()), (0, first.strip()))
    rc, out = run("schema", "register", "shop-value", shop, "--type", "PROTOBUF", "-I",
                  os.path.join(d, "nowhere"), "--registry", srv.url)
    c.true("missing import with -I", rc == 1 and "geo/area.proto" in out, out)
    # an explicit level online: the history versions' imports (two deep) are fetched
    shop2, shop3 = os.path.join(d, "shop2.proto"), os.path.join(d, "shop3.proto")
    with open(shop2, "w") as f:
        f.write('syntax = "proto3";\nimport "geo/area.proto";\nimport "google/protobuf/any.proto";\n'
                'message Shop {\n  geo.Area area = 1;\n  google.protobuf.Any extra = 2;\n'
                '  string name = 3;\n}\n')
    with open(shop3, "w") as f:
        f.write('syntax = "proto3";\nimport "geo/area.proto";\n'
                'message Shop {\n  geo.Area area = 1;\n  int64 extra = 2;\n}\n')
    ref = ["--reference", "geo/area.proto=geo/area.proto:1"]
    rc, out = run("check", "--registry", srv.url, "--type", "protobuf", "--subject", "shop-value",
                  "--level", "FULL_TRANSITIVE", *ref, shop2)
    c.eq("online --level with imports: compatible", (rc, out.count("compatible (FULL_TRANSITIVE")),
         (0, 1))
    rc, out = run("check", "--registry", srv.url, "--type", "protobuf", "--subject", "shop-value",
                  "--level", "BACKWARD", *ref, shop3)
    c.true("online --level with imports: incompatible", rc == 100 and "FIELD_KIND_CHANGED" in out,
           out)
    rc, out = run("check", "--registry", srv.url, "--type", "protobuf", "--subject", "shop-value",
                  "--rules", "wire", *ref, shop3)
    c.true("online --rules wire", rc == 100 and "FIELD_WIRE_COMPATIBLE_TYPE at " + shop3 + ":5:3"
           in out, out)
    rc, out = run("check", "--registry", srv.url, "--type", "protobuf", "--subject", "shop-value",
                  "--rules", "wire", *ref, shop2)
    c.eq("online --rules wire: a field added", rc, 0)
    import shutil
    shutil.rmtree(d, ignore_errors=True)


def restart(c, srv):
    before = request(srv.url, "GET", "/schemas?deleted=true")[1]
    c.eq("clean stop", srv.stop(), 0)
    srv.start()
    c.eq("state after restart", request(srv.url, "GET", "/schemas?deleted=true")[1], before)
    c.eq("check after restart", request(srv.url, "POST",
                                        "/compatibility/subjects/orders-value/versions/latest",
                                        pb(ORDER_BAD)), (200, {"is_compatible": False}))


def main():
    cairnd_available()
    c = Checks("test_registry_protobuf")
    srv = Cairnd()
    try:
        srv.start()

        def r(method, path, body=None):
            return request(srv.url, method, path, body)
        basics(c, r)
        compatibility(c, r)
        normalize(c, r)
        references(c, r)
        descriptors(c, r)
        ignore_extensions(c, r)
        errors(c, r)
        cli(c, srv)
        restart(c, srv)
    except Exception as e:  # a crash of the test itself is a failure, with the server log
        c.failed.append("exception: %r" % e)
        print("FAIL", e, "\n", srv.tail())
    finally:
        srv.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
