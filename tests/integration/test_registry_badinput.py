# SPDX-License-Identifier: Apache-2.0
#
# Bad and unusual input on a real cairnd over loopback (issue 9):
# - U+0000 in Avro defaults, docs and properties is accepted, stored as Confluent writes it
#   (Jackson prints U+0000 as \u0000 in the canonical string), answered the same way on every
#   read, given the same id again, and kept across a restart (the _schemas replay); a NUL in a
#   name, keyword or subject is refused with its 422 and changes nothing;
# - a subject that is not UTF-8 once percent-decoded (%C0%AF, %FF%FE) is 422/42208 on every
#   endpoint that takes a subject or a context, and nothing is written;
# - duplicate or conflicting Content-Length headers (RFC 9112 §6.3) over a raw socket.
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import ANY_GUID, CT, Cairnd, Checks, Registered, cairnd_available, request  # noqa: E402

# As a client sends it (escapes, spaces) and as Confluent stores it (Avro Java's toString through
# Jackson: compact, doc before default, U+0000 written \u0000, U+00FF as UTF-8).
NUL_SCHEMA = ('{"type": "record", "name": "Blob", "namespace": "t", "fields": ['
              '{"name": "b", "type": "bytes", "default": "\\u0000"}, '
              '{"name": "f", "type": {"type": "fixed", "name": "Two", "size": 2}, '
              '"default": "\\u0000\\u0000"}, '
              '{"name": "s", "type": "string", "default": "a\\u0000b", "doc": "nul \\u0000 \\u00ff"}]}')
NUL_CANON = ('{"type":"record","name":"Blob","namespace":"t","fields":['
             '{"name":"b","type":"bytes","default":"\\u0000"},'
             '{"name":"f","type":{"type":"fixed","name":"Two","size":2},"default":"\\u0000\\u0000"},'
             '{"name":"s","type":"string","doc":"nul \\u0000 \u00ff","default":"a\\u0000b"}]}')
NUL_OTHER = NUL_SCHEMA.replace('"default": "\\u0000"}', '"default": "\\u0000x"}')


def err_code(resp):
    st, body = resp
    return st, body.get("error_code") if isinstance(body, dict) else body


def nul_defaults(c, base):
    def r(method, path, body=None):
        return request(base, method, path, body)
    st, body = r("POST", "/subjects/blob/versions", {"schema": NUL_SCHEMA})
    c.eq("register NUL defaults", st, 200)
    sid = body.get("id") if isinstance(body, dict) else None
    c.eq("same id again (other spacing)", r("POST", "/subjects/blob/versions",
                                             {"schema": NUL_CANON}), (200, Registered(sid)))
    c.eq("lookup", r("POST", "/subjects/blob", {"schema": NUL_SCHEMA}),
         (200, {"subject": "blob", "version": 1, "id": sid, "guid": ANY_GUID, "schemaType": "AVRO",
                "schema": NUL_CANON}))
    c.eq("get by id: Confluent's text", r("GET", "/schemas/ids/%s" % sid),
         (200, {"guid": ANY_GUID, "schemaType": "AVRO", "schema": NUL_CANON}))
    st, raw = request(base, "GET", "/subjects/blob/versions/1/schema")
    c.eq("raw schema", (st, raw), (200, json.loads(NUL_CANON)))
    c.eq("NUL default decodes to U+0000", json.loads(NUL_CANON)["fields"][0]["default"], "\x00")
    st, body = r("POST", "/subjects/blob/versions", {"schema": NUL_OTHER})
    c.true("text after the NUL counts: another id", st == 200 and body.get("id") != sid, body)
    # the body itself with U+0000 in it: metadata properties keep it
    md = {"properties": {"owner": "a\x00b"}}
    st, body = r("POST", "/subjects/blob-md/versions", {"schema": NUL_SCHEMA, "metadata": md})
    c.eq("register with NUL metadata", st, 200)
    st, body = r("GET", "/subjects/blob-md/versions/latest")
    c.eq("metadata keeps U+0000", body.get("metadata") if isinstance(body, dict) else body, md)
    return sid


