#!/usr/bin/python3
"""python3-confluent-kafka (Debian, librdkafka underneath) against the bundled broker:
AdminClient (create with configs, describe configs, list, delete, the _schemas guard),
Producer (keys, headers, delivery reports) and a Consumer group that commits and resumes.
Starts build/bin/brokerd (or $BROKERD) on a free loopback port with a temporary data dir."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic
except ImportError:
    print("python3-confluent-kafka not installed")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROKERD = os.environ.get("BROKERD") or os.path.join(
    ROOT, os.environ.get("CAIRN_BUILD", "build"), "bin", "brokerd")


def start(datadir):
    proc = subprocess.Popen([BROKERD, "--data-dir", datadir, "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    port = int(proc.stdout.readline().decode().strip())
    return proc, "127.0.0.1:%d" % port


def admin_checks(bootstrap):
    a = AdminClient({"bootstrap.servers": bootstrap})
    fs = a.create_topics([NewTopic("py-topic", num_partitions=3, replication_factor=1,
                                   config={"cleanup.policy": "compact"}),
                          NewTopic("_schemas", num_partitions=1, replication_factor=1,
                                   config={"cleanup.policy": "compact"})])
    for f in fs.values():
        f.result(timeout=15)
    md = a.list_topics(timeout=10)
    assert "py-topic" in md.topics, md.topics
    assert len(md.topics["py-topic"].partitions) == 3
    res = ConfigResource(ConfigResource.Type.TOPIC, "py-topic")
    cfg = a.describe_configs([res])[res].result(timeout=10)
    assert cfg["cleanup.policy"].value == "compact", cfg["cleanup.policy"]
    try:
        a.delete_topics(["_schemas"])["_schemas"].result(timeout=10)
        raise AssertionError("deleting _schemas must fail")
    except KafkaException as e:
        assert "POLICY_VIOLATION" in str(e) or "olicy" in str(e), e
    a.delete_topics(["py-topic"])["py-topic"].result(timeout=10)
    assert "py-topic" not in a.list_topics(timeout=10).topics


def produce(bootstrap, topic, start_at, n):
    delivered = []
    p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True,
                  "linger.ms": 5})

    def dr(err, msg):
        assert err is None, err
        delivered.append(msg.offset())
    for i in range(start_at, start_at + n):
        p.produce(topic, key=b"k%d" % i, value=b"v%d" % i, headers=[("h", b"%d" % i)],
                  on_delivery=dr)
        p.poll(0)
    assert p.flush(20) == 0
    assert len(delivered) == n, len(delivered)


def consume(bootstrap, topic, want, group="pyg"):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "heartbeat.interval.ms": 300, "session.timeout.ms": 6000})
    c.subscribe([topic])
    got = []
    deadline = time.time() + 30
    while len(got) < want and time.time() < deadline:
        m = c.poll(0.2)
        if m is None or m.error():
            continue
        assert m.value() == b"v" + m.key()[1:], (m.key(), m.value())
        assert m.headers() == [("h", m.key()[1:])], m.headers()
        got.append(m.value())
    c.commit(asynchronous=False)
    # nothing more arrives beyond what was produced
    extra = c.poll(1.0)
    assert extra is None or extra.error(), extra.value()
    committed = c.committed([TopicPartition(topic, 0)], timeout=10)
    c.close()
    return got, committed


def main():
    if not os.access(BROKERD, os.X_OK):
        print("no " + BROKERD)
        return 77
    tmp = tempfile.mkdtemp(prefix="cairn-py-")
    proc, bootstrap = start(os.path.join(tmp, "data"))
    try:
        admin_checks(bootstrap)
        produce(bootstrap, "py-events", 0, 500)
        got, committed = consume(bootstrap, "py-events", 500)
        assert len(got) == 500 and len(set(got)) == 500, len(got)
        assert committed[0].offset == 500, committed
        produce(bootstrap, "py-events", 500, 10)
        got, committed = consume(bootstrap, "py-events", 10)  # resumes from the commit
        assert sorted(got) == sorted(b"v%d" % i for i in range(500, 510)), got
        assert committed[0].offset == 510, committed
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    print("python confluent-kafka: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
