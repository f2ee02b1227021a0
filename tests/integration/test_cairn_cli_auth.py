# SPDX-License-Identifier: Apache-2.0
#
# The `cairn` registry flags reach the wire: a small HTTPS registry stand-in (stdlib
# http.server + ssl, a certificate made with the openssl CLI for localhost) records what each
# request carried. Covers --user / CAIRN_REGISTRY_USER_INFO (basic auth), --bearer-token /
# CAIRN_REGISTRY_BEARER_TOKEN, --ca-file / CAIRN_REGISTRY_CA_FILE, --insecure, --cert-file and
# --key-file (client certificate), --registry-property (an extra header), fail-over from a dead
# URL, and that verification failures are exit 1 with the reason on stderr.
import base64
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import BUILD, Checks, free_port  # noqa: E402

CAIRN = os.path.join(BUILD, "bin", "cairn")


class Handler(BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        peer = self.connection.getpeercert()
        Handler.seen.append({"path": self.path, "auth": self.headers.get("Authorization"),
                             "x": self.headers.get("X-Cairn-Test"), "client_cert": bool(peer)})
        body = json.dumps(["s1", "s2"]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def make_cert(d):
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost"], capture_output=True)
    return (cert, key) if p.returncode == 0 else (None, None)


def run(*args, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_REGISTRY")}
    e.update(env or {})
    p = subprocess.run([CAIRN] + list(args), capture_output=True, text=True, env=e, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    if not os.access(CAIRN, os.X_OK) or not shutil.which("openssl"):
        print("skipped: cairn or openssl missing")
        return 77
    d = tempfile.mkdtemp(prefix="cairn-auth-")
    cert, key = make_cert(d)
    if not cert:
        print("skipped: openssl could not make a certificate")
        return 77
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.load_verify_locations(cert)
    ctx.verify_mode = ssl.CERT_OPTIONAL  # a client certificate is checked when presented
    port = free_port()
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    url = "https://localhost:%d" % port
    c = Checks("cairn registry flags on the wire")
    try:
        def last():
            return Handler.seen[-1] if Handler.seen else {}

        rc, out, err = run("schema", "list", "--registry", url, "--ca-file", cert, "--user", "alice:s3cret")
        c.eq("https with --ca-file and --user", (rc, out.split()), (0, ["s1", "s2"]))
        c.eq("basic auth sent", last().get("auth"), "Basic " + base64.b64encode(b"alice:s3cret").decode())
        rc, out, err = run("schema", "list", "--registry", url)
        c.true("unknown CA: exit 1 with the TLS reason", rc == 1 and "TRANSPORT" in err and "certificate" in err.lower(), err)
        rc, out, err = run("schema", "list", "--registry", url, "--insecure", "--bearer-token", "tok-1")
        c.eq("--insecure skips verification", rc, 0)
        c.eq("bearer token sent", last().get("auth"), "Bearer tok-1")
        rc, out, err = run("schema", "list", env={"CAIRN_REGISTRY_URL": url, "CAIRN_REGISTRY_CA_FILE": cert,
                                                   "CAIRN_REGISTRY_USER_INFO": "bob:pw"})
        c.eq("environment: URL, CA file, user info", (rc, last().get("auth")),
             (0, "Basic " + base64.b64encode(b"bob:pw").decode()))
        rc, out, err = run("schema", "list", "--registry", url, "--ca-file", cert,
                           env={"CAIRN_REGISTRY_BEARER_TOKEN": "tok-env"})
        c.eq("environment: bearer token", (rc, last().get("auth")), (0, "Bearer tok-env"))
        rc, out, err = run("schema", "list", "--registry", url, "--ca-file", cert)
        c.eq("no client certificate by default", (rc, last().get("client_cert")), (0, False))
        rc, out, err = run("schema", "list", "--registry", url, "--ca-file", cert, "--cert-file", cert,
                           "--key-file", key)
        c.eq("client certificate presented", (rc, last().get("client_cert")), (0, True))
        rc, out, err = run("schema", "list", "--registry", url, "--ca-file", cert,
                           "--registry-property", "request.header.X-Cairn-Test=yes")
        c.eq("--registry-property request.header.*", (rc, last().get("x")), (0, "yes"))
        dead = "http://127.0.0.1:%d" % free_port()
        rc, out, err = run("schema", "list", "--registry", dead + "," + url, "--ca-file", cert)
        c.eq("fail-over from a dead URL", (rc, out.split()), (0, ["s1", "s2"]))
    finally:
        srv.shutdown()
        srv.server_close()
        shutil.rmtree(d, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