def nul_refused(c, base):
    def r(method, path, body=None):
        return err_code(request(base, method, path, body))
    before = request(base, "GET", "/schemas?deleted=true")
    bad_name = '{"type":"record","name":"R\\u0000x","fields":[]}'
    st, body = request(base, "POST", "/subjects/n1/versions", {"schema": bad_name})
    c.eq("NUL in a record name", (st, body.get("error_code")), (422, 42201))
    c.true("message names U+0000, not a cut name", "U+0000" in body.get("message", ""), body)
    c.eq("NUL in a field name", r("POST", "/subjects/n1/versions", {"schema": (
        '{"type":"record","name":"R","fields":[{"name":"a\\u0000","type":"int"}]}')}), (422, 42201))
    c.eq("NUL in schemaType", r("POST", "/subjects/n1/versions",
                                {"schema": '"int"', "schemaType": "AVRO\x00"}), (422, 42201))
    c.eq("NUL in a reference subject", r("POST", "/subjects/n1/versions", {
        "schema": '"int"', "references": [{"name": "x", "subject": "s\x00t", "version": 1}]}),
        (422, 42208))
    c.eq("NUL in a path subject", r("POST", "/subjects/a%00b/versions", {"schema": '"int"'}),
         (422, 42208))
    c.eq("NUL in a compatibility level", r("PUT", "/config/n1", {"compatibility": "FULL\x00"}),
         (422, 42203))
    c.eq("NUL in a mode", r("PUT", "/mode/n1", {"mode": "READONLY\x00"}), (422, 42204))
    c.eq("nothing written", request(base, "GET", "/schemas?deleted=true"), before)
    c.eq("no config written", r("GET", "/config/n1"), (404, 40408))
    c.eq("no mode written", r("GET", "/mode/n1"), (404, 40409))


BAD_SUBJECTS = ["%C0%AF", "%FF%FE", "a%E0%80%AFb", "%ED%A0%80"]  # overlong '/', not UTF-8, surrogate


def utf8_subjects(c, base):
    before = [request(base, "GET", p) for p in ("/subjects?deleted=true", "/schemas?deleted=true",
                                                 "/config", "/mode", "/contexts")]
    body = {"schema": '"int"'}
    for s in BAD_SUBJECTS:
        calls = [
            ("POST", "/subjects/%s/versions" % s, body),
            ("POST", "/subjects/%s" % s, body),
            ("GET", "/subjects/%s/versions" % s, None),
            ("GET", "/subjects/%s/versions/1" % s, None),
            ("DELETE", "/subjects/%s" % s, None),
            ("DELETE", "/subjects/%s/versions/1" % s, None),
            ("POST", "/compatibility/subjects/%s/versions/latest" % s, body),
            ("PUT", "/config/%s" % s, {"compatibility": "FULL"}),
            ("GET", "/config/%s" % s, None),
            ("DELETE", "/config/%s" % s, None),
            ("PUT", "/mode/%s" % s, {"mode": "READONLY"}),
            ("DELETE", "/mode/%s" % s, None),
            ("POST", "/subjects/:.%s:x/versions" % s, body),
            ("POST", "/contexts/%s/subjects/x/versions" % s, body),
            ("POST", "/contexts/.ok/subjects/%s/versions" % s, body),
            ("PUT", "/contexts/%s/config" % s, {"compatibility": "FULL"}),
            ("PUT", "/contexts/%s/mode" % s, {"mode": "READONLY"}),
            ("DELETE", "/contexts/%s" % s, None),
        ]
        for method, path, b in calls:
            st, resp = request(base, method, path, b)
            code = resp.get("error_code") if isinstance(resp, dict) else resp
            c.eq("%s %s" % (method, path), (st, code), (422, 42208))
        # reads that take a subject as a filter answer without a 500
        for path in ("/schemas/ids/1?subject=%s" % s, "/subjects?subjectPrefix=%s" % s,
                     "/schemas?subjectPrefix=%s" % s):
            st, _ = request(base, "GET", path)
            c.true("GET %s not a 500" % path, st < 500, st)
    after = [request(base, "GET", p) for p in ("/subjects?deleted=true", "/schemas?deleted=true",
                                                "/config", "/mode", "/contexts")]
    c.eq("nothing written by bad subjects", after, before)


