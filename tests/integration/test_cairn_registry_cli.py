# SPDX-License-Identifier: Apache-2.0
#
# `cairn schema|config|mode` and `cairn check` against a real cairnd (no Kafka listener):
# every registry command in text and --json, errors and exit codes, then the CI gate: offline
# against files and directories, a manifest, online against the running registry (latest and
# all versions, the subject's configured level, transitive levels, new subjects), every exit
# code and every output format (JUnit parsed with xml.etree, GitHub annotations, JSON lines).
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import BUILD, Cairnd, Checks, Registered, cairnd_available, free_port  # noqa: E402

CAIRN = os.path.join(BUILD, "bin", "cairn")

V1 = {"type": "record", "name": "User", "namespace": "com.ex", "fields": [{"name": "id", "type": "int"}]}
V2 = {"type": "record", "name": "User", "namespace": "com.ex",
      "fields": [{"name": "id", "type": "long"}, {"name": "email", "type": ["null", "string"], "default": None}]}
V3_NEEDS_V2 = {"type": "record", "name": "User", "namespace": "com.ex",
               "fields": [{"name": "id", "type": "long"}, {"name": "email", "type": ["null", "string"]}]}
BAD = {"type": "record", "name": "User", "namespace": "com.ex",
       "fields": [{"name": "id", "type": "long"}, {"name": "age", "type": "int"}]}


