# SPDX-License-Identifier: Apache-2.0
#
# Helpers for the registry's Python tests (stdlib only, run with /usr/bin/python3): start a
# real cairnd from $CAIRN_BUILD/bin/cairnd on a free loopback port with a temporary data dir,
# wait until /status/ready answers 200, make requests, stop it (always).
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.environ.get("CAIRN_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("CAIRN_BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(ROOT, BUILD)
CAIRND = os.path.join(BUILD, "bin", "cairnd")
CT = "application/vnd.schemaregistry.v1+json"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cairnd:
    """One cairnd process; env adds CAIRN_* overrides."""

    def __init__(self, data_dir=None, env=None, port=None):
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="cairn-it-")
        self.port = port or free_port()
        self.env = dict(os.environ)
        self.env.update(env or {})
        # No Kafka listener unless a test asks for one: instances must not fight over 9092.
        self.env.setdefault("CAIRN_CAIRN_KAFKA_LISTENERS", "off")
        # CAIRN_TEST_KAFKASTORE=HOST:PORT runs the registry on that Kafka broker instead of the
        # bundled log, one topic per instance (tests/integration/test_registry_on_kafka.py).
        kafkastore = os.environ.get("CAIRN_TEST_KAFKASTORE")
        if kafkastore and "CAIRN_KAFKASTORE_BOOTSTRAP_SERVERS" not in self.env:
            self.env["CAIRN_KAFKASTORE_BOOTSTRAP_SERVERS"] = kafkastore
            self.env["CAIRN_KAFKASTORE_TOPIC"] = "_schemas-" + os.path.basename(self.data_dir)
            self.env.setdefault("CAIRN_KAFKASTORE_TIMEOUT_MS", "10000")
        self.proc = None
        self.log_path = os.path.join(tempfile.gettempdir(), "cairnd-%d.log" % self.port)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, wait=True, timeout=60):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [CAIRND, "--data-dir", self.data_dir, "--http", "127.0.0.1:%d" % self.port],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("cairnd exited with %s; log %s:\n%s" % (
                    self.proc.returncode, self.log_path, self.tail()))
            try:
                st, _ = request(self.url, "GET", "/status/ready", timeout=2)
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("cairnd not ready after %ss" % timeout)

    def tail(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-3000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        self.stop(signal.SIGKILL)
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        try:
            os.unlink(self.log_path)
        except OSError:
            pass


def request(base, method, path, body=None, headers=None, raw=None, timeout=30):
    """-> (status, parsed JSON or text). body is JSON-encoded unless raw bytes are given."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    h = {}
    if data is not None:
        h["Content-Type"] = CT
    h.update(headers or {})
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, text = r.status, r.read().decode()
            ctype = r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
        ctype = e.headers.get("Content-Type", "")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class AnyGuid:
    """Equals any schema GUID as Cairn writes it (Confluent 8.x: a lower-case UUID)."""

    def __eq__(self, other):
        return isinstance(other, str) and GUID_RE.match(other) is not None

    def __repr__(self):
        return "<any guid>"


ANY_GUID = AnyGuid()


class Registered:
    """Equals the answer to POST /subjects/{s}/versions when it registers (or finds) schema id:
    Confluent 8.x's RegisterSchemaResponse, {"id", "version", "guid", "schemaType", "schema", ...}
    (7.x answered {"id"} only)."""

    def __init__(self, id):
        self.id = id

    def __eq__(self, other):
        return (isinstance(other, dict) and other.get("id") == self.id
                and isinstance(other.get("version"), int) and other.get("guid") == ANY_GUID
                and other.get("schemaType") in ("AVRO", "JSON", "PROTOBUF")
                and isinstance(other.get("schema"), str) and "subject" not in other)

    def __repr__(self):
        return "<registered id %r>" % self.id


class Checks:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = []

    def eq(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed.append("%s: got %r, want %r" % (what, got, want))
            print("FAIL", self.failed[-1], flush=True)

    def true(self, what, cond, detail=""):
        self.eq(what + (" " + str(detail) if detail and not cond else ""), bool(cond), True)

    def done(self):
        print("%s: %d checks passed, %d failed" % (self.name, self.passed, len(self.failed)))
        return 0 if not self.failed else 1


def cairnd_available():
    if not os.access(CAIRND, os.X_OK):
        print("skipped: %s not built" % CAIRND)
        sys.exit(77)
