# SPDX-License-Identifier: Apache-2.0
#
# cairnd's configuration (docs/configuration.md): --help, a properties file, the
# CAIRN_* environment over the file, flags over both, bad values refused at start, SIGINT as a
# clean stop.
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import CAIRND, Checks, cairnd_available, free_port, request  # noqa: E402


def wait_ready(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            if request("http://127.0.0.1:%d" % port, "GET", "/status/ready", timeout=2)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def main():
    cairnd_available()
    c = Checks("test_cairnd_config")
    tmp = tempfile.mkdtemp(prefix="cairn-cfg-")
    procs = []
    try:
        out = subprocess.run([CAIRND, "--help"], capture_output=True, text=True, timeout=10)
        c.eq("--help exit", out.returncode, 0)
        for flag in ["--config", "--data-dir", "--http"]:
            c.true("--help lists " + flag, flag in out.stdout)
        c.eq("unknown flag", subprocess.run([CAIRND, "--nope"], capture_output=True,
                                            timeout=10).returncode, 2)

        file_port, flag_port, kafka_port = free_port(), free_port(), free_port()
        cfg = os.path.join(tmp, "cairnd.properties")
        with open(cfg, "w") as f:
            f.write("# test\nlisteners=http://127.0.0.1:%d\n" % file_port)
            # not the default 9092, which another cairnd on the machine may hold
            f.write("cairn.kafka.listeners=127.0.0.1:%d\n" % kafka_port)
            f.write("cairn.data.dir=%s\n" % os.path.join(tmp, "data"))
            # a free port, not the default 9092 another cairnd on this machine may hold
            f.write("cairn.kafka.listeners=127.0.0.1:%d\n" % free_port())
            f.write("schema.compatibility.level=full\nmode.mutability : false\n")
        env = dict(os.environ)
        p = subprocess.Popen([CAIRND, "--config", cfg], env=env, stderr=subprocess.PIPE)
        procs.append(p)
        c.true("starts from the file", wait_ready(file_port, p))
        base = "http://127.0.0.1:%d" % file_port
        c.eq("level from file", request(base, "GET", "/config")[1], {"compatibilityLevel": "FULL"})
        c.eq("mode.mutability=false", request(base, "PUT", "/mode", {"mode": "READONLY"})[1]
             .get("error_code"), 42205)
        request(base, "POST", "/subjects/kept/versions", {"schema": "\"int\""})
        p.send_signal(signal.SIGINT)
        c.eq("SIGINT is a clean stop", p.wait(20), 0)
        c.true("ready line logged", b"cairnd ready: REST API on http://127.0.0.1:%d" % file_port
               in p.stderr.read())

        env["CAIRN_SCHEMA_COMPATIBILITY_LEVEL"] = "forward"
        p = subprocess.Popen([CAIRND, "--config", cfg, "--http", "127.0.0.1:%d" % flag_port],
                             env=env, stderr=subprocess.DEVNULL)
        procs.append(p)
        c.true("flag wins over the file", wait_ready(flag_port, p))
        base = "http://127.0.0.1:%d" % flag_port
        c.eq("environment wins over the file", request(base, "GET", "/config")[1],
             {"compatibilityLevel": "FORWARD"})
        c.eq("data dir from the file kept", request(base, "GET", "/subjects")[1], ["kept"])
        p.send_signal(signal.SIGTERM)
        c.eq("SIGTERM is a clean stop", p.wait(20), 0)

        for key, val in [("CAIRN_SCHEMA_COMPATIBILITY_LEVEL", "sideways"),
                         ("CAIRN_CAIRN_HTTP_THREADS", "0"), ("CAIRN_LISTENERS", "nowhere"),
                         ("CAIRN_CAIRN_REGISTRY_PARSE_CACHE_SIZE", "0")]:
            bad = dict(os.environ)
            bad["CAIRN_CAIRN_KAFKA_LISTENERS"] = "off"  # refused for the bad value, not the port
            bad[key] = val
            r = subprocess.run([CAIRND, "--data-dir", os.path.join(tmp, "bad")], env=bad,
                               capture_output=True, text=True, timeout=30)
            c.eq("bad %s refused" % key, r.returncode, 1)
            c.true("bad %s explained" % key, "cannot start" in r.stderr, r.stderr[-300:])
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