def run(*args, stdin=None, env=None):
    e = dict(os.environ)
    e.pop("CAIRN_REGISTRY_URL", None)
    e.update(env or {})
    p = subprocess.run([CAIRN] + list(args), input=stdin, capture_output=True, text=True, env=e,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


def write(d, name, obj):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(obj if isinstance(obj, str) else json.dumps(obj))
    return path


def registry_commands(c, url, d):
    R = ["--registry", url]
    v1, v2 = write(d, "v1.avsc", V1), write(d, "v2.avsc", V2)
    rc, out, err = run("schema", "register", "users-value", v1, *R)
    c.eq("register rc", rc, 0)
    c.eq("register prints the id", out.strip(), "1")
    rc, out, _ = run("schema", "register", "users-value", v2, "--json", *R)
    c.eq("register v2 --json", json.loads(out), Registered(2))
    rc, out, _ = run("schema", "lookup", "users-value", "-", *R, stdin=json.dumps(V2))
    c.eq("lookup reads the schema from stdin with -", out.strip(), "subject users-value version 2 id 2")
    rc, out, _ = run("schema", "get", "users-value", *R)
    c.eq("get latest prints the schema", json.loads(out), V2)
    rc, out, _ = run("schema", "get", "users-value", "1", "--json", *R)
    o = json.loads(out)
    c.eq("get version 1 --json", (o["subject"], o["version"], o["id"]), ("users-value", 1, 1))
    rc, out, _ = run("schema", "get", "--id", "2", *R)
    c.eq("get --id", json.loads(out), V2)
    rc, out, _ = run("schema", "get", "--id", "2", "--json", *R)
    c.eq("get --id --json", json.loads(json.loads(out)["schema"]), V2)
    rc, out, _ = run("schema", "versions", "users-value", *R)
    c.eq("versions text", out.split(), ["1", "2"])
    rc, out, _ = run("schema", "versions", "users-value", "--json", *R)
    c.eq("versions --json", json.loads(out), [1, 2])
    run("schema", "register", "a/b c", v1, *R)
    rc, out, _ = run("schema", "list", *R)
    c.eq("list text (subject with / and space escaped)", out.splitlines(), ["a/b c", "users-value"])
    rc, out, _ = run("schema", "list", "--prefix", "users", "--json", *R)
    c.eq("list --prefix --json", json.loads(out), ["users-value"])
    rc, out, _ = run("schema", "lookup", "users-value", v1, *R)
    c.eq("lookup text", out.strip(), "subject users-value version 1 id 1")
    rc, out, _ = run("schema", "lookup", "users-value", v1, "--json", *R)
    c.eq("lookup --json", (json.loads(out)["version"], json.loads(out)["id"]), (1, 1))
    rc, out, err = run("schema", "lookup", "users-value", write(d, "other.avsc", '"string"'), *R)
    c.eq("lookup unknown schema rc", rc, 1)
    c.true("lookup unknown schema names 40403", "40403" in err, err)
    rc, out, err = run("schema", "get", "nope", *R)
    c.eq("get unknown subject rc", rc, 1)
    c.true("error on stderr with error_code", "40401" in err and out == "", (out, err))
    rc, out, err = run("schema", "register", "bad", write(d, "broken.avsc", '{"type":'), *R)
    c.true("register invalid schema fails with 42201", rc == 1 and "42201" in err, err)
    # config and mode
    rc, out, _ = run("config", "get", *R)
    c.eq("config get global", out.strip(), "BACKWARD")
    rc, out, _ = run("config", "set", "FULL_TRANSITIVE", "--json", *R)
    c.eq("config set global --json", json.loads(out)["compatibility"], "FULL_TRANSITIVE")
    run("config", "set", "BACKWARD", *R)
    rc, out, _ = run("config", "set", "users-value", "NONE", *R)
    c.eq("config set subject", (rc, out.strip()), (0, "NONE"))
    rc, out, _ = run("config", "get", "users-value", "--json", *R)
    c.eq("config get subject --json", json.loads(out)["compatibilityLevel"], "NONE")
    rc, out, _ = run("config", "delete", "users-value", *R)
    c.eq("config delete subject", (rc, out.strip()), (0, "NONE"))
    rc, out, err = run("config", "get", "users-value", *R)
    c.true("config get without own level: 40408", rc == 1 and "40408" in err, err)
    rc, out, _ = run("config", "get", "users-value", "--effective", *R)
    c.eq("config get --effective", out.strip(), "BACKWARD")
    rc, out, err = run("config", "set", "SIDEWAYS", *R)
    c.true("config set bad level: 42203", rc == 1 and "42203" in err, err)
    rc, out, _ = run("mode", "get", *R)
    c.eq("mode get", out.strip(), "READWRITE")
    rc, out, _ = run("mode", "set", "users-value", "READONLY", "--json", *R)
    c.eq("mode set subject --json", json.loads(out), {"mode": "READONLY"})
    rc, out, err = run("schema", "register", "users-value", write(d, "v5.avsc", '"int"'), *R)
    c.true("READONLY subject refuses register", rc == 1 and "42205" in err, err)
    rc, out, _ = run("mode", "get", "users-value", *R)
    c.eq("mode get subject", out.strip(), "READONLY")
    rc, out, _ = run("mode", "delete", "users-value", *R)
    c.eq("mode delete subject", (rc, out.strip()), (0, "READONLY"))
    # delete
    rc, out, _ = run("schema", "delete", "a/b c", "1", *R)
    c.eq("delete version", (rc, out.strip()), (0, "1"))
    rc, out, _ = run("schema", "list", "--deleted", "--json", *R)
    c.true("list --deleted shows soft-deleted", "a/b c" in json.loads(out), out)
    rc, out, _ = run("schema", "delete", "a/b c", "--permanent", "--json", *R)
    c.eq("delete --permanent --json", (rc, json.loads(out)), (0, [1]))
    # environment, usage, network
    rc, out, _ = run("schema", "versions", "users-value", env={"CAIRN_REGISTRY_URL": url})
    c.eq("CAIRN_REGISTRY_URL", out.split(), ["1", "2"])
    rc, out, err = run("schema", "versions", "users-value")
    c.true("no registry: usage error", rc == 1 and "CAIRN_REGISTRY_URL" in err, err)
    rc, out, err = run("schema", "versions", "users-value", "--registry", "http://127.0.0.1:%d" % free_port())
    c.true("unreachable registry: exit 1, TRANSPORT", rc == 1 and "TRANSPORT" in err, err)
    rc, out, err = run("schema", "register", "only-subject", *R)
    c.eq("wrong argument count", rc, 1)
    rc, out, err = run("schema", "frob", *R)
    c.eq("unknown verb", rc, 1)
    rc, out, err = run("schema", "get", "x", "--registry-property", "no.such.key=1", *R)
    c.true("unknown serdes key named", rc == 1 and "no.such.key" in err, err)
    rc, out, err = run("schema", "get", "x", "--user", "a:b", "--registry", "http://u:p@127.0.0.1:1")
    c.true("user info twice is a configuration error", rc == 1 and "basic.auth.user.info" in err, err)
    for cmd in (["schema", "--help"], ["schema", "get", "--help"], ["config", "--help"],
                ["config", "set", "--help"], ["mode", "--help"], ["mode", "set", "--help"],
                ["check", "--help"], ["produce", "--help"], ["consume", "--help"],
                ["topic", "--help"], ["topic", "create", "--help"]):
        rc, out, _ = run(*cmd)
        c.true("%s exits 0 with usage" % " ".join(cmd), rc == 0 and "usage" in out, out)
        c.true("%s lists registry or kafka options" % " ".join(cmd),
               "--registry" in out or "--bootstrap" in out, out)


def junit(c, what, text, tests, failures, errors=0):
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        c.true(what + ": JUnit parses as XML", False, "%s\n%s" % (e, text))
        return None
    c.eq(what + ": root", root.tag, "testsuites")
    c.eq(what + ": counts", (int(root.get("tests")), int(root.get("failures")), int(root.get("errors"))),
         (tests, failures, errors))
    return root


def check_offline(c, d):
    hist = os.path.join(d, "hist")
    write(d, "hist/v1.avsc", V1)
    write(d, "hist/v2.avsc", V2)
    write(d, "hist/.hidden", "not a schema")
    v3 = write(d, "v3.avsc", V3_NEEDS_V2)
    bad = write(d, "bad.avsc", BAD)
    rc, out, _ = run("check", "--against", hist, v3)
    c.eq("offline directory BACKWARD (latest only)", rc, 0)
    c.true("text says compatible with 2 versions", "compatible (BACKWARD, 2 previous versions)" in out, out)
    rc, out, _ = run("check", "--against", hist, "--level", "BACKWARD_TRANSITIVE", v3)
    c.eq("offline directory BACKWARD_TRANSITIVE", rc, 100)
    c.true("text names version 1 and its file", "version 1 (%s/v1.avsc)" % hist in out, out)
    for n in range(3, 11):  # natural order: v10 after v9
        write(d, "many/v%d.avsc" % n, V1 if n == 10 else V2)
    rc, out, _ = run("check", "--against", os.path.join(d, "many"), "--format", "json", bad)
    o = json.loads(out)
    c.true("natural order: v10 is the latest", rc == 100 and o["violations"][0]["version"] == 8, out)
    rc, out, _ = run("check", "--against", hist, "--format", "junit", "--subject", "users", bad)
    root = junit(c, "offline junit", out, 1, 1)
    if root is not None:
        f = root.find("testsuite/testcase/failure")
        c.eq("junit suite name is the subject", root.find("testsuite").get("name"), "users")
        c.eq("junit failure type is the rule", f.get("type"), "READER_FIELD_MISSING_DEFAULT_VALUE")
    rc, out, _ = run("check", "--against", hist, "--format", "junit", v3)
    root = junit(c, "offline junit compatible", out, 1, 0)
    rc, out, _ = run("check", "--against", hist, "--format", "github", bad)
    c.true("github ::error with file and title",
           out.startswith("::error file=%s,title=READER_FIELD_MISSING_DEFAULT_VALUE::bad version 2 at /fields/1: " % bad), out)
    rc, out, _ = run("check", "--against", hist, "--format", "github", v3)
    c.true("github ::notice when compatible", rc == 0 and out.startswith("::notice file="), out)
    broken = write(d, "broken.avsc", '{"type":"record","name":"X","fields":[{"name":"a"}]}')
    rc, out, err = run("check", "--against", hist, "--format", "junit", broken)
    root = junit(c, "junit parse error", out, 1, 0, 1)
    c.eq("parse error exit 2", rc, 2)
    c.true("parse error on stderr", "No field type" in err, err)
    rc, out, err = run("check", "--against", hist, "--format", "github", broken)
    c.true("github parse error", rc == 2 and "title=PARSE_ERROR" in out, out)
    out_file = os.path.join(d, "report.xml")
    rc, out, _ = run("check", "--against", hist, "--format", "junit", "--output", out_file, bad)
    c.eq("--output leaves stdout empty", (rc, out), (100, ""))
    with open(out_file) as f:
        junit(c, "--output file", f.read(), 1, 1)
    # manifest, offline
    man = write(d, "ci/manifest.json", {
        "level": "BACKWARD",
        "subjects": [
            {"subject": "users-value", "file": "../v3.avsc", "against": "../hist"},
            {"subject": "users-strict", "file": "../v3.avsc", "against": ["../hist/v1.avsc", "../hist/v2.avsc"],
             "level": "FULL_TRANSITIVE"},
            {"subject": "fresh", "file": "../hist/v1.avsc"},
        ]})
    rc, out, _ = run("check", "--manifest", man)
    c.eq("offline manifest: one incompatible subject", rc, 100)
    c.true("manifest text summary", "3 subjects: 2 compatible, 1 incompatible" in out, out)
    rc, out, _ = run("check", "--manifest", man, "--format", "json")
    lines = [json.loads(x) for x in out.splitlines()]
    c.eq("json lines: one per subject", [(x["subject"], x["status"]) for x in lines],
         [("users-value", "compatible"), ("users-strict", "incompatible"), ("fresh", "compatible")])
    c.true("json lines carry format_version 1", all(x["format_version"] == 1 for x in lines))
    c.eq("json violation fields", sorted(lines[1]["violations"][0]),
         ["against", "file", "location", "message", "path", "rule", "subject", "version"])
    rc, out, _ = run("check", "--manifest", man, "--format", "junit")
    root = junit(c, "manifest junit", out, 1 + len(lines[1]["violations"]) + 1, len(lines[1]["violations"]))
    if root is not None:
        c.eq("manifest junit: one testsuite per subject", [s.get("name") for s in root.findall("testsuite")],
             ["users-value", "users-strict", "fresh"])
    rc, out, err = run("check", "--manifest", write(d, "m2.json", {"subjects": [{"file": "x"}]}))
    c.true("manifest entry without subject: usage", rc == 1 and "subject" in err, err)
    rc, out, err = run("check", "--manifest", write(d, "m3.json", "{nope"))
    c.eq("manifest not JSON: usage", rc, 1)
    rc, out, err = run("check", "--manifest", man, v3)
    c.eq("manifest and a file: usage", rc, 1)
    rc, out, err = run("check", "--format", "xml", v3)
    c.eq("unknown format: usage", rc, 1)


def check_online(c, url, d):
    R = ["--registry", url]
    v1, v2 = write(d, "o/v1.avsc", V1), write(d, "o/v2.avsc", V2)
    v3, bad = write(d, "o/v3.avsc", V3_NEEDS_V2), write(d, "o/bad.avsc", BAD)
    run("schema", "register", "orders-value", v1, *R)
    run("schema", "register", "orders-value", v2, *R)
    rc, out, _ = run("check", "--subject", "orders-value", v3, *R)
    c.eq("online BACKWARD: compatible with latest", rc, 0)
    c.true("online text: level and versions", "compatible (BACKWARD, 2 previous versions)" in out, out)
    rc, out, _ = run("check", "--subject", "orders-value", v2, *R)
    c.eq("online: identical re-registration is compatible", rc, 0)
    rc, out, _ = run("check", "--subject", "orders-value", bad, "--format", "json", *R)
    o = json.loads(out)
    c.eq("online incompatible exit", rc, 100)
    c.eq("online violation from verbose messages", (o["violations"][0]["rule"], o["violations"][0]["version"],
                                                      o["violations"][0]["path"]),
         ("READER_FIELD_MISSING_DEFAULT_VALUE", 2, "/fields/1"))
    c.true("online json keeps Confluent's messages", o["messages"][-1].startswith("{validateFields"), o)
    run("config", "set", "orders-value", "BACKWARD_TRANSITIVE", *R)
    rc, out, _ = run("check", "--subject", "orders-value", v3, "--format", "json", *R)
    o = json.loads(out)
    c.eq("online uses the subject's transitive level", (rc, o["level"], o["violations"][0]["version"]),
         (100, "BACKWARD_TRANSITIVE", 1))
    rc, out, _ = run("check", "--subject", "orders-value", v3, "--latest", *R)
    c.eq("online --latest compares with the latest only", rc, 0)
    rc, out, _ = run("check", "--subject", "orders-value", v3, "--level", "BACKWARD", *R)
    c.eq("online --level checks the registry's versions locally", rc, 0)
    rc, out, _ = run("check", "--subject", "orders-value", bad, "--level", "NONE", *R)
    c.eq("online --level NONE", rc, 0)
    rc, out, _ = run("check", "--subject", "orders-value", v3, "--format", "junit", *R)
    root = junit(c, "online junit", out, 1, 1)
    rc, out, _ = run("check", "--subject", "orders-value", v3, "--format", "github", *R)
    c.true("online github", rc == 100 and "::error file=%s,title=READER_FIELD_MISSING_DEFAULT_VALUE::orders-value version 1" % v3 in out, out)
    # new subjects
    rc, out, _ = run("check", "--subject", "brand-new", bad, *R)
    c.true("new subject passes", rc == 0 and "new subject" in out, out)
    rc, out, _ = run("check", "--subject", "brand-new", bad, "--fail-on-new-subject", "--format", "json", *R)
    c.eq("--fail-on-new-subject", (rc, json.loads(out)["violations"][0]["rule"]), (100, "NEW_SUBJECT"))
    rc, out, _ = run("check", "--subject", "brand-new", bad, "--format", "junit", *R)
    junit(c, "new subject junit", out, 1, 0)
    # parse error before asking the registry, network errors
    broken = write(d, "o/broken.avsc", '{"type":')
    rc, out, err = run("check", "--subject", "orders-value", broken, *R)
    c.true("online parse error: exit 2", rc == 2 and "Invalid JSON" in err, (rc, err))
    dead = "http://127.0.0.1:%d" % free_port()
    rc, out, err = run("check", "--subject", "orders-value", v3, "--registry", dead)
    c.true("online network error: exit 1", rc == 1 and "TRANSPORT" in err, (rc, err))
    rc, out, err = run("check", "--subject", "orders-value", v3, "--registry", dead, "--format", "junit")
    junit(c, "network error junit", out, 1, 0, 1)
    # environment: online without --against, offline with it
    rc, out, _ = run("check", "--subject", "orders-value", v3, env={"CAIRN_REGISTRY_URL": url})
    c.eq("CAIRN_REGISTRY_URL makes check online", rc, 100)
    rc, out, _ = run("check", "--subject", "orders-value", "--against", v2, v3, env={"CAIRN_REGISTRY_URL": url})
    c.eq("--against stays offline", rc, 0)
    rc, out, _ = run("check", "--offline", v3, env={"CAIRN_REGISTRY_URL": url})
    c.eq("--offline", rc, 0)
    # manifest, online
    man = write(d, "o/manifest.json", {"subjects": [
        {"subject": "orders-value", "file": "v3.avsc"},
        {"subject": "orders-value", "file": "v3.avsc", "level": "BACKWARD"},
        {"subject": "new-subject", "file": "bad.avsc"},
        {"subject": "broken", "file": "broken.avsc"}]})
    rc, out, err = run("check", "--manifest", man, "--format", "json", *R)
    lines = [json.loads(x) for x in out.splitlines()]
    c.eq("online manifest statuses", [x["status"] for x in lines],
         ["incompatible", "compatible", "compatible", "parse_error"])
    c.eq("online manifest: parse error wins over incompatible (exit 2)", rc, 2)
    c.true("online manifest: new subject flagged", lines[2]["new_subject"], lines[2])


ADDR = {"type": "record", "name": "Address", "namespace": "ex", "fields": [{"name": "street", "type": "string"}]}
U_OLD = {"type": "record", "name": "User", "namespace": "ex", "fields": [{"name": "a", "type": "ex.Address"}]}
U_OK = {"type": "record", "name": "User", "namespace": "ex",
        "fields": [{"name": "a", "type": "ex.Address"}, {"name": "c", "type": ["null", "int"], "default": None}]}
U_BAD = {"type": "record", "name": "User", "namespace": "ex",
         "fields": [{"name": "a", "type": "ex.Address"}, {"name": "b", "type": "int"}]}


def references(c, url, d):
    R = ["--registry", url]
    addr, old = write(d, "r/addr.avsc", ADDR), write(d, "r/u_old.avsc", U_OLD)
    ok, bad = write(d, "r/u_ok.avsc", U_OK), write(d, "r/u_bad.avsc", U_BAD)
    run("schema", "register", "addr", addr, *R)
    rc, out, err = run("schema", "register", "user", old, *R)
    c.true("register without its reference: 42201", rc == 1 and "42201" in err, err)
    rc, out, err = run("schema", "register", "user", old, "--reference", "ex.Address=addr:1", *R)
    c.eq("register with --reference", rc, 0)
    rc, out, _ = run("schema", "get", "user", "--json", *R)
    c.eq("references stored", json.loads(out).get("references"),
         [{"name": "ex.Address", "subject": "addr", "version": 1}])
    rc, out, _ = run("schema", "lookup", "user", old, "--reference", "ex.Address=addr:1", *R)
    c.eq("lookup with --reference", out.strip(), "subject user version 1 id %s" % json.loads(
        run("schema", "get", "user", "--json", *R)[1])["id"])
    rc, out, err = run("schema", "register", "user", old, "--reference", "nocolon", *R)
    c.eq("malformed --reference", rc, 1)
    ref = ["--reference", "ex.Address=addr:1"]
    rc, out, _ = run("check", "--subject", "user", ok, *ref, *R)
    c.eq("online check with references: compatible", rc, 0)
    rc, out, _ = run("check", "--subject", "user", bad, "--format", "json", *ref, *R)
    c.eq("online check with references: incompatible", (rc, json.loads(out)["violations"][0]["rule"]),
         (100, "READER_FIELD_MISSING_DEFAULT_VALUE"))
    rc, out, _ = run("check", "--subject", "user", ok, *R)
    c.eq("online check without the reference: parse error", rc, 2)
    rfile = ["--reference-file", "ex.Address=" + addr]
    rc, out, _ = run("check", "--against", old, ok, *rfile)
    c.eq("offline --reference-file: compatible", rc, 0)
    rc, out, _ = run("check", "--against", old, bad, *rfile)
    c.eq("offline --reference-file: incompatible", rc, 100)
    rc, out, err = run("check", "--against", old, ok)
    c.true("offline without the reference: parse error", rc == 2 and "ex.Address" in err, err)
    man = write(d, "r/manifest.json", {"subjects": [
        {"subject": "user", "file": "u_bad.avsc", "against": "u_old.avsc",
         "references": [{"name": "ex.Address", "file": "addr.avsc"}]}]})
    rc, out, _ = run("check", "--manifest", man)
    c.eq("offline manifest with file references", rc, 100)
    man = write(d, "r/manifest2.json", {"subjects": [
        {"subject": "user", "file": "u_ok.avsc",
         "references": [{"name": "ex.Address", "subject": "addr", "version": 1}]}]})
    rc, out, _ = run("check", "--manifest", man, *R)
    c.eq("online manifest with registry references", rc, 0)
    # an explicit level: the versions and their references are fetched and checked here
    rc, out, err = run("check", "--manifest", man, "--level", "FULL", *R)
    c.eq("explicit level with references: compatible", rc, 0)
    man = write(d, "r/manifest3.json", {"subjects": [
        {"subject": "user", "file": "u_bad.avsc",
         "references": [{"name": "ex.Address", "subject": "addr", "version": 1}]}]})
    rc, out, err = run("check", "--manifest", man, "--level", "BACKWARD", "--format", "json", *R)
    c.eq("explicit level with references: incompatible",
         (rc, json.loads(out)["violations"][0]["rule"]), (100, "READER_FIELD_MISSING_DEFAULT_VALUE"))


def nul_default(c, url, d):
    """A bytes default of U+0000 (written \\u0000, as Confluent stores it) through every path."""
    R = ["--registry", url]
    old = {"type": "record", "name": "Blob", "fields": [{"name": "a", "type": "int"}]}
    new = {"type": "record", "name": "Blob",
           "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "bytes", "default": "\x00"}]}
    canon = ('{"type":"record","name":"Blob","fields":[{"name":"a","type":"int"},'
             '{"name":"b","type":"bytes","default":"\\u0000"}]}')
    f_old, f_new = write(d, "nul/v1.avsc", old), write(d, "nul/v2.avsc", new)
    c.true("the file holds the escape", "\\u0000" in open(f_new).read())
    rc, out, err = run("check", f_new, "--against", f_old, "--level", "FULL")
    c.eq("offline check with a NUL default", (rc, err), (0, ""))
    rc, out, err = run("schema", "register", "nul-value", f_old, *R)
    c.eq("register v1", rc, 0)
    rc, out, err = run("check", f_new, "--subject", "nul-value", *R)
    c.eq("online check with a NUL default", (rc, err), (0, ""))
    rc, out, err = run("schema", "register", "nul-value", f_new, "--json", *R)
    c.eq("register the NUL default", rc, 0)
    sid = json.loads(out).get("id") if rc == 0 else None
    rc, out, _ = run("schema", "lookup", "nul-value", f_new, *R)
    c.eq("lookup finds it", out.strip(), "subject nul-value version 2 id %s" % sid)
    rc, out, _ = run("schema", "get", "nul-value", *R)
    c.eq("get prints Confluent's text", out.strip(), canon)
    c.eq("the default is U+0000", json.loads(out)["fields"][1]["default"], "\x00")
    rc, out, _ = run("schema", "get", "nul-value", "2", "--json", *R)
    c.eq("get --json", json.loads(out).get("schema") if rc == 0 else rc, canon)


def main():
    cairnd_available()
    if not os.access(CAIRN, os.X_OK):
        print("skipped: %s not built" % CAIRN)
        return 77
    c = Checks("cairn registry commands and check")
    d = tempfile.mkdtemp(prefix="cairn-cli-")
    srv = Cairnd()
    try:
        srv.start()
        registry_commands(c, srv.url, d)
        check_offline(c, d)
        check_online(c, srv.url, d)
        references(c, srv.url, d)
        nul_default(c, srv.url, d)
    finally:
        srv.cleanup()
        shutil.rmtree(d, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
