# SPDX-License-Identifier: Apache-2.0
#
# Restart and crash (issue 4; the invariants of Confluent's HardBounce test): concurrent writers
# register thousands of schemas across subjects (their appends share fsyncs: group commit) while
# readers read the latest versions, and cairnd is SIGKILLed at random moments; after each restart
# every acknowledged registration is there with the same id and version, every version a reader
# saw is there with the same id (nothing is answered before it is durable), ids are unique per
# schema, and numbering continues. Then a corrupt tail is appended to the `_schemas` segment and
# cairnd must still start with everything acknowledged. Bounded in count and time; prints its seed.
import json
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regtest import Cairnd, Checks, cairnd_available, request  # noqa: E402

SUBJECTS = 40
WRITERS = 8
READERS = 2
CYCLES = 6
TARGET = 3000          # acknowledged registrations wanted in total
TIME_BUDGET = 150.0    # seconds for the kill cycles


def schema_text(n):
    # a new record name per schema: every registration is compatible and new
    return json.dumps({"type": "record", "name": "R%d" % n, "fields": [{"name": "f", "type": "long"}]})


class Writers:
    def __init__(self, url, start_n):
        self.url = url
        self.acked = []  # (subject, n, id)
        self.seen = []  # (subject, version, id) read by readers
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.next_n = start_n

    def take(self):
        with self.lock:
            self.next_n += 1
            return self.next_n

    def run(self):
        while not self.stop.is_set():
            n = self.take()
            subject = "s%02d" % (n % SUBJECTS)
            try:
                st, body = request(self.url, "POST", "/subjects/%s/versions" % subject,
                                   {"schema": schema_text(n)}, timeout=5)
            except OSError:
                return  # the server died: this registration was not acknowledged
            if st == 200:
                with self.lock:
                    self.acked.append((subject, n, body["id"]))
            elif st >= 500 or st == 0:
                return

    def read(self):
        rnd = random.Random(self.next_n)
        while not self.stop.is_set():
            subject = "s%02d" % rnd.randrange(SUBJECTS)
            try:
                st, body = request(self.url, "GET", "/subjects/%s/versions/latest" % subject,
                                   timeout=5)
            except OSError:
                return
            if st == 200:
                with self.lock:
                    self.seen.append((subject, body["version"], body["id"]))
            elif st >= 500 or st == 0:
                return


def verify_seen(c, url, seen, tag):
    """Every version a reader was answered is still there with the same id."""
    bad = 0
    for subject, version, sid in seen:
        st, body = request(url, "GET", "/subjects/%s/versions/%d" % (subject, version))
        if st != 200 or body.get("id") != sid:
            bad += 1
            if bad < 5:
                print("read then lost:", subject, version, sid, st, body)
    c.eq("%s: versions seen by readers intact (%d)" % (tag, len(seen)), bad, 0)


def verify(c, url, acked, tag):
    """Every acknowledged registration resolves to the same id; ids are unique per schema."""
    by_id = {}
    bad = 0
    for subject, n, sid in acked:
        st, body = request(url, "POST", "/subjects/%s" % subject, {"schema": schema_text(n)})
        if st != 200 or body.get("id") != sid:
            bad += 1
            if bad < 5:
                print("lost or changed:", subject, n, sid, st, body)
        if by_id.setdefault(sid, n) != n:
            bad += 1
            print("id %d given to two schemas" % sid)
    c.eq("%s: acknowledged registrations intact (%d)" % (tag, len(acked)), bad, 0)
    st, subs = request(url, "GET", "/subjects")
    total = 0
    for s in subs:
        vs = request(url, "GET", "/subjects/%s/versions" % s)[1]
        c.eq("%s: versions of %s are 1..n" % (tag, s), vs, list(range(1, len(vs) + 1)))
        total += len(vs)
    return total


def kill_cycles(c, srv, seed):
    rnd = random.Random(seed)
    acked = []
    seen = []
    n0 = 0
    t0 = time.time()
    for cycle in range(CYCLES):
        if len(acked) >= TARGET and cycle >= 3 or time.time() - t0 > TIME_BUDGET:
            break
        srv.start()
        if cycle == 0:  # distinct record names are not BACKWARD-compatible with each other
            c.eq("config NONE", request(srv.url, "PUT", "/config", {"compatibility": "NONE"})[0],
                 200)
        w = Writers(srv.url, n0)
        threads = [threading.Thread(target=w.run) for _ in range(WRITERS)]
        threads += [threading.Thread(target=w.read) for _ in range(READERS)]
        for t in threads:
            t.start()
        time.sleep(rnd.uniform(0.5, 3.0))
        srv.stop(signal.SIGKILL)
        w.stop.set()
        for t in threads:
            t.join(10)
        acked.extend(w.acked)
        seen.extend(w.seen)
        n0 = w.next_n + 1000
        print("cycle %d: %d acknowledged so far" % (cycle, len(acked)), flush=True)
    srv.start()
    total = verify(c, srv.url, acked, "after kills")
    verify_seen(c, srv.url, seen, "after kills")
    c.true("at least one registration per acknowledgement", total >= len(acked))
    st, body = request(srv.url, "POST", "/subjects/after/versions", {"schema": schema_text(10**7)})
    ids = [sid for _, _, sid in acked]
    c.true("a new id after restart is fresh", st == 200 and body["id"] not in ids, body)
    return acked


def corrupt_tail(c, srv, acked):
    srv.stop(signal.SIGKILL)
    seg_dir = os.path.join(srv.data_dir, "_schemas-0")
    logs = sorted(f for f in os.listdir(seg_dir) if f.endswith(".log"))
    with open(os.path.join(seg_dir, logs[-1]), "ab") as f:
        f.write(b"\x00\x00\x00\x00\x00\x00\x01\x00" + os.urandom(300))
    srv.start()
    verify(c, srv.url, acked, "after corrupt tail")
    c.eq("writes after recovery", request(srv.url, "POST", "/subjects/tail/versions",
                                          {"schema": "\"string\""})[0], 200)


def main():
    cairnd_available()
    seed = int(os.environ.get("CAIRN_TEST_SEED", time.time()))
    print("seed", seed)
    c = Checks("test_registry_crash")
    srv = Cairnd()
    try:
        acked = kill_cycles(c, srv, seed)
        corrupt_tail(c, srv, acked)
        c.eq("clean stop", srv.stop(), 0)
    except Exception as e:
        c.failed.append("exception: %r" % e)
        print("FAIL", repr(e), "\n", srv.tail())
    finally:
        srv.cleanup()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