def raw_exchange(port, data, wait=3.0):
    """Send bytes as they are; -> (everything answered until the server closed, closed?)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    s.sendall(data)
    got, closed = b"", False
    deadline = time.time() + wait
    try:
        while time.time() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            got += chunk
    except socket.timeout:
        pass
    s.close()
    return got, closed


def statuses(data):
    return [int(m) for m in re.findall(rb"HTTP/1\.[01] (\d{3}) ", data)]


def content_length(c, port):
    smuggled = b"GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n"
    body = json.dumps({"schema": '"string"'}).encode()
    head = (b"POST /subjects/cl/versions HTTP/1.1\r\nHost: x\r\nContent-Type: " + CT.encode() +
            b"\r\n")
    # two different lengths: the first covers the body, the second the body + a second request
    req = (head + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" %
           (len(body), len(body) + len(smuggled)) + body + smuggled)
    got, closed = raw_exchange(port, req)
    c.eq("two Content-Length: one 400 only", statuses(got), [400])
    c.true("two Content-Length: connection closed", closed)
    # the same length twice is one value in a list (RFC 9110 §8.6): refused too, as Confluent's
    # Jetty refuses it
    req = head + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body)) + body
    got, closed = raw_exchange(port, req)
    c.eq("repeated Content-Length: 400", statuses(got), [400])
    c.true("repeated Content-Length: closed", closed)
    req = head + b"Content-Length: %d, %d\r\n\r\n" % (len(body), len(body) + 5) + body
    got, closed = raw_exchange(port, req)  # libmicrohttpd answers this one itself
    c.true("Content-Length list: 400 only", statuses(got) and set(statuses(got)) == {400}, got)
    c.true("Content-Length list: closed", closed)
    c.eq("refused requests registered nothing",
         err_code(request("http://127.0.0.1:%d" % port, "GET", "/subjects/cl/versions")),
         (404, 40401))
    # Content-Length with Transfer-Encoding: the chunked body wins, then the connection closes
    chunked = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    req = (head + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + smuggled)
    got, closed = raw_exchange(port, req)
    st = statuses(got)
    c.true("CL + TE: one answer only", len(st) == 1, st)
    c.true("CL + TE: connection closed", closed)
    # a good request on a kept-alive connection still gets two answers
    ok = (b"GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n" + smuggled)
    got, _ = raw_exchange(port, ok, wait=1.5)
    c.eq("two plain requests: two answers", statuses(got), [200, 200])


def main():
    cairnd_available()
    c = Checks("test_registry_badinput")
    srv = Cairnd()
    try:
        srv.start()
        sid = nul_defaults(c, srv.url)
        nul_refused(c, srv.url)
        utf8_subjects(c, srv.url)
        content_length(c, srv.port)
        before = request(srv.url, "GET", "/schemas?deleted=true")
        c.eq("clean stop", srv.stop(), 0)
        srv.start()
        c.eq("replay keeps everything", request(srv.url, "GET", "/schemas?deleted=true"), before)
        c.eq("replayed text", request(srv.url, "GET", "/schemas/ids/%s" % sid),
             (200, {"guid": ANY_GUID, "schemaType": "AVRO", "schema": NUL_CANON}))
        c.eq("same id after restart", request(srv.url, "POST", "/subjects/blob2/versions",
                                              {"schema": NUL_SCHEMA}), (200, Registered(sid)))
    except Exception as e:  # a crash of the test itself is a failure, with the server log
        c.failed.append("exception: %r" % e)
        print("FAIL", e, "\n", srv.tail())
    finally:
        srv.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
